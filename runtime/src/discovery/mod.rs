//! Discovery: which groups, versions and resources the server offers, and its version.
//!
//! [`Discovery`] asks for **aggregated discovery** first (`apidiscovery.k8s.io/v2`, one
//! document for `/api` and one for `/apis`, with `ETag` revalidation); when the server
//! answers with the legacy documents or `406 Not Acceptable`, it falls back to legacy
//! discovery (`/api`, `/apis`, then one `/api/v1` or `/apis/{group}/{version}` request per
//! group version, in parallel). The result is cached in memory until
//! [`Discovery::invalidate`] or [`Discovery::refresh`].
//!
//! Group versions that fail in legacy discovery (an aggregated API server that is down
//! answers 503) are left out and listed in [`DiscoveryData::failed`], as client-go reports
//! `ErrGroupDiscoveryFailed` beside partial results.

pub mod aggregated;

use std::sync::{Arc, Mutex};

use http::StatusCode;
use http::header::{self, HeaderValue};

use crate::client::{Client, Request, Response, Result};
use crate::dynamic::ResourceDescriptor;
use crate::meta::v1::{ApiGroupList, ApiResourceList, ApiVersions};
use crate::resource::{GroupVersionKind, Scope};
use crate::version::Info;
use aggregated::{ACCEPT_AGGREGATED, ApiGroupDiscoveryList, is_aggregated};

/// A resource as discovered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveredResource {
    /// Group.
    pub group: String,
    /// Version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// Plural name.
    pub plural: String,
    /// Singular name (may be empty in legacy discovery of old servers).
    pub singular: String,
    /// Scope.
    pub scope: Scope,
    /// Verbs.
    pub verbs: Vec<String>,
    /// Short names.
    pub short_names: Vec<String>,
    /// Categories.
    pub categories: Vec<String>,
    /// Subresources, such as `status` and `scale`.
    pub subresources: Vec<String>,
}

impl DiscoveredResource {
    /// The descriptor for [`crate::DynamicApi`].
    pub fn descriptor(&self) -> ResourceDescriptor {
        ResourceDescriptor::from_gvk(
            &GroupVersionKind::new(&self.group, &self.version, &self.kind),
            &self.plural,
            self.scope,
        )
    }

    /// Whether the resource supports a verb (`list`, `watch`, `patch`…).
    pub fn supports(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == verb)
    }
}

/// A version of a group and its resources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveredVersion {
    /// The version.
    pub version: String,
    /// Its resources (without subresources).
    pub resources: Vec<DiscoveredResource>,
    /// Aggregated discovery marked it `Stale` (its API server was unreachable).
    pub stale: bool,
}

/// A group and its versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveredGroup {
    /// The group, `""` for the core group.
    pub name: String,
    /// The versions, preferred first.
    pub versions: Vec<DiscoveredVersion>,
    /// The version the server prefers.
    pub preferred_version: String,
}

impl DiscoveredGroup {
    /// The preferred version's resources.
    pub fn preferred_resources(&self) -> &[DiscoveredResource] {
        self.versions
            .iter()
            .find(|v| v.version == self.preferred_version)
            .or(self.versions.first())
            .map(|v| v.resources.as_slice())
            .unwrap_or_default()
    }
}

/// The result of one discovery run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveryData {
    /// Groups in the server's priority order, the core group first.
    pub groups: Vec<DiscoveredGroup>,
    /// Whether aggregated discovery was used.
    pub aggregated: bool,
    /// Group versions that could not be discovered, with the error.
    pub failed: Vec<(String, String)>,
    /// Increases with every run of this [`Discovery`].
    pub generation: u64,
}

impl DiscoveryData {
    /// A group by name.
    pub fn group(&self, name: &str) -> Option<&DiscoveredGroup> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// Every resource of every version.
    pub fn all_resources(&self) -> impl Iterator<Item = &DiscoveredResource> {
        self.groups
            .iter()
            .flat_map(|g| g.versions.iter().flat_map(|v| v.resources.iter()))
    }

    /// The resources of each group's preferred version.
    pub fn preferred_resources(&self) -> impl Iterator<Item = &DiscoveredResource> {
        self.groups
            .iter()
            .flat_map(|g| g.preferred_resources().iter())
    }
}

/// A cached discovery document of one endpoint (`/api` or `/apis`), for `If-None-Match`.
#[derive(Clone)]
struct Cached {
    etag: HeaderValue,
    groups: Vec<DiscoveredGroup>,
}

#[derive(Default)]
struct State {
    data: Option<Arc<DiscoveryData>>,
    etag_api: Option<Cached>,
    etag_apis: Option<Cached>,
    generation: u64,
}

/// Discovery with an in-memory cache. Cheap to clone; clones share the cache.
#[derive(Clone)]
pub struct Discovery {
    client: Client,
    state: Arc<Mutex<State>>,
    /// Serializes runs, so that concurrent callers share one.
    run_lock: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Discovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Discovery").finish_non_exhaustive()
    }
}

enum Document<T> {
    Aggregated(Vec<DiscoveredGroup>, Option<HeaderValue>),
    NotModified,
    Legacy(T),
}

impl Discovery {
    /// Discovery through a client; nothing is fetched until asked.
    pub fn new(client: Client) -> Discovery {
        Discovery {
            client,
            state: Arc::new(Mutex::new(State::default())),
            run_lock: Arc::new(tokio::sync::Mutex::new(())),
        }
    }

    /// The server's version (`/version`, not cached).
    pub async fn server_version(&self) -> Result<Info> {
        self.client.apiserver_version().await
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A poisoned lock only means a panic elsewhere; the cache is still consistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cached discovery, fetched first if there is none.
    pub async fn get(&self) -> Result<Arc<DiscoveryData>> {
        Ok(self.get_or_run().await?.0)
    }

    /// The cached discovery and whether it was fetched by this call.
    pub(crate) async fn get_or_run(&self) -> Result<(Arc<DiscoveryData>, bool)> {
        if let Some(data) = self.state().data.clone() {
            return Ok((data, false));
        }
        let _run = self.run_lock.lock().await;
        if let Some(data) = self.state().data.clone() {
            return Ok((data, false));
        }
        Ok((self.run().await?, true))
    }

    /// Forgets the cached discovery; the next call fetches again (revalidating aggregated
    /// documents with their `ETag`).
    pub fn invalidate(&self) {
        self.state().data = None;
    }

    /// Fetches again now.
    pub async fn refresh(&self) -> Result<Arc<DiscoveryData>> {
        let _run = self.run_lock.lock().await;
        self.run().await
    }

    async fn run(&self) -> Result<Arc<DiscoveryData>> {
        let (etag_api, etag_apis) = {
            let s = self.state();
            (s.etag_api.clone(), s.etag_apis.clone())
        };
        let mut groups = Vec::new();
        let mut failed = Vec::new();
        let mut aggregated = true;
        let mut new_api = None;
        let mut new_apis = None;

        match self
            .document::<ApiVersions>("/api", etag_api.as_ref())
            .await?
        {
            Document::Aggregated(core, etag) => {
                new_api = etag.map(|etag| Cached {
                    etag,
                    groups: core.clone(),
                });
                groups.extend(core);
            }
            Document::NotModified => {
                if let Some(cached) = etag_api.clone() {
                    groups.extend(cached.groups.clone());
                    new_api = Some(cached);
                }
            }
            Document::Legacy(versions) => {
                aggregated = false;
                let gvs = versions.versions.iter().map(|v| (String::new(), v.clone()));
                let (core, errors) = self.legacy_resources(gvs.collect()).await;
                failed.extend(errors);
                groups.push(DiscoveredGroup {
                    name: String::new(),
                    preferred_version: versions.versions.first().cloned().unwrap_or_default(),
                    versions: core.into_iter().filter_map(|(_, v)| v).collect(),
                });
            }
        }
        match self
            .document::<ApiGroupList>("/apis", etag_apis.as_ref())
            .await?
        {
            Document::Aggregated(list, etag) => {
                new_apis = etag.map(|etag| Cached {
                    etag,
                    groups: list.clone(),
                });
                groups.extend(list);
            }
            Document::NotModified => {
                if let Some(cached) = etag_apis.clone() {
                    groups.extend(cached.groups.clone());
                    new_apis = Some(cached);
                }
            }
            Document::Legacy(list) => {
                aggregated = false;
                // Every group version of every group at once, as client-go does.
                let gvs = list
                    .groups
                    .iter()
                    .flat_map(|g| {
                        g.versions
                            .iter()
                            .map(|v| (g.name.clone(), v.version.clone()))
                    })
                    .collect();
                let (mut versions, errors) = self.legacy_resources(gvs).await;
                failed.extend(errors);
                for group in list.groups {
                    let preferred_version = group
                        .preferred_version
                        .map(|p| p.version)
                        .or_else(|| group.versions.first().map(|v| v.version.clone()))
                        .unwrap_or_default();
                    let mine = versions
                        .iter_mut()
                        .filter(|(g, _)| *g == group.name)
                        .filter_map(|(_, v)| v.take())
                        .collect();
                    groups.push(DiscoveredGroup {
                        name: group.name,
                        versions: mine,
                        preferred_version,
                    });
                }
            }
        }
        let mut state = self.state();
        state.generation += 1;
        state.etag_api = new_api;
        state.etag_apis = new_apis;
        let data = Arc::new(DiscoveryData {
            groups,
            aggregated,
            failed,
            generation: state.generation,
        });
        state.data = Some(data.clone());
        Ok(data)
    }

    /// GETs `/api` or `/apis` asking for aggregated discovery; falls back to plain JSON on
    /// `406`.
    async fn document<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        cached: Option<&Cached>,
    ) -> Result<Document<T>> {
        let mut request =
            Request::get(path).header(header::ACCEPT, HeaderValue::from_static(ACCEPT_AGGREGATED));
        if let Some(cached) = cached {
            request = request.header(header::IF_NONE_MATCH, cached.etag.clone());
        }
        let response = self.client.send(request).await?;
        if response.status == StatusCode::NOT_MODIFIED && cached.is_some() {
            return Ok(Document::NotModified);
        }
        if response.status == StatusCode::NOT_ACCEPTABLE {
            tracing::debug!(
                path,
                "aggregated discovery refused (406); using legacy discovery"
            );
            let legacy = self.client.request(Request::get(path)).await?;
            return Ok(Document::Legacy(legacy));
        }
        let content_type = response
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if response.status.is_success() && is_aggregated(&content_type) {
            let list: ApiGroupDiscoveryList = decode(path, &response)?;
            let etag = response.headers.get(header::ETAG).cloned();
            return Ok(Document::Aggregated(from_aggregated(list), etag));
        }
        if !response.status.is_success() {
            return Err(crate::client::error_from(path, &response));
        }
        Ok(Document::Legacy(decode(path, &response)?))
    }

    /// The resources of legacy group versions, fetched in parallel: `(group, version)` for
    /// each one in order (`None` when it failed), and the failures.
    async fn legacy_resources(
        &self,
        gvs: Vec<(String, String)>,
    ) -> (
        Vec<(String, Option<DiscoveredVersion>)>,
        Vec<(String, String)>,
    ) {
        let fetches = gvs.iter().map(|(g, v)| async move {
            let gv = if g.is_empty() {
                v.clone()
            } else {
                format!("{g}/{v}")
            };
            let result = self.server_resources_for_group_version(&gv).await;
            (g.clone(), v.clone(), gv, result)
        });
        let mut versions = Vec::new();
        let mut failed = Vec::new();
        for (group, version, gv, result) in futures_util::future::join_all(fetches).await {
            match result {
                Ok(list) => {
                    let resources = from_legacy(&group, &version, &list);
                    versions.push((
                        group,
                        Some(DiscoveredVersion {
                            resources,
                            version,
                            stale: false,
                        }),
                    ));
                }
                Err(e) => {
                    tracing::warn!(group_version = gv, error = %e, "discovery failed");
                    failed.push((gv, e.to_string()));
                    versions.push((group, None));
                }
            }
        }
        (versions, failed)
    }

    /// The legacy group list (`GET /apis`, not cached).
    pub async fn server_groups(&self) -> Result<ApiGroupList> {
        self.client.request(Request::get("/apis")).await
    }

    /// The legacy resource list of one group version (`/api/v1` or `/apis/{gv}`, not
    /// cached).
    pub async fn server_resources_for_group_version(
        &self,
        group_version: &str,
    ) -> Result<ApiResourceList> {
        let path = if group_version.contains('/') {
            format!("/apis/{group_version}")
        } else {
            format!("/api/{group_version}")
        };
        self.client.request(Request::get(path)).await
    }
}

fn decode<T: serde::de::DeserializeOwned>(path: &str, response: &Response) -> Result<T> {
    crate::client::decode_response(path, response)
}

fn scope_of(namespaced: bool) -> Scope {
    if namespaced {
        Scope::Namespaced
    } else {
        Scope::Cluster
    }
}

/// Resources of a legacy `APIResourceList`, subresources attached to their resource.
pub(crate) fn from_legacy(
    group: &str,
    version: &str,
    list: &ApiResourceList,
) -> Vec<DiscoveredResource> {
    let mut resources: Vec<DiscoveredResource> = list
        .resources
        .iter()
        .filter(|r| !r.name.contains('/'))
        .map(|r| DiscoveredResource {
            group: group.to_owned(),
            version: version.to_owned(),
            kind: r.kind.clone(),
            plural: r.name.clone(),
            singular: if r.singular_name.is_empty() {
                r.kind.to_lowercase()
            } else {
                r.singular_name.clone()
            },
            scope: scope_of(r.namespaced),
            verbs: r.verbs.clone(),
            short_names: r.short_names.clone().unwrap_or_default(),
            categories: r.categories.clone().unwrap_or_default(),
            subresources: Vec::new(),
        })
        .collect();
    for r in list.resources.iter().filter(|r| r.name.contains('/')) {
        if let Some((parent, sub)) = r.name.split_once('/') {
            if let Some(p) = resources.iter_mut().find(|p| p.plural == parent) {
                p.subresources.push(sub.to_owned());
            }
        }
    }
    resources
}

/// Groups of an aggregated document.
pub(crate) fn from_aggregated(list: ApiGroupDiscoveryList) -> Vec<DiscoveredGroup> {
    list.items
        .into_iter()
        .map(|g| {
            let name = g.metadata.name.unwrap_or_default();
            let versions: Vec<DiscoveredVersion> = g
                .versions
                .into_iter()
                .map(|v| DiscoveredVersion {
                    resources: v
                        .resources
                        .into_iter()
                        .map(|r| {
                            let kind = r.response_kind.map(|k| k.kind).unwrap_or_default();
                            DiscoveredResource {
                                group: name.clone(),
                                version: v.version.clone(),
                                kind,
                                singular: r.singular_resource,
                                plural: r.resource,
                                scope: scope_of(r.scope == "Namespaced"),
                                verbs: r.verbs,
                                short_names: r.short_names.unwrap_or_default(),
                                categories: r.categories.unwrap_or_default(),
                                subresources: r
                                    .subresources
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|s| s.subresource)
                                    .collect(),
                            }
                        })
                        .collect(),
                    stale: v.freshness.as_deref() == Some("Stale"),
                    version: v.version,
                })
                .collect();
            DiscoveredGroup {
                preferred_version: versions
                    .first()
                    .map(|v| v.version.clone())
                    .unwrap_or_default(),
                name,
                versions,
            }
        })
        .collect()
}
