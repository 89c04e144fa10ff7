//! The kubegen IR and the emitters that turn it into Rust code.
//!
//! This crate is the one back end of kubegen. Its front ends — the spec
//! readers in `kubegen-generator` and the `#[derive(Resource)]` macro — build
//! an [`ir::Api`]; the emitters in [`emit`] turn it into formatted Rust source.
//! Emitters never read a spec: anything they need is in the IR.
//!
//! - [`ir`]: the data model (groups, versions, resources, the type graph).
//! - [`naming`]: wire names → Rust names, shared by every front end.
//! - [`passes`]: whole-IR passes (boxing recursive types, sharing repeated types).
//! - [`fingerprint`]: structural fingerprints of types.
//! - [`emit`]: IR → `TokenStream` → rustfmt-clean source files.
//! - [`openapi`]: IR → OpenAPI v3 schemas (named components, or one structural CRD schema).

#![forbid(unsafe_code)]

pub mod emit;
pub mod fingerprint;
pub mod ir;
pub mod naming;
pub mod openapi;
pub mod passes;
