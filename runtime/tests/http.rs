//! The REST client's behaviour over HTTP: retries honouring Retry-After, warnings, gzip,
//! timeouts, rate limiting, and typed errors for every response body the real API server
//! sends (every exchange of every transcript) and for malformed ones.
#![cfg(feature = "client")]
// Helpers are test code too: a fixture that cannot be read should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use http::Method;
use kubegen::api::WatchParams;
use kubegen::client::Request;
use kubegen::dynamic::{DynamicApi, ResourceDescriptor};
use kubegen::{Client, Error, GroupVersionKind, Scope};
use serde_json::{Value, json};
use support::{Chunk, LogBuffer, Recorded, Reply, TestServer};

fn status(code: u16, reason: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
           "message": format!("{reason} happened"), "reason": reason, "code": code})
}

/// Answers with `replies` in turn, then with the last one.
fn sequence(replies: Vec<Reply>) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    let next = Mutex::new(0usize);
    move |_| {
        let mut n = next.lock().unwrap();
        let reply = replies[(*n).min(replies.len() - 1)].clone();
        *n += 1;
        reply
    }
}

#[tokio::test]
async fn retries_429_and_503_honouring_retry_after() {
    let ok = Reply::json(
        200,
        &json!({"kind": "ConfigMap", "metadata": {"name": "a"}}),
    );
    let server = TestServer::http(sequence(vec![
        Reply::json(429, &status(429, "TooManyRequests")).header("Retry-After", "1"),
        Reply::json(503, &status(503, "ServiceUnavailable")).header("Retry-After", "0"),
        ok.clone(),
    ]))
    .await;
    let client = server.client();
    let start = Instant::now();
    let cm: Value = client
        .request(Request::get("/api/v1/namespaces/a/configmaps/a"))
        .await
        .unwrap();
    assert_eq!(cm["metadata"]["name"], "a");
    assert_eq!(server.requests().len(), 3);
    // Retry-After: 1 was honoured (a lower bound only, so this cannot flake).
    assert!(start.elapsed() >= Duration::from_secs(1));

    // A POST is retried on 429 (not processed) but not on 503 (maybe processed).
    let server = TestServer::http(sequence(vec![
        Reply::json(429, &status(429, "TooManyRequests")).header("Retry-After", "0"),
        Reply::json(503, &status(503, "ServiceUnavailable")).header("Retry-After", "0"),
        ok.clone(),
    ]))
    .await;
    let err = server
        .client()
        .request::<Value>(
            Request::post("/api/v1/namespaces/a/configmaps")
                .json(&json!({}))
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(503));
    assert_eq!(server.requests().len(), 2);

    // A plain 500 is not retried; the retry budget is bounded.
    let server = TestServer::http(sequence(vec![Reply::json(
        500,
        &status(500, "InternalError"),
    )]))
    .await;
    let err = server
        .client()
        .request::<Value>(Request::get("/x"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(500));
    assert_eq!(server.requests().len(), 1);
    let server = TestServer::http(sequence(vec![
        Reply::json(429, &status(429, "TooManyRequests")).header("Retry-After", "0"),
    ]))
    .await;
    let mut config = server.config();
    config.retry.max_retries = 3;
    let err = Client::try_from(config)
        .unwrap()
        .request::<Value>(Request::get("/x"))
        .await
        .unwrap_err();
    assert!(err.is_too_many_requests(), "{err}");
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn future_resource_version_504_is_retried_with_retry_after() {
    let Some(t) = support::transcript("list-resource-version") else {
        return;
    };
    let timeout = t.exchanges.iter().find(|e| e.status == 504).unwrap();
    assert!(
        timeout
            .headers
            .iter()
            .any(|(k, v)| k == "Retry-After" && v == "1")
    );
    let mut reply = timeout.reply();
    // Keep the real body and status, but do not make the test wait a second per try.
    reply.headers.retain(|(k, _)| k != "Retry-After");
    reply.headers.push(("Retry-After".into(), "0".into()));
    let server = TestServer::http(sequence(vec![reply])).await;
    let mut config = server.config();
    config.retry.max_retries = 2;
    let err = Client::try_from(config)
        .unwrap()
        .request::<Value>(Request::get("/api/v1/namespaces/x/configmaps"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(504));
    assert_eq!(err.reason(), Some("Timeout"));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn warnings_are_surfaced_once_each() {
    let Some(t) = support::transcript("field-validation") else {
        return;
    };
    let warned = t
        .exchanges
        .iter()
        .find(|e| e.headers.iter().filter(|(k, _)| k == "Warning").count() == 2)
        .unwrap();
    let server = TestServer::http(sequence(vec![warned.reply()])).await;
    let client = server.client();
    let logs = LogBuffer::default();
    let _guard = logs.install();
    for _ in 0..3 {
        client
            .request::<Value>(
                Request::post("/api/v1/namespaces/x/configmaps")
                    .json(&json!({}))
                    .unwrap(),
            )
            .await
            .unwrap();
    }
    assert_eq!(
        client.warnings(),
        [
            r#"unknown field "metadata.bogusMeta""#,
            r#"unknown field "spec""#
        ]
    );
    let logs = logs.contents();
    assert_eq!(logs.matches("unknown field \"spec\"").count(), 1, "{logs}");
    assert_eq!(
        logs.matches("unknown field \"metadata.bogusMeta\"").count(),
        1,
        "{logs}"
    );
    assert!(logs.contains("WARN"), "{logs}");
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn gzip_responses_are_decompressed() {
    let body = json!({"kind": "ConfigMap", "metadata": {"name": "zipped"}, "data": {"k": "v".repeat(10_000)}});
    let server = TestServer::http(move |r: &Recorded| {
        assert_eq!(r.header("accept-encoding").as_deref(), Some("gzip"));
        Reply::new(
            200,
            "application/json",
            gzip(&serde_json::to_vec(&body).unwrap()),
        )
        .header("Content-Encoding", "gzip")
    })
    .await;
    let cm: Value = server
        .client()
        .request(Request::get("/api/v1/namespaces/a/configmaps/zipped"))
        .await
        .unwrap();
    assert_eq!(cm["data"]["k"].as_str().unwrap().len(), 10_000);

    // Asking for no compression.
    let server = TestServer::http(|r: &Recorded| {
        assert_eq!(r.header("accept-encoding"), None);
        Reply::json(200, &json!({}))
    })
    .await;
    let mut config = server.config();
    config.disable_compression = true;
    Client::try_from(config)
        .unwrap()
        .request::<Value>(Request::get("/x"))
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn malformed_responses_are_typed_errors() {
    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply::new(
                200,
                "application/json",
                r#"{"kind":"ConfigMap","metadata":{"name":"#,
            ),
            "decode",
        ),
        (
            Reply::new(200, "application/json", r#"{"kind":"ConfigMap"} trailing"#),
            "decode",
        ),
        (
            Reply::new(200, "application/json", r#"{"metadata": {"name": 5}}"#),
            "decode-at-field",
        ),
        (
            Reply::new(
                502,
                "text/html",
                "<html><body><h1>502 Bad Gateway</h1></body></html>",
            ),
            "unexpected",
        ),
        (
            Reply::new(200, "text/html; charset=utf-8", "<html>login page</html>"),
            "unexpected",
        ),
        (Reply::new(500, "application/json", ""), "unexpected"),
        (
            Reply::new(403, "application/json", r#"{"error": "not a Status"}"#),
            "unexpected",
        ),
        (
            Reply::new(
                200,
                "application/vnd.kubernetes.protobuf",
                vec![0x6b, 0x38, 0x73, 0x00],
            ),
            "media",
        ),
        (
            Reply::new(200, "application/yaml", "kind: ConfigMap\n"),
            "media",
        ),
    ];
    for (reply, expected) in cases {
        let server = TestServer::http(sequence(vec![reply.clone()])).await;
        let mut config = server.config();
        config.retry.max_retries = 0;
        let client = Client::try_from(config).unwrap();
        let err = client
            .request::<kubegen::dynamic::DynamicObject>(Request::get(
                "/api/v1/namespaces/a/configmaps/x",
            ))
            .await
            .unwrap_err();
        let ok = match expected {
            "decode" => matches!(err, Error::Decode { .. }),
            "decode-at-field" => matches!(&err, Error::Decode { at, .. } if at == "metadata.name"),
            "unexpected" => matches!(err, Error::UnexpectedResponse { .. }),
            "media" => matches!(err, Error::UnsupportedMediaType { .. }),
            _ => unreachable!(),
        };
        assert!(ok, "{expected}: {err:?}");
        // The message names the request.
        assert!(
            err.to_string()
                .contains("/api/v1/namespaces/a/configmaps/x"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn timeouts_and_connection_failures() {
    let server = TestServer::http(|_| {
        Reply::stream(
            200,
            vec![
                Chunk::Sleep(Duration::from_secs(5)),
                Chunk::Data(b"{}".to_vec()),
            ],
        )
    })
    .await;
    let mut config = server.config();
    config.timeout = Some(Duration::from_millis(200));
    let err = Client::try_from(config)
        .unwrap()
        .request::<Value>(Request::get("/slow"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");

    // Nobody listens: a connection error after the retries.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut config = kubegen::Config::new(url.parse().unwrap());
    config.retry.max_retries = 1;
    config.retry.initial_backoff = Duration::from_millis(1);
    let err = Client::try_from(config)
        .unwrap()
        .request::<Value>(Request::get("/x"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { .. }), "{err}");
}

#[tokio::test]
async fn rate_limiting_spaces_requests() {
    let server = TestServer::http(|_| Reply::json(200, &json!({}))).await;
    let mut config = server.config();
    config.rate_limit = Some(kubegen::config::RateLimit {
        qps: 20.0,
        burst: 2,
    });
    let client = Client::try_from(config).unwrap();
    let start = Instant::now();
    for _ in 0..6 {
        client.request::<Value>(Request::get("/x")).await.unwrap();
    }
    // 2 at once, then 4 more at 20/s: at least 200 ms (only a lower bound is checked).
    assert!(
        start.elapsed() >= Duration::from_millis(190),
        "{:?}",
        start.elapsed()
    );
}

/// Which typed error (or success) a recorded response must give.
fn descriptor_for(path: &str) -> Option<(ResourceDescriptor, Option<String>)> {
    let path = path.split('?').next().unwrap();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (group, version, rest) = match segments.as_slice() {
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return None,
    };
    // The legacy `/watch/` prefix: the client uses `?watch=true` on the collection instead.
    // (It may name one object: watched through the collection here.)
    let (namespace, plural) = match rest {
        ["watch", "namespaces", ns, plural, ..] | ["namespaces", ns, plural] => {
            (Some(ns.to_string()), *plural)
        }
        ["watch", plural, ..] | [plural] => (None, *plural),
        _ => return None,
    };
    let gvk = GroupVersionKind::new(group, version, "Unknown");
    let scope = if namespace.is_some() {
        Scope::Namespaced
    } else {
        Scope::Cluster
    };
    Some((ResourceDescriptor::from_gvk(&gvk, plural, scope), namespace))
}

/// Every response of every transcript goes through the client: JSON bodies decode, error
/// bodies become typed errors with the server's code and reason, plain-text 404s become
/// "unexpected response" errors, protobuf becomes "unsupported media type", and watch
/// streams decode into as many events as were recorded.
#[tokio::test]
async fn every_transcript_response_decodes() {
    let Some(dir) = support::specs_dir() else {
        return;
    };
    let current: Arc<Mutex<Option<Reply>>> = Arc::new(Mutex::new(None));
    let server = {
        let current = current.clone();
        TestServer::http(move |_| current.lock().unwrap().clone().unwrap()).await
    };
    let mut config = server.config();
    config.retry.max_retries = 0;
    let client = Client::try_from(config).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let (mut checked, mut watches, mut errors) = (0, 0, 0);
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
    {
        let name = file.file_stem().unwrap().to_str().unwrap();
        let transcript = support::transcript(name).unwrap();
        for exchange in &transcript.exchanges {
            let context = format!(
                "{name}: {} {} -> {}",
                exchange.method, exchange.path, exchange.status
            );
            *current.lock().unwrap() = Some(exchange.reply());
            let content_type = exchange
                .headers
                .iter()
                .find(|(k, _)| k == "Content-Type")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let watched = descriptor_for(&exchange.path)
                .filter(|_| exchange.is_watch() && exchange.status == 200);
            if let Some((descriptor, namespace)) = watched {
                let api = match namespace {
                    Some(ns) => DynamicApi::namespaced(client.clone(), &ns, &descriptor),
                    None => DynamicApi::all(client.clone(), &descriptor),
                };
                match api.watch(&WatchParams::default(), "").await {
                    Ok(stream) => {
                        let events: Vec<_> = stream.collect().await;
                        let recorded = exchange.json().as_array().unwrap();
                        assert_eq!(events.len(), recorded.len(), "{context}");
                        for (event, raw) in events.iter().zip(recorded) {
                            let event = event.as_ref().unwrap_or_else(|e| panic!("{context}: {e}"));
                            let kind = match event {
                                kubegen::api::WatchEvent::Added(_) => "ADDED",
                                kubegen::api::WatchEvent::Modified(_) => "MODIFIED",
                                kubegen::api::WatchEvent::Deleted(_) => "DELETED",
                                kubegen::api::WatchEvent::Bookmark(_) => "BOOKMARK",
                                kubegen::api::WatchEvent::Error(_) => "ERROR",
                            };
                            assert_eq!(kind, raw["type"], "{context}");
                        }
                    }
                    Err(e) => {
                        assert!(content_type.contains("protobuf"), "{context}: {e}");
                        assert!(
                            matches!(e, Error::UnsupportedMediaType { .. }),
                            "{context}: {e}"
                        );
                    }
                }
                watches += 1;
                continue;
            }
            if exchange.body.is_none()
                && exchange.body_text.is_none()
                && exchange.body_base64.is_none()
            {
                // 304s and large-list summaries: no body to decode.
                continue;
            }
            let method = Method::from_bytes(exchange.method.as_bytes()).unwrap();
            let result = client
                .request::<Value>(Request::new(method, "/replayed"))
                .await;
            checked += 1;
            match (exchange.status, result) {
                (200..=299, Ok(value)) => {
                    assert_eq!(Some(&value), exchange.body.as_ref(), "{context}");
                    let _: kubegen::dynamic::DynamicObject = serde_json::from_value(value).unwrap();
                }
                (200..=299, Err(e)) => {
                    let unsupported = matches!(e, Error::UnsupportedMediaType { .. });
                    let text = exchange.body_text.is_some() && matches!(e, Error::Decode { .. });
                    assert!(unsupported || text, "{context}: {e}");
                }
                (_, Ok(_)) => panic!("{context}: an error status decoded as success"),
                (status, Err(e)) => {
                    errors += 1;
                    match &exchange.body {
                        Some(body) if body["kind"] == "Status" => {
                            assert!(matches!(e, Error::Api(_)), "{context}: {e:?}");
                            assert_eq!(e.code(), Some(status), "{context}");
                            assert_eq!(e.reason(), body["reason"].as_str(), "{context}");
                            let api = e.status().unwrap();
                            assert_eq!(serde_json::to_value(api).unwrap(), *body, "{context}");
                            assert_eq!(
                                e.is_not_found(),
                                status == 404 && body["reason"] == "NotFound",
                                "{context}"
                            );
                            assert_eq!(e.is_conflict(), body["reason"] == "Conflict", "{context}");
                            assert_eq!(
                                e.is_already_exists(),
                                body["reason"] == "AlreadyExists",
                                "{context}"
                            );
                            assert_eq!(e.is_gone(), status == 410, "{context}");
                        }
                        Some(_) => assert!(
                            matches!(e, Error::UnexpectedResponse { .. }),
                            "{context}: {e:?}"
                        ),
                        None if exchange.body_base64.is_some() => {
                            assert!(
                                matches!(e, Error::UnsupportedMediaType { .. }),
                                "{context}: {e:?}"
                            )
                        }
                        None => assert!(
                            matches!(e, Error::UnexpectedResponse { .. }),
                            "{context}: {e:?}"
                        ),
                    }
                }
            }
        }
    }
    eprintln!("checked {checked} responses ({errors} errors) and {watches} watch streams");
    assert!(
        checked > 500 && errors > 100 && watches > 20,
        "{checked} {errors} {watches}"
    );
}
