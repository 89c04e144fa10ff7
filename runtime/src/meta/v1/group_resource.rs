//! [`GroupResource`].

use serde::{Deserialize, Serialize};

/// An API group and resource, without a version (such as `apps` `deployments`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupResource {
    /// API group, empty for the core group.
    #[serde(default)]
    pub group: String,
    /// Plural resource name.
    #[serde(default)]
    pub resource: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_fields_always_serialize() {
        let gr = GroupResource {
            group: String::new(),
            resource: "pods".into(),
        };
        assert_eq!(
            serde_json::to_string(&gr).unwrap(),
            r#"{"group":"","resource":"pods"}"#
        );
    }
}
