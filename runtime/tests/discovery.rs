//! Discovery (legacy and aggregated, with fallback, ETag revalidation and the cache) and the
//! REST mapper, against the real discovery documents.
#![cfg(feature = "client")]
// Helpers are test code too: a fixture that cannot be read should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::{Arc, Mutex};

use kubegen::discovery::Discovery;
use kubegen::discovery::aggregated::ACCEPT_AGGREGATED;
use kubegen::restmapper::RestMapper;
use kubegen::{Error, GroupVersionKind, GroupVersionResource, Scope};
use serde_json::{Value, json};
use support::{Exchange, Recorded, Reply, TestServer};

/// Legacy discovery from `discovery.json`, with `/apis` cut down to the `apps` group (the
/// only group whose resources were recorded), and a 406 for the aggregated Accept when
/// `refuse_aggregated`.
fn legacy_server_handler(
    refuse_aggregated: bool,
) -> Option<impl Fn(&Recorded) -> Reply + Send + Sync + 'static> {
    let t = support::transcript("discovery")?;
    let by_path = |p: &str| t.exchanges.iter().find(|e| e.path == p).unwrap().clone();
    let version = by_path("/version");
    let api = by_path("/api");
    let core = by_path("/api/v1");
    let mut apis = by_path("/apis");
    let apps = by_path("/apis/apps/v1");
    let groups = apis.body.as_mut().unwrap()["groups"]
        .as_array_mut()
        .unwrap();
    groups.retain(|g| g["name"] == "apps");
    let refusal = support::transcript("errors-media")?
        .exchanges
        .iter()
        .find(|e| e.status == 406)
        .unwrap()
        .reply();
    Some(move |r: &Recorded| {
        let aggregated = r
            .header("accept")
            .is_some_and(|a| a.contains("apidiscovery"));
        if refuse_aggregated && aggregated {
            return refusal.clone();
        }
        let e: &Exchange = match r.path.as_str() {
            "/version" => &version,
            "/api" => &api,
            "/api/v1" => &core,
            "/apis" => &apis,
            "/apis/apps/v1" => &apps,
            _ => {
                return Reply::json(
                    503,
                    &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "ServiceUnavailable", "code": 503}),
                );
            }
        };
        e.reply()
    })
}

#[tokio::test]
async fn legacy_discovery_when_the_server_answers_with_legacy_documents() {
    for refuse in [false, true] {
        let Some(handler) = legacy_server_handler(refuse) else {
            return;
        };
        let server = TestServer::http(handler).await;
        let discovery = Discovery::new(server.client());
        let info = discovery.server_version().await.unwrap();
        assert_eq!(info.git_version, "v1.32.13");
        let data = discovery.get().await.unwrap();
        assert!(!data.aggregated);
        assert!(data.failed.is_empty(), "{:?}", data.failed);
        let names: Vec<_> = data.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["", "apps"]);
        let pods = data
            .group("")
            .unwrap()
            .preferred_resources()
            .iter()
            .find(|r| r.plural == "pods")
            .unwrap();
        assert_eq!(pods.kind, "Pod");
        assert_eq!(pods.scope, Scope::Namespaced);
        assert_eq!(pods.short_names, ["po"]);
        assert!(pods.subresources.contains(&"status".to_owned()));
        assert!(pods.subresources.contains(&"log".to_owned()));
        assert!(pods.supports("watch"));
        let namespaces = data
            .all_resources()
            .find(|r| r.plural == "namespaces")
            .unwrap();
        assert_eq!(namespaces.scope, Scope::Cluster);
        let deployments = data
            .all_resources()
            .find(|r| r.plural == "deployments")
            .unwrap();
        assert_eq!(
            (deployments.group.as_str(), deployments.version.as_str()),
            ("apps", "v1")
        );
        assert!(deployments.subresources.contains(&"scale".to_owned()));
        assert_eq!(data.group("apps").unwrap().preferred_version, "v1");

        let requests = server.requests();
        let first_api = requests.iter().find(|r| r.path == "/api").unwrap();
        assert_eq!(
            first_api.header("accept").as_deref(),
            Some(ACCEPT_AGGREGATED)
        );
        if refuse {
            // After the 406, the same path again with plain JSON.
            let plain: Vec<_> = requests.iter().filter(|r| r.path == "/api").collect();
            assert_eq!(plain.len(), 2);
            assert_eq!(
                plain[1].header("accept").as_deref(),
                Some("application/json")
            );
        }
    }
}

#[tokio::test]
async fn legacy_discovery_reports_failed_group_versions() {
    let Some(t) = support::transcript("discovery") else {
        return;
    };
    let Some(handler) = legacy_server_handler(false) else {
        return;
    };
    // The full /apis: every group but apps fails (503), as an unavailable aggregated API does.
    let apis = t
        .exchanges
        .iter()
        .find(|e| e.path == "/apis")
        .unwrap()
        .reply();
    let server = TestServer::http(move |r: &Recorded| {
        if r.path == "/apis" {
            apis.clone()
        } else {
            handler(r)
        }
    })
    .await;
    let mut config = server.config();
    config.retry.max_retries = 1;
    let data = Discovery::new(kubegen::Client::try_from(config).unwrap())
        .get()
        .await
        .unwrap();
    assert!(data.group("apps").unwrap().versions.len() == 1);
    assert!(!data.failed.is_empty());
    assert!(
        data.failed
            .iter()
            .all(|(gv, e)| !gv.starts_with("apps/") && e.contains("503")),
        "{:?}",
        data.failed
    );
}

type Handler = Box<dyn Fn(&Recorded) -> Reply + Send + Sync + 'static>;

/// Aggregated discovery from `discovery-aggregated.json`, answering `If-None-Match` with 304.
fn aggregated_handler() -> Option<(Handler, Arc<Mutex<Value>>)> {
    let t = support::transcript("discovery-aggregated")?;
    let api = t.exchanges[0].clone();
    let apis = Arc::new(Mutex::new(t.exchanges[1].json().clone()));
    let apis_headers = t.exchanges[1].headers.clone();
    let shared = apis.clone();
    let handler = move |r: &Recorded| {
        let (etag, body, headers) = match r.path.as_str() {
            "/api" => (
                header(&api.headers, "ETag"),
                api.json().clone(),
                api.headers.clone(),
            ),
            "/apis" => {
                let body = shared.lock().unwrap().clone();
                // The ETag follows the content, as the server's does.
                let etag = format!("\"{}\"", body.to_string().len());
                (etag, body, apis_headers.clone())
            }
            _ => return Reply::text(404, "404 page not found"),
        };
        if r.header("if-none-match").as_deref() == Some(etag.as_str()) {
            return Reply {
                status: 304,
                headers: vec![("ETag".into(), etag)],
                chunks: vec![],
            };
        }
        let mut reply = Reply::json(200, &body);
        reply.headers = headers.into_iter().filter(|(k, _)| k != "ETag").collect();
        reply.headers.push(("ETag".into(), etag));
        reply
    };
    Some((Box::new(handler), apis))
}

fn header(headers: &[(String, String)], name: &str) -> String {
    headers.iter().find(|(k, _)| k == name).unwrap().1.clone()
}

#[tokio::test]
async fn aggregated_discovery_with_etag_and_cache() {
    let Some((handler, _)) = aggregated_handler() else {
        return;
    };
    let server = TestServer::http(handler).await;
    let discovery = Discovery::new(server.client());
    let data = discovery.get().await.unwrap();
    assert!(data.aggregated);
    assert_eq!(
        server.requests().len(),
        2,
        "one document for /api, one for /apis"
    );
    assert_eq!(data.groups[0].name, "");
    let deployments = data
        .all_resources()
        .find(|r| r.plural == "deployments")
        .unwrap();
    assert_eq!(deployments.kind, "Deployment");
    assert_eq!(deployments.group, "apps");
    assert_eq!(deployments.short_names, ["deploy"]);
    assert_eq!(deployments.categories, ["all"]);
    assert!(deployments.subresources.contains(&"scale".to_owned()));
    let services = data
        .all_resources()
        .find(|r| r.plural == "services")
        .unwrap();
    assert_eq!(services.short_names, ["svc"]);

    // Cached: no more requests.
    let again = discovery.get().await.unwrap();
    assert!(Arc::ptr_eq(&data, &again));
    assert_eq!(server.requests().len(), 2);

    // Invalidated: fetched again, revalidated with If-None-Match, answered 304.
    discovery.invalidate();
    let revalidated = discovery.get().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert!(
        requests[2..]
            .iter()
            .all(|r| r.header("if-none-match").is_some())
    );
    assert_eq!(revalidated.groups, data.groups);
    assert!(revalidated.generation > data.generation);
}

#[tokio::test]
async fn rest_mapper_kinds_resources_short_names_and_categories() {
    let Some((handler, _)) = aggregated_handler() else {
        return;
    };
    let server = TestServer::http(handler).await;
    let mapper = RestMapper::new(Discovery::new(server.client()));

    let deploy = mapper
        .mapping(&GroupVersionKind::new("apps", "v1", "Deployment"))
        .await
        .unwrap();
    assert_eq!(
        (deploy.plural.as_str(), deploy.scope),
        ("deployments", Scope::Namespaced)
    );
    let pod = mapper
        .mapping(&GroupVersionKind::new("", "", "Pod"))
        .await
        .unwrap();
    assert_eq!(
        (pod.api_version.as_str(), pod.plural.as_str()),
        ("v1", "pods")
    );
    let ns = mapper
        .mapping(&GroupVersionKind::new("", "v1", "Namespace"))
        .await
        .unwrap();
    assert_eq!(ns.scope, Scope::Cluster);

    let kind = mapper
        .kind_for(&GroupVersionResource::new("", "", "deploy"))
        .await
        .unwrap();
    assert_eq!(kind, GroupVersionKind::new("apps", "v1", "Deployment"));
    let resource = mapper
        .resource_for(&GroupVersionResource::new("", "", "po"))
        .await
        .unwrap();
    assert_eq!(resource, GroupVersionResource::new("", "v1", "pods"));
    let resource = mapper
        .resource_for(&GroupVersionResource::new("", "", "configmap"))
        .await
        .unwrap();
    assert_eq!(resource.resource, "configmaps");
    for argument in [
        "deployments.apps",
        "deployments.v1.apps",
        "Deployment",
        "deploy",
        "deployment",
    ] {
        let rd = mapper.resolve(argument).await.unwrap();
        assert_eq!(
            (rd.group.as_str(), rd.plural.as_str()),
            ("apps", "deployments"),
            "{argument}"
        );
    }
    // `events` exists in core and in events.k8s.io: the core group wins, as in kubectl.
    assert_eq!(mapper.resolve("events").await.unwrap().group, "");
    assert_eq!(
        mapper.resolve("events.events.k8s.io").await.unwrap().group,
        "events.k8s.io"
    );

    let all = mapper.expand_category("all").await.unwrap();
    let plurals: Vec<_> = all.iter().map(|r| r.plural.as_str()).collect();
    for expected in [
        "pods",
        "services",
        "deployments",
        "replicasets",
        "statefulsets",
        "jobs",
    ] {
        assert!(plurals.contains(&expected), "{expected} in {plurals:?}");
    }
    assert!(!plurals.contains(&"configmaps"));
    assert_eq!(
        server.requests().len(),
        2,
        "everything came from one cached discovery"
    );
}

#[tokio::test]
async fn rest_mapper_rediscovers_once_on_a_miss() {
    let Some((handler, apis)) = aggregated_handler() else {
        return;
    };
    let server = TestServer::http(handler).await;
    let mapper = RestMapper::new(Discovery::new(server.client()));
    let widget = GroupVersionKind::new("example.com", "v1", "Widget");

    // Discovery is fetched for this lookup: fresh, so a miss is final.
    let err = mapper.mapping(&widget).await.unwrap_err();
    assert!(matches!(err, Error::NoMatch(_)), "{err}");
    assert_eq!(server.requests().len(), 2);

    // A CRD appears; the cached discovery does not know it yet: one re-discovery finds it.
    apis.lock().unwrap()["items"]
        .as_array_mut()
        .unwrap()
        .push(json!({
        "metadata": {"name": "example.com", "creationTimestamp": null},
        "versions": [{"version": "v1", "freshness": "Current", "resources": [{
            "resource": "widgets", "responseKind": {"group": "", "version": "", "kind": "Widget"},
            "scope": "Namespaced", "singularResource": "widget", "shortNames": ["wd"],
            "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"]}]}]}));
    let rd = mapper.mapping(&widget).await.unwrap();
    assert_eq!(rd.plural, "widgets");
    assert_eq!(server.requests().len(), 4);
    assert_eq!(mapper.resolve("wd").await.unwrap().kind, "Widget");
    assert_eq!(server.requests().len(), 4, "found in the cache now");

    // A kind that does not exist: one re-discovery, then NoMatch.
    let err = mapper
        .kind_for(&GroupVersionResource::new("", "", "gizmos"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NoMatch(_)));
    assert_eq!(server.requests().len(), 6);
}
