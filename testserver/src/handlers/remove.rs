//! delete and deletecollection, with DeleteOptions from the query or the body.

use std::sync::Arc;

use serde_json::{Value, json};

use super::read::{list_options, selectors};
use super::{Outcome, key_of, output, reply};
use crate::error::{ApiError, cause, success_status};
use crate::registry::ResourceInfo;
use crate::server::App;
use crate::server::http::Request;
use crate::server::routes::Target;
use crate::storage::delete::{self, DeleteOptions, Deleted, Propagation};
use crate::storage::list;
use crate::storage::meta;
use crate::storage::objects::{group_resource, table_name};

/// DeleteOptions from the query and the body (the body wins where both are given).
pub fn delete_options(request: &Request) -> Result<DeleteOptions, ApiError> {
    let body: Value = if request.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&request.body)
            .map_err(|e| ApiError::bad_request(format!("error decoding DeleteOptions: {e}")))?
    };
    let policy = body
        .get("propagationPolicy")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| request.param("propagationPolicy").map(str::to_owned));
    let mut propagation = None;
    if let Some(policy) = policy.filter(|p| !p.is_empty()) {
        propagation = Some(Propagation::parse(&policy).ok_or_else(|| {
            ApiError::invalid_options(
                "DeleteOptions",
                vec![cause(
                    "FieldValueNotSupported",
                    format!(
                        "Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""
                    ),
                    "propagationPolicy",
                )],
            )
        })?);
    }
    let orphan = body
        .get("orphanDependents")
        .and_then(Value::as_bool)
        .or_else(|| request.param("orphanDependents").map(|v| v == "true"));
    if propagation.is_none() {
        propagation = match orphan {
            Some(true) => Some(Propagation::Orphan),
            Some(false) => Some(Propagation::Background),
            None => None,
        };
    }
    let dry_run = body
        .get("dryRun")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
        || !request.params("dryRun").is_empty();
    let text = |pointer: &str| {
        body.pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    Ok(DeleteOptions {
        propagation,
        uid: text("/preconditions/uid"),
        resource_version: text("/preconditions/resourceVersion"),
        dry_run,
    })
}

/// Whether a DELETE that removes the object at once answers with the object
/// (graceful-deletion kinds) instead of a `Status`.
fn returns_object(resource: &ResourceInfo) -> bool {
    resource.group.is_empty()
        && matches!(resource.plural.as_str(), "pods" | "services" | "namespaces")
}

/// DELETE of one object.
pub fn delete(app: &Arc<App>, request: &Request, target: &Target) -> Result<Outcome, ApiError> {
    let resource = &target.resource;
    let options = delete_options(request)?;
    let key = key_of(target);
    let now = meta::now();
    let outcome = app
        .store
        .write(|state| delete::delete(state, resource, &key, &options, &now))?;
    Ok(match outcome {
        Deleted::Pending(object) => reply(200, output(resource, &object)),
        Deleted::Gone(object) if returns_object(resource) => reply(200, output(resource, &object)),
        Deleted::Gone(object) => reply(
            200,
            success_status(
                &group_resource(resource),
                &key.1,
                meta::uid(&object).unwrap_or(""),
            ),
        ),
    })
}

/// DELETE of a collection: every object the selectors match.
pub async fn delete_collection(
    app: &Arc<App>,
    request: &Request,
    target: &Target,
) -> Result<Outcome, ApiError> {
    let resource = &target.resource;
    let options = delete_options(request)?;
    let selectors = selectors(request, resource)?;
    let mut list_opts = list_options(request, &selectors, false);
    list_opts.limit = None;
    list_opts.continue_token = None;
    let table = table_name(resource);
    let page = list::list(
        &app.store,
        &table,
        target.namespace.as_deref(),
        &list_opts,
        &|object| selectors.matches(object),
    )
    .await?;
    let now = meta::now();
    let items: Vec<Value> = app.store.write(|state| {
        page.items
            .iter()
            .filter_map(|object| {
                let key = (
                    meta::namespace(object).to_owned(),
                    meta::name(object).to_owned(),
                );
                match delete::delete(state, resource, &key, &options, &now).ok()? {
                    Deleted::Gone(o) | Deleted::Pending(o) => Some(output(resource, &o)),
                }
            })
            .collect()
    });
    let items: Vec<Value> = items
        .into_iter()
        .map(|mut item| {
            if !resource.custom {
                if let Some(map) = item.as_object_mut() {
                    map.remove("kind");
                    map.remove("apiVersion");
                }
            }
            item
        })
        .collect();
    let rv = app.store.rv();
    Ok(reply(
        200,
        json!({"kind": resource.list_kind, "apiVersion": resource.api_version(),
               "metadata": {"resourceVersion": rv.to_string()}, "items": items}),
    ))
}
