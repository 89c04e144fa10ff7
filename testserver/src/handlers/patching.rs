//! Patches and field ownership: the patch types, applying them through the
//! patch module (merge, JSON, strategic merge, server-side apply), and the
//! `managedFields` bookkeeping of every write.

use serde_json::Value;

use super::write::WriteOptions;
use crate::error::{ApiError, Details};
use crate::patch::{self, PatchError, apply::ApplyError, apply::Options};
use crate::registry::ResourceInfo;
use crate::server::App;
use crate::server::http::Request;

/// The patch types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    /// `application/merge-patch+json`.
    Merge,
    /// `application/json-patch+json`.
    Json,
    /// `application/strategic-merge-patch+json`.
    Strategic,
    /// `application/apply-patch+yaml` (server-side apply).
    Apply,
}

/// The patch type of a request (`415` for anything else).
pub fn patch_type(request: &Request, resource: &ResourceInfo) -> Result<PatchType, ApiError> {
    let content_type = request.header("content-type").unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    let kind = match media {
        "application/merge-patch+json" => PatchType::Merge,
        "application/json-patch+json" => PatchType::Json,
        "application/strategic-merge-patch+json" if !resource.custom => PatchType::Strategic,
        "application/strategic-merge-patch+json" => {
            return Err(ApiError::unsupported_media_type(
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
            ));
        }
        "application/apply-patch+yaml" | "application/apply-patch+json" => PatchType::Apply,
        _ => {
            return Err(
                ApiError::unsupported_media_type("415: Unsupported Media Type")
                    .with_details(Details::default()),
            );
        }
    };
    Ok(kind)
}

/// Parses a patch body.
pub fn patch_body(request: &Request, kind: PatchType) -> Result<Value, ApiError> {
    let parsed = if kind == PatchType::Apply {
        serde_yaml_ng::from_slice::<Value>(&request.body).map_err(|e| e.to_string())
    } else {
        serde_json::from_slice::<Value>(&request.body).map_err(|e| e.to_string())
    };
    parsed.map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))
}

/// The fields a write through `subresource` neither changes nor owns: `status`
/// on a main resource with a status subresource; `spec` and the labels on
/// `/status` (the strategies' reset fields).
pub fn reset_fields(resource: &ResourceInfo, subresource: Option<&str>) -> &'static [&'static str] {
    match subresource {
        Some("status") => &["spec", "metadata.labels"],
        None if resource.subresources.status => &["status"],
        _ => &[],
    }
}

/// Records a create, update or non-apply patch by `manager` in `new`'s managedFields.
pub fn record(
    app: &App,
    resource: &ResourceInfo,
    old: Option<&Value>,
    new: &mut Value,
    options: &WriteOptions,
    subresource: Option<&str>,
    now: &str,
) {
    let schema = app.resources.schema_of(resource);
    let options = Options {
        manager: &options.manager,
        subresource,
        force: true,
        now,
        reset_fields: reset_fields(resource, subresource),
    };
    patch::apply::record_update_with(old, new, schema, &options);
}

/// A patch refused, as a Status.
fn patch_error(error: PatchError) -> ApiError {
    let mut api = ApiError::new(error.code(), error.reason().unwrap_or(""), error.message());
    match &error {
        PatchError::Unprocessable(_) => api = api.with_details(Details::default()),
        PatchError::Invalid { causes, .. } => {
            api = api.with_details(Details {
                causes: causes.clone(),
                ..Details::default()
            });
        }
        _ => {}
    }
    api
}

/// An apply refused, as a Status.
fn apply_error(error: ApplyError) -> ApiError {
    let api = ApiError::new(error.code(), error.reason().unwrap_or(""), error.message());
    match &error {
        ApplyError::Conflict { causes, .. } => api.with_details(Details {
            causes: causes.clone(),
            ..Details::default()
        }),
        _ => api,
    }
}

/// `current` patched (`None`: an apply that creates the object). The result of
/// an apply carries its managedFields; other patches are recorded by the caller.
#[allow(clippy::too_many_arguments)]
pub fn apply_patch(
    app: &App,
    resource: &ResourceInfo,
    kind: PatchType,
    current: Option<&Value>,
    body: &Value,
    options: &WriteOptions,
    force: bool,
    subresource: Option<&str>,
    now: &str,
) -> Result<Value, ApiError> {
    let schema = app.resources.schema_of(resource);
    let empty = Value::Object(Default::default());
    let base = current.unwrap_or(&empty);
    let patched = match kind {
        PatchType::Merge => patch::merge::apply(base, body),
        PatchType::Json => patch::json::apply(base, body).map_err(patch_error)?,
        PatchType::Strategic => patch::strategic::apply(base, body, schema).map_err(patch_error)?,
        PatchType::Apply => {
            let apply_options = Options {
                manager: &options.manager,
                subresource,
                force,
                now,
                reset_fields: reset_fields(resource, subresource),
            };
            return patch::apply::apply_with(current, body, schema, &apply_options)
                .map_err(apply_error);
        }
    };
    if !resource.custom && matches!(kind, PatchType::Merge | PatchType::Json) {
        patch::check_decodes(&patched, schema).map_err(patch_error)?;
    }
    Ok(patched)
}
