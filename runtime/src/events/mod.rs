//! An event recorder for `events.k8s.io/v1` (client-go's `tools/events` recorder, with the
//! spam filter of `tools/record`).
//!
//! - **Series**: an event isomorphic to one recorded before (same action, reason,
//!   reporting controller, regarding and related objects; the note may differ) is not
//!   created again. The second occurrence patches `series: {count: 2, lastObservedTime}`
//!   onto the first event; later ones are counted in memory and written by
//!   [`EventRecorder::flush`] (client-go writes them every 30 minutes and when the series
//!   ends). A series ends after [`RecorderConfig::series_finish`] without an occurrence
//!   (client-go: 6 minutes); the next occurrence then creates a new event.
//! - **Spam filter**: per reporting controller and instance and regarding object, a token
//!   bucket of [`RecorderConfig::spam_burst`] (25) refilled by one every
//!   [`RecorderConfig::spam_refill`] (5 minutes); events beyond it are dropped.
//!
//! Unlike client-go, recording is not fire-and-forget: [`EventRecorder::record`] writes
//! before it returns (spawn it to not wait) and reports what it did.

mod types;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use types::{ApiEventSink, Event, EventSeries, EventSink, ObjectReference};

use crate::client::{Client, Result};
use crate::meta::v1::ObjectMeta;
use crate::resource::Resource;
use crate::time::MicroTime;

/// The longest note the API server accepts (1 kB); longer notes are truncated.
pub const MAX_NOTE_BYTES: usize = 1024;

/// `type` of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    /// Something expected happened.
    Normal,
    /// Something may need attention.
    Warning,
}

impl EventType {
    fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

/// Aggregation and spam-filter settings; the defaults are client-go's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecorderConfig {
    /// Events a source may emit about one object in a burst.
    pub spam_burst: u32,
    /// How long it takes to earn one more.
    pub spam_refill: Duration,
    /// A series ends when it has not recurred for this long.
    pub series_finish: Duration,
}

impl Default for RecorderConfig {
    fn default() -> Self {
        RecorderConfig {
            spam_burst: 25,
            spam_refill: Duration::from_secs(300),
            series_finish: Duration::from_secs(360),
        }
    }
}

/// What [`EventRecorder::record`] did.
#[derive(Clone, Debug, PartialEq)]
pub enum Recorded {
    /// A new event was created (the server's copy).
    Created(Event),
    /// An earlier isomorphic event became a series (the server's copy, `series.count` 2).
    SeriesStarted(Event),
    /// Counted in an existing series; written by the next [`EventRecorder::flush`].
    Counted,
    /// Dropped by the spam filter.
    Dropped,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SeriesKey {
    action: String,
    reason: String,
    regarding: ObjectReference,
    related: Option<ObjectReference>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SpamKey {
    api_version: Option<String>,
    kind: Option<String>,
    namespace: Option<String>,
    name: Option<String>,
    uid: Option<String>,
}

struct Cached {
    event: Event,
    /// Occurrences counted since the event was last written.
    dirty: bool,
    last: Instant,
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Default)]
struct State {
    series: HashMap<SeriesKey, Cached>,
    buckets: HashMap<SpamKey, Bucket>,
}

/// Records events about objects. Cheap to clone (clones share the aggregation state).
#[derive(Clone)]
pub struct EventRecorder {
    sink: Arc<dyn EventSink>,
    controller: String,
    instance: String,
    config: RecorderConfig,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for EventRecorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventRecorder")
            .field("controller", &self.controller)
            .field("instance", &self.instance)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn truncate_note(note: &str) -> String {
    if note.len() <= MAX_NOTE_BYTES {
        return note.to_owned();
    }
    let mut end = MAX_NOTE_BYTES;
    while !note.is_char_boundary(end) {
        end -= 1;
    }
    note[..end].to_owned()
}

impl EventRecorder {
    /// A recorder writing through the API as `reporting_controller` (such as
    /// `example.com/my-controller`) and `reporting_instance` (client-go uses
    /// `<controller>-<hostname>`).
    pub fn new(client: Client, reporting_controller: &str, reporting_instance: &str) -> Self {
        EventRecorder::with_sink(
            ApiEventSink::new(client),
            reporting_controller,
            reporting_instance,
            RecorderConfig::default(),
        )
    }

    /// A recorder writing to any sink, with its own settings.
    pub fn with_sink(
        sink: impl EventSink,
        reporting_controller: &str,
        reporting_instance: &str,
        config: RecorderConfig,
    ) -> Self {
        EventRecorder {
            sink: Arc::new(sink),
            controller: reporting_controller.to_owned(),
            instance: reporting_instance.to_owned(),
            config,
            state: Arc::default(),
        }
    }

    /// Records an event about a typed object (see [`EventRecorder::record`]).
    pub async fn record_for<K: Resource>(
        &self,
        regarding: &K,
        type_: EventType,
        reason: &str,
        action: &str,
        note: &str,
    ) -> Result<Recorded> {
        let reference = ObjectReference::from_resource(regarding);
        self.record(&reference, None, type_, reason, action, note)
            .await
    }

    /// Records an event: spam-filtered, then created, or aggregated into a series.
    pub async fn record(
        &self,
        regarding: &ObjectReference,
        related: Option<&ObjectReference>,
        type_: EventType,
        reason: &str,
        action: &str,
        note: &str,
    ) -> Result<Recorded> {
        if !self.take_token(regarding) {
            tracing::debug!(reason, "event dropped by the spam filter");
            return Ok(Recorded::Dropped);
        }
        let now = MicroTime::now();
        let key = SeriesKey {
            action: action.to_owned(),
            reason: reason.to_owned(),
            regarding: regarding.clone(),
            related: related.cloned(),
        };
        let start_series = {
            let mut state = self.state.lock();
            self.forget_finished(&mut state);
            match state.series.get_mut(&key) {
                Some(cached) => {
                    cached.last = Instant::now();
                    match cached.event.series.as_mut() {
                        Some(series) => {
                            series.count = series.count.saturating_add(1);
                            series.last_observed_time = now;
                            cached.dirty = true;
                            return Ok(Recorded::Counted);
                        }
                        None => {
                            let series = EventSeries {
                                count: 2,
                                last_observed_time: now,
                            };
                            cached.event.series = Some(series.clone());
                            Some((cached.event.clone(), series))
                        }
                    }
                }
                None => None,
            }
        };
        if let Some((event, series)) = start_series {
            let namespace = event.metadata.namespace.clone().unwrap_or_default();
            let name = event.metadata.name.clone().unwrap_or_default();
            return match self.sink.patch_series(&namespace, &name, &series).await {
                Ok(written) => {
                    self.remember(&key, written.clone());
                    Ok(Recorded::SeriesStarted(written))
                }
                Err(e) if e.is_not_found() => {
                    // The event expired on the server: start over with a new one.
                    self.state.lock().series.remove(&key);
                    self.create(key, event).await
                }
                Err(e) => Err(e),
            };
        }
        let namespace = regarding
            .namespace
            .clone()
            .filter(|ns| !ns.is_empty())
            .unwrap_or_else(|| "default".to_owned());
        let nanos = now.0.as_nanosecond();
        let event = Event {
            api_version: Event::API_VERSION.to_owned(),
            kind: Event::KIND.to_owned(),
            metadata: ObjectMeta {
                name: Some(format!(
                    "{}.{nanos:x}",
                    regarding.name.as_deref().unwrap_or("event")
                )),
                namespace: Some(namespace),
                ..ObjectMeta::default()
            },
            event_time: now,
            series: None,
            reporting_controller: Some(self.controller.clone()),
            reporting_instance: Some(self.instance.clone()),
            action: Some(action.to_owned()),
            reason: Some(reason.to_owned()),
            regarding: Some(regarding.clone()),
            related: related.cloned(),
            note: Some(truncate_note(note)),
            type_: Some(type_.as_str().to_owned()),
        };
        self.create(key, event).await
    }

    async fn create(&self, key: SeriesKey, mut event: Event) -> Result<Recorded> {
        event.series = None;
        event.metadata.resource_version = None;
        self.state.lock().series.insert(
            key.clone(),
            Cached {
                event: event.clone(),
                dirty: false,
                last: Instant::now(),
            },
        );
        match self.sink.create(event).await {
            Ok(created) => {
                self.remember(&key, created.clone());
                Ok(Recorded::Created(created))
            }
            Err(e) => {
                self.state.lock().series.remove(&key);
                Err(e)
            }
        }
    }

    /// Keeps the server's copy, without losing occurrences counted meanwhile.
    fn remember(&self, key: &SeriesKey, written: Event) {
        let mut state = self.state.lock();
        if let Some(cached) = state.series.get_mut(key) {
            let counted = cached.event.series.clone();
            let dirty = match (&counted, &written.series) {
                (Some(c), Some(w)) => c.count > w.count,
                (Some(_), None) => true,
                _ => false,
            };
            cached.event = written;
            if dirty {
                cached.event.series = counted;
            }
            cached.dirty = dirty;
        }
    }

    fn take_token(&self, regarding: &ObjectReference) -> bool {
        let key = SpamKey {
            api_version: regarding.api_version.clone(),
            kind: regarding.kind.clone(),
            namespace: regarding.namespace.clone(),
            name: regarding.name.clone(),
            uid: regarding.uid.clone(),
        };
        let burst = f64::from(self.config.spam_burst);
        let rate = 1.0 / self.config.spam_refill.as_secs_f64().max(f64::MIN_POSITIVE);
        let now = Instant::now();
        let mut state = self.state.lock();
        let bucket = state.buckets.entry(key).or_insert(Bucket {
            tokens: burst,
            last: now,
        });
        bucket.tokens =
            (bucket.tokens + now.duration_since(bucket.last).as_secs_f64() * rate).min(burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Drops finished series that have nothing left to write.
    fn forget_finished(&self, state: &mut State) {
        let finish = self.config.series_finish;
        state
            .series
            .retain(|_, c| c.dirty || c.last.elapsed() < finish);
        // Full buckets carry no information: forget them so the map does not grow forever.
        let refill_all = self
            .config
            .spam_refill
            .saturating_mul(self.config.spam_burst);
        state.buckets.retain(|_, b| b.last.elapsed() < refill_all);
    }

    /// Writes the counts of series that grew since they were last written, and forgets the
    /// series that have finished. Returns the first error (the others are retried on the
    /// next flush).
    pub async fn flush(&self) -> Result<()> {
        let pending: Vec<(SeriesKey, Event)> = {
            let state = self.state.lock();
            state
                .series
                .iter()
                .filter(|(_, c)| c.dirty)
                .map(|(k, c)| (k.clone(), c.event.clone()))
                .collect()
        };
        let mut first_error = None;
        for (key, event) in pending {
            let Some(series) = event.series.as_ref() else {
                continue;
            };
            let namespace = event.metadata.namespace.clone().unwrap_or_default();
            let name = event.metadata.name.clone().unwrap_or_default();
            match self.sink.patch_series(&namespace, &name, series).await {
                Ok(written) => self.remember(&key, written),
                Err(e) => {
                    tracing::warn!(error = %e, "writing an event series failed");
                    first_error.get_or_insert(e);
                }
            }
        }
        self.forget_finished(&mut self.state.lock());
        first_error.map_or(Ok(()), Err)
    }

    /// Flushes every `period` until cancelled, then once more.
    pub async fn run_flusher(&self, period: Duration, cancel: CancellationToken) {
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = tokio::time::sleep(period) => {}
            }
            // Errors are logged by flush and retried on the next round.
            let _ = self.flush().await;
        }
        let _ = self.flush().await;
    }
}
