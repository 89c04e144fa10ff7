//! The runtime's hand-written `KubeSchema` impls say what the templates'
//! OpenAPI writer says for the same IR types, so a type reads the same
//! whether the derive classified it at compile time or asked the runtime.
//!
//! `runtime/src/schema/well_known.json` is written from the templates:
//! `KUBEGEN_BLESS=1 cargo test -p kubegen-macros --test runtime_schemas` rewrites it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use kubegen::schema::{KubeSchema, SchemaGenerator};
use kubegen_templates::ir::{
    Api, Field, Group, StructDef, TypeDef, TypePath, TypeRef, Version, WellKnown,
};
use kubegen_templates::openapi::{self, SchemaOptions};
use serde_json::{Value, json};

fn schema_of<T: KubeSchema + ?Sized>() -> Value {
    T::schema(&mut SchemaGenerator::new()).unwrap()
}

/// What the templates write for a field of type `ty`.
fn templates_schema(ty: TypeRef) -> Value {
    let field = Field {
        rust_name: "x".into(),
        wire_name: "x".into(),
        docs: None,
        ty,
        required: false,
        nullable: false,
        boxed: false,
        default: None,
        schema: Default::default(),
    };
    let api = Api {
        groups: vec![Group {
            name: "a.io".into(),
            module: "a_io".into(),
            versions: vec![Version {
                name: "v1".into(),
                module: "v1".into(),
                feature: "a_io_v1".into(),
                types: vec![TypeDef::Struct(StructDef {
                    name: "S".into(),
                    fields: vec![field],
                    ..StructDef::default()
                })],
                ..Version::default()
            }],
        }],
        dependencies: Vec::new(),
    };
    let path = TypePath {
        group_module: "a_io".into(),
        version_module: "v1".into(),
        name: "S".into(),
    };
    let schema = openapi::structural_schema(&api, &path, SchemaOptions::default()).unwrap();
    schema["properties"]["x"].clone()
}

#[test]
fn scalars_and_containers_match_the_templates() {
    use kubegen_templates::ir::TypeRef as T;
    use kubegen_templates::ir::WellKnown as K;
    let cases: Vec<(Value, TypeRef)> = vec![
        (schema_of::<bool>(), T::Bool),
        (schema_of::<i32>(), T::I32),
        (schema_of::<u16>(), T::I32),
        (schema_of::<i64>(), T::I64),
        (schema_of::<u32>(), T::I64),
        (schema_of::<f64>(), T::F64),
        (schema_of::<String>(), T::String),
        (schema_of::<str>(), T::String),
        (schema_of::<kubegen::ByteString>(), T::Bytes),
        (schema_of::<Value>(), T::Json),
        (schema_of::<Vec<i32>>(), T::Array(Box::new(T::I32))),
        (
            schema_of::<BTreeMap<std::string::String, bool>>(),
            T::Map(Box::new(T::Bool)),
        ),
        (schema_of::<Option<Box<i64>>>(), T::I64),
        (schema_of::<kubegen::Time>(), T::WellKnown(K::Time)),
        (
            schema_of::<kubegen::MicroTime>(),
            T::WellKnown(K::MicroTime),
        ),
        (schema_of::<kubegen::Duration>(), T::WellKnown(K::Duration)),
        (
            schema_of::<kubegen::IntOrString>(),
            T::WellKnown(K::IntOrString),
        ),
        (schema_of::<kubegen::Quantity>(), T::WellKnown(K::Quantity)),
    ];
    for (runtime, ty) in cases {
        assert_eq!(runtime, templates_schema(ty.clone()), "{ty:?}");
    }
    assert_eq!(
        schema_of::<BTreeSet<std::string::String>>(),
        json!({"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"})
    );
}

#[test]
fn meta_types_match_the_templates() {
    let known = [
        ("ObjectMeta", WellKnown::ObjectMeta),
        ("OwnerReference", WellKnown::OwnerReference),
        ("LabelSelector", WellKnown::LabelSelector),
        (
            "LabelSelectorRequirement",
            WellKnown::LabelSelectorRequirement,
        ),
        ("Condition", WellKnown::Condition),
    ];
    let expected: serde_json::Map<String, Value> = known
        .iter()
        .map(|(name, known)| ((*name).to_owned(), openapi::well_known_schema(*known)))
        .collect();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../runtime/src/schema/well_known.json"
    );
    let written = std::fs::read_to_string(path).unwrap();
    let fresh = serde_json::to_string_pretty(&expected).unwrap() + "\n";
    if written != fresh {
        if std::env::var_os("KUBEGEN_BLESS").is_some() {
            std::fs::write(path, fresh).unwrap();
            return;
        }
        panic!("{path} is stale; rerun with KUBEGEN_BLESS=1");
    }
    let actual = [
        schema_of::<kubegen::ObjectMeta>(),
        schema_of::<kubegen::OwnerReference>(),
        schema_of::<kubegen::LabelSelector>(),
        schema_of::<kubegen::LabelSelectorRequirement>(),
        schema_of::<kubegen::Condition>(),
    ];
    for ((name, _), actual) in known.iter().zip(actual) {
        assert_eq!(actual, expected[*name], "{name}");
    }
}

#[test]
fn the_placeholder_keys_agree() {
    assert_eq!(kubegen::schema::EXTERNAL_MARKER, openapi::EXTERNAL_MARKER);
}
