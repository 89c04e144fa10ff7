//! Names and paths: IR names → identifiers, type references → type tokens.

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::EmitError;
use crate::ir::{TypePath, TypeRef};
use crate::naming;

/// Parses an IR name (raw identifiers such as `r#type` included) into an identifier.
///
/// `Ident::new` panics on bad input; parsing turns that into an error.
pub(crate) fn ident(name: &str, what: &str) -> Result<Ident, EmitError> {
    syn::parse_str::<Ident>(name).map_err(|_| EmitError::InvalidIdent {
        name: name.to_owned(),
        what: what.to_owned(),
    })
}

/// `group::version::Name`, for error messages.
pub(crate) fn display_path(path: &TypePath) -> String {
    format!(
        "{}::{}::{}",
        path.group_module, path.version_module, path.name
    )
}

/// The path of the runtime crate as generated code spells it.
#[derive(Clone)]
pub(crate) struct RuntimePath {
    path: syn::Path,
}

impl RuntimePath {
    /// Parses [`super::EmitOptions::runtime_crate`].
    pub(crate) fn parse(text: &str) -> Result<Self, EmitError> {
        let path = syn::parse_str::<syn::Path>(text)
            .ok()
            .filter(|path| path.segments.iter().all(|s| s.arguments.is_none()))
            .ok_or_else(|| EmitError::InvalidRuntimePath(text.to_owned()))?;
        Ok(RuntimePath { path })
    }

    /// The runtime item at `suffix` (`meta::v1::ObjectMeta`, `Scheme`).
    pub(crate) fn item(&self, suffix: &str) -> Result<TokenStream, EmitError> {
        let path = &self.path;
        let segments = suffix
            .split("::")
            .map(|segment| ident(segment, "runtime item"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(quote!(#path #(:: #segments)*))
    }

    /// The path itself.
    pub(crate) fn tokens(&self) -> TokenStream {
        let path = &self.path;
        quote!(#path)
    }

    /// The path as text, for attributes that take a path string (`serialize_with`).
    pub(crate) fn display(&self) -> String {
        let path = &self.path;
        quote!(#path).to_string().replace(' ', "")
    }

    /// The name cargo knows the runtime by: the first segment of a plain crate path.
    pub(crate) fn crate_name(&self) -> Option<String> {
        let first = self.path.segments.first()?.ident.to_string();
        let relative = ["crate", "self", "super", "Self"].contains(&first.as_str());
        (!relative).then(|| naming::unraw(&first).to_owned())
    }

    /// The same path made immune to a module of the same name at the crate root:
    /// group modules live there, and a group called like the runtime would
    /// otherwise shadow it.
    pub(crate) fn at_root<'a>(&self, modules: impl IntoIterator<Item = &'a str>) -> RuntimePath {
        let mut path = self.path.clone();
        let shadowed = self.crate_name().is_some_and(|name| {
            modules
                .into_iter()
                .any(|module| naming::unraw(module) == name)
        });
        if shadowed && path.leading_colon.is_none() {
            path.leading_colon = Some(Default::default());
        }
        RuntimePath { path }
    }
}

/// Where generated code sits, so that references to other generated types
/// resolve in both layouts without `crate::` (the single file may be included
/// anywhere).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scope<'a> {
    /// The group module the code belongs to.
    pub group_module: &'a str,
    /// The version module the code belongs to.
    pub version_module: &'a str,
    /// How many `super::` lead from the code's module to the module holding the groups.
    pub depth: usize,
    /// The types of this version defined in the code's own module; the rest of the
    /// version is re-exported one level up. `None`: the whole version is local.
    pub local: Option<&'a BTreeSet<String>>,
}

impl Scope<'_> {
    fn named(&self, path: &TypePath) -> Result<TokenStream, EmitError> {
        let name = ident(&path.name, "type name")?;
        if path.group_module == self.group_module && path.version_module == self.version_module {
            let local = self.local.is_none_or(|local| local.contains(&path.name));
            return Ok(if local {
                quote!(#name)
            } else {
                quote!(super::#name)
            });
        }
        let supers = (0..self.depth).map(|_| quote!(super::));
        let group = ident(&path.group_module, "group module")?;
        let version = ident(&path.version_module, "version module")?;
        Ok(quote!(#(#supers)* #group :: #version :: #name))
    }
}

/// The Rust type for a value type, without the `Option`/`Box` a field adds.
pub(crate) fn type_ref(
    ty: &TypeRef,
    scope: &Scope<'_>,
    runtime: &RuntimePath,
) -> Result<TokenStream, EmitError> {
    Ok(match ty {
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::String => quote!(String),
        TypeRef::Bytes => runtime.item("ByteString")?,
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::WellKnown(known) => runtime.item(known.runtime_path())?,
        TypeRef::Array(item) => {
            let item = type_ref(item, scope, runtime)?;
            quote!(Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_ref(value, scope, runtime)?;
            quote!(std::collections::BTreeMap<String, #value>)
        }
        TypeRef::Named(path) => scope.named(path)?,
        TypeRef::External(path) => {
            let parsed = syn::parse_str::<syn::Type>(path).map_err(|error| {
                EmitError::InvalidExternalType {
                    path: path.clone(),
                    message: error.to_string(),
                }
            })?;
            quote!(#parsed)
        }
    })
}

/// Every generated type a value type mentions.
pub(crate) fn named_refs<'t>(ty: &'t TypeRef, out: &mut Vec<&'t TypePath>) {
    match ty {
        TypeRef::Array(inner) | TypeRef::Map(inner) => named_refs(inner, out),
        TypeRef::Named(path) => out.push(path),
        _ => {}
    }
}
