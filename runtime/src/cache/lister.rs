//! [`Lister`]: a typed, read-only view of a cache (client-go's generated listers, once,
//! generically).

use std::sync::Arc;

use super::selector::Selector;
use super::store::{NAMESPACE_INDEX, Store, StoreError, key_of};
use crate::resource::Metadata;

/// Reads a [`Store`]: lists by label selector, gets by name, looks up indices. Cheap to
/// clone. Objects are shared with the cache: do not expect them to change, and clone before
/// modifying.
pub struct Lister<K> {
    store: Store<K>,
}

impl<K> Clone for Lister<K> {
    fn clone(&self) -> Self {
        Lister {
            store: self.store.clone(),
        }
    }
}

impl<K> std::fmt::Debug for Lister<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lister")
            .field("store", &self.store)
            .finish()
    }
}

fn selected<K: Metadata>(selector: &Selector, object: &K) -> bool {
    selector.is_everything() || selector.matches_opt(object.metadata().labels.as_ref())
}

impl<K: Metadata + Send + Sync + 'static> Lister<K> {
    /// A lister over a store.
    pub fn new(store: Store<K>) -> Self {
        Lister { store }
    }

    /// The store underneath.
    pub fn store(&self) -> &Store<K> {
        &self.store
    }

    /// The objects (of every namespace) whose labels match.
    pub fn list(&self, selector: &Selector) -> Vec<Arc<K>> {
        let mut objects = self.store.list();
        objects.retain(|o| selected(selector, o.as_ref()));
        objects
    }

    /// Every object.
    pub fn list_all(&self) -> Vec<Arc<K>> {
        self.store.list()
    }

    /// A cluster-scoped object by name (or any object by its full key `namespace/name`).
    pub fn get(&self, name: &str) -> Option<Arc<K>> {
        self.store.get(name)
    }

    /// The objects of one namespace.
    pub fn namespace(&self, namespace: &str) -> NamespaceLister<K> {
        NamespaceLister {
            store: self.store.clone(),
            namespace: namespace.to_owned(),
        }
    }

    /// The objects whose index `index` has the value `value`.
    pub fn by_index(&self, index: &str, value: &str) -> Result<Vec<Arc<K>>, StoreError> {
        self.store.by_index(index, value)
    }
}

/// The objects of one namespace of a [`Lister`].
pub struct NamespaceLister<K> {
    store: Store<K>,
    namespace: String,
}

impl<K> std::fmt::Debug for NamespaceLister<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NamespaceLister")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl<K: Metadata + Send + Sync + 'static> NamespaceLister<K> {
    /// The object named `name` in this namespace.
    pub fn get(&self, name: &str) -> Option<Arc<K>> {
        self.store.get(&key_of(Some(&self.namespace), name))
    }

    /// The objects of this namespace whose labels match (through the namespace index).
    pub fn list(&self, selector: &Selector) -> Vec<Arc<K>> {
        match self.store.by_index(NAMESPACE_INDEX, &self.namespace) {
            Ok(mut objects) => {
                objects.retain(|o| selected(selector, o.as_ref()));
                objects
            }
            // The namespace index cannot be removed; scan if it somehow is missing.
            Err(_) => self
                .store
                .list()
                .into_iter()
                .filter(|o| {
                    o.metadata().namespace.as_deref() == Some(self.namespace.as_str())
                        && selected(selector, o.as_ref())
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::store::Writer;
    use crate::resource::test_support::ConfigMap;

    fn cm(ns: &str, name: &str, labels: &[(&str, &str)]) -> ConfigMap {
        let mut c = ConfigMap::default();
        c.metadata.name = Some(name.into());
        c.metadata.namespace = Some(ns.into());
        c.metadata.labels = Some(
            labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        );
        c
    }

    fn names(objects: Vec<Arc<ConfigMap>>) -> Vec<String> {
        let mut n: Vec<String> = objects
            .iter()
            .map(|o| crate::cache::store::object_key(o.as_ref()))
            .collect();
        n.sort();
        n
    }

    #[test]
    fn selectors_and_namespaces() {
        let mut w = Writer::new();
        w.replace(
            vec![
                cm("a", "web", &[("app", "web"), ("tier", "front")]),
                cm("a", "db", &[("app", "db")]),
                cm("b", "web", &[("app", "web")]),
                cm("b", "bare", &[]),
            ],
            "1".into(),
        );
        let lister = Lister::new(w.store());
        let sel = |s: &str| Selector::parse(s).unwrap();
        assert_eq!(names(lister.list(&sel("app=web"))), ["a/web", "b/web"]);
        assert_eq!(names(lister.list(&sel("app!=web"))), ["a/db", "b/bare"]);
        assert_eq!(
            names(lister.list(&sel("app in (db),tier notin (x)"))),
            ["a/db"]
        );
        assert_eq!(names(lister.list(&sel("!app"))), ["b/bare"]);
        assert_eq!(lister.list(&Selector::everything()).len(), 4);
        assert!(lister.list(&Selector::nothing()).is_empty());
        assert_eq!(lister.list_all().len(), 4);
        let ns = lister.namespace("a");
        assert!(ns.get("db").is_some());
        assert!(ns.get("bare").is_none());
        assert_eq!(names(ns.list(&sel("app"))), ["a/db", "a/web"]);
        assert_eq!(names(ns.list(&sel("tier=front"))), ["a/web"]);
        assert_eq!(
            names(lister.namespace("b").list(&Selector::everything())),
            ["b/bare", "b/web"]
        );
        assert!(
            lister
                .namespace("c")
                .list(&Selector::everything())
                .is_empty()
        );
        assert_eq!(
            names(lister.by_index(NAMESPACE_INDEX, "b").unwrap()),
            ["b/bare", "b/web"]
        );
        assert!(lister.get("a/web").is_some());
    }
}
