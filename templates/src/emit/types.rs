//! Structs and string enums.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::EmitError;
use super::docs::{Docs, code};
use super::graph::{Graph, Root, TYPE_META_FIELDS, VersionPlan};
use super::paths::{RuntimePath, Scope, ident, type_ref};
use super::resource;
use super::serde_impls::serde_impls;
use crate::ir::{EnumDef, StructDef, TypeDef, TypePath, TypeRef, UnknownFields};
use crate::naming::{self, UniqueNames};

/// What emitting one type needs to know about its surroundings.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    /// The analysed IR.
    pub graph: &'a Graph<'a>,
    /// The version the type belongs to.
    pub plan: &'a VersionPlan<'a>,
    /// The runtime crate path.
    pub runtime: &'a RuntimePath,
    /// Where the type's code sits.
    pub scope: Scope<'a>,
}

/// A struct field as emitted, shared by the struct and its serde mirrors.
#[derive(Clone, Debug)]
pub(crate) struct FieldModel {
    /// The field name.
    pub ident: Ident,
    /// The declared type, `Option` and `Box` included.
    pub ty: TokenStream,
    /// The wire name, when it differs from the Rust name.
    pub rename: Option<String>,
    /// Absent on the wire when `None`.
    pub skip_none: bool,
    /// The declared type is an `Option` (optional, or required but nullable).
    pub optional: bool,
    /// Filled with its `Default` when absent (root metadata).
    pub default: bool,
    /// Holds the properties the schema does not declare.
    pub flatten: bool,
    /// Deserializer reading `null` as empty, for required lists and maps (Go's decoder does).
    pub null_as_default: Option<String>,
    /// Serializer for a field holding objects of a kind (`volumeClaimTemplates`):
    /// Kubernetes writes embedded objects without `apiVersion` and `kind`.
    pub embedded_kind: Option<String>,
    /// The field's docs.
    pub docs: Docs,
}

/// The fields of a struct as emitted: `apiVersion`/`kind` dropped from roots, root
/// metadata made a plain `ObjectMeta`, the unknown-properties map appended.
pub(crate) fn field_models(
    def: &StructDef,
    root: Option<&Root<'_>>,
    ctx: &Ctx<'_>,
) -> Result<Vec<FieldModel>, EmitError> {
    let mut models = Vec::new();
    for field in &def.fields {
        let type_meta = TYPE_META_FIELDS.contains(&field.wire_name.as_str());
        if root.is_some() && type_meta {
            continue;
        }
        let mut docs = Docs::new();
        docs.text(field.docs.as_deref());
        if let Some(default) = &field.default {
            if let Ok(json) = serde_json::to_string(default) {
                docs.line(format!("Defaults to {} on the server.", code(&json)));
            }
        }
        let is_metadata = root.is_some_and(|root| std::ptr::eq(root.metadata, field));
        let (ty, skip_none, default) = if is_metadata {
            // The object always has metadata; absent on the wire means empty.
            (ctx.runtime.item("meta::v1::ObjectMeta")?, false, true)
        } else {
            let mut ty = type_ref(&field.ty, &ctx.scope, ctx.runtime)?;
            if field.boxed {
                ty = quote!(Box<#ty>);
            }
            if field.is_optional() {
                ty = quote!(Option<#ty>);
            }
            // Required but nullable stays without `default` and serializes `null`.
            (ty, !field.required, false)
        };
        let embedded_kind = match &field.ty {
            TypeRef::Named(path) if !field.boxed && ctx.graph.is_root(path) => Some(""),
            TypeRef::Array(item) => match item.as_ref() {
                TypeRef::Named(path) if ctx.graph.is_root(path) => Some("_vec"),
                _ => None,
            },
            _ => None,
        }
        .filter(|_| root.is_none() && !is_metadata)
        .map(|shape| {
            let optional = if field.is_optional() { "_option" } else { "" };
            format!(
                "{}::resource::embedded::serialize{optional}{shape}",
                ctx.runtime.display()
            )
        });
        let null_as_default = (!field.is_optional()
            && !is_metadata
            && !field.boxed
            && matches!(field.ty, TypeRef::Array(_) | TypeRef::Map(_)))
        .then(|| format!("{}::serde_null::null_as_default", ctx.runtime.display()));
        models.push(FieldModel {
            null_as_default,
            optional: !is_metadata && field.is_optional(),
            ident: ident(&field.rust_name, "field name")?,
            ty,
            rename: (naming::unraw(&field.rust_name) != field.wire_name)
                .then(|| field.wire_name.clone()),
            skip_none,
            default,
            flatten: false,
            embedded_kind,
            docs,
        });
    }

    let (value, reason) = match &def.unknown_fields {
        UnknownFields::Drop => return Ok(models),
        UnknownFields::Preserve => (quote!(serde_json::Value), "it preserves unknown fields"),
        UnknownFields::Typed(ty) => (
            type_ref(ty, &ctx.scope, ctx.runtime)?,
            "its `additionalProperties` allows them",
        ),
    };
    let mut names = UniqueNames::new();
    for field in &def.fields {
        names.reserve(naming::unraw(&field.rust_name));
    }
    let name = names.claim("additional_properties");
    let mut docs = Docs::new();
    docs.line(format!(
        "Properties the schema does not declare, kept because {reason}."
    ));
    models.push(FieldModel {
        ident: ident(&name, "unknown-fields field")?,
        ty: quote!(std::collections::BTreeMap<String, #value>),
        rename: None,
        skip_none: false,
        optional: false,
        default: false,
        flatten: true,
        null_as_default: None,
        embedded_kind: None,
        docs,
    });
    Ok(models)
}

/// One generated type with its impls.
pub(crate) fn type_tokens(def: &TypeDef, ctx: &Ctx<'_>) -> Result<TokenStream, EmitError> {
    match def {
        TypeDef::Struct(def) => struct_tokens(def, ctx),
        TypeDef::Enum(def) => enum_tokens(def),
    }
}

fn struct_tokens(def: &StructDef, ctx: &Ctx<'_>) -> Result<TokenStream, EmitError> {
    let root = ctx.plan.root(&def.name);
    let fields = field_models(def, root, ctx)?;
    let name = ident(&def.name, "type name")?;
    let path = TypePath {
        group_module: ctx.plan.group.module.clone(),
        version_module: ctx.plan.version.module.clone(),
        name: def.name.clone(),
    };
    let mut derives = vec![quote!(Clone), quote!(Debug)];
    if ctx.graph.is_default(&path) {
        derives.push(quote!(Default));
    }
    derives.push(quote!(PartialEq));
    let docs = match root {
        Some(root) => resource::root_docs(root, ctx.plan),
        None => {
            let mut docs = Docs::new();
            docs.text(def.docs.as_deref());
            docs
        }
    };
    let docs = docs.outer();
    let decls = fields.iter().map(|field| {
        let FieldModel { ident, ty, .. } = field;
        let docs = field.docs.outer();
        quote!(#docs pub #ident: #ty,)
    });
    let mut impls = serde_impls(&name, root.is_some(), &fields, ctx.runtime)?;
    if let Some(root) = root {
        impls.extend(resource::root_impls(root, ctx)?);
    }
    Ok(quote! {
        #docs
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#decls)*
        }
        #impls
    })
}

fn enum_tokens(def: &EnumDef) -> Result<TokenStream, EmitError> {
    let name = ident(&def.name, "type name")?;
    let fallback = ident(&def.fallback_variant, "fallback variant")?;
    let mut docs = Docs::new();
    docs.text(def.docs.as_deref());
    let docs = docs.outer();
    let variants = def
        .variants
        .iter()
        .map(|variant| {
            Ok((
                ident(&variant.rust_name, "enum variant")?,
                variant.wire_value.as_str(),
            ))
        })
        .collect::<Result<Vec<_>, EmitError>>()?;
    let decls = variants.iter().map(|(variant, wire)| {
        let doc = if wire.is_empty() {
            " The empty string.".to_owned()
        } else {
            format!(" {}", code(wire))
        };
        quote!(#[doc = #doc] #variant,)
    });
    let to_str = variants
        .iter()
        .map(|(variant, wire)| quote!(Self::#variant => #wire,));
    let from_str = variants
        .iter()
        .map(|(variant, wire)| quote!(#wire => Self::#variant,));
    // A match with only the catch-all arm would trip clippy in users' builds.
    let from_body = if variants.is_empty() {
        quote!(Self::#fallback(value))
    } else {
        quote! {
            match value.as_str() {
                #(#from_str)*
                _ => Self::#fallback(value),
            }
        }
    };
    let fallback_docs = " A value this version of the API does not know; `From` gives known values their own variant.";
    Ok(quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#decls)*
            #[doc = #fallback_docs]
            #fallback(String),
        }

        impl #name {
            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#fallback(value) => value,
                }
            }
        }

        impl std::convert::From<String> for #name {
            fn from(value: String) -> Self {
                #from_body
            }
        }

        impl std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::from(value.to_owned())
            }
        }

        /// The empty string, as Go's zero value for a string enum.
        impl std::default::Default for #name {
            fn default() -> Self {
                Self::from(String::new())
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <String as serde::Deserialize<'de>>::deserialize(deserializer)?;
                Ok(Self::from(value))
            }
        }
    })
}
