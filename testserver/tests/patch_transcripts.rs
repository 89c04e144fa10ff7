//! Replays the patch requests of the kube-apiserver 1.32 transcripts through
//! the patch functions: each request is applied to the object as the
//! transcript shows it just before, and the result is compared with the
//! object the real server answered, field by field (resourceVersion,
//! generation, uid, timestamps and managedFields times aside; fields the
//! server's defaulting adds after the patch are allowed to be missing).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use kubegen_testserver::patch::apply::{self, ApplyError, Options};
use kubegen_testserver::patch::{PatchError, json, merge, strategic};
use kubegen_testserver::registry::Builtin;
use kubegen_testserver::schema::{SchemaRef, Schemas};
use serde_json::{Value, json};

fn transcript(name: &str) -> Option<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/specs/apiserver-1.32")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).unwrap()),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("transcript {} is missing (CI is set)", path.display())
        }
        Err(_) => {
            eprintln!(
                "NOTE: transcript {} is missing; patch transcript test skipped",
                path.display()
            );
            None
        }
    }
}

fn exchange(t: &Value, i: usize) -> (&Value, &Value) {
    let e = &t["exchanges"][i];
    (&e["request"], &e["response"])
}

fn request_body(request: &Value) -> Value {
    match request.get("body") {
        Some(body) => body.clone(),
        None => serde_yaml_ng::from_str(request["body_text"].as_str().unwrap()).unwrap(),
    }
}

fn query(request: &Value, name: &str) -> Option<String> {
    let path = request["path"].as_str().unwrap();
    let (_, query) = path.split_once('?')?;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// The object without what differs by nature, and managedFields times
/// reduced to "was there a time".
fn normalized(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        for volatile in [
            "resourceVersion",
            "generation",
            "uid",
            "creationTimestamp",
            "namespace",
        ] {
            metadata.remove(volatile);
        }
        if let Some(Value::Array(entries)) = metadata.get_mut("managedFields") {
            for entry in entries {
                if let Some(time) = entry.get_mut("time") {
                    *time = json!("<time>");
                }
            }
        }
    }
    object
}

/// Whether everything in `mine` is in `theirs` with the same value (lists
/// must have the same length): what server-side defaulting leaves.
fn is_subset(mine: &Value, theirs: &Value, path: &str) -> Result<(), String> {
    match (mine, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let Some(w) = b.get(k) else {
                    return Err(format!("{path}.{k}: not in the server's answer"));
                };
                is_subset(v, w, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                is_subset(v, w, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (a, b) if a == b => Ok(()),
        (a, b) => Err(format!("{path}: {a} != {b}")),
    }
}

fn assert_same(mine: &Value, theirs: &Value, what: &str) {
    let (mine, theirs) = (normalized(mine), normalized(theirs));
    assert_eq!(
        mine, theirs,
        "{what}: result differs from the server's answer\nmine:   {mine}\ntheirs: {theirs}"
    );
}

fn assert_defaulted(mine: &Value, theirs: &Value, what: &str) {
    let (mine, theirs) = (normalized(mine), normalized(theirs));
    if let Err(e) = is_subset(&mine, &theirs, "") {
        panic!("{what}: {e}\nmine:   {mine}\ntheirs: {theirs}");
    }
    assert_eq!(
        mine["metadata"].get("managedFields"),
        theirs["metadata"].get("managedFields"),
        "{what}: managedFields"
    );
}

fn without_managed_fields(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.remove("managedFields");
    }
    object
}

fn builtin_schema<'a>(builtin: &'a Builtin, group: &str, kind: &str) -> SchemaRef<'a> {
    let resource = builtin
        .resources
        .iter()
        .find(|r| r.group == group && r.kind == kind)
        .unwrap();
    builtin.schema_of(resource)
}

fn status_of(error_code: u16, reason: Option<&str>, message: &str, response: &Value, what: &str) {
    let body = &response["body"];
    assert_eq!(
        u64::from(error_code),
        body["code"].as_u64().unwrap(),
        "{what}: code"
    );
    assert_eq!(reason, body["reason"].as_str(), "{what}: reason");
    assert_eq!(
        message,
        body["message"].as_str().unwrap(),
        "{what}: message"
    );
}

fn patch_error(error: &PatchError, response: &Value, what: &str) {
    status_of(
        error.code(),
        error.reason(),
        &error.message(),
        response,
        what,
    );
}

fn apply_error(error: &ApplyError, response: &Value, what: &str) {
    status_of(
        error.code(),
        error.reason(),
        &error.message(),
        response,
        what,
    );
    let causes = serde_json::to_value(error.causes()).unwrap();
    let expected = response["body"]["details"]
        .get("causes")
        .cloned()
        .unwrap_or(json!([]));
    assert_eq!(causes, expected, "{what}: causes");
}

fn now_of(response: &Value) -> String {
    response["body"]["metadata"]["managedFields"]
        .as_array()
        .and_then(|entries| entries.iter().filter_map(|e| e["time"].as_str()).max())
        .unwrap_or("2026-01-01T00:00:00Z")
        .to_owned()
}

#[test]
fn deployment_patch_transcript() {
    let Some(t) = transcript("deployment-patch.json") else {
        return;
    };
    let builtin = Builtin::load().unwrap();
    let schema = builtin_schema(&builtin, "apps", "Deployment");
    let previous = |i: usize| exchange(&t, i).1["body"].clone();

    for i in [2, 3, 4] {
        let (request, response) = exchange(&t, i);
        let before = previous(i - 1);
        let mut out = strategic::apply(&before, &request["body"], schema).unwrap();
        apply::record_update(
            Some(&before),
            &mut out,
            "realapi-capture",
            None,
            schema,
            &now_of(response),
        );
        assert_same(
            &out,
            &response["body"],
            &format!("deployment-patch #{i} (strategic)"),
        );
    }
    let (request, response) = exchange(&t, 5);
    let out = merge::apply(&previous(4), &request["body"]);
    // Defaulting runs before the field manager: ownership is checked elsewhere.
    assert_defaulted(
        &without_managed_fields(&out),
        &without_managed_fields(&response["body"]),
        "deployment-patch #5 (merge)",
    );

    let (request, response) = exchange(&t, 6);
    let before = previous(5);
    let mut out = json::apply(&before, &request["body"]).unwrap();
    apply::record_update(
        Some(&before),
        &mut out,
        "realapi-capture",
        None,
        schema,
        &now_of(response),
    );
    assert_same(&out, &response["body"], "deployment-patch #6 (json)");
    for i in [7, 8, 9, 10] {
        let (request, response) = exchange(&t, i);
        let error = json::apply(&previous(6), &request["body"]).unwrap_err();
        patch_error(&error, response, &format!("deployment-patch #{i}"));
    }

    // A wrongly typed merge patch: the Go decoding error, quoting the patched object.
    let (request, response) = exchange(&t, 13);
    let patched = merge::apply(&previous(6), &request["body"]);
    let error = kubegen_testserver::patch::check_decodes(&patched, schema).unwrap_err();
    let expected = response["body"]["message"].as_str().unwrap();
    let detail = expected.rsplit("\": ").next().unwrap();
    assert_eq!((error.code(), error.reason()), (422, Some("Invalid")));
    assert!(
        error.message().ends_with(detail),
        "{} vs {detail}",
        error.message()
    );
    assert!(
        error
            .message()
            .starts_with(" \"\" is invalid: patch: Invalid value: \"{")
    );
    assert_eq!(error.causes()[0].field.as_deref(), Some("patch"));
    assert!(kubegen_testserver::patch::check_decodes(&previous(6), schema).is_ok());

    // The port patch: the state before it is the answer without the port.
    let (request, response) = exchange(&t, 14);
    let mut before = response["body"].clone();
    before["spec"]["template"]["spec"]["containers"][0]
        .as_object_mut()
        .unwrap()
        .remove("ports");
    let out = strategic::apply(&before, &request["body"], schema).unwrap();
    assert_defaulted(
        &without_managed_fields(&out),
        &without_managed_fields(&response["body"]),
        "deployment-patch #14 (strategic)",
    );

    let error =
        strategic::apply(&before, &json!({"spec": {"replicas": "three"}}), schema).unwrap_err();
    assert_eq!(error.code(), 422);
    assert_eq!(
        error.message(),
        " \"\" is invalid: patch: Invalid value: \"map[spec:map[replicas:three]]\": unrecognized type: int32"
    );
}

#[test]
fn service_ports_merge_by_port_and_protocol() {
    let Some(t) = transcript("service-allocation.json") else {
        return;
    };
    let builtin = Builtin::load().unwrap();
    let schema = builtin_schema(&builtin, "", "Service");
    let (request, response) = exchange(&t, 10);
    let mut before = response["body"].clone();
    before["spec"]["ports"][0]["targetPort"] = json!(8080);
    let mut out = strategic::apply(&before, &request["body"], schema).unwrap();
    apply::record_update(
        Some(&before),
        &mut out,
        "realapi-capture",
        None,
        schema,
        &now_of(response),
    );
    assert_same(&out, &response["body"], "service-allocation #10");

    let (request, _) = exchange(&t, 9);
    let out = strategic::apply(&before, &request["body"], schema).unwrap();
    let ports: Vec<u64> = out["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["port"].as_u64().unwrap())
        .collect();
    assert_eq!(ports.len(), 2, "port 81 is a second entry: {out}");
    assert!(ports.contains(&80) && ports.contains(&81));
}

/// Replays a transcript's writes to one object: applies, updates (PUT) and
/// merge/strategic patches, each from the previous answer about the object.
///
/// With `refresh`, what the Deployment controller wrote between two requests
/// (status, the revision annotation, its managedFields entry) is taken from
/// the answer into the previous state, which is what the object held just
/// before the request.
fn replay(
    t: &Value,
    schema: SchemaRef<'_>,
    object_path: &str,
    status_reset: &[&str],
    refresh: bool,
    defaults_later: bool,
) -> usize {
    let mut state: Option<Value> = None;
    let mut checked = 0;
    let exchanges = t["exchanges"].as_array().unwrap();
    for (i, e) in exchanges.iter().enumerate() {
        let (request, response) = (&e["request"], &e["response"]);
        let path = request["path"].as_str().unwrap();
        let base = path.split('?').next().unwrap();
        let subresource = base
            .strip_prefix(object_path)
            .and_then(|rest| rest.strip_prefix('/'));
        if !base.starts_with(object_path) || (subresource.is_none() && base != object_path) {
            continue;
        }
        let what = format!("exchange #{i} {} {path}", request["method"]);
        let status = response["status"].as_u64().unwrap();
        let content_type = request["headers"]["Content-Type"]
            .as_str()
            .unwrap_or_default();
        let manager = query(request, "fieldManager").unwrap_or_else(|| "realapi-capture".into());
        let now = now_of(response);
        let reset: &[&str] = if subresource == Some("status") {
            status_reset
        } else {
            &["status"]
        };
        let options = Options {
            manager: &manager,
            subresource,
            force: query(request, "force").as_deref() == Some("true"),
            now: &now,
            reset_fields: reset,
        };
        match (request["method"].as_str().unwrap(), content_type) {
            ("GET", _) => {}
            ("PATCH", "application/apply-patch+yaml") => {
                let message = response["body"]["message"].as_str().unwrap_or_default();
                if query(request, "fieldManager").is_none()
                    || message.contains("does not match the name on the URL")
                {
                    // The fieldManager and URL name checks are the caller's.
                    continue;
                }
                let config = request_body(request);
                if refresh && subresource.is_none() {
                    if let Some(state) = state.as_mut() {
                        controller_refresh(state, &response["body"]);
                    }
                }
                let result = apply::apply_with(state.as_ref(), &config, schema, &options);
                match result {
                    Ok(out) if status < 300 => {
                        if state.is_none() || defaults_later {
                            assert_defaulted(&out, &response["body"], &what)
                        } else {
                            assert_same(&out, &response["body"], &what)
                        }
                    }
                    Ok(out) if status == 422 => {
                        // The object the apply yields is invalid: check the reason.
                        let field = response["body"]["details"]["causes"][0]["field"]
                            .as_str()
                            .unwrap();
                        assert_eq!(field, "spec.template.spec.containers[1].image", "{what}");
                        assert!(
                            out["spec"]["template"]["spec"]["containers"][1]
                                .get("image")
                                .is_none(),
                            "{what}: {out}"
                        );
                    }
                    Ok(out) => panic!("{what}: expected {status}, got {out}"),
                    Err(error) => apply_error(&error, response, &what),
                }
                checked += 1;
            }
            ("PUT", _) if status < 300 => {
                let mut new = request_body(request);
                apply::record_update_with(state.as_ref(), &mut new, schema, &options);
                assert_defaulted(&new, &response["body"], &what);
                checked += 1;
            }
            (
                "PATCH",
                "application/merge-patch+json" | "application/strategic-merge-patch+json",
            ) if status < 300 => {
                let mut before = state.clone().unwrap();
                if refresh && subresource.is_none() {
                    controller_refresh(&mut before, &response["body"]);
                }
                let patch = request_body(request);
                let mut new = if content_type.starts_with("application/merge") {
                    merge::apply(&before, &patch)
                } else {
                    strategic::apply(&before, &patch, schema).unwrap()
                };
                apply::record_update_with(Some(&before), &mut new, schema, &options);
                assert_same(&new, &response["body"], &what);
                checked += 1;
            }
            _ => {}
        }
        if status < 300 && request["method"] != "DELETE" {
            state = Some(response["body"].clone());
        }
    }
    checked
}

fn controller_refresh(state: &mut Value, answer: &Value) {
    if answer.get("kind").and_then(Value::as_str) == Some("Status") {
        return;
    }
    if let Some(status) = answer.get("status") {
        state["status"] = status.clone();
    }
    const REVISION: &str = "deployment.kubernetes.io/revision";
    if let Some(revision) = answer["metadata"]["annotations"].get(REVISION) {
        state["metadata"]["annotations"][REVISION] = revision.clone();
    }
    let controller = |entries: &Value| {
        entries.as_array().and_then(|e| {
            e.iter()
                .find(|e| e["manager"] == "kube-controller-manager")
                .cloned()
        })
    };
    if let Some(entry) = controller(&answer["metadata"]["managedFields"]) {
        let entries = state["metadata"]["managedFields"].as_array_mut().unwrap();
        entries.retain(|e| e["manager"] != "kube-controller-manager");
        entries.push(entry);
    }
}

#[test]
fn server_side_apply_on_a_configmap() {
    let Some(t) = transcript("server-side-apply.json") else {
        return;
    };
    let builtin = Builtin::load().unwrap();
    let schema = builtin_schema(&builtin, "", "ConfigMap");
    let checked = replay(
        &t,
        schema,
        "/api/v1/namespaces/server-side-apply/configmaps/ssa",
        &[],
        false,
        false,
    );
    assert!(checked >= 15, "only {checked} exchanges checked");
}

#[test]
fn server_side_apply_on_a_deployment() {
    let Some(t) = transcript("server-side-apply-deployment.json") else {
        return;
    };
    let builtin = Builtin::load().unwrap();
    let schema = builtin_schema(&builtin, "apps", "Deployment");
    let checked = replay(
        &t,
        schema,
        "/apis/apps/v1/namespaces/server-side-apply-deployment/deployments/web",
        &["spec", "metadata.labels"],
        true,
        false,
    );
    assert!(checked >= 10, "only {checked} exchanges checked");
}

#[test]
fn custom_resources_json_patch_merge_patch_and_apply() {
    let Some(t) = transcript("crd-objects.json") else {
        return;
    };
    let crd = &exchange(&t, 1).0["body"];
    let version = crd["spec"]["versions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "v1")
        .unwrap();
    let root = version["schema"]["openAPIV3Schema"].clone();
    let schemas = Schemas::default();
    let schema = schemas.view(&root);

    let (request, response) = exchange(&t, 23);
    let before = exchange(&t, 21).1["body"].clone();
    let mut out = merge::apply(&before, &request["body"]);
    apply::record_update(
        Some(&before),
        &mut out,
        "realapi-capture",
        None,
        schema,
        &now_of(response),
    );
    assert_same(&out, &response["body"], "crd-objects #23 (merge)");

    let (request, response) = exchange(&t, 24);
    let before = exchange(&t, 23).1["body"].clone();
    let mut out = json::apply(&before, &request["body"]).unwrap();
    apply::record_update(
        Some(&before),
        &mut out,
        "realapi-capture",
        None,
        schema,
        &now_of(response),
    );
    assert_same(&out, &response["body"], "crd-objects #24 (json)");

    let checked = replay(
        &t,
        schema,
        "/apis/crd-objects.example.com/v1/namespaces/crd-objects/widgets/ssa",
        &[],
        false,
        true,
    );
    assert_eq!(checked, 3);
}
