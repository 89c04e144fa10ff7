//! The clientset and the informer factory of a generated crate: client-go's
//! `client-gen` and `informer-gen` output, kept thin.
//!
//! For every group-version there is an accessor (`clientset.apps_v1()`) and
//! for every kind a method returning the runtime's typed handle
//! (`.deployments("ns")` → `kubegen::clientset::ResourceClient<Deployment>`,
//! `informers.apps_v1().deployments()` → `kubegen::cache::ResourceInformer<Deployment>`).
//! Which operations a kind has comes from the IR's verbs and subresources, as
//! one empty marker-trait impl per verb; the operations themselves are written
//! once in the runtime.

use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use super::EmitError;
use super::graph::{Graph, Root, VersionPlan};
use super::paths::{RuntimePath, ident};
use super::resource::api_version;
use crate::ir::{Resource, Scope};
use crate::naming::{self, UniqueNames};

/// The verbs that have a marker trait in the runtime, by their API name.
const VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];

/// The method name of a kind's accessor: the snake-case kind with the
/// plural's ending (`NetworkPolicy` + `networkpolicies` → `network_policies`),
/// or the plural itself when it is not the kind's plural form.
pub(crate) fn accessor_name(kind: &str, plural: &str) -> String {
    let snake = kind.to_snake_case();
    let lower: String = snake.chars().filter(|c| *c != '_').collect();
    let common = lower
        .chars()
        .zip(plural.chars())
        .take_while(|(a, b)| a == b)
        .count();
    // Only a shared stem of most of the kind makes the plural a form of it.
    if common == 0 || common + 3 < lower.chars().count() {
        return naming::field_name(plural);
    }
    let mut out = String::new();
    let mut taken = 0;
    for c in snake.chars() {
        if taken == common {
            break;
        }
        out.push(c);
        if c != '_' {
            taken += 1;
        }
    }
    out.push_str(
        &plural[plural
            .char_indices()
            .nth(common)
            .map_or(plural.len(), |(i, _)| i)..],
    );
    naming::field_name(&out)
}

/// `apps_v1`, `core_v1`, `example_com_v1`: the accessor of a group-version.
fn version_accessor(plan: &VersionPlan<'_>) -> String {
    naming::field_name(&format!(
        "{}_{}",
        naming::unraw(&plan.group.module),
        naming::unraw(&plan.version.module)
    ))
}

/// The tokens of the clients module; `features` puts each version behind its feature.
pub(crate) fn clients_tokens(
    graph: &Graph<'_>,
    runtime: &RuntimePath,
    features: bool,
) -> Result<TokenStream, EmitError> {
    // Through a short alias: the runtime's path may be long (a facade crate's
    // module), and long paths break lines where prettyplease and rustfmt differ.
    let root = runtime.tokens();
    let runtime = &RuntimePath::parse("runtime")?;
    let client = runtime.item("Client")?;
    let config = runtime.item("Config")?;
    let result = runtime.item("Result")?;
    let factory = runtime.item("cache::SharedInformerFactory")?;
    let group_version_clients = runtime.item("group_version_clients")?;

    let mut type_names = UniqueNames::new();
    type_names.reserve("Clientset");
    type_names.reserve("InformerFactory");
    let mut version_methods = UniqueNames::new();
    for reserved in ["new", "from_client", "client", "from_factory", "factory"] {
        version_methods.reserve(reserved);
    }

    let mut clientset_methods = Vec::new();
    let mut factory_methods = Vec::new();
    let mut items = Vec::new();
    for plan in &graph.versions {
        if plan.roots.is_empty() {
            continue;
        }
        let feature = &plan.version.feature;
        let cfg = features.then(|| quote!(#[cfg(feature = #feature)]));
        let stem = format!(
            "{}{}",
            naming::unraw(&plan.group.module).to_pascal_case(),
            naming::unraw(&plan.version.module).to_pascal_case()
        );
        let client_type = ident(&type_names.claim(&format!("{stem}Client")), "client type")?;
        let informers_type = ident(
            &type_names.claim(&format!("{stem}Informers")),
            "informers type",
        )?;
        let accessor = ident(&version_methods.claim(&version_accessor(plan)), "accessor")?;
        let gv = api_version(&plan.group.name, &plan.version.name);
        let client_doc = format!(" Clients of the kinds of `{gv}`.");
        let informers_doc = format!(" Shared informers of the kinds of `{gv}`.");
        clientset_methods.push(quote! {
            #[doc = #client_doc]
            #cfg
            pub fn #accessor(&self) -> #client_type {
                #client_type::new(self.client.clone())
            }
        });
        factory_methods.push(quote! {
            #[doc = #informers_doc]
            #cfg
            pub fn #accessor(&self) -> #informers_type {
                #informers_type::new(self.factory.clone())
            }
        });

        let mut entries = Vec::new();
        let mut names = UniqueNames::new();
        names.reserve("new");
        for root in &plan.roots {
            let ty = root_path(plan, root)?;
            let resource = root.resource;
            let method = ident(
                &names.claim(&accessor_name(&resource.kind, &resource.plural)),
                "accessor",
            )?;
            let plural = &resource.plural;
            let scope = match resource.scope {
                Scope::Namespaced => quote!(namespaced),
                Scope::Cluster => quote!(cluster),
            };
            let verbs = kind_verbs(resource)?;
            let informer =
                (resource.supports("list") && resource.supports("watch")).then(|| quote!(informer));
            entries.push(quote!(#method: #plural #scope #ty [#(#verbs)*] #informer));
        }
        items.push(quote! {
            #cfg
            #group_version_clients! {
                #client_type, #informers_type, #gv {
                    #(#entries,)*
                }
            }
        });
    }

    Ok(quote! {
        use #root as runtime;

        /// Typed clients for every group-version of this crate: client-go's clientset.
        #[derive(Clone, Debug)]
        pub struct Clientset {
            client: #client,
        }

        impl Clientset {
            /// A clientset for a configuration.
            pub fn new(config: #config) -> #result<Clientset> {
                Ok(Clientset { client: #client::new(config)? })
            }

            /// A clientset sharing an existing client.
            pub fn from_client(client: #client) -> Clientset {
                Clientset { client }
            }

            /// The client underneath.
            pub fn client(&self) -> &#client {
                &self.client
            }

            #(#clientset_methods)*
        }

        /// Shared informers for every kind of this crate: client-go's informer factory.
        /// Ask for informers, then `factory().start()` and `factory().wait_for_cache_sync()`.
        #[derive(Clone, Debug)]
        pub struct InformerFactory {
            factory: #factory,
        }

        impl InformerFactory {
            /// A factory watching all namespaces with the default settings.
            pub fn new(client: #client) -> InformerFactory {
                InformerFactory { factory: #factory::new(client) }
            }

            /// Typed accessors over a configured factory (namespace, selectors, resync),
            /// which other crates' informer factories may share.
            pub fn from_factory(factory: #factory) -> InformerFactory {
                InformerFactory { factory }
            }

            /// The generic factory: `start`, `wait_for_cache_sync`, `shutdown`, `for_resource`.
            pub fn factory(&self) -> &#factory {
                &self.factory
            }

            #(#factory_methods)*
        }

        #(#items)*
    })
}

/// The marker verbs of a kind, as `group_version_clients!` takes them: its
/// API verbs, then `status` and `scale` for its subresources.
pub(crate) fn kind_verbs(resource: &Resource) -> Result<Vec<TokenStream>, EmitError> {
    let mut verbs: Vec<TokenStream> = Vec::new();
    for verb in VERBS {
        if resource.supports(verb) {
            verbs.push(ident(verb, "verb")?.into_token_stream());
        }
    }
    if resource.subresources.status {
        verbs.push(quote!(status));
    }
    if resource.subresources.scale.is_some() {
        verbs.push(quote!(scale));
    }
    Ok(verbs)
}

/// `super::apps::v1::Deployment`: the clients module sits beside the group
/// modules, in a crate's root and in a single file alike.
fn root_path(plan: &VersionPlan<'_>, root: &Root<'_>) -> Result<TokenStream, EmitError> {
    let group = ident(&plan.group.module, "group module")?;
    let version = ident(&plan.version.module, "version module")?;
    let name = ident(&root.def.name, "type name")?;
    Ok(quote!(super::#group::#version::#name))
}

#[cfg(test)]
mod tests {
    use super::accessor_name;

    #[test]
    fn accessors_are_snake_case_plurals() {
        assert_eq!(accessor_name("Deployment", "deployments"), "deployments");
        assert_eq!(
            accessor_name("NetworkPolicy", "networkpolicies"),
            "network_policies"
        );
        assert_eq!(accessor_name("Endpoints", "endpoints"), "endpoints");
        assert_eq!(
            accessor_name("HorizontalPodAutoscaler", "horizontalpodautoscalers"),
            "horizontal_pod_autoscalers"
        );
        assert_eq!(accessor_name("APIService", "apiservices"), "api_services");
        assert_eq!(accessor_name("Foo", "bars"), "bars");
        assert_eq!(accessor_name("Type", "types"), "types");
    }
}
