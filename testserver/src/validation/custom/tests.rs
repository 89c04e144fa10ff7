use super::*;
use crate::registry::{ResourceInfo, ScaleSubresource, Subresources};
use serde_json::json;

fn widget_schema() -> Value {
    json!({"type": "object", "properties": {
        "spec": {"type": "object", "required": ["color"],
            "x-kubernetes-validations": [{"rule": "self.minReplicas <= self.replicas"}],
            "properties": {
                "color": {"type": "string", "enum": ["red", "green", "blue"]},
                "replicas": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 10, "default": 1},
                "size": {"x-kubernetes-int-or-string": true},
                "owner": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 10},
                "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "tags": {"type": "array", "maxItems": 3, "items": {"type": "string"}},
                "when": {"type": "string", "format": "date-time"},
                "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                    "items": {"type": "object", "required": ["name"], "properties": {
                        "name": {"type": "string"}, "protocol": {"type": "string", "default": "TCP"}}}}}},
        "status": {"type": "object", "properties": {"replicas": {"type": "integer"}}}}})
}

fn widgets() -> ResourceInfo {
    ResourceInfo {
        group: "example.com".into(),
        version: "v1".into(),
        kind: "Widget".into(),
        namespaced: true,
        custom: true,
        schema: widget_schema(),
        subresources: Subresources {
            status: true,
            scale: Some(ScaleSubresource {
                spec_replicas_path: ".spec.replicas".into(),
                status_replicas_path: ".status.replicas".into(),
                label_selector_path: None,
            }),
            other: Vec::new(),
        },
        ..ResourceInfo::default()
    }
}

fn messages(rejection: Rejection) -> Vec<String> {
    match rejection {
        Rejection::Invalid(causes) => causes.iter().map(crate::validation::cause_text).collect(),
        Rejection::BadRequest(message) => vec![message],
    }
}

#[test]
fn prunes_defaults_and_warns() {
    let schema_value = widget_schema();
    let schemas = Schemas::default();
    let mut object = json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"name": "w", "bogus": 1},
        "spec": {"color": "red", "unknownField": "x", "config": {"a": {"b": 1}},
            "ports": [{"name": "http", "junk": 1}]}, "unknownTop": 1});
    let warnings = process(
        schemas.view(&schema_value),
        &mut object,
        FieldValidation::Warn,
    )
    .unwrap();
    assert_eq!(
        warnings,
        [
            "unknown field \"metadata.bogus\"",
            "unknown field \"spec.ports[0].junk\"",
            "unknown field \"spec.unknownField\"",
            "unknown field \"unknownTop\""
        ]
    );
    assert_eq!(
        object,
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"},
            "spec": {"color": "red", "config": {"a": {"b": 1}},
                "ports": [{"name": "http", "protocol": "TCP"}], "replicas": 1}})
    );
    let keys: Vec<&String> = object["spec"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["color", "config", "ports", "replicas"]);
}

#[test]
fn strict_mode_refuses_unknown_fields() {
    let schema_value = widget_schema();
    let schemas = Schemas::default();
    let mut object = json!({"spec": {"color": "red", "unknownField": "x"}});
    let rejection = process(
        schemas.view(&schema_value),
        &mut object,
        FieldValidation::Strict,
    )
    .unwrap_err();
    assert_eq!(
        rejection,
        Rejection::BadRequest("strict decoding error: unknown field \"spec.unknownField\"".into())
    );
    let mut object = json!({"spec": {"color": "red", "unknownField": "x"}});
    let warnings = process(
        schemas.view(&schema_value),
        &mut object,
        FieldValidation::Ignore,
    )
    .unwrap();
    assert!(warnings.is_empty());
}

#[test]
fn reports_schema_violations_as_the_server_does() {
    let mut object = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "bad1", "namespace": "ns"},
        "spec": {"color": "purple", "replicas": 20, "tags": ["a", "b", "c", "d"], "owner": "Bad-Owner", "size": 1.5}});
    let rejection = process_resource(
        &widgets(),
        &mut object,
        FieldValidation::Warn,
        None,
        Target::Main,
    )
    .unwrap_err();
    assert_eq!(
        messages(rejection),
        [
            "spec.color: Unsupported value: \"purple\": supported values: \"red\", \"green\", \"blue\"",
            "spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10",
            "spec.tags: Too many: 4: must have at most 3 items",
            "spec.owner: Invalid value: \"Bad-Owner\": spec.owner in body should match '^[a-z]+$'",
            "spec.size: Invalid value: \"number\": spec.size in body must be of type integer,string: \"number\"",
            "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
        ]
    );
}

#[test]
fn wrong_types_required_fields_and_scale_paths() {
    let mut object = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "bad3", "namespace": "ns"},
        "spec": {"color": "red", "replicas": "three"}});
    let rejection = process_resource(
        &widgets(),
        &mut object,
        FieldValidation::Warn,
        None,
        Target::Main,
    )
    .unwrap_err();
    assert_eq!(
        messages(rejection),
        [
            "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"",
            ".spec.replicas: Invalid value: 0: .spec.replicas accessor error: three is of the type string, expected int64",
            "<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
        ]
    );
    let mut object = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "b", "namespace": "ns"},
        "spec": {"when": "yesterday"}});
    let rejection = process_resource(
        &widgets(),
        &mut object,
        FieldValidation::Warn,
        None,
        Target::Main,
    )
    .unwrap_err();
    assert_eq!(
        messages(rejection)[..2],
        [
            "spec.when: Invalid value: \"yesterday\": spec.when in body must be of type date-time: \"yesterday\"",
            "spec.color: Required value",
        ]
    );
}

#[test]
fn status_writes_validate_status_alone() {
    let mut object = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1", "namespace": "ns"},
        "spec": {"color": "red"}, "status": {"replicas": "two"}});
    let rejection = process_resource(
        &widgets(),
        &mut object,
        FieldValidation::Warn,
        None,
        Target::Status,
    )
    .unwrap_err();
    assert_eq!(
        messages(rejection)[..2],
        [
            "status.replicas: Invalid value: \"string\": replicas in body must be of type integer: \"string\"",
            ".status.replicas: Invalid value: 0: .status.replicas accessor error: two is of the type string, expected int64",
        ]
    );
}

#[test]
fn duplicate_map_keys_and_ratcheting() {
    let mut object = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "d", "namespace": "ns"},
        "spec": {"color": "red", "ports": [{"name": "a"}, {"name": "a"}]}});
    let rejection = process_resource(
        &widgets(),
        &mut object,
        FieldValidation::Warn,
        None,
        Target::Main,
    )
    .unwrap_err();
    assert_eq!(
        messages(rejection),
        ["spec.ports[1]: Duplicate value: map[string]interface {}{\"name\":\"a\"}"]
    );
    // An invalid value already stored is let through when unchanged.
    let old = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "d", "namespace": "ns"},
        "spec": {"color": "red", "owner": "Bad", "replicas": 1}});
    let mut object = old.clone();
    object["metadata"]["labels"] = json!({"l": "1"});
    assert!(
        process_resource(
            &widgets(),
            &mut object,
            FieldValidation::Warn,
            Some(&old),
            Target::Main
        )
        .is_ok()
    );
}

#[test]
fn wrong_kind_is_reported_and_not_defaulted() {
    let mut object = json!({"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "g", "namespace": "ns"},
        "spec": {"color": "red"}});
    let rejection = process_resource(
        &widgets(),
        &mut object,
        FieldValidation::Warn,
        None,
        Target::Main,
    )
    .unwrap_err();
    assert_eq!(
        messages(rejection),
        ["kind: Invalid value: \"Gadget\": must be Widget"]
    );
    assert!(object["spec"].get("replicas").is_none());
}
