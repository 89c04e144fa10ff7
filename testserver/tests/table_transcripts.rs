//! Table output, PartialObjectMetadata and Accept negotiation compared
//! with what a real kube-apiserver v1.32.13 returned
//! (`shared/specs/apiserver-1.32`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::{assert_same, body, builtin, crd_resources, exchanges};
use jiff::Timestamp;
use kubegen_testserver::registry::ResourceInfo;
use kubegen_testserver::table::{self, IncludeObject, MetaVersion, Representation, TableOptions};
use serde_json::{Value, json};

fn now_at(created: &str) -> Timestamp {
    created.parse::<Timestamp>().unwrap()
}

fn find_resource<'a>(
    resources: &'a [Arc<ResourceInfo>],
    group: &str,
    version: &str,
    plural: &str,
) -> &'a ResourceInfo {
    resources
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
        .unwrap()
}

fn table_options(include: IncludeObject, version: MetaVersion, now: Timestamp) -> TableOptions {
    TableOptions {
        include,
        version,
        headers: true,
        now,
    }
}

#[test]
fn tables_match_the_transcript() {
    let Some(exchanges) = exchanges("table-output.json") else {
        return;
    };
    let builtin = builtin();
    let resources = &builtin.resources;
    let deployments = find_resource(resources, "apps", "v1", "deployments");
    let now = now_at("2026-11-22T06:22:57.5Z");

    // The full Deployments, as includeObject=Object returned them.
    let full: Vec<Value> = body(&exchanges[8])["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["object"].clone())
        .collect();
    let refs: Vec<&Value> = full.iter().collect();
    for (index, include, version) in [
        (4, IncludeObject::Metadata, MetaVersion::V1),
        (6, IncludeObject::Metadata, MetaVersion::V1),
        (7, IncludeObject::None, MetaVersion::V1),
        (8, IncludeObject::Object, MetaVersion::V1),
        (15, IncludeObject::Metadata, MetaVersion::V1Beta1),
    ] {
        let expected = body(&exchanges[index]);
        let accept = exchanges[index]["request"]["headers"]["Accept"]
            .as_str()
            .unwrap();
        let negotiated = table::negotiate(accept, false).unwrap();
        assert_eq!(negotiated.representation, Representation::Table(version));
        let actual = table::table_with(
            deployments,
            &refs,
            Some(&expected["metadata"]),
            &table_options(include, version, now),
        );
        assert_same(&format!("deployments table #{index}"), expected, &actual);
    }
    // A single object carries its own resourceVersion.
    let web = full
        .iter()
        .find(|d| d["metadata"]["name"] == "web")
        .unwrap();
    assert_same(
        "single deployment table",
        body(&exchanges[5]),
        &table::table_with(
            deployments,
            &[web],
            None,
            &table_options(IncludeObject::Metadata, MetaVersion::V1, now),
        ),
    );

    // ConfigMaps: `settings` as created; kube-root-ca.crt rebuilt from its
    // metadata and the one key the controller writes.
    let configmaps = find_resource(resources, "", "v1", "configmaps");
    let expected = body(&exchanges[10]);
    let mut root_ca = expected["rows"][0]["object"].clone();
    root_ca["kind"] = json!("ConfigMap");
    root_ca["apiVersion"] = json!("v1");
    root_ca["data"] = json!({"ca.crt": "-----BEGIN CERTIFICATE-----"});
    let settings = body(&exchanges[3]).clone();
    let actual = table::table_with(
        configmaps,
        &[&root_ca, &settings],
        Some(&expected["metadata"]),
        &table_options(IncludeObject::Metadata, MetaVersion::V1, now),
    );
    assert_same("configmaps table", expected, &actual);

    // Pods without scheduler or kubelet: one container, phase Pending.
    let pods = find_resource(resources, "", "v1", "pods");
    let expected = body(&exchanges[11]);
    let objects: Vec<Value> = expected["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            json!({
                "kind": "Pod", "apiVersion": "v1",
                "metadata": row["object"]["metadata"],
                "spec": {"containers": [{"name": "app", "image": "httpd:2.4"}]},
                "status": {"phase": "Pending", "qosClass": "BestEffort"},
            })
        })
        .collect();
    let refs: Vec<&Value> = objects.iter().collect();
    assert_same(
        "pods table",
        expected,
        &table::table_with(
            pods,
            &refs,
            Some(&expected["metadata"]),
            &table_options(IncludeObject::Metadata, MetaVersion::V1, now),
        ),
    );

    // A cluster-scoped Namespace.
    let namespaces = find_resource(resources, "", "v1", "namespaces");
    assert_same(
        "namespace table",
        body(&exchanges[12]),
        &table::table_with(
            namespaces,
            &[body(&exchanges[0])],
            None,
            &table_options(IncludeObject::Metadata, MetaVersion::V1, now),
        ),
    );

    // A Table watch: column definitions with the first event only.
    let events = body(&exchanges[16]).as_array().unwrap();
    let states = [
        body(&exchanges[17]),
        body(&exchanges[18]),
        body(&exchanges[18]),
    ];
    for (i, (event, state)) in events.iter().zip(states).enumerate() {
        let mut state = state.clone();
        let rv = event["object"]["metadata"]["resourceVersion"].clone();
        state["metadata"]["resourceVersion"] = rv;
        let options = TableOptions {
            headers: i == 0,
            ..table_options(IncludeObject::Metadata, MetaVersion::V1, now)
        };
        assert_same(
            &format!("table watch event {i}"),
            &event["object"],
            &table::table_with(configmaps, &[&state], None, &options),
        );
    }
}

#[test]
fn custom_resource_tables_match_the_transcript() {
    let Some(exchanges) = exchanges("crd-subresources.json") else {
        return;
    };
    let crds = crd_resources(body(&exchanges[1]));
    let v1 = crds.iter().find(|r| r.version == "v1").unwrap();
    let v1beta1 = crds.iter().find(|r| r.version == "v1beta1").unwrap();
    let now = now_at("2026-11-22T06:24:23Z");
    let w1 = body(&exchanges[12]).clone();
    let w2 = body(&exchanges[13]).clone();
    let w3 = body(&exchanges[14]).clone();
    let options = table_options(IncludeObject::Metadata, MetaVersion::V1, now);

    let expected = body(&exchanges[20]);
    assert_same(
        "widgets v1 table",
        expected,
        &table::table_with(v1, &[&w1, &w2, &w3], Some(&expected["metadata"]), &options),
    );
    assert_same(
        "widget w1 table",
        body(&exchanges[21]),
        &table::table_with(v1, &[&w1], None, &options),
    );
    let expected = body(&exchanges[22]);
    let as_beta: Vec<Value> = [&w1, &w2, &w3]
        .iter()
        .map(|w| {
            let mut w = (*w).clone();
            w["apiVersion"] = json!("crd-subresources.example.com/v1beta1");
            w
        })
        .collect();
    let refs: Vec<&Value> = as_beta.iter().collect();
    assert_same(
        "widgets v1beta1 table",
        expected,
        &table::table_with(v1beta1, &refs, Some(&expected["metadata"]), &options),
    );
    // Protobuf is not offered for custom resources; JSON is the fallback.
    let err = table::negotiate("application/vnd.kubernetes.protobuf", true).unwrap_err();
    assert_eq!(
        err.message,
        "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf"
    );
    assert!(table::negotiate("application/vnd.kubernetes.protobuf,application/json", true).is_ok());
}

#[test]
fn partial_object_metadata_matches_the_transcript() {
    let Some(exchanges) = exchanges("partial-object-metadata.json") else {
        return;
    };
    let builtin = builtin();
    let configmaps = find_resource(&builtin.resources, "", "v1", "configmaps");
    let created = body(&exchanges[1]);
    for (index, version) in [
        (3, MetaVersion::V1),
        (9, MetaVersion::V1Beta1),
        (10, MetaVersion::V1),
    ] {
        let accept = exchanges[index]["request"]["headers"]["Accept"]
            .as_str()
            .unwrap();
        let negotiated = table::negotiate(accept, false).unwrap();
        assert_eq!(
            negotiated.representation,
            Representation::PartialObjectMetadata(version)
        );
        table::check_representation(negotiated.representation, configmaps, false).unwrap();
        assert_same(
            &format!("partial metadata #{index}"),
            body(&exchanges[index]),
            &table::partial_metadata(created, version),
        );
    }
    // The list form, with the list's metadata.
    let expected = body(&exchanges[4]);
    let items: Vec<Value> = expected["items"].as_array().unwrap().to_vec();
    let refs: Vec<&Value> = items.iter().collect();
    assert_same(
        "partial metadata list",
        expected,
        &table::partial_metadata_list(
            &refs,
            &json!({"resourceVersion": "5668", "continue": ""}),
            MetaVersion::V1,
        ),
    );
    // Mismatched forms: 406 with the real messages.
    for (index, is_list) in [(7, true), (8, false)] {
        let accept = exchanges[index]["request"]["headers"]["Accept"]
            .as_str()
            .unwrap();
        let negotiated = table::negotiate(accept, false).unwrap();
        let err = table::check_representation(negotiated.representation, configmaps, is_list)
            .unwrap_err();
        assert_eq!(json!(err.message), body(&exchanges[index])["message"]);
        assert_eq!(body(&exchanges[index])["code"], 406);
    }
}

#[test]
fn accept_negotiation_matches_the_transcripts() {
    let Some(media) = exchanges("errors-media.json") else {
        return;
    };
    let Some(protobuf) = exchanges("protobuf.json") else {
        return;
    };
    for exchange in media.iter().chain(protobuf.iter()) {
        let request = &exchange["request"];
        if request["method"] != "GET" || !request["path"].as_str().unwrap().contains("/namespaces/")
        {
            continue;
        }
        let accept = request["headers"]["Accept"].as_str().unwrap_or("");
        let status = exchange["response"]["status"].as_u64().unwrap();
        let content_type = exchange["response"]["headers"]["Content-Type"]
            .as_str()
            .unwrap();
        match table::negotiate(accept, false) {
            Ok(negotiated) => {
                if content_type.contains("protobuf") {
                    // We answer JSON where the real server answers protobuf,
                    // unless protobuf is all the client accepts.
                    assert!(
                        accept.contains("json") || accept.contains("*/*"),
                        "{accept}: protobuf only, yet negotiated"
                    );
                } else {
                    assert_eq!(status, 200, "{accept}");
                    assert_eq!(negotiated.format.content_type(), content_type, "{accept}");
                }
            }
            Err(err) => {
                if status == 406 {
                    let expected = body(exchange);
                    assert_eq!(json!(err.message), expected["message"], "{accept}");
                    assert_eq!(
                        err.empty_details,
                        expected.get("details").is_some(),
                        "{accept}"
                    );
                } else {
                    assert!(
                        content_type.contains("protobuf") && !accept.contains("json"),
                        "{accept} refused, but the real server answered {status} {content_type}"
                    );
                }
            }
        }
    }
}
