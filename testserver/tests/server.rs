//! Behaviour of the started server through the runtime client and raw HTTP:
//! bookmarks and streaming lists, selector transitions, deletion propagation,
//! client certificates, fault injection over HTTP, and the binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures_util::StreamExt;
use kubegen::api::{
    DeleteParams, DynamicApi, DynamicObject, ListParams, Patch, PatchParams, PostParams,
    ResourceDescriptor, WatchEvent, WatchParams,
};
use kubegen::resource::{GroupVersionKind, Scope};
use kubegen_testserver::TestServer;
use serde_json::{Value, json};

fn configmaps() -> ResourceDescriptor {
    ResourceDescriptor::from_gvk(
        &GroupVersionKind::new("", "v1", "ConfigMap"),
        "configmaps",
        Scope::Namespaced,
    )
}

fn configmap(name: &str, labels: Value) -> DynamicObject {
    let mut object = DynamicObject::new(name, &configmaps()).data(json!({"data": {"k": "v"}}));
    object.metadata.labels = serde_json::from_value(labels).unwrap();
    object
}

async fn fast_server() -> TestServer {
    TestServer::builder()
        .bookmarks(Duration::from_millis(300), Duration::from_secs(60))
        .future_resource_version_wait(Duration::from_millis(100))
        .start()
        .await
        .unwrap()
}

async fn next_event(
    events: &mut (impl futures_util::Stream<Item = kubegen::Result<WatchEvent<DynamicObject>>> + Unpin),
) -> WatchEvent<DynamicObject> {
    tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .expect("an event in time")
        .expect("the stream goes on")
        .expect("no error")
}

#[tokio::test]
async fn streaming_lists_end_their_initial_events_with_a_bookmark() {
    let server = fast_server().await;
    let client = kubegen::Client::new(server.config()).unwrap();
    let api = DynamicApi::namespaced(client, "default", &configmaps());
    api.create(&PostParams::default(), &configmap("one", json!({})))
        .await
        .unwrap();
    let params = WatchParams::default().streaming_list().timeout(2);
    let mut events = api.watch(&params, "").await.unwrap().boxed();
    let mut names = Vec::new();
    loop {
        match next_event(&mut events).await {
            WatchEvent::Added(object) => names.push(object.metadata.name.unwrap()),
            WatchEvent::Bookmark(bookmark) => {
                assert!(bookmark.is_initial_events_end());
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(names, ["kube-root-ca.crt", "one"]);
}

#[tokio::test]
async fn bookmarks_come_before_the_timeout_and_objects_leaving_a_selector_are_deleted() {
    let server = fast_server().await;
    let client = kubegen::Client::new(server.config()).unwrap();
    let api = DynamicApi::namespaced(client, "default", &configmaps());
    api.create(&PostParams::default(), &configmap("x", json!({"app": "a"})))
        .await
        .unwrap();
    let rv = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let params = WatchParams::default().labels("app=a").timeout(1);
    let mut events = api.watch(&params, &rv).await.unwrap().boxed();
    api.patch(
        "x",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"app": "b"}}})),
    )
    .await
    .unwrap();
    match next_event(&mut events).await {
        WatchEvent::Deleted(object) => {
            // The previous state, with the new resourceVersion.
            assert_eq!(object.metadata.labels.unwrap()["app"], "a");
            assert_ne!(
                object.metadata.resource_version.as_deref(),
                Some(rv.as_str())
            );
        }
        other => panic!("expected DELETED, got {other:?}"),
    }
    match next_event(&mut events).await {
        WatchEvent::Bookmark(_) => {}
        other => panic!("expected a bookmark before the timeout, got {other:?}"),
    }
    let end = tokio::time::timeout(Duration::from_secs(3), events.next())
        .await
        .unwrap();
    assert!(end.is_none(), "the stream ends at the timeout");
}

#[tokio::test]
async fn deletion_propagates_like_the_garbage_collector() {
    let server = fast_server().await;
    let client = kubegen::Client::new(server.config()).unwrap();
    let api = DynamicApi::namespaced(client, "default", &configmaps());
    let create_owned = |name: &str, owner: &DynamicObject, block: bool| {
        let mut object = configmap(name, json!({}));
        object.metadata.owner_references = Some(vec![
            serde_json::from_value(json!({"apiVersion": "v1", "kind": "ConfigMap",
                "name": owner.metadata.name, "uid": owner.metadata.uid,
                "blockOwnerDeletion": block}))
            .unwrap(),
        ]);
        object
    };
    // Background: the dependent goes with its owner.
    let owner = api
        .create(&PostParams::default(), &configmap("owner", json!({})))
        .await
        .unwrap();
    api.create(&PostParams::default(), &create_owned("dep", &owner, false))
        .await
        .unwrap();
    api.delete("owner", &DeleteParams::background())
        .await
        .unwrap();
    assert!(api.get_opt("dep").await.unwrap().is_none());

    // Orphan: the dependent stays and loses its ownerReference.
    let owner = api
        .create(&PostParams::default(), &configmap("owner", json!({})))
        .await
        .unwrap();
    api.create(&PostParams::default(), &create_owned("kept", &owner, false))
        .await
        .unwrap();
    api.delete("owner", &DeleteParams::orphan()).await.unwrap();
    assert!(api.get_opt("owner").await.unwrap().is_none());
    let kept = api.get("kept").await.unwrap();
    assert!(
        kept.metadata
            .owner_references
            .unwrap_or_default()
            .is_empty()
    );

    // Foreground: the owner waits for a blocking dependent held by a finalizer.
    let owner = api
        .create(&PostParams::default(), &configmap("owner", json!({})))
        .await
        .unwrap();
    let mut blocker = create_owned("blocker", &owner, true);
    blocker.metadata.finalizers = Some(vec!["example.com/hold".into()]);
    api.create(&PostParams::default(), &blocker).await.unwrap();
    api.delete("owner", &DeleteParams::foreground())
        .await
        .unwrap();
    let waiting = api.get("owner").await.unwrap();
    assert!(waiting.metadata.deletion_timestamp.is_some());
    assert_eq!(
        waiting.metadata.finalizers.unwrap(),
        ["foregroundDeletion".to_owned()]
    );
    api.patch(
        "blocker",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    assert!(api.get_opt("blocker").await.unwrap().is_none());
    assert!(api.get_opt("owner").await.unwrap().is_none());
}

#[tokio::test]
async fn client_certificates_authenticate_by_common_name_and_organization() {
    let server = TestServer::start().await.unwrap();
    for (group, allowed) in [(Some("system:masters"), true), (Some("dev"), false)] {
        let certificate = server.client_certificate("carol", group).unwrap();
        let mut config = server.config();
        config.credentials = Default::default();
        config.identity = Some(kubegen::config::Identity {
            cert_pem: certificate.cert_pem.into_bytes(),
            key_pem: kubegen::config::Secret::new(certificate.key_pem.into_bytes()),
        });
        let api = DynamicApi::namespaced(
            kubegen::Client::new(config).unwrap(),
            "default",
            &configmaps(),
        );
        let result = api.list(&ListParams::default()).await;
        match (allowed, result) {
            (true, Ok(_)) => {}
            (false, Err(error)) => {
                assert!(
                    error.to_string().contains("User \"carol\" cannot list"),
                    "{error}"
                )
            }
            (_, other) => panic!("group {group:?}: {other:?}"),
        }
    }
}

/// A raw HTTP request to a plain-HTTP server.
async fn raw(
    address: &str,
    method: &str,
    path: &str,
    token: &str,
) -> (u16, Vec<(String, String)>, String) {
    use http_body_util::{BodyExt, Full};
    let stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(connection);
    let request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", address)
        .header("authorization", format!("Bearer {token}"))
        .body(Full::new(bytes::Bytes::new()))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn faults_are_injected_over_http() {
    let server = TestServer::builder()
        .plain_http(true)
        .start()
        .await
        .unwrap();
    let address = server.url().trim_start_matches("http://").to_owned();
    let token = server.admin_token().to_owned();
    let list = "/api/v1/namespaces/default/configmaps";

    // Only administrators may inject faults.
    let (status, _, _) = raw(
        &address,
        "POST",
        "/testserver/faults/fail?count=1&status=503",
        server.read_only_token(),
    )
    .await;
    assert_eq!(status, 403);

    let (status, _, _) = raw(
        &address,
        "POST",
        "/testserver/faults/fail?count=2&status=429&retryAfter=7",
        &token,
    )
    .await;
    assert_eq!(status, 200);
    for _ in 0..2 {
        let (status, headers, body) = raw(&address, "GET", list, &token).await;
        assert_eq!(status, 429, "{body}");
        assert!(headers.iter().any(|(k, v)| k == "retry-after" && v == "7"));
    }
    assert_eq!(raw(&address, "GET", list, &token).await.0, 200);

    raw(
        &address,
        "POST",
        "/testserver/faults/latency?ms=150",
        &token,
    )
    .await;
    let started = std::time::Instant::now();
    raw(&address, "GET", list, &token).await;
    assert!(started.elapsed() >= Duration::from_millis(150));
    raw(&address, "POST", "/testserver/faults/latency?ms=0", &token).await;

    // A compaction makes older resourceVersions expire.
    let (_, _, body) = raw(&address, "GET", list, &token).await;
    let rv: Value = serde_json::from_str(&body).unwrap();
    let rv = rv["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = kubegen::Client::new(server.config()).unwrap();
    DynamicApi::namespaced(client, "default", &configmaps())
        .create(&PostParams::default(), &configmap("later", json!({})))
        .await
        .unwrap();
    assert_eq!(
        raw(&address, "POST", "/testserver/faults/compact", &token)
            .await
            .0,
        200
    );
    let exact = format!("{list}?resourceVersion={rv}&resourceVersionMatch=Exact");
    let (status, _, body) = raw(&address, "GET", &exact, &token).await;
    assert_eq!(status, 410, "{body}");
    let watch = format!("{list}?watch=1&resourceVersion={rv}");
    let (status, _, body) = raw(&address, "GET", &watch, &token).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("\"type\":\"ERROR\"") && body.contains("too old resource version"),
        "{body}"
    );
}

#[tokio::test]
async fn dropping_watches_ends_every_open_stream() {
    let server = fast_server().await;
    let client = kubegen::Client::new(server.config()).unwrap();
    let api = DynamicApi::namespaced(client, "default", &configmaps());
    let rv = api
        .list(&ListParams::default())
        .await
        .unwrap()
        .metadata
        .resource_version
        .unwrap();
    let mut events = api
        .watch(&WatchParams::default().timeout(30), &rv)
        .await
        .unwrap()
        .boxed();
    tokio::time::sleep(Duration::from_millis(50)).await;
    server.drop_watches();
    let end = tokio::time::timeout(Duration::from_secs(3), events.next())
        .await
        .expect("the stream ends at once");
    assert!(end.is_none());
}

#[tokio::test]
async fn the_binary_prints_ready_and_exits_cleanly_on_sigterm() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_kubegen-testserver"))
        .args(["--listen", "127.0.0.1:0", "--kubeconfig"])
        .arg(&kubeconfig)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let url = line.strip_prefix("ready ").expect("a ready line");
    assert!(url.starts_with("https://127.0.0.1:"), "{line}");
    let config = kubegen::Config::from_kubeconfig_file(
        &kubeconfig,
        &kubegen::config::KubeConfigOptions::default(),
    )
    .unwrap();
    let client = kubegen::Client::new(config).unwrap();
    let api = DynamicApi::namespaced(client, "default", &configmaps());
    api.get("kube-root-ca.crt").await.unwrap();
    let pid = child.id().unwrap();
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");
}
