//! Requests as the handlers see them (method, path, query, headers, body) and
//! responses (JSON/YAML objects, `Status` errors, plain text, watch streams).

use std::convert::Infallible;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use serde_json::Value;

use crate::error::ApiError;

/// The response body type.
pub type Body = BoxBody<Bytes, Infallible>;

/// A parsed request.
#[derive(Debug)]
pub struct Request {
    /// `GET`, `POST`…
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// Query parameters in order (a key without `=` has an empty value).
    pub query: Vec<(String, String)>,
    /// Headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
    /// The subject of a verified client certificate.
    pub certificate: Option<(String, Vec<String>)>,
}

impl Request {
    /// The last value of a query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a query parameter.
    pub fn params(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether a query parameter is present (with any value).
    pub fn has_param(&self, name: &str) -> bool {
        self.query.iter().any(|(k, _)| k == name)
    }

    /// A boolean query parameter (`true`/`1`; present without value counts as true).
    pub fn flag(&self, name: &str) -> bool {
        self.param(name)
            .is_some_and(|v| matches!(v, "" | "true" | "1" | "True" | "TRUE"))
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of a header.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }
}

/// Parses a query string (percent-decoding, `+` as space).
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(part), String::new()),
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How a response body is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// `application/json`.
    Json,
    /// `application/yaml`.
    Yaml,
}

/// A complete response being built.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Extra headers (`Warning`, `Retry-After`, …).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: ReplyBody,
    /// A `Content-Type` other than the negotiated one.
    pub content_type: Option<String>,
}

/// The body of a reply.
#[derive(Debug)]
pub enum ReplyBody {
    /// An object, encoded as negotiated.
    Object(Value),
    /// A list of stored objects, written straight from the store's shared values:
    /// a large list is never copied before it is serialized.
    List(Box<ObjectList>),
    /// Plain text.
    Text(String),
    /// Nothing.
    Empty,
}

impl Reply {
    /// An object with a status code.
    pub fn object(status: u16, object: Value) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: ReplyBody::Object(object),
            content_type: None,
        }
    }

    /// The reply for an error.
    pub fn error(error: &ApiError) -> Reply {
        let mut reply = if error.plain_text {
            Reply::text(error.code, error.message.clone())
        } else {
            Reply::object(error.code, error.status())
        };
        if let Some(seconds) = error.retry_after {
            reply
                .headers
                .push(("Retry-After".into(), seconds.to_string()));
        }
        reply
    }

    /// Plain text.
    pub fn text(status: u16, text: String) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: ReplyBody::Text(text),
            content_type: None,
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The HTTP response, encoding objects as asked (`pretty` indents JSON).
    pub fn into_response(self, encoding: Encoding, pretty: bool) -> Response<Body> {
        let (content_type, bytes) = match self.body {
            ReplyBody::Object(value) => encode(&value, encoding, pretty),
            ReplyBody::List(list) => match encoding {
                Encoding::Json => ("application/json", json_bytes(&list, pretty)),
                Encoding::Yaml => encode(&list.to_value(), encoding, pretty),
            },
            ReplyBody::Text(text) => ("text/plain; charset=utf-8", Bytes::from(text)),
            ReplyBody::Empty => ("", Bytes::new()),
        };
        let content_type = self
            .content_type
            .clone()
            .unwrap_or_else(|| content_type.to_owned());
        let mut response = Response::new(full(bytes));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&content_type) {
            if !content_type.is_empty() {
                headers.insert("content-type", value);
            }
        }
        if !self
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("cache-control"))
        {
            headers.insert(
                "cache-control",
                HeaderValue::from_static("no-cache, private"),
            );
        }
        for (name, value) in self.headers {
            if let (Ok(name), Ok(value)) = (
                http::header::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                headers.append(name, value);
            }
        }
        response
    }
}

/// Encodes an object as JSON (compact or indented) or YAML.
pub fn encode(value: &Value, encoding: Encoding, pretty: bool) -> (&'static str, Bytes) {
    match encoding {
        Encoding::Yaml => match serde_yaml_ng::to_string(&sorted(value)) {
            Ok(text) => ("application/yaml", Bytes::from(text)),
            Err(_) => ("application/json", json_bytes(value, pretty)),
        },
        Encoding::Json => ("application/json", json_bytes(value, pretty)),
    }
}

fn json_bytes<T: serde::Serialize + ?Sized>(value: &T, pretty: bool) -> Bytes {
    let mut bytes = if pretty {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    }
    .unwrap_or_default();
    bytes.push(b'\n');
    Bytes::from(bytes)
}

/// YAML output sorts keys, as Go's YAML encoder of a map does.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// A body from bytes.
pub fn full(bytes: Bytes) -> Body {
    Full::new(bytes).map_err(|never| match never {}).boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_decoded() {
        let query = parse_query("labelSelector=app%3Dweb%2Cenv+in+(a)&watch&x=%zz");
        assert_eq!(
            query[0],
            ("labelSelector".into(), "app=web,env in (a)".into())
        );
        assert_eq!(query[1], ("watch".into(), String::new()));
        assert_eq!(query[2].1, "%zz");
    }
}

/// A list of objects as the store holds them (`kind` and `apiVersion` of each item
/// rewritten on the way out, as [`crate::handlers::output`] does).
#[derive(Debug)]
pub struct ObjectList {
    /// The list's kind, e.g. `PodList`.
    pub kind: String,
    /// The list's apiVersion.
    pub api_version: String,
    /// The list's metadata.
    pub metadata: Value,
    /// The stored objects.
    pub items: Vec<std::sync::Arc<Value>>,
    /// The `kind` and `apiVersion` written first in each item (custom resources), or
    /// `None` to write items without them (built-in list items carry neither).
    pub item_type: Option<(String, String)>,
}

impl ObjectList {
    fn item<'a>(&'a self, object: &'a Value) -> ServedObject<'a> {
        ServedObject {
            type_meta: self
                .item_type
                .as_ref()
                .map(|(kind, api_version)| (kind.as_str(), api_version.as_str())),
            object,
        }
    }

    /// The list as one value (for YAML, which is sorted anyway).
    pub fn to_value(&self) -> Value {
        let items = self
            .items
            .iter()
            .map(|object| serde_json::to_value(self.item(object)).unwrap_or_default())
            .collect();
        serde_json::json!({"kind": self.kind, "apiVersion": self.api_version,
            "metadata": self.metadata, "items": Value::Array(items)})
    }
}

impl serde::Serialize for ObjectList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Items<'a>(&'a ObjectList);
        impl serde::Serialize for Items<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.items.iter().map(|object| self.0.item(object)))
            }
        }
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("kind", &self.kind)?;
        map.serialize_entry("apiVersion", &self.api_version)?;
        map.serialize_entry("metadata", &self.metadata)?;
        map.serialize_entry("items", &Items(self))?;
        map.end()
    }
}

/// A stored object as served, written without copying it: `kind` and `apiVersion`
/// (when given) first, then its other fields.
pub struct ServedObject<'a> {
    /// The `kind` and `apiVersion` to write, or `None` to write neither.
    pub type_meta: Option<(&'a str, &'a str)>,
    /// The stored object.
    pub object: &'a Value,
}

impl serde::Serialize for ServedObject<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let Some(fields) = self.object.as_object() else {
            return self.object.serialize(serializer);
        };
        let mut map = serializer.serialize_map(None)?;
        if let Some((kind, api_version)) = self.type_meta {
            map.serialize_entry("kind", kind)?;
            map.serialize_entry("apiVersion", api_version)?;
        }
        for (key, value) in fields {
            if key != "kind" && key != "apiVersion" {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}
