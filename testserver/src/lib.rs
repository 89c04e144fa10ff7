//! An in-memory Kubernetes API server over real HTTP(S), for tests, examples
//! and users' own tests.

pub mod discovery;
pub mod error;
pub mod openapi;
pub mod patch;
pub mod registry;
pub mod schema;
pub mod selectors;
pub mod storage;
pub mod table;
pub mod validation;
