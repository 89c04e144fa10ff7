//! One watch event line decoded in a single pass: the API server writes `type` before
//! `object`, so the object is deserialized straight into its Rust type, with no
//! intermediate `serde_json::Value` (which would cost an allocation per JSON node and
//! leave the heap fragmented after a large streaming list). An `object` that comes first
//! is kept as a `Value` until the type is known.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{Bookmark, BookmarkObject, WatchEvent};
use crate::meta::v1::Status;

#[derive(Clone, Copy)]
enum EventType {
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}

impl EventType {
    fn parse<E: de::Error>(text: &str) -> Result<EventType, E> {
        Ok(match text {
            "ADDED" => EventType::Added,
            "MODIFIED" => EventType::Modified,
            "DELETED" => EventType::Deleted,
            "BOOKMARK" => EventType::Bookmark,
            "ERROR" => EventType::Error,
            other => {
                return Err(E::custom(format!("unknown watch event type {other:?}")));
            }
        })
    }
}

fn bookmark(object: BookmarkObject) -> Bookmark {
    Bookmark {
        resource_version: object.metadata.resource_version.unwrap_or_default(),
        annotations: object.metadata.annotations.unwrap_or_default(),
    }
}

/// Deserializes the `object` member as what `kind` says it is.
struct ObjectSeed<K>(EventType, PhantomData<K>);

impl<'de, K: DeserializeOwned> DeserializeSeed<'de> for ObjectSeed<K> {
    type Value = WatchEvent<K>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<WatchEvent<K>, D::Error> {
        Ok(match self.0 {
            EventType::Added => WatchEvent::Added(K::deserialize(d)?),
            EventType::Modified => WatchEvent::Modified(K::deserialize(d)?),
            EventType::Deleted => WatchEvent::Deleted(K::deserialize(d)?),
            EventType::Bookmark => WatchEvent::Bookmark(bookmark(BookmarkObject::deserialize(d)?)),
            EventType::Error => WatchEvent::Error(Status::deserialize(d)?),
        })
    }
}

enum Member {
    Type,
    Object,
    Other,
}

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Member, D::Error> {
        struct MemberVisitor;
        impl Visitor<'_> for MemberVisitor {
            type Value = Member;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a watch event member")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Member, E> {
                Ok(match v {
                    "type" => Member::Type,
                    "object" => Member::Object,
                    _ => Member::Other,
                })
            }
        }
        d.deserialize_identifier(MemberVisitor)
    }
}

/// The whole event object `{"type": …, "object": …}`.
pub(super) struct EventSeed<K>(pub(super) PhantomData<K>);

impl<'de, K: DeserializeOwned> DeserializeSeed<'de> for EventSeed<K> {
    type Value = WatchEvent<K>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<WatchEvent<K>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, K: DeserializeOwned> Visitor<'de> for EventSeed<K> {
    type Value = WatchEvent<K>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a watch event object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WatchEvent<K>, A::Error> {
        let mut kind: Option<EventType> = None;
        let mut event: Option<WatchEvent<K>> = None;
        let mut early_object: Option<serde_json::Value> = None;
        while let Some(member) = map.next_key::<Member>()? {
            match member {
                Member::Type => {
                    if kind.is_some() {
                        return Err(de::Error::duplicate_field("type"));
                    }
                    let text: std::borrow::Cow<'de, str> = map.next_value()?;
                    kind = Some(EventType::parse(&text)?);
                }
                Member::Object => {
                    if event.is_some() || early_object.is_some() {
                        return Err(de::Error::duplicate_field("object"));
                    }
                    match kind {
                        Some(kind) => {
                            event = Some(map.next_value_seed(ObjectSeed(kind, PhantomData))?)
                        }
                        None => early_object = Some(map.next_value()?),
                    }
                }
                Member::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(event) = event {
            return Ok(event);
        }
        let kind = kind.ok_or_else(|| de::Error::missing_field("type"))?;
        let object = early_object.unwrap_or(serde_json::Value::Null);
        ObjectSeed::<K>(kind, PhantomData)
            .deserialize(object)
            .map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::super::{WatchEvent, decode_event};
    use crate::client::Error;
    use crate::resource::test_support::ConfigMap;

    fn decode(line: &str) -> crate::client::Result<WatchEvent<ConfigMap>> {
        decode_event(line.as_bytes(), "/api/v1/configmaps")
    }

    #[test]
    fn objects_decode_directly_in_either_member_order() {
        let first =
            decode(r#"{"type":"ADDED","object":{"metadata":{"name":"a"},"data":{"k":"v"}}}"#)
                .unwrap();
        let second =
            decode(r#"{"object":{"metadata":{"name":"a"},"data":{"k":"v"}},"type":"ADDED"}"#)
                .unwrap();
        assert_eq!(first, second);
        let WatchEvent::Added(cm) = first else {
            panic!("{first:?}")
        };
        assert_eq!(cm.metadata.name.as_deref(), Some("a"));
        assert!(matches!(
            decode(r#"{"type":"DELETED","object":{"metadata":{"name":"a"}},"extra":[1]}"#),
            Ok(WatchEvent::Deleted(_))
        ));
    }

    #[test]
    fn bookmarks_and_errors_are_not_read_as_the_kind() {
        let bookmark = decode(
            r#"{"type":"BOOKMARK","object":{"kind":"ConfigMap","metadata":{"resourceVersion":"12","annotations":{"k8s.io/initial-events-end":"true"}}}}"#,
        )
        .unwrap();
        let WatchEvent::Bookmark(b) = bookmark else {
            panic!("{bookmark:?}")
        };
        assert_eq!(b.resource_version, "12");
        assert!(b.is_initial_events_end());
        let error =
            decode(r#"{"object":{"kind":"Status","code":410,"reason":"Expired"},"type":"ERROR"}"#)
                .unwrap();
        let WatchEvent::Error(status) = error else {
            panic!("{error:?}")
        };
        assert_eq!(status.code, Some(410));
    }

    #[test]
    fn malformed_events_are_errors_that_name_the_problem() {
        let cases = [
            (
                r#"{"type":"EXPLODED","object":{}}"#,
                "unknown watch event type \"EXPLODED\"",
            ),
            (r#"{"object":{"metadata":{}}}"#, "missing field `type`"),
            (
                r#"{"type":"ADDED","type":"ADDED","object":{}}"#,
                "duplicate field `type`",
            ),
            (
                r#"{"type":"ADDED","object":{"data":7}}"#,
                "invalid type: integer `7`",
            ),
            (
                r#"{"object":{"data":7},"type":"ADDED"}"#,
                "invalid type: integer `7`",
            ),
            (
                r#"{"type":"ADDED","object":{}} trailing"#,
                "trailing characters",
            ),
        ];
        for (line, expected) in cases {
            match decode(line) {
                Err(Error::WatchDecode { source, .. }) => {
                    assert!(source.to_string().contains(expected), "{line}: {source}")
                }
                other => panic!("{line}: {other:?}"),
            }
        }
    }
}
