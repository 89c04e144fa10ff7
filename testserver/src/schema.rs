//! Navigation over OpenAPI v3 schemas as the server holds them: the named
//! component schemas of the built-in API (with `$ref`s between them) and the
//! self-contained structural schemas of CustomResourceDefinitions.
//!
//! Patching (merge keys, list types), validation, pruning, defaulting and the
//! OpenAPI documents all walk schemas through [`SchemaRef`], so that a `$ref`
//! and the `x-kubernetes-*` extensions are read in one place.

use std::collections::BTreeMap;

use serde_json::Value;

/// Named schemas (`components/schemas`), keyed by their definition name
/// (`io.k8s.api.apps.v1.Deployment`).
#[derive(Clone, Debug, Default)]
pub struct Schemas {
    by_name: BTreeMap<String, Value>,
}

/// The prefix of a local component reference.
pub const REF_PREFIX: &str = "#/components/schemas/";

impl Schemas {
    /// Schemas from a map of definition name → schema.
    pub fn new(by_name: BTreeMap<String, Value>) -> Schemas {
        Schemas { by_name }
    }

    /// The schema of one definition.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.by_name.get(name)
    }

    /// Every definition, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.by_name
            .iter()
            .map(|(name, schema)| (name.as_str(), schema))
    }

    /// A navigable view of `schema`, resolving its `$ref`s against these schemas.
    pub fn view<'a>(&'a self, schema: &'a Value) -> SchemaRef<'a> {
        SchemaRef::new(self, schema)
    }
}

/// The list semantics of an array (`x-kubernetes-list-type`, or the older
/// `x-kubernetes-patch-strategy`/`x-kubernetes-patch-merge-key` pair).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListKind {
    /// Replaced as a whole (the default).
    Atomic,
    /// A set of scalars.
    Set,
    /// A map keyed by these item fields.
    Map(Vec<String>),
}

/// One node of a schema, with `$ref` (also a single-element `allOf` wrapping
/// a `$ref`, as OpenAPI v3 writes a referenced field with a description)
/// already followed.
#[derive(Clone, Copy, Debug)]
pub struct SchemaRef<'a> {
    schemas: &'a Schemas,
    /// The node as written (its own extensions and description win over the target's).
    node: &'a Value,
    /// The node after following references.
    target: &'a Value,
}

impl<'a> SchemaRef<'a> {
    /// A view of `node`.
    pub fn new(schemas: &'a Schemas, node: &'a Value) -> SchemaRef<'a> {
        let target = resolve(schemas, node);
        SchemaRef {
            schemas,
            node,
            target,
        }
    }

    /// The resolved schema object.
    pub fn value(&self) -> &'a Value {
        self.target
    }

    /// The schemas references resolve against.
    pub fn schemas(&self) -> &'a Schemas {
        self.schemas
    }

    /// A keyword of the node, looked up on the node as written first, then on its target.
    pub fn keyword(&self, name: &str) -> Option<&'a Value> {
        self.node.get(name).or_else(|| self.target.get(name))
    }

    /// `type`, when there is one.
    pub fn type_name(&self) -> Option<&'a str> {
        self.keyword("type").and_then(Value::as_str)
    }

    /// `format`, when there is one.
    pub fn format(&self) -> Option<&'a str> {
        self.keyword("format").and_then(Value::as_str)
    }

    /// The schema of property `name`: a declared property, else `additionalProperties`.
    pub fn property(&self, name: &str) -> Option<SchemaRef<'a>> {
        if let Some(schema) = self.target.get("properties").and_then(|p| p.get(name)) {
            return Some(SchemaRef::new(self.schemas, schema));
        }
        self.additional_properties()
    }

    /// Declared properties, in schema order.
    pub fn properties(&self) -> impl Iterator<Item = (&'a str, SchemaRef<'a>)> + 'a {
        let schemas = self.schemas;
        self.target
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(move |(name, schema)| (name.as_str(), SchemaRef::new(schemas, schema)))
    }

    /// The schema of a map's values (`additionalProperties` as a schema).
    pub fn additional_properties(&self) -> Option<SchemaRef<'a>> {
        match self.target.get("additionalProperties") {
            Some(schema @ Value::Object(_)) => Some(SchemaRef::new(self.schemas, schema)),
            _ => None,
        }
    }

    /// The schema of an array's items.
    pub fn items(&self) -> Option<SchemaRef<'a>> {
        self.target
            .get("items")
            .map(|schema| SchemaRef::new(self.schemas, schema))
    }

    /// `required`, as written.
    pub fn required(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.target
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
    }

    /// Whether the value is an integer or a string (`x-kubernetes-int-or-string`).
    pub fn is_int_or_string(&self) -> bool {
        self.flag("x-kubernetes-int-or-string")
    }

    /// Whether unknown fields are kept (`x-kubernetes-preserve-unknown-fields`).
    pub fn preserves_unknown_fields(&self) -> bool {
        self.flag("x-kubernetes-preserve-unknown-fields")
    }

    /// Whether the value is a whole embedded object (`x-kubernetes-embedded-resource`).
    pub fn is_embedded_resource(&self) -> bool {
        self.flag("x-kubernetes-embedded-resource")
    }

    /// `x-kubernetes-patch-merge-key`.
    pub fn patch_merge_key(&self) -> Option<&'a str> {
        self.keyword("x-kubernetes-patch-merge-key")
            .and_then(Value::as_str)
    }

    /// The strategies of `x-kubernetes-patch-strategy` (`merge`, `retainKeys`, `replace`).
    pub fn patch_strategies(&self) -> Vec<&'a str> {
        self.keyword("x-kubernetes-patch-strategy")
            .and_then(Value::as_str)
            .map(|s| s.split(',').map(str::trim).collect())
            .unwrap_or_default()
    }

    /// How a list is merged by server-side apply: `x-kubernetes-list-type` and
    /// `x-kubernetes-list-map-keys`, else the patch strategy (`merge` with a
    /// merge key is a map keyed by it, `merge` alone a set), else atomic.
    pub fn list_kind(&self) -> ListKind {
        match self
            .keyword("x-kubernetes-list-type")
            .and_then(Value::as_str)
        {
            Some("map") => {
                let keys = self
                    .keyword("x-kubernetes-list-map-keys")
                    .and_then(Value::as_array)
                    .map(|keys| {
                        keys.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                ListKind::Map(keys)
            }
            Some("set") => ListKind::Set,
            Some(_) => ListKind::Atomic,
            None => {
                if self.patch_strategies().contains(&"merge") {
                    match self.patch_merge_key() {
                        Some(key) => ListKind::Map(vec![key.to_owned()]),
                        None => ListKind::Set,
                    }
                } else {
                    ListKind::Atomic
                }
            }
        }
    }

    /// Whether a map is replaced as a whole (`x-kubernetes-map-type: atomic`).
    pub fn is_atomic_map(&self) -> bool {
        self.keyword("x-kubernetes-map-type")
            .and_then(Value::as_str)
            == Some("atomic")
    }

    fn flag(&self, name: &str) -> bool {
        self.keyword(name).and_then(Value::as_bool) == Some(true)
    }
}

/// Follows `$ref` and `allOf: [{$ref}]` until a schema with content.
fn resolve<'a>(schemas: &'a Schemas, mut node: &'a Value) -> &'a Value {
    // A reference chain longer than the number of schemas is a cycle.
    for _ in 0..=schemas.by_name.len() {
        let reference = node.get("$ref").and_then(Value::as_str).or_else(|| {
            match node
                .get("allOf")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
            {
                Some([only]) => only.get("$ref").and_then(Value::as_str),
                _ => None,
            }
        });
        let Some(target) = reference
            .and_then(|r| r.strip_prefix(REF_PREFIX))
            .and_then(|name| schemas.get(name))
        else {
            return node;
        };
        node = target;
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schemas() -> Schemas {
        let mut by_name = BTreeMap::new();
        by_name.insert(
            "Spec".to_owned(),
            json!({"type": "object", "properties": {
                "containers": {"type": "array", "items": {"$ref": "#/components/schemas/Container"},
                    "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name"},
                "finalizers": {"type": "array", "items": {"type": "string"},
                    "x-kubernetes-list-type": "set"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}}
            }}),
        );
        by_name.insert(
            "Container".to_owned(),
            json!({"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}),
        );
        Schemas::new(by_name)
    }

    #[test]
    fn follows_references_and_reads_list_semantics() {
        let schemas = schemas();
        let root = json!({"allOf": [{"$ref": "#/components/schemas/Spec"}], "description": "d"});
        let spec = schemas.view(&root);
        assert_eq!(spec.type_name(), Some("object"));
        let containers = spec.property("containers").unwrap();
        assert_eq!(containers.list_kind(), ListKind::Map(vec!["name".into()]));
        let item = containers.items().unwrap();
        assert_eq!(item.required().collect::<Vec<_>>(), ["name"]);
        assert_eq!(
            spec.property("finalizers").unwrap().list_kind(),
            ListKind::Set
        );
        let labels = spec.property("labels").unwrap();
        assert_eq!(labels.property("any").unwrap().type_name(), Some("string"));
        assert!(spec.property("missing").is_none());
    }

    #[test]
    fn a_reference_cycle_ends() {
        let mut by_name = BTreeMap::new();
        by_name.insert("A".to_owned(), json!({"$ref": "#/components/schemas/B"}));
        by_name.insert("B".to_owned(), json!({"$ref": "#/components/schemas/A"}));
        let schemas = Schemas::new(by_name);
        let root = json!({"$ref": "#/components/schemas/A"});
        assert!(schemas.view(&root).type_name().is_none());
    }
}
