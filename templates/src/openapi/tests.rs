use super::*;
use crate::emit::fixture;

fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                match (key.as_str(), value) {
                    ("$ref", Value::String(target)) => out.push(target.clone()),
                    _ => refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, out)),
        _ => {}
    }
}

fn widget_spec_path() -> TypePath {
    TypePath {
        group_module: "example_com".into(),
        version_module: "v1".into(),
        name: "WidgetSpec".into(),
    }
}

#[test]
fn every_reference_of_the_components_resolves() {
    let schemas = component_schemas(&fixture::api(), SchemaOptions::default()).unwrap();
    let mut targets = Vec::new();
    schemas
        .values()
        .for_each(|schema| refs(schema, &mut targets));
    assert!(!targets.is_empty());
    for target in targets {
        let name = target.strip_prefix(REF_PREFIX).unwrap();
        assert!(schemas.contains_key(name), "dangling {target}");
    }
    // Runtime types referenced by generated ones are defined, and so are theirs.
    assert!(schemas.contains_key("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"));
    assert!(schemas.contains_key("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement"));
}

#[test]
fn fields_carry_their_types_defaults_and_extensions() {
    let schemas = component_schemas(&fixture::api(), SchemaOptions { descriptions: true }).unwrap();
    let spec = &schemas["example_com.v1.WidgetSpec"];
    let properties = &spec["properties"];
    assert_eq!(properties["replicas"]["type"], "integer");
    assert_eq!(properties["replicas"]["format"], "int64");
    assert_eq!(properties["replicas"]["default"], 1);
    assert_eq!(properties["replicas"]["description"], "How many.");
    assert_eq!(properties["data"]["format"], "byte");
    assert_eq!(
        properties["labels"]["additionalProperties"]["type"],
        "string"
    );
    assert_eq!(properties["note"]["nullable"], true);
    // A reference with siblings is wrapped in allOf, as Kubernetes writes it.
    assert_eq!(
        properties["type"]["allOf"][0]["$ref"],
        format!("{REF_PREFIX}example_com.v1.WidgetType")
    );
    assert_eq!(
        properties["type"]["description"],
        "The type.\n```\nunclosed"
    );
    let required: Vec<&str> = spec["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(required.contains(&"type") && required.contains(&"port"));
    assert!(!required.contains(&"replicas"));
    // No descriptions unless asked for.
    let bare = component_schemas(&fixture::api(), SchemaOptions::default()).unwrap();
    assert!(
        bare["example_com.v1.WidgetSpec"]["properties"]["replicas"]
            .get("description")
            .is_none()
    );
}

#[test]
fn a_structural_schema_inlines_everything_and_refuses_recursion() {
    let api = fixture::api();
    let error = structural_schema(&api, &widget_spec_path(), SchemaOptions::default()).unwrap_err();
    assert_eq!(error, SchemaError::Recursive("TreeNode".into()));

    let port = TypePath {
        name: "WidgetPort".into(),
        ..widget_spec_path()
    };
    let schema = structural_schema(&api, &port, SchemaOptions::default()).unwrap();
    let mut targets = Vec::new();
    refs(&schema, &mut targets);
    assert!(targets.is_empty(), "{schema}");
    assert_eq!(schema["type"], "object");
}

#[test]
fn definition_names_come_from_the_source_pointer() {
    let def = TypeDef::Struct(StructDef {
        name: "Deployment".into(),
        source: "swagger.json#/definitions/io.k8s.api.apps.v1.Deployment".into(),
        ..StructDef::default()
    });
    let path = TypePath {
        group_module: "apps".into(),
        version_module: "v1".into(),
        name: "Deployment".into(),
    };
    assert_eq!(
        definition_name(&def, &path),
        "io.k8s.api.apps.v1.Deployment"
    );
    let nested = TypeDef::Struct(StructDef {
        name: "WidgetSpec".into(),
        source: "widgets.yaml#/spec/versions/0/schema/openAPIV3Schema/properties/spec".into(),
        ..StructDef::default()
    });
    assert_eq!(
        definition_name(&nested, &widget_spec_path()),
        "example_com.v1.WidgetSpec"
    );
}

#[test]
fn every_runtime_type_has_one_definition_name_and_back() {
    let mut names = BTreeSet::new();
    for known in WellKnown::ALL {
        assert!(names.insert(known.definition_name()), "{known:?} twice");
        assert_eq!(
            WellKnown::for_definition(known.definition_name()),
            Some(known)
        );
    }
    assert_eq!(WellKnown::for_definition("io.k8s.api.core.v1.Pod"), None);
}
