//! The [`Resource`] trait implemented by every generated top-level kind, its identifiers
//! ([`GroupVersionKind`], [`GroupVersionResource`], [`GroupVersion`]) and [`ObjectList`].

pub mod embedded;
mod gvk;
mod list;

pub use gvk::{GroupVersion, GroupVersionKind, GroupVersionResource, ParseGroupVersionError};
pub use list::ObjectList;

use crate::meta::v1::ObjectMeta;

/// Whether objects of a kind live in a namespace or at cluster level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Objects live in a namespace (`/namespaces/{ns}/{plural}/{name}`).
    Namespaced,
    /// Objects are cluster-wide (`/{plural}/{name}`).
    Cluster,
}

/// Access to the standard object metadata of an API object.
pub trait Metadata {
    /// The object's metadata.
    fn metadata(&self) -> &ObjectMeta;
    /// The object's metadata, mutably.
    fn metadata_mut(&mut self) -> &mut ObjectMeta;
}

/// A top-level API kind that can be read and written through the REST API.
///
/// Generated code implements it for every kind; the constants are what a client needs to
/// build URLs and to fill in `apiVersion` and `kind`.
pub trait Resource:
    Metadata
    + serde::Serialize
    + serde::de::DeserializeOwned
    + Clone
    + std::fmt::Debug
    + Send
    + Sync
    + 'static
{
    /// API group, `""` for the core group.
    const GROUP: &'static str;
    /// API version within the group, such as `"v1"`.
    const VERSION: &'static str;
    /// The `apiVersion` field value: `"v1"` for the core group, `"apps/v1"` otherwise.
    const API_VERSION: &'static str;
    /// The `kind` field value, such as `"Deployment"`.
    const KIND: &'static str;
    /// The kind of the list type, usually `KIND` followed by `List`.
    const LIST_KIND: &'static str;
    /// Lower-case plural name used in URLs, such as `"deployments"`.
    const PLURAL: &'static str;
    /// Lower-case singular name, such as `"deployment"`.
    const SINGULAR: &'static str;
    /// Whether objects are namespaced.
    const SCOPE: Scope;
    /// Short names accepted by kubectl, such as `["deploy"]`.
    const SHORT_NAMES: &'static [&'static str];
    /// Categories the resource belongs to, such as `["all"]`.
    const CATEGORIES: &'static [&'static str];
    /// Whether items of this kind's lists carry `apiVersion` and `kind` on
    /// the wire. The API server writes them for custom resources and leaves
    /// them out for built-in kinds; [`ObjectList`] does the same.
    const TYPED_LIST_ITEMS: bool = true;

    /// The group, version and kind of this type.
    fn gvk() -> GroupVersionKind {
        GroupVersionKind::new(Self::GROUP, Self::VERSION, Self::KIND)
    }

    /// The group, version and plural resource name of this type.
    fn gvr() -> GroupVersionResource {
        GroupVersionResource::new(Self::GROUP, Self::VERSION, Self::PLURAL)
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! A hand-written resource shaped like generated code, for tests in this crate.

    use super::*;
    use serde::{Deserialize, Serialize};

    /// A minimal ConfigMap.
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ConfigMap {
        #[serde(default, skip_serializing_if = "String::is_empty")]
        pub api_version: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        pub kind: String,
        #[serde(default)]
        pub metadata: ObjectMeta,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub data: Option<std::collections::BTreeMap<String, String>>,
    }

    impl Metadata for ConfigMap {
        fn metadata(&self) -> &ObjectMeta {
            &self.metadata
        }
        fn metadata_mut(&mut self) -> &mut ObjectMeta {
            &mut self.metadata
        }
    }

    impl Resource for ConfigMap {
        const GROUP: &'static str = "";
        const VERSION: &'static str = "v1";
        const API_VERSION: &'static str = "v1";
        const KIND: &'static str = "ConfigMap";
        const LIST_KIND: &'static str = "ConfigMapList";
        const PLURAL: &'static str = "configmaps";
        const SINGULAR: &'static str = "configmap";
        const SCOPE: Scope = Scope::Namespaced;
        const SHORT_NAMES: &'static [&'static str] = &["cm"];
        const CATEGORIES: &'static [&'static str] = &[];
    }

    /// A Deployment with just enough of a spec to exercise error paths.
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Deployment {
        #[serde(default)]
        pub metadata: ObjectMeta,
        #[serde(default)]
        pub spec: DeploymentSpec,
    }

    /// The part of a Deployment spec the tests need.
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DeploymentSpec {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub replicas: Option<i32>,
        #[serde(default)]
        pub containers: Vec<Container>,
    }

    /// A container with ports.
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Container {
        pub name: String,
        #[serde(default)]
        pub ports: Vec<ContainerPort>,
    }

    /// A container port.
    #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ContainerPort {
        pub container_port: i32,
    }

    impl Metadata for Deployment {
        fn metadata(&self) -> &ObjectMeta {
            &self.metadata
        }
        fn metadata_mut(&mut self) -> &mut ObjectMeta {
            &mut self.metadata
        }
    }

    impl Resource for Deployment {
        const GROUP: &'static str = "apps";
        const VERSION: &'static str = "v1";
        const API_VERSION: &'static str = "apps/v1";
        const KIND: &'static str = "Deployment";
        const LIST_KIND: &'static str = "DeploymentList";
        const PLURAL: &'static str = "deployments";
        const SINGULAR: &'static str = "deployment";
        const SCOPE: Scope = Scope::Namespaced;
        const SHORT_NAMES: &'static [&'static str] = &["deploy"];
        const CATEGORIES: &'static [&'static str] = &["all"];
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{ConfigMap, Deployment};
    use super::*;

    #[test]
    fn provided_identifiers() {
        assert_eq!(
            ConfigMap::gvk(),
            GroupVersionKind::new("", "v1", "ConfigMap")
        );
        assert_eq!(
            Deployment::gvr(),
            GroupVersionResource::new("apps", "v1", "deployments")
        );
        assert_eq!(Deployment::gvk().api_version(), Deployment::API_VERSION);
        assert_eq!(ConfigMap::gvk().api_version(), ConfigMap::API_VERSION);
    }

    #[test]
    fn metadata_access() {
        let mut cm = ConfigMap::default();
        cm.metadata_mut().name = Some("a".into());
        assert_eq!(cm.metadata().name.as_deref(), Some("a"));
    }
}
