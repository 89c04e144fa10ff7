//! Aggregated discovery: `/api` and `/apis` answered as an
//! `apidiscovery.k8s.io/v2` (or `v2beta1`) `APIGroupDiscoveryList` when the
//! Accept header asks for it, as kubectl ≥ 1.30 does.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::{ServedGroup, hash, served_groups, subresources, verbs};
use crate::registry::ResourceInfo;
use crate::table::media::{self, MediaRange};

/// The version of `APIGroupDiscoveryList` a client asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggregatedVersion {
    /// `apidiscovery.k8s.io/v2`.
    V2,
    /// `apidiscovery.k8s.io/v2beta1` (clients before 1.30).
    V2Beta1,
}

impl AggregatedVersion {
    /// `v2` or `v2beta1`.
    pub fn version(self) -> &'static str {
        match self {
            AggregatedVersion::V2 => "v2",
            AggregatedVersion::V2Beta1 => "v2beta1",
        }
    }

    /// The `Content-Type` of the response.
    pub fn content_type(self) -> String {
        format!(
            "application/json;g=apidiscovery.k8s.io;v={};as=APIGroupDiscoveryList",
            self.version()
        )
    }
}

/// Which aggregated form the Accept header asks for; `None` when the first
/// acceptable media range is plain JSON (legacy discovery).
///
/// As the real server does, the ranges are tried in preference order and
/// the first one the discovery endpoint can serve wins. Protobuf ranges are
/// skipped: this server speaks JSON (and YAML) only.
pub fn aggregated_version(accept: &str) -> Option<AggregatedVersion> {
    for range in media::parse_accept(accept) {
        if !range.matches("application", "json") {
            continue;
        }
        match aggregated_target(&range) {
            Target::Aggregated(version) => return Some(version),
            Target::Legacy => return None,
            Target::Unservable => continue,
        }
    }
    None
}

enum Target {
    Aggregated(AggregatedVersion),
    Legacy,
    Unservable,
}

fn aggregated_target(range: &MediaRange) -> Target {
    let (Some(kind), group, version) = (range.param("as"), range.param("g"), range.param("v"))
    else {
        // No conversion asked for: any g/v alone is ignored, as the server does.
        return Target::Legacy;
    };
    if kind != "APIGroupDiscoveryList" || group != Some("apidiscovery.k8s.io") {
        return Target::Unservable;
    }
    match version {
        Some("v2") => Target::Aggregated(AggregatedVersion::V2),
        Some("v2beta1") => Target::Aggregated(AggregatedVersion::V2Beta1),
        _ => Target::Unservable,
    }
}

/// Aggregated discovery of the core group (`core == true`, `/api`) or of
/// every named group (`/apis`): the body in the version `accept` asks for and
/// its `ETag` header value (quoted; the same for both versions, so a client
/// can answer `If-None-Match` with 304 whichever it asked). `None` when the
/// Accept header does not ask for aggregated discovery.
pub fn aggregated(
    resources: &[Arc<ResourceInfo>],
    core: bool,
    accept: &str,
) -> Option<(Value, String)> {
    let version = aggregated_version(accept)?;
    let items: Vec<Value> = if core {
        let core_group = ServedGroup {
            name: String::new(),
            versions: vec!["v1".to_owned()],
        };
        vec![group_discovery(resources, &core_group)]
    } else {
        served_groups(resources)
            .iter()
            .map(|group| group_discovery(resources, group))
            .collect()
    };
    let body = |api_version: &str| {
        json!({
            "kind": "APIGroupDiscoveryList",
            "apiVersion": format!("apidiscovery.k8s.io/{api_version}"),
            "metadata": {},
            "items": items,
        })
    };
    let v2 = body("v2");
    let etag = format!("\"{}\"", hash::json_hash(&v2));
    let out = match version {
        AggregatedVersion::V2 => v2,
        AggregatedVersion::V2Beta1 => body("v2beta1"),
    };
    Some((out, etag))
}

fn group_discovery(resources: &[Arc<ResourceInfo>], group: &ServedGroup) -> Value {
    let mut metadata = Map::new();
    if !group.name.is_empty() {
        metadata.insert("name".into(), json!(group.name));
    }
    metadata.insert("creationTimestamp".into(), Value::Null);
    let versions: Vec<Value> = group
        .versions
        .iter()
        .map(|version| {
            let mut list: Vec<&Arc<ResourceInfo>> =
                super::resources_of(resources, &group.name, version).collect();
            if list.iter().all(|r| !r.custom) {
                list.sort_by(|a, b| a.plural.cmp(&b.plural));
            }
            let entries: Vec<Value> = list.into_iter().map(|r| resource_discovery(r)).collect();
            json!({"version": version, "resources": entries, "freshness": "Current"})
        })
        .collect();
    json!({"metadata": metadata, "versions": versions})
}

/// `responseKind`: built-in kinds leave group and version empty (meaning
/// "this group-version"); the apiextensions server spells them out.
fn response_kind(
    resource: &ResourceInfo,
    group_version: Option<(&str, &str)>,
    kind: &str,
) -> Value {
    let (group, version) = match group_version {
        Some(gv) => gv,
        None if resource.custom => (resource.group.as_str(), resource.version.as_str()),
        None => ("", ""),
    };
    json!({"group": group, "version": version, "kind": kind})
}

fn resource_discovery(resource: &ResourceInfo) -> Value {
    let mut out = Map::new();
    out.insert("resource".into(), json!(resource.plural));
    out.insert(
        "responseKind".into(),
        response_kind(resource, None, &resource.kind),
    );
    out.insert(
        "scope".into(),
        json!(if resource.namespaced {
            "Namespaced"
        } else {
            "Cluster"
        }),
    );
    out.insert("singularResource".into(), json!(resource.singular));
    out.insert("verbs".into(), json!(verbs(resource)));
    if !resource.short_names.is_empty() {
        out.insert("shortNames".into(), json!(resource.short_names));
    }
    if !resource.categories.is_empty() {
        out.insert("categories".into(), json!(resource.categories));
    }
    let subs: Vec<Value> = subresources(resource)
        .iter()
        .map(|sub| {
            json!({
                "subresource": sub.name,
                "responseKind": response_kind(resource, sub.group_version, &sub.kind),
                "verbs": sub.verbs,
            })
        })
        .collect();
    if !subs.is_empty() {
        out.insert("subresources".into(), Value::Array(subs));
    }
    Value::Object(out)
}
