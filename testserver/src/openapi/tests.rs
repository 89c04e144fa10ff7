use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::registry::{Builtin, ScaleSubresource, Subresources};

fn widgets() -> Arc<ResourceInfo> {
    Arc::new(ResourceInfo {
        group: "example.com".into(),
        version: "v1".into(),
        kind: "Widget".into(),
        list_kind: "WidgetList".into(),
        plural: "widgets".into(),
        singular: "widget".into(),
        namespaced: false,
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
        subresources: Subresources {
            status: true,
            scale: Some(ScaleSubresource::default()),
            other: vec![],
        },
        selectable_fields: vec![".spec.color".into()],
        schema: json!({"type": "object", "properties": {
            "spec": {"type": "object", "properties": {"size": {"x-kubernetes-int-or-string": true}}},
            "metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 5}}}
        }}),
        storage: true,
        custom: true,
        ..ResourceInfo::default()
    })
}

#[test]
fn custom_resource_documents_wrap_the_schema_and_list_every_operation() {
    let builtin = Builtin::load().unwrap();
    let mut resources = builtin.resources.clone();
    resources.push(widgets());
    let doc = document(&resources, &builtin.schemas, "apis/example.com/v1").unwrap();
    let body = &doc.body;
    assert_eq!(body["info"]["title"], "Kubernetes CRD Swagger");
    let schema = &body["components"]["schemas"]["com.example.v1.Widget"];
    assert_eq!(
        schema["properties"]["metadata"]["allOf"][0]["$ref"],
        "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    );
    assert_eq!(
        schema["properties"]["spec"]["properties"]["size"]["anyOf"],
        json!([{"type": "integer"}, {"type": "string"}])
    );
    assert_eq!(
        schema["x-kubernetes-selectable-fields"],
        json!([{"fieldPath": "spec.color"}])
    );
    let keys: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["apiVersion", "kind", "metadata", "spec"]);
    for name in [
        "ObjectMeta",
        "ListMeta",
        "Status",
        "DeleteOptions",
        "Patch",
        "ManagedFieldsEntry",
    ] {
        let full = format!("io.k8s.apimachinery.pkg.apis.meta.v1.{name}");
        assert!(body["components"]["schemas"].get(&full).is_some(), "{full}");
    }
    assert!(
        body["components"]["schemas"]
            .get("io.k8s.api.autoscaling.v1.Scale")
            .is_some()
    );
    let paths = body["paths"].as_object().unwrap();
    let mut names: Vec<&String> = paths.keys().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "/apis/example.com/v1/widgets",
            "/apis/example.com/v1/widgets/{name}",
            "/apis/example.com/v1/widgets/{name}/scale",
            "/apis/example.com/v1/widgets/{name}/status",
        ]
    );
    let patch = &paths["/apis/example.com/v1/widgets/{name}"]["patch"];
    assert_eq!(patch["operationId"], "patchExampleComV1Widget");
    assert_eq!(patch["x-kubernetes-action"], "patch");
    let content: Vec<&String> = patch["requestBody"]["content"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert!(!content.iter().any(|c| c.contains("strategic")));
    let hash_again = document(&resources, &builtin.schemas, "apis/example.com/v1")
        .unwrap()
        .hash;
    assert_eq!(doc.hash, hash_again);
}

#[test]
fn built_in_documents_and_the_index() {
    let builtin = Builtin::load().unwrap();
    let resources = &builtin.resources;
    let apps = document(resources, &builtin.schemas, "apis/apps/v1")
        .unwrap()
        .body;
    let scale =
        &apps["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]["get"];
    assert_eq!(scale["operationId"], "readAppsV1NamespacedDeploymentScale");
    assert_eq!(
        scale["x-kubernetes-group-version-kind"],
        json!({"group": "autoscaling", "version": "v1", "kind": "Scale"})
    );
    // Every $ref resolves inside the document.
    let mut refs = BTreeSet::new();
    schemas::references(&apps, &mut refs);
    for name in refs {
        assert!(
            apps["components"]["schemas"].get(&name).is_some(),
            "dangling {name}"
        );
    }
    let group = document(resources, &builtin.schemas, "apis/apps")
        .unwrap()
        .body;
    assert_eq!(
        group["paths"]["/apis/apps/"]["get"]["operationId"],
        "getAppsAPIGroup"
    );
    assert!(document(resources, &builtin.schemas, "apis/nope.example.com/v1").is_none());
    assert!(document(resources, &builtin.schemas, "apis/nope.example.com").is_none());
    let index = index(resources, &builtin.schemas);
    let url = index["paths"]["apis/apps/v1"]["serverRelativeURL"]
        .as_str()
        .unwrap();
    assert!(url.starts_with("/openapi/v3/apis/apps/v1?hash="));
    assert!(index["paths"].get("api").is_some() && index["paths"].get("apis").is_some());
}
