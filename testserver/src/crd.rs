//! CustomResourceDefinitions: the resources a CRD serves, and the status the
//! server gives a new CRD (names accepted, established).

use std::sync::Arc;

use serde_json::{Value, json};

use crate::registry::{PrinterColumn, ResourceInfo, ScaleSubresource, Subresources};
use crate::storage::meta;

const VERBS: &[&str] = &[
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "create",
    "update",
    "watch",
];

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn text(value: &Value, pointer: &str) -> String {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned()
}

/// The resources (one per served version) a stored CRD serves.
pub fn resources_of(crd: &Value) -> Vec<Arc<ResourceInfo>> {
    let group = text(crd, "/spec/group");
    let kind = text(crd, "/spec/names/kind");
    let plural = text(crd, "/spec/names/plural");
    if group.is_empty() || kind.is_empty() || plural.is_empty() {
        return Vec::new();
    }
    let mut list_kind = text(crd, "/spec/names/listKind");
    if list_kind.is_empty() {
        list_kind = format!("{kind}List");
    }
    let mut singular = text(crd, "/spec/names/singular");
    if singular.is_empty() {
        singular = kind.to_lowercase();
    }
    let namespaced = text(crd, "/spec/scope") != "Cluster";
    let short_names = strings(crd.pointer("/spec/names/shortNames"));
    let categories = strings(crd.pointer("/spec/names/categories"));
    let versions = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    versions
        .iter()
        .filter(|v| v.get("served").and_then(Value::as_bool) == Some(true))
        .map(|v| {
            let scale = v.pointer("/subresources/scale").map(|s| ScaleSubresource {
                spec_replicas_path: text(s, "/specReplicasPath"),
                status_replicas_path: text(s, "/statusReplicasPath"),
                label_selector_path: s
                    .get("labelSelectorPath")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
            let printer_columns = v
                .get("additionalPrinterColumns")
                .and_then(Value::as_array)
                .map(|columns| {
                    columns
                        .iter()
                        .map(|c| PrinterColumn {
                            name: text(c, "/name"),
                            type_: text(c, "/type"),
                            format: c.get("format").and_then(Value::as_str).map(str::to_owned),
                            description: c
                                .get("description")
                                .and_then(Value::as_str)
                                .map(str::to_owned),
                            priority: c.get("priority").and_then(Value::as_i64).unwrap_or(0) as i32,
                            json_path: text(c, "/jsonPath"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let selectable_fields = v
                .get("selectableFields")
                .and_then(Value::as_array)
                .map(|fields| {
                    fields
                        .iter()
                        .map(|f| text(f, "/jsonPath").trim_start_matches('.').to_owned())
                        .collect()
                })
                .unwrap_or_default();
            Arc::new(ResourceInfo {
                group: group.clone(),
                version: text(v, "/name"),
                kind: kind.clone(),
                list_kind: list_kind.clone(),
                plural: plural.clone(),
                singular: singular.clone(),
                namespaced,
                verbs: VERBS.iter().map(|v| (*v).to_owned()).collect(),
                short_names: short_names.clone(),
                categories: categories.clone(),
                subresources: Subresources {
                    status: v.pointer("/subresources/status").is_some(),
                    scale,
                    other: Vec::new(),
                },
                printer_columns,
                selectable_fields,
                schema: v
                    .pointer("/schema/openAPIV3Schema")
                    .cloned()
                    .unwrap_or_else(|| json!({})),
                storage: v.get("storage").and_then(Value::as_bool) == Some(true),
                deprecated: v.get("deprecated").and_then(Value::as_bool) == Some(true),
                deprecation_warning: v
                    .get("deprecationWarning")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                custom: true,
            })
        })
        .collect()
}

/// The status a CRD is created with: nothing accepted yet, the storage version stored.
pub fn initial_status(crd: &Value) -> Value {
    let stored: Vec<Value> = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .map(|versions| {
            versions
                .iter()
                .filter(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
                .filter_map(|v| v.get("name").cloned())
                .collect()
        })
        .unwrap_or_default();
    json!({"conditions": null, "acceptedNames": {"plural": "", "kind": ""}, "storedVersions": stored})
}

/// The status the CRD controllers write right after: names accepted, established.
pub fn established_status(crd: &Value, now: &str) -> Value {
    let names = crd
        .pointer("/spec/names")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let mut accepted = serde_json::Map::new();
    accepted.insert("plural".into(), json!(text(crd, "/spec/names/plural")));
    let mut singular = text(crd, "/spec/names/singular");
    if singular.is_empty() {
        singular = text(crd, "/spec/names/kind").to_lowercase();
    }
    accepted.insert("singular".into(), json!(singular));
    if let Some(short) = names.get("shortNames") {
        accepted.insert("shortNames".into(), short.clone());
    }
    accepted.insert("kind".into(), json!(text(crd, "/spec/names/kind")));
    let mut list_kind = text(crd, "/spec/names/listKind");
    if list_kind.is_empty() {
        list_kind = format!("{}List", text(crd, "/spec/names/kind"));
    }
    accepted.insert("listKind".into(), json!(list_kind));
    if let Some(categories) = names.get("categories") {
        accepted.insert("categories".into(), categories.clone());
    }
    let stored = crd
        .pointer("/status/storedVersions")
        .cloned()
        .unwrap_or_else(|| json!([]));
    json!({
        "conditions": [
            {"type": "NamesAccepted", "status": "True", "lastTransitionTime": now,
             "reason": "NoConflicts", "message": "no conflicts found"},
            {"type": "Established", "status": "True", "lastTransitionTime": now,
             "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"}
        ],
        "acceptedNames": accepted,
        "storedVersions": stored,
    })
}

/// Adds the `Terminating` condition a CRD being deleted shows.
pub fn mark_terminating(crd: &mut Value, now: &str) {
    let condition = json!({"type": "Terminating", "status": "True", "lastTransitionTime": now,
        "reason": "InstanceDeletionPending",
        "message": "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon"});
    let Some(status) = crd.get_mut("status").and_then(Value::as_object_mut) else {
        return;
    };
    match status.get_mut("conditions").and_then(Value::as_array_mut) {
        Some(conditions) => conditions.push(condition),
        None => {
            status.insert("conditions".into(), json!([condition]));
        }
    }
}

/// Turns the `Terminating` condition to `InstanceDeletionInProgress`, as the CRD
/// finalizer does while objects with their own finalizers are pending.
pub fn mark_in_progress(crd: &mut Value) {
    let Some(conditions) = crd
        .pointer_mut("/status/conditions")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for condition in conditions {
        if condition.get("type").and_then(Value::as_str) == Some("Terminating") {
            condition["reason"] = json!("InstanceDeletionInProgress");
            condition["message"] = json!("CustomResource deletion is in progress");
        }
    }
}

/// Whether a stored CRD is being deleted.
pub fn is_terminating(crd: &Value) -> bool {
    meta::is_deleting(crd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crd_serves_its_served_versions() {
        let crd = json!({"spec": {"group": "example.com", "scope": "Namespaced",
            "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wdg"]},
            "versions": [
                {"name": "v1", "served": true, "storage": true,
                 "schema": {"openAPIV3Schema": {"type": "object"}},
                 "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas"}},
                 "selectableFields": [{"jsonPath": ".spec.mode"}]},
                {"name": "v1beta1", "served": true, "storage": false, "deprecated": true},
                {"name": "v0", "served": false, "storage": false}]}});
        let resources = resources_of(&crd);
        assert_eq!(resources.len(), 2);
        assert_eq!(resources[0].list_kind, "WidgetList");
        assert_eq!(resources[0].singular, "widget");
        assert!(resources[0].subresources.status);
        assert_eq!(resources[0].selectable_fields, ["spec.mode"]);
        assert!(resources[1].deprecated && !resources[1].storage);
        let status = established_status(&crd, "t");
        assert_eq!(status["conditions"][1]["type"], "Established");
        assert_eq!(status["acceptedNames"]["listKind"], "WidgetList");
    }
}
