//! The scale subresource: an `autoscaling/v1` Scale view of the replicas of a
//! built-in workload or a custom resource that declares it.

use std::sync::Arc;

use serde_json::{Value, json};

use super::patching::{self, PatchType, patch_body, patch_type};
use super::write::write_options;
use super::{Outcome, key_of, reply};
use crate::error::ApiError;
use crate::registry::ResourceInfo;
use crate::server::App;
use crate::server::http::Request;
use crate::server::routes::Target;
use crate::storage::meta;
use crate::storage::objects::{self, Part, group_resource, table_name};

fn pointer(path: &str) -> String {
    format!("/{}", path.trim_start_matches('.').replace('.', "/"))
}

/// The Scale of an object.
pub fn to_scale(resource: &ResourceInfo, object: &Value) -> Value {
    let paths = resource.subresources.scale.clone().unwrap_or_default();
    let spec = object
        .pointer(&pointer(&paths.spec_replicas_path))
        .cloned()
        .unwrap_or(json!(0));
    let status = object
        .pointer(&pointer(&paths.status_replicas_path))
        .cloned()
        .unwrap_or(json!(0));
    let selector = match &paths.label_selector_path {
        Some(path) if resource.custom => object
            .pointer(&pointer(path))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        _ => object
            .pointer("/spec/selector/matchLabels")
            .and_then(Value::as_object)
            .map(|labels| {
                labels
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default(),
    };
    let mut metadata = serde_json::Map::new();
    for field in [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
    ] {
        if let Some(value) = object.pointer(&format!("/metadata/{field}")) {
            metadata.insert(field.into(), value.clone());
        }
    }
    let mut status_map = serde_json::Map::new();
    status_map.insert("replicas".into(), status);
    if !selector.is_empty() {
        status_map.insert("selector".into(), json!(selector));
    }
    json!({"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": metadata,
           "spec": {"replicas": spec}, "status": status_map})
}

/// GET `/scale`.
pub async fn get(app: &Arc<App>, _request: &Request, target: &Target) -> Result<Outcome, ApiError> {
    let object = app
        .store
        .read()
        .get(&table_name(&target.resource), &key_of(target))
        .ok_or_else(|| ApiError::not_found(&group_resource(&target.resource), &key_of(target).1))?;
    Ok(reply(200, to_scale(&target.resource, &object)))
}

fn write_scale(
    app: &Arc<App>,
    request: &Request,
    target: &Target,
    make: impl FnOnce(&Value) -> Result<Value, ApiError>,
) -> Result<Outcome, ApiError> {
    let resource = &target.resource;
    let options = write_options(request, "UpdateOptions")?;
    let paths = resource.subresources.scale.clone().unwrap_or_default();
    let key = key_of(target);
    let now = meta::now();
    let updated = app.store.write(|state| {
        objects::update(
            state,
            resource,
            &key,
            Part::All,
            options.dry_run,
            |current| {
                let scale = make(&to_scale(resource, current))?;
                let replicas = scale.pointer("/spec/replicas").cloned().unwrap_or(json!(0));
                let mut next = (**current).clone();
                let rv = meta::resource_version(&scale).to_owned();
                if let Some(metadata) = meta::metadata_mut(&mut next) {
                    metadata.insert("resourceVersion".into(), Value::String(rv));
                }
                set(&mut next, &pointer(&paths.spec_replicas_path), replicas);
                if resource.custom {
                    // The replicas written through /scale meet the schema as well.
                    let causes = crate::validation::custom::validate_resource(
                        resource,
                        &next,
                        Some(current),
                        crate::validation::custom::Target::Main,
                    );
                    if !causes.is_empty() {
                        return Err(ApiError::invalid(
                            &resource.group,
                            &resource.kind,
                            meta::name(&next),
                            causes,
                        ));
                    }
                }
                patching::record(
                    app,
                    resource,
                    Some(current),
                    &mut next,
                    &options,
                    Some("scale"),
                    &now,
                );
                Ok(next)
            },
        )
    })?;
    Ok(reply(200, to_scale(resource, updated.object())))
}

fn set(object: &mut Value, pointer: &str, value: Value) {
    let mut current = object;
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let Some(map) = current.as_object_mut() else {
            return;
        };
        if i + 1 == parts.len() {
            map.insert((*part).to_owned(), value);
            return;
        }
        current = map.entry(*part).or_insert_with(|| json!({}));
    }
}

/// PUT `/scale`.
pub fn update(app: &Arc<App>, request: &Request, target: &Target) -> Result<Outcome, ApiError> {
    let body: Value = serde_json::from_slice(&request.body)
        .map_err(|e| ApiError::bad_request(format!("error decoding Scale: {e}")))?;
    write_scale(app, request, target, |_| Ok(body))
}

/// PATCH `/scale`.
pub fn patch(app: &Arc<App>, request: &Request, target: &Target) -> Result<Outcome, ApiError> {
    let kind = patch_type(request, &target.resource)?;
    let body = patch_body(request, kind)?;
    let kind = if kind == PatchType::Json {
        kind
    } else {
        PatchType::Merge
    };
    write_scale(app, request, target, |scale| {
        let mut next = match kind {
            PatchType::Json => crate::patch::json::apply(scale, &body)
                .map_err(|e| ApiError::new(e.code(), e.reason().unwrap_or(""), e.message()))?,
            _ => crate::patch::merge::apply(scale, &body),
        };
        // A patch of the Scale does not carry a precondition unless it sets one.
        if body.pointer("/metadata/resourceVersion").is_none() {
            if let Some(metadata) = meta::metadata_mut(&mut next) {
                metadata.remove("resourceVersion");
            }
        }
        Ok(next)
    })
}
