//! Patches, as the real API server applies them to objects held as JSON:
//!
//! - [`merge`]: JSON merge patch (RFC 7386, `application/merge-patch+json`);
//! - [`json`]: JSON patch (RFC 6902, `application/json-patch+json`);
//! - [`strategic`]: strategic merge patch for built-in kinds
//!   (`application/strategic-merge-patch+json`), driven by the schema's
//!   patch merge keys and strategies;
//! - [`apply`]: server-side apply (`application/apply-patch+yaml`) and the
//!   `metadata.managedFields` bookkeeping of every write.
//!
//! Every error knows the HTTP code, reason, message and causes the real
//! server answers with, so that the caller only has to wrap it in a `Status`.

pub mod apply;
pub mod fieldpath;
pub mod json;
pub mod managed;
pub mod merge;
pub mod strategic;

mod decode;
mod ops;
mod typed;
mod zero;

use kubegen::meta::v1::StatusCause;

/// The message of a 422 the real server gives without details (a failing
/// JSON patch `test`, a path that does not exist, …).
pub const GENERIC_INVALID: &str = "the server rejected our request due to an error in our request";

/// A patch the server refuses, with what the real server answers.
#[derive(Debug, thiserror::Error)]
pub enum PatchError {
    /// 400 BadRequest with this message (a malformed patch document).
    #[error("{0}")]
    BadRequest(String),
    /// 422 Invalid with the generic message and empty details; the text is
    /// the underlying reason, for logs only (the real server does not show it).
    #[error("{GENERIC_INVALID}")]
    Unprocessable(String),
    /// 422 Invalid with this message and these causes (a patch that yields
    /// a wrongly typed object).
    #[error("{message}")]
    Invalid {
        /// The Status message.
        message: String,
        /// The Status causes.
        causes: Vec<StatusCause>,
    },
    /// 500 with this message and no reason (errors the real server does not classify).
    #[error("{0}")]
    Internal(String),
}

impl PatchError {
    /// The HTTP status code.
    pub fn code(&self) -> u16 {
        match self {
            PatchError::BadRequest(_) => 400,
            PatchError::Unprocessable(_) | PatchError::Invalid { .. } => 422,
            PatchError::Internal(_) => 500,
        }
    }

    /// The Status reason, when the real server sets one.
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            PatchError::BadRequest(_) => Some("BadRequest"),
            PatchError::Unprocessable(_) | PatchError::Invalid { .. } => Some("Invalid"),
            PatchError::Internal(_) => None,
        }
    }

    /// The Status message.
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// The Status causes.
    pub fn causes(&self) -> &[StatusCause] {
        match self {
            PatchError::Invalid { causes, .. } => causes,
            _ => &[],
        }
    }

    /// An `Invalid` error on the field `patch` for a patched object that
    /// does not decode: ` "" is invalid: patch: Invalid value: "<value>": <detail>`.
    pub fn invalid_patch(value: &str, detail: &str) -> PatchError {
        let cause = format!("Invalid value: {}: {detail}", go_quote(value));
        PatchError::Invalid {
            message: format!(" \"\" is invalid: patch: {cause}"),
            causes: vec![StatusCause {
                reason: Some("FieldValueInvalid".to_owned()),
                message: Some(cause),
                field: Some("patch".to_owned()),
            }],
        }
    }
}

/// Checks that a merge-patched or JSON-patched object decodes into the Go
/// type of the kind `schema` describes (built-in kinds), as the real server
/// does after those patches; a wrongly typed value is the real 422 on the
/// field `patch`, quoting the patched object's JSON.
pub fn check_decodes(
    patched: &serde_json::Value,
    schema: crate::schema::SchemaRef<'_>,
) -> Result<(), PatchError> {
    match decode::json_decode_error(patched, schema) {
        Some(detail) => Err(PatchError::invalid_patch(&patched.to_string(), &detail)),
        None => Ok(()),
    }
}

/// Go's `%q` of a string (close enough: JSON string escaping).
fn go_quote(value: &str) -> String {
    serde_json::Value::String(value.to_owned()).to_string()
}
