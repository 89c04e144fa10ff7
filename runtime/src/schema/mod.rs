//! Structural OpenAPI schemas of Rust types, for the CustomResourceDefinitions
//! that `#[derive(Resource)]` writes.
//!
//! [`KubeSchema`] is implemented by every type that can appear in a custom
//! resource: here for the standard library's scalars and containers, for
//! `serde_json::Value` and for this crate's wire types; by
//! `#[derive(KubeSchema)]` for users' structs and string enums. A derived
//! impl carries its own schema as JSON computed at compile time (through the
//! IR and `kubegen-templates`, like every other schema kubegen writes), with
//! placeholders where it names another type, which [`fill`] replaces at run
//! time by asking that type.
//!
//! Schemas come out *structural*, the way the API server wants them in a
//! CRD: everything inlined, no `$ref`. A type that contains itself cannot be
//! written that way; [`SchemaGenerator`] notices and reports the cycle.

mod impls;

use serde_json::{Map, Value};

/// The key of a placeholder for another type's schema (the value is its
/// index); must equal `kubegen_templates::openapi::EXTERNAL_MARKER`.
pub const EXTERNAL_MARKER: &str = "x-kubegen-external";

/// The key listing the indexes of flattened types (`#[serde(flatten)]`) whose
/// properties are merged into the object holding the key.
pub const FLATTEN_MARKER: &str = "x-kubegen-flatten";

/// A type with a structural OpenAPI v3 schema.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no structural schema for a CustomResourceDefinition",
    label = "needs a schema",
    note = "add `#[derive(kubegen::KubeSchema)]` to `{Self}`, or implement `kubegen::schema::KubeSchema` for it"
)]
pub trait KubeSchema {
    /// The type's schema, every nested type inlined.
    fn schema(generator: &mut SchemaGenerator) -> Result<Value, SchemaError>;
}

/// Why a schema could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// The type contains itself.
    #[error(
        "type `{cycle}` contains itself; a structural schema cannot be recursive: mark the \
         recursive field `#[schema(preserve_unknown_fields)]` to keep it as untyped JSON"
    )]
    Recursive {
        /// The types on the cycle, outermost first, joined by ` → `.
        cycle: String,
    },
    /// A derived impl's schema is not valid JSON (a kubegen bug).
    #[error("the compiled schema of `{type_name}` is not valid JSON: {source}")]
    Template {
        /// The type.
        type_name: &'static str,
        /// The parser's complaint.
        source: serde_json::Error,
    },
    /// `well_known.json` lacks a runtime type (a kubegen bug).
    #[error("no schema is recorded for the runtime type `{0}`")]
    MissingWellKnown(&'static str),
    /// A placeholder names a type the derived impl does not know (a kubegen bug).
    #[error("the compiled schema of `{type_name}` refers to unknown type #{index}")]
    UnknownType {
        /// The type.
        type_name: &'static str,
        /// The placeholder's index.
        index: u64,
    },
}

/// Keeps track of the types being written, to catch recursion.
#[derive(Debug, Default)]
pub struct SchemaGenerator {
    stack: Vec<&'static str>,
}

impl SchemaGenerator {
    /// A generator with nothing in progress.
    pub fn new() -> Self {
        SchemaGenerator::default()
    }

    /// Writes the schema of the type called `name` with `write`, failing if
    /// that type is already being written further out.
    pub fn enter(
        &mut self,
        name: &'static str,
        write: impl FnOnce(&mut SchemaGenerator) -> Result<Value, SchemaError>,
    ) -> Result<Value, SchemaError> {
        if let Some(start) = self.stack.iter().position(|entered| *entered == name) {
            let mut cycle: Vec<&str> = self.stack[start..].to_vec();
            cycle.push(name);
            return Err(SchemaError::Recursive {
                cycle: cycle.join(" → "),
            });
        }
        self.stack.push(name);
        let schema = write(self);
        self.stack.pop();
        schema
    }
}

/// Resolves the placeholders of one compiled schema: index → that type's schema.
pub type Resolver<'a> = &'a dyn Fn(u64, &mut SchemaGenerator) -> Result<Value, SchemaError>;

/// Parses the compiled schema `template` of `type_name` and replaces its
/// placeholders with the schemas `resolve` gives.
///
/// The keys next to a placeholder (a field's description, validations,
/// default) are laid over the type's schema: the field's own words win.
pub fn fill(
    type_name: &'static str,
    template: &str,
    generator: &mut SchemaGenerator,
    resolve: Resolver<'_>,
) -> Result<Value, SchemaError> {
    let mut value: Value = serde_json::from_str(template)
        .map_err(|source| SchemaError::Template { type_name, source })?;
    fill_value(type_name, &mut value, generator, resolve)?;
    Ok(value)
}

fn fill_value(
    type_name: &'static str,
    value: &mut Value,
    generator: &mut SchemaGenerator,
    resolve: Resolver<'_>,
) -> Result<(), SchemaError> {
    match value {
        Value::Object(object) => {
            for child in object.values_mut() {
                fill_value(type_name, child, generator, resolve)?;
            }
            if let Some(marker) = object.remove(EXTERNAL_MARKER) {
                let index = index_of(type_name, &marker)?;
                let mut schema = resolve(index, generator)?;
                if let Value::Object(schema) = &mut schema {
                    for (key, value) in std::mem::take(object) {
                        schema.insert(key, value);
                    }
                }
                *value = schema;
            } else if let Some(Value::Array(flattened)) = object.remove(FLATTEN_MARKER) {
                for marker in flattened {
                    let index = index_of(type_name, &marker)?;
                    if let Value::Object(inner) = resolve(index, generator)? {
                        merge_flattened(object, inner);
                    }
                }
                // The API server rejects `additionalProperties` beside
                // `properties`: extra properties can then only stay untyped.
                if object.contains_key("properties")
                    && object.remove("additionalProperties").is_some()
                {
                    object.insert("x-kubernetes-preserve-unknown-fields".into(), true.into());
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                fill_value(type_name, item, generator, resolve)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn index_of(type_name: &'static str, marker: &Value) -> Result<u64, SchemaError> {
    marker.as_u64().ok_or(SchemaError::UnknownType {
        type_name,
        index: u64::MAX,
    })
}

/// `#[serde(flatten)]`: the inner object's properties and requirements become
/// the outer's; a flattened map keeps the outer open to other properties.
fn merge_flattened(outer: &mut Map<String, Value>, inner: Map<String, Value>) {
    for (key, value) in inner {
        match (key.as_str(), value) {
            ("properties", Value::Object(properties)) => {
                let target = outer
                    .entry("properties")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(target) = target {
                    target.extend(properties);
                }
            }
            ("required", Value::Array(required)) => {
                let target = outer
                    .entry("required")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(target) = target {
                    target.extend(required);
                }
            }
            ("additionalProperties" | "x-kubernetes-preserve-unknown-fields", value) => {
                outer.insert(key, value);
            }
            // Type, description and the inner type's own constraints stay the outer's.
            _ => {}
        }
    }
}
