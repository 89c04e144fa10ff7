//! Several versions of one kind merged into one CRD.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use kubegen::KubeSchema;
use kubegen::crd::{CrdError, merge_crds};
use serde::{Deserialize, Serialize};
use serde_json::json;

mod v1 {
    use super::*;

    /// A widget, first version.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema, kubegen::Resource)]
    #[resource(
        group = "example.com",
        version = "v1",
        kind = "Widget",
        storage = false
    )]
    pub struct WidgetSpec {
        pub size: i32,
    }
}

mod v2 {
    use super::*;

    /// A widget, second version.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema, kubegen::Resource)]
    #[resource(group = "example.com", version = "v2", kind = "Widget")]
    pub struct WidgetSpec {
        pub size: String,
    }

    /// A widget of another scope.
    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema, kubegen::Resource)]
    #[resource(
        group = "example.com",
        version = "v3",
        kind = "Widget",
        struct = "ClusterWidget",
        cluster
    )]
    pub struct ClusterWidgetSpec {
        pub size: String,
    }
}

#[test]
fn versions_merge_into_one_crd_with_one_storage_version() {
    let merged = merge_crds(
        [v1::Widget::crd().unwrap(), v2::Widget::crd().unwrap()],
        None,
    )
    .unwrap();
    let value = serde_json::to_value(&merged).unwrap();
    let versions = value["spec"]["versions"].as_array().unwrap();
    let summary: Vec<_> = versions
        .iter()
        .map(|v| (v["name"].clone(), v["storage"].clone(), v["served"].clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (json!("v1"), json!(false), json!(true)),
            (json!("v2"), json!(true), json!(true))
        ]
    );
    assert_eq!(
        versions[0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["size"]["type"],
        "integer"
    );
    assert_eq!(
        versions[1]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["size"]["type"],
        "string"
    );

    // The storage version can be chosen at merge time instead.
    let merged = merge_crds(
        [v1::Widget::crd().unwrap(), v2::Widget::crd().unwrap()],
        Some("v1"),
    )
    .unwrap();
    let value = serde_json::to_value(&merged).unwrap();
    assert_eq!(value["spec"]["versions"][0]["storage"], true);
    assert_eq!(value["spec"]["versions"][1]["storage"], false);
}

#[test]
fn conflicts_are_rejected_with_what_differs() {
    let error = merge_crds(
        [
            v2::Widget::crd().unwrap(),
            v2::ClusterWidget::crd().unwrap(),
        ],
        Some("v2"),
    )
    .unwrap_err();
    assert!(matches!(error, CrdError::Conflict { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "cannot merge the CustomResourceDefinitions of `widgets.example.com`: version `v3` has \
         spec.scope \"Cluster\", but the first one has \"Namespaced\""
    );

    let error = merge_crds(
        [v2::Widget::crd().unwrap(), v2::Widget::crd().unwrap()],
        None,
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("version `v2` is defined twice"),
        "{error}"
    );

    let error = merge_crds([v1::Widget::crd().unwrap()], None).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("exactly one version must be the storage version, but none is"),
        "{error}"
    );

    let error = merge_crds(
        [v1::Widget::crd().unwrap(), v2::Widget::crd().unwrap()],
        Some("v9"),
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the storage version `v9` is not among the versions"),
        "{error}"
    );

    let none: [kubegen_api::apiextensions::v1::CustomResourceDefinition; 0] = [];
    assert!(matches!(merge_crds(none, None), Err(CrdError::Empty)));
}
