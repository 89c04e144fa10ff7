//! The CustomResourceDefinition front end: `apiextensions.k8s.io/v1` CRDs → IR.
//!
//! Every served version of a CRD becomes its own module; CRDs of one group
//! share the group's module, and kinds of one group-version share its type
//! namespace (names are made unique across them).

use std::collections::BTreeMap;

use kubegen_templates::ir::{
    Api, Group, PrinterColumn, Resource, ScaleSubresource, Scope, Subresources, TypeDef, Version,
};
use kubegen_templates::naming::{self, UniqueNames};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Location, Result};
use crate::schema::SchemaConverter;
use crate::source::Document;

/// What a document is, as far as this front end cares.
pub enum Classified<'a> {
    /// A v1 CRD at this pointer in the document.
    Crds(Vec<(String, &'a Value)>),
    /// Something else: the note to print.
    Skip(String),
}

/// Sorts a document into CRDs (one, or the items of a list) and the rest.
pub fn classify(document: &Document) -> Classified<'_> {
    let value = &document.value;
    let api_version = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
    match (api_version, kind) {
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition") => {
            Classified::Crds(vec![(String::new(), value)])
        }
        (_, "List") | ("apiextensions.k8s.io/v1", "CustomResourceDefinitionList") => {
            let items = value
                .get("items")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let crds: Vec<(String, &Value)> = items
                .iter()
                .enumerate()
                .filter(|(_, item)| {
                    item.get("apiVersion").and_then(Value::as_str)
                        == Some("apiextensions.k8s.io/v1")
                        && item.get("kind").and_then(Value::as_str)
                            == Some("CustomResourceDefinition")
                })
                .map(|(index, item)| (format!("/items/{index}"), item))
                .collect();
            if crds.is_empty() {
                Classified::Skip(format!(
                    "{}: a list with no apiextensions.k8s.io/v1 CustomResourceDefinition in it",
                    document.location
                ))
            } else {
                Classified::Crds(crds)
            }
        }
        ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition") => Classified::Skip(format!(
            "{}: apiextensions.k8s.io/v1beta1 CustomResourceDefinition is not supported (removed in Kubernetes 1.22); convert it to v1",
            document.location
        )),
        ("", "") => Classified::Skip(format!(
            "{}: not a Kubernetes object (no apiVersion or kind)",
            document.location
        )),
        _ => Classified::Skip(format!(
            "{}: {api_version} {kind} is not a CustomResourceDefinition",
            document.location
        )),
    }
}

#[derive(Deserialize)]
struct Crd {
    spec: CrdSpec,
}

#[derive(Deserialize)]
struct CrdSpec {
    group: String,
    names: CrdNames,
    scope: String,
    versions: Vec<CrdVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CrdNames {
    kind: String,
    plural: String,
    singular: Option<String>,
    #[serde(default)]
    short_names: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    list_kind: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CrdVersion {
    name: String,
    served: bool,
    storage: bool,
    #[serde(default)]
    deprecated: bool,
    deprecation_warning: Option<String>,
    schema: Option<CrdSchema>,
    subresources: Option<CrdSubresources>,
    #[serde(default)]
    additional_printer_columns: Vec<CrdPrinterColumn>,
    #[serde(default)]
    selectable_fields: Vec<CrdSelectableField>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CrdSchema {
    #[serde(rename = "openAPIV3Schema")]
    open_api_v3_schema: Option<Value>,
}

#[derive(Deserialize)]
struct CrdSubresources {
    status: Option<Value>,
    scale: Option<CrdScale>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CrdScale {
    spec_replicas_path: String,
    status_replicas_path: String,
    label_selector_path: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CrdPrinterColumn {
    name: String,
    #[serde(rename = "type")]
    type_: String,
    format: Option<String>,
    description: Option<String>,
    #[serde(default)]
    priority: i32,
    json_path: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CrdSelectableField {
    json_path: String,
}

/// One CRD found in the inputs.
pub struct LoadedCrd<'a> {
    location: Location,
    document: &'a Value,
    value: &'a Value,
    spec: CrdSpec,
}

/// Parses the CRD at `pointer` in `document`, with errors naming the field.
pub fn load<'a>(document: &'a Document, pointer: &str, value: &'a Value) -> Result<LoadedCrd<'a>> {
    let location = document.location.at(pointer);
    let crd: Crd = serde_path_to_error::deserialize(value).map_err(|error| {
        let mut at = location.clone();
        for segment in error.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => at = at.child(&index.to_string()),
                serde_path_to_error::Segment::Map { key } => at = at.child(key),
                serde_path_to_error::Segment::Enum { variant } => at = at.child(variant),
                serde_path_to_error::Segment::Unknown => {}
            }
        }
        Error::invalid(&at, error.into_inner().to_string())
    })?;
    Ok(LoadedCrd {
        location,
        document: &document.value,
        value,
        spec: crd.spec,
    })
}

/// Builds the IR for every CRD, in an order independent of the input order.
pub fn build_api(mut crds: Vec<LoadedCrd<'_>>) -> Result<Api> {
    crds.sort_by(|a, b| {
        (&a.spec.group, &a.spec.names.kind).cmp(&(&b.spec.group, &b.spec.names.kind))
    });
    // The same CRD given twice (say, from two install bundles) is one CRD;
    // two different definitions of one kind are an error.
    let mut unique: Vec<LoadedCrd<'_>> = Vec::with_capacity(crds.len());
    for crd in crds {
        if let Some(previous) = unique.last() {
            if previous.spec.group == crd.spec.group
                && previous.spec.names.kind == crd.spec.names.kind
            {
                if previous.value.get("spec") == crd.value.get("spec") {
                    continue;
                }
                return Err(Error::invalid(
                    &crd.location.child("spec").child("names").child("kind"),
                    format!(
                        "{}/{} is defined twice, differently (first at {})",
                        crd.spec.group, crd.spec.names.kind, previous.location
                    ),
                ));
            }
        }
        unique.push(crd);
    }
    let crds = unique;
    for crd in &crds {
        validate(crd)?;
    }

    let modules = group_modules(crds.iter().map(|crd| crd.spec.group.as_str()));
    // group → version name → (version IR, the names taken in its module)
    let mut groups: BTreeMap<String, BTreeMap<String, (Version, UniqueNames)>> = BTreeMap::new();
    // Kinds claim their names before any nested type does, so that a root
    // type is always named exactly after its kind.
    let mut root_names: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for crd in &crds {
        let group_module = modules.get(&crd.spec.group).cloned().unwrap_or_default();
        for version in crd.spec.versions.iter().filter(|v| v.served) {
            let versions = groups.entry(crd.spec.group.clone()).or_default();
            let (_, names) = versions.entry(version.name.clone()).or_insert_with(|| {
                let module = naming::version_module(&version.name);
                let feature = naming::feature_name(&group_module, &module);
                (
                    Version {
                        name: version.name.clone(),
                        module,
                        feature,
                        ..Version::default()
                    },
                    UniqueNames::new(),
                )
            });
            let name = names.claim(&naming::type_name(&[&crd.spec.names.kind]));
            root_names.insert(
                (
                    crd.spec.group.clone(),
                    version.name.clone(),
                    crd.spec.names.kind.clone(),
                ),
                name,
            );
        }
    }
    for crd in &crds {
        let group_module = modules.get(&crd.spec.group).cloned().unwrap_or_default();
        for (index, version) in crd.spec.versions.iter().enumerate() {
            let key = (
                crd.spec.group.clone(),
                version.name.clone(),
                crd.spec.names.kind.clone(),
            );
            let (Some(type_name), Some((ir_version, names))) = (
                root_names.get(&key),
                groups
                    .get_mut(&crd.spec.group)
                    .and_then(|versions| versions.get_mut(&version.name)),
            ) else {
                continue;
            };
            add_resource(
                crd,
                index,
                version,
                &group_module,
                type_name,
                ir_version,
                names,
            )?;
        }
    }

    let mut api = Api::default();
    for (group, versions) in groups {
        let module = modules.get(&group).cloned().unwrap_or_default();
        let mut versions: Vec<Version> =
            versions.into_values().map(|(version, _)| version).collect();
        versions.sort_by(|a, b| naming::compare_versions(&a.name, &b.name));
        api.groups.push(Group {
            name: group,
            module,
            versions,
        });
    }
    api.groups.sort_by(|a, b| a.module.cmp(&b.module));
    Ok(api)
}

/// Module names for the groups, falling back to whole-name modules for
/// groups whose short names would collide.
fn group_modules<'g>(groups: impl Iterator<Item = &'g str>) -> BTreeMap<String, String> {
    let mut by_short: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for group in groups {
        let entry = by_short.entry(naming::group_module(group)).or_default();
        if !entry.contains(&group) {
            entry.push(group);
        }
    }
    let mut modules = BTreeMap::new();
    for (short, groups) in by_short {
        if groups.len() == 1 {
            modules.insert(groups[0].to_owned(), short);
        } else {
            for group in groups {
                modules.insert(group.to_owned(), naming::group_module_full(group));
            }
        }
    }
    modules
}

fn validate(crd: &LoadedCrd<'_>) -> Result<()> {
    let spec = &crd.spec;
    let at = crd.location.child("spec");
    let non_empty = [
        (&spec.group, at.child("group")),
        (&spec.names.kind, at.child("names").child("kind")),
        (&spec.names.plural, at.child("names").child("plural")),
    ];
    for (value, location) in non_empty {
        if value.trim().is_empty() {
            return Err(Error::invalid(&location, "must not be empty"));
        }
    }
    if spec.scope != "Namespaced" && spec.scope != "Cluster" {
        return Err(Error::invalid(
            &at.child("scope"),
            format!(
                "scope {:?} is neither \"Namespaced\" nor \"Cluster\"",
                spec.scope
            ),
        ));
    }
    if spec.versions.is_empty() {
        return Err(Error::invalid(
            &at.child("versions"),
            "a CRD needs at least one version",
        ));
    }
    if !spec.versions.iter().any(|v| v.served) {
        return Err(Error::invalid(
            &at.child("versions"),
            "no version is served, so there is nothing to generate",
        ));
    }
    for (index, version) in spec.versions.iter().enumerate() {
        if spec.versions[..index]
            .iter()
            .any(|earlier| earlier.name == version.name)
        {
            return Err(Error::invalid(
                &at.child("versions").child(&index.to_string()).child("name"),
                format!("version {:?} is listed twice", version.name),
            ));
        }
    }
    Ok(())
}

fn add_resource(
    crd: &LoadedCrd<'_>,
    index: usize,
    version: &CrdVersion,
    group_module: &str,
    type_name: &str,
    ir_version: &mut Version,
    names: &mut UniqueNames,
) -> Result<()> {
    let spec = &crd.spec;
    let version_location = crd
        .location
        .child("spec")
        .child("versions")
        .child(&index.to_string());
    let schema_pointer = format!("{}/schema/openAPIV3Schema", version_location.pointer);
    let Some(schema) = version
        .schema
        .as_ref()
        .and_then(|schema| schema.open_api_v3_schema.as_ref())
    else {
        return Err(Error::invalid(
            &version_location,
            format!(
                "served version {:?} has no schema.openAPIV3Schema",
                version.name
            ),
        ));
    };

    let type_name = type_name.to_owned();
    let mut types: Vec<TypeDef> = Vec::new();
    SchemaConverter::new(
        crd.document,
        crd.location.at(""),
        group_module,
        &ir_version.module,
        names,
        &mut types,
    )
    .convert_root(schema, &schema_pointer, &type_name)?;
    // The root struct was pushed last (its nested types first); kinds read best root-first.
    if let Some(root) = types.pop() {
        types.insert(0, root);
    }
    ir_version.types.extend(types);

    let docs = schema
        .get("description")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let subresources = version.subresources.as_ref();
    ir_version.resources.push(Resource {
        kind: spec.names.kind.clone(),
        list_kind: spec
            .names
            .list_kind
            .clone()
            .unwrap_or_else(|| format!("{}List", spec.names.kind)),
        plural: spec.names.plural.clone(),
        singular: spec
            .names
            .singular
            .clone()
            .unwrap_or_else(|| spec.names.kind.to_lowercase()),
        short_names: spec.names.short_names.clone(),
        categories: spec.names.categories.clone(),
        scope: if spec.scope == "Cluster" {
            Scope::Cluster
        } else {
            Scope::Namespaced
        },
        verbs: Resource::STANDARD_VERBS
            .iter()
            .map(|verb| (*verb).to_owned())
            .collect(),
        subresources: Subresources {
            status: subresources.is_some_and(|s| s.status.is_some()),
            scale: subresources
                .and_then(|s| s.scale.as_ref())
                .map(|scale| ScaleSubresource {
                    spec_replicas_path: scale.spec_replicas_path.clone(),
                    status_replicas_path: scale.status_replicas_path.clone(),
                    label_selector_path: scale.label_selector_path.clone(),
                }),
            other: Vec::new(),
        },
        printer_columns: version
            .additional_printer_columns
            .iter()
            .map(|column| PrinterColumn {
                name: column.name.clone(),
                type_: column.type_.clone(),
                format: column.format.clone(),
                description: column.description.clone(),
                priority: column.priority,
                json_path: column.json_path.clone(),
            })
            .collect(),
        selectable_fields: version
            .selectable_fields
            .iter()
            .map(|field| field.json_path.clone())
            .collect(),
        storage: version.storage,
        served: version.served,
        deprecated: version.deprecated,
        deprecation_warning: version.deprecation_warning.clone(),
        typed_list_items: true,
        type_name,
        docs: docs.map(str::to_owned),
    });
    if !ir_version.sources.contains(&crd.location.file) {
        ir_version.sources.push(crd.location.file.clone());
        ir_version.sources.sort();
    }
    Ok(())
}
