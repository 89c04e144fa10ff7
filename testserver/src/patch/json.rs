//! JSON patch (RFC 6902) with the real server's answers: a patch document
//! that does not decode is a 400 with Go's decoding message; an operation
//! that cannot be applied (failing `test`, missing path, index out of
//! range, unknown op) is a 422 with the generic message.

use serde_json::Value;

use super::PatchError;

/// `original` with the operations of `patch` applied in order.
pub fn apply(original: &Value, patch: &Value) -> Result<Value, PatchError> {
    check_document(patch)?;
    let operations: json_patch::Patch = match patch {
        Value::Null => json_patch::Patch(Vec::new()),
        _ => serde_json::from_value(patch.clone())
            .map_err(|e| PatchError::Unprocessable(e.to_string()))?,
    };
    let mut out = original.clone();
    json_patch::patch(&mut out, &operations)
        .map_err(|e| PatchError::Unprocessable(e.to_string()))?;
    Ok(out)
}

/// Go's name for the JSON type of a value, as `encoding/json` reports it.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The checks of the real server's decoding into `[]handlers.jsonPatchOp`
/// (`op`, `path`, `from` strings; `value` anything).
fn check_document(patch: &Value) -> Result<(), PatchError> {
    let bad =
        |detail: String| PatchError::BadRequest(format!("error decoding patch: json: {detail}"));
    let operations = match patch {
        Value::Null => return Ok(()),
        Value::Array(operations) => operations,
        other => {
            return Err(bad(format!(
                "cannot unmarshal {} into Go value of type []handlers.jsonPatchOp",
                json_kind(other)
            )));
        }
    };
    for operation in operations {
        let fields = match operation {
            Value::Null => continue,
            Value::Object(fields) => fields,
            other => {
                return Err(bad(format!(
                    "cannot unmarshal {} into Go value of type handlers.jsonPatchOp",
                    json_kind(other)
                )));
            }
        };
        for name in ["op", "path", "from"] {
            match fields.get(name) {
                None | Some(Value::Null | Value::String(_)) => {}
                Some(other) => {
                    return Err(bad(format!(
                        "cannot unmarshal {} into Go struct field jsonPatchOp.{name} of type string",
                        json_kind(other)
                    )));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn applies_operations_and_reports_like_the_real_server() {
        let object = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"replicas": 1, "items": ["x"]}});
        let patched = apply(
            &object,
            &json!([
                {"op": "test", "path": "/spec/replicas", "value": 1},
                {"op": "replace", "path": "/spec/replicas", "value": 3},
                {"op": "add", "path": "/spec/items/-", "value": "y"},
                {"op": "add", "path": "/metadata/annotations", "value": {"note": "json-patch"}}
            ]),
        )
        .unwrap();
        assert_eq!(patched["spec"], json!({"replicas": 3, "items": ["x", "y"]}));
        assert_eq!(patched["metadata"]["annotations"]["note"], "json-patch");

        for failing in [
            json!([{"op": "test", "path": "/spec/replicas", "value": 2}]),
            json!([{"op": "remove", "path": "/metadata/labels/doesnotexist"}]),
            json!([{"op": "replace", "path": "/spec/items/5", "value": "x"}]),
            json!([{"op": "frobnicate", "path": "/spec"}]),
        ] {
            let error = apply(&object, &failing).unwrap_err();
            assert_eq!((error.code(), error.reason()), (422, Some("Invalid")));
            assert_eq!(error.message(), crate::patch::GENERIC_INVALID);
        }
        let error = apply(
            &object,
            &json!({"op": "replace", "path": "/spec/replicas", "value": 2}),
        )
        .unwrap_err();
        assert_eq!(error.code(), 400);
        assert_eq!(
            error.message(),
            "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp"
        );
        let error = apply(&object, &json!([{"op": 1, "path": "/a"}])).unwrap_err();
        assert_eq!(
            error.message(),
            "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string"
        );
        assert_eq!(apply(&object, &Value::Null).unwrap(), object);
    }
}
