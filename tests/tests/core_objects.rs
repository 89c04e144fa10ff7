//! Every built-in object in `../shared/specs/objects/core` (k8s.io/api
//! round-trip fixtures with every field filled, and server responses captured
//! by the Java and Python clients) decodes into `kubegen-api` types through
//! `scheme()` and serializes back to JSON equal to the original.
//!
//! Tolerated differences, each listed in the output:
//! - the Java client's fixtures spell some timestamps in ways no API server
//!   writes (`…:06.000000Z`, a time without seconds): accepted when they name
//!   the same instant;
//! - an explicit `null` in an optional field (Go writes a zero `metav1.Time`
//!   as `lastProbeTime: null`) reads as unset and is not written back;
//!   Kubernetes treats the two the same.

use std::path::{Path, PathBuf};

use kubegen_tests::{Difference, json_diff};
use serde_json::Value;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn documents(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    if path.extension().is_some_and(|e| e == "json") {
        vec![serde_json::from_str(&text).unwrap()]
    } else {
        serde_yaml_ng::Deserializer::from_str(&text)
            .map(|doc| serde::Deserialize::deserialize(doc).unwrap())
            .filter(|v: &Value| !v.is_null())
            .collect()
    }
}

/// Same instant, different spelling (only the Java client's fixtures do this).
fn same_instant(difference: &Difference) -> bool {
    let (Some(Value::String(a)), Some(Value::String(b))) =
        (&difference.original, &difference.encoded)
    else {
        return false;
    };
    let parse = |s: &str| {
        let s = if s.len() == 17 && s.ends_with('Z') {
            format!("{}:00Z", &s[..16])
        } else {
            s.to_owned()
        };
        s.parse::<jiff::Timestamp>().ok()
    };
    matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}

fn round_trip(scheme: &kubegen::Scheme, original: &Value) -> Result<Value, String> {
    let kind = original.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind == "Status" {
        let status: kubegen::Status =
            serde_json::from_value(original.clone()).map_err(|e| e.to_string())?;
        return serde_json::to_value(status).map_err(|e| e.to_string());
    }
    if kind == "List" {
        // A v1 List holds objects of any kind; each carries its own apiVersion and kind.
        let mut list = original.clone();
        if let Some(items) = list.get_mut("items").and_then(Value::as_array_mut) {
            for item in items {
                *item = scheme
                    .decode(item)
                    .map_err(|e| e.to_string())?
                    .to_value()
                    .map_err(|e| e.to_string())?;
            }
        }
        return Ok(list);
    }
    scheme
        .decode(original)
        .map_err(|e| e.to_string())?
        .to_value()
        .map_err(|e| e.to_string())
}

#[test]
fn every_core_object_round_trips_through_kubegen_api() {
    let Some(specs) = kubegen_tests::shared_specs("core_objects") else {
        return;
    };
    let scheme = kubegen_api::scheme();
    let mut decoded = 0;
    let mut tolerated = Vec::new();
    let mut failures = Vec::new();
    for path in files(&specs.join("objects/core")) {
        let name = path.strip_prefix(&specs).unwrap().display().to_string();
        for (index, original) in documents(&path).iter().enumerate() {
            let at = format!(
                "{name} #{index} ({} {})",
                original["apiVersion"], original["kind"]
            );
            match round_trip(&scheme, original) {
                Err(error) => failures.push(format!("{at}: {error}")),
                Ok(encoded) => {
                    decoded += 1;
                    for difference in json_diff(original, &encoded) {
                        let null_dropped = difference.original == Some(Value::Null)
                            && difference.encoded.is_none();
                        if null_dropped
                            || (name.contains("kubernetes-client-java")
                                && same_instant(&difference))
                        {
                            tolerated.push(format!(
                                "{at}: {} {:?} → {:?}",
                                difference.pointer, difference.original, difference.encoded
                            ));
                        } else {
                            failures.push(format!("{at}: {difference:?}"));
                        }
                    }
                }
            }
        }
    }
    println!(
        "round-tripped {decoded} core objects; tolerated differences ({}):",
        tolerated.len()
    );
    for line in &tolerated {
        println!("  {line}");
    }
    assert!(
        decoded >= 20,
        "expected the 20 core files; decoded {decoded}"
    );
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
