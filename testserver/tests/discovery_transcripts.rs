//! Discovery, OpenAPI v3, Table and PartialObjectMetadata outputs compared
//! field by field with the bodies a real kube-apiserver v1.32.13 returned
//! (`shared/specs/apiserver-1.32`). Differences that come from what is
//! served, not from how it is answered, are listed and justified below;
//! anything else fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use kubegen_testserver::discovery;
use kubegen_testserver::openapi;
use kubegen_testserver::registry::{
    Builtin, PrinterColumn, ResourceInfo, ScaleSubresource, Subresources,
};
use kubegen_testserver::table::{self, IncludeObject, MetaVersion, Representation, TableOptions};
use serde_json::{Value, json};

fn specs() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs/apiserver-1.32");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the apiserver transcripts are missing at {} (required under CI)",
        dir.display()
    );
    eprintln!(
        "NOTE: skipping: the apiserver transcripts are missing at {}",
        dir.display()
    );
    None
}

fn exchanges(name: &str) -> Option<Vec<Value>> {
    let path = specs()?.join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    Some(file["exchanges"].as_array().unwrap().clone())
}

fn body(exchange: &Value) -> &Value {
    &exchange["response"]["body"]
}

/// Differences between two JSON values, as `path: expected != actual` lines.
fn diff(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let keys: BTreeSet<&String> = e.keys().chain(a.keys()).collect();
            for key in keys {
                let sub = format!("{path}.{key}");
                match (e.get(key), a.get(key)) {
                    (Some(ev), Some(av)) => diff(&sub, ev, av, out),
                    (Some(ev), None) => out.push(format!("{sub}: missing (expected {ev})")),
                    (None, Some(av)) => out.push(format!("{sub}: unexpected {av}")),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        _ if expected == actual => {}
        _ => out.push(format!("{path}: expected {expected} got {actual}")),
    }
}

fn assert_same(what: &str, expected: &Value, actual: &Value) {
    let mut out = Vec::new();
    diff("", expected, actual, &mut out);
    assert!(out.is_empty(), "{what} differs:\n{}", out.join("\n"));
}

/// What the provisional catalog does not carry yet (the lead's generated one
/// will): these fields are compared only once the catalog has them.
struct CatalogGaps {
    watch: bool,
    short_names: bool,
    categories: bool,
}

fn gaps(resources: &[Arc<ResourceInfo>]) -> CatalogGaps {
    let gaps = CatalogGaps {
        watch: !resources.iter().any(|r| r.supports("watch")),
        short_names: !resources.iter().any(|r| !r.short_names.is_empty()),
        categories: !resources.iter().any(|r| !r.categories.is_empty()),
    };
    if gaps.watch || gaps.short_names || gaps.categories {
        eprintln!(
            "NOTE: the built-in catalog lacks watch verbs: {}, short names: {}, categories: {}; \
             those fields are not compared until it has them",
            gaps.watch, gaps.short_names, gaps.categories
        );
    }
    gaps
}

/// Drops from `value` (discovery entries) what the catalog cannot say yet.
fn normalize(value: &mut Value, gaps: &CatalogGaps) {
    match value {
        Value::Object(map) => {
            if gaps.short_names {
                map.remove("shortNames");
            }
            if gaps.categories {
                map.remove("categories");
            }
            if gaps.watch {
                if let Some(Value::Array(verbs)) = map.get_mut("verbs") {
                    verbs.retain(|v| v != "watch");
                }
            }
            map.values_mut().for_each(|v| normalize(v, gaps));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| normalize(v, gaps)),
        _ => {}
    }
}

/// Resources a v1.32 server serves that the catalog (generated from a newer
/// Kubernetes API) does not, and the other way round. Both are differences
/// of what is served, not of how discovery answers.
fn justified_extra(group: &str, name: &str) -> bool {
    // Newer than 1.32 or disabled by default in 1.32 (alpha/beta APIs).
    matches!(
        (group, name),
        ("", "pods/resize")
            | ("admissionregistration.k8s.io", "mutatingadmissionpolicies")
            | (
                "admissionregistration.k8s.io",
                "mutatingadmissionpolicybindings"
            )
            | ("networking.k8s.io", "ipaddresses")
            | ("networking.k8s.io", "servicecidrs")
            | ("networking.k8s.io", "servicecidrs/status")
            | ("storage.k8s.io", "volumeattributesclasses")
    )
}

fn builtin() -> Builtin {
    Builtin::load().unwrap()
}

/// Compares two discovery entry lists keyed by `key`, ignoring
/// storageVersionHash values and justified extra entries.
fn compare_entries(
    what: &str,
    group: &str,
    key: &str,
    expected: &[Value],
    actual: &[Value],
) -> Vec<String> {
    let mut out = Vec::new();
    let by_key = |items: &[Value]| -> BTreeMap<String, Value> {
        items
            .iter()
            .map(|i| (i[key].as_str().unwrap().to_owned(), i.clone()))
            .collect()
    };
    let (e, a) = (by_key(expected), by_key(actual));
    for (name, ev) in &e {
        match a.get(name) {
            Some(av) => {
                let mut ev = ev.clone();
                let mut av = av.clone();
                for v in [&mut ev, &mut av] {
                    if let Some(hash) = v.get_mut("storageVersionHash") {
                        *hash = json!("<hash>");
                    }
                }
                diff(&format!("{what}[{name}]"), &ev, &av, &mut out);
            }
            None => out.push(format!("{what}[{name}]: missing")),
        }
    }
    for name in a.keys().filter(|n| !e.contains_key(*n)) {
        if justified_extra(group, name) {
            eprintln!("NOTE: {what}: {name} is served by this catalog but not by the 1.32 server");
        } else {
            out.push(format!("{what}[{name}]: unexpected"));
        }
    }
    // Order of the entries the two have in common.
    let common = |items: &[Value], other: &BTreeMap<String, Value>| -> Vec<String> {
        items
            .iter()
            .map(|i| i[key].as_str().unwrap().to_owned())
            .filter(|n| other.contains_key(n))
            .collect()
    };
    if common(expected, &a) != common(actual, &e) {
        out.push(format!("{what}: order differs"));
    }
    out
}

#[test]
fn legacy_discovery_matches_the_transcript() {
    let Some(exchanges) = exchanges("discovery.json") else {
        return;
    };
    let builtin = builtin();
    let resources = &builtin.resources;
    let gaps = gaps(resources);

    let version = discovery::version_info();
    let expected_keys: Vec<&String> = body(&exchanges[0]).as_object().unwrap().keys().collect();
    let actual_keys: Vec<&String> = version.as_object().unwrap().keys().collect();
    assert_eq!(expected_keys, actual_keys, "/version fields");
    assert_eq!(version["major"], body(&exchanges[0])["major"]);
    assert_eq!(version["minor"], body(&exchanges[0])["minor"]);

    assert_same(
        "/api",
        body(&exchanges[1]),
        &discovery::core_versions("127.0.0.1:6443"),
    );

    let mut problems = Vec::new();
    for (index, group, version) in [(2, "", "v1"), (5, "apps", "v1")] {
        let mut expected = body(&exchanges[index]).clone();
        let mut actual = discovery::resource_list(resources, group, version).unwrap();
        normalize(&mut expected, &gaps);
        normalize(&mut actual, &gaps);
        let (er, ar) = (
            expected
                .as_object_mut()
                .unwrap()
                .remove("resources")
                .unwrap(),
            actual.as_object_mut().unwrap().remove("resources").unwrap(),
        );
        diff(
            &format!("/{group}/{version}"),
            &expected,
            &actual,
            &mut problems,
        );
        problems.extend(compare_entries(
            &format!("{group}/{version}"),
            group,
            "name",
            er.as_array().unwrap(),
            ar.as_array().unwrap(),
        ));
    }

    // /apis: the groups both serve, in the same order, with the same versions.
    let expected = body(&exchanges[3]);
    let actual = discovery::group_list(resources);
    assert_eq!(expected["kind"], actual["kind"]);
    assert_eq!(expected["apiVersion"], actual["apiVersion"]);
    let names = |v: &Value| -> Vec<String> {
        v["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let (en, an) = (names(expected), names(&actual));
    let common: Vec<&String> = an.iter().filter(|n| en.contains(n)).collect();
    let expected_order: Vec<&String> = en.iter().filter(|n| an.contains(n)).collect();
    assert_eq!(expected_order, common, "/apis group order");
    for group in expected["groups"].as_array().unwrap() {
        let name = group["name"].as_str().unwrap();
        let ours = actual["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == name);
        let Some(ours) = ours else {
            problems.push(format!("/apis: group {name} missing"));
            continue;
        };
        // The catalog serves newer beta/alpha versions of some groups; the
        // preferred version and the versions 1.32 serves must agree.
        assert_eq!(
            group["preferredVersion"], ours["preferredVersion"],
            "{name}"
        );
        for version in group["versions"].as_array().unwrap() {
            if !ours["versions"].as_array().unwrap().contains(version) {
                problems.push(format!("/apis: {name} lacks {version}"));
            }
        }
    }
    assert_same(
        "/apis/apps",
        body(&exchanges[4]),
        &discovery::group(resources, "apps").unwrap(),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn aggregated_discovery_matches_the_transcript() {
    let Some(exchanges) = exchanges("discovery-aggregated.json") else {
        return;
    };
    let builtin = builtin();
    let resources = &builtin.resources;
    let gaps = gaps(resources);
    let mut problems = Vec::new();
    for (index, core) in [(0, true), (1, false), (3, false), (4, true)] {
        let exchange = &exchanges[index];
        let accept = exchange["request"]["headers"]["Accept"].as_str().unwrap();
        let (mut actual, etag) = discovery::aggregated(resources, core, accept).unwrap();
        let mut expected = body(exchange).clone();
        let content_type = exchange["response"]["headers"]["Content-Type"]
            .as_str()
            .unwrap();
        assert_eq!(
            discovery::aggregated_version(accept)
                .unwrap()
                .content_type(),
            content_type
        );
        assert!(
            etag.len()
                == exchange["response"]["headers"]["ETag"]
                    .as_str()
                    .unwrap()
                    .len()
        );
        normalize(&mut expected, &gaps);
        normalize(&mut actual, &gaps);
        let (ei, ai) = (
            expected.as_object_mut().unwrap().remove("items").unwrap(),
            actual.as_object_mut().unwrap().remove("items").unwrap(),
        );
        diff("aggregated", &expected, &actual, &mut problems);
        for item in ei.as_array().unwrap() {
            let name = &item["metadata"]["name"];
            let ours = ai
                .as_array()
                .unwrap()
                .iter()
                .find(|i| &i["metadata"]["name"] == name);
            let Some(ours) = ours else {
                problems.push(format!("aggregated: group {name} missing"));
                continue;
            };
            assert_eq!(item["metadata"], ours["metadata"]);
            let group = name.as_str().unwrap_or_default();
            for version in item["versions"].as_array().unwrap() {
                let v = &version["version"];
                let Some(our_version) = ours["versions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|o| &o["version"] == v)
                else {
                    problems.push(format!("aggregated: {group}/{v} missing"));
                    continue;
                };
                assert_eq!(version["freshness"], our_version["freshness"]);
                let flatten = |resources: &Value| -> Vec<Value> {
                    // Subresources become their own entries keyed like the legacy list.
                    let mut out = Vec::new();
                    for r in resources.as_array().unwrap() {
                        let mut main = r.clone();
                        let subs = main.as_object_mut().unwrap().remove("subresources");
                        out.push(main);
                        for s in subs.iter().flat_map(|s| s.as_array().unwrap()) {
                            let mut s = s.clone();
                            let key = format!(
                                "{}/{}",
                                r["resource"].as_str().unwrap(),
                                s["subresource"].as_str().unwrap()
                            );
                            s["resource"] = json!(key);
                            out.push(s);
                        }
                    }
                    out
                };
                problems.extend(compare_entries(
                    &format!("aggregated {group}/{v}"),
                    group,
                    "resource",
                    &flatten(&version["resources"]),
                    &flatten(&our_version["resources"]),
                ));
            }
        }
    }
    // If-None-Match: the same body gives the same ETag.
    let accept = exchanges[1]["request"]["headers"]["Accept"]
        .as_str()
        .unwrap();
    let (_, first) = discovery::aggregated(resources, false, accept).unwrap();
    let (_, second) = discovery::aggregated(resources, false, accept).unwrap();
    assert_eq!(first, second);
    // A per-group path is not aggregated (exchange 5): plain APIGroup.
    assert_same(
        "/apis/apps",
        body(&exchanges[5]),
        &discovery::group(resources, "apps").unwrap(),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The resources of a CustomResourceDefinition, one per served version, as
/// ts-core registers them.
fn crd_resources(crd: &Value) -> Vec<Arc<ResourceInfo>> {
    let spec = &crd["spec"];
    let names = &spec["names"];
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    spec["versions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["served"] == true)
        .map(|v| {
            let subresources = &v["subresources"];
            Arc::new(ResourceInfo {
                group: spec["group"].as_str().unwrap().into(),
                version: v["name"].as_str().unwrap().into(),
                kind: names["kind"].as_str().unwrap().into(),
                list_kind: names["listKind"].as_str().unwrap().into(),
                plural: names["plural"].as_str().unwrap().into(),
                singular: names["singular"].as_str().unwrap().into(),
                namespaced: spec["scope"] == "Namespaced",
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
                short_names: strings(&names["shortNames"]),
                categories: strings(&names["categories"]),
                subresources: Subresources {
                    status: subresources.get("status").is_some(),
                    scale: subresources.get("scale").map(|s| ScaleSubresource {
                        spec_replicas_path: s["specReplicasPath"].as_str().unwrap().into(),
                        status_replicas_path: s["statusReplicasPath"].as_str().unwrap().into(),
                        label_selector_path: s["labelSelectorPath"].as_str().map(String::from),
                    }),
                    other: vec![],
                },
                printer_columns: v["additionalPrinterColumns"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| serde_json::from_value::<PrinterColumn>(c.clone()).unwrap())
                    .collect(),
                selectable_fields: v["selectableFields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|f| f["jsonPath"].as_str().unwrap().into())
                    .collect(),
                schema: v["schema"]["openAPIV3Schema"].clone(),
                storage: v["storage"] == true,
                deprecated: v["deprecated"] == true,
                custom: true,
                ..ResourceInfo::default()
            })
        })
        .collect()
}

#[test]
fn custom_resource_discovery_and_openapi_match_the_transcript() {
    let Some(exchanges) = exchanges("crd-lifecycle.json") else {
        return;
    };
    let builtin = builtin();
    let mut resources = builtin.resources.clone();
    let crds = crd_resources(body(&exchanges[2]));
    resources.extend(crds.iter().cloned());
    let group = "crd-lifecycle.example.com";

    assert_same(
        "/apis/<crd group>",
        body(&exchanges[3]),
        &discovery::group(&resources, group).unwrap(),
    );
    assert_same(
        "/apis/<crd group>/v1",
        body(&exchanges[4]),
        &discovery::resource_list(&resources, group, "v1").unwrap(),
    );
    assert_same(
        "/apis/<crd group>/v1beta1",
        body(&exchanges[5]),
        &discovery::resource_list(&resources, group, "v1beta1").unwrap(),
    );

    let accept = exchanges[6]["request"]["headers"]["Accept"]
        .as_str()
        .unwrap();
    let (aggregated, _) = discovery::aggregated(&resources, false, accept).unwrap();
    let expected = body(&exchanges[6])["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    let actual = aggregated["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_same("aggregated CRD group", &expected, &actual);

    // OpenAPI v3 of the CRD group-version.
    let doc = openapi::document(&resources, &builtin.schemas, &format!("apis/{group}/v1")).unwrap();
    let expected = body(&exchanges[7]);
    assert_eq!(doc.hash.len(), 128);
    compare_documents("CRD v1", expected, &doc.body, &BTreeSet::new());
    // The custom schemas themselves, exactly.
    for name in [
        "com.example.crd-lifecycle.v1.Widget",
        "com.example.crd-lifecycle.v1.WidgetList",
    ] {
        assert_same(
            name,
            &expected["components"]["schemas"][name],
            &doc.body["components"]["schemas"][name],
        );
    }
}

/// Compares two OpenAPI documents operation by operation: operation ids,
/// actions, group-version-kinds, parameter names (path and operation level),
/// request and response content types and schemas, and the set of schemas
/// (`allowed_missing` lists schema names the catalog's newer API lacks or adds).
fn compare_documents(
    what: &str,
    expected: &Value,
    actual: &Value,
    justified_paths: &BTreeSet<String>,
) {
    let mut problems = Vec::new();
    assert_eq!(expected["openapi"], actual["openapi"]);
    assert_eq!(expected["info"]["title"], actual["info"]["title"]);
    let (ep, ap) = (
        expected["paths"].as_object().unwrap(),
        actual["paths"].as_object().unwrap(),
    );
    for (path, item) in ep {
        let Some(ours) = ap.get(path) else {
            if !justified_paths.contains(path) {
                problems.push(format!("{what}: path {path} missing"));
            }
            continue;
        };
        let param_names = |v: &Value| -> Vec<(String, String)> {
            v.as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap().to_owned(),
                        p["in"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        };
        if param_names(&item["parameters"]) != param_names(&ours["parameters"]) {
            problems.push(format!(
                "{what}: {path} parameters {:?} != {:?}",
                param_names(&item["parameters"]),
                param_names(&ours["parameters"])
            ));
        }
        for (method, op) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            let Some(our_op) = ours.get(method) else {
                problems.push(format!("{what}: {method} {path} missing"));
                continue;
            };
            for key in [
                "operationId",
                "x-kubernetes-action",
                "x-kubernetes-group-version-kind",
                "tags",
                "description",
            ] {
                if op.get(key) != our_op.get(key) {
                    problems.push(format!(
                        "{what}: {method} {path} {key}: {:?} != {:?}",
                        op.get(key),
                        our_op.get(key)
                    ));
                }
            }
            if param_names(&op["parameters"]) != param_names(&our_op["parameters"]) {
                problems.push(format!(
                    "{what}: {method} {path} parameters {:?} != {:?}",
                    param_names(&op["parameters"]),
                    param_names(&our_op["parameters"])
                ));
            }
            let mut out = Vec::new();
            diff(
                &format!("{what}: {method} {path} requestBody"),
                &op["requestBody"],
                &our_op["requestBody"],
                &mut out,
            );
            diff(
                &format!("{what}: {method} {path} responses"),
                &op["responses"],
                &our_op["responses"],
                &mut out,
            );
            problems.extend(out);
        }
        for method in ours.as_object().unwrap().keys() {
            if item.get(method).is_none() {
                problems.push(format!("{what}: {method} {path} unexpected"));
            }
        }
    }
    for path in ap.keys().filter(|p| !ep.contains_key(*p)) {
        if !justified_paths.contains(path) {
            problems.push(format!("{what}: path {path} unexpected"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Paths of resources this catalog serves that 1.32 does not (or the other
/// way round), see [`justified_extra`].
fn justified_paths(doc: &Value, group: &str) -> BTreeSet<String> {
    doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|path| {
            let resource_part = path
                .split('/')
                .skip_while(|s| *s != "v1")
                .skip(1)
                .filter(|s| *s != "watch" && *s != "namespaces" && !s.starts_with('{'))
                .collect::<Vec<_>>()
                .join("/");
            justified_extra(group, &resource_part)
        })
        .cloned()
        .collect()
}

#[test]
fn built_in_openapi_documents_match_the_transcripts() {
    let Some(apps) = exchanges("openapi-v3-apps-v1.json") else {
        return;
    };
    let Some(core) = exchanges("openapi-v3-core-v1.json") else {
        return;
    };
    let builtin = builtin();
    let resources = &builtin.resources;
    let gaps = gaps(resources);
    for (exchange, group, path) in [(&apps[0], "apps", "apis/apps/v1"), (&core[0], "", "api/v1")] {
        let doc = openapi::document(resources, &builtin.schemas, path).unwrap();
        let mut expected = body(exchange).clone();
        if gaps.watch {
            // Without watch verbs there are no watch paths and list responses
            // cannot be compared; the catalog will carry them.
            let paths = expected["paths"].as_object_mut().unwrap();
            paths.retain(|p, _| !p.contains("/watch/"));
            for item in paths.values_mut() {
                if let Some(description) = item.pointer_mut("/get/description") {
                    let text = description
                        .as_str()
                        .unwrap()
                        .replace("list or watch objects", "list objects");
                    *description = json!(text);
                }
            }
        }
        let mut justified = justified_paths(&doc.body, group);
        justified.extend(justified_paths(&expected, group));
        compare_documents(path, &expected, &doc.body, &justified);
        // Every schema the real document has, ours has (the catalog's API is newer).
        let ours = doc.body["components"]["schemas"].as_object().unwrap();
        let missing: Vec<&String> = expected["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| !ours.contains_key(*k))
            .filter(|k| {
                !(gaps.watch && (k.ends_with(".WatchEvent") || k.ends_with(".RawExtension")))
            })
            .collect();
        assert!(missing.is_empty(), "{path}: schemas missing: {missing:?}");
        assert_same(
            "securitySchemes",
            &expected["components"]["securitySchemes"],
            &doc.body["components"]["securitySchemes"],
        );
        // Served with the patch operation's fieldValidation: kubectl's check.
        let patch = &doc.body["paths"][if group.is_empty() {
            "/api/v1/namespaces/{namespace}/configmaps/{name}"
        } else {
            "/apis/apps/v1/namespaces/{namespace}/deployments/{name}"
        }]["patch"];
        let names: Vec<&str> = patch["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            ["dryRun", "fieldManager", "fieldValidation", "force"]
        );
    }
}

#[test]
fn openapi_index_matches_the_transcript() {
    let Some(exchanges) = exchanges("openapi-v3-index.json") else {
        return;
    };
    let builtin = builtin();
    let index = openapi::index(&builtin.resources, &builtin.schemas);
    let expected: BTreeSet<&String> = body(&exchanges[0])["paths"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let actual: BTreeSet<&String> = index["paths"].as_object().unwrap().keys().collect();
    // Not served here: the OIDC discovery documents and /version's document.
    let not_served = [
        ".well-known/openid-configuration",
        "openid/v1/jwks",
        "version",
    ];
    for path in &expected {
        assert!(
            actual.contains(path) || not_served.contains(&path.as_str()),
            "index lacks {path}"
        );
    }
    for path in &actual {
        let url = index["paths"][path.as_str()]["serverRelativeURL"]
            .as_str()
            .unwrap();
        let (prefix, hash) = url.split_once("?hash=").unwrap();
        assert_eq!(prefix, format!("/openapi/v3/{path}"));
        assert_eq!(hash.len(), 128);
        let doc = openapi::document(&builtin.resources, &builtin.schemas, path).unwrap();
        assert_eq!(doc.hash, hash, "{path}");
        if !expected.contains(path) {
            // Groups of the catalog's newer API only.
            let group = path.split('/').nth(1).unwrap_or_default();
            assert!(
                [
                    "resource.k8s.io",
                    "internal.apiserver.k8s.io",
                    "storagemigration.k8s.io"
                ]
                .contains(&group)
                    || path.matches('/').count() == 2,
                "unexpected document {path}"
            );
        }
    }
}

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
