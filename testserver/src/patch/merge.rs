//! JSON merge patch (RFC 7386): objects merge key by key, `null` deletes a
//! key, anything else (lists included) replaces the target.

use serde_json::Value;

/// `original` with `patch` merged in.
pub fn apply(original: &Value, patch: &Value) -> Value {
    let mut out = original.clone();
    json_patch::merge(&mut out, patch);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_are_replaced_and_null_deletes() {
        let original = json!({"metadata": {"labels": {"app": "web", "team": "a"}},
            "spec": {"containers": [{"name": "app"}, {"name": "sidecar"}]}});
        let patch = json!({"metadata": {"labels": {"team": null}},
            "spec": {"containers": [{"name": "only", "image": "redis:7"}]}});
        assert_eq!(
            apply(&original, &patch),
            json!({"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "only", "image": "redis:7"}]}})
        );
        assert_eq!(apply(&original, &json!("x")), json!("x"));
        assert_eq!(
            apply(&json!(1), &json!({"a": {"b": null, "c": 1}})),
            json!({"a": {"c": 1}})
        );
    }
}
