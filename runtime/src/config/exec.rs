//! Exec credential plugins (`client.authentication.k8s.io/v1` and `v1beta1`).

use std::process::Stdio;

use serde::{Deserialize, Serialize};

use super::auth::AuthError;
use super::kubeconfig::ExecConfig;
use super::secret::Secret;
use crate::time::Time;

const V1: &str = "client.authentication.k8s.io/v1";
const V1BETA1: &str = "client.authentication.k8s.io/v1beta1";

/// What an exec plugin is told about the cluster when `provideClusterInfo` is set (in the
/// `KUBERNETES_EXEC_INFO` environment variable).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ExecCluster {
    /// URL of the API server.
    pub server: String,
    /// The `tls-server-name` of the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_server_name: Option<String>,
    /// The `insecure-skip-tls-verify` of the cluster.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure_skip_tls_verify: bool,
    /// Base64 of the PEM certificate authorities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_authority_data: Option<String>,
    /// The `proxy-url` of the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_url: Option<String>,
    /// The `disable-compression` of the cluster.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_compression: bool,
    /// The cluster's `client.authentication.k8s.io/exec` extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Value>,
}

/// The `ExecCredential` object exchanged with a plugin.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecCredential {
    /// `client.authentication.k8s.io/v1` or `v1beta1`.
    #[serde(default)]
    pub api_version: String,
    /// `ExecCredential`.
    #[serde(default)]
    pub kind: String,
    /// What the client tells the plugin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<ExecCredentialSpec>,
    /// What the plugin answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ExecCredentialStatus>,
}

/// The request part of an [`ExecCredential`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecCredentialSpec {
    /// The cluster, when `provideClusterInfo` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ExecCluster>,
    /// Whether stdin is a terminal the plugin may use (always `false` here).
    #[serde(default)]
    pub interactive: bool,
}

/// The credential a plugin returns. Secret fields never show in `Debug`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecCredentialStatus {
    /// When the credential expires; it is cached until then (forever when absent, until the
    /// server answers `401`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_timestamp: Option<Time>,
    /// Bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret<String>>,
    /// PEM client certificate (not supported by this client: an error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate_data: Option<String>,
    /// PEM client key (not supported by this client: an error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key_data: Option<Secret<String>>,
}

/// Runs the plugin once and returns its credential.
pub(crate) async fn run(
    exec: &ExecConfig,
    cluster: Option<&ExecCluster>,
) -> Result<ExecCredentialStatus, AuthError> {
    let api_version = exec.api_version.as_str();
    if api_version != V1 && api_version != V1BETA1 {
        return Err(AuthError::ExecVersion {
            command: exec.command.clone(),
            api_version: api_version.to_owned(),
        });
    }
    if exec.interactive_mode.as_deref() == Some("Always") {
        return Err(AuthError::ExecInteractive {
            command: exec.command.clone(),
        });
    }
    let info = ExecCredential {
        api_version: api_version.to_owned(),
        kind: "ExecCredential".into(),
        spec: Some(ExecCredentialSpec {
            cluster: cluster.cloned(),
            interactive: false,
        }),
        status: None,
    };
    let info = serde_json::to_string(&info).map_err(|e| AuthError::ExecOutput {
        command: exec.command.clone(),
        message: format!("cannot encode KUBERNETES_EXEC_INFO: {e}"),
    })?;
    let mut command = tokio::process::Command::new(&exec.command);
    command
        .args(&exec.args)
        .envs(exec.env.iter().map(|e| (&e.name, &e.value)))
        .env("KUBERNETES_EXEC_INFO", info)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    tracing::debug!(command = %exec.command, "running exec credential plugin");
    let output = command.output().await.map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            AuthError::ExecNotFound {
                command: exec.command.clone(),
                install_hint: exec.install_hint.clone(),
            }
        } else {
            AuthError::ExecSpawn {
                command: exec.command.clone(),
                source,
            }
        }
    })?;
    if !output.status.success() {
        return Err(AuthError::ExecFailed {
            command: exec.command.clone(),
            status: output.status.to_string(),
            stderr: summary(&output.stderr),
        });
    }
    let credential: ExecCredential =
        serde_json::from_slice(&output.stdout).map_err(|e| AuthError::ExecOutput {
            command: exec.command.clone(),
            message: format!("stdout is not an ExecCredential: {e}"),
        })?;
    if credential.api_version != api_version {
        return Err(AuthError::ExecOutput {
            command: exec.command.clone(),
            message: format!(
                "plugin returned apiVersion {:?}, expected {api_version:?}",
                credential.api_version
            ),
        });
    }
    let status = credential.status.ok_or_else(|| AuthError::ExecOutput {
        command: exec.command.clone(),
        message: "the ExecCredential has no status".into(),
    })?;
    if status.client_certificate_data.is_some() || status.client_key_data.is_some() {
        return Err(AuthError::ExecOutput {
            command: exec.command.clone(),
            message: "client certificates from exec plugins are not supported by this client"
                .into(),
        });
    }
    if status.token.as_ref().is_none_or(|t| t.expose().is_empty()) {
        return Err(AuthError::ExecOutput {
            command: exec.command.clone(),
            message: "the ExecCredential has no token".into(),
        });
    }
    Ok(status)
}

fn summary(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    match text.char_indices().nth(1000) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}
