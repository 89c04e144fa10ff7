//! Unknown and duplicate fields in bodies of built-in resources, which the
//! real server's strict decoder reports as Warning headers (`fieldValidation=Warn`,
//! the default) or as a 400 (`Strict`); `Ignore` drops them silently.

use serde_json::Value;

use super::{FieldValidation, duplicate_field_text, duplicate_fields, unknown_field_text};
use crate::schema::SchemaRef;

/// Paths of the fields of `object` its schema does not declare
/// (`metadata.bogusMeta`, `spec`, `spec.template.spec.containers[0].bogus`),
/// in document order. Free-form objects (no declared properties, or
/// `x-kubernetes-preserve-unknown-fields`) accept anything.
pub fn unknown_fields(schema: SchemaRef<'_>, object: &Value) -> Vec<String> {
    let mut found = Vec::new();
    walk(schema, object, "", &mut found);
    found
}

fn walk(schema: SchemaRef<'_>, value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if schema.preserves_unknown_fields() {
                return;
            }
            let has_properties = schema.properties().next().is_some();
            let free_form = !has_properties && schema.additional_properties().is_none();
            if free_form {
                return;
            }
            for (key, child) in map {
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match schema.property(key) {
                    Some(child_schema) => walk(child_schema, child, &child_path, found),
                    None => found.push(child_path),
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.items() {
                for (i, item) in items.iter().enumerate() {
                    walk(item_schema, item, &format!("{path}[{i}]"), found);
                }
            }
        }
        _ => {}
    }
}

/// The unknown- and duplicate-field texts of a request (`unknown field "spec"`,
/// `duplicate field "data.a"`); `body` is the raw JSON when the request had
/// one (duplicates are only visible there).
pub fn problems(schema: SchemaRef<'_>, object: &Value, body: Option<&[u8]>) -> Vec<String> {
    let mut texts: Vec<String> = unknown_fields(schema, object)
        .iter()
        .map(|p| unknown_field_text(p))
        .collect();
    if let Some(body) = body {
        texts.extend(
            duplicate_fields(body)
                .iter()
                .map(|p| duplicate_field_text(p)),
        );
    }
    texts
}

/// What the directive makes of the problems: Warning texts, or the 400
/// message tail `strict decoding error: …` (the caller prefixes
/// `<Kind> in version "<v>" cannot be handled as a <Kind>: `).
pub fn apply_directive(
    problems: Vec<String>,
    directive: FieldValidation,
) -> Result<Vec<String>, String> {
    match directive {
        FieldValidation::Ignore => Ok(Vec::new()),
        FieldValidation::Warn => Ok(problems),
        FieldValidation::Strict if problems.is_empty() => Ok(Vec::new()),
        FieldValidation::Strict => Err(format!("strict decoding error: {}", problems.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Builtin;
    use serde_json::json;

    #[test]
    fn reports_undeclared_fields_of_a_configmap() {
        let builtin = Builtin::load().unwrap();
        let configmaps = builtin
            .resources
            .iter()
            .find(|r| r.group.is_empty() && r.kind == "ConfigMap")
            .unwrap();
        let object = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "bogusMeta": 1,
            "labels": {"any": "thing"}}, "data": {"a": "1"}, "spec": {"x": 1}});
        let schema = builtin.schema_of(configmaps);
        assert_eq!(
            unknown_fields(schema, &object),
            ["metadata.bogusMeta", "spec"]
        );
        let body = br#"{"data":{"a":"1","a":"2"}}"#;
        let texts = problems(schema, &json!({"data": {"a": "2"}}), Some(body));
        assert_eq!(texts, ["duplicate field \"data.a\""]);
        assert_eq!(
            apply_directive(texts, FieldValidation::Strict),
            Err("strict decoding error: duplicate field \"data.a\"".to_owned())
        );
    }
}
