//! OpenAPI v3: the per-group-version documents of `/openapi/v3`.
//!
//! Documents are parsed with the `openapiv3` crate (paths, operations and
//! their Kubernetes extensions); schemas go through the same converter as
//! every other front end.

use serde_json::Value;

use super::{Definition, Operation, Spec, group_version_kinds};
use crate::error::{Error, Result, escape_pointer};
use crate::source::Document;

/// Whether a document is an OpenAPI 3.x spec.
pub fn is_v3(document: &Document) -> bool {
    document
        .value
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with('3'))
}

/// Reduces OpenAPI v3 documents (one per group-version) to one spec.
pub fn read<'a>(documents: &[&'a Document]) -> Result<Spec<'a>> {
    let mut definitions = Vec::new();
    let mut operations = Vec::new();
    for document in documents {
        let parsed: openapiv3::OpenAPI = serde_path_to_error::deserialize(&document.value)
            .map_err(|error| {
                let pointer: String = error
                    .path()
                    .iter()
                    .map(|segment| format!("/{}", escape_pointer(&segment.to_string())))
                    .collect();
                Error::invalid(
                    &document.location.at(&pointer),
                    format!("not an OpenAPI 3 document: {}", error.inner()),
                )
            })?;
        for (path, item) in &parsed.paths.paths {
            let Some(item) = item.as_item() else { continue };
            for (_, operation) in item.iter() {
                let Some(action) = operation
                    .extensions
                    .get("x-kubernetes-action")
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                let gvk = operation
                    .extensions
                    .get("x-kubernetes-group-version-kind")
                    .map(|value| {
                        group_version_kinds(
                            &serde_json::json!({"x-kubernetes-group-version-kind": value}),
                        )
                    })
                    .and_then(|gvks| gvks.into_iter().next());
                operations.push(Operation {
                    path: path.clone(),
                    action: action.to_owned(),
                    gvk,
                });
            }
        }
        // Schemas are read from the raw document: the converter needs every
        // keyword and extension exactly as written.
        let schemas = document
            .value
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        for (name, schema) in schemas.into_iter().flatten() {
            definitions.push(Definition {
                name: name.clone(),
                root: &document.value,
                document: document.location.clone(),
                pointer: format!("/components/schemas/{}", escape_pointer(name)),
                schema,
            });
        }
    }
    Ok(Spec {
        definitions,
        operations,
        ref_prefix: "#/components/schemas/",
    })
}
