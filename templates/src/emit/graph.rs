//! Facts about the whole type graph that single types cannot tell: which types
//! implement `Default`, which kind's file each type goes to, which versions a
//! version's feature needs.

use std::collections::{BTreeMap, BTreeSet};

use super::EmitError;
use super::paths::{display_path, named_refs};
use crate::ir::{
    Api, EnumDef, Field, Group, Resource, StructDef, TypeDef, TypePath, TypeRef, UnknownFields,
    Version, WellKnown,
};
use crate::naming::{self, UniqueNames};

/// The wire properties a root kind carries outside its schema'd fields.
pub(crate) const TYPE_META_FIELDS: [&str; 2] = ["apiVersion", "kind"];

/// A kind and the struct that is its Rust type.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Root<'a> {
    /// The kind as the API serves it.
    pub resource: &'a Resource,
    /// Its root struct.
    pub def: &'a StructDef,
    /// The same struct as a type of the version.
    pub type_def: &'a TypeDef,
    /// The struct's `metadata` field.
    pub metadata: &'a Field,
}

/// One Rust module (one file in a crate) of a version.
#[derive(Clone, Debug)]
pub(crate) struct ModulePlan<'a> {
    /// The module (and file) name; never a raw identifier, never `mod`.
    pub module: String,
    /// Its types: the kind's root first, then IR order.
    pub types: Vec<&'a TypeDef>,
    /// Names of `types`, to tell local references from re-exported ones.
    pub names: BTreeSet<String>,
}

/// Everything the layouts need to know about one group-version.
#[derive(Clone, Debug)]
pub(crate) struct VersionPlan<'a> {
    /// The group.
    pub group: &'a Group,
    /// The version.
    pub version: &'a Version,
    /// Its kinds, in resource order.
    pub roots: Vec<Root<'a>>,
    /// Its modules: one per kind in resource order, then the shared one if needed.
    pub modules: Vec<ModulePlan<'a>>,
    /// Features of other versions this version's types refer to.
    pub needs: BTreeSet<String>,
}

impl<'a> VersionPlan<'a> {
    /// The kind whose root struct is `name`, if it is one.
    pub(crate) fn root(&self, name: &str) -> Option<&Root<'a>> {
        self.roots.iter().find(|root| root.def.name == name)
    }
}

/// The analysed IR.
#[derive(Clone, Debug)]
pub(crate) struct Graph<'a> {
    /// Group-versions in IR order.
    pub versions: Vec<VersionPlan<'a>>,
    defaultable: BTreeSet<TypePath>,
}

impl Graph<'_> {
    /// Whether the generated type at `path` implements `Default`.
    /// Whether `path` is the root struct of a kind.
    pub(crate) fn is_root(&self, path: &TypePath) -> bool {
        self.versions.iter().any(|plan| {
            plan.group.module == path.group_module
                && plan.version.module == path.version_module
                && plan.root(&path.name).is_some()
        })
    }

    pub(crate) fn is_default(&self, path: &TypePath) -> bool {
        self.defaultable.contains(path)
    }

    /// Whether a field of this type (before `Option`) can be defaulted.
    pub(crate) fn type_is_default(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F64
            | TypeRef::String
            | TypeRef::Bytes
            | TypeRef::Json
            | TypeRef::Array(_)
            | TypeRef::Map(_) => true,
            TypeRef::WellKnown(known) => known.has_default(),
            TypeRef::Named(path) => self.is_default(path),
            // Nothing in the IR says whether a foreign type has a `Default`.
            TypeRef::External(_) => false,
        }
    }
}

/// Checks the IR and works out the graph facts.
pub(crate) fn analyze(api: &Api) -> Result<Graph<'_>, EmitError> {
    check_unique(
        api.groups.iter().map(|group| naming::unraw(&group.module)),
        "the group modules",
    )?;
    for group in &api.groups {
        check_unique(
            group
                .versions
                .iter()
                .map(|version| naming::unraw(&version.module)),
            &format!("the version modules of `{}`", group.module),
        )?;
    }
    let mut features = BTreeMap::new();
    for (group, version) in api.versions() {
        if ["default", "full"].contains(&version.feature.as_str()) {
            return Err(EmitError::DuplicateName {
                name: version.feature.clone(),
                scope: format!(
                    "the cargo features (`{}::{}` takes a name the crate defines itself)",
                    group.module, version.module
                ),
            });
        }
        if let Some(other) = features.insert(version.feature.as_str(), (group, version)) {
            return Err(EmitError::DuplicateName {
                name: version.feature.clone(),
                scope: format!(
                    "the cargo features (`{}::{}` and `{}::{}`)",
                    other.0.module, other.1.module, group.module, version.module
                ),
            });
        }
    }
    let mut versions = Vec::new();
    for (group, version) in api.versions() {
        versions.push(plan_version(api, group, version)?);
    }
    let mut graph = Graph {
        versions,
        defaultable: BTreeSet::new(),
    };
    graph.defaultable = defaultable(&graph);
    Ok(graph)
}

fn path_of(group: &Group, version: &Version, name: &str) -> TypePath {
    TypePath {
        group_module: group.module.clone(),
        version_module: version.module.clone(),
        name: name.to_owned(),
    }
}

/// The generated types a type definition mentions.
pub(crate) fn refs_of(def: &TypeDef) -> Vec<&TypePath> {
    let mut out = Vec::new();
    if let TypeDef::Struct(def) = def {
        for field in &def.fields {
            named_refs(&field.ty, &mut out);
        }
        if let UnknownFields::Typed(ty) = &def.unknown_fields {
            named_refs(ty, &mut out);
        }
    }
    out
}

fn plan_version<'a>(
    api: &'a Api,
    group: &'a Group,
    version: &'a Version,
) -> Result<VersionPlan<'a>, EmitError> {
    let scope = format!("`{}::{}`", group.module, version.module);
    check_unique(version.types.iter().map(TypeDef::name), &scope)?;
    let mut needs = BTreeSet::new();
    for def in &version.types {
        check_type(def, &scope)?;
        for target in refs_of(def) {
            if api.type_def(target).is_none() {
                return Err(EmitError::UnknownType {
                    from: display_path(&path_of(group, version, def.name())),
                    target: display_path(target),
                });
            }
            if target.group_module != group.module || target.version_module != version.module {
                let feature = api
                    .versions()
                    .find(|(g, v)| {
                        g.module == target.group_module && v.module == target.version_module
                    })
                    .map(|(_, v)| v.feature.clone());
                needs.extend(feature);
            }
        }
    }
    let roots = version
        .resources
        .iter()
        .map(|resource| root_of(group, version, resource))
        .collect::<Result<Vec<_>, _>>()?;
    check_unique(
        roots.iter().map(|root| root.def.name.as_str()),
        &format!("the root types of {scope}"),
    )?;
    let modules = plan_modules(group, version, &roots);
    Ok(VersionPlan {
        group,
        version,
        roots,
        modules,
        needs,
    })
}

fn check_unique<'n>(names: impl Iterator<Item = &'n str>, scope: &str) -> Result<(), EmitError> {
    let mut seen = BTreeSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(EmitError::DuplicateName {
                name: name.to_owned(),
                scope: scope.to_owned(),
            });
        }
    }
    Ok(())
}

/// Catches names that would make the output fail to compile in a confusing way.
fn check_type(def: &TypeDef, scope: &str) -> Result<(), EmitError> {
    match def {
        TypeDef::Struct(def) => {
            let scope = format!("the fields of {scope}::{}", def.name);
            check_unique(
                def.fields
                    .iter()
                    .map(|field| naming::unraw(&field.rust_name)),
                &scope,
            )?;
            check_unique(
                def.fields.iter().map(|field| field.wire_name.as_str()),
                &scope,
            )
        }
        TypeDef::Enum(EnumDef {
            name,
            variants,
            fallback_variant,
            ..
        }) => {
            let scope = format!("the variants of {scope}::{name}");
            check_unique(
                variants
                    .iter()
                    .map(|variant| variant.rust_name.as_str())
                    .chain([fallback_variant.as_str()]),
                &scope,
            )?;
            check_unique(
                variants.iter().map(|variant| variant.wire_value.as_str()),
                &scope,
            )
        }
    }
}

fn root_of<'a>(
    group: &'a Group,
    version: &'a Version,
    resource: &'a Resource,
) -> Result<Root<'a>, EmitError> {
    let invalid = |problem: String| EmitError::InvalidRoot {
        kind: resource.kind.clone(),
        group_version: format!("{}::{}", group.module, version.module),
        problem,
    };
    let (type_def, def) = match version.type_def(&resource.type_name) {
        Some(type_def @ TypeDef::Struct(def)) => (type_def, def),
        Some(TypeDef::Enum(_)) => {
            return Err(invalid(format!(
                "root type `{}` is an enum",
                resource.type_name
            )));
        }
        None => {
            return Err(invalid(format!(
                "root type `{}` is missing",
                resource.type_name
            )));
        }
    };
    let metadata = def
        .fields
        .iter()
        .find(|field| field.wire_name == "metadata")
        .ok_or_else(|| invalid("the root struct has no `metadata` field".to_owned()))?;
    if metadata.ty != TypeRef::WellKnown(WellKnown::ObjectMeta) {
        return Err(invalid("`metadata` is not an `ObjectMeta`".to_owned()));
    }
    Ok(Root {
        resource,
        def,
        type_def,
        metadata,
    })
}

/// Splits a version into modules: a kind's module holds its root and every type
/// only that kind reaches; the rest (shared or unreached) goes to one shared module.
fn plan_modules<'a>(
    group: &Group,
    version: &'a Version,
    roots: &[Root<'a>],
) -> Vec<ModulePlan<'a>> {
    let root_names: BTreeSet<&str> = roots.iter().map(|root| root.def.name.as_str()).collect();
    // Type name → indexes of the kinds reaching it.
    let mut owners: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (index, root) in roots.iter().enumerate() {
        owners
            .entry(root.def.name.as_str())
            .or_default()
            .insert(index);
        let mut stack = vec![root.def.name.as_str()];
        let mut seen = BTreeSet::from([root.def.name.as_str()]);
        while let Some(name) = stack.pop() {
            let Some(def) = version.type_def(name) else {
                continue;
            };
            for target in refs_of(def) {
                let same_version =
                    target.group_module == group.module && target.version_module == version.module;
                // Another kind's subtree belongs with that kind, even if this one embeds it.
                if !same_version || root_names.contains(target.name.as_str()) {
                    continue;
                }
                if seen.insert(target.name.as_str()) {
                    owners
                        .entry(target.name.as_str())
                        .or_default()
                        .insert(index);
                    stack.push(target.name.as_str());
                }
            }
        }
    }

    let mut names = UniqueNames::new();
    // `mod.rs` is the version's own file.
    names.reserve("mod");
    let mut modules: Vec<ModulePlan<'a>> = roots
        .iter()
        .map(|root| ModulePlan {
            module: names.claim(&module_name(&root.resource.kind)),
            types: Vec::new(),
            names: BTreeSet::new(),
        })
        .collect();
    let mut shared = ModulePlan {
        module: names.claim("common"),
        types: Vec::new(),
        names: BTreeSet::new(),
    };
    for (index, root) in roots.iter().enumerate() {
        if let Some(module) = modules.get_mut(index) {
            module.types.push(root.type_def);
        }
    }
    for def in &version.types {
        if root_names.contains(def.name()) {
            continue;
        }
        let owner = owners.get(def.name()).filter(|kinds| kinds.len() == 1);
        let module = match owner.and_then(|kinds| kinds.first()) {
            Some(&index) => modules.get_mut(index),
            None => None,
        };
        module.unwrap_or(&mut shared).types.push(def);
    }
    if !shared.types.is_empty() {
        modules.push(shared);
    }
    for module in &mut modules {
        module.names = module
            .types
            .iter()
            .map(|def| def.name().to_owned())
            .collect();
    }
    modules
}

/// The module for a kind: its snake_case name, never a keyword (a raw `r#mod`
/// would still need the file `mod.rs`, which is taken).
fn module_name(kind: &str) -> String {
    let name = naming::field_name(kind);
    match name.strip_prefix("r#") {
        Some(keyword) => format!("{keyword}_"),
        None => name,
    }
}

/// The least fixpoint of "every non-`Option` field has a `Default`": a cycle of
/// required fields stays without one, as its `Default` would never return.
fn defaultable(graph: &Graph<'_>) -> BTreeSet<TypePath> {
    let mut known = Graph {
        versions: Vec::new(),
        defaultable: BTreeSet::new(),
    };
    // Enums default to the empty string, Go's zero value for a string enum.
    for plan in &graph.versions {
        for def in &plan.version.types {
            if let TypeDef::Enum(def) = def {
                known
                    .defaultable
                    .insert(path_of(plan.group, plan.version, &def.name));
            }
        }
    }
    loop {
        let mut changed = false;
        for plan in &graph.versions {
            for def in &plan.version.types {
                let TypeDef::Struct(def) = def else { continue };
                let path = path_of(plan.group, plan.version, &def.name);
                if known.defaultable.contains(&path) {
                    continue;
                }
                let root = plan.root(&def.name);
                let fields_ok = def.fields.iter().all(|field| {
                    let is_metadata = root.is_some_and(|root| std::ptr::eq(root.metadata, field));
                    let is_type_meta =
                        root.is_some() && TYPE_META_FIELDS.contains(&field.wire_name.as_str());
                    // Root metadata is emitted as a plain `ObjectMeta`, which has a `Default`.
                    is_metadata
                        || is_type_meta
                        || field.is_optional()
                        || known.type_is_default(&field.ty)
                });
                if fields_ok {
                    known.defaultable.insert(path);
                    changed = true;
                }
            }
        }
        if !changed {
            return known.defaultable;
        }
    }
}
