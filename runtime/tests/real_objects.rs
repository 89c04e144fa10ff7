//! Round-trips the metadata of real Kubernetes objects, and the Status and discovery bodies
//! recorded from a real API server, through the meta types.
//!
//! The material lives outside the repository in `shared/specs` (see its README). When it is
//! absent the tests are skipped with a loud note, except under CI, where that is a failure.

// The helpers below are test code too: a fixture that cannot be read should fail loudly.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use kubegen::meta::v1::{
    ApiGroup, ApiGroupList, ApiResourceList, ApiVersions, ListMeta, ObjectMeta, Status, WatchEvent,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/specs");

/// The specs directory, or `None` (after a note) when it is missing outside CI.
fn specs_dir(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(SPECS).join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "test material {} is missing; CI needs shared/specs beside the repository",
            dir.display()
        );
    }
    eprintln!(
        "\n!!! NOTE: {} not found: skipping the real-object tests !!!\n",
        dir.display()
    );
    None
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every document of a JSON or YAML file (`None` for other files).
fn documents(path: &Path) -> Option<Vec<Value>> {
    let text = std::fs::read_to_string(path).unwrap();
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => Some(vec![serde_json::from_str(&text).unwrap()]),
        Some("yaml" | "yml") => Some(
            serde_yaml_ng::Deserializer::from_str(&text)
                .map(serde_yaml_ng::with::singleton_map_recursive::deserialize)
                .collect::<Result<Vec<Value>, _>>()
                .unwrap(),
        ),
        _ => None,
    }
}

/// Go writes an unset non-pointer time as `null`; it decodes as absent, so drop such nulls
/// before comparing.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Compares what we wrote with the original, in key order too (unless the original's keys
/// are sorted alphabetically). The only tolerated difference is a timestamp written in another
/// form of the same instant (`...:24.000000Z` for `...:24Z`); those are counted in
/// `normalized`.
fn assert_same(original: &Value, written: &Value, at: &str, normalized: &mut usize) {
    match (original, written) {
        (Value::Object(a), Value::Object(b)) => {
            let keys_a: Vec<_> = a.keys().collect();
            let mut keys_b: Vec<_> = b.keys().collect();
            // YAML fixtures and custom resources arrive with keys sorted alphabetically, which
            // no struct reproduces; everything else is in Go's field order, which we must match.
            if keys_a.is_sorted() {
                keys_b.sort();
            }
            assert_eq!(keys_a, keys_b, "keys (in order) at {at}");
            for (k, v) in a {
                assert_same(v, &b[k], &format!("{at}.{k}"), normalized);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "length at {at}");
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                assert_same(x, y, &format!("{at}[{i}]"), normalized);
            }
        }
        (Value::String(a), Value::String(b)) if a != b => {
            let same_instant = a.parse::<jiff::Timestamp>().ok().is_some()
                && a.parse::<jiff::Timestamp>().ok() == b.parse::<jiff::Timestamp>().ok();
            assert!(same_instant, "at {at}: {a:?} was written back as {b:?}");
            *normalized += 1;
        }
        _ => assert_eq!(original, written, "at {at}"),
    }
}

/// Decodes `value` as `T` and checks that it encodes back to the same JSON.
fn round_trip<T: DeserializeOwned + Serialize>(value: &Value, at: &str, normalized: &mut usize) {
    let original = without_nulls(value);
    let decoded: T = serde_json::from_value(original.clone())
        .unwrap_or_else(|e| panic!("{at}: cannot decode: {e}"));
    let written = serde_json::to_value(&decoded).unwrap();
    assert_same(&original, &written, at, normalized);
}

/// Checks the metadata of an object, or of a list and each of its items.
fn check_object(object: &Value, at: &str, normalized: &mut usize) -> usize {
    let mut checked = 0;
    if let Some(items) = object.get("items").and_then(Value::as_array) {
        if let Some(metadata) = object.get("metadata") {
            round_trip::<Option<ListMeta>>(metadata, &format!("{at}.metadata"), normalized);
            checked += 1;
        }
        for (i, item) in items.iter().enumerate() {
            checked += check_object(item, &format!("{at}.items[{i}]"), normalized);
        }
    } else if object.get("kind").and_then(Value::as_str) == Some("Status") {
        round_trip::<Status>(object, at, normalized);
        checked += 1;
    } else if let Some(metadata) = object.get("metadata") {
        round_trip::<ObjectMeta>(metadata, &format!("{at}.metadata"), normalized);
        checked += 1;
    }
    checked
}

#[test]
fn core_object_metadata_round_trips() {
    let Some(dir) = specs_dir("objects/core") else {
        return;
    };
    let mut checked = 0;
    for path in files_under(&dir) {
        let Some(docs) = documents(&path) else {
            continue;
        };
        let mut normalized = 0;
        for (i, doc) in docs.iter().enumerate() {
            let at = format!("{}#{i}", path.display());
            checked += check_object(doc, &at, &mut normalized);
        }
        // The Java client's fixtures were written by Java (`...:06.000000Z`, `03:03Z`); Go
        // and we write `...:06Z`. Every other source must come back unchanged.
        if !path.to_string_lossy().contains("kubernetes-client-java") {
            assert_eq!(normalized, 0, "{}: timestamps changed form", path.display());
        }
    }
    assert!(checked >= 30, "only {checked} metadata blocks found");
}

/// All recorded response bodies of the API server transcripts.
fn recorded_bodies(dir: &Path) -> Vec<(String, Value)> {
    let mut bodies = Vec::new();
    for path in files_under(dir) {
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let scenario: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (i, exchange) in scenario["exchanges"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(body) = exchange["response"].get("body") {
                bodies.push((format!("{name} exchange {i}"), body.clone()));
            }
        }
    }
    bodies
}

#[test]
fn recorded_status_bodies_decode() {
    let Some(dir) = specs_dir("apiserver-1.32") else {
        return;
    };
    let mut statuses = Vec::new();
    let mut events = 0;
    for (at, body) in recorded_bodies(&dir) {
        match &body {
            Value::Object(_) if body["kind"] == "Status" => statuses.push((at, body)),
            // Watch responses are the list of events; ERROR events carry a Status.
            Value::Array(list) => {
                for (i, event) in list.iter().enumerate() {
                    let mut normalized = 0;
                    let at = format!("{at} event {i}");
                    if event.get("type").is_none() {
                        continue;
                    }
                    round_trip::<WatchEvent>(event, &at, &mut normalized);
                    events += 1;
                    if event["object"]["kind"] == "Status" {
                        statuses.push((at, event["object"].clone()));
                    }
                }
            }
            _ => {}
        }
    }
    assert!(
        statuses.len() >= 100,
        "only {} Status bodies",
        statuses.len()
    );
    assert!(events >= 50, "only {events} watch events");

    let mut with_causes = 0;
    for (at, body) in &statuses {
        let mut normalized = 0;
        round_trip::<Status>(body, at, &mut normalized);
        assert_eq!(normalized, 0, "{at}");
        let status: Status = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(status.kind.as_deref(), Some("Status"), "{at}");
        let code = status.code.unwrap_or(0);
        if status.is_success() {
            assert!(
                status.code.is_none() || code < 300,
                "{at}: success with code {code}"
            );
        } else {
            assert!(status.is_failure(), "{at}: neither Success nor Failure");
            assert!(code >= 400, "{at}: failure with code {code}");
            assert!(!status.to_string().is_empty(), "{at}");
        }
        if status.details.as_ref().is_some_and(|d| d.causes.is_some()) {
            with_causes += 1;
        }
    }
    assert!(
        with_causes >= 10,
        "only {with_causes} Status bodies with causes"
    );
}

#[test]
fn recorded_object_metadata_round_trips() {
    let Some(dir) = specs_dir("apiserver-1.32") else {
        return;
    };
    let mut checked = 0;
    let mut normalized = 0;
    for (at, body) in recorded_bodies(&dir) {
        let is_discovery = body["kind"]
            .as_str()
            .is_some_and(|k| k.starts_with("API") || k.starts_with("APIGroupDiscovery"));
        if !body.is_object() || is_discovery {
            continue;
        }
        let kind = body["kind"].as_str().unwrap_or_default();
        let is_list = kind == "Table" || kind.ends_with("List");
        if is_list && body.get("items").is_none() {
            if let Some(metadata) = body.get("metadata") {
                round_trip::<ListMeta>(metadata, &format!("{at}.metadata"), &mut normalized);
                checked += 1;
            }
            continue;
        }
        checked += check_object(&body, &at, &mut normalized);
    }
    assert!(checked >= 300, "only {checked} metadata blocks found");
    assert_eq!(normalized, 0, "the API server writes timestamps our way");
}

#[test]
fn recorded_discovery_documents_round_trip() {
    let Some(dir) = specs_dir("apiserver-1.32") else {
        return;
    };
    let mut normalized = 0;
    let mut seen = std::collections::BTreeSet::new();
    for (at, body) in recorded_bodies(&dir) {
        // Aggregated discovery (apidiscovery.k8s.io) shares these kind names' prefix only.
        if body["apiVersion"]
            .as_str()
            .is_some_and(|v| v.contains("apidiscovery"))
        {
            continue;
        }
        let Some(kind) = body["kind"].as_str() else {
            continue;
        };
        match kind {
            "APIVersions" => round_trip::<ApiVersions>(&body, &at, &mut normalized),
            "APIGroupList" => round_trip::<ApiGroupList>(&body, &at, &mut normalized),
            "APIGroup" => round_trip::<ApiGroup>(&body, &at, &mut normalized),
            "APIResourceList" => round_trip::<ApiResourceList>(&body, &at, &mut normalized),
            _ => continue,
        }
        seen.insert(kind.to_owned());
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ["APIGroup", "APIGroupList", "APIResourceList", "APIVersions"]
    );
}
