//! Replays the request bodies and selectors of the kube-apiserver v1.32
//! transcripts through the selector and validation functions and compares
//! the outcome with what the real server answered (messages, causes, Warning
//! headers, selected objects).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use kubegen::meta::v1::StatusCause;
use kubegen_testserver::registry::{Builtin, ResourceInfo, ScaleSubresource, Subresources};
use kubegen_testserver::selectors::{FieldSelector, LabelSelector};
use kubegen_testserver::validation::{
    self, FieldValidation, Rejection, builtin, crd, custom, custom::Target,
};
use serde_json::Value;

fn transcripts_dir(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs/apiserver-1.32");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{test}: {} is missing; CI must provide the shared transcripts",
            dir.display()
        );
    }
    eprintln!(
        "\n!!!!!!!!\n!!! SKIPPING {test}: {} is missing (the shared transcripts belong beside the checkout)\n!!!!!!!!\n",
        dir.display()
    );
    None
}

fn exchanges(test: &str, file: &str) -> Option<Vec<Value>> {
    let dir = transcripts_dir(test)?;
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let parsed: Value = serde_json::from_str(&text).unwrap();
    Some(parsed["exchanges"].as_array().unwrap().clone())
}

fn decode_percent(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn query(path: &str, name: &str) -> Option<String> {
    let (_, query) = path.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| decode_percent(value))
    })
}

fn causes(response: &Value) -> Vec<StatusCause> {
    serde_json::from_value(response["body"]["details"]["causes"].clone()).unwrap_or_default()
}

fn warnings(response: &Value) -> Vec<String> {
    let texts: Vec<String> = match &response["headers"]["Warning"] {
        Value::String(one) => vec![one.clone()],
        Value::Array(many) => many
            .iter()
            .map(|w| w.as_str().unwrap().to_owned())
            .collect(),
        _ => Vec::new(),
    };
    // `299 - "<Go-quoted text>"`.
    texts
        .iter()
        .map(|w| serde_json::from_str::<String>(w.trim_start_matches("299 - ")).unwrap())
        .collect()
}

fn names(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Checks a selector against a listing: every listed object matches, and
/// every other object of the scenario (in the listing's namespace) does not.
fn check_listing(
    path: &str,
    listed: &[Value],
    created: &[Value],
    matches: impl Fn(&Value) -> bool,
) {
    for item in listed {
        assert!(
            matches(item),
            "{path}: listed {} does not match",
            item["metadata"]["name"]
        );
    }
    let listed_names = names(listed);
    let mut unlisted = 0;
    for object in created {
        let name = object["metadata"]["name"].as_str().unwrap();
        let namespace = object["metadata"]["namespace"].as_str().unwrap_or("");
        let in_scope = path.contains(&format!("/namespaces/{namespace}/"));
        if in_scope && !listed_names.iter().any(|n| n == name) {
            assert!(!matches(object), "{path}: unlisted {name} matches");
            unlisted += 1;
        }
    }
    assert!(
        !listed.is_empty() || unlisted > 0 || !path.contains("/namespaces/"),
        "{path}: nothing checked"
    );
}

#[test]
fn label_selectors_parse_match_and_fail_as_the_server_does() {
    let Some(exchanges) = exchanges("label selectors", "list-label-selectors.json") else {
        return;
    };
    let created: Vec<Value> = exchanges
        .iter()
        .filter(|e| e["request"]["method"] == "POST" && e["response"]["status"] == 201)
        .map(|e| e["response"]["body"].clone())
        .filter(|b| b["kind"] == "ConfigMap")
        .collect();
    assert!(created.len() >= 6);
    let mut checked = 0;
    for exchange in &exchanges {
        let path = exchange["request"]["path"].as_str().unwrap();
        let Some(selector) = query(path, "labelSelector") else {
            continue;
        };
        let response = &exchange["response"];
        match response["status"].as_u64() {
            Some(200) => {
                let parsed = LabelSelector::parse(&selector).unwrap();
                let listed = response["body"]["items"].as_array().unwrap();
                check_listing(path, listed, &created, |o| {
                    parsed.matches(o["metadata"]["labels"].as_object())
                });
            }
            Some(400) => {
                let error = LabelSelector::parse(&selector).unwrap_err();
                assert_eq!(error.message(), response["body"]["message"], "{path}");
            }
            other => panic!("{path}: unexpected status {other:?}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 18);
}

fn builtin_resource(builtin: &Builtin, group: &str, plural: &str) -> ResourceInfo {
    builtin
        .resources
        .iter()
        .find(|r| r.group == group && r.plural == plural)
        .map(|r| (**r).clone())
        .unwrap()
}

#[test]
fn field_selectors_of_built_ins_parse_match_and_fail_as_the_server_does() {
    let Some(exchanges) = exchanges("field selectors", "list-field-selectors.json") else {
        return;
    };
    let builtin = Builtin::load().unwrap();
    let created: Vec<Value> = exchanges
        .iter()
        .filter(|e| e["request"]["method"] == "POST" && e["response"]["status"] == 201)
        .map(|e| e["response"]["body"].clone())
        .collect();
    let mut checked = 0;
    for exchange in &exchanges {
        let path = exchange["request"]["path"].as_str().unwrap();
        let Some(selector) = query(path, "fieldSelector") else {
            continue;
        };
        let plural = path.split('?').next().unwrap().rsplit('/').next().unwrap();
        let resource = builtin_resource(&builtin, "", plural);
        let response = &exchange["response"];
        let outcome = FieldSelector::parse(&selector).and_then(|s| s.check(&resource).map(|()| s));
        match response["status"].as_u64() {
            Some(200) => {
                let parsed = outcome.unwrap();
                let labels =
                    query(path, "labelSelector").map(|l| LabelSelector::parse(&l).unwrap());
                let same_kind: Vec<Value> = created
                    .iter()
                    .filter(|o| o["kind"] == resource.kind.as_str())
                    .cloned()
                    .collect();
                let listed = response["body"]["items"].as_array().unwrap();
                check_listing(path, listed, &same_kind, |o| {
                    parsed.matches(o)
                        && labels
                            .as_ref()
                            .is_none_or(|l| l.matches(o["metadata"]["labels"].as_object()))
                });
            }
            Some(400) => {
                assert_eq!(
                    outcome.unwrap_err().message(),
                    response["body"]["message"],
                    "{path}"
                );
            }
            other => panic!("{path}: unexpected status {other:?}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 17);
}

/// The ResourceInfo a served version of a posted CRD becomes.
fn crd_resource(crd: &Value, version: &str) -> ResourceInfo {
    let spec = &crd["spec"];
    let served = spec["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == version)
        .unwrap();
    let scale = served["subresources"]
        .get("scale")
        .map(|s| ScaleSubresource {
            spec_replicas_path: s["specReplicasPath"].as_str().unwrap().to_owned(),
            status_replicas_path: s["statusReplicasPath"].as_str().unwrap().to_owned(),
            label_selector_path: s["labelSelectorPath"].as_str().map(str::to_owned),
        });
    ResourceInfo {
        group: spec["group"].as_str().unwrap().to_owned(),
        version: version.to_owned(),
        kind: spec["names"]["kind"].as_str().unwrap().to_owned(),
        plural: spec["names"]["plural"].as_str().unwrap().to_owned(),
        namespaced: spec["scope"] == "Namespaced",
        custom: true,
        schema: served["schema"]["openAPIV3Schema"].clone(),
        selectable_fields: served["selectableFields"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                f["jsonPath"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches('.')
                    .to_owned()
            })
            .collect(),
        subresources: Subresources {
            status: served["subresources"].get("status").is_some(),
            scale,
            other: Vec::new(),
        },
        ..ResourceInfo::default()
    }
}

fn namespace_of(path: &str) -> Option<String> {
    let rest = path.split("/namespaces/").nth(1)?;
    Some(rest.split('/').next()?.to_owned())
}

#[test]
fn custom_resource_field_selectors_follow_selectable_fields() {
    let Some(exchanges) = exchanges("CRD field selectors", "crd-subresources.json") else {
        return;
    };
    let definition = exchanges[1]["request"]["body"].clone();
    let mut checked = 0;
    for exchange in &exchanges {
        let path = exchange["request"]["path"].as_str().unwrap();
        let Some(selector) = query(path, "fieldSelector") else {
            continue;
        };
        if query(path, "watch").is_some() {
            continue;
        }
        let version = path.split('/').nth(3).unwrap();
        let resource = crd_resource(&definition, version);
        let response = &exchange["response"];
        let outcome = FieldSelector::parse(&selector).and_then(|s| s.check(&resource).map(|()| s));
        match response["status"].as_u64() {
            Some(200) => {
                let parsed = outcome.unwrap();
                let listed = response["body"]["items"].as_array().unwrap();
                assert!(!listed.is_empty(), "{path}");
                for item in listed {
                    assert!(parsed.matches(item), "{path}");
                }
            }
            Some(400) => assert_eq!(outcome.unwrap_err().message(), response["body"]["message"]),
            other => panic!("{path}: unexpected status {other:?}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 5);
}

#[test]
fn object_meta_causes_match_configmap_errors_and_generate_name() {
    let builtin = Builtin::load().unwrap();
    let configmaps = builtin_resource(&builtin, "", "configmaps");
    let mut checked = 0;
    for file in ["configmap-errors.json", "generate-name.json"] {
        let Some(exchanges) = exchanges("object meta", file) else {
            return;
        };
        for exchange in &exchanges {
            let response = &exchange["response"];
            let path = exchange["request"]["path"].as_str().unwrap();
            if exchange["request"]["method"] != "POST" || !path.contains("/configmaps") {
                continue;
            }
            let mut object = exchange["request"]["body"].clone();
            // What ts-core does first: the namespace from the path, a generated name.
            object["metadata"]["namespace"] = Value::String(namespace_of(path).unwrap());
            if let Some(name) = response["body"]["details"]["name"].as_str() {
                object["metadata"]["name"] = Value::String(name.to_owned());
            } else if response["status"] == 201 {
                object["metadata"]["name"] = response["body"]["metadata"]["name"].clone();
            }
            let found = validation::meta::validate(&configmaps, &object);
            match response["status"].as_u64() {
                Some(422) => {
                    assert_eq!(found, causes(response), "{file} {path}");
                    let name = object["metadata"]["name"].as_str().unwrap_or("");
                    assert_eq!(
                        validation::invalid_message("ConfigMap", name, &found),
                        response["body"]["message"].as_str().unwrap()
                    );
                    checked += 1;
                }
                Some(201) => {
                    assert!(found.is_empty(), "{file} {path}: {found:?}");
                    checked += 1;
                }
                _ => {}
            }
        }
    }
    assert!(checked >= 12, "{checked}");
}

#[test]
fn unknown_and_duplicate_fields_of_built_ins_match_field_validation() {
    let Some(exchanges) = exchanges("field validation", "field-validation.json") else {
        return;
    };
    let builtin = Builtin::load().unwrap();
    let mut checked = 0;
    for exchange in &exchanges {
        let request = &exchange["request"];
        let response = &exchange["response"];
        let path = request["path"].as_str().unwrap();
        if request["method"] != "POST" || !path.contains("/namespaces/field-validation/") {
            continue;
        }
        let directive = match FieldValidation::parse(query(path, "fieldValidation").as_deref()) {
            Ok(directive) => directive,
            Err(cause) => {
                assert_eq!(vec![cause], causes(response), "{path}");
                checked += 1;
                continue;
            }
        };
        let (object, raw): (Value, Option<Vec<u8>>) = match request["body_text"].as_str() {
            Some(text) => (
                serde_json::from_str(text).unwrap(),
                Some(text.as_bytes().to_vec()),
            ),
            None => (request["body"].clone(), None),
        };
        let plural = path.split('?').next().unwrap().rsplit('/').next().unwrap();
        let group = if path.starts_with("/apis/apps/") {
            "apps"
        } else {
            ""
        };
        let resource = builtin_resource(&builtin, group, plural);
        let problems = builtin::problems(builtin.schema_of(&resource), &object, raw.as_deref());
        match builtin::apply_directive(problems, directive) {
            Ok(texts) => {
                assert_eq!(response["status"], 201, "{path}");
                assert_eq!(texts, warnings(response), "{path}");
            }
            Err(tail) => {
                assert_eq!(response["status"], 400, "{path}");
                let message = response["body"]["message"].as_str().unwrap();
                assert_eq!(
                    message,
                    format!("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: {tail}")
                );
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 9);
}

/// Leaves out the causes of evaluated CEL rules, which are not reproduced.
fn without_cel(causes: Vec<StatusCause>) -> Vec<StatusCause> {
    causes
        .into_iter()
        .filter(|c| {
            let message = c.message.as_deref().unwrap_or("");
            !(message.contains("minReplicas must not exceed replicas")
                || message.contains("is reserved"))
        })
        .collect()
}

#[test]
fn custom_objects_are_pruned_defaulted_and_validated_as_the_server_does() {
    let Some(exchanges) = exchanges("custom objects", "crd-objects.json") else {
        return;
    };
    let definition = exchanges[1]["request"]["body"].clone();
    let mut checked = 0;
    for exchange in &exchanges {
        let request = &exchange["request"];
        let response = &exchange["response"];
        let path = request["path"].as_str().unwrap();
        if request["method"] != "POST" || !path.contains("/widgets") {
            continue;
        }
        let version = path.split('/').nth(3).unwrap();
        let resource = crd_resource(&definition, version);
        let mut object = request["body"].clone();
        object["metadata"]["namespace"] = Value::String(namespace_of(path).unwrap());
        let directive = FieldValidation::parse(query(path, "fieldValidation").as_deref()).unwrap();
        let outcome =
            custom::process_resource(&resource, &mut object, directive, None, Target::Main);
        match (response["status"].as_u64().unwrap(), outcome) {
            (201, Ok(texts)) => {
                let expected: Vec<String> = warnings(response)
                    .into_iter()
                    .filter(|w| !w.contains("is deprecated"))
                    .collect();
                assert_eq!(texts, expected, "{path}");
                assert_eq!(object["spec"], response["body"]["spec"], "{path}");
            }
            (400, Err(Rejection::BadRequest(tail))) => {
                assert_eq!(
                    response["body"]["message"],
                    format!("Widget in version \"v1\" cannot be handled as a Widget: {tail}")
                );
            }
            (422, Err(Rejection::Invalid(found))) => {
                assert_eq!(found, without_cel(causes(response)), "{path}");
            }
            // CEL rules are not evaluated: a violation of them alone passes.
            (422, Ok(_)) => {
                assert!(without_cel(causes(response)).is_empty(), "{path}");
            }
            (status, outcome) => panic!("{path}: {status} but {outcome:?}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 13);
}

#[test]
fn status_and_scale_writes_of_custom_objects_fail_as_the_server_does() {
    let Some(exchanges) = exchanges("custom subresources", "crd-subresources.json") else {
        return;
    };
    let definition = exchanges[1]["request"]["body"].clone();
    let resource = crd_resource(&definition, "v1");
    // #7: a merge patch of /status onto the object as #6 left it.
    let old = exchanges[6]["response"]["body"].clone();
    let mut object = old.clone();
    json_patch::merge(&mut object, &exchanges[7]["request"]["body"]);
    let rejection = custom::process_resource(
        &resource,
        &mut object,
        FieldValidation::Warn,
        Some(&old),
        Target::Status,
    )
    .unwrap_err();
    assert_eq!(
        rejection,
        Rejection::Invalid(causes(&exchanges[7]["response"]))
    );
    // #11: /scale to 11 replicas, onto the object as the next GET shows it.
    let mut object = exchanges[12]["response"]["body"].clone();
    object["spec"]["replicas"] = Value::from(11);
    let rejection = custom::process_resource(
        &resource,
        &mut object,
        FieldValidation::Warn,
        None,
        Target::Main,
    )
    .unwrap_err();
    assert_eq!(
        rejection,
        Rejection::Invalid(causes(&exchanges[11]["response"]))
    );
}

#[test]
fn custom_resource_definitions_are_refused_with_the_real_causes() {
    let Some(invalid) = exchanges("CRD validation", "crd-invalid.json") else {
        return;
    };
    for (i, exchange) in invalid.iter().enumerate() {
        let mut body = exchange["request"]["body"].clone();
        crd::apply_defaults(&mut body);
        let found = crd::validate(&body);
        // CEL rules are not compiled: that cause is the one left out.
        let expected: Vec<StatusCause> = causes(&exchange["response"])
            .into_iter()
            .filter(|c| {
                !c.message
                    .as_deref()
                    .unwrap_or("")
                    .contains("compilation failed")
            })
            .collect();
        assert_eq!(found, expected, "exchange {i}");
    }
    // The CRDs the other scenarios create are valid.
    for file in [
        "crd-objects.json",
        "crd-subresources.json",
        "crd-lifecycle.json",
    ] {
        let Some(objects) = exchanges("CRD validation", file) else {
            return;
        };
        let mut body = objects
            .iter()
            .map(|e| &e["request"]["body"])
            .find(|b| b["kind"] == "CustomResourceDefinition")
            .unwrap()
            .clone();
        crd::apply_defaults(&mut body);
        assert_eq!(crd::validate(&body), Vec::new(), "{file}");
    }
}
