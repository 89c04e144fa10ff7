//! Pruning of fields a structural schema does not declare
//! (`structuralpruning.Prune`), with ObjectMeta kept to its own fields.

use serde_json::{Map, Value};

use crate::schema::SchemaRef;

/// The fields of ObjectMeta; anything else under a resource's `metadata` is dropped.
const OBJECT_META_FIELDS: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

/// Removes undeclared fields from `object` (a resource root) and returns their
/// paths (`spec.unknown`, `metadata.bogus`, `spec.items[0].x`), sorted.
pub fn prune(schema: SchemaRef<'_>, object: &mut Value) -> Vec<String> {
    let mut pruned = Vec::new();
    prune_node(schema, object, "", true, &mut pruned);
    pruned.sort();
    pruned
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// Keeps ObjectMeta's own fields of a `metadata` object.
fn prune_metadata(metadata: &mut Map<String, Value>, path: &str, pruned: &mut Vec<String>) {
    metadata.retain(|key, _| {
        let keep = OBJECT_META_FIELDS.contains(&key.as_str());
        if !keep {
            pruned.push(join(path, key));
        }
        keep
    });
}

fn prune_node(
    schema: SchemaRef<'_>,
    value: &mut Value,
    path: &str,
    resource_root: bool,
    pruned: &mut Vec<String>,
) {
    match value {
        Value::Object(map) => {
            let embedded = resource_root || schema.is_embedded_resource();
            let preserve = schema.preserves_unknown_fields();
            let declared: Vec<String> = schema.properties().map(|(k, _)| k.to_owned()).collect();
            let additional = schema.additional_properties();
            map.retain(|key, _| {
                if embedded && matches!(key.as_str(), "apiVersion" | "kind" | "metadata") {
                    return true;
                }
                let keep = preserve || declared.iter().any(|d| d == key) || additional.is_some();
                if !keep {
                    pruned.push(join(path, key));
                }
                keep
            });
            for (key, child) in map.iter_mut() {
                let child_path = join(path, key);
                if embedded && key == "metadata" {
                    if let Value::Object(metadata) = child {
                        prune_metadata(metadata, &child_path, pruned);
                    }
                    // Declared metadata properties (name patterns…) are not pruned further.
                    continue;
                }
                if embedded && matches!(key.as_str(), "apiVersion" | "kind") {
                    continue;
                }
                let declared_schema = schema
                    .value()
                    .get("properties")
                    .and_then(|p| p.get(key.as_str()))
                    .map(|s| SchemaRef::new(schema.schemas(), s));
                if let Some(child_schema) = declared_schema.or(additional) {
                    prune_node(child_schema, child, &child_path, false, pruned);
                } else if preserve {
                    // Unknown but preserved: nothing below is pruned.
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.items() {
                for (i, item) in items.iter_mut().enumerate() {
                    prune_node(item_schema, item, &format!("{path}[{i}]"), false, pruned);
                }
            }
        }
        _ => {}
    }
}

/// Drops `null` values of non-nullable properties without a default, as the
/// server does before defaulting (`PruneNonNullableNullsWithoutDefaults`).
pub fn drop_nulls(schema: SchemaRef<'_>, value: &mut Value) {
    match value {
        Value::Object(map) => {
            let additional = schema.additional_properties();
            map.retain(|key, child| {
                if !child.is_null() {
                    return true;
                }
                let Some(property) = declared(schema, key).or(additional) else {
                    return true;
                };
                nullable(property) || property.keyword("default").is_some()
            });
            for (key, child) in map.iter_mut() {
                if let Some(property) = declared(schema, key).or(additional) {
                    drop_nulls(property, child);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.items() {
                for item in items {
                    drop_nulls(item_schema, item);
                }
            }
        }
        _ => {}
    }
}

pub(super) fn declared<'a>(schema: SchemaRef<'a>, key: &str) -> Option<SchemaRef<'a>> {
    schema
        .value()
        .get("properties")
        .and_then(|p| p.get(key))
        .map(|s| SchemaRef::new(schema.schemas(), s))
}

pub(super) fn nullable(schema: SchemaRef<'_>) -> bool {
    schema.keyword("nullable").and_then(Value::as_bool) == Some(true)
}

/// Applies `default`s (`structuraldefaulting.Default`): a missing property,
/// or a null one that is not nullable, gets its default; then every present
/// value is defaulted in turn, list items and map values included.
pub fn apply_defaults(schema: SchemaRef<'_>, value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, property) in schema.properties() {
                let Some(default) = property.keyword("default") else {
                    continue;
                };
                let missing = match map.get(key) {
                    None => true,
                    Some(Value::Null) => !nullable(property),
                    Some(_) => false,
                };
                if missing {
                    map.insert(key.to_owned(), default.clone());
                }
            }
            let additional = schema.additional_properties();
            for (key, child) in map.iter_mut() {
                if let Some(property) = declared(schema, key).or(additional) {
                    apply_defaults(property, child);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.items() {
                for item in items {
                    apply_defaults(item_schema, item);
                }
            }
        }
        _ => {}
    }
}

/// Sorts the keys of every object, as the server's unstructured JSON encoder
/// writes custom resources.
pub fn sort_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(map).into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            for (key, mut child) in entries {
                sort_keys(&mut child);
                map.insert(key, child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}
