use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::registry::{Builtin, ScaleSubresource, Subresources};

fn widget(version: &str, storage: bool) -> Arc<ResourceInfo> {
    Arc::new(ResourceInfo {
        group: "crd-lifecycle.example.com".into(),
        version: version.into(),
        kind: "Widget".into(),
        list_kind: "WidgetList".into(),
        plural: "widgets".into(),
        singular: "widget".into(),
        namespaced: true,
        verbs: [
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch",
        ]
        .map(String::from)
        .to_vec(),
        short_names: vec!["wdg".into()],
        categories: vec!["examples".into()],
        subresources: Subresources {
            status: true,
            scale: Some(ScaleSubresource::default()),
            other: vec![],
        },
        storage,
        custom: true,
        ..ResourceInfo::default()
    })
}

fn with_widgets() -> Vec<Arc<ResourceInfo>> {
    let mut resources = Builtin::load().unwrap().resources;
    resources.push(widget("v1beta1", false));
    resources.push(widget("v1", true));
    resources
}

#[test]
fn crd_groups_come_last_with_the_ga_version_preferred() {
    let resources = with_widgets();
    let list = group_list(&resources);
    let groups = list["groups"].as_array().unwrap();
    assert_eq!(groups[0]["name"], "apiregistration.k8s.io");
    let last = groups.last().unwrap();
    assert_eq!(last["name"], "crd-lifecycle.example.com");
    assert_eq!(
        last["preferredVersion"],
        json!({"groupVersion": "crd-lifecycle.example.com/v1", "version": "v1"})
    );
    assert_eq!(last["versions"][1]["version"], "v1beta1");
    let group = group(&resources, "crd-lifecycle.example.com").unwrap();
    assert_eq!(group["kind"], "APIGroup");
    assert_eq!(group["preferredVersion"]["version"], "v1");
    assert!(super::group(&resources, "nope.example.com").is_none());
}

#[test]
fn custom_resource_list_matches_the_apiextensions_server() {
    let resources = with_widgets();
    let list = resource_list(&resources, "crd-lifecycle.example.com", "v1beta1").unwrap();
    // crd-lifecycle.json, exchange 5.
    assert_eq!(
        list,
        json!({
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": "crd-lifecycle.example.com/v1beta1",
            "resources": [
                {"name": "widgets", "singularName": "widget", "namespaced": true, "kind": "Widget",
                 "verbs": ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"],
                 "shortNames": ["wdg"], "categories": ["examples"], "storageVersionHash": "ofxwiyIvL0w="},
                {"name": "widgets/status", "singularName": "", "namespaced": true, "kind": "Widget",
                 "verbs": ["get", "patch", "update"]},
                {"name": "widgets/scale", "singularName": "", "namespaced": true, "group": "autoscaling",
                 "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]}
            ]
        })
    );
    assert!(resource_list(&resources, "crd-lifecycle.example.com", "v2").is_none());
}

#[test]
fn core_resource_list_has_no_api_version_and_sorted_subresources() {
    let resources = Builtin::load().unwrap().resources;
    let list = resource_list(&resources, "", "v1").unwrap();
    assert!(list.get("apiVersion").is_none());
    assert_eq!(list["groupVersion"], "v1");
    let names: Vec<&str> = list["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
    assert!(pos("namespaces") < pos("namespaces/finalize"));
    assert!(pos("namespaces/finalize") < pos("namespaces/status"));
    assert!(pos("pods/status") < pos("podtemplates"));
    let eviction = &list["resources"][pos("pods/eviction")];
    assert_eq!(eviction["group"], "policy");
    assert_eq!(eviction["kind"], "Eviction");
    assert_eq!(
        list["resources"][pos("configmaps")]["storageVersionHash"],
        "qFsyl6wFWjQ="
    );
    assert!(
        list["resources"][pos("bindings")]
            .get("storageVersionHash")
            .is_none()
    );
}

#[test]
fn aggregated_discovery_is_negotiated_and_etagged() {
    let resources = with_widgets();
    let kubectl = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    let (v2, etag) = aggregated(&resources, false, kubectl).unwrap();
    assert_eq!(v2["apiVersion"], "apidiscovery.k8s.io/v2");
    assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() == 130);
    let (beta, beta_etag) = aggregated(
        &resources,
        false,
        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
    )
    .unwrap();
    assert_eq!(beta["apiVersion"], "apidiscovery.k8s.io/v2beta1");
    assert_eq!(beta_etag, etag);
    assert!(aggregated(&resources, false, "application/json").is_none());
    assert!(
        aggregated(
            &resources,
            false,
            "application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
        )
        .is_none()
    );

    let crd = v2["items"].as_array().unwrap().last().unwrap();
    assert_eq!(
        crd["metadata"],
        json!({"name": "crd-lifecycle.example.com", "creationTimestamp": null})
    );
    let widgets = &crd["versions"][0]["resources"][0];
    assert_eq!(
        widgets["responseKind"],
        json!({"group": "crd-lifecycle.example.com", "version": "v1", "kind": "Widget"})
    );
    assert_eq!(widgets["subresources"][0]["subresource"], "status");
    assert_eq!(
        widgets["subresources"][1]["responseKind"]["group"],
        "autoscaling"
    );

    let (core, core_etag) = aggregated(&resources, true, kubectl).unwrap();
    assert_ne!(core_etag, etag);
    assert_eq!(
        core["items"][0]["metadata"],
        json!({"creationTimestamp": null})
    );
    assert_eq!(core["items"][0]["versions"][0]["version"], "v1");
}

#[test]
fn version_and_core_versions() {
    let version = version_info();
    assert_eq!(version["major"], "1");
    assert_eq!(version["minor"], "32");
    assert!(version["platform"].as_str().unwrap().contains('/'));
    assert_eq!(
        core_versions("127.0.0.1:6443"),
        json!({"kind": "APIVersions", "versions": ["v1"],
               "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]})
    );
}
