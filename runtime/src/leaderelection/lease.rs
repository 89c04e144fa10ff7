//! The `coordination.k8s.io/v1` [`Lease`] (a small copy of the generated type, so the
//! runtime needs no API crate) and the [`LeaseLock`] the elector reads and writes it through.

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::api::{Api, PostParams};
use crate::client::{Client, Result};
use crate::meta::v1::ObjectMeta;
use crate::resource::{Metadata, Resource, Scope};
use crate::time::MicroTime;

/// A `coordination.k8s.io/v1` Lease.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lease {
    /// `coordination.k8s.io/v1`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    /// `Lease`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Standard object metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The lease.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<LeaseSpec>,
}

/// The spec of a [`Lease`]. Times are [`MicroTime`]s: the server accepts exactly six
/// fractional digits.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaseSpec {
    /// Who holds the lease (`""` or absent: nobody).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder_identity: Option<String>,
    /// How long the holder's claim lasts after `renewTime`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_duration_seconds: Option<i32>,
    /// When the current holder acquired it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquire_time: Option<MicroTime>,
    /// When the holder last renewed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_time: Option<MicroTime>,
    /// How many times the holder changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_transitions: Option<i32>,
    /// Coordinated leader election: the preferred holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_holder: Option<String>,
    /// Coordinated leader election: the strategy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
}

impl Metadata for Lease {
    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

impl Resource for Lease {
    const GROUP: &'static str = "coordination.k8s.io";
    const VERSION: &'static str = "v1";
    const API_VERSION: &'static str = "coordination.k8s.io/v1";
    const KIND: &'static str = "Lease";
    const LIST_KIND: &'static str = "LeaseList";
    const PLURAL: &'static str = "leases";
    const SINGULAR: &'static str = "lease";
    const SCOPE: Scope = Scope::Namespaced;
    const SHORT_NAMES: &'static [&'static str] = &[];
    const CATEGORIES: &'static [&'static str] = &[];
    const TYPED_LIST_ITEMS: bool = false;
}

/// Where the elector keeps its lease (client-go's `resourcelock.Interface`). Updates must be
/// optimistic: [`LeaseLock::update`] sends the lease's `resourceVersion` and fails with a
/// conflict when someone else wrote in between.
pub trait LeaseLock: Send + Sync + 'static {
    /// The lease, or `None` when it does not exist.
    fn get(&self) -> BoxFuture<'_, Result<Option<Lease>>>;
    /// Creates the lease (fails if it exists).
    fn create(&self, lease: Lease) -> BoxFuture<'_, Result<Lease>>;
    /// Replaces the lease (fails on a stale `resourceVersion`).
    fn update(&self, lease: Lease) -> BoxFuture<'_, Result<Lease>>;
    /// The lock's name, for logs (`namespace/name`).
    fn describe(&self) -> String;
}

/// A [`LeaseLock`] on a Lease object through the API.
#[derive(Clone, Debug)]
pub struct LeaseApiLock {
    api: Api<Lease>,
    namespace: String,
    name: String,
}

impl LeaseApiLock {
    /// The Lease `name` in `namespace`.
    pub fn new(client: Client, namespace: &str, name: &str) -> Self {
        LeaseApiLock {
            api: Api::namespaced(client, namespace),
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        }
    }
}

impl LeaseLock for LeaseApiLock {
    fn get(&self) -> BoxFuture<'_, Result<Option<Lease>>> {
        Box::pin(self.api.get_opt(&self.name))
    }

    fn create(&self, mut lease: Lease) -> BoxFuture<'_, Result<Lease>> {
        lease.metadata.name = Some(self.name.clone());
        Box::pin(async move { self.api.create(&PostParams::default(), &lease).await })
    }

    fn update(&self, lease: Lease) -> BoxFuture<'_, Result<Lease>> {
        Box::pin(async move {
            self.api
                .replace(&self.name, &PostParams::default(), &lease)
                .await
        })
    }

    fn describe(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}
