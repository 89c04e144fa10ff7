//! The generator's error type: every error names the file and where in it.

use std::fmt;
use std::path::PathBuf;

use kubegen_templates::emit::EmitError;

/// Where in the inputs something is: a file, the document within a
/// multi-document YAML file, and a JSON pointer into that document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file as the user named it (or as found below a directory they named).
    pub file: String,
    /// 1-based index of the YAML document, when the file holds more than one.
    pub document: Option<usize>,
    /// The first line of that document in the file (1-based).
    pub line: usize,
    /// JSON pointer (RFC 6901) into the document; empty for the whole document.
    pub pointer: String,
}

impl Location {
    /// The same document, at a pointer below this one.
    pub fn child(&self, segment: &str) -> Location {
        Location {
            pointer: format!("{}/{}", self.pointer, escape_pointer(segment)),
            ..self.clone()
        }
    }

    /// The same document at an absolute pointer.
    pub fn at(&self, pointer: &str) -> Location {
        Location {
            pointer: pointer.to_owned(),
            ..self.clone()
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(document) = self.document {
            write!(f, ":{} (document {document})", self.line)?;
        }
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, ": {pointer}")
    }
}

/// Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`).
pub fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Everything that can go wrong while generating.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file is not valid YAML or JSON.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A document parsed but does not make sense as a spec.
    #[error("{location}: {message}")]
    Invalid {
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// No input file held a definition to generate from.
    #[error("no CustomResourceDefinition or OpenAPI definition found in {inputs}")]
    NothingToGenerate {
        /// The inputs, comma-separated.
        inputs: String,
    },
    /// The emitter rejected the IR.
    #[error("emitting code: {0}")]
    Emit(#[from] EmitError),
}

impl Error {
    /// An [`Error::Invalid`] at `location`.
    pub fn invalid(location: &Location, message: impl Into<String>) -> Error {
        Error::Invalid {
            location: location.clone(),
            message: message.into(),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The generator's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
