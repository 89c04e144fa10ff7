//! OpenAPI v2 (Swagger 2.0): Kubernetes' `swagger.json`.

use serde_json::Value;

use super::{Definition, Operation, Spec, group_version_kinds};
use crate::error::{Error, Result, escape_pointer};
use crate::source::Document;

/// Whether a document is a Swagger 2.0 spec.
pub fn is_v2(document: &Document) -> bool {
    document
        .value
        .get("swagger")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with('2'))
}

const METHODS: [&str; 7] = ["get", "put", "post", "patch", "delete", "head", "options"];

/// Reduces a Swagger 2.0 document to definitions and operations.
pub fn read(document: &Document) -> Result<Spec<'_>> {
    let root = &document.value;
    let Some(definitions) = root.get("definitions").and_then(Value::as_object) else {
        return Err(Error::invalid(
            &document.location.at("/definitions"),
            "a Swagger 2.0 spec needs `definitions`",
        ));
    };
    let definitions = definitions
        .iter()
        .map(|(name, schema)| Definition {
            name: name.clone(),
            root,
            document: document.location.clone(),
            pointer: format!("/definitions/{}", escape_pointer(name)),
            schema,
        })
        .collect();
    let mut operations = Vec::new();
    if let Some(paths) = root.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let Some(action) = operation.get("x-kubernetes-action").and_then(Value::as_str)
                else {
                    continue;
                };
                operations.push(Operation {
                    path: path.clone(),
                    action: action.to_owned(),
                    gvk: group_version_kinds(operation).into_iter().next(),
                });
            }
        }
    }
    Ok(Spec {
        definitions,
        operations,
        ref_prefix: "#/definitions/",
    })
}
