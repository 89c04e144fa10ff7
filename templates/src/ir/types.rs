//! The type graph: structs, string enums and references between them.

use serde::Serialize;

use super::{SchemaExtensions, TypePath};

/// A generated type.
// Built once per run and walked by reference, never moved in bulk: boxing
// the struct variant would only add noise to every match.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum TypeDef {
    /// An object with known properties.
    Struct(StructDef),
    /// A string enum that still accepts values a newer server adds.
    Enum(EnumDef),
}

impl TypeDef {
    /// The Rust name of the type.
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Struct(def) => &def.name,
            TypeDef::Enum(def) => &def.name,
        }
    }

    /// The documentation of the type.
    pub fn docs(&self) -> Option<&str> {
        match self {
            TypeDef::Struct(def) => def.docs.as_deref(),
            TypeDef::Enum(def) => def.docs.as_deref(),
        }
    }
}

/// An object schema with properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct StructDef {
    /// The Rust name, unique within its module.
    pub name: String,
    /// From the schema's `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// Properties in source order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// What happens to properties the schema does not declare.
    pub unknown_fields: UnknownFields,
    /// Object-level schema extensions and validations.
    #[serde(skip_serializing_if = "SchemaExtensions::is_empty")]
    pub schema: SchemaExtensions,
    /// Where this type came from: `file#/json/pointer`.
    pub source: String,
}

/// What a struct does with properties its schema does not declare.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub enum UnknownFields {
    /// Dropped, as the API server prunes them.
    #[default]
    Drop,
    /// Kept as JSON (`x-kubernetes-preserve-unknown-fields: true` next to `properties`).
    Preserve,
    /// Kept with a typed value (`additionalProperties` next to `properties`).
    Typed(TypeRef),
}

/// A struct field.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Field {
    /// The Rust identifier as it is written in code (`r#type`, `_2xx`, `self_`).
    pub rust_name: String,
    /// The JSON property name.
    pub wire_name: String,
    /// From the property's `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// The value type, without the `Option` that `required` and `nullable` imply.
    pub ty: TypeRef,
    /// Listed in the parent's `required`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// `nullable: true`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    /// Boxed to break a recursive type (set by [`crate::passes::box_recursive_fields`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub boxed: bool,
    /// The schema's `default`, kept as data (the server applies it, not the client).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// Schema extensions and validations of the property.
    #[serde(skip_serializing_if = "SchemaExtensions::is_empty")]
    pub schema: SchemaExtensions,
}

impl Field {
    /// Whether the Rust type is wrapped in `Option`.
    pub fn is_optional(&self) -> bool {
        !self.required || self.nullable
    }
}

/// A string enum.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EnumDef {
    /// The Rust name, unique within its module.
    pub name: String,
    /// From the schema's `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// Known values in source order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<EnumVariant>,
    /// The name of the catch-all variant holding values this version does not know.
    pub fallback_variant: String,
    /// Where this type came from: `file#/json/pointer`.
    pub source: String,
}

/// One known value of a string enum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnumVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The exact string on the wire.
    pub wire_value: String,
}

/// A field's value type.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum TypeRef {
    /// `boolean`.
    Bool,
    /// `integer` with `format: int32`.
    I32,
    /// `integer` with `format: int64` or no format.
    I64,
    /// `number`.
    F64,
    /// `string` (any format without a dedicated type).
    String,
    /// `string` with `format: byte`: base64 on the wire.
    Bytes,
    /// Any JSON value (`x-kubernetes-preserve-unknown-fields` without properties, untyped schemas).
    Json,
    /// A type the runtime crate provides.
    WellKnown(WellKnown),
    /// `array` of the item type.
    Array(Box<TypeRef>),
    /// `object` with `additionalProperties`: a map from string keys.
    Map(Box<TypeRef>),
    /// A type generated in this run.
    Named(TypePath),
    /// A type outside this run, by its full Rust path (reused built-ins, derive users' types).
    External(String),
}

/// Types hand-written in the `kubegen` runtime crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum WellKnown {
    /// `meta/v1.ObjectMeta`.
    ObjectMeta,
    /// `meta/v1.ListMeta`.
    ListMeta,
    /// `meta/v1.TypeMeta`.
    TypeMeta,
    /// `meta/v1.OwnerReference`.
    OwnerReference,
    /// `meta/v1.ManagedFieldsEntry`.
    ManagedFieldsEntry,
    /// `meta/v1.FieldsV1`.
    FieldsV1,
    /// `meta/v1.LabelSelector`.
    LabelSelector,
    /// `meta/v1.LabelSelectorRequirement`.
    LabelSelectorRequirement,
    /// `meta/v1.Condition`.
    Condition,
    /// `meta/v1.Status`.
    Status,
    /// `meta/v1.StatusDetails`.
    StatusDetails,
    /// `meta/v1.StatusCause`.
    StatusCause,
    /// `meta/v1.DeleteOptions`.
    DeleteOptions,
    /// `meta/v1.Preconditions`.
    Preconditions,
    /// `meta/v1.WatchEvent`.
    WatchEvent,
    /// `meta/v1.Time` (`format: date-time`).
    Time,
    /// `meta/v1.MicroTime`.
    MicroTime,
    /// `meta/v1.Duration`.
    Duration,
    /// `util/intstr.IntOrString` (`x-kubernetes-int-or-string`).
    IntOrString,
    /// `api/resource.Quantity`.
    Quantity,
    /// `meta/v1.APIGroup`.
    ApiGroup,
    /// `meta/v1.APIGroupList`.
    ApiGroupList,
    /// `meta/v1.APIResource`.
    ApiResource,
    /// `meta/v1.APIResourceList`.
    ApiResourceList,
    /// `meta/v1.APIVersions`.
    ApiVersions,
    /// `meta/v1.GroupVersionForDiscovery`.
    GroupVersionForDiscovery,
    /// `meta/v1.ServerAddressByClientCIDR`.
    ServerAddressByClientCidr,
    /// `meta/v1.FieldSelectorRequirement`.
    FieldSelectorRequirement,
    /// `meta/v1.GroupResource`.
    GroupResource,
    /// `meta/v1.ShardInfo`.
    ShardInfo,
    /// `runtime.RawExtension`: an embedded object of any kind.
    RawExtension,
    /// `version.Info`: what `/version` answers.
    VersionInfo,
}

impl WellKnown {
    /// Every runtime type.
    pub const ALL: [WellKnown; 32] = {
        use WellKnown::*;
        [
            ObjectMeta,
            ListMeta,
            TypeMeta,
            OwnerReference,
            ManagedFieldsEntry,
            FieldsV1,
            LabelSelector,
            LabelSelectorRequirement,
            Condition,
            Status,
            StatusDetails,
            StatusCause,
            DeleteOptions,
            Preconditions,
            WatchEvent,
            Time,
            MicroTime,
            Duration,
            IntOrString,
            Quantity,
            ApiGroup,
            ApiGroupList,
            ApiResource,
            ApiResourceList,
            ApiVersions,
            GroupVersionForDiscovery,
            ServerAddressByClientCidr,
            FieldSelectorRequirement,
            GroupResource,
            ShardInfo,
            RawExtension,
            VersionInfo,
        ]
    };

    /// The OpenAPI definition name of the type
    /// (`io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`).
    pub fn definition_name(self) -> &'static str {
        use WellKnown::*;
        match self {
            ObjectMeta => "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
            ListMeta => "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
            TypeMeta => "io.k8s.apimachinery.pkg.apis.meta.v1.TypeMeta",
            OwnerReference => "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
            ManagedFieldsEntry => "io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry",
            FieldsV1 => "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
            LabelSelector => "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
            LabelSelectorRequirement => {
                "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement"
            }
            Condition => "io.k8s.apimachinery.pkg.apis.meta.v1.Condition",
            Status => "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
            StatusDetails => "io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails",
            StatusCause => "io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause",
            DeleteOptions => "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
            Preconditions => "io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions",
            WatchEvent => "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
            Time => "io.k8s.apimachinery.pkg.apis.meta.v1.Time",
            MicroTime => "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime",
            Duration => "io.k8s.apimachinery.pkg.apis.meta.v1.Duration",
            IntOrString => "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
            Quantity => "io.k8s.apimachinery.pkg.api.resource.Quantity",
            ApiGroup => "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup",
            ApiGroupList => "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList",
            ApiResource => "io.k8s.apimachinery.pkg.apis.meta.v1.APIResource",
            ApiResourceList => "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList",
            ApiVersions => "io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions",
            GroupVersionForDiscovery => {
                "io.k8s.apimachinery.pkg.apis.meta.v1.GroupVersionForDiscovery"
            }
            ServerAddressByClientCidr => {
                "io.k8s.apimachinery.pkg.apis.meta.v1.ServerAddressByClientCIDR"
            }
            FieldSelectorRequirement => {
                "io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement"
            }
            GroupResource => "io.k8s.apimachinery.pkg.apis.meta.v1.GroupResource",
            ShardInfo => "io.k8s.apimachinery.pkg.apis.meta.v1.ShardInfo",
            RawExtension => "io.k8s.apimachinery.pkg.runtime.RawExtension",
            VersionInfo => "io.k8s.apimachinery.pkg.version.Info",
        }
    }

    /// The runtime type standing for an OpenAPI definition of apimachinery,
    /// by the definition's name (`io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`).
    pub fn for_definition(name: &str) -> Option<WellKnown> {
        WellKnown::ALL
            .into_iter()
            .find(|known| known.definition_name() == name)
    }

    /// The type's path below the `kubegen` crate root.
    pub fn runtime_path(self) -> &'static str {
        match self {
            WellKnown::ObjectMeta => "meta::v1::ObjectMeta",
            WellKnown::ListMeta => "meta::v1::ListMeta",
            WellKnown::TypeMeta => "meta::v1::TypeMeta",
            WellKnown::OwnerReference => "meta::v1::OwnerReference",
            WellKnown::ManagedFieldsEntry => "meta::v1::ManagedFieldsEntry",
            WellKnown::FieldsV1 => "meta::v1::FieldsV1",
            WellKnown::LabelSelector => "meta::v1::LabelSelector",
            WellKnown::LabelSelectorRequirement => "meta::v1::LabelSelectorRequirement",
            WellKnown::Condition => "meta::v1::Condition",
            WellKnown::Status => "meta::v1::Status",
            WellKnown::StatusDetails => "meta::v1::StatusDetails",
            WellKnown::StatusCause => "meta::v1::StatusCause",
            WellKnown::DeleteOptions => "meta::v1::DeleteOptions",
            WellKnown::Preconditions => "meta::v1::Preconditions",
            WellKnown::WatchEvent => "meta::v1::WatchEvent",
            WellKnown::Time => "time::Time",
            WellKnown::MicroTime => "time::MicroTime",
            WellKnown::Duration => "time::Duration",
            WellKnown::IntOrString => "intstr::IntOrString",
            WellKnown::Quantity => "quantity::Quantity",
            WellKnown::ApiGroup => "meta::v1::ApiGroup",
            WellKnown::ApiGroupList => "meta::v1::ApiGroupList",
            WellKnown::ApiResource => "meta::v1::ApiResource",
            WellKnown::ApiResourceList => "meta::v1::ApiResourceList",
            WellKnown::ApiVersions => "meta::v1::ApiVersions",
            WellKnown::GroupVersionForDiscovery => "meta::v1::GroupVersionForDiscovery",
            WellKnown::ServerAddressByClientCidr => "meta::v1::ServerAddressByClientCidr",
            WellKnown::FieldSelectorRequirement => "meta::v1::FieldSelectorRequirement",
            WellKnown::GroupResource => "meta::v1::GroupResource",
            WellKnown::ShardInfo => "meta::v1::ShardInfo",
            WellKnown::RawExtension => "runtime::RawExtension",
            WellKnown::VersionInfo => "version::Info",
        }
    }

    /// Whether the runtime type implements `Default` (all do; times default
    /// to Go's zero time, as in client-go).
    pub fn has_default(self) -> bool {
        true
    }
}
