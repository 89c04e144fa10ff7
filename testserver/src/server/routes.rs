//! Paths of the resource API: `/api/v1/...` and `/apis/<group>/<version>/...`,
//! namespaced or not, with subresources, and the legacy `/watch/` prefix.

use std::sync::Arc;

use crate::error::ApiError;
use crate::registry::ResourceInfo;
use crate::resources::Lookup;

/// A resource path as written, before the resource is looked up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawPath {
    /// Group (`""` for `/api`).
    pub group: String,
    /// Version.
    pub version: String,
    /// Namespace from `namespaces/<ns>/...`.
    pub namespace: Option<String>,
    /// Plural resource.
    pub plural: String,
    /// Object name.
    pub name: Option<String>,
    /// Subresource.
    pub subresource: Option<String>,
    /// The legacy `/watch/` prefix was used.
    pub watch: bool,
    /// Segments beyond what any path takes (a 404 once the group is known).
    pub extra: bool,
}

/// A path under `/api` or `/apis`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiPath {
    /// `/api` or `/apis`: group discovery.
    Root {
        /// `/api` (core) or `/apis`.
        core: bool,
    },
    /// `/apis/<group>`.
    Group(String),
    /// `/api/v1` or `/apis/<group>/<version>`.
    Version(String, String),
    /// A resource path.
    Resource(RawPath),
}

/// Parses a path under `/api` or `/apis`; `None` for other paths.
pub fn parse(path: &str) -> Option<ApiPath> {
    let trimmed = path.trim_start_matches('/');
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    let segments: Vec<&str> = trimmed.split('/').collect();
    let (group, version, rest) = match segments.as_slice() {
        ["api"] => return Some(ApiPath::Root { core: true }),
        ["apis"] => return Some(ApiPath::Root { core: false }),
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group] => return Some(ApiPath::Group((*group).to_owned())),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return None,
    };
    if rest.is_empty() {
        return Some(ApiPath::Version(group.to_owned(), version.to_owned()));
    }
    let (watch, rest) = match rest {
        ["watch", rest @ ..] if !rest.is_empty() => (true, rest),
        _ => (false, rest),
    };
    let mut raw = RawPath {
        group: group.to_owned(),
        version: version.to_owned(),
        namespace: None,
        plural: String::new(),
        name: None,
        subresource: None,
        watch,
        extra: false,
    };
    let own = |s: &&str| (*s).to_owned();
    match rest {
        // Subresources of a namespace itself.
        ["namespaces", name, sub @ ("status" | "finalize")] => {
            raw.plural = "namespaces".into();
            raw.name = Some((*name).to_owned());
            raw.subresource = Some((*sub).to_owned());
        }
        ["namespaces", ns, plural, tail @ ..] => {
            raw.namespace = Some((*ns).to_owned());
            raw.plural = (*plural).to_owned();
            raw.name = tail.first().map(own);
            raw.subresource = tail.get(1).map(own);
            raw.extra = tail.len() > 2;
        }
        [plural, tail @ ..] => {
            raw.plural = (*plural).to_owned();
            raw.name = tail.first().map(own);
            raw.subresource = tail.get(1).map(own);
            raw.extra = tail.len() > 2;
        }
        [] => {}
    }
    Some(ApiPath::Resource(raw))
}

/// A resolved resource request path.
#[derive(Clone, Debug)]
pub struct Target {
    /// The resource.
    pub resource: Arc<ResourceInfo>,
    /// Namespace (namespaced resources; `None` lists across namespaces).
    pub namespace: Option<String>,
    /// Object name.
    pub name: Option<String>,
    /// `status`, `scale` or another subresource.
    pub subresource: Option<String>,
    /// The legacy `/watch/` prefix was used.
    pub watch: bool,
}

/// Whether the group-version exists; errors as the real server gives them
/// (plain `404 page not found` for an unknown group, a `Status` otherwise).
pub fn check_group_version(
    resources: &[Arc<ResourceInfo>],
    group: &str,
    version: &str,
) -> Result<(), ApiError> {
    if !group.is_empty() && !resources.has_group(group) {
        return Err(ApiError::page_not_found());
    }
    if !resources.has_version(group, version) {
        return Err(ApiError::no_such_path());
    }
    Ok(())
}

/// Looks the resource of a path up.
pub fn resolve(resources: &[Arc<ResourceInfo>], raw: &RawPath) -> Result<Target, ApiError> {
    check_group_version(resources, &raw.group, &raw.version)?;
    let resource = resources
        .find(&raw.group, &raw.version, &raw.plural)
        .ok_or_else(ApiError::no_such_path)?;
    if raw.extra {
        return Err(ApiError::no_such_path());
    }
    if raw.namespace.is_some() && !resource.namespaced {
        return Err(ApiError::no_such_path());
    }
    if resource.namespaced && raw.namespace.is_none() && raw.name.is_some() {
        return Err(ApiError::no_such_path());
    }
    if let Some(sub) = &raw.subresource {
        let known = match sub.as_str() {
            "status" => resource.subresources.status,
            "scale" => resource.subresources.scale.is_some(),
            other => resource.subresources.other.iter().any(|s| s == other),
        };
        if !known {
            return Err(ApiError::no_such_path());
        }
    }
    Ok(Target {
        resource,
        namespace: raw.namespace.clone(),
        name: raw.name.clone(),
        subresource: raw.subresource.clone(),
        watch: raw.watch,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(path: &str) -> RawPath {
        match parse(path) {
            Some(ApiPath::Resource(raw)) => raw,
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn paths_are_split_like_the_real_router() {
        let raw = resource("/apis/apps/v1/namespaces/default/deployments/web/scale");
        assert_eq!(raw.group, "apps");
        assert_eq!(raw.namespace.as_deref(), Some("default"));
        assert_eq!(raw.subresource.as_deref(), Some("scale"));
        let ns = resource("/api/v1/namespaces/default/status");
        assert_eq!(ns.plural, "namespaces");
        assert_eq!(ns.name.as_deref(), Some("default"));
        let watch = resource("/api/v1/watch/namespaces/x/configmaps/y");
        assert!(watch.watch);
        assert_eq!(watch.name.as_deref(), Some("y"));
        assert!(resource("/api/v1/namespaces/d/configmaps/x/extra/segments").extra);
        assert_eq!(resource("/api/v1/namespaces/d/configmaps/").name, None);
        assert_eq!(parse("/apis"), Some(ApiPath::Root { core: false }));
        assert_eq!(parse("/apis/apps"), Some(ApiPath::Group("apps".into())));
        assert_eq!(parse("/nope"), None);
    }
}
