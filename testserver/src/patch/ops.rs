//! The typed-value operations server-side apply is built from, following
//! structured-merge-diff: the field set of a value, the comparison of two
//! values, merging an applied configuration into an object, and removing a
//! set of fields from an object.
//!
//! Values are `Option<&Value>`: `None` is an absent field, `Some(Null)` an
//! explicit null, and the two are different (absent → present is "added",
//! null → value is "modified").

use serde_json::{Map, Value};

use super::fieldpath::{PathElement, Set, values_equal};
use super::typed::{Handled, ListType, MapType, TypeRef, list_item_element};
use crate::schema::ListKind;

/// The fields of `value` as an applied configuration owns them: leaves,
/// list items, empty or null maps, map entries that are not struct fields,
/// and atomic lists and maps as a whole.
pub fn to_field_set(value: &Value, tr: TypeRef<'_>) -> Set {
    let mut set = Set::new();
    field_set_at(value, tr, &mut set);
    set
}

fn field_set_at(value: &Value, tr: TypeRef<'_>, set: &mut Set) {
    match tr.resolve().handle(Some(value)) {
        None | Some(Handled::Scalar(_)) => {}
        Some(Handled::List(list)) => {
            if list.kind == ListKind::Atomic {
                return;
            }
            let Value::Array(items) = value else { return };
            let elements: Vec<Option<PathElement>> = items
                .iter()
                .map(|item| list_item_element(&list, item).ok())
                .collect();
            for (i, element) in elements.iter().enumerate() {
                let Some(element) = element else { continue };
                let duplicated = elements
                    .iter()
                    .enumerate()
                    .any(|(j, other)| j != i && other.as_ref() == Some(element));
                if duplicated {
                    set.insert_member(element.clone());
                    continue;
                }
                descend(&items[i], list.elem, element.clone(), set, true);
            }
        }
        Some(Handled::Map(map)) => {
            if map.atomic {
                return;
            }
            let Value::Object(object) = value else { return };
            for (key, item) in object {
                let Some((field_type, named)) = map.field(key) else {
                    continue;
                };
                let empty = item.is_null() || item.as_object().is_some_and(Map::is_empty);
                descend(
                    item,
                    field_type,
                    PathElement::Field(key.clone()),
                    set,
                    empty || !named,
                );
            }
        }
    }
}

/// Adds the fields of a child: the child itself when it is a leaf (scalar,
/// atomic) or `member` says so, and whatever is below it.
fn descend(value: &Value, tr: TypeRef<'_>, element: PathElement, set: &mut Set, member: bool) {
    if is_leaf(value, tr) || member {
        set.insert_member(element.clone());
    }
    let mut below = Set::new();
    field_set_at(value, tr, &mut below);
    if !below.is_empty() {
        *set.child_mut(element) = below;
    }
}

/// Whether a value is owned as one unit: a scalar, an atomic list or map.
fn is_leaf(value: &Value, tr: TypeRef<'_>) -> bool {
    match tr.resolve().handle(Some(value)) {
        None | Some(Handled::Scalar(_)) => true,
        Some(Handled::List(list)) => list.kind == ListKind::Atomic,
        Some(Handled::Map(map)) => map.atomic,
    }
}

/// The difference between two values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Fields present before and gone after.
    pub removed: Set,
    /// Fields present in both with different values.
    pub modified: Set,
    /// Fields absent before and present after.
    pub added: Set,
}

impl Comparison {
    /// Drops `fields` and everything below them from the comparison.
    pub fn exclude(&mut self, fields: &Set) {
        self.removed = self.removed.recursive_difference(fields);
        self.modified = self.modified.recursive_difference(fields);
        self.added = self.added.recursive_difference(fields);
    }
}

/// Compares `lhs` (before) with `rhs` (after).
pub fn compare(lhs: &Value, rhs: &Value, tr: TypeRef<'_>) -> Comparison {
    let mut out = Comparison::default();
    let mut path = Vec::new();
    compare_children(Some(lhs), Some(rhs), tr, &mut path, &mut out);
    out
}

/// Compares one node; returns whether it was handled as a leaf.
fn compare_node(
    lhs: Option<&Value>,
    rhs: Option<&Value>,
    tr: TypeRef<'_>,
    path: &mut Vec<PathElement>,
    out: &mut Comparison,
) {
    let leaf = compare_children(lhs, rhs, tr, path, out);
    if !leaf {
        match (lhs, rhs) {
            (None, Some(_)) => out.added.insert(path),
            (Some(_), None) => out.removed.insert(path),
            _ => {}
        }
    }
}

/// Compares the insides of a node, or the node as a leaf; returns whether it
/// was a leaf.
fn compare_children(
    lhs: Option<&Value>,
    rhs: Option<&Value>,
    tr: TypeRef<'_>,
    path: &mut Vec<PathElement>,
    out: &mut Comparison,
) -> bool {
    let atom = tr.resolve();
    let lhs_handled = atom.clone().handle(lhs);
    let handled = match rhs {
        Some(_) => atom.handle(rhs),
        None => lhs_handled,
    };
    let leaf = |out: &mut Comparison, path: &[PathElement]| {
        match (lhs, rhs) {
            (None, Some(_)) => out.added.insert(path),
            (Some(_), None) => out.removed.insert(path),
            (Some(l), Some(r)) if !values_equal(l, r) => out.modified.insert(path),
            _ => {}
        }
        true
    };
    match handled {
        None | Some(Handled::Scalar(_)) => leaf(out, path),
        Some(Handled::List(list)) => {
            let l = lhs.and_then(Value::as_array);
            let r = rhs.and_then(Value::as_array);
            let empty = l.is_none_or(Vec::is_empty) && r.is_none_or(Vec::is_empty);
            if list.kind == ListKind::Atomic || empty || mismatched(lhs, rhs) {
                return leaf(out, path);
            }
            compare_lists(
                l.map_or(&[][..], Vec::as_slice),
                r.map_or(&[][..], Vec::as_slice),
                &list,
                path,
                out,
            );
            false
        }
        Some(Handled::Map(map)) => {
            let l = lhs.and_then(Value::as_object);
            let r = rhs.and_then(Value::as_object);
            let empty = l.is_none_or(Map::is_empty) && r.is_none_or(Map::is_empty);
            if map.atomic || empty || mismatched(lhs, rhs) {
                return leaf(out, path);
            }
            compare_maps(l, r, &map, path, out);
            false
        }
    }
}

/// Whether the two sides hold different kinds of value (compared as leaves).
fn mismatched(lhs: Option<&Value>, rhs: Option<&Value>) -> bool {
    let kind = |v: &Value| match v {
        Value::Array(_) => 1,
        Value::Object(_) => 2,
        Value::Null => 3,
        _ => 0,
    };
    match (lhs, rhs) {
        (Some(l), Some(r)) => {
            let (a, b) = (kind(l), kind(r));
            a != b && a != 3 && b != 3
        }
        _ => false,
    }
}

fn compare_maps(
    lhs: Option<&Map<String, Value>>,
    rhs: Option<&Map<String, Value>>,
    map: &MapType<'_>,
    path: &mut Vec<PathElement>,
    out: &mut Comparison,
) {
    let mut keys: Vec<&String> = lhs.into_iter().flat_map(Map::keys).collect();
    for key in rhs.into_iter().flat_map(Map::keys) {
        if !lhs.is_some_and(|l| l.contains_key(key)) {
            keys.push(key);
        }
    }
    for key in keys {
        let Some((field_type, _)) = map.field(key) else {
            continue;
        };
        path.push(PathElement::Field(key.clone()));
        compare_node(
            lhs.and_then(|l| l.get(key)),
            rhs.and_then(|r| r.get(key)),
            field_type,
            path,
            out,
        );
        path.pop();
    }
}

fn group_items<'v>(items: &'v [Value], list: &ListType<'_>) -> Vec<(PathElement, Vec<&'v Value>)> {
    let mut groups: Vec<(PathElement, Vec<&'v Value>)> = Vec::new();
    for item in items {
        let Ok(element) = list_item_element(list, item) else {
            continue;
        };
        match groups.iter_mut().find(|(e, _)| *e == element) {
            Some((_, group)) => group.push(item),
            None => groups.push((element, vec![item])),
        }
    }
    groups
}

fn compare_lists(
    lhs: &[Value],
    rhs: &[Value],
    list: &ListType<'_>,
    path: &mut Vec<PathElement>,
    out: &mut Comparison,
) {
    let left = group_items(lhs, list);
    let right = group_items(rhs, list);
    let mut elements: Vec<&PathElement> = left.iter().map(|(e, _)| e).collect();
    for (element, _) in &right {
        if !left.iter().any(|(e, _)| e == element) {
            elements.push(element);
        }
    }
    for element in elements {
        let l = left
            .iter()
            .find(|(e, _)| e == element)
            .map(|(_, g)| g.as_slice())
            .unwrap_or(&[]);
        let r = right
            .iter()
            .find(|(e, _)| e == element)
            .map(|(_, g)| g.as_slice())
            .unwrap_or(&[]);
        path.push(element.clone());
        match (l.len(), r.len()) {
            (0, 0) => {}
            (0 | 1, 0 | 1) => {
                compare_node(l.first().copied(), r.first().copied(), list.elem, path, out)
            }
            (2.., 2..) => {
                let same = l.len() == r.len() && l.iter().zip(r).all(|(a, b)| values_equal(a, b));
                if !same {
                    out.modified.insert(path);
                }
            }
            (2.., _) => {
                if let Some(first) = r.first() {
                    compare_node(None, Some(first), list.elem, path, out);
                }
                out.removed.insert(path);
            }
            (_, 2..) => {
                if let Some(first) = l.first() {
                    compare_node(Some(first), None, list.elem, path, out);
                }
                out.added.insert(path);
            }
        }
        path.pop();
    }
}

/// Merges `rhs` (an applied configuration) into `lhs` (the live object):
/// maps merge field by field, associative lists item by item, everything
/// else takes the right-hand side. `None` when nothing remains.
pub fn merge(lhs: Option<&Value>, rhs: Option<&Value>, tr: TypeRef<'_>) -> Option<Value> {
    let atom = tr.resolve();
    let handled = match rhs {
        Some(_) => atom.handle(rhs),
        None => atom.handle(lhs),
    };
    let keep_rhs = || rhs.or(lhs).cloned();
    match handled {
        None | Some(Handled::Scalar(_)) => keep_rhs(),
        Some(Handled::List(list)) => {
            let l = lhs.and_then(Value::as_array);
            let r = rhs.and_then(Value::as_array);
            let empty = l.is_none_or(Vec::is_empty) && r.is_none_or(Vec::is_empty);
            if list.kind == ListKind::Atomic || empty || mismatched(lhs, rhs) {
                return keep_rhs();
            }
            let merged = merge_lists(
                l.map_or(&[][..], Vec::as_slice),
                r.map_or(&[][..], Vec::as_slice),
                &list,
            );
            (!merged.is_empty()).then_some(Value::Array(merged))
        }
        Some(Handled::Map(map)) => {
            let l = lhs.and_then(Value::as_object);
            let r = rhs.and_then(Value::as_object);
            let empty = l.is_none_or(Map::is_empty) && r.is_none_or(Map::is_empty);
            if map.atomic || empty || mismatched(lhs, rhs) {
                return keep_rhs();
            }
            let mut out = Map::new();
            for (key, value) in l.into_iter().flatten() {
                let Some((field_type, _)) = map.field(key) else {
                    out.insert(key.clone(), value.clone());
                    continue;
                };
                if let Some(merged) = merge(Some(value), r.and_then(|r| r.get(key)), field_type) {
                    out.insert(key.clone(), merged);
                }
            }
            for (key, value) in r.into_iter().flatten() {
                if l.is_some_and(|l| l.contains_key(key)) {
                    continue;
                }
                let field_type = map.field(key).map_or(TypeRef::Deduced, |(t, _)| t);
                if let Some(merged) = merge(None, Some(value), field_type) {
                    out.insert(key.clone(), merged);
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
    }
}

/// Merges associative lists: items matched by key are merged; the order of
/// the configuration wins for the items it names, live-only items keep their
/// place relative to them (structured-merge-diff's interleaving).
fn merge_lists(lhs: &[Value], rhs: &[Value], list: &ListType<'_>) -> Vec<Value> {
    let index = |items: &[Value]| -> Vec<(PathElement, Value)> {
        let mut out: Vec<(PathElement, Value)> = Vec::new();
        for item in items {
            if let Ok(element) = list_item_element(list, item) {
                out.push((element, item.clone()));
            }
        }
        out
    };
    let right = index(rhs);
    let left = index(lhs);
    let in_left = |e: &PathElement| left.iter().any(|(l, _)| l == e);
    let in_right = |e: &PathElement| right.iter().any(|(r, _)| r == e);
    let left_value = |e: &PathElement| left.iter().find(|(l, _)| l == e).map(|(_, v)| v);
    let right_value = |e: &PathElement| right.iter().find(|(r, _)| r == e).map(|(_, v)| v);

    let mut shared: std::collections::VecDeque<&PathElement> = right
        .iter()
        .map(|(e, _)| e)
        .filter(|e| in_left(e))
        .collect();
    let mut next_shared = shared.pop_front();
    let mut merged_right: Vec<PathElement> = Vec::new();
    let mut out = Vec::new();
    let (mut li, mut ri) = (0, 0);
    let push = |out: &mut Vec<Value>, l: Option<&Value>, r: Option<&Value>| {
        if let Some(v) = merge(l, r, list.elem) {
            out.push(v);
        }
    };
    while li < left.len() || ri < right.len() {
        if li < left.len() && ri < right.len() {
            let element = &left[li].0;
            if *element == right[ri].0 {
                merged_right.push(element.clone());
                push(&mut out, left_value(element), right_value(element));
                li += 1;
                ri += 1;
                next_shared = shared.pop_front();
                continue;
            }
            if in_right(element) && next_shared.is_some_and(|n| n != element) {
                li += 1;
                continue;
            }
        }
        if li < left.len() {
            let element = &left[li].0;
            if !in_right(element) {
                push(&mut out, Some(&left[li].1), None);
                li += 1;
                continue;
            } else if merged_right.contains(element) {
                li += 1;
            }
        }
        if ri < right.len() {
            let element = right[ri].0.clone();
            merged_right.push(element.clone());
            push(&mut out, left_value(&element), right_value(&element));
            ri += 1;
            if next_shared.is_some_and(|n| *n == element) {
                next_shared = shared.pop_front();
            }
        }
    }
    out
}

/// Removes the fields of `set` (and everything below them) from `value`.
/// `None` when nothing remains of a map or list.
pub fn remove_items(value: &Value, set: &Set, tr: TypeRef<'_>) -> Option<Value> {
    match tr.resolve().handle(Some(value)) {
        None | Some(Handled::Scalar(_)) => Some(value.clone()),
        Some(Handled::List(list)) => {
            let Value::Array(items) = value else {
                return Some(value.clone());
            };
            if items.is_empty() || list.kind == ListKind::Atomic {
                return Some(value.clone());
            }
            let mut out = Vec::new();
            for item in items {
                let Ok(element) = list_item_element(&list, item) else {
                    out.push(item.clone());
                    continue;
                };
                if set.has_member(&element) {
                    continue;
                }
                match set.child(&element) {
                    Some(below) if !below.is_empty() => {
                        if let Some(kept) = remove_items(item, below, list.elem) {
                            out.push(kept);
                        }
                    }
                    _ => out.push(item.clone()),
                }
            }
            (!out.is_empty()).then_some(Value::Array(out))
        }
        Some(Handled::Map(map)) => {
            let Value::Object(object) = value else {
                return Some(value.clone());
            };
            if object.is_empty() || map.atomic {
                return Some(value.clone());
            }
            let mut out = Map::new();
            for (key, item) in object {
                let element = PathElement::Field(key.clone());
                if set.has_member(&element) {
                    continue;
                }
                let field_type = map.field(key).map_or(TypeRef::Deduced, |(t, _)| t);
                match set.child(&element) {
                    Some(below) if !below.is_empty() => {
                        if let Some(kept) = remove_items(item, below, field_type) {
                            out.insert(key.clone(), kept);
                        }
                    }
                    _ => {
                        out.insert(key.clone(), item.clone());
                    }
                }
            }
            (!out.is_empty()).then_some(Value::Object(out))
        }
    }
}

/// `set` plus every struct field that has members below it (so that pruning
/// removes a whole struct its owner dropped).
pub fn ensure_named_fields_are_members(set: &Set, tr: TypeRef<'_>) -> Set {
    let map = tr.resolve().map;
    let list = tr.resolve().list;
    let mut out = Set::new();
    for member in set.members() {
        out.insert_member(member.clone());
    }
    for (element, child) in set.children() {
        let child_type = match element {
            PathElement::Field(name) => {
                let field = map.as_ref().and_then(|m| m.field(name));
                if let Some((_, true)) = field {
                    out.insert_member(element.clone());
                }
                field.map(|(t, _)| t)
            }
            PathElement::Key(_) => list.as_ref().map(|l| l.elem),
            _ => None,
        };
        let inner = match child_type {
            Some(t) => ensure_named_fields_are_members(child, t),
            None => child.clone(),
        };
        if !inner.is_empty() {
            *out.child_mut(element.clone()) = inner;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schemas;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn schemas() -> Schemas {
        let mut by_name = BTreeMap::new();
        by_name.insert(
            "Obj".to_owned(),
            json!({"type": "object", "properties": {
                "data": {"type": "object", "additionalProperties": {"type": "string"}},
                "spec": {"type": "object", "properties": {
                    "items": {"type": "array", "x-kubernetes-list-type": "map",
                        "x-kubernetes-list-map-keys": ["name"],
                        "items": {"type": "object", "properties": {
                            "name": {"type": "string"}, "v": {"type": "string"}}}},
                    "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
                    "args": {"type": "array", "items": {"type": "string"}},
                    "sel": {"type": "object", "x-kubernetes-map-type": "atomic",
                        "additionalProperties": {"type": "string"}}
                }}
            }}),
        );
        Schemas::new(by_name)
    }

    fn fields(set: &Set) -> String {
        serde_json::to_string(&set.to_fields_v1()).unwrap()
    }

    #[test]
    fn field_sets_have_the_real_shape() {
        let schemas = schemas();
        let root = json!({"$ref": "#/components/schemas/Obj"});
        let tr = TypeRef::root(schemas.view(&root));
        let config = json!({"data": {"x": "1"}, "spec": {"items": [{"name": "a", "v": "1"}],
            "tags": ["t"], "args": ["a"], "sel": {"k": "v"}}});
        assert_eq!(
            fields(&to_field_set(&config, tr)),
            r#"{"f:data":{"f:x":{}},"f:spec":{"f:args":{},"f:items":{"k:{\"name\":\"a\"}":{".":{},"f:name":{},"f:v":{}}},"f:sel":{},"f:tags":{"v:\"t\"":{}}}}"#
        );
        assert_eq!(
            fields(&to_field_set(&json!({"data": {}}), tr)),
            r#"{"f:data":{}}"#
        );
    }

    #[test]
    fn comparison_marks_added_subtrees_as_members() {
        let schemas = schemas();
        let root = json!({"$ref": "#/components/schemas/Obj"});
        let tr = TypeRef::root(schemas.view(&root));
        let old = json!({"spec": {"items": null}});
        let new = json!({"data": {"x": "1"}, "spec": {"items": [{"name": "a"}]}});
        let c = compare(&old, &new, tr);
        assert_eq!(
            fields(&c.added),
            r#"{"f:data":{".":{},"f:x":{}},"f:spec":{"f:items":{"k:{\"name\":\"a\"}":{".":{},"f:name":{}}}}}"#
        );
        assert!(c.removed.is_empty() && c.modified.is_empty());
        let back = compare(&new, &old, tr);
        assert_eq!(back.removed, c.added);
    }

    #[test]
    fn merge_keeps_live_items_and_orders_like_the_configuration() {
        let schemas = schemas();
        let root = json!({"$ref": "#/components/schemas/Obj"});
        let tr = TypeRef::root(schemas.view(&root));
        let live =
            json!({"spec": {"items": [{"name": "a", "v": "1"}, {"name": "b"}], "args": ["x"]}});
        let config =
            json!({"spec": {"items": [{"name": "c"}, {"name": "a", "v": "2"}], "args": ["y"]}});
        let merged = merge(Some(&live), Some(&config), tr).unwrap();
        assert_eq!(
            merged,
            json!({"spec": {"items": [{"name": "c"}, {"name": "a", "v": "2"}, {"name": "b"}], "args": ["y"]}})
        );
    }

    #[test]
    fn removal_drops_members_and_subtrees() {
        let schemas = schemas();
        let root = json!({"$ref": "#/components/schemas/Obj"});
        let tr = TypeRef::root(schemas.view(&root));
        let value = json!({"data": {"x": "1", "y": "2"}, "spec": {"items": [{"name": "a", "v": "1"}, {"name": "b"}]}});
        let mut set = Set::new();
        set.insert(&[
            PathElement::Field("data".into()),
            PathElement::Field("y".into()),
        ]);
        let key = PathElement::Key(vec![("name".into(), json!("a"))]);
        set.insert(&[
            PathElement::Field("spec".into()),
            PathElement::Field("items".into()),
            key.clone(),
            PathElement::Field("v".into()),
        ]);
        set.insert(&[
            PathElement::Field("spec".into()),
            PathElement::Field("items".into()),
            PathElement::Key(vec![("name".into(), json!("b"))]),
        ]);
        let out = remove_items(&value, &set, tr).unwrap();
        assert_eq!(
            out,
            json!({"data": {"x": "1"}, "spec": {"items": [{"name": "a"}]}})
        );
        let ensured = ensure_named_fields_are_members(&set, tr);
        assert!(ensured.has(&[PathElement::Field("spec".into())]));
        assert!(ensured.has(&[
            PathElement::Field("spec".into()),
            PathElement::Field("items".into())
        ]));
        assert!(ensured.has(&[PathElement::Field("data".into())]));
        assert!(!set.has(&[PathElement::Field("data".into())]));
    }
}
