//! The uniqueness of `x-kubernetes-list-type: set` and `map` lists
//! (`structurallisttype.ValidateListSetsAndMaps`).

use serde_json::{Map, Value};

use super::prune::declared;
use super::schema::json_equal;
use crate::schema::{ListKind, SchemaRef};
use crate::validation::errors::{BadValue, ErrorType, FieldError};

/// Duplicate items of set and map lists anywhere under `value`.
pub(super) fn validate(
    schema: SchemaRef<'_>,
    value: &Value,
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    match value {
        Value::Object(map) => {
            let additional = schema.additional_properties();
            for (key, child) in map {
                if let Some(property) = declared(schema, key) {
                    let child_path = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    validate(property, child, &child_path, errors);
                } else if let Some(values) = additional {
                    validate(values, child, &format!("{path}[{key}]"), errors);
                }
            }
        }
        Value::Array(items) => {
            match schema.list_kind() {
                ListKind::Set => {
                    for (i, item) in items.iter().enumerate() {
                        if items[..i].iter().any(|earlier| json_equal(earlier, item)) {
                            errors.push(FieldError::new(
                                ErrorType::Duplicate,
                                format!("{path}[{i}]"),
                                BadValue::json(item),
                                "",
                            ));
                        }
                    }
                }
                ListKind::Map(keys) if explicit_map(schema) => {
                    map_duplicates(schema, &keys, items, path, errors);
                }
                _ => {}
            }
            if let Some(item_schema) = schema.items() {
                for (i, item) in items.iter().enumerate() {
                    validate(item_schema, item, &format!("{path}[{i}]"), errors);
                }
            }
        }
        _ => {}
    }
}

/// Only `x-kubernetes-list-type: map` is checked (not patch strategies).
fn explicit_map(schema: SchemaRef<'_>) -> bool {
    schema
        .keyword("x-kubernetes-list-type")
        .and_then(Value::as_str)
        == Some("map")
}

fn map_duplicates(
    schema: SchemaRef<'_>,
    keys: &[String],
    items: &[Value],
    path: &str,
    errors: &mut Vec<FieldError>,
) {
    for (i, item) in items.iter().enumerate() {
        if !item.is_null() && !item.is_object() {
            errors.push(FieldError::invalid(
                format!("{path}[{i}]"),
                BadValue::json(item),
                "must be an object for an array of list-type map",
            ));
            return;
        }
    }
    let item_schema = schema.items();
    let key_of = |item: &Value| -> Map<String, Value> {
        let mut key = Map::new();
        for name in keys {
            let value = item.get(name.as_str()).cloned().or_else(|| {
                item_schema
                    .and_then(|s| declared(s, name))
                    .and_then(|s| s.keyword("default"))
                    .cloned()
            });
            if let Some(value) = value {
                key.insert(name.clone(), value);
            }
        }
        key
    };
    let mut seen: Vec<Value> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let key = Value::Object(key_of(item));
        if seen.iter().any(|earlier| json_equal(earlier, &key)) {
            errors.push(FieldError::new(
                ErrorType::Duplicate,
                format!("{path}[{i}]"),
                BadValue::json(&key),
                "",
            ));
        } else {
            seen.push(key);
        }
    }
}
