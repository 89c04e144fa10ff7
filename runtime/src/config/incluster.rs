//! The in-cluster configuration of a pod (client-go's `rest.InClusterConfig`).

use std::path::Path;

use http::Uri;

use super::{Config, ConfigError, Credentials, parse_certs};

/// Where the kubelet mounts the service account's token, CA and namespace.
pub const SERVICE_ACCOUNT_DIR: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The in-cluster configuration with the environment given as a lookup function and the
/// service-account directory given explicitly ([`Config::incluster`] uses the real ones).
///
/// The token file is not read here but before each request (re-read when it changes), so a
/// rotated token is picked up; it must exist now.
pub fn incluster_with(
    env: impl Fn(&str) -> Option<String>,
    service_account_dir: &Path,
) -> Result<Config, ConfigError> {
    let host = env("KUBERNETES_SERVICE_HOST").filter(|h| !h.is_empty());
    let port = env("KUBERNETES_SERVICE_PORT").filter(|p| !p.is_empty());
    let (Some(host), Some(port)) = (host, port) else {
        return Err(ConfigError::NotInCluster(
            "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set".into(),
        ));
    };
    // An IPv6 address needs brackets in a URL.
    let authority = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let url: Uri = format!("https://{authority}")
        .parse()
        .map_err(|e| ConfigError::Invalid {
            file: None,
            field: "KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT".into(),
            message: format!("invalid address {authority:?}: {e}"),
        })?;
    let token = service_account_dir.join("token");
    std::fs::metadata(&token).map_err(|source| ConfigError::ReadFile {
        file: token.clone(),
        field: None,
        source,
    })?;
    let ca_file = service_account_dir.join("ca.crt");
    let ca = std::fs::read(&ca_file).map_err(|source| ConfigError::ReadFile {
        file: ca_file.clone(),
        field: None,
        source,
    })?;
    let mut config = Config::new(url);
    config.root_certs = Some(parse_certs(&ca).map_err(|message| ConfigError::Invalid {
        file: Some(ca_file),
        field: "ca.crt".into(),
        message,
    })?);
    config.credentials = Credentials::TokenFile(token);
    if let Ok(ns) = std::fs::read_to_string(service_account_dir.join("namespace")) {
        let ns = ns.trim();
        if !ns.is_empty() {
            config.default_namespace = ns.to_owned();
        }
    }
    Ok(config)
}
