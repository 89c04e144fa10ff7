//! The test server's catalog of the built-in API (`testserver/src/builtin/catalog.json`):
//! every resource of the `kubegen-api` IR as discovery describes it, and the
//! OpenAPI v3 schemas of every type, written by the IR → OpenAPI back end.
//!
//! Facts the OpenAPI spec does not carry come from elsewhere:
//! - short names, categories and singular names from the aggregated discovery
//!   recorded from a real kube-apiserver (`apiserver-1.32/discovery-aggregated.json`
//!   in the shared specs);
//! - the field selectors each built-in resource supports beyond
//!   `metadata.name`/`metadata.namespace`, which Kubernetes defines in code
//!   (its field label conversion functions): the table below.

use std::collections::BTreeMap;
use std::path::Path;

use kubegen_templates::ir::{Api, Scope, TypePath};
use kubegen_templates::openapi::{self, SchemaOptions};
use serde_json::{Map, Value, json};

/// Where the catalog is written, relative to the repository root.
pub const TESTSERVER_CATALOG: &str = "testserver/src/builtin/catalog.json";

/// The recorded aggregated discovery of a real server, relative to the repository root.
pub const RECORDED_DISCOVERY: &str = "../shared/specs/apiserver-1.32/discovery-aggregated.json";

/// Field selectors of built-in resources: (group, plural, fields).
const SELECTABLE_FIELDS: &[(&str, &str, &[&str])] = &[
    (
        "",
        "pods",
        &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
        ],
    ),
    (
        "",
        "events",
        &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
    ),
    (
        "events.k8s.io",
        "events",
        &[
            "regarding.kind",
            "regarding.namespace",
            "regarding.name",
            "regarding.uid",
            "regarding.apiVersion",
            "regarding.resourceVersion",
            "regarding.fieldPath",
            "reason",
            "reportingController",
            "type",
        ],
    ),
    ("", "namespaces", &["status.phase"]),
    ("", "secrets", &["type"]),
    ("", "nodes", &["spec.unschedulable"]),
    ("", "replicationcontrollers", &["status.replicas"]),
    ("apps", "replicasets", &["status.replicas"]),
    ("batch", "jobs", &["status.successful"]),
    (
        "certificates.k8s.io",
        "certificatesigningrequests",
        &["spec.signerName"],
    ),
];

/// Discovery facts of one resource: short names, categories, singular name.
#[derive(Default)]
struct Recorded {
    short_names: Vec<Value>,
    categories: Vec<Value>,
    singular: Option<String>,
}

/// `(group, version, plural)` → what the recorded discovery says about it.
fn recorded_discovery(path: &Path) -> Result<BTreeMap<(String, String, String), Recorded>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let transcript: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    let exchanges = transcript["exchanges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for exchange in exchanges {
        let body = &exchange["response"]["body"];
        if body["kind"] != "APIGroupDiscoveryList" {
            continue;
        }
        for group in body["items"].as_array().into_iter().flatten() {
            let group_name = group["metadata"]["name"].as_str().unwrap_or_default();
            for version in group["versions"].as_array().into_iter().flatten() {
                let version_name = version["version"].as_str().unwrap_or_default();
                for resource in version["resources"].as_array().into_iter().flatten() {
                    let plural = resource["resource"].as_str().unwrap_or_default();
                    let list = |key: &str| resource[key].as_array().cloned().unwrap_or_default();
                    out.insert(
                        (
                            group_name.to_owned(),
                            version_name.to_owned(),
                            plural.to_owned(),
                        ),
                        Recorded {
                            short_names: list("shortNames"),
                            categories: list("categories"),
                            singular: resource["singularResource"].as_str().map(str::to_owned),
                        },
                    );
                }
            }
        }
    }
    Ok(out)
}

/// The catalog's JSON text for the built-in API's IR.
pub fn catalog_json(api: &Api, recorded_discovery_path: &Path) -> Result<String, String> {
    let recorded = recorded_discovery(recorded_discovery_path)?;
    let schemas = openapi::component_schemas(api, SchemaOptions { descriptions: true })
        .map_err(|e| e.to_string())?;
    let mut resources = Vec::new();
    for (group, version) in api.versions() {
        for resource in &version.resources {
            let path = TypePath {
                group_module: group.module.clone(),
                version_module: version.module.clone(),
                name: resource.type_name.clone(),
            };
            let def = api
                .type_def(&path)
                .ok_or_else(|| format!("{}: its type {} is missing", resource.kind, path.name))?;
            let key = (
                group.name.clone(),
                version.name.clone(),
                resource.plural.clone(),
            );
            let found = recorded.get(&key);
            let selectable: Vec<&str> = SELECTABLE_FIELDS
                .iter()
                .filter(|(g, plural, _)| *g == group.name && *plural == resource.plural)
                .flat_map(|(_, _, fields)| fields.iter().copied())
                .collect();
            let mut entry = Map::new();
            entry.insert("group".into(), group.name.clone().into());
            entry.insert("version".into(), version.name.clone().into());
            entry.insert("kind".into(), resource.kind.clone().into());
            entry.insert("listKind".into(), resource.list_kind.clone().into());
            entry.insert("plural".into(), resource.plural.clone().into());
            let singular = found
                .and_then(|f| f.singular.clone())
                .unwrap_or_else(|| resource.singular.clone());
            entry.insert("singular".into(), singular.into());
            entry.insert(
                "namespaced".into(),
                matches!(resource.scope, Scope::Namespaced).into(),
            );
            entry.insert("verbs".into(), json!(resource.verbs));
            if let Some(found) = found {
                if !found.short_names.is_empty() {
                    entry.insert("shortNames".into(), Value::Array(found.short_names.clone()));
                }
                if !found.categories.is_empty() {
                    entry.insert("categories".into(), Value::Array(found.categories.clone()));
                }
            }
            let subresources = &resource.subresources;
            let mut sub = Map::new();
            sub.insert("status".into(), subresources.status.into());
            if let Some(scale) = &subresources.scale {
                sub.insert(
                    "scale".into(),
                    json!({
                        "specReplicasPath": scale.spec_replicas_path,
                        "statusReplicasPath": scale.status_replicas_path,
                        "labelSelectorPath": scale.label_selector_path,
                    }),
                );
            }
            sub.insert("other".into(), json!(subresources.other));
            entry.insert("subresources".into(), Value::Object(sub));
            if !selectable.is_empty() {
                entry.insert("selectableFields".into(), json!(selectable));
            }
            entry.insert(
                "schema".into(),
                json!({"$ref": format!("{}{}", openapi::REF_PREFIX, openapi::definition_name(def, &path))}),
            );
            entry.insert("storage".into(), true.into());
            if resource.deprecated {
                entry.insert("deprecated".into(), true.into());
            }
            if let Some(warning) = &resource.deprecation_warning {
                entry.insert("deprecationWarning".into(), warning.clone().into());
            }
            resources.push(Value::Object(entry));
        }
    }
    let catalog = json!({
        "source": "generated by `cargo xtask generate` from the kubegen-api IR; do not edit",
        "resources": resources,
        "schemas": schemas,
    });
    // One resource or schema per line keeps diffs readable without the size of pretty printing.
    let mut text = String::from("{\n");
    let object = catalog.as_object().cloned().unwrap_or_default();
    let last = object.len().saturating_sub(1);
    for (index, (key, value)) in object.iter().enumerate() {
        text.push_str(&format!("{}: ", Value::String(key.clone())));
        match value {
            Value::Array(items) => {
                text.push_str("[\n");
                let lines: Vec<String> = items.iter().map(|item| format!("  {item}")).collect();
                text.push_str(&lines.join(",\n"));
                text.push_str("\n]");
            }
            Value::Object(entries) => {
                text.push_str("{\n");
                let lines: Vec<String> = entries
                    .iter()
                    .map(|(name, schema)| format!("  {}: {schema}", Value::String(name.clone())))
                    .collect();
                text.push_str(&lines.join(",\n"));
                text.push_str("\n}");
            }
            other => text.push_str(&other.to_string()),
        }
        text.push_str(if index == last { "\n" } else { ",\n" });
    }
    text.push_str("}\n");
    Ok(text)
}
