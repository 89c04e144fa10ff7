//! The cache machinery of controllers (client-go's `tools/cache` and `informers`, generic):
//! reflector, store and indexer, shared informers, their factory, and listers.
//!
//! Data flows left to right:
//!
//! ```text
//! ListerWatcher ──▶ Reflector ──▶ Writer ─┬─▶ Store (Arc<K> by key, indices) ◀── Lister
//! (Api, DynamicApi)  list, watch,          └─▶ each handler's queue ──▶ EventHandler
//!                    relist on 410            (Added / Updated / Deleted, in order)
//! ```
//!
//! - [`ListerWatcher`]: lists a page and watches from a version; implemented for
//!   [`crate::Api`] and [`crate::DynamicApi`], and easy to script in tests.
//! - [`Reflector`]: list-then-watch with pages, bookmarks, resumption, relist on 410,
//!   watch-list with fallback, and backoff ([`BackoffConfig`]).
//! - [`Store`]/[`Writer`]: the cache, keyed `namespace/name`, holding `Arc<K>`, with named
//!   indices ([`NAMESPACE_INDEX`] by default) and an optional transform.
//! - [`SharedInformer`]: one reflector and one store for many [`EventHandler`]s, each with
//!   its own queue and task ([`HandlerRegistration`]); periodic resync.
//! - [`SharedInformerFactory`]: one informer per resource, per namespace or for all, with
//!   selectors, resync and transform settings; `start`, `wait_for_cache_sync`, `shutdown`.
//! - [`Lister`]: typed reads with label [`Selector`]s, by namespace, by index.
//!
//! Work queues are in [`crate::workqueue`].

mod backoff;
mod event;
mod factory;
mod informer;
mod listener;
mod lister;
mod lister_watcher;
mod reflector;
mod selector;
mod store;

#[cfg(test)]
pub(crate) mod tests;

pub use backoff::{Backoff, BackoffConfig};
pub use event::Event;
pub use factory::{
    FactoryBuilder, FactoryError, MetadataTransform, SharedInformerFactory, TweakListParams,
};
pub use informer::{InformerConfig, InformerError, ResourceInformer, SharedInformer};
pub use listener::{AsyncHandler, EventHandler, HandlerRegistration};
pub use lister::{Lister, NamespaceLister};
pub use lister_watcher::{ListPage, ListerWatcher, WatchStream};
pub use reflector::{Reflector, ReflectorConfig};
pub use selector::{Selector, SelectorParseError};
pub use store::{
    IndexFn, NAMESPACE_INDEX, Store, StoreError, Transform, Writer, key_of, namespace_index,
    object_key, split_key,
};
pub use tokio_util::sync::CancellationToken;
