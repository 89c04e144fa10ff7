//! Descriptions → doc attributes that rustdoc renders without surprises.
//!
//! Descriptions are Go doc prose, not rustdoc markdown. The one real hazard is
//! code: rustdoc compiles and runs every code block without a language, and
//! every indented block, as a doctest. So every block becomes ```` ```text ````,
//! whatever it claimed to be. Link and HTML oddities only cost warnings, which
//! the generated crate allows.

use proc_macro2::TokenStream;
use quote::quote;

/// Doc text being assembled from descriptions and generated lines.
#[derive(Clone, Debug, Default)]
pub(crate) struct Docs {
    lines: Vec<String>,
}

impl Docs {
    /// An empty set of docs.
    pub(crate) fn new() -> Self {
        Docs::default()
    }

    /// Adds a description as its own paragraphs, made safe; blank ones add nothing.
    pub(crate) fn text(&mut self, text: Option<&str>) -> &mut Self {
        let lines = sanitize(text.unwrap_or_default());
        if !lines.is_empty() {
            if !self.lines.is_empty() {
                self.lines.push(String::new());
            }
            self.lines.extend(lines);
        }
        self
    }

    /// Adds a generated line (already valid rustdoc) as its own paragraph.
    pub(crate) fn line(&mut self, line: impl Into<String>) -> &mut Self {
        let line = line.into();
        self.text(Some(&line))
    }

    /// Adds verbatim lines as a text block of their own; no lines add nothing.
    pub(crate) fn block(&mut self, lines: &[String]) -> &mut Self {
        if lines.is_empty() {
            return self;
        }
        if !self.lines.is_empty() {
            self.lines.push(String::new());
        }
        fence_block(lines, 0, &mut self.lines);
        self
    }

    /// `#[doc = "…"]` attributes, which format as `///` lines.
    pub(crate) fn outer(&self) -> TokenStream {
        let lines = self.padded();
        quote!(#(#[doc = #lines])*)
    }

    /// `#![doc = "…"]` attributes, which format as `//!` lines.
    pub(crate) fn inner(&self) -> TokenStream {
        let lines = self.padded();
        quote!(#(#![doc = #lines])*)
    }

    fn padded(&self) -> Vec<String> {
        // The space after `///` is part of the doc string; empty lines get none so
        // that no line ends in whitespace.
        self.lines
            .iter()
            .map(|line| {
                if line.is_empty() {
                    String::new()
                } else {
                    format!(" {line}")
                }
            })
            .collect()
    }
}

/// Inline code for any text: a backtick fence longer than any run inside, with
/// control characters escaped so the span stays on one line.
pub(crate) fn code(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let ticks = "`".repeat(longest_run(&text, '`') + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || text.is_empty() {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// Text as plain comment lines: one line per input line, no control characters,
/// no trailing whitespace.
pub(crate) fn plain_lines(text: &str) -> Vec<String> {
    normalize(text)
}

fn longest_run(text: &str, marker: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == marker { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Line endings unified, tabs expanded (they decide indentation, so code-block
/// detection must see columns), control characters dropped (rustc rejects a bare
/// CR in a doc comment), trailing whitespace stripped (rustfmt rejects it).
fn normalize(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split(['\n', '\r'])
        .map(|line| {
            let mut out = String::new();
            let mut column = 0;
            for c in line.chars() {
                if c == '\t' {
                    let width = 4 - column % 4;
                    out.extend(std::iter::repeat_n(' ', width));
                    column += width;
                } else if !c.is_control() {
                    out.push(c);
                    column += 1;
                }
            }
            out.trim_end().to_owned()
        })
        .collect()
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A fence line: its indentation, marker and length, and whether it has an info string.
struct Fence {
    indent: usize,
    marker: char,
    len: usize,
    has_info: bool,
}

fn fence(line: &str) -> Option<Fence> {
    let indent = indentation(line);
    let rest = &line[indent..];
    let marker = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.len() - rest.trim_start_matches(marker).len();
    let info = rest[len..].trim();
    // A backtick in a backtick fence's info string makes it inline code instead.
    if len < 3 || (marker == '`' && info.contains('`')) {
        return None;
    }
    Some(Fence {
        indent,
        marker,
        len,
        has_info: !info.is_empty(),
    })
}

/// Whether a line is an ATX heading, after which an indented block needs no blank line.
fn is_heading(line: &str) -> bool {
    let rest = line.trim_start();
    let hashes = rest.len() - rest.trim_start_matches('#').len();
    indentation(line) < 4
        && (1..=6).contains(&hashes)
        && (rest.len() == hashes || rest[hashes..].starts_with(' '))
}

/// Makes a description safe for rustdoc; see the module docs. Returns the doc lines
/// without the leading space, or nothing for a blank description.
pub(crate) fn sanitize(text: &str) -> Vec<String> {
    let mut lines = normalize(text);
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let first = lines
        .iter()
        .position(|line| !line.is_empty())
        .unwrap_or(lines.len());
    let lines = &lines[first..];

    let mut out = Vec::new();
    let mut open: Option<Fence> = None;
    // Whether an indented line here starts a code block (it cannot interrupt a paragraph).
    let mut block_may_start = true;
    let mut index = 0;
    while let Some(line) = lines.get(index) {
        if let Some(current) = &open {
            out.push(line.clone());
            if fence(line).is_some_and(|close| {
                close.marker == current.marker && close.len >= current.len && !close.has_info
            }) {
                open = None;
                block_may_start = true;
            }
            index += 1;
            continue;
        }
        if line.is_empty() {
            out.push(String::new());
            block_may_start = true;
            index += 1;
            continue;
        }
        if block_may_start && indentation(line) >= 4 {
            let end = indented_block_end(lines, index);
            fence_indented(&lines[index..end], &mut out);
            index = end;
            continue;
        }
        if let Some(opening) = fence(line) {
            let marker: String = std::iter::repeat_n(opening.marker, opening.len).collect();
            out.push(format!("{}{marker}text", " ".repeat(opening.indent)));
            open = Some(opening);
            index += 1;
            continue;
        }
        block_may_start = is_heading(line);
        out.push(line.clone());
        index += 1;
    }
    if let Some(opening) = open {
        let marker: String = std::iter::repeat_n(opening.marker, opening.len).collect();
        out.push(format!("{}{marker}", " ".repeat(opening.indent)));
    }
    out
}

/// The end (exclusive) of the indented block starting at `start`: it runs over
/// indented lines and the blank lines between them, not trailing blank ones.
fn indented_block_end(lines: &[String], start: usize) -> usize {
    let mut end = start;
    for (index, line) in lines.iter().enumerate().skip(start) {
        if line.is_empty() {
            continue;
        }
        if indentation(line) < 4 {
            break;
        }
        end = index + 1;
    }
    end
}

/// Writes an indented block as a fenced text block, dedented.
fn fence_indented(block: &[String], out: &mut Vec<String>) {
    let dedent = block
        .iter()
        .filter(|line| !line.is_empty())
        .map(|line| indentation(line))
        .min()
        .unwrap_or(0);
    fence_block(block, dedent, out);
}

/// Writes lines as a fenced text block with `dedent` columns removed. The fence
/// is longer than any backtick run inside, so nothing inside can close it.
fn fence_block(block: &[String], dedent: usize, out: &mut Vec<String>) {
    let longest = block
        .iter()
        .map(|line| longest_run(line, '`'))
        .max()
        .unwrap_or(0);
    let ticks = "`".repeat(longest.max(2) + 1);
    out.push(format!("{ticks}text"));
    out.extend(
        block
            .iter()
            .map(|line| line.get(dedent..).unwrap_or_default().to_owned()),
    );
    out.push(ticks);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(text: &str) -> String {
        sanitize(text).join("\n")
    }

    #[test]
    fn blank_descriptions_give_no_docs() {
        assert!(sanitize("").is_empty());
        assert!(sanitize("  \n\t\n").is_empty());
        assert!(Docs::new().text(Some(" \n ")).outer().is_empty());
    }

    #[test]
    fn fences_become_text_and_get_closed() {
        assert_eq!(
            clean("a\n```yaml\nk: v\n```\nb"),
            "a\n```text\nk: v\n```\nb"
        );
        assert_eq!(
            clean("```\nfn main() {}\n```"),
            "```text\nfn main() {}\n```"
        );
        assert_eq!(clean("```rust\nx\n```"), "```text\nx\n```");
        assert_eq!(clean("~~~~ sh\nx\n~~~"), "~~~~text\nx\n~~~\n~~~~");
        assert_eq!(clean("```\nunclosed"), "```text\nunclosed\n```");
        assert_eq!(clean("inline ```x``` code"), "inline ```x``` code");
    }

    #[test]
    fn indented_blocks_are_fenced() {
        assert_eq!(
            clean("Example:\n\n    kubectl get\n      -o yaml\n\n    more\n\nafter"),
            "Example:\n\n```text\nkubectl get\n  -o yaml\n\nmore\n```\n\nafter"
        );
        // A paragraph continuation is not a code block.
        assert_eq!(clean("a\n    b"), "a\n    b");
        assert_eq!(clean("\tx"), "```text\nx\n```");
        assert_eq!(clean("# Title\n    code"), "# Title\n```text\ncode\n```");
        assert_eq!(
            clean("    ```\n    x\n    ```"),
            "````text\n```\nx\n```\n````"
        );
    }

    #[test]
    fn whitespace_and_control_characters() {
        assert_eq!(clean("a  \r\nb\rc\u{7}d\n\n\n"), "a\nb\ncd");
        assert_eq!(clean("\n\nx"), "x");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("x"), "`x`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`"), "`` ` ``");
        assert_eq!(code("a\nb"), "`a\\nb`");
    }

    #[test]
    fn paragraphs_are_separated() {
        let mut docs = Docs::new();
        docs.text(Some("first")).text(None).line("second");
        assert_eq!(docs.lines, ["first", "", "second"]);
    }
}
