//! The kubeconfig file format (`clientcmd/api/v1`), loading and merging like clientcmd.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

use super::ConfigError;
use super::secret::Secret;

/// A kubeconfig file, or several merged into one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Kubeconfig {
    /// `v1`.
    #[serde(
        default,
        rename = "apiVersion",
        skip_serializing_if = "Option::is_none"
    )]
    pub api_version: Option<String>,
    /// `Config`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Named clusters.
    #[serde(default, deserialize_with = "null_is_default")]
    pub clusters: Vec<NamedCluster>,
    /// Named users (credentials).
    #[serde(default, deserialize_with = "null_is_default")]
    pub users: Vec<NamedAuthInfo>,
    /// Named contexts: a cluster, a user and a namespace.
    #[serde(default, deserialize_with = "null_is_default")]
    pub contexts: Vec<NamedContext>,
    /// The context used when none is chosen explicitly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_context: Option<String>,
    /// Preferences (kept, not interpreted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferences: Option<serde_json::Value>,
    /// Extensions (kept, not interpreted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Vec<NamedExtension>>,
}

/// Where a named entry was read from, for error messages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The file.
    pub file: PathBuf,
    /// Index of the entry in its list in that file.
    pub index: usize,
}

/// A cluster with its name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedCluster {
    /// Name of the cluster.
    #[serde(default)]
    pub name: String,
    /// The cluster.
    #[serde(default)]
    pub cluster: Cluster,
    /// Where it was read from (not serialized).
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// How to reach a cluster.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Cluster {
    /// URL of the API server, such as `https://10.0.0.1:6443`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// Name to check the server certificate against instead of the URL's host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_server_name: Option<String>,
    /// Do not check the server certificate (insecure).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure_skip_tls_verify: bool,
    /// Path of a PEM file of certificate authorities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_authority: Option<String>,
    /// Base64 of PEM certificate authorities (takes precedence over the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_authority_data: Option<String>,
    /// URL of an HTTP proxy for every request to this cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_url: Option<String>,
    /// Do not ask for compressed responses.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_compression: bool,
    /// Extensions; `client.authentication.k8s.io/exec` is passed to exec plugins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Vec<NamedExtension>>,
}

/// A user (credentials) with its name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedAuthInfo {
    /// Name of the user entry.
    #[serde(default)]
    pub name: String,
    /// The credentials.
    #[serde(default)]
    pub user: AuthInfo,
    /// Where it was read from (not serialized).
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// Credentials: client certificate, bearer token, basic auth, impersonation, exec plugin.
///
/// Secret fields are [`Secret`]s: `Debug` never prints them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct AuthInfo {
    /// Path of a PEM client certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate: Option<String>,
    /// Base64 of a PEM client certificate (takes precedence over the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_certificate_data: Option<String>,
    /// Path of the PEM private key of the client certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key: Option<String>,
    /// Base64 of the PEM private key (takes precedence over the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key_data: Option<Secret<String>>,
    /// Bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret<String>>,
    /// Path of a file holding a bearer token, re-read when it changes.
    #[serde(default, rename = "tokenFile", skip_serializing_if = "Option::is_none")]
    pub token_file: Option<String>,
    /// User to impersonate.
    #[serde(default, rename = "as", skip_serializing_if = "Option::is_none")]
    pub impersonate: Option<String>,
    /// UID to impersonate.
    #[serde(default, rename = "as-uid", skip_serializing_if = "Option::is_none")]
    pub impersonate_uid: Option<String>,
    /// Groups to impersonate.
    #[serde(default, rename = "as-groups", skip_serializing_if = "Option::is_none")]
    pub impersonate_groups: Option<Vec<String>>,
    /// Extra user information to impersonate.
    #[serde(
        default,
        rename = "as-user-extra",
        skip_serializing_if = "Option::is_none"
    )]
    pub impersonate_user_extra: Option<BTreeMap<String, Vec<String>>>,
    /// Basic-auth user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Basic-auth password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret<String>>,
    /// A legacy auth provider (gcp, azure, oidc): not supported, kept for the error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_provider: Option<serde_json::Value>,
    /// An exec credential plugin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecConfig>,
    /// Extensions (kept, not interpreted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Vec<NamedExtension>>,
}

/// An exec credential plugin (`client.authentication.k8s.io`): a command that prints an
/// `ExecCredential` with a token.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecConfig {
    /// `client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`.
    #[serde(default)]
    pub api_version: String,
    /// The command; a relative path with a `/` is relative to the kubeconfig's directory.
    #[serde(default)]
    pub command: String,
    /// Arguments.
    #[serde(
        default,
        deserialize_with = "null_is_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub args: Vec<String>,
    /// Extra environment variables.
    #[serde(
        default,
        deserialize_with = "null_is_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub env: Vec<ExecEnvVar>,
    /// Shown to the user when the command is not found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_hint: Option<String>,
    /// Pass the cluster's details to the plugin in `KUBERNETES_EXEC_INFO`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub provide_cluster_info: bool,
    /// `Never`, `IfAvailable` or `Always`; this client never has a terminal, so `Always`
    /// fails and the others run without stdin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive_mode: Option<String>,
}

/// An environment variable for an exec plugin.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecEnvVar {
    /// Name.
    pub name: String,
    /// Value (may be a secret: not shown by `Debug`).
    pub value: String,
}

impl std::fmt::Debug for ExecEnvVar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecEnvVar")
            .field("name", &self.name)
            .field("value", &"<redacted>")
            .finish()
    }
}

/// A context with its name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedContext {
    /// Name of the context.
    #[serde(default)]
    pub name: String,
    /// The context.
    #[serde(default)]
    pub context: Context,
    /// Where it was read from (not serialized).
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// A cluster, a user and a default namespace.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    /// Name of the cluster entry.
    #[serde(default)]
    pub cluster: String,
    /// Name of the user entry.
    #[serde(default)]
    pub user: String,
    /// Default namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Extensions (kept, not interpreted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Vec<NamedExtension>>,
}

/// A named extension.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedExtension {
    /// Name of the extension.
    #[serde(default)]
    pub name: String,
    /// Its content.
    #[serde(default)]
    pub extension: serde_json::Value,
}

fn null_is_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

impl Kubeconfig {
    /// Parses a kubeconfig from YAML (or JSON) text; `file` is used in error messages and to
    /// resolve relative paths.
    pub fn parse(text: &str, file: &Path) -> Result<Kubeconfig, ConfigError> {
        if text.trim().is_empty() {
            // clientcmd reads an empty file as an empty configuration.
            return Ok(Kubeconfig::default());
        }
        let deserializer = serde_yaml_ng::Deserializer::from_str(text);
        let mut config: Kubeconfig =
            serde_path_to_error::deserialize(deserializer).map_err(|e| ConfigError::Parse {
                file: file.to_path_buf(),
                at: e.path().to_string(),
                message: e.inner().to_string(),
            })?;
        let dir = file.parent().unwrap_or(Path::new(""));
        config.resolve(file, dir);
        Ok(config)
    }

    /// Reads one kubeconfig file; relative paths in it are resolved against its directory.
    pub fn read_from(path: impl AsRef<Path>) -> Result<Kubeconfig, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::ReadFile {
            file: path.to_path_buf(),
            field: None,
            source,
        })?;
        Kubeconfig::parse(&text, path)
    }

    /// Loads the kubeconfig the way `kubectl` does: every file in `KUBECONFIG` merged (files
    /// that do not exist are skipped), or else `~/.kube/config`. Returns `Ok(None)` when there
    /// is no file at all.
    pub fn read_default() -> Result<Option<Kubeconfig>, ConfigError> {
        Kubeconfig::read_default_with(|name| std::env::var_os(name))
    }

    /// [`Kubeconfig::read_default`] with the environment given as a lookup function.
    pub fn read_default_with(
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Option<Kubeconfig>, ConfigError> {
        if let Some(list) = env("KUBECONFIG").filter(|v| !v.is_empty()) {
            let mut merged: Option<Kubeconfig> = None;
            for path in std::env::split_paths(&list) {
                if path.as_os_str().is_empty() || !path.exists() {
                    continue;
                }
                let config = Kubeconfig::read_from(&path)?;
                merged = Some(match merged {
                    None => config,
                    Some(first) => first.merge(config),
                });
            }
            return Ok(merged);
        }
        let Some(home) = env("HOME").or_else(|| env("USERPROFILE")) else {
            return Ok(None);
        };
        let path = PathBuf::from(home).join(".kube").join("config");
        if !path.exists() {
            return Ok(None);
        }
        Kubeconfig::read_from(&path).map(Some)
    }

    /// Merges `other` into `self` the way clientcmd merges the files of `KUBECONFIG`: for each
    /// named cluster, user and context, and for `current-context`, the first one wins.
    pub fn merge(mut self, other: Kubeconfig) -> Kubeconfig {
        for cluster in other.clusters {
            if !self.clusters.iter().any(|c| c.name == cluster.name) {
                self.clusters.push(cluster);
            }
        }
        for user in other.users {
            if !self.users.iter().any(|u| u.name == user.name) {
                self.users.push(user);
            }
        }
        for context in other.contexts {
            if !self.contexts.iter().any(|c| c.name == context.name) {
                self.contexts.push(context);
            }
        }
        if self.current_context.as_deref().is_none_or(str::is_empty) {
            self.current_context = other.current_context;
        }
        if self.preferences.is_none() {
            self.preferences = other.preferences;
        }
        self
    }

    /// Records where each entry came from and resolves relative file references against
    /// `dir` (clientcmd's `ResolveLocalPaths`).
    fn resolve(&mut self, file: &Path, dir: &Path) {
        let resolve = |path: &mut Option<String>| {
            if let Some(p) = path.as_mut() {
                if !p.is_empty() && Path::new(p.as_str()).is_relative() {
                    *p = dir.join(p.as_str()).to_string_lossy().into_owned();
                }
            }
        };
        for (index, cluster) in self.clusters.iter_mut().enumerate() {
            cluster.origin = Some(Origin {
                file: file.to_path_buf(),
                index,
            });
            resolve(&mut cluster.cluster.certificate_authority);
        }
        for (index, user) in self.users.iter_mut().enumerate() {
            user.origin = Some(Origin {
                file: file.to_path_buf(),
                index,
            });
            resolve(&mut user.user.client_certificate);
            resolve(&mut user.user.client_key);
            resolve(&mut user.user.token_file);
            if let Some(exec) = user.user.exec.as_mut() {
                let command = Path::new(&exec.command);
                if command.is_relative() && exec.command.contains(std::path::MAIN_SEPARATOR) {
                    exec.command = dir.join(command).to_string_lossy().into_owned();
                }
            }
        }
        for (index, context) in self.contexts.iter_mut().enumerate() {
            context.origin = Some(Origin {
                file: file.to_path_buf(),
                index,
            });
        }
    }
}
