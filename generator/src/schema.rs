//! OpenAPI / JSON-schema nodes → IR types.
//!
//! Shared by every spec reader: a CRD's `openAPIV3Schema` and (later) the
//! definitions of OpenAPI v2 and v3 documents are the same schema language
//! with Kubernetes' `x-kubernetes-*` extensions.
//!
//! Mapping rules, in the order they are tried (first match wins):
//! 1. `$ref` → the referenced schema (local JSON pointers only); an object
//!    target becomes one named type shared by every reference to it.
//! 2. `x-kubernetes-int-or-string` or `format: int-or-string` → `IntOrString`.
//! 3. `allOf` → the branches merged (that is what Kubernetes means by it).
//! 4. `anyOf`/`oneOf`: branches that only constrain which properties are set
//!    are kept as validation data; `[integer, string]` → `IntOrString`;
//!    other typed branches → merged properties when the node is an object,
//!    else `serde_json::Value` (a documented best effort that loses nothing).
//! 5. By `type`: object (struct, map, or JSON), array, string (enum, `Time`,
//!    bytes), integer (`i32`/`i64` by format), number, boolean; no type →
//!    struct/array when properties/items say so, else JSON.

use std::collections::BTreeMap;

use kubegen_templates::ir::{
    EnumDef, EnumVariant, Field, ListType, MapType, SchemaExtensions, StructDef, TypeDef, TypePath,
    TypeRef, UnknownFields, ValidationRule, Validations, WellKnown,
};
use kubegen_templates::naming::{self, UniqueNames};
use serde_json::{Map, Value};

use crate::error::{Error, Location, Result, escape_pointer};

/// Converts schema nodes of one document into types of one Rust module.
pub struct SchemaConverter<'a> {
    /// The whole document, for resolving `$ref`.
    root: &'a Value,
    /// Where the document is, for errors and type sources.
    document: Location,
    group_module: String,
    version_module: String,
    /// Type names taken in the target module (shared by every kind of it).
    names: &'a mut UniqueNames,
    /// Types produced so far.
    types: &'a mut Vec<TypeDef>,
    /// `$ref` targets already turned into named types.
    refs: BTreeMap<String, TypeRef>,
    /// `$ref` targets defined elsewhere (other modules, the runtime), consulted first.
    known_refs: Option<&'a BTreeMap<String, TypeRef>>,
    /// `$ref` pointers being resolved right now, to catch cycles.
    resolving: Vec<String>,
}

impl<'a> SchemaConverter<'a> {
    /// A converter writing types for `group_module::version_module` into `types`.
    pub fn new(
        root: &'a Value,
        document: Location,
        group_module: &str,
        version_module: &str,
        names: &'a mut UniqueNames,
        types: &'a mut Vec<TypeDef>,
    ) -> Self {
        Self {
            root,
            document,
            group_module: group_module.to_owned(),
            version_module: version_module.to_owned(),
            names,
            types,
            refs: BTreeMap::new(),
            known_refs: None,
            resolving: Vec::new(),
        }
    }

    /// Pre-registers `$ref` targets that stand for types defined elsewhere:
    /// another module's named types, or the runtime's well-known types.
    pub fn with_refs(mut self, refs: &'a BTreeMap<String, TypeRef>) -> Self {
        self.known_refs = Some(refs);
        self
    }

    /// Converts an object definition into a struct named `name` (already
    /// claimed by the caller) and adds it to the module's types.
    pub fn convert_struct(&mut self, schema: &Value, pointer: &str, name: &str) -> Result<()> {
        let schema = self.resolve_all_of(schema, pointer)?;
        let object = as_object(&schema, &self.location(pointer))?;
        let def = self.struct_def(object, pointer, name, false)?;
        self.types.push(TypeDef::Struct(def));
        Ok(())
    }

    fn location(&self, pointer: &str) -> Location {
        self.document.at(pointer)
    }

    fn path(&self, name: String) -> TypeRef {
        TypeRef::Named(TypePath {
            group_module: self.group_module.clone(),
            version_module: self.version_module.clone(),
            name,
        })
    }

    /// Converts the root schema of a kind into its struct, named `type_name`
    /// (already claimed by the caller). `apiVersion` and `kind` are left to the
    /// emitter, and `metadata` is always the runtime's `ObjectMeta`.
    pub fn convert_root(&mut self, schema: &Value, pointer: &str, type_name: &str) -> Result<()> {
        let schema = self.resolve_all_of(schema, pointer)?;
        let object = as_object(&schema, &self.location(pointer))?;
        let mut def = self.struct_def(object, pointer, type_name, true)?;
        def.fields
            .retain(|field| field.wire_name != "apiVersion" && field.wire_name != "kind");
        match def
            .fields
            .iter_mut()
            .find(|field| field.wire_name == "metadata")
        {
            Some(field) => {
                field.ty = TypeRef::WellKnown(WellKnown::ObjectMeta);
                field.required = false;
                field.nullable = false;
            }
            None => def.fields.insert(
                0,
                Field {
                    rust_name: "metadata".to_owned(),
                    wire_name: "metadata".to_owned(),
                    docs: Some("Standard object metadata.".to_owned()),
                    ty: TypeRef::WellKnown(WellKnown::ObjectMeta),
                    required: false,
                    nullable: false,
                    boxed: false,
                    default: None,
                    schema: SchemaExtensions::default(),
                },
            ),
        }
        self.types.push(TypeDef::Struct(def));
        Ok(())
    }

    /// Converts one schema node; `name_path` names any type it needs.
    pub fn convert(
        &mut self,
        schema: &Value,
        pointer: &str,
        name_path: &[String],
    ) -> Result<TypeRef> {
        let object = as_object(schema, &self.location(pointer))?;
        // `$ref` and int-or-string decide the type on their own; merging
        // `allOf` first could lose them.
        if object.contains_key("$ref") || is_int_or_string(object) || !object.contains_key("allOf")
        {
            return self.convert_resolved(schema, pointer, name_path);
        }
        let merged = self.resolve_all_of(schema, pointer)?;
        self.convert_resolved(&merged, pointer, name_path)
    }

    fn convert_resolved(
        &mut self,
        schema: &Value,
        pointer: &str,
        name_path: &[String],
    ) -> Result<TypeRef> {
        let location = self.location(pointer);
        let object = as_object(schema, &location)?;
        if let Some(reference) = object.get("$ref") {
            return self.convert_ref(reference, pointer);
        }
        if is_int_or_string(object) {
            return Ok(TypeRef::WellKnown(WellKnown::IntOrString));
        }
        if let Some(alternatives) = typed_alternatives(object) {
            if is_integer_string_pair(&alternatives) {
                return Ok(TypeRef::WellKnown(WellKnown::IntOrString));
            }
            if schema_type(object).is_none() && !object.contains_key("properties") {
                // Branches of different shapes with nothing in common: JSON keeps every value.
                return Ok(TypeRef::Json);
            }
        }

        let ty = schema_type(object);
        match ty.as_deref() {
            Some("object") => self.convert_object(object, pointer, name_path),
            None if object.contains_key("properties") => {
                self.convert_object(object, pointer, name_path)
            }
            None if object.contains_key("additionalProperties") => {
                self.convert_object(object, pointer, name_path)
            }
            Some("array") => self.convert_array(object, pointer, name_path),
            None if object.contains_key("items") => self.convert_array(object, pointer, name_path),
            Some("string") => self.convert_string(object, pointer, name_path),
            Some("integer") => Ok(match format(object).as_deref() {
                Some("int32") => TypeRef::I32,
                _ => TypeRef::I64,
            }),
            Some("number") => Ok(TypeRef::F64),
            Some("boolean") => Ok(TypeRef::Bool),
            None => Ok(TypeRef::Json),
            Some(other) => Err(Error::invalid(
                &location.child("type"),
                format!(
                    "unknown schema type `{other}` (expected object, array, string, integer, number or boolean)"
                ),
            )),
        }
    }

    fn convert_ref(&mut self, reference: &Value, pointer: &str) -> Result<TypeRef> {
        let location = self.location(pointer).child("$ref");
        let Some(reference) = reference.as_str() else {
            return Err(Error::invalid(&location, "`$ref` must be a string"));
        };
        if let Some(known) = self
            .known_refs
            .and_then(|refs| refs.get(reference))
            .or_else(|| self.refs.get(reference))
        {
            return Ok(known.clone());
        }
        let Some(target_pointer) = reference.strip_prefix('#') else {
            return Err(Error::invalid(
                &location,
                format!(
                    "`$ref` {reference:?} points outside this document; only local references (`#/…`) are supported"
                ),
            ));
        };
        let Some(target) = self.root.pointer(target_pointer) else {
            return Err(Error::invalid(
                &location,
                format!("`$ref` {reference:?} does not resolve to anything in this document"),
            ));
        };
        if self.resolving.iter().any(|r| r == reference) {
            let mut chain: Vec<&str> = self.resolving.iter().map(String::as_str).collect();
            chain.push(reference);
            return Err(Error::invalid(
                &location,
                format!(
                    "`$ref` cycle with no object in between, so no Rust type can hold it: {}",
                    chain.join(" → ")
                ),
            ));
        }
        self.resolving.push(reference.to_owned());
        let result = self.convert_ref_target(reference, target, target_pointer);
        self.resolving.pop();
        result
    }

    fn convert_ref_target(
        &mut self,
        reference: &str,
        target: &Value,
        target_pointer: &str,
    ) -> Result<TypeRef> {
        let target_location = self.location(target_pointer);
        let target_object = as_object(target, &target_location)?;
        let base_name = target_pointer
            .rsplit('/')
            .next()
            .map(|segment| segment.rsplit('.').next().unwrap_or(segment))
            .unwrap_or("Ref")
            .replace("~1", "/")
            .replace("~0", "~");
        let is_struct = target_object.contains_key("properties")
            && matches!(schema_type(target_object).as_deref(), None | Some("object"))
            && !target_object.contains_key("$ref")
            && !is_int_or_string(target_object);
        if !is_struct {
            // Scalars, arrays and maps are inlined: only a struct can break a cycle.
            return self.convert(target, target_pointer, &[base_name]);
        }
        // Register the name before converting the body so that recursive
        // references resolve to it (the boxing pass breaks the cycle later).
        let name = self.names.claim(&naming::type_name(&[base_name]));
        let ty = self.path(name.clone());
        self.refs.insert(reference.to_owned(), ty.clone());
        let merged = self.resolve_all_of(target, target_pointer)?;
        let object = as_object(&merged, &target_location)?;
        let def = self.struct_def(object, target_pointer, &name, false)?;
        self.types.push(TypeDef::Struct(def));
        Ok(ty)
    }

    fn convert_object(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
        name_path: &[String],
    ) -> Result<TypeRef> {
        let has_properties = object
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|properties| !properties.is_empty());
        if has_properties {
            let name = self.names.claim(&naming::type_name(name_path));
            let def = self.struct_def(object, pointer, &name, false)?;
            self.types.push(TypeDef::Struct(def));
            return Ok(self.path(name));
        }
        match object.get("additionalProperties") {
            Some(Value::Bool(true)) => return Ok(TypeRef::Map(Box::new(TypeRef::Json))),
            Some(Value::Bool(false)) | None => {}
            Some(values) => {
                let item = self.convert(
                    values,
                    &format!("{pointer}/additionalProperties"),
                    name_path,
                )?;
                return Ok(TypeRef::Map(Box::new(item)));
            }
        }
        if flag(object, "x-kubernetes-preserve-unknown-fields")
            || flag(object, "x-kubernetes-embedded-resource")
        {
            return Ok(TypeRef::Json);
        }
        // `type: object` and nothing else: the server prunes every key, but a
        // map keeps whatever a client sends instead of silently dropping it.
        Ok(TypeRef::Map(Box::new(TypeRef::Json)))
    }

    fn convert_array(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
        name_path: &[String],
    ) -> Result<TypeRef> {
        match object.get("items") {
            None => Ok(TypeRef::Array(Box::new(TypeRef::Json))),
            Some(Value::Array(tuple)) => Err(Error::invalid(
                &self.location(pointer).child("items"),
                format!(
                    "tuple-typed `items` ({} schemas) are not supported by Kubernetes; use one schema",
                    tuple.len()
                ),
            )),
            Some(items) => {
                let item = self.convert(items, &format!("{pointer}/items"), name_path)?;
                Ok(TypeRef::Array(Box::new(item)))
            }
        }
    }

    fn convert_string(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
        name_path: &[String],
    ) -> Result<TypeRef> {
        match format(object).as_deref() {
            Some("date-time") => return Ok(TypeRef::WellKnown(WellKnown::Time)),
            Some("byte") => return Ok(TypeRef::Bytes),
            _ => {}
        }
        let Some(values) = object.get("enum").and_then(Value::as_array) else {
            return Ok(TypeRef::String);
        };
        let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        let non_null = values.iter().filter(|v| !v.is_null()).count();
        if strings.is_empty() || strings.len() != non_null {
            return Ok(TypeRef::String);
        }
        let name = self.names.claim(&naming::type_name(name_path));
        let mut variants = UniqueNames::new();
        let mut seen = Vec::new();
        let mut def_variants = Vec::new();
        for value in strings {
            if seen.contains(&value) {
                continue;
            }
            seen.push(value);
            def_variants.push(EnumVariant {
                rust_name: variants.claim(&naming::variant_name(value)),
                wire_value: value.to_owned(),
            });
        }
        // `Other` unless a known value took it; `Other2` would read as a value.
        let fallback_variant = if def_variants.iter().any(|v| v.rust_name == "Other") {
            variants.claim("UnknownValue")
        } else {
            variants.claim("Other")
        };
        self.types.push(TypeDef::Enum(EnumDef {
            name: name.clone(),
            docs: description(object),
            variants: def_variants,
            fallback_variant,
            source: self.source(pointer),
        }));
        Ok(self.path(name))
    }

    fn source(&self, pointer: &str) -> String {
        format!("{}#{}", self.document.file, pointer)
    }

    fn struct_def(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
        name: &str,
        is_root: bool,
    ) -> Result<StructDef> {
        let location = self.location(pointer);
        let required: Vec<&str> = match object.get("required") {
            None => Vec::new(),
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            Some(_) => {
                return Err(Error::invalid(
                    &location.child("required"),
                    "`required` must be a list of property names",
                ));
            }
        };
        let empty = Map::new();
        let properties = match object.get("properties") {
            None => &empty,
            Some(Value::Object(properties)) => properties,
            Some(_) => {
                return Err(Error::invalid(
                    &location.child("properties"),
                    "`properties` must be an object",
                ));
            }
        };
        // Non-structural schemas declare some properties only inside
        // `anyOf`/`oneOf` branches; keep them as optional fields so no data is lost.
        let mut branch_properties: Vec<(&String, &Value, String)> = Vec::new();
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = object.get(keyword) {
                for (index, branch) in branches.iter().enumerate() {
                    if let Some(Value::Object(extra)) = branch.get("properties") {
                        for (key, value) in extra {
                            if !properties.contains_key(key)
                                && !branch_properties.iter().any(|(k, _, _)| *k == key)
                            {
                                branch_properties.push((
                                    key,
                                    value,
                                    format!(
                                        "{pointer}/{keyword}/{index}/properties/{}",
                                        escape_pointer(key)
                                    ),
                                ));
                            }
                        }
                    }
                }
            }
        }

        let mut field_names = UniqueNames::new();
        let mut fields = Vec::new();
        let all = properties
            .iter()
            .map(|(key, value)| {
                (
                    key,
                    value,
                    format!("{pointer}/properties/{}", escape_pointer(key)),
                )
            })
            .chain(branch_properties);
        for (wire_name, property, property_pointer) in all {
            if is_root && (wire_name == "apiVersion" || wire_name == "kind") {
                continue;
            }
            let property_location = self.location(&property_pointer);
            let property_object = as_object(property, &property_location)?;
            let ty = if is_root && wire_name == "metadata" {
                TypeRef::WellKnown(WellKnown::ObjectMeta)
            } else {
                self.convert(
                    property,
                    &property_pointer,
                    &[name.to_owned(), wire_name.clone()],
                )?
            };
            let facts = property_object;
            fields.push(Field {
                rust_name: field_names.claim(&naming::field_name(wire_name)),
                wire_name: wire_name.clone(),
                docs: description(property_object).or_else(|| description(facts)),
                ty,
                required: required.contains(&wire_name.as_str()),
                nullable: flag(property_object, "nullable") || flag(facts, "nullable"),
                boxed: false,
                default: property_object
                    .get("default")
                    .or_else(|| facts.get("default"))
                    .cloned(),
                schema: extensions(facts),
            });
        }

        let unknown_fields =
            if !properties.is_empty() && flag(object, "x-kubernetes-preserve-unknown-fields") {
                UnknownFields::Preserve
            } else {
                match object.get("additionalProperties") {
                    Some(Value::Bool(true)) if !properties.is_empty() => UnknownFields::Preserve,
                    Some(Value::Object(values)) if !properties.is_empty() => {
                        let item = self.convert(
                            &Value::Object(values.clone()),
                            &format!("{pointer}/additionalProperties"),
                            &[name.to_owned(), "AdditionalProperties".to_owned()],
                        )?;
                        UnknownFields::Typed(item)
                    }
                    _ => UnknownFields::Drop,
                }
            };

        Ok(StructDef {
            name: name.to_owned(),
            docs: description(object),
            fields,
            unknown_fields,
            schema: extensions(object),
            source: self.source(pointer),
        })
    }

    /// Merges `allOf` branches into one schema, resolving `$ref` branches.
    ///
    /// A single-branch `allOf` next to a description or default is the OpenAPI
    /// v3 idiom for annotating a reference; it stays a reference.
    fn resolve_all_of(&self, schema: &Value, pointer: &str) -> Result<Value> {
        let location = self.location(pointer);
        let object = as_object(schema, &location)?;
        let Some(branches) = object.get("allOf") else {
            return Ok(schema.clone());
        };
        let Some(branches) = branches.as_array() else {
            return Err(Error::invalid(
                &location.child("allOf"),
                "`allOf` must be a list of schemas",
            ));
        };
        let has_own_shape = object.contains_key("properties") || object.contains_key("type");
        if branches.len() == 1 && !has_own_shape {
            let mut merged = branches[0].clone();
            if let (Some(target), Some(text)) = (merged.as_object_mut(), object.get("description"))
            {
                target.insert("description".to_owned(), text.clone());
            }
            return Ok(merged);
        }
        let mut merged = object.clone();
        merged.remove("allOf");
        for (index, branch) in branches.iter().enumerate() {
            let branch_pointer = format!("{pointer}/allOf/{index}");
            let branch = match branch.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let target = reference
                        .strip_prefix('#')
                        .and_then(|p| self.root.pointer(p))
                        .ok_or_else(|| {
                            Error::invalid(
                                &self.location(&branch_pointer).child("$ref"),
                                format!("`$ref` {reference:?} does not resolve to anything in this document"),
                            )
                        })?;
                    self.resolve_all_of(target, reference.trim_start_matches('#'))?
                }
                None => self.resolve_all_of(branch, &branch_pointer)?,
            };
            let branch = as_object(&branch, &self.location(&branch_pointer))?.clone();
            merge_schema(&mut merged, branch);
        }
        Ok(Value::Object(merged))
    }
}

/// Merges `branch` into `into`: properties and required are united, other
/// keywords fill in where `into` has none.
fn merge_schema(into: &mut Map<String, Value>, branch: Map<String, Value>) {
    for (key, value) in branch {
        match (key.as_str(), into.get_mut(&key), value) {
            ("properties", Some(Value::Object(existing)), Value::Object(more)) => {
                for (name, schema) in more {
                    existing.entry(name).or_insert(schema);
                }
            }
            ("required", Some(Value::Array(existing)), Value::Array(more)) => {
                for name in more {
                    if !existing.contains(&name) {
                        existing.push(name);
                    }
                }
            }
            (_, Some(_), _) => {}
            (_, None, value) => {
                into.insert(key, value);
            }
        }
    }
}

fn as_object<'v>(schema: &'v Value, location: &Location) -> Result<&'v Map<String, Value>> {
    match schema {
        Value::Object(object) => Ok(object),
        other => Err(Error::invalid(
            location,
            format!("expected a schema object, found {}", json_kind(other)),
        )),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn schema_type(object: &Map<String, Value>) -> Option<String> {
    match object.get("type")? {
        Value::String(ty) => Some(ty.clone()),
        // OpenAPI 3.1 style `[T, "null"]`: the non-null member is the type.
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .map(str::to_owned),
        _ => None,
    }
}

fn format(object: &Map<String, Value>) -> Option<String> {
    object
        .get("format")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn flag(object: &Map<String, Value>, key: &str) -> bool {
    object.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn description(object: &Map<String, Value>) -> Option<String> {
    object
        .get("description")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

fn is_int_or_string(object: &Map<String, Value>) -> bool {
    flag(object, "x-kubernetes-int-or-string") || format(object).as_deref() == Some("int-or-string")
}

/// The `anyOf`/`oneOf` branches that carry a type, if any do.
fn typed_alternatives(object: &Map<String, Value>) -> Option<Vec<String>> {
    let mut types = Vec::new();
    for keyword in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = object.get(keyword) {
            for branch in branches {
                if let Some(ty) = branch.as_object().and_then(schema_type) {
                    types.push(ty);
                }
            }
        }
    }
    (!types.is_empty()).then_some(types)
}

fn is_integer_string_pair(types: &[String]) -> bool {
    let mut sorted: Vec<&str> = types.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    sorted == ["integer", "string"] || sorted == ["number", "string"]
}

fn number(object: &Map<String, Value>, key: &str) -> Option<serde_json::Number> {
    match object.get(key)? {
        Value::Number(n) => Some(n.clone()),
        _ => None,
    }
}

fn unsigned(object: &Map<String, Value>, key: &str) -> Option<u64> {
    object.get(key).and_then(Value::as_u64)
}

fn string(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Branch `required` lists of `anyOf`/`oneOf` branches that carry no type.
fn required_branches(object: &Map<String, Value>, keyword: &str) -> Vec<Vec<String>> {
    let Some(Value::Array(branches)) = object.get(keyword) else {
        return Vec::new();
    };
    branches
        .iter()
        .filter_map(|branch| {
            let required = branch.get("required")?.as_array()?;
            Some(
                required
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect(),
            )
        })
        .collect()
}

/// Reads the extensions and validations of a schema node.
pub fn extensions(object: &Map<String, Value>) -> SchemaExtensions {
    let rules = object
        .get("x-kubernetes-validations")
        .and_then(Value::as_array)
        .map(|rules| {
            rules
                .iter()
                .filter_map(Value::as_object)
                .map(|rule| ValidationRule {
                    rule: string(rule, "rule").unwrap_or_default(),
                    message: string(rule, "message"),
                    message_expression: string(rule, "messageExpression"),
                    field_path: string(rule, "fieldPath"),
                    reason: string(rule, "reason"),
                    optional_old_self: rule.get("optionalOldSelf").and_then(Value::as_bool),
                })
                .collect()
        })
        .unwrap_or_default();
    SchemaExtensions {
        format: format(object),
        int_or_string: is_int_or_string(object),
        preserve_unknown_fields: flag(object, "x-kubernetes-preserve-unknown-fields"),
        embedded_resource: flag(object, "x-kubernetes-embedded-resource"),
        list_type: match object.get("x-kubernetes-list-type").and_then(Value::as_str) {
            Some("atomic") => Some(ListType::Atomic),
            Some("set") => Some(ListType::Set),
            Some("map") => Some(ListType::Map),
            _ => None,
        },
        list_map_keys: object
            .get("x-kubernetes-list-map-keys")
            .and_then(Value::as_array)
            .map(|keys| {
                keys.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        map_type: match object.get("x-kubernetes-map-type").and_then(Value::as_str) {
            Some("atomic") => Some(MapType::Atomic),
            Some("granular") => Some(MapType::Granular),
            _ => None,
        },
        patch_strategy: string(object, "x-kubernetes-patch-strategy"),
        patch_merge_key: string(object, "x-kubernetes-patch-merge-key"),
        enum_values: object
            .get("enum")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        validations: Validations {
            minimum: number(object, "minimum"),
            exclusive_minimum: flag(object, "exclusiveMinimum"),
            maximum: number(object, "maximum"),
            exclusive_maximum: flag(object, "exclusiveMaximum"),
            multiple_of: number(object, "multipleOf"),
            min_length: unsigned(object, "minLength"),
            max_length: unsigned(object, "maxLength"),
            pattern: string(object, "pattern"),
            min_items: unsigned(object, "minItems"),
            max_items: unsigned(object, "maxItems"),
            unique_items: flag(object, "uniqueItems"),
            min_properties: unsigned(object, "minProperties"),
            max_properties: unsigned(object, "maxProperties"),
            rules,
            one_of_required: required_branches(object, "oneOf"),
            any_of_required: required_branches(object, "anyOf"),
        },
    }
}
