//! `#[derive(Resource)]` and `#[derive(KubeSchema)]`: custom resources
//! defined in Rust (use them through `kubegen` with the `derive` feature).
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

mod errors;
mod model;
mod resource;
mod resource_attrs;
mod schema;
mod schema_attrs;
mod serde_attrs;

use proc_macro::TokenStream;

/// Declares a custom resource kind; see the [crate docs](crate).
#[proc_macro_derive(Resource, attributes(resource, schema, serde))]
pub fn derive_resource(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    resource::derive(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `kubegen::schema::KubeSchema` from the type's fields and
/// attributes; see the [crate docs](crate).
#[proc_macro_derive(KubeSchema, attributes(schema, serde))]
pub fn derive_kube_schema(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    schema::derive(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// The runtime crate's path: `#[schema(crate = path)]`, else `::kubegen`.
pub(crate) fn runtime_path(attrs: &[syn::Attribute], errors: &mut errors::Errors) -> syn::Path {
    let mut path = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("schema")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                path = Some(meta.value()?.parse::<syn::Path>()?);
            } else {
                errors::skip_value(&meta)?;
            }
            Ok(())
        });
        errors.take(result);
    }
    path.unwrap_or_else(|| syn::parse_quote!(::kubegen))
}
