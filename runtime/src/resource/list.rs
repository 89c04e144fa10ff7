//! [`ObjectList`]: the list response of any [`Resource`].

use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Resource;
use crate::meta::v1::ListMeta;

/// A list of objects of one kind, as returned by a list request (`PodList`, `DeploymentList`…).
///
/// Deserializing ignores `apiVersion` and `kind`, and accepts a missing or `null` `items` as
/// empty. Serializing writes `apiVersion` = `K::API_VERSION`, `kind` = `K::LIST_KIND`, then
/// `metadata` (left out when it is empty) and `items` (always).
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectList<K: Resource> {
    /// List metadata: resourceVersion, continue token, remaining item count.
    pub metadata: ListMeta,
    /// The objects.
    pub items: Vec<K>,
}

impl<K: Resource> ObjectList<K> {
    /// A list with the given items and empty metadata.
    pub fn new(items: Vec<K>) -> Self {
        ObjectList {
            metadata: ListMeta::default(),
            items,
        }
    }

    /// Iterates over the items.
    pub fn iter(&self) -> std::slice::Iter<'_, K> {
        self.items.iter()
    }

    /// Iterates mutably over the items.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, K> {
        self.items.iter_mut()
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the list has no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl<K: Resource> Default for ObjectList<K> {
    fn default() -> Self {
        ObjectList::new(Vec::new())
    }
}

impl<K: Resource> IntoIterator for ObjectList<K> {
    type Item = K;
    type IntoIter = std::vec::IntoIter<K>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, K: Resource> IntoIterator for &'a ObjectList<K> {
    type Item = &'a K;
    type IntoIter = std::slice::Iter<'a, K>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, K: Resource> IntoIterator for &'a mut ObjectList<K> {
    type Item = &'a mut K;
    type IntoIter = std::slice::IterMut<'a, K>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

impl<K: Resource> FromIterator<K> for ObjectList<K> {
    fn from_iter<I: IntoIterator<Item = K>>(iter: I) -> Self {
        ObjectList::new(iter.into_iter().collect())
    }
}

impl<K: Resource> Serialize for ObjectList<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let write_metadata = self.metadata != ListMeta::default();
        let mut state =
            serializer.serialize_struct("ObjectList", 3 + usize::from(write_metadata))?;
        state.serialize_field("apiVersion", K::API_VERSION)?;
        state.serialize_field("kind", K::LIST_KIND)?;
        if write_metadata {
            state.serialize_field("metadata", &self.metadata)?;
        } else {
            state.skip_field("metadata")?;
        }
        if K::TYPED_LIST_ITEMS {
            state.serialize_field("items", &self.items)?;
        } else {
            // Built-in lists carry their items without `apiVersion` and `kind`.
            let items: Vec<super::embedded::Untyped<'_, K>> =
                self.items.iter().map(super::embedded::Untyped).collect();
            state.serialize_field("items", &items)?;
        }
        state.end()
    }
}

/// The wire shape read by `Deserialize`; unknown fields such as `apiVersion` are ignored.
#[derive(Deserialize)]
#[serde(bound = "K: serde::de::DeserializeOwned")]
struct WireList<K> {
    #[serde(default)]
    metadata: Option<ListMeta>,
    #[serde(default)]
    items: Option<Vec<K>>,
}

impl<'de, K: Resource> Deserialize<'de> for ObjectList<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = WireList::<K>::deserialize(deserializer)?;
        Ok(ObjectList {
            metadata: wire.metadata.unwrap_or_default(),
            items: wire.items.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::test_support::ConfigMap;

    #[test]
    fn deserializes_and_ignores_type_meta() {
        let json = r#"{"kind":"ConfigMapList","apiVersion":"v1",
            "metadata":{"resourceVersion":"42","continue":"abc","remainingItemCount":3},
            "items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}"#;
        let list: ObjectList<ConfigMap> = serde_json::from_str(json).unwrap();
        assert_eq!(list.metadata.resource_version.as_deref(), Some("42"));
        assert_eq!(list.metadata.continue_.as_deref(), Some("abc"));
        assert_eq!(list.metadata.remaining_item_count, Some(3));
        let names: Vec<_> = list
            .iter()
            .map(|cm| cm.metadata.name.clone().unwrap())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn null_or_missing_items_are_empty() {
        let list: ObjectList<ConfigMap> = serde_json::from_str(r#"{"items":null}"#).unwrap();
        assert!(list.is_empty());
        let list: ObjectList<ConfigMap> = serde_json::from_str(r#"{"metadata":null}"#).unwrap();
        assert!(list.is_empty());
        assert_eq!(list.metadata, ListMeta::default());
    }

    #[test]
    fn serializes_type_meta_and_items() {
        let list: ObjectList<ConfigMap> = ObjectList::default();
        assert_eq!(
            serde_json::to_string(&list).unwrap(),
            r#"{"apiVersion":"v1","kind":"ConfigMapList","items":[]}"#
        );
        let mut list: ObjectList<ConfigMap> = std::iter::once(ConfigMap::default()).collect();
        list.metadata.resource_version = Some("7".into());
        assert_eq!(
            serde_json::to_string(&list).unwrap(),
            r#"{"apiVersion":"v1","kind":"ConfigMapList","metadata":{"resourceVersion":"7"},"items":[{"metadata":{}}]}"#
        );
    }

    #[test]
    fn iterates() {
        let mut list: ObjectList<ConfigMap> = vec![ConfigMap::default(); 3].into_iter().collect();
        for cm in &mut list {
            cm.metadata.name = Some("x".into());
        }
        assert!((&list).into_iter().all(|cm| cm.metadata.name.is_some()));
        assert_eq!(list.into_iter().count(), 3);
    }
}
