//! Object validation as kube-apiserver does it, with its exact causes:
//! ObjectMeta rules ([`meta`]), unknown and duplicate fields of built-in
//! objects ([`builtin`]), the structural schemas of custom resources
//! (pruning, defaulting, validation: [`custom`]) and CustomResourceDefinitions
//! themselves ([`crd`]).

pub mod builtin;
pub mod crd;
pub mod custom;
mod duplicates;
mod errors;
pub mod meta;
pub mod names;

use kubegen::meta::v1::StatusCause;

pub use duplicates::duplicate_fields;
pub(crate) use errors::ErrorType;

/// The `fieldValidation=` query parameter: what happens to unknown and
/// duplicate fields in a request body.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidation {
    /// Dropped silently.
    Ignore,
    /// Dropped, with a `Warning` header each (the default).
    #[default]
    Warn,
    /// The request fails with 400 `strict decoding error: …`.
    Strict,
}

impl FieldValidation {
    /// Parses the query value (`""` is the default); an unsupported value is
    /// the cause of the real server's 422 on `CreateOptions`/`UpdateOptions`/`PatchOptions`.
    pub fn parse(value: Option<&str>) -> Result<FieldValidation, StatusCause> {
        match value.unwrap_or("") {
            "" | "Warn" => Ok(FieldValidation::Warn),
            "Ignore" => Ok(FieldValidation::Ignore),
            "Strict" => Ok(FieldValidation::Strict),
            other => Err(StatusCause {
                reason: Some("FieldValueNotSupported".into()),
                message: Some(format!(
                    "Unsupported value: {}: supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"",
                    go_quote(other)
                )),
                field: Some("fieldValidation".into()),
            }),
        }
    }
}

/// Why a custom resource was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// 422 `Invalid` with these causes.
    #[error("invalid: {}", causes_text(.0))]
    Invalid(Vec<StatusCause>),
    /// 400 `BadRequest`; the text after `<Kind> in version "<v>" cannot be
    /// handled as a <Kind>: ` (e.g. `strict decoding error: unknown field "spec.x"`).
    #[error("{0}")]
    BadRequest(String),
}

fn causes_text(causes: &[StatusCause]) -> String {
    causes.iter().map(cause_text).collect::<Vec<_>>().join(", ")
}

/// One cause as the Status message lists it: `field: message`.
pub fn cause_text(cause: &StatusCause) -> String {
    format!(
        "{}: {}",
        cause.field.as_deref().unwrap_or("<nil>"),
        cause.message.as_deref().unwrap_or("")
    )
}

/// The message of a 422 Status: `<Kind>[.<group>] "<name>" is invalid: <causes>`,
/// with the causes in brackets when there are several.
pub fn invalid_message(qualified_kind: &str, name: &str, causes: &[StatusCause]) -> String {
    let list = match causes {
        [one] => cause_text(one),
        _ => format!("[{}]", causes_text(causes)),
    };
    format!("{qualified_kind} {} is invalid: {list}", go_quote(name))
}

/// The texts of unknown-field problems, as Warning headers and strict errors word them.
pub fn unknown_field_text(path: &str) -> String {
    format!("unknown field {}", go_quote(path))
}

/// The text of a duplicate-field problem.
pub fn duplicate_field_text(path: &str) -> String {
    format!("duplicate field {}", go_quote(path))
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%v` of a float64.
pub(crate) fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let exponent = if f == 0.0 {
        0
    } else {
        f.abs().log10().floor() as i32
    };
    if !(-4..21).contains(&exponent) {
        // Go writes at least two exponent digits and an explicit sign.
        let formatted = format!("{f:e}");
        let (mantissa, exp) = formatted.split_once('e').unwrap_or((&formatted, "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        format!("{mantissa}e{sign}{digits:0>2}")
    } else {
        let mut s = format!("{f}");
        if s.ends_with(".0") {
            s.truncate(s.len() - 2);
        }
        s
    }
}

/// Go's `%#v` of a JSON value decoded into `interface{}`.
pub(crate) fn go_sharp_v(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => go_float(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => go_quote(s),
        Value::Array(items) => format!(
            "[]interface {{}}{{{}}}",
            items.iter().map(go_sharp_v).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let entries: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", go_quote(k), go_sharp_v(&map[k.as_str()])))
                .collect();
            format!("map[string]interface {{}}{{{}}}", entries.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_formatting() {
        assert_eq!(go_quote("a\"b\n"), "\"a\\\"b\\n\"");
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(10.0), "10");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(
            go_sharp_v(&json!({"port": 1, "name": "a"})),
            "map[string]interface {}{\"name\":\"a\", \"port\":1}"
        );
    }

    #[test]
    fn field_validation_values() {
        assert_eq!(FieldValidation::parse(None), Ok(FieldValidation::Warn));
        assert_eq!(
            FieldValidation::parse(Some("Strict")),
            Ok(FieldValidation::Strict)
        );
        let cause = FieldValidation::parse(Some("strict")).unwrap_err();
        assert_eq!(
            cause.message.as_deref(),
            Some(
                "Unsupported value: \"strict\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\""
            )
        );
    }

    #[test]
    fn invalid_messages() {
        let cause = StatusCause {
            reason: Some("FieldValueRequired".into()),
            message: Some("Required value".into()),
            field: Some("spec.color".into()),
        };
        assert_eq!(
            invalid_message("Widget.example.com", "w", std::slice::from_ref(&cause)),
            "Widget.example.com \"w\" is invalid: spec.color: Required value"
        );
        assert_eq!(
            invalid_message("ConfigMap", "c", &[cause.clone(), cause]),
            "ConfigMap \"c\" is invalid: [spec.color: Required value, spec.color: Required value]"
        );
    }
}
