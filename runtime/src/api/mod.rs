//! The typed API: [`Api<K>`] for any [`Resource`], with every verb of the REST API.
//!
//! The shape follows kube-rs: `Api::namespaced(client, "ns")`, `Api::all(client)`, then
//! `get`, `list`, `list_all`, `create`, `replace`, `patch`, `delete`, `delete_collection`,
//! `watch`, and the `status` and `scale` subresources.

mod params;
mod patch;
mod subresources;

use std::marker::PhantomData;

use either::Either;
use futures_util::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use params::{
    DeleteParams, GetParams, ListParams, PatchParams, PostParams, PropagationPolicy,
    ValidationDirective, VersionMatch, WatchParams,
};
pub use patch::Patch;
pub use subresources::{Scale, ScaleSpec, ScaleStatus};

pub use crate::dynamic::{DynamicApi, DynamicObject, DynamicObjectList, ResourceDescriptor};
pub use crate::watch::{Bookmark, WatchEvent};

use crate::client::{Client, Error, Request, ResourcePath, Result};
use crate::meta::v1::{ListMeta, Status};
use crate::resource::{ObjectList, Resource, Scope};

/// Where a resource's objects live: its group, version and plural, and the namespace (none:
/// all namespaces, or a cluster-scoped resource). Shared by [`Api`] and [`DynamicApi`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    pub(crate) group: String,
    pub(crate) version: String,
    pub(crate) plural: String,
    pub(crate) namespace: Option<String>,
}

/// A list as the server sends it, for any item type.
#[derive(serde::Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
pub(crate) struct WireList<T> {
    #[serde(default)]
    pub(crate) metadata: Option<ListMeta>,
    #[serde(default)]
    pub(crate) items: Option<Vec<T>>,
}

impl Target {
    fn path(&self) -> ResourcePath {
        ResourcePath::new(&self.group, &self.version, &self.plural)
            .namespace(self.namespace.as_deref())
    }

    pub(crate) fn collection(&self) -> Result<String> {
        self.path().build()
    }

    pub(crate) fn object(&self, name: &str) -> Result<String> {
        self.path().name(name).build()
    }

    pub(crate) fn subresource(&self, name: &str, subresource: &str) -> Result<String> {
        self.path().name(name).subresource(subresource).build()
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        client: &Client,
        name: &str,
        subresource: Option<&str>,
    ) -> Result<T> {
        self.get_with(client, name, subresource, &GetParams::default())
            .await
    }

    pub(crate) async fn get_with<T: DeserializeOwned>(
        &self,
        client: &Client,
        name: &str,
        subresource: Option<&str>,
        gp: &GetParams,
    ) -> Result<T> {
        let path = match subresource {
            Some(sub) => self.subresource(name, sub)?,
            None => self.object(name)?,
        };
        client.request(gp.apply(Request::get(path))).await
    }

    pub(crate) async fn list<T: DeserializeOwned>(
        &self,
        client: &Client,
        lp: &ListParams,
    ) -> Result<(ListMeta, Vec<T>)> {
        let request = lp.apply(Request::get(self.collection()?));
        let list: WireList<T> = client.request(request).await?;
        Ok((
            list.metadata.unwrap_or_default(),
            list.items.unwrap_or_default(),
        ))
    }

    /// Every page, like client-go's pager: follows `continue` until it is empty. When a
    /// continue token has expired (410), lists everything again without a limit, as client-go's
    /// `FullListIfExpired` does.
    pub(crate) async fn list_all<T: DeserializeOwned>(
        &self,
        client: &Client,
        lp: &ListParams,
    ) -> Result<(ListMeta, Vec<T>)> {
        let mut page_params = lp.clone();
        let mut items = Vec::new();
        loop {
            let (metadata, page) = match self.list::<T>(client, &page_params).await {
                Ok(page) => page,
                Err(e) if e.is_gone() && page_params.continue_token.is_some() => {
                    tracing::debug!("continue token expired; listing everything at once");
                    let mut full = lp.clone();
                    full.limit = None;
                    full.continue_token = None;
                    return self.list(client, &full).await;
                }
                Err(e) => return Err(e),
            };
            items.extend(page);
            match metadata.continue_.as_deref().filter(|c| !c.is_empty()) {
                Some(token) => {
                    if page_params.continue_token.as_deref() == Some(token) {
                        return Err(Error::InvalidRequest(format!(
                            "the server returned the same continue token twice ({token:?})"
                        )));
                    }
                    page_params.continue_token = Some(token.to_owned());
                    // The first page fixes the snapshot; later pages must not name a version.
                    page_params.resource_version = None;
                    page_params.version_match = None;
                }
                None => {
                    let metadata = ListMeta {
                        continue_: None,
                        remaining_item_count: None,
                        ..metadata
                    };
                    return Ok((metadata, items));
                }
            }
        }
    }

    pub(crate) async fn create<T: DeserializeOwned, B: Serialize>(
        &self,
        client: &Client,
        pp: &PostParams,
        body: &B,
    ) -> Result<T> {
        let request = pp.apply(Request::post(self.collection()?)).json(body)?;
        client.request(request).await
    }

    pub(crate) async fn replace<T: DeserializeOwned, B: Serialize>(
        &self,
        client: &Client,
        name: &str,
        subresource: Option<&str>,
        pp: &PostParams,
        body: &B,
    ) -> Result<T> {
        let path = match subresource {
            Some(sub) => self.subresource(name, sub)?,
            None => self.object(name)?,
        };
        let request = pp.apply(Request::put(path)).json(body)?;
        client.request(request).await
    }

    pub(crate) async fn patch<T: DeserializeOwned, P: Serialize>(
        &self,
        client: &Client,
        name: &str,
        subresource: Option<&str>,
        pp: &PatchParams,
        patch: &Patch<P>,
    ) -> Result<T> {
        let path = match subresource {
            Some(sub) => self.subresource(name, sub)?,
            None => self.object(name)?,
        };
        let request = pp
            .apply_to(Request::patch(path), patch.is_apply())?
            .json_as(patch.document(), patch.content_type())?;
        client.request(request).await
    }

    pub(crate) async fn delete<T: DeserializeOwned>(
        &self,
        client: &Client,
        name: &str,
        dp: &DeleteParams,
    ) -> Result<Either<T, Status>> {
        let request = Request::delete(self.object(name)?).json(&dp.to_delete_options())?;
        client.request_status_or(request).await
    }

    pub(crate) async fn delete_collection<T: DeserializeOwned>(
        &self,
        client: &Client,
        dp: &DeleteParams,
        lp: &ListParams,
    ) -> Result<Either<(ListMeta, Vec<T>), Status>> {
        let request = lp
            .apply(Request::delete(self.collection()?))
            .json(&dp.to_delete_options())?;
        Ok(client
            .request_status_or::<WireList<T>>(request)
            .await?
            .map_left(|l| (l.metadata.unwrap_or_default(), l.items.unwrap_or_default())))
    }
}

/// The typed API of one resource in one namespace, or across all namespaces, or at cluster
/// level.
///
/// Cheap to clone. Methods that name an object fail with [`Error::InvalidRequest`] before
/// sending anything when the name cannot be a URL path segment.
pub struct Api<K> {
    client: Client,
    target: Target,
    _kind: PhantomData<fn() -> K>,
}

impl<K> Clone for Api<K> {
    fn clone(&self) -> Self {
        Api {
            client: self.client.clone(),
            target: self.target.clone(),
            _kind: PhantomData,
        }
    }
}

impl<K> std::fmt::Debug for Api<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api").field("target", &self.target).finish()
    }
}

impl<K: Resource> Api<K> {
    fn with_namespace(client: Client, namespace: Option<String>) -> Self {
        Api {
            client,
            target: Target {
                group: K::GROUP.to_owned(),
                version: K::VERSION.to_owned(),
                plural: K::PLURAL.to_owned(),
                namespace,
            },
            _kind: PhantomData,
        }
    }

    /// Objects in one namespace. For a cluster-scoped kind the namespace is ignored (like
    /// [`Api::all`]).
    pub fn namespaced(client: Client, namespace: &str) -> Self {
        let namespace = match K::SCOPE {
            Scope::Namespaced => Some(namespace.to_owned()),
            Scope::Cluster => None,
        };
        Api::with_namespace(client, namespace)
    }

    /// Objects in the client's default namespace (the kubeconfig context's, or the pod's).
    pub fn default_namespaced(client: Client) -> Self {
        let namespace = client.default_namespace().to_owned();
        Api::namespaced(client, &namespace)
    }

    /// Objects in all namespaces, or of a cluster-scoped kind. Creating a namespaced object
    /// through it fails on the server; use [`Api::namespaced`] for that.
    pub fn all(client: Client) -> Self {
        Api::with_namespace(client, None)
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The namespace, if any.
    pub fn namespace(&self) -> Option<&str> {
        self.target.namespace.as_deref()
    }

    /// The URL path of an object (for [`Client::request`] on other subresources).
    pub fn resource_url(&self, name: &str) -> Result<String> {
        self.target.object(name)
    }

    /// Gets an object.
    pub async fn get(&self, name: &str) -> Result<K> {
        self.target.get(&self.client, name, None).await
    }

    /// Gets an object with options (`resourceVersion`).
    pub async fn get_with(&self, name: &str, gp: &GetParams) -> Result<K> {
        self.target.get_with(&self.client, name, None, gp).await
    }

    /// Gets an object, or `None` when it does not exist.
    pub async fn get_opt(&self, name: &str) -> Result<Option<K>> {
        match self.get(name).await {
            Ok(object) => Ok(Some(object)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Lists objects: one page when `lp.limit` is set (see `metadata.continue`).
    pub async fn list(&self, lp: &ListParams) -> Result<ObjectList<K>> {
        let (metadata, items) = self.target.list(&self.client, lp).await?;
        Ok(ObjectList { metadata, items })
    }

    /// Lists every object, page by page (`limit` is the page size), following `continue`.
    /// The result's metadata is the last page's, without a continue token.
    pub async fn list_all(&self, lp: &ListParams) -> Result<ObjectList<K>> {
        let (metadata, items) = self.target.list_all(&self.client, lp).await?;
        Ok(ObjectList { metadata, items })
    }

    /// Creates an object. `apiVersion` and `kind` are filled in when the object has none.
    pub async fn create(&self, pp: &PostParams, object: &K) -> Result<K> {
        self.target
            .create(&self.client, pp, &with_type_meta::<K>(object)?)
            .await
    }

    /// Replaces an object (`PUT`, client-go's `Update`). Set `metadata.resourceVersion` for
    /// optimistic concurrency: a stale one fails with a conflict ([`Error::is_conflict`]).
    pub async fn replace(&self, name: &str, pp: &PostParams, object: &K) -> Result<K> {
        self.target
            .replace(&self.client, name, None, pp, &with_type_meta::<K>(object)?)
            .await
    }

    /// Patches an object.
    pub async fn patch<P: Serialize>(
        &self,
        name: &str,
        pp: &PatchParams,
        patch: &Patch<P>,
    ) -> Result<K> {
        self.target.patch(&self.client, name, None, pp, patch).await
    }

    /// Deletes an object. `Left(object)` when the deletion is pending (finalizers,
    /// foreground/orphan propagation, graceful deletion of pods) or the kind returns the
    /// object; `Right(status)` when it is gone.
    pub async fn delete(&self, name: &str, dp: &DeleteParams) -> Result<Either<K, Status>> {
        self.target.delete(&self.client, name, dp).await
    }

    /// Deletes every object matching `lp`; the server returns the deleted objects.
    pub async fn delete_collection(
        &self,
        dp: &DeleteParams,
        lp: &ListParams,
    ) -> Result<Either<ObjectList<K>, Status>> {
        Ok(self
            .target
            .delete_collection(&self.client, dp, lp)
            .await?
            .map_left(|(metadata, items)| ObjectList { metadata, items }))
    }

    /// Watches for changes after `resource_version` (`""`: synthetic `ADDED` events for the
    /// current objects first, then changes; `"0"`: the same, from the watch cache).
    ///
    /// The stream ends when the server closes it (`timeoutSeconds`). An `ERROR` event arrives
    /// as [`WatchEvent::Error`]; [`WatchEvent::into_result`] turns it into an [`Error`] whose
    /// [`Error::is_gone`] tells that the version is too old: list again and watch from the
    /// list's version. For automatic resumption see [`Api::watch_retrying`].
    pub async fn watch(
        &self,
        wp: &WatchParams,
        resource_version: &str,
    ) -> Result<impl Stream<Item = Result<WatchEvent<K>>> + Send + 'static + use<K>> {
        crate::watch::watch(&self.client, &self.target, wp, resource_version).await
    }

    /// A watch that resumes after dropped connections and server timeouts from the last
    /// resourceVersion seen (client-go's `RetryWatcher`); it ends with an [`Error::is_gone`]
    /// error when that version is too old. `resource_version` must be a real version (from a
    /// list), not `""` or `"0"`.
    pub fn watch_retrying(
        &self,
        wp: &WatchParams,
        resource_version: &str,
    ) -> impl Stream<Item = Result<WatchEvent<K>>> + Send + 'static + use<K> {
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

/// The object as JSON, with `apiVersion` and `kind` filled in when missing.
fn with_type_meta<K: Resource>(object: &K) -> Result<serde_json::Value> {
    let mut value = serde_json::to_value(object)
        .map_err(|e| Error::InvalidRequest(format!("cannot serialize the object: {e}")))?;
    if let Some(map) = value.as_object_mut() {
        if map
            .get("apiVersion")
            .is_none_or(|v| v.as_str().is_none_or(str::is_empty))
        {
            map.insert("apiVersion".into(), K::API_VERSION.into());
        }
        if map
            .get("kind")
            .is_none_or(|v| v.as_str().is_none_or(str::is_empty))
        {
            map.insert("kind".into(), K::KIND.into());
        }
    }
    Ok(value)
}
