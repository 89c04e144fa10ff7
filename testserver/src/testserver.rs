//! [`TestServer`]: start a server on a random loopback port (TLS with a
//! certificate generated at start), get a client [`kubegen::Config`] and a kubeconfig
//! file for it; the server stops when the value is dropped.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use kubegen::config::{Credentials, Secret};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::auth::{Access, Authenticator, MASTERS, User};
use crate::handlers::defaults;
use crate::registry::Builtin;
use crate::resources::Resources;
use crate::server::{self, App};
use crate::storage::objects::NAMESPACES;
use crate::storage::watch::BookmarkTiming;
use crate::storage::{Store, StoreConfig, meta};
use crate::tls::{ClientCertificate, Pki, TlsError};

/// Errors starting the server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The built-in catalog did not load.
    #[error("loading the built-in resource catalog: {0}")]
    Catalog(#[from] serde_json::Error),
    /// Certificates or TLS configuration.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// Binding the port or writing the kubeconfig.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The error.
        source: std::io::Error,
    },
    /// The server URL did not parse (cannot happen for a loopback address).
    #[error("server URL: {0}")]
    Url(String),
    /// A token file that does not parse.
    #[error("token file: {0}")]
    TokenFile(String),
    /// The client of the server could not be built.
    #[error("client: {0}")]
    Client(String),
    /// An object to seed the server with was refused.
    #[error("seeding {object}: {message}")]
    Seed {
        /// `Kind namespace/name`.
        object: String,
        /// Why.
        message: String,
    },
}

fn io(context: &str) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        context: context.to_owned(),
        source,
    }
}

/// Options of a [`TestServer`].
#[derive(Clone, Debug)]
pub struct Builder {
    listen: SocketAddr,
    plain_http: bool,
    tokens: Vec<(String, User)>,
    token_file: Option<String>,
    store: StoreConfig,
    bookmarks: BookmarkTiming,
    kubeconfig: Option<PathBuf>,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            plain_http: false,
            tokens: Vec::new(),
            token_file: None,
            store: StoreConfig::default(),
            bookmarks: BookmarkTiming::default(),
            kubeconfig: None,
        }
    }
}

impl Builder {
    /// Listen on this address (default: a random port on 127.0.0.1).
    pub fn listen(mut self, address: SocketAddr) -> Builder {
        self.listen = address;
        self
    }

    /// Serve plain HTTP instead of TLS.
    pub fn plain_http(mut self, plain: bool) -> Builder {
        self.plain_http = plain;
        self
    }

    /// Accept a bearer token for `user` with `access`, in `groups`.
    pub fn token(mut self, token: &str, user: &str, groups: &[&str], access: Access) -> Builder {
        self.tokens
            .push((token.to_owned(), User::new(user, "", groups, access)));
        self
    }

    /// Accept the tokens of a static token file (`token,user,uid,"groups"` lines).
    pub fn token_file_contents(mut self, text: &str) -> Builder {
        self.token_file = Some(text.to_owned());
        self
    }

    /// How many events the history keeps (older resourceVersions get `410 Gone`).
    pub fn history_size(mut self, events: usize) -> Builder {
        self.store.history_size = events;
        self
    }

    /// How long a read at a future resourceVersion waits before `504` (real: ~3 s).
    pub fn future_resource_version_wait(mut self, wait: Duration) -> Builder {
        self.store.future_rv_wait = wait;
        self
    }

    /// Bookmark timing: how long before a watch's timeout the bookmark comes, and
    /// the interval of periodic bookmarks.
    pub fn bookmarks(mut self, before_timeout: Duration, interval: Duration) -> Builder {
        self.bookmarks = BookmarkTiming {
            before_timeout,
            interval,
        };
        self
    }

    /// Write the kubeconfig to this path instead of a temporary directory.
    pub fn kubeconfig_path(mut self, path: impl Into<PathBuf>) -> Builder {
        self.kubeconfig = Some(path.into());
        self
    }

    /// Starts the server.
    pub async fn start(self) -> Result<TestServer, Error> {
        let pki = Pki::generate()?;
        let admin_token = random_token();
        let read_only_token = random_token();
        let mut auth = Authenticator::default();
        auth.add_token(
            &admin_token,
            User::new("admin", "1000", &[MASTERS], Access::Admin),
        );
        auth.add_token(
            &read_only_token,
            User::new(
                "viewer",
                "1001",
                &[crate::auth::READ_ONLY_GROUP],
                Access::ReadOnly,
            ),
        );
        for (token, user) in &self.tokens {
            auth.add_token(token, user.clone());
        }
        if let Some(text) = &self.token_file {
            auth.load_token_file(text).map_err(Error::TokenFile)?;
        }
        let store = Arc::new(Store::new(self.store.clone()));
        let app = Arc::new(App {
            store: store.clone(),
            resources: Resources::new(Builtin::load()?),
            auth,
            faults: Default::default(),
            bookmarks: self.bookmarks,
            ca_pem: pki.ca_pem(),
            openapi: Default::default(),
            recorder: Default::default(),
        });
        bootstrap(&app);
        let listener = TcpListener::bind(self.listen)
            .await
            .map_err(io("binding the listen address"))?;
        let address = listener
            .local_addr()
            .map_err(io("reading the bound address"))?;
        let (scheme, tls) = if self.plain_http {
            ("http", None)
        } else {
            (
                "https",
                Some(tokio_rustls::TlsAcceptor::from(pki.server_config()?)),
            )
        };
        let url = format!("{scheme}://{address}");
        let (shutdown, receiver) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(server::serve(listener, tls, app.clone(), receiver));
        let (kubeconfig_dir, kubeconfig_path) = match self.kubeconfig {
            Some(path) => (None, path),
            None => {
                let dir = tempfile::tempdir().map_err(io("creating a temporary directory"))?;
                let path = dir.path().join("kubeconfig");
                (Some(dir), path)
            }
        };
        let server = TestServer {
            url,
            admin_token,
            read_only_token,
            plain_http: self.plain_http,
            pki,
            app,
            shutdown,
            task: Some(task),
            kubeconfig_dir,
            kubeconfig_path,
        };
        std::fs::write(&server.kubeconfig_path, server.kubeconfig())
            .map_err(io("writing the kubeconfig"))?;
        Ok(server)
    }
}

fn random_token() -> String {
    use rustls::crypto::ring::default_provider;
    let mut bytes = [0u8; 24];
    if default_provider().secure_random.fill(&mut bytes).is_err() {
        for byte in &mut bytes {
            *byte = fastrand::u8(..);
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The namespaces every cluster starts with, then a compaction: like a real
/// cluster's, the history does not reach back to resourceVersion 1.
fn bootstrap(app: &App) {
    let now = meta::now();
    app.store.write(|state| {
        let table: Arc<str> = Arc::from(NAMESPACES);
        for name in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let object = json!({
                "kind": "Namespace", "apiVersion": "v1",
                "metadata": {"name": name, "uid": meta::new_uid(), "resourceVersion": "",
                    "creationTimestamp": now,
                    "labels": {"kubernetes.io/metadata.name": name},
                    "managedFields": [{"manager": "kube-apiserver", "operation": "Update",
                        "apiVersion": "v1", "time": now, "fieldsType": "FieldsV1",
                        "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:kubernetes.io/metadata.name": {}}}}}]},
                "spec": {"finalizers": ["kubernetes"]},
                "status": {"phase": "Active"}
            });
            state.put(&table, (String::new(), name.to_owned()), object);
            defaults::root_ca_configmap(state, name, &app.ca_pem, &now);
            defaults::default_service_account(state, name, &now);
        }
        state.compact_now();
    });
}

/// A running in-memory API server, stopped when dropped.
#[derive(Debug)]
pub struct TestServer {
    url: String,
    admin_token: String,
    read_only_token: String,
    plain_http: bool,
    pki: Pki,
    app: Arc<App>,
    shutdown: tokio::sync::watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    kubeconfig_dir: Option<tempfile::TempDir>,
    kubeconfig_path: PathBuf,
}

impl TestServer {
    /// Starts a server with the default options: TLS on a random loopback port, an
    /// administrator token and a read-only token.
    pub async fn start() -> Result<TestServer, Error> {
        Builder::default().start().await
    }

    /// Options.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The server URL (`https://127.0.0.1:PORT`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The administrator's bearer token.
    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// A token that may only get, list and watch.
    pub fn read_only_token(&self) -> &str {
        &self.read_only_token
    }

    /// The CA certificate the server certificate is signed by, PEM.
    pub fn ca_pem(&self) -> String {
        self.pki.ca_pem()
    }

    /// A client certificate for `user` in `group` (`system:masters` makes an
    /// administrator, `testserver:read-only` a reader, anything else no rights).
    pub fn client_certificate(
        &self,
        user: &str,
        group: Option<&str>,
    ) -> Result<ClientCertificate, TlsError> {
        self.pki.client_certificate(user, group)
    }

    /// A client configuration as the administrator.
    pub fn config(&self) -> kubegen::Config {
        self.config_with_token(&self.admin_token)
    }

    /// A client configuration with another bearer token.
    pub fn config_with_token(&self, token: &str) -> kubegen::Config {
        let uri = self
            .url
            .parse()
            .unwrap_or_else(|_| http::Uri::from_static("https://127.0.0.1"));
        let mut config = kubegen::Config::new(uri);
        if !self.plain_http {
            config.root_certs = Some(vec![self.pki.ca_der()]);
        }
        config.credentials = Credentials::Bearer(Secret::new(token.to_owned()));
        // Tests want errors at once, not after client-side retries and throttling.
        config.rate_limit = None;
        config
    }

    /// The kubeconfig file (usable by kubectl).
    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig_path
    }

    /// The kubeconfig text.
    pub fn kubeconfig(&self) -> String {
        use base64::Engine;
        let ca = base64::engine::general_purpose::STANDARD.encode(self.pki.ca_pem());
        let ca_line = if self.plain_http {
            String::new()
        } else {
            format!("    certificate-authority-data: {ca}\n")
        };
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: testserver\n  cluster:\n    server: {}\n{ca_line}users:\n- name: admin\n  user:\n    token: {}\ncontexts:\n- name: testserver\n  context:\n    cluster: testserver\n    user: admin\n    namespace: default\ncurrent-context: testserver\n",
            self.url, self.admin_token
        )
    }

    /// Ends every open watch now.
    pub fn drop_watches(&self) {
        self.app.store.drop_watches();
    }

    /// Forgets the event history now: watches and lists from an older
    /// resourceVersion then get `410 Gone`.
    pub fn compact(&self) {
        self.app.store.compact_now();
    }

    /// Answers the next `count` requests with `status` (`Retry-After` for 429/503).
    pub fn fail_next(&self, count: u32, status: u16, retry_after: Option<u32>) {
        self.app.faults.fail_next(count, status, retry_after);
    }

    /// Delays every request (zero clears).
    pub fn set_latency(&self, latency: Duration) {
        self.app.faults.set_latency(latency);
    }

    /// The storage engine (for direct inspection in tests).
    pub fn store(&self) -> &Arc<Store> {
        &self.app.store
    }

    /// While `refuse` is set, every new watch is answered `503` (lists and writes are
    /// not): together with [`TestServer::drop_watches`] it keeps clients from watching
    /// while changes happen.
    pub fn refuse_watches(&self, refuse: bool) {
        self.app.faults.refuse_watches(refuse);
    }

    /// Recorded actions and reactors, for [`crate::fake::Fake`].
    pub(crate) fn recorder(&self) -> &crate::fake::Recorder {
        &self.app.recorder
    }

    /// Creates `object` through the API, creating its namespace first if it is missing.
    pub(crate) async fn seed(
        &self,
        client: &kubegen::Client,
        object: serde_json::Value,
    ) -> Result<(), Error> {
        use kubegen::api::{DynamicApi, DynamicObject, PostParams, ResourceDescriptor};
        let api_version = object["apiVersion"].as_str().unwrap_or_default().to_owned();
        let kind = object["kind"].as_str().unwrap_or_default().to_owned();
        let namespace = object["metadata"]["namespace"].as_str().map(str::to_owned);
        let name = object["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let describe = format!(
            "{kind} {}{name}",
            namespace
                .as_deref()
                .map(|ns| format!("{ns}/"))
                .unwrap_or_default()
        );
        let failed = |message: String| Error::Seed {
            object: describe.clone(),
            message,
        };
        let resources = self.app.resources.all(&self.app.store.read());
        let resource = resources
            .iter()
            .find(|r| r.api_version() == api_version && r.kind == kind)
            .ok_or_else(|| failed(format!("no resource serves {api_version} {kind}")))?
            .clone();
        let descriptor = ResourceDescriptor {
            group: resource.group.clone(),
            version: resource.version.clone(),
            api_version: api_version.clone(),
            kind: kind.clone(),
            plural: resource.plural.clone(),
            scope: if resource.namespaced {
                kubegen::Scope::Namespaced
            } else {
                kubegen::Scope::Cluster
            },
        };
        let typed: DynamicObject =
            serde_json::from_value(object).map_err(|e| failed(e.to_string()))?;
        let api = match (&namespace, resource.namespaced) {
            (Some(ns), true) => {
                let namespaces = DynamicApi::all(client.clone(), &namespaces_descriptor());
                if namespaces
                    .get_opt(ns)
                    .await
                    .map_err(|e| failed(e.to_string()))?
                    .is_none()
                {
                    let mut namespace = DynamicObject::new(ns, &namespaces_descriptor());
                    namespace.metadata.name = Some(ns.clone());
                    namespaces
                        .create(&PostParams::default(), &namespace)
                        .await
                        .map_err(|e| failed(e.to_string()))?;
                }
                DynamicApi::namespaced(client.clone(), ns, &descriptor)
            }
            _ => DynamicApi::all(client.clone(), &descriptor),
        };
        api.create(&PostParams::default(), &typed)
            .await
            .map_err(|e| failed(e.to_string()))?;
        Ok(())
    }

    /// Stops the server and waits for it.
    pub async fn shutdown(mut self) {
        self.shutdown.send_replace(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
        let _ = &self.kubeconfig_dir;
    }
}

fn namespaces_descriptor() -> kubegen::api::ResourceDescriptor {
    kubegen::api::ResourceDescriptor {
        group: String::new(),
        version: "v1".into(),
        api_version: "v1".into(),
        kind: "Namespace".into(),
        plural: "namespaces".into(),
        scope: kubegen::Scope::Cluster,
    }
}
