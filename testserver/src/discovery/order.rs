//! The orders discovery lists things in: groups by the aggregator's group
//! priority, versions by Kubernetes version ordering.

use std::cmp::Ordering;

/// The aggregator's group priorities (`GroupPriorityMinimum` of the built-in
/// APIServices), highest first. Groups not listed (CustomResourceDefinition
/// groups, and built-in groups a 1.32 server does not register) get
/// [`DEFAULT_GROUP_PRIORITY`] and are ordered by name after these.
const GROUP_PRIORITIES: &[(&str, u32)] = &[
    ("apiregistration.k8s.io", 17900),
    ("apps", 17800),
    ("events.k8s.io", 17750),
    ("authentication.k8s.io", 17700),
    ("authorization.k8s.io", 17600),
    ("autoscaling", 17500),
    ("batch", 17400),
    ("certificates.k8s.io", 17300),
    ("networking.k8s.io", 17200),
    ("policy", 17100),
    ("rbac.authorization.k8s.io", 17000),
    ("storage.k8s.io", 16800),
    ("admissionregistration.k8s.io", 16700),
    ("apiextensions.k8s.io", 16700),
    ("scheduling.k8s.io", 16600),
    ("coordination.k8s.io", 16500),
    ("node.k8s.io", 16300),
    ("discovery.k8s.io", 16200),
    ("flowcontrol.apiserver.k8s.io", 16100),
    ("internal.apiserver.k8s.io", 16000),
    ("resource.k8s.io", 15900),
    ("storagemigration.k8s.io", 15800),
];

/// The priority the apiextensions server gives CRD groups.
const DEFAULT_GROUP_PRIORITY: u32 = 1000;

fn group_priority(group: &str) -> u32 {
    GROUP_PRIORITIES
        .iter()
        .find(|(name, _)| *name == group)
        .map_or(DEFAULT_GROUP_PRIORITY, |(_, priority)| *priority)
}

/// Orders groups as `/apis` lists them: higher priority first, then by name.
pub fn compare_groups(a: &str, b: &str) -> Ordering {
    group_priority(b)
        .cmp(&group_priority(a))
        .then_with(|| a.cmp(b))
}

/// A version string split the way Kubernetes orders versions.
#[derive(Debug, PartialEq, Eq)]
enum KubeVersion<'a> {
    /// `v<major>[alpha|beta<minor>]`; stability 2 = GA, 1 = beta, 0 = alpha.
    Kube {
        stability: u8,
        major: u64,
        minor: u64,
    },
    /// Anything else, ordered alphabetically after the Kubernetes-like ones.
    Other(&'a str),
}

fn parse(version: &str) -> KubeVersion<'_> {
    let Some(rest) = version.strip_prefix('v') else {
        return KubeVersion::Other(version);
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || rest.starts_with('0') {
        return KubeVersion::Other(version);
    }
    let Ok(major) = rest[..digits].parse::<u64>() else {
        return KubeVersion::Other(version);
    };
    let tail = &rest[digits..];
    if tail.is_empty() {
        return KubeVersion::Kube {
            stability: 2,
            major,
            minor: 0,
        };
    }
    let (stability, minor) = if let Some(minor) = tail.strip_prefix("beta") {
        (1, minor)
    } else if let Some(minor) = tail.strip_prefix("alpha") {
        (0, minor)
    } else {
        return KubeVersion::Other(version);
    };
    if minor.is_empty() || minor.starts_with('0') || !minor.bytes().all(|b| b.is_ascii_digit()) {
        return KubeVersion::Other(version);
    }
    match minor.parse::<u64>() {
        Ok(minor) => KubeVersion::Kube {
            stability,
            major,
            minor,
        },
        Err(_) => KubeVersion::Other(version),
    }
}

/// Kubernetes version ordering (`CompareKubeAwareVersionStrings`), most
/// preferred first: GA before beta before alpha, higher numbers first, and
/// versions that do not look like Kubernetes versions last, alphabetically.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    match (parse(a), parse(b)) {
        (
            KubeVersion::Kube {
                stability: sa,
                major: ma,
                minor: na,
            },
            KubeVersion::Kube {
                stability: sb,
                major: mb,
                minor: nb,
            },
        ) => sb.cmp(&sa).then(mb.cmp(&ma)).then(nb.cmp(&na)),
        (KubeVersion::Kube { .. }, KubeVersion::Other(_)) => Ordering::Less,
        (KubeVersion::Other(_), KubeVersion::Kube { .. }) => Ordering::Greater,
        (KubeVersion::Other(a), KubeVersion::Other(b)) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_as_kubernetes_sorts_them() {
        let mut versions = vec![
            "foo10",
            "v1",
            "v11alpha2",
            "v3beta1",
            "v2",
            "v12alpha1",
            "foo1",
            "v10beta3",
            "v11beta2",
        ];
        versions.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(
            versions,
            [
                "v2",
                "v1",
                "v11beta2",
                "v10beta3",
                "v3beta1",
                "v12alpha1",
                "v11alpha2",
                "foo1",
                "foo10"
            ]
        );
    }

    #[test]
    fn groups_sort_by_priority_then_name() {
        let mut groups = vec![
            "zeta.example.com",
            "apps",
            "alpha.example.com",
            "apiregistration.k8s.io",
            "apiextensions.k8s.io",
            "admissionregistration.k8s.io",
        ];
        groups.sort_by(|a, b| compare_groups(a, b));
        assert_eq!(
            groups,
            [
                "apiregistration.k8s.io",
                "apps",
                "admissionregistration.k8s.io",
                "apiextensions.k8s.io",
                "alpha.example.com",
                "zeta.example.com"
            ]
        );
    }
}
