//! Tests of the reflector and the shared informer against a scripted in-memory API.

pub(crate) mod fake;
mod informer;
mod reflector;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio_util::sync::CancellationToken;

use super::{BackoffConfig, Event, InformerConfig, ReflectorConfig, SharedInformer};
use crate::resource::test_support::ConfigMap;
use fake::FakeApi;

/// Fast timers for tests.
fn fast_config() -> ReflectorConfig {
    ReflectorConfig {
        backoff: BackoffConfig {
            initial: Duration::from_millis(1),
            max: Duration::from_millis(20),
            ..BackoffConfig::default()
        },
        watch_list: false,
        ..ReflectorConfig::default()
    }
}

/// Polls `cond` until it holds (panics after 10 s).
async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// One recorded handler event: kind, key, resourceVersion.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Seen {
    kind: &'static str,
    key: String,
    rv: String,
}

fn describe(event: &Event<ConfigMap>) -> Seen {
    let kind = match event {
        Event::Added {
            is_in_initial_list: true,
            ..
        } => "initial",
        Event::Added { .. } => "added",
        Event::Updated { .. } if event.is_resync() => "resync",
        Event::Updated { .. } => "updated",
        Event::Deleted {
            final_state_unknown: true,
            ..
        } => "tombstone",
        Event::Deleted { .. } => "deleted",
    };
    Seen {
        kind,
        key: event.key(),
        rv: event
            .object()
            .metadata
            .resource_version
            .clone()
            .unwrap_or_default(),
    }
}

/// A handler that records what it sees and applies it to a model of the server's state.
#[derive(Clone, Default)]
struct Recorder {
    seen: Arc<Mutex<Vec<Seen>>>,
    model: Arc<Mutex<BTreeMap<String, ConfigMap>>>,
}

impl Recorder {
    fn handler(&self) -> impl FnMut(Event<ConfigMap>) + Send + 'static {
        let this = self.clone();
        move |event| {
            this.seen.lock().push(describe(&event));
            let mut model = this.model.lock();
            match &event {
                Event::Added { object, .. } | Event::Updated { new: object, .. } => {
                    model.insert(event.key(), (**object).clone());
                }
                Event::Deleted { .. } => {
                    model.remove(&event.key());
                }
            }
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().clone()
    }

    fn model(&self) -> BTreeMap<String, ConfigMap> {
        self.model.lock().clone()
    }
}

/// A running informer over a fake API.
struct Running {
    informer: SharedInformer<ConfigMap>,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    fn start(informer: SharedInformer<ConfigMap>) -> Running {
        let cancel = CancellationToken::new();
        let task = tokio::spawn({
            let informer = informer.clone();
            let cancel = cancel.clone();
            async move { informer.run(cancel).await }
        });
        Running {
            informer,
            cancel,
            task,
        }
    }

    async fn stop(self) {
        self.cancel.cancel();
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .unwrap()
            .unwrap();
    }

    fn store_state(&self) -> BTreeMap<String, ConfigMap> {
        self.informer
            .store()
            .list()
            .into_iter()
            .map(|o| (super::object_key(o.as_ref()), (*o).clone()))
            .collect()
    }
}

fn informer(api: &FakeApi, config: ReflectorConfig) -> SharedInformer<ConfigMap> {
    SharedInformer::new(
        api.clone(),
        InformerConfig {
            reflector: config,
            resync: None,
        },
    )
}

/// Per key, the versions a handler saw never go back (relists may repeat one).
fn assert_in_order(seen: &[Seen]) {
    let mut last: BTreeMap<&str, u64> = BTreeMap::new();
    for s in seen {
        let rv: u64 = s.rv.parse().unwrap();
        if let Some(prev) = last.get(s.key.as_str()) {
            assert!(
                rv >= *prev,
                "{} went back from {prev} to {rv}: {seen:?}",
                s.key
            );
        }
        last.insert(&s.key, rv);
    }
}
