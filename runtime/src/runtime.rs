//! Types of Go's `k8s.io/apimachinery/pkg/runtime` that appear in API objects.

use serde::{Deserialize, Serialize};

/// `runtime.RawExtension`: an embedded object of any kind, kept as raw JSON (for example
/// `ControllerRevision.data` or the object of a `WatchEvent`).
///
/// Decode it into a concrete type with [`crate::Scheme::decode`] or `serde_json::from_value`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawExtension(pub serde_json::Value);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_transparent() {
        let json = r#"{"kind":"Pod","apiVersion":"v1","spec":{}}"#;
        let raw: RawExtension = serde_json::from_str(json).unwrap();
        assert_eq!(raw.0["kind"], "Pod");
        assert_eq!(serde_json::to_string(&raw).unwrap(), json);
    }
}
