//! The library API for `build.rs` and for tools: inputs in, Rust out.

use std::path::{Path, PathBuf};

use kubegen_templates::emit::{self, CrateOptions, EmitOptions, GeneratedFile, RuntimeDependency};
use kubegen_templates::ir::Api;

use crate::error::Result;
use crate::output::{self, Difference};

/// Generates Rust types from CRDs.
///
/// In a `build.rs` (its `main`):
///
/// ```no_run
/// let out_dir = std::env::var("OUT_DIR").unwrap();
/// kubegen_generator::Builder::new()
///     .input("crds/")
///     .generate(&out_dir)
///     .unwrap();
/// ```
///
/// and in the crate: `include!(concat!(env!("OUT_DIR"), "/kubegen.rs"));`.
#[derive(Clone, Debug)]
pub struct Builder {
    inputs: Vec<PathBuf>,
    crate_name: String,
    runtime: RuntimeDependency,
    runtime_crate: String,
    command: Option<String>,
    default_features: bool,
    load: crate::LoadOptions,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    /// A builder with no inputs, depending on the `kubegen` runtime of this version.
    pub fn new() -> Self {
        Self {
            inputs: Vec::new(),
            crate_name: "generated".to_owned(),
            runtime: RuntimeDependency::Version(env!("CARGO_PKG_VERSION").to_owned()),
            runtime_crate: "kubegen".to_owned(),
            command: None,
            default_features: true,
            load: crate::LoadOptions::default(),
        }
    }

    /// Adds an input: a CRD file (YAML or JSON, multi-document allowed) or a
    /// directory read recursively.
    pub fn input(mut self, path: impl AsRef<Path>) -> Self {
        self.inputs.push(path.as_ref().to_path_buf());
        self
    }

    /// Adds several inputs.
    pub fn inputs<P: AsRef<Path>>(mut self, paths: impl IntoIterator<Item = P>) -> Self {
        self.inputs
            .extend(paths.into_iter().map(|p| p.as_ref().to_path_buf()));
        self
    }

    /// The package name of a generated crate.
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.crate_name = name.into();
        self
    }

    /// Makes a generated crate depend on the runtime by path instead of version.
    pub fn runtime_path(mut self, path: impl Into<String>) -> Self {
        self.runtime = RuntimeDependency::Path(path.into());
        self
    }

    /// The name under which generated code refers to the runtime crate (default `kubegen`).
    pub fn runtime_crate(mut self, name: impl Into<String>) -> Self {
        self.runtime_crate = name.into();
        self
    }

    /// The command line recorded in generated file headers.
    pub fn command(mut self, command: impl Into<String>) -> Self {
        self.command = Some(command.into());
        self
    }

    /// Whether a generated crate enables every group-version by default (it does unless told otherwise).
    pub fn default_features(mut self, enabled: bool) -> Self {
        self.default_features = enabled;
        self
    }

    /// Turns reuse off: every embedded built-in schema and every repeated
    /// subtree is generated as its own type (as kopium does).
    pub fn no_reuse(mut self) -> Self {
        self.load.reuse = None;
        self
    }

    /// Makes reused built-in types come from `kubegen-api` at this path
    /// (relative to a generated crate) instead of from the registry.
    pub fn api_path(mut self, path: impl Into<String>) -> Self {
        if let Some(dependency) = &mut self.load.reuse {
            dependency.path = Some(path.into());
        }
        self
    }

    /// Reads the inputs into the IR; also returns the notes about skipped documents.
    pub fn load(&self) -> Result<crate::Loaded> {
        crate::load(&self.inputs, &self.load)
    }

    fn emit_options(&self) -> EmitOptions {
        // The emitter lists each module's source files itself; the header adds how to regenerate.
        let header = self
            .command
            .iter()
            .map(|command| format!("Command: `{command}`"))
            .collect();
        EmitOptions {
            runtime_crate: self.runtime_crate.clone(),
            header,
        }
    }

    /// The files of a generated crate, without writing them.
    pub fn crate_files(&self) -> Result<(Vec<GeneratedFile>, crate::Loaded)> {
        let loaded = self.load()?;
        let options = CrateOptions {
            crate_name: self.crate_name.clone(),
            runtime_dependency: self.runtime.clone(),
            default_features: self.default_features,
            emit: self.emit_options(),
        };
        let files = emit::emit_crate(&loaded.api, &options)?;
        Ok((files, loaded))
    }

    /// Writes a whole crate (Cargo.toml, src/…) to `out`, replacing it only if all of it succeeded.
    pub fn write_crate(&self, out: impl AsRef<Path>) -> Result<crate::Loaded> {
        let (files, loaded) = self.crate_files()?;
        output::write_crate(&files, out.as_ref())?;
        Ok(loaded)
    }

    /// Compares the crate that would be generated with `out`; empty means up to date.
    pub fn check_crate(&self, out: impl AsRef<Path>) -> Result<Vec<Difference>> {
        let (files, _) = self.crate_files()?;
        output::check_crate(&files, out.as_ref())
    }

    /// For `build.rs`: writes every type into one file, `<out_dir>/kubegen.rs`,
    /// to be `include!`d, and tells cargo to rerun when an input changes.
    pub fn generate(&self, out_dir: impl AsRef<Path>) -> Result<PathBuf> {
        let loaded = self.load()?;
        let source = emit::emit_single_file(&loaded.api, &self.emit_options())?;
        let path = out_dir.as_ref().join("kubegen.rs");
        output::write_file(&source, &path)?;
        if std::env::var_os("CARGO").is_some() && std::env::var_os("OUT_DIR").is_some() {
            for input in &self.inputs {
                println!("cargo:rerun-if-changed={}", input.display());
            }
            for file in &loaded.files {
                println!("cargo:rerun-if-changed={}", file.display());
            }
        }
        Ok(path)
    }

    /// The IR alone, for tools and tests.
    pub fn api(&self) -> Result<Api> {
        Ok(self.load()?.api)
    }
}
