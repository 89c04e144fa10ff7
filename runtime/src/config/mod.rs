//! Client configuration: where the API server is and how to authenticate, read from a
//! kubeconfig file ([`Kubeconfig`]), from a pod's service account ([`Config::incluster`]), or
//! both in turn ([`Config::infer`], client-go's deferred loader).
//!
//! Everything a kubeconfig names is read when the [`Config`] is made, so a bad file or field
//! is reported there, with the file and the field: `/home/me/.kube/config:
//! users[0].user.client-certificate: /x/cert.pem: No such file or directory`. Only what can
//! change while the client runs is read later: token files (re-read when they change) and exec
//! plugins (run on the first request and again when the credential expires or is refused).

mod auth;
mod exec;
mod incluster;
mod kubeconfig;
mod secret;

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use http::Uri;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

pub use auth::AuthError;
pub(crate) use auth::Authenticator;
pub use exec::{ExecCluster, ExecCredential, ExecCredentialStatus};
pub use incluster::{SERVICE_ACCOUNT_DIR, incluster_with};
pub use kubeconfig::{
    AuthInfo, Cluster, Context, ExecConfig, ExecEnvVar, Kubeconfig, NamedAuthInfo, NamedCluster,
    NamedContext, NamedExtension, Origin,
};
pub use secret::Secret;

/// Why a configuration could not be loaded or turned into a client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A file could not be read.
    #[error("{}{}: {source}", file.display(), field.as_ref().map(|f| format!(": {f}")).unwrap_or_default())]
    ReadFile {
        /// The file that could not be read (or the kubeconfig naming it, see `field`).
        file: PathBuf,
        /// The kubeconfig field that names the file, such as `users[0].user.client-key`.
        field: Option<String>,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A kubeconfig file is not valid YAML or does not have the expected shape.
    #[error("{}: {at}: {message}", file.display())]
    Parse {
        /// The kubeconfig file.
        file: PathBuf,
        /// The field path, such as `users[0].user.exec.args`.
        at: String,
        /// What is wrong.
        message: String,
    },
    /// A value is invalid (a URL, base64 data, a certificate, a missing context…).
    #[error("{}{field}: {message}", file.as_ref().map(|f| format!("{}: ", f.display())).unwrap_or_default())]
    Invalid {
        /// The kubeconfig file, when the value came from one.
        file: Option<PathBuf>,
        /// The field, such as `clusters[1].cluster.server`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// Not running in a cluster: `KUBERNETES_SERVICE_HOST`/`PORT` are not set.
    #[error("not running in a cluster: {0}")]
    NotInCluster(String),
    /// Neither a kubeconfig nor an in-cluster configuration was found.
    #[error("no configuration found: no kubeconfig (KUBECONFIG or ~/.kube/config) and {incluster}")]
    NoConfig {
        /// Why the in-cluster configuration failed.
        incluster: Box<ConfigError>,
    },
    /// The TLS configuration could not be built.
    #[error("TLS: {0}")]
    Tls(String),
}

/// Client-side rate limiting: a token bucket of `burst` requests refilled at `qps` per second
/// (client-go's `flowcontrol.NewTokenBucketRateLimiter`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Sustained requests per second.
    pub qps: f64,
    /// Requests that may be sent at once after an idle period.
    pub burst: u32,
}

impl Default for RateLimit {
    /// client-go's defaults: 5 requests per second, bursts of 10.
    fn default() -> Self {
        RateLimit {
            qps: 5.0,
            burst: 10,
        }
    }
}

/// How requests that the server asks to retry are retried.
///
/// A `429 Too Many Requests` is retried for every method (the server did not process it); a
/// `500`/`502`/`503`/`504`, and a connection that failed before any response, only for
/// idempotent methods (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`). The wait is the
/// `Retry-After` header when the server sends one, else an exponential backoff.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off. client-go's default is 10.
    pub max_retries: u32,
    /// The first wait when the server gives no `Retry-After`.
    pub initial_backoff: Duration,
    /// The longest wait, with or without `Retry-After`.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 10,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// A client certificate and its private key, in PEM.
#[derive(Clone)]
pub struct Identity {
    /// The certificate chain, PEM.
    pub cert_pem: Vec<u8>,
    /// The private key, PEM.
    pub key_pem: Secret<Vec<u8>>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("cert_pem", &format_args!("<{} bytes>", self.cert_pem.len()))
            .field("key_pem", &self.key_pem)
            .finish()
    }
}

/// How requests are authenticated (besides a client certificate).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub enum Credentials {
    /// No credentials.
    #[default]
    None,
    /// A fixed bearer token.
    Bearer(Secret<String>),
    /// A bearer token read from a file, re-read when the file changes, at least every minute,
    /// and after a `401`.
    TokenFile(PathBuf),
    /// HTTP basic authentication.
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: Secret<String>,
    },
    /// An exec credential plugin.
    Exec {
        /// The plugin.
        exec: Box<ExecConfig>,
        /// What the plugin is told about the cluster when `provideClusterInfo` is set.
        cluster: Option<Box<ExecCluster>>,
    },
}

/// Impersonation: act as another user (`Impersonate-*` headers).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Impersonation {
    /// `Impersonate-User`.
    pub user: Option<String>,
    /// `Impersonate-Uid`.
    pub uid: Option<String>,
    /// `Impersonate-Group`, one header each.
    pub groups: Vec<String>,
    /// `Impersonate-Extra-<key>`, one header per value.
    pub extra: std::collections::BTreeMap<String, Vec<String>>,
}

/// Everything needed to build a [`crate::Client`].
///
/// `Debug` never shows a secret (tokens, passwords, private keys).
#[derive(Clone)]
pub struct Config {
    /// URL of the API server.
    pub cluster_url: Uri,
    /// Namespace for `Api::default_namespaced`: the context's namespace, or `default`.
    pub default_namespace: String,
    /// Certificate authorities to trust (DER); `None` trusts the system's roots.
    pub root_certs: Option<Vec<Vec<u8>>>,
    /// Accept any server certificate (insecure: `insecure-skip-tls-verify`).
    pub accept_invalid_certs: bool,
    /// The name to check the server certificate against (SNI), instead of the URL's host.
    pub tls_server_name: Option<String>,
    /// HTTP proxy to tunnel requests through (`CONNECT`).
    pub proxy_url: Option<Uri>,
    /// Client certificate.
    pub identity: Option<Identity>,
    /// Token, basic auth or exec plugin.
    pub credentials: Credentials,
    /// Impersonation headers.
    pub impersonation: Impersonation,
    /// Timeout of a whole request, except watches (which end by `timeoutSeconds`).
    pub timeout: Option<Duration>,
    /// Timeout to connect (TCP and TLS).
    pub connect_timeout: Option<Duration>,
    /// Client-side rate limiting; `None` turns it off.
    pub rate_limit: Option<RateLimit>,
    /// Retries on `429` and `5xx`.
    pub retry: RetryPolicy,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Do not ask for gzip-compressed responses.
    pub disable_compression: bool,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("cluster_url", &self.cluster_url)
            .field("default_namespace", &self.default_namespace)
            .field(
                "root_certs",
                &self
                    .root_certs
                    .as_ref()
                    .map(|c| format!("<{} certificates>", c.len())),
            )
            .field("accept_invalid_certs", &self.accept_invalid_certs)
            .field("tls_server_name", &self.tls_server_name)
            .field("proxy_url", &self.proxy_url)
            .field("identity", &self.identity)
            .field("credentials", &self.credentials)
            .field("impersonation", &self.impersonation)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("rate_limit", &self.rate_limit)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("disable_compression", &self.disable_compression)
            .finish()
    }
}

impl Config {
    /// A configuration for a server URL with no credentials and the defaults: namespace
    /// `default`, the system's roots, QPS 5 / burst 10, 10 retries, a 295 s request timeout.
    pub fn new(cluster_url: Uri) -> Config {
        Config {
            cluster_url,
            default_namespace: "default".into(),
            root_certs: None,
            accept_invalid_certs: false,
            tls_server_name: None,
            proxy_url: None,
            identity: None,
            credentials: Credentials::None,
            impersonation: Impersonation::default(),
            timeout: Some(Duration::from_secs(295)),
            connect_timeout: Some(Duration::from_secs(30)),
            rate_limit: Some(RateLimit::default()),
            retry: RetryPolicy::default(),
            user_agent: default_user_agent(),
            disable_compression: false,
        }
    }

    /// client-go's deferred loading: the kubeconfig (`KUBECONFIG`, else `~/.kube/config`)
    /// when there is one, else the in-cluster configuration.
    ///
    /// A kubeconfig that exists but is broken is an error; it does not fall back.
    pub fn infer() -> Result<Config, ConfigError> {
        // An empty kubeconfig (no file, or files without clusters or a current context) is
        // no kubeconfig, as in clientcmd's `isDefaultConfig`.
        let kubeconfig = Kubeconfig::read_default()?.filter(|k| {
            !k.clusters.is_empty() || k.current_context.as_deref().is_some_and(|c| !c.is_empty())
        });
        match kubeconfig {
            Some(kubeconfig) => Config::from_kubeconfig(&kubeconfig, &KubeConfigOptions::default()),
            None => Config::incluster().map_err(|e| ConfigError::NoConfig {
                incluster: Box::new(e),
            }),
        }
    }

    /// The in-cluster configuration of a pod: `KUBERNETES_SERVICE_HOST` and
    /// `KUBERNETES_SERVICE_PORT`, and the service account's `token`, `ca.crt` and `namespace`
    /// in `/var/run/secrets/kubernetes.io/serviceaccount`. The token is re-read when it
    /// changes (the kubelet rotates it).
    pub fn incluster() -> Result<Config, ConfigError> {
        incluster_with(
            |name| std::env::var(name).ok(),
            Path::new(SERVICE_ACCOUNT_DIR),
        )
    }

    /// The configuration of the kubeconfig found like `kubectl` finds it (see
    /// [`Kubeconfig::read_default`]), with the given context, cluster or user overrides.
    pub fn from_default_kubeconfig(options: &KubeConfigOptions) -> Result<Config, ConfigError> {
        let kubeconfig = Kubeconfig::read_default()?.ok_or_else(|| ConfigError::Invalid {
            file: None,
            field: "KUBECONFIG".into(),
            message: "no kubeconfig file found (KUBECONFIG or ~/.kube/config)".into(),
        })?;
        Config::from_kubeconfig(&kubeconfig, options)
    }

    /// The configuration of one explicit kubeconfig file (no merging, like `--kubeconfig`).
    pub fn from_kubeconfig_file(
        path: impl AsRef<Path>,
        options: &KubeConfigOptions,
    ) -> Result<Config, ConfigError> {
        Config::from_kubeconfig(&Kubeconfig::read_from(path)?, options)
    }

    /// The configuration of a context of a loaded kubeconfig: the current context unless
    /// `options` name one. Reads the certificate and key files it names.
    pub fn from_kubeconfig(
        kubeconfig: &Kubeconfig,
        options: &KubeConfigOptions,
    ) -> Result<Config, ConfigError> {
        let context_name = options
            .context
            .clone()
            .or_else(|| kubeconfig.current_context.clone().filter(|c| !c.is_empty()));
        let context = match &context_name {
            Some(name) => Some(
                kubeconfig
                    .contexts
                    .iter()
                    .find(|c| &c.name == name)
                    .ok_or_else(|| ConfigError::Invalid {
                        file: None,
                        field: "current-context".into(),
                        message: format!("context {name:?} not found"),
                    })?,
            ),
            None => None,
        };
        let cluster_name = options
            .cluster
            .clone()
            .or_else(|| context.map(|c| c.context.cluster.clone()))
            .ok_or_else(|| ConfigError::Invalid {
                file: None,
                field: "current-context".into(),
                message: "no current context and no cluster chosen".into(),
            })?;
        let context_field = |c: &NamedContext, f: &str| located(c.origin.as_ref(), "contexts", f);
        let cluster = kubeconfig
            .clusters
            .iter()
            .find(|c| c.name == cluster_name)
            .ok_or_else(|| {
                let (file, field) = context
                    .map(|c| context_field(c, "context.cluster"))
                    .unwrap_or((None, "cluster".into()));
                ConfigError::Invalid {
                    file,
                    field,
                    message: format!("cluster {cluster_name:?} not found"),
                }
            })?;
        let user_name = options
            .user
            .clone()
            .or_else(|| context.map(|c| c.context.user.clone()))
            .unwrap_or_default();
        let user = if user_name.is_empty() {
            None
        } else {
            Some(
                kubeconfig
                    .users
                    .iter()
                    .find(|u| u.name == user_name)
                    .ok_or_else(|| {
                        let (file, field) = context
                            .map(|c| context_field(c, "context.user"))
                            .unwrap_or((None, "user".into()));
                        ConfigError::Invalid {
                            file,
                            field,
                            message: format!("user {user_name:?} not found"),
                        }
                    })?,
            )
        };

        let cfield =
            |f: &str| located(cluster.origin.as_ref(), "clusters", &format!("cluster.{f}"));
        let c = &cluster.cluster;
        let server = c.server.as_deref().unwrap_or_default();
        let cluster_url: Uri = server.parse().map_err(|e| {
            let (file, field) = cfield("server");
            ConfigError::Invalid {
                file,
                field,
                message: format!("invalid URL {server:?}: {e}"),
            }
        })?;
        if cluster_url.host().is_none() {
            let (file, field) = cfield("server");
            return Err(ConfigError::Invalid {
                file,
                field,
                message: format!("{server:?} is not an absolute URL"),
            });
        }
        let mut config = Config::new(cluster_url);
        if let Some(ns) = context
            .and_then(|c| c.context.namespace.clone())
            .filter(|n| !n.is_empty())
        {
            config.default_namespace = ns;
        }
        config.accept_invalid_certs = c.insecure_skip_tls_verify;
        config.tls_server_name = c.tls_server_name.clone().filter(|s| !s.is_empty());
        config.disable_compression = c.disable_compression;
        if let Some(proxy) = c.proxy_url.as_deref().filter(|p| !p.is_empty()) {
            let uri: Uri = proxy.parse().map_err(|e| {
                let (file, field) = cfield("proxy-url");
                ConfigError::Invalid {
                    file,
                    field,
                    message: format!("invalid URL {proxy:?}: {e}"),
                }
            })?;
            config.proxy_url = Some(uri);
        }
        let ca_pem = read_data_or_file(
            c.certificate_authority_data.as_deref(),
            c.certificate_authority.as_deref(),
            cfield("certificate-authority-data"),
            cfield("certificate-authority"),
        )?;
        if let Some((pem, (file, field))) = &ca_pem {
            config.root_certs = Some(parse_certs(pem).map_err(|message| ConfigError::Invalid {
                file: file.clone(),
                field: field.clone(),
                message,
            })?);
        }

        if let Some(user) = user {
            let ufield = |f: &str| located(user.origin.as_ref(), "users", &format!("user.{f}"));
            let u = &user.user;
            let cert = read_data_or_file(
                u.client_certificate_data.as_deref(),
                u.client_certificate.as_deref(),
                ufield("client-certificate-data"),
                ufield("client-certificate"),
            )?;
            let key = read_data_or_file(
                u.client_key_data.as_ref().map(|k| k.expose().as_str()),
                u.client_key.as_deref(),
                ufield("client-key-data"),
                ufield("client-key"),
            )?;
            match (cert, key) {
                (Some((cert_pem, (file, field))), Some((key_pem, (kfile, kfield)))) => {
                    parse_certs(&cert_pem).map_err(|message| ConfigError::Invalid {
                        file,
                        field,
                        message,
                    })?;
                    parse_key(&key_pem).map_err(|message| ConfigError::Invalid {
                        file: kfile,
                        field: kfield,
                        message,
                    })?;
                    config.identity = Some(Identity {
                        cert_pem,
                        key_pem: Secret::new(key_pem),
                    });
                }
                (Some(_), None) => {
                    let (file, field) = ufield("client-key");
                    return Err(ConfigError::Invalid {
                        file,
                        field,
                        message: "a client certificate needs a client key".into(),
                    });
                }
                (None, Some(_)) => {
                    let (file, field) = ufield("client-certificate");
                    return Err(ConfigError::Invalid {
                        file,
                        field,
                        message: "a client key needs a client certificate".into(),
                    });
                }
                (None, None) => {}
            }

            config.credentials = if let Some(token) =
                u.token.clone().filter(|t| !t.expose().is_empty())
            {
                Credentials::Bearer(token)
            } else if let Some(file) = u.token_file.as_deref().filter(|f| !f.is_empty()) {
                // Read it once now, so that a missing file is reported with its field.
                std::fs::metadata(file).map_err(|source| {
                    let (kfile, field) = ufield("tokenFile");
                    ConfigError::ReadFile {
                        file: kfile.unwrap_or_else(|| PathBuf::from(file)),
                        field: Some(format!("{field}: {file}")),
                        source,
                    }
                })?;
                Credentials::TokenFile(PathBuf::from(file))
            } else if let Some(username) = u.username.clone().filter(|u| !u.is_empty()) {
                Credentials::Basic {
                    username,
                    password: u.password.clone().unwrap_or_default(),
                }
            } else if let Some(exec) = u.exec.clone() {
                if exec.command.is_empty() {
                    let (file, field) = ufield("exec.command");
                    return Err(ConfigError::Invalid {
                        file,
                        field,
                        message: "empty command".into(),
                    });
                }
                let cluster_info = exec.provide_cluster_info.then(|| {
                    Box::new(ExecCluster {
                        server: server.to_owned(),
                        tls_server_name: c.tls_server_name.clone(),
                        insecure_skip_tls_verify: c.insecure_skip_tls_verify,
                        certificate_authority_data: ca_pem
                            .as_ref()
                            .map(|(pem, _)| base64::engine::general_purpose::STANDARD.encode(pem)),
                        proxy_url: c.proxy_url.clone(),
                        disable_compression: c.disable_compression,
                        config: c
                            .extensions
                            .iter()
                            .flatten()
                            .find(|e| e.name == "client.authentication.k8s.io/exec")
                            .map(|e| e.extension.clone()),
                    })
                });
                Credentials::Exec {
                    exec: Box::new(exec),
                    cluster: cluster_info,
                }
            } else if u.auth_provider.is_some() {
                let (file, field) = ufield("auth-provider");
                return Err(ConfigError::Invalid {
                    file,
                    field,
                    message: "auth providers are not supported (they were removed from client-go); use an exec plugin".into(),
                });
            } else {
                Credentials::None
            };
            config.impersonation = Impersonation {
                user: u.impersonate.clone().filter(|s| !s.is_empty()),
                uid: u.impersonate_uid.clone().filter(|s| !s.is_empty()),
                groups: u.impersonate_groups.clone().unwrap_or_default(),
                extra: u.impersonate_user_extra.clone().unwrap_or_default(),
            };
        }
        Ok(config)
    }
}

/// Which context, cluster or user of a kubeconfig to use instead of the current context's.
#[derive(Clone, Debug, Default)]
pub struct KubeConfigOptions {
    /// The context (default: `current-context`).
    pub context: Option<String>,
    /// The cluster (default: the context's).
    pub cluster: Option<String>,
    /// The user (default: the context's).
    pub user: Option<String>,
}

/// `kubegen/<version> (<os>/<arch>)`.
pub(crate) fn default_user_agent() -> String {
    format!(
        "kubegen/{} ({}/{})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// The file and field of a named entry: `(Some(file), "users[2].user.token")`.
fn located(origin: Option<&Origin>, list: &str, field: &str) -> (Option<PathBuf>, String) {
    match origin {
        Some(o) => (Some(o.file.clone()), format!("{list}[{}].{field}", o.index)),
        None => (None, format!("{list}[?].{field}")),
    }
}

type Located = (Option<PathBuf>, String);

/// Base64 `data` (preferred) or the content of `file`, with the location it came from.
fn read_data_or_file(
    data: Option<&str>,
    file: Option<&str>,
    data_field: Located,
    file_field: Located,
) -> Result<Option<(Vec<u8>, Located)>, ConfigError> {
    if let Some(data) = data.filter(|d| !d.is_empty()) {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|e| ConfigError::Invalid {
                file: data_field.0.clone(),
                field: data_field.1.clone(),
                message: format!("invalid base64: {e}"),
            })?;
        return Ok(Some((bytes, data_field)));
    }
    if let Some(path) = file.filter(|f| !f.is_empty()) {
        let bytes = std::fs::read(path).map_err(|source| ConfigError::ReadFile {
            file: file_field.0.clone().unwrap_or_else(|| PathBuf::from(path)),
            field: Some(format!("{}: {path}", file_field.1)),
            source,
        })?;
        return Ok(Some((bytes, file_field)));
    }
    Ok(None)
}

/// The DER certificates of a PEM bundle; at least one.
pub(crate) fn parse_certs(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .map(|c| c.map(|c| c.to_vec()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("invalid PEM certificate: {e}"))?;
    if certs.is_empty() {
        return Err("no PEM certificate found".into());
    }
    Ok(certs)
}

/// The private key of a PEM document (PKCS#1, PKCS#8 or SEC1).
pub(crate) fn parse_key(pem: &[u8]) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => "no PEM private key found".to_owned(),
        other => format!("invalid PEM private key: {other}"),
    })
}
