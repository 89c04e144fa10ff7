use futures_util::future::BoxFuture;

use super::*;
use crate::cache::tests::fake::api_error;

/// A sink that keeps events in memory and logs each write.
#[derive(Clone, Default)]
struct MemorySink {
    events: Arc<Mutex<HashMap<(String, String), Event>>>,
    log: Arc<Mutex<Vec<String>>>,
}

impl EventSink for MemorySink {
    fn create(&self, mut event: Event) -> BoxFuture<'_, Result<Event>> {
        Box::pin(async move {
            let ns = event.metadata.namespace.clone().unwrap_or_default();
            let name = event.metadata.name.clone().unwrap_or_default();
            event.metadata.resource_version = Some("1".into());
            self.log.lock().push(format!("create {ns}/{name}"));
            self.events.lock().insert((ns, name), event.clone());
            Ok(event)
        })
    }

    fn patch_series<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
        series: &'a EventSeries,
    ) -> BoxFuture<'a, Result<Event>> {
        Box::pin(async move {
            self.log
                .lock()
                .push(format!("patch {namespace}/{name} count={}", series.count));
            let mut events = self.events.lock();
            match events.get_mut(&(namespace.to_owned(), name.to_owned())) {
                Some(event) => {
                    event.series = Some(series.clone());
                    Ok(event.clone())
                }
                None => Err(api_error(404, "NotFound", "no such event")),
            }
        })
    }
}

fn subject() -> ObjectReference {
    ObjectReference {
        api_version: Some("v1".into()),
        kind: Some("ConfigMap".into()),
        namespace: Some("events".into()),
        name: Some("subject".into()),
        uid: Some("a98b4931".into()),
        resource_version: Some("6255".into()),
        field_path: None,
    }
}

fn recorder(sink: &MemorySink) -> EventRecorder {
    EventRecorder::with_sink(
        sink.clone(),
        "example.com/capture",
        "capture-1",
        RecorderConfig::default(),
    )
}

fn log(sink: &MemorySink) -> Vec<String> {
    sink.log.lock().clone()
}

#[tokio::test(start_paused = true)]
async fn first_event_is_created_as_the_server_expects() {
    let sink = MemorySink::default();
    let r = recorder(&sink);
    let recorded = r
        .record(
            &subject(),
            None,
            EventType::Normal,
            "Synced",
            "Reconcile",
            "configmap synced",
        )
        .await
        .unwrap();
    let Recorded::Created(event) = recorded else {
        panic!("{recorded:?}")
    };
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["apiVersion"], "events.k8s.io/v1");
    assert_eq!(json["kind"], "Event");
    assert_eq!(json["metadata"]["namespace"], "events");
    assert!(
        json["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("subject.")
    );
    assert_eq!(json["reportingController"], "example.com/capture");
    assert_eq!(json["reportingInstance"], "capture-1");
    assert_eq!(json["action"], "Reconcile");
    assert_eq!(json["reason"], "Synced");
    assert_eq!(json["note"], "configmap synced");
    assert_eq!(json["type"], "Normal");
    assert_eq!(json["regarding"]["uid"], "a98b4931");
    assert!(json.get("series").is_none());
    // eventTime: exactly six fractional digits, as the server requires.
    let time = json["eventTime"].as_str().unwrap();
    assert_eq!(time.rsplit('.').next().unwrap().len(), 7, "{time}");
}

#[tokio::test(start_paused = true)]
async fn repeats_become_a_series() {
    let sink = MemorySink::default();
    let r = recorder(&sink);
    let record = |note: &'static str| {
        let r = r.clone();
        async move {
            r.record(
                &subject(),
                None,
                EventType::Normal,
                "Synced",
                "Reconcile",
                note,
            )
            .await
            .unwrap()
        }
    };
    assert!(matches!(record("one").await, Recorded::Created(_)));
    // The note does not make events different.
    let second = record("two").await;
    let Recorded::SeriesStarted(event) = second else {
        panic!("{second:?}")
    };
    assert_eq!(event.series.as_ref().unwrap().count, 2);
    assert_eq!(record("three").await, Recorded::Counted);
    assert_eq!(record("four").await, Recorded::Counted);
    // Another reason is another event.
    let other = r
        .record(
            &subject(),
            None,
            EventType::Warning,
            "Failed",
            "Reconcile",
            "x",
        )
        .await
        .unwrap();
    assert!(matches!(other, Recorded::Created(_)));
    r.flush().await.unwrap();
    let lines = log(&sink);
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(lines[0].starts_with("create events/subject."));
    assert!(lines[1].ends_with("count=2"));
    assert!(lines[2].starts_with("create"));
    assert!(lines[3].ends_with("count=4"));
    // Nothing new: nothing written.
    r.flush().await.unwrap();
    assert_eq!(sink.log.lock().len(), 4);
}

#[tokio::test(start_paused = true)]
async fn a_finished_series_starts_a_new_event() {
    let sink = MemorySink::default();
    let r = recorder(&sink);
    let s = subject();
    let go = || r.record(&s, None, EventType::Normal, "Synced", "Reconcile", "n");
    go().await.unwrap();
    go().await.unwrap();
    go().await.unwrap();
    tokio::time::advance(Duration::from_secs(7 * 60)).await;
    // The last count is written before the series is forgotten.
    r.flush().await.unwrap();
    assert!(sink.log.lock().last().unwrap().ends_with("count=3"));
    assert!(matches!(go().await.unwrap(), Recorded::Created(_)));
    assert_eq!(sink.events.lock().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_series_whose_event_vanished_is_created_again() {
    let sink = MemorySink::default();
    let r = recorder(&sink);
    let s = subject();
    let go = || r.record(&s, None, EventType::Normal, "Synced", "Reconcile", "n");
    go().await.unwrap();
    sink.events.lock().clear();
    assert!(matches!(go().await.unwrap(), Recorded::Created(_)));
}

#[tokio::test(start_paused = true)]
async fn the_spam_filter_allows_a_burst_of_25_then_one_per_5_minutes() {
    let sink = MemorySink::default();
    let r = recorder(&sink);
    let mut dropped = 0;
    for i in 0..30 {
        // Different reasons: the filter works per object, not per series.
        let outcome = r
            .record(
                &subject(),
                None,
                EventType::Normal,
                &format!("R{i}"),
                "A",
                "n",
            )
            .await
            .unwrap();
        if outcome == Recorded::Dropped {
            dropped += 1;
        }
    }
    assert_eq!(dropped, 5);
    assert_eq!(sink.events.lock().len(), 25);
    // Another object has its own bucket.
    let mut other = subject();
    other.name = Some("other".into());
    assert!(matches!(
        r.record(&other, None, EventType::Normal, "R", "A", "n")
            .await
            .unwrap(),
        Recorded::Created(_)
    ));
    tokio::time::advance(Duration::from_secs(300)).await;
    let s = subject();
    let go = |reason: &'static str| r.record(&s, None, EventType::Normal, reason, "A", "n");
    assert!(matches!(go("late").await.unwrap(), Recorded::Created(_)));
    assert_eq!(go("later").await.unwrap(), Recorded::Dropped);
}

#[test]
fn long_notes_are_truncated_on_a_character_boundary() {
    let note = "é".repeat(600);
    let t = truncate_note(&note);
    assert!(t.len() <= MAX_NOTE_BYTES);
    assert_eq!(t.len(), 1024);
    assert!(truncate_note("short") == "short");
}
