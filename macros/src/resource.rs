//! `#[derive(Resource)]`: the kind's IR (resource + root struct), the code
//! the templates emit for it, and `Kind::crd()`.

use std::collections::BTreeMap;

use kubegen_templates::emit::derive::{RootShape, resource_tokens};
use kubegen_templates::ir::{
    Api, Field, Group, Resource, StructDef, Subresources, TypeDef, TypeRef, Version, WellKnown,
};
use kubegen_templates::naming;
use kubegen_templates::openapi::{self, SchemaOptions};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use serde_json::Value;

use crate::errors::{Errors, docs};
use crate::model;
use crate::resource_attrs::{self, ResourceAttrs};
use crate::schema::{add_flattened, fill_call};

/// The derive's entry point.
pub(crate) fn derive(input: syn::DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let name = &input.ident;
    let fields = match &input.data {
        syn::Data::Struct(syn::DataStruct {
            fields: syn::Fields::Named(fields),
            ..
        }) => Some(fields),
        _ => {
            errors.at(
                name.span(),
                "#[derive(Resource)] needs a struct with named fields: the spec (`WidgetSpec`) \
                 or the whole object (with `metadata`)",
            );
            None
        }
    };
    if !input.generics.params.is_empty() {
        errors.at(
            name.span(),
            "#[derive(Resource)] does not support generic types",
        );
    }
    let whole_object = fields.is_some_and(|fields| {
        fields.named.iter().any(|field| {
            field
                .ident
                .as_ref()
                .is_some_and(|ident| ident == "metadata")
        })
    });
    let attrs = resource_attrs::parse(&input.attrs, !whole_object, &mut errors);
    let Some(fields) = fields else {
        return Err(errors
            .finish()
            .err()
            .unwrap_or_else(|| syn::Error::new(name.span(), "unsupported item")));
    };
    let kubegen = attrs
        .kubegen
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::kubegen));
    let kubegen_api = attrs
        .kubegen_api
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::kubegen_api));

    let mut external = BTreeMap::new();
    let mut flattened = Vec::new();
    let (root_name, mut root, shape) = if whole_object {
        let mut model = model::struct_model(name, &input.attrs, fields, true, &mut errors);
        if let Some(metadata) = &model.metadata {
            let is_meta = matches!(&metadata.ty, syn::Type::Path(path)
                if path.path.segments.last().is_some_and(|s| s.ident == "ObjectMeta"));
            if !is_meta {
                errors.at(
                    syn::spanned::Spanned::span(&metadata.ty),
                    "`metadata` must be a kubegen::ObjectMeta (not an Option)",
                );
            }
        }
        if let Some(status) = &attrs.status {
            errors.at(
                syn::spanned::Spanned::span(status),
                "`status = Type` is for a derive on the spec; this struct is the whole object, \
                 so give it a `status` field instead",
            );
        }
        let flattens = !model.flattened.is_empty()
            || model.def.unknown_fields != kubegen_templates::ir::UnknownFields::Drop;
        if flattens || !model.skipped.is_empty() {
            errors.at(
                model.skipped.first().map_or(name.span(), syn::Ident::span),
                "#[serde(flatten)] and #[serde(skip)] are not supported on a whole object \
                 (its serde impls are generated); put such fields in the spec",
            );
        }
        if attrs.struct_name.is_some() || !attrs.derives.is_empty() {
            errors.at(
                attrs.span,
                "`struct = ...` and `derive = ...` are about the struct a derive on a spec \
                 declares; this struct is the whole object already",
            );
        }
        let metadata_rust = model
            .metadata
            .as_ref()
            .and_then(|field| field.ident.as_ref())
            .map_or_else(|| "metadata".to_owned(), ToString::to_string);
        model.def.fields.insert(0, metadata_field(&metadata_rust));
        if model.def.docs.is_none() {
            model.def.docs = attrs.docs.clone();
        }
        external = model.external;
        flattened = model.flattened;
        let kind = attrs
            .kind
            .as_ref()
            .map_or_else(|| name.to_string(), |(kind, _)| kind.clone());
        let shape = RootShape::ImplsOnly {
            defaulted: model.defaulted,
        };
        (name.to_string(), (kind, model.def), shape)
    } else {
        let kind = attrs
            .kind
            .as_ref()
            .map_or_else(|| "Unknown".to_owned(), |(kind, _)| kind.clone());
        let spec_ty: syn::Type = syn::parse_quote!(#name);
        let spec = spec_ty.to_token_stream().to_string();
        external.insert(spec.clone(), spec_ty);
        let mut root_fields = vec![
            metadata_field("metadata"),
            Field {
                rust_name: "spec".to_owned(),
                wire_name: "spec".to_owned(),
                docs: None,
                ty: TypeRef::External(spec),
                required: true,
                nullable: false,
                boxed: false,
                default: None,
                schema: Default::default(),
            },
        ];
        if let Some(status) = &attrs.status {
            let text = status.to_token_stream().to_string();
            external.insert(text.clone(), status.clone());
            root_fields.push(Field {
                rust_name: "status".to_owned(),
                wire_name: "status".to_owned(),
                docs: None,
                ty: TypeRef::External(text),
                required: false,
                nullable: false,
                boxed: false,
                default: None,
                schema: Default::default(),
            });
        }
        let root_name = attrs.struct_name.clone().unwrap_or_else(|| kind.clone());
        let def = StructDef {
            name: root_name.clone(),
            docs: attrs.docs.clone().or_else(|| docs(&input.attrs)),
            fields: root_fields,
            source: format!("#[derive(Resource)] {name}"),
            ..StructDef::default()
        };
        (root_name, (kind, def), RootShape::Declare)
    };
    errors.finish()?;
    root.1
        .schema
        .validations
        .rules
        .extend(attrs.rules.iter().cloned());
    let has_status = root
        .1
        .fields
        .iter()
        .any(|field| field.wire_name == "status");
    let api = api(&attrs, &root_name, &root.0, root.1, has_status);

    let runtime = kubegen.to_token_stream().to_string().replace(' ', "");
    let mut code = resource_tokens(&api, &runtime, &shape)
        .map_err(|error| syn::Error::new(attrs.span, error.to_string()))?;
    if shape == RootShape::Declare {
        code = adjust_root(code, &input.vis, &attrs.derives)?;
    }
    let crd = crd_fn(
        &api,
        &attrs,
        &root_name,
        &external,
        &flattened,
        &kubegen,
        &kubegen_api,
    )?;
    Ok(quote! { #code #crd })
}

fn metadata_field(rust_name: &str) -> Field {
    Field {
        rust_name: rust_name.to_owned(),
        wire_name: "metadata".to_owned(),
        docs: Some("Standard object's metadata.".to_owned()),
        ty: TypeRef::WellKnown(WellKnown::ObjectMeta),
        required: false,
        nullable: false,
        boxed: false,
        default: None,
        schema: Default::default(),
    }
}

/// English plurals the way kubebuilder and kube-rs make them from a kind.
pub(crate) fn plural(singular: &str) -> String {
    let consonant_y = singular.ends_with('y')
        && !singular.ends_with("ay")
        && !singular.ends_with("ey")
        && !singular.ends_with("oy")
        && !singular.ends_with("uy");
    if consonant_y {
        format!("{}ies", &singular[..singular.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|end| singular.ends_with(end))
    {
        format!("{singular}es")
    } else {
        format!("{singular}s")
    }
}

fn api(attrs: &ResourceAttrs, type_name: &str, kind: &str, root: StructDef, status: bool) -> Api {
    let group = attrs.group.clone().unwrap_or_default();
    let version = attrs.version.clone().unwrap_or_default();
    let singular = attrs
        .singular
        .clone()
        .unwrap_or_else(|| kind.to_lowercase());
    let plural = attrs.plural.clone().unwrap_or_else(|| plural(&singular));
    let group_module = naming::group_module(&group);
    let version_module = naming::version_module(&version);
    let resource = Resource {
        kind: kind.to_owned(),
        list_kind: format!("{kind}List"),
        plural,
        singular,
        short_names: attrs.short_names.clone(),
        categories: attrs.categories.clone(),
        scope: attrs.scope,
        verbs: Resource::STANDARD_VERBS
            .iter()
            .map(|v| (*v).to_owned())
            .collect(),
        subresources: Subresources {
            status,
            scale: attrs.scale.clone(),
            other: Vec::new(),
        },
        printer_columns: attrs.printer_columns.clone(),
        selectable_fields: attrs.selectable.clone(),
        storage: attrs.storage,
        served: attrs.served,
        deprecated: attrs.deprecated,
        deprecation_warning: attrs.deprecation_warning.clone(),
        typed_list_items: true,
        type_name: type_name.to_owned(),
        docs: root.docs.clone(),
    };
    Api {
        groups: vec![Group {
            name: group,
            module: group_module.clone(),
            versions: vec![Version {
                feature: naming::feature_name(&group_module, &version_module),
                name: version,
                module: version_module,
                resources: vec![resource],
                types: vec![TypeDef::Struct(root)],
                sources: Vec::new(),
            }],
        }],
        dependencies: Vec::new(),
    }
}

/// The declared root takes the spec's visibility (the templates write `pub`,
/// which would leak a private spec type) and the extra derives asked for.
fn adjust_root(
    code: TokenStream,
    vis: &syn::Visibility,
    derives: &[syn::Path],
) -> syn::Result<TokenStream> {
    let mut file: syn::File = syn::parse2(code)?;
    for item in &mut file.items {
        if let syn::Item::Struct(item) = item {
            item.vis = vis.clone();
            if !derives.is_empty() {
                item.attrs.push(syn::parse_quote!(#[derive(#(#derives),*)]));
            }
            for field in &mut item.fields {
                field.vis = vis.clone();
                // Rust docs only: in the schema the spec's and status' own docs describe them.
                let doc = match field.ident.as_ref().map(ToString::to_string).as_deref() {
                    Some("spec") => " The desired state.",
                    Some("status") => " The observed state.",
                    _ => continue,
                };
                field.attrs.insert(0, syn::parse_quote!(#[doc = #doc]));
            }
        }
    }
    Ok(file.into_token_stream())
}

fn crd_fn(
    api: &Api,
    attrs: &ResourceAttrs,
    root_name: &str,
    external: &BTreeMap<String, syn::Type>,
    flattened: &[String],
    kubegen: &syn::Path,
    kubegen_api: &syn::Path,
) -> syn::Result<TokenStream> {
    let error = |error: openapi::SchemaError| syn::Error::new(attrs.span, error.to_string());
    let mut manifests =
        openapi::crd_manifests(api, SchemaOptions { descriptions: true }).map_err(error)?;
    let Some(mut crd) = manifests.pop() else {
        return Err(syn::Error::new(
            attrs.span,
            "no CustomResourceDefinition came out of the IR",
        ));
    };
    let mut holes = crd.external_types;
    if let Some(schema) = crd
        .manifest
        .pointer_mut("/spec/versions/0/schema/openAPIV3Schema")
    {
        add_flattened(schema, &mut holes, flattened);
    }
    let metadata = &mut crd.manifest["metadata"];
    for (key, pairs) in [
        ("annotations", &attrs.annotations),
        ("labels", &attrs.labels),
    ] {
        if !pairs.is_empty() {
            let map: serde_json::Map<String, Value> = pairs
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            metadata[key] = Value::Object(map);
        }
    }
    let crd_name = crd.manifest["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let fill = fill_call(&crd.manifest, &holes, external, kubegen);
    let root = syn::Ident::new(root_name, proc_macro2::Span::call_site());
    let docs = format!(
        " The `apiextensions.k8s.io/v1` CustomResourceDefinition of this kind (`{crd_name}`), \
         with a structural schema derived from the Rust types.\n\n Fails only when a type \
         contains itself (see `kubegen::schema::SchemaError::Recursive`)."
    );
    Ok(quote! {
        impl #root {
            /// The name of the CustomResourceDefinition: `<plural>.<group>`.
            pub const CRD_NAME: &'static str = #crd_name;

            #[doc = #docs]
            pub fn crd() -> ::core::result::Result<
                #kubegen_api::apiextensions::v1::CustomResourceDefinition,
                #kubegen::crd::CrdError,
            > {
                const NAME: &str = ::core::concat!(::core::module_path!(), "::", #root_name);
                let generator = &mut #kubegen::schema::SchemaGenerator::new();
                let manifest = #fill?;
                #kubegen::crd::from_manifest(manifest)
            }
        }
    })
}
