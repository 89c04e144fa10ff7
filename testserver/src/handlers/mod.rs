//! The resource API: authorization, resolving the path, content negotiation,
//! then the verbs (in `read`, `write` and `remove`).

pub mod defaults;
pub mod glue;
pub mod read;
pub mod remove;
pub mod scale;
pub mod write;

use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use crate::auth::{self, Attributes, User};
use crate::error::ApiError;
use crate::registry::ResourceInfo;
use crate::server::App;
use crate::server::http::{Body, Encoding, Reply, Request};
use crate::server::routes::{self, ApiPath, RawPath, Target};
use crate::storage::watch::WatchItem;

/// What a request produces.
#[derive(Debug)]
pub enum Outcome {
    /// A complete reply, encoded as negotiated.
    Reply(Reply, Encoding),
    /// A watch stream.
    Watch(WatchStream),
}

/// An open watch being streamed to the client.
#[derive(Debug)]
pub struct WatchStream {
    /// The items.
    pub items: mpsc::Receiver<WatchItem>,
    /// The resource as requested (for apiVersion and bookmark kinds).
    pub resource: Arc<ResourceInfo>,
}

impl WatchStream {
    /// The chunked HTTP response: one JSON event per line.
    pub fn into_response(self) -> hyper::Response<Body> {
        let resource = self.resource;
        let lines = stream::unfold(
            (self.items, resource, false),
            |(mut items, resource, done)| async move {
                if done {
                    return None;
                }
                let item = items.recv().await?;
                let end = matches!(item, WatchItem::Error(_));
                let line = event_json(&resource, item);
                let mut bytes = serde_json::to_vec(&line).unwrap_or_default();
                bytes.push(b'\n');
                Some((
                    Ok::<_, std::convert::Infallible>(Frame::data(Bytes::from(bytes))),
                    (items, resource, end),
                ))
            },
        );
        let body = BodyExt::boxed(StreamBody::new(lines));
        let mut response = hyper::Response::new(body);
        let headers = response.headers_mut();
        headers.insert(
            "content-type",
            http::HeaderValue::from_static("application/json"),
        );
        headers.insert(
            "cache-control",
            http::HeaderValue::from_static("no-cache, private"),
        );
        response
    }
}

fn event_json(resource: &ResourceInfo, item: WatchItem) -> Value {
    match item {
        WatchItem::Event(kind, object) => {
            json!({"type": kind.as_str(), "object": output(resource, &object)})
        }
        WatchItem::Bookmark(rv) => json!({"type": "BOOKMARK", "object": {
            "kind": resource.kind, "apiVersion": resource.api_version(),
            "metadata": {"resourceVersion": rv.to_string(), "creationTimestamp": null}}}),
        WatchItem::InitialEventsEnd(rv) => {
            let blueprint = format!(
                "{}\n",
                json!({"kind": resource.list_kind, "apiVersion": resource.api_version(), "metadata": {}, "items": null})
            );
            use base64::Engine;
            let encoded = base64::engine::general_purpose::STANDARD.encode(blueprint);
            json!({"type": "BOOKMARK", "object": {
                "kind": resource.kind, "apiVersion": resource.api_version(),
                "metadata": {"resourceVersion": rv.to_string(), "creationTimestamp": null,
                    "annotations": {"k8s.io/initial-events-end": "true",
                        "kubernetes.io/initial-events-list-blueprint": encoded}}}})
        }
        WatchItem::Error(error) => json!({"type": "ERROR", "object": error.status()}),
    }
}

/// An object as served through `resource`'s version: `apiVersion` rewritten
/// (conversion `None`), `kind` and `apiVersion` first.
pub fn output(resource: &ResourceInfo, object: &Value) -> Value {
    let mut map = Map::new();
    map.insert("kind".into(), Value::String(resource.kind.clone()));
    map.insert("apiVersion".into(), Value::String(resource.api_version()));
    if let Some(fields) = object.as_object() {
        for (k, v) in fields {
            if k != "kind" && k != "apiVersion" {
                map.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(map)
}

/// The verb a request is authorized as.
fn verb(request: &Request, raw: &RawPath) -> &'static str {
    let watching = raw.watch || request.flag("watch");
    match (request.method.as_str(), raw.name.is_some()) {
        ("GET", false) if watching => "watch",
        ("GET", false) => "list",
        ("GET", true) if raw.watch => "watch",
        ("GET", true) => "get",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => "get",
    }
}

/// Handles a request under `/api/<v>/...` or `/apis/<g>/<v>/...`.
pub async fn handle(
    app: &Arc<App>,
    request: &Request,
    user: &User,
    raw: RawPath,
) -> Result<Outcome, ApiError> {
    let verb = verb(request, &raw);
    // Authorization comes before the path is resolved, as in the real server.
    auth::authorize(
        user,
        &Attributes {
            verb,
            group: &raw.group,
            resource: &raw.plural,
            subresource: raw.subresource.as_deref(),
            namespace: raw.namespace.as_deref(),
            name: raw.name.as_deref(),
        },
    )?;
    let resources = app.resources.all(&app.store.read());
    let target = routes::resolve(&resources, &raw)?;
    let encoding = negotiate(request)?;
    let mut outcome = match (
        request.method.as_str(),
        &target.name,
        target.subresource.as_deref(),
    ) {
        ("GET", None, _) if verb == "watch" => read::watch(app, request, &target).await?,
        ("GET", Some(_), None) if target.watch => read::watch(app, request, &target).await?,
        ("GET", None, _) => read::list(app, request, &target).await?,
        ("GET", Some(_), None | Some("status")) => read::get(app, request, &target).await?,
        ("GET", Some(_), Some("scale")) => scale::get(app, request, &target).await?,
        ("POST", None, None) => write::create(app, request, &target)?,
        ("PUT", Some(_), None | Some("status")) => write::update(app, request, &target)?,
        ("PUT", Some(_), Some("scale")) => scale::update(app, request, &target)?,
        ("PATCH", Some(_), None | Some("status")) => write::patch(app, request, &target)?,
        ("PATCH", Some(_), Some("scale")) => scale::patch(app, request, &target)?,
        ("DELETE", Some(_), None) => remove::delete(app, request, &target)?,
        ("DELETE", None, None) => remove::delete_collection(app, request, &target).await?,
        _ => return Err(ApiError::method_not_allowed()),
    };
    if let Outcome::Reply(reply, chosen) = &mut outcome {
        *chosen = encoding;
        if let Some(warning) = &target.resource.deprecation_warning {
            reply
                .headers
                .push(("Warning".into(), format!("299 - \"{warning}\"")));
        } else if target.resource.deprecated {
            let message = format!(
                "299 - \"{} is deprecated\"",
                api_version_kind(&target.resource)
            );
            reply.headers.push(("Warning".into(), message));
        }
    }
    Ok(outcome)
}

fn api_version_kind(resource: &ResourceInfo) -> String {
    format!("{} {}", resource.api_version(), resource.kind)
}

/// Picks the response encoding from `Accept` (`406` when nothing offered fits).
pub fn negotiate(request: &Request) -> Result<Encoding, ApiError> {
    let Some(accept) = request.header("accept").filter(|a| !a.trim().is_empty()) else {
        return Ok(Encoding::Json);
    };
    let mut best: Option<(f32, Encoding)> = None;
    for entry in accept.split(',') {
        let mut parts = entry.split(';').map(str::trim);
        let media = parts.next().unwrap_or("");
        let mut quality = 1.0f32;
        let mut transformed = false;
        for parameter in parts {
            match parameter.split_once('=') {
                Some(("q", q)) => quality = q.parse().unwrap_or(1.0),
                Some(("as", _)) => transformed = true,
                _ => {}
            }
        }
        if transformed {
            // Table and PartialObjectMetadata output: served once the table module lands.
            continue;
        }
        let encoding = match media {
            "application/json" | "*/*" | "application/*" => Encoding::Json,
            "application/yaml" => Encoding::Yaml,
            _ => continue,
        };
        if best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, encoding));
        }
    }
    best.map(|(_, e)| e).ok_or_else(|| {
        ApiError::not_acceptable(
            "406: Not Acceptable\n\nAvailable representations: application/json, application/yaml, application/vnd.kubernetes.protobuf",
        )
        .with_details(Default::default())
    })
}

/// Discovery paths (`/api`, `/apis`, `/apis/<g>`, `/apis/<g>/<v>`).
pub fn discovery(app: &Arc<App>, _request: &Request, path: ApiPath) -> Result<Outcome, ApiError> {
    let resources = app.resources.all(&app.store.read());
    match path {
        ApiPath::Group(group) if !crate::resources::Lookup::has_group(&resources[..], &group) => {
            Err(ApiError::page_not_found())
        }
        ApiPath::Version(group, version) => {
            routes::check_group_version(&resources, &group, &version)?;
            Err(ApiError::no_such_path())
        }
        _ => Err(ApiError::page_not_found()),
    }
}

/// Paths outside the API groups (`/openapi/...`, anything else).
pub fn other_path(_app: &Arc<App>, _request: &Request) -> Result<Outcome, ApiError> {
    Err(ApiError::page_not_found())
}

/// The namespace and name key of a target.
pub fn key_of(target: &Target) -> crate::storage::Key {
    (
        target.namespace.clone().unwrap_or_default(),
        target.name.clone().unwrap_or_default(),
    )
}

/// A reply with an object.
pub fn reply(status: u16, object: Value) -> Outcome {
    Outcome::Reply(Reply::object(status, object), Encoding::Json)
}
