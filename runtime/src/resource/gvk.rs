//! Identifiers of API groups, versions, kinds and resources.

use std::fmt;
use std::str::FromStr;

/// The error returned when an `apiVersion` string has more than one `/`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unexpected GroupVersion string {0:?}: expected \"version\" or \"group/version\"")]
pub struct ParseGroupVersionError(String);

/// An API group and version, such as `apps/v1` (or `v1` for the core group).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupVersion {
    /// API group, `""` for the core group.
    pub group: String,
    /// Version within the group.
    pub version: String,
}

impl GroupVersion {
    /// A group and version.
    pub fn new(group: impl Into<String>, version: impl Into<String>) -> Self {
        GroupVersion {
            group: group.into(),
            version: version.into(),
        }
    }

    /// Parses an `apiVersion` value: `"apps/v1"` or, for the core group, `"v1"`.
    ///
    /// Like Go's `schema.ParseGroupVersion`, `""` gives an empty group and version.
    pub fn parse(api_version: &str) -> Result<Self, ParseGroupVersionError> {
        match api_version.split_once('/') {
            None => Ok(GroupVersion::new("", api_version)),
            Some((_, version)) if version.contains('/') => {
                Err(ParseGroupVersionError(api_version.to_owned()))
            }
            Some((group, version)) => Ok(GroupVersion::new(group, version)),
        }
    }

    /// The `apiVersion` value: `version` for the core group, `group/version` otherwise.
    pub fn api_version(&self) -> String {
        api_version(&self.group, &self.version)
    }

    /// This group and version with a kind.
    pub fn with_kind(&self, kind: impl Into<String>) -> GroupVersionKind {
        GroupVersionKind::new(self.group.clone(), self.version.clone(), kind)
    }

    /// This group and version with a resource.
    pub fn with_resource(&self, resource: impl Into<String>) -> GroupVersionResource {
        GroupVersionResource::new(self.group.clone(), self.version.clone(), resource)
    }
}

fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    }
}

impl FromStr for GroupVersion {
    type Err = ParseGroupVersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GroupVersion::parse(s)
    }
}

impl fmt::Display for GroupVersion {
    /// Prints the `apiVersion` form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.api_version())
    }
}

/// An API group, version and kind, such as `apps/v1` `Deployment`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupVersionKind {
    /// API group, `""` for the core group.
    pub group: String,
    /// Version within the group.
    pub version: String,
    /// Kind, such as `Deployment`.
    pub kind: String,
}

impl GroupVersionKind {
    /// A group, version and kind.
    pub fn new(
        group: impl Into<String>,
        version: impl Into<String>,
        kind: impl Into<String>,
    ) -> Self {
        GroupVersionKind {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
        }
    }

    /// The kind named by an `apiVersion` and `kind` pair, as found in an object.
    pub fn from_api_version_and_kind(
        api_version: &str,
        kind: impl Into<String>,
    ) -> Result<Self, ParseGroupVersionError> {
        let gv = GroupVersion::parse(api_version)?;
        Ok(GroupVersionKind::new(gv.group, gv.version, kind))
    }

    /// The `apiVersion` value for this kind.
    pub fn api_version(&self) -> String {
        api_version(&self.group, &self.version)
    }

    /// The group and version without the kind.
    pub fn group_version(&self) -> GroupVersion {
        GroupVersion::new(self.group.clone(), self.version.clone())
    }
}

impl fmt::Display for GroupVersionKind {
    /// Prints Go's `schema.GroupVersionKind.String()` form: `apps/v1, Kind=Deployment`
    /// (`/v1, Kind=Pod` for the core group).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}, Kind={}", self.group, self.version, self.kind)
    }
}

/// An API group, version and plural resource name, such as `apps/v1` `deployments`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupVersionResource {
    /// API group, `""` for the core group.
    pub group: String,
    /// Version within the group.
    pub version: String,
    /// Lower-case plural resource name, such as `deployments`.
    pub resource: String,
}

impl GroupVersionResource {
    /// A group, version and resource.
    pub fn new(
        group: impl Into<String>,
        version: impl Into<String>,
        resource: impl Into<String>,
    ) -> Self {
        GroupVersionResource {
            group: group.into(),
            version: version.into(),
            resource: resource.into(),
        }
    }

    /// The `apiVersion` value for this resource's group and version.
    pub fn api_version(&self) -> String {
        api_version(&self.group, &self.version)
    }

    /// The group and version without the resource.
    pub fn group_version(&self) -> GroupVersion {
        GroupVersion::new(self.group.clone(), self.version.clone())
    }
}

impl fmt::Display for GroupVersionResource {
    /// Prints Go's `schema.GroupVersionResource.String()` form:
    /// `apps/v1, Resource=deployments`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}, Resource={}",
            self.group, self.version, self.resource
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_group_version() {
        assert_eq!(
            GroupVersion::parse("apps/v1").unwrap(),
            GroupVersion::new("apps", "v1")
        );
        assert_eq!(
            GroupVersion::parse("v1").unwrap(),
            GroupVersion::new("", "v1")
        );
        assert_eq!(GroupVersion::parse("").unwrap(), GroupVersion::new("", ""));
        assert!(GroupVersion::parse("a/b/c").is_err());
        let gv: GroupVersion = "networking.k8s.io/v1".parse().unwrap();
        assert_eq!(gv.group, "networking.k8s.io");
        assert_eq!(gv.to_string(), "networking.k8s.io/v1");
        assert_eq!(GroupVersion::new("", "v1").to_string(), "v1");
    }

    #[test]
    fn displays_like_go() {
        let gvk = GroupVersionKind::new("apps", "v1", "Deployment");
        assert_eq!(gvk.to_string(), "apps/v1, Kind=Deployment");
        assert_eq!(
            GroupVersionKind::new("", "v1", "Pod").to_string(),
            "/v1, Kind=Pod"
        );
        let gvr = GroupVersionResource::new("apps", "v1", "deployments");
        assert_eq!(gvr.to_string(), "apps/v1, Resource=deployments");
        assert_eq!(gvr.api_version(), "apps/v1");
    }

    #[test]
    fn conversions() {
        let gvk = GroupVersionKind::from_api_version_and_kind("v1", "Pod").unwrap();
        assert_eq!(gvk, GroupVersionKind::new("", "v1", "Pod"));
        assert_eq!(gvk.group_version().with_kind("Pod"), gvk);
        assert_eq!(
            GroupVersion::new("apps", "v1").with_resource("deployments"),
            GroupVersionResource::new("apps", "v1", "deployments")
        );
    }

    #[test]
    fn ordering_is_group_version_kind() {
        let mut kinds = [
            GroupVersionKind::new("apps", "v1", "Deployment"),
            GroupVersionKind::new("", "v1", "Pod"),
            GroupVersionKind::new("", "v1", "ConfigMap"),
        ];
        kinds.sort();
        assert_eq!(kinds[0].kind, "ConfigMap");
        assert_eq!(kinds[2].kind, "Deployment");
    }
}
