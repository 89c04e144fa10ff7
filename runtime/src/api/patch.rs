//! [`Patch`]: the four patch types of the API server.

use serde::Serialize;

/// A patch, by type. Each variant holds the patch document.
///
/// ```
/// # use kubegen::api::Patch;
/// # use serde_json::json;
/// let merge = Patch::Merge(json!({"data": {"a": "1", "b": null}}));
/// let json = Patch::Json(json!([{"op": "replace", "path": "/data/a", "value": "2"}]));
/// let apply = Patch::Apply(json!({"apiVersion": "v1", "kind": "ConfigMap",
///                                 "metadata": {"name": "cm"}, "data": {"a": "1"}}));
/// assert_eq!(apply.content_type(), "application/apply-patch+yaml");
/// # let _ = (merge, json);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Patch<T: Serialize> {
    /// Server-side apply (`application/apply-patch+yaml`; JSON is YAML): the full intent of
    /// a field manager, with `apiVersion`, `kind` and `metadata.name`. Needs
    /// [`super::PatchParams::apply`].
    Apply(T),
    /// RFC 6902 JSON patch (`application/json-patch+json`): an array of operations.
    Json(T),
    /// RFC 7386 JSON merge patch (`application/merge-patch+json`): lists are replaced,
    /// `null` deletes.
    Merge(T),
    /// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`): lists
    /// merged by key. Built-in types only; custom resources answer 415.
    Strategic(T),
}

impl<T: Serialize> Patch<T> {
    /// The `Content-Type` of this patch type.
    pub fn content_type(&self) -> &'static str {
        match self {
            Patch::Apply(_) => "application/apply-patch+yaml",
            Patch::Json(_) => "application/json-patch+json",
            Patch::Merge(_) => "application/merge-patch+json",
            Patch::Strategic(_) => "application/strategic-merge-patch+json",
        }
    }

    /// Whether this is server-side apply.
    pub fn is_apply(&self) -> bool {
        matches!(self, Patch::Apply(_))
    }

    /// The patch document.
    pub fn document(&self) -> &T {
        match self {
            Patch::Apply(t) | Patch::Json(t) | Patch::Merge(t) | Patch::Strategic(t) => t,
        }
    }
}
