//! A derived kind end to end: its CRD is accepted and served by the embedded
//! test server, and the runtime's typed client and a shared informer work on
//! it exactly as on a generated kind.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use kubegen::api::{ListParams, Patch, PatchParams, PostParams};
use kubegen::cache::SharedInformerFactory;
use kubegen::clientset::ResourceClient;
use kubegen::{KubeSchema, ObjectMeta};
use kubegen_api::apiextensions::v1::CustomResourceDefinition;
use kubegen_testserver::TestServer;
use serde::{Deserialize, Serialize};

/// A gadget: the spec of a derived kind.
#[derive(
    Clone, Debug, Default, PartialEq, Serialize, Deserialize, KubeSchema, kubegen::Resource,
)]
#[resource(
    group = "gadgets.example.com",
    version = "v1",
    kind = "Gadget",
    status = GadgetStatus,
    scale(spec_replicas_path = ".spec.replicas", status_replicas_path = ".status.replicas"),
    printcolumn(name = "Replicas", type = "integer", json_path = ".spec.replicas"),
)]
#[serde(rename_all = "camelCase")]
pub struct GadgetSpec {
    /// How many.
    #[schema(minimum = 0, maximum = 10)]
    pub replicas: i32,
    /// A label for humans.
    pub label: Option<String>,
}

/// What was observed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, KubeSchema)]
pub struct GadgetStatus {
    /// Replicas seen.
    pub replicas: Option<i32>,
}

async fn install(client: &kubegen::Client) {
    let crd: CustomResourceDefinition = Gadget::crd().unwrap();
    let api: kubegen::Api<CustomResourceDefinition> = kubegen::Api::all(client.clone());
    api.create(&PostParams::default(), &crd).await.unwrap();
    for _ in 0..100 {
        let conditions = api
            .get(Gadget::CRD_NAME)
            .await
            .unwrap()
            .status
            .and_then(|s| s.conditions)
            .unwrap_or_default();
        if conditions
            .iter()
            .any(|c| c.r#type == "Established" && c.status == "True")
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the derived CRD was never Established");
}

fn gadget(name: &str, replicas: i32) -> Gadget {
    Gadget {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            ..ObjectMeta::default()
        },
        spec: GadgetSpec {
            replicas,
            label: Some("demo".into()),
        },
        status: None,
    }
}

#[tokio::test]
async fn a_derived_kind_is_served_and_used_like_a_generated_one() {
    let server = TestServer::start().await.unwrap();
    let client = kubegen::Client::new(server.config()).unwrap();
    install(&client).await;

    let gadgets = ResourceClient::<Gadget>::namespaced(client.clone(), "default");
    let created = gadgets
        .create(&PostParams::default(), &gadget("g1", 2))
        .await
        .unwrap();
    assert_eq!(created.spec.replicas, 2);
    assert_eq!(created.metadata.generation, Some(1));

    // Status and scale subresources, as the derive declared them.
    let mut with_status = created.clone();
    with_status.status = Some(GadgetStatus { replicas: Some(2) });
    let updated = gadgets
        .update_status(&PostParams::default(), &with_status)
        .await
        .unwrap();
    assert_eq!(updated.status, Some(GadgetStatus { replicas: Some(2) }));
    let scale = gadgets.get_scale("g1").await.unwrap();
    assert_eq!(scale.spec.and_then(|s| s.replicas), Some(2));
    let patch = serde_json::json!({"spec": {"replicas": 4}});
    gadgets
        .patch_scale("g1", &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
    assert_eq!(gadgets.get("g1").await.unwrap().spec.replicas, 4);

    // The schema the derive wrote is enforced: 11 is above its maximum.
    let error = gadgets
        .create(&PostParams::default(), &gadget("g2", 11))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("spec.replicas"), "{error}");

    // An informer over the derived kind.
    let factory = SharedInformerFactory::new(client.clone());
    let informer = factory.informer_for::<Gadget>();
    factory.start().unwrap();
    assert!(factory.wait_for_cache_sync().await);
    assert_eq!(
        informer
            .lister()
            .namespace("default")
            .get("g1")
            .unwrap()
            .spec
            .replicas,
        4
    );
    gadgets
        .create(&PostParams::default(), &gadget("g3", 1))
        .await
        .unwrap();
    let mut seen = false;
    for _ in 0..100 {
        if informer.lister().namespace("default").get("g3").is_some() {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(seen, "the informer never saw g3");
    let listed = gadgets.list(&ListParams::default()).await.unwrap();
    assert_eq!(listed.items.len(), 2);
    factory.shutdown().await;
}
