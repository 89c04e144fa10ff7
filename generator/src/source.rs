//! Reading inputs: files and directories of YAML or JSON, split into documents.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Location, Result};

/// One parsed YAML or JSON document and where it came from.
#[derive(Clone, Debug)]
pub struct Document {
    /// Where the document starts; its pointer is empty.
    pub location: Location,
    /// The document's content.
    pub value: Value,
}

/// File endings read when a directory is given.
const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// Expands the inputs into a sorted list of files: a file stands for itself,
/// a directory for every `.yaml`, `.yml` and `.json` file below it.
pub fn collect_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        let metadata = fs::metadata(input).map_err(|e| Error::io(input, e))?;
        if metadata.is_dir() {
            walk(input, &mut files)?;
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<std::io::Result<_>>()
        .map_err(|e| Error::io(dir, e))?;
    // Directory order is not stable across file systems; output must be.
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files)?;
        } else if path
            .extension()
            .and_then(|ext| ext.to_str())
            .is_some_and(|ext| EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
        {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads one file into its documents. JSON files hold one document; YAML files
/// may hold several separated by `---`. Empty documents are dropped.
pub fn read_documents(path: &Path) -> Result<Vec<Document>> {
    let text = fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let file = path.display().to_string();
    parse_documents(&file, &text)
}

/// Parses `text` (the contents of `file`) into documents.
pub fn parse_documents(file: &str, text: &str) -> Result<Vec<Document>> {
    let is_json = file.to_ascii_lowercase().ends_with(".json");
    if is_json {
        let value: Value = serde_json::from_str(text).map_err(|e| Error::Syntax {
            file: file.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        return Ok(vec![Document {
            location: Location {
                file: file.to_owned(),
                document: None,
                line: 1,
                pointer: String::new(),
            },
            value,
        }]);
    }
    let chunks = split_yaml_documents(text);
    let many = chunks.iter().filter(|chunk| !is_blank(chunk.text)).count() > 1;
    let mut documents = Vec::new();
    for (index, chunk) in chunks.iter().enumerate() {
        if is_blank(chunk.text) {
            continue;
        }
        let value: Value = serde_yaml_ng::from_str(chunk.text).map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| (l.line() + chunk.first_line - 1, l.column()))
                .unwrap_or((chunk.first_line, 1));
            Error::Syntax {
                file: file.to_owned(),
                line,
                column,
                message: yaml_message(&e),
            }
        })?;
        if value.is_null() {
            continue;
        }
        documents.push(Document {
            location: Location {
                file: file.to_owned(),
                document: many.then_some(index + 1),
                line: chunk.first_line,
                pointer: String::new(),
            },
            value,
        });
    }
    Ok(documents)
}

/// serde_yaml appends " at line X column Y" itself; the error format puts the
/// position first, so drop the duplicate.
fn yaml_message(error: &serde_yaml_ng::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message,
    }
}

struct Chunk<'a> {
    text: &'a str,
    first_line: usize,
}

/// Splits a YAML stream at `---` document markers, keeping each document's
/// first line so that parse errors point into the whole file. A marker is a
/// line starting with `---` followed by nothing or whitespace; block scalars
/// are indented, so such a line cannot be content.
fn split_yaml_documents(text: &str) -> Vec<Chunk<'_>> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut first_line = 1;
    let mut offset = 0;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_end_matches(['\n', '\r']);
        let is_marker = trimmed == "---"
            || trimmed.starts_with("--- ")
            || trimmed.starts_with("---\t")
            || trimmed == "...";
        if is_marker {
            chunks.push(Chunk {
                text: &text[start..offset],
                first_line,
            });
            // A document may start on the marker line (`--- !tag` or `--- value`).
            let rest = trimmed.strip_prefix("---").unwrap_or("");
            if rest.trim().is_empty() || trimmed == "..." {
                start = offset + line.len();
                first_line = number + 2;
            } else {
                start = offset + 3;
                first_line = number + 1;
            }
        }
        offset += line.len();
    }
    chunks.push(Chunk {
        text: &text[start..],
        first_line,
    });
    chunks
}

fn is_blank(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#') || line.starts_with('%')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_documents_and_keeps_line_numbers() {
        let text = "# comment\n---\na: 1\n---\n\n---\nb: [\n";
        let error = parse_documents("x.yaml", text).unwrap_err().to_string();
        assert!(error.starts_with("x.yaml:8:"), "{error}");
        let documents = parse_documents("x.yaml", "a: 1\n---\nb: 2\n").unwrap();
        assert_eq!(documents.len(), 2);
        assert_eq!(documents[1].location.line, 3);
        assert_eq!(documents[1].location.document, Some(2));
    }

    #[test]
    fn json_errors_have_positions() {
        let error = parse_documents("x.json", "{\n  \"a\": \n")
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("x.json:3:"), "{error}");
    }
}
