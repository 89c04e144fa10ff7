//! The shared informer: handlers, their queues, their sync, removal, resync.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::fake::{FakeApi, cm};
use super::*;
use crate::cache::AsyncHandler;

#[tokio::test]
async fn a_slow_handler_blocks_neither_others_nor_the_reflector() {
    let api = FakeApi::new();
    for i in 0..5 {
        api.create(cm("ns", &format!("o{i}")));
    }
    let informer = informer(&api, fast_config());
    let fast = Recorder::default();
    let slow = Recorder::default();
    let gate = Arc::new(Semaphore::new(0));
    informer.add_event_handler(fast.handler());
    let slow_registration = informer.add_event_handler(AsyncHandler({
        let gate = Arc::clone(&gate);
        let mut record = slow.handler();
        move |event: Event<ConfigMap>| {
            let gate = Arc::clone(&gate);
            record(event);
            async move {
                // Each event waits for a permit: the handler is stuck until released.
                gate.acquire().await.unwrap().forget();
            }
        }
    }));
    let run = Running::start(informer);
    run.informer.wait_for_sync().await;
    for i in 0..50 {
        api.update("ns", &format!("o{}", i % 5), &i.to_string());
    }
    api.delete("ns", "o3");
    eventually("fast handler", || fast.model() == api.objects()).await;
    eventually("store", || run.store_state() == api.objects()).await;
    assert_eq!(
        slow.seen().len(),
        1,
        "the slow handler is still on its first event"
    );
    assert!(slow_registration.backlog() > 50);
    assert!(!slow_registration.has_synced());

    gate.add_permits(1000);
    eventually("slow handler", || slow.model() == api.objects()).await;
    slow_registration.wait_for_sync().await;
    // Both saw the same events in the same order.
    assert_eq!(slow.seen(), fast.seen());
    let seen = fast.seen();
    assert_eq!(seen.len(), 5 + 50 + 1);
    assert!(seen[..5].iter().all(|s| s.kind == "initial"));
    assert!(seen[5..55].iter().all(|s| s.kind == "updated"));
    assert_eq!(seen[55].kind, "deleted");
    assert_in_order(&seen);
    run.stop().await;
}

#[tokio::test]
async fn a_late_handler_gets_the_current_state_and_its_own_sync() {
    let api = FakeApi::new();
    api.create(cm("ns", "a"));
    api.create(cm("ns", "b"));
    let run = Running::start(informer(&api, fast_config()));
    run.informer.wait_for_sync().await;
    assert!(run.informer.has_synced());

    let late = Recorder::default();
    let registration = run.informer.add_event_handler(late.handler());
    registration.wait_for_sync().await;
    let mut kinds: Vec<(&str, String)> = late
        .seen()
        .iter()
        .map(|s| (s.kind, s.key.clone()))
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec![
            ("initial", "ns/a".to_owned()),
            ("initial", "ns/b".to_owned())
        ]
    );
    api.create(cm("ns", "c"));
    eventually("late handler", || late.model() == api.objects()).await;
    assert_eq!(late.seen().last().unwrap().kind, "added");
    run.stop().await;
}

#[tokio::test]
async fn handlers_added_before_the_start_sync_after_their_initial_events() {
    let api = FakeApi::new();
    for i in 0..20 {
        api.create(cm("ns", &format!("o{i}")));
    }
    let informer = informer(&api, fast_config());
    let count = Arc::new(AtomicUsize::new(0));
    let registration = informer.add_event_handler({
        let count = Arc::clone(&count);
        move |_: Event<ConfigMap>| {
            count.fetch_add(1, Ordering::SeqCst);
        }
    });
    assert!(!registration.has_synced());
    let run = Running::start(informer);
    registration.wait_for_sync().await;
    // Synced means every initial event was handled.
    assert_eq!(count.load(Ordering::SeqCst), 20);
    run.stop().await;
}

#[tokio::test]
async fn a_removed_handler_is_called_no_more() {
    let api = FakeApi::new();
    api.create(cm("ns", "a"));
    let run = Running::start(informer(&api, fast_config()));
    let kept = Recorder::default();
    let removed = Recorder::default();
    run.informer.add_event_handler(kept.handler());
    let registration = run.informer.add_event_handler(removed.handler());
    registration.wait_for_sync().await;
    registration.remove();
    assert!(registration.is_removed());
    api.create(cm("ns", "b"));
    eventually("kept handler", || kept.model() == api.objects()).await;
    assert_eq!(removed.seen().len(), 1);
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn resync_redelivers_the_cache_as_updates() {
    let api = FakeApi::new();
    api.create(cm("ns", "a"));
    api.create(cm("ns", "b"));
    let informer = SharedInformer::new(
        api.clone(),
        InformerConfig {
            reflector: fast_config(),
            resync: Some(Duration::from_secs(30)),
        },
    );
    let every_30 = Recorder::default();
    let every_60 = Recorder::default();
    let never = Recorder::default();
    informer.add_event_handler(every_30.handler());
    informer.add_event_handler_with_resync(every_60.handler(), Duration::from_secs(60));
    informer.add_event_handler_with_resync(never.handler(), Duration::ZERO);
    let run = Running::start(informer);
    run.informer.wait_for_sync().await;
    tokio::time::sleep(Duration::from_secs(125)).await;
    let resyncs = |r: &Recorder| r.seen().iter().filter(|s| s.kind == "resync").count();
    assert_eq!(resyncs(&every_30), 2 * 4, "{:?}", every_30.seen());
    assert_eq!(resyncs(&every_60), 2 * 2);
    assert_eq!(resyncs(&never), 0);
    run.stop().await;
}

#[tokio::test]
async fn transform_and_indexers_apply_to_the_shared_cache() {
    let api = FakeApi::new();
    let mut labelled = cm("ns", "a");
    labelled.metadata.labels = Some([("app".to_owned(), "web".to_owned())].into());
    labelled.metadata.managed_fields = Some(vec![Default::default()]);
    api.create(labelled);
    api.create(cm("other", "b"));
    let informer = informer(&api, fast_config());
    informer
        .set_transform(|mut c: ConfigMap| {
            c.metadata.managed_fields = None;
            c
        })
        .unwrap();
    informer
        .add_indexer("app", |c: &ConfigMap| {
            c.metadata
                .labels
                .iter()
                .flatten()
                .filter(|(k, _)| *k == "app")
                .map(|(_, v)| v.clone())
                .collect()
        })
        .unwrap();
    let run = Running::start(informer);
    run.informer.wait_for_sync().await;
    assert!(
        run.informer.set_transform(|c: ConfigMap| c).is_err(),
        "too late for a transform"
    );
    let store = run.informer.store();
    assert_eq!(store.index_keys("app", "web").unwrap(), vec!["ns/a"]);
    assert!(store.get("ns/a").unwrap().metadata.managed_fields.is_none());
    let lister = run.informer.lister();
    assert_eq!(
        lister
            .namespace("other")
            .list(&Selector::everything())
            .len(),
        1
    );
    assert_eq!(lister.list(&"app=web".parse().unwrap()).len(), 1);
    run.stop().await;
}

#[tokio::test]
async fn stopping_ends_handler_tasks_and_a_second_run_returns() {
    let api = FakeApi::new();
    api.create(cm("ns", "a"));
    let informer = informer(&api, fast_config());
    let registration = informer.add_event_handler(|_: Event<ConfigMap>| {});
    let run = Running::start(informer.clone());
    run.informer.wait_for_sync().await;
    // A second run is refused at once.
    tokio::time::timeout(
        Duration::from_secs(5),
        informer.run(CancellationToken::new()),
    )
    .await
    .unwrap();
    run.stop().await;
    assert!(registration.is_removed());
}

use crate::cache::Selector;
