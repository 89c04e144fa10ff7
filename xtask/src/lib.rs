//! The data behind `cargo xtask`: which generated artifacts live in the
//! repository and how each is produced (shared with the staleness test).

use std::path::{Path, PathBuf};

use kubegen_generator::Builder;

pub mod testserver_catalog;

/// One generated artifact that lives in the repository.
pub struct Artifact {
    /// Inputs, relative to the repository root.
    pub inputs: &'static [&'static str],
    /// Output crate directory, relative to the repository root.
    pub out: &'static str,
    /// The generated crate's package name.
    pub crate_name: &'static str,
    /// The runtime crate, relative to `out`.
    pub runtime_path: &'static str,
    /// Whether every group-version is a default feature.
    pub default_features: bool,
    /// Whether the inputs are in `../shared` (real specs not kept in this repository).
    pub needs_shared: bool,
    /// Where reused built-in types come from, relative to `out`.
    pub api_path: Option<&'static str>,
}

/// The built-in type catalog that CRD generation reuses, written beside the
/// generator's sources from the `kubegen-api` artifact's IR.
pub const CATALOG: &str = "generator/src/builtin-catalog.tsv";

/// The files derived from the `kubegen-api` artifact's IR, as (path, contents):
/// the reuse catalog ([`CATALOG`]) and the test server's built-in catalog
/// ([`testserver_catalog::TESTSERVER_CATALOG`]).
pub fn derived_files(api_artifact: &Artifact) -> Result<Vec<(&'static str, String)>, String> {
    let api = builder_for(api_artifact).api().map_err(|e| e.to_string())?;
    let reuse =
        kubegen_generator::reuse::Catalog::from_api(&api).to_tsv(&api_artifact.inputs.join(", "));
    let server =
        testserver_catalog::catalog_json(&api, Path::new(testserver_catalog::RECORDED_DISCOVERY))?;
    Ok(vec![
        (CATALOG, reuse),
        (testserver_catalog::TESTSERVER_CATALOG, server),
    ])
}

impl Artifact {
    /// Whether every input is present (`../shared` may be absent outside CI).
    pub fn inputs_present(&self) -> bool {
        self.inputs.iter().all(|input| Path::new(input).exists())
    }
}

/// Every generated artifact checked into the repository.
pub const ARTIFACTS: &[Artifact] = &[
    Artifact {
        inputs: &["specs/crds"],
        out: "examples/crds",
        crate_name: "kubegen-example-crds",
        runtime_path: "../../runtime",
        default_features: true,
        needs_shared: false,
        api_path: Some("../../api"),
    },
    Artifact {
        inputs: &["../shared/specs/kubernetes/swagger.json"],
        out: "api",
        crate_name: "kubegen-api",
        runtime_path: "../runtime",
        default_features: false,
        needs_shared: true,
        api_path: None,
    },
];

/// The repository root (the parent of `xtask/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The builder for one artifact, recording the equivalent CLI command.
pub fn builder_for(artifact: &Artifact) -> Builder {
    let command = format!(
        "cargo xtask generate (kubegen generate {} --out {} --runtime-path {} --crate-name {})",
        artifact.inputs.join(" "),
        artifact.out,
        artifact.runtime_path,
        artifact.crate_name
    );
    let builder = Builder::new()
        .inputs(artifact.inputs)
        .crate_name(artifact.crate_name)
        .runtime_path(artifact.runtime_path)
        .default_features(artifact.default_features);
    let builder = match artifact.api_path {
        Some(path) => builder.api_path(path),
        None => builder,
    };
    builder.command(command)
}
