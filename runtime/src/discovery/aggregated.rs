//! Aggregated discovery documents (`apidiscovery.k8s.io/v2`, and the identical `v2beta1`):
//! every group, version and resource in one response from `/api` and one from `/apis`.

use serde::{Deserialize, Serialize};

use crate::meta::v1::{ListMeta, ObjectMeta};

/// The `Accept` header that asks for aggregated discovery and falls back to the legacy
/// documents: what kubectl 1.32 sends.
pub const ACCEPT_AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

/// Whether a response `Content-Type` is an aggregated discovery document.
pub(crate) fn is_aggregated(content_type: &str) -> bool {
    content_type
        .split([';', ','])
        .any(|p| p.trim() == "as=APIGroupDiscoveryList")
        && content_type.contains("g=apidiscovery.k8s.io")
}

/// `APIGroupDiscoveryList`: all groups of `/api` (just the core group) or of `/apis`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiGroupDiscoveryList {
    /// `APIGroupDiscoveryList`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `apidiscovery.k8s.io/v2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// List metadata.
    #[serde(default)]
    pub metadata: ListMeta,
    /// The groups, in priority order.
    #[serde(default)]
    pub items: Vec<ApiGroupDiscovery>,
}

/// One group; `metadata.name` is the group (empty for the core group).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiGroupDiscovery {
    /// `name` is the group name.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The versions, preferred first.
    #[serde(default)]
    pub versions: Vec<ApiVersionDiscovery>,
}

/// One version of a group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiVersionDiscovery {
    /// The version, such as `v1`.
    #[serde(default)]
    pub version: String,
    /// The resources.
    #[serde(default)]
    pub resources: Vec<ApiResourceDiscovery>,
    /// `Current`, or `Stale` when an aggregated API server could not be reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freshness: Option<String>,
}

/// A group, version and kind in a discovery document; empty group and version mean those of
/// the enclosing group version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveryKind {
    /// Group.
    #[serde(default)]
    pub group: String,
    /// Version.
    #[serde(default)]
    pub version: String,
    /// Kind.
    #[serde(default)]
    pub kind: String,
}

/// One resource.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiResourceDiscovery {
    /// Plural name.
    #[serde(default)]
    pub resource: String,
    /// The kind returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_kind: Option<DiscoveryKind>,
    /// `Namespaced` or `Cluster`.
    #[serde(default)]
    pub scope: String,
    /// Singular name.
    #[serde(default)]
    pub singular_resource: String,
    /// Verbs.
    #[serde(default)]
    pub verbs: Vec<String>,
    /// Short names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_names: Option<Vec<String>>,
    /// Categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// Subresources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subresources: Option<Vec<ApiSubresourceDiscovery>>,
}

/// One subresource.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiSubresourceDiscovery {
    /// Name, such as `status` or `scale`.
    #[serde(default)]
    pub subresource: String,
    /// The kind returned (`autoscaling/v1` `Scale` for `scale`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_kind: Option<DiscoveryKind>,
    /// Media types accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_types: Option<Vec<DiscoveryKind>>,
    /// Verbs.
    #[serde(default)]
    pub verbs: Vec<String>,
}
