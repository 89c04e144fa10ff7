//! A scripted in-memory API for one resource, implementing [`ListerWatcher`] with the
//! server's semantics (resourceVersions, history, compaction → 410, pages and continue
//! tokens, bookmarks, watch-list), plus knobs to inject failures.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use parking_lot::Mutex;
use tokio::sync::mpsc;

use crate::api::{Bookmark, ListParams, WatchEvent, WatchParams};
use crate::cache::{ListPage, ListerWatcher, WatchStream};
use crate::client::{ApiError, Error, Result};
use crate::meta::v1::Status;
use crate::resource::test_support::ConfigMap;
use crate::watch::INITIAL_EVENTS_END;

pub(crate) fn api_error(code: u16, reason: &str, message: &str) -> Error {
    Error::Api(Box::new(ApiError {
        status: status(code, reason, message),
        http_status: code,
        method: http::Method::GET,
        path: "/fake".into(),
    }))
}

fn status(code: u16, reason: &str, message: &str) -> Status {
    Status {
        status: Some("Failure".into()),
        message: Some(message.into()),
        reason: Some(reason.into()),
        code: Some(i32::from(code)),
        ..Status::default()
    }
}

fn unreachable() -> Error {
    Error::Timeout {
        method: http::Method::GET,
        path: "/fake".into(),
        after: std::time::Duration::from_secs(1),
    }
}

pub(crate) fn cm(ns: &str, name: &str) -> ConfigMap {
    let mut c = ConfigMap::default();
    c.metadata.name = Some(name.into());
    c.metadata.namespace = Some(ns.into());
    c
}

struct Watcher {
    tx: mpsc::UnboundedSender<Result<WatchEvent<ConfigMap>>>,
    bookmarks: bool,
}

struct Snapshot {
    items: Vec<ConfigMap>,
    rv: u64,
}

#[derive(Default)]
struct State {
    rv: u64,
    objects: BTreeMap<String, ConfigMap>,
    history: Vec<(u64, WatchEvent<ConfigMap>)>,
    compacted: u64,
    watchers: Vec<Watcher>,
    watch_list: bool,
    snapshots: HashMap<u64, Snapshot>,
    next_snapshot: u64,
    lists: Vec<ListParams>,
    watches: Vec<(WatchParams, String)>,
    fail_lists: VecDeque<Error>,
    fail_watches: VecDeque<Error>,
    unreachable: bool,
    compact_after_lists: Option<usize>,
}

/// The fake API. Clone-cheap through `Arc`.
#[derive(Clone, Default)]
pub(crate) struct FakeApi {
    state: Arc<Mutex<State>>,
}

fn key(c: &ConfigMap) -> String {
    crate::cache::object_key(c)
}

impl FakeApi {
    pub(crate) fn new() -> Self {
        FakeApi::default()
    }

    /// Supports streaming lists.
    pub(crate) fn with_watch_list(self) -> Self {
        self.state.lock().watch_list = true;
        self
    }

    fn commit(&self, make: impl FnOnce(u64) -> WatchEvent<ConfigMap>) {
        let mut st = self.state.lock();
        st.rv += 1;
        let rv = st.rv;
        let event = make(rv);
        match &event {
            WatchEvent::Added(o) | WatchEvent::Modified(o) => {
                st.objects.insert(key(o), o.clone());
            }
            WatchEvent::Deleted(o) => {
                st.objects.remove(&key(o));
            }
            _ => {}
        }
        st.history.push((rv, event.clone()));
        st.watchers.retain(|w| w.tx.send(Ok(event.clone())).is_ok());
    }

    pub(crate) fn create(&self, mut object: ConfigMap) {
        self.commit(|rv| {
            object.metadata.resource_version = Some(rv.to_string());
            WatchEvent::Added(object)
        });
    }

    pub(crate) fn update(&self, ns: &str, name: &str, data: &str) {
        let mut object = self
            .state
            .lock()
            .objects
            .get(&format!("{ns}/{name}"))
            .cloned()
            .unwrap();
        self.commit(|rv| {
            object.metadata.resource_version = Some(rv.to_string());
            object.data = Some([("v".to_owned(), data.to_owned())].into());
            WatchEvent::Modified(object)
        });
    }

    pub(crate) fn delete(&self, ns: &str, name: &str) {
        let mut object = self
            .state
            .lock()
            .objects
            .get(&format!("{ns}/{name}"))
            .cloned()
            .unwrap();
        self.commit(|rv| {
            object.metadata.resource_version = Some(rv.to_string());
            WatchEvent::Deleted(object)
        });
    }

    /// A write the watches do not see (another namespace's object, say).
    pub(crate) fn foreign_write(&self) {
        self.state.lock().rv += 1;
    }

    /// The objects, by key.
    pub(crate) fn objects(&self) -> BTreeMap<String, ConfigMap> {
        self.state.lock().objects.clone()
    }

    /// Ends every open watch cleanly (a server timeout).
    pub(crate) fn close_watches(&self) {
        self.state.lock().watchers.clear();
    }

    /// Cuts every open watch (a transport error).
    pub(crate) fn break_watches(&self) {
        let watchers = std::mem::take(&mut self.state.lock().watchers);
        for w in watchers {
            let _ = w.tx.send(Err(Error::WatchTruncated {
                path: "/fake".into(),
                pending: 3,
            }));
        }
    }

    /// Compacts the history: versions up to now are gone (410 for a watch from them; pages
    /// of lists started before expire).
    pub(crate) fn compact(&self) {
        let mut st = self.state.lock();
        st.compacted = st.rv;
        st.history.clear();
    }

    /// Sends an ERROR 410 event on every open watch and ends them.
    pub(crate) fn expire_watches(&self) {
        let watchers = std::mem::take(&mut self.state.lock().watchers);
        for w in watchers {
            let _ = w.tx.send(Ok(WatchEvent::Error(status(
                410,
                "Expired",
                "too old resource version",
            ))));
        }
    }

    /// Sends a bookmark at the current version to watches that asked for them.
    pub(crate) fn bookmark(&self) {
        let mut st = self.state.lock();
        let rv = st.rv.to_string();
        st.watchers.retain(|w| {
            !w.bookmarks
                || w.tx
                    .send(Ok(WatchEvent::Bookmark(Bookmark {
                        resource_version: rv.clone(),
                        annotations: BTreeMap::new(),
                    })))
                    .is_ok()
        });
    }

    pub(crate) fn fail_next_list(&self, error: Error) {
        self.state.lock().fail_lists.push_back(error);
    }

    pub(crate) fn fail_next_watch(&self, error: Error) {
        self.state.lock().fail_watches.push_back(error);
    }

    /// While unreachable, watches are cut and requests fail with a timeout.
    pub(crate) fn set_unreachable(&self, unreachable: bool) {
        self.state.lock().unreachable = unreachable;
        if unreachable {
            self.break_watches();
        }
    }

    /// Compacts right after the `n`th list request is served.
    pub(crate) fn compact_after_lists(&self, n: usize) {
        self.state.lock().compact_after_lists = Some(n);
    }

    pub(crate) fn lists(&self) -> Vec<ListParams> {
        self.state.lock().lists.clone()
    }

    pub(crate) fn watches(&self) -> Vec<(WatchParams, String)> {
        self.state.lock().watches.clone()
    }

    pub(crate) fn open_watches(&self) -> usize {
        let mut st = self.state.lock();
        st.watchers.retain(|w| !w.tx.is_closed());
        st.watchers.len()
    }

    fn list_page(&self, lp: &ListParams) -> Result<ListPage<ConfigMap>> {
        let mut st = self.state.lock();
        st.lists.push(lp.clone());
        if st.unreachable {
            return Err(unreachable());
        }
        if let Some(e) = st.fail_lists.pop_front() {
            return Err(e);
        }
        if st.compact_after_lists == Some(st.lists.len() - 1) {
            // Another client's write, then a compaction up to it.
            st.rv += 1;
            st.compacted = st.rv;
            st.history.clear();
        }
        let (id, offset) = match &lp.continue_token {
            Some(token) => {
                let (id, offset) = token.split_once(':').unwrap();
                let id: u64 = id.parse().unwrap();
                let snapshot_rv = st.snapshots.get(&id).map(|s| s.rv).unwrap_or(0);
                if snapshot_rv < st.compacted {
                    return Err(api_error(410, "Expired", "continue token expired"));
                }
                (id, offset.parse::<usize>().unwrap())
            }
            None => {
                let id = st.next_snapshot;
                st.next_snapshot += 1;
                let snapshot = Snapshot {
                    items: st.objects.values().cloned().collect(),
                    rv: st.rv,
                };
                st.snapshots.insert(id, snapshot);
                (id, 0)
            }
        };
        let snapshot = &st.snapshots[&id];
        let limit = lp.limit.map_or(usize::MAX, |l| l as usize);
        let end = offset.saturating_add(limit).min(snapshot.items.len());
        let items = snapshot.items[offset..end].to_vec();
        let continue_token = (end < snapshot.items.len()).then(|| format!("{id}:{end}"));
        Ok(ListPage {
            items,
            resource_version: snapshot.rv.to_string(),
            continue_token,
        })
    }

    fn start_watch(&self, wp: &WatchParams, rv: &str) -> Result<WatchStream<ConfigMap>> {
        let mut st = self.state.lock();
        st.watches.push((wp.clone(), rv.to_owned()));
        if st.unreachable {
            return Err(unreachable());
        }
        if let Some(e) = st.fail_watches.pop_front() {
            return Err(e);
        }
        let (tx, rx) = mpsc::unbounded_channel();
        if wp.send_initial_events {
            if !st.watch_list {
                return Err(api_error(
                    422,
                    "Invalid",
                    "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled",
                ));
            }
            for object in st.objects.values() {
                let _ = tx.send(Ok(WatchEvent::Added(object.clone())));
            }
            let _ = tx.send(Ok(WatchEvent::Bookmark(Bookmark {
                resource_version: st.rv.to_string(),
                annotations: [(INITIAL_EVENTS_END.to_owned(), "true".to_owned())].into(),
            })));
        } else {
            let from: u64 = rv.parse().unwrap_or(0);
            if from < st.compacted {
                let _ = tx.send(Ok(WatchEvent::Error(status(
                    410,
                    "Expired",
                    "too old resource version",
                ))));
                return Ok(tokio_stream(rx));
            }
            for (event_rv, event) in &st.history {
                if *event_rv > from {
                    let _ = tx.send(Ok(event.clone()));
                }
            }
        }
        st.watchers.push(Watcher {
            tx,
            bookmarks: wp.bookmarks,
        });
        Ok(tokio_stream(rx))
    }
}

fn tokio_stream(
    mut rx: mpsc::UnboundedReceiver<Result<WatchEvent<ConfigMap>>>,
) -> WatchStream<ConfigMap> {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)).boxed()
}

impl ListerWatcher<ConfigMap> for FakeApi {
    fn list<'a>(&'a self, lp: &'a ListParams) -> BoxFuture<'a, Result<ListPage<ConfigMap>>> {
        Box::pin(async move { self.list_page(lp) })
    }

    fn watch<'a>(
        &'a self,
        wp: &'a WatchParams,
        resource_version: &'a str,
    ) -> BoxFuture<'a, Result<WatchStream<ConfigMap>>> {
        Box::pin(async move { self.start_watch(wp, resource_version) })
    }
}
