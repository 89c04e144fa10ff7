//! Discovery (`/api`, `/apis`, groups and group-versions, legacy and
//! aggregated) and `/openapi/v3`, from the resources served right now.

use std::sync::Arc;

use serde_json::Value;

use super::Outcome;
use crate::discovery;
use crate::error::ApiError;
use crate::openapi;
use crate::server::App;
use crate::server::http::{Encoding, Reply, ReplyBody, Request};
use crate::server::routes::{self, ApiPath};

fn json(value: Value) -> Outcome {
    Outcome::Reply(Reply::object(200, value), Encoding::Json)
}

/// `/api`, `/apis`, `/apis/<group>`, `/api/v1` and `/apis/<group>/<version>`.
pub fn api_paths(app: &Arc<App>, request: &Request, path: ApiPath) -> Result<Outcome, ApiError> {
    let resources = app.resources.all(&app.store.read());
    match path {
        ApiPath::Root { core } => {
            let accept = request.header("accept").unwrap_or("");
            if let Some((body, etag)) = discovery::aggregated(&resources, core, accept) {
                let version = discovery::aggregated_version(accept);
                let quoted = format!("\"{etag}\"");
                let headers = vec![
                    ("ETag".to_owned(), quoted.clone()),
                    ("Cache-Control".to_owned(), "public".to_owned()),
                    ("Vary".to_owned(), "Accept".to_owned()),
                ];
                if request.header("if-none-match") == Some(quoted.as_str()) {
                    return Ok(Outcome::Reply(
                        Reply {
                            status: 304,
                            headers,
                            body: ReplyBody::Empty,
                            content_type: None,
                        },
                        Encoding::Json,
                    ));
                }
                let mut reply = Reply::object(200, body);
                reply.headers = headers;
                reply.content_type = version.map(|v| v.content_type());
                return Ok(Outcome::Reply(reply, Encoding::Json));
            }
            if core {
                let host = request.header("host").unwrap_or("127.0.0.1");
                Ok(json(discovery::core_versions(host)))
            } else {
                Ok(json(discovery::group_list(&resources)))
            }
        }
        ApiPath::Group(group) => discovery::group(&resources, &group)
            .map(json)
            .ok_or_else(ApiError::page_not_found),
        ApiPath::Version(group, version) => {
            routes::check_group_version(&resources, &group, &version)?;
            discovery::resource_list(&resources, &group, &version)
                .map(json)
                .ok_or_else(ApiError::no_such_path)
        }
        ApiPath::Resource(_) => Err(ApiError::no_such_path()),
    }
}

/// OpenAPI documents computed for one set of served resources (they are
/// expensive: every built-in schema is walked and hashed).
#[derive(Debug, Default)]
pub struct OpenApiCache {
    inner: std::sync::Mutex<Option<Cached>>,
}

#[derive(Debug)]
struct Cached {
    resources: Arc<Vec<Arc<crate::registry::ResourceInfo>>>,
    index: Option<Value>,
    documents: std::collections::HashMap<String, Option<Arc<ServedDocument>>>,
}

/// A document as served: its hash and its JSON text, serialized once (the
/// core/v1 document is 1.4 MB, and kubectl fetches it for every `apply`).
#[derive(Debug)]
struct ServedDocument {
    hash: String,
    text: String,
}

fn served_document(
    resources: &[Arc<crate::registry::ResourceInfo>],
    schemas: &crate::schema::Schemas,
    path: &str,
) -> Option<Arc<ServedDocument>> {
    openapi::document_body(resources, schemas, path).map(|body| {
        // Serializing a `Value` cannot fail: its keys are strings.
        let mut text = serde_json::to_string(&body).unwrap_or_default();
        // The hash of the compact JSON, as `openapi::Document` has it.
        let hash = crate::discovery::hash::sha512_hex(text.as_bytes());
        text.push('\n');
        Arc::new(ServedDocument { hash, text })
    })
}

impl OpenApiCache {
    fn with<R>(
        &self,
        resources: &Arc<Vec<Arc<crate::registry::ResourceInfo>>>,
        f: impl FnOnce(&mut Cached) -> R,
    ) -> R {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let current = guard
            .take()
            .filter(|cached| Arc::ptr_eq(&cached.resources, resources));
        let cached = guard.insert(current.unwrap_or_else(|| Cached {
            resources: resources.clone(),
            index: None,
            documents: Default::default(),
        }));
        f(cached)
    }
}

/// Paths outside the API groups: `/openapi/v3` and its documents; anything else
/// is the plain-text 404.
pub fn other_paths(app: &Arc<App>, request: &Request) -> Result<Outcome, ApiError> {
    let path = request.path.trim_end_matches('/');
    let Some(rest) = path.strip_prefix("/openapi/v3") else {
        return Err(ApiError::page_not_found());
    };
    let resources = app.resources.all(&app.store.read());
    let schemas = app.resources.schemas().clone();
    if rest.is_empty() {
        let index = app.openapi.with(&resources, |cached| {
            if cached.index.is_none() {
                let documents = &mut cached.documents;
                let index = openapi::index_with(&resources, |path| {
                    documents
                        .entry(path.to_owned())
                        .or_insert_with(|| served_document(&resources, &schemas, path))
                        .as_ref()
                        .map(|doc| doc.hash.clone())
                });
                cached.index = Some(index);
            }
            cached.index.clone().unwrap_or_default()
        });
        let mut reply = Reply::object(200, index);
        reply.content_type = Some("text/plain; charset=utf-8".into());
        return Ok(Outcome::Reply(reply, Encoding::Json));
    }
    let key = rest.trim_start_matches('/').to_owned();
    let document = app
        .openapi
        .with(&resources, |cached| {
            cached
                .documents
                .entry(key.clone())
                .or_insert_with(|| served_document(&resources, &schemas, &key))
                .clone()
        })
        .ok_or_else(ApiError::page_not_found)?;
    let etag = format!("\"{}\"", document.hash);
    let mut headers = vec![
        ("ETag".to_owned(), etag),
        ("Vary".to_owned(), "Accept".to_owned()),
    ];
    match request.param("hash") {
        Some(hash) if hash == document.hash => {
            headers.push(("Cache-Control".into(), "public, immutable".into()));
        }
        Some(_) => {
            headers.push(("Location".into(), format!("{path}?hash={}", document.hash)));
            return Ok(Outcome::Reply(
                Reply {
                    status: 301,
                    headers,
                    body: ReplyBody::Empty,
                    content_type: Some("application/json".into()),
                },
                Encoding::Json,
            ));
        }
        None => {}
    }
    let reply = Reply {
        status: 200,
        headers,
        body: ReplyBody::Text(document.text.clone()),
        content_type: Some("application/json".into()),
    };
    Ok(Outcome::Reply(reply, Encoding::Json))
}
