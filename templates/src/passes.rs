//! Whole-IR passes that both front ends run after building the IR.

use std::collections::BTreeMap;

use crate::ir::{Api, TypeDef, TypePath, TypeRef};

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
