//! The self-review APIs every user may call: who am I (SelfSubjectReview),
//! may I (SelfSubjectAccessReview), what may I (SelfSubjectRulesReview).
//! They are answered, not stored.

use serde_json::{Map, Value, json};

use super::{Outcome, output, reply};
use crate::auth::{self, Access, Attributes, User};
use crate::error::ApiError;
use crate::registry::ResourceInfo;
use crate::server::App;
use crate::server::http::Request;
use crate::storage::meta;

/// Whether a resource is one of the self-review APIs.
pub fn is_review(resource: &ResourceInfo) -> bool {
    matches!(
        (resource.group.as_str(), resource.plural.as_str()),
        ("authentication.k8s.io", "selfsubjectreviews")
            | (
                "authorization.k8s.io",
                "selfsubjectaccessreviews" | "selfsubjectrulesreviews"
            )
    )
}

/// POST of a review.
pub fn create(
    app: &App,
    request: &Request,
    user: &User,
    resource: &ResourceInfo,
) -> Result<Outcome, ApiError> {
    let body: Value = if request.body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&request.body)
            .map_err(|e| ApiError::bad_request(format!("error decoding review: {e}")))?
    };
    let object = match resource.plural.as_str() {
        "selfsubjectreviews" => {
            let mut info = Map::new();
            info.insert("username".into(), json!(user.name));
            if !user.uid.is_empty() {
                info.insert("uid".into(), json!(user.uid));
            }
            info.insert("groups".into(), json!(user.groups));
            json!({"metadata": {"creationTimestamp": meta::now()}, "status": {"userInfo": info}})
        }
        "selfsubjectaccessreviews" => {
            let attributes = body.pointer("/spec/resourceAttributes");
            let text = |field: &str| {
                attributes
                    .and_then(|a| a.get(field))
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
            };
            let allowed = match attributes {
                Some(_) => auth::allowed(
                    user,
                    &Attributes {
                        verb: text("verb").unwrap_or(""),
                        group: text("group").unwrap_or(""),
                        resource: text("resource").unwrap_or(""),
                        subresource: text("subresource"),
                        namespace: text("namespace"),
                        name: text("name"),
                    },
                ),
                None => user.access == Access::Admin,
            };
            json!({"metadata": {"creationTimestamp": null},
                   "spec": body.get("spec").cloned().unwrap_or_else(|| json!({})),
                   "status": {"allowed": allowed}})
        }
        _ => json!({"metadata": {"creationTimestamp": null}, "spec": {},
                    "status": rules(user), "incomplete": false}),
    };
    let mut object = output(resource, &object);
    if resource.plural == "selfsubjectaccessreviews" {
        // The field manager runs on the review as on any create.
        let options = super::write::write_options(request, "CreateOptions")?;
        super::patching::record(
            app,
            resource,
            None,
            &mut object,
            &options,
            None,
            &meta::now(),
        );
        if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.insert("creationTimestamp".into(), Value::Null);
        }
    }
    if resource.plural == "selfsubjectrulesreviews" {
        if let Some(map) = object.as_object_mut() {
            // `incomplete` belongs to the status.
            if let Some(incomplete) = map.remove("incomplete") {
                if let Some(status) = map.get_mut("status").and_then(Value::as_object_mut) {
                    status.insert("incomplete".into(), incomplete);
                }
            }
        }
    }
    Ok(reply(201, object))
}

/// The rules a user has, as RBAC would list them.
fn rules(user: &User) -> Value {
    let mut resource_rules = Vec::new();
    match user.access {
        Access::Admin => {
            resource_rules.push(json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}))
        }
        Access::ReadOnly => resource_rules.push(
            json!({"verbs": ["get", "list", "watch"], "apiGroups": ["*"], "resources": ["*"]}),
        ),
        Access::None => {}
    }
    resource_rules.push(
        json!({"verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
        "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]}),
    );
    resource_rules.push(
        json!({"verbs": ["create"], "apiGroups": ["authentication.k8s.io"],
        "resources": ["selfsubjectreviews"]}),
    );
    let mut non_resource_rules = vec![
        json!({"verbs": ["get"], "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz",
            "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]}),
        json!({"verbs": ["get"], "nonResourceURLs": ["/.well-known", "/.well-known/*"]}),
        json!({"verbs": ["get"], "nonResourceURLs": ["/healthz", "/livez", "/readyz", "/version", "/version/"]}),
    ];
    if user.access == Access::Admin {
        non_resource_rules.insert(0, json!({"verbs": ["*"], "nonResourceURLs": ["*"]}));
    }
    json!({"resourceRules": resource_rules, "nonResourceRules": non_resource_rules})
}
