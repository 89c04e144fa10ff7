//! [`SharedInformerFactory`]: one shared informer per resource for a whole program
//! (client-go's generated `SharedInformerFactory`, generic here).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use parking_lot::Mutex;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::informer::{InformerConfig, SharedInformer};
use super::reflector::ReflectorConfig;
use crate::api::{Api, ListParams};
use crate::client::Client;
use crate::dynamic::{DynamicApi, DynamicObject, ResourceDescriptor};
use crate::meta::v1::ObjectMeta;
use crate::resource::{GroupVersionResource, Metadata, Resource, Scope};

/// Changes the list and watch options of every informer (label and field selectors).
pub type TweakListParams = Arc<dyn Fn(&mut ListParams) + Send + Sync>;

/// A transform of every object's metadata before it is cached (for instance dropping
/// `managedFields`), for informers of any type.
pub type MetadataTransform = Arc<dyn Fn(&mut ObjectMeta) + Send + Sync>;

/// What the factory can fail with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactoryError {
    /// `start` was called outside a Tokio runtime.
    #[error("SharedInformerFactory::start needs a Tokio runtime")]
    NoRuntime,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum InformerKey {
    Typed(TypeId),
    Dynamic(GroupVersionResource),
}

/// What the factory needs of an informer of any type.
trait ErasedInformer: Send + Sync {
    fn run(&self, cancel: CancellationToken) -> BoxFuture<'static, ()>;
    fn has_synced(&self) -> bool;
    fn wait_for_sync(&self) -> BoxFuture<'static, ()>;
}

impl<K: Metadata + Send + Sync + 'static> ErasedInformer for SharedInformer<K> {
    fn run(&self, cancel: CancellationToken) -> BoxFuture<'static, ()> {
        let informer = self.clone();
        Box::pin(async move { informer.run(cancel).await })
    }

    fn has_synced(&self) -> bool {
        SharedInformer::has_synced(self)
    }

    fn wait_for_sync(&self) -> BoxFuture<'static, ()> {
        let informer = self.clone();
        Box::pin(async move { informer.wait_for_sync().await })
    }
}

struct Entry {
    /// The `SharedInformer<K>`, to hand out again.
    informer: Box<dyn Any + Send + Sync>,
    erased: Arc<dyn ErasedInformer>,
    name: String,
    started: bool,
}

struct Inner {
    client: Client,
    namespace: Option<String>,
    default_resync: Option<Duration>,
    custom_resync: HashMap<GroupVersionResource, Duration>,
    tweak: Option<TweakListParams>,
    transform: Option<MetadataTransform>,
    reflector: ReflectorConfig,
    informers: Mutex<HashMap<InformerKey, Entry>>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    cancel: CancellationToken,
}

/// Builds a [`SharedInformerFactory`].
#[derive(Clone)]
pub struct FactoryBuilder {
    client: Client,
    namespace: Option<String>,
    default_resync: Option<Duration>,
    custom_resync: HashMap<GroupVersionResource, Duration>,
    tweak: Option<TweakListParams>,
    transform: Option<MetadataTransform>,
    reflector: ReflectorConfig,
}

impl std::fmt::Debug for FactoryBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FactoryBuilder")
            .field("namespace", &self.namespace)
            .field("default_resync", &self.default_resync)
            .finish_non_exhaustive()
    }
}

impl FactoryBuilder {
    /// Watches one namespace only (cluster-scoped resources are watched whole regardless).
    pub fn namespace(mut self, namespace: &str) -> Self {
        self.namespace = Some(namespace.to_owned());
        self
    }

    /// The resync period of every informer's handlers (default: none).
    pub fn default_resync(mut self, period: Duration) -> Self {
        self.default_resync = Some(period);
        self
    }

    /// A resync period for one typed resource.
    pub fn resync_for<K: Resource>(self, period: Duration) -> Self {
        self.resync_for_resource(K::gvr(), period)
    }

    /// A resync period for one resource (typed or dynamic informers of it).
    pub fn resync_for_resource(mut self, gvr: GroupVersionResource, period: Duration) -> Self {
        self.custom_resync.insert(gvr, period);
        self
    }

    /// Changes every informer's list and watch options (client-go's `WithTweakListOptions`),
    /// typically to set a label or field selector.
    pub fn tweak_list_params(
        mut self,
        tweak: impl Fn(&mut ListParams) + Send + Sync + 'static,
    ) -> Self {
        self.tweak = Some(Arc::new(tweak));
        self
    }

    /// Transforms every object's metadata before it is cached (client-go's `WithTransform`
    /// as used to drop `managedFields`). Per-type transforms of whole objects go on the
    /// informer ([`SharedInformer::set_transform`]) before `start`.
    pub fn transform(
        mut self,
        transform: impl Fn(&mut ObjectMeta) + Send + Sync + 'static,
    ) -> Self {
        self.transform = Some(Arc::new(transform));
        self
    }

    /// The reflector settings of every informer (page size, watch-list, backoff, watch
    /// timeouts). Its `list_params` are overridden by [`FactoryBuilder::tweak_list_params`].
    pub fn reflector_config(mut self, config: ReflectorConfig) -> Self {
        self.reflector = config;
        self
    }

    /// The factory.
    pub fn build(self) -> SharedInformerFactory {
        SharedInformerFactory {
            inner: Arc::new(Inner {
                client: self.client,
                namespace: self.namespace,
                default_resync: self.default_resync,
                custom_resync: self.custom_resync,
                tweak: self.tweak,
                transform: self.transform,
                reflector: self.reflector,
                informers: Mutex::new(HashMap::new()),
                tasks: Mutex::new(Vec::new()),
                cancel: CancellationToken::new(),
            }),
        }
    }
}

/// Hands out one shared informer per resource, starts them, waits for their caches and
/// shuts them down. Cheap to clone.
///
/// ```no_run
/// # use kubegen::cache::SharedInformerFactory;
/// # use kubegen::{Client, DynamicObject, ResourceDescriptor};
/// # async fn demo(client: Client, pods: ResourceDescriptor) -> Result<(), Box<dyn std::error::Error>> {
/// let factory = SharedInformerFactory::builder(client)
///     .namespace("default")
///     .transform(|meta| meta.managed_fields = None)
///     .build();
/// let informer = factory.for_resource(&pods);
/// informer.add_event_handler(|e: kubegen::cache::Event<DynamicObject>| println!("{}", e.key()));
/// factory.start()?;
/// factory.wait_for_cache_sync().await;
/// println!("{} pods", informer.store().len());
/// factory.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SharedInformerFactory {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SharedInformerFactory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<String> = self
            .inner
            .informers
            .lock()
            .values()
            .map(|e| e.name.clone())
            .collect();
        f.debug_struct("SharedInformerFactory")
            .field("namespace", &self.inner.namespace)
            .field("informers", &names)
            .finish_non_exhaustive()
    }
}

impl SharedInformerFactory {
    /// A factory for all namespaces with default settings.
    pub fn new(client: Client) -> Self {
        SharedInformerFactory::builder(client).build()
    }

    /// A builder.
    pub fn builder(client: Client) -> FactoryBuilder {
        FactoryBuilder {
            client,
            namespace: None,
            default_resync: None,
            custom_resync: HashMap::new(),
            tweak: None,
            transform: None,
            reflector: ReflectorConfig::default(),
        }
    }

    /// The client informers use.
    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// The namespace watched (`None`: all).
    pub fn namespace(&self) -> Option<&str> {
        self.inner.namespace.as_deref()
    }

    fn config_for(&self, gvr: &GroupVersionResource) -> InformerConfig {
        let mut reflector = self.inner.reflector.clone();
        if let Some(tweak) = &self.inner.tweak {
            tweak(&mut reflector.list_params);
        }
        InformerConfig {
            reflector,
            resync: self
                .inner
                .custom_resync
                .get(gvr)
                .copied()
                .or(self.inner.default_resync),
        }
    }

    fn get_or_insert<K: Metadata + Send + Sync + 'static>(
        &self,
        key: InformerKey,
        name: String,
        make: impl FnOnce() -> SharedInformer<K>,
    ) -> SharedInformer<K> {
        let mut informers = self.inner.informers.lock();
        if let Some(informer) = informers
            .get(&key)
            .and_then(|e| e.informer.downcast_ref::<SharedInformer<K>>())
        {
            return informer.clone();
        }
        let informer = make();
        if let Some(transform) = self.inner.transform.clone() {
            // A new informer has not started, so this cannot fail.
            let _ = informer.set_transform(move |mut object: K| {
                transform(object.metadata_mut());
                object
            });
        }
        informers.insert(
            key,
            Entry {
                informer: Box::new(informer.clone()),
                erased: Arc::new(informer.clone()),
                name,
                started: false,
            },
        );
        informer
    }

    /// The shared informer of a typed resource (created on first use, then the same one).
    /// Informers created after [`SharedInformerFactory::start`] start on its next call.
    pub fn informer_for<K: Resource>(&self) -> SharedInformer<K> {
        self.get_or_insert(
            InformerKey::Typed(TypeId::of::<K>()),
            K::gvr().to_string(),
            || {
                let api = match (&self.inner.namespace, K::SCOPE) {
                    (Some(ns), Scope::Namespaced) => {
                        Api::<K>::namespaced(self.inner.client.clone(), ns)
                    }
                    _ => Api::<K>::all(self.inner.client.clone()),
                };
                SharedInformer::new(api, self.config_for(&K::gvr()))
            },
        )
    }

    /// The shared informer of a resource as untyped [`DynamicObject`]s (client-go's
    /// `ForResource` on the dynamic informer factory).
    pub fn for_resource(&self, resource: &ResourceDescriptor) -> SharedInformer<DynamicObject> {
        let gvr = resource.gvr();
        self.get_or_insert(InformerKey::Dynamic(gvr.clone()), gvr.to_string(), || {
            let api = match (&self.inner.namespace, resource.scope) {
                (Some(ns), Scope::Namespaced) => {
                    DynamicApi::namespaced(self.inner.client.clone(), ns, resource)
                }
                _ => DynamicApi::all(self.inner.client.clone(), resource),
            };
            SharedInformer::new(api, self.config_for(&gvr))
        })
    }

    /// Starts every informer not started yet, each on its own task. Does nothing after
    /// [`SharedInformerFactory::shutdown`].
    pub fn start(&self) -> Result<(), FactoryError> {
        let handle = tokio::runtime::Handle::try_current().map_err(|_| FactoryError::NoRuntime)?;
        if self.inner.cancel.is_cancelled() {
            return Ok(());
        }
        let mut informers = self.inner.informers.lock();
        let mut tasks = self.inner.tasks.lock();
        for entry in informers.values_mut().filter(|e| !e.started) {
            entry.started = true;
            let run = entry.erased.run(self.inner.cancel.child_token());
            tasks.push(handle.spawn(run));
        }
        Ok(())
    }

    /// Waits until every started informer has synced; `false` if the factory shut down
    /// first.
    pub async fn wait_for_cache_sync(&self) -> bool {
        let waits: Vec<BoxFuture<'static, ()>> = self
            .inner
            .informers
            .lock()
            .values()
            .filter(|e| e.started)
            .map(|e| e.erased.wait_for_sync())
            .collect();
        tokio::select! {
            _ = futures_util::future::join_all(waits) => true,
            _ = self.inner.cancel.cancelled() => false,
        }
    }

    /// Whether every started informer has synced, by resource name.
    pub fn synced(&self) -> Vec<(String, bool)> {
        let mut synced: Vec<(String, bool)> = self
            .inner
            .informers
            .lock()
            .values()
            .filter(|e| e.started)
            .map(|e| (e.name.clone(), e.erased.has_synced()))
            .collect();
        synced.sort();
        synced
    }

    /// Stops every informer and waits for them (and their handlers) to finish.
    pub async fn shutdown(&self) {
        self.inner.cancel.cancel();
        let tasks = std::mem::take(&mut *self.inner.tasks.lock());
        for task in tasks {
            // A panicked informer task has nothing more to clean up.
            let _ = task.await;
        }
    }
}
