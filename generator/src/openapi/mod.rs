//! The OpenAPI front ends: Kubernetes' own API from `swagger.json` (v2) or
//! the per-group-version `/openapi/v3` documents, into the same IR.
//!
//! Definitions give the types; `paths` give what a definition alone does not
//! say: which kinds are resources, their plural names, scope, verbs,
//! subresources and list kinds. Both versions of the spec are reduced to a
//! [`Spec`] (definitions + operations) and built by one function, so that the
//! same API read from v2 or v3 gives the same IR.

pub mod v2;
pub mod v3;

use std::collections::{BTreeMap, BTreeSet};

use kubegen_templates::ir::{
    Api, Group, Resource, ScaleSubresource, Scope, Subresources, TypePath, TypeRef, Version,
    WellKnown,
};
use kubegen_templates::naming::{self, UniqueNames};
use kubegen_templates::passes;
use serde_json::Value;

use crate::error::{Error, Location, Result};
use crate::schema::SchemaConverter;

/// One schema definition and the document it lives in.
pub struct Definition<'a> {
    /// The definition name, e.g. `io.k8s.api.apps.v1.Deployment`.
    pub name: String,
    /// The document holding it (for `$ref` resolution).
    pub root: &'a Value,
    /// Where that document is.
    pub document: Location,
    /// JSON pointer of the definition inside the document.
    pub pointer: String,
    /// The schema.
    pub schema: &'a Value,
}

/// One operation of `paths`.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The path template, e.g. `/apis/apps/v1/namespaces/{namespace}/deployments/{name}`.
    pub path: String,
    /// `x-kubernetes-action`: get, list, watch, watchlist, put, post, patch, delete, deletecollection, connect.
    pub action: String,
    /// `x-kubernetes-group-version-kind` of the operation: (group, version, kind).
    pub gvk: Option<(String, String, String)>,
}

/// A spec reduced to what the IR needs.
pub struct Spec<'a> {
    /// Every definition, from every document.
    pub definitions: Vec<Definition<'a>>,
    /// Every operation with a Kubernetes action.
    pub operations: Vec<Operation>,
    /// How references to definitions start: `#/definitions/` or `#/components/schemas/`.
    pub ref_prefix: &'static str,
}

/// Builds the IR from OpenAPI documents: one Swagger 2.0 spec, or any number
/// of OpenAPI v3 group-version documents (not both).
pub fn read_documents(documents: &[&crate::source::Document]) -> Result<Api> {
    let v2: Vec<_> = documents.iter().filter(|d| v2::is_v2(d)).collect();
    match (v2.as_slice(), documents.len()) {
        ([only], 1) => build_api(&v2::read(only)?),
        ([], _) => build_api(&v3::read(documents)?),
        (_, _) => Err(Error::invalid(
            &documents[0].location,
            "give either one Swagger 2.0 spec or OpenAPI v3 documents, not a mix or several v2 specs",
        )),
    }
}

/// The (group, version, kind) list of `x-kubernetes-group-version-kind`.
pub fn group_version_kinds(schema: &Value) -> Vec<(String, String, String)> {
    let field = |entry: &Value, key: &str| {
        entry
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    match schema.get("x-kubernetes-group-version-kind") {
        Some(Value::Array(entries)) => entries
            .iter()
            .map(|e| (field(e, "group"), field(e, "version"), field(e, "kind")))
            .collect(),
        Some(entry @ Value::Object(_)) => vec![(
            field(entry, "group"),
            field(entry, "version"),
            field(entry, "kind"),
        )],
        _ => Vec::new(),
    }
}

/// A request path taken apart.
#[derive(Debug, PartialEq)]
struct ParsedPath {
    group: String,
    version: String,
    namespaced: bool,
    plural: String,
    subresource: Option<String>,
}

fn parse_path(path: &str) -> Option<ParsedPath> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segments.as_slice() {
        ["api", version, rest @ ..] => (String::new(), (*version).to_owned(), rest),
        ["apis", group, version, rest @ ..] => ((*group).to_owned(), (*version).to_owned(), rest),
        _ => return None,
    };
    let mut rest = rest;
    if rest.first() == Some(&"watch") {
        rest = &rest[1..];
    }
    let namespaced = rest.len() >= 3 && rest[0] == "namespaces" && rest[1] == "{namespace}";
    if namespaced {
        rest = &rest[2..];
    }
    let plural = (*rest.first()?).to_owned();
    if plural.starts_with('{') {
        return None;
    }
    let subresource = rest.get(2).map(|s| (*s).to_owned());
    Some(ParsedPath {
        group,
        version,
        namespaced,
        plural,
        subresource,
    })
}

/// What the paths say about one resource.
#[derive(Default)]
struct ResourceFacts {
    kind: Option<String>,
    namespaced: bool,
    verbs: BTreeSet<String>,
    subresources: BTreeSet<String>,
}

fn verb_for(action: &str) -> Option<&'static str> {
    Some(match action {
        "get" => "get",
        "list" => "list",
        "watch" | "watchlist" => "watch",
        "post" => "create",
        "put" => "update",
        "patch" => "patch",
        "delete" => "delete",
        "deletecollection" => "deletecollection",
        _ => return None,
    })
}

/// The package of a definition name: `io.k8s.api.apps.v1.Deployment` → `io.k8s.api.apps.v1`.
fn package_of(name: &str) -> &str {
    name.rsplit_once('.')
        .map(|(package, _)| package)
        .unwrap_or("")
}

fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// Builds the IR of a spec.
pub fn build_api(spec: &Spec<'_>) -> Result<Api> {
    // Which (group, version) each package belongs to: the one most of its kinds name.
    let mut votes: BTreeMap<&str, BTreeMap<(String, String), usize>> = BTreeMap::new();
    for definition in &spec.definitions {
        for (group, version, _) in group_version_kinds(definition.schema) {
            *votes
                .entry(package_of(&definition.name))
                .or_default()
                .entry((group, version))
                .or_default() += 1;
        }
    }
    let package_gv = |package: &str| -> (String, String) {
        match votes.get(package).and_then(|v| {
            v.iter()
                .max_by_key(|(gv, count)| (**count, std::cmp::Reverse((*gv).clone())))
        }) {
            Some(((group, version), _)) => (group.clone(), version.clone()),
            None => {
                let mut parts = package.rsplit('.');
                let version = parts.next().unwrap_or("").to_owned();
                let group = parts.next().unwrap_or("").to_owned();
                (group, version)
            }
        }
    };

    // Resources from the paths.
    let mut facts: BTreeMap<(String, String, String), ResourceFacts> = BTreeMap::new();
    for operation in &spec.operations {
        let Some(parsed) = parse_path(&operation.path) else {
            continue;
        };
        let entry = facts
            .entry((
                parsed.group.clone(),
                parsed.version.clone(),
                parsed.plural.clone(),
            ))
            .or_default();
        entry.namespaced |= parsed.namespaced;
        match parsed.subresource {
            Some(subresource) => {
                entry.subresources.insert(subresource);
            }
            None => {
                if let Some(verb) = verb_for(&operation.action) {
                    entry.verbs.insert(verb.to_owned());
                }
                if let Some((_, _, kind)) = &operation.gvk {
                    entry.kind.get_or_insert_with(|| kind.clone());
                }
            }
        }
    }
    // Kind → resource facts, per group-version. A kind served under two plurals keeps the first.
    let mut resource_of: BTreeMap<(String, String, String), (String, &ResourceFacts)> =
        BTreeMap::new();
    for ((group, version, plural), fact) in &facts {
        if let Some(kind) = &fact.kind {
            if !fact.verbs.is_empty() {
                resource_of
                    .entry((group.clone(), version.clone(), kind.clone()))
                    .or_insert((plural.clone(), fact));
            }
        }
    }

    // List kinds are served by the runtime's generic `ObjectList<K>`.
    let mut list_kinds: BTreeMap<(String, String, String), String> = BTreeMap::new();
    let mut skipped: BTreeSet<&str> = BTreeSet::new();
    for definition in &spec.definitions {
        // v3 wraps references that carry a default in a one-branch `allOf`.
        let items_ref = definition
            .schema
            .pointer("/properties/items/items/$ref")
            .or_else(|| {
                definition
                    .schema
                    .pointer("/properties/items/items/allOf/0/$ref")
            })
            .and_then(Value::as_str);
        for (group, version, kind) in group_version_kinds(definition.schema) {
            if let (Some(item), Some(item_kind)) = (items_ref, kind.strip_suffix("List")) {
                if short_name(item) == item_kind || item.ends_with(&format!(".{item_kind}")) {
                    list_kinds.insert((group, version, item_kind.to_owned()), kind.clone());
                    skipped.insert(definition.name.as_str());
                }
            }
        }
    }

    // Modules, names and references.
    let mut modules: BTreeMap<(String, String), (Version, UniqueNames)> = BTreeMap::new();
    let mut refs: BTreeMap<String, TypeRef> = BTreeMap::new();
    let mut placed: Vec<(&Definition<'_>, (String, String), String)> = Vec::new();
    let mut group_names: BTreeSet<String> = BTreeSet::new();
    let mut definitions: Vec<&Definition<'_>> = spec.definitions.iter().collect();
    definitions.sort_by(|a, b| a.name.cmp(&b.name));
    definitions.dedup_by(|a, b| a.name == b.name);
    for definition in &definitions {
        let reference = format!("{}{}", spec.ref_prefix, definition.name);
        if let Some(known) = WellKnown::for_definition(&definition.name) {
            refs.insert(reference, TypeRef::WellKnown(known));
            continue;
        }
        if definition.name.starts_with("io.k8s.apimachinery.") {
            // apimachinery types the runtime does not model (meta/v1.Patch) are plain JSON.
            refs.insert(reference, TypeRef::Json);
            continue;
        }
        if skipped.contains(definition.name.as_str()) || !is_struct(definition.schema) {
            continue;
        }
        let gv = package_gv(package_of(&definition.name));
        group_names.insert(gv.0.clone());
        placed.push((definition, gv, String::new()));
    }
    let group_modules = group_module_names(&group_names);
    for (definition, (group, version), name) in &mut placed {
        let group_module = group_modules
            .get(group.as_str())
            .cloned()
            .unwrap_or_default();
        let (module, names) = modules
            .entry((group.clone(), version.clone()))
            .or_insert_with(|| {
                let module = naming::version_module(version);
                let feature = naming::feature_name(&group_module, &module);
                (
                    Version {
                        name: version.clone(),
                        module,
                        feature,
                        ..Version::default()
                    },
                    UniqueNames::new(),
                )
            });
        // Go's names are kept (`CSIDriver`, not `CsiDriver`): they are what users search for.
        *name = names.claim(&naming::type_name(&[short_name(&definition.name)]));
        refs.insert(
            format!("{}{}", spec.ref_prefix, definition.name),
            TypeRef::Named(TypePath {
                group_module,
                version_module: module.module.clone(),
                name: name.clone(),
            }),
        );
        if !module.sources.contains(&definition.document.file) {
            module.sources.push(definition.document.file.clone());
        }
    }

    // Types.
    for (definition, (group, version), name) in &placed {
        let group_module = group_modules
            .get(group.as_str())
            .cloned()
            .unwrap_or_default();
        let Some((module, names)) = modules.get_mut(&(group.clone(), version.clone())) else {
            continue;
        };
        let is_root = group_version_kinds(definition.schema)
            .iter()
            .any(|gvk| resource_of.contains_key(gvk) && gvk.0 == *group && gvk.1 == *version);
        let mut types = Vec::new();
        let mut converter = SchemaConverter::new(
            definition.root,
            definition.document.clone(),
            &group_module,
            &module.module,
            names,
            &mut types,
        )
        .with_refs(&refs);
        if is_root {
            converter.convert_root(definition.schema, &definition.pointer, name)?;
            // The root was pushed last; kinds read best root-first.
            if let Some(root) = types.pop() {
                types.insert(0, root);
            }
        } else {
            converter.convert_struct(definition.schema, &definition.pointer, name)?;
        }
        module.types.extend(types);

        for gvk in group_version_kinds(definition.schema) {
            if gvk.0 != *group || gvk.1 != *version {
                continue;
            }
            let Some((plural, fact)) = resource_of.get(&gvk) else {
                continue;
            };
            let kind = gvk.2.clone();
            module.resources.push(Resource {
                list_kind: list_kinds
                    .get(&gvk)
                    .cloned()
                    .unwrap_or_else(|| format!("{kind}List")),
                plural: plural.clone(),
                singular: kind.to_lowercase(),
                short_names: Vec::new(),
                categories: Vec::new(),
                scope: if fact.namespaced {
                    Scope::Namespaced
                } else {
                    Scope::Cluster
                },
                verbs: fact.verbs.iter().cloned().collect(),
                subresources: Subresources {
                    status: fact.subresources.contains("status"),
                    // Built-in scale subresources map the conventional paths.
                    scale: fact
                        .subresources
                        .contains("scale")
                        .then(|| ScaleSubresource {
                            spec_replicas_path: ".spec.replicas".to_owned(),
                            status_replicas_path: ".status.replicas".to_owned(),
                            label_selector_path: None,
                        }),
                    other: fact
                        .subresources
                        .iter()
                        .filter(|s| *s != "status" && *s != "scale")
                        .cloned()
                        .collect(),
                },
                printer_columns: Vec::new(),
                selectable_fields: Vec::new(),
                storage: true,
                served: true,
                deprecated: false,
                deprecation_warning: None,
                typed_list_items: false,
                type_name: name.clone(),
                docs: definition
                    .schema
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                kind,
            });
        }
    }

    let mut api = Api::default();
    let mut groups: BTreeMap<String, Vec<Version>> = BTreeMap::new();
    for ((group, _), (mut version, _)) in modules {
        version.resources.sort_by(|a, b| a.kind.cmp(&b.kind));
        version.sources.sort();
        groups.entry(group).or_default().push(version);
    }
    for (group, mut versions) in groups {
        versions.sort_by(|a, b| naming::compare_versions(&a.name, &b.name));
        let module = group_modules
            .get(group.as_str())
            .cloned()
            .unwrap_or_default();
        api.groups.push(Group {
            name: group,
            module,
            versions,
        });
    }
    api.groups.sort_by(|a, b| a.module.cmp(&b.module));
    passes::box_recursive_fields(&mut api);
    if api.groups.is_empty() {
        return Err(Error::NothingToGenerate {
            inputs: "the OpenAPI spec".to_owned(),
        });
    }
    Ok(api)
}

/// A definition that becomes a struct: an object with properties.
fn is_struct(schema: &Value) -> bool {
    let has_properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    let ty = schema.get("type").and_then(Value::as_str);
    has_properties && matches!(ty, None | Some("object"))
}

/// Group modules for a set of groups, whole names where short ones collide.
fn group_module_names(groups: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut by_short: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for group in groups {
        by_short
            .entry(naming::group_module(group))
            .or_default()
            .push(group);
    }
    let mut modules = BTreeMap::new();
    for (short, groups) in by_short {
        if let [only] = groups.as_slice() {
            modules.insert((*only).clone(), short);
        } else {
            for group in groups {
                modules.insert(group.clone(), naming::group_module_full(group));
            }
        }
    }
    modules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_taken_apart() {
        let parsed = parse_path("/api/v1/namespaces/{namespace}/pods/{name}/log").unwrap();
        assert_eq!(
            parsed,
            ParsedPath {
                group: String::new(),
                version: "v1".into(),
                namespaced: true,
                plural: "pods".into(),
                subresource: Some("log".into())
            }
        );
        let parsed = parse_path("/api/v1/namespaces/{name}/status").unwrap();
        assert_eq!(
            (
                parsed.plural.as_str(),
                parsed.namespaced,
                parsed.subresource.as_deref()
            ),
            ("namespaces", false, Some("status"))
        );
        let parsed = parse_path("/apis/apps/v1/watch/namespaces/{namespace}/deployments").unwrap();
        assert_eq!(
            (
                parsed.group.as_str(),
                parsed.plural.as_str(),
                parsed.namespaced
            ),
            ("apps", "deployments", true)
        );
        assert!(parse_path("/apis/apps/v1/").is_none());
        assert!(parse_path("/version/").is_none());
    }
}
