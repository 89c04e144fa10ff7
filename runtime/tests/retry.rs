//! `retry_on_conflict`: read, change, write again while the server answers 409 Conflict.
#![cfg(feature = "client")]
// Helpers are test code too: a fixture that cannot be read should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Mutex;

use kubegen::api::{Api, PostParams};
use kubegen::retry::{Backoff, retry_on_conflict};
use support::types::ConfigMap;
use support::{Recorded, Reply, TestServer};

async fn run(conflicts: usize) -> (kubegen::Result<ConfigMap>, Vec<Recorded>) {
    let Some(t) = support::transcript("configmap-errors") else {
        return (Ok(ConfigMap::default()), vec![]);
    };
    let current = t.exchanges[4].reply(); // 200 with the object
    let conflict = t.exchanges[5].reply(); // 409 Conflict on a stale resourceVersion
    let puts = Mutex::new(0);
    let server = TestServer::http(move |r: &Recorded| match r.method.as_str() {
        "GET" => current.clone(),
        "PUT" => {
            let mut n = puts.lock().unwrap();
            *n += 1;
            if *n <= conflicts {
                conflict.clone()
            } else {
                current.clone()
            }
        }
        _ => Reply::text(599, "unexpected"),
    })
    .await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "configmap-errors");
    let result = retry_on_conflict(Backoff::DEFAULT_RETRY, || async {
        let mut cm = api.get("dup").await?;
        cm.data
            .get_or_insert_with(Default::default)
            .insert("k".into(), "v".into());
        api.replace("dup", &PostParams::default(), &cm).await
    })
    .await;
    (result, server.requests())
}

#[tokio::test]
async fn retries_conflicts_with_a_fresh_read() {
    let (result, requests) = run(3).await;
    if requests.is_empty() {
        return;
    }
    assert_eq!(result.unwrap().metadata.name.as_deref(), Some("dup"));
    let methods: Vec<_> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(
        methods,
        ["GET", "PUT", "GET", "PUT", "GET", "PUT", "GET", "PUT"]
    );
    assert_eq!(requests[1].json()["data"]["k"], "v");
}

#[tokio::test]
async fn gives_up_after_default_retry_steps() {
    let (result, requests) = run(100).await;
    if requests.is_empty() {
        return;
    }
    let err = result.unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(
        requests.iter().filter(|r| r.method == "PUT").count(),
        5,
        "DefaultRetry: 5 steps"
    );
}
