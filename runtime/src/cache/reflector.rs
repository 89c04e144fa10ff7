//! [`Reflector`]: keeps a [`Writer`] equal to the server's state by listing, then watching
//! (client-go's `Reflector.ListAndWatch`).
//!
//! The rules, each implemented once below:
//! - **First list** at `resourceVersion=0` (any cached state: the watch cache answers, and
//!   ignores `limit`), later relists at the last synced version, in pages of
//!   [`ReflectorConfig::page_size`]; later pages name no version (the first fixes the
//!   snapshot).
//! - **410 Gone** (an `ERROR` event or a failed watch or list): the version is compacted;
//!   relist at `""` (a consistent read from storage), after which versions are usable again.
//!   An expired `continue` token restarts the list from scratch without a limit.
//! - **Watch** from the last version seen (event or bookmark), with bookmarks and a random
//!   server timeout between [`ReflectorConfig::min_watch_timeout`] and twice that, so that
//!   many clients do not reconnect together. A watch that ends (timeout, connection cut) is
//!   resumed at once from that version; no relist, no lost or repeated event.
//! - **Watch-list** (`sendInitialEvents=true`): the initial state arrives as `ADDED` events
//!   ended by the `k8s.io/initial-events-end` bookmark, then the same stream goes on with
//!   changes. A server that refuses it (a 4xx) makes the reflector fall back to list + watch
//!   for good; any other failure falls back for that attempt only.
//! - **Backoff** between attempts and after failed watches: [`BackoffConfig`] (client-go:
//!   800 ms doubling to 30 s with jitter, reset after 2 healthy minutes).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::backoff::{Backoff, BackoffConfig};
use super::lister_watcher::{ListerWatcher, WatchStream};
use super::store::{Writer, object_key};
use crate::api::{ListParams, WatchEvent, WatchParams};
use crate::client::Error;
use crate::resource::Metadata;

/// How a [`Reflector`] lists and watches.
#[derive(Clone, Debug)]
pub struct ReflectorConfig {
    /// Label and field selectors (and a list `timeout`) for both lists and watches; `limit`,
    /// `continue` and `resourceVersion` are the reflector's own.
    pub list_params: ListParams,
    /// Page size of lists (`limit`); `None` lists everything at once. Default 500.
    pub page_size: Option<u32>,
    /// Try a watch-list (streaming list) before falling back to list + watch. Default on.
    pub watch_list: bool,
    /// Backoff between failed attempts.
    pub backoff: BackoffConfig,
    /// Each watch asks the server to end it after a random time between this and twice this
    /// (`timeoutSeconds`, at least 1 s). Default 5 minutes.
    pub min_watch_timeout: Duration,
    /// How often to offer a resync to the handlers (set by the informer). `None`: never.
    pub resync_period: Option<Duration>,
}

impl Default for ReflectorConfig {
    fn default() -> Self {
        ReflectorConfig {
            list_params: ListParams::default(),
            page_size: Some(500),
            watch_list: true,
            backoff: BackoffConfig::default(),
            min_watch_timeout: Duration::from_secs(300),
            resync_period: None,
        }
    }
}

/// Why an attempt ended (logged; the reflector keeps going).
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Client(#[from] Error),
    #[error("the server sent an ERROR event: {0}")]
    Status(String),
    #[error("the streaming list ended before its initial-events-end bookmark")]
    WatchListIncomplete,
}

/// How a watch ended.
enum WatchEnd {
    /// The resourceVersion is gone: relist.
    Expired,
    /// The stream ended; resume from the last version (after a backoff if it brought
    /// nothing).
    Closed { delivered: bool },
}

/// Lists and watches through a [`ListerWatcher`] into a [`Writer`] until cancelled.
pub struct Reflector<K> {
    lw: Arc<dyn ListerWatcher<K>>,
    writer: Writer<K>,
    config: ReflectorConfig,
    backoff: Backoff,
    /// The last version the store is at (`""` before the first list).
    resource_version: String,
    /// A 410 was seen: the next list must not name a version.
    version_unavailable: bool,
    /// The server refused a streaming list.
    watch_list_refused: bool,
}

impl<K> std::fmt::Debug for Reflector<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reflector")
            .field("config", &self.config)
            .field("resource_version", &self.resource_version)
            .finish_non_exhaustive()
    }
}

fn is_expired(error: &Error) -> bool {
    error.is_gone() || is_version_too_large(error)
}

/// A version newer than the server's (after a restore, or a lagging server): the server
/// answers 504 with a `ResourceVersionTooLarge` cause; client-go treats it like 410.
fn is_version_too_large(error: &Error) -> bool {
    error.details().is_some_and(|d| {
        d.causes
            .iter()
            .flatten()
            .any(|c| c.reason.as_deref() == Some("ResourceVersionTooLarge"))
    })
}

/// A 4xx other than 410/429/408: the server rejects the request itself.
fn is_refusal(error: &Error) -> bool {
    matches!(error.code(), Some(c) if (400..500).contains(&c) && ![408, 410, 429].contains(&c))
}

impl<K: Metadata + Send + Sync + 'static> Reflector<K> {
    /// A reflector writing into `writer`.
    pub fn new(lw: Arc<dyn ListerWatcher<K>>, writer: Writer<K>, config: ReflectorConfig) -> Self {
        Reflector {
            lw,
            writer,
            backoff: Backoff::new(config.backoff),
            config,
            resource_version: String::new(),
            version_unavailable: false,
            watch_list_refused: false,
        }
    }

    /// Runs until `cancel` is cancelled.
    pub async fn run(mut self, cancel: CancellationToken) {
        loop {
            let outcome = tokio::select! {
                biased;
                _ = cancel.cancelled() => return,
                outcome = self.list_and_watch() => outcome,
            };
            if let Err(failure) = outcome {
                tracing::warn!(error = %failure, "reflector: list and watch failed; retrying");
            }
            let delay = self.backoff.next_delay();
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }

    /// One attempt: the initial state (watch-list or list), then watches until a relist is
    /// needed (`Ok`) or something fails (`Err`).
    async fn list_and_watch(&mut self) -> Result<(), Failure> {
        let mut stream = None;
        if self.config.watch_list && !self.watch_list_refused {
            match self.watch_list().await {
                Ok(s) => stream = Some(s),
                Err(failure) => {
                    if let Failure::Client(e) = &failure {
                        if is_expired(e) {
                            self.version_unavailable = true;
                        } else if is_refusal(e) {
                            tracing::info!(error = %e, "the server refuses streaming lists; using list and watch");
                            self.watch_list_refused = true;
                        }
                    }
                    tracing::debug!(error = %failure, "watch-list failed; falling back to a list");
                }
            }
        }
        if stream.is_none() {
            self.list().await?;
        }
        loop {
            let current = match stream.take() {
                Some(s) => s,
                None => match self.start_watch().await {
                    Ok(s) => s,
                    Err(e) if is_expired(&e) => {
                        self.version_unavailable = true;
                        return Ok(());
                    }
                    Err(e) if is_refusal(&e) => return Err(e.into()),
                    Err(e) => {
                        // Transient (connection refused, 429, 5xx): retry the watch alone.
                        tracing::debug!(error = %e, "watch failed to start; retrying");
                        tokio::time::sleep(self.backoff.next_delay()).await;
                        continue;
                    }
                },
            };
            match self.consume(current).await? {
                WatchEnd::Expired => {
                    self.version_unavailable = true;
                    return Ok(());
                }
                WatchEnd::Closed { delivered: true } => {}
                WatchEnd::Closed { delivered: false } => {
                    tokio::time::sleep(self.backoff.next_delay()).await;
                }
            }
        }
    }

    fn watch_params(&self) -> WatchParams {
        let lp = &self.config.list_params;
        let min = self.config.min_watch_timeout.as_secs().max(1);
        let timeout = min + fastrand::u64(0..=min);
        WatchParams {
            label_selector: lp.label_selector.clone(),
            field_selector: lp.field_selector.clone(),
            timeout: Some(u32::try_from(timeout).unwrap_or(u32::MAX)),
            bookmarks: true,
            send_initial_events: false,
        }
    }

    /// client-go's `relistResourceVersion`.
    fn relist_version(&self) -> &str {
        if self.version_unavailable {
            ""
        } else if self.resource_version.is_empty() {
            "0"
        } else {
            &self.resource_version
        }
    }

    /// Lists every page and replaces the store's contents.
    async fn list(&mut self) -> Result<(), Failure> {
        let base = ListParams {
            limit: None,
            continue_token: None,
            resource_version: None,
            version_match: None,
            ..self.config.list_params.clone()
        };
        let version = self.relist_version().to_owned();
        let mut lp = ListParams {
            limit: self.config.page_size,
            resource_version: (!version.is_empty()).then_some(version),
            ..base.clone()
        };
        let mut items = Vec::new();
        let mut retried_expired = false;
        let resource_version = loop {
            match self.lw.list(&lp).await {
                Ok(page) => {
                    items.extend(page.items.into_iter().map(|o| self.writer.prepare(o)));
                    match page.continue_token {
                        Some(token) if lp.continue_token.as_deref() != Some(token.as_str()) => {
                            lp.continue_token = Some(token);
                            lp.resource_version = None;
                        }
                        Some(token) => {
                            return Err(Error::InvalidRequest(format!(
                                "the server returned the same continue token twice ({token:?})"
                            ))
                            .into());
                        }
                        None => break page.resource_version,
                    }
                }
                Err(e) if is_expired(&e) && !retried_expired => {
                    // An expired continue token, or a version too old: start over with a
                    // consistent read (without pages after an expired token, like
                    // client-go's pager, so that it cannot expire again).
                    retried_expired = true;
                    self.version_unavailable = true;
                    items.clear();
                    lp = ListParams {
                        limit: if lp.continue_token.is_some() {
                            None
                        } else {
                            self.config.page_size
                        },
                        ..base.clone()
                    };
                }
                Err(e) => return Err(e.into()),
            }
        };
        self.writer
            .replace_prepared(items, resource_version.clone());
        self.resource_version = resource_version;
        self.version_unavailable = false;
        Ok(())
    }

    async fn start_watch(&mut self) -> Result<WatchStream<K>, Error> {
        let wp = self.watch_params();
        self.lw.watch(&wp, &self.resource_version).await
    }

    /// A streaming list: collects the initial events up to the end bookmark, replaces the
    /// store, and returns the stream to keep watching on.
    async fn watch_list(&mut self) -> Result<WatchStream<K>, Failure> {
        let wp = self.watch_params().streaming_list();
        let version = if self.version_unavailable {
            String::new()
        } else {
            self.resource_version.clone()
        };
        let mut stream = self.lw.watch(&wp, &version).await?;
        let mut initial: HashMap<String, Arc<K>> = HashMap::new();
        while let Some(event) = stream.next().await {
            match event? {
                WatchEvent::Added(o) | WatchEvent::Modified(o) => {
                    let (key, object) = self.writer.prepare(o);
                    initial.insert(key, object);
                }
                WatchEvent::Deleted(o) => {
                    initial.remove(&object_key(&o));
                }
                WatchEvent::Bookmark(b) if b.is_initial_events_end() => {
                    self.writer.replace_prepared(
                        initial.into_iter().collect(),
                        b.resource_version.clone(),
                    );
                    self.resource_version = b.resource_version;
                    self.version_unavailable = false;
                    return Ok(stream);
                }
                WatchEvent::Bookmark(_) => {}
                WatchEvent::Error(status) => {
                    return Err(WatchEvent::<K>::Error(status)
                        .into_result()
                        .err()
                        .map_or(Failure::WatchListIncomplete, Failure::Client));
                }
            }
        }
        Err(Failure::WatchListIncomplete)
    }

    /// Applies a watch's events until it ends.
    async fn consume(&mut self, mut stream: WatchStream<K>) -> Result<WatchEnd, Failure> {
        let mut delivered = false;
        let mut resync = self.config.resync_period.map(|period| {
            let mut interval =
                tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            interval
        });
        loop {
            let next = tokio::select! {
                next = stream.next() => next,
                _ = async {
                    match resync.as_mut() {
                        Some(interval) => interval.tick().await,
                        None => std::future::pending().await,
                    }
                } => {
                    self.writer.resync();
                    continue;
                }
            };
            match next {
                None => return Ok(WatchEnd::Closed { delivered }),
                Some(Ok(event)) => {
                    delivered = true;
                    match event {
                        WatchEvent::Added(o) | WatchEvent::Modified(o) => {
                            self.note_version(&o);
                            self.writer.apply_upsert(o);
                        }
                        WatchEvent::Deleted(o) => {
                            self.note_version(&o);
                            self.writer.apply_delete(o);
                        }
                        WatchEvent::Bookmark(b) => {
                            if !b.resource_version.is_empty() {
                                self.writer.set_resource_version(&b.resource_version);
                                self.resource_version = b.resource_version;
                            }
                        }
                        WatchEvent::Error(status) => {
                            let message = status.message.clone().unwrap_or_default();
                            return match WatchEvent::<K>::Error(status).into_result() {
                                Err(e) if is_expired(&e) => Ok(WatchEnd::Expired),
                                _ => Err(Failure::Status(message)),
                            };
                        }
                    }
                }
                Some(Err(e @ Error::WatchDecode { .. })) => {
                    // An event we could not read is a change the store would miss: relist.
                    return Err(e.into());
                }
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "watch stream broke; resuming");
                    return Ok(WatchEnd::Closed { delivered });
                }
            }
        }
    }

    fn note_version(&mut self, object: &K) {
        if let Some(rv) = object.metadata().resource_version.as_deref() {
            if !rv.is_empty() {
                self.resource_version = rv.to_owned();
            }
        }
    }
}
