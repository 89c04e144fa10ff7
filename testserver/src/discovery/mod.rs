//! Discovery as kube-apiserver v1.32 answers it: `/version`, `/api`,
//! `/apis`, `/apis/<group>`, `/api/v1` and `/apis/<group>/<version>`
//! (legacy, unaggregated discovery), and aggregated discovery
//! (`apidiscovery.k8s.io/v2` `APIGroupDiscoveryList`, see [`aggregated`]).
//!
//! Everything here is a pure function of the served resources, so a CRD
//! appears in discovery as soon as its resources are in the list passed in.
//! Field order and list order follow the real server's JSON byte for byte
//! (the transcripts `discovery.json` and `discovery-aggregated.json`).

mod aggregated;
pub mod hash;
pub mod order;
pub mod subresources;

use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::registry::ResourceInfo;

pub use aggregated::{AggregatedVersion, aggregated, aggregated_version};
pub use subresources::{Subresource, subresources};

/// The Kubernetes version this server imitates.
pub const KUBERNETES_MAJOR: &str = "1";
/// The Kubernetes minor version this server imitates.
pub const KUBERNETES_MINOR: &str = "32";
/// `gitVersion` of `/version`: a 1.32 server, marked as ours.
pub const GIT_VERSION: &str = "v1.32.13-kubegen";

/// `/version`: a `version.Info` of a 1.32 server, with this machine's platform.
pub fn version_info() -> Value {
    json!({
        "major": KUBERNETES_MAJOR,
        "minor": KUBERNETES_MINOR,
        "gitVersion": GIT_VERSION,
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "1970-01-01T00:00:00Z",
        "goVersion": concat!("kubegen-testserver ", env!("CARGO_PKG_VERSION")),
        "compiler": "rustc",
        "platform": platform(),
    })
}

/// The platform in Go's `GOOS/GOARCH` spelling (`linux/amd64`).
fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    };
    format!("{}/{}", std::env::consts::OS, arch)
}

/// `/api`: the `APIVersions` of the core group. `server_address` is the
/// `host:port` clients reach this server at (`serverAddressByClientCIDRs`).
pub fn core_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    })
}

/// One served API group: its name and its versions, most preferred first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServedGroup {
    /// Group name (never the core group).
    pub name: String,
    /// Versions, most preferred first; the first is the preferred version.
    pub versions: Vec<String>,
}

/// Every named group served by `resources`, in `/apis` order.
pub fn served_groups(resources: &[Arc<ResourceInfo>]) -> Vec<ServedGroup> {
    let mut groups: Vec<ServedGroup> = Vec::new();
    for resource in resources.iter().filter(|r| !r.group.is_empty()) {
        match groups.iter_mut().find(|g| g.name == resource.group) {
            Some(group) => {
                if !group.versions.contains(&resource.version) {
                    group.versions.push(resource.version.clone());
                }
            }
            None => groups.push(ServedGroup {
                name: resource.group.clone(),
                versions: vec![resource.version.clone()],
            }),
        }
    }
    for group in &mut groups {
        group.versions.sort_by(|a, b| order::compare_versions(a, b));
    }
    groups.sort_by(|a, b| order::compare_groups(&a.name, &b.name));
    groups
}

fn group_version_for_discovery(group: &str, version: &str) -> Value {
    json!({"groupVersion": format!("{group}/{version}"), "version": version})
}

fn api_group(group: &ServedGroup) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("name".into(), json!(group.name));
    out.insert(
        "versions".into(),
        Value::Array(
            group
                .versions
                .iter()
                .map(|v| group_version_for_discovery(&group.name, v))
                .collect(),
        ),
    );
    if let Some(preferred) = group.versions.first() {
        out.insert(
            "preferredVersion".into(),
            group_version_for_discovery(&group.name, preferred),
        );
    }
    out
}

/// `/apis`: the `APIGroupList` of every named group.
pub fn group_list(resources: &[Arc<ResourceInfo>]) -> Value {
    let groups: Vec<Value> = served_groups(resources)
        .iter()
        .map(|g| Value::Object(api_group(g)))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/<group>`: the `APIGroup`, or `None` when no resource of the group is served.
pub fn group(resources: &[Arc<ResourceInfo>], group: &str) -> Option<Value> {
    let served = served_groups(resources)
        .into_iter()
        .find(|g| g.name == group)?;
    let mut out = Map::new();
    out.insert("kind".into(), json!("APIGroup"));
    out.insert("apiVersion".into(), json!("v1"));
    out.extend(api_group(&served));
    Some(Value::Object(out))
}

/// The resources of one group-version, in the order the server registered them.
pub fn resources_of<'a>(
    resources: &'a [Arc<ResourceInfo>],
    group: &'a str,
    version: &'a str,
) -> impl Iterator<Item = &'a Arc<ResourceInfo>> + 'a {
    resources
        .iter()
        .filter(move |r| r.group == group && r.version == version)
}

/// The verbs of a resource in discovery order: sorted for built-ins; the
/// fixed order of the apiextensions server for custom resources.
pub fn verbs(resource: &ResourceInfo) -> Vec<String> {
    if resource.custom {
        const CUSTOM_ORDER: [&str; 8] = [
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "create",
            "update",
            "watch",
        ];
        let mut out: Vec<String> = CUSTOM_ORDER
            .iter()
            .filter(|v| resource.supports(v))
            .map(|v| (*v).to_owned())
            .collect();
        out.extend(
            resource
                .verbs
                .iter()
                .filter(|v| !CUSTOM_ORDER.contains(&v.as_str()))
                .cloned(),
        );
        out
    } else {
        let mut out = resource.verbs.clone();
        out.sort();
        out.dedup();
        out
    }
}

/// The `storageVersionHash` of a resource backed by storage (`None` for
/// virtual resources such as bindings, reviews and componentstatuses).
pub fn storage_version_hash(
    resources: &[Arc<ResourceInfo>],
    resource: &ResourceInfo,
) -> Option<String> {
    let stored = resource.custom || (resource.supports("list") && resource.supports("create"));
    if !stored {
        return None;
    }
    // events.k8s.io Events are core Events in storage.
    if resource.group == "events.k8s.io" && resource.kind == "Event" {
        return Some(hash::storage_version_hash("", "v1", "Event"));
    }
    let storage = resources
        .iter()
        .find(|r| r.group == resource.group && r.plural == resource.plural && r.storage)
        .map_or(resource, |r| r.as_ref());
    Some(hash::storage_version_hash(
        &storage.group,
        &storage.version,
        &storage.kind,
    ))
}

fn api_resource(resources: &[Arc<ResourceInfo>], resource: &ResourceInfo) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), json!(resource.plural));
    out.insert("singularName".into(), json!(resource.singular));
    out.insert("namespaced".into(), json!(resource.namespaced));
    out.insert("kind".into(), json!(resource.kind));
    out.insert("verbs".into(), json!(verbs(resource)));
    if !resource.short_names.is_empty() {
        out.insert("shortNames".into(), json!(resource.short_names));
    }
    if !resource.categories.is_empty() {
        out.insert("categories".into(), json!(resource.categories));
    }
    if let Some(hash) = storage_version_hash(resources, resource) {
        out.insert("storageVersionHash".into(), json!(hash));
    }
    Value::Object(out)
}

fn api_subresource(resource: &ResourceInfo, sub: &Subresource) -> Value {
    let mut out = Map::new();
    out.insert(
        "name".into(),
        json!(format!("{}/{}", resource.plural, sub.name)),
    );
    out.insert("singularName".into(), json!(""));
    out.insert("namespaced".into(), json!(resource.namespaced));
    if let Some((group, version)) = sub.group_version {
        out.insert("group".into(), json!(group));
        out.insert("version".into(), json!(version));
    }
    out.insert("kind".into(), json!(sub.kind));
    out.insert("verbs".into(), json!(sub.verbs));
    Value::Object(out)
}

/// `/api/v1` and `/apis/<group>/<version>`: the `APIResourceList`, with one
/// entry per resource followed by its subresources; `None` when nothing of
/// that group-version is served.
pub fn resource_list(resources: &[Arc<ResourceInfo>], group: &str, version: &str) -> Option<Value> {
    let mut entries: Vec<(String, Value)> = Vec::new();
    let mut custom = false;
    for resource in resources_of(resources, group, version) {
        custom |= resource.custom;
        entries.push((resource.plural.clone(), api_resource(resources, resource)));
        for sub in subresources(resource) {
            entries.push((
                format!("{}/{}", resource.plural, sub.name),
                api_subresource(resource, &sub),
            ));
        }
    }
    if entries.is_empty() {
        return None;
    }
    // Built-in routes are listed sorted by path; the apiextensions server
    // lists each resource's entries as it builds them.
    if !custom {
        entries.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let list: Vec<Value> = entries.into_iter().map(|(_, v)| v).collect();
    let mut out = Map::new();
    out.insert("kind".into(), json!("APIResourceList"));
    // The core group's list has no apiVersion: a quirk of the real server.
    if !group.is_empty() {
        out.insert("apiVersion".into(), json!("v1"));
    }
    out.insert(
        "groupVersion".into(),
        json!(if group.is_empty() {
            version.to_owned()
        } else {
            format!("{group}/{version}")
        }),
    );
    out.insert("resources".into(), Value::Array(list));
    Some(Value::Object(out))
}

#[cfg(test)]
mod tests;
