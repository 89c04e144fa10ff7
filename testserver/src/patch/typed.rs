//! The structured-merge-diff view of an OpenAPI schema: every node is a
//! scalar, a list (atomic, set or map) or a map (struct fields and/or
//! additional properties, separable or atomic), converted the way
//! kube-openapi's `schemaconv` converts the API's schemas for server-side
//! apply. Also the validation that turns an applied configuration into a
//! typed value ("failed to create typed patch object" errors).

use std::sync::LazyLock;

use serde_json::{Value, json};

use super::fieldpath::PathElement;
use crate::schema::{ListKind, SchemaRef, Schemas};

/// A reference to a type: a schema node, or one of the two built-in
/// free-form types of structured-merge-diff.
#[derive(Clone, Copy, Debug)]
pub enum TypeRef<'a> {
    /// A schema node; `preserve` when an ancestor preserves unknown fields.
    Schema {
        /// The node.
        schema: SchemaRef<'a>,
        /// Unknown fields are kept below this node.
        preserve: bool,
        /// The root of an object (where `apiVersion`, `kind` and `metadata` live).
        root: bool,
    },
    /// Anything; maps are granular, lists atomic (`__untyped_deduced_`).
    Deduced,
    /// Anything, replaced as a whole (`__untyped_atomic_`).
    UntypedAtomic,
}

/// The kind of a scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// integer or number.
    Numeric,
    /// A plain string.
    String,
    /// true/false.
    Boolean,
    /// Any scalar (int-or-string, quantities, dates, …).
    Untyped,
}

/// A list type.
#[derive(Clone, Debug)]
pub struct ListType<'a> {
    /// The items' type.
    pub elem: TypeRef<'a>,
    /// Atomic, set, or map keyed by fields.
    pub kind: ListKind,
}

/// A map type: struct fields, additional properties, or both.
#[derive(Clone, Copy, Debug)]
pub struct MapType<'a> {
    schema: Option<SchemaRef<'a>>,
    elem: Option<TypeRef<'a>>,
    /// Replaced as a whole.
    pub atomic: bool,
    preserve: bool,
    root: bool,
}

impl<'a> MapType<'a> {
    /// The type of field `name`, and whether it is a declared (named) field.
    pub fn field(&self, name: &str) -> Option<(TypeRef<'a>, bool)> {
        if self.root {
            match name {
                "apiVersion" | "kind" => {
                    if let Some(declared) = self.declared(name) {
                        return Some((declared, true));
                    }
                    return Some((string_type(), true));
                }
                "metadata" => {
                    let declared = self.declared(name);
                    let has_properties = matches!(declared,
                        Some(TypeRef::Schema { schema, .. }) if schema.properties().next().is_some());
                    if !has_properties {
                        return Some((object_meta(), true));
                    }
                    return declared.map(|t| (t, true));
                }
                _ => {}
            }
        }
        if let Some(declared) = self.declared(name) {
            return Some((declared, true));
        }
        self.elem.map(|t| (t, false))
    }

    fn declared(&self, name: &str) -> Option<TypeRef<'a>> {
        let schema = self.schema?;
        let property = schema.value().get("properties")?.get(name)?;
        Some(TypeRef::Schema {
            schema: SchemaRef::new(schema.schemas(), property),
            preserve: self.preserve,
            root: false,
        })
    }

    /// The schema default of field `name` (list-map keys fall back to it).
    pub fn field_default(&self, name: &str) -> Option<&'a Value> {
        match self.field(name)? {
            (TypeRef::Schema { schema, .. }, _) => schema.keyword("default"),
            _ => None,
        }
    }
}

/// What a type accepts: any of a scalar, a list and a map.
#[derive(Clone, Debug, Default)]
pub struct Atom<'a> {
    /// As a scalar.
    pub scalar: Option<Scalar>,
    /// As a list.
    pub list: Option<ListType<'a>>,
    /// As a map.
    pub map: Option<MapType<'a>>,
}

/// The atom to use for `value`: the matching alternative when there is one
/// (structured-merge-diff's `deduceAtom`).
pub enum Handled<'a> {
    /// Walk as a scalar.
    Scalar(Scalar),
    /// Walk as a list.
    List(ListType<'a>),
    /// Walk as a map.
    Map(MapType<'a>),
}

impl<'a> Atom<'a> {
    /// The alternative that fits `value` (`None` = no value: the atom's own first choice).
    pub fn handle(self, value: Option<&Value>) -> Option<Handled<'a>> {
        let Atom { scalar, list, map } = self;
        match value {
            Some(Value::Array(_)) if list.is_some() => list.map(Handled::List),
            Some(Value::Object(_)) if map.is_some() => map.map(Handled::Map),
            Some(Value::Bool(_) | Value::Number(_) | Value::String(_)) if scalar.is_some() => {
                scalar.map(Handled::Scalar)
            }
            _ => map
                .map(Handled::Map)
                .or(scalar.map(Handled::Scalar))
                .or(list.map(Handled::List)),
        }
    }
}

/// The Quantity type (any scalar).
pub(crate) const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";
/// The RawExtension type (anything, atomic).
pub(crate) const RAW_EXTENSION: &str = "io.k8s.apimachinery.pkg.runtime.RawExtension";

/// The component a node refers to (`$ref` or a one-element `allOf`).
pub(crate) fn referenced_name<'a>(schema: &SchemaRef<'a>) -> Option<&'a str> {
    let reference = schema.keyword("$ref").and_then(Value::as_str).or_else(|| {
        match schema
            .keyword("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([only]) => only.get("$ref").and_then(Value::as_str),
            _ => None,
        }
    })?;
    reference.rsplit('/').next()
}

impl<'a> TypeRef<'a> {
    /// The root type of an object of the kind `schema` describes.
    pub fn root(schema: SchemaRef<'a>) -> TypeRef<'a> {
        TypeRef::Schema {
            schema,
            preserve: false,
            root: true,
        }
    }

    /// What this type accepts.
    pub fn resolve(self) -> Atom<'a> {
        let (schema, inherited, root) = match self {
            TypeRef::Deduced => {
                return Atom {
                    scalar: Some(Scalar::Untyped),
                    list: Some(ListType {
                        elem: TypeRef::UntypedAtomic,
                        kind: ListKind::Atomic,
                    }),
                    map: Some(MapType {
                        schema: None,
                        elem: Some(TypeRef::Deduced),
                        atomic: false,
                        preserve: true,
                        root: false,
                    }),
                };
            }
            TypeRef::UntypedAtomic => {
                return Atom {
                    scalar: Some(Scalar::Untyped),
                    list: Some(ListType {
                        elem: TypeRef::UntypedAtomic,
                        kind: ListKind::Atomic,
                    }),
                    map: Some(MapType {
                        schema: None,
                        elem: Some(TypeRef::UntypedAtomic),
                        atomic: true,
                        preserve: true,
                        root: false,
                    }),
                };
            }
            TypeRef::Schema {
                schema,
                preserve,
                root,
            } => (schema, preserve, root),
        };
        match referenced_name(&schema) {
            Some(QUANTITY) => {
                return Atom {
                    scalar: Some(Scalar::Untyped),
                    ..Atom::default()
                };
            }
            Some(RAW_EXTENSION) => return TypeRef::UntypedAtomic.resolve(),
            _ => {}
        }
        let preserve = inherited || schema.preserves_unknown_fields();
        if schema.is_int_or_string() {
            return Atom {
                scalar: Some(Scalar::Untyped),
                ..Atom::default()
            };
        }
        match schema.type_name() {
            None => Atom {
                scalar: Some(Scalar::Untyped),
                list: Some(list_type(schema, preserve)),
                map: Some(map_type(schema, preserve, root)),
            },
            Some("object") => Atom {
                map: Some(map_type(schema, preserve, root)),
                ..Atom::default()
            },
            Some("array") => Atom {
                list: Some(list_type(schema, preserve)),
                ..Atom::default()
            },
            Some("integer" | "number") => scalar(Scalar::Numeric),
            Some("boolean") => scalar(Scalar::Boolean),
            Some("string") => match schema.format() {
                None | Some("" | "byte") => scalar(Scalar::String),
                Some(_) => scalar(Scalar::Untyped),
            },
            Some(_) => scalar(Scalar::Untyped),
        }
    }
}

fn scalar<'a>(kind: Scalar) -> Atom<'a> {
    Atom {
        scalar: Some(kind),
        ..Atom::default()
    }
}

fn map_type<'a>(schema: SchemaRef<'a>, preserve: bool, root: bool) -> MapType<'a> {
    let has_properties = schema.properties().next().is_some();
    let elem = match schema.value().get("additionalProperties") {
        Some(Value::Object(_)) => schema.additional_properties().map(|s| TypeRef::Schema {
            schema: s,
            preserve,
            root: false,
        }),
        Some(Value::Bool(true)) => Some(TypeRef::Deduced),
        Some(_) => None,
        None if preserve || !has_properties => Some(TypeRef::Deduced),
        None => None,
    };
    MapType {
        schema: Some(schema),
        elem,
        atomic: schema.is_atomic_map(),
        preserve,
        root,
    }
}

fn list_type<'a>(schema: SchemaRef<'a>, preserve: bool) -> ListType<'a> {
    let elem = match schema.items() {
        Some(items) => TypeRef::Schema {
            schema: items,
            preserve,
            root: false,
        },
        None => TypeRef::UntypedAtomic,
    };
    ListType {
        elem,
        kind: schema.list_kind(),
    }
}

fn string_type() -> TypeRef<'static> {
    static STRING: LazyLock<(Schemas, Value)> =
        LazyLock::new(|| (Schemas::default(), json!({"type": "string"})));
    TypeRef::Schema {
        schema: STRING.0.view(&STRING.1),
        preserve: false,
        root: false,
    }
}

/// ObjectMeta for custom resources, whose schemas do not describe metadata
/// (the real server merges it with the built-in ObjectMeta schema).
fn object_meta() -> TypeRef<'static> {
    static META: LazyLock<(Schemas, Value)> = LazyLock::new(|| {
        let time = json!({"type": "string", "format": "date-time"});
        let schema = json!({"type": "object", "properties": {
            "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
            "creationTimestamp": time,
            "deletionGracePeriodSeconds": {"type": "integer", "format": "int64"},
            "deletionTimestamp": time,
            "finalizers": {"type": "array", "items": {"type": "string"},
                "x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": "merge"},
            "generateName": {"type": "string"},
            "generation": {"type": "integer", "format": "int64"},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "managedFields": {"type": "array", "x-kubernetes-list-type": "atomic",
                "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
            "name": {"type": "string"},
            "namespace": {"type": "string"},
            "ownerReferences": {"type": "array", "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["uid"], "x-kubernetes-patch-merge-key": "uid",
                "x-kubernetes-patch-strategy": "merge",
                "items": {"type": "object", "required": ["apiVersion", "kind", "name", "uid"],
                    "x-kubernetes-map-type": "atomic", "properties": {
                    "apiVersion": {"type": "string"}, "blockOwnerDeletion": {"type": "boolean"},
                    "controller": {"type": "boolean"}, "kind": {"type": "string"},
                    "name": {"type": "string"}, "uid": {"type": "string"}}}},
            "resourceVersion": {"type": "string"},
            "selfLink": {"type": "string"},
            "uid": {"type": "string"}
        }});
        (Schemas::default(), schema)
    });
    TypeRef::Schema {
        schema: META.0.view(&META.1),
        preserve: false,
        root: false,
    }
}

/// The path element of an item of an associative list, or why there is none.
pub fn list_item_element(list: &ListType<'_>, item: &Value) -> Result<PathElement, String> {
    match &list.kind {
        ListKind::Atomic => Err("invalid indexing of non-associative list".to_owned()),
        ListKind::Set => match item {
            Value::Object(_) => {
                Err("associative list without keys has an element that's a map type".to_owned())
            }
            Value::Array(_) => {
                Err("not supported: associative list with lists as elements".to_owned())
            }
            Value::Null => Err(
                "associative list without keys has an element that's an explicit null".to_owned(),
            ),
            other => Ok(PathElement::Value(other.clone())),
        },
        ListKind::Map(keys) => {
            let Value::Object(object) = item else {
                return Err(if item.is_null() {
                    "associative list with keys may not have a null element".to_owned()
                } else {
                    "associative list with keys may not have non-map elements".to_owned()
                });
            };
            let item_map = list.elem.resolve().map;
            let mut fields = Vec::new();
            for key in keys {
                if let Some(value) = object.get(key) {
                    fields.push((key.clone(), value.clone()));
                } else if let Some(default) = item_map.and_then(|m| m.field_default(key)) {
                    fields.push((key.clone(), default.clone()));
                }
            }
            if !keys.is_empty() && fields.is_empty() {
                return Err(format!(
                    "associative list with keys has an element that omits all key fields {} (and doesn't have default values for any key fields)",
                    go_quoted_list(keys)
                ));
            }
            fields.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(PathElement::Key(fields))
        }
    }
}

fn go_quoted_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", quoted.join(" "))
}

/// Go's `%v` of a decoded JSON value (`map[a:1]`, `[x y]`).
pub fn go_value(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(go_value).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Object(object) => {
            let mut entries: Vec<(&String, &Value)> = object.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}:{}", go_value(v)))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// Go's `%#v` of a decoded JSON value.
fn go_syntax(value: &Value) -> String {
    match value {
        Value::Null => "interface {}(nil)".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(go_syntax).collect();
            format!("[]interface {{}}{{{}}}", parts.join(", "))
        }
        Value::Object(object) => {
            let mut entries: Vec<(&String, &Value)> = object.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k:?}:{}", go_syntax(v)))
                .collect();
            format!("map[string]interface {{}}{{{}}}", parts.join(", "))
        }
    }
}

/// Go's `%T` of a decoded JSON value.
fn go_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// Checks `value` against `kind` as structured-merge-diff does.
pub fn validate_scalar(kind: Scalar, value: &Value) -> Result<(), String> {
    let fits = matches!(
        (kind, value),
        (_, Value::Null)
            | (Scalar::Numeric, Value::Number(_))
            | (Scalar::String, Value::String(_))
            | (Scalar::Boolean, Value::Bool(_))
            | (
                Scalar::Untyped,
                Value::Number(_) | Value::String(_) | Value::Bool(_)
            )
    );
    if fits {
        return Ok(());
    }
    Err(match kind {
        Scalar::Numeric => format!("expected numeric (int or float), got {}", go_type(value)),
        Scalar::String => format!(
            "expected string, got &value.valueUnstructured{{Value:{}}}",
            go_syntax(value)
        ),
        Scalar::Boolean => format!("expected boolean, got &{{{}}}", go_value(value)),
        Scalar::Untyped => format!("expected any scalar, got &{{{}}}", go_value(value)),
    })
}

/// One validation error: where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeError {
    /// The path prefix (`.data.x`).
    pub path: String,
    /// The message.
    pub message: String,
}

/// Validates `value` as type `tr` (`allow_duplicates` for stored objects,
/// not for applied configurations); errors in document order.
pub fn validate(value: &Value, tr: TypeRef<'_>, allow_duplicates: bool) -> Vec<TypeError> {
    let mut errors = Vec::new();
    validate_at(value, tr, allow_duplicates, "", &mut errors);
    errors
}

fn validate_at(
    value: &Value,
    tr: TypeRef<'_>,
    allow_duplicates: bool,
    prefix: &str,
    errors: &mut Vec<TypeError>,
) {
    let error = |errors: &mut Vec<TypeError>, message: String| {
        errors.push(TypeError {
            path: prefix.to_owned(),
            message,
        })
    };
    match tr.resolve().handle(Some(value)) {
        None => error(errors, "schema error: invalid atom".to_owned()),
        Some(Handled::Scalar(kind)) => {
            if let Err(message) = validate_scalar(kind, value) {
                error(errors, message);
            }
        }
        Some(Handled::List(list)) => {
            let items = match value {
                Value::Null => return,
                Value::Array(items) => items,
                other => {
                    return error(
                        errors,
                        format!("expected list, got &{{{}}}", go_value(other)),
                    );
                }
            };
            let mut seen: Vec<PathElement> = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let element = if list.kind == ListKind::Atomic {
                    PathElement::Index(i)
                } else {
                    match list_item_element(&list, item) {
                        Ok(element) => element,
                        Err(message) => return error(errors, format!("element {i}: {message}")),
                    }
                };
                if list.kind != ListKind::Atomic {
                    if seen.contains(&element) && !allow_duplicates {
                        error(errors, format!("duplicate entries for key {element}"));
                    }
                    seen.push(element.clone());
                }
                let child = format!("{prefix}{element}");
                validate_at(item, list.elem, allow_duplicates, &child, errors);
            }
        }
        Some(Handled::Map(map)) => {
            let object = match value {
                Value::Null => return,
                Value::Object(object) => object,
                other => {
                    return error(
                        errors,
                        format!("expected map, got &{{{}}}", go_value(other)),
                    );
                }
            };
            for (key, item) in object {
                let child = format!("{prefix}.{key}");
                let Some((field_type, _)) = map.field(key) else {
                    errors.push(TypeError {
                        path: child,
                        message: "field not declared in schema".to_owned(),
                    });
                    return;
                };
                validate_at(item, field_type, allow_duplicates, &child, errors);
            }
        }
    }
}

/// The text structured-merge-diff gives for a list of validation errors.
pub fn errors_text(errors: &[TypeError]) -> String {
    let one = |e: &TypeError| {
        if e.path.is_empty() {
            e.message.clone()
        } else {
            format!("{}: {}", e.path, e.message)
        }
    };
    match errors {
        [single] => one(single),
        many => {
            let mut lines = vec!["errors:".to_owned()];
            lines.extend(many.iter().map(|e| format!("  {}", one(e))));
            lines.join("\n")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn schemas() -> Schemas {
        let mut by_name = BTreeMap::new();
        by_name.insert(
            "ConfigMap".to_owned(),
            json!({"type": "object", "properties": {
                "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                "metadata": {"type": "object"},
                "data": {"type": "object", "additionalProperties": {"type": "string"}},
                "ports": {"type": "array", "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["port", "protocol"],
                    "items": {"type": "object", "properties": {
                        "port": {"type": "integer"}, "protocol": {"type": "string", "default": "TCP"}}}},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "when": {"type": "string", "format": "date-time"}
            }}),
        );
        Schemas::new(by_name)
    }

    #[test]
    fn reports_wrong_types_and_unknown_fields_like_the_real_server() {
        let schemas = schemas();
        let root = json!({"$ref": "#/components/schemas/ConfigMap"});
        let tr = TypeRef::root(schemas.view(&root));
        let errors = validate(&json!({"data": {"x": 1}}), tr, false);
        assert_eq!(
            errors_text(&errors),
            ".data.x: expected string, got &value.valueUnstructured{Value:1}"
        );
        let errors = validate(&json!({"metadata": {"name": "a"}, "bogus": 1}), tr, false);
        assert_eq!(errors_text(&errors), ".bogus: field not declared in schema");
        let fine = json!({"metadata": {"labels": {"a": "b"}}, "free": {"any": [1, {"x": 2}]},
            "when": 5, "ports": [{"port": 80}]});
        assert!(validate(&fine, tr, false).is_empty());
        let errors = validate(
            &json!({"ports": [{"port": 80}, {"port": 80, "protocol": "TCP"}]}),
            tr,
            false,
        );
        assert_eq!(
            errors_text(&errors),
            r#".ports: duplicate entries for key [port=80,protocol="TCP"]"#
        );
    }

    #[test]
    fn map_list_keys_fall_back_to_schema_defaults() {
        let schemas = schemas();
        let root = json!({"$ref": "#/components/schemas/ConfigMap"});
        let tr = TypeRef::root(schemas.view(&root));
        let map = tr.resolve().map.unwrap();
        let (ports, _) = map.field("ports").unwrap();
        let list = ports.resolve().list.unwrap();
        let element = list_item_element(&list, &json!({"port": 80})).unwrap();
        assert_eq!(element.to_fields_key(), r#"k:{"port":80,"protocol":"TCP"}"#);
        let only_default = list_item_element(&list, &json!({"name": "x"})).unwrap();
        assert_eq!(only_default.to_fields_key(), r#"k:{"protocol":"TCP"}"#);
        assert!(list_item_element(&list, &json!("x")).is_err());
    }
}
