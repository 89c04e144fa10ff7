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
}

/// Reads CRDs from files and directories into the IR.
///
/// Documents that are not CRDs are skipped with a note; malformed ones are errors.
pub fn load(inputs: &[PathBuf]) -> Result<Loaded> {
    let files = source::collect_files(inputs)?;
    let mut documents = Vec::new();
    for file in &files {
        documents.extend(source::read_documents(file)?);
    }
    // An OpenAPI spec describes a whole API; it is read on its own.
    let openapi: Vec<&source::Document> = documents.iter().filter(|d| openapi::v2::is_v2(d) || openapi::v3::is_v3(d)).collect();
    if !openapi.is_empty() {
        let api = openapi::read_documents(&openapi)?;
        return Ok(Loaded { api, notes: Vec::new(), files });
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
    let api = crd::build_api(crds)?;
    Ok(Loaded { api, notes, files })
}
