//! The cache machinery over real HTTP: informers from the factory (typed and dynamic, on a
//! real streaming-list transcript and on list + watch), the Lease lock of leader election,
//! and the event recorder's writes.
#![cfg(feature = "client")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kubegen::api::ListParams;
use kubegen::cache::{CancellationToken, Event, ReflectorConfig, Selector, SharedInformerFactory};
use kubegen::events::{EventRecorder, EventType, Recorded};
use kubegen::leaderelection::{Callbacks, LeaderElectionConfig, LeaderElector, LeaseApiLock};
use kubegen::{DynamicObject, ResourceDescriptor, Scope};
use serde_json::{Value, json};
use support::types::ConfigMap;
use support::{Chunk, Recorded as Request, Reply, TestServer};

fn watch_stream(events: &[Value]) -> Reply {
    let mut chunks: Vec<Chunk> = events
        .iter()
        .map(|e| {
            let mut line = serde_json::to_vec(e).unwrap();
            line.push(b'\n');
            Chunk::Data(line)
        })
        .collect();
    // Keep the watch open: the test ends it by shutting the informer down.
    chunks.push(Chunk::Sleep(Duration::from_secs(600)));
    Reply::stream(200, chunks)
}

fn keys_of(events: &[Value]) -> BTreeMap<String, String> {
    let mut state = BTreeMap::new();
    for e in events {
        let name = e["object"]["metadata"]["name"].as_str().unwrap_or_default();
        let rv = e["object"]["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match e["type"].as_str().unwrap() {
            "ADDED" | "MODIFIED" => {
                state.insert(format!("watch-list/{name}"), rv);
            }
            "DELETED" => {
                state.remove(&format!("watch-list/{name}"));
            }
            _ => {}
        }
    }
    state
}

async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn a_typed_informer_syncs_from_a_real_streaming_list() {
    let Some(t) = support::transcript("watch-list") else {
        return;
    };
    let exchange = t
        .exchanges
        .iter()
        .find(|e| e.path.contains("sendInitialEvents=true") && !e.path.contains("resourceVersion="))
        .unwrap();
    let events: Vec<Value> = exchange.json().as_array().unwrap().clone();
    let served = events.clone();
    let server = TestServer::http(move |r: &Request| {
        if r.param("watch") == Some("true") && r.param("sendInitialEvents") == Some("true") {
            watch_stream(&served)
        } else {
            Reply::json(
                404,
                &json!({"kind": "Status", "code": 404, "reason": "NotFound"}),
            )
        }
    })
    .await;
    let factory = SharedInformerFactory::builder(server.client())
        .namespace("watch-list")
        .build();
    let informer = factory.informer_for::<ConfigMap>();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let registration = informer.add_event_handler({
        let seen = Arc::clone(&seen);
        move |e: Event<ConfigMap>| seen.lock().unwrap().push(e.key())
    });
    factory.start().unwrap();
    assert!(factory.wait_for_cache_sync().await);
    registration.wait_for_sync().await;

    let expected = keys_of(&events);
    eventually("the live events", || {
        let got: BTreeMap<String, String> = informer
            .store()
            .list()
            .iter()
            .map(|o| {
                (
                    kubegen::cache::object_key(o.as_ref()),
                    o.metadata.resource_version.clone().unwrap_or_default(),
                )
            })
            .collect();
        got == expected
    })
    .await;
    let synced = factory.synced();
    assert_eq!(synced.len(), 1);
    assert!(synced[0].1);
    // One informer per type: asking again gives the same cache.
    assert_eq!(
        factory.informer_for::<ConfigMap>().store().len(),
        expected.len()
    );
    let lister = informer.lister();
    assert_eq!(
        lister
            .namespace("watch-list")
            .list(&Selector::everything())
            .len(),
        expected.len()
    );

    let watch = &server.requests()[0];
    assert_eq!(watch.path, "/api/v1/namespaces/watch-list/configmaps");
    assert_eq!(watch.param("resourceVersionMatch"), Some("NotOlderThan"));
    assert_eq!(watch.param("allowWatchBookmarks"), Some("true"));
    assert_eq!(watch.param("resourceVersion"), None);
    let timeout: u32 = watch.param("timeoutSeconds").unwrap().parse().unwrap();
    assert!((300..=600).contains(&timeout));

    tokio::time::timeout(Duration::from_secs(10), factory.shutdown())
        .await
        .expect("shutdown ends open watches");
    assert!(!seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_dynamic_informer_lists_then_watches_with_the_factory_settings() {
    let server = TestServer::http(|r: &Request| {
        if r.param("watch") == Some("true") {
            if r.param("sendInitialEvents").is_some() {
                return Reply::json(
                    422,
                    &json!({"kind": "Status", "code": 422, "reason": "Invalid",
                            "message": "sendInitialEvents is forbidden"}),
                );
            }
            return watch_stream(&[json!({"type": "ADDED", "object": {
                "apiVersion": "example.com/v1", "kind": "Widget",
                "metadata": {"name": "w2", "namespace": "ns", "resourceVersion": "11",
                             "labels": {"app": "web"}}}})]);
        }
        Reply::json(
            200,
            &json!({"apiVersion": "example.com/v1", "kind": "WidgetList",
                    "metadata": {"resourceVersion": "10"},
                    "items": [{"apiVersion": "example.com/v1", "kind": "Widget",
                               "metadata": {"name": "w1", "namespace": "ns", "resourceVersion": "9",
                                            "labels": {"app": "web"},
                                            "managedFields": [{"manager": "m"}]},
                               "spec": {"size": 1}}]}),
        )
    })
    .await;
    let widgets = ResourceDescriptor {
        group: "example.com".into(),
        version: "v1".into(),
        api_version: "example.com/v1".into(),
        kind: "Widget".into(),
        plural: "widgets".into(),
        scope: Scope::Namespaced,
    };
    let factory = SharedInformerFactory::builder(server.client())
        .namespace("ns")
        .tweak_list_params(|lp: &mut ListParams| lp.label_selector = Some("app=web".into()))
        .transform(|meta| meta.managed_fields = None)
        .reflector_config(ReflectorConfig::default())
        .build();
    let informer = factory.for_resource(&widgets);
    factory.start().unwrap();
    assert!(factory.wait_for_cache_sync().await);
    eventually("the watched widget", || informer.store().len() == 2).await;
    let w1: Arc<DynamicObject> = informer.store().get("ns/w1").unwrap();
    assert!(w1.metadata.managed_fields.is_none(), "transformed");
    assert_eq!(w1.data["spec"]["size"], 1);

    let requests = server.requests();
    let paths: Vec<String> = requests
        .iter()
        .map(|r| format!("{} {}", r.path, r.raw_query))
        .collect();
    assert_eq!(requests.len(), 3, "{paths:?}");
    // The refused streaming list, the list, the watch from the list's version.
    assert_eq!(requests[0].param("sendInitialEvents"), Some("true"));
    let list = &requests[1];
    assert_eq!(list.path, "/apis/example.com/v1/namespaces/ns/widgets");
    assert_eq!(list.param("watch"), None);
    assert_eq!(list.param("labelSelector"), Some("app=web"));
    assert_eq!(list.param("limit"), Some("500"));
    assert_eq!(list.param("resourceVersion"), Some("0"));
    let watch = &requests[2];
    assert_eq!(watch.param("resourceVersion"), Some("10"));
    assert_eq!(watch.param("labelSelector"), Some("app=web"));
    factory.shutdown().await;
}

#[tokio::test]
async fn leader_election_through_the_lease_api() {
    let lease: Arc<Mutex<Option<Value>>> = Arc::default();
    let server = TestServer::http({
        let lease = Arc::clone(&lease);
        move |r: &Request| {
            let mut lease = lease.lock().unwrap();
            let path = "/apis/coordination.k8s.io/v1/namespaces/ns/leases";
            let not_found = || {
                Reply::json(
                    404,
                    &json!({"kind": "Status", "code": 404, "reason": "NotFound"}),
                )
            };
            match (r.method.as_str(), r.path.as_str()) {
                ("GET", p) if p == format!("{path}/leader") => match &*lease {
                    Some(l) => Reply::json(200, l),
                    None => not_found(),
                },
                ("POST", p) if p == path => {
                    let mut body = r.json();
                    body["metadata"]["resourceVersion"] = json!("1");
                    *lease = Some(body.clone());
                    Reply::json(201, &body)
                }
                ("PUT", p) if p == format!("{path}/leader") => {
                    let mut body = r.json();
                    let current = lease.as_ref().unwrap()["metadata"]["resourceVersion"].clone();
                    if body["metadata"]["resourceVersion"] != current {
                        return Reply::json(
                            409,
                            &json!({"kind": "Status", "code": 409, "reason": "Conflict"}),
                        );
                    }
                    let next: u64 = current.as_str().unwrap().parse::<u64>().unwrap() + 1;
                    body["metadata"]["resourceVersion"] = json!(next.to_string());
                    *lease = Some(body.clone());
                    Reply::json(200, &body)
                }
                _ => not_found(),
            }
        }
    })
    .await;
    let config = LeaderElectionConfig {
        lease_duration: Duration::from_secs(2),
        renew_deadline: Duration::from_millis(1500),
        retry_period: Duration::from_millis(100),
        release_on_cancel: true,
        ..LeaderElectionConfig::new("candidate-a")
    };
    let started = CancellationToken::new();
    let callbacks = Callbacks::new().on_started_leading({
        let started = started.clone();
        move |_| started.cancel()
    });
    let lock = LeaseApiLock::new(server.client(), "ns", "leader");
    let mut elector = LeaderElector::new(lock, config, callbacks).unwrap();
    let status = elector.status();
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let cancel = cancel.clone();
        async move { elector.run(cancel).await }
    });
    tokio::time::timeout(Duration::from_secs(10), started.cancelled())
        .await
        .unwrap();
    assert!(status.is_leader());
    eventually("a renewal", || {
        server
            .requests()
            .iter()
            .filter(|r| r.method == "PUT")
            .count()
            >= 2
    })
    .await;
    cancel.cancel();
    task.await.unwrap();

    let requests = server.requests();
    let create = requests.iter().find(|r| r.method == "POST").unwrap().json();
    assert_eq!(create["apiVersion"], "coordination.k8s.io/v1");
    assert_eq!(create["kind"], "Lease");
    assert_eq!(create["metadata"]["name"], "leader");
    assert_eq!(create["spec"]["holderIdentity"], "candidate-a");
    assert_eq!(create["spec"]["leaseDurationSeconds"], 2);
    assert_eq!(create["spec"]["leaseTransitions"], 0);
    let renew = create["spec"]["renewTime"].as_str().unwrap();
    assert_eq!(renew.len(), "2026-11-22T06:24:49.837368Z".len(), "{renew}");
    let released = lease.lock().unwrap().clone().unwrap();
    assert_eq!(released["spec"]["holderIdentity"], "");
}

#[tokio::test]
async fn the_event_recorder_creates_then_patches_the_series() {
    let server = TestServer::http(|r: &Request| {
        let mut body = if r.body.is_empty() {
            json!({})
        } else {
            r.json()
        };
        body["metadata"]["resourceVersion"] = json!("7");
        if r.method == "PATCH" {
            body["metadata"]["name"] = json!(r.path.rsplit('/').next().unwrap());
            body["metadata"]["namespace"] = json!("events");
        }
        Reply::json(if r.method == "POST" { 201 } else { 200 }, &body)
    })
    .await;
    let recorder = EventRecorder::new(server.client(), "example.com/capture", "capture-1");
    let mut subject = ConfigMap::named("subject");
    subject.metadata.namespace = Some("events".into());
    subject.metadata.uid = Some("a98b4931".into());
    let first = recorder
        .record_for(
            &subject,
            EventType::Normal,
            "Synced",
            "Reconcile",
            "configmap synced",
        )
        .await
        .unwrap();
    assert!(matches!(first, Recorded::Created(_)));
    let second = recorder
        .record_for(
            &subject,
            EventType::Normal,
            "Synced",
            "Reconcile",
            "configmap synced",
        )
        .await
        .unwrap();
    assert!(matches!(second, Recorded::SeriesStarted(_)), "{second:?}");

    let requests = server.requests();
    assert_eq!(requests[0].method, "POST");
    assert_eq!(
        requests[0].path,
        "/apis/events.k8s.io/v1/namespaces/events/events"
    );
    let created = requests[0].json();
    assert_eq!(created["regarding"]["kind"], "ConfigMap");
    assert_eq!(created["regarding"]["apiVersion"], "v1");
    assert!(
        created["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("subject.")
    );
    assert_eq!(requests[1].method, "PATCH");
    assert_eq!(
        requests[1].header("content-type").as_deref(),
        Some("application/merge-patch+json")
    );
    let patch = requests[1].json();
    assert_eq!(patch["series"]["count"], 2);
    let observed = patch["series"]["lastObservedTime"].as_str().unwrap();
    assert_eq!(observed.len(), "2026-11-22T06:24:50.896439Z".len());
    assert_eq!(
        patch.as_object().unwrap().len(),
        1,
        "only the series is patched"
    );
}
