//! Serializers for objects of a kind embedded in another object, such as a
//! StatefulSet's `volumeClaimTemplates`: Kubernetes writes them without
//! `apiVersion` and `kind`, while a top-level object always carries both.
//! Generated code names these in `#[serde(serialize_with = …)]`.

use serde::{Serialize, Serializer};

use super::Resource;

/// One embedded object, serialized without its `apiVersion` and `kind`.
pub struct Untyped<'a, K>(pub &'a K);

/// A list of embedded objects, each serialized without `apiVersion` and `kind`.
pub struct UntypedSlice<'a, K>(pub &'a [K]);

impl<K: Resource> Serialize for UntypedSlice<'_, K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Untyped))
    }
}

impl<K: Resource> Serialize for Untyped<'_, K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Through `serde_json::Value` to drop the two keys: embedded kinds are
        // rare, and serializing them is rarer than reading them.
        let mut value = serde_json::to_value(self.0).map_err(serde::ser::Error::custom)?;
        if let Some(object) = value.as_object_mut() {
            object.remove("apiVersion");
            object.remove("kind");
        }
        value.serialize(serializer)
    }
}

/// A required embedded object.
pub fn serialize<K: Resource, S: Serializer>(value: &K, serializer: S) -> Result<S::Ok, S::Error> {
    Untyped(value).serialize(serializer)
}

/// An optional embedded object.
pub fn serialize_option<K: Resource, S: Serializer>(
    value: &Option<K>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.as_ref().map(Untyped).serialize(serializer)
}

/// A required list of embedded objects.
pub fn serialize_vec<K: Resource, S: Serializer>(
    value: &[K],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(value.iter().map(Untyped))
}

/// An optional list of embedded objects.
pub fn serialize_option_vec<K: Resource, S: Serializer>(
    value: &Option<Vec<K>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value
        .as_ref()
        .map(|items| items.iter().map(Untyped).collect::<Vec<_>>())
        .serialize(serializer)
}
