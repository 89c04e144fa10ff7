//! Hand-written resources shaped like generated code (generated crates provide the real ones).

use std::collections::BTreeMap;

use kubegen::{Metadata, ObjectMeta, Resource, Scope};
use serde::{Deserialize, Serialize};
use serde_json::Value;

macro_rules! resource {
    ($name:ident, $group:literal, $version:literal, $api_version:literal, $plural:literal, $singular:literal, $scope:expr, $short:expr) => {
        impl Metadata for $name {
            fn metadata(&self) -> &ObjectMeta {
                &self.metadata
            }
            fn metadata_mut(&mut self) -> &mut ObjectMeta {
                &mut self.metadata
            }
        }

        impl Resource for $name {
            const GROUP: &'static str = $group;
            const VERSION: &'static str = $version;
            const API_VERSION: &'static str = $api_version;
            const KIND: &'static str = stringify!($name);
            const LIST_KIND: &'static str = concat!(stringify!($name), "List");
            const PLURAL: &'static str = $plural;
            const SINGULAR: &'static str = $singular;
            const SCOPE: Scope = $scope;
            const SHORT_NAMES: &'static [&'static str] = $short;
            const CATEGORIES: &'static [&'static str] = &[];
        }
    };
}

/// core/v1 ConfigMap.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigMap {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
}
resource!(
    ConfigMap,
    "",
    "v1",
    "v1",
    "configmaps",
    "configmap",
    Scope::Namespaced,
    &["cm"]
);

impl ConfigMap {
    pub fn named(name: &str) -> ConfigMap {
        ConfigMap {
            metadata: ObjectMeta {
                name: Some(name.into()),
                ..ObjectMeta::default()
            },
            ..ConfigMap::default()
        }
    }
}

/// apps/v1 Deployment, with spec and status kept as JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Value>,
}
resource!(
    Deployment,
    "apps",
    "v1",
    "apps/v1",
    "deployments",
    "deployment",
    Scope::Namespaced,
    &["deploy"]
);

/// core/v1 Namespace (cluster-scoped).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Namespace {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Value>,
}
resource!(
    Namespace,
    "",
    "v1",
    "v1",
    "namespaces",
    "namespace",
    Scope::Cluster,
    &["ns"]
);

/// core/v1 Pod (spec and status as JSON).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pod {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Value>,
}
resource!(
    Pod,
    "",
    "v1",
    "v1",
    "pods",
    "pod",
    Scope::Namespaced,
    &["po"]
);
