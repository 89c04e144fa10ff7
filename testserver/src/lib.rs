//! An in-memory Kubernetes API server over real HTTP(S), for tests, examples
//! and users' own tests.

pub mod auth;
pub mod crd;
pub mod discovery;
pub mod error;
pub mod faults;
pub mod handlers;
pub mod openapi;
pub mod patch;
pub mod registry;
pub mod resources;
pub mod schema;
pub mod selectors;
pub mod server;
pub mod storage;
pub mod table;
pub mod testserver;
pub mod tls;
pub mod validation;

pub use testserver::{Builder, Error, TestServer};
