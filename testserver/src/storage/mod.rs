//! The storage engine: objects as JSON values by (resource, namespace, name),
//! a cluster-wide resourceVersion, a bounded event history for watches, and
//! the object semantics on top (create/update bookkeeping, deletion with
//! finalizers and garbage collection, lists with resourceVersion semantics).
//! Nothing here knows about HTTP.
//!
//! Every write takes the one write lock, so the resourceVersion order is the
//! commit order, as etcd's revision is.

pub mod delete;
pub mod list;
pub mod meta;
pub mod objects;
pub mod table;
pub mod watch;

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use serde_json::Value;

pub use table::{Key, Table};

/// Tunables of the engine.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// Events kept for watches; older resourceVersions get `410 Gone`.
    pub history_size: usize,
    /// How long a read at a future resourceVersion waits before `504`.
    pub future_rv_wait: Duration,
}

impl Default for StoreConfig {
    fn default() -> StoreConfig {
        StoreConfig {
            history_size: 10_000,
            future_rv_wait: Duration::from_secs(3),
        }
    }
}

/// What happened to an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// Created.
    Added,
    /// Changed.
    Modified,
    /// Removed.
    Deleted,
}

impl EventType {
    /// `ADDED`, `MODIFIED`, `DELETED`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change, as the history keeps it.
#[derive(Clone, Debug)]
pub struct Event {
    /// The resourceVersion of the change.
    pub rv: u64,
    /// The storage table.
    pub table: Arc<str>,
    /// Namespace (`""` for cluster-scoped).
    pub namespace: String,
    /// What happened.
    pub kind: EventType,
    /// The object after the change (for a deletion: the last state, with the
    /// deletion's resourceVersion).
    pub object: Arc<Value>,
    /// The object before the change.
    pub previous: Option<Arc<Value>>,
}

/// A reference to one stored object.
pub type ObjectRef = (Arc<str>, Key);

/// The state under the lock.
#[derive(Debug, Default)]
pub struct State {
    rv: u64,
    tables: HashMap<Arc<str>, Table>,
    history: VecDeque<Arc<Event>>,
    history_size: usize,
    compacted: u64,
    uids: HashMap<String, ObjectRef>,
    dependents: HashMap<String, BTreeSet<ObjectRef>>,
}

impl State {
    /// The current resourceVersion.
    pub fn rv(&self) -> u64 {
        self.rv
    }

    /// Everything at or before this resourceVersion is compacted away.
    pub fn compacted(&self) -> u64 {
        self.compacted
    }

    /// The oldest resourceVersion a watch can start from.
    pub fn oldest_available(&self) -> u64 {
        self.history.front().map_or(self.rv, |event| event.rv)
    }

    /// A table, if anything was ever stored in it.
    pub fn table(&self, table: &str) -> Option<&Table> {
        self.tables.get(table)
    }

    /// The live object at a key.
    pub fn get(&self, table: &str, key: &Key) -> Option<Arc<Value>> {
        self.tables.get(table).and_then(|t| t.get(key)).cloned()
    }

    /// The live object with a uid.
    pub fn by_uid(&self, uid: &str) -> Option<(ObjectRef, Arc<Value>)> {
        let (table, key) = self.uids.get(uid)?;
        let object = self.get(table, key)?;
        Some(((table.clone(), key.clone()), object))
    }

    /// Live objects whose ownerReferences name `uid`.
    pub fn dependents_of(&self, uid: &str) -> Vec<ObjectRef> {
        self.dependents
            .get(uid)
            .map(|set| set.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Every table name.
    pub fn table_names(&self) -> Vec<Arc<str>> {
        self.tables.keys().cloned().collect()
    }

    /// Stores `object` at `key` with the next resourceVersion and records the event.
    pub fn put(&mut self, table: &Arc<str>, key: Key, mut object: Value) -> Arc<Value> {
        self.rv += 1;
        let rv = self.rv;
        if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.insert("resourceVersion".into(), Value::String(rv.to_string()));
        }
        let object = Arc::new(object);
        let previous = self.get(table, &key);
        if let Some(previous) = &previous {
            self.unindex(table, &key, previous);
        }
        self.index(table, &key, &object);
        let compacted = self.compacted;
        self.tables.entry(table.clone()).or_default().write(
            key.clone(),
            rv,
            Some(object.clone()),
            compacted,
        );
        let kind = if previous.is_some() {
            EventType::Modified
        } else {
            EventType::Added
        };
        self.record(Event {
            rv,
            table: table.clone(),
            namespace: key.0,
            kind,
            object: object.clone(),
            previous,
        });
        object
    }

    /// Removes the object at `key`; returns its last state with the deletion's
    /// resourceVersion.
    pub fn remove(&mut self, table: &Arc<str>, key: &Key) -> Option<Arc<Value>> {
        let previous = self.get(table, key)?;
        self.rv += 1;
        let rv = self.rv;
        self.unindex(table, key, &previous);
        let mut last = (*previous).clone();
        if let Some(metadata) = last.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.insert("resourceVersion".into(), Value::String(rv.to_string()));
        }
        let last = Arc::new(last);
        let compacted = self.compacted;
        if let Some(t) = self.tables.get_mut(table) {
            t.write(key.clone(), rv, None, compacted);
        }
        self.record(Event {
            rv,
            table: table.clone(),
            namespace: key.0.clone(),
            kind: EventType::Deleted,
            object: last.clone(),
            previous: Some(previous),
        });
        Some(last)
    }

    /// Events after `rv`, or `Err(oldest)` when `rv` is older than the history.
    pub fn events_after(&self, rv: u64) -> Result<Vec<Arc<Event>>, u64> {
        if rv < self.compacted {
            return Err(self.oldest_available());
        }
        let start = self.history.partition_point(|event| event.rv <= rv);
        Ok(self.history.range(start..).cloned().collect())
    }

    /// Forgets the whole history now: watches and reads at any older
    /// resourceVersion then get `410 Gone`.
    pub fn compact_now(&mut self) {
        self.history.clear();
        self.compacted = self.rv;
        let compacted = self.compacted;
        for table in self.tables.values_mut() {
            table.compact(compacted);
        }
    }

    fn record(&mut self, event: Event) {
        self.history.push_back(Arc::new(event));
        while self.history.len() > self.history_size.max(1) {
            if let Some(dropped) = self.history.pop_front() {
                self.compacted = dropped.rv;
            }
        }
    }

    fn index(&mut self, table: &Arc<str>, key: &Key, object: &Value) {
        let reference = (table.clone(), key.clone());
        if let Some(uid) = meta::uid(object) {
            self.uids.insert(uid.to_owned(), reference.clone());
        }
        for owner in meta::owner_uids(object) {
            self.dependents
                .entry(owner)
                .or_default()
                .insert(reference.clone());
        }
    }

    fn unindex(&mut self, table: &Arc<str>, key: &Key, object: &Value) {
        let reference = (table.clone(), key.clone());
        if let Some(uid) = meta::uid(object) {
            self.uids.remove(uid);
        }
        for owner in meta::owner_uids(object) {
            if let Some(set) = self.dependents.get_mut(&owner) {
                set.remove(&reference);
                if set.is_empty() {
                    self.dependents.remove(&owner);
                }
            }
        }
    }
}

/// The engine: the state behind one lock, and the signals watches wait on.
#[derive(Debug)]
pub struct Store {
    state: RwLock<State>,
    rv_tx: tokio::sync::watch::Sender<u64>,
    drop_tx: tokio::sync::watch::Sender<u64>,
    config: StoreConfig,
}

impl Store {
    /// An empty store.
    pub fn new(config: StoreConfig) -> Store {
        let state = State {
            history_size: config.history_size,
            ..State::default()
        };
        Store {
            state: RwLock::new(state),
            rv_tx: tokio::sync::watch::channel(0).0,
            drop_tx: tokio::sync::watch::channel(0).0,
            config,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// Reads under the shared lock.
    pub fn read(&self) -> RwLockReadGuard<'_, State> {
        // A panic while holding the lock cannot leave the state half-written in a way
        // readers could not handle (every write is a single `put`/`remove`), so a
        // poisoned lock is used as is.
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` under the write lock, then wakes watches if anything changed.
    pub fn write<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let (result, rv) = {
            let mut state: RwLockWriteGuard<'_, State> =
                self.state.write().unwrap_or_else(|e| e.into_inner());
            let before = state.rv;
            let result = f(&mut state);
            (result, (state.rv != before).then_some(state.rv))
        };
        if let Some(rv) = rv {
            self.rv_tx.send_replace(rv);
        }
        result
    }

    /// The current resourceVersion.
    pub fn rv(&self) -> u64 {
        self.read().rv
    }

    /// A receiver that changes whenever the resourceVersion moves.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.rv_tx.subscribe()
    }

    /// A receiver that changes when every open watch must end.
    pub fn subscribe_drops(&self) -> tokio::sync::watch::Receiver<u64> {
        self.drop_tx.subscribe()
    }

    /// Ends every open watch now (fault injection).
    pub fn drop_watches(&self) {
        self.drop_tx.send_modify(|generation| *generation += 1);
    }

    /// Compacts the history now (fault injection).
    pub fn compact_now(&self) {
        self.write(State::compact_now);
        // Wake watches so that those behind the new horizon see 410 now.
        self.rv_tx.send_modify(|_| {});
    }

    /// Waits up to the configured time for the resourceVersion to reach `rv`;
    /// returns whether it did.
    pub async fn wait_for_rv(&self, rv: u64) -> bool {
        let mut receiver = self.subscribe();
        let reached = tokio::time::timeout(self.config.future_rv_wait, async {
            loop {
                if *receiver.borrow_and_update() >= rv {
                    return true;
                }
                if receiver.changed().await.is_err() {
                    return false;
                }
            }
        })
        .await;
        reached.unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_write_moves_the_resource_version_and_the_history_is_bounded() {
        let store = Store::new(StoreConfig {
            history_size: 2,
            ..StoreConfig::default()
        });
        let table: Arc<str> = Arc::from("/configmaps");
        let key = ("ns".to_owned(), "a".to_owned());
        store.write(|s| s.put(&table, key.clone(), json!({"metadata": {"uid": "u1"}})));
        store.write(|s| s.put(&table, key.clone(), json!({"metadata": {"uid": "u1"}})));
        let deleted = store.write(|s| s.remove(&table, &key)).unwrap();
        assert_eq!(deleted["metadata"]["resourceVersion"], "3");
        let state = store.read();
        assert_eq!(state.rv(), 3);
        assert_eq!(state.compacted(), 1);
        assert!(state.events_after(0).is_err());
        let events = state.events_after(1).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].kind, EventType::Deleted);
        assert!(state.by_uid("u1").is_none());
    }

    #[test]
    fn dependents_are_indexed_by_owner_uid() {
        let store = Store::new(StoreConfig::default());
        let table: Arc<str> = Arc::from("/configmaps");
        store.write(|s| {
            s.put(
                &table,
                ("ns".into(), "child".into()),
                json!({"metadata": {"uid": "c", "ownerReferences": [{"uid": "p"}]}}),
            )
        });
        assert_eq!(store.read().dependents_of("p").len(), 1);
        store.write(|s| s.remove(&table, &("ns".into(), "child".into())));
        assert!(store.read().dependents_of("p").is_empty());
    }
}
