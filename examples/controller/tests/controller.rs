//! The example controller end to end against the embedded test server:
//! ConfigMaps follow widgets (created, updated, garbage-collected with their
//! widget) and statuses report what was reconciled.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use kubegen::api::{DeleteParams, PostParams};
use kubegen::cache::CancellationToken;
use kubegen::{Client, IntOrString, ObjectMeta};
use kubegen_example_controller::{WidgetController, config_map_name, install_widget_crd};
use kubegen_example_crds::example_kubegen_dev::v1::{
    Widget, WidgetSpec, WidgetSpecColor, WidgetStatusPhase,
};
use kubegen_testserver::TestServer;
use tokio::sync::mpsc;

fn widget(name: &str, replicas: i32) -> Widget {
    Widget {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            ..ObjectMeta::default()
        },
        spec: WidgetSpec {
            color: WidgetSpecColor::Green,
            size: IntOrString::Int(7),
            replicas: Some(replicas),
            ..WidgetSpec::default()
        },
        ..Widget::default()
    }
}

/// Polls `check` until it holds (or fails after a few seconds).
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("never happened: {what}");
}

#[tokio::test]
async fn config_maps_and_statuses_follow_widgets() {
    let server = TestServer::start().await.unwrap();
    let client = Client::new(server.config()).unwrap();
    install_widget_crd(&client).await.unwrap();
    let (sender, mut actions) = mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let running =
        tokio::spawn(WidgetController::new(client.clone(), sender).run(3, cancel.clone()));

    let widgets = kubegen_example_crds::Clientset::from_client(client.clone())
        .example_kubegen_dev_v1()
        .widgets("default");
    let config_maps = kubegen_api::Clientset::from_client(client.clone())
        .core_v1()
        .config_maps("default");
    for (name, replicas) in [("a", 1), ("b", 2), ("c", 3)] {
        widgets
            .create(&PostParams::default(), &widget(name, replicas))
            .await
            .unwrap();
    }
    for (name, replicas) in [("a", "1"), ("b", "2"), ("c", "3")] {
        eventually(&format!("ConfigMap of {name}"), || async {
            config_maps
                .get_opt(&config_map_name(name))
                .await
                .unwrap()
                .and_then(|cm| cm.data)
                .is_some_and(|data| data["replicas"] == replicas && data["color"] == "green")
        })
        .await;
    }

    // A spec change: the ConfigMap follows, the status reports the new generation.
    let mut b = widgets.get("b").await.unwrap();
    b.spec.replicas = Some(4);
    widgets.update(&PostParams::default(), &b).await.unwrap();
    eventually("b's status at generation 2", || async {
        let status = widgets.get("b").await.unwrap().status.unwrap_or_default();
        status.phase == Some(WidgetStatusPhase::Running)
            && status.replicas == Some(4)
            && status.observed_generation == Some(2)
    })
    .await;
    let data = config_maps
        .get(&config_map_name("b"))
        .await
        .unwrap()
        .data
        .unwrap();
    assert_eq!(data["replicas"], "4");

    // A ConfigMap changed behind the controller's back is put right.
    let mut drifted = config_maps.get(&config_map_name("c")).await.unwrap();
    drifted
        .data
        .as_mut()
        .unwrap()
        .insert("color".into(), "purple".into());
    config_maps
        .update(&PostParams::default(), &drifted)
        .await
        .unwrap();
    eventually("c's ConfigMap restored", || async {
        config_maps
            .get(&config_map_name("c"))
            .await
            .unwrap()
            .data
            .unwrap()["color"]
            == "green"
    })
    .await;

    // Deleting a widget takes its ConfigMap with it (owner reference, garbage collection).
    widgets.delete("a", &DeleteParams::default()).await.unwrap();
    eventually("a's ConfigMap collected", || async {
        config_maps
            .get_opt(&config_map_name("a"))
            .await
            .unwrap()
            .is_none()
    })
    .await;

    cancel.cancel();
    running.await.unwrap();
    let mut seen = Vec::new();
    while let Ok(action) = actions.try_recv() {
        seen.push(action.to_string());
    }
    assert!(
        seen.iter()
            .any(|a| a == "created ConfigMap default/b-widget"),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|a| a == "updated ConfigMap default/c-widget"),
        "{seen:?}"
    );
    // A worker may act on a lister that has not seen its own last write yet: the
    // server answers 409 and the key is retried. Nothing else may go wrong.
    assert!(
        seen.iter()
            .filter(|a| a.starts_with("retrying"))
            .all(|a| a.ends_with("(Conflict, 409)")),
        "{seen:?}"
    );
}
