//! Create and update bookkeeping, as the generic registry of kube-apiserver
//! does it: uid, creationTimestamp, generation, generateName, namespaces that
//! must exist and not be terminating, optimistic concurrency, the status
//! subresource split, and deletion once the last finalizer is gone.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::delete;
use super::meta;
use super::{Key, State};
use crate::error::{ApiError, GroupResource, cause};
use crate::registry::ResourceInfo;

/// The table namespaces live in.
pub const NAMESPACES: &str = "/namespaces";

/// Where an object of a resource is stored: one table per group and plural, shared
/// by every version of the resource.
pub fn table_name(resource: &ResourceInfo) -> Arc<str> {
    Arc::from(format!("{}/{}", resource.group, resource.plural))
}

/// The group and plural for messages about a resource.
pub fn group_resource(resource: &ResourceInfo) -> GroupResource {
    GroupResource::new(&resource.group, &resource.plural)
}

/// Whether objects of this resource carry `metadata.generation`.
pub fn has_generation(resource: &ResourceInfo) -> bool {
    resource.custom
        || (!resource.group.is_empty() && resource.subresources.status && has_spec(resource))
}

fn has_spec(resource: &ResourceInfo) -> bool {
    // The catalog's schemas are `$ref`s; the kind's top-level properties are
    // what matters, and every built-in with a status subresource and a spec
    // names it in the kind; CRDs are handled by `custom` above.
    resource.kind != "Lease"
}

/// Which part of an object a write may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The main resource: everything but `status` (when there is a status subresource).
    Main,
    /// `/status`: only `status`.
    Status,
    /// Everything (internal writes such as the garbage collector).
    All,
}

/// Checks that the namespace of a new object exists and is not terminating.
pub fn check_namespace(
    state: &State,
    resource: &ResourceInfo,
    namespace: &str,
    name: &str,
) -> Result<(), ApiError> {
    if !resource.namespaced {
        return Ok(());
    }
    let Some(ns) = state.get(NAMESPACES, &(String::new(), namespace.to_owned())) else {
        return Err(ApiError::not_found(
            &GroupResource::new("", "namespaces"),
            namespace,
        ));
    };
    if meta::is_deleting(&ns)
        || ns.pointer("/status/phase").and_then(Value::as_str) == Some("Terminating")
    {
        let gr = group_resource(resource);
        let mut error = ApiError::forbidden_object(
            &gr,
            name,
            &format!(
                "unable to create new content in namespace {namespace} because it is being terminated"
            ),
        );
        if let Some(details) = error.details.as_mut() {
            details.causes = vec![cause(
                "NamespaceTerminating",
                format!("namespace {namespace} is being terminated"),
                "metadata.namespace",
            )];
        }
        return Err(error);
    }
    Ok(())
}

/// Stores a new object: `object` is already decoded, defaulted and validated, with
/// its namespace set. With `dry_run`, nothing is stored and the object is returned
/// as it would have been.
pub fn create(
    state: &mut State,
    resource: &ResourceInfo,
    mut object: Value,
    dry_run: bool,
    now: &str,
) -> Result<Arc<Value>, ApiError> {
    let table = table_name(resource);
    let gr = group_resource(resource);
    let namespace = meta::namespace(&object).to_owned();
    let mut name = meta::name(&object).to_owned();
    check_namespace(state, resource, &namespace, &name)?;
    if name.is_empty() {
        let prefix = object
            .pointer("/metadata/generateName")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        // A generated name that is taken is retried, as the real registry does a few times.
        for _ in 0..8 {
            name = meta::generate_name(&prefix);
            if state
                .get(&table, &(namespace.clone(), name.clone()))
                .is_none()
            {
                break;
            }
        }
    }
    let key: Key = (namespace.clone(), name.clone());
    if state.get(&table, &key).is_some() {
        return Err(ApiError::already_exists(&gr, &name));
    }
    let Some(metadata) = meta::metadata_mut(&mut object) else {
        return Err(ApiError::bad_request("the object is not a JSON object"));
    };
    let mut fresh = Map::new();
    // Keep the order the real server writes metadata in.
    fresh.insert("name".into(), Value::String(name.clone()));
    for (field, value) in metadata.iter() {
        if field == "generateName" {
            fresh.insert(field.clone(), value.clone());
        }
    }
    if resource.namespaced {
        fresh.insert("namespace".into(), Value::String(namespace.clone()));
    }
    fresh.insert("uid".into(), Value::String(meta::new_uid()));
    fresh.insert("resourceVersion".into(), Value::String(String::new()));
    if has_generation(resource) {
        fresh.insert("generation".into(), Value::from(1));
    }
    fresh.insert("creationTimestamp".into(), Value::String(now.to_owned()));
    for (field, value) in std::mem::take(metadata) {
        if omitted(&field, &value) {
            continue;
        }
        if !matches!(
            field.as_str(),
            "name"
                | "generateName"
                | "namespace"
                | "uid"
                | "resourceVersion"
                | "generation"
                | "creationTimestamp"
                | "deletionTimestamp"
                | "deletionGracePeriodSeconds"
                | "selfLink"
        ) {
            fresh.insert(field, value);
        }
    }
    *metadata = fresh;
    if dry_run {
        if let Some(metadata) = meta::metadata_mut(&mut object) {
            metadata.remove("resourceVersion");
        }
        return Ok(Arc::new(object));
    }
    let stored = state.put(&table, key.clone(), object);
    delete::collect_if_orphaned(state, &table, &key);
    Ok(stored)
}

/// What an update did.
#[derive(Debug)]
pub enum Updated {
    /// The object as stored (or unchanged, for a no-op).
    Stored(Arc<Value>),
    /// The update removed the last finalizer of an object being deleted: it is gone.
    /// Carries the object as the response shows it.
    Deleted(Arc<Value>),
}

impl Updated {
    /// The object to answer with.
    pub fn object(&self) -> &Arc<Value> {
        match self {
            Updated::Stored(object) | Updated::Deleted(object) => object,
        }
    }
}

/// Replaces the object at `key` with what `compute` makes of the live one.
///
/// `compute` gets the live object and returns the desired one (a PUT body, a
/// patched object…); this then enforces the rules every update follows.
pub fn update(
    state: &mut State,
    resource: &ResourceInfo,
    key: &Key,
    part: Part,
    dry_run: bool,
    compute: impl FnOnce(&Arc<Value>) -> Result<Value, ApiError>,
) -> Result<Updated, ApiError> {
    let table = table_name(resource);
    let gr = group_resource(resource);
    let Some(current) = state.get(&table, key) else {
        return Err(ApiError::not_found(&gr, &key.1));
    };
    let mut desired = compute(&current)?;
    let asked_rv = meta::resource_version(&desired).to_owned();
    if !asked_rv.is_empty() && asked_rv != meta::resource_version(&current) {
        return Err(ApiError::conflict_modified(&gr, &key.1));
    }
    let mut next = merge_parts(resource, &current, &mut desired, part);
    carry_system_metadata(resource, &current, &mut next);
    if meta::is_deleting(&current) {
        let before = meta::finalizers(&current);
        let added: Vec<String> = meta::finalizers(&next)
            .into_iter()
            .filter(|f| !before.contains(f))
            .collect();
        if !added.is_empty() {
            let quoted: Vec<String> = added.iter().map(|f| format!("{f:?}")).collect();
            let message = format!(
                "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{{{}}}",
                quoted.join(", ")
            );
            // The real server reports the cause twice (ObjectMeta update validation
            // runs twice) but names it once in the message.
            let mut error = ApiError::invalid(
                &resource.group,
                &resource.kind,
                &key.1,
                vec![cause(
                    "FieldValueForbidden",
                    message.clone(),
                    "metadata.finalizers",
                )],
            );
            if let Some(details) = error.details.as_mut() {
                details
                    .causes
                    .push(cause("FieldValueForbidden", message, "metadata.finalizers"));
            }
            return Err(error);
        }
    }
    if has_generation(resource) && spec_changed(resource, &current, &next) {
        let generation = current
            .pointer("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if let Some(metadata) = meta::metadata_mut(&mut next) {
            metadata.insert("generation".into(), Value::from(generation + 1));
        }
    }
    if same_ignoring_bookkeeping(&current, &next) {
        return Ok(Updated::Stored(current));
    }
    if meta::is_deleting(&next) && meta::finalizers(&next).is_empty() {
        if let Some(metadata) = meta::metadata_mut(&mut next) {
            metadata.insert(
                "resourceVersion".into(),
                Value::String(meta::resource_version(&current).to_owned()),
            );
        }
        // The write that removes the last finalizer deletes the object: the
        // DELETED event carries the state stored before it.
        if !dry_run {
            delete::remove_now(state, &table, key);
        }
        return Ok(Updated::Deleted(Arc::new(next)));
    }
    if dry_run {
        return Ok(Updated::Stored(Arc::new(next)));
    }
    Ok(Updated::Stored(state.put(&table, key.clone(), next)))
}

/// The object a write of `part` produces from the live one and the desired one.
fn merge_parts(resource: &ResourceInfo, current: &Value, desired: &mut Value, part: Part) -> Value {
    let split = resource.subresources.status;
    match part {
        Part::All => desired.clone(),
        Part::Main if !split => desired.clone(),
        Part::Main => {
            let mut next = desired.clone();
            if let Some(map) = next.as_object_mut() {
                match current.get("status") {
                    Some(status) => {
                        map.insert("status".into(), status.clone());
                    }
                    None => {
                        map.remove("status");
                    }
                }
            }
            next
        }
        Part::Status => {
            let mut next = current.clone();
            if let Some(map) = next.as_object_mut() {
                match desired.get("status") {
                    Some(status) => {
                        map.insert("status".into(), status.clone());
                    }
                    None => {
                        map.remove("status");
                    }
                }
                // Only managedFields of the metadata follow a status write.
                if let (Some(fields), Some(metadata)) = (
                    desired.pointer("/metadata/managedFields").cloned(),
                    map.get_mut("metadata").and_then(Value::as_object_mut),
                ) {
                    metadata.insert("managedFields".into(), fields);
                }
            }
            next
        }
    }
}

/// Fields of `metadata` only the server writes: kept from the live object.
fn carry_system_metadata(resource: &ResourceInfo, current: &Value, next: &mut Value) {
    let Some(metadata) = meta::metadata_mut(next) else {
        return;
    };
    let mut fresh = Map::new();
    let old = current
        .get("metadata")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for field in [
        "name",
        "generateName",
        "namespace",
        "uid",
        "resourceVersion",
    ] {
        let value = if field == "generateName" {
            metadata.get(field).or_else(|| old.get(field))
        } else {
            old.get(field)
        };
        if let Some(value) = value {
            if field != "namespace" || resource.namespaced {
                fresh.insert(field.into(), value.clone());
            }
        }
    }
    for field in [
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
    ] {
        if let Some(value) = old.get(field) {
            fresh.insert(field.into(), value.clone());
        }
    }
    for (field, value) in std::mem::take(metadata) {
        if !fresh.contains_key(&field) && field != "selfLink" && !omitted(&field, &value) {
            fresh.insert(field, value);
        }
    }
    *metadata = fresh;
}

/// Drops the metadata fields Go leaves out when empty (a merge patch removing
/// the last label leaves `labels: {}`, which the real server's typed object
/// does not keep).
pub fn omit_empty_metadata(object: &mut Value) {
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.retain(|field, value| !omitted(field, value));
    }
}

/// Metadata fields Go leaves out when empty (`omitempty`).
fn omitted(field: &str, value: &Value) -> bool {
    let empty = match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    };
    empty
        && matches!(
            field,
            "labels"
                | "annotations"
                | "finalizers"
                | "ownerReferences"
                | "generateName"
                | "managedFields"
        )
}

/// Whether anything that counts for `generation` changed: `spec` for built-ins,
/// everything but metadata and status for custom resources.
fn spec_changed(resource: &ResourceInfo, current: &Value, next: &Value) -> bool {
    if resource.custom {
        let strip = |v: &Value| {
            let mut map = v.as_object().cloned().unwrap_or_default();
            map.remove("metadata");
            map.remove("status");
            map
        };
        strip(current) != strip(next)
    } else {
        current.get("spec") != next.get("spec")
    }
}

/// Equal apart from resourceVersion and the times in managedFields: such a write
/// changes nothing, and the real server then neither writes nor sends an event.
fn same_ignoring_bookkeeping(current: &Value, next: &Value) -> bool {
    let normalize = |v: &Value| {
        let mut v = v.clone();
        if let Some(metadata) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.remove("resourceVersion");
            if let Some(fields) = metadata
                .get_mut("managedFields")
                .and_then(Value::as_array_mut)
            {
                for entry in fields {
                    if let Some(entry) = entry.as_object_mut() {
                        entry.remove("time");
                    }
                }
            }
        }
        v
    };
    normalize(current) == normalize(next)
}
