//! [`ByteString`]: binary data carried as base64 (OpenAPI `format: byte`).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Binary data that travels as a standard, padded base64 string, such as the values of a
/// Secret's `data` or a ConfigMap's `binaryData`.
///
/// `Debug` shows only the length, since the content is often a secret.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteString(pub Vec<u8>);

impl fmt::Debug for ByteString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ByteString(<{} bytes>)", self.0.len())
    }
}

impl From<Vec<u8>> for ByteString {
    fn from(bytes: Vec<u8>) -> Self {
        ByteString(bytes)
    }
}

impl From<&[u8]> for ByteString {
    fn from(bytes: &[u8]) -> Self {
        ByteString(bytes.to_vec())
    }
}

impl From<&str> for ByteString {
    fn from(text: &str) -> Self {
        ByteString(text.as_bytes().to_vec())
    }
}

impl AsRef<[u8]> for ByteString {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Serialize for ByteString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for ByteString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        // Go's base64 decoder skips line breaks, and PEM-like values sometimes contain them.
        let decoded = if text.contains(['\r', '\n']) {
            let joined: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
            STANDARD.decode(joined)
        } else {
            STANDARD.decode(&text)
        };
        decoded
            .map(ByteString)
            .map_err(|e| serde::de::Error::custom(format_args!("invalid base64 data: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip() {
        let value: ByteString = serde_json::from_str(r#""aGVsbG8=""#).unwrap();
        assert_eq!(value.0, b"hello");
        assert_eq!(serde_json::to_string(&value).unwrap(), r#""aGVsbG8=""#);
        let empty: ByteString = serde_json::from_str(r#""""#).unwrap();
        assert!(empty.0.is_empty());
    }

    #[test]
    fn line_breaks_are_ignored() {
        let value: ByteString = serde_json::from_str(r#""aGVs\r\nbG8=\n""#).unwrap();
        assert_eq!(value.0, b"hello");
    }

    #[test]
    fn rejects_invalid_base64() {
        assert!(serde_json::from_str::<ByteString>(r#""aGVsbG8""#).is_err());
        assert!(serde_json::from_str::<ByteString>(r#""!!!!""#).is_err());
    }

    #[test]
    fn debug_hides_content() {
        let shown = format!("{:?}", ByteString::from("s3cr3t"));
        assert_eq!(shown, "ByteString(<6 bytes>)");
    }
}
