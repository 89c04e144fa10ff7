//! `/openapi/v3` over HTTP: every document the index lists is served at its
//! hash (immutable), is the library's document, and a CRD's group appears in
//! the index once the CRD is created.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kubegen::client::Request;
use kubegen_testserver::TestServer;
use kubegen_testserver::openapi;
use kubegen_testserver::registry::Builtin;
use serde_json::{Value, json};

async fn index(client: &kubegen::Client) -> Value {
    let text = client
        .request_text(Request::get("/openapi/v3"))
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn documents_are_served_at_their_index_hash() {
    let server = TestServer::start().await.unwrap();
    let client = kubegen::Client::new(server.config()).unwrap();
    let index = index(&client).await;
    let paths = index["paths"].as_object().unwrap();
    let builtin = Builtin::load().unwrap();
    assert!(paths.len() > 20, "{index}");
    for path in ["api/v1", "apis/apps/v1", "apis/apiextensions.k8s.io/v1"] {
        let url = paths[path]["serverRelativeURL"].as_str().unwrap();
        let response = client.send(Request::get(url)).await.unwrap();
        assert_eq!(response.status, 200, "{url}");
        assert_eq!(
            response.headers.get("cache-control").unwrap(),
            "public, immutable",
            "{url}: the index's hash is the document's"
        );
        assert_eq!(
            response.headers.get("content-type").unwrap(),
            "application/json"
        );
        let served: Value = serde_json::from_slice(&response.body).unwrap();
        let hash = url.split_once("?hash=").unwrap().1;
        assert_eq!(
            response.headers.get("etag").unwrap(),
            &format!("\"{hash}\"")
        );
        let library = openapi::document(&builtin.resources, &builtin.schemas, path).unwrap();
        assert_eq!(served, library.body, "{path}");
        assert_eq!(hash, library.hash, "{path}");
    }

    // A CRD adds its group-version to the index.
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "gadgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
            "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object",
                    "properties": {"spec": {"type": "object",
                        "properties": {"size": {"type": "integer"}}}}}}}]}
    });
    let request = Request::post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
        .json(&crd)
        .unwrap();
    client.request::<Value>(request).await.unwrap();
    let index = crate::index(&client).await;
    let url = index["paths"]["apis/example.com/v1"]["serverRelativeURL"]
        .as_str()
        .unwrap();
    let response = client.send(Request::get(url)).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(
        response.headers.get("cache-control").unwrap(),
        "public, immutable"
    );
    let served: Value = serde_json::from_slice(&response.body).unwrap();
    let schema = &served["components"]["schemas"]["com.example.v1.Gadget"];
    assert_eq!(
        schema["x-kubernetes-group-version-kind"],
        json!([{"group": "example.com", "kind": "Gadget", "version": "v1"}])
    );
}
