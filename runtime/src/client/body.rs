//! Response bodies: gzip decompression (also incremental, for watch streams), media-type
//! checks, and decoding JSON or an error `Status`.

use std::io::Write as _;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, header};
use serde::de::DeserializeOwned;

use super::error::{ApiError, Error};
use crate::meta::v1::Status;

/// Incremental gzip (or identity) decoding of a body that arrives in chunks.
pub(crate) struct Decompressor {
    gzip: Option<flate2::write::GzDecoder<Vec<u8>>>,
}

impl Decompressor {
    pub(crate) fn for_headers(headers: &HeaderMap) -> Decompressor {
        let gzip = headers
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("gzip"));
        Decompressor {
            gzip: gzip.then(|| flate2::write::GzDecoder::new(Vec::new())),
        }
    }

    /// Decompresses one chunk.
    pub(crate) fn push(&mut self, chunk: Bytes) -> std::io::Result<Bytes> {
        match self.gzip.as_mut() {
            None => Ok(chunk),
            Some(decoder) => {
                decoder.write_all(&chunk)?;
                decoder.flush()?;
                Ok(Bytes::from(std::mem::take(decoder.get_mut())))
            }
        }
    }

    /// The end of the body: whatever remains (and an error for a truncated gzip stream).
    pub(crate) fn finish(self) -> std::io::Result<Bytes> {
        match self.gzip {
            None => Ok(Bytes::new()),
            Some(decoder) => decoder.finish().map(Bytes::from),
        }
    }
}

/// The response's `Content-Type`, if any.
pub(crate) fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Whether a media type is one this client cannot decode (protobuf, YAML, CBOR).
fn is_unsupported(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence.contains("protobuf") || essence.contains("yaml") || essence.contains("cbor")
}

/// The start of a body as one line of text, for error messages.
pub(crate) fn summary(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None if one_line.is_empty() => "(empty body)".into(),
        None => one_line,
    }
}

/// The error for a non-success response: the server's `Status` when the body is one,
/// otherwise a typed "unexpected response".
pub(crate) fn error_from_response(
    method: &Method,
    path: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Error {
    let content_type = content_type(headers);
    if let Some(ct) = content_type.as_deref().filter(|ct| is_unsupported(ct)) {
        return Error::UnsupportedMediaType {
            method: method.clone(),
            path: path.to_owned(),
            content_type: ct.to_owned(),
        };
    }
    if let Some(s) = status_from_body(body) {
        return Error::Api(Box::new(ApiError {
            status: s,
            http_status: status.as_u16(),
            method: method.clone(),
            path: path.to_owned(),
        }));
    }
    Error::UnexpectedResponse {
        method: method.clone(),
        path: path.to_owned(),
        status: status.as_u16(),
        content_type,
        summary: summary(body),
    }
}

/// A body that is a `Status` object (`"kind": "Status"`).
pub(crate) fn status_from_body(body: &[u8]) -> Option<Status> {
    #[derive(serde::Deserialize)]
    struct Kind {
        #[serde(default)]
        kind: Option<String>,
    }
    let kind: Kind = serde_json::from_slice(body).ok()?;
    if kind.kind.as_deref() != Some("Status") {
        return None;
    }
    serde_json::from_slice(body).ok()
}

/// Decodes a successful response body as JSON.
pub(crate) fn decode<T: DeserializeOwned>(
    method: &Method,
    path: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Error> {
    let content_type = content_type(headers);
    if let Some(ct) = content_type.as_deref() {
        if is_unsupported(ct) {
            return Err(Error::UnsupportedMediaType {
                method: method.clone(),
                path: path.to_owned(),
                content_type: ct.to_owned(),
            });
        }
        if ct.starts_with("text/html") {
            return Err(Error::UnexpectedResponse {
                method: method.clone(),
                path: path.to_owned(),
                status: status.as_u16(),
                content_type,
                summary: summary(body),
            });
        }
    }
    let decode_error = |at: String, source| Error::Decode {
        method: method.clone(),
        path: path.to_owned(),
        status: status.as_u16(),
        at,
        source,
    };
    // The fast path reads without tracking where it is: tracking allocates a string per
    // object key, which costs a third of the time of a large list. Only a failure is
    // read again to say where it failed.
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    if let Ok(value) = T::deserialize(&mut deserializer) {
        // Trailing garbage after the document is an error too.
        deserializer
            .end()
            .map_err(|e| decode_error(".".into(), e))?;
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| decode_error(e.path().to_string(), e.into_inner()))?;
    deserializer
        .end()
        .map_err(|e| decode_error(".".into(), e))?;
    Ok(value)
}
