//! Every verb of the dynamic client on custom resources, replayed against real responses.
#![cfg(feature = "client")]
// Helpers are test code too: a fixture that cannot be read should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use futures_util::StreamExt;
use kubegen::api::{
    DeleteParams, ListParams, Patch, PatchParams, PostParams, Scale, WatchEvent, WatchParams,
};
use kubegen::dynamic::{DynamicApi, DynamicObject, ResourceDescriptor};
use kubegen::{GroupVersionKind, Scope};
use serde_json::json;
use support::{Exchange, Recorded, TestServer, Transcript, replay};

fn pick(t: &Transcript, indexes: &[usize]) -> Vec<Exchange> {
    indexes.iter().map(|&i| t.exchanges[i].clone()).collect()
}

fn widgets(group: &str, version: &str) -> ResourceDescriptor {
    ResourceDescriptor::from_gvk(
        &GroupVersionKind::new(group, version, "Widget"),
        "widgets",
        Scope::Namespaced,
    )
}

fn check(recorded: &[Recorded], exchanges: &[Exchange]) {
    assert_eq!(recorded.len(), exchanges.len());
    for (r, e) in recorded.iter().zip(exchanges) {
        assert_eq!(r.method, e.method);
        assert_eq!(
            support::normalize(&format!("{}?{}", r.path, r.raw_query)),
            support::normalize(&e.path)
        );
        if let Some(ct) = e.request_headers.get("Content-Type") {
            assert_eq!(r.header("content-type").as_ref(), Some(ct), "{}", e.path);
        }
        if let Some(body) = &e.request_body {
            if r.method != "DELETE" {
                assert_eq!(&r.json(), body, "{} {}", e.method, e.path);
            }
        }
    }
}

#[tokio::test]
async fn every_verb_on_custom_objects() {
    let Some(t) = support::transcript("crd-objects") else {
        return;
    };
    let exchanges = pick(&t, &[3, 15, 20, 23, 24, 22, 26, 28, 29, 30, 31]);
    let server = TestServer::http(replay(exchanges.clone())).await;
    let rd = widgets("crd-objects.example.com", "v1");
    let api = DynamicApi::namespaced(server.client(), "crd-objects", &rd);
    let body = |i: usize| exchanges[i].request_body.clone().unwrap();
    let object = |i: usize| serde_json::from_value::<DynamicObject>(body(i)).unwrap();

    let created = api
        .create(&PostParams::default(), &object(0))
        .await
        .unwrap();
    assert_eq!(created.types.as_ref().unwrap().kind, "Widget");
    assert_eq!(created.metadata.name.as_deref(), Some("w1"));
    // Server-side defaults are in the untyped data.
    assert_eq!(
        created.data["spec"]["mode"],
        exchanges[0].json()["spec"]["mode"]
    );
    let got = api.get("w1").await.unwrap();
    assert_eq!(
        serde_json::to_value(&got).unwrap(),
        *exchanges[1].json(),
        "round trip"
    );
    let replaced = api
        .replace("w1", &PostParams::default(), &object(2))
        .await
        .unwrap();
    assert_eq!(replaced.metadata.generation, Some(2));
    let merged = api
        .patch("w1", &PatchParams::default(), &Patch::Merge(body(3)))
        .await
        .unwrap();
    assert_eq!(merged.data["spec"]["color"], "blue");
    api.patch("w1", &PatchParams::default(), &Patch::Json(body(4)))
        .await
        .unwrap();
    let err = api
        .patch("w1", &PatchParams::default(), &Patch::Strategic(body(5)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(415));
    api.patch("ssa", &PatchParams::apply("m1"), &Patch::Apply(body(6)))
        .await
        .unwrap();
    let err = api
        .patch("ssa", &PatchParams::apply("m2"), &Patch::Apply(body(7)))
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let list = api.list(&ListParams::default()).await.unwrap();
    assert_eq!(
        list.items.len(),
        exchanges[8].json()["items"].as_array().unwrap().len()
    );
    assert_eq!(list.types.as_ref().unwrap().kind, "WidgetList");
    let everywhere = DynamicApi::all(server.client(), &rd)
        .list_all(&ListParams::default())
        .await
        .unwrap();
    assert_eq!(
        everywhere.items.len(),
        exchanges[9].json()["items"].as_array().unwrap().len()
    );
    let status = api
        .delete("w2", &DeleteParams::default())
        .await
        .unwrap()
        .right()
        .unwrap();
    assert_eq!(
        status.details.unwrap().group.as_deref(),
        Some("crd-objects.example.com")
    );

    check(&server.requests(), &exchanges);
}

#[tokio::test]
async fn status_scale_and_watch_of_custom_objects() {
    let Some(t) = support::transcript("crd-subresources") else {
        return;
    };
    let mut get_status = t.exchanges[12].clone();
    get_status.path.push_str("/status");
    let mut exchanges = vec![get_status];
    exchanges.extend(pick(&t, &[4, 5, 6, 7, 8, 9, 10, 11, 15, 23]));
    let server = TestServer::http(replay(exchanges.clone())).await;
    let rd = widgets("crd-subresources.example.com", "v1");
    let api = DynamicApi::namespaced(server.client(), "crd-subresources", &rd);
    let body = |i: usize| exchanges[i].request_body.clone().unwrap();

    let w = api.get_status("w1").await.unwrap();
    assert_eq!(w.metadata.name.as_deref(), Some("w1"));
    let w = api
        .replace_status(
            "w1",
            &PostParams::default(),
            &serde_json::from_value(body(1)).unwrap(),
        )
        .await
        .unwrap();
    assert!(w.data["status"].is_object());
    api.patch_status("w1", &PatchParams::default(), &Patch::Merge(body(2)))
        .await
        .unwrap();
    let w = api
        .patch_status(
            "w1",
            &PatchParams::apply("status-ctl"),
            &Patch::Apply(body(3)),
        )
        .await
        .unwrap();
    assert!(w.data["status"]["conditions"].is_array());
    let err = api
        .patch_status("w1", &PatchParams::default(), &Patch::Merge(body(4)))
        .await
        .unwrap_err();
    assert!(err.is_invalid());
    let scale = api.get_scale("w1").await.unwrap();
    assert!(scale.status.as_ref().unwrap().selector.is_some());
    let wanted: Scale = serde_json::from_value(body(6)).unwrap();
    api.replace_scale("w1", &PostParams::default(), &wanted)
        .await
        .unwrap();
    api.patch_scale("w1", &PatchParams::default(), &Patch::Merge(body(7)))
        .await
        .unwrap();
    let err = api
        .patch_scale("w1", &PatchParams::default(), &Patch::Merge(body(8)))
        .await
        .unwrap_err();
    assert!(err.is_invalid());
    let red = api
        .list(&ListParams::default().fields("spec.color=red"))
        .await
        .unwrap();
    assert_eq!(
        red.items.len(),
        exchanges[9].json()["items"].as_array().unwrap().len()
    );
    let events: Vec<_> = api
        .watch(
            &WatchParams::default()
                .disable_bookmarks()
                .fields("spec.color=green")
                .timeout(3),
            "6121",
        )
        .await
        .unwrap()
        .collect()
        .await;
    let kinds: Vec<_> = events
        .iter()
        .map(|e| match e {
            Ok(WatchEvent::Added(o)) => format!("ADDED {}", o.metadata.name.as_deref().unwrap()),
            Ok(WatchEvent::Deleted(o)) => {
                format!("DELETED {}", o.metadata.name.as_deref().unwrap())
            }
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    assert!(
        kinds[0].starts_with("ADDED") && kinds[1].starts_with("DELETED"),
        "{kinds:?}"
    );

    check(&server.requests(), &exchanges);
}

#[test]
fn dynamic_objects_round_trip_and_convert() {
    let rd = ResourceDescriptor::of::<support::types::ConfigMap>();
    assert_eq!(rd.api_version, "v1");
    assert_eq!(rd.plural, "configmaps");
    let object = DynamicObject::new("cm", &rd)
        .within("ns")
        .data(json!({"data": {"a": "1"}}));
    let value = serde_json::to_value(&object).unwrap();
    assert_eq!(
        value,
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm", "namespace": "ns"}, "data": {"a": "1"}})
    );
    let back: DynamicObject = serde_json::from_value(value).unwrap();
    assert_eq!(back, object);
    assert!(
        back.data.get("apiVersion").is_none(),
        "type meta is not duplicated into data"
    );
    let typed: support::types::ConfigMap = back.try_parse().unwrap();
    assert_eq!(typed.data.unwrap()["a"], "1");
}
