//! The intermediate representation: everything an emitter needs, and nothing
//! that would make it read a spec again.
//!
//! The tree is API → group → version → (resources, types). Front ends (the
//! spec readers in `kubegen-generator`, the derive macro) build it; emitters
//! only read it. All Rust names in the IR are final: front ends compute them
//! with [`crate::naming`] so that every emitter agrees on them.
//!
//! Ordering is part of the contract: groups, versions, resources and types are
//! kept in the order the front end produced them, and front ends produce them
//! deterministically, so the same input always gives byte-identical output.

mod schema;
mod types;

pub use schema::{ListType, MapType, SchemaExtensions, ValidationRule, Validations};
pub use types::{
    EnumDef, EnumVariant, Field, StructDef, TypeDef, TypeRef, UnknownFields, WellKnown,
};

use serde::Serialize;

/// A whole generation run: every API group the inputs describe.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Api {
    /// Groups sorted by [`Group::module`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    /// Crates that [`TypeRef::External`] types come from (besides the runtime).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<CrateDependency>,
}

/// A crate generated code depends on, such as `kubegen-api` for reused built-in types.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CrateDependency {
    /// The package name, e.g. `kubegen-api`.
    pub package: String,
    /// Where to find it: a path relative to the generated crate, if not from a registry.
    pub path: Option<String>,
    /// The version requirement.
    pub version: String,
    /// Cargo features to enable, sorted.
    pub features: Vec<String>,
}

impl Api {
    /// Looks up a group by its wire name (`""` for the core group).
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|group| group.name == name)
    }

    /// Every (group, version) pair, in output order.
    pub fn versions(&self) -> impl Iterator<Item = (&Group, &Version)> {
        self.groups
            .iter()
            .flat_map(|group| group.versions.iter().map(move |version| (group, version)))
    }

    /// Resolves a reference to a generated type.
    pub fn type_def(&self, path: &TypePath) -> Option<&TypeDef> {
        self.groups
            .iter()
            .find(|group| group.module == path.group_module)?
            .versions
            .iter()
            .find(|version| version.module == path.version_module)?
            .types
            .iter()
            .find(|ty| ty.name() == path.name)
    }
}

/// An API group such as `cert-manager.io`, or the core group `""`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Group {
    /// The group's wire name; `""` is the core group (served under `/api`).
    pub name: String,
    /// The Rust module (and cargo feature prefix) for the group, e.g. `cert_manager_io`.
    pub module: String,
    /// Versions sorted by Kubernetes version priority (`v2` before `v1beta1`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<Version>,
}

/// One version of a group; becomes its own module and cargo feature.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Version {
    /// The version's wire name, e.g. `v1beta1`.
    pub name: String,
    /// The Rust module name, e.g. `v1beta1`.
    pub module: String,
    /// The cargo feature that enables this module, e.g. `cert_manager_io_v1`.
    pub feature: String,
    /// Kinds served under this version.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<Resource>,
    /// Every type of this module, root kinds included.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<TypeDef>,
    /// Where the definitions came from (file names), for the generated file headers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

impl Version {
    /// Looks up a type of this module by its Rust name.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|ty| ty.name() == name)
    }
}

/// Whether objects live in a namespace or at cluster scope.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum Scope {
    /// Objects live in a namespace.
    #[default]
    Namespaced,
    /// Objects are cluster-wide.
    Cluster,
}

/// A kind served by the API: naming, scope, verbs and subresources.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Resource {
    /// The kind, e.g. `Certificate`.
    pub kind: String,
    /// The list kind, e.g. `CertificateList`.
    pub list_kind: String,
    /// The plural resource name used in URLs, e.g. `certificates`.
    pub plural: String,
    /// The singular name, e.g. `certificate`.
    pub singular: String,
    /// Short names (`cert`), as `kubectl` accepts them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub short_names: Vec<String>,
    /// Categories (`all`), as `kubectl get <category>` uses them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Namespaced or cluster scoped.
    pub scope: Scope,
    /// Verbs the server supports (`get`, `list`, `watch`, `create`, ...), sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub verbs: Vec<String>,
    /// Subresources served for this kind.
    pub subresources: Subresources,
    /// Additional printer columns (`kubectl get` output).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub printer_columns: Vec<PrinterColumn>,
    /// JSON paths usable in field selectors beyond `metadata.name`/`metadata.namespace`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub selectable_fields: Vec<String>,
    /// Whether this version is the storage version.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub storage: bool,
    /// Whether this version is served.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub served: bool,
    /// Whether this version is deprecated.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The server's deprecation warning, if one is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecation_warning: Option<String>,
    /// Whether list items of this kind carry `apiVersion` and `kind` on the
    /// wire (custom resources: yes; built-in kinds: no).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub typed_list_items: bool,
    /// The Rust name of the root struct in this version's `types`.
    pub type_name: String,
    /// The kind's documentation (the root schema's description).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
}

impl Resource {
    /// The verbs every ordinary Kubernetes resource supports; CRDs get all of them.
    pub const STANDARD_VERBS: [&'static str; 8] = [
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch",
    ];

    /// Whether the server supports `verb` on this resource.
    pub fn supports(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == verb)
    }
}

/// The subresources of a kind.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Subresources {
    /// `/status` is served.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub status: bool,
    /// `/scale` is served, with the paths that map the scale object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<ScaleSubresource>,
    /// Every other subresource by name (`log`, `eviction`, `token`, `exec`, ...), sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<String>,
}

/// How `/scale` maps onto the object (CRD `subresources.scale`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ScaleSubresource {
    /// JSON path of the desired replicas, e.g. `.spec.replicas`.
    pub spec_replicas_path: String,
    /// JSON path of the observed replicas, e.g. `.status.replicas`.
    pub status_replicas_path: String,
    /// JSON path of the serialized label selector, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_selector_path: Option<String>,
}

/// An additional printer column.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PrinterColumn {
    /// Column header.
    pub name: String,
    /// OpenAPI type of the column: `integer`, `number`, `string`, `boolean`, `date`.
    pub type_: String,
    /// Optional format (`int32`, `date-time`, `name`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Priority: 0 shows in standard view, higher only in wide view.
    pub priority: i32,
    /// JSON path evaluated against each object.
    pub json_path: String,
}

/// A reference to a type generated in some group/version module of this run.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TypePath {
    /// The group module, e.g. `cert_manager_io`.
    pub group_module: String,
    /// The version module, e.g. `v1`.
    pub version_module: String,
    /// The Rust type name.
    pub name: String,
}
