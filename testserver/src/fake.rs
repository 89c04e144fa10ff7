//! client-go's fake clientset, on the embedded server: every request to a
//! resource is recorded as an [`Action`] to assert on, and reactors can answer
//! instead of the server (to inject errors or canned objects).
//!
//! Unlike client-go's object tracker this is the real server's behaviour —
//! resourceVersions, selectors, watches, validation, garbage collection — so
//! informers and controllers built on the fake behave as against a cluster.
//! A generated clientset sits on it unchanged:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use kubegen_testserver::fake::{Fake, Reaction};
//!
//! let fake = Fake::with_objects([serde_json::json!({
//!     "apiVersion": "v1", "kind": "ConfigMap",
//!     "metadata": {"name": "settings", "namespace": "team-a"},
//!     "data": {"mode": "fast"}
//! })])
//! .await?;
//! // `kubegen_api::Clientset::from_client(fake.client())` is the generated API over it.
//! fake.prepend_reactor("delete", "configmaps", |_| {
//!     Some(Reaction::status(500, "InternalError", "injected"))
//! });
//! let actions = fake.actions();
//! # Ok(()) }
//! ```

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

use crate::error::ApiError;
use crate::testserver::{Error, TestServer};

/// One request to a resource, as client-go's `testing.Action` describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete` or `deletecollection`.
    pub verb: String,
    /// API group (`""` for core).
    pub group: String,
    /// API version.
    pub version: String,
    /// Plural resource name.
    pub resource: String,
    /// Subresource (`status`, `scale`…).
    pub subresource: Option<String>,
    /// Namespace of the request.
    pub namespace: Option<String>,
    /// Object name, for requests on one object.
    pub name: Option<String>,
    /// The request body, when it is JSON.
    pub body: Option<Value>,
}

impl Action {
    /// Whether the action is `verb` on `resource` (`"*"` matches anything).
    pub fn matches(&self, verb: &str, resource: &str) -> bool {
        (verb == "*" || verb == self.verb) && (resource == "*" || resource == self.resource)
    }
}

/// What a reactor answers instead of the server.
#[derive(Clone, Debug, PartialEq)]
pub enum Reaction {
    /// An error `Status` with this code, reason and message.
    Status {
        /// HTTP status code.
        code: u16,
        /// `reason` (`NotFound`, `Conflict`, `InternalError`…).
        reason: String,
        /// `message`.
        message: String,
    },
    /// This object, with status 200.
    Object(Value),
}

impl Reaction {
    /// An error `Status`.
    pub fn status(code: u16, reason: &str, message: &str) -> Reaction {
        Reaction::Status {
            code,
            reason: reason.to_owned(),
            message: message.to_owned(),
        }
    }
}

type Reactor = Arc<dyn Fn(&Action) -> Option<Reaction> + Send + Sync>;

/// The recorded actions and the reactors of one server.
#[derive(Default)]
pub struct Recorder {
    actions: Mutex<Vec<Action>>,
    reactors: Mutex<Vec<(String, String, Reactor)>>,
    recording: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("actions", &lock(&self.actions).len())
            .field("reactors", &lock(&self.reactors).len())
            .finish()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Recorder {
    /// Records `action` (when recording is on) and returns the first reactor's answer.
    pub fn react(&self, action: Action) -> Option<Reaction> {
        let reactors: Vec<(String, String, Reactor)> = lock(&self.reactors).clone();
        let reaction = reactors
            .iter()
            .filter(|(verb, resource, _)| action.matches(verb, resource))
            .find_map(|(_, _, reactor)| reactor(&action));
        if self.recording.load(std::sync::atomic::Ordering::SeqCst) {
            lock(&self.actions).push(action);
        }
        reaction
    }

    /// Whether anything is listening: without reactors and recording a request pays nothing.
    pub fn is_active(&self) -> bool {
        self.recording.load(std::sync::atomic::Ordering::SeqCst) || !lock(&self.reactors).is_empty()
    }

    fn set_recording(&self, on: bool) {
        self.recording
            .store(on, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Reaction {
    /// The reply: an error, or the object.
    pub(crate) fn into_result(self) -> Result<Value, ApiError> {
        match self {
            Reaction::Status {
                code,
                reason,
                message,
            } => Err(ApiError::new(code, &reason, &message)),
            Reaction::Object(object) => Ok(object),
        }
    }
}

/// A fake cluster for unit tests of controllers: an embedded server (plain
/// HTTP on loopback) whose requests are recorded and can be intercepted.
pub struct Fake {
    server: TestServer,
    client: kubegen::Client,
}

impl Fake {
    /// An empty fake cluster (namespaces `default`, `kube-system`, `kube-public`).
    pub async fn new() -> Result<Fake, Error> {
        let server = TestServer::builder().plain_http(true).start().await?;
        let client =
            kubegen::Client::new(server.config()).map_err(|e| Error::Client(e.to_string()))?;
        server.recorder().set_recording(true);
        Ok(Fake { server, client })
    }

    /// A fake cluster holding `objects` (any kind the server serves, built-in or of a
    /// CRD created first in the same list); missing namespaces are created. Seeding is not
    /// recorded.
    pub async fn with_objects(objects: impl IntoIterator<Item = Value>) -> Result<Fake, Error> {
        let fake = Fake::new().await?;
        fake.server.recorder().set_recording(false);
        for object in objects {
            fake.server.seed(&fake.client, object).await?;
        }
        fake.server.recorder().set_recording(true);
        Ok(fake)
    }

    /// A client of the fake cluster, for generated clientsets
    /// (`Clientset::from_client(fake.client())`) and informer factories.
    pub fn client(&self) -> kubegen::Client {
        self.client.clone()
    }

    /// The server underneath (faults, kubeconfig, storage).
    pub fn server(&self) -> &TestServer {
        &self.server
    }

    /// Every action so far, in order.
    pub fn actions(&self) -> Vec<Action> {
        lock(&self.server.recorder().actions).clone()
    }

    /// Forgets the recorded actions.
    pub fn clear_actions(&self) {
        lock(&self.server.recorder().actions).clear();
    }

    /// Adds a reactor consulted before the ones added earlier, for `verb` on
    /// `resource` (`"*"`: any); returning `None` passes the request on.
    pub fn prepend_reactor(
        &self,
        verb: &str,
        resource: &str,
        reactor: impl Fn(&Action) -> Option<Reaction> + Send + Sync + 'static,
    ) {
        lock(&self.server.recorder().reactors)
            .insert(0, (verb.to_owned(), resource.to_owned(), Arc::new(reactor)));
    }
}
