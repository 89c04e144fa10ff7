//! Root kinds: the `Resource` and `Metadata` impls, and serialization that puts
//! `apiVersion` and `kind` on the wire.

use proc_macro2::TokenStream;
use quote::quote;

use super::EmitError;
use super::docs::{Docs, code};
use super::graph::{Root, VersionPlan};
use super::paths::ident;
use super::types::Ctx;
use crate::ir::Scope;

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
pub(crate) fn root_impls(root: &Root<'_>, ctx: &Ctx<'_>) -> Result<TokenStream, EmitError> {
    let name = ident(&root.def.name, "type name")?;
    let mut out = resource_impl(root, ctx)?;

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
