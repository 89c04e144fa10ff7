//! `#[derive(KubeSchema)]`: a type's structural schema, written at compile
//! time through the IR and the templates' OpenAPI writer.

use std::collections::BTreeMap;

use kubegen_templates::ir::{Api, Group, TypeDef, TypePath, Version};
use kubegen_templates::openapi::{self, SchemaOptions};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::errors::{Errors, docs};
use crate::model;
use crate::runtime_path;

/// The derive's entry point.
pub(crate) fn derive(input: syn::DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    if !input.generics.params.is_empty() {
        errors.at(
            input
                .generics
                .params
                .first()
                .map_or(input.ident.span(), syn::spanned::Spanned::span),
            "#[derive(KubeSchema)] does not support generic types; implement \
             kubegen::schema::KubeSchema by hand",
        );
    }
    let kubegen = runtime_path(&input.attrs, &mut errors);
    let name = &input.ident;
    let body = match &input.data {
        syn::Data::Struct(data) => match &data.fields {
            // `#[serde(transparent)]`: the one field is the value on the wire.
            syn::Fields::Named(fields)
                if crate::serde_attrs::container(&input.attrs).transparent
                    && fields.named.len() == 1 =>
            {
                let inner = &fields.named[0].ty;
                quote! { <#inner as #kubegen::schema::KubeSchema>::schema(generator) }
            }
            syn::Fields::Named(fields) => {
                let model = model::struct_model(name, &input.attrs, fields, false, &mut errors);
                let def = TypeDef::Struct(model.def.clone());
                compiled(
                    &def,
                    &model.external,
                    &model.flattened,
                    &kubegen,
                    &mut errors,
                )
            }
            // A newtype is its inner value on the wire (serde's default for one field).
            syn::Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                let inner = &fields.unnamed[0].ty;
                let description = docs(&input.attrs);
                let describe = description.map(|text| {
                    quote! {
                        if let #kubegen::__private::serde_json::Value::Object(object) = &mut schema {
                            object.insert("description".into(), #text.into());
                        }
                    }
                });
                quote! {
                    let mut schema = <#inner as #kubegen::schema::KubeSchema>::schema(generator)?;
                    #describe
                    ::core::result::Result::Ok(schema)
                }
            }
            _ => {
                errors.at(
                    name.span(),
                    "#[derive(KubeSchema)] needs a struct with named fields, a newtype struct \
                     or an enum of unit variants",
                );
                TokenStream::new()
            }
        },
        syn::Data::Enum(data) => {
            let def = TypeDef::Enum(model::enum_model(name, &input.attrs, data, &mut errors));
            compiled(&def, &BTreeMap::new(), &[], &kubegen, &mut errors)
        }
        syn::Data::Union(_) => {
            errors.at(name.span(), "#[derive(KubeSchema)] does not support unions");
            TokenStream::new()
        }
    };
    errors.finish()?;
    Ok(quote! {
        impl #kubegen::schema::KubeSchema for #name {
            fn schema(
                generator: &mut #kubegen::schema::SchemaGenerator,
            ) -> ::core::result::Result<
                #kubegen::__private::serde_json::Value,
                #kubegen::schema::SchemaError,
            > {
                const NAME: &str = ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#name));
                generator.enter(NAME, |generator| { #body })
            }
        }
    })
}

/// An IR holding just `def`, so the templates' writer can walk it.
pub(crate) fn api_of(def: TypeDef) -> (Api, TypePath) {
    let path = TypePath {
        group_module: "derive".to_owned(),
        version_module: "v1".to_owned(),
        name: def.name().to_owned(),
    };
    let api = Api {
        groups: vec![Group {
            name: "derive.kubegen.invalid".to_owned(),
            module: path.group_module.clone(),
            versions: vec![Version {
                name: "v1".to_owned(),
                module: path.version_module.clone(),
                feature: "derive_v1".to_owned(),
                types: vec![def],
                ..Version::default()
            }],
        }],
        dependencies: Vec::new(),
    };
    (api, path)
}

/// The body computing a type's schema: compile-time JSON with placeholders,
/// filled at run time.
fn compiled(
    def: &TypeDef,
    external: &BTreeMap<String, syn::Type>,
    flattened: &[String],
    kubegen: &syn::Path,
    errors: &mut Errors,
) -> TokenStream {
    let (api, path) = api_of(def.clone());
    let options = SchemaOptions { descriptions: true };
    match openapi::structural_schema_with_holes(&api, &path, options) {
        Ok((mut schema, mut holes)) => {
            add_flattened(&mut schema, &mut holes, flattened);
            fill_call(&schema, &holes, external, kubegen)
        }
        Err(error) => {
            errors.at(proc_macro2::Span::call_site(), error);
            TokenStream::new()
        }
    }
}

/// Marks the object so the flattened types' properties are merged into it.
pub(crate) fn add_flattened(schema: &mut Value, holes: &mut Vec<String>, flattened: &[String]) {
    if flattened.is_empty() {
        return;
    }
    let mut indexes = Vec::new();
    for path in flattened {
        indexes.push(Value::from(holes.len()));
        holes.push(path.clone());
    }
    if let Value::Object(object) = schema {
        object.insert("x-kubegen-flatten".to_owned(), Value::Array(indexes));
    }
}

/// `kubegen::schema::fill(NAME, "<json>", generator, &|index, generator| ...)`.
pub(crate) fn fill_call(
    schema: &Value,
    holes: &[String],
    external: &BTreeMap<String, syn::Type>,
    kubegen: &syn::Path,
) -> TokenStream {
    let json = schema.to_string();
    let arms = holes.iter().enumerate().filter_map(|(index, path)| {
        let ty = external.get(path)?;
        let index = index as u64;
        Some(quote! {
            #index => <#ty as #kubegen::schema::KubeSchema>::schema(generator),
        })
    });
    quote! {
        #kubegen::schema::fill(NAME, #json, generator, &|index, generator| match index {
            #(#arms)*
            _ => ::core::result::Result::Err(#kubegen::schema::SchemaError::UnknownType {
                type_name: NAME,
                index,
            }),
        })
    }
}
