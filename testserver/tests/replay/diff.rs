//! Comparing JSON values field by field, with readable differences.

use std::collections::BTreeSet;

use serde_json::Value;

pub fn short(value: &Value) -> String {
    let text = value.to_string();
    text.chars().take(400).collect()
}

pub fn diff(path: &str, expected: &Value, actual: &Value, out: &mut Vec<(String, String)>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let keys: BTreeSet<&String> = e.keys().chain(a.keys()).collect();
            for key in keys {
                let sub = format!("{path}.{key}");
                match (e.get(key), a.get(key)) {
                    (Some(ev), Some(av)) => diff(&sub, ev, av, out),
                    (Some(ev), None) => out.push((
                        sub.clone(),
                        format!("{sub}: missing (expected {})", short(ev)),
                    )),
                    (None, Some(av)) => {
                        out.push((sub.clone(), format!("{sub}: unexpected {}", short(av))))
                    }
                    (None, None) => {}
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        (Value::Array(e), Value::Array(a)) => out.push((
            path.to_owned(),
            format!("{path}: expected {} got {}", summary(e), summary(a)),
        )),
        _ if expected == actual => {}
        _ => out.push((
            path.to_owned(),
            format!("{path}: expected {} got {}", short(expected), short(actual)),
        )),
    }
}

/// A list as `body_summary` records large ones.
pub fn summarize(list: &Value) -> Value {
    let items = list["items"].as_array().cloned().unwrap_or_default();
    serde_json::json!({
        "kind": list["kind"],
        "apiVersion": list["apiVersion"],
        "metadata": list["metadata"],
        "itemCount": items.len(),
        "firstItem": items.first().cloned().unwrap_or(Value::Null),
    })
}

/// `[ADDED a, DELETED b]` or `[a, b]`: what a list of events or objects holds.
fn summary(items: &[Value]) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|item| {
            let object = item.get("object").unwrap_or(item);
            let name = object
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("-");
            match item.get("type").and_then(Value::as_str) {
                Some(kind) => format!("{kind} {name}"),
                None if item.is_object() => name.to_owned(),
                None => short(item),
            }
        })
        .collect();
    format!("[{}]", parts.join(", "))
}
