//! Credentials at run time: the `Authorization` header for each request, token files
//! re-read when they change, and exec plugins cached until their credential expires.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use http::HeaderValue;

use super::exec::{self, ExecCluster};
use super::kubeconfig::ExecConfig;
use super::{ConfigError, Credentials};

/// How long a token file's content is trusted without looking at the file again; client-go
/// re-reads it every minute. The file's modification time and size are checked on every
/// request anyway, so a rotation is seen at once.
const TOKEN_FILE_MAX_AGE: Duration = Duration::from_secs(60);

/// Getting credentials failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The exec plugin's command does not exist.
    #[error("exec plugin: executable {command} not found{}", install_hint.as_ref().map(|h| format!("\n\nIt looks like you are trying to use a client-go credential plugin that is not installed.\n\n{h}")).unwrap_or_default())]
    ExecNotFound {
        /// The command.
        command: String,
        /// The kubeconfig's `installHint`.
        install_hint: Option<String>,
    },
    /// The exec plugin could not be started.
    #[error("exec plugin {command}: cannot start: {source}")]
    ExecSpawn {
        /// The command.
        command: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The exec plugin failed.
    #[error("exec plugin {command} failed ({status}): {stderr}")]
    ExecFailed {
        /// The command.
        command: String,
        /// Its exit status.
        status: String,
        /// The start of its standard error.
        stderr: String,
    },
    /// The exec plugin's output is not a usable `ExecCredential`.
    #[error("exec plugin {command}: {message}")]
    ExecOutput {
        /// The command.
        command: String,
        /// What is wrong.
        message: String,
    },
    /// The exec plugin's `apiVersion` is not supported.
    #[error(
        "exec plugin {command}: apiVersion {api_version:?} is not supported (use client.authentication.k8s.io/v1 or v1beta1)"
    )]
    ExecVersion {
        /// The command.
        command: String,
        /// The `apiVersion` in the kubeconfig.
        api_version: String,
    },
    /// The exec plugin needs a terminal (`interactiveMode: Always`), which a client has not.
    #[error("exec plugin {command}: interactiveMode is Always but there is no terminal")]
    ExecInteractive {
        /// The command.
        command: String,
    },
    /// A token file could not be read.
    #[error("token file {}: {source}", path.display())]
    TokenFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A credential cannot be sent in a header (control characters).
    #[error("the {0} contains characters that cannot be sent in a header")]
    InvalidHeader(&'static str),
}

/// Produces the `Authorization` header of each request.
pub(crate) struct Authenticator {
    kind: Kind,
}

enum Kind {
    None,
    Static(HeaderValue),
    TokenFile {
        path: PathBuf,
        cache: Mutex<Option<CachedFile>>,
    },
    Exec {
        exec: Box<ExecConfig>,
        cluster: Option<Box<ExecCluster>>,
        cache: tokio::sync::Mutex<Option<CachedExec>>,
    },
}

struct CachedFile {
    header: HeaderValue,
    modified: Option<SystemTime>,
    len: u64,
    read_at: tokio::time::Instant,
}

struct CachedExec {
    header: HeaderValue,
    expires: Option<jiff::Timestamp>,
}

fn bearer(token: &str, what: &'static str) -> Result<HeaderValue, AuthError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.trim()))
        .map_err(|_| AuthError::InvalidHeader(what))?;
    value.set_sensitive(true);
    Ok(value)
}

impl Authenticator {
    pub(crate) fn new(credentials: &Credentials) -> Result<Self, ConfigError> {
        let invalid = |e: AuthError| ConfigError::Invalid {
            file: None,
            field: "credentials".into(),
            message: e.to_string(),
        };
        let kind = match credentials {
            Credentials::None => Kind::None,
            Credentials::Bearer(token) => {
                Kind::Static(bearer(token.expose(), "bearer token").map_err(invalid)?)
            }
            Credentials::Basic { username, password } => {
                let raw = format!("{username}:{}", password.expose());
                let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
                let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
                    .map_err(|_| invalid(AuthError::InvalidHeader("basic auth")))?;
                value.set_sensitive(true);
                Kind::Static(value)
            }
            Credentials::TokenFile(path) => Kind::TokenFile {
                path: path.clone(),
                cache: Mutex::new(None),
            },
            Credentials::Exec { exec, cluster } => Kind::Exec {
                exec: exec.clone(),
                cluster: cluster.clone(),
                cache: tokio::sync::Mutex::new(None),
            },
        };
        Ok(Authenticator { kind })
    }

    /// Whether the credential can change, so that a `401` is worth one more try.
    pub(crate) fn is_refreshable(&self) -> bool {
        matches!(self.kind, Kind::TokenFile { .. } | Kind::Exec { .. })
    }

    /// The `Authorization` header for the next request, if any.
    pub(crate) async fn header(&self) -> Result<Option<HeaderValue>, AuthError> {
        match &self.kind {
            Kind::None => Ok(None),
            Kind::Static(value) => Ok(Some(value.clone())),
            Kind::TokenFile { path, cache } => token_file(path, cache).map(Some),
            Kind::Exec {
                exec,
                cluster,
                cache,
            } => {
                let mut cached = cache.lock().await;
                if let Some(c) = cached.as_ref() {
                    if c.expires.is_none_or(|t| jiff::Timestamp::now() < t) {
                        return Ok(Some(c.header.clone()));
                    }
                }
                let status = exec::run(exec, cluster.as_deref()).await?;
                let token = status
                    .token
                    .as_ref()
                    .map(|t| t.expose().as_str())
                    .unwrap_or_default();
                let header = bearer(token, "exec plugin token")?;
                *cached = Some(CachedExec {
                    header: header.clone(),
                    expires: status.expiration_timestamp.map(|t| t.0),
                });
                Ok(Some(header))
            }
        }
    }

    /// The server refused the credential: forget it, so that the next request reads the
    /// token file again or runs the exec plugin again.
    pub(crate) async fn invalidate(&self) {
        match &self.kind {
            Kind::TokenFile { cache, .. } => {
                if let Ok(mut c) = cache.lock() {
                    *c = None;
                }
            }
            Kind::Exec { cache, .. } => *cache.lock().await = None,
            Kind::None | Kind::Static(_) => {}
        }
    }
}

fn token_file(path: &PathBuf, cache: &Mutex<Option<CachedFile>>) -> Result<HeaderValue, AuthError> {
    let io_err = |source| AuthError::TokenFile {
        path: path.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    let modified = meta.modified().ok();
    let len = meta.len();
    // A poisoned lock only means another request panicked while holding it: the cache is
    // still a valid Option.
    let mut cached = cache.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = cached.as_ref() {
        if c.modified == modified && c.len == len && c.read_at.elapsed() < TOKEN_FILE_MAX_AGE {
            return Ok(c.header.clone());
        }
    }
    let token = std::fs::read_to_string(path).map_err(io_err)?;
    let header = bearer(&token, "token file")?;
    *cached = Some(CachedFile {
        header: header.clone(),
        modified,
        len,
        read_at: tokio::time::Instant::now(),
    });
    Ok(header)
}
