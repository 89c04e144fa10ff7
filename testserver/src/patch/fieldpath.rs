//! Field paths and sets of field paths, the unit of ownership in server-side
//! apply, with their `FieldsV1` encoding (`f:name`, `k:{"name":"x"}`,
//! `v:"value"`, `i:0`, `.` for the node itself).
//!
//! The ordering of path elements and values follows structured-merge-diff,
//! because it decides both the order of keys in `fieldsV1` and the order in
//! which conflicts are reported.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

/// One step of a path into an object.
#[derive(Clone, Debug)]
pub enum PathElement {
    /// A field of a struct or a key of a map.
    Field(String),
    /// An item of a map-list, by its key fields (sorted by name).
    Key(Vec<(String, Value)>),
    /// An item of a set-list, by its value.
    Value(Value),
    /// An item of an atomic list, by position (never owned on its own).
    Index(usize),
}

impl PathElement {
    fn rank(&self) -> u8 {
        match self {
            PathElement::Field(_) => 0,
            PathElement::Key(_) => 1,
            PathElement::Value(_) => 2,
            PathElement::Index(_) => 3,
        }
    }

    /// The `fieldsV1` key of this element (`f:name`, `k:{...}`, `v:...`, `i:0`).
    pub fn to_fields_key(&self) -> String {
        match self {
            PathElement::Field(name) => format!("f:{name}"),
            PathElement::Key(fields) => {
                let mut object = Map::new();
                for (name, value) in fields {
                    object.insert(name.clone(), value.clone());
                }
                format!("k:{}", Value::Object(object))
            }
            PathElement::Value(value) => format!("v:{value}"),
            PathElement::Index(index) => format!("i:{index}"),
        }
    }

    /// Parses a `fieldsV1` key; `None` for a malformed one.
    pub fn from_fields_key(key: &str) -> Option<PathElement> {
        let (kind, rest) = key.split_once(':')?;
        match kind {
            "f" => Some(PathElement::Field(rest.to_owned())),
            "v" => serde_json::from_str(rest).ok().map(PathElement::Value),
            "i" => rest.parse().ok().map(PathElement::Index),
            "k" => {
                let Value::Object(object) = serde_json::from_str::<Value>(rest).ok()? else {
                    return None;
                };
                let mut fields: Vec<(String, Value)> = object.into_iter().collect();
                fields.sort_by(|a, b| a.0.cmp(&b.0));
                Some(PathElement::Key(fields))
            }
            _ => None,
        }
    }
}

impl PartialEq for PathElement {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PathElement {}

impl PartialOrd for PathElement {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PathElement {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (PathElement::Field(a), PathElement::Field(b)) => a.cmp(b),
            (PathElement::Key(a), PathElement::Key(b)) => compare_field_lists(a, b),
            (PathElement::Value(a), PathElement::Value(b)) => compare_values(a, b),
            (PathElement::Index(a), PathElement::Index(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl fmt::Display for PathElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathElement::Field(name) => write!(f, ".{name}"),
            PathElement::Key(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|(name, value)| format!("{name}={value}"))
                    .collect();
                write!(f, "[{}]", parts.join(","))
            }
            PathElement::Value(value) => write!(f, "[={value}]"),
            PathElement::Index(index) => write!(f, "[{index}]"),
        }
    }
}

/// A path from the root of an object.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Path(pub Vec<PathElement>);

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for element in &self.0 {
            write!(f, "{element}")?;
        }
        Ok(())
    }
}

fn compare_field_lists(a: &[(String, Value)], b: &[(String, Value)]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = x.0.cmp(&y.0).then_with(|| compare_values(&x.1, &y.1));
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// The total order of structured-merge-diff values: numbers (compared
/// numerically), then strings, booleans, lists, maps and null.
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Number(_) => 0,
            Value::String(_) => 1,
            Value::Bool(_) => 2,
            Value::Array(_) => 3,
            Value::Object(_) => 4,
            Value::Null => 5,
        }
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                return x.cmp(&y);
            }
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                let order = compare_values(p, q);
                if order != Ordering::Equal {
                    return order;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Object(x), Value::Object(y)) => {
            let mut xs: Vec<(&String, &Value)> = x.iter().collect();
            let mut ys: Vec<(&String, &Value)> = y.iter().collect();
            xs.sort_by(|p, q| p.0.cmp(q.0));
            ys.sort_by(|p, q| p.0.cmp(q.0));
            for (p, q) in xs.iter().zip(&ys) {
                let order = p.0.cmp(q.0).then_with(|| compare_values(p.1, q.1));
                if order != Ordering::Equal {
                    return order;
                }
            }
            xs.len().cmp(&ys.len())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Whether two values are equal as structured-merge-diff sees them
/// (numbers compared numerically, map key order ignored).
pub fn values_equal(a: &Value, b: &Value) -> bool {
    compare_values(a, b) == Ordering::Equal
}

/// A set of paths, stored as a tree: `members` are paths ending at this
/// level, `children` the subsets under each element.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Set {
    members: BTreeSet<PathElement>,
    children: BTreeMap<PathElement, Set>,
}

impl Set {
    /// The empty set.
    pub fn new() -> Set {
        Set::default()
    }

    /// Adds `path` (its parents are not added).
    pub fn insert(&mut self, path: &[PathElement]) {
        match path {
            [] => {}
            [last] => {
                self.members.insert(last.clone());
            }
            [first, rest @ ..] => self.children.entry(first.clone()).or_default().insert(rest),
        }
    }

    /// Whether `path` is a member.
    pub fn has(&self, path: &[PathElement]) -> bool {
        match path {
            [] => false,
            [last] => self.members.contains(last),
            [first, rest @ ..] => self.children.get(first).is_some_and(|c| c.has(rest)),
        }
    }

    /// Whether the set holds no path at all.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty() && self.children.values().all(Set::is_empty)
    }

    /// Whether `element` is a member at this level.
    pub fn has_member(&self, element: &PathElement) -> bool {
        self.members.contains(element)
    }

    /// The subset under `element` (paths relative to it).
    pub fn child(&self, element: &PathElement) -> Option<&Set> {
        self.children.get(element)
    }

    /// The members at this level.
    pub fn members(&self) -> impl Iterator<Item = &PathElement> {
        self.members.iter()
    }

    /// The subsets under each element, in element order.
    pub fn children(&self) -> impl Iterator<Item = (&PathElement, &Set)> {
        self.children.iter()
    }

    /// Paths in either set.
    pub fn union(&self, other: &Set) -> Set {
        let mut out = self.clone();
        out.members.extend(other.members.iter().cloned());
        for (element, child) in &other.children {
            let merged = match out.children.get(element) {
                Some(mine) => mine.union(child),
                None => child.clone(),
            };
            out.children.insert(element.clone(), merged);
        }
        out
    }

    /// Paths in both sets.
    pub fn intersection(&self, other: &Set) -> Set {
        let members = self.members.intersection(&other.members).cloned().collect();
        let mut children = BTreeMap::new();
        for (element, child) in &self.children {
            if let Some(theirs) = other.children.get(element) {
                let common = child.intersection(theirs);
                if !common.is_empty() {
                    children.insert(element.clone(), common);
                }
            }
        }
        Set { members, children }
    }

    /// Paths in `self` and not in `other` (a parent minus its child keeps the
    /// parent; a child minus its parent keeps the child).
    pub fn difference(&self, other: &Set) -> Set {
        let members = self.members.difference(&other.members).cloned().collect();
        let mut children = BTreeMap::new();
        for (element, child) in &self.children {
            let rest = match other.children.get(element) {
                Some(theirs) => child.difference(theirs),
                None => child.clone(),
            };
            if !rest.is_empty() {
                children.insert(element.clone(), rest);
            }
        }
        Set { members, children }
    }

    /// Like [`Set::difference`], but a member of `other` also removes every
    /// path below it.
    pub fn recursive_difference(&self, other: &Set) -> Set {
        let members = self.members.difference(&other.members).cloned().collect();
        let mut children = BTreeMap::new();
        for (element, child) in &self.children {
            if other.members.contains(element) {
                continue;
            }
            let rest = match other.children.get(element) {
                Some(theirs) => child.recursive_difference(theirs),
                None => child.clone(),
            };
            if !rest.is_empty() {
                children.insert(element.clone(), rest);
            }
        }
        Set { members, children }
    }

    /// Every path, members of a level before the levels below it, each level
    /// in element order (the order conflicts are reported in).
    pub fn paths(&self) -> Vec<Path> {
        let mut out = Vec::new();
        self.collect_paths(&mut Vec::new(), &mut out);
        out
    }

    fn collect_paths(&self, prefix: &mut Vec<PathElement>, out: &mut Vec<Path>) {
        for member in &self.members {
            let mut path = prefix.clone();
            path.push(member.clone());
            out.push(Path(path));
        }
        for (element, child) in &self.children {
            prefix.push(element.clone());
            child.collect_paths(prefix, out);
            prefix.pop();
        }
    }

    /// Drops children that hold nothing.
    pub fn pruned(mut self) -> Set {
        self.children = std::mem::take(&mut self.children)
            .into_iter()
            .map(|(element, child)| (element, child.pruned()))
            .filter(|(_, child)| !child.is_empty())
            .collect();
        self
    }

    /// Adds `element` as a member at this level.
    pub(crate) fn insert_member(&mut self, element: PathElement) {
        self.members.insert(element);
    }

    /// The subset under `element`, created when missing.
    pub(crate) fn child_mut(&mut self, element: PathElement) -> &mut Set {
        self.children.entry(element).or_default()
    }

    /// The `fieldsV1` JSON of this set.
    pub fn to_fields_v1(&self) -> Value {
        Value::Object(self.emit(false))
    }

    fn emit(&self, include_self: bool) -> Map<String, Value> {
        let mut out = Map::new();
        if include_self && !self.is_empty() {
            out.insert(".".to_owned(), Value::Object(Map::new()));
        }
        let mut elements: BTreeSet<&PathElement> = self.members.iter().collect();
        elements.extend(
            self.children
                .iter()
                .filter(|(_, c)| !c.is_empty())
                .map(|(e, _)| e),
        );
        for element in elements {
            let member = self.members.contains(element);
            let child = self.children.get(element).filter(|c| !c.is_empty());
            let body = match child {
                Some(child) => child.emit(member),
                None => Map::new(),
            };
            out.insert(element.to_fields_key(), Value::Object(body));
        }
        out
    }

    /// Reads `fieldsV1` JSON; keys that are not path elements are skipped.
    pub fn from_fields_v1(fields: &Value) -> Result<Set, String> {
        let Value::Object(object) = fields else {
            return Err(format!("expected an object, got {fields}"));
        };
        Ok(read_level(object).0.unwrap_or_default())
    }
}

/// Reads one level: the subset below it (None when it has none) and whether
/// the node itself is a member.
fn read_level(object: &Map<String, Value>) -> (Option<Set>, bool) {
    let mut is_member = false;
    let mut children: Option<Set> = None;
    for (key, value) in object {
        if key == "." {
            is_member = true;
            continue;
        }
        let Some(element) = PathElement::from_fields_key(key) else {
            continue;
        };
        let (grandchildren, child_is_member) = match value {
            Value::Object(inner) => read_level(inner),
            _ => (None, true),
        };
        if child_is_member {
            children
                .get_or_insert_with(Set::new)
                .members
                .insert(element.clone());
        }
        if let Some(grandchildren) = grandchildren {
            children
                .get_or_insert_with(Set::new)
                .children
                .insert(element, grandchildren);
        }
    }
    if children.is_none() {
        is_member = true;
    }
    (children, is_member)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(name: &str) -> PathElement {
        PathElement::Field(name.to_owned())
    }

    #[test]
    fn fields_v1_round_trips_with_members_and_keys() {
        let fields = json!({"f:metadata": {"f:labels": {".": {}, "f:app": {}}},
            "f:spec": {"f:containers": {"k:{\"name\":\"app\"}": {".": {}, "f:image": {}},
                "k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {".": {}}}}});
        let set = Set::from_fields_v1(&fields).unwrap();
        assert!(set.has(&[field("metadata"), field("labels")]));
        assert!(!set.has(&[field("metadata")]));
        assert!(set.has(&[field("metadata"), field("labels"), field("app")]));
        let written = set.to_fields_v1();
        // Keys come back sorted by element order: containerPort key before name key.
        assert_eq!(
            serde_json::to_string(&written).unwrap(),
            r#"{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{},"k:{\"name\":\"app\"}":{".":{},"f:image":{}}}}}"#
        );
    }

    #[test]
    fn set_algebra_follows_structured_merge_diff() {
        let mut a = Set::new();
        a.insert(&[field("data"), field("x")]);
        a.insert(&[field("data"), field("y")]);
        let mut b = Set::new();
        b.insert(&[field("data"), field("x")]);
        let diff = a.difference(&b);
        assert!(diff.has(&[field("data"), field("y")]));
        assert!(!diff.has(&[field("data"), field("x")]));
        let mut parent = Set::new();
        parent.insert(&[field("data")]);
        assert_eq!(a.difference(&parent), a);
        assert!(a.recursive_difference(&parent).is_empty());
        assert_eq!(a.intersection(&b), b);
        assert_eq!(b.union(&parent).paths().len(), 2);
    }

    #[test]
    fn paths_print_like_the_real_conflict_messages() {
        let path = Path(vec![
            field("spec"),
            PathElement::Key(vec![("name".into(), json!("sidecar"))]),
            field("image"),
            PathElement::Value(json!("x")),
            PathElement::Index(2),
        ]);
        assert_eq!(path.to_string(), r#".spec[name="sidecar"].image[="x"][2]"#);
    }

    #[test]
    fn values_order_numbers_before_strings_before_null() {
        assert_eq!(compare_values(&json!(2), &json!(10)), Ordering::Less);
        assert_eq!(compare_values(&json!(1.5), &json!("a")), Ordering::Less);
        assert_eq!(compare_values(&json!(null), &json!({})), Ordering::Greater);
        assert!(values_equal(&json!(1), &json!(1.0)));
    }
}
