//! What the server serves right now: the built-in resources and those of the
//! CustomResourceDefinitions in storage (rebuilt when the CRDs change).

use std::sync::{Arc, RwLock};

use crate::crd;
use crate::registry::{Builtin, ResourceInfo};
use crate::schema::{SchemaRef, Schemas};
use crate::storage::delete::CRDS;
use crate::storage::{State, meta};

/// The served resources.
#[derive(Debug)]
pub struct Resources {
    builtin: Builtin,
    empty: Schemas,
    cache: RwLock<Cache>,
}

#[derive(Debug, Default)]
struct Cache {
    /// `(name, resourceVersion)` of every CRD the cache was built from.
    stamp: Vec<(String, String)>,
    all: Arc<Vec<Arc<ResourceInfo>>>,
}

impl Resources {
    /// The built-in resources.
    pub fn new(builtin: Builtin) -> Resources {
        let all = Arc::new(builtin.resources.clone());
        Resources {
            builtin,
            empty: Schemas::default(),
            cache: RwLock::new(Cache {
                stamp: Vec::new(),
                all,
            }),
        }
    }

    /// The schemas of the built-in types.
    pub fn schemas(&self) -> &Arc<Schemas> {
        &self.builtin.schemas
    }

    /// A navigable view of a resource's schema (built-ins resolve `$ref`s; a CRD's
    /// schema is self-contained).
    pub fn schema_of<'a>(&'a self, resource: &'a ResourceInfo) -> SchemaRef<'a> {
        if resource.custom {
            self.empty.view(&resource.schema)
        } else {
            self.builtin.schemas.view(&resource.schema)
        }
    }

    /// Every served resource, built-ins first, given the current storage state.
    pub fn all(&self, state: &State) -> Arc<Vec<Arc<ResourceInfo>>> {
        let crds: Vec<Arc<serde_json::Value>> = state
            .table(CRDS)
            .map(|t| t.scan(None, None, None).map(|(_, o)| o.clone()).collect())
            .unwrap_or_default();
        let stamp: Vec<(String, String)> = crds
            .iter()
            .map(|c| {
                (
                    meta::name(c).to_owned(),
                    meta::resource_version(c).to_owned(),
                )
            })
            .collect();
        {
            let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
            if cache.stamp == stamp {
                return cache.all.clone();
            }
        }
        let mut all = self.builtin.resources.clone();
        for crd in &crds {
            all.extend(crd::resources_of(crd));
        }
        let all = Arc::new(all);
        let mut cache = self.cache.write().unwrap_or_else(|e| e.into_inner());
        *cache = Cache {
            stamp,
            all: all.clone(),
        };
        all
    }
}

/// Lookups over a resource list.
pub trait Lookup {
    /// The resource served at `group/version/plural`.
    fn find(&self, group: &str, version: &str, plural: &str) -> Option<Arc<ResourceInfo>>;
    /// Whether any resource is served in `group`.
    fn has_group(&self, group: &str) -> bool;
    /// Whether any resource is served in `group/version`.
    fn has_version(&self, group: &str, version: &str) -> bool;
    /// The storage version of a resource (the version objects are kept in).
    fn storage_version(&self, group: &str, plural: &str) -> Option<Arc<ResourceInfo>>;
}

impl Lookup for [Arc<ResourceInfo>] {
    fn find(&self, group: &str, version: &str, plural: &str) -> Option<Arc<ResourceInfo>> {
        self.iter()
            .find(|r| r.group == group && r.version == version && r.plural == plural)
            .cloned()
    }

    fn has_group(&self, group: &str) -> bool {
        self.iter().any(|r| r.group == group)
    }

    fn has_version(&self, group: &str, version: &str) -> bool {
        self.iter()
            .any(|r| r.group == group && r.version == version)
    }

    fn storage_version(&self, group: &str, plural: &str) -> Option<Arc<ResourceInfo>> {
        let mut candidates = self
            .iter()
            .filter(|r| r.group == group && r.plural == plural);
        let first = candidates.next()?.clone();
        Some(
            std::iter::once(first.clone())
                .chain(candidates.cloned())
                .find(|r| r.storage)
                .unwrap_or(first),
        )
    }
}
