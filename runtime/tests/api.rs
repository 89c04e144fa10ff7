//! Every verb of the typed `Api<K>`, replayed against real API server responses.
#![cfg(feature = "client")]
// Helpers are test code too: a fixture that cannot be read should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use either::Either;
use kubegen::api::{
    Api, DeleteParams, GetParams, ListParams, Patch, PatchParams, PostParams, Scale, ScaleSpec,
};
use kubegen::{Error, Preconditions};
use serde_json::{Value, json};
use support::types::{ConfigMap, Deployment, Namespace, Pod};
use support::{Exchange, Recorded, Reply, TestServer, Transcript, replay};

/// The exchanges at these indexes.
fn pick(t: &Transcript, indexes: &[usize]) -> Vec<Exchange> {
    indexes.iter().map(|&i| t.exchanges[i].clone()).collect()
}

fn request_object<T: serde::de::DeserializeOwned>(e: &Exchange) -> T {
    serde_json::from_value(e.request_body.clone().unwrap()).unwrap()
}

fn check_request(recorded: &Recorded, exchange: &Exchange) {
    assert_eq!(recorded.method, exchange.method);
    assert_eq!(
        support::normalize(&format!("{}?{}", recorded.path, recorded.raw_query)),
        support::normalize(&exchange.path)
    );
    if let Some(content_type) = exchange.request_headers.get("Content-Type") {
        assert_eq!(recorded.header("content-type").as_ref(), Some(content_type));
    }
    if let Some(body) = &exchange.request_body {
        assert_eq!(
            &recorded.json(),
            body,
            "{} {}",
            exchange.method,
            exchange.path
        );
    }
}

#[tokio::test]
async fn configmap_lifecycle() {
    let Some(t) = support::transcript("configmap-lifecycle") else {
        return;
    };
    let exchanges = pick(&t, &[1, 2, 3, 4, 5, 6, 7, 8]);
    let server = TestServer::http(replay(exchanges.clone())).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "configmap-lifecycle");
    let pp = PostParams::default();

    let created = api
        .create(&pp, &request_object(&exchanges[0]))
        .await
        .unwrap();
    assert_eq!(created.metadata.name.as_deref(), Some("cm1"));
    assert!(created.metadata.uid.is_some());
    let got = api.get("cm1").await.unwrap();
    assert_eq!(got.data.as_ref().unwrap()["a"], "1");
    let replaced = api
        .replace("cm1", &pp, &request_object(&exchanges[2]))
        .await
        .unwrap();
    assert_ne!(
        replaced.metadata.resource_version,
        got.metadata.resource_version
    );
    api.replace("cm1", &pp, &request_object(&exchanges[3]))
        .await
        .unwrap();
    let list = api.list(&ListParams::default()).await.unwrap();
    assert_eq!(
        list.items.len(),
        exchanges[4].json()["items"].as_array().unwrap().len()
    );
    assert!(list.metadata.resource_version.is_some());
    match api.delete("cm1", &DeleteParams::default()).await.unwrap() {
        Either::Right(status) => {
            assert!(status.is_success());
            assert_eq!(status.details.unwrap().name.as_deref(), Some("cm1"));
        }
        Either::Left(cm) => panic!("expected a Status, got {cm:?}"),
    }
    let err = api
        .delete("cm1", &DeleteParams::default())
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(api.get_opt("cm1").await.unwrap().is_none());

    let recorded = server.requests();
    assert_eq!(recorded.len(), exchanges.len());
    for (r, e) in recorded.iter().zip(&exchanges).take(5) {
        check_request(r, e);
    }
    // DELETE sends DeleteOptions as its body.
    assert_eq!(
        recorded[5].json(),
        json!({"kind": "DeleteOptions", "apiVersion": "v1"})
    );
}

#[tokio::test]
async fn typed_errors_of_the_verbs() {
    let Some(t) = support::transcript("configmap-errors") else {
        return;
    };
    let exchanges = pick(&t, &[3, 5, 8, 18]);
    let server = TestServer::http(replay(exchanges.clone())).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "configmap-errors");
    let pp = PostParams::default();

    let err = api
        .create(&pp, &request_object(&exchanges[0]))
        .await
        .unwrap_err();
    assert!(err.is_already_exists(), "{err}");
    assert!(!err.is_conflict());
    let err = api
        .replace("dup", &pp, &request_object(&exchanges[1]))
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(err.code(), Some(409));
    let err = api
        .create(&pp, &request_object(&exchanges[2]))
        .await
        .unwrap_err();
    assert!(err.is_invalid(), "{err}");
    let causes = err
        .status()
        .unwrap()
        .details
        .clone()
        .unwrap()
        .causes
        .unwrap();
    assert_eq!(causes.len(), 3);
    assert!(
        causes
            .iter()
            .all(|c| c.reason.as_deref() == Some("FieldValueInvalid"))
    );
    let message = err.to_string();
    assert!(
        message.starts_with("POST /api/v1/namespaces/configmap-errors/configmaps: "),
        "{message}"
    );
    assert!(message.ends_with("(Invalid, 422)"), "{message}");
    let err = api
        .replace("never-created", &pp, &request_object(&exchanges[3]))
        .await
        .unwrap_err();
    assert!(err.is_not_found());

    // Names that cannot be a path segment fail before anything is sent.
    for bad in ["", "a/b", "..", "x%2F"] {
        assert!(
            matches!(api.get(bad).await, Err(Error::InvalidRequest(_))),
            "{bad:?}"
        );
    }
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn delete_preconditions_and_propagation() {
    let Some(t) = support::transcript("delete-preconditions") else {
        return;
    };
    let exchanges = pick(&t, &[2, 3, 4, 9]);
    let server = TestServer::http(replay(exchanges.clone())).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "delete-preconditions");

    let wrong_uid = DeleteParams::default().preconditions(Preconditions {
        uid: Some("00000000-0000-0000-0000-000000000000".into()),
        resource_version: None,
    });
    assert!(
        api.delete("target", &wrong_uid)
            .await
            .unwrap_err()
            .is_conflict()
    );
    let wrong_rv = DeleteParams::default().preconditions(Preconditions {
        uid: None,
        resource_version: Some("1".into()),
    });
    assert!(
        api.delete("target", &wrong_rv)
            .await
            .unwrap_err()
            .is_conflict()
    );
    let matching = DeleteParams::default().preconditions(Preconditions {
        uid: Some("0a802ec9-4cdc-4ec9-9dbb-e5e9480df033".into()),
        resource_version: Some("5349".into()),
    });
    assert!(api.delete("target", &matching).await.unwrap().is_right());
    // Foreground deletion returns the object, still there with a finalizer.
    let pending = api
        .delete("target3", &DeleteParams::foreground())
        .await
        .unwrap();
    let cm = pending.left().unwrap();
    assert!(cm.metadata.deletion_timestamp.is_some());
    assert_eq!(
        cm.metadata.finalizers.as_deref(),
        Some(&["foregroundDeletion".to_owned()][..])
    );

    for (r, e) in server.requests().iter().zip(&exchanges) {
        check_request(r, e);
    }
}

#[tokio::test]
async fn dry_run_on_every_verb() {
    let Some(t) = support::transcript("dry-run") else {
        return;
    };
    // The recording sent DELETE options as query parameters; this client sends them in the
    // DeleteOptions body (as client-go does), so those two are matched without the query.
    let mut exchanges = pick(&t, &[1, 4, 5, 6, 7, 10]);
    for e in &mut exchanges[4..] {
        e.path = e.path.split('?').next().unwrap().to_owned();
    }
    let server = TestServer::http(replay(exchanges.clone())).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "dry-run");
    let pp = PostParams {
        dry_run: true,
        ..PostParams::default()
    };
    let created = api
        .create(&pp, &request_object(&exchanges[0]))
        .await
        .unwrap();
    assert_eq!(created.metadata.name.as_deref(), Some("dry"));
    api.replace("real", &pp, &request_object(&exchanges[1]))
        .await
        .unwrap();
    let merge = Patch::Merge(json!({"data": {"b": "2"}}));
    let patched = api
        .patch("real", &PatchParams::default().dry_run(), &merge)
        .await
        .unwrap();
    assert_eq!(patched.data.unwrap()["b"], "2");
    let apply = Patch::Apply(exchanges[3].request_body.clone().unwrap());
    api.patch("real", &PatchParams::apply("dry").dry_run(), &apply)
        .await
        .unwrap();
    assert!(
        api.delete("real", &DeleteParams::default().dry_run())
            .await
            .unwrap()
            .is_right()
    );
    let deleted = api
        .delete_collection(&DeleteParams::default().dry_run(), &ListParams::default())
        .await
        .unwrap()
        .left()
        .unwrap();
    assert_eq!(
        deleted.items.len(),
        exchanges[5].json()["items"].as_array().unwrap().len()
    );

    let recorded = server.requests();
    for (r, e) in recorded.iter().zip(&exchanges).take(4) {
        check_request(r, e);
    }
    assert_eq!(recorded[4].json()["dryRun"], json!(["All"]));
    assert_eq!(recorded[5].json()["dryRun"], json!(["All"]));
}

#[tokio::test]
async fn patch_types() {
    let Some(t) = support::transcript("deployment-patch") else {
        return;
    };
    let exchanges = pick(&t, &[2, 5, 6, 7, 10]);
    let server = TestServer::http(replay(exchanges.clone())).await;
    let api: Api<Deployment> = Api::namespaced(server.client(), "deployment-patch");
    let pp = PatchParams::default();
    let body = |i: usize| exchanges[i].request_body.clone().unwrap();

    let d = api
        .patch("web", &pp, &Patch::Strategic(body(0)))
        .await
        .unwrap();
    let containers = d.spec.unwrap()["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(containers, 2, "strategic merge keeps the sidecar");
    let d = api.patch("web", &pp, &Patch::Merge(body(1))).await.unwrap();
    let containers = d.spec.unwrap()["template"]["spec"]["containers"].clone();
    assert_eq!(
        containers.as_array().unwrap().len(),
        1,
        "merge patch replaces the list"
    );
    let d = api.patch("web", &pp, &Patch::Json(body(2))).await.unwrap();
    assert_eq!(d.spec.unwrap()["replicas"], 3);
    let err = api
        .patch("web", &pp, &Patch::Json(body(3)))
        .await
        .unwrap_err();
    assert!(err.is_invalid(), "{err}");
    let err = api
        .patch("web", &pp, &Patch::Json(body(4)))
        .await
        .unwrap_err();
    assert_eq!(err.reason(), Some("BadRequest"));

    for (r, e) in server.requests().iter().zip(&exchanges) {
        check_request(r, e);
    }
}

#[tokio::test]
async fn server_side_apply_with_conflicts_and_force() {
    let Some(t) = support::transcript("server-side-apply") else {
        return;
    };
    let exchanges = pick(&t, &[1, 3, 4]);
    let server = TestServer::http(replay(exchanges.clone())).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "server-side-apply");
    let body = |i: usize| exchanges[i].request_body.clone().unwrap();

    let cm = api
        .patch("ssa", &PatchParams::apply("a"), &Patch::Apply(body(0)))
        .await
        .unwrap();
    let managers: Vec<_> = cm
        .metadata
        .managed_fields
        .unwrap()
        .iter()
        .map(|m| m.manager.clone())
        .collect();
    assert_eq!(managers, [Some("a".to_owned())]);
    let err = api
        .patch("ssa", &PatchParams::apply("b"), &Patch::Apply(body(1)))
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let causes = err
        .status()
        .unwrap()
        .details
        .clone()
        .unwrap()
        .causes
        .unwrap();
    assert_eq!(causes[0].reason.as_deref(), Some("FieldManagerConflict"));
    assert_eq!(causes[0].field.as_deref(), Some(".data.x"));
    let cm = api
        .patch(
            "ssa",
            &PatchParams::apply("b").force(),
            &Patch::Apply(body(2)),
        )
        .await
        .unwrap();
    assert!(cm.data.is_some());

    // Apply needs a field manager, and force needs apply: refused before sending.
    let err = api
        .patch("ssa", &PatchParams::default(), &Patch::Apply(body(0)))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    let forced_merge = PatchParams::default().force();
    let err = api
        .patch("ssa", &forced_merge, &Patch::Merge(json!({})))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");

    let recorded = server.requests();
    assert_eq!(recorded.len(), 3);
    for (r, e) in recorded.iter().zip(&exchanges) {
        check_request(r, e);
    }
}

#[tokio::test]
async fn status_and_scale_subresources() {
    let Some(t) = support::transcript("deployment-lifecycle") else {
        return;
    };
    // GET …/status was not recorded; the server answers it like a GET of the object.
    let mut get_status = t.exchanges[2].clone();
    get_status.path.push_str("/status");
    let mut exchanges = vec![get_status];
    exchanges.extend(pick(&t, &[6, 8, 9, 10, 11]));
    let server = TestServer::http(replay(exchanges.clone())).await;
    let api: Api<Deployment> = Api::namespaced(server.client(), "deployment-lifecycle");
    let pp = PostParams::default();

    let d = api.get_status("web").await.unwrap();
    assert_eq!(d.metadata.name.as_deref(), Some("web"));
    let d = api
        .replace_status("web", &pp, &request_object(&exchanges[1]))
        .await
        .unwrap();
    assert!(d.status.is_some());
    let scale = api.get_scale("web").await.unwrap();
    assert_eq!(scale.kind.as_deref(), Some("Scale"));
    assert!(scale.status.as_ref().unwrap().selector.is_some());
    let wanted: Scale = request_object(&exchanges[3]);
    let scale = api.replace_scale("web", &pp, &wanted).await.unwrap();
    let answered: Scale = serde_json::from_value(exchanges[3].json().clone()).unwrap();
    assert_eq!(scale, answered);
    let patched = api
        .patch_scale(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 2}})),
        )
        .await
        .unwrap();
    assert_eq!(patched.spec, Some(ScaleSpec { replicas: Some(2) }));
    let err = api
        .replace_scale("web", &pp, &request_object(&exchanges[5]))
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");

    for (r, e) in server.requests().iter().zip(&exchanges) {
        check_request(r, e);
    }
}

#[tokio::test]
async fn list_all_follows_continue() {
    let Some(t) = support::transcript("list-pagination") else {
        return;
    };
    let pages = pick(&t, &[8, 9, 11, 12]);
    let server = TestServer::http(replay(pages.clone())).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "list-pagination");
    let all = api.list_all(&ListParams::default().limit(2)).await.unwrap();
    let expected: Vec<String> = pages
        .iter()
        .flat_map(|p| p.json()["items"].as_array().unwrap().iter())
        .map(|i| i["metadata"]["name"].as_str().unwrap().to_owned())
        .collect();
    let names: Vec<String> = all
        .iter()
        .map(|cm| cm.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, expected);
    assert_eq!(all.metadata.continue_, None);
    assert_eq!(all.metadata.resource_version.as_deref(), Some("5847"));
    let continues: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.param("continue").map(str::to_owned))
        .collect();
    assert_eq!(continues[0], None);
    assert_eq!(
        continues[1].as_deref(),
        pages[0].json()["metadata"]["continue"].as_str()
    );
    for (r, e) in server.requests().iter().zip(&pages) {
        check_request(r, e);
    }

    // One page at a time, and an invalid token.
    let bad = pick(&t, &[8, 19]);
    let server = TestServer::http(replay(bad)).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "list-pagination");
    let page = api.list(&ListParams::default().limit(2)).await.unwrap();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.metadata.remaining_item_count, Some(6));
    let err = api
        .list(&ListParams::default().limit(2).continue_token("not-a-token"))
        .await
        .unwrap_err();
    assert_eq!(err.reason(), Some("BadRequest"));
}

#[tokio::test]
async fn list_all_of_600_objects() {
    let Some(t) = support::transcript("large-list") else {
        return;
    };
    let server = TestServer::http(replay(pick(&t, &[2, 3, 4]))).await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "large-list");
    let all = api
        .list_all(&ListParams::default().limit(250))
        .await
        .unwrap();
    assert_eq!(all.len(), 601);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn list_all_relists_when_the_continue_token_expired() {
    let page = json!({"kind": "ConfigMapList", "apiVersion": "v1",
        "metadata": {"resourceVersion": "10", "continue": "tok"}, "items": [{"metadata": {"name": "a"}}]});
    let full = json!({"kind": "ConfigMapList", "apiVersion": "v1",
        "metadata": {"resourceVersion": "20"}, "items": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"}}]});
    let expired = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "The provided continue parameter is too old to display a consistent list result.",
        "reason": "Expired", "code": 410});
    let server =
        TestServer::http(
            move |r: &Recorded| match (r.param("limit"), r.param("continue")) {
                (Some("1"), None) => Reply::json(200, &page),
                (Some("1"), Some("tok")) => Reply::json(410, &expired),
                (None, None) => Reply::json(200, &full),
                _ => Reply::text(599, "unexpected"),
            },
        )
        .await;
    let api: Api<ConfigMap> = Api::namespaced(server.client(), "x");
    let all = api.list_all(&ListParams::default().limit(1)).await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all.metadata.resource_version.as_deref(), Some("20"));
    assert_eq!(server.requests().len(), 3);
}

async fn list_with<K: kubegen::Resource>(api: Api<K>, e: &Exchange) {
    let (_, query) = support::normalize(&e.path);
    let mut lp = ListParams::default();
    for (k, v) in &query {
        match k.as_str() {
            "labelSelector" => lp = lp.labels(v),
            "fieldSelector" => lp = lp.fields(v),
            "limit" => lp = lp.limit(v.parse().unwrap()),
            other => panic!("{other}"),
        }
    }
    match api.list(&lp).await {
        Ok(list) => assert_eq!(
            list.len(),
            e.json()["items"].as_array().unwrap().len(),
            "{}",
            e.path
        ),
        Err(err) => assert_eq!(err.code(), Some(e.status), "{}: {err}", e.path),
    }
}

#[tokio::test]
async fn selectors_are_sent_exactly() {
    for name in ["list-label-selectors", "list-field-selectors"] {
        let Some(t) = support::transcript(name) else {
            return;
        };
        let lists: Vec<Exchange> = t
            .exchanges
            .iter()
            .filter(|e| e.method == "GET" && e.path.contains("Selector="))
            .filter(|e| e.path.contains("/configmaps?") || e.path.contains("/pods?"))
            .cloned()
            .collect();
        assert!(lists.len() > 10, "{name}: {}", lists.len());
        let server = TestServer::http(replay(lists.clone())).await;
        for e in &lists {
            let (path, _) = support::normalize(&e.path);
            let namespace = path
                .strip_prefix("/api/v1/namespaces/")
                .and_then(|p| p.split('/').next());
            if path.ends_with("/pods") {
                let api: Api<Pod> = match namespace {
                    Some(ns) => Api::namespaced(server.client(), ns),
                    None => Api::all(server.client()),
                };
                list_with(api, e).await;
            } else {
                let api: Api<ConfigMap> = match namespace {
                    Some(ns) => Api::namespaced(server.client(), ns),
                    None => Api::all(server.client()),
                };
                list_with(api, e).await;
            }
        }
        assert_eq!(server.requests().len(), lists.len());
    }
}

#[tokio::test]
async fn cluster_scoped_kinds_ignore_the_namespace() {
    let Some(t) = support::transcript("configmap-lifecycle") else {
        return;
    };
    let mut get = t.exchanges[9].clone();
    get.method = "GET".into();
    let server = TestServer::http(replay(vec![get])).await;
    let api: Api<Namespace> = Api::namespaced(server.client(), "ignored");
    let ns = api.get("configmap-lifecycle").await.unwrap();
    assert_eq!(ns.metadata.name.as_deref(), Some("configmap-lifecycle"));
    assert_eq!(
        server.requests()[0].path,
        "/api/v1/namespaces/configmap-lifecycle"
    );
    let _: Value = serde_json::to_value(ns).unwrap();
}

#[tokio::test]
async fn default_namespace_and_other_subresources() {
    let server = TestServer::http(|r: &Recorded| {
        Reply::json(200, &json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "x", "namespace": "team-a"}, "path": r.path}))
    })
    .await;
    let mut config = server.config();
    config.default_namespace = "team-a".into();
    let client = kubegen::Client::try_from(config).unwrap();
    assert_eq!(client.default_namespace(), "team-a");
    let api: Api<ConfigMap> = Api::default_namespaced(client.clone());
    assert_eq!(api.namespace(), Some("team-a"));
    api.get("x").await.unwrap();
    let raw: Value = api.get_subresource("proxy", "x").await.unwrap();
    assert_eq!(raw["path"], "/api/v1/namespaces/team-a/configmaps/x/proxy");
    assert_eq!(
        api.resource_url("x").unwrap(),
        "/api/v1/namespaces/team-a/configmaps/x"
    );
    let all: Api<ConfigMap> = Api::all(client);
    all.list(&ListParams::default()).await.unwrap();
    let paths: Vec<_> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/api/v1/namespaces/team-a/configmaps/x",
            "/api/v1/namespaces/team-a/configmaps/x/proxy",
            "/api/v1/configmaps"
        ]
    );
}

#[tokio::test]
async fn list_resource_version_semantics() {
    let Some(t) = support::transcript("list-resource-version") else {
        return;
    };
    let lists: Vec<Exchange> = t.exchanges[4..=18]
        .iter()
        .filter(|e| !e.path.contains("Latest"))
        .cloned()
        .collect();
    let server = TestServer::http(replay(lists.clone())).await;
    let mut config = server.config();
    config.retry.max_retries = 0;
    let api: Api<ConfigMap> = Api::namespaced(
        kubegen::Client::try_from(config).unwrap(),
        "list-resource-version",
    );
    for e in &lists {
        let (_, query) = support::normalize(&e.path);
        let mut lp = ListParams::default();
        for (k, v) in &query {
            match k.as_str() {
                "resourceVersion" => lp.resource_version = Some(v.clone()),
                "resourceVersionMatch" => {
                    lp.version_match = Some(match v.as_str() {
                        "Exact" => kubegen::api::VersionMatch::Exact,
                        _ => kubegen::api::VersionMatch::NotOlderThan,
                    })
                }
                "limit" => lp = lp.limit(v.parse().unwrap()),
                other => panic!("{other}"),
            }
        }
        match api.list(&lp).await {
            Ok(list) => {
                assert_eq!(e.status, 200, "{}", e.path);
                assert_eq!(
                    list.len(),
                    e.json()["items"].as_array().unwrap().len(),
                    "{}",
                    e.path
                );
                assert_eq!(
                    list.metadata.resource_version.as_deref(),
                    e.json()["metadata"]["resourceVersion"].as_str()
                );
            }
            Err(err) => assert_eq!(err.code(), Some(e.status), "{}: {err}", e.path),
        }
    }
    assert_eq!(server.requests().len(), lists.len());

    // Gets with a resourceVersion.
    let server = TestServer::http(replay(t.exchanges[19..=21].to_vec())).await;
    let mut config = server.config();
    config.retry.max_retries = 0;
    let api: Api<ConfigMap> = Api::namespaced(
        kubegen::Client::try_from(config).unwrap(),
        "list-resource-version",
    );
    api.get_with("rv-1", &GetParams::any()).await.unwrap();
    let cm = api.get_with("rv-1", &GetParams::at("5853")).await.unwrap();
    assert_eq!(cm.metadata.name.as_deref(), Some("rv-1"));
    let err = api
        .get_with("rv-1", &GetParams::at("105855"))
        .await
        .unwrap_err();
    assert_eq!(err.reason(), Some("Timeout"));
    assert_eq!(
        err.details().unwrap().causes.as_ref().unwrap()[0]
            .reason
            .as_deref(),
        Some("ResourceVersionTooLarge")
    );
}
