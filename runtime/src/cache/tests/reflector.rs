//! The reflector's paths: list + watch, resumption, 410, pages, watch-list, backoff.

use std::time::Duration;

use super::fake::{FakeApi, api_error, cm};
use super::*;

fn seeded(n: usize) -> FakeApi {
    let api = FakeApi::new();
    for i in 0..n {
        api.create(cm("ns", &format!("o{i}")));
    }
    api
}

#[tokio::test]
async fn store_equals_the_source_through_changes_drops_and_relists() {
    let api = seeded(3);
    let recorder = Recorder::default();
    let informer = informer(&api, fast_config());
    informer.add_event_handler(recorder.handler());
    let run = Running::start(informer);
    run.informer.wait_for_sync().await;
    assert_eq!(run.store_state(), api.objects());

    // Plain changes arrive through the watch.
    api.create(cm("ns", "new"));
    api.update("ns", "o0", "a");
    api.delete("ns", "o1");
    eventually("changes", || run.store_state() == api.objects()).await;

    // A watch the server ends (timeout) is resumed from the last version: no relist.
    api.close_watches();
    api.update("ns", "o2", "b");
    eventually("resumed watch", || run.store_state() == api.objects()).await;

    // So is a cut connection.
    eventually("a watch", || api.open_watches() == 1).await;
    api.break_watches();
    api.create(cm("ns", "after-cut"));
    eventually("after a cut", || run.store_state() == api.objects()).await;
    assert_eq!(api.lists().len(), 1, "no relist for a resumable watch");

    // 410 on the open watch: relist with a consistent read, then watch again.
    eventually("a watch", || api.open_watches() == 1).await;
    api.compact();
    api.expire_watches();
    api.update("ns", "o0", "c");
    eventually("after 410", || {
        api.lists().len() == 2 && run.store_state() == api.objects()
    })
    .await;
    let lists = api.lists();
    assert_eq!(lists[0].resource_version.as_deref(), Some("0"));
    assert_eq!(
        lists[1].resource_version, None,
        "relist after 410 is consistent"
    );

    // The handler's view equals the store, built from events in order.
    eventually("handler", || recorder.model() == api.objects()).await;
    assert_in_order(&recorder.seen());
    // Resume versions: every watch started from the version the store was at.
    for (wp, rv) in api.watches() {
        assert!(!rv.is_empty() && rv != "0", "watch from {rv:?}");
        assert!(wp.bookmarks);
        let timeout = wp.timeout.unwrap();
        assert!((300..=600).contains(&timeout), "timeoutSeconds {timeout}");
    }
    run.stop().await;
}

#[tokio::test]
async fn a_deletion_during_a_disconnect_arrives_as_a_tombstone() {
    let api = seeded(3);
    let recorder = Recorder::default();
    let informer = informer(&api, fast_config());
    informer.add_event_handler(recorder.handler());
    let run = Running::start(informer);
    run.informer.wait_for_sync().await;
    eventually("a watch", || api.open_watches() == 1).await;

    api.set_unreachable(true);
    api.delete("ns", "o1");
    api.update("ns", "o2", "x");
    api.compact();
    api.set_unreachable(false);

    eventually("relist", || run.store_state() == api.objects()).await;
    eventually("handler", || recorder.model() == api.objects()).await;
    let seen = recorder.seen();
    let tomb: Vec<&Seen> = seen.iter().filter(|s| s.key == "ns/o1").collect();
    assert_eq!(tomb.last().unwrap().kind, "tombstone", "{seen:?}");
    // The tombstone carries the last state the cache had.
    assert_eq!(tomb.last().unwrap().rv, "2", "o1 was created at version 2");
    assert!(seen.iter().all(|s| s.kind != "deleted"));
    run.stop().await;
}

#[tokio::test]
async fn pages_follow_continue_tokens() {
    let api = seeded(7);
    let config = ReflectorConfig {
        page_size: Some(2),
        ..fast_config()
    };
    let run = Running::start(informer(&api, config));
    run.informer.wait_for_sync().await;
    assert_eq!(run.store_state(), api.objects());
    let lists = api.lists();
    assert_eq!(lists.len(), 4);
    assert_eq!(lists[0].limit, Some(2));
    assert_eq!(lists[0].resource_version.as_deref(), Some("0"));
    assert_eq!(lists[0].continue_token, None);
    for later in &lists[1..] {
        assert!(later.continue_token.is_some());
        assert_eq!(later.resource_version, None);
    }
    assert_eq!(run.informer.last_synced_resource_version(), "7");
    run.stop().await;
}

#[tokio::test]
async fn an_expired_continue_token_restarts_the_list_whole() {
    let api = seeded(5);
    api.compact_after_lists(1);
    let config = ReflectorConfig {
        page_size: Some(2),
        ..fast_config()
    };
    let run = Running::start(informer(&api, config));
    run.informer.wait_for_sync().await;
    assert_eq!(run.store_state(), api.objects());
    let lists = api.lists();
    assert_eq!(lists.len(), 3, "{lists:?}");
    assert!(lists[1].continue_token.is_some());
    assert_eq!(lists[2].continue_token, None);
    assert_eq!(lists[2].limit, None, "the full list has no limit");
    assert_eq!(lists[2].resource_version, None);
    run.stop().await;
}

#[tokio::test]
async fn watch_list_when_the_server_supports_it() {
    let api = seeded(4).with_watch_list();
    let recorder = Recorder::default();
    let informer = informer(
        &api,
        ReflectorConfig {
            watch_list: true,
            ..fast_config()
        },
    );
    informer.add_event_handler(recorder.handler());
    let run = Running::start(informer);
    run.informer.wait_for_sync().await;
    assert_eq!(run.store_state(), api.objects());
    assert!(api.lists().is_empty(), "no list with watch-list");
    api.create(cm("ns", "live"));
    eventually("live event", || run.store_state() == api.objects()).await;
    let watches = api.watches();
    assert_eq!(watches.len(), 1, "the streaming list goes on as the watch");
    assert!(watches[0].0.send_initial_events);
    assert_eq!(watches[0].1, "");
    eventually("handler", || recorder.model() == api.objects()).await;
    let seen = recorder.seen();
    assert_eq!(seen.iter().filter(|s| s.kind == "initial").count(), 4);
    assert_eq!(seen.last().unwrap().kind, "added");
    run.stop().await;
}

#[tokio::test]
async fn a_refused_watch_list_falls_back_to_list_and_watch_for_good() {
    let api = seeded(2);
    let informer = informer(
        &api,
        ReflectorConfig {
            watch_list: true,
            ..fast_config()
        },
    );
    let run = Running::start(informer);
    run.informer.wait_for_sync().await;
    assert_eq!(run.store_state(), api.objects());
    eventually("a watch", || api.open_watches() == 1).await;
    // A relist later does not try the streaming list again.
    api.compact();
    api.expire_watches();
    eventually("relist", || api.lists().len() == 2).await;
    eventually("a watch", || api.open_watches() == 1).await;
    let streaming: Vec<bool> = api
        .watches()
        .iter()
        .map(|(wp, _)| wp.send_initial_events)
        .collect();
    assert_eq!(streaming, vec![true, false, false], "{streaming:?}");
    run.stop().await;
}

#[tokio::test]
async fn bookmarks_move_the_resume_version() {
    let api = seeded(1);
    let run = Running::start(informer(&api, fast_config()));
    run.informer.wait_for_sync().await;
    eventually("a watch", || api.open_watches() == 1).await;
    api.foreign_write();
    api.foreign_write();
    api.bookmark();
    eventually("bookmark", || {
        run.informer.last_synced_resource_version() == "3"
    })
    .await;
    api.close_watches();
    eventually("rewatch", || api.watches().len() == 2).await;
    assert_eq!(api.watches()[1].1, "3");
    run.stop().await;
}

#[tokio::test(start_paused = true)]
async fn failures_back_off_exponentially() {
    let api = seeded(1);
    for _ in 0..4 {
        api.fail_next_list(api_error(500, "InternalError", "boom"));
    }
    let config = ReflectorConfig {
        backoff: BackoffConfig {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(10),
            jitter: 0.0,
            ..BackoffConfig::default()
        },
        ..fast_config()
    };
    let start = tokio::time::Instant::now();
    let run = Running::start(informer(&api, config));
    run.informer.wait_for_sync().await;
    // 100 + 200 + 400 + 800 ms of backoff before the fifth list succeeds.
    assert_eq!(start.elapsed(), Duration::from_millis(1500));
    assert_eq!(api.lists().len(), 5);
    run.stop().await;
}

#[tokio::test]
async fn a_410_on_the_first_watch_relists_consistently() {
    let api = seeded(2);
    api.fail_next_watch(api_error(410, "Expired", "too old"));
    let run = Running::start(informer(&api, fast_config()));
    run.informer.wait_for_sync().await;
    eventually("relist", || api.lists().len() == 2).await;
    assert_eq!(api.lists()[1].resource_version, None);
    eventually("a watch", || api.open_watches() == 1).await;
    api.create(cm("ns", "z"));
    eventually("store", || run.store_state() == api.objects()).await;
    run.stop().await;
}
