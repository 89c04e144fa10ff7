//! [`Error`]: everything a request through [`crate::Client`] can fail with.

use std::fmt;

use http::Method;

use crate::config::{AuthError, ConfigError};
use crate::meta::v1::Status;

/// The result type of the client.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failed request, a failed watch, or a client that could not be built.
///
/// Errors returned by the API server are [`Error::Api`]; the helpers [`Error::is_not_found`],
/// [`Error::is_conflict`], [`Error::is_already_exists`], [`Error::is_gone`], [`Error::reason`]
/// and [`Error::code`] look into it and return `false`/`None` for every other variant.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API server answered with a `Status` error (or a watch sent an `ERROR` event).
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The server answered with an error status whose body is not a `Status`: a proxy's HTML
    /// page, the plain-text `404 page not found` of an unknown path, an empty body…
    #[error("{method} {path}: HTTP {status}: {summary}")]
    UnexpectedResponse {
        /// Request method.
        method: Method,
        /// Request path (with query).
        path: String,
        /// HTTP status code.
        status: u16,
        /// `Content-Type` of the answer, when there was one.
        content_type: Option<String>,
        /// The start of the body, as text.
        summary: String,
    },

    /// The response body is not what was expected (truncated JSON, wrong shape…).
    #[error("{method} {path}: HTTP {status}: cannot decode the response body at {at}: {source}")]
    Decode {
        /// Request method.
        method: Method,
        /// Request path (with query).
        path: String,
        /// HTTP status code.
        status: u16,
        /// Where in the document decoding failed (`.items[3].metadata`); `.` for the root.
        at: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },

    /// The server answered in a media type this client does not decode. The client always
    /// asks for JSON; this is what a protobuf (`application/vnd.kubernetes.protobuf`) or YAML
    /// answer gives.
    #[error(
        "{method} {path}: unsupported media type {content_type:?} in the response (the client decodes JSON only)"
    )]
    UnsupportedMediaType {
        /// Request method.
        method: Method,
        /// Request path (with query).
        path: String,
        /// The `Content-Type` received.
        content_type: String,
    },

    /// The connection failed, or the server closed it before the response was complete.
    #[error("{method} {path}: {source}")]
    Http {
        /// Request method.
        method: Method,
        /// Request path (with query).
        path: String,
        /// What went wrong.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The request did not complete within the configured timeout.
    #[error("{method} {path}: timed out after {after:?}")]
    Timeout {
        /// Request method.
        method: Method,
        /// Request path (with query).
        path: String,
        /// The timeout that ran out.
        after: std::time::Duration,
    },

    /// A request could not be built: invalid name, missing field manager for apply, a body
    /// that does not serialize…
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    /// Getting credentials failed: an exec plugin, a token file.
    #[error(transparent)]
    Auth(#[from] AuthError),

    /// The configuration cannot be turned into a client (bad certificate, bad URL…).
    #[error(transparent)]
    Config(#[from] ConfigError),

    /// A line of a watch stream is not a watch event.
    #[error("{path}: undecodable watch event {line:?}: {source}")]
    WatchDecode {
        /// Request path of the watch.
        path: String,
        /// The start of the offending line.
        line: String,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },

    /// A watch stream ended in the middle of an event.
    #[error("{path}: watch stream ended in the middle of an event ({pending} bytes pending)")]
    WatchTruncated {
        /// Request path of the watch.
        path: String,
        /// How many bytes of the incomplete event had arrived.
        pending: usize,
    },

    /// Discovery found no resource for a kind or a resource name.
    #[error("no match for {0}")]
    NoMatch(String),
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl Error {
    /// The server's `Status`, when the server answered with one.
    pub fn status(&self) -> Option<&Status> {
        match self {
            Error::Api(e) => Some(&e.status),
            _ => None,
        }
    }

    /// The `details` of the server's `Status`: the object's name, kind and uid, and the
    /// causes (such as each invalid field, or each conflicting field of server-side apply).
    pub fn details(&self) -> Option<&crate::meta::v1::StatusDetails> {
        self.status().and_then(|s| s.details.as_ref())
    }

    /// The `reason` of the server's `Status` (`NotFound`, `Conflict`, `Expired`…).
    pub fn reason(&self) -> Option<&str> {
        self.status().and_then(|s| s.reason.as_deref())
    }

    /// The HTTP status code: the `Status`'s `code` or the response's status.
    pub fn code(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.code()),
            Error::UnexpectedResponse { status, .. } | Error::Decode { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    fn api_is(&self, reason: &str, code: u16) -> bool {
        match self {
            Error::Api(e) => {
                e.status.has_reason(reason) || (e.status.reason.is_none() && e.code() == code)
            }
            _ => false,
        }
    }

    /// Whether the server said `NotFound` (404).
    pub fn is_not_found(&self) -> bool {
        self.api_is("NotFound", 404)
    }

    /// Whether the server said `Conflict` (409): a stale resourceVersion, a failed
    /// precondition, or conflicting field managers in server-side apply.
    pub fn is_conflict(&self) -> bool {
        self.api_is("Conflict", 409)
    }

    /// Whether the server said `AlreadyExists` (409 on create).
    pub fn is_already_exists(&self) -> bool {
        matches!(self, Error::Api(e) if e.status.has_reason("AlreadyExists"))
    }

    /// Whether the server said the resourceVersion is too old (410 `Expired` or `Gone`):
    /// re-list and watch again from the new list's resourceVersion.
    pub fn is_gone(&self) -> bool {
        matches!(self, Error::Api(e) if e.code() == 410 || e.status.has_reason("Expired") || e.status.has_reason("Gone"))
    }

    /// Whether the server refused the credentials (401).
    pub fn is_unauthorized(&self) -> bool {
        self.api_is("Unauthorized", 401)
    }

    /// Whether the server refused access (403).
    pub fn is_forbidden(&self) -> bool {
        self.api_is("Forbidden", 403)
    }

    /// Whether the request was invalid (422 `Invalid`).
    pub fn is_invalid(&self) -> bool {
        self.api_is("Invalid", 422)
    }

    /// Whether the server asked to slow down (429).
    pub fn is_too_many_requests(&self) -> bool {
        self.api_is("TooManyRequests", 429)
    }
}

/// An error `Status` returned by the API server, with the request it answered.
///
/// Dereferences to the [`Status`], so `err.message`, `err.reason` and `err.details` work.
#[derive(Clone, PartialEq)]
pub struct ApiError {
    /// The server's `Status` body.
    pub status: Status,
    /// The HTTP status code of the response (200 for a watch `ERROR` event).
    pub http_status: u16,
    /// Request method.
    pub method: Method,
    /// Request path (with query).
    pub path: String,
}

impl ApiError {
    /// The `Status`'s `code`, or the HTTP status when the body has none.
    pub fn code(&self) -> u16 {
        self.status
            .code
            .and_then(|c| u16::try_from(c).ok())
            .unwrap_or(self.http_status)
    }
}

impl std::ops::Deref for ApiError {
    type Target = Status;
    fn deref(&self) -> &Status {
        &self.status
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("http_status", &self.http_status)
            .field("status", &self.status)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.status)?;
        } else {
            write!(f, "{} {}: {}", self.method, self.path, self.status)?;
        }
        match &self.status.reason {
            Some(reason) => write!(f, " ({reason}, {})", self.code()),
            None => write!(f, " ({})", self.code()),
        }
    }
}

impl std::error::Error for ApiError {}
