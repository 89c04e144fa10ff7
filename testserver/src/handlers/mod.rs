//! The resource API: authorization, resolving the path, content negotiation,
//! then the verbs (in `read`, `write` and `remove`).

pub mod defaults;
pub mod discovery;
pub mod patching;
pub mod read;
pub mod remove;
pub mod reviews;
pub mod scale;
pub mod selection;
pub mod typecheck;
pub mod update_rules;
pub mod write;

use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::auth::{self, Attributes, User};
use crate::error::ApiError;
use crate::registry::ResourceInfo;
use crate::server::App;
use crate::server::http::{Body, Encoding, Reply, Request};
use crate::server::routes::{self, RawPath, Target};
use crate::storage::watch::WatchItem;
use crate::table::{self, IncludeObject, Representation, TableOptions};

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
    /// The negotiated form of the event objects.
    pub shape: Shape,
}

impl WatchStream {
    /// The chunked HTTP response: one JSON event per line.
    pub fn into_response(self) -> hyper::Response<Body> {
        let state = (self.items, self.resource, self.shape, false, true);
        let lines = stream::unfold(
            state,
            |(mut items, resource, shape, done, first)| async move {
                if done {
                    return None;
                }
                let item = items.recv().await?;
                let end = matches!(item, WatchItem::Error(_));
                let is_event = matches!(item, WatchItem::Event(..));
                let mut bytes = event_line(&resource, item, &shape, first);
                bytes.push(b'\n');
                Some((
                    Ok::<_, std::convert::Infallible>(Frame::data(Bytes::from(bytes))),
                    (items, resource, shape, end, first && !is_event),
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

/// One event as JSON. A plain object event is written straight from the stored
/// value: a streaming list of large objects would otherwise copy each of them.
fn event_line(resource: &ResourceInfo, item: WatchItem, shape: &Shape, first: bool) -> Vec<u8> {
    if let (WatchItem::Event(kind, object), Representation::Object) = (&item, &shape.representation)
    {
        #[derive(serde::Serialize)]
        struct Line<'a> {
            #[serde(rename = "type")]
            type_: &'a str,
            object: crate::server::http::ServedObject<'a>,
        }
        let api_version = resource.api_version();
        let line = Line {
            type_: kind.as_str(),
            object: crate::server::http::ServedObject {
                type_meta: Some((&resource.kind, &api_version)),
                object,
            },
        };
        return serde_json::to_vec(&line).unwrap_or_default();
    }
    serde_json::to_vec(&event_json(resource, item, shape, first)).unwrap_or_default()
}

fn event_json(resource: &ResourceInfo, item: WatchItem, shape: &Shape, first: bool) -> Value {
    match item {
        WatchItem::Event(kind, object) => {
            let object = output(resource, &object);
            let rendered = render_object(resource, &object, shape, first).unwrap_or(object);
            json!({"type": kind.as_str(), "object": rendered})
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
    let api_version = resource.api_version();
    let served = crate::server::http::ServedObject {
        type_meta: Some((&resource.kind, &api_version)),
        object,
    };
    // Serializing a `Value` into a `Value` cannot fail.
    serde_json::to_value(served).unwrap_or_else(|_| object.clone())
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
    if app.recorder.is_active() {
        let action = crate::fake::Action {
            verb: verb.to_owned(),
            group: raw.group.clone(),
            version: raw.version.clone(),
            resource: raw.plural.clone(),
            subresource: raw.subresource.clone(),
            namespace: raw.namespace.clone(),
            name: raw.name.clone(),
            body: serde_json::from_slice(&request.body).ok(),
        };
        if let Some(reaction) = app.recorder.react(action) {
            return Ok(reply(200, reaction.into_result()?));
        }
    }
    if verb == "watch" {
        if let Some(refusal) = app.faults.watch_refusal() {
            return Err(refusal);
        }
    }
    let resources = app.resources.all(&app.store.read());
    let target = routes::resolve(&resources, &raw)?;
    if target.subresource.is_none() && !target.resource.supports(verb) && request.method != "HEAD" {
        return Err(ApiError::method_not_allowed());
    }
    if request.method == "POST" && reviews::is_review(&target.resource) {
        return reviews::create(app, request, user, &target.resource);
    }
    let encoding = shape(request, &target.resource)?.encoding;
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
        if let Some(warning) = deprecation_warning(&resources, &target.resource) {
            reply.headers.push((
                "Warning".into(),
                format!("299 - {}", crate::validation::go_quote(&warning)),
            ));
        }
    }
    Ok(outcome)
}

/// The Warning a request to a deprecated version gets: the CRD's own text, or
/// `<group>/<version> <Kind> is deprecated; use <group>/<version> <Kind>`.
fn deprecation_warning(resources: &[Arc<ResourceInfo>], resource: &ResourceInfo) -> Option<String> {
    if !resource.deprecated {
        return None;
    }
    if let Some(text) = &resource.deprecation_warning {
        return Some(text.clone());
    }
    let subject = format!("{} {}", resource.api_version(), resource.kind);
    let mut replacements: Vec<&Arc<ResourceInfo>> = resources
        .iter()
        .filter(|r| r.group == resource.group && r.plural == resource.plural && !r.deprecated)
        .collect();
    replacements.sort_by_key(|r| !r.storage);
    Some(match replacements.first() {
        Some(r) => format!(
            "{subject} is deprecated; use {} {}",
            r.api_version(),
            r.kind
        ),
        None => format!("{subject} is deprecated"),
    })
}

/// What a response is, as negotiated: the encoding, and the object itself or a
/// Table / PartialObjectMetadata form of it.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// JSON or YAML.
    pub encoding: Encoding,
    /// The object, a Table, or (list of) PartialObjectMetadata.
    pub representation: Representation,
    /// `includeObject` of Table rows.
    pub include: IncludeObject,
}

/// Negotiates a response from `Accept` (and `includeObject`).
pub fn shape(request: &Request, resource: &ResourceInfo) -> Result<Shape, ApiError> {
    let negotiated = table::negotiate(request.header("accept").unwrap_or(""), resource.custom)
        .map_err(|refusal| {
            let error = ApiError::not_acceptable(refusal.message);
            if refusal.empty_details {
                error.with_details(Default::default())
            } else {
                error
            }
        })?;
    Ok(Shape {
        encoding: match negotiated.format {
            table::Format::Json => Encoding::Json,
            table::Format::Yaml => Encoding::Yaml,
        },
        representation: negotiated.representation,
        include: IncludeObject::parse(request.param("includeObject").unwrap_or(""))
            .unwrap_or_default(),
    })
}

/// The Go type the real server names in a 406 about the wrong form
/// (`*core.ConfigMap`, `*apps.DeploymentList`, `*unstructured.Unstructured`).
fn go_type(resource: &ResourceInfo, list: bool) -> String {
    let suffix = if list { "List" } else { "" };
    if resource.custom {
        return format!("*unstructured.Unstructured{suffix}");
    }
    let package = match resource.group.split('.').next().unwrap_or("") {
        "" => "core",
        other => other,
    };
    format!("*{package}.{}{suffix}", resource.kind)
}

/// One object in the negotiated form (`object` already through [`output`]).
pub fn render_object(
    resource: &ResourceInfo,
    object: &Value,
    shape: &Shape,
    headers: bool,
) -> Result<Value, ApiError> {
    Ok(match shape.representation {
        Representation::Object => object.clone(),
        Representation::Table(version) => table::table_with(
            resource,
            &[object],
            None,
            &TableOptions {
                include: shape.include,
                version,
                headers,
                now: jiff::Timestamp::now(),
            },
        ),
        Representation::PartialObjectMetadata(version) => table::partial_metadata(object, version),
        Representation::PartialObjectMetadataList(_) => {
            return Err(ApiError::not_acceptable(format!(
                "you requested PartialObjectMetadataList, but the requested object is not a list ({})",
                go_type(resource, false)
            )));
        }
    })
}

/// A list in the negotiated form; `list` is the plain list object.
pub fn render_list(resource: &ResourceInfo, list: Value, shape: &Shape) -> Result<Value, ApiError> {
    let items: Vec<Value> = list
        .get("items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let full: Vec<Value> = items.iter().map(|item| output(resource, item)).collect();
    let refs: Vec<&Value> = full.iter().collect();
    let metadata = list.get("metadata").cloned().unwrap_or_else(|| json!({}));
    Ok(match shape.representation {
        Representation::Object => list,
        Representation::Table(version) => table::table_with(
            resource,
            &refs,
            Some(&metadata),
            &TableOptions {
                include: shape.include,
                version,
                headers: true,
                now: jiff::Timestamp::now(),
            },
        ),
        Representation::PartialObjectMetadataList(version) => {
            table::partial_metadata_list(&refs, &metadata, version)
        }
        Representation::PartialObjectMetadata(_) => {
            return Err(ApiError::not_acceptable(format!(
                "you requested PartialObjectMetadata, but the requested object is a list ({})",
                go_type(resource, true)
            )));
        }
    })
}

/// The namespace and name key of a target.
pub fn key_of(target: &Target) -> crate::storage::Key {
    (
        target.namespace.clone().unwrap_or_default(),
        target.name.clone().unwrap_or_default(),
    )
}

/// Adds `Warning` headers (`299 - "<text>"`) to a reply.
pub fn with_warnings(mut outcome: Outcome, warnings: Vec<String>) -> Outcome {
    if let Outcome::Reply(reply, _) = &mut outcome {
        for warning in warnings {
            reply.headers.push((
                "Warning".into(),
                format!("299 - {}", crate::validation::go_quote(&warning)),
            ));
        }
    }
    outcome
}

/// A reply with an object.
pub fn reply(status: u16, object: Value) -> Outcome {
    Outcome::Reply(Reply::object(status, object), Encoding::Json)
}
