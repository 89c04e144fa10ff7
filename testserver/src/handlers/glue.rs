//! The calls into the modules other parts of the crate provide (selectors,
//! patches), in one place.
//!
//! Until the patch module is merged, RFC 7386 merge patch and RFC 6902 (through
//! the json-patch crate) live here; they are replaced by calls to it.

use serde_json::Value;

use crate::error::ApiError;
use crate::registry::ResourceInfo;
use crate::selectors::{FieldSelector, LabelSelector, SelectorError};
use crate::storage::meta;

/// Label and field selectors of a request, as one object filter.
#[derive(Clone, Debug)]
pub struct Selectors {
    labels: LabelSelector,
    fields: FieldSelector,
}

impl Selectors {
    /// Parses `labelSelector` and `fieldSelector` and checks the fields against the
    /// resource: `400` with the real server's message otherwise.
    pub fn parse(
        labels: Option<&str>,
        fields: Option<&str>,
        resource: &ResourceInfo,
    ) -> Result<Selectors, ApiError> {
        let bad = |e: SelectorError| ApiError::bad_request(e.message());
        let labels = LabelSelector::parse(labels.unwrap_or("")).map_err(bad)?;
        let fields = FieldSelector::parse(fields.unwrap_or("")).map_err(bad)?;
        fields.check(resource).map_err(bad)?;
        Ok(Selectors { labels, fields })
    }

    /// Whether any selector is given.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.fields.is_empty()
    }

    /// Whether the object matches both selectors.
    pub fn matches(&self, object: &Value) -> bool {
        self.labels.matches(meta::labels(object)) && self.fields.matches(object)
    }
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(original: &Value, patch: &Value) -> Value {
    match patch {
        Value::Object(fields) => {
            let mut result = match original {
                Value::Object(map) => map.clone(),
                _ => serde_json::Map::new(),
            };
            for (key, value) in fields {
                if value.is_null() {
                    result.remove(key);
                } else {
                    let merged = merge_patch(result.get(key).unwrap_or(&Value::Null), value);
                    result.insert(key.clone(), merged);
                }
            }
            Value::Object(result)
        }
        other => other.clone(),
    }
}

/// RFC 6902 JSON patch; a failing operation is the real server's generic `422`.
pub fn json_patch(original: &Value, patch: &Value) -> Result<Value, ApiError> {
    let operations: json_patch::Patch = serde_json::from_value(patch.clone())
        .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
    let mut result = original.clone();
    json_patch::patch(&mut result, &operations).map_err(|_| {
        ApiError::new(
            422,
            "Invalid",
            "the server rejected our request due to an error in our request",
        )
        .with_details(Default::default())
    })?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        assert_eq!(
            merge_patch(
                &json!({"a": 1, "b": {"c": 2}}),
                &json!({"a": null, "b": {"d": 3}})
            ),
            json!({"b": {"c": 2, "d": 3}})
        );
    }
}
