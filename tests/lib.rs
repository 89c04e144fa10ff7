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
