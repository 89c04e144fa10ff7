//! [`DeleteOptions`] and [`Preconditions`].

use serde::{Deserialize, Serialize};

/// Options of a DELETE request, sent as its body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteOptions {
    /// Kind of this object: `DeleteOptions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// API version of this object, such as `v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Seconds before the object is deleted; zero means immediately.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period_seconds: Option<i64>,
    /// Must be fulfilled before the deletion is carried out, or the server answers 409.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preconditions: Option<Preconditions>,
    /// Deprecated: use `propagation_policy`. Whether dependents are orphaned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orphan_dependents: Option<bool>,
    /// Garbage collection policy: `Orphan`, `Background` or `Foreground`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation_policy: Option<String>,
    /// When present (`All`), modifications are not persisted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<Vec<String>>,
    /// Unsafe: force deletion of an object whose stored data cannot be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_store_read_error_with_cluster_breaking_potential: Option<bool>,
}

/// Conditions that must hold before an operation (such as a delete) is carried out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preconditions {
    /// The target UID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// The target resourceVersion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_only_what_is_set() {
        let options = DeleteOptions {
            propagation_policy: Some("Foreground".into()),
            preconditions: Some(Preconditions {
                uid: Some("u".into()),
                resource_version: None,
            }),
            ..DeleteOptions::default()
        };
        let text = r#"{"preconditions":{"uid":"u"},"propagationPolicy":"Foreground"}"#;
        assert_eq!(serde_json::to_string(&options).unwrap(), text);
        assert_eq!(
            serde_json::from_str::<DeleteOptions>(text).unwrap(),
            options
        );
    }
}
