//! Whole-IR passes that both front ends run after building the IR.

use std::collections::BTreeMap;

use std::collections::BTreeSet;

use crate::fingerprint::{Fingerprints, Strictness};
use crate::ir::{Api, TypeDef, TypePath, TypeRef, UnknownFields};

/// Every type path of the IR in output order, with whether it is a kind's root.
fn all_types(api: &Api) -> Vec<(TypePath, bool)> {
    let mut paths = Vec::new();
    for group in &api.groups {
        for version in &group.versions {
            for ty in &version.types {
                let is_root = version.resources.iter().any(|r| r.type_name == ty.name());
                paths.push((
                    TypePath {
                        group_module: group.module.clone(),
                        version_module: version.module.clone(),
                        name: ty.name().to_owned(),
                    },
                    is_root,
                ));
            }
        }
    }
    paths
}

/// Rewrites every reference in the IR with `rewrite`.
pub fn rewrite_refs(api: &mut Api, rewrite: &mut dyn FnMut(&TypePath) -> Option<TypeRef>) {
    fn visit(ty: &mut TypeRef, rewrite: &mut dyn FnMut(&TypePath) -> Option<TypeRef>) {
        match ty {
            TypeRef::Named(path) => {
                if let Some(new) = rewrite(path) {
                    *ty = new;
                }
            }
            TypeRef::Array(item) | TypeRef::Map(item) => visit(item, rewrite),
            _ => {}
        }
    }
    for group in &mut api.groups {
        for version in &mut group.versions {
            for ty in &mut version.types {
                if let TypeDef::Struct(def) = ty {
                    for field in &mut def.fields {
                        visit(&mut field.ty, rewrite);
                    }
                    if let UnknownFields::Typed(ty) = &mut def.unknown_fields {
                        visit(ty, rewrite);
                    }
                }
            }
        }
    }
}

/// Removes every type no kind's root reaches.
pub fn prune_unreachable(api: &mut Api) {
    let mut reached: BTreeSet<TypePath> = BTreeSet::new();
    let mut stack: Vec<TypePath> = all_types(api)
        .into_iter()
        .filter(|(_, root)| *root)
        .map(|(p, _)| p)
        .collect();
    fn refs_of(ty: &TypeRef, out: &mut Vec<TypePath>) {
        match ty {
            TypeRef::Named(path) => out.push(path.clone()),
            TypeRef::Array(item) | TypeRef::Map(item) => refs_of(item, out),
            _ => {}
        }
    }
    while let Some(path) = stack.pop() {
        if !reached.insert(path.clone()) {
            continue;
        }
        if let Some(TypeDef::Struct(def)) = api.type_def(&path) {
            let mut next = Vec::new();
            for field in &def.fields {
                refs_of(&field.ty, &mut next);
            }
            if let UnknownFields::Typed(ty) = &def.unknown_fields {
                refs_of(ty, &mut next);
            }
            stack.extend(next);
        }
    }
    for group in &mut api.groups {
        for version in &mut group.versions {
            let (group_module, version_module) = (group.module.clone(), version.module.clone());
            version.types.retain(|ty| {
                reached.contains(&TypePath {
                    group_module: group_module.clone(),
                    version_module: version_module.clone(),
                    name: ty.name().to_owned(),
                })
            });
        }
    }
}

/// Makes structurally identical types one type: every reference to a later
/// copy points at the first (in output order), and the copies are removed.
///
/// Kinds' roots are never merged. Because the first copy always comes
/// earlier in output order, references between modules that this adds all
/// point backwards, so the feature dependencies they imply never form a cycle.
/// Returns how many types were removed.
pub fn share_identical_types(api: &mut Api) -> usize {
    let paths = all_types(api);
    let mut first: BTreeMap<u128, TypePath> = BTreeMap::new();
    let mut replace: BTreeMap<TypePath, TypePath> = BTreeMap::new();
    {
        let mut fingerprints = Fingerprints::new(api, Strictness::Exact);
        for (path, is_root) in &paths {
            if *is_root {
                continue;
            }
            let fingerprint = fingerprints.of_type(path);
            match first.get(&fingerprint) {
                Some(original) => {
                    replace.insert(path.clone(), original.clone());
                }
                None => {
                    first.insert(fingerprint, path.clone());
                }
            }
        }
    }
    if replace.is_empty() {
        return 0;
    }
    rewrite_refs(api, &mut |path| {
        replace
            .get(path)
            .map(|original| TypeRef::Named(original.clone()))
    });
    for group in &mut api.groups {
        for version in &mut group.versions {
            let (group_module, version_module) = (group.module.clone(), version.module.clone());
            version.types.retain(|ty| {
                !replace.contains_key(&TypePath {
                    group_module: group_module.clone(),
                    version_module: version_module.clone(),
                    name: ty.name().to_owned(),
                })
            });
        }
    }
    replace.len()
}

/// Boxes the fields that make a type contain itself by value.
///
/// Only a direct reference (optionally inside `Option`) makes a type infinitely
/// large; `Vec` and `BTreeMap` already put their items on the heap. A
/// depth-first walk in IR order boxes exactly the back edges it finds, so the
/// choice is deterministic.
pub fn box_recursive_fields(api: &mut Api) {
    let mut edges: BTreeMap<TypePath, Vec<(usize, TypePath)>> = BTreeMap::new();
    let mut order = Vec::new();
    for group in &api.groups {
        for version in &group.versions {
            for ty in &version.types {
                let from = TypePath {
                    group_module: group.module.clone(),
                    version_module: version.module.clone(),
                    name: ty.name().to_owned(),
                };
                let mut out = Vec::new();
                if let TypeDef::Struct(def) = ty {
                    for (index, field) in def.fields.iter().enumerate() {
                        if let TypeRef::Named(to) = &field.ty {
                            out.push((index, to.clone()));
                        }
                    }
                }
                order.push(from.clone());
                edges.insert(from, out);
            }
        }
    }

    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        InProgress,
        Done,
    }
    let mut marks: BTreeMap<TypePath, Mark> = BTreeMap::new();
    let mut to_box: Vec<(TypePath, usize)> = Vec::new();
    for root in &order {
        if marks.contains_key(root) {
            continue;
        }
        // Iterative DFS: (node, next edge index).
        let mut stack: Vec<(TypePath, usize)> = vec![(root.clone(), 0)];
        marks.insert(root.clone(), Mark::InProgress);
        while let Some((node, next)) = stack.last().cloned() {
            let node_edges = edges.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some((field, target)) = node_edges.get(next) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                match marks.get(target) {
                    Some(Mark::InProgress) => to_box.push((node.clone(), *field)),
                    Some(Mark::Done) => {}
                    None => {
                        marks.insert(target.clone(), Mark::InProgress);
                        stack.push((target.clone(), 0));
                    }
                }
            } else {
                marks.insert(node, Mark::Done);
                stack.pop();
            }
        }
    }

    for (path, field) in to_box {
        if let Some(TypeDef::Struct(def)) = api
            .groups
            .iter_mut()
            .find(|group| group.module == path.group_module)
            .and_then(|group| {
                group
                    .versions
                    .iter_mut()
                    .find(|version| version.module == path.version_module)
            })
            .and_then(|version| version.types.iter_mut().find(|ty| ty.name() == path.name))
        {
            if let Some(field) = def.fields.get_mut(field) {
                field.boxed = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Field, Group, SchemaExtensions, StructDef, Version};

    fn field(name: &str, ty: TypeRef) -> Field {
        Field {
            rust_name: name.to_owned(),
            wire_name: name.to_owned(),
            docs: None,
            ty,
            required: false,
            nullable: false,
            boxed: false,
            default: None,
            schema: SchemaExtensions::default(),
        }
    }

    fn named(name: &str) -> TypeRef {
        TypeRef::Named(TypePath {
            group_module: "g".into(),
            version_module: "v1".into(),
            name: name.into(),
        })
    }

    #[test]
    fn boxes_only_the_back_edge_of_a_direct_cycle() {
        let a = StructDef {
            name: "A".into(),
            fields: vec![
                field("b", named("B")),
                field("many", TypeRef::Array(Box::new(named("A")))),
            ],
            ..StructDef::default()
        };
        let b = StructDef {
            name: "B".into(),
            fields: vec![field("a", named("A"))],
            ..StructDef::default()
        };
        let mut api = Api {
            groups: vec![Group {
                name: "g".into(),
                module: "g".into(),
                versions: vec![Version {
                    name: "v1".into(),
                    module: "v1".into(),
                    types: vec![TypeDef::Struct(a), TypeDef::Struct(b)],
                    ..Version::default()
                }],
            }],
            ..Api::default()
        };
        box_recursive_fields(&mut api);
        let types = &api.groups[0].versions[0].types;
        let TypeDef::Struct(a) = &types[0] else {
            panic!()
        };
        let TypeDef::Struct(b) = &types[1] else {
            panic!()
        };
        assert!(!a.fields[0].boxed, "A.b is the tree edge");
        assert!(!a.fields[1].boxed, "Vec needs no box");
        assert!(b.fields[0].boxed, "B.a closes the cycle");
    }
}
