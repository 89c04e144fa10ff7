//! [`SharedInformer`]: one reflector and one store shared by many handlers (client-go's
//! `SharedIndexInformer`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::listener::{Distributor, EventHandler, HandlerRegistration, HandlerTask, register};
use super::lister::Lister;
use super::lister_watcher::ListerWatcher;
use super::reflector::{Reflector, ReflectorConfig};
use super::store::{Store, StoreError, Transform, Writer};
use crate::resource::Metadata;

/// An informer could not be changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InformerError {
    /// The informer runs already; this can only be set before.
    #[error("the informer has already started")]
    AlreadyStarted,
}

/// How a [`SharedInformer`] lists, watches and resyncs.
#[derive(Clone, Debug, Default)]
pub struct InformerConfig {
    /// The reflector's settings (selectors, page size, watch-list, backoff, timeouts).
    pub reflector: ReflectorConfig,
    /// The default resync period of handlers (`None` or zero: no resync).
    pub resync: Option<Duration>,
}

struct Tasks {
    /// The runtime the informer runs on, once it does.
    handle: Option<tokio::runtime::Handle>,
    /// Handler tasks waiting for the informer to run.
    pending: Vec<HandlerTask>,
    running: Vec<JoinHandle<()>>,
}

struct Inner<K> {
    lw: Arc<dyn ListerWatcher<K>>,
    store: Store<K>,
    writer: Mutex<Option<Writer<K>>>,
    distributor: Arc<Distributor<K>>,
    config: InformerConfig,
    tasks: Mutex<Tasks>,
    started: AtomicBool,
}

/// A cache of one resource kept up to date by one reflector, whose changes are delivered to
/// any number of handlers. Cheap to clone (clones share everything).
///
/// ```no_run
/// # use kubegen::cache::{Event, InformerConfig, SharedInformer};
/// # use kubegen::{Api, Client, DynamicObject};
/// # async fn demo(api: kubegen::DynamicApi) {
/// let informer = SharedInformer::new(api, InformerConfig::default());
/// let registration = informer.add_event_handler(|event: Event<DynamicObject>| {
///     println!("{} changed", event.key());
/// });
/// let cancel = tokio_util::sync::CancellationToken::new();
/// tokio::spawn({ let informer = informer.clone(); let cancel = cancel.clone(); async move { informer.run(cancel).await } });
/// informer.wait_for_sync().await;
/// registration.wait_for_sync().await;
/// println!("{} objects", informer.store().len());
/// # }
/// ```
pub struct SharedInformer<K> {
    inner: Arc<Inner<K>>,
}

impl<K> Clone for SharedInformer<K> {
    fn clone(&self) -> Self {
        SharedInformer {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<K> std::fmt::Debug for SharedInformer<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedInformer")
            .field("config", &self.inner.config)
            .field("started", &self.inner.started.load(Ordering::SeqCst))
            .finish_non_exhaustive()
    }
}

impl<K: Metadata + Send + Sync + 'static> SharedInformer<K> {
    /// An informer over a lister-watcher (an [`crate::Api`], a [`crate::DynamicApi`], or
    /// anything implementing [`ListerWatcher`]).
    pub fn new(lw: impl ListerWatcher<K>, config: InformerConfig) -> Self {
        SharedInformer::from_arc(Arc::new(lw), config)
    }

    /// An informer over a shared lister-watcher.
    pub fn from_arc(lw: Arc<dyn ListerWatcher<K>>, config: InformerConfig) -> Self {
        let distributor = Arc::new(Distributor::new());
        let mut writer = Writer::new();
        writer.set_distributor(Arc::clone(&distributor));
        SharedInformer {
            inner: Arc::new(Inner {
                lw,
                store: writer.store(),
                writer: Mutex::new(Some(writer)),
                distributor,
                config,
                tasks: Mutex::new(Tasks {
                    handle: None,
                    pending: Vec::new(),
                    running: Vec::new(),
                }),
                started: AtomicBool::new(false),
            }),
        }
    }

    /// The cache (read-only).
    pub fn store(&self) -> Store<K> {
        self.inner.store.clone()
    }

    /// A typed read-only view of the cache.
    pub fn lister(&self) -> Lister<K> {
        Lister::new(self.store())
    }

    /// Whether the first list has been stored.
    pub fn has_synced(&self) -> bool {
        self.inner.store.has_synced()
    }

    /// Waits until the first list has been stored.
    pub async fn wait_for_sync(&self) {
        self.inner.store.wait_until_synced().await;
    }

    /// The resourceVersion the cache is at.
    pub fn last_synced_resource_version(&self) -> String {
        self.inner.store.last_synced_resource_version()
    }

    /// Whether [`SharedInformer::run`] has been called.
    pub fn is_started(&self) -> bool {
        self.inner.started.load(Ordering::SeqCst)
    }

    /// Adds a named index to the cache (at any time; existing objects are indexed at once).
    pub fn add_indexer(
        &self,
        name: &str,
        f: impl Fn(&K) -> Vec<String> + Send + Sync + 'static,
    ) -> Result<(), StoreError> {
        self.inner.store.add_indexer(name, f)
    }

    /// Sets the transform applied to every object before it is stored (before `run`).
    pub fn set_transform(
        &self,
        transform: impl Fn(K) -> K + Send + Sync + 'static,
    ) -> Result<(), InformerError> {
        self.set_transform_arc(Arc::new(transform))
    }

    /// [`SharedInformer::set_transform`] with a shared transform.
    pub fn set_transform_arc(&self, transform: Transform<K>) -> Result<(), InformerError> {
        match self.inner.writer.lock().as_mut() {
            Some(writer) if !self.is_started() => {
                writer.set_transform(transform);
                Ok(())
            }
            _ => Err(InformerError::AlreadyStarted),
        }
    }

    /// Adds a handler with the informer's default resync period. It first receives the
    /// objects already cached (as `Added` with `is_in_initial_list`), then every change.
    pub fn add_event_handler(&self, handler: impl EventHandler<K>) -> HandlerRegistration {
        self.add(handler, self.inner.config.resync)
    }

    /// Adds a handler with its own resync period (`Duration::ZERO`: none). Once the informer
    /// runs, a period shorter than the informer's resync check period is raised to it (and
    /// ignored when the informer does not resync), as in client-go.
    pub fn add_event_handler_with_resync(
        &self,
        handler: impl EventHandler<K>,
        resync: Duration,
    ) -> HandlerRegistration {
        self.add(handler, Some(resync))
    }

    fn add(&self, handler: impl EventHandler<K>, resync: Option<Duration>) -> HandlerRegistration {
        let resync = resync.filter(|d| !d.is_zero());
        let (registration, task) = {
            let mut listeners = self.inner.distributor.lock();
            // Under the distributor's lock the store does not change: the replayed state
            // and the events that follow neither overlap nor leave a gap.
            let current = self.inner.store.list();
            register(
                &self.inner.distributor,
                &mut listeners,
                handler,
                resync,
                current,
            )
        };
        let mut tasks = self.inner.tasks.lock();
        match tasks.handle.clone() {
            Some(handle) => {
                let running = handle.spawn(task);
                tasks.running.push(running);
            }
            None => tasks.pending.push(task),
        }
        registration
    }

    /// Runs the reflector and the handlers until `cancel` is cancelled, then stops the
    /// handlers (events still queued for them are dropped) and waits for them. An informer
    /// runs once: a second call returns at once.
    pub async fn run(&self, cancel: CancellationToken) {
        let Some(writer) = self.inner.writer.lock().take() else {
            tracing::warn!("SharedInformer::run called twice; the informer runs already");
            return;
        };
        self.inner.started.store(true, Ordering::SeqCst);
        let check_period = self
            .inner
            .distributor
            .lock()
            .start(self.inner.config.resync.filter(|d| !d.is_zero()));
        {
            let mut tasks = self.inner.tasks.lock();
            let handle = tokio::runtime::Handle::current();
            for task in std::mem::take(&mut tasks.pending) {
                let running = handle.spawn(task);
                tasks.running.push(running);
            }
            tasks.handle = Some(handle);
        }
        let mut config = self.inner.config.reflector.clone();
        config.resync_period = check_period;
        let reflector = Reflector::new(Arc::clone(&self.inner.lw), writer, config);
        reflector.run(cancel).await;

        self.inner.distributor.lock().stop_all();
        let running = {
            let mut tasks = self.inner.tasks.lock();
            tasks.handle = None;
            std::mem::take(&mut tasks.running)
        };
        for task in running {
            // A handler that panicked has nothing more to clean up.
            let _ = task.await;
        }
    }
}

/// One kind's informer as a generated informer factory hands it out
/// (`factory.apps_v1().deployments()`): client-go's `DeploymentInformer`,
/// with the shared informer and a lister over its store.
pub struct ResourceInformer<K> {
    informer: SharedInformer<K>,
}

impl<K> Clone for ResourceInformer<K> {
    fn clone(&self) -> Self {
        ResourceInformer {
            informer: self.informer.clone(),
        }
    }
}

impl<K: crate::Resource> ResourceInformer<K> {
    /// Wraps a factory's shared informer.
    pub fn new(informer: SharedInformer<K>) -> Self {
        ResourceInformer { informer }
    }

    /// The shared informer: add event handlers, indexers, a transform.
    pub fn informer(&self) -> SharedInformer<K> {
        self.informer.clone()
    }

    /// A typed read-only view of the informer's cache.
    pub fn lister(&self) -> Lister<K> {
        self.informer.lister()
    }
}
