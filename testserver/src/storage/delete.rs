//! Deletion: preconditions, finalizers and `deletionTimestamp`, and what the
//! garbage collector and the namespace controller would end up doing, done at
//! once: `Background` deletes dependents after their owner, `Foreground` deletes
//! them first, `Orphan` strips their ownerReferences; deleting a namespace
//! deletes its contents; a CustomResourceDefinition being deleted goes once
//! its objects are gone.

use std::sync::Arc;

use serde_json::{Value, json};

use super::meta;
use super::objects::{NAMESPACES, table_name};
use super::{Key, ObjectRef, State};
use crate::error::{ApiError, GroupResource};
use crate::registry::ResourceInfo;

/// The table of CustomResourceDefinitions.
pub const CRDS: &str = "apiextensions.k8s.io/customresourcedefinitions";
/// The finalizer the server puts on a CRD so that its objects are removed first.
pub const CRD_CLEANUP: &str = "customresourcecleanup.apiextensions.k8s.io";
const ORPHAN: &str = "orphan";
const FOREGROUND: &str = "foregroundDeletion";

/// `propagationPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    /// Dependents are deleted after the owner is gone.
    Background,
    /// Dependents are deleted first; the owner waits with `foregroundDeletion`.
    Foreground,
    /// Dependents stay and lose their ownerReference.
    Orphan,
}

impl Propagation {
    /// Parses the value of `propagationPolicy`.
    pub fn parse(value: &str) -> Option<Propagation> {
        match value {
            "Background" => Some(Propagation::Background),
            "Foreground" => Some(Propagation::Foreground),
            "Orphan" => Some(Propagation::Orphan),
            _ => None,
        }
    }
}

/// DeleteOptions as the storage needs them.
#[derive(Clone, Debug, Default)]
pub struct DeleteOptions {
    /// `propagationPolicy` (or `orphanDependents`).
    pub propagation: Option<Propagation>,
    /// `preconditions.uid`.
    pub uid: Option<String>,
    /// `preconditions.resourceVersion`.
    pub resource_version: Option<String>,
    /// `dryRun=All`.
    pub dry_run: bool,
}

/// The outcome of a DELETE.
#[derive(Debug)]
pub enum Deleted {
    /// Removed now; the last state.
    Gone(Arc<Value>),
    /// Still there with `deletionTimestamp` (finalizers pending).
    Pending(Arc<Value>),
}

/// Deletes the object at `key` of `resource`.
pub fn delete(
    state: &mut State,
    resource: &ResourceInfo,
    key: &Key,
    options: &DeleteOptions,
    now: &str,
) -> Result<Deleted, ApiError> {
    let table = table_name(resource);
    let Some(current) = state.get(&table, key) else {
        return Err(ApiError::not_found(
            &GroupResource::new(&resource.group, &resource.plural),
            &key.1,
        ));
    };
    check_preconditions(resource, &key.1, &current, options)?;
    if meta::is_deleting(&current) {
        return Ok(Deleted::Pending(current));
    }
    if options.dry_run {
        return Ok(
            if &*table == NAMESPACES || needs_finalizers(&current, options) {
                Deleted::Pending(Arc::new(mark_deleting(&current, options, now, &table)))
            } else {
                Deleted::Gone(current)
            },
        );
    }
    Ok(delete_object(state, &table, key, options.propagation, now))
}

fn check_preconditions(
    resource: &ResourceInfo,
    name: &str,
    current: &Value,
    options: &DeleteOptions,
) -> Result<(), ApiError> {
    let subject = GroupResource::new(&resource.group, &resource.kind);
    if let Some(uid) = &options.uid {
        let actual = meta::uid(current).unwrap_or("");
        if uid != actual {
            return Err(ApiError::conflict(
                &subject,
                name,
                &format!(
                    "the UID in the precondition ({uid}) does not match the UID in record ({actual}). The object might have been deleted and then recreated"
                ),
            ));
        }
    }
    if let Some(rv) = &options.resource_version {
        let actual = meta::resource_version(current);
        if rv != actual {
            return Err(ApiError::conflict(
                &subject,
                name,
                &format!(
                    "the ResourceVersion in the precondition ({rv}) does not match the ResourceVersion in record ({actual}). The object might have been modified"
                ),
            ));
        }
    }
    Ok(())
}

fn needs_finalizers(current: &Value, options: &DeleteOptions) -> bool {
    !meta::finalizers(current).is_empty()
        || matches!(
            options.propagation,
            Some(Propagation::Orphan | Propagation::Foreground)
        )
}

/// The object with `deletionTimestamp` and the finalizer its propagation policy adds.
fn mark_deleting(current: &Value, options: &DeleteOptions, now: &str, table: &str) -> Value {
    mark(current, options.propagation, now, table)
}

fn mark(current: &Value, propagation: Option<Propagation>, now: &str, table: &str) -> Value {
    let mut next = current.clone();
    let mut finalizers = meta::finalizers(&next);
    let extra = match propagation {
        Some(Propagation::Orphan) => Some(ORPHAN),
        Some(Propagation::Foreground) => Some(FOREGROUND),
        _ => None,
    };
    if let Some(extra) = extra {
        if !finalizers.iter().any(|f| f == extra) {
            finalizers.push(extra.to_owned());
        }
    }
    if table == CRDS {
        if !finalizers.iter().any(|f| f == CRD_CLEANUP) {
            finalizers.push(CRD_CLEANUP.to_owned());
        }
        crate::crd::mark_terminating(&mut next, now);
    }
    meta::set_finalizers(&mut next, &finalizers);
    if let Some(metadata) = meta::metadata_mut(&mut next) {
        metadata.insert("deletionTimestamp".into(), Value::String(now.to_owned()));
        // Graceful deletion (every registry but those of namespaces and CRDs) records
        // the grace period and bumps the generation of objects that have one.
        if table != NAMESPACES && table != CRDS {
            metadata.insert("deletionGracePeriodSeconds".into(), Value::from(0));
            if let Some(generation) = metadata.get("generation").and_then(Value::as_i64) {
                metadata.insert("generation".into(), Value::from(generation + 1));
            }
        }
        reorder_deletion_fields(metadata);
    }
    if table == NAMESPACES {
        if let Some(status) = next
            .as_object_mut()
            .map(|o| {
                o.entry("status")
                    .or_insert_with(|| Value::Object(Default::default()))
            })
            .and_then(Value::as_object_mut)
        {
            status.insert("phase".into(), Value::String("Terminating".into()));
        }
    }
    next
}

/// Puts `deletionTimestamp` and `deletionGracePeriodSeconds` after `creationTimestamp`,
/// where the real server serializes them.
fn reorder_deletion_fields(metadata: &mut serde_json::Map<String, Value>) {
    let fields: Vec<(String, Value)> = std::mem::take(metadata).into_iter().collect();
    let (deletion, rest): (Vec<_>, Vec<_>) = fields
        .into_iter()
        .partition(|(k, _)| k == "deletionTimestamp" || k == "deletionGracePeriodSeconds");
    let mut deletion = deletion;
    deletion.sort_by_key(|(k, _)| k != "deletionTimestamp");
    let at = rest
        .iter()
        .position(|(k, _)| k == "creationTimestamp")
        .map_or(rest.len(), |i| i + 1);
    let mut rest = rest;
    let tail = rest.split_off(at);
    for (k, v) in rest.into_iter().chain(deletion).chain(tail) {
        metadata.insert(k, v);
    }
}

/// Deletes one stored object: at once when nothing holds it, else marks it and
/// lets the finalizers the server itself handles run.
fn delete_object(
    state: &mut State,
    table: &Arc<str>,
    key: &Key,
    propagation: Option<Propagation>,
    now: &str,
) -> Deleted {
    let Some(current) = state.get(table, key) else {
        return Deleted::Gone(Arc::new(Value::Null));
    };
    if meta::is_deleting(&current) {
        return Deleted::Pending(current);
    }
    let holds = !meta::finalizers(&current).is_empty()
        || matches!(
            propagation,
            Some(Propagation::Orphan | Propagation::Foreground)
        )
        || &**table == NAMESPACES
        || &**table == CRDS;
    if !holds {
        let gone = remove_now(state, table, key).unwrap_or(current);
        return Deleted::Gone(gone);
    }
    let marked = state.put(table, key.clone(), mark(&current, propagation, now, table));
    run_server_finalizers(state, table, key, now);
    Deleted::Pending(marked)
}

/// Removes an object now and lets the garbage collector react.
pub fn remove_now(state: &mut State, table: &Arc<str>, key: &Key) -> Option<Arc<Value>> {
    let gone = state.remove(table, key)?;
    let now = meta::now();
    if let Some(uid) = meta::uid(&gone) {
        for dependent in state.dependents_of(uid) {
            collect_dependent(state, &dependent, &now);
        }
    }
    for owner in meta::owner_uids(&gone) {
        if let Some(((owner_table, owner_key), _)) = state.by_uid(&owner) {
            run_server_finalizers(state, &owner_table, &owner_key, &now);
        }
    }
    if !key.0.is_empty() {
        finish_namespace(state, &key.0);
    }
    if state.table(table).is_some_and(|t| t.is_empty()) {
        finish_crds(state, table, &now);
    }
    Some(gone)
}

/// What the garbage collector does to a new or changed object whose owners
/// do not all exist: deleted when none does, else the dangling references go.
pub fn collect_if_orphaned(state: &mut State, table: &Arc<str>, key: &Key) {
    let Some(object) = state.get(table, key) else {
        return;
    };
    let owners = meta::owner_uids(&object);
    if owners.is_empty() || owners.iter().all(|uid| state.by_uid(uid).is_some()) {
        return;
    }
    collect_dependent(state, &(table.clone(), key.clone()), &meta::now());
}

/// A dependent whose owner went: deleted when no other owner is left, else the
/// dangling reference is dropped.
fn collect_dependent(state: &mut State, (table, key): &ObjectRef, now: &str) {
    let Some(dependent) = state.get(table, key) else {
        return;
    };
    let references = meta::owner_references(&dependent);
    let live: Vec<Value> = references
        .iter()
        .filter(|r| {
            r.get("uid")
                .and_then(Value::as_str)
                .is_some_and(|uid| state.by_uid(uid).is_some())
        })
        .cloned()
        .collect();
    if live.is_empty() {
        delete_object(state, table, key, Some(Propagation::Background), now);
    } else if live.len() != references.len() {
        let mut next = (*dependent).clone();
        if let Some(metadata) = meta::metadata_mut(&mut next) {
            metadata.insert("ownerReferences".into(), Value::Array(live));
        }
        state.put(table, key.clone(), next);
    }
}

/// Runs the finalizers the control plane owns (`orphan`, `foregroundDeletion`, the
/// namespace's and the CRD's cleanup) on an object being deleted, and removes it
/// when no finalizer is left.
fn run_server_finalizers(state: &mut State, table: &Arc<str>, key: &Key, now: &str) {
    let Some(current) = state.get(table, key) else {
        return;
    };
    if !meta::is_deleting(&current) {
        return;
    }
    let uid = meta::uid(&current).unwrap_or("").to_owned();
    let mut finalizers = meta::finalizers(&current);
    if finalizers.iter().any(|f| f == ORPHAN) {
        for (dep_table, dep_key) in state.dependents_of(&uid) {
            if let Some(dependent) = state.get(&dep_table, &dep_key) {
                let mut next = (*dependent).clone();
                let kept: Vec<Value> = meta::owner_references(&next)
                    .into_iter()
                    .filter(|r| r.get("uid").and_then(Value::as_str) != Some(uid.as_str()))
                    .collect();
                if let Some(metadata) = meta::metadata_mut(&mut next) {
                    if kept.is_empty() {
                        metadata.remove("ownerReferences");
                    } else {
                        metadata.insert("ownerReferences".into(), Value::Array(kept));
                    }
                }
                state.put(&dep_table, dep_key, next);
            }
        }
        finalizers.retain(|f| f != ORPHAN);
    }
    if finalizers.iter().any(|f| f == FOREGROUND) {
        let dependents = state.dependents_of(&uid);
        for (dep_table, dep_key) in &dependents {
            delete_object(
                state,
                dep_table,
                dep_key,
                Some(Propagation::Foreground),
                now,
            );
        }
        let blocked = state.dependents_of(&uid).iter().any(|(t, k)| {
            state.get(t, k).is_some_and(|dependent| {
                meta::owner_references(&dependent).iter().any(|r| {
                    r.get("uid").and_then(Value::as_str) == Some(uid.as_str())
                        && r.get("blockOwnerDeletion").and_then(Value::as_bool) == Some(true)
                })
            })
        });
        if !blocked {
            finalizers.retain(|f| f != FOREGROUND);
        }
    }
    if &**table == NAMESPACES {
        delete_namespace_contents(state, &key.1, now);
        // The namespace may have been finished (removed) by its last object going.
        if state.get(table, key).is_none() {
            return;
        }
        report_remaining_content(state, &key.1, now);
    }
    if &**table == CRDS {
        delete_crd_objects(state, &current, now);
        if state.get(table, key).is_none() {
            return;
        }
        finalizers = state
            .get(table, key)
            .map(|c| meta::finalizers(&c))
            .unwrap_or_default();
    }
    let Some(latest) = state.get(table, key) else {
        return;
    };
    if finalizers != meta::finalizers(&latest) {
        let mut next = (*latest).clone();
        meta::set_finalizers(&mut next, &finalizers);
        state.put(table, key.clone(), next);
    }
    if finalizers.is_empty() && !(&**table == NAMESPACES && namespace_has_content(state, &key.1)) {
        remove_now(state, table, key);
    }
}

fn delete_namespace_contents(state: &mut State, namespace: &str, now: &str) {
    for table in state.table_names() {
        let keys = state
            .table(&table)
            .map(|t| t.live_keys(Some(namespace)))
            .unwrap_or_default();
        for key in keys {
            delete_object(state, &table, &key, Some(Propagation::Background), now);
        }
    }
}

fn namespace_has_content(state: &State, namespace: &str) -> bool {
    state.table_names().iter().any(|table| {
        state
            .table(table)
            .is_some_and(|t| t.scan(Some(namespace), None, None).next().is_some())
    })
}

/// The conditions the namespace controller writes while content with
/// finalizers holds a terminating namespace.
fn report_remaining_content(state: &mut State, namespace: &str, now: &str) {
    use std::collections::BTreeMap;
    let mut resources: BTreeMap<String, usize> = BTreeMap::new();
    let mut finalizers: BTreeMap<String, usize> = BTreeMap::new();
    for table in state.table_names() {
        let Some(t) = state.table(&table) else {
            continue;
        };
        for (_, object) in t.scan(Some(namespace), None, None) {
            let (group, plural) = table.split_once('/').unwrap_or(("", &table));
            *resources.entry(format!("{plural}.{group}")).or_default() += 1;
            for finalizer in meta::finalizers(object) {
                *finalizers.entry(finalizer).or_default() += 1;
            }
        }
    }
    if resources.is_empty() {
        return;
    }
    let remaining: Vec<String> = resources
        .iter()
        .map(|(r, n)| format!("{r} has {n} resource instances"))
        .collect();
    let mut conditions = vec![
        json!({"type": "NamespaceDeletionDiscoveryFailure", "status": "False", "lastTransitionTime": now,
               "reason": "ResourcesDiscovered", "message": "All resources successfully discovered"}),
        json!({"type": "NamespaceDeletionGroupVersionParsingFailure", "status": "False", "lastTransitionTime": now,
               "reason": "ParsedGroupVersions", "message": "All legacy kube types successfully parsed"}),
        json!({"type": "NamespaceDeletionContentFailure", "status": "False", "lastTransitionTime": now,
               "reason": "ContentDeleted", "message": "All content successfully deleted, may be waiting on finalization"}),
        json!({"type": "NamespaceContentRemaining", "status": "True", "lastTransitionTime": now,
               "reason": "SomeResourcesRemain",
               "message": format!("Some resources are remaining: {}", remaining.join(", "))}),
    ];
    if !finalizers.is_empty() {
        let held: Vec<String> = finalizers
            .iter()
            .map(|(f, n)| format!("{f} in {n} resource instances"))
            .collect();
        conditions.push(json!({"type": "NamespaceFinalizersRemaining", "status": "True",
            "lastTransitionTime": now, "reason": "SomeFinalizersRemain",
            "message": format!("Some content in the namespace has finalizers remaining: {}", held.join(", "))}));
    }
    let table: Arc<str> = Arc::from(NAMESPACES);
    let key = (String::new(), namespace.to_owned());
    let Some(current) = state.get(&table, &key) else {
        return;
    };
    let mut owned = serde_json::Map::new();
    owned.insert(".".into(), json!({}));
    for condition in &conditions {
        let kind = condition["type"].as_str().unwrap_or("");
        owned.insert(
            format!("k:{{\"type\":\"{kind}\"}}"),
            json!({".": {}, "f:lastTransitionTime": {}, "f:message": {}, "f:reason": {},
                   "f:status": {}, "f:type": {}}),
        );
    }
    let mut next = (*current).clone();
    if let Some(status) = next.get_mut("status").and_then(Value::as_object_mut) {
        status.insert("conditions".into(), Value::Array(conditions));
    }
    // The namespace controller writes the conditions through /status.
    if let Some(metadata) = next.get_mut("metadata").and_then(Value::as_object_mut) {
        let entry = json!({"manager": "kube-controller-manager", "operation": "Update",
            "apiVersion": "v1", "time": now, "fieldsType": "FieldsV1",
            "fieldsV1": {"f:status": {"f:conditions": owned}}, "subresource": "status"});
        let fields = metadata.entry("managedFields").or_insert_with(|| json!([]));
        if let Some(entries) = fields.as_array_mut() {
            entries.retain(|e| {
                e["manager"] != "kube-controller-manager" || e["subresource"] != "status"
            });
            entries.push(entry);
        }
    }
    state.put(&table, key, next);
}

/// A terminating namespace goes once it is empty.
fn finish_namespace(state: &mut State, namespace: &str) {
    let table: Arc<str> = Arc::from(NAMESPACES);
    let key = (String::new(), namespace.to_owned());
    let Some(ns) = state.get(&table, &key) else {
        return;
    };
    if meta::is_deleting(&ns)
        && meta::finalizers(&ns).is_empty()
        && !namespace_has_content(state, namespace)
    {
        remove_now(state, &table, &key);
    }
}

/// The table a CRD's objects live in.
pub fn crd_table(crd: &Value) -> Option<Arc<str>> {
    let group = crd.pointer("/spec/group")?.as_str()?;
    let plural = crd.pointer("/spec/names/plural")?.as_str()?;
    Some(Arc::from(format!("{group}/{plural}")))
}

fn delete_crd_objects(state: &mut State, crd: &Value, now: &str) {
    let Some(table) = crd_table(crd) else {
        return;
    };
    let keys = state
        .table(&table)
        .map(|t| t.live_keys(None))
        .unwrap_or_default();
    for key in keys {
        delete_object(state, &table, &key, Some(Propagation::Background), now);
    }
    if state.table(&table).is_none_or(|t| t.is_empty()) {
        release_crd(state, crd);
    } else {
        let crds: Arc<str> = Arc::from(CRDS);
        let key = (String::new(), meta::name(crd).to_owned());
        if let Some(current) = state.get(&crds, &key) {
            let mut next = (*current).clone();
            crate::crd::mark_in_progress(&mut next);
            if next != *current {
                state.put(&crds, key, next);
            }
        }
    }
}

/// Removes the cleanup finalizer of a CRD (and the CRD with it) once its objects are gone.
fn finish_crds(state: &mut State, emptied: &Arc<str>, _now: &str) {
    let crds: Arc<str> = Arc::from(CRDS);
    let keys = state
        .table(&crds)
        .map(|t| t.live_keys(None))
        .unwrap_or_default();
    for key in keys {
        if let Some(crd) = state.get(&crds, &key) {
            if meta::is_deleting(&crd) && crd_table(&crd).as_ref() == Some(emptied) {
                release_crd(state, &crd);
            }
        }
    }
}

fn release_crd(state: &mut State, crd: &Value) {
    let crds: Arc<str> = Arc::from(CRDS);
    let key = (String::new(), meta::name(crd).to_owned());
    let Some(current) = state.get(&crds, &key) else {
        return;
    };
    let mut finalizers = meta::finalizers(&current);
    if !finalizers.iter().any(|f| f == CRD_CLEANUP) {
        return;
    }
    finalizers.retain(|f| f != CRD_CLEANUP);
    if finalizers.is_empty() {
        remove_now(state, &crds, &key);
    } else {
        let mut next = (*current).clone();
        meta::set_finalizers(&mut next, &finalizers);
        state.put(&crds, key, next);
    }
}
