//! Rust items → IR types: the derive's half of "one IR, two front ends".
//!
//! Scalars and the standard containers become IR types directly; any other
//! type becomes [`TypeRef::External`], whose schema its own `KubeSchema`
//! impl supplies at run time (the derive cannot see inside it).

use std::collections::BTreeMap;

use kubegen_templates::ir::{
    EnumDef, EnumVariant, Field, ListType, StructDef, TypeRef, UnknownFields,
};
use quote::ToTokens;

use crate::errors::{Errors, docs};
use crate::schema_attrs::{self, Shape};
use crate::serde_attrs;

/// A struct as the IR sees it, plus what only generated code can resolve.
pub(crate) struct StructModel {
    pub def: StructDef,
    /// Flattened fields of types the derive cannot see into.
    pub flattened: Vec<String>,
    /// External types by the string the IR knows them by.
    pub external: BTreeMap<String, syn::Type>,
    /// The `metadata` field, when the struct is a whole object.
    pub metadata: Option<syn::Field>,
    /// Fields that are not `Option`s but read as their `Default` when absent.
    pub defaulted: Vec<String>,
    /// Fields serde skips, by name and place.
    pub skipped: Vec<syn::Ident>,
}

/// A field type: the IR type, whether it is an `Option`, and its shape.
pub(crate) struct Classified {
    pub ty: TypeRef,
    pub optional: bool,
    pub set: bool,
}

/// The last path segment of a plain path type, with its generic arguments.
fn segment(ty: &syn::Type) -> Option<(&syn::PathSegment, Vec<&syn::Type>)> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    let args = match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => args
            .args
            .iter()
            .filter_map(|arg| match arg {
                syn::GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((last, args))
}

/// Classifies a field type, recording external types.
pub(crate) fn classify(ty: &syn::Type, external: &mut BTreeMap<String, syn::Type>) -> Classified {
    let plain = |ty| Classified {
        ty,
        optional: false,
        set: false,
    };
    if let syn::Type::Reference(reference) = ty {
        return classify(&reference.elem, external);
    }
    if let syn::Type::Paren(inner) = ty {
        return classify(&inner.elem, external);
    }
    if let Some((last, args)) = segment(ty) {
        let name = last.ident.to_string();
        match (name.as_str(), args.as_slice()) {
            ("Option", [inner]) => {
                let mut out = classify(inner, external);
                out.optional = true;
                return out;
            }
            ("Box" | "Arc" | "Rc", [inner]) => return classify(inner, external),
            ("Vec" | "VecDeque", [item]) => {
                return plain(TypeRef::Array(Box::new(classify(item, external).ty)));
            }
            ("BTreeSet" | "HashSet", [item]) => {
                return Classified {
                    ty: TypeRef::Array(Box::new(classify(item, external).ty)),
                    optional: false,
                    set: true,
                };
            }
            ("BTreeMap" | "HashMap", [_, value]) => {
                return plain(TypeRef::Map(Box::new(classify(value, external).ty)));
            }
            ("bool", []) => return plain(TypeRef::Bool),
            ("i8" | "i16" | "i32" | "u8" | "u16", []) => return plain(TypeRef::I32),
            ("i64" | "u32" | "u64" | "isize" | "usize", []) => return plain(TypeRef::I64),
            ("f32" | "f64", []) => return plain(TypeRef::F64),
            ("String" | "str" | "char", []) => return plain(TypeRef::String),
            ("Value", []) if is_json_value(ty) => return plain(TypeRef::Json),
            _ => {}
        }
    }
    let text = ty.to_token_stream().to_string();
    external.insert(text.clone(), ty.clone());
    plain(TypeRef::External(text))
}

/// `serde_json::Value` (or `Value` imported from it: the usual spelling).
fn is_json_value(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    let names: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    matches!(names.as_slice(), [v] if v == "Value")
        || matches!(names.as_slice(), [.., krate, v] if krate == "serde_json" && v == "Value")
}

fn shape(ty: &TypeRef) -> Shape {
    match ty {
        TypeRef::String | TypeRef::Bytes => Shape::String,
        TypeRef::I32 | TypeRef::I64 | TypeRef::F64 => Shape::Number,
        TypeRef::Array(_) => Shape::Array,
        TypeRef::Map(_) => Shape::Object,
        _ => Shape::Unknown,
    }
}

/// The wire name of a field.
fn wire_name(
    ident: &syn::Ident,
    serde: &serde_attrs::Field,
    container: &serde_attrs::Container,
) -> String {
    let rust = ident.to_string();
    let rust = rust.strip_prefix("r#").unwrap_or(&rust).to_owned();
    match (&serde.rename, container.rename_all) {
        (Some(rename), _) => rename.clone(),
        (None, Some(rule)) => rule.field(&rust),
        (None, None) => rust,
    }
}

/// A struct with named fields → IR struct. `whole_object`: a `metadata`
/// field is the object's (kept aside, not a property).
pub(crate) fn struct_model(
    name: &syn::Ident,
    attrs: &[syn::Attribute],
    fields: &syn::FieldsNamed,
    whole_object: bool,
    errors: &mut Errors,
) -> StructModel {
    let container = serde_attrs::container(attrs);
    let container_schema = schema_attrs::parse(attrs, errors);
    let mut model = StructModel {
        def: StructDef {
            name: name.to_string(),
            docs: container_schema.description.clone().or_else(|| docs(attrs)),
            fields: Vec::new(),
            unknown_fields: if container_schema.ext.preserve_unknown_fields {
                UnknownFields::Preserve
            } else {
                UnknownFields::Drop
            },
            schema: {
                let mut ext = container_schema.ext.clone();
                ext.preserve_unknown_fields = false;
                ext
            },
            source: format!("#[derive] {name}"),
        },
        flattened: Vec::new(),
        external: BTreeMap::new(),
        metadata: None,
        defaulted: Vec::new(),
        skipped: Vec::new(),
    };
    for field in &fields.named {
        let Some(ident) = &field.ident else { continue };
        let serde = serde_attrs::field(&field.attrs);
        let schema = schema_attrs::parse(&field.attrs, errors);
        if serde.skip {
            model.skipped.push(ident.clone());
            continue;
        }
        let wire = wire_name(ident, &serde, &container);
        if whole_object && wire == "metadata" {
            model.metadata = Some(field.clone());
            continue;
        }
        let classified = classify(&field.ty, &mut model.external);
        if serde.flatten {
            match classified.ty {
                TypeRef::Map(value) => {
                    model.def.unknown_fields = match *value {
                        TypeRef::Json => UnknownFields::Preserve,
                        value => UnknownFields::Typed(value),
                    }
                }
                TypeRef::External(path) => model.flattened.push(path),
                _ => errors.at(
                    ident.span(),
                    "#[serde(flatten)] needs a map or a struct deriving KubeSchema",
                ),
            }
            continue;
        }
        schema_attrs::check_fits(&schema, shape(&classified.ty), errors);
        let mut ext = schema.ext;
        if classified.set && ext.list_type.is_none() {
            ext.list_type = Some(ListType::Set);
        }
        let mut ty = classified.ty;
        if ext.preserve_unknown_fields && !matches!(ty, TypeRef::Map(_) | TypeRef::Array(_)) {
            // A field kept as JSON (the way out of a recursive type).
            ty = TypeRef::Json;
            ext.preserve_unknown_fields = false;
        }
        let required = !classified.optional
            && !serde.default
            && !container.default
            && !serde.skip_serializing_if;
        if !required && !classified.optional {
            model.defaulted.push(ident.to_string());
        }
        model.def.fields.push(Field {
            rust_name: ident.to_string(),
            wire_name: wire,
            docs: schema.description.or_else(|| docs(&field.attrs)),
            ty,
            required,
            // `None` that serde writes as `null` needs no `nullable`: the API
            // server drops nulls of non-nullable fields, and absence reads as `None`.
            nullable: schema.nullable,
            boxed: false,
            default: schema.default,
            schema: ext,
        });
    }
    // The API server rejects `additionalProperties` next to `properties`:
    // extra properties beside declared ones can only be kept untyped.
    if matches!(model.def.unknown_fields, UnknownFields::Typed(_)) && !model.def.fields.is_empty() {
        model.def.unknown_fields = UnknownFields::Preserve;
    }
    model
}

/// An enum of unit variants → IR string enum.
pub(crate) fn enum_model(
    name: &syn::Ident,
    attrs: &[syn::Attribute],
    data: &syn::DataEnum,
    errors: &mut Errors,
) -> EnumDef {
    let container = serde_attrs::container(attrs);
    let schema = schema_attrs::parse(attrs, errors);
    if let Some(span) = container.tagged {
        errors.at(
            span,
            "#[derive(KubeSchema)] supports string enums only (unit variants, externally \
             tagged); implement kubegen::schema::KubeSchema by hand for other shapes",
        );
    }
    let mut variants = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, syn::Fields::Unit) {
            errors.at(
                variant.ident.span(),
                format!(
                    "variant `{}` carries data; #[derive(KubeSchema)] supports string enums \
                     only (unit variants); implement kubegen::schema::KubeSchema by hand for \
                     other shapes",
                    variant.ident
                ),
            );
            continue;
        }
        let serde = serde_attrs::field(&variant.attrs);
        if serde.skip || serde.other {
            continue;
        }
        let rust = variant.ident.to_string();
        let wire = match (&serde.rename, container.rename_all) {
            (Some(rename), _) => rename.clone(),
            (None, Some(rule)) => rule.variant(&rust),
            (None, None) => rust.clone(),
        };
        variants.push(EnumVariant {
            rust_name: rust,
            wire_value: wire,
        });
    }
    EnumDef {
        name: name.to_string(),
        docs: schema.description.or_else(|| docs(attrs)),
        variants,
        fallback_variant: "Other".to_owned(),
        source: format!("#[derive] {name}"),
    }
}
