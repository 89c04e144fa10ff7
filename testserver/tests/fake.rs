//! The fake clientset: a generated clientset over `Fake`, with recorded
//! actions, reactors and informers that work on it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use kubegen::api::{DeleteParams, ListParams, PostParams};
use kubegen_api::core::v1::ConfigMap;
use kubegen_api::{Clientset, InformerFactory};
use kubegen_testserver::fake::{Fake, Reaction};
use serde_json::json;

fn seeded() -> serde_json::Value {
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "team-a"},
        "data": {"mode": "fast"}
    })
}

#[tokio::test]
async fn seeded_objects_are_served_and_requests_recorded() {
    let fake = Fake::with_objects([seeded()]).await.unwrap();
    let clientset = Clientset::from_client(fake.client());
    let config_maps = clientset.core_v1().config_maps("team-a");

    let settings = config_maps.get("settings").await.unwrap();
    assert_eq!(settings.data.unwrap()["mode"], "fast");
    let list = config_maps.list(&ListParams::default()).await.unwrap();
    assert!(
        list.items
            .iter()
            .any(|cm| cm.metadata.name.as_deref() == Some("settings"))
    );

    // Seeding (including the namespace it needed) is not recorded; the two reads are.
    let actions = fake.actions();
    let verbs: Vec<(&str, &str, Option<&str>)> = actions
        .iter()
        .map(|a| (a.verb.as_str(), a.resource.as_str(), a.name.as_deref()))
        .collect();
    assert_eq!(
        verbs,
        [
            ("get", "configmaps", Some("settings")),
            ("list", "configmaps", None)
        ]
    );
    assert!(
        actions
            .iter()
            .all(|a| a.namespace.as_deref() == Some("team-a"))
    );

    let created = ConfigMap {
        metadata: kubegen::ObjectMeta {
            name: Some("other".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    fake.clear_actions();
    config_maps
        .create(&PostParams::default(), &created)
        .await
        .unwrap();
    let actions = fake.actions();
    assert_eq!(actions.len(), 1);
    assert!(actions[0].matches("create", "configmaps"));
    assert_eq!(
        actions[0].body.as_ref().unwrap()["metadata"]["name"],
        "other"
    );
}

#[tokio::test]
async fn reactors_answer_instead_of_the_server() {
    let fake = Fake::with_objects([seeded()]).await.unwrap();
    let config_maps = Clientset::from_client(fake.client())
        .core_v1()
        .config_maps("team-a");
    fake.prepend_reactor("delete", "configmaps", |action| {
        (action.name.as_deref() == Some("settings"))
            .then(|| Reaction::status(500, "InternalError", "injected"))
    });
    let error = config_maps
        .delete("settings", &DeleteParams::default())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("injected"), "{error}");
    // The object is still there: the server never saw the delete.
    assert!(config_maps.get_opt("settings").await.unwrap().is_some());

    // A later reactor wins; `None` passes the request on.
    fake.prepend_reactor("get", "*", |_| {
        Some(Reaction::Object(json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "canned", "namespace": "team-a"}
        })))
    });
    let canned = config_maps.get("settings").await.unwrap();
    assert_eq!(canned.metadata.name.as_deref(), Some("canned"));
}

#[tokio::test]
async fn informers_work_on_the_fake() {
    let fake = Fake::with_objects([seeded()]).await.unwrap();
    let clientset = Clientset::from_client(fake.client());
    let informers = InformerFactory::new(fake.client());
    let config_maps = informers.core_v1().config_maps();
    informers.factory().start().unwrap();
    assert!(informers.factory().wait_for_cache_sync().await);
    assert!(
        config_maps
            .lister()
            .namespace("team-a")
            .get("settings")
            .is_some()
    );

    let created = ConfigMap {
        metadata: kubegen::ObjectMeta {
            name: Some("later".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    clientset
        .core_v1()
        .config_maps("team-a")
        .create(&PostParams::default(), &created)
        .await
        .unwrap();
    let mut seen = false;
    for _ in 0..100 {
        if config_maps
            .lister()
            .namespace("team-a")
            .get("later")
            .is_some()
        {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(seen, "the informer never saw the created ConfigMap");
    assert!(fake.actions().iter().any(|a| a.verb == "watch"));
    informers.factory().shutdown().await;
}
