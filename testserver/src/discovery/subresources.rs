//! What each subresource serves: its kind and verbs as discovery lists them,
//! and whether it is a `connect` endpoint (exec, attach, proxy…).
//!
//! The catalog only names subresources; their kinds and verbs are fixed by
//! the Kubernetes REST storage behind them, written down here once.

use crate::registry::ResourceInfo;

/// One subresource of a resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subresource {
    /// `status`, `scale`, `log`…
    pub name: String,
    /// The group and version of its kind when it is another API's kind
    /// (`autoscaling/v1` Scale, `policy/v1` Eviction); `None` for the parent's.
    pub group_version: Option<(&'static str, &'static str)>,
    /// The kind it reads or writes.
    pub kind: String,
    /// Its verbs, in discovery order.
    pub verbs: &'static [&'static str],
    /// Served by a `connect` handler (streams, proxies), not as an object.
    pub connect: bool,
}

const GET_PATCH_UPDATE: &[&str] = &["get", "patch", "update"];

/// The subresources of `resource`, in the order discovery lists them:
/// by name for built-ins, `status` then `scale` for custom resources.
pub fn subresources(resource: &ResourceInfo) -> Vec<Subresource> {
    let mut names: Vec<&str> = Vec::new();
    if resource.subresources.status {
        names.push("status");
    }
    if resource.subresources.scale.is_some() {
        names.push("scale");
    }
    names.extend(resource.subresources.other.iter().map(String::as_str));
    if !resource.custom {
        names.sort_unstable();
    }
    names.dedup();
    names
        .into_iter()
        .map(|name| describe(resource, name))
        .collect()
}

fn describe(resource: &ResourceInfo, name: &str) -> Subresource {
    let own = |verbs: &'static [&'static str]| Subresource {
        name: name.to_owned(),
        group_version: None,
        kind: resource.kind.clone(),
        verbs,
        connect: false,
    };
    let other = |group_version: Option<(&'static str, &'static str)>,
                 kind: &str,
                 verbs: &'static [&'static str],
                 connect: bool| Subresource {
        name: name.to_owned(),
        group_version,
        kind: kind.to_owned(),
        verbs,
        connect,
    };
    match name {
        "scale" => other(
            Some(("autoscaling", "v1")),
            "Scale",
            GET_PATCH_UPDATE,
            false,
        ),
        "finalize" => own(&["update"]),
        "log" => own(&["get"]),
        "binding" => other(None, "Binding", &["create"], false),
        "eviction" => other(Some(("policy", "v1")), "Eviction", &["create"], false),
        "token" => other(
            Some(("authentication.k8s.io", "v1")),
            "TokenRequest",
            &["create"],
            false,
        ),
        "proxy" => other(
            None,
            &format!("{}ProxyOptions", resource.kind),
            &["create", "delete", "get", "patch", "update"],
            true,
        ),
        "attach" => other(None, "PodAttachOptions", &["create", "get"], true),
        "exec" => other(None, "PodExecOptions", &["create", "get"], true),
        "portforward" => other(None, "PodPortForwardOptions", &["create", "get"], true),
        // status, ephemeralcontainers, resize, approval and anything unknown
        // read and write the parent object.
        _ => own(GET_PATCH_UPDATE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{ScaleSubresource, Subresources};

    #[test]
    fn built_in_subresources_are_sorted_and_typed() {
        let pods = ResourceInfo {
            kind: "Pod".into(),
            subresources: Subresources {
                status: true,
                scale: None,
                other: vec!["proxy".into(), "eviction".into(), "log".into()],
            },
            ..ResourceInfo::default()
        };
        let subs = subresources(&pods);
        let names: Vec<&str> = subs.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["eviction", "log", "proxy", "status"]);
        assert_eq!(subs[0].group_version, Some(("policy", "v1")));
        assert_eq!(subs[2].kind, "PodProxyOptions");
        assert!(subs[2].connect);
        assert_eq!(subs[3].verbs, GET_PATCH_UPDATE);
    }

    #[test]
    fn custom_resources_list_status_before_scale() {
        let widgets = ResourceInfo {
            kind: "Widget".into(),
            custom: true,
            subresources: Subresources {
                status: true,
                scale: Some(ScaleSubresource::default()),
                other: vec![],
            },
            ..ResourceInfo::default()
        };
        let names: Vec<String> = subresources(&widgets).into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["status", "scale"]);
    }
}
