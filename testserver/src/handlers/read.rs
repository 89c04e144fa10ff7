//! get, list and watch.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::selection::Selectors;
use super::{Outcome, WatchStream, key_of, output, render_list, render_object, reply, shape};
use crate::error::ApiError;
use crate::registry::ResourceInfo;
use crate::server::App;
use crate::server::http::{Encoding, ObjectList, Reply, ReplyBody, Request};
use crate::server::routes::Target;
use crate::storage::list::{self, ListOptions};
use crate::storage::objects::{group_resource, table_name};
use crate::storage::watch::{self, WatchRequest};
use crate::table::Representation;

/// GET of one object (or its status).
pub async fn get(app: &Arc<App>, request: &Request, target: &Target) -> Result<Outcome, ApiError> {
    let shape = shape(request, &target.resource)?;
    list::read_at(&app.store, request.param("resourceVersion"), false).await?;
    let object = app
        .store
        .read()
        .get(&table_name(&target.resource), &key_of(target))
        .ok_or_else(|| {
            ApiError::not_found(
                &group_resource(&target.resource),
                target.name.as_deref().unwrap_or(""),
            )
        })?;
    let object = output(&target.resource, &object);
    Ok(reply(
        200,
        render_object(&target.resource, &object, &shape, true)?,
    ))
}

/// The list options of a request.
pub fn list_options(request: &Request, selectors: &Selectors, watch: bool) -> ListOptions {
    ListOptions {
        resource_version: request.param("resourceVersion").map(str::to_owned),
        resource_version_match: request
            .param("resourceVersionMatch")
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
        limit: request.param("limit").and_then(|l| l.parse().ok()),
        continue_token: request.param("continue").map(str::to_owned),
        watch,
        send_initial_events: request
            .param("sendInitialEvents")
            .map(|v| matches!(v, "true" | "1")),
        filtered: !selectors.is_empty(),
    }
}

/// The selectors of a request.
pub fn selectors(request: &Request, resource: &ResourceInfo) -> Result<Selectors, ApiError> {
    Selectors::parse(
        request.param("labelSelector"),
        request.param("fieldSelector"),
        resource,
    )
}

/// GET of a collection.
pub async fn list(app: &Arc<App>, request: &Request, target: &Target) -> Result<Outcome, ApiError> {
    let shape = shape(request, &target.resource)?;
    let selectors = selectors(request, &target.resource)?;
    let options = list_options(request, &selectors, false);
    let table = table_name(&target.resource);
    let page = list::list(
        &app.store,
        &table,
        target.namespace.as_deref(),
        &options,
        &|object| selectors.matches(object),
    )
    .await?;
    let resource = &target.resource;
    let metadata = list_metadata(resource, &page);
    if matches!(shape.representation, Representation::Object) {
        let item_type = resource
            .custom
            .then(|| (resource.kind.clone(), resource.api_version()));
        let list = ObjectList {
            kind: resource.list_kind.clone(),
            api_version: resource.api_version(),
            metadata: Value::Object(metadata),
            items: page.items,
            item_type,
        };
        let reply = Reply {
            status: 200,
            headers: Vec::new(),
            body: ReplyBody::List(Box::new(list)),
            content_type: None,
        };
        return Ok(Outcome::Reply(reply, Encoding::Json));
    }
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|object| {
            let mut item = output(resource, object);
            // Built-in list items carry no kind and apiVersion; custom ones do.
            if !resource.custom {
                if let Some(map) = item.as_object_mut() {
                    map.remove("kind");
                    map.remove("apiVersion");
                }
            }
            item
        })
        .collect();
    let list = json!({"kind": resource.list_kind, "apiVersion": resource.api_version(),
           "metadata": metadata, "items": items});
    Ok(reply(200, render_list(resource, list, &shape)?))
}

/// A list's `metadata`.
fn list_metadata(resource: &ResourceInfo, page: &list::Page) -> Map<String, Value> {
    let mut metadata = Map::new();
    metadata.insert("resourceVersion".into(), json!(page.rv.to_string()));
    match &page.continue_token {
        Some(token) => {
            metadata.insert("continue".into(), json!(token));
        }
        None if resource.custom => {
            metadata.insert("continue".into(), json!(""));
        }
        None => {}
    }
    if let Some(remaining) = page.remaining {
        metadata.insert("remainingItemCount".into(), json!(remaining));
    }
    metadata
}

/// A watch (`?watch=1` on a collection, or the `/watch/` paths).
pub async fn watch(
    app: &Arc<App>,
    request: &Request,
    target: &Target,
) -> Result<Outcome, ApiError> {
    let shape = shape(request, &target.resource)?;
    let selectors = selectors(request, &target.resource)?;
    let options = list_options(request, &selectors, true);
    list::validate(&options)?;
    let name = target.name.clone();
    let filter: watch::Filter = Arc::new(move |object: &Value| {
        name.as_deref()
            .is_none_or(|n| crate::storage::meta::name(object) == n)
            && selectors.matches(object)
    });
    let timeout = request
        .param("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .filter(|t| *t > 0)
        .map(Duration::from_secs);
    let items = watch::watch(
        app.store.clone(),
        WatchRequest {
            table: table_name(&target.resource),
            namespace: target.namespace.clone(),
            resource_version: options.resource_version.clone(),
            send_initial_events: options.send_initial_events,
            bookmarks: request.flag("allowWatchBookmarks"),
            timeout,
            filter,
        },
        app.bookmarks,
    )
    .await?;
    Ok(Outcome::Watch(WatchStream {
        items,
        resource: target.resource.clone(),
        shape,
    }))
}
