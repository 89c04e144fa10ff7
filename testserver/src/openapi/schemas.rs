//! `components/schemas` of an OpenAPI v3 document: the schemas its paths
//! reference and everything reachable from them, written the way the real
//! server writes them (a `$ref` with siblings wrapped in `allOf`), and the
//! wrapped schemas of custom resources.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::registry::ResourceInfo;
use crate::schema::{REF_PREFIX, Schemas};

const API_VERSION_DOC: &str = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND_DOC: &str = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const METADATA_DOC: &str = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DOC: &str = "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";

/// `#/components/schemas/<name>`.
pub fn reference(name: &str) -> Value {
    json!({ "$ref": format!("{REF_PREFIX}{name}") })
}

/// The definition name a `$ref` points to.
fn ref_name(value: &Value) -> Option<&str> {
    value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix(REF_PREFIX))
}

/// Every definition name referenced anywhere in `value`.
pub fn references(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = ref_name(value) {
                out.insert(name.to_owned());
            }
            map.values().for_each(|v| references(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// `meta/v1.Patch`, the body type of every PATCH operation: the one schema a
/// document needs that is not a type of the catalog (the API's own types and
/// the runtime's apimachinery types).
fn synthesized(name: &str) -> Option<&'static Value> {
    static PATCH: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    (name == "io.k8s.apimachinery.pkg.apis.meta.v1.Patch").then(|| {
        PATCH.get_or_init(|| {
            serde_json::json!({
                "description": "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
                "type": "object"
            })
        })
    })
}

/// The definitions named in `roots` and all they reach, from `extra`
/// (custom resource and synthesized list schemas, which win), `schemas`,
/// then [`synthesized`], in OpenAPI v3 form.
pub fn closure(
    schemas: &Schemas,
    extra: &BTreeMap<String, Value>,
    roots: BTreeSet<String>,
) -> Map<String, Value> {
    let mut done: BTreeMap<String, Value> = BTreeMap::new();
    let mut pending: Vec<String> = roots.into_iter().collect();
    while let Some(name) = pending.pop() {
        if done.contains_key(&name) {
            continue;
        }
        let Some(schema) = extra
            .get(&name)
            .or_else(|| schemas.get(&name))
            .or_else(|| synthesized(&name))
        else {
            continue;
        };
        let mut found = BTreeSet::new();
        references(schema, &mut found);
        pending.extend(found.into_iter().filter(|n| !done.contains_key(n)));
        done.insert(name, v3_form(schema));
    }
    done.into_iter().collect()
}

/// A schema with every `$ref` that has siblings (a description, a default,
/// an extension) wrapped as `allOf: [{$ref}]`, which OpenAPI 3.0 requires
/// and the real server writes.
///
/// Only schema positions are rewritten: the names under `properties` are
/// field names, not keywords (JSONSchemaProps has fields called `$ref`,
/// `allOf` and `items`), and defaults, enums, examples and extensions are
/// values to keep as they are.
pub fn v3_form(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut converted = Map::new();
    for (key, value) in map {
        let value = match (key.as_str(), value) {
            ("properties" | "patternProperties" | "definitions", Value::Object(fields)) => {
                Value::Object(
                    fields
                        .iter()
                        .map(|(name, field)| (name.clone(), v3_form(field)))
                        .collect(),
                )
            }
            ("items" | "additionalProperties" | "not", Value::Object(_)) => v3_form(value),
            ("allOf" | "anyOf" | "oneOf" | "items", Value::Array(schemas)) => {
                Value::Array(schemas.iter().map(v3_form).collect())
            }
            _ => value.clone(),
        };
        converted.insert(key.clone(), value);
    }
    match converted.get("$ref") {
        Some(target @ Value::String(_)) if converted.len() > 1 => {
            let mut out: Map<String, Value> = converted
                .iter()
                .filter(|(k, _)| *k != "$ref")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            out.insert("allOf".into(), json!([{ "$ref": target }]));
            Value::Object(out)
        }
        _ => Value::Object(converted),
    }
}

/// The definition name of a custom resource kind:
/// `crd-lifecycle.example.com` `v1` `Widget` → `com.example.crd-lifecycle.v1.Widget`.
pub fn custom_name(group: &str, version: &str, kind: &str) -> String {
    let reversed: Vec<&str> = group.split('.').rev().collect();
    format!("{}.{version}.{kind}", reversed.join("."))
}

fn group_version_kind(resource: &ResourceInfo, kind: &str) -> Value {
    json!([{"group": resource.group, "kind": kind, "version": resource.version}])
}

fn selectable_fields(resource: &ResourceInfo) -> Option<Value> {
    if resource.selectable_fields.is_empty() {
        return None;
    }
    Some(Value::Array(
        resource
            .selectable_fields
            .iter()
            .map(|f| json!({"fieldPath": f.trim_start_matches('.')}))
            .collect(),
    ))
}

/// `x-kubernetes-int-or-string` nodes get the `anyOf` the published schema
/// spells out, recursively.
fn int_or_string_any_of(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                int_or_string_any_of(v);
            }
            let flagged = map
                .get("x-kubernetes-int-or-string")
                .and_then(Value::as_bool)
                == Some(true);
            if flagged && !map.contains_key("anyOf") {
                map.insert(
                    "anyOf".into(),
                    json!([{"type": "integer"}, {"type": "string"}]),
                );
            }
        }
        Value::Array(items) => items.iter_mut().for_each(int_or_string_any_of),
        _ => {}
    }
}

/// The published schema of a custom resource kind and of its list, keyed by
/// definition name: the CRD's `openAPIV3Schema` with `apiVersion`, `kind`
/// and `metadata` (a reference to ObjectMeta) set as the real server sets
/// them, properties sorted by name.
pub fn custom_schemas(resource: &ResourceInfo) -> BTreeMap<String, Value> {
    let name = custom_name(&resource.group, &resource.version, &resource.kind);
    let mut schema = resource.schema.clone();
    int_or_string_any_of(&mut schema);
    let mut root = match schema {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let mut properties: BTreeMap<String, Value> = root
        .remove("properties")
        .and_then(|p| match p {
            Value::Object(map) => Some(map.into_iter().collect()),
            _ => None,
        })
        .unwrap_or_default();
    properties.insert(
        "apiVersion".into(),
        json!({"description": API_VERSION_DOC, "type": "string"}),
    );
    properties.insert(
        "kind".into(),
        json!({"description": KIND_DOC, "type": "string"}),
    );
    properties.insert(
        "metadata".into(),
        json!({"description": METADATA_DOC, "allOf": [reference("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")]}),
    );
    root.entry("type").or_insert_with(|| json!("object"));
    root.insert(
        "properties".into(),
        Value::Object(properties.into_iter().collect()),
    );
    root.insert(
        "x-kubernetes-group-version-kind".into(),
        group_version_kind(resource, &resource.kind),
    );
    if let Some(fields) = selectable_fields(resource) {
        root.insert("x-kubernetes-selectable-fields".into(), fields);
    }

    let mut list = Map::new();
    list.insert(
        "description".into(),
        json!(format!(
            "{} is a list of {}",
            resource.list_kind, resource.kind
        )),
    );
    list.insert("type".into(), json!("object"));
    list.insert("required".into(), json!(["items"]));
    list.insert(
        "properties".into(),
        json!({
            "apiVersion": {"description": API_VERSION_DOC, "type": "string"},
            "items": {
                "description": format!("List of {}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md", resource.plural),
                "type": "array",
                "items": reference(&name),
            },
            "kind": {"description": KIND_DOC, "type": "string"},
            "metadata": {
                "description": LIST_METADATA_DOC,
                "allOf": [reference("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta")],
            },
        }),
    );
    list.insert(
        "x-kubernetes-group-version-kind".into(),
        group_version_kind(resource, &resource.list_kind),
    );
    if let Some(fields) = selectable_fields(resource) {
        list.insert("x-kubernetes-selectable-fields".into(), fields);
    }

    let list_name = custom_name(&resource.group, &resource.version, &resource.list_kind);
    BTreeMap::from([
        (name, Value::Object(root)),
        (list_name, Value::Object(list)),
    ])
}

/// The schema of a built-in list kind, for catalogs that do not carry list
/// kinds: `items` of the kind, list metadata, the list's group-version-kind.
pub fn builtin_list_schema(resource: &ResourceInfo, kind_name: &str) -> Value {
    json!({
        "description": format!("{} is a list of {}.", resource.list_kind, resource.kind),
        "type": "object",
        "required": ["items"],
        "properties": {
            "apiVersion": {"description": API_VERSION_DOC, "type": "string"},
            "items": {
                "description": format!("Items is the list of {}.", resource.kind),
                "type": "array",
                "items": {"default": {}, "allOf": [reference(kind_name)]},
            },
            "kind": {"description": KIND_DOC, "type": "string"},
            "metadata": {
                "description": "Standard list metadata.",
                "default": {},
                "allOf": [reference("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta")],
            },
        },
        "x-kubernetes-group-version-kind": group_version_kind(resource, &resource.list_kind),
    })
}

/// Index of the built-in definitions by the group-version-kinds they declare.
pub fn by_group_version_kind(schemas: &Schemas) -> BTreeMap<(String, String, String), String> {
    let mut out = BTreeMap::new();
    for (name, schema) in schemas.iter() {
        let Some(gvks) = schema
            .get("x-kubernetes-group-version-kind")
            .and_then(Value::as_array)
        else {
            continue;
        };
        for gvk in gvks {
            let field = |k: &str| {
                gvk.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            out.entry((field("group"), field("version"), field("kind")))
                .or_insert_with(|| name.to_owned());
        }
    }
    // Subresource kinds of other groups, for catalogs whose schemas do not
    // declare their group-version-kind.
    for (group, version, kind, name) in [
        (
            "autoscaling",
            "v1",
            "Scale",
            "io.k8s.api.autoscaling.v1.Scale",
        ),
        ("policy", "v1", "Eviction", "io.k8s.api.policy.v1.Eviction"),
        (
            "authentication.k8s.io",
            "v1",
            "TokenRequest",
            "io.k8s.api.authentication.v1.TokenRequest",
        ),
        ("", "v1", "Binding", "io.k8s.api.core.v1.Binding"),
    ] {
        if schemas.get(name).is_some() {
            out.entry((group.to_owned(), version.to_owned(), kind.to_owned()))
                .or_insert_with(|| name.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_with_siblings_become_all_of() {
        let schema = json!({
            "properties": {
                "a": {"$ref": "#/components/schemas/X", "description": "d"},
                "b": {"$ref": "#/components/schemas/Y"},
            }
        });
        let v3 = v3_form(&schema);
        assert_eq!(
            v3["properties"]["a"],
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/X"}]})
        );
        assert_eq!(
            v3["properties"]["b"],
            json!({"$ref": "#/components/schemas/Y"})
        );
    }

    #[test]
    fn field_names_that_look_like_keywords_stay_fields() {
        // JSONSchemaProps: its fields `$ref` and `allOf` are not keywords, and
        // a default holding a `$ref` key is data.
        let schema = json!({
            "type": "object",
            "properties": {
                "$ref": {"type": "string"},
                "allOf": {"type": "array", "items": {"$ref": "#/components/schemas/P"}},
                "not": {"$ref": "#/components/schemas/P", "description": "d"},
            },
            "default": {"$ref": "x", "other": 1},
        });
        let v3 = v3_form(&schema);
        assert_eq!(v3["properties"]["$ref"], json!({"type": "string"}));
        assert_eq!(
            v3["properties"]["allOf"],
            json!({"type": "array", "items": {"$ref": "#/components/schemas/P"}})
        );
        assert_eq!(
            v3["properties"]["not"],
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/P"}]})
        );
        assert_eq!(v3["default"], json!({"$ref": "x", "other": 1}));
    }

    #[test]
    fn custom_resource_names_reverse_the_group() {
        assert_eq!(
            custom_name("crd-lifecycle.example.com", "v1", "Widget"),
            "com.example.crd-lifecycle.v1.Widget"
        );
    }
}
