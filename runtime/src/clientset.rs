//! What generated clientsets are made of: [`ResourceClient`], a typed client
//! for one resource that offers exactly the operations the resource supports,
//! and the [`verbs`] traits through which generated code says which those are.
//!
//! client-go's generated clients have a method per verb the API lists; here
//! the generated code stays a handful of one-line impls per kind
//! (`impl kubegen::clientset::verbs::Get for Deployment {}`), and the methods
//! live once in [`ResourceClient`], available only where the kind implements
//! the verb's trait: there is no `update_status` on a kind without a status
//! subresource, at compile time.
//!
//! ```no_run
//! # use kubegen::{Metadata, ObjectMeta, Resource, Scope};
//! # #[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
//! # struct ConfigMap { metadata: ObjectMeta }
//! # impl Metadata for ConfigMap {
//! #     fn metadata(&self) -> &ObjectMeta { &self.metadata }
//! #     fn metadata_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
//! # }
//! # impl Resource for ConfigMap {
//! #     const GROUP: &'static str = ""; const VERSION: &'static str = "v1";
//! #     const API_VERSION: &'static str = "v1"; const KIND: &'static str = "ConfigMap";
//! #     const LIST_KIND: &'static str = "ConfigMapList"; const PLURAL: &'static str = "configmaps";
//! #     const SINGULAR: &'static str = "configmap"; const SCOPE: Scope = Scope::Namespaced;
//! #     const SHORT_NAMES: &'static [&'static str] = &["cm"];
//! #     const CATEGORIES: &'static [&'static str] = &[];
//! # }
//! # impl kubegen::clientset::verbs::Get for ConfigMap {}
//! # async fn run(client: kubegen::Client) -> kubegen::Result<()> {
//! use kubegen::clientset::ResourceClient;
//! // Generated clientsets hand these out: `clientset.core_v1().config_maps("default")`.
//! let config_maps = ResourceClient::<ConfigMap>::namespaced(client, "default");
//! let settings = config_maps.get("settings").await?;
//! # Ok(())
//! # }
//! ```

use either::Either;
use futures_util::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Client;
use crate::api::{
    Api, DeleteParams, GetParams, ListParams, Patch, PatchParams, PostParams, Scale, WatchEvent,
    WatchParams,
};
use crate::client::Result;
use crate::meta::v1::Status;
use crate::resource::{ObjectList, Resource};

/// The operations a resource supports, one marker trait each; generated code
/// implements those the API lists for the kind.
pub mod verbs {
    use crate::resource::Resource;

    /// `get`.
    pub trait Get: Resource {}
    /// `list`.
    pub trait List: Resource {}
    /// `watch`.
    pub trait Watch: Resource {}
    /// `create`.
    pub trait Create: Resource {}
    /// `update` (PUT).
    pub trait Update: Resource {}
    /// `patch`.
    pub trait Patch: Resource {}
    /// `delete`.
    pub trait Delete: Resource {}
    /// `deletecollection`.
    pub trait DeleteCollection: Resource {}
    /// The `status` subresource.
    pub trait Status: Resource {}
    /// The `scale` subresource.
    pub trait Scale: Resource {}
}

/// A typed client for one resource, in one namespace or cluster-wide: client-go's
/// `clientset.AppsV1().Deployments(ns)`. Wraps an [`Api`]; [`ResourceClient::api`] gives
/// it back for anything beyond the resource's declared verbs.
#[derive(Clone, Debug)]
pub struct ResourceClient<K> {
    api: Api<K>,
}

impl<K: Resource> ResourceClient<K> {
    /// A client for a namespaced resource in `namespace`; `""` means all namespaces
    /// (client-go's `metav1.NamespaceAll`), for list and watch.
    pub fn namespaced(client: Client, namespace: &str) -> Self {
        let api = if namespace.is_empty() {
            Api::all(client)
        } else {
            Api::namespaced(client, namespace)
        };
        ResourceClient { api }
    }

    /// A client for a cluster-scoped resource (or a namespaced one across all namespaces).
    pub fn cluster(client: Client) -> Self {
        ResourceClient {
            api: Api::all(client),
        }
    }

    /// The untyped-verb [`Api`] underneath.
    pub fn api(&self) -> &Api<K> {
        &self.api
    }
}

impl<K: Resource> ResourceClient<K> {
    /// Gets an object by name.
    pub async fn get(&self, name: &str) -> Result<K>
    where
        K: verbs::Get,
    {
        self.api.get(name).await
    }

    /// Gets an object with options (`resourceVersion`).
    pub async fn get_with(&self, name: &str, gp: &GetParams) -> Result<K>
    where
        K: verbs::Get,
    {
        self.api.get_with(name, gp).await
    }

    /// Gets an object, `None` when it does not exist.
    pub async fn get_opt(&self, name: &str) -> Result<Option<K>>
    where
        K: verbs::Get,
    {
        self.api.get_opt(name).await
    }

    /// Lists one page of objects.
    pub async fn list(&self, lp: &ListParams) -> Result<ObjectList<K>>
    where
        K: verbs::List,
    {
        self.api.list(lp).await
    }

    /// Lists every object, following `continue` tokens page by page.
    pub async fn list_all(&self, lp: &ListParams) -> Result<ObjectList<K>>
    where
        K: verbs::List,
    {
        self.api.list_all(lp).await
    }

    /// Watches for changes after `resource_version`; see [`Api::watch`].
    pub async fn watch(
        &self,
        wp: &WatchParams,
        resource_version: &str,
    ) -> Result<impl Stream<Item = Result<WatchEvent<K>>> + Send + 'static + use<K>>
    where
        K: verbs::Watch,
    {
        self.api.watch(wp, resource_version).await
    }

    /// Creates an object.
    pub async fn create(&self, pp: &PostParams, object: &K) -> Result<K>
    where
        K: verbs::Create,
    {
        self.api.create(pp, object).await
    }

    /// Replaces an object (PUT; client-go's `Update`).
    pub async fn update(&self, pp: &PostParams, object: &K) -> Result<K>
    where
        K: verbs::Update,
    {
        let name = object.metadata().name.clone().unwrap_or_default();
        self.api.replace(&name, pp, object).await
    }

    /// Patches an object (merge, JSON, strategic or server-side apply).
    pub async fn patch<P: Serialize>(
        &self,
        name: &str,
        pp: &PatchParams,
        patch: &Patch<P>,
    ) -> Result<K>
    where
        K: verbs::Patch,
    {
        self.api.patch(name, pp, patch).await
    }

    /// Deletes an object: `Left` while its deletion is pending, `Right` once it is gone.
    pub async fn delete(&self, name: &str, dp: &DeleteParams) -> Result<Either<K, Status>>
    where
        K: verbs::Delete,
    {
        self.api.delete(name, dp).await
    }

    /// Deletes every object matching `lp`.
    pub async fn delete_collection(
        &self,
        dp: &DeleteParams,
        lp: &ListParams,
    ) -> Result<Either<ObjectList<K>, Status>>
    where
        K: verbs::DeleteCollection,
    {
        self.api.delete_collection(dp, lp).await
    }

    /// Gets an object through its `status` subresource.
    pub async fn get_status(&self, name: &str) -> Result<K>
    where
        K: verbs::Status,
    {
        self.api.get_status(name).await
    }

    /// Replaces the status (client-go's `UpdateStatus`).
    pub async fn update_status(&self, pp: &PostParams, object: &K) -> Result<K>
    where
        K: verbs::Status,
    {
        let name = object.metadata().name.clone().unwrap_or_default();
        self.api.replace_status(&name, pp, object).await
    }

    /// Patches the status.
    pub async fn patch_status<P: Serialize>(
        &self,
        name: &str,
        pp: &PatchParams,
        patch: &Patch<P>,
    ) -> Result<K>
    where
        K: verbs::Status,
    {
        self.api.patch_status(name, pp, patch).await
    }

    /// Gets the `scale` subresource.
    pub async fn get_scale(&self, name: &str) -> Result<Scale>
    where
        K: verbs::Scale,
    {
        self.api.get_scale(name).await
    }

    /// Replaces the `scale` subresource (client-go's `UpdateScale`).
    pub async fn update_scale(&self, name: &str, pp: &PostParams, scale: &Scale) -> Result<Scale>
    where
        K: verbs::Scale,
    {
        self.api.replace_scale(name, pp, scale).await
    }

    /// Patches the `scale` subresource.
    pub async fn patch_scale<P: Serialize>(
        &self,
        name: &str,
        pp: &PatchParams,
        patch: &Patch<P>,
    ) -> Result<Scale>
    where
        K: verbs::Scale,
    {
        self.api.patch_scale(name, pp, patch).await
    }

    /// Gets any other subresource (`pods/log` as text is on [`Api`]), decoded as `T`.
    pub async fn get_subresource<T: DeserializeOwned>(
        &self,
        subresource: &str,
        name: &str,
    ) -> Result<T> {
        self.api.get_subresource(subresource, name).await
    }
}

/// The clients and informers of one group-version, as generated crates
/// declare them: one line per kind, naming its accessor, plural, scope, type,
/// verbs (and subresources), and `informer` when it can be listed and watched.
///
/// ```text
/// kubegen::group_version_clients! {
///     AppsV1Client, AppsV1Informers, "apps/v1" {
///         deployments: "deployments" namespaced super::apps::v1::Deployment [get list watch status scale] informer,
///     }
/// }
/// ```
///
/// Expands to the two accessor structs (`AppsV1Client::deployments(ns)` →
/// [`ResourceClient`], `AppsV1Informers::deployments()` →
/// [`crate::cache::ResourceInformer`]) and the [`verbs`] impls of each kind.
#[macro_export]
macro_rules! group_version_clients {
    (
        $client:ident, $informers:ident, $gv:literal {
            $( $method:ident : $plural:literal $scope:ident $ty:path [ $( $verb:ident )* ] $( $informer:ident )? ),* $(,)?
        }
    ) => {
        #[doc = concat!("Clients of the kinds of `", $gv, "`.")]
        #[derive(Clone, Debug)]
        pub struct $client {
            client: $crate::Client,
        }

        impl $client {
            /// The clients of this group-version over `client`.
            pub fn new(client: $crate::Client) -> Self {
                Self { client }
            }

            $( $crate::group_version_clients!(@client $method $plural $scope $ty); )*
        }

        #[doc = concat!("Shared informers of the kinds of `", $gv, "`.")]
        #[derive(Clone, Debug)]
        pub struct $informers {
            factory: $crate::cache::SharedInformerFactory,
        }

        impl $informers {
            /// The informers of this group-version from `factory`.
            pub fn new(factory: $crate::cache::SharedInformerFactory) -> Self {
                Self { factory }
            }

            $( $( $crate::group_version_clients!(@informer $informer $method $plural $ty); )? )*
        }

        $( $( $crate::group_version_clients!(@verb $verb $ty); )* )*
    };

    (@client $method:ident $plural:literal namespaced $ty:path) => {
        #[doc = concat!("`", $plural, "` in `namespace` (`\"\"`: all namespaces, for list and watch).")]
        pub fn $method(&self, namespace: &str) -> $crate::clientset::ResourceClient<$ty> {
            $crate::clientset::ResourceClient::namespaced(self.client.clone(), namespace)
        }
    };
    (@client $method:ident $plural:literal cluster $ty:path) => {
        #[doc = concat!("`", $plural, "` (cluster-scoped).")]
        pub fn $method(&self) -> $crate::clientset::ResourceClient<$ty> {
            $crate::clientset::ResourceClient::cluster(self.client.clone())
        }
    };
    (@informer informer $method:ident $plural:literal $ty:path) => {
        #[doc = concat!("The shared informer of `", $plural, "`.")]
        pub fn $method(&self) -> $crate::cache::ResourceInformer<$ty> {
            $crate::cache::ResourceInformer::new(self.factory.informer_for::<$ty>())
        }
    };
    (@verb get $ty:path) => { impl $crate::clientset::verbs::Get for $ty {} };
    (@verb list $ty:path) => { impl $crate::clientset::verbs::List for $ty {} };
    (@verb watch $ty:path) => { impl $crate::clientset::verbs::Watch for $ty {} };
    (@verb create $ty:path) => { impl $crate::clientset::verbs::Create for $ty {} };
    (@verb update $ty:path) => { impl $crate::clientset::verbs::Update for $ty {} };
    (@verb patch $ty:path) => { impl $crate::clientset::verbs::Patch for $ty {} };
    (@verb delete $ty:path) => { impl $crate::clientset::verbs::Delete for $ty {} };
    (@verb deletecollection $ty:path) => { impl $crate::clientset::verbs::DeleteCollection for $ty {} };
    (@verb status $ty:path) => { impl $crate::clientset::verbs::Status for $ty {} };
    (@verb scale $ty:path) => { impl $crate::clientset::verbs::Scale for $ty {} };
}
