//! The `events.k8s.io/v1` [`Event`] and what it refers to (small copies of the generated
//! types, so that the runtime needs no API crate), and the [`EventSink`] events are written
//! to.

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::api::{Api, Patch, PatchParams, PostParams};
use crate::client::{Client, Result};
use crate::meta::v1::ObjectMeta;
use crate::resource::{Metadata, Resource, Scope};
use crate::time::MicroTime;

/// A reference to an object (core/v1 `ObjectReference`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReference {
    /// `apiVersion` of the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `kind` of the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Its namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its uid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Its resourceVersion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// A field within it (`spec.containers{name}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_path: Option<String>,
}

impl ObjectReference {
    /// A reference to a typed object.
    pub fn from_resource<K: Resource>(object: &K) -> Self {
        let meta = object.metadata();
        ObjectReference {
            api_version: Some(K::API_VERSION.to_owned()),
            kind: Some(K::KIND.to_owned()),
            namespace: meta.namespace.clone(),
            name: meta.name.clone(),
            uid: meta.uid.clone(),
            resource_version: meta.resource_version.clone(),
            field_path: None,
        }
    }
}

/// An `events.k8s.io/v1` EventSeries: how often an event recurred.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventSeries {
    /// Occurrences so far.
    pub count: i32,
    /// The last occurrence.
    pub last_observed_time: MicroTime,
}

/// An `events.k8s.io/v1` Event.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// `events.k8s.io/v1`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    /// `Event`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Standard object metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// When the event first happened (required; six fractional digits on the wire).
    pub event_time: MicroTime,
    /// Recurrences, once it recurred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<EventSeries>,
    /// The controller that emitted it (`example.com/my-controller`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting_controller: Option<String>,
    /// Which instance of the controller (`my-controller-pod-xyz`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporting_instance: Option<String>,
    /// What was done or failed (`Reconcile`, `Scale`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Why (`Synced`, `FailedCreate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The object the event is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regarding: Option<ObjectReference>,
    /// A second object involved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related: Option<ObjectReference>,
    /// Human-readable text (at most 1 kB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `Normal` or `Warning`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
}

impl Metadata for Event {
    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

impl Resource for Event {
    const GROUP: &'static str = "events.k8s.io";
    const VERSION: &'static str = "v1";
    const API_VERSION: &'static str = "events.k8s.io/v1";
    const KIND: &'static str = "Event";
    const LIST_KIND: &'static str = "EventList";
    const PLURAL: &'static str = "events";
    const SINGULAR: &'static str = "event";
    const SCOPE: Scope = Scope::Namespaced;
    const SHORT_NAMES: &'static [&'static str] = &["ev"];
    const CATEGORIES: &'static [&'static str] = &[];
    const TYPED_LIST_ITEMS: bool = false;
}

/// Where events are written (client-go's `EventSink`).
pub trait EventSink: Send + Sync + 'static {
    /// Creates an event in its namespace.
    fn create(&self, event: Event) -> BoxFuture<'_, Result<Event>>;
    /// Updates the series of an existing event (a merge patch of `series`).
    fn patch_series<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
        series: &'a EventSeries,
    ) -> BoxFuture<'a, Result<Event>>;
}

/// The [`EventSink`] of the API: `events.k8s.io/v1` through a [`Client`].
#[derive(Clone, Debug)]
pub struct ApiEventSink {
    client: Client,
}

impl ApiEventSink {
    /// A sink writing through `client`.
    pub fn new(client: Client) -> Self {
        ApiEventSink { client }
    }
}

impl EventSink for ApiEventSink {
    fn create(&self, event: Event) -> BoxFuture<'_, Result<Event>> {
        Box::pin(async move {
            let namespace = event.metadata.namespace.clone().unwrap_or_default();
            let api: Api<Event> = Api::namespaced(self.client.clone(), &namespace);
            api.create(&PostParams::default(), &event).await
        })
    }

    fn patch_series<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
        series: &'a EventSeries,
    ) -> BoxFuture<'a, Result<Event>> {
        Box::pin(async move {
            let api: Api<Event> = Api::namespaced(self.client.clone(), namespace);
            let patch = serde_json::json!({ "series": series });
            api.patch(name, &PatchParams::default(), &Patch::Merge(patch))
                .await
        })
    }
}
