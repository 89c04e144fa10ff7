//! What a built-in object looks like to the field manager before it exists:
//! the Go zero value of its type as the unstructured converter sees it.
//! Struct fields that are not pointers are present (empty) and required
//! pointers, slices and maps are null, so that a create owns `spec` but does
//! not own it "as a whole" (no `.` in managedFields), exactly as the real
//! server records it.
//!
//! The OpenAPI documents mark non-pointer struct fields with `default: {}`;
//! that is what tells them apart from pointers here.

use serde_json::{Map, Value};

use crate::schema::SchemaRef;

/// Nesting beyond which the zero value stops (recursive types).
const MAX_DEPTH: usize = 32;

/// Whether `schema` is a built-in kind (Go-typed on the real server) rather
/// than a custom resource.
pub fn is_builtin(schema: SchemaRef<'_>) -> bool {
    schema.keyword("x-kubernetes-group-version-kind").is_some()
}

/// The zero value of the kind `schema` describes.
pub fn zero_object(schema: SchemaRef<'_>) -> Value {
    Value::Object(zero_struct(schema, 0))
}

fn zero_struct(schema: SchemaRef<'_>, depth: usize) -> Map<String, Value> {
    let mut out = Map::new();
    if depth > MAX_DEPTH {
        return out;
    }
    let required: Vec<&str> = schema.required().collect();
    for (name, property) in schema.properties() {
        let is_struct =
            property.type_name() == Some("object") && property.properties().next().is_some();
        let empty_default = property
            .keyword("default")
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty);
        if empty_default && is_struct {
            out.insert(
                name.to_owned(),
                Value::Object(zero_struct(property, depth + 1)),
            );
        } else if required.contains(&name) {
            out.insert(name.to_owned(), zero_scalar(property));
        }
    }
    out
}

fn zero_scalar(schema: SchemaRef<'_>) -> Value {
    match (schema.type_name(), schema.format()) {
        (Some("string"), None | Some("" | "byte")) => Value::String(String::new()),
        (Some("integer"), _) => Value::from(0),
        (Some("number"), _) => Value::from(0.0),
        (Some("boolean"), _) => Value::Bool(false),
        _ => Value::Null,
    }
}

/// Removes null fields and null list items' fields, recursively.
pub fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(object) => {
            object.retain(|_, v| !v.is_null());
            object.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schemas;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[test]
    fn zero_values_keep_structs_and_null_required_pointers() {
        let mut by_name = BTreeMap::new();
        by_name.insert(
            "Kind".to_owned(),
            json!({"type": "object", "x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "Kind"}],
                "properties": {
                "metadata": {"default": {}, "allOf": [{"$ref": "#/components/schemas/Meta"}]},
                "spec": {"default": {}, "allOf": [{"$ref": "#/components/schemas/Spec"}]},
                "status": {"allOf": [{"$ref": "#/components/schemas/Spec"}]}
            }}),
        );
        by_name.insert(
            "Meta".to_owned(),
            json!({"type": "object", "properties": {"name": {"type": "string"}}}),
        );
        by_name.insert(
            "Spec".to_owned(),
            json!({"type": "object", "required": ["items", "name", "when"], "properties": {
                "items": {"type": "array", "items": {"type": "string"}},
                "name": {"type": "string"},
                "when": {"type": "string", "format": "date-time"}
            }}),
        );
        let schemas = Schemas::new(by_name);
        let root = json!({"$ref": "#/components/schemas/Kind"});
        let schema = schemas.view(&root);
        assert!(is_builtin(schema));
        assert_eq!(
            zero_object(schema),
            json!({"metadata": {}, "spec": {"items": null, "name": "", "when": null}})
        );
        let mut value = json!({"a": null, "b": [{"c": null, "d": 1}]});
        strip_nulls(&mut value);
        assert_eq!(value, json!({"b": [{"d": 1}]}));
    }
}
