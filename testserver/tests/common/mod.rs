//! Helpers shared by the transcript tests.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use kubegen_testserver::registry::{
    Builtin, PrinterColumn, ResourceInfo, ScaleSubresource, Subresources,
};
use serde_json::Value;

pub fn specs() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs/apiserver-1.32");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the apiserver transcripts are missing at {} (required under CI)",
        dir.display()
    );
    eprintln!(
        "NOTE: skipping: the apiserver transcripts are missing at {}",
        dir.display()
    );
    None
}

pub fn exchanges(name: &str) -> Option<Vec<Value>> {
    let path = specs()?.join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    Some(file["exchanges"].as_array().unwrap().clone())
}

pub fn body(exchange: &Value) -> &Value {
    &exchange["response"]["body"]
}

/// Differences between two JSON values, as `path: expected != actual` lines.
pub fn diff(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let keys: BTreeSet<&String> = e.keys().chain(a.keys()).collect();
            for key in keys {
                let sub = format!("{path}.{key}");
                match (e.get(key), a.get(key)) {
                    (Some(ev), Some(av)) => diff(&sub, ev, av, out),
                    (Some(ev), None) => out.push(format!("{sub}: missing (expected {ev})")),
                    (None, Some(av)) => out.push(format!("{sub}: unexpected {av}")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        _ if expected == actual => {}
        _ => out.push(format!("{path}: expected {expected} got {actual}")),
    }
}

pub fn assert_same(what: &str, expected: &Value, actual: &Value) {
    let mut out = Vec::new();
    diff("", expected, actual, &mut out);
    assert!(out.is_empty(), "{what} differs:\n{}", out.join("\n"));
}

pub fn builtin() -> Builtin {
    Builtin::load().unwrap()
}

/// The resources of a CustomResourceDefinition, one per served version, as
/// ts-core registers them.
pub fn crd_resources(crd: &Value) -> Vec<Arc<ResourceInfo>> {
    let spec = &crd["spec"];
    let names = &spec["names"];
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    spec["versions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["served"] == true)
        .map(|v| {
            let subresources = &v["subresources"];
            Arc::new(ResourceInfo {
                group: spec["group"].as_str().unwrap().into(),
                version: v["name"].as_str().unwrap().into(),
                kind: names["kind"].as_str().unwrap().into(),
                list_kind: names["listKind"].as_str().unwrap().into(),
                plural: names["plural"].as_str().unwrap().into(),
                singular: names["singular"].as_str().unwrap().into(),
                namespaced: spec["scope"] == "Namespaced",
                verbs: [
                    "create",
                    "delete",
                    "deletecollection",
                    "get",
                    "list",
                    "patch",
                    "update",
                    "watch",
                ]
                .map(String::from)
                .to_vec(),
                short_names: strings(&names["shortNames"]),
                categories: strings(&names["categories"]),
                subresources: Subresources {
                    status: subresources.get("status").is_some(),
                    scale: subresources.get("scale").map(|s| ScaleSubresource {
                        spec_replicas_path: s["specReplicasPath"].as_str().unwrap().into(),
                        status_replicas_path: s["statusReplicasPath"].as_str().unwrap().into(),
                        label_selector_path: s["labelSelectorPath"].as_str().map(String::from),
                    }),
                    other: vec![],
                },
                printer_columns: v["additionalPrinterColumns"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| serde_json::from_value::<PrinterColumn>(c.clone()).unwrap())
                    .collect(),
                selectable_fields: v["selectableFields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| f["jsonPath"].as_str().unwrap().into())
                    .collect(),
                schema: v["schema"]["openAPIV3Schema"].clone(),
                storage: v["storage"] == true,
                deprecated: v["deprecated"] == true,
                custom: true,
                ..ResourceInfo::default()
            })
        })
        .collect()
}
