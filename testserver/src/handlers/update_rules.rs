//! Kind-specific rules of updates the real registries enforce: immutable
//! ConfigMaps and Secrets, and the immutable type of a Secret.

use kubegen::meta::v1::StatusCause;
use serde_json::Value;

use crate::error::cause;
use crate::registry::ResourceInfo;

const IMMUTABLE: &str = "Forbidden: field is immutable when `immutable` is set";

/// Causes of a 422 for an update from `old` to `new`.
pub fn check(resource: &ResourceInfo, old: &Value, new: &Value) -> Vec<StatusCause> {
    if !resource.group.is_empty() || resource.custom {
        return Vec::new();
    }
    let mut causes = Vec::new();
    if resource.kind == "Secret" {
        let (before, after) = (old.get("type"), new.get("type"));
        if before.is_some() && before != after {
            let shown = after.and_then(Value::as_str).unwrap_or("");
            causes.push(cause(
                "FieldValueInvalid",
                format!("Invalid value: \"{shown}\": field is immutable"),
                "type",
            ));
        }
    }
    if matches!(resource.kind.as_str(), "ConfigMap" | "Secret")
        && old.get("immutable") == Some(&Value::Bool(true))
    {
        if new.get("immutable") != Some(&Value::Bool(true)) {
            causes.push(cause("FieldValueForbidden", IMMUTABLE, "immutable"));
        }
        for field in ["data", "binaryData"] {
            if old.get(field) != new.get(field) {
                causes.push(cause("FieldValueForbidden", IMMUTABLE, field));
            }
        }
    }
    causes
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn immutable_configmaps_refuse_data_changes() {
        let configmaps = ResourceInfo {
            kind: "ConfigMap".into(),
            ..ResourceInfo::default()
        };
        let old = json!({"immutable": true, "data": {"a": "1"}});
        assert!(check(&configmaps, &old, &old).is_empty());
        let causes = check(
            &configmaps,
            &old,
            &json!({"immutable": true, "data": {"a": "2"}}),
        );
        assert_eq!(causes[0].field.as_deref(), Some("data"));
    }
}
