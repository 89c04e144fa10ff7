//! Watch streams: real event streams, streaming lists, 410 Gone, streams cut mid-object,
//! garbage lines, gzip, and the retry watcher resuming from the last resourceVersion.
#![cfg(feature = "client")]
// Helpers are test code too: a fixture that cannot be read should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Write as _;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::StreamExt;
use kubegen::api::{Api, WatchEvent, WatchParams};
use kubegen::{Error, Result};
use serde_json::{Value, json};
use support::types::ConfigMap;
use support::{Chunk, Recorded, Reply, TestServer, replay};

fn kind<K>(event: &WatchEvent<K>) -> &'static str {
    match event {
        WatchEvent::Added(_) => "ADDED",
        WatchEvent::Modified(_) => "MODIFIED",
        WatchEvent::Deleted(_) => "DELETED",
        WatchEvent::Bookmark(_) => "BOOKMARK",
        WatchEvent::Error(_) => "ERROR",
    }
}

async fn collect(
    api: &Api<ConfigMap>,
    wp: &WatchParams,
    rv: &str,
) -> Vec<Result<WatchEvent<ConfigMap>>> {
    api.watch(wp, rv).await.unwrap().collect().await
}

#[tokio::test]
async fn watch_decodes_a_real_event_stream() {
    let Some(t) = support::transcript("watch-events") else {
        return;
    };
    let exchange = t.exchanges[2].clone();
    let server = TestServer::http(replay(vec![exchange.clone()])).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "watch-events");
    let events = collect(&api, &WatchParams::default().timeout(5), "5934").await;
    let events: Vec<_> = events.into_iter().map(Result::unwrap).collect();
    let recorded = exchange.json().as_array().unwrap();
    assert_eq!(events.len(), recorded.len());
    for (event, raw) in events.iter().zip(recorded) {
        assert_eq!(kind(event), raw["type"]);
        assert_eq!(
            event.resource_version(),
            raw["object"]["metadata"]["resourceVersion"].as_str()
        );
    }
    match &events[0] {
        WatchEvent::Added(cm) => assert_eq!(cm.metadata.name.as_deref(), Some("w1")),
        other => panic!("{other:?}"),
    }
    let request = &server.requests()[0];
    assert_eq!(request.param("watch"), Some("true"));
    assert_eq!(request.param("allowWatchBookmarks"), Some("true"));
}

#[tokio::test]
async fn streaming_list_ends_initial_events_with_a_bookmark() {
    let Some(t) = support::transcript("watch-list") else {
        return;
    };
    let server =
        TestServer::http(replay(vec![t.exchanges[4].clone(), t.exchanges[9].clone()])).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "watch-list");
    let events: Vec<_> = collect(
        &api,
        &WatchParams::default().streaming_list().timeout(4),
        "",
    )
    .await
    .into_iter()
    .map(Result::unwrap)
    .collect();
    let kinds: Vec<_> = events.iter().map(kind).collect();
    assert_eq!(
        kinds,
        [
            "ADDED", "ADDED", "ADDED", "BOOKMARK", "ADDED", "BOOKMARK", "ADDED", "DELETED",
            "BOOKMARK"
        ]
    );
    let ends: Vec<bool> = events
        .iter()
        .filter_map(|e| match e {
            WatchEvent::Bookmark(b) => Some(b.is_initial_events_end()),
            _ => None,
        })
        .collect();
    assert_eq!(ends, [true, false, false]);

    let wp = WatchParams::default()
        .streaming_list()
        .labels("nothing=matches")
        .timeout(2);
    let events = collect(&api, &wp, "").await;
    assert_eq!(events.len(), 1);
    assert!(matches!(&events[0], Ok(WatchEvent::Bookmark(b)) if b.is_initial_events_end()));
}

#[tokio::test]
async fn too_old_resource_version_is_a_gone_error() {
    let Some(t) = support::transcript("watch-too-old") else {
        return;
    };
    let server = TestServer::http(replay(vec![t.exchanges[1].clone()])).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "watch-too-old");
    let events = collect(
        &api,
        &WatchParams::default().disable_bookmarks().timeout(5),
        "1",
    )
    .await;
    assert_eq!(events.len(), 1);
    let event = events.into_iter().next().unwrap().unwrap();
    let WatchEvent::Error(status) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(status.code, Some(410));
    assert_eq!(status.reason.as_deref(), Some("Expired"));
    let err = event.into_result().unwrap_err();
    assert!(err.is_gone(), "{err}");
    assert_eq!(err.code(), Some(410));
}

#[tokio::test]
async fn a_refused_watch_is_an_api_error() {
    let Some(t) = support::transcript("watch-list") else {
        return;
    };
    let refused = t.exchanges[11].reply();
    let server = TestServer::http(move |_| refused.clone()).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "watch-list");
    let err = api.watch(&WatchParams::default(), "").await.err().unwrap();
    assert!(err.is_invalid(), "{err}");
}

fn event_line(kind: &str, name: &str, rv: &str) -> Vec<u8> {
    let mut line = serde_json::to_vec(
        &json!({"type": kind, "object": {"kind": "ConfigMap", "apiVersion": "v1",
        "metadata": {"name": name, "resourceVersion": rv}}}),
    )
    .unwrap();
    line.push(b'\n');
    line
}

fn bookmark_line(rv: &str) -> Vec<u8> {
    let mut line = serde_json::to_vec(
        &json!({"type": "BOOKMARK", "object": {"kind": "ConfigMap", "apiVersion": "v1",
        "metadata": {"resourceVersion": rv, "creationTimestamp": null}}}),
    )
    .unwrap();
    line.push(b'\n');
    line
}

#[tokio::test]
async fn a_stream_cut_mid_object_is_a_typed_error() {
    let first = event_line("ADDED", "a", "10");
    let second = event_line("MODIFIED", "a", "11");
    for ending in [Some(Chunk::Abort), None] {
        let mut chunks = vec![
            Chunk::Data(first[..7].to_vec()),
            Chunk::Data(first[7..].to_vec()),
            Chunk::Data(second[..second.len() / 2].to_vec()),
        ];
        chunks.extend(ending.clone());
        let server = TestServer::http(move |_| Reply::stream(200, chunks.clone())).await;
        let api: Api<ConfigMap> = Api::namespaced(server.client(), "x");
        let events = collect(&api, &WatchParams::default(), "9").await;
        assert_eq!(events.len(), 2, "{ending:?}");
        assert!(matches!(&events[0], Ok(WatchEvent::Added(_))));
        assert!(
            matches!(&events[1], Err(Error::WatchTruncated { .. })),
            "{:?}",
            events[1]
        );
    }
}

#[tokio::test]
async fn garbage_lines_are_errors_and_the_stream_goes_on() {
    let mut chunks = vec![
        Chunk::Data(b"<html>proxy says hello</html>\n".to_vec()),
        Chunk::Data(event_line("ADDED", "a", "10")),
        Chunk::Data(br#"{"type": "ADDED", "object": {"metadata": {"name": 5}}}"#.to_vec()),
        Chunk::Data(b"\n\n".to_vec()),
        Chunk::Data(br#"{"type": "TELEPORTED", "object": {}}"#.to_vec()),
        Chunk::Data(b"\n".to_vec()),
        Chunk::Data(b"{\"type\": \"ERROR\", \"object\": \"not a status\"}\n".to_vec()),
    ];
    chunks.push(Chunk::Data(event_line("DELETED", "a", "12")));
    let server = TestServer::http(move |_| Reply::stream(200, chunks.clone())).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "x");
    let events = collect(&api, &WatchParams::default(), "9").await;
    let summary: Vec<&str> = events
        .iter()
        .map(|e| match e {
            Ok(event) => kind(event),
            Err(Error::WatchDecode { .. }) => "decode-error",
            Err(_) => "other-error",
        })
        .collect();
    assert_eq!(
        summary,
        [
            "decode-error",
            "ADDED",
            "decode-error",
            "decode-error",
            "decode-error",
            "DELETED"
        ]
    );
    let message = events[0].as_ref().unwrap_err().to_string();
    assert!(
        message.contains("<html>proxy says hello</html>"),
        "{message}"
    );
}

#[tokio::test]
async fn gzip_watch_streams_decode_incrementally() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for i in 0..50 {
        encoder
            .write_all(&event_line(
                "ADDED",
                &format!("cm-{i}"),
                &format!("{}", 100 + i),
            ))
            .unwrap();
    }
    let compressed = encoder.finish().unwrap();
    let chunks: Vec<Chunk> = compressed
        .chunks(17)
        .map(|c| Chunk::Data(c.to_vec()))
        .collect();
    let server = TestServer::http(move |_| {
        let mut reply = Reply::stream(200, chunks.clone());
        reply
            .headers
            .push(("Content-Encoding".into(), "gzip".into()));
        reply
    })
    .await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "x");
    let events = collect(&api, &WatchParams::default(), "9").await;
    assert_eq!(events.len(), 50);
    assert!(events.iter().all(|e| matches!(e, Ok(WatchEvent::Added(_)))));
}

#[tokio::test]
async fn retry_watcher_resumes_from_the_last_resource_version() {
    let Some(resume) = support::transcript("watch-resume") else {
        return;
    };
    let Some(too_old) = support::transcript("watch-too-old") else {
        return;
    };
    // 1: the real first watch (ends by timeout after a bookmark at 5964);
    // 2: the real resumption from that bookmark (recorded with timeoutSeconds=2);
    // 3: a version that has been compacted meanwhile: ERROR 410.
    let first = resume.exchanges[3].clone();
    let mut second = resume.exchanges[10].clone();
    second.path = "/api/v1/namespaces/watch-resume/configmaps?watch=1&resourceVersion=5964&allowWatchBookmarks=true&timeoutSeconds=3".into();
    let last_rv =
        second.json().as_array().unwrap().last().unwrap()["object"]["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .to_owned();
    let mut third = too_old.exchanges[2].clone();
    third.path = format!(
        "/api/v1/namespaces/watch-resume/configmaps?watch=1&resourceVersion={last_rv}&allowWatchBookmarks=true&timeoutSeconds=3"
    );
    let server = TestServer::http(replay(vec![first, second, third])).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "watch-resume");
    let items: Vec<_> = api
        .watch_retrying(&WatchParams::default().timeout(3), "5959")
        .collect()
        .await;
    let summary: Vec<String> = items
        .iter()
        .map(|e| match e {
            Ok(event) => kind(event).to_owned(),
            Err(e) if e.is_gone() => "GONE".to_owned(),
            Err(e) => format!("error: {e}"),
        })
        .collect();
    assert_eq!(
        summary,
        ["ADDED", "ADDED", "BOOKMARK", "MODIFIED", "DELETED", "GONE"]
    );
    let versions: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.param("resourceVersion").unwrap().to_owned())
        .collect();
    assert_eq!(versions, ["5959", "5964", last_rv.as_str()]);
}

#[tokio::test]
async fn retry_watcher_survives_dropped_connections() {
    let calls = Mutex::new(0);
    let server = TestServer::http(move |r: &Recorded| {
        let mut n = calls.lock().unwrap();
        *n += 1;
        match (*n, r.param("resourceVersion")) {
            // Two events, then the connection breaks in the middle of a third.
            (1, Some("100")) => Reply::stream(200, vec![
                Chunk::Data(event_line("ADDED", "a", "101")),
                Chunk::Data(event_line("MODIFIED", "a", "102")),
                Chunk::Data(b"{\"type\": \"MODI".to_vec()),
                Chunk::Abort,
            ]),
            // The server is briefly unavailable.
            (2, Some("102")) => Reply::json(503, &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "ServiceUnavailable", "code": 503})),
            // A watch that times out with only a bookmark.
            (3, Some("102")) => Reply::stream(200, vec![Chunk::Data(bookmark_line("150"))]),
            (4, Some("150")) => Reply::stream(200, vec![
                Chunk::Sleep(Duration::from_millis(20)),
                Chunk::Data(event_line("DELETED", "a", "151")),
            ]),
            (5, Some("151")) => Reply::json(403, &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403})),
            _ => Reply::text(599, &format!("unexpected request {n}: {:?}", r.query)),
        }
    })
    .await;
    let mut config = server.config();
    config.retry.max_retries = 0;
    let api: Api<ConfigMap> = Api::namespaced(kubegen::Client::try_from(config).unwrap(), "x");
    let items: Vec<_> = api
        .watch_retrying(&WatchParams::default(), "100")
        .collect()
        .await;
    let summary: Vec<String> = items
        .iter()
        .map(|e| match e {
            Ok(event) => format!(
                "{} {}",
                kind(event),
                event.resource_version().unwrap_or_default()
            ),
            Err(e) => format!("error {:?}", e.code()),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "ADDED 101",
            "MODIFIED 102",
            "BOOKMARK 150",
            "DELETED 151",
            "error Some(403)"
        ]
    );
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn retry_watcher_needs_a_resource_version() {
    let server = TestServer::http(|_| Reply::json(200, &Value::Null)).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "x");
    for rv in ["", "0"] {
        let items: Vec<_> = api
            .watch_retrying(&WatchParams::default(), rv)
            .collect()
            .await;
        assert_eq!(items.len(), 1);
        assert!(matches!(items[0], Err(Error::InvalidRequest(_))));
    }
    assert!(server.requests().is_empty());
}
