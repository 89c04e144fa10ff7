//! The cache: [`Store`] (cheap cloneable read handles, client-go's `Indexer`) and its one
//! [`Writer`] (owned by the reflector).
//!
//! Objects are kept as `Arc<K>`, keyed `namespace/name` (`name` for cluster-scoped objects,
//! client-go's `MetaNamespaceKeyFunc`), with named secondary indices. Reads clone `Arc`s,
//! never objects. Only the writer changes the contents, so a reader cannot corrupt the cache.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use parking_lot::RwLock;
use tokio::sync::watch;

use super::event::Event;
use super::listener::Distributor;
use crate::resource::Metadata;

/// The name of the index every store has: objects by namespace (`""` for cluster-scoped).
pub const NAMESPACE_INDEX: &str = "namespace";

/// An index function: the index values of an object (none, one or several). Used to find
/// objects by something other than their key, such as a label value or an owner's uid.
pub type IndexFn<K> = Arc<dyn Fn(&K) -> Vec<String> + Send + Sync>;

/// A transform applied to every object before it is stored (for instance to drop
/// `metadata.managedFields` and cut memory); handlers see the transformed object.
pub type Transform<K> = Arc<dyn Fn(K) -> K + Send + Sync>;

/// What a store query can fail with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No index has this name.
    #[error("no index named {0:?}")]
    UnknownIndex(String),
    /// An index with this name exists already.
    #[error("an index named {0:?} exists already")]
    IndexExists(String),
}

/// The cache key of an object: `namespace/name`, or `name` without a namespace.
pub fn object_key<K: Metadata>(object: &K) -> String {
    let meta = object.metadata();
    let name = meta.name.as_deref().unwrap_or_default();
    match meta.namespace.as_deref() {
        Some(ns) if !ns.is_empty() => format!("{ns}/{name}"),
        _ => name.to_owned(),
    }
}

/// The key of `name` in `namespace` (`None`, or `""`, for cluster-scoped objects).
pub fn key_of(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) if !ns.is_empty() => format!("{ns}/{name}"),
        _ => name.to_owned(),
    }
}

/// Splits a key into namespace (`None` for cluster-scoped) and name.
pub fn split_key(key: &str) -> (Option<&str>, &str) {
    match key.split_once('/') {
        Some((ns, name)) => (Some(ns), name),
        None => (None, key),
    }
}

/// The namespace index function.
pub fn namespace_index<K: Metadata>(object: &K) -> Vec<String> {
    vec![object.metadata().namespace.clone().unwrap_or_default()]
}

struct State<K> {
    items: HashMap<String, Arc<K>>,
    indexers: HashMap<String, IndexFn<K>>,
    /// index name → index value → keys.
    indices: HashMap<String, HashMap<String, HashSet<String>>>,
    resource_version: String,
    synced: bool,
}

impl<K> State<K> {
    fn index(&mut self, key: &str, object: &K) {
        for (name, f) in &self.indexers {
            let index = self.indices.entry(name.clone()).or_default();
            for value in f(object) {
                index.entry(value).or_default().insert(key.to_owned());
            }
        }
    }

    fn unindex(&mut self, key: &str, object: &K) {
        for (name, f) in &self.indexers {
            let Some(index) = self.indices.get_mut(name) else {
                continue;
            };
            for value in f(object) {
                if let Some(keys) = index.get_mut(&value) {
                    keys.remove(key);
                    if keys.is_empty() {
                        index.remove(&value);
                    }
                }
            }
        }
    }

    fn insert(&mut self, key: String, object: Arc<K>) -> Option<Arc<K>> {
        let old = self.items.insert(key.clone(), Arc::clone(&object));
        if let Some(old) = &old {
            self.unindex(&key, old);
        }
        self.index(&key, &object);
        old
    }

    fn remove(&mut self, key: &str) -> Option<Arc<K>> {
        let old = self.items.remove(key)?;
        self.unindex(key, &old);
        Some(old)
    }
}

struct Shared<K> {
    state: RwLock<State<K>>,
    synced: watch::Sender<bool>,
}

/// A read handle on the cache: cheap to clone, safe to share between tasks and threads.
pub struct Store<K> {
    shared: Arc<Shared<K>>,
}

impl<K> Clone for Store<K> {
    fn clone(&self) -> Self {
        Store {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<K> std::fmt::Debug for Store<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.shared.state.read();
        f.debug_struct("Store")
            .field("len", &state.items.len())
            .field("resource_version", &state.resource_version)
            .field("synced", &state.synced)
            .finish()
    }
}

impl<K: Metadata + Send + Sync + 'static> Store<K> {
    /// The object with this key (`namespace/name` or `name`).
    pub fn get(&self, key: &str) -> Option<Arc<K>> {
        self.shared.state.read().items.get(key).cloned()
    }

    /// The object named `name` in `namespace` (`None` for cluster-scoped).
    pub fn get_named(&self, namespace: Option<&str>, name: &str) -> Option<Arc<K>> {
        self.get(&key_of(namespace, name))
    }

    /// Every object, in no particular order.
    pub fn list(&self) -> Vec<Arc<K>> {
        self.shared.state.read().items.values().cloned().collect()
    }

    /// Every key, in no particular order.
    pub fn keys(&self) -> Vec<String> {
        self.shared.state.read().items.keys().cloned().collect()
    }

    /// How many objects the cache holds.
    pub fn len(&self) -> usize {
        self.shared.state.read().items.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.shared.state.read().items.is_empty()
    }

    /// The objects whose index `index` has the value `value`.
    pub fn by_index(&self, index: &str, value: &str) -> Result<Vec<Arc<K>>, StoreError> {
        let state = self.shared.state.read();
        let keys = Self::index_entry(&state, index, value)?;
        Ok(keys
            .into_iter()
            .flatten()
            .filter_map(|k| state.items.get(k).cloned())
            .collect())
    }

    /// The keys of the objects whose index `index` has the value `value`.
    pub fn index_keys(&self, index: &str, value: &str) -> Result<Vec<String>, StoreError> {
        let state = self.shared.state.read();
        let keys = Self::index_entry(&state, index, value)?;
        Ok(keys.into_iter().flatten().cloned().collect())
    }

    /// The values index `index` currently has.
    pub fn index_values(&self, index: &str) -> Result<Vec<String>, StoreError> {
        let state = self.shared.state.read();
        if !state.indexers.contains_key(index) {
            return Err(StoreError::UnknownIndex(index.to_owned()));
        }
        Ok(state
            .indices
            .get(index)
            .map(|i| i.keys().cloned().collect())
            .unwrap_or_default())
    }

    fn index_entry<'a>(
        state: &'a State<K>,
        index: &str,
        value: &str,
    ) -> Result<Option<&'a HashSet<String>>, StoreError> {
        if !state.indexers.contains_key(index) {
            return Err(StoreError::UnknownIndex(index.to_owned()));
        }
        Ok(state.indices.get(index).and_then(|i| i.get(value)))
    }

    /// Adds a named index (for example by a label's value, or by owner uid). The objects
    /// already cached are indexed at once, so it may be added at any time.
    pub fn add_indexer(
        &self,
        name: &str,
        f: impl Fn(&K) -> Vec<String> + Send + Sync + 'static,
    ) -> Result<(), StoreError> {
        let mut state = self.shared.state.write();
        if state.indexers.contains_key(name) {
            return Err(StoreError::IndexExists(name.to_owned()));
        }
        let f: IndexFn<K> = Arc::new(f);
        let mut index: HashMap<String, HashSet<String>> = HashMap::new();
        for (key, object) in &state.items {
            for value in f(object) {
                index.entry(value).or_default().insert(key.clone());
            }
        }
        state.indices.insert(name.to_owned(), index);
        state.indexers.insert(name.to_owned(), f);
        Ok(())
    }

    /// The resourceVersion the cache is at: that of the last list, event or bookmark
    /// (`""` before the first list).
    pub fn last_synced_resource_version(&self) -> String {
        self.shared.state.read().resource_version.clone()
    }

    /// Whether the first list has been stored.
    pub fn has_synced(&self) -> bool {
        self.shared.state.read().synced
    }

    /// Waits until the first list has been stored.
    pub async fn wait_until_synced(&self) {
        let mut rx = self.shared.synced.subscribe();
        // The sender lives as long as this handle, so this only ends when synced.
        let _ = rx.wait_for(|synced| *synced).await;
    }
}

/// The writing end of a cache. There is one per cache, owned by the reflector; readers get
/// [`Store`] handles from [`Writer::store`].
pub struct Writer<K> {
    shared: Arc<Shared<K>>,
    transform: Option<Transform<K>>,
    distributor: Option<Arc<Distributor<K>>>,
}

impl<K> std::fmt::Debug for Writer<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

impl<K: Metadata + Send + Sync + 'static> Default for Writer<K> {
    fn default() -> Self {
        Writer::new()
    }
}

impl<K: Metadata + Send + Sync + 'static> Writer<K> {
    /// An empty cache with the namespace index.
    pub fn new() -> Self {
        let mut indexers: HashMap<String, IndexFn<K>> = HashMap::new();
        indexers.insert(NAMESPACE_INDEX.to_owned(), Arc::new(namespace_index::<K>));
        Writer {
            shared: Arc::new(Shared {
                state: RwLock::new(State {
                    items: HashMap::new(),
                    indexers,
                    indices: HashMap::new(),
                    resource_version: String::new(),
                    synced: false,
                }),
                synced: watch::Sender::new(false),
            }),
            transform: None,
            distributor: None,
        }
    }

    /// Sets the transform applied to every object before it is stored.
    pub fn set_transform(&mut self, transform: Transform<K>) {
        self.transform = Some(transform);
    }

    /// A read handle.
    pub fn store(&self) -> Store<K> {
        Store {
            shared: Arc::clone(&self.shared),
        }
    }

    pub(crate) fn set_distributor(&mut self, distributor: Arc<Distributor<K>>) {
        self.distributor = Some(distributor);
    }

    /// Applies the transform and wraps the object as the cache keeps it, with its key.
    pub(crate) fn prepare(&self, object: K) -> (String, Arc<K>) {
        let object = match &self.transform {
            Some(t) => t(object),
            None => object,
        };
        (object_key(&object), Arc::new(object))
    }

    /// Runs a change under the distributor's lock (so that a handler registered at the same
    /// time sees either the state before and the events, or the state after and no events),
    /// then hands the events to the handlers.
    fn commit(
        &mut self,
        marks_synced: bool,
        change: impl FnOnce(&mut State<K>) -> Vec<Event<K>>,
    ) -> Vec<Event<K>> {
        let distributor = self.distributor.clone();
        let mut listeners = distributor.as_ref().map(|d| d.lock());
        let (events, newly_synced) = {
            let mut state = self.shared.state.write();
            let events = change(&mut state);
            let newly_synced = marks_synced && !state.synced;
            if newly_synced {
                state.synced = true;
            }
            (events, newly_synced)
        };
        if let Some(listeners) = listeners.as_mut() {
            listeners.deliver(&events);
            if newly_synced {
                listeners.mark_synced();
            }
        }
        drop(listeners);
        if newly_synced {
            self.shared.synced.send_replace(true);
        }
        events
    }

    /// Replaces the whole contents with a list (a relist) at `resource_version`.
    ///
    /// Objects new to the cache are `Added` (marked `is_in_initial_list` on the first list),
    /// objects already cached are `Updated` (as client-go does, even when unchanged), and
    /// cached objects missing from the list are `Deleted` with `final_state_unknown`: their
    /// deletion happened while no watch was open.
    pub fn replace(&mut self, items: Vec<K>, resource_version: String) -> Vec<Event<K>> {
        let prepared: Vec<(String, Arc<K>)> = items.into_iter().map(|o| self.prepare(o)).collect();
        self.replace_prepared(prepared, resource_version)
    }

    /// [`Writer::replace`] with objects already [prepared](Writer::prepare), so that a
    /// reflector can transform and wrap each object as it arrives instead of holding the
    /// whole list decoded at once.
    pub(crate) fn replace_prepared(
        &mut self,
        prepared: Vec<(String, Arc<K>)>,
        resource_version: String,
    ) -> Vec<Event<K>> {
        self.commit(true, move |state| {
            let initial = !state.synced;
            let mut events = Vec::with_capacity(prepared.len());
            let fresh: HashSet<&str> = prepared.iter().map(|(k, _)| k.as_str()).collect();
            let gone: Vec<String> = state
                .items
                .keys()
                .filter(|k| !fresh.contains(k.as_str()))
                .cloned()
                .collect();
            for key in gone {
                if let Some(object) = state.remove(&key) {
                    events.push(Event::Deleted {
                        object,
                        final_state_unknown: true,
                    });
                }
            }
            for (key, object) in prepared {
                match state.insert(key, Arc::clone(&object)) {
                    Some(old) => events.push(Event::Updated { old, new: object }),
                    None => events.push(Event::Added {
                        object,
                        is_in_initial_list: initial,
                    }),
                }
            }
            state.resource_version = resource_version;
            events
        })
    }

    /// Applies a watched `ADDED` or `MODIFIED`: `Added` when the key is new to the cache,
    /// `Updated` otherwise.
    pub fn apply_upsert(&mut self, object: K) -> Vec<Event<K>> {
        let (key, object) = self.prepare(object);
        self.commit(false, move |state| {
            if let Some(rv) = object.metadata().resource_version.as_deref() {
                state.resource_version = rv.to_owned();
            }
            match state.insert(key, Arc::clone(&object)) {
                Some(old) => vec![Event::Updated { old, new: object }],
                None => vec![Event::Added {
                    object,
                    is_in_initial_list: false,
                }],
            }
        })
    }

    /// Applies a watched `DELETED` (delivered even when the object was not cached).
    pub fn apply_delete(&mut self, object: K) -> Vec<Event<K>> {
        let (key, object) = self.prepare(object);
        self.commit(false, move |state| {
            if let Some(rv) = object.metadata().resource_version.as_deref() {
                state.resource_version = rv.to_owned();
            }
            state.remove(&key);
            vec![Event::Deleted {
                object,
                final_state_unknown: false,
            }]
        })
    }

    /// Records a bookmark's resourceVersion.
    pub fn set_resource_version(&mut self, resource_version: &str) {
        self.shared.state.write().resource_version = resource_version.to_owned();
    }

    /// Sends a periodic resync to the handlers that are due (see
    /// [`super::SharedInformer::add_event_handler_with_resync`]).
    pub fn resync(&mut self) {
        let Some(distributor) = self.distributor.clone() else {
            return;
        };
        let mut listeners = distributor.lock();
        let state = self.shared.state.read();
        if state.synced {
            listeners.resync(state.items.values());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::test_support::ConfigMap;

    pub(crate) fn cm(ns: &str, name: &str, rv: &str) -> ConfigMap {
        let mut c = ConfigMap::default();
        c.metadata.name = Some(name.into());
        c.metadata.namespace = (!ns.is_empty()).then(|| ns.to_owned());
        c.metadata.resource_version = Some(rv.into());
        c
    }

    #[test]
    fn keys_and_namespace_index() {
        let mut w = Writer::new();
        let store = w.store();
        w.replace(
            vec![cm("a", "x", "1"), cm("b", "y", "2"), cm("", "z", "3")],
            "3".into(),
        );
        assert_eq!(store.len(), 3);
        assert!(store.get("a/x").is_some());
        assert!(store.get("z").is_some());
        assert!(store.get_named(Some("b"), "y").is_some());
        assert_eq!(split_key("a/x"), (Some("a"), "x"));
        assert_eq!(split_key("z"), (None, "z"));
        assert_eq!(store.index_keys(NAMESPACE_INDEX, "a").unwrap(), vec!["a/x"]);
        assert_eq!(store.by_index(NAMESPACE_INDEX, "").unwrap().len(), 1);
        assert_eq!(
            store.by_index("nope", "a"),
            Err(StoreError::UnknownIndex("nope".into()))
        );
        assert_eq!(store.last_synced_resource_version(), "3");
        assert!(store.has_synced());
    }

    #[test]
    fn reads_share_objects() {
        let mut w = Writer::new();
        let store = w.store();
        w.replace(vec![cm("a", "x", "1")], "1".into());
        let one = store.get("a/x").unwrap();
        let two = store.get("a/x").unwrap();
        assert!(Arc::ptr_eq(&one, &two));
    }

    #[test]
    fn replace_diffs_against_the_cache() {
        let mut w = Writer::new();
        let events = w.replace(vec![cm("a", "x", "1"), cm("a", "y", "1")], "1".into());
        assert!(events.iter().all(|e| matches!(
            e,
            Event::Added {
                is_in_initial_list: true,
                ..
            }
        )));
        let events = w.replace(vec![cm("a", "y", "2"), cm("a", "z", "2")], "2".into());
        let mut kinds: Vec<(String, &str)> = events
            .iter()
            .map(|e| {
                let kind = match e {
                    Event::Added {
                        is_in_initial_list: false,
                        ..
                    } => "added",
                    Event::Updated { .. } => "updated",
                    Event::Deleted {
                        final_state_unknown: true,
                        ..
                    } => "tombstone",
                    _ => "other",
                };
                (e.key(), kind)
            })
            .collect();
        kinds.sort();
        assert_eq!(
            kinds,
            vec![
                ("a/x".to_owned(), "tombstone"),
                ("a/y".to_owned(), "updated"),
                ("a/z".to_owned(), "added")
            ]
        );
        // The tombstone carries the last known state.
        let tomb = events.iter().find(|e| e.key() == "a/x").unwrap();
        assert_eq!(
            tomb.object().metadata.resource_version.as_deref(),
            Some("1")
        );
    }

    #[test]
    fn watch_events_and_indices_follow_changes() {
        let mut w = Writer::new();
        let store = w.store();
        store
            .add_indexer("by-app", |c: &ConfigMap| {
                c.metadata
                    .labels
                    .iter()
                    .flatten()
                    .filter(|(k, _)| *k == "app")
                    .map(|(_, v)| v.clone())
                    .collect()
            })
            .unwrap();
        assert_eq!(
            store.add_indexer("by-app", |_: &ConfigMap| vec![]),
            Err(StoreError::IndexExists("by-app".into()))
        );
        w.replace(vec![], "1".into());
        let mut x = cm("a", "x", "2");
        x.metadata.labels = Some([("app".to_owned(), "web".to_owned())].into());
        assert!(matches!(w.apply_upsert(x.clone())[0], Event::Added { .. }));
        assert_eq!(store.index_keys("by-app", "web").unwrap(), vec!["a/x"]);
        x.metadata.labels = Some([("app".to_owned(), "db".to_owned())].into());
        x.metadata.resource_version = Some("3".into());
        assert!(matches!(
            w.apply_upsert(x.clone())[0],
            Event::Updated { .. }
        ));
        assert!(store.index_keys("by-app", "web").unwrap().is_empty());
        assert_eq!(store.index_values("by-app").unwrap(), vec!["db"]);
        x.metadata.resource_version = Some("4".into());
        assert!(matches!(
            w.apply_delete(x)[0],
            Event::Deleted {
                final_state_unknown: false,
                ..
            }
        ));
        assert!(store.is_empty());
        assert!(store.index_values("by-app").unwrap().is_empty());
        assert_eq!(store.last_synced_resource_version(), "4");
        w.set_resource_version("9");
        assert_eq!(store.last_synced_resource_version(), "9");
    }

    #[test]
    fn indexer_added_late_covers_existing_objects() {
        let mut w = Writer::new();
        let store = w.store();
        w.replace(vec![cm("a", "x", "1"), cm("b", "y", "1")], "1".into());
        store
            .add_indexer("name", |c: &ConfigMap| {
                c.metadata.name.clone().into_iter().collect()
            })
            .unwrap();
        assert_eq!(store.index_keys("name", "y").unwrap(), vec!["b/y"]);
    }

    #[test]
    fn transform_applies_before_storing() {
        let mut w = Writer::new();
        w.set_transform(Arc::new(|mut c: ConfigMap| {
            c.metadata.managed_fields = None;
            c
        }));
        let mut x = cm("a", "x", "1");
        x.metadata.managed_fields = Some(vec![Default::default()]);
        let events = w.replace(vec![x], "1".into());
        assert!(events[0].object().metadata.managed_fields.is_none());
        assert!(
            w.store()
                .get("a/x")
                .unwrap()
                .metadata
                .managed_fields
                .is_none()
        );
    }

    #[tokio::test]
    async fn wait_until_synced_wakes() {
        let mut w: Writer<ConfigMap> = Writer::new();
        let store = w.store();
        let waiter = tokio::spawn(async move { store.wait_until_synced().await });
        tokio::task::yield_now().await;
        w.replace(vec![], "1".into());
        tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .unwrap()
            .unwrap();
    }
}
