//! IR → CustomResourceDefinition manifests: the kinds of a group, each with
//! its versions, names, scope, subresources, printer columns and structural
//! schema, as `apiextensions.k8s.io/v1` wants them.
//!
//! This is the reverse of the generator's CRD reader; `#[derive(Resource)]`
//! uses it for `Kind::crd()`.

use std::cell::RefCell;

use serde_json::{Map, Value, json};

use super::{SchemaError, SchemaOptions, schema_with_holes};
use crate::ir::{Api, Group, Resource, Scope, TypePath, Version};

/// One CustomResourceDefinition as JSON, with placeholders for external types.
#[derive(Clone, Debug, PartialEq)]
pub struct CrdManifest {
    /// The whole `CustomResourceDefinition` object.
    pub manifest: Value,
    /// The Rust paths of the [`super::EXTERNAL_MARKER`] placeholders in it, by index.
    pub external_types: Vec<String>,
}

/// One manifest per kind of every group of `api` (in IR order), holding every
/// version that serves the kind.
pub fn crd_manifests(api: &Api, options: SchemaOptions) -> Result<Vec<CrdManifest>, SchemaError> {
    let mut out = Vec::new();
    for group in &api.groups {
        // Kinds in order of first appearance.
        let mut kinds: Vec<&str> = Vec::new();
        for version in &group.versions {
            for resource in &version.resources {
                if !kinds.contains(&resource.kind.as_str()) {
                    kinds.push(&resource.kind);
                }
            }
        }
        for kind in kinds {
            out.push(manifest(api, group, kind, options)?);
        }
    }
    Ok(out)
}

fn manifest(
    api: &Api,
    group: &Group,
    kind: &str,
    options: SchemaOptions,
) -> Result<CrdManifest, SchemaError> {
    let holes = RefCell::new(Vec::new());
    let mut versions = Vec::new();
    let mut first: Option<&Resource> = None;
    for version in &group.versions {
        for resource in version.resources.iter().filter(|r| r.kind == kind) {
            first.get_or_insert(resource);
            versions.push(version_entry(
                api, group, version, resource, options, &holes,
            )?);
        }
    }
    let Some(resource) = first else {
        return Err(SchemaError::MissingType(kind.to_owned()));
    };
    let mut names = Map::new();
    names.insert("kind".into(), resource.kind.clone().into());
    names.insert("listKind".into(), resource.list_kind.clone().into());
    names.insert("plural".into(), resource.plural.clone().into());
    names.insert("singular".into(), resource.singular.clone().into());
    if !resource.short_names.is_empty() {
        names.insert("shortNames".into(), json!(resource.short_names));
    }
    if !resource.categories.is_empty() {
        names.insert("categories".into(), json!(resource.categories));
    }
    let scope = match resource.scope {
        Scope::Namespaced => "Namespaced",
        Scope::Cluster => "Cluster",
    };
    let manifest = json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("{}.{}", resource.plural, group.name)},
        "spec": {
            "group": group.name,
            "names": names,
            "scope": scope,
            "versions": versions,
        },
    });
    Ok(CrdManifest {
        manifest,
        external_types: holes.into_inner(),
    })
}

fn version_entry(
    api: &Api,
    group: &Group,
    version: &Version,
    resource: &Resource,
    options: SchemaOptions,
    holes: &RefCell<Vec<String>>,
) -> Result<Value, SchemaError> {
    let root = TypePath {
        group_module: group.module.clone(),
        version_module: version.module.clone(),
        name: resource.type_name.clone(),
    };
    let mut schema = schema_with_holes(api, &root, options, holes)?;
    if let Value::Object(schema) = &mut schema {
        root_properties(schema, options);
        if let (Some(docs), true) = (&resource.docs, options.descriptions) {
            schema.insert("description".into(), docs.clone().into());
        }
    }
    let mut entry = Map::new();
    entry.insert("name".into(), version.name.clone().into());
    entry.insert("served".into(), resource.served.into());
    entry.insert("storage".into(), resource.storage.into());
    if resource.deprecated {
        entry.insert("deprecated".into(), true.into());
        if let Some(warning) = &resource.deprecation_warning {
            entry.insert("deprecationWarning".into(), warning.clone().into());
        }
    }
    entry.insert("schema".into(), json!({"openAPIV3Schema": schema}));
    let mut subresources = Map::new();
    if resource.subresources.status {
        subresources.insert("status".into(), json!({}));
    }
    if let Some(scale) = &resource.subresources.scale {
        let mut out = Map::new();
        out.insert(
            "specReplicasPath".into(),
            scale.spec_replicas_path.clone().into(),
        );
        out.insert(
            "statusReplicasPath".into(),
            scale.status_replicas_path.clone().into(),
        );
        if let Some(path) = &scale.label_selector_path {
            out.insert("labelSelectorPath".into(), path.clone().into());
        }
        subresources.insert("scale".into(), Value::Object(out));
    }
    if !subresources.is_empty() {
        entry.insert("subresources".into(), Value::Object(subresources));
    }
    if !resource.printer_columns.is_empty() {
        let columns = resource
            .printer_columns
            .iter()
            .map(|column| {
                let mut out = Map::new();
                out.insert("name".into(), column.name.clone().into());
                out.insert("type".into(), column.type_.clone().into());
                out.insert("jsonPath".into(), column.json_path.clone().into());
                if let Some(description) = &column.description {
                    out.insert("description".into(), description.clone().into());
                }
                if let Some(format) = &column.format {
                    out.insert("format".into(), format.clone().into());
                }
                if column.priority != 0 {
                    out.insert("priority".into(), column.priority.into());
                }
                Value::Object(out)
            })
            .collect();
        entry.insert("additionalPrinterColumns".into(), Value::Array(columns));
    }
    if !resource.selectable_fields.is_empty() {
        let fields = resource
            .selectable_fields
            .iter()
            .map(|path| json!({"jsonPath": path}))
            .collect();
        entry.insert("selectableFields".into(), Value::Array(fields));
    }
    Ok(Value::Object(entry))
}

/// `apiVersion` and `kind` first, and `metadata` as the bare object the API
/// server accepts in a CRD schema (it validates metadata itself).
fn root_properties(schema: &mut Map<String, Value>, options: SchemaOptions) {
    let mut properties = Map::new();
    let descriptions = [
        (
            "apiVersion",
            "APIVersion defines the versioned schema of this representation of an object.",
        ),
        (
            "kind",
            "Kind is a string value representing the REST resource this object represents.",
        ),
    ];
    for (name, description) in descriptions {
        let mut property = Map::new();
        if options.descriptions {
            property.insert("description".into(), description.into());
        }
        property.insert("type".into(), "string".into());
        properties.insert(name.into(), Value::Object(property));
    }
    properties.insert("metadata".into(), json!({"type": "object"}));
    if let Some(Value::Object(existing)) = schema.remove("properties") {
        for (name, value) in existing {
            if name != "metadata" {
                properties.insert(name, value);
            }
        }
    }
    schema.insert("properties".into(), Value::Object(properties));
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|name| name != "metadata");
        if required.is_empty() {
            schema.remove("required");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::fixture;
    use crate::ir::{
        Field, PrinterColumn, ScaleSubresource, StructDef, TypeDef, TypeRef, WellKnown,
    };

    fn field(name: &str, ty: TypeRef, required: bool) -> Field {
        Field {
            rust_name: name.to_owned(),
            wire_name: name.to_owned(),
            docs: None,
            ty,
            required,
            nullable: false,
            boxed: false,
            default: None,
            schema: Default::default(),
        }
    }

    fn api(versions: &[(&str, bool)]) -> Api {
        let versions = versions
            .iter()
            .map(|(name, storage)| {
                let mut resource = fixture::resource("Gizmo", "gizmos", Scope::Cluster);
                resource.storage = *storage;
                resource.short_names = vec!["gz".into()];
                resource.subresources.status = true;
                resource.subresources.scale = Some(ScaleSubresource {
                    spec_replicas_path: ".spec.n".into(),
                    status_replicas_path: ".status.n".into(),
                    label_selector_path: None,
                });
                resource.printer_columns = vec![PrinterColumn {
                    name: "N".into(),
                    type_: "integer".into(),
                    json_path: ".spec.n".into(),
                    ..PrinterColumn::default()
                }];
                resource.docs = Some("A gizmo.".into());
                Version {
                    name: (*name).to_owned(),
                    module: (*name).to_owned(),
                    feature: format!("a_io_{name}"),
                    resources: vec![resource],
                    types: vec![TypeDef::Struct(StructDef {
                        name: "Gizmo".into(),
                        fields: vec![
                            field("metadata", TypeRef::WellKnown(WellKnown::ObjectMeta), false),
                            field("spec", TypeRef::External("GizmoSpec".into()), true),
                            field("status", TypeRef::External("GizmoStatus".into()), false),
                        ],
                        ..StructDef::default()
                    })],
                    sources: Vec::new(),
                }
            })
            .collect();
        Api {
            groups: vec![Group {
                name: "a.io".into(),
                module: "a_io".into(),
                versions,
            }],
            dependencies: Vec::new(),
        }
    }

    #[test]
    fn a_kind_becomes_one_crd_with_a_version_per_ir_version() {
        let options = SchemaOptions { descriptions: true };
        let manifests = crd_manifests(&api(&[("v2", true), ("v1", false)]), options).unwrap();
        let [crd] = manifests.as_slice() else {
            panic!("{manifests:#?}");
        };
        let m = &crd.manifest;
        assert_eq!(m["metadata"]["name"], "gizmos.a.io");
        assert_eq!(m["spec"]["scope"], "Cluster");
        assert_eq!(
            m["spec"]["names"],
            json!({"kind": "Gizmo", "listKind": "GizmoList", "plural": "gizmos",
                   "singular": "gizmo", "shortNames": ["gz"]})
        );
        let versions = m["spec"]["versions"].as_array().unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(
            (&versions[0]["name"], &versions[0]["storage"]),
            (&json!("v2"), &json!(true))
        );
        assert_eq!(versions[1]["storage"], false);
        assert_eq!(
            versions[0]["subresources"],
            json!({"status": {}, "scale": {"specReplicasPath": ".spec.n", "statusReplicasPath": ".status.n"}})
        );
        assert_eq!(
            versions[0]["additionalPrinterColumns"],
            json!([{"name": "N", "type": "integer", "jsonPath": ".spec.n"}])
        );
        let root = &versions[0]["schema"]["openAPIV3Schema"];
        assert_eq!(root["description"], "A gizmo.");
        assert_eq!(root["required"], json!(["spec"]));
        let names: Vec<&String> = root["properties"].as_object().unwrap().keys().collect();
        assert_eq!(names, ["apiVersion", "kind", "metadata", "spec", "status"]);
        assert_eq!(root["properties"]["metadata"], json!({"type": "object"}));
        // External types are placeholders, numbered across versions.
        assert_eq!(
            root["properties"]["spec"],
            json!({super::super::EXTERNAL_MARKER: 0})
        );
        assert_eq!(
            versions[1]["schema"]["openAPIV3Schema"]["properties"]["status"],
            json!({super::super::EXTERNAL_MARKER: 3})
        );
        assert_eq!(
            crd.external_types,
            ["GizmoSpec", "GizmoStatus", "GizmoSpec", "GizmoStatus"]
        );
    }
}
