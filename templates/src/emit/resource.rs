//! Root kinds: the `Resource` and `Metadata` impls, and serialization that puts
//! `apiVersion` and `kind` on the wire.

use proc_macro2::TokenStream;
use quote::quote;

use super::EmitError;
use super::docs::{Docs, code};
use super::graph::{Root, VersionPlan};
use super::paths::ident;
use super::types::{Ctx, FieldModel};
use crate::ir::{Scope, UnknownFields};
use crate::naming::{self, UniqueNames};

/// The `apiVersion` of a group-version: just the version for the core group.
pub(crate) fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    }
}

/// The docs of a root struct: the kind's docs (or the schema's), then a summary line.
pub(crate) fn root_docs(root: &Root<'_>, plan: &VersionPlan<'_>) -> Docs {
    let resource = root.resource;
    let mut docs = Docs::new();
    docs.text(resource.docs.as_deref().or(root.def.docs.as_deref()));
    let scope = match resource.scope {
        Scope::Namespaced => "namespaced",
        Scope::Cluster => "cluster-scoped",
    };
    docs.line(format!(
        "{} {}, {scope}, plural {}.",
        code(&api_version(&plan.group.name, &plan.version.name)),
        code(&resource.kind),
        code(&resource.plural),
    ));
    if resource.deprecated {
        match &resource.deprecation_warning {
            Some(warning) => docs.text(Some(&format!("Deprecated: {warning}"))),
            None => docs.line("Deprecated: this version of the kind is deprecated."),
        };
    }
    docs
}

/// Names for the helpers inside the hand-written impls that cannot clash with
/// the version's types (an inner item cannot see the generic of its fn, so a type
/// named `S` would break `S: Serializer`).
struct Helpers {
    wire: proc_macro2::Ident,
    ser: proc_macro2::Ident,
    de: proc_macro2::Ident,
}

fn helpers(plan: &VersionPlan<'_>) -> Result<Helpers, EmitError> {
    let mut names = UniqueNames::new();
    for def in &plan.version.types {
        names.reserve(def.name());
    }
    Ok(Helpers {
        wire: ident(&names.claim("Wire"), "helper name")?,
        ser: ident(&names.claim("S"), "helper name")?,
        de: ident(&names.claim("D"), "helper name")?,
    })
}

/// `Serialize` (and, with an unknown-properties map, `Deserialize`), `Resource`
/// and `Metadata` for a root struct whose fields are `fields`.
pub(crate) fn root_impls(
    root: &Root<'_>,
    fields: &[FieldModel],
    ctx: &Ctx<'_>,
) -> Result<TokenStream, EmitError> {
    let name = ident(&root.def.name, "type name")?;
    let helpers = helpers(ctx.plan)?;
    let resource_trait = ctx.runtime.item("Resource")?;
    let mut out = serialize_impl(&name, fields, &helpers, &resource_trait)?;
    if root.def.unknown_fields != UnknownFields::Drop {
        out.extend(deserialize_impl(&name, fields, &helpers)?);
    }
    out.extend(resource_impl(root, ctx)?);

    let metadata_trait = ctx.runtime.item("Metadata")?;
    let object_meta = ctx.runtime.item("meta::v1::ObjectMeta")?;
    let metadata = ident(&root.metadata.rust_name, "field name")?;
    out.extend(quote! {
        impl #metadata_trait for #name {
            fn metadata(&self) -> &#object_meta {
                &self.#metadata
            }

            fn metadata_mut(&mut self) -> &mut #object_meta {
                &mut self.#metadata
            }
        }
    });
    Ok(out)
}

/// Field names for `apiVersion` and `kind` in a mirror, clear of the real fields.
fn type_meta_names(
    fields: &[FieldModel],
    base: [&str; 2],
) -> Result<[proc_macro2::Ident; 2], EmitError> {
    let mut names = UniqueNames::new();
    for field in fields {
        names.reserve(naming::unraw(&field.ident.to_string()));
    }
    let [api_version, kind] = base;
    Ok([
        ident(&names.claim(api_version), "helper field")?,
        ident(&names.claim(kind), "helper field")?,
    ])
}

/// Serializes through a mirror of references so the wire starts with
/// `apiVersion` and `kind`, which the struct does not store.
fn serialize_impl(
    name: &proc_macro2::Ident,
    fields: &[FieldModel],
    helpers: &Helpers,
    resource_trait: &TokenStream,
) -> Result<TokenStream, EmitError> {
    let Helpers { wire, ser, .. } = helpers;
    let [api_version, kind] = type_meta_names(fields, ["api_version", "kind"])?;
    let decls = fields.iter().map(|field| {
        let FieldModel { ident, ty, .. } = field;
        let attrs = field.ser_attrs();
        quote!(#attrs #ident: &'a #ty,)
    });
    let inits = fields.iter().map(|field| {
        let ident = &field.ident;
        quote!(#ident: &self.#ident,)
    });
    Ok(quote! {
        impl serde::Serialize for #name {
            fn serialize<#ser: serde::Serializer>(&self, serializer: #ser) -> Result<#ser::Ok, #ser::Error> {
                #[derive(serde::Serialize)]
                struct #wire<'a> {
                    #[serde(rename = "apiVersion")]
                    #api_version: &'a str,
                    #[serde(rename = "kind")]
                    #kind: &'a str,
                    #(#decls)*
                }

                let wire = #wire {
                    #api_version: <Self as #resource_trait>::API_VERSION,
                    #kind: <Self as #resource_trait>::KIND,
                    #(#inits)*
                };
                serde::Serialize::serialize(&wire, serializer)
            }
        }
    })
}

/// Deserializes through an owned mirror that takes `apiVersion` and `kind`
/// itself, so the unknown-properties map never sees them.
fn deserialize_impl(
    name: &proc_macro2::Ident,
    fields: &[FieldModel],
    helpers: &Helpers,
) -> Result<TokenStream, EmitError> {
    let Helpers { wire, de, .. } = helpers;
    // The leading underscore keeps the never-read fields clear of `dead_code`.
    let [api_version, kind] = type_meta_names(fields, ["_api_version", "_kind"])?;
    let decls = fields.iter().map(|field| {
        let FieldModel { ident, ty, .. } = field;
        let attrs = field.de_attrs();
        quote!(#attrs #ident: #ty,)
    });
    let moves = fields.iter().map(|field| {
        let ident = &field.ident;
        quote!(#ident: wire.#ident,)
    });
    Ok(quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<#de: serde::Deserializer<'de>>(deserializer: #de) -> Result<Self, #de::Error> {
                #[derive(serde::Deserialize)]
                struct #wire {
                    #[serde(rename = "apiVersion")]
                    #api_version: Option<serde::de::IgnoredAny>,
                    #[serde(rename = "kind")]
                    #kind: Option<serde::de::IgnoredAny>,
                    #(#decls)*
                }

                let wire = <#wire as serde::Deserialize<'de>>::deserialize(deserializer)?;
                Ok(Self {
                    #(#moves)*
                })
            }
        }
    })
}

fn resource_impl(root: &Root<'_>, ctx: &Ctx<'_>) -> Result<TokenStream, EmitError> {
    let name = ident(&root.def.name, "type name")?;
    let resource = root.resource;
    let group = &ctx.plan.group.name;
    let version = &ctx.plan.version.name;
    let api_version = api_version(group, version);
    let resource_trait = ctx.runtime.item("Resource")?;
    let scope = ctx.runtime.item(match resource.scope {
        Scope::Namespaced => "Scope::Namespaced",
        Scope::Cluster => "Scope::Cluster",
    })?;
    let scope_type = ctx.runtime.item("Scope")?;
    let kind = &resource.kind;
    let list_kind = &resource.list_kind;
    let plural = &resource.plural;
    let singular = &resource.singular;
    let short_names = &resource.short_names;
    let categories = &resource.categories;
    // The trait's default (`true`) is what custom resources need; only built-ins say otherwise.
    let untyped_items = (!resource.typed_list_items).then(|| {
        quote! {
            const TYPED_LIST_ITEMS: bool = false;
        }
    });
    Ok(quote! {
        impl #resource_trait for #name {
            const GROUP: &'static str = #group;
            const VERSION: &'static str = #version;
            const API_VERSION: &'static str = #api_version;
            const KIND: &'static str = #kind;
            const LIST_KIND: &'static str = #list_kind;
            const PLURAL: &'static str = #plural;
            const SINGULAR: &'static str = #singular;
            const SCOPE: #scope_type = #scope;
            const SHORT_NAMES: &'static [&'static str] = &[#(#short_names),*];
            const CATEGORIES: &'static [&'static str] = &[#(#categories),*];
            #untyped_items
        }
    })
}
