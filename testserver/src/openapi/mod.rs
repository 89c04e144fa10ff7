//! OpenAPI v3 as kube-apiserver publishes it: the `/openapi/v3` index and
//! one document per group-version (`/openapi/v3/apis/apps/v1`), generated
//! from the served resources and the catalog's schemas. kubectl reads these
//! to decide whether the server validates fields (`fieldValidation` on the
//! patch operation), for `kubectl explain`, and for client-side apply's
//! patch strategies.
//!
//! Not served: the `.well-known/openid-configuration`, `openid/v1/jwks` and
//! `version` documents of the real index.

pub mod params;
pub mod paths;
pub mod schemas;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::discovery::{self, hash};
use crate::registry::ResourceInfo;
use crate::schema::{REF_PREFIX, Schemas};

use paths::{Names, PathsBuilder};

/// A document and its hash (uppercase hex SHA-512 of its compact JSON, the
/// form of the real server's `?hash=` and `ETag`).
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The OpenAPI v3 document.
    pub body: Value,
    /// Its hash.
    pub hash: String,
}

impl Document {
    fn new(body: Value) -> Document {
        let hash = hash::json_hash(&body);
        Document { body, hash }
    }
}

/// Every document path the index lists: `api`, `api/v1`, `apis`,
/// `apis/<group>` and `apis/<group>/<version>`.
pub fn document_paths(resources: &[Arc<ResourceInfo>]) -> Vec<String> {
    let mut out = BTreeSet::new();
    if resources.iter().any(|r| r.group.is_empty()) {
        out.insert("api".to_owned());
        for r in resources.iter().filter(|r| r.group.is_empty()) {
            out.insert(format!("api/{}", r.version));
        }
    }
    out.insert("apis".to_owned());
    for group in discovery::served_groups(resources) {
        out.insert(format!("apis/{}", group.name));
        for version in &group.versions {
            out.insert(format!("apis/{}/{version}", group.name));
        }
    }
    out.into_iter().collect()
}

/// `/openapi/v3`: `{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=…"}, …}}`
/// (served as `text/plain; charset=utf-8`).
pub fn index(resources: &[Arc<ResourceInfo>], schemas: &Schemas) -> Value {
    index_with(resources, |path| {
        document(resources, schemas, path).map(|doc| doc.hash)
    })
}

/// The index, with each document's hash from `hash_of` (which may take it
/// from documents already computed, and keep the ones it computes: the index
/// needs every document, and clients fetch some of them right after).
pub fn index_with(
    resources: &[Arc<ResourceInfo>],
    mut hash_of: impl FnMut(&str) -> Option<String>,
) -> Value {
    let mut paths = Map::new();
    for path in document_paths(resources) {
        if let Some(hash) = hash_of(&path) {
            paths.insert(
                path.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{path}?hash={hash}")}),
            );
        }
    }
    json!({ "paths": paths })
}

/// The document at `path` (`api/v1`, `apis/apps/v1`, `apis/apps`, `api`,
/// `apis`), or `None` when nothing is served there.
pub fn document(
    resources: &[Arc<ResourceInfo>],
    schemas: &Schemas,
    path: &str,
) -> Option<Document> {
    document_body(resources, schemas, path).map(Document::new)
}

/// The document at `path` without its hash (for a caller that serializes
/// it anyway: the hash is that of its compact JSON).
pub fn document_body(
    resources: &[Arc<ResourceInfo>],
    schemas: &Schemas,
    path: &str,
) -> Option<Value> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let body = match parts.as_slice() {
        ["api"] => discovery_document(
            schemas,
            "/api/",
            "core",
            "getCoreAPIVersions",
            "get available API versions",
            "APIVersions",
        ),
        ["apis"] => discovery_document(
            schemas,
            "/apis/",
            "apis",
            "getAPIVersions",
            "get available API versions",
            "APIGroupList",
        ),
        ["api", version] => group_version_document(resources, schemas, "", version)?,
        ["apis", group] => {
            discovery::group(resources, group)?;
            discovery_document(
                schemas,
                &format!("/apis/{group}/"),
                &paths::group_tag(group, false),
                &format!("get{}APIGroup", paths::group_camel(group, false)),
                "get information of a group",
                "APIGroup",
            )
        }
        ["apis", group, version] => group_version_document(resources, schemas, group, version)?,
        _ => return None,
    };
    Some(body)
}

fn info(custom: bool) -> Value {
    if custom {
        json!({"title": "Kubernetes CRD Swagger", "version": "v0.1.0"})
    } else {
        json!({"title": "Kubernetes", "version": discovery::GIT_VERSION})
    }
}

fn security_schemes() -> Value {
    json!({"BearerToken": {
        "type": "apiKey",
        "description": "Bearer Token authentication",
        "name": "authorization",
        "in": "header",
    }})
}

fn discovery_document(
    schemas: &Schemas,
    path: &str,
    tag: &str,
    operation_id: &str,
    description: &str,
    kind: &str,
) -> Value {
    let name = format!("io.k8s.apimachinery.pkg.apis.meta.v1.{kind}");
    let schema = schemas::reference(&name);
    let media = [
        "application/json",
        "application/vnd.kubernetes.protobuf",
        "application/yaml",
    ];
    let content: Map<String, Value> = media
        .iter()
        .map(|m| ((*m).to_owned(), json!({ "schema": schema })))
        .collect();
    let paths = json!({ path: {"get": {
        "tags": [tag],
        "description": description,
        "operationId": operation_id,
        "responses": {
            "200": {"description": "OK", "content": content},
            "401": {"description": "Unauthorized"},
        },
    }}});
    let components = schemas::closure(schemas, &BTreeMap::new(), BTreeSet::from([name]));
    json!({
        "openapi": "3.0.0",
        "info": info(false),
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": security_schemes()},
    })
}

fn ref_name(value: &Value) -> Option<String> {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(REF_PREFIX))
        .map(str::to_owned)
}

fn group_version_document(
    resources: &[Arc<ResourceInfo>],
    schemas: &Schemas,
    group: &str,
    version: &str,
) -> Option<Value> {
    let served: Vec<&Arc<ResourceInfo>> =
        discovery::resources_of(resources, group, version).collect();
    if served.is_empty() {
        return None;
    }
    let custom = served.iter().all(|r| r.custom);
    let by_gvk = schemas::by_group_version_kind(schemas);
    let mut builder = PathsBuilder::new(group, version, custom);
    if !custom {
        builder.add_resource_list();
    }
    let mut extra: BTreeMap<String, Value> = BTreeMap::new();
    for resource in &served {
        let names = if resource.custom {
            let custom_schemas = schemas::custom_schemas(resource);
            let names = Names {
                kind: schemas::custom_name(&resource.group, &resource.version, &resource.kind),
                list: schemas::custom_name(&resource.group, &resource.version, &resource.list_kind),
                by_gvk: by_gvk.clone(),
            };
            extra.extend(custom_schemas);
            names
        } else {
            let lookup = |kind: &str| {
                by_gvk
                    .get(&(
                        resource.group.clone(),
                        resource.version.clone(),
                        kind.to_owned(),
                    ))
                    .cloned()
            };
            let kind = ref_name(&resource.schema)
                .or_else(|| lookup(&resource.kind))
                .unwrap_or_default();
            let list = lookup(&resource.list_kind).unwrap_or_else(|| {
                let name = match kind.rsplit_once('.') {
                    Some((prefix, _)) => format!("{prefix}.{}", resource.list_kind),
                    None => resource.list_kind.clone(),
                };
                if schemas.get(&name).is_none() {
                    extra.insert(name.clone(), schemas::builtin_list_schema(resource, &kind));
                }
                name
            });
            Names {
                kind,
                list,
                by_gvk: by_gvk.clone(),
            }
        };
        builder.add_resource(resource, &names);
    }
    let paths = builder.build();
    let mut roots = BTreeSet::new();
    schemas::references(&paths, &mut roots);
    roots.extend(extra.keys().cloned());
    let components = schemas::closure(schemas, &extra, roots);
    let mut components_object = Map::new();
    components_object.insert("schemas".into(), Value::Object(components));
    if !custom {
        components_object.insert("securitySchemes".into(), security_schemes());
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": info(custom),
        "paths": paths,
        "components": components_object,
    }))
}

#[cfg(test)]
mod tests;
