//! The runtime client (`kubegen::Client`) against a started [`TestServer`].
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use futures_util::StreamExt;
use kubegen::api::{
    DeleteParams, DynamicApi, DynamicObject, ListParams, Patch, PatchParams, PostParams,
    ResourceDescriptor, WatchEvent, WatchParams,
};
use kubegen::resource::{GroupVersionKind, Scope};
use kubegen_testserver::TestServer;
use serde_json::json;

fn configmaps() -> ResourceDescriptor {
    ResourceDescriptor::from_gvk(
        &GroupVersionKind::new("", "v1", "ConfigMap"),
        "configmaps",
        Scope::Namespaced,
    )
}

fn configmap(name: &str, data: serde_json::Value) -> DynamicObject {
    DynamicObject::new(name, &configmaps()).data(json!({ "data": data }))
}

#[tokio::test]
async fn crud_list_and_errors_through_the_client() {
    let server = TestServer::start().await.unwrap();
    let client = kubegen::Client::new(server.config()).unwrap();
    let api = DynamicApi::namespaced(client.clone(), "default", &configmaps());

    let created = api
        .create(&PostParams::default(), &configmap("a", json!({"k": "1"})))
        .await
        .unwrap();
    assert!(created.metadata.uid.is_some());
    let rv: u64 = created
        .metadata
        .resource_version
        .clone()
        .unwrap()
        .parse()
        .unwrap();
    assert!(rv > 1);

    let duplicate = api
        .create(&PostParams::default(), &configmap("a", json!({})))
        .await
        .unwrap_err();
    assert!(
        duplicate.to_string().contains("already exists"),
        "{duplicate}"
    );

    let patched = api
        .patch(
            "a",
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"k": "2"}})),
        )
        .await
        .unwrap();
    assert_eq!(patched.data["data"]["k"], "2");
    let patched_rv: u64 = patched
        .metadata
        .resource_version
        .clone()
        .unwrap()
        .parse()
        .unwrap();
    assert!(patched_rv > rv);

    for name in ["b", "c"] {
        api.create(&PostParams::default(), &configmap(name, json!({})))
            .await
            .unwrap();
    }
    // kube-root-ca.crt exists in every namespace, as in a real cluster.
    let all = api.list(&ListParams::default()).await.unwrap();
    let names: Vec<_> = all
        .items
        .iter()
        .map(|o| o.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["a", "b", "c", "kube-root-ca.crt"]);
    let page = api.list(&ListParams::default().limit(2)).await.unwrap();
    assert_eq!(page.items.len(), 2);
    let token = page.metadata.continue_.clone().unwrap();
    let rest = api
        .list(&ListParams::default().limit(2).continue_token(&token))
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 2);

    api.delete("a", &DeleteParams::default()).await.unwrap();
    let missing = api.get("a").await.unwrap_err();
    assert!(missing.to_string().contains("not found"), "{missing}");
}

#[tokio::test]
async fn watches_see_changes_and_expire_after_compaction() {
    let server = TestServer::start().await.unwrap();
    let client = kubegen::Client::new(server.config()).unwrap();
    let api = DynamicApi::namespaced(client, "default", &configmaps());
    let list = api.list(&ListParams::default()).await.unwrap();
    let rv = list.metadata.resource_version.clone().unwrap();
    let params = WatchParams {
        timeout: Some(5),
        ..WatchParams::default()
    };
    let mut events = api.watch(&params, &rv).await.unwrap().boxed();
    api.create(&PostParams::default(), &configmap("w", json!({})))
        .await
        .unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(matches!(first, WatchEvent::Added(ref o) if o.metadata.name.as_deref() == Some("w")));

    server.compact();
    let mut stale = api.watch(&params, &rv).await.unwrap().boxed();
    let error = tokio::time::timeout(Duration::from_secs(5), stale.next())
        .await
        .unwrap()
        .unwrap();
    let text = match error {
        Ok(WatchEvent::Error(status)) => status.message.unwrap_or_default(),
        Err(error) => error.to_string(),
        Ok(other) => panic!("expected a 410 error, got {other:?}"),
    };
    assert!(text.contains("too old resource version"), "{text}");
}

#[tokio::test]
async fn read_only_tokens_cannot_write_and_faults_fail_requests() {
    let server = TestServer::start().await.unwrap();
    let reader = kubegen::Client::new(server.config_with_token(server.read_only_token())).unwrap();
    let api = DynamicApi::namespaced(reader, "default", &configmaps());
    api.list(&ListParams::default()).await.unwrap();
    let denied = api
        .create(&PostParams::default(), &configmap("x", json!({})))
        .await
        .unwrap_err();
    assert!(
        denied
            .to_string()
            .contains("User \"viewer\" cannot create resource \"configmaps\""),
        "{denied}"
    );

    let mut config = server.config();
    config.retry.max_retries = 0;
    let admin = DynamicApi::namespaced(
        kubegen::Client::new(config).unwrap(),
        "default",
        &configmaps(),
    );
    server.fail_next(1, 503, Some(1));
    let failed = admin.get("kube-root-ca.crt").await.unwrap_err();
    assert!(
        failed.to_string().contains("503") || failed.to_string().contains("unable"),
        "{failed}"
    );
    admin.get("kube-root-ca.crt").await.unwrap();
}

#[tokio::test]
async fn the_kubeconfig_points_at_the_server() {
    let server = TestServer::start().await.unwrap();
    let text = std::fs::read_to_string(server.kubeconfig_path()).unwrap();
    assert!(text.contains(server.url()));
    let config = kubegen::Config::from_kubeconfig_file(
        server.kubeconfig_path(),
        &kubegen::config::KubeConfigOptions::default(),
    )
    .unwrap();
    let client = kubegen::Client::new(config).unwrap();
    let version = client.apiserver_version().await.unwrap();
    assert!(
        version.git_version.starts_with("v1.32"),
        "{}",
        version.git_version
    );
}
