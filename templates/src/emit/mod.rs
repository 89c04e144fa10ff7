//! Emitters: IR → Rust source.
//!
//! [`emit_crate`] writes a whole crate (one module per group and version, one
//! file per kind, a cargo feature per group-version); [`emit_single_file`]
//! writes the same items as inline modules of one file for `include!` from a
//! build script. Both only read the IR: every Rust name in it is final, so the
//! emitters invent nothing but file names and a few private helper names.
//!
//! Output is deterministic and formatted so that `rustfmt --check` accepts it.

mod clients;
pub mod derive;
mod docs;
mod format;
mod graph;
mod layout;
mod paths;
mod resource;
mod serde_impls;
mod types;

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;

use crate::ir::Api;

pub use format::format_tokens;

/// Options shared by both output shapes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmitOptions {
    /// The path generated code uses for the runtime crate: `kubegen` unless it is
    /// renamed or re-exported. It should not be relative (`super::…`), since code
    /// sits at several depths; in a crate its first segment is the dependency name.
    pub runtime_crate: String,
    /// Lines for the generated file headers: the source spec files and the command
    /// that produced the output.
    pub header: Vec<String>,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions {
            runtime_crate: "kubegen".to_owned(),
            header: Vec::new(),
        }
    }
}

/// Options for [`emit_crate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrateOptions {
    /// The package name written to `Cargo.toml`.
    pub crate_name: String,
    /// How the generated crate depends on the runtime.
    pub runtime_dependency: RuntimeDependency,
    /// Whether the `default` feature enables everything (`["full"]`) or nothing.
    pub default_features: bool,
    /// Options for the Rust sources.
    pub emit: EmitOptions,
}

/// Where the generated crate gets the runtime crate from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// A path dependency, relative to the generated crate or absolute.
    Path(String),
    /// A registry dependency with this version requirement.
    Version(String),
}

/// One file of generated output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The path relative to the crate root, `/`-separated.
    pub path: String,
    /// The file's complete contents.
    pub contents: String,
}

/// Why the IR could not be turned into Rust.
///
/// Every variant is an inconsistency in the IR a front end handed over (or in
/// the options); none depends on anything but the inputs.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// A name the IR calls final is not a Rust identifier.
    #[error("`{name}` ({what}) is not a valid Rust identifier")]
    InvalidIdent {
        /// The offending name.
        name: String,
        /// What the name was for.
        what: String,
    },
    /// [`EmitOptions::runtime_crate`] is not a Rust path.
    #[error("runtime crate path `{0}` is not a Rust path")]
    InvalidRuntimePath(String),
    /// A [`crate::ir::TypeRef::External`] type does not parse.
    #[error("external type `{path}` does not parse as a Rust type: {message}")]
    InvalidExternalType {
        /// The type as the IR spells it.
        path: String,
        /// The parser's complaint.
        message: String,
    },
    /// A reference to a generated type that no version of the IR defines.
    #[error("`{from}` refers to `{target}`, which this run does not generate")]
    UnknownType {
        /// The type holding the reference.
        from: String,
        /// The missing type, as `group::version::Name`.
        target: String,
    },
    /// A resource whose root type is missing, not a struct, shared, or lacks metadata.
    #[error("kind `{kind}` in `{group_version}`: {problem}")]
    InvalidRoot {
        /// The kind.
        kind: String,
        /// The group/version module path.
        group_version: String,
        /// What is wrong with it.
        problem: String,
    },
    /// Two things that must differ share a name.
    #[error("`{name}` is defined twice in {scope}")]
    DuplicateName {
        /// The repeated name.
        name: String,
        /// Where it repeats.
        scope: String,
    },
    /// The tokens built from the IR are not a Rust file.
    #[error("generated code does not parse: {0}")]
    Syntax(String),
}

/// Writes a whole crate: `Cargo.toml`, `src/lib.rs`, one directory per group and
/// version, one file per kind. Files are sorted by path.
pub fn emit_crate(api: &Api, options: &CrateOptions) -> Result<Vec<GeneratedFile>, EmitError> {
    layout::crate_files(api, options)
}

/// Writes every group and version as inline modules of one file, to be pulled in
/// with `include!` (so: no inner attributes, no cargo features, no `crate::` paths).
pub fn emit_single_file(api: &Api, options: &EmitOptions) -> Result<String, EmitError> {
    layout::single_file(api, options)
}
