//! [`Condition`].

use serde::{Deserialize, Serialize};

use crate::time::Time;

/// One aspect of the current state of a resource (`metav1.Condition`), as found in
/// `status.conditions` of many built-in and custom resources.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// Type of condition in CamelCase or in `foo.example.com/CamelCase`.
    #[serde(default, rename = "type")]
    pub type_: String,
    /// Status of the condition: `True`, `False` or `Unknown`.
    #[serde(default)]
    pub status: String,
    /// The `metadata.generation` the condition was set based upon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Last time the condition transitioned from one status to another.
    #[serde(default)]
    pub last_transition_time: Time,
    /// Programmatic identifier (CamelCase) of the reason for the last transition.
    #[serde(default)]
    pub reason: String,
    /// Human-readable message about the transition; may be empty.
    #[serde(default)]
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let text = r#"{"type":"Ready","status":"True","observedGeneration":3,"lastTransitionTime":"2024-01-02T03:04:05Z","reason":"AsExpected","message":""}"#;
        let condition: Condition = serde_json::from_str(text).unwrap();
        assert_eq!(condition.type_, "Ready");
        assert_eq!(condition.observed_generation, Some(3));
        assert_eq!(serde_json::to_string(&condition).unwrap(), text);
    }
}
