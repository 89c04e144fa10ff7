//! Round-trips example objects through the generated crates' `scheme()`.
//!
//! Written into the corpus workspace by `kubegen-tests`; `projects.rs` (also
//! written there) lists `(project, scheme)` pairs. Prints one JSON line per
//! object: decoded and re-encoded, with every difference from the original.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

include!("projects.rs");

fn main() {
    let objects = PathBuf::from(std::env::args().nth(1).unwrap_or_default());
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&objects)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.sort();
    let schemes = schemes();
    for dir in dirs {
        let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // A project with channels (gateway-api) has a unit per channel; an
        // object goes to the first, in name order, that knows its kind
        // (`experimental` is a superset of `standard`).
        let candidates: Vec<&(&str, kubegen::Scheme)> = schemes
            .iter()
            .filter(|(unit, _)| *unit == folder || unit.starts_with(&format!("{folder}-")))
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let mut files = Vec::new();
        collect(&dir, &mut files);
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let display = file.strip_prefix(&objects).unwrap_or(&file).display().to_string();
            let documents: Vec<Value> = if display.ends_with(".json") {
                serde_json::from_str(&text).map(|v| vec![v]).unwrap_or_default()
            } else {
                serde_yaml_ng::Deserializer::from_str(&text)
                    .filter_map(|doc| serde::Deserialize::deserialize(doc).ok())
                    .filter(|v: &Value| !v.is_null())
                    .collect()
            };
            for (index, original) in documents.iter().enumerate() {
                let api_version = original.get("apiVersion").and_then(Value::as_str).unwrap_or("");
                let kind = original.get("kind").and_then(Value::as_str).unwrap_or("");
                let (project, scheme) = candidates
                    .iter()
                    .find(|(_, scheme)| scheme.recognizes(api_version, kind))
                    .copied()
                    .unwrap_or(candidates[0]);
                println!("{}", report(project, &display, index, scheme, original));
            }
        }
    }
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")) {
            files.push(path);
        }
    }
}

fn report(project: &str, file: &str, index: usize, scheme: &kubegen::Scheme, original: &Value) -> Value {
    let api_version = original.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = original.get("kind").and_then(Value::as_str).unwrap_or("");
    let base = json!({"project": project, "file": file, "document": index, "apiVersion": api_version, "kind": kind});
    let with = |mut base: Value, extra: Value| {
        if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
            base.extend(extra.clone());
        }
        base
    };
    if !scheme.recognizes(api_version, kind) {
        return with(base, json!({"status": "not-in-corpus"}));
    }
    let decoded = match scheme.decode(original) {
        Ok(decoded) => decoded,
        Err(error) => return with(base, json!({"status": "decode-error", "error": error.to_string()})),
    };
    let encoded = match decoded.to_value() {
        Ok(encoded) => encoded,
        Err(error) => return with(base, json!({"status": "encode-error", "error": error.to_string()})),
    };
    let mut differences = Vec::new();
    diff("", original, &encoded, &mut differences);
    with(base, json!({"status": "decoded", "differences": differences}))
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// JSON equality where numbers compare by value (`5` and `5.0` are the same number).
fn diff(pointer: &str, original: &Value, encoded: &Value, out: &mut Vec<Value>) {
    match (original, encoded) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let child = format!("{pointer}/{}", escape(key));
                match b.get(key) {
                    Some(other) => diff(&child, value, other, out),
                    None => out.push(json!({"pointer": child, "change": "missing", "original": value})),
                }
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    out.push(json!({"pointer": format!("{pointer}/{}", escape(key)), "change": "added", "encoded": value}));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                diff(&format!("{pointer}/{index}"), x, y, out);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (a, b) if a == b => {}
        (a, b) => out.push(json!({"pointer": pointer, "change": "changed", "original": a, "encoded": b})),
    }
}
