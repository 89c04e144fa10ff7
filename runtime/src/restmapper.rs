//! The REST mapper: kinds ↔ resources from discovery, with short names and categories,
//! deferred (client-go's `DeferredDiscoveryRESTMapper` with the shortcut expander).
//!
//! Lookups use the cached discovery; when one finds nothing and the cache was not fetched
//! for this very lookup, discovery runs again once and the lookup is retried, so a CRD
//! created after the cache was filled is found.
//!
//! When a name matches resources in several groups, the group that comes first in discovery
//! wins (the core group, then the server's priority order), as kubectl does; within a group
//! the preferred version wins unless a version is given.

use std::sync::Arc;

use crate::client::{Error, Result};
use crate::discovery::{DiscoveredResource, Discovery, DiscoveryData};
use crate::dynamic::ResourceDescriptor;
use crate::resource::{GroupVersionKind, GroupVersionResource};

/// Maps kinds to resources and back.
#[derive(Clone, Debug)]
pub struct RestMapper {
    discovery: Discovery,
}

impl RestMapper {
    /// A mapper on a discovery cache (which it refreshes on a miss).
    pub fn new(discovery: Discovery) -> RestMapper {
        RestMapper { discovery }
    }

    /// The discovery cache.
    pub fn discovery(&self) -> &Discovery {
        &self.discovery
    }

    /// Runs a lookup on the cached discovery, and once more on a fresh one when it finds
    /// nothing and the cache was not fetched just now.
    async fn deferred<T>(&self, lookup: impl Fn(&DiscoveryData) -> Result<T>) -> Result<T> {
        let (data, fresh): (Arc<DiscoveryData>, bool) = self.discovery.get_or_run().await?;
        match lookup(&data) {
            Err(Error::NoMatch(what)) if !fresh => {
                tracing::debug!(what, "no match in cached discovery; discovering again");
                let data = self.discovery.refresh().await?;
                lookup(&data)
            }
            other => other,
        }
    }

    /// The resource of a kind. An empty version picks the group's preferred version that
    /// serves the kind.
    pub async fn mapping(&self, gvk: &GroupVersionKind) -> Result<ResourceDescriptor> {
        self.deferred(|data| mapping(data, gvk).map(DiscoveredResource::descriptor))
            .await
    }

    /// The full discovery entry of a kind (verbs, short names, subresources…).
    pub async fn resource_info(&self, gvk: &GroupVersionKind) -> Result<DiscoveredResource> {
        self.deferred(|data| mapping(data, gvk).cloned()).await
    }

    /// The full resource of a partial one: `resource` may be a plural, a singular or a short
    /// name (any case); `group` and `version` may be empty.
    pub async fn resource_for(
        &self,
        partial: &GroupVersionResource,
    ) -> Result<GroupVersionResource> {
        self.deferred(|data| {
            resource_for(data, partial)
                .map(|r| GroupVersionResource::new(&r.group, &r.version, &r.plural))
        })
        .await
    }

    /// The kind of a partial resource (see [`RestMapper::resource_for`]).
    pub async fn kind_for(&self, partial: &GroupVersionResource) -> Result<GroupVersionKind> {
        self.deferred(|data| {
            resource_for(data, partial)
                .map(|r| GroupVersionKind::new(&r.group, &r.version, &r.kind))
        })
        .await
    }

    /// What kubectl accepts as a resource argument: `deploy`, `deployments`, `deployment`,
    /// `Deployment`, `deployments.apps`, `deployments.v1.apps`.
    pub async fn resolve(&self, argument: &str) -> Result<ResourceDescriptor> {
        self.deferred(|data| resolve(data, argument).map(DiscoveredResource::descriptor))
            .await
    }

    /// The resources of a category (`all`, `api-extensions`…), preferred versions only.
    pub async fn expand_category(&self, category: &str) -> Result<Vec<ResourceDescriptor>> {
        self.deferred(|data| {
            let found: Vec<_> = data
                .preferred_resources()
                .filter(|r| r.categories.iter().any(|c| c == category))
                .map(DiscoveredResource::descriptor)
                .collect();
            if found.is_empty() {
                Err(Error::NoMatch(format!("category {category:?}")))
            } else {
                Ok(found)
            }
        })
        .await
    }
}

/// The resources of the groups that match `group` (empty: any) and `version` (empty: any), in
/// discovery order, each group's preferred version first.
fn candidates<'a>(
    data: &'a DiscoveryData,
    group: &str,
    version: &str,
) -> Vec<&'a DiscoveredResource> {
    let mut out = Vec::new();
    for g in data
        .groups
        .iter()
        .filter(|g| group.is_empty() || g.name == group)
    {
        let mut versions: Vec<_> = g
            .versions
            .iter()
            .filter(|v| version.is_empty() || v.version == version)
            .collect();
        versions.sort_by_key(|v| v.version != g.preferred_version);
        out.extend(versions.into_iter().flat_map(|v| v.resources.iter()));
    }
    out
}

fn mapping<'a>(data: &'a DiscoveryData, gvk: &GroupVersionKind) -> Result<&'a DiscoveredResource> {
    let all = candidates(data, &gvk.group, &gvk.version);
    all.iter()
        .find(|r| r.group == gvk.group && r.kind == gvk.kind)
        .or_else(|| {
            all.iter()
                .find(|r| r.group == gvk.group && r.kind.eq_ignore_ascii_case(&gvk.kind))
        })
        .copied()
        .ok_or_else(|| Error::NoMatch(format!("kind {gvk}")))
}

fn resource_for<'a>(
    data: &'a DiscoveryData,
    partial: &GroupVersionResource,
) -> Result<&'a DiscoveredResource> {
    let name = partial.resource.to_lowercase();
    let by_name = |r: &&DiscoveredResource| r.plural == name || r.singular == name;
    let by_short =
        |r: &&DiscoveredResource| r.short_names.iter().any(|s| s.eq_ignore_ascii_case(&name));
    let by_kind = |r: &&DiscoveredResource| r.kind.eq_ignore_ascii_case(&name);
    // Full names beat short names, which beat kinds, in any group (kubectl's order).
    let all = candidates(data, &partial.group, &partial.version);
    let found = all.iter().copied();
    found
        .clone()
        .find(by_name)
        .or_else(|| found.clone().find(by_short))
        .or_else(|| found.clone().find(by_kind))
        .ok_or_else(|| Error::NoMatch(format!("resource {partial}")))
}

fn resolve<'a>(data: &'a DiscoveryData, argument: &str) -> Result<&'a DiscoveredResource> {
    if let Ok(r) = resource_for(data, &GroupVersionResource::new("", "", argument)) {
        return Ok(r);
    }
    if let Some((resource, rest)) = argument.split_once('.') {
        // `resource.version.group` when the second part is a served version of the rest.
        if let Some((version, group)) = rest.split_once('.') {
            if data
                .group(group)
                .is_some_and(|g| g.versions.iter().any(|v| v.version == version))
            {
                return resource_for(data, &GroupVersionResource::new(group, version, resource));
            }
        }
        return resource_for(data, &GroupVersionResource::new(rest, "", resource));
    }
    Err(Error::NoMatch(format!("resource {argument:?}")))
}
