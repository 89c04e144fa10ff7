//! Options of the API verbs: [`ListParams`], [`WatchParams`], [`PostParams`],
//! [`PatchParams`], [`DeleteParams`].

use crate::client::{Error, Request, Result};
use crate::meta::v1::{DeleteOptions, Preconditions};

/// How a list's `resourceVersion` is interpreted (`resourceVersionMatch`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VersionMatch {
    /// Any data at least as new as `resourceVersion` (`resourceVersion=0`: the watch cache).
    NotOlderThan,
    /// Exactly the data at `resourceVersion` (410 once compacted).
    Exact,
}

impl VersionMatch {
    fn as_str(self) -> &'static str {
        match self {
            VersionMatch::NotOlderThan => "NotOlderThan",
            VersionMatch::Exact => "Exact",
        }
    }
}

/// Options of a list (and of [`crate::Api::delete_collection`]).
///
/// ```
/// # use kubegen::api::ListParams;
/// let lp = ListParams::default().labels("app=web").fields("status.phase=Running").limit(100);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListParams {
    /// `labelSelector`, such as `app=web,tier!=db` or `env in (prod,staging)`.
    pub label_selector: Option<String>,
    /// `fieldSelector`, such as `metadata.name=x` or `status.phase!=Running`.
    pub field_selector: Option<String>,
    /// `timeoutSeconds`: how long the server may take.
    pub timeout: Option<u32>,
    /// `limit`: the page size. [`crate::Api::list_all`] walks every page.
    pub limit: Option<u32>,
    /// `continue`: the token of the next page, from the previous page's `metadata.continue`.
    pub continue_token: Option<String>,
    /// `resourceVersion`: unset for the latest data, `"0"` for any cached data, or a version.
    pub resource_version: Option<String>,
    /// `resourceVersionMatch`.
    pub version_match: Option<VersionMatch>,
}

impl ListParams {
    /// Filters by a label selector.
    pub fn labels(mut self, selector: &str) -> Self {
        self.label_selector = Some(selector.to_owned());
        self
    }

    /// Filters by a field selector.
    pub fn fields(mut self, selector: &str) -> Self {
        self.field_selector = Some(selector.to_owned());
        self
    }

    /// Sets the server-side timeout in seconds.
    pub fn timeout(mut self, seconds: u32) -> Self {
        self.timeout = Some(seconds);
        self
    }

    /// Sets the page size.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Asks for the page after the one that returned this token.
    pub fn continue_token(mut self, token: &str) -> Self {
        self.continue_token = Some(token.to_owned());
        self
    }

    /// Lists at a resourceVersion, with how to match it.
    pub fn at(mut self, resource_version: &str, version_match: Option<VersionMatch>) -> Self {
        self.resource_version = Some(resource_version.to_owned());
        self.version_match = version_match;
        self
    }

    pub(crate) fn apply(&self, request: Request) -> Request {
        request
            .query_opt("labelSelector", self.label_selector.as_deref())
            .query_opt("fieldSelector", self.field_selector.as_deref())
            .query_opt("timeoutSeconds", self.timeout)
            .query_opt("limit", self.limit)
            .query_opt("continue", self.continue_token.as_deref())
            .query_opt("resourceVersion", self.resource_version.as_deref())
            .query_opt(
                "resourceVersionMatch",
                self.version_match.map(VersionMatch::as_str),
            )
    }
}

/// Options of a get (`GetOptions`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GetParams {
    /// `resourceVersion`: unset for the latest state, `"0"` for any cached state (served from
    /// the watch cache), or a version the object must be at least as new as.
    pub resource_version: Option<String>,
}

impl GetParams {
    /// Any cached state (`resourceVersion=0`): cheaper for the server, maybe stale.
    pub fn any() -> Self {
        GetParams {
            resource_version: Some("0".into()),
        }
    }

    /// A state at least as new as `resource_version`.
    pub fn at(resource_version: &str) -> Self {
        GetParams {
            resource_version: Some(resource_version.to_owned()),
        }
    }

    pub(crate) fn apply(&self, request: Request) -> Request {
        request.query_opt("resourceVersion", self.resource_version.as_deref())
    }
}

/// Options of a watch.
///
/// Bookmarks are on by default. [`WatchParams::streaming_list`] asks for a streaming list
/// (`sendInitialEvents=true`): the current objects as `ADDED` events, then a `BOOKMARK`
/// annotated `k8s.io/initial-events-end`, then live changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchParams {
    /// `labelSelector`.
    pub label_selector: Option<String>,
    /// `fieldSelector`.
    pub field_selector: Option<String>,
    /// `timeoutSeconds`: the server ends the watch after this long (it just closes the
    /// stream). Unset, the server picks 30–60 minutes.
    pub timeout: Option<u32>,
    /// `allowWatchBookmarks`.
    pub bookmarks: bool,
    /// `sendInitialEvents` (sent with `resourceVersionMatch=NotOlderThan`, which the server
    /// requires).
    pub send_initial_events: bool,
}

impl Default for WatchParams {
    fn default() -> Self {
        WatchParams {
            label_selector: None,
            field_selector: None,
            timeout: None,
            bookmarks: true,
            send_initial_events: false,
        }
    }
}

impl WatchParams {
    /// Filters by a label selector.
    pub fn labels(mut self, selector: &str) -> Self {
        self.label_selector = Some(selector.to_owned());
        self
    }

    /// Filters by a field selector.
    pub fn fields(mut self, selector: &str) -> Self {
        self.field_selector = Some(selector.to_owned());
        self
    }

    /// Sets `timeoutSeconds`.
    pub fn timeout(mut self, seconds: u32) -> Self {
        self.timeout = Some(seconds);
        self
    }

    /// Turns bookmarks off.
    pub fn disable_bookmarks(mut self) -> Self {
        self.bookmarks = false;
        self
    }

    /// A streaming list: initial events, then the `initial-events-end` bookmark.
    pub fn streaming_list(mut self) -> Self {
        self.send_initial_events = true;
        self.bookmarks = true;
        self
    }

    pub(crate) fn apply(&self, request: Request, resource_version: &str) -> Request {
        let mut request = request.query("watch", "true");
        if !resource_version.is_empty() {
            request = request.query("resourceVersion", resource_version);
        }
        if self.bookmarks {
            request = request.query("allowWatchBookmarks", "true");
        }
        if self.send_initial_events {
            request = request
                .query("sendInitialEvents", "true")
                .query("resourceVersionMatch", "NotOlderThan");
        }
        request
            .query_opt("labelSelector", self.label_selector.as_deref())
            .query_opt("fieldSelector", self.field_selector.as_deref())
            .query_opt("timeoutSeconds", self.timeout)
    }
}

/// Server-side field validation (`fieldValidation`) of unknown and duplicate fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValidationDirective {
    /// Fail with 400.
    Strict,
    /// Accept, with a `Warning` header (the server's default).
    Warn,
    /// Accept silently.
    Ignore,
}

impl ValidationDirective {
    fn as_str(self) -> &'static str {
        match self {
            ValidationDirective::Strict => "Strict",
            ValidationDirective::Warn => "Warn",
            ValidationDirective::Ignore => "Ignore",
        }
    }
}

/// Options of create and replace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostParams {
    /// `dryRun=All`: validate and answer, persist nothing.
    pub dry_run: bool,
    /// `fieldManager`: the name recorded in `managedFields`.
    pub field_manager: Option<String>,
    /// `fieldValidation`.
    pub field_validation: Option<ValidationDirective>,
}

impl PostParams {
    pub(crate) fn apply(&self, request: Request) -> Request {
        request
            .query_opt("dryRun", self.dry_run.then_some("All"))
            .query_opt("fieldManager", self.field_manager.as_deref())
            .query_opt(
                "fieldValidation",
                self.field_validation.map(ValidationDirective::as_str),
            )
    }
}

/// Options of a patch.
///
/// ```
/// # use kubegen::api::PatchParams;
/// let ssa = PatchParams::apply("my-controller").force();
/// assert_eq!(ssa.field_manager.as_deref(), Some("my-controller"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatchParams {
    /// `dryRun=All`.
    pub dry_run: bool,
    /// `force=true`: take ownership of conflicting fields (server-side apply only).
    pub force: bool,
    /// `fieldManager`: required for server-side apply.
    pub field_manager: Option<String>,
    /// `fieldValidation`.
    pub field_validation: Option<ValidationDirective>,
}

impl PatchParams {
    /// Options for server-side apply as `manager`.
    pub fn apply(manager: &str) -> Self {
        PatchParams {
            field_manager: Some(manager.to_owned()),
            ..PatchParams::default()
        }
    }

    /// Forces conflicts (server-side apply only).
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }

    /// Dry run.
    pub fn dry_run(mut self) -> Self {
        self.dry_run = true;
        self
    }

    pub(crate) fn apply_to(&self, request: Request, is_apply: bool) -> Result<Request> {
        if is_apply && self.field_manager.as_deref().is_none_or(str::is_empty) {
            return Err(Error::InvalidRequest(
                "server-side apply needs a field manager (PatchParams::apply(\"name\"))".into(),
            ));
        }
        if self.force && !is_apply {
            return Err(Error::InvalidRequest(
                "force is only allowed with server-side apply".into(),
            ));
        }
        Ok(request
            .query_opt("dryRun", self.dry_run.then_some("All"))
            .query_opt("force", self.force.then_some("true"))
            .query_opt("fieldManager", self.field_manager.as_deref())
            .query_opt(
                "fieldValidation",
                self.field_validation.map(ValidationDirective::as_str),
            ))
    }
}

/// What happens to an object's dependents when it is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropagationPolicy {
    /// Dependents are kept and lose their owner reference.
    Orphan,
    /// The object goes at once; the garbage collector deletes dependents afterwards.
    Background,
    /// The object stays (with a `foregroundDeletion` finalizer) until its blocking dependents
    /// are gone.
    Foreground,
}

impl PropagationPolicy {
    fn as_str(self) -> &'static str {
        match self {
            PropagationPolicy::Orphan => "Orphan",
            PropagationPolicy::Background => "Background",
            PropagationPolicy::Foreground => "Foreground",
        }
    }
}

/// Options of a delete, sent as a `DeleteOptions` body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteParams {
    /// `dryRun: [All]`.
    pub dry_run: bool,
    /// Seconds of grace; 0 deletes at once.
    pub grace_period_seconds: Option<u32>,
    /// Dependents' fate.
    pub propagation_policy: Option<PropagationPolicy>,
    /// Delete only if the object still has this uid and/or resourceVersion (else 409).
    pub preconditions: Option<Preconditions>,
}

impl DeleteParams {
    /// Foreground deletion.
    pub fn foreground() -> Self {
        DeleteParams {
            propagation_policy: Some(PropagationPolicy::Foreground),
            ..DeleteParams::default()
        }
    }

    /// Background deletion.
    pub fn background() -> Self {
        DeleteParams {
            propagation_policy: Some(PropagationPolicy::Background),
            ..DeleteParams::default()
        }
    }

    /// Orphan the dependents.
    pub fn orphan() -> Self {
        DeleteParams {
            propagation_policy: Some(PropagationPolicy::Orphan),
            ..DeleteParams::default()
        }
    }

    /// Sets the grace period.
    pub fn grace_period(mut self, seconds: u32) -> Self {
        self.grace_period_seconds = Some(seconds);
        self
    }

    /// Dry run.
    pub fn dry_run(mut self) -> Self {
        self.dry_run = true;
        self
    }

    /// Deletes only if uid and/or resourceVersion match.
    pub fn preconditions(mut self, preconditions: Preconditions) -> Self {
        self.preconditions = Some(preconditions);
        self
    }

    /// The `DeleteOptions` body.
    pub fn to_delete_options(&self) -> DeleteOptions {
        DeleteOptions {
            kind: Some("DeleteOptions".into()),
            api_version: Some("v1".into()),
            grace_period_seconds: self.grace_period_seconds.map(i64::from),
            preconditions: self.preconditions.clone(),
            propagation_policy: self.propagation_policy.map(|p| p.as_str().to_owned()),
            dry_run: self.dry_run.then(|| vec!["All".to_owned()]),
            ..DeleteOptions::default()
        }
    }
}
