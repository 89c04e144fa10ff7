//! IR → OpenAPI v3 schemas: the second back end of the IR, beside the Rust
//! emitters.
//!
//! Two shapes come out of the same walk over the type graph:
//! - [`component_schemas`]: every type as a named schema with `$ref`s between
//!   them, the way `/openapi/v3` documents describe the built-in API (the test
//!   server serves these, and navigates them for patches and validation);
//! - [`structural_schema`]: one root type with everything inlined, the
//!   self-contained *structural* schema a CustomResourceDefinition needs
//!   (what `#[derive(Resource)]` puts in `Kind::crd()`).
//!
//! Everything a schema can say is in the IR ([`crate::ir::SchemaExtensions`]):
//! formats, `x-kubernetes-*` extensions, validations and defaults are written
//! back as they were read.

mod crd;
mod well_known;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::ir::{
    Api, Field, ListType, MapType, SchemaExtensions, StructDef, TypeDef, TypePath, TypeRef,
    UnknownFields, ValidationRule, Validations, WellKnown,
};

pub use crd::crd_manifests;
pub use well_known::well_known_schema;

/// The key of a placeholder that [`structural_schema_with_holes`] writes for
/// a [`TypeRef::External`] type: its value is the type's index in the
/// returned list. Whoever knows the type (the derive's generated code, at run
/// time) replaces the placeholder with the type's schema, keeping the
/// placeholder's other keys (the field's description, validations, ...) on top.
pub const EXTERNAL_MARKER: &str = "x-kubegen-external";

/// The prefix of a reference to a named schema.
pub const REF_PREFIX: &str = "#/components/schemas/";

/// What to write besides the structure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SchemaOptions {
    /// Keep `description`s (from the IR's docs).
    pub descriptions: bool,
}

/// Why a schema could not be written.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SchemaError {
    /// A reference to a type the IR does not hold.
    #[error("type {0} is referenced but not defined in the IR")]
    MissingType(String),
    /// A structural schema cannot express recursion.
    #[error(
        "type {0} contains itself; a structural schema cannot be recursive (mark the field \
         as preserving unknown fields instead)"
    )]
    Recursive(String),
}

/// The name of a generated type's schema: the name of the definition it was
/// read from (`io.k8s.api.apps.v1.Deployment`) when the IR knows it, else
/// `<group module>.<version module>.<RustName>`.
pub fn definition_name(def: &TypeDef, path: &TypePath) -> String {
    let source = match def {
        TypeDef::Struct(def) => &def.source,
        TypeDef::Enum(def) => &def.source,
    };
    let pointer = source.split_once('#').map_or("", |(_, pointer)| pointer);
    for prefix in ["/definitions/", "/components/schemas/"] {
        match pointer.strip_prefix(prefix) {
            Some(name) if !name.is_empty() && !name.contains('/') => {
                return name.replace("~1", "/").replace("~0", "~");
            }
            _ => {}
        }
    }
    format!(
        "{}.{}.{}",
        path.group_module, path.version_module, path.name
    )
}

/// Every generated type of `api`, and every runtime type they use, as named
/// schemas keyed by definition name.
pub fn component_schemas(
    api: &Api,
    options: SchemaOptions,
) -> Result<BTreeMap<String, Value>, SchemaError> {
    let writer = Writer {
        api,
        options,
        inline: false,
        holes: None,
    };
    let mut schemas = BTreeMap::new();
    let mut used = BTreeSet::new();
    for (group, version) in api.versions() {
        for def in &version.types {
            let path = TypePath {
                group_module: group.module.clone(),
                version_module: version.module.clone(),
                name: def.name().to_owned(),
            };
            let mut stack = Vec::new();
            let schema = writer.type_def(def, &mut stack, &mut used)?;
            schemas.insert(definition_name(def, &path), schema);
        }
    }
    // Front ends keep `apiVersion` and `kind` out of a kind's struct (the
    // emitters write them from the `Resource` impl); the schema has them.
    for (group, version) in api.versions() {
        for resource in &version.resources {
            let path = TypePath {
                group_module: group.module.clone(),
                version_module: version.module.clone(),
                name: resource.type_name.clone(),
            };
            let Some(def) = api.type_def(&path) else {
                continue;
            };
            if let Some(schema) = schemas.get_mut(&definition_name(def, &path)) {
                add_type_meta(schema, &group.name, &version.name, &resource.kind);
            }
        }
    }
    // Every runtime type: the ones the API's types use, and the ones an
    // OpenAPI document of the API needs besides (lists, Status, WatchEvent,
    // discovery).
    used.extend(WellKnown::ALL);
    let mut pending: Vec<WellKnown> = used.into_iter().collect();
    while let Some(known) = pending.pop() {
        let name = known.definition_name();
        if schemas.contains_key(name) {
            continue;
        }
        let (schema, refers_to) = well_known::schema(known, true);
        schemas.insert(name.to_owned(), schema);
        pending.extend(refers_to);
    }
    Ok(schemas)
}

/// The self-contained structural schema of the type at `root` (every
/// reference inlined), as a CustomResourceDefinition's `openAPIV3Schema`.
pub fn structural_schema(
    api: &Api,
    root: &TypePath,
    options: SchemaOptions,
) -> Result<Value, SchemaError> {
    let writer = Writer {
        api,
        options,
        inline: true,
        holes: None,
    };
    let def = api
        .type_def(root)
        .ok_or_else(|| SchemaError::MissingType(root.name.clone()))?;
    let mut stack = vec![root.clone()];
    writer.type_def(def, &mut stack, &mut BTreeSet::new())
}

/// As [`structural_schema`], but every [`TypeRef::External`] type becomes an
/// [`EXTERNAL_MARKER`] placeholder instead of an untyped value; returns the
/// schema and the external types' Rust paths, indexed by the placeholders.
pub fn structural_schema_with_holes(
    api: &Api,
    root: &TypePath,
    options: SchemaOptions,
) -> Result<(Value, Vec<String>), SchemaError> {
    let holes = std::cell::RefCell::new(Vec::new());
    let schema = schema_with_holes(api, root, options, &holes)?;
    Ok((schema, holes.into_inner()))
}

/// [`structural_schema_with_holes`], numbering placeholders after those already in `holes`.
pub(crate) fn schema_with_holes(
    api: &Api,
    root: &TypePath,
    options: SchemaOptions,
    holes: &std::cell::RefCell<Vec<String>>,
) -> Result<Value, SchemaError> {
    let writer = Writer {
        api,
        options,
        inline: true,
        holes: Some(holes),
    };
    let def = api
        .type_def(root)
        .ok_or_else(|| SchemaError::MissingType(root.name.clone()))?;
    let mut stack = vec![root.clone()];
    let mut schema = writer.type_def(def, &mut stack, &mut BTreeSet::new())?;
    let is_kind = api.versions().any(|(group, version)| {
        group.module == root.group_module
            && version.module == root.version_module
            && version.resources.iter().any(|r| r.type_name == root.name)
    });
    if is_kind {
        add_type_meta_properties(&mut schema);
    }
    Ok(schema)
}

/// `apiVersion` and `kind` first among a kind's properties, and the
/// `x-kubernetes-group-version-kind` that clients look kinds up by.
fn add_type_meta(schema: &mut Value, group: &str, version: &str, kind: &str) {
    add_type_meta_properties(schema);
    if let Value::Object(object) = schema {
        object.insert(
            "x-kubernetes-group-version-kind".into(),
            json!([{"group": group, "kind": kind, "version": version}]),
        );
    }
}

fn add_type_meta_properties(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let properties = object
        .remove("properties")
        .and_then(|p| match p {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .unwrap_or_default();
    let mut ordered = Map::new();
    ordered.insert("apiVersion".into(), json!({"type": "string"}));
    ordered.insert("kind".into(), json!({"type": "string"}));
    for (name, property) in properties {
        ordered.insert(name, property);
    }
    object.insert("properties".into(), Value::Object(ordered));
}

struct Writer<'a> {
    api: &'a Api,
    options: SchemaOptions,
    /// Inline referenced types (structural) instead of `$ref`s.
    inline: bool,
    /// Where external types go when they become placeholders.
    holes: Option<&'a std::cell::RefCell<Vec<String>>>,
}

impl Writer<'_> {
    fn type_def(
        &self,
        def: &TypeDef,
        stack: &mut Vec<TypePath>,
        used: &mut BTreeSet<WellKnown>,
    ) -> Result<Value, SchemaError> {
        let mut out = Map::new();
        match def {
            TypeDef::Struct(def) => self.struct_def(def, &mut out, stack, used)?,
            TypeDef::Enum(def) => {
                out.insert("type".into(), "string".into());
                let values: Vec<Value> = def
                    .variants
                    .iter()
                    .map(|v| Value::String(v.wire_value.clone()))
                    .collect();
                if !values.is_empty() {
                    out.insert("enum".into(), Value::Array(values));
                }
            }
        }
        if let Some(docs) = def.docs().filter(|_| self.options.descriptions) {
            out.insert("description".into(), docs.into());
        }
        Ok(Value::Object(out))
    }

    fn struct_def(
        &self,
        def: &StructDef,
        out: &mut Map<String, Value>,
        stack: &mut Vec<TypePath>,
        used: &mut BTreeSet<WellKnown>,
    ) -> Result<(), SchemaError> {
        out.insert("type".into(), "object".into());
        let mut properties = Map::new();
        let mut required = Vec::new();
        for field in &def.fields {
            properties.insert(field.wire_name.clone(), self.field(field, stack, used)?);
            if field.required {
                required.push(Value::String(field.wire_name.clone()));
            }
        }
        if !properties.is_empty() {
            out.insert("properties".into(), Value::Object(properties));
        }
        if !required.is_empty() {
            out.insert("required".into(), Value::Array(required));
        }
        match &def.unknown_fields {
            UnknownFields::Drop => {}
            UnknownFields::Preserve => {
                out.insert("x-kubernetes-preserve-unknown-fields".into(), true.into());
            }
            UnknownFields::Typed(ty) => {
                out.insert(
                    "additionalProperties".into(),
                    self.type_ref(ty, stack, used)?,
                );
            }
        }
        extensions(&def.schema, out);
        Ok(())
    }

    fn field(
        &self,
        field: &Field,
        stack: &mut Vec<TypePath>,
        used: &mut BTreeSet<WellKnown>,
    ) -> Result<Value, SchemaError> {
        let mut schema = self.type_ref(&field.ty, stack, used)?;
        let mut siblings = Map::new();
        if let Some(docs) = field.docs.as_ref().filter(|_| self.options.descriptions) {
            siblings.insert("description".into(), docs.clone().into());
        }
        if let Some(default) = &field.default {
            siblings.insert("default".into(), default.clone());
        }
        if field.nullable {
            siblings.insert("nullable".into(), true.into());
        }
        extensions(&field.schema, &mut siblings);
        if siblings.is_empty() {
            return Ok(schema);
        }
        match &mut schema {
            // A reference takes no siblings in OpenAPI v3.0: wrap it the way
            // Kubernetes' own documents do.
            Value::Object(object) if object.contains_key("$ref") => {
                let mut wrapped = Map::new();
                wrapped.insert("allOf".into(), json!([schema]));
                wrapped.extend(siblings);
                Ok(Value::Object(wrapped))
            }
            Value::Object(object) => {
                for (key, value) in siblings {
                    // The field's own words win over the type's.
                    object.insert(key, value);
                }
                Ok(schema)
            }
            _ => Ok(schema),
        }
    }

    fn type_ref(
        &self,
        ty: &TypeRef,
        stack: &mut Vec<TypePath>,
        used: &mut BTreeSet<WellKnown>,
    ) -> Result<Value, SchemaError> {
        Ok(match ty {
            TypeRef::Bool => json!({"type": "boolean"}),
            TypeRef::I32 => json!({"type": "integer", "format": "int32"}),
            TypeRef::I64 => json!({"type": "integer", "format": "int64"}),
            TypeRef::F64 => json!({"type": "number", "format": "double"}),
            TypeRef::String => json!({"type": "string"}),
            TypeRef::Bytes => json!({"type": "string", "format": "byte"}),
            TypeRef::External(path) => match self.holes {
                Some(holes) => {
                    let mut holes = holes.borrow_mut();
                    holes.push(path.clone());
                    json!({ EXTERNAL_MARKER: holes.len() - 1 })
                }
                None => json!({"x-kubernetes-preserve-unknown-fields": true}),
            },
            TypeRef::Json => json!({"x-kubernetes-preserve-unknown-fields": true}),
            TypeRef::Array(item) => {
                json!({"type": "array", "items": self.type_ref(item, stack, used)?})
            }
            TypeRef::Map(value) => {
                json!({"type": "object", "additionalProperties": self.type_ref(value, stack, used)?})
            }
            TypeRef::WellKnown(known) => {
                if self.inline {
                    well_known::schema(*known, false).0
                } else {
                    used.insert(*known);
                    json!({"$ref": format!("{REF_PREFIX}{}", known.definition_name())})
                }
            }
            TypeRef::Named(path) => {
                let def = self
                    .api
                    .type_def(path)
                    .ok_or_else(|| SchemaError::MissingType(path.name.clone()))?;
                if !self.inline {
                    return Ok(
                        json!({"$ref": format!("{REF_PREFIX}{}", definition_name(def, path))}),
                    );
                }
                if stack.contains(path) {
                    return Err(SchemaError::Recursive(path.name.clone()));
                }
                stack.push(path.clone());
                let schema = self.type_def(def, stack, used);
                stack.pop();
                schema?
            }
        })
    }
}

/// Writes the extensions and validations of a node into `out`.
fn extensions(schema: &SchemaExtensions, out: &mut Map<String, Value>) {
    if let Some(format) = &schema.format {
        out.entry("format").or_insert_with(|| format.clone().into());
    }
    if schema.int_or_string {
        out.insert("x-kubernetes-int-or-string".into(), true.into());
    }
    if schema.preserve_unknown_fields {
        out.insert("x-kubernetes-preserve-unknown-fields".into(), true.into());
    }
    if schema.embedded_resource {
        out.insert("x-kubernetes-embedded-resource".into(), true.into());
    }
    if let Some(list_type) = schema.list_type {
        let name = match list_type {
            ListType::Atomic => "atomic",
            ListType::Set => "set",
            ListType::Map => "map",
        };
        out.insert("x-kubernetes-list-type".into(), name.into());
    }
    if !schema.list_map_keys.is_empty() {
        out.insert(
            "x-kubernetes-list-map-keys".into(),
            json!(schema.list_map_keys),
        );
    }
    if let Some(map_type) = schema.map_type {
        let name = match map_type {
            MapType::Atomic => "atomic",
            MapType::Granular => "granular",
        };
        out.insert("x-kubernetes-map-type".into(), name.into());
    }
    if let Some(strategy) = &schema.patch_strategy {
        out.insert(
            "x-kubernetes-patch-strategy".into(),
            strategy.clone().into(),
        );
    }
    if let Some(key) = &schema.patch_merge_key {
        out.insert("x-kubernetes-patch-merge-key".into(), key.clone().into());
    }
    if !schema.enum_values.is_empty() {
        out.insert("enum".into(), Value::Array(schema.enum_values.clone()));
    }
    validations(&schema.validations, out);
}

fn validations(v: &Validations, out: &mut Map<String, Value>) {
    let numbers = [
        ("minimum", &v.minimum),
        ("maximum", &v.maximum),
        ("multipleOf", &v.multiple_of),
    ];
    for (key, number) in numbers {
        if let Some(number) = number {
            out.insert(key.into(), Value::Number(number.clone()));
        }
    }
    if v.exclusive_minimum {
        out.insert("exclusiveMinimum".into(), true.into());
    }
    if v.exclusive_maximum {
        out.insert("exclusiveMaximum".into(), true.into());
    }
    let counts = [
        ("minLength", v.min_length),
        ("maxLength", v.max_length),
        ("minItems", v.min_items),
        ("maxItems", v.max_items),
        ("minProperties", v.min_properties),
        ("maxProperties", v.max_properties),
    ];
    for (key, count) in counts {
        if let Some(count) = count {
            out.insert(key.into(), count.into());
        }
    }
    if let Some(pattern) = &v.pattern {
        out.insert("pattern".into(), pattern.clone().into());
    }
    if v.unique_items {
        out.insert("uniqueItems".into(), true.into());
    }
    if !v.rules.is_empty() {
        out.insert(
            "x-kubernetes-validations".into(),
            Value::Array(v.rules.iter().map(rule).collect()),
        );
    }
    for (key, branches) in [("oneOf", &v.one_of_required), ("anyOf", &v.any_of_required)] {
        if !branches.is_empty() {
            let branches = branches
                .iter()
                .map(|required| json!({"required": required}))
                .collect();
            out.insert(key.into(), Value::Array(branches));
        }
    }
}

fn rule(rule: &ValidationRule) -> Value {
    let mut out = Map::new();
    out.insert("rule".into(), rule.rule.clone().into());
    let optional = [
        ("message", &rule.message),
        ("messageExpression", &rule.message_expression),
        ("fieldPath", &rule.field_path),
        ("reason", &rule.reason),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            out.insert(key.into(), value.clone().into());
        }
    }
    if let Some(optional_old_self) = rule.optional_old_self {
        out.insert("optionalOldSelf".into(), optional_old_self.into());
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests;
