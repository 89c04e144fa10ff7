//! Watches: events from a resourceVersion (or synthetic `ADDED` events for the
//! current state), selector transitions (an object leaving the selector is
//! `DELETED`), bookmarks, `sendInitialEvents`, timeouts, and `410` when the
//! history no longer reaches back far enough. Transport-independent: the
//! events go to a channel the HTTP layer serializes.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::list::parse_rv;
use super::{EventType, Store};
use crate::error::ApiError;

/// A filter over objects (selectors, a single name).
pub type Filter = Arc<dyn Fn(&Value) -> bool + Send + Sync>;

/// What a watch asks for.
#[derive(Clone)]
pub struct WatchRequest {
    /// The storage table.
    pub table: Arc<str>,
    /// One namespace, or all.
    pub namespace: Option<String>,
    /// `resourceVersion` (unset or `0`: start with the current state as `ADDED`).
    pub resource_version: Option<String>,
    /// `sendInitialEvents`.
    pub send_initial_events: Option<bool>,
    /// `allowWatchBookmarks`.
    pub bookmarks: bool,
    /// `timeoutSeconds`.
    pub timeout: Option<Duration>,
    /// Selectors.
    pub filter: Filter,
}

/// Timing of bookmarks.
#[derive(Clone, Copy, Debug)]
pub struct BookmarkTiming {
    /// A bookmark this long before the watch's timeout ends it (when the timeout
    /// is more than twice as long).
    pub before_timeout: Duration,
    /// A bookmark at least this often otherwise.
    pub interval: Duration,
}

impl Default for BookmarkTiming {
    fn default() -> BookmarkTiming {
        BookmarkTiming {
            before_timeout: Duration::from_secs(2),
            interval: Duration::from_secs(60),
        }
    }
}

/// One item of a watch stream.
#[derive(Clone, Debug)]
pub enum WatchItem {
    /// `ADDED`/`MODIFIED`/`DELETED` with the object.
    Event(EventType, Arc<Value>),
    /// A `BOOKMARK` at a resourceVersion.
    Bookmark(u64),
    /// The bookmark that ends the initial events of `sendInitialEvents=true`.
    InitialEventsEnd(u64),
    /// An `ERROR` event; the stream ends after it.
    Error(ApiError),
}

/// Starts a watch; the returned channel yields its items until it ends (timeout,
/// an error, every watch dropped) or the receiver is dropped.
pub async fn watch(
    store: Arc<Store>,
    request: WatchRequest,
    timing: BookmarkTiming,
) -> Result<mpsc::Receiver<WatchItem>, ApiError> {
    let rv = match request
        .resource_version
        .as_deref()
        .filter(|rv| !rv.is_empty())
    {
        Some(rv) => Some(parse_rv(rv)?),
        None => None,
    };
    if let Some(rv) = rv.filter(|rv| *rv > store.rv()) {
        if !store.wait_for_rv(rv).await {
            return Err(ApiError::resource_version_too_large(rv, store.rv(), 1));
        }
    }
    let (tx, rx) = mpsc::channel(256);
    tokio::spawn(run(store, request, rv, timing, tx));
    Ok(rx)
}

async fn run(
    store: Arc<Store>,
    request: WatchRequest,
    rv: Option<u64>,
    timing: BookmarkTiming,
    tx: mpsc::Sender<WatchItem>,
) {
    let started = Instant::now();
    let deadline = request.timeout.and_then(|t| started.checked_add(t));
    let mut changes = store.subscribe();
    let mut drops = store.subscribe_drops();
    drops.borrow_and_update();
    changes.borrow_and_update();
    let namespace = request.namespace.as_deref();
    let initial = matches!(
        (rv, request.send_initial_events),
        (_, Some(true)) | (None | Some(0), None)
    );
    let mut position;
    if initial {
        let (items, at) = {
            let state = store.read();
            let items: Vec<Arc<Value>> = state
                .table(&request.table)
                .map(|t| {
                    t.scan(namespace, None, None)
                        .filter(|(_, o)| (request.filter)(o))
                        .map(|(_, o)| o.clone())
                        .collect()
                })
                .unwrap_or_default();
            (items, state.rv())
        };
        position = at;
        for object in items {
            if tx
                .send(WatchItem::Event(EventType::Added, object))
                .await
                .is_err()
            {
                return;
            }
        }
        let zero = rv == Some(0);
        if request.bookmarks
            && (request.send_initial_events == Some(true) || zero)
            && tx
                .send(WatchItem::InitialEventsEnd(position))
                .await
                .is_err()
        {
            return;
        }
    } else {
        position = rv.unwrap_or_else(|| store.rv());
    }
    let mut next_bookmark = next_bookmark_time(started, deadline, &timing, request.bookmarks);
    loop {
        let events = store.read().events_after(position);
        match events {
            Err(oldest) => {
                let error =
                    ApiError::expired(format!("too old resource version: {position} ({oldest})"));
                let _ = tx.send(WatchItem::Error(error)).await;
                return;
            }
            Ok(events) => {
                for event in events {
                    position = event.rv;
                    if event.table != request.table
                        || namespace.is_some_and(|ns| ns != event.namespace)
                    {
                        continue;
                    }
                    if let Some(item) = transition(&request.filter, &event) {
                        if tx.send(item).await.is_err() {
                            return;
                        }
                    }
                }
            }
        }
        let sleep_until = match (deadline, next_bookmark) {
            (Some(d), Some(b)) => Some(d.min(b)),
            (d, b) => d.or(b),
        };
        tokio::select! {
            changed = changes.changed() => {
                if changed.is_err() {
                    return;
                }
            }
            _ = drops.changed() => return,
            _ = tx.closed() => return,
            _ = sleep(sleep_until) => {
                let now = Instant::now();
                if deadline.is_some_and(|d| now >= d) {
                    return;
                }
                if next_bookmark.is_some_and(|b| now >= b) {
                    let at = position.max(store.rv());
                    if tx.send(WatchItem::Bookmark(at)).await.is_err() {
                        return;
                    }
                    next_bookmark = next_periodic(now, deadline, &timing);
                }
            }
        }
    }
}

async fn sleep(until: Option<Instant>) {
    match until {
        Some(until) => tokio::time::sleep_until(until).await,
        None => std::future::pending().await,
    }
}

fn next_bookmark_time(
    started: Instant,
    deadline: Option<Instant>,
    timing: &BookmarkTiming,
    enabled: bool,
) -> Option<Instant> {
    if !enabled {
        return None;
    }
    match deadline {
        Some(deadline)
            if deadline.saturating_duration_since(started)
                > timing.before_timeout.saturating_mul(2) =>
        {
            let before = deadline.checked_sub(timing.before_timeout)?;
            let periodic = started.checked_add(timing.interval).unwrap_or(before);
            Some(before.min(periodic))
        }
        Some(_) => None,
        None => started.checked_add(timing.interval),
    }
}

fn next_periodic(
    now: Instant,
    deadline: Option<Instant>,
    timing: &BookmarkTiming,
) -> Option<Instant> {
    let next = now.checked_add(timing.interval)?;
    match deadline {
        Some(deadline)
            if next
                .checked_add(timing.before_timeout)
                .is_none_or(|late| late >= deadline) =>
        {
            let before = deadline.checked_sub(timing.before_timeout)?;
            (before > now).then_some(before)
        }
        _ => Some(next),
    }
}

/// What a watcher with `filter` sees of one event: an object entering the
/// selector is `ADDED`, one leaving it `DELETED` (its previous state, the new
/// resourceVersion).
fn transition(filter: &Filter, event: &super::Event) -> Option<WatchItem> {
    let now = filter(&event.object);
    let before = event.previous.as_deref().is_some_and(|p| filter(p));
    match event.kind {
        EventType::Added => now.then(|| WatchItem::Event(EventType::Added, event.object.clone())),
        EventType::Deleted => {
            before.then(|| WatchItem::Event(EventType::Deleted, event.object.clone()))
        }
        EventType::Modified => match (before, now) {
            (true, true) => Some(WatchItem::Event(EventType::Modified, event.object.clone())),
            (false, true) => Some(WatchItem::Event(EventType::Added, event.object.clone())),
            (true, false) => {
                let mut last = event.previous.as_deref().cloned().unwrap_or(Value::Null);
                if let Some(metadata) = last.get_mut("metadata").and_then(Value::as_object_mut) {
                    metadata.insert(
                        "resourceVersion".into(),
                        Value::String(event.rv.to_string()),
                    );
                }
                Some(WatchItem::Event(EventType::Deleted, Arc::new(last)))
            }
            (false, false) => None,
        },
    }
}
