//! [`ObjectMeta`] and the types it contains.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::time::Time;

/// Metadata that all persisted resources must have: name, namespace, labels, owners…
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    /// Name, unique within a namespace; required when creating unless `generate_name` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Prefix the server uses to generate a unique name when `name` is not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate_name: Option<String>,
    /// Namespace the object lives in; empty for cluster-scoped objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Deprecated: no longer populated by the system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_link: Option<String>,
    /// Unique in time and space value for this object, set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Opaque version of the object, for optimistic concurrency and watches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// Sequence number of the desired state (spec) generation, set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// When the object was created, set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Time>,
    /// When the object will be deleted; set by the server when graceful deletion is requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Time>,
    /// Seconds allowed for graceful termination before the object is removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    /// Key/value pairs used to organize and select objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Unstructured key/value data set by tools; not used for selection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Objects this object depends on; it is garbage-collected when all of them are gone.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_fields::shrunk_list"
    )]
    pub owner_references: Option<Vec<OwnerReference>>,
    /// Must be empty before the object is removed from the registry.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_fields::shrunk_list"
    )]
    pub finalizers: Option<Vec<String>>,
    /// Which manager owns which fields, for server-side apply.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::serde_fields::shrunk_list"
    )]
    pub managed_fields: Option<Vec<ManagedFieldsEntry>>,
}

/// Identifies an owning object; the owner must be in the same namespace (or cluster-scoped).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    /// API version of the referent.
    #[serde(default)]
    pub api_version: String,
    /// Kind of the referent.
    #[serde(default)]
    pub kind: String,
    /// Name of the referent.
    #[serde(default)]
    pub name: String,
    /// UID of the referent.
    #[serde(default)]
    pub uid: String,
    /// If true, this reference points to the managing controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    /// If true, the owner cannot be deleted (foreground) until this reference is removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// The fields owned by one manager (workflow) of an object, for server-side apply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedFieldsEntry {
    /// Identifier of the workflow managing these fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// Operation that created this entry: `Apply` or `Update`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Version of the resource this field set applies to (`group/version`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// When the entry was added or last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Time>,
    /// Format of `fields_v1`; currently always `FieldsV1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields_type: Option<String>,
    /// The set of fields, in the `FieldsV1` trie format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields_v1: Option<FieldsV1>,
    /// Subresource used for the update, or empty for the main resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subresource: Option<String>,
}

pub use super::fields_v1::FieldsV1;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_and_absent_collections_round_trip() {
        let value = json!({"name": "a", "labels": {}, "finalizers": []});
        let meta: ObjectMeta = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(meta.labels, Some(BTreeMap::new()));
        assert_eq!(meta.annotations, None);
        assert_eq!(serde_json::to_value(&meta).unwrap(), value);
        assert_eq!(serde_json::to_string(&ObjectMeta::default()).unwrap(), "{}");
    }

    #[test]
    fn null_timestamps_are_absent() {
        let meta: ObjectMeta =
            serde_json::from_value(json!({"name": "a", "creationTimestamp": null})).unwrap();
        assert_eq!(meta.creation_timestamp, None);
    }

    #[test]
    fn full_object_meta_round_trips_in_go_field_order() {
        let text = r#"{"name":"n","generateName":"g","namespace":"ns","selfLink":"s","uid":"u","resourceVersion":"1","generation":7,"creationTimestamp":"2008-01-01T01:01:01Z","deletionTimestamp":"2009-01-01T01:01:01Z","deletionGracePeriodSeconds":10,"labels":{"a":"b"},"annotations":{"c":"d"},"ownerReferences":[{"apiVersion":"v1","kind":"K","name":"o","uid":"ou","controller":true,"blockOwnerDeletion":false}],"finalizers":["f"],"managedFields":[{"manager":"m","operation":"Apply","apiVersion":"v1","time":"2004-01-01T01:01:01Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{".":{}}}},"subresource":"status"}]}"#;
        let meta: ObjectMeta = serde_json::from_str(text).unwrap();
        assert_eq!(meta.generation, Some(7));
        assert_eq!(
            meta.owner_references.as_ref().unwrap()[0].block_owner_deletion,
            Some(false)
        );
        assert_eq!(serde_json::to_string(&meta).unwrap(), text);
    }

    #[test]
    fn owner_reference_required_fields_always_serialize() {
        let owner = OwnerReference::default();
        assert_eq!(
            serde_json::to_string(&owner).unwrap(),
            r#"{"apiVersion":"","kind":"","name":"","uid":""}"#
        );
    }
}
