//! Strategic merge patch for built-in kinds, as apimachinery's
//! `strategicpatch` applies it, with merge keys and strategies read from the
//! schema (`x-kubernetes-patch-merge-key`, `x-kubernetes-patch-strategy`):
//!
//! - maps merge key by key, `null` deletes; `$patch: replace` / `delete` on a
//!   map replaces or empties it; `$retainKeys` clears the keys it does not list;
//! - lists with strategy `merge` merge by their merge key (lists of objects)
//!   or as sets (lists of scalars); items with `$patch: delete` are removed,
//!   an item `$patch: replace` replaces the whole list;
//!   `$deleteFromPrimitiveList/<field>` removes scalars;
//!   `$setElementOrder/<field>` fixes the order of the result;
//! - every other list, and every scalar, is replaced.
//!
//! The result is then checked against the Go types the way the real server
//! decodes it, so wrongly typed values get the real 422.

use serde_json::{Map, Value};

use super::PatchError;
use super::decode::decode_error;
use super::typed::go_value;
use crate::schema::SchemaRef;

const DIRECTIVE: &str = "$patch";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER: &str = "$setElementOrder";
const RETAIN_KEYS: &str = "$retainKeys";

/// `original` with the strategic merge patch `patch` applied, for the kind
/// `schema` describes.
pub fn apply(original: &Value, patch: &Value, schema: SchemaRef<'_>) -> Result<Value, PatchError> {
    let Value::Object(patch_map) = patch else {
        return Err(PatchError::BadRequest(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(patch)
        )));
    };
    let original_map = original.as_object().cloned().unwrap_or_default();
    let merged = merge_map(original_map, patch_map.clone(), Some(schema))?;
    let merged = Value::Object(merged);
    if let Some(detail) = decode_error(&merged, schema) {
        return Err(PatchError::invalid_patch(&go_value(patch), &detail));
    }
    Ok(merged)
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn bad_retain_keys() -> PatchError {
    PatchError::BadRequest("invalid patch format of retainKeys".to_owned())
}

fn bad_primitive_list() -> PatchError {
    PatchError::BadRequest("invalid patch format of primitive list".to_owned())
}

fn bad_set_element_order() -> PatchError {
    PatchError::BadRequest("invalid patch format of setElementOrder list".to_owned())
}

/// Go's name for the type of a decoded JSON value (`reflect.TypeOf`).
fn go_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

fn bad_arg_type(expected: &str, actual: &Value) -> PatchError {
    PatchError::Internal(format!(
        "expected a {expected}, but received a {}",
        go_type_name(actual)
    ))
}

fn no_merge_key(item: &Map<String, Value>, key: &str) -> PatchError {
    PatchError::Internal(format!(
        "map: {} does not contain declared merge key: {key}",
        go_value(&Value::Object(item.clone()))
    ))
}

/// The patch metadata of field `key`: its schema, strategy (without
/// `retainKeys`) and merge key.
struct FieldMeta<'a> {
    schema: Option<SchemaRef<'a>>,
    strategy: Option<&'a str>,
    merge_key: Option<&'a str>,
}

fn field_meta<'a>(schema: Option<SchemaRef<'a>>, key: &str) -> Result<FieldMeta<'a>, PatchError> {
    let Some(field) = schema.and_then(|s| s.property(key)) else {
        return Ok(FieldMeta {
            schema: None,
            strategy: None,
            merge_key: None,
        });
    };
    let strategies = field.patch_strategies();
    let strategy = match strategies.as_slice() {
        [] => None,
        ["retainKeys"] => None,
        [one] => Some(*one),
        ["retainKeys", other] | [other, "retainKeys"] => Some(*other),
        _ => {
            return Err(PatchError::Internal(format!(
                "unexpected patch strategy: [{}]",
                strategies.join(" ")
            )));
        }
    };
    Ok(FieldMeta {
        schema: Some(field),
        strategy,
        merge_key: field.patch_merge_key(),
    })
}

fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    schema: Option<SchemaRef<'_>>,
) -> Result<Map<String, Value>, PatchError> {
    if let Some(directive) = patch.get(DIRECTIVE) {
        return match directive.as_str() {
            Some("replace") => {
                patch.remove(DIRECTIVE);
                Ok(patch)
            }
            Some("delete") => Ok(Map::new()),
            _ => Err(PatchError::Internal(format!(
                "unknown patch type: {} in map: {}",
                go_value(directive),
                go_value(&Value::Object(patch.clone()))
            ))),
        };
    }
    apply_retain_keys(&mut original, &mut patch)?;
    merge_set_element_orders(&mut original, &mut patch, schema)?;

    for (raw_key, patch_value) in patch {
        let (key, is_delete_list) = match raw_key.strip_prefix(DELETE_FROM_PRIMITIVE_LIST) {
            Some(rest) => match rest.strip_prefix('/') {
                Some(key) => (key.to_owned(), true),
                None => return Err(bad_primitive_list()),
            },
            None => (raw_key, false),
        };
        if patch_value.is_null() {
            original.remove(&key);
            continue;
        }
        let Some(original_value) = original.get(&key) else {
            if !is_delete_list {
                if let Some(value) = new_value(patch_value) {
                    original.insert(key, value);
                }
            }
            continue;
        };
        let same_kind = matches!(
            (original_value, &patch_value),
            (Value::Object(_), Value::Object(_)) | (Value::Array(_), Value::Array(_))
        );
        if !same_kind {
            if !is_delete_list {
                match new_value(patch_value) {
                    Some(value) => original.insert(key, value),
                    None => original.remove(&key),
                };
            }
            continue;
        }
        let meta = field_meta(schema, &key)?;
        let merged = match (original.remove(&key), patch_value) {
            (Some(Value::Object(o)), Value::Object(p)) => {
                if meta.strategy == Some("replace") {
                    Value::Object(p)
                } else {
                    Value::Object(merge_map(o, p, meta.schema)?)
                }
            }
            (Some(Value::Array(o)), Value::Array(p)) => {
                if meta.strategy == Some("merge") || is_delete_list {
                    let items = meta.schema.and_then(|s| s.items());
                    Value::Array(merge_slice(o, p, items, meta.merge_key, is_delete_list)?)
                } else {
                    Value::Array(p)
                }
            }
            (_, other) => other,
        };
        original.insert(key, merged);
    }
    Ok(original)
}

/// A value taken from the patch where the original has none: nulls
/// discarded, directives (and the maps carrying `$patch`) removed.
fn new_value(value: Value) -> Option<Value> {
    match value {
        Value::Object(object) => {
            if object.contains_key(DIRECTIVE) {
                return None;
            }
            let kept = object
                .into_iter()
                .filter(|(k, v)| !v.is_null() && !k.starts_with('$'))
                .filter_map(|(k, v)| new_value(v).map(|v| (k, v)))
                .collect();
            Some(Value::Object(kept))
        }
        Value::Array(items) => Some(Value::Array(
            items.into_iter().filter_map(new_value).collect(),
        )),
        other => Some(other),
    }
}

fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
) -> Result<(), PatchError> {
    let Some(retain) = patch.remove(RETAIN_KEYS) else {
        return Ok(());
    };
    let Value::Array(keys) = retain else {
        return Err(bad_retain_keys());
    };
    let keep = |k: &str| keys.iter().any(|key| key.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST)
            || k.starts_with(SET_ELEMENT_ORDER)
        {
            continue;
        }
        if !keep(k) {
            return Err(bad_retain_keys());
        }
    }
    original.retain(|k, _| keep(k));
    Ok(())
}

fn merge_set_element_orders(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    schema: Option<SchemaRef<'_>>,
) -> Result<(), PatchError> {
    let order_keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
        .cloned()
        .collect();
    for order_key in order_keys {
        let Some(order) = patch.remove(&order_key) else {
            continue;
        };
        let Value::Array(order) = order else {
            return Err(bad_arg_type("[]interface {}", &order));
        };
        let key = order_key
            .strip_prefix(SET_ELEMENT_ORDER)
            .and_then(|rest| rest.strip_prefix('/'))
            .ok_or_else(bad_set_element_order)?
            .to_owned();
        let original_list = match original.get(&key) {
            None => None,
            Some(Value::Array(items)) => Some(items.clone()),
            Some(other) => return Err(bad_arg_type("[]interface {}", other)),
        };
        let patch_list = match patch.remove(&key) {
            None => None,
            Some(Value::Array(items)) => Some(items),
            Some(other) => return Err(bad_arg_type("[]interface {}", &other)),
        };
        let meta = field_meta(schema, &key)?;
        let merge_key = meta.merge_key;
        validate_set_order(patch_list.as_deref().unwrap_or_default(), &order, merge_key)?;
        let merged = match (&original_list, patch_list.clone()) {
            (Some(o), None) => o.clone(),
            (None, Some(p)) => p.into_iter().filter_map(new_value).collect(),
            (Some(o), Some(p)) => {
                if meta.strategy == Some("merge") {
                    let items = meta.schema.and_then(|s| s.items());
                    merge_slice(o.clone(), p, items, merge_key, false)?
                } else {
                    p
                }
            }
            (None, None) => continue,
        };
        let (in_order, server_only) = partition(&merged, &order, merge_key)?;
        let ordered = normalize_order(
            in_order,
            server_only,
            &order,
            original_list.as_deref().unwrap_or_default(),
            merge_key,
        )?;
        original.insert(key, Value::Array(ordered));
    }
    Ok(())
}

fn validate_set_order(
    patch: &[Value],
    order: &[Value],
    merge_key: Option<&str>,
) -> Result<(), PatchError> {
    if patch.is_empty() || order.is_empty() {
        return Ok(());
    }
    let items: Vec<&Value> = patch
        .iter()
        .filter(|v| !is_delete_item(v) || merge_key.is_none())
        .collect();
    let (mut p, mut o) = (0, 0);
    while p < items.len() && o < order.len() {
        if items[p].get(DIRECTIVE).is_some() {
            p += 1;
            continue;
        }
        if key_of(items[p], merge_key)? == key_of(&order[o], merge_key)? {
            p += 1;
        }
        o += 1;
    }
    if p < items.len() && o >= order.len() {
        return Err(PatchError::Internal(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER} list:\n{}\n",
            go_value(&Value::Array(patch.to_vec())),
            go_value(&Value::Array(order.to_vec()))
        )));
    }
    Ok(())
}

fn is_delete_item(value: &Value) -> bool {
    value.get(DIRECTIVE).and_then(Value::as_str) == Some("delete")
}

/// What identifies a list item: its merge key value (lists of objects) or
/// itself (lists of scalars).
fn key_of<'v>(item: &'v Value, merge_key: Option<&str>) -> Result<&'v Value, PatchError> {
    match merge_key {
        None => Ok(item),
        Some(key) => match item {
            Value::Object(object) => object.get(key).ok_or_else(|| no_merge_key(object, key)),
            other => Err(bad_arg_type("map[string]interface {}", other)),
        },
    }
}

fn position(list: &[Value], item: &Value, merge_key: Option<&str>) -> Option<usize> {
    let wanted = match merge_key {
        Some(key) => item.get(key)?,
        None => item,
    };
    list.iter().position(|candidate| {
        let value = match merge_key {
            Some(key) => candidate.get(key),
            None => Some(candidate),
        };
        value == Some(wanted)
    })
}

/// Splits `merged` into the items named in `by` and the others, keeping order.
fn partition(
    merged: &[Value],
    by: &[Value],
    merge_key: Option<&str>,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut named = Vec::new();
    let mut others = Vec::new();
    for item in merged {
        if let Some(key) = merge_key {
            let object = item
                .as_object()
                .ok_or_else(|| bad_arg_type("map[string]interface {}", item))?;
            if !object.contains_key(key) {
                return Err(no_merge_key(object, key));
            }
        }
        if position(by, item, merge_key).is_some() {
            named.push(item.clone());
        } else {
            others.push(item.clone());
        }
    }
    Ok((named, others))
}

/// Orders patch items by `patch_order` and server-only items by
/// `server_order`, then interleaves them (the server's order decides where
/// both are known, patch items otherwise come first).
fn normalize_order(
    patch_items: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    merge_key: Option<&str>,
) -> Result<Vec<Value>, PatchError> {
    let right = sort_by_order(patch_items, patch_order, merge_key)?;
    let left = sort_by_order(server_only, server_order, merge_key)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() || j < right.len() {
        if i >= left.len() {
            out.push(right[j].clone());
            j += 1;
        } else if j >= right.len() {
            out.push(left[i].clone());
            i += 1;
        } else {
            let l = position(server_order, &left[i], merge_key);
            let r = position(server_order, &right[j], merge_key);
            match (l, r) {
                (Some(l), Some(r)) if l < r => {
                    out.push(left[i].clone());
                    i += 1;
                }
                _ => {
                    out.push(right[j].clone());
                    j += 1;
                }
            }
        }
    }
    Ok(out)
}

fn sort_by_order(
    items: Vec<Value>,
    order: &[Value],
    merge_key: Option<&str>,
) -> Result<Vec<Value>, PatchError> {
    let (mut keep, delete): (Vec<Value>, Vec<Value>) = if let Some(key) = merge_key {
        for item in items.iter().chain(order) {
            key_of(item, Some(key))?;
        }
        items.into_iter().partition(|v| !is_delete_item(v))
    } else {
        (items, Vec::new())
    };
    // Items the order does not name keep their place after the named ones.
    keep.sort_by_key(|item| position(order, item, merge_key).unwrap_or(usize::MAX));
    keep.extend(delete);
    Ok(keep)
}

fn merge_slice(
    original: Vec<Value>,
    patch: Vec<Value>,
    items: Option<SchemaRef<'_>>,
    merge_key: Option<&str>,
    is_delete_list: bool,
) -> Result<Vec<Value>, PatchError> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    let kind = element_kind(&original, &patch)?;
    let is_map = kind == "map";
    let mut server_order = original.clone();
    let (merged, patch_without_specials) = if !is_map {
        if is_delete_list {
            let kept = original
                .into_iter()
                .filter(|v| !patch.contains(v))
                .collect();
            return Ok(kept);
        }
        let mut merged: Vec<Value> = Vec::new();
        for item in original.into_iter().chain(patch.iter().cloned()) {
            if !merged.contains(&item) {
                merged.push(item);
            }
        }
        (merged, patch)
    } else {
        let Some(key) = merge_key else {
            return Err(PatchError::Internal(
                "cannot merge lists without merge key for ".to_owned()
                    + items.and_then(|s| s.type_name()).unwrap_or_default(),
            ));
        };
        let (original, patch) = apply_special_items(original, patch, key)?;
        server_order = original.clone();
        let mut merged = original;
        for item in &patch {
            let Value::Object(patch_item) = item else {
                return Err(bad_arg_type("map[string]interface {}", item));
            };
            let wanted = patch_item
                .get(key)
                .ok_or_else(|| no_merge_key(patch_item, key))?;
            let found = merged
                .iter()
                .position(|candidate| candidate.get(key) == Some(wanted));
            match found {
                Some(index) => {
                    let base = merged[index].as_object().cloned().unwrap_or_default();
                    merged[index] = Value::Object(merge_map(base, patch_item.clone(), items)?);
                }
                None => merged.push(item.clone()),
            }
        }
        (merged, patch)
    };
    let key = if is_map { merge_key } else { None };
    let (named, others) = partition(&merged, &patch_without_specials, key)?;
    normalize_order(named, others, &patch_without_specials, &server_order, key)
}

/// Handles `$patch: delete` and `$patch: replace` items of a list of objects.
fn apply_special_items(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), PatchError> {
    let mut plain = Vec::new();
    let mut replace = false;
    for item in patch {
        let Value::Object(object) = &item else {
            return Err(bad_arg_type("map[string]interface {}", &item));
        };
        match object.get(DIRECTIVE) {
            None => plain.push(item),
            Some(directive) => match directive.as_str() {
                Some("delete") => {
                    let wanted = object.get(key).ok_or_else(|| no_merge_key(object, key))?;
                    original.retain(|candidate| candidate.get(key) != Some(wanted));
                }
                Some("replace") => replace = true,
                Some("merge") => {
                    return Err(PatchError::Internal(
                        "merging lists cannot yet be specified in the patch".to_owned(),
                    ));
                }
                _ => {
                    return Err(PatchError::Internal(format!(
                        "unknown patch type: {} in map: {}",
                        go_value(directive),
                        go_value(&item)
                    )));
                }
            },
        }
    }
    if replace {
        return Ok((plain, Vec::new()));
    }
    Ok((original, plain))
}

/// The common kind of the items of both lists (`map` or a scalar kind).
fn element_kind(a: &[Value], b: &[Value]) -> Result<&'static str, PatchError> {
    let mut kind: Option<&'static str> = None;
    for item in a.iter().chain(b) {
        let this = match item {
            Value::Array(_) => {
                return Err(PatchError::Unprocessable(
                    "lists of lists are not supported".to_owned(),
                ));
            }
            Value::Object(_) => "map",
            other => go_type_name(other),
        };
        match kind {
            None => kind = Some(this),
            Some(seen) if seen != this => {
                return Err(PatchError::Internal(format!(
                    "list element types are not identical: [{} {}]",
                    go_value(&Value::Array(a.to_vec())),
                    go_value(&Value::Array(b.to_vec()))
                )));
            }
            Some(_) => {}
        }
    }
    kind.ok_or_else(|| PatchError::Internal("no elements in any of the given slices".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schemas;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn schemas() -> Schemas {
        let mut by_name = BTreeMap::new();
        by_name.insert(
            "Pod".to_owned(),
            json!({"type": "object", "properties": {
                "metadata": {"type": "object", "properties": {
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "finalizers": {"type": "array", "items": {"type": "string"},
                        "x-kubernetes-patch-strategy": "merge"}}},
                "spec": {"type": "object", "properties": {
                    "replicas": {"type": "integer", "format": "int32"},
                    "containers": {"type": "array", "x-kubernetes-patch-strategy": "merge",
                        "x-kubernetes-patch-merge-key": "name",
                        "items": {"type": "object", "properties": {
                            "name": {"type": "string"}, "image": {"type": "string"},
                            "args": {"type": "array", "items": {"type": "string"}}}}},
                    "strategy": {"type": "object", "x-kubernetes-patch-strategy": "retainKeys",
                        "properties": {"type": {"type": "string"},
                            "rollingUpdate": {"type": "object", "properties": {
                                "maxSurge": {"type": "string"}}}}},
                    "selector": {"type": "object", "x-kubernetes-patch-strategy": "replace",
                        "additionalProperties": {"type": "string"}}
                }}
            }}),
        );
        Schemas::new(by_name)
    }

    fn run(original: Value, patch: Value) -> Result<Value, PatchError> {
        let schemas = schemas();
        let root = json!({"$ref": "#/components/schemas/Pod"});
        apply(&original, &patch, schemas.view(&root))
    }

    fn pod() -> Value {
        json!({"metadata": {"labels": {"a": "1"}, "finalizers": ["x", "y"]},
            "spec": {"replicas": 1, "containers": [{"name": "a", "image": "i", "args": ["1"]}, {"name": "b", "image": "j"}],
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "1"}},
                "selector": {"k": "v", "l": "w"}}})
    }

    #[test]
    fn lists_merge_by_key_and_directives_delete_replace_and_order() {
        let out = run(pod(), json!({"spec": {"containers": [
            {"name": "c", "image": "k"}, {"name": "a", "image": "i2", "args": ["2"]}, {"name": "b", "$patch": "delete"}]}}))
        .unwrap();
        assert_eq!(
            out["spec"]["containers"],
            json!([{"name": "c", "image": "k"}, {"name": "a", "image": "i2", "args": ["2"]}])
        );
        let out = run(
            pod(),
            json!({"spec": {"containers": [{"name": "z"}, {"$patch": "replace"}]}}),
        )
        .unwrap();
        assert_eq!(out["spec"]["containers"], json!([{"name": "z"}]));
        let out = run(
            pod(),
            json!({"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
            "containers": [{"name": "a", "image": "i3"}]}}),
        )
        .unwrap();
        assert_eq!(out["spec"]["containers"][0]["name"], "b");
        assert_eq!(out["spec"]["containers"][1]["image"], "i3");
    }

    #[test]
    fn maps_primitive_lists_retain_keys_and_replace_strategy() {
        let out = run(
            pod(),
            json!({"metadata": {"labels": {"a": null, "b": "2"},
            "finalizers": ["z"], "$deleteFromPrimitiveList/finalizers": ["x"]}}),
        )
        .unwrap();
        assert_eq!(out["metadata"]["labels"], json!({"b": "2"}));
        // Patch items come before server-only ones the server order cannot place.
        assert_eq!(out["metadata"]["finalizers"], json!(["z", "y"]));
        let out = run(
            pod(),
            json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
        )
        .unwrap();
        assert_eq!(out["spec"]["strategy"], json!({"type": "Recreate"}));
        let out = run(pod(), json!({"spec": {"selector": {"only": "this"}}})).unwrap();
        assert_eq!(out["spec"]["selector"], json!({"only": "this"}));
        let out = run(
            pod(),
            json!({"spec": {"strategy": {"$patch": "replace", "type": "Recreate"}}}),
        )
        .unwrap();
        assert_eq!(out["spec"]["strategy"], json!({"type": "Recreate"}));
        let out = run(pod(), json!({"spec": {"strategy": {"$patch": "delete"}}})).unwrap();
        assert_eq!(out["spec"]["strategy"], json!({}));
        let out = run(
            pod(),
            json!({"spec": {"containers": [{"name": "a", "args": ["9"]}]}}),
        )
        .unwrap();
        assert_eq!(
            out["spec"]["containers"][0]["args"],
            json!(["9"]),
            "args has no merge strategy"
        );
    }

    #[test]
    fn errors_carry_the_real_codes_and_messages() {
        let error = run(
            pod(),
            json!({"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {}}}}),
        )
        .unwrap_err();
        assert_eq!(
            (error.code(), error.message().as_str()),
            (400, "invalid patch format of retainKeys")
        );
        let error = run(pod(), json!({"spec": {"containers": [{"image": "x"}]}})).unwrap_err();
        assert_eq!(error.code(), 500);
        assert_eq!(
            error.message(),
            "map: map[image:x] does not contain declared merge key: name"
        );
        let error = run(pod(), json!({"spec": {"replicas": "three"}})).unwrap_err();
        assert_eq!(error.code(), 422);
        assert_eq!(error.causes()[0].field.as_deref(), Some("patch"));
        let error = run(
            pod(),
            json!({"spec": {"containers": [{"name": "a", "image": 5}]}}),
        )
        .unwrap_err();
        assert!(
            error
                .message()
                .ends_with(": cannot convert int64 to string"),
            "{}",
            error.message()
        );
        let error = run(pod(), json!(["x"])).unwrap_err();
        assert_eq!(error.code(), 400);
    }
}
