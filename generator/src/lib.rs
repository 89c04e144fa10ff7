//! kubegen's generator: Kubernetes specs in, typed Rust crates out.
//!
//! The flow is spec readers → IR → emitters:
//! - [`source`] reads files and directories into YAML/JSON documents;
//! - [`crd`] turns CustomResourceDefinitions into the IR of
//!   [`kubegen_templates::ir`], with [`schema`] converting each schema node;
//! - [`kubegen_templates::emit`] turns the IR into Rust source;
//! - [`output`] writes it all-or-nothing, or checks it for staleness.
//!
//! [`Builder`] wraps the flow for `build.rs` and tools; the `kubegen` binary
//! wraps it for the command line.

#![forbid(unsafe_code)]

mod builder;
pub mod crd;
pub mod error;
pub mod openapi;
pub mod output;
pub mod reuse;
pub mod schema;
pub mod source;

use std::path::PathBuf;

pub use builder::Builder;
pub use error::{Error, Location, Result};
pub use kubegen_templates::ir::Api;

/// The IR read from a set of inputs.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The API the inputs describe.
    pub api: Api,
    /// One line per document that was skipped (not a CRD), for stderr.
    pub notes: Vec<String>,
    /// Every file that was read.
    pub files: Vec<PathBuf>,
    /// What reuse removed.
    pub reuse: reuse::ReuseReport,
}

/// How [`load`] treats what it reads.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Share repeated subtrees and use `kubegen-api` types for embedded
    /// built-in schemas (CRDs only); `None` generates everything.
    pub reuse: Option<reuse::ApiDependency>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            reuse: Some(reuse::ApiDependency {
                path: None,
                version: env!("CARGO_PKG_VERSION").to_owned(),
            }),
        }
    }
}

/// Reads CRDs (or an OpenAPI spec) from files and directories into the IR.
///
/// Documents that are not CRDs are skipped with a note; malformed ones are errors.
pub fn load(inputs: &[PathBuf], options: &LoadOptions) -> Result<Loaded> {
    let files = source::collect_files(inputs)?;
    let mut documents = Vec::new();
    for file in &files {
        documents.extend(source::read_documents(file)?);
    }
    // An OpenAPI spec describes a whole API; it is read on its own.
    let openapi: Vec<&source::Document> = documents
        .iter()
        .filter(|d| openapi::v2::is_v2(d) || openapi::v3::is_v3(d))
        .collect();
    if !openapi.is_empty() {
        let api = openapi::read_documents(&openapi)?;
        return Ok(Loaded {
            api,
            notes: Vec::new(),
            files,
            reuse: reuse::ReuseReport::default(),
        });
    }
    let mut notes = Vec::new();
    let mut crds = Vec::new();
    for document in &documents {
        match crd::classify(document) {
            crd::Classified::Crds(found) => {
                for (pointer, value) in found {
                    crds.push(crd::load(document, &pointer, value)?);
                }
            }
            crd::Classified::Skip(note) => notes.push(note),
        }
    }
    if crds.is_empty() {
        return Err(Error::NothingToGenerate {
            inputs: inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let mut api = crd::build_api(crds)?;
    let report = match &options.reuse {
        Some(dependency) => reuse::reuse(&mut api, &reuse::Catalog::builtin(), dependency),
        None => reuse::ReuseReport::default(),
    };
    kubegen_templates::passes::box_recursive_fields(&mut api);
    Ok(Loaded {
        api,
        notes,
        files,
        reuse: report,
    })
}
