//! One resource's objects with their recent history: every key keeps the
//! versions written since the compaction point, so that a list can be served
//! at an older resourceVersion (`Exact`, continue tokens) without copying.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use serde_json::Value;

/// `(namespace, name)`; the namespace is `""` for cluster-scoped objects.
pub type Key = (String, String);

/// One written state of a key; `None` is a deletion.
#[derive(Clone, Debug)]
struct Version {
    rv: u64,
    object: Option<Arc<Value>>,
}

/// The objects of one storage resource, ordered by namespace then name (the
/// order of etcd keys, which is the order lists come back in).
#[derive(Debug, Default)]
pub struct Table {
    keys: BTreeMap<Key, Vec<Version>>,
    live: usize,
}

impl Table {
    /// The live object at `key`.
    pub fn get(&self, key: &Key) -> Option<&Arc<Value>> {
        self.keys
            .get(key)
            .and_then(|versions| versions.last())
            .and_then(|version| version.object.as_ref())
    }

    /// The object at `key` as it was at `rv`.
    pub fn get_at(&self, key: &Key, rv: u64) -> Option<&Arc<Value>> {
        self.keys.get(key).and_then(|versions| at(versions, rv))
    }

    /// How many objects are live.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no object is live.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Records a new state of `key` at `rv` (`None` deletes it), dropping
    /// versions no read at or after `compacted` can need.
    pub fn write(&mut self, key: Key, rv: u64, object: Option<Arc<Value>>, compacted: u64) {
        let versions = self.keys.entry(key.clone()).or_default();
        let was_live = versions.last().is_some_and(|v| v.object.is_some());
        let is_live = object.is_some();
        versions.push(Version { rv, object });
        prune(versions, compacted);
        if versions.is_empty() {
            self.keys.remove(&key);
        }
        match (was_live, is_live) {
            (false, true) => self.live += 1,
            (true, false) => self.live -= 1,
            _ => {}
        }
    }

    /// Drops every version older than what a read at `compacted` needs.
    pub fn compact(&mut self, compacted: u64) {
        self.keys.retain(|_, versions| {
            prune(versions, compacted);
            !versions.is_empty()
        });
    }

    /// Objects as of `rv` (`None`: the latest) in key order, starting after
    /// `after` (exclusive) and limited to one namespace when given.
    pub fn scan<'a>(
        &'a self,
        namespace: Option<&'a str>,
        after: Option<&Key>,
        rv: Option<u64>,
    ) -> impl Iterator<Item = (&'a Key, &'a Arc<Value>)> + 'a {
        let lower = match (after, namespace) {
            (Some(key), _) => Bound::Excluded(key.clone()),
            (None, Some(ns)) => Bound::Included((ns.to_owned(), String::new())),
            (None, None) => Bound::Unbounded,
        };
        self.keys
            .range((lower, Bound::Unbounded))
            .take_while(move |(key, _)| namespace.is_none_or(|ns| key.0 == ns))
            .filter_map(move |(key, versions)| {
                let object = match rv {
                    Some(rv) => at(versions, rv),
                    None => versions.last().and_then(|v| v.object.as_ref()),
                };
                object.map(|object| (key, object))
            })
    }

    /// Live keys of one namespace (or all).
    pub fn live_keys(&self, namespace: Option<&str>) -> Vec<Key> {
        self.scan(namespace, None, None)
            .map(|(key, _)| key.clone())
            .collect()
    }
}

fn at(versions: &[Version], rv: u64) -> Option<&Arc<Value>> {
    let index = versions.partition_point(|v| v.rv <= rv);
    index
        .checked_sub(1)
        .and_then(|i| versions[i].object.as_ref())
}

/// Keeps the newest version at or before `compacted` (reads at the compaction
/// point need it) and everything after; a deletion no read can see goes.
fn prune(versions: &mut Vec<Version>, compacted: u64) {
    let older = versions.partition_point(|v| v.rv <= compacted);
    if older > 1 {
        versions.drain(..older - 1);
    }
    if versions.len() == 1 && versions[0].object.is_none() && versions[0].rv <= compacted {
        versions.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(name: &str) -> Key {
        ("ns".to_owned(), name.to_owned())
    }

    #[test]
    fn reads_at_an_older_version_see_the_state_then() {
        let mut table = Table::default();
        table.write(key("a"), 1, Some(Arc::new(json!(1))), 0);
        table.write(key("b"), 2, Some(Arc::new(json!(2))), 0);
        table.write(key("a"), 3, Some(Arc::new(json!(3))), 0);
        table.write(key("b"), 4, None, 0);
        assert_eq!(table.len(), 1);
        let at2: Vec<_> = table.scan(Some("ns"), None, Some(2)).collect();
        assert_eq!(at2.len(), 2);
        assert_eq!(*at2[0].1.as_ref(), json!(1));
        let latest: Vec<_> = table.scan(Some("ns"), None, None).collect();
        assert_eq!(latest.len(), 1);
        assert_eq!(*latest[0].1.as_ref(), json!(3));
        table.compact(4);
        assert!(table.get(&key("b")).is_none());
        assert_eq!(table.keys.len(), 1);
        assert_eq!(table.keys[&key("a")].len(), 1);
    }

    #[test]
    fn scans_stay_in_their_namespace_and_resume_after_a_key() {
        let mut table = Table::default();
        for (ns, name) in [("a", "x"), ("b", "x"), ("b", "y"), ("c", "x")] {
            table.write((ns.into(), name.into()), 1, Some(Arc::new(json!(1))), 0);
        }
        let names: Vec<_> = table
            .scan(Some("b"), None, None)
            .map(|(k, _)| k.1.clone())
            .collect();
        assert_eq!(names, ["x", "y"]);
        let after: Vec<_> = table
            .scan(None, Some(&("b".into(), "x".into())), None)
            .map(|(k, _)| format!("{}/{}", k.0, k.1))
            .collect();
        assert_eq!(after, ["b/y", "c/x"]);
    }
}
