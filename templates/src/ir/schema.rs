//! Schema facts kept as data: extensions and validations that no Rust type
//! expresses but that later emitters (CRD manifests, the test server's
//! validation, strategic merge patch) need.

use serde::Serialize;

/// Extensions and validations of one schema node.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SchemaExtensions {
    /// The OpenAPI `format` (`int32`, `date-time`, `byte`, `email`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// `x-kubernetes-int-or-string`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub int_or_string: bool,
    /// `x-kubernetes-preserve-unknown-fields`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub preserve_unknown_fields: bool,
    /// `x-kubernetes-embedded-resource`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub embedded_resource: bool,
    /// `x-kubernetes-list-type`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_type: Option<ListType>,
    /// `x-kubernetes-list-map-keys`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub list_map_keys: Vec<String>,
    /// `x-kubernetes-map-type`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map_type: Option<MapType>,
    /// `x-kubernetes-patch-strategy` (`merge`, `retainKeys`, `merge,retainKeys`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch_strategy: Option<String>,
    /// `x-kubernetes-patch-merge-key`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch_merge_key: Option<String>,
    /// The `enum` values, as JSON.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<serde_json::Value>,
    /// Value constraints.
    #[serde(skip_serializing_if = "Validations::is_empty")]
    pub validations: Validations,
}

impl SchemaExtensions {
    /// True when nothing is set.
    pub fn is_empty(&self) -> bool {
        self == &SchemaExtensions::default()
    }
}

impl Validations {
    /// True when nothing is constrained.
    pub fn is_empty(&self) -> bool {
        self == &Validations::default()
    }
}

/// `x-kubernetes-list-type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ListType {
    /// The list is replaced as a whole.
    Atomic,
    /// Items are unique scalars, merged as a set.
    Set,
    /// Items are objects keyed by `list_map_keys`.
    Map,
}

/// `x-kubernetes-map-type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum MapType {
    /// The map is replaced as a whole.
    Atomic,
    /// Keys are owned and merged separately.
    Granular,
}

/// Validation constraints of a schema node; numbers kept exactly as written.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Validations {
    /// `minimum`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<serde_json::Number>,
    /// `exclusiveMinimum`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_minimum: bool,
    /// `maximum`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<serde_json::Number>,
    /// `exclusiveMaximum`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_maximum: bool,
    /// `multipleOf`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiple_of: Option<serde_json::Number>,
    /// `minLength`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// `maxLength`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// `pattern`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `minItems`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// `maxItems`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// `uniqueItems`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unique_items: bool,
    /// `minProperties`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_properties: Option<u64>,
    /// `x-kubernetes-validations` CEL rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<ValidationRule>,
    /// `oneOf`/`anyOf` branches that only constrain which properties are set:
    /// each inner list is one branch's `required`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub one_of_required: Vec<Vec<String>>,
    /// As `one_of_required`, for `anyOf`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub any_of_required: Vec<Vec<String>>,
}

/// One `x-kubernetes-validations` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ValidationRule {
    /// The CEL expression.
    pub rule: String,
    /// Message shown when the rule fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// CEL expression producing the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_expression: Option<String>,
    /// Field path the failure is reported at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_path: Option<String>,
    /// Reason reported on failure (`FieldValueInvalid`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `optionalOldSelf`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optional_old_self: Option<bool>,
}
