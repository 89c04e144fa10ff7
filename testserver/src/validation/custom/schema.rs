//! Validation of a value against a structural schema, emulating the
//! kube-openapi validator the real server uses (its checks, their order, and
//! the texts `kubeOpenAPIResultToFieldErrors` turns them into).

use serde_json::Value;

use super::formats;
use super::prune::{declared, nullable};
use crate::schema::{ListKind, SchemaRef};
use crate::validation::errors::{BadValue, ErrorType, FieldError};
use crate::validation::go_float;

/// Where errors are reported: the kube-openapi path (`spec.replicas`) names
/// the value in messages; the field of a cause is `prefix` + that path.
pub(super) struct Validator<'e> {
    /// `status` when validating the status subresource alone.
    pub prefix: &'e str,
    pub errors: &'e mut Vec<FieldError>,
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The Go format of a decoded value (`schemaInfoForType`).
fn go_format_of(value: &Value) -> &'static str {
    match value {
        Value::Number(n) if n.is_i64() || n.is_u64() => "int64",
        Value::Number(_) => "float64",
        _ => "",
    }
}

fn is_integral(value: &Value) -> bool {
    value
        .as_f64()
        .is_some_and(|f| f.fract() == 0.0 && f.is_finite())
}

/// A number as Go prints the `%v` of an int64 or float64.
fn number_text(value: &Value) -> String {
    match value.as_i64() {
        Some(i) => i.to_string(),
        None => go_float(value.as_f64().unwrap_or_default()),
    }
}

/// A schema bound (`maximum`…) as the message prints it for this value: as an
/// integer when the value is one and the bound is integral.
fn bound_text(bound: f64, value: &Value) -> String {
    if value.as_i64().is_some() && bound.fract() == 0.0 && bound.abs() < 9.2e18 {
        format!("{}", bound as i64)
    } else {
        go_float(bound)
    }
}

impl Validator<'_> {
    fn field(&self, name: &str) -> String {
        let name = name.strip_prefix('.').unwrap_or(name);
        match (self.prefix.is_empty(), name.is_empty()) {
            (true, true) => "<nil>".to_owned(),
            (true, false) => name.to_owned(),
            (false, true) => self.prefix.to_owned(),
            (false, false) => format!("{}.{name}", self.prefix),
        }
    }

    fn push(&mut self, kind: ErrorType, name: &str, value: BadValue, detail: String) {
        let field = self.field(name);
        self.errors
            .push(FieldError::new(kind, field, value, detail));
    }

    fn type_error(&mut self, name: &str, expected: &str, actual: &str) {
        let detail = format!("{name} in body must be of type {expected}: \"{actual}\"");
        self.push(ErrorType::TypeInvalid, name, BadValue::str(actual), detail);
    }

    /// Validates `value` at kube-openapi path `name`; `old` is the correlated
    /// value of the object being updated (an unchanged value is not checked
    /// again: CRD validation ratcheting).
    pub(super) fn validate(
        &mut self,
        schema: SchemaRef<'_>,
        value: &Value,
        name: &str,
        old: Option<&Value>,
    ) {
        if old == Some(value) {
            return;
        }
        let types = types(schema);
        let format = effective_format(schema, &types);
        if value.is_null() {
            if !types.is_empty() && !nullable(schema) {
                self.type_error(name, &types.join(","), "null");
            }
            self.check_enum(schema, value, name);
            return;
        }
        self.check_type(&types, format, value, name);
        self.check_composition(schema, value, name, old);
        if let Value::String(s) = value {
            self.check_string(schema, s, name);
            if let Some(format) = format.filter(|f| formats::known(f)) {
                if !formats::valid(format, s) {
                    let detail = format!(
                        "{name} in body must be of type {format}: {}",
                        crate::validation::go_quote(s)
                    );
                    self.push(
                        ErrorType::TypeInvalid,
                        name,
                        BadValue::str(s.as_str()),
                        detail,
                    );
                }
            }
        }
        if value.is_number() {
            self.check_number(schema, &types, format, value, name);
        }
        if let Value::Array(items) = value {
            self.check_array(schema, items, name, old);
        }
        self.check_enum(schema, value, name);
        if let Value::Object(map) = value {
            self.check_object(schema, map, name, old);
        }
    }

    fn check_type(&mut self, types: &[&str], format: Option<&str>, value: &Value, name: &str) {
        if types.is_empty() && format.is_none() {
            return;
        }
        let actual = type_of(value);
        let actual_format = go_format_of(value);
        let float_int = actual == "number" && is_integral(value) && types.contains(&"integer");
        let int_float = actual == "integer" && types.contains(&"number");
        let textual = matches!(value, Value::String(_) | Value::Array(_));
        if let Some(format) = format {
            let lower_int = format == "int64" && actual_format == "int32";
            if !(textual
                || types.contains(&actual)
                || actual_format == format
                || float_int
                || int_float
                || lower_int)
            {
                self.type_error(name, format, actual_format);
                return;
            }
            if !(types.contains(&"number") || types.contains(&"integer")) && textual {
                return;
            }
        }
        if !(types.contains(&actual) || float_int || int_float) {
            self.type_error(name, &types.join(","), actual);
        }
    }

    fn check_composition(
        &mut self,
        schema: SchemaRef<'_>,
        value: &Value,
        name: &str,
        old: Option<&Value>,
    ) {
        let subschemas = |keyword: &str| -> Vec<SchemaRef<'_>> {
            schema
                .keyword(keyword)
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .map(|s| SchemaRef::new(schema.schemas(), s))
                        .collect()
                })
                .unwrap_or_default()
        };
        for sub in subschemas("allOf") {
            self.validate(sub, value, name, old);
        }
        let passes = |sub: SchemaRef<'_>| {
            let mut scratch = Vec::new();
            Validator {
                prefix: self.prefix,
                errors: &mut scratch,
            }
            .validate(sub, value, name, None);
            scratch.is_empty()
        };
        let any_of = subschemas("anyOf");
        if !any_of.is_empty() && !any_of.iter().any(|s| passes(*s)) {
            let detail = format!("{name} in body must validate at least one schema (anyOf)");
            self.push(ErrorType::Invalid, name, BadValue::str(""), detail);
        }
        let one_of = subschemas("oneOf");
        if !one_of.is_empty() && one_of.iter().filter(|s| passes(**s)).count() != 1 {
            let detail = format!("{name} in body must validate one and only one schema (oneOf)");
            self.push(ErrorType::Invalid, name, BadValue::str(""), detail);
        }
        if let Some(not) = schema.keyword("not").filter(|n| n.is_object()) {
            if passes(SchemaRef::new(schema.schemas(), not)) {
                let detail = format!("{name} in body must not validate the schema (not)");
                self.push(ErrorType::Invalid, name, BadValue::str(""), detail);
            }
        }
    }

    fn check_string(&mut self, schema: SchemaRef<'_>, s: &str, name: &str) {
        let length = s.chars().count() as i64;
        if let Some(max) = schema.keyword("maxLength").and_then(Value::as_i64) {
            if length > max {
                let field = self.field(name);
                self.errors.push(FieldError::too_long(field, max));
                return;
            }
        }
        if let Some(min) = schema.keyword("minLength").and_then(Value::as_i64) {
            if length < min {
                let detail = format!("{name} in body should be at least {min} chars long");
                self.push(ErrorType::Invalid, name, BadValue::str(s), detail);
                return;
            }
        }
        if let Some(pattern) = schema.keyword("pattern").and_then(Value::as_str) {
            let matched = regex::Regex::new(pattern).map(|r| r.is_match(s));
            if matched != Ok(true) {
                let detail = format!("{name} in body should match '{pattern}'");
                self.push(ErrorType::Invalid, name, BadValue::str(s), detail);
            }
        }
    }

    fn check_number(
        &mut self,
        schema: SchemaRef<'_>,
        types: &[&str],
        format: Option<&str>,
        value: &Value,
        name: &str,
    ) {
        let data = value.as_f64().unwrap_or_default();
        // kube-openapi's IsValueValidAgainstRange on the value itself.
        if types.len() == 1 && !in_range(value, types[0], format) {
            let type_name = types[0];
            let detail = match format {
                Some(f) => {
                    format!("Checked value must be of type {type_name} with format {f} in {name}")
                }
                None => format!("Checked value must be of type {type_name} in {name}"),
            };
            // Not a kube-openapi Validation error: reported on the root, with an empty value.
            let field = if self.prefix.is_empty() {
                "<nil>".to_owned()
            } else {
                self.prefix.to_owned()
            };
            self.errors
                .push(FieldError::invalid(field, BadValue::str(""), detail));
        }
        let bad = BadValue::Plain(number_text(value));
        if let Some(factor) = schema.keyword("multipleOf").and_then(Value::as_f64) {
            if factor > 0.0 && (data / factor).fract() != 0.0 {
                let detail = format!(
                    "{name} in body should be a multiple of {}",
                    bound_text(factor, value)
                );
                self.push(ErrorType::Invalid, name, bad.clone(), detail);
            }
        }
        if let Some(min) = schema.keyword("minimum").and_then(Value::as_f64) {
            let exclusive =
                schema.keyword("exclusiveMinimum").and_then(Value::as_bool) == Some(true);
            if (exclusive && data <= min) || data < min {
                let relation = if exclusive {
                    "greater than"
                } else {
                    "greater than or equal to"
                };
                let detail = format!(
                    "{name} in body should be {relation} {}",
                    bound_text(min, value)
                );
                self.push(ErrorType::Invalid, name, bad.clone(), detail);
            }
        }
        if let Some(max) = schema.keyword("maximum").and_then(Value::as_f64) {
            let exclusive =
                schema.keyword("exclusiveMaximum").and_then(Value::as_bool) == Some(true);
            if (exclusive && data >= max) || data > max {
                let relation = if exclusive {
                    "less than"
                } else {
                    "less than or equal to"
                };
                let detail = format!(
                    "{name} in body should be {relation} {}",
                    bound_text(max, value)
                );
                self.push(ErrorType::Invalid, name, bad, detail);
            }
        }
    }

    fn check_array(
        &mut self,
        schema: SchemaRef<'_>,
        items: &[Value],
        name: &str,
        old: Option<&Value>,
    ) {
        if let Some(item_schema) = schema.items() {
            for (i, item) in items.iter().enumerate() {
                let old_item = correlate_item(schema, item, old);
                self.validate(item_schema, item, &format!("{name}[{i}]"), old_item);
            }
        }
        let size = items.len() as i64;
        if let Some(min) = schema.keyword("minItems").and_then(Value::as_i64) {
            if size < min {
                let detail = format!("{name} in body should have at least {min} items");
                self.push(
                    ErrorType::Invalid,
                    name,
                    BadValue::Plain(size.to_string()),
                    detail,
                );
            }
        }
        if let Some(max) = schema.keyword("maxItems").and_then(Value::as_i64) {
            if size > max {
                let field = self.field(name);
                self.errors.push(FieldError::too_many(field, size, max));
            }
        }
        if schema.keyword("uniqueItems").and_then(Value::as_bool) == Some(true) {
            let duplicated = items
                .iter()
                .enumerate()
                .any(|(i, a)| items[..i].iter().any(|b| json_equal(a, b)));
            if duplicated {
                let detail = format!("{name} in body shouldn't contain duplicates");
                self.push(ErrorType::Invalid, name, BadValue::str(""), detail);
            }
        }
    }

    fn check_enum(&mut self, schema: SchemaRef<'_>, value: &Value, name: &str) {
        let Some(options) = schema.keyword("enum").and_then(Value::as_array) else {
            return;
        };
        if options.is_empty() || (!value.is_null() && options.iter().any(|o| json_equal(o, value)))
        {
            return;
        }
        let supported: Vec<String> = options
            .iter()
            .map(|o| match o {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect();
        let field = self.field(name);
        self.errors.push(FieldError::not_supported(
            field,
            BadValue::json(value),
            &supported,
        ));
    }

    fn check_object(
        &mut self,
        schema: SchemaRef<'_>,
        map: &serde_json::Map<String, Value>,
        name: &str,
        old: Option<&Value>,
    ) {
        let size = map.len() as i64;
        if let Some(min) = schema.keyword("minProperties").and_then(Value::as_i64) {
            if size < min {
                let detail = format!("{name} in body should have at least {min} properties");
                self.push(
                    ErrorType::Invalid,
                    name,
                    BadValue::Plain(size.to_string()),
                    detail,
                );
            }
        }
        if let Some(max) = schema.keyword("maxProperties").and_then(Value::as_i64) {
            if size > max {
                let field = self.field(name);
                self.errors.push(FieldError::too_many(field, size, max));
            }
        }
        let additional = schema.additional_properties();
        for (key, child) in map {
            let child_name = if name.is_empty() {
                key.clone()
            } else {
                format!("{name}.{key}")
            };
            let old_child = old.and_then(|o| o.get(key.as_str()));
            if let Some(property) = declared(schema, key) {
                self.validate(property, child, &child_name, old_child);
            } else if let Some(values) = additional {
                // kube-openapi joins map keys with a dot even at the root.
                self.validate(values, child, &format!("{name}.{key}"), old_child);
            }
        }
        for required in schema.required() {
            if !map.contains_key(required) {
                let field = self.field(&format!("{name}.{required}"));
                self.errors.push(FieldError::required(field, ""));
            }
        }
    }
}

/// The old item an array item corresponds to: by key in a map-list, none otherwise.
fn correlate_item<'o>(
    schema: SchemaRef<'_>,
    item: &Value,
    old: Option<&'o Value>,
) -> Option<&'o Value> {
    let ListKind::Map(keys) = schema.list_kind() else {
        return None;
    };
    old?.as_array()?.iter().find(|candidate| {
        keys.iter()
            .all(|k| candidate.get(k.as_str()) == item.get(k.as_str()))
    })
}

/// The declared types (`x-kubernetes-int-or-string` is `integer,string`).
pub(super) fn types(schema: SchemaRef<'_>) -> Vec<&'static str> {
    if schema.is_int_or_string() {
        return vec!["integer", "string"];
    }
    match schema.type_name() {
        Some("object") => vec!["object"],
        Some("array") => vec!["array"],
        Some("string") => vec!["string"],
        Some("integer") => vec!["integer"],
        Some("number") => vec!["number"],
        Some("boolean") => vec!["boolean"],
        _ => Vec::new(),
    }
}

/// The format the validator sees once unsupported formats are stripped.
fn effective_format<'a>(schema: SchemaRef<'a>, types: &[&str]) -> Option<&'a str> {
    let format = schema.format().filter(|f| !f.is_empty())?;
    let single = if types.len() == 1 { types[0] } else { "" };
    let kept = match single {
        "" | "string" => formats::known(format),
        "integer" => matches!(format, "int32" | "int64"),
        "number" => matches!(format, "float" | "double"),
        _ => false,
    };
    kept.then_some(format)
}

fn in_range(value: &Value, type_name: &str, format: Option<&str>) -> bool {
    let Some(f) = value.as_f64() else {
        return true;
    };
    match (type_name, format) {
        ("integer", Some("int32")) => {
            is_integral(value) && f >= f64::from(i32::MIN) && f <= f64::from(i32::MAX)
        }
        ("integer", _) => value.as_i64().is_some() || (is_integral(value) && f.abs() < 9.2e18),
        ("number", Some("float")) => f.abs() <= f64::from(f32::MAX),
        _ => true,
    }
}

/// JSON equality where 1 and 1.0 are the same number.
pub(super) fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}
