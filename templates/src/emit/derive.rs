//! Tokens for a kind declared with `#[derive(Resource)]`: the same root
//! struct, serde impls, `Resource`/`Metadata` impls and client verb markers
//! that a generated kind gets, emitted into the user's module instead of a
//! generated file. (The clientset and informer factory are per crate; a
//! derived kind is used through `ResourceClient<Kind>` and
//! `SharedInformerFactory::informer_for::<Kind>()`, which the markers enable.)

use proc_macro2::TokenStream;

use super::EmitError;
use super::clients::kind_verbs;
use super::graph::{self, Root};
use super::paths::{RuntimePath, Scope, ident};
use super::resource::root_impls;
use super::serde_impls::serde_impls;
use super::types::{Ctx, field_models, type_tokens};
use crate::ir::Api;

/// What the derive needs emitted for the one kind of `api`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootShape {
    /// The kind's struct does not exist yet (the derive sits on the spec):
    /// declare it, with its serde and `Resource`/`Metadata` impls.
    Declare,
    /// The struct exists (the derive sits on it): only the impls. An
    /// optional IR field is an `Option` unless its Rust name is in
    /// `defaulted` (a plain type that reads as its `Default` when absent).
    ImplsOnly {
        /// Rust names of the optional fields that are not `Option`s.
        defaulted: Vec<String>,
    },
}

/// The code of the single kind in `api` (one group, one version, one
/// resource), with the runtime crate at `runtime_crate`.
pub fn resource_tokens(
    api: &Api,
    runtime_crate: &str,
    shape: &RootShape,
) -> Result<TokenStream, EmitError> {
    let graph = graph::analyze(api)?;
    let runtime = RuntimePath::parse(runtime_crate)?;
    let plan = match graph.versions.as_slice() {
        [plan] => plan,
        _ => return Err(single("the IR does not hold exactly one group-version")),
    };
    let root: &Root<'_> = match plan.roots.as_slice() {
        [root] => root,
        _ => return Err(single("the version does not hold exactly one kind")),
    };
    let ctx = Ctx {
        graph: &graph,
        plan,
        runtime: &runtime,
        scope: Scope {
            group_module: &plan.group.module,
            version_module: &plan.version.module,
            depth: 0,
            local: None,
        },
    };
    let mut out = match shape {
        RootShape::Declare => type_tokens(root.type_def, &ctx)?,
        RootShape::ImplsOnly { defaulted } => {
            let name = ident(&root.def.name, "type name")?;
            let mut fields = field_models(root.def, Some(root), &ctx)?;
            for field in &mut fields {
                if defaulted.contains(&field.ident.to_string()) {
                    field.default = true;
                    field.optional = false;
                    field.skip_none = false;
                }
            }
            let mut out = serde_impls(&name, true, &fields, &runtime)?;
            out.extend(root_impls(root, &ctx)?);
            out
        }
    };
    // The same verb markers `group_version_clients!` gives a generated kind;
    // the runtime macro expands to nothing when the client is not compiled.
    let name = ident(&root.def.name, "type name")?;
    let verbs = kind_verbs(root.resource)?;
    let derived_verbs = runtime.item("__derived_verbs")?;
    out.extend(quote::quote! {
        #derived_verbs! { #name [#(#verbs)*] }
    });
    Ok(out)
}

fn single(problem: &str) -> EmitError {
    EmitError::InvalidRoot {
        kind: String::new(),
        group_version: String::new(),
        problem: problem.to_owned(),
    }
}
