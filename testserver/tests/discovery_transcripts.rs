//! Discovery and OpenAPI v3 outputs compared
//! field by field with the bodies a real kube-apiserver v1.32.13 returned
//! (`shared/specs/apiserver-1.32`). Differences that come from what is
//! served, not from how it is answered, are listed and justified below;
//! anything else fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use common::{assert_same, body, builtin, crd_resources, diff, exchanges};
use kubegen_testserver::discovery;
use kubegen_testserver::openapi;
use kubegen_testserver::registry::ResourceInfo;
use serde_json::{Value, json};

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
