//! `/healthz`, `/livez`, `/readyz`: the checks kube-apiserver v1.32 lists, all
//! passing (the server is ready as soon as it accepts connections).

const COMMON: &[&str] = &[
    "ping",
    "log",
    "etcd",
    "poststarthook/start-apiserver-admission-initializer",
    "poststarthook/generic-apiserver-start-informers",
    "poststarthook/priority-and-fairness-config-consumer",
    "poststarthook/priority-and-fairness-filter",
    "poststarthook/storage-object-count-tracker-hook",
    "poststarthook/start-apiextensions-informers",
    "poststarthook/start-apiextensions-controllers",
    "poststarthook/crd-informer-synced",
    "poststarthook/start-system-namespaces-controller",
    "poststarthook/start-cluster-authentication-info-controller",
    "poststarthook/start-kube-apiserver-identity-lease-controller",
    "poststarthook/start-kube-apiserver-identity-lease-garbage-collector",
    "poststarthook/start-legacy-token-tracking-controller",
    "poststarthook/start-service-ip-repair-controllers",
    "poststarthook/rbac/bootstrap-roles",
    "poststarthook/scheduling/bootstrap-system-priority-classes",
    "poststarthook/priority-and-fairness-config-producer",
    "poststarthook/bootstrap-controller",
    "poststarthook/start-kube-aggregator-informers",
    "poststarthook/apiservice-status-local-available-controller",
    "poststarthook/apiservice-status-remote-available-controller",
    "poststarthook/apiservice-registration-controller",
    "poststarthook/apiservice-wait-for-first-sync",
    "poststarthook/apiservice-discovery-controller",
    "poststarthook/kube-apiserver-autoregistration",
    "autoregister-completion",
    "poststarthook/apiservice-openapi-controller",
    "poststarthook/apiservice-openapiv3-controller",
];

/// The checks of one endpoint (`healthz`, `livez` or `readyz`), in order.
fn checks(endpoint: &str) -> Vec<&'static str> {
    let mut checks: Vec<&'static str> = Vec::new();
    for check in COMMON {
        checks.push(check);
        // Upstream readyz checks etcd readiness and informer sync right after etcd.
        if endpoint == "readyz" && *check == "etcd" {
            checks.push("etcd-readiness");
            checks.push("informer-sync");
        }
    }
    if endpoint == "readyz" {
        checks.push("shutdown");
    }
    checks
}

/// The plain-text answer to a health path (`/readyz`, `/livez/etcd`…), or `None`
/// when the path names no endpoint or check (a plain 404).
pub fn answer(path: &str, verbose: bool) -> Option<String> {
    let path = path.trim_start_matches('/');
    let (endpoint, check) = match path.split_once('/') {
        Some((endpoint, check)) => (endpoint, Some(check)),
        None => (path, None),
    };
    if !matches!(endpoint, "healthz" | "livez" | "readyz") {
        return None;
    }
    let checks = checks(endpoint);
    match check {
        Some(check) if !check.is_empty() => checks.contains(&check).then(|| "ok".to_owned()),
        _ if verbose => {
            let mut text: String = checks.iter().map(|c| format!("[+]{c} ok\n")).collect();
            text.push_str(&format!("{endpoint} check passed\n"));
            Some(text)
        }
        _ => Some("ok".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_paths_answer_like_the_real_server() {
        assert_eq!(answer("/healthz", false).as_deref(), Some("ok"));
        assert_eq!(answer("/livez/etcd", false).as_deref(), Some("ok"));
        assert_eq!(answer("/readyz/nope", false), None);
        let verbose = answer("/livez", true).unwrap();
        assert!(verbose.starts_with("[+]ping ok\n[+]log ok\n[+]etcd ok\n"));
        assert!(verbose.ends_with("livez check passed\n"));
        assert!(
            answer("/readyz", true)
                .unwrap()
                .contains("[+]shutdown ok\n")
        );
    }
}
