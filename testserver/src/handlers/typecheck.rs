//! The type errors the real server's JSON decoder reports for built-in
//! objects (`json: cannot unmarshal string into Go struct field
//! ConfigMap.data of type map[string]string`), found by walking the schema.

use serde_json::Value;

use crate::schema::{REF_PREFIX, SchemaRef};

/// The first value of `object` whose JSON type does not fit its schema, as
/// Go's decoder words it; `kind` names the top-level struct.
pub fn check(schema: SchemaRef<'_>, object: &Value, kind: &str) -> Option<String> {
    walk(schema, object, kind, "")
}

/// The definition name a node refers to (`ObjectMeta` for `…meta.v1.ObjectMeta`).
fn struct_name(schema: &SchemaRef<'_>) -> Option<String> {
    let reference = schema.keyword("$ref").and_then(Value::as_str).or_else(|| {
        schema
            .keyword("allOf")
            .and_then(Value::as_array)
            .and_then(|all| all.first())
            .and_then(|first| first.get("$ref"))
            .and_then(Value::as_str)
    })?;
    let name = reference.strip_prefix(REF_PREFIX)?;
    let mut parts = name.rsplit('.');
    let last = parts.next()?;
    let package = parts.next().unwrap_or("");
    Some(format!("{package}.{last}"))
}

/// Go's name of the type a schema decodes into.
fn go_type(schema: &SchemaRef<'_>) -> String {
    if let Some(name) = struct_name(schema) {
        return name;
    }
    match schema.type_name() {
        Some("string") => "string".into(),
        Some("boolean") => "bool".into(),
        Some("number") => "float64".into(),
        Some("integer") => schema.format().unwrap_or("int64").to_owned(),
        Some("array") => format!(
            "[]{}",
            schema.items().map(|i| go_type(&i)).unwrap_or_default()
        ),
        Some("object") => match schema.additional_properties() {
            Some(values) => format!("map[string]{}", go_type(&values)),
            None => "map[string]interface {}".into(),
        },
        _ => "interface {}".into(),
    }
}

fn json_kind(value: &Value) -> String {
    match value {
        Value::String(_) => "string".into(),
        Value::Bool(_) => "bool".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
        Value::Number(n) if n.is_i64() || n.is_u64() => "number".into(),
        Value::Number(n) => format!("number {n}"),
        Value::Null => "null".into(),
    }
}

/// Go's `time.Parse` error for a `metav1.MicroTime` that is not RFC 3339 with
/// exactly six fractional digits (the format the real decoder insists on).
fn micro_time_error(text: &str) -> Option<String> {
    const LAYOUT: &str = "2006-01-02T15:04:05.000000Z07:00";
    let elements: [(&str, usize); 13] = [
        ("2006", 4),
        ("-", 0),
        ("01", 2),
        ("-", 0),
        ("02", 2),
        ("T", 0),
        ("15", 2),
        (":", 0),
        ("04", 2),
        (":", 0),
        ("05", 2),
        (".000000", 7),
        ("Z07:00", 0),
    ];
    let mut rest = text;
    let fail = |rest: &str, element: &str| {
        Some(format!(
            "parsing time \"{text}\" as \"{LAYOUT}\": cannot parse \"{rest}\" as \"{element}\""
        ))
    };
    for (element, digits) in elements {
        match element {
            "-" | "T" | ":" => match rest.strip_prefix(element) {
                Some(after) => rest = after,
                None => return fail(rest, element),
            },
            ".000000" => {
                let ok = rest.starts_with('.')
                    && rest.len() >= digits
                    && rest.as_bytes()[1..digits].iter().all(u8::is_ascii_digit);
                if !ok {
                    return fail(rest, element);
                }
                rest = &rest[digits..];
            }
            "Z07:00" => {
                let zone = rest == "Z"
                    || (rest.len() == 6
                        && (rest.starts_with('+') || rest.starts_with('-'))
                        && rest.as_bytes()[3] == b':');
                if !zone {
                    return fail(rest, element);
                }
                rest = "";
            }
            _ => {
                let ok = rest.len() >= digits
                    && rest.as_bytes()[..digits].iter().all(u8::is_ascii_digit);
                if !ok {
                    return fail(rest, element);
                }
                rest = &rest[digits..];
            }
        }
    }
    None
}

fn fits(schema: &SchemaRef<'_>, value: &Value) -> bool {
    if value.is_null() || schema.is_int_or_string() || schema.preserves_unknown_fields() {
        return true;
    }
    let is_struct = struct_name(schema).is_some() || schema.properties().next().is_some();
    match schema.type_name() {
        Some("string") => value.is_string(),
        Some("boolean") => value.is_boolean(),
        Some("number") => value.is_number(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        None if is_struct => value.is_object(),
        _ => true,
    }
}

fn walk(schema: SchemaRef<'_>, value: &Value, owner: &str, path: &str) -> Option<String> {
    match value {
        Value::Object(map) => {
            let is_struct = schema.properties().next().is_some();
            for (key, child) in map {
                let child_path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                let (child_schema, child_owner, field_path) = if is_struct {
                    let Some(child_schema) = schema.property(key) else {
                        continue;
                    };
                    (child_schema, owner.to_owned(), child_path.clone())
                } else {
                    let Some(values) = schema.additional_properties() else {
                        continue;
                    };
                    // A map's values are reported as the map field itself.
                    (values, owner.to_owned(), path.to_owned())
                };
                if let (Some("byte"), Some(text)) = (child_schema.format(), child.as_str()) {
                    use base64::Engine;
                    if let Err(error) = base64::engine::general_purpose::STANDARD.decode(text) {
                        let offset = match error {
                            base64::DecodeError::InvalidByte(offset, _) => offset,
                            base64::DecodeError::InvalidLength(length) => length,
                            base64::DecodeError::InvalidLastSymbol(offset, _) => offset,
                            base64::DecodeError::InvalidPadding => text.len(),
                        };
                        return Some(format!("illegal base64 data at input byte {offset}"));
                    }
                }
                if let (Some("v1.MicroTime"), Some(text)) =
                    (struct_name(&child_schema).as_deref(), child.as_str())
                {
                    if let Some(error) = micro_time_error(text) {
                        return Some(error);
                    }
                }
                if !fits(&child_schema, child) {
                    return Some(format!(
                        "json: cannot unmarshal {} into Go struct field {}.{} of type {}",
                        json_kind(child),
                        child_owner,
                        field_path,
                        go_type(&child_schema)
                    ));
                }
                let nested_owner = struct_name(&child_schema)
                    .and_then(|n| n.rsplit('.').next().map(str::to_owned))
                    .unwrap_or(child_owner);
                if let Some(error) = walk(child_schema, child, &nested_owner, &field_path) {
                    return Some(error);
                }
            }
            None
        }
        Value::Array(items) => {
            let item_schema = schema.items()?;
            for item in items {
                if !fits(&item_schema, item) {
                    return Some(format!(
                        "json: cannot unmarshal {} into Go struct field {}.{} of type {}",
                        json_kind(item),
                        owner,
                        path,
                        go_type(&item_schema)
                    ));
                }
                let nested_owner = struct_name(&item_schema)
                    .and_then(|n| n.rsplit('.').next().map(str::to_owned))
                    .unwrap_or_else(|| owner.to_owned());
                if let Some(error) = walk(item_schema, item, &nested_owner, path) {
                    return Some(error);
                }
            }
            None
        }
        _ => None,
    }
}

/// Drops `null` members (a Go pointer left nil is omitted when encoded).
pub fn drop_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// Removes the field at a path as validation reports it
/// (`spec.template.spec.containers[0].bogus`).
pub fn remove_path(object: &mut Value, path: &str) {
    let mut steps: Vec<Step> = Vec::new();
    for part in path.split('.') {
        let (name, indices) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            steps.push(Step::Field(name.to_owned()));
        }
        for index in indices.split(['[', ']']).filter(|s| !s.is_empty()) {
            match index.parse() {
                Ok(i) => steps.push(Step::Index(i)),
                Err(_) => steps.push(Step::Field(index.to_owned())),
            }
        }
    }
    let Some((last, parents)) = steps.split_last() else {
        return;
    };
    let mut current = object;
    for step in parents {
        let next = match step {
            Step::Field(name) => current.get_mut(name.as_str()),
            Step::Index(i) => current.get_mut(*i),
        };
        match next {
            Some(next) => current = next,
            None => return,
        }
    }
    if let (Step::Field(name), Some(map)) = (last, current.as_object_mut()) {
        map.remove(name);
    }
}

enum Step {
    Field(String),
    Index(usize),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Builtin;
    use serde_json::json;

    #[test]
    fn reports_type_errors_as_go_does() {
        let builtin = Builtin::load().unwrap();
        let configmaps = builtin
            .resources
            .iter()
            .find(|r| r.group.is_empty() && r.kind == "ConfigMap")
            .unwrap();
        let schema = builtin.schema_of(configmaps);
        let check = |object: Value| check(schema, &object, "ConfigMap");
        assert_eq!(
            check(json!({"data": "string"})).as_deref(),
            Some(
                "json: cannot unmarshal string into Go struct field ConfigMap.data of type map[string]string"
            )
        );
        assert_eq!(
            check(json!({"data": {"a": 1}})).as_deref(),
            Some(
                "json: cannot unmarshal number into Go struct field ConfigMap.data of type string"
            )
        );
        assert_eq!(
            check(json!({"metadata": {"labels": ["a"]}})).as_deref(),
            Some(
                "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string"
            )
        );
        assert_eq!(
            check(json!({"data": {"a": "1"}, "metadata": {"name": "x"}})),
            None
        );
    }

    #[test]
    fn micro_times_need_six_fractional_digits_and_paths_can_be_removed() {
        assert_eq!(
            micro_time_error("2025-01-01T00:00:00Z").as_deref(),
            Some(
                "parsing time \"2025-01-01T00:00:00Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\""
            )
        );
        let nanos = micro_time_error("2025-01-01T00:00:00.123456789Z").unwrap();
        assert!(
            nanos.ends_with("cannot parse \"789Z\" as \"Z07:00\""),
            "{nanos}"
        );
        let date = micro_time_error("2025-01-01").unwrap();
        assert!(date.ends_with("cannot parse \"\" as \"T\""), "{date}");
        assert_eq!(micro_time_error("2025-01-01T00:00:00.123456Z"), None);
        let mut object =
            json!({"spec": {"containers": [{"name": "a", "bogus": 1}]}, "extra": 1, "n": null});
        remove_path(&mut object, "spec.containers[0].bogus");
        remove_path(&mut object, "extra");
        drop_nulls(&mut object);
        assert_eq!(object, json!({"spec": {"containers": [{"name": "a"}]}}));
    }
}
