//! [`ListMeta`] and [`TypeMeta`].

use serde::{Deserialize, Serialize};

/// Metadata of lists and other synthetic resources: resource version and paging state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMeta {
    /// Deprecated: no longer populated by the system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_link: Option<String>,
    /// Version of the list, for watching from this point on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// Opaque token to request the next page when the list was requested with a limit.
    #[serde(default, rename = "continue", skip_serializing_if = "Option::is_none")]
    pub continue_: Option<String>,
    /// Estimated number of items after this page, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_item_count: Option<i64>,
    /// The shard selector of the request, when the list is a shard of the collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard_info: Option<ShardInfo>,
}

/// Which shard of a collection a list holds (echoed shard selector).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardInfo {
    /// The shard selector string from the request.
    #[serde(default)]
    pub selector: String,
}

/// The `apiVersion` and `kind` of an object; empty strings stay off the wire.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeMeta {
    /// Versioned schema of the object, such as `apps/v1`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub api_version: String,
    /// REST resource kind of the object, such as `Deployment`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_meta_uses_continue_keyword() {
        let text = r#"{"resourceVersion":"12","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":6}"#;
        let meta: ListMeta = serde_json::from_str(text).unwrap();
        assert_eq!(meta.remaining_item_count, Some(6));
        assert_eq!(serde_json::to_string(&meta).unwrap(), text);
        // Custom-resource lists send an empty continue token; it must survive.
        let meta: ListMeta = serde_json::from_str(r#"{"continue":""}"#).unwrap();
        assert_eq!(meta.continue_.as_deref(), Some(""));
        assert_eq!(serde_json::to_string(&meta).unwrap(), r#"{"continue":""}"#);
    }

    #[test]
    fn type_meta_skips_empty_fields() {
        assert_eq!(serde_json::to_string(&TypeMeta::default()).unwrap(), "{}");
        let tm: TypeMeta = serde_json::from_str(r#"{"apiVersion":"v1","kind":"Pod"}"#).unwrap();
        assert_eq!(tm.kind, "Pod");
        assert_eq!(
            serde_json::to_string(&tm).unwrap(),
            r#"{"apiVersion":"v1","kind":"Pod"}"#
        );
    }
}
