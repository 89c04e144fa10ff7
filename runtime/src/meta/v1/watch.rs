//! [`WatchEvent`].

use serde::{Deserialize, Serialize};

/// One event of a watch stream: `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR`.
///
/// The object is kept as raw JSON; decode it with [`crate::Scheme`] or `serde_json`. For
/// `ERROR` events it is usually a [`super::Status`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchEvent {
    /// Event type, such as `ADDED`.
    #[serde(default, rename = "type")]
    pub type_: String,
    /// The object: its new state, its last state before deletion, or an error `Status`.
    #[serde(default)]
    pub object: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let text = r#"{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a"}}}"#;
        let event: WatchEvent = serde_json::from_str(text).unwrap();
        assert_eq!(event.type_, "ADDED");
        assert_eq!(event.object["metadata"]["name"], "a");
        assert_eq!(serde_json::to_string(&event).unwrap(), text);
    }
}
