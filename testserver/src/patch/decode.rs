//! The errors Go's unstructured converter gives when a patched object does
//! not fit the typed struct (a string where an int32 belongs, …), which the
//! real server reports as a 422 on the field `patch`.

use serde_json::Value;

use super::typed::{QUANTITY, RAW_EXTENSION, referenced_name};
use crate::schema::SchemaRef;

/// The error Go's unstructured converter gives when `value` does not fit the
/// typed object `schema` describes, if any.
pub(crate) fn decode_error(value: &Value, schema: SchemaRef<'_>) -> Option<String> {
    decode_error_at(value, schema, 0)
}

/// Types whose Go decoding is their own (quantities, raw extensions).
fn has_custom_decoding(schema: SchemaRef<'_>) -> bool {
    matches!(referenced_name(&schema), Some(QUANTITY | RAW_EXTENSION))
}

fn go_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "invalid",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "slice",
        Value::Object(_) => "map",
    }
}

fn decode_error_at(value: &Value, schema: SchemaRef<'_>, depth: usize) -> Option<String> {
    if depth > 64 || value.is_null() || schema.is_int_or_string() || has_custom_decoding(schema) {
        return None;
    }
    match (schema.type_name(), schema.format()) {
        (Some("object"), _) => {
            let Value::Object(object) = value else {
                let what = if schema.properties().next().is_some() {
                    "cannot restore struct from:"
                } else {
                    "cannot restore map from"
                };
                return Some(format!("{what} {}", go_kind(value)));
            };
            for (key, item) in object {
                if let Some(field) = schema.property(key) {
                    if let Some(error) = decode_error_at(item, field, depth + 1) {
                        return Some(error);
                    }
                }
            }
            None
        }
        (Some("array"), _) => {
            let Value::Array(items) = value else {
                return Some(format!("cannot restore slice from {}", go_kind(value)));
            };
            let item_schema = schema.items()?;
            items
                .iter()
                .find_map(|item| decode_error_at(item, item_schema, depth + 1))
        }
        (Some("integer"), format) => {
            let target = match format {
                Some("int32") => "int32",
                Some("int64") => "int64",
                _ => "int",
            };
            match value {
                Value::Number(n) if n.is_f64() => {
                    let f = n.as_f64().unwrap_or_default();
                    (f.trunc() != f).then(|| format!("cannot convert float64 to {target}"))
                }
                Value::Number(_) => None,
                _ => Some(format!("unrecognized type: {target}")),
            }
        }
        (Some("number"), _) => match value {
            Value::Number(_) => None,
            _ => Some("unrecognized type: float64".to_owned()),
        },
        (Some("boolean"), _) => match value {
            Value::Bool(_) => None,
            _ => Some("unrecognized type: bool".to_owned()),
        },
        (Some("string"), None | Some("" | "byte")) => match value {
            Value::String(_) => None,
            Value::Number(n) if !n.is_f64() => Some("cannot convert int64 to string".to_owned()),
            _ => Some("unrecognized type: string".to_owned()),
        },
        _ => None,
    }
}

/// The error Go's `encoding/json` gives when the JSON of a patched object
/// (merge patch, JSON patch) does not decode into the typed struct, e.g.
/// `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`.
pub(crate) fn json_decode_error(value: &Value, schema: SchemaRef<'_>) -> Option<String> {
    let name = short_name(&schema).unwrap_or_default();
    let object = value.as_object()?;
    for (key, item) in object {
        if let Some(field) = schema.property(key) {
            if let Some(error) = json_error_at(item, field, &name, key, 0) {
                return Some(error);
            }
        }
    }
    None
}

/// `v1.DeploymentSpec` for `io.k8s.api.apps.v1.DeploymentSpec`.
fn qualified_name(schema: &SchemaRef<'_>) -> Option<String> {
    let name = referenced_name(schema)?;
    let mut parts = name.rsplit('.');
    let kind = parts.next()?;
    let package = parts.next()?;
    Some(format!("{package}.{kind}"))
}

fn short_name(schema: &SchemaRef<'_>) -> Option<String> {
    referenced_name(schema)
        .and_then(|n| n.rsplit('.').next())
        .map(str::to_owned)
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

/// The Go type of a schema node, as `encoding/json` names it.
fn go_type(schema: &SchemaRef<'_>) -> String {
    if let Some(name) = qualified_name(schema) {
        if schema.type_name() == Some("object") {
            return name;
        }
    }
    match (schema.type_name(), schema.format()) {
        (Some("integer"), Some("int32")) => "int32".to_owned(),
        (Some("integer"), Some("int64")) => "int64".to_owned(),
        (Some("integer"), _) => "int".to_owned(),
        (Some("number"), _) => "float64".to_owned(),
        (Some("boolean"), _) => "bool".to_owned(),
        (Some("string"), _) => "string".to_owned(),
        (Some("array"), _) => match schema.items() {
            Some(items) => format!("[]{}", go_type(&items)),
            None => "[]interface {}".to_owned(),
        },
        (Some("object"), _) => match schema.additional_properties() {
            Some(values) => format!("map[string]{}", go_type(&values)),
            None => "map[string]interface {}".to_owned(),
        },
        _ => "interface {}".to_owned(),
    }
}

fn json_error_at(
    value: &Value,
    schema: SchemaRef<'_>,
    container: &str,
    path: &str,
    depth: usize,
) -> Option<String> {
    if depth > 64 || value.is_null() || schema.is_int_or_string() || has_custom_decoding(schema) {
        return None;
    }
    let mismatch = |value: &Value| {
        Some(format!(
            "json: cannot unmarshal {} into Go struct field {container}.{path} of type {}",
            json_kind(value),
            go_type(&schema)
        ))
    };
    match (schema.type_name(), value) {
        (Some("object"), Value::Object(object)) => {
            if schema.properties().next().is_some() {
                let name = short_name(&schema).unwrap_or_else(|| container.to_owned());
                for (key, item) in object {
                    if let Some(field) = schema.property(key) {
                        let inner = format!("{path}.{key}");
                        if let Some(e) = json_error_at(item, field, &name, &inner, depth + 1) {
                            return Some(e);
                        }
                    }
                }
                None
            } else {
                let values = schema.additional_properties()?;
                object
                    .values()
                    .find_map(|item| json_error_at(item, values, container, path, depth + 1))
            }
        }
        (Some("array"), Value::Array(items)) => {
            let item_schema = schema.items()?;
            items
                .iter()
                .find_map(|item| json_error_at(item, item_schema, container, path, depth + 1))
        }
        (Some("integer"), Value::Number(n)) => {
            if n.is_f64() && n.as_f64().is_some_and(|f| f.fract() != 0.0) {
                return Some(format!(
                    "json: cannot unmarshal number {n} into Go struct field {container}.{path} of type {}",
                    go_type(&schema)
                ));
            }
            None
        }
        (Some("number"), Value::Number(_))
        | (Some("boolean"), Value::Bool(_))
        | (Some("string"), Value::String(_)) => None,
        (Some("object" | "array" | "integer" | "number" | "boolean" | "string"), other) => {
            mismatch(other)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schemas;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[test]
    fn go_messages_name_the_struct_the_path_and_the_type() {
        let mut by_name = BTreeMap::new();
        by_name.insert(
            "io.k8s.api.apps.v1.Deployment".to_owned(),
            json!({"type": "object", "properties": {
                "spec": {"$ref": "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec"},
                "data": {"type": "object", "additionalProperties": {"type": "string"}}}}),
        );
        by_name.insert(
            "io.k8s.api.apps.v1.DeploymentSpec".to_owned(),
            json!({"type": "object", "properties": {
                "replicas": {"type": "integer", "format": "int32"},
                "strategy": {"$ref": "#/components/schemas/io.k8s.api.apps.v1.Strategy"}}}),
        );
        by_name.insert(
            "io.k8s.api.apps.v1.Strategy".to_owned(),
            json!({"type": "object", "properties": {"type": {"type": "string"}}}),
        );
        let schemas = Schemas::new(by_name);
        let root = json!({"$ref": "#/components/schemas/io.k8s.api.apps.v1.Deployment"});
        let schema = schemas.view(&root);
        let check = |v: Value| json_decode_error(&v, schema);
        assert_eq!(
            check(json!({"spec": {"replicas": "three"}})).as_deref(),
            Some(
                "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
            )
        );
        assert_eq!(
            check(json!({"spec": {"strategy": "x"}})).as_deref(),
            Some(
                "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.strategy of type v1.Strategy"
            )
        );
        assert_eq!(
            check(json!({"data": {"a": 1}})).as_deref(),
            Some(
                "json: cannot unmarshal number into Go struct field Deployment.data of type string"
            )
        );
        assert_eq!(
            check(json!({"spec": {"replicas": 2, "strategy": {"type": "x"}}})),
            None
        );
        assert!(decode_error(&json!({"spec": {"replicas": true}}), schema).is_some());
    }
}
