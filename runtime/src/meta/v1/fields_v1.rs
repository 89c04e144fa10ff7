//! [`FieldsV1`]: the field sets of server-side apply, kept as compact JSON text.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A set of fields as a JSON trie (`{"f:spec":{"f:replicas":{}}}`), the `fieldsV1` of a
/// `managedFields` entry.
///
/// Kept as its compact JSON text, as client-go keeps the raw bytes: clients rarely look
/// inside, and as a `serde_json::Value` the trie of a large object costs ten times its
/// text (a cached Pod with every field set held 172 KB of `Value` for 15 KB of JSON).
/// Reading transcodes from any serde format without building a `Value`; writing
/// transcodes the text back into the target format. [`FieldsV1::to_value`] parses it
/// when the structure is needed.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FieldsV1 {
    json: Box<str>,
}

impl FieldsV1 {
    /// The set as compact JSON text.
    pub fn as_json(&self) -> &str {
        &self.json
    }

    /// The set as a JSON value.
    pub fn to_value(&self) -> serde_json::Value {
        // The text was written by serde_json from a valid document, so it parses.
        serde_json::from_str(&self.json).unwrap_or(serde_json::Value::Null)
    }

    /// A set from a JSON value.
    pub fn from_value(value: &serde_json::Value) -> FieldsV1 {
        FieldsV1 {
            json: value.to_string().into_boxed_str(),
        }
    }
}

impl Default for FieldsV1 {
    /// The empty set, `{}`.
    fn default() -> Self {
        FieldsV1 { json: "{}".into() }
    }
}

impl From<serde_json::Value> for FieldsV1 {
    fn from(value: serde_json::Value) -> Self {
        FieldsV1::from_value(&value)
    }
}

impl fmt::Debug for FieldsV1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FieldsV1").field(&self.json).finish()
    }
}

impl Serialize for FieldsV1 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = serde_json::Deserializer::from_str(&self.json);
        serde_transcode::transcode(&mut text, serializer)
    }
}

impl<'de> Deserialize<'de> for FieldsV1 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut json = Vec::new();
        serde_transcode::transcode(deserializer, &mut serde_json::Serializer::new(&mut json))
            .map_err(serde::de::Error::custom)?;
        // serde_json writes UTF-8 only.
        let json = String::from_utf8(json).map_err(serde::de::Error::custom)?;
        Ok(FieldsV1 {
            json: json.into_boxed_str(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::FieldsV1;
    use serde_json::json;

    #[test]
    fn reads_and_writes_json_and_yaml_unchanged() {
        let value = json!({"f:metadata": {"f:labels": {".": {}, "f:app": {}}},
            "f:spec": {"k:{\"name\":\"c\"}": {".": {}, "f:image": {}}}});
        let from_text: FieldsV1 = serde_json::from_str(&value.to_string()).unwrap();
        let from_value: FieldsV1 = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(from_text, from_value);
        assert_eq!(from_text.as_json(), value.to_string());
        assert_eq!(from_text.to_value(), value);
        assert_eq!(serde_json::to_value(&from_text).unwrap(), value);

        let yaml = serde_yaml_ng::to_string(&from_text).unwrap();
        assert!(yaml.contains("f:metadata:"), "{yaml}");
        let from_yaml: FieldsV1 = serde_yaml_ng::from_str(&yaml).unwrap();
        assert_eq!(from_yaml.to_value(), value);
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(serde_json::from_str::<FieldsV1>("{\"f:a\": ").is_err());
        assert_eq!(FieldsV1::default().to_value(), json!({}));
    }
}
