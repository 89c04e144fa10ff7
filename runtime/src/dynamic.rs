//! The dynamic client: untyped objects ([`DynamicObject`]) of any resource, addressed by a
//! [`ResourceDescriptor`] (group, version, kind, plural, scope), with every verb of the typed
//! [`crate::Api`].
//!
//! A descriptor comes from a [`crate::Resource`] type, from discovery, or from the REST
//! mapper ([`crate::restmapper::RestMapper::mapping`]).

use either::Either;
use futures_util::Stream;
use serde::{Deserialize, Serialize};

use crate::api::{
    DeleteParams, GetParams, ListParams, Patch, PatchParams, PostParams, Target, WatchEvent,
    WatchParams,
};
use crate::client::{Client, Result};
use crate::meta::v1::{ListMeta, ObjectMeta, Status, TypeMeta};
use crate::resource::{GroupVersionKind, GroupVersionResource, Metadata, Resource, Scope};

/// What the dynamic client needs to know about a resource: where it is served (group,
/// version, plural), its kind, and whether it is namespaced.
///
/// (Named to not clash with the discovery document [`crate::meta::v1::ApiResource`].)
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ResourceDescriptor {
    /// API group, `""` for the core group.
    pub group: String,
    /// Version.
    pub version: String,
    /// `apiVersion`: `version` or `group/version`.
    pub api_version: String,
    /// Kind, such as `Deployment`.
    pub kind: String,
    /// Plural resource name used in URLs, such as `deployments`.
    pub plural: String,
    /// Namespaced or cluster-scoped.
    pub scope: Scope,
}

impl ResourceDescriptor {
    /// The descriptor of a typed resource.
    pub fn of<K: Resource>() -> Self {
        ResourceDescriptor {
            group: K::GROUP.into(),
            version: K::VERSION.into(),
            api_version: K::API_VERSION.into(),
            kind: K::KIND.into(),
            plural: K::PLURAL.into(),
            scope: K::SCOPE,
        }
    }

    /// A descriptor from a kind, its plural and its scope.
    pub fn from_gvk(gvk: &GroupVersionKind, plural: &str, scope: Scope) -> Self {
        ResourceDescriptor {
            group: gvk.group.clone(),
            version: gvk.version.clone(),
            api_version: gvk.api_version(),
            kind: gvk.kind.clone(),
            plural: plural.into(),
            scope,
        }
    }

    /// The group, version and kind.
    pub fn gvk(&self) -> GroupVersionKind {
        GroupVersionKind::new(&self.group, &self.version, &self.kind)
    }

    /// The group, version and plural resource.
    pub fn gvr(&self) -> GroupVersionResource {
        GroupVersionResource::new(&self.group, &self.version, &self.plural)
    }
}

/// An object of any kind: `apiVersion` and `kind`, typed metadata, and everything else as
/// JSON (`spec`, `status`, `data`…) in `data`, flattened on the wire.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DynamicObject {
    /// `apiVersion` and `kind`.
    #[serde(flatten, default)]
    pub types: Option<TypeMeta>,
    /// Standard object metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// All other fields.
    #[serde(flatten, default)]
    pub data: serde_json::Value,
}

impl DynamicObject {
    /// A new object of a resource, with a name and no data.
    pub fn new(name: &str, resource: &ResourceDescriptor) -> Self {
        DynamicObject {
            types: Some(TypeMeta {
                api_version: resource.api_version.clone(),
                kind: resource.kind.clone(),
            }),
            metadata: ObjectMeta {
                name: Some(name.to_owned()),
                ..ObjectMeta::default()
            },
            data: serde_json::Value::Object(serde_json::Map::new()),
        }
    }

    /// Sets the namespace.
    pub fn within(mut self, namespace: &str) -> Self {
        self.metadata.namespace = Some(namespace.to_owned());
        self
    }

    /// Sets the other fields (an object such as `{"spec": {…}}`).
    pub fn data(mut self, data: serde_json::Value) -> Self {
        self.data = data;
        self
    }

    /// Decodes into a typed resource.
    pub fn try_parse<K: Resource>(self) -> std::result::Result<K, serde_json::Error> {
        serde_json::from_value(serde_json::to_value(self)?)
    }

    /// Fills in `apiVersion` and `kind` from the descriptor when they are missing.
    fn with_types(&self, resource: &ResourceDescriptor) -> DynamicObject {
        let mut object = self.clone();
        let types = object.types.get_or_insert_with(TypeMeta::default);
        if types.api_version.is_empty() {
            types.api_version = resource.api_version.clone();
        }
        if types.kind.is_empty() {
            types.kind = resource.kind.clone();
        }
        if object.data.is_null() {
            object.data = serde_json::Value::Object(serde_json::Map::new());
        }
        object
    }
}

impl Metadata for DynamicObject {
    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

/// A list of [`DynamicObject`]s.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DynamicObjectList {
    /// `apiVersion` and `kind` of the list.
    #[serde(flatten, default)]
    pub types: Option<TypeMeta>,
    /// List metadata.
    #[serde(default)]
    pub metadata: ListMeta,
    /// The objects.
    #[serde(default)]
    pub items: Vec<DynamicObject>,
}

/// The dynamic API of one resource: [`crate::Api`] for [`DynamicObject`]s.
#[derive(Clone, Debug)]
pub struct DynamicApi {
    client: Client,
    resource: ResourceDescriptor,
    target: Target,
}

impl DynamicApi {
    fn with_namespace(
        client: Client,
        resource: &ResourceDescriptor,
        namespace: Option<String>,
    ) -> Self {
        DynamicApi {
            client,
            target: Target {
                group: resource.group.clone(),
                version: resource.version.clone(),
                plural: resource.plural.clone(),
                namespace,
            },
            resource: resource.clone(),
        }
    }

    /// Objects in a namespace (ignored for a cluster-scoped resource).
    pub fn namespaced(client: Client, namespace: &str, resource: &ResourceDescriptor) -> Self {
        let namespace = (resource.scope == Scope::Namespaced).then(|| namespace.to_owned());
        DynamicApi::with_namespace(client, resource, namespace)
    }

    /// Objects in the client's default namespace.
    pub fn default_namespaced(client: Client, resource: &ResourceDescriptor) -> Self {
        let namespace = client.default_namespace().to_owned();
        DynamicApi::namespaced(client, &namespace, resource)
    }

    /// Objects in all namespaces, or of a cluster-scoped resource.
    pub fn all(client: Client, resource: &ResourceDescriptor) -> Self {
        DynamicApi::with_namespace(client, resource, None)
    }

    /// The resource.
    pub fn resource(&self) -> &ResourceDescriptor {
        &self.resource
    }

    fn list_of(&self, (metadata, items): (ListMeta, Vec<DynamicObject>)) -> DynamicObjectList {
        DynamicObjectList {
            types: Some(TypeMeta {
                api_version: self.resource.api_version.clone(),
                kind: format!("{}List", self.resource.kind),
            }),
            metadata,
            items,
        }
    }

    /// Gets an object.
    pub async fn get(&self, name: &str) -> Result<DynamicObject> {
        self.target.get(&self.client, name, None).await
    }

    /// Gets an object with options (`resourceVersion`).
    pub async fn get_with(&self, name: &str, gp: &GetParams) -> Result<DynamicObject> {
        self.target.get_with(&self.client, name, None, gp).await
    }

    /// Gets an object, or `None` when it does not exist.
    pub async fn get_opt(&self, name: &str) -> Result<Option<DynamicObject>> {
        match self.get(name).await {
            Ok(object) => Ok(Some(object)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Lists objects (one page when `lp.limit` is set).
    pub async fn list(&self, lp: &ListParams) -> Result<DynamicObjectList> {
        Ok(self.list_of(self.target.list(&self.client, lp).await?))
    }

    /// Lists every object, following `continue`.
    pub async fn list_all(&self, lp: &ListParams) -> Result<DynamicObjectList> {
        Ok(self.list_of(self.target.list_all(&self.client, lp).await?))
    }

    /// Creates an object.
    pub async fn create(&self, pp: &PostParams, object: &DynamicObject) -> Result<DynamicObject> {
        self.target
            .create(&self.client, pp, &object.with_types(&self.resource))
            .await
    }

    /// Replaces an object.
    pub async fn replace(
        &self,
        name: &str,
        pp: &PostParams,
        object: &DynamicObject,
    ) -> Result<DynamicObject> {
        self.target
            .replace(
                &self.client,
                name,
                None,
                pp,
                &object.with_types(&self.resource),
            )
            .await
    }

    /// Patches an object.
    pub async fn patch<P: Serialize>(
        &self,
        name: &str,
        pp: &PatchParams,
        patch: &Patch<P>,
    ) -> Result<DynamicObject> {
        self.target.patch(&self.client, name, None, pp, patch).await
    }

    /// Deletes an object: the object when deletion is pending, else the `Status`.
    pub async fn delete(
        &self,
        name: &str,
        dp: &DeleteParams,
    ) -> Result<Either<DynamicObject, Status>> {
        self.target.delete(&self.client, name, dp).await
    }

    /// Deletes every object matching `lp`.
    pub async fn delete_collection(
        &self,
        dp: &DeleteParams,
        lp: &ListParams,
    ) -> Result<Either<DynamicObjectList, Status>> {
        Ok(self
            .target
            .delete_collection(&self.client, dp, lp)
            .await?
            .map_left(|l| self.list_of(l)))
    }

    /// Gets an object through a subresource (`status`, `scale`, …) as untyped JSON.
    pub async fn get_subresource(&self, subresource: &str, name: &str) -> Result<DynamicObject> {
        self.target.get(&self.client, name, Some(subresource)).await
    }

    /// Gets the object through its `status` subresource.
    pub async fn get_status(&self, name: &str) -> Result<DynamicObject> {
        self.get_subresource("status", name).await
    }

    /// Replaces a subresource (`status`, `scale`).
    pub async fn replace_subresource(
        &self,
        subresource: &str,
        name: &str,
        pp: &PostParams,
        object: &DynamicObject,
    ) -> Result<DynamicObject> {
        self.target
            .replace(&self.client, name, Some(subresource), pp, object)
            .await
    }

    /// Replaces the status.
    #[doc(alias = "update_status")]
    pub async fn replace_status(
        &self,
        name: &str,
        pp: &PostParams,
        object: &DynamicObject,
    ) -> Result<DynamicObject> {
        self.replace_subresource("status", name, pp, &object.with_types(&self.resource))
            .await
    }

    /// Patches a subresource (`status`, `scale`).
    pub async fn patch_subresource<P: Serialize>(
        &self,
        subresource: &str,
        name: &str,
        pp: &PatchParams,
        patch: &Patch<P>,
    ) -> Result<DynamicObject> {
        self.target
            .patch(&self.client, name, Some(subresource), pp, patch)
            .await
    }

    /// Patches the status.
    pub async fn patch_status<P: Serialize>(
        &self,
        name: &str,
        pp: &PatchParams,
        patch: &Patch<P>,
    ) -> Result<DynamicObject> {
        self.patch_subresource("status", name, pp, patch).await
    }

    /// Gets the `scale` subresource.
    pub async fn get_scale(&self, name: &str) -> Result<crate::api::Scale> {
        self.target.get(&self.client, name, Some("scale")).await
    }

    /// Replaces the `scale` subresource.
    pub async fn replace_scale(
        &self,
        name: &str,
        pp: &PostParams,
        scale: &crate::api::Scale,
    ) -> Result<crate::api::Scale> {
        self.target
            .replace(&self.client, name, Some("scale"), pp, scale)
            .await
    }

    /// Patches the `scale` subresource.
    pub async fn patch_scale<P: Serialize>(
        &self,
        name: &str,
        pp: &PatchParams,
        patch: &Patch<P>,
    ) -> Result<crate::api::Scale> {
        self.target
            .patch(&self.client, name, Some("scale"), pp, patch)
            .await
    }

    /// Watches for changes after `resource_version` (see [`crate::Api::watch`]).
    pub async fn watch(
        &self,
        wp: &WatchParams,
        resource_version: &str,
    ) -> Result<impl Stream<Item = Result<WatchEvent<DynamicObject>>> + Send + 'static + use<>>
    {
        crate::watch::watch(&self.client, &self.target, wp, resource_version).await
    }

    /// A watch that resumes from the last resourceVersion (see [`crate::Api::watch_retrying`]).
    pub fn watch_retrying(
        &self,
        wp: &WatchParams,
        resource_version: &str,
    ) -> impl Stream<Item = Result<WatchEvent<DynamicObject>>> + Send + 'static + use<> {
        let api = self.clone();
        let wp = wp.clone();
        crate::watch::retry_watcher(resource_version.to_owned(), move |rv| {
            let api = api.clone();
            let wp = wp.clone();
            async move {
                api.watch(&wp, &rv)
                    .await
                    .map(futures_util::StreamExt::boxed)
            }
        })
    }
}
