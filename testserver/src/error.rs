//! Errors as the API server reports them: a `Status` object with an HTTP code,
//! a reason, a message and details, exactly in the form kube-apiserver writes.
//!
//! Every layer of the server returns its own error; they all end up here,
//! because a client only ever sees the `Status` body and the status code.

use kubegen::meta::v1::StatusCause;
use serde_json::{Map, Value, json};

/// The group and plural resource an error is about, as `details` names them
/// (`kind` in `details` is the plural resource for most errors).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupResource {
    /// API group (`""` for the core group).
    pub group: String,
    /// Plural resource, possibly with a subresource (`pods/binding`).
    pub resource: String,
}

impl GroupResource {
    /// A group and resource.
    pub fn new(group: &str, resource: &str) -> GroupResource {
        GroupResource {
            group: group.to_owned(),
            resource: resource.to_owned(),
        }
    }

    /// `deployments.apps`, or `configmaps` in the core group, as messages write it.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.resource.clone()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
}

/// `details` of a `Status`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details {
    /// Name of the object.
    pub name: Option<String>,
    /// Group of the resource.
    pub group: Option<String>,
    /// Kind or plural resource.
    pub kind: Option<String>,
    /// UID of the object.
    pub uid: Option<String>,
    /// Causes (field errors).
    pub causes: Vec<StatusCause>,
    /// Seconds a client should wait before retrying.
    pub retry_after_seconds: Option<u32>,
}

impl Details {
    fn for_object(resource: &GroupResource, name: &str) -> Details {
        Details {
            name: (!name.is_empty()).then(|| name.to_owned()),
            group: (!resource.group.is_empty()).then(|| resource.group.clone()),
            kind: Some(resource.resource.clone()),
            ..Details::default()
        }
    }

    fn to_json(&self) -> Value {
        let mut map = Map::new();
        if let Some(name) = &self.name {
            map.insert("name".into(), json!(name));
        }
        if let Some(group) = &self.group {
            map.insert("group".into(), json!(group));
        }
        if let Some(kind) = &self.kind {
            map.insert("kind".into(), json!(kind));
        }
        if let Some(uid) = &self.uid {
            map.insert("uid".into(), json!(uid));
        }
        if !self.causes.is_empty() {
            let causes = self.causes.iter().map(cause_json).collect();
            map.insert("causes".into(), Value::Array(causes));
        }
        if let Some(seconds) = self.retry_after_seconds {
            map.insert("retryAfterSeconds".into(), json!(seconds));
        }
        Value::Object(map)
    }
}

fn cause_json(cause: &StatusCause) -> Value {
    let mut map = Map::new();
    if let Some(reason) = &cause.reason {
        map.insert("reason".into(), json!(reason));
    }
    if let Some(message) = &cause.message {
        map.insert("message".into(), json!(message));
    }
    if let Some(field) = &cause.field {
        map.insert("field".into(), json!(field));
    }
    Value::Object(map)
}

/// A cause with a reason, message and field.
pub fn cause(reason: &str, message: impl Into<String>, field: &str) -> StatusCause {
    StatusCause {
        reason: Some(reason.to_owned()),
        message: Some(message.into()),
        field: (!field.is_empty()).then(|| field.to_owned()),
    }
}

/// An error the server answers with: the HTTP status code and the `Status` body.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{code} {}: {message}", reason.as_deref().unwrap_or(""))]
pub struct ApiError {
    /// HTTP status code (also `code` in the body).
    pub code: u16,
    /// `reason` (`NotFound`, `Conflict`…); `None` for internal errors, which have none.
    pub reason: Option<String>,
    /// `message`.
    pub message: String,
    /// `details`; `None` omits the field, `Some(default)` writes `{}`.
    pub details: Option<Box<Details>>,
    /// `Retry-After` header.
    pub retry_after: Option<u32>,
    /// Answer with the plain-text `404 page not found` of Go's mux instead of a `Status`.
    pub plain_text: bool,
}

impl ApiError {
    /// An error with a code, reason and message, no details.
    pub fn new(code: u16, reason: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            reason: (!reason.is_empty()).then(|| reason.to_owned()),
            message: message.into(),
            details: None,
            retry_after: None,
            plain_text: false,
        }
    }

    /// Sets `details`.
    pub fn with_details(mut self, details: Details) -> ApiError {
        self.details = Some(Box::new(details));
        self
    }

    /// `404 NotFound`: `configmaps "x" not found`.
    pub fn not_found(resource: &GroupResource, name: &str) -> ApiError {
        ApiError::new(
            404,
            "NotFound",
            format!("{} \"{name}\" not found", resource.qualified()),
        )
        .with_details(Details::for_object(resource, name))
    }

    /// `404` for a path that names nothing served in a known group.
    pub fn no_such_path() -> ApiError {
        ApiError::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
        .with_details(Details::default())
    }

    /// The plain-text `404 page not found` for paths outside any group.
    pub fn page_not_found() -> ApiError {
        ApiError {
            plain_text: true,
            ..ApiError::new(404, "NotFound", "404 page not found\n")
        }
    }

    /// `409 AlreadyExists`.
    pub fn already_exists(resource: &GroupResource, name: &str) -> ApiError {
        ApiError::new(
            409,
            "AlreadyExists",
            format!("{} \"{name}\" already exists", resource.qualified()),
        )
        .with_details(Details::for_object(resource, name))
    }

    /// `409 Conflict` with a stale resourceVersion.
    pub fn conflict_modified(resource: &GroupResource, name: &str) -> ApiError {
        ApiError::conflict(
            resource,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    /// `409 Conflict`: `Operation cannot be fulfilled on <resource> "<name>": <why>`.
    pub fn conflict(resource: &GroupResource, name: &str, why: &str) -> ApiError {
        ApiError::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": {why}",
                resource.qualified()
            ),
        )
        .with_details(Details::for_object(resource, name))
    }

    /// `422 Invalid`: `ConfigMap "x" is invalid: <causes>`; `group` qualifies the kind
    /// (`Deployment.apps`).
    pub fn invalid(group: &str, kind: &str, name: &str, causes: Vec<StatusCause>) -> ApiError {
        let qualified = if group.is_empty() {
            kind.to_owned()
        } else {
            format!("{kind}.{group}")
        };
        let rendered: Vec<String> = causes.iter().map(render_cause).collect();
        let summary = if rendered.len() == 1 {
            rendered[0].clone()
        } else {
            format!("[{}]", rendered.join(", "))
        };
        ApiError::new(
            422,
            "Invalid",
            format!("{qualified} \"{name}\" is invalid: {summary}"),
        )
        .with_details(Details {
            name: (!name.is_empty()).then(|| name.to_owned()),
            group: (!group.is_empty()).then(|| group.to_owned()),
            kind: Some(kind.to_owned()),
            causes,
            ..Details::default()
        })
    }

    /// `422 Invalid` about request options (`ListOptions.meta.k8s.io "" is invalid: …`).
    pub fn invalid_options(kind: &str, causes: Vec<StatusCause>) -> ApiError {
        ApiError::invalid("meta.k8s.io", kind, "", causes)
    }

    /// `400 BadRequest`.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "BadRequest", message)
    }

    /// `405 MethodNotAllowed` for a method the path does not take.
    pub fn method_not_allowed() -> ApiError {
        ApiError::new(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
        )
        .with_details(Details::default())
    }

    /// `410 Expired` (too old resourceVersion, expired continue token).
    pub fn expired(message: impl Into<String>) -> ApiError {
        ApiError::new(410, "Expired", message)
    }

    /// `410 Gone`.
    pub fn gone(message: impl Into<String>) -> ApiError {
        ApiError::new(410, "Gone", message)
    }

    /// `401 Unauthorized`.
    pub fn unauthorized() -> ApiError {
        ApiError::new(401, "Unauthorized", "Unauthorized")
    }

    /// `403 Forbidden` with a message and details.
    pub fn forbidden(message: impl Into<String>, details: Details) -> ApiError {
        ApiError::new(403, "Forbidden", message).with_details(details)
    }

    /// `403 Forbidden` about an object: `<resource> "<name>" is forbidden: <why>`.
    pub fn forbidden_object(resource: &GroupResource, name: &str, why: &str) -> ApiError {
        let subject = if name.is_empty() {
            resource.qualified()
        } else {
            format!("{} \"{name}\"", resource.qualified())
        };
        ApiError::forbidden(
            format!("{subject} is forbidden: {why}"),
            Details::for_object(resource, name),
        )
    }

    /// `429 TooManyRequests` with `Retry-After`.
    pub fn too_many_requests(message: impl Into<String>, retry_after: u32) -> ApiError {
        let mut error = ApiError::new(429, "TooManyRequests", message).with_details(Details {
            retry_after_seconds: Some(retry_after),
            ..Details::default()
        });
        error.retry_after = Some(retry_after);
        error
    }

    /// `504 Timeout` for a resourceVersion the server has not reached.
    pub fn resource_version_too_large(asked: u64, current: u64, retry_after: u32) -> ApiError {
        let mut error = ApiError::new(
            504,
            "Timeout",
            format!("Timeout: Too large resource version: {asked}, current: {current}"),
        )
        .with_details(Details {
            causes: vec![StatusCause {
                reason: Some("ResourceVersionTooLarge".into()),
                message: Some("Too large resource version".into()),
                field: None,
            }],
            retry_after_seconds: Some(retry_after),
            ..Details::default()
        });
        error.retry_after = Some(retry_after);
        error
    }

    /// `415 UnsupportedMediaType`.
    pub fn unsupported_media_type(message: impl Into<String>) -> ApiError {
        ApiError::new(415, "UnsupportedMediaType", message)
    }

    /// `406 NotAcceptable`.
    pub fn not_acceptable(message: impl Into<String>) -> ApiError {
        ApiError::new(406, "NotAcceptable", message)
    }

    /// `500` with no reason, as the server answers internal failures.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(500, "", message)
    }

    /// `503 ServiceUnavailable`.
    pub fn service_unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(503, "ServiceUnavailable", message)
    }

    /// The `Status` body.
    pub fn status(&self) -> Value {
        let mut map = Map::new();
        map.insert("kind".into(), json!("Status"));
        map.insert("apiVersion".into(), json!("v1"));
        map.insert("metadata".into(), json!({}));
        map.insert("status".into(), json!("Failure"));
        map.insert("message".into(), json!(self.message));
        if let Some(reason) = &self.reason {
            map.insert("reason".into(), json!(reason));
        }
        if let Some(details) = &self.details {
            map.insert("details".into(), details.to_json());
        }
        map.insert("code".into(), json!(self.code));
        Value::Object(map)
    }
}

/// `field: message` as an aggregate error message writes one cause.
fn render_cause(cause: &StatusCause) -> String {
    let message = cause.message.as_deref().unwrap_or("");
    format!("{}: {message}", cause.field.as_deref().unwrap_or("<nil>"))
}

/// The `Status` of a successful deletion: `{status: Success, details: {name, kind, uid}}`.
pub fn success_status(resource: &GroupResource, name: &str, uid: &str) -> Value {
    let mut details = Details::for_object(resource, name);
    details.uid = (!uid.is_empty()).then(|| uid.to_owned());
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": details.to_json(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_matches_the_real_body() {
        let error = ApiError::not_found(&GroupResource::new("apps", "deployments"), "web");
        assert_eq!(error.code, 404);
        assert_eq!(
            error.status(),
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                   "message": "deployments.apps \"web\" not found", "reason": "NotFound",
                   "details": {"name": "web", "group": "apps", "kind": "deployments"}, "code": 404})
        );
    }

    #[test]
    fn invalid_lists_several_causes_in_brackets() {
        let error = ApiError::invalid(
            "",
            "ConfigMap",
            "x",
            vec![
                cause("FieldValueRequired", "Required value", "a"),
                cause("FieldValueInvalid", "Invalid value: 1", "b"),
            ],
        );
        assert_eq!(
            error.message,
            "ConfigMap \"x\" is invalid: [a: Required value, b: Invalid value: 1]"
        );
        let one = ApiError::invalid_options(
            "ListOptions",
            vec![cause(
                "FieldValueForbidden",
                "Forbidden: no",
                "resourceVersionMatch",
            )],
        );
        assert_eq!(
            one.message,
            "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: no"
        );
        assert_eq!(one.status()["details"]["group"], "meta.k8s.io");
        assert!(one.status()["details"].get("name").is_none());
    }

    #[test]
    fn internal_errors_have_no_reason_and_timeouts_a_retry_after() {
        let error = ApiError::internal("boom");
        assert!(error.status().get("reason").is_none());
        let timeout = ApiError::resource_version_too_large(10, 5, 1);
        assert_eq!(timeout.retry_after, Some(1));
        assert_eq!(timeout.status()["details"]["retryAfterSeconds"], 1);
    }
}
