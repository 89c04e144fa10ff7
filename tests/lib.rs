//! Shared helpers for the workspace-level tests in `tests/tests/`.
//!
//! The real-world material in `../shared/specs` is read in place, never copied
//! into the repository. When it is absent a test fails with a clear message if
//! `CI` is set, and otherwise skips with a loud note.

#![forbid(unsafe_code)]

pub mod corpus;

use std::path::{Path, PathBuf};

/// The repository root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// `../shared/specs` beside the checkout, or `None` (after a loud note) when
/// it is absent outside CI.
///
/// # Panics
/// When the directory is absent and `CI` is set: CI must have it.
pub fn shared_specs(test: &str) -> Option<PathBuf> {
    let dir = workspace_root().join("../shared/specs");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{test}: {} is missing; CI must provide ../shared/specs beside the checkout",
            dir.display()
        );
    }
    eprintln!(
        "\n!!!!!!!!\n!!! SKIPPING {test}: {} is missing (the shared real-world specs belong beside the checkout)\n!!!!!!!!\n",
        dir.display()
    );
    None
}

/// One difference between two JSON values, at a JSON pointer.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    /// Where.
    pub pointer: String,
    /// The original value (`None`: absent there).
    pub original: Option<serde_json::Value>,
    /// The value after the round trip (`None`: absent there).
    pub encoded: Option<serde_json::Value>,
}

/// Every difference between `original` and `encoded`, numbers compared by
/// value (`5` and `5.0` are one JSON number).
pub fn json_diff(original: &serde_json::Value, encoded: &serde_json::Value) -> Vec<Difference> {
    use serde_json::Value;
    fn walk(pointer: String, a: &Value, b: &Value, out: &mut Vec<Difference>) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for (key, value) in x {
                    let child = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                    match y.get(key) {
                        Some(other) => walk(child, value, other, out),
                        None => out.push(Difference {
                            pointer: child,
                            original: Some(value.clone()),
                            encoded: None,
                        }),
                    }
                }
                for (key, value) in y {
                    if !x.contains_key(key) {
                        let child =
                            format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                        out.push(Difference {
                            pointer: child,
                            original: None,
                            encoded: Some(value.clone()),
                        });
                    }
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                for (index, (p, q)) in x.iter().zip(y).enumerate() {
                    walk(format!("{pointer}/{index}"), p, q, out);
                }
            }
            (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => {}
            (x, y) if x == y => {}
            (x, y) => out.push(Difference {
                pointer,
                original: Some(x.clone()),
                encoded: Some(y.clone()),
            }),
        }
    }
    let mut out = Vec::new();
    walk(String::new(), original, encoded, &mut out);
    out
}
