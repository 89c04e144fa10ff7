//! [`Status`]: the result of an operation that returns no object, and every error body.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ListMeta;

/// The outcome of an API call that does not return an object; every error response of the API
/// server carries one (`{"kind":"Status","status":"Failure","reason":"NotFound",...}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Kind of this object: `Status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// API version of this object: `v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Standard list metadata (usually empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<ListMeta>,
    /// `Success` or `Failure`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Human-readable description of the outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Machine-readable reason for a `Failure`, such as `NotFound` or `Conflict`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Extended data associated with the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<StatusDetails>,
    /// Suggested HTTP status code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i32>,
}

impl Status {
    /// Whether `status` is `Success`.
    pub fn is_success(&self) -> bool {
        self.status.as_deref() == Some("Success")
    }

    /// Whether `status` is `Failure`.
    pub fn is_failure(&self) -> bool {
        self.status.as_deref() == Some("Failure")
    }

    /// Whether `reason` is the given reason, such as `"NotFound"` or `"AlreadyExists"`.
    pub fn has_reason(&self, reason: &str) -> bool {
        self.reason.as_deref() == Some(reason)
    }
}

impl fmt::Display for Status {
    /// Prints the message, or the reason and code when there is no message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.message, &self.reason, self.code) {
            (Some(message), _, _) if !message.is_empty() => f.write_str(message),
            (_, Some(reason), Some(code)) => write!(f, "{reason} ({code})"),
            (_, Some(reason), None) => f.write_str(reason),
            (_, None, Some(code)) => write!(f, "status code {code}"),
            _ => f.write_str(self.status.as_deref().unwrap_or("unknown status")),
        }
    }
}

// A Status is what the server sends as an error, so clients want to return it as one.
impl std::error::Error for Status {}

/// Extended data of a [`Status`]: which object it is about and why it failed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusDetails {
    /// Name of the resource the status is about, when there is a single one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Group of the resource the status is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Kind of the resource (may be the plural resource name on some operations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// UID of the resource, when there is a single one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Individual causes of the failure, such as invalid fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causes: Option<Vec<StatusCause>>,
    /// Seconds to wait before retrying the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<i32>,
}

/// One cause of a failure, such as one invalid field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusCause {
    /// Machine-readable cause, such as `FieldValueInvalid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Human-readable description of the cause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The field at fault, in JSON path notation such as `spec.containers[0].name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_not_found_error() {
        let text = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"x\" not found","reason":"NotFound","details":{"name":"x","kind":"configmaps"},"code":404}"#;
        let status: Status = serde_json::from_str(text).unwrap();
        assert!(status.is_failure());
        assert!(!status.is_success());
        assert!(status.has_reason("NotFound"));
        assert_eq!(status.code, Some(404));
        assert_eq!(status.to_string(), r#"configmaps "x" not found"#);
        assert_eq!(serde_json::to_string(&status).unwrap(), text);
    }

    #[test]
    fn display_falls_back_to_reason() {
        let status = Status {
            reason: Some("Conflict".into()),
            code: Some(409),
            ..Status::default()
        };
        assert_eq!(status.to_string(), "Conflict (409)");
        let success = Status {
            status: Some("Success".into()),
            ..Status::default()
        };
        assert!(success.is_success());
        assert_eq!(success.to_string(), "Success");
    }
}
