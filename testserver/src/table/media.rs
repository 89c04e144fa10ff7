//! Accept-header negotiation for object endpoints, as kube-apiserver does it:
//! plain JSON or YAML, a `meta.k8s.io` `Table`, `PartialObjectMetadata` or
//! `PartialObjectMetadataList`, or 406 Not Acceptable.
//!
//! Two checks happen in the real server, and both are reproduced:
//! 1. the route (go-restful, built-in resources only) refuses an Accept
//!    header none of whose media types it produces:
//!    `406: Not Acceptable\n\nAvailable representations: …` with `details: {}`;
//! 2. content negotiation walks the media ranges in preference order and
//!    takes the first it can serve, else
//!    `only the following media types are accepted: …` (no details).
//!
//! This server does not speak protobuf: a protobuf range is skipped as if it
//! were not acceptable, so `protobuf, json` yields JSON and protobuf alone
//! yields the second 406 (the real server would answer in protobuf).

use std::fmt;

/// One media range of an Accept header.
#[derive(Clone, Debug, PartialEq)]
pub struct MediaRange {
    /// `application`, or `*`.
    pub type_: String,
    /// `json`, or `*`.
    pub subtype: String,
    /// Parameters other than `q`, in order, names lowercased.
    pub params: Vec<(String, String)>,
    /// The quality, 1.0 when absent.
    pub q: f32,
}

impl MediaRange {
    /// Whether this range covers `type_/subtype` (wildcards included).
    pub fn matches(&self, type_: &str, subtype: &str) -> bool {
        (self.type_ == "*" && self.subtype == "*")
            || (self.type_.eq_ignore_ascii_case(type_)
                && (self.subtype == "*" || self.subtype.eq_ignore_ascii_case(subtype)))
    }

    /// A parameter's value.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses an Accept header into media ranges, most preferred first: by
/// quality, then concrete types before wildcards, then header order.
/// Ranges with quality 0 are dropped.
pub fn parse_accept(header: &str) -> Vec<MediaRange> {
    let mut ranges: Vec<MediaRange> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let media = pieces.next()?.trim();
            let (type_, subtype) = match media.split_once('/') {
                Some((t, s)) => (t.trim(), s.trim()),
                None if media == "*" => ("*", "*"),
                None => return None,
            };
            if type_.is_empty() || subtype.is_empty() {
                return None;
            }
            let mut q = 1.0_f32;
            let mut params = Vec::new();
            for piece in pieces {
                let Some((key, value)) = piece.split_once('=') else {
                    continue;
                };
                let key = key.trim().to_ascii_lowercase();
                let value = value.trim().trim_matches('"').to_owned();
                if key == "q" {
                    q = value.parse().unwrap_or(1.0);
                } else {
                    params.push((key, value));
                }
            }
            Some(MediaRange {
                type_: type_.to_owned(),
                subtype: subtype.to_owned(),
                params,
                q,
            })
        })
        .filter(|r| r.q > 0.0)
        .collect();
    ranges.sort_by(|a, b| {
        b.q.partial_cmp(&a.q)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| (a.type_ == "*").cmp(&(b.type_ == "*")))
            .then_with(|| (a.subtype == "*").cmp(&(b.subtype == "*")))
    });
    ranges
}

/// The serialization of a response body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `application/json`.
    Json,
    /// `application/yaml`.
    Yaml,
}

impl Format {
    /// The `Content-Type` of a body in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Yaml => "application/yaml",
        }
    }
}

/// The `meta.k8s.io` version of a Table or PartialObjectMetadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetaVersion {
    /// `meta.k8s.io/v1`.
    V1,
    /// `meta.k8s.io/v1beta1`.
    V1Beta1,
}

impl MetaVersion {
    /// `meta.k8s.io/v1` or `meta.k8s.io/v1beta1`.
    pub fn api_version(self) -> &'static str {
        match self {
            MetaVersion::V1 => "meta.k8s.io/v1",
            MetaVersion::V1Beta1 => "meta.k8s.io/v1beta1",
        }
    }
}

/// What the response body should be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Representation {
    /// The object or list itself.
    Object,
    /// A `Table` (`as=Table`).
    Table(MetaVersion),
    /// `PartialObjectMetadata` (single objects only).
    PartialObjectMetadata(MetaVersion),
    /// `PartialObjectMetadataList` (lists only).
    PartialObjectMetadataList(MetaVersion),
}

/// The outcome of negotiation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Negotiated {
    /// JSON or YAML.
    pub format: Format,
    /// Which object to serialize.
    pub representation: Representation,
    /// `;stream=watch` was asked for (only meaningful on watches).
    pub stream_watch: bool,
}

/// A 406 Not Acceptable, with the text of the real server's Status.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct NotAcceptable {
    /// `Status.message`.
    pub message: String,
    /// The Status carries `details: {}` (route-level refusals do).
    pub empty_details: bool,
}

impl NotAcceptable {
    /// HTTP status code.
    pub const CODE: u16 = 406;
    /// `Status.reason`.
    pub const REASON: &'static str = "NotAcceptable";

    fn negotiation() -> NotAcceptable {
        NotAcceptable {
            message: format!(
                "only the following media types are accepted: {}",
                PRODUCED.join(", ")
            ),
            empty_details: false,
        }
    }

    /// A refusal raised after negotiation, when the object does not fit the
    /// requested form (a list asked for as `PartialObjectMetadata`…).
    pub fn transform(message: impl Into<String>) -> NotAcceptable {
        NotAcceptable {
            message: message.into(),
            empty_details: false,
        }
    }
}

/// The media types the real server's routes produce (and names in 406s).
const PRODUCED: [&str; 3] = [
    "application/json",
    "application/yaml",
    "application/vnd.kubernetes.protobuf",
];

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.content_type())
    }
}

/// Negotiates the response of an object endpoint (get, list, watch, or the
/// object returned by a write). `custom` is true for custom resources, whose
/// handler has no go-restful route check.
pub fn negotiate(accept: &str, custom: bool) -> Result<Negotiated, NotAcceptable> {
    let accept = accept.trim();
    if accept.is_empty() {
        return Ok(Negotiated {
            format: Format::Json,
            representation: Representation::Object,
            stream_watch: false,
        });
    }
    if !custom && !route_accepts(accept) {
        return Err(NotAcceptable {
            message: format!(
                "406: Not Acceptable\n\nAvailable representations: {}",
                PRODUCED.join(", ")
            ),
            empty_details: true,
        });
    }
    for range in parse_accept(accept) {
        let format = if range.matches("application", "json") {
            Format::Json
        } else if range.matches("application", "yaml") {
            Format::Yaml
        } else {
            continue;
        };
        if let Some(negotiated) = accept_range(&range, format) {
            return Ok(negotiated);
        }
    }
    Err(NotAcceptable::negotiation())
}

/// go-restful's check that some range names a produced type (parameters
/// ignored, no partial wildcards).
fn route_accepts(accept: &str) -> bool {
    accept.split(',').any(|part| {
        let media = part.split(';').next().unwrap_or("").trim();
        media == "*/*" || PRODUCED.iter().any(|p| p.eq_ignore_ascii_case(media))
    })
}

fn accept_range(range: &MediaRange, format: Format) -> Option<Negotiated> {
    let stream = range.param("stream");
    if stream.is_some_and(|s| !s.is_empty() && s != "watch") {
        return None;
    }
    let representation = match range.param("as") {
        None => Representation::Object,
        Some(kind) => {
            let version = match (range.param("g"), range.param("v")) {
                (Some("meta.k8s.io"), Some("v1")) => MetaVersion::V1,
                (Some("meta.k8s.io"), Some("v1beta1")) => MetaVersion::V1Beta1,
                _ => return None,
            };
            match kind {
                "Table" => Representation::Table(version),
                "PartialObjectMetadata" => Representation::PartialObjectMetadata(version),
                "PartialObjectMetadataList" => Representation::PartialObjectMetadataList(version),
                _ => return None,
            }
        }
    };
    Some(Negotiated {
        format,
        representation,
        stream_watch: stream == Some("watch"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(accept: &str) -> Negotiated {
        negotiate(accept, false).unwrap()
    }

    #[test]
    fn kubectl_get_gets_a_table() {
        let n = ok(
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
        );
        assert_eq!(n.format, Format::Json);
        assert_eq!(n.representation, Representation::Table(MetaVersion::V1));
        assert_eq!(
            ok("application/json;as=Table;v=v1beta1;g=meta.k8s.io").representation,
            Representation::Table(MetaVersion::V1Beta1)
        );
    }

    #[test]
    fn unknown_media_parameters_are_ignored() {
        let n = ok("application/json;as=Table;v=v1;g=meta.k8s.io;includeObject=None");
        assert_eq!(n.representation, Representation::Table(MetaVersion::V1));
    }

    #[test]
    fn partial_object_metadata_forms() {
        assert_eq!(
            ok("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1").representation,
            Representation::PartialObjectMetadataList(MetaVersion::V1)
        );
        assert_eq!(
            ok("application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json")
                .representation,
            Representation::PartialObjectMetadata(MetaVersion::V1)
        );
    }

    #[test]
    fn plain_yaml_wildcards_and_q_values() {
        assert_eq!(ok("*/*").format, Format::Json);
        assert_eq!(ok("").format, Format::Json);
        assert_eq!(ok("application/yaml").format, Format::Yaml);
        assert_eq!(
            ok("application/json;q=0.5,application/yaml;q=0.9").format,
            Format::Yaml
        );
        assert!(ok("application/json;stream=watch").stream_watch);
    }

    #[test]
    fn unsupported_types_get_the_routes_406() {
        for accept in ["application/xml", "text/html"] {
            let err = negotiate(accept, false).unwrap_err();
            assert_eq!(
                err.message,
                "406: Not Acceptable\n\nAvailable representations: application/json, application/yaml, application/vnd.kubernetes.protobuf"
            );
            assert!(err.empty_details);
        }
    }

    #[test]
    fn protobuf_falls_back_to_json_or_is_refused() {
        assert_eq!(
            ok("application/vnd.kubernetes.protobuf, application/json").format,
            Format::Json
        );
        let table = negotiate(
            "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io",
            false,
        )
        .unwrap_err();
        assert_eq!(
            table.message,
            "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf"
        );
        assert!(!table.empty_details);
        let custom = negotiate("application/vnd.kubernetes.protobuf", true).unwrap_err();
        assert_eq!(custom, table);
    }

    #[test]
    fn a_table_of_another_group_is_not_acceptable() {
        assert!(negotiate("application/json;as=Table;g=example.com;v=v1", false).is_err());
        assert_eq!(
            ok("application/json;as=Table;g=example.com;v=v1,application/json").representation,
            Representation::Object
        );
    }
}
