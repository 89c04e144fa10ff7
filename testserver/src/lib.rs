//! An in-memory Kubernetes API server over real HTTP(S), for tests, examples
//! and users' own tests.
//!
//! It behaves like kube-apiserver v1.32 for what a client can observe:
//! discovery and OpenAPI, every built-in resource and the CustomResourceDefinitions
//! created through it, object bookkeeping (uid, resourceVersion, generation,
//! finalizers, garbage collection), lists and watches with their
//! resourceVersion semantics, patches and server-side apply, `Status` errors,
//! authentication and Table output. No controllers run: a Deployment creates
//! no ReplicaSet.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use kubegen_testserver::TestServer;
//!
//! let server = TestServer::start().await?;
//! let client = kubegen::Client::new(server.config())?;
//! // … use `client` (or point kubectl at `server.kubeconfig_path()`);
//! // the server stops when `server` is dropped.
//! # Ok(()) }
//! ```
//!
//! Code map: [`storage`] is the engine (objects, history, lists, watches,
//! deletion); [`handlers`] turn requests into storage operations; [`server`]
//! speaks HTTP; [`auth`], [`faults`] and [`tls`] are what their names say;
//! [`selectors`], [`validation`], [`patch`], [`discovery`], [`openapi`] and
//! [`table`] implement the API's rules over plain JSON values.

pub mod auth;
pub mod crd;
pub mod discovery;
pub mod error;
pub mod fake;
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
