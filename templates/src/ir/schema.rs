//! Schema facts kept as data: extensions and validations that no Rust type
//! expresses but that later emitters (CRD manifests, the test server's
//! validation, strategic merge patch) need.

use serde::Serialize;

/// Extensions and validations of one schema node.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SchemaExtensions {
    /// The OpenAPI `format` (`int32`, `date-time`, `byte`, `email`, ...).
    pub format: Option<String>,
    /// `x-kubernetes-int-or-string`.
    pub int_or_string: bool,
    /// `x-kubernetes-preserve-unknown-fields`.
    pub preserve_unknown_fields: bool,
    /// `x-kubernetes-embedded-resource`.
    pub embedded_resource: bool,
    /// `x-kubernetes-list-type`.
    pub list_type: Option<ListType>,
    /// `x-kubernetes-list-map-keys`.
    pub list_map_keys: Vec<String>,
    /// `x-kubernetes-map-type`.
    pub map_type: Option<MapType>,
    /// `x-kubernetes-patch-strategy` (`merge`, `retainKeys`, `merge,retainKeys`).
    pub patch_strategy: Option<String>,
    /// `x-kubernetes-patch-merge-key`.
    pub patch_merge_key: Option<String>,
    /// The `enum` values, as JSON.
    pub enum_values: Vec<serde_json::Value>,
    /// Value constraints.
    pub validations: Validations,
}

impl SchemaExtensions {
    /// True when nothing is set.
    pub fn is_empty(&self) -> bool {
        self == &SchemaExtensions::default()
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
    pub minimum: Option<serde_json::Number>,
    /// `exclusiveMinimum`.
    pub exclusive_minimum: bool,
    /// `maximum`.
    pub maximum: Option<serde_json::Number>,
    /// `exclusiveMaximum`.
    pub exclusive_maximum: bool,
    /// `multipleOf`.
    pub multiple_of: Option<serde_json::Number>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern`.
    pub pattern: Option<String>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `uniqueItems`.
    pub unique_items: bool,
    /// `minProperties`.
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
    /// `x-kubernetes-validations` CEL rules.
    pub rules: Vec<ValidationRule>,
    /// `oneOf`/`anyOf` branches that only constrain which properties are set:
    /// each inner list is one branch's `required`.
    pub one_of_required: Vec<Vec<String>>,
    /// As `one_of_required`, for `anyOf`.
    pub any_of_required: Vec<Vec<String>>,
}

/// One `x-kubernetes-validations` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ValidationRule {
    /// The CEL expression.
    pub rule: String,
    /// Message shown when the rule fails.
    pub message: Option<String>,
    /// CEL expression producing the message.
    pub message_expression: Option<String>,
    /// Field path the failure is reported at.
    pub field_path: Option<String>,
    /// Reason reported on failure (`FieldValueInvalid`, ...).
    pub reason: Option<String>,
    /// `optionalOldSelf`.
    pub optional_old_self: Option<bool>,
}
