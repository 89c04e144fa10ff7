//! The Widget controller against the embedded test API server: no cluster
//! needed. Starts `kubegen-testserver` in process, installs the Widget CRD
//! from `specs/crds`, runs the controller (generated clientsets, informers
//! and listers, the runtime's work queue), then creates, changes and deletes
//! widgets and prints what the controller did about each.
//!
//! `cargo run --example widget_controller`

use std::collections::BTreeMap;
use std::time::Duration;

use kubegen::api::{DeleteParams, PostParams};
use kubegen::cache::CancellationToken;
use kubegen::{Client, IntOrString, ObjectMeta};
use kubegen_example_controller::{Action, WidgetController, config_map_name, install_widget_crd};
use kubegen_example_crds::example_kubegen_dev::v1::{Widget, WidgetSpec, WidgetSpecColor};
use kubegen_testserver::TestServer;
use tokio::sync::mpsc;

fn widget(name: &str, color: WidgetSpecColor, replicas: i32) -> Widget {
    Widget {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            ..ObjectMeta::default()
        },
        spec: WidgetSpec {
            color,
            size: IntOrString::String("50%".to_owned()),
            replicas: Some(replicas),
            ..WidgetSpec::default()
        },
        ..Widget::default()
    }
}

/// Prints actions until `done` says the expected ones have all arrived.
async fn until(
    actions: &mut mpsc::UnboundedReceiver<Action>,
    mut done: impl FnMut(&Action) -> bool,
) -> Result<(), String> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        match tokio::time::timeout_at(deadline, actions.recv()).await {
            Ok(Some(action)) => {
                println!("  controller: {action}");
                if done(&action) {
                    return Ok(());
                }
            }
            Ok(None) => return Err("the controller stopped".into()),
            Err(_) => return Err("timed out waiting for the controller".into()),
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = TestServer::start().await?;
    println!("embedded API server: {}", server.url());
    let client = Client::new(server.config())?;
    install_widget_crd(&client).await?;
    println!("installed CRD widgets.example.kubegen.dev (Established)");

    let (sender, mut actions) = mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let controller = WidgetController::new(client.clone(), sender);
    let running = tokio::spawn(controller.run(2, cancel.clone()));

    let clientset = kubegen_example_crds::Clientset::from_client(client.clone());
    let widgets = clientset.example_kubegen_dev_v1().widgets("default");
    let config_maps = kubegen_api::Clientset::from_client(client.clone())
        .core_v1()
        .config_maps("default");

    println!("create Widgets default/gizmo (3 replicas) and default/sprocket (1 replica)");
    widgets
        .create(
            &PostParams::default(),
            &widget("gizmo", WidgetSpecColor::Blue, 3),
        )
        .await?;
    widgets
        .create(
            &PostParams::default(),
            &widget("sprocket", WidgetSpecColor::Red, 1),
        )
        .await?;
    let mut statuses = 0;
    until(&mut actions, |a| {
        statuses += usize::from(matches!(a, Action::UpdatedStatus { .. }));
        statuses == 2
    })
    .await?;

    println!("scale Widget default/gizmo to 5 replicas");
    let mut gizmo = widgets.get("gizmo").await?;
    gizmo.spec.replicas = Some(5);
    widgets.update(&PostParams::default(), &gizmo).await?;
    until(
        &mut actions,
        |a| matches!(a, Action::UpdatedStatus { name, replicas: 5, .. } if name == "gizmo"),
    )
    .await?;

    println!("delete Widget default/sprocket");
    widgets.delete("sprocket", &DeleteParams::default()).await?;
    until(
        &mut actions,
        |a| matches!(a, Action::WidgetGone { name, .. } if name == "sprocket"),
    )
    .await?;

    let mut remaining = BTreeMap::new();
    for name in ["gizmo", "sprocket"] {
        let config_map = config_maps.get_opt(&config_map_name(name)).await?;
        remaining.insert(name, config_map.and_then(|cm| cm.data));
    }
    println!("ConfigMaps now: {remaining:?}");
    let status = widgets.get("gizmo").await?.status;
    println!(
        "Widget default/gizmo status: phase {:?}, replicas {:?}, observed generation {:?}",
        status
            .as_ref()
            .and_then(|s| s.phase.as_ref())
            .map(|p| p.as_str().to_owned()),
        status.as_ref().and_then(|s| s.replicas),
        status.as_ref().and_then(|s| s.observed_generation),
    );
    cancel.cancel();
    running.await?;
    println!("done");
    Ok(())
}
