//! Legacy (unaggregated) discovery documents: what `/api`, `/apis`, `/apis/{group}` and
//! `/apis/{group}/{version}` return.

use serde::{Deserialize, Serialize};

/// A resource served in a group version (Go `APIResource`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiResource {
    /// Plural name of the resource, or `resource/subresource`.
    #[serde(default)]
    pub name: String,
    /// Singular name of the resource; empty for subresources.
    #[serde(default)]
    pub singular_name: String,
    /// Whether the resource is namespaced.
    #[serde(default)]
    pub namespaced: bool,
    /// Preferred group of the resource, when it differs from the list's (subresources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Preferred version of the resource, when it differs from the list's (subresources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Kind of the resource, such as `Deployment`.
    #[serde(default)]
    pub kind: String,
    /// Supported verbs: get, list, watch, create, update, patch, delete, deletecollection…
    #[serde(default)]
    pub verbs: Vec<String>,
    /// Short names kubectl accepts, such as `deploy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_names: Option<Vec<String>>,
    /// Categories the resource belongs to, such as `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// Opaque hash of the storage version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_version_hash: Option<String>,
}

/// The resources of one group version, from `/api/v1` or `/apis/{group}/{version}`
/// (Go `APIResourceList`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiResourceList {
    /// Kind of this object: `APIResourceList`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// API version of this object: `v1` (absent on `/api/v1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The group and version the resources belong to, such as `apps/v1`.
    #[serde(default)]
    pub group_version: String,
    /// The resources.
    #[serde(default)]
    pub resources: Vec<ApiResource>,
}

/// An API group and its versions, from `/apis/{group}` (Go `APIGroup`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiGroup {
    /// Kind of this object: `APIGroup`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// API version of this object: `v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Name of the group.
    #[serde(default)]
    pub name: String,
    /// Versions served in this group.
    #[serde(default)]
    pub versions: Vec<GroupVersionForDiscovery>,
    /// Version preferred by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_version: Option<GroupVersionForDiscovery>,
    /// Server addresses to use by client network (CIDR).
    #[serde(
        default,
        rename = "serverAddressByClientCIDRs",
        skip_serializing_if = "Option::is_none"
    )]
    pub server_address_by_client_cidrs: Option<Vec<ServerAddressByClientCidr>>,
}

/// All API groups, from `/apis` (Go `APIGroupList`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiGroupList {
    /// Kind of this object: `APIGroupList`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// API version of this object: `v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The groups.
    #[serde(default)]
    pub groups: Vec<ApiGroup>,
}

/// The versions of the legacy core group, from `/api` (Go `APIVersions`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiVersions {
    /// Kind of this object: `APIVersions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// API version of this object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Available API versions, such as `v1`.
    #[serde(default)]
    pub versions: Vec<String>,
    /// Server addresses to use by client network (CIDR).
    #[serde(default, rename = "serverAddressByClientCIDRs")]
    pub server_address_by_client_cidrs: Vec<ServerAddressByClientCidr>,
}

/// A group version as listed in discovery: `groupVersion` (`apps/v1`) and `version` (`v1`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupVersionForDiscovery {
    /// The group and version, `group/version`.
    #[serde(default)]
    pub group_version: String,
    /// The version alone.
    #[serde(default)]
    pub version: String,
}

/// The server address clients in a network should use (Go `ServerAddressByClientCIDR`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerAddressByClientCidr {
    /// CIDR of the clients this address is for.
    #[serde(default, rename = "clientCIDR")]
    pub client_cidr: String,
    /// Address of the server: hostname, hostname:port, IP or IP:port.
    #[serde(default)]
    pub server_address: String,
}

/// The Go spelling of [`ServerAddressByClientCidr`].
pub type ServerAddressByClientCIDR = ServerAddressByClientCidr;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_round_trip() {
        let text = r#"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1:6443"}]}"#;
        let versions: ApiVersions = serde_json::from_str(text).unwrap();
        assert_eq!(
            versions.server_address_by_client_cidrs[0].client_cidr,
            "0.0.0.0/0"
        );
        assert_eq!(serde_json::to_string(&versions).unwrap(), text);
    }

    #[test]
    fn resource_list_round_trip() {
        let text = r#"{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[{"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get","patch","update"]},{"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["get"],"shortNames":["deploy"],"categories":["all"],"storageVersionHash":"8aSe+NMegvE="}]}"#;
        let list: ApiResourceList = serde_json::from_str(text).unwrap();
        assert_eq!(list.resources[0].group.as_deref(), Some("autoscaling"));
        assert_eq!(serde_json::to_string(&list).unwrap(), text);
    }
}
