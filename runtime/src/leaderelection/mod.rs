//! Leader election on a `coordination.k8s.io/v1` Lease (client-go's `leaderelection`).
//!
//! Candidates race to write their identity into the Lease; the holder renews it every
//! `retry_period` and leads while it manages to within `renew_deadline`; the others take it
//! over when it has not changed for `lease_duration`. Expiry is judged on the **local**
//! clock from the moment a candidate saw the lease change, never from the timestamps in it,
//! so clock skew between machines does not matter (client-go's rule).
//!
//! Writes are optimistic (`resourceVersion`): of two candidates writing the same version,
//! one gets a 409 and retries later. A takeover increments `leaseTransitions`; a renewal
//! keeps `acquireTime` and `leaseTransitions`. With `release_on_cancel`, a leader that is
//! cancelled writes an empty holder (and a 1 s duration) so that others need not wait.
//!
//! Difference from client-go: `on_stopped_leading` is called only by a candidate that led
//! (client-go also calls it when cancelled before acquiring).

mod lease;

#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use lease::{Lease, LeaseApiLock, LeaseLock, LeaseSpec};

use crate::resource::Resource;
use crate::time::MicroTime;

/// client-go's `JitterFactor`: retries wait `retry_period × [1, 2.2)`.
const JITTER_FACTOR: f64 = 1.2;

/// Timings and identity of a candidate. The default timings are client-go's recommended
/// ones: 15 s lease, 10 s renew deadline, 2 s retry period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderElectionConfig {
    /// This candidate's identity (unique among candidates: a pod name, a hostname + uid).
    pub identity: String,
    /// How long a lease is valid after it was last seen to change.
    pub lease_duration: Duration,
    /// How long the leader keeps trying to renew before it gives up leading.
    pub renew_deadline: Duration,
    /// The wait between attempts.
    pub retry_period: Duration,
    /// Release the lease when cancelled while leading.
    pub release_on_cancel: bool,
}

impl LeaderElectionConfig {
    /// The default timings for `identity`.
    pub fn new(identity: &str) -> Self {
        LeaderElectionConfig {
            identity: identity.to_owned(),
            lease_duration: Duration::from_secs(15),
            renew_deadline: Duration::from_secs(10),
            retry_period: Duration::from_secs(2),
            release_on_cancel: false,
        }
    }

    fn validate(&self) -> Result<(), LeaderElectionError> {
        let invalid = |m: &str| Err(LeaderElectionError::InvalidConfig(m.to_owned()));
        if self.identity.is_empty() {
            return invalid("the identity must not be empty");
        }
        if self.retry_period.is_zero() {
            return invalid("the retry period must be positive");
        }
        if self.lease_duration <= self.renew_deadline {
            return invalid("the lease duration must be longer than the renew deadline");
        }
        if self.renew_deadline.as_secs_f64() <= JITTER_FACTOR * self.retry_period.as_secs_f64() {
            return invalid("the renew deadline must be longer than 1.2 × the retry period");
        }
        if self.lease_duration.as_secs() < 1 {
            return invalid("the lease duration must be at least one second");
        }
        Ok(())
    }
}

/// What leader election can fail with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeaderElectionError {
    /// The configuration is inconsistent.
    #[error("invalid leader election configuration: {0}")]
    InvalidConfig(String),
}

type StartedFn = Box<dyn Fn(CancellationToken) + Send + Sync>;
type StoppedFn = Box<dyn Fn() + Send + Sync>;
type NewLeaderFn = Box<dyn Fn(&str) + Send + Sync>;

/// What to do on leadership changes. Callbacks run on the elector's task: start long work
/// on a task of its own.
#[derive(Default)]
pub struct Callbacks {
    on_started_leading: Option<StartedFn>,
    on_stopped_leading: Option<StoppedFn>,
    on_new_leader: Option<NewLeaderFn>,
}

impl std::fmt::Debug for Callbacks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callbacks").finish_non_exhaustive()
    }
}

impl Callbacks {
    /// No callbacks.
    pub fn new() -> Self {
        Callbacks::default()
    }

    /// Called when this candidate starts leading, with a token cancelled when it stops.
    pub fn on_started_leading(
        mut self,
        f: impl Fn(CancellationToken) + Send + Sync + 'static,
    ) -> Self {
        self.on_started_leading = Some(Box::new(f));
        self
    }

    /// Called when this candidate stops leading (lost the lease, or cancelled).
    pub fn on_stopped_leading(mut self, f: impl Fn() + Send + Sync + 'static) -> Self {
        self.on_stopped_leading = Some(Box::new(f));
        self
    }

    /// Called with the identity of each new leader seen (this candidate's included).
    pub fn on_new_leader(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.on_new_leader = Some(Box::new(f));
        self
    }
}

/// What the elector last saw of the lease.
#[derive(Default)]
struct Observed {
    lease: Option<Lease>,
    /// Local time at which the lease was last seen to change.
    at: Option<Instant>,
}

impl Observed {
    fn holder(&self) -> &str {
        self.lease
            .as_ref()
            .and_then(|l| l.spec.as_ref())
            .and_then(|s| s.holder_identity.as_deref())
            .unwrap_or_default()
    }

    fn lease_valid(&self, now: Instant) -> bool {
        let seconds = self
            .lease
            .as_ref()
            .and_then(|l| l.spec.as_ref())
            .and_then(|s| s.lease_duration_seconds)
            .unwrap_or(0);
        let duration = Duration::from_secs(u64::try_from(seconds).unwrap_or(0));
        self.at.is_some_and(|at| at + duration > now)
    }
}

/// Who leads, as last observed. Cheap to clone; readable while the elector runs.
#[derive(Clone, Default)]
pub struct LeaderStatus {
    identity: String,
    observed: Arc<Mutex<Observed>>,
}

impl std::fmt::Debug for LeaderStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaderStatus")
            .field("identity", &self.identity)
            .field("leader", &self.leader())
            .finish()
    }
}

impl LeaderStatus {
    /// Whether this candidate holds the lease (as last observed).
    pub fn is_leader(&self) -> bool {
        self.observed.lock().holder() == self.identity
    }

    /// The identity of the holder last observed, if any.
    pub fn leader(&self) -> Option<String> {
        let observed = self.observed.lock();
        let holder = observed.holder();
        (!holder.is_empty()).then(|| holder.to_owned())
    }
}

/// A candidate for leadership.
pub struct LeaderElector {
    lock: Arc<dyn LeaseLock>,
    config: LeaderElectionConfig,
    callbacks: Callbacks,
    status: LeaderStatus,
    reported_leader: String,
}

impl std::fmt::Debug for LeaderElector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaderElector")
            .field("lock", &self.lock.describe())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn lease_seconds(d: Duration) -> i32 {
    i32::try_from(d.as_secs()).unwrap_or(i32::MAX)
}

impl LeaderElector {
    /// A candidate; fails when the timings are inconsistent (lease duration > renew
    /// deadline > 1.2 × retry period, as client-go requires).
    pub fn new(
        lock: impl LeaseLock,
        config: LeaderElectionConfig,
        callbacks: Callbacks,
    ) -> Result<Self, LeaderElectionError> {
        config.validate()?;
        Ok(LeaderElector {
            lock: Arc::new(lock),
            status: LeaderStatus {
                identity: config.identity.clone(),
                observed: Arc::default(),
            },
            config,
            callbacks,
            reported_leader: String::new(),
        })
    }

    /// A handle telling who leads.
    pub fn status(&self) -> LeaderStatus {
        self.status.clone()
    }

    /// Campaigns until leading, leads until the lease is lost or `cancel` is cancelled, then
    /// returns (client-go's `Run`). Run it again to campaign again.
    pub async fn run(&mut self, cancel: CancellationToken) {
        if !self.acquire(&cancel).await {
            return;
        }
        let leading = cancel.child_token();
        if let Some(f) = &self.callbacks.on_started_leading {
            f(leading.clone());
        }
        self.renew(&cancel).await;
        if self.config.release_on_cancel && cancel.is_cancelled() {
            self.release().await;
        }
        leading.cancel();
        if let Some(f) = &self.callbacks.on_stopped_leading {
            f();
        }
    }

    fn jittered_retry(&self) -> Duration {
        let retry = self.config.retry_period;
        retry + retry.mul_f64(JITTER_FACTOR * fastrand::f64())
    }

    async fn acquire(&mut self, cancel: &CancellationToken) -> bool {
        loop {
            let acquired = tokio::select! {
                _ = cancel.cancelled() => return false,
                acquired = self.try_acquire_or_renew() => acquired,
            };
            self.report_transition();
            if acquired {
                tracing::info!(lock = %self.lock.describe(), identity = %self.config.identity, "acquired the lease");
                return true;
            }
            let wait = self.jittered_retry();
            tokio::select! {
                _ = cancel.cancelled() => return false,
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// Renews every retry period; returns when a renewal did not succeed within the renew
    /// deadline, or when cancelled.
    async fn renew(&mut self, cancel: &CancellationToken) {
        loop {
            let deadline = Instant::now() + self.config.renew_deadline;
            let renewed = loop {
                let attempt = tokio::select! {
                    _ = cancel.cancelled() => return,
                    r = tokio::time::timeout_at(deadline, self.try_acquire_or_renew()) => r,
                };
                match attempt {
                    Ok(true) => break true,
                    Ok(false) => {}
                    Err(_) => break false,
                }
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tokio::time::sleep_until(deadline.min(Instant::now() + self.config.retry_period)) => {}
                }
                if Instant::now() >= deadline {
                    break false;
                }
            };
            self.report_transition();
            if !renewed {
                tracing::warn!(lock = %self.lock.describe(), "failed to renew the lease; no longer leading");
                return;
            }
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(self.config.retry_period) => {}
            }
        }
    }

    fn observe(&self, lease: Lease) {
        let mut observed = self.status.observed.lock();
        observed.lease = Some(lease);
        observed.at = Some(Instant::now());
    }

    /// One attempt (client-go's `tryAcquireOrRenew`).
    async fn try_acquire_or_renew(&mut self) -> bool {
        let now = MicroTime::now();
        let identity = self.config.identity.clone();
        let duration = lease_seconds(self.config.lease_duration);

        // 1. The leader renews on the lease it wrote last, without reading it first.
        let fast = {
            let observed = self.status.observed.lock();
            (observed.holder() == identity && observed.lease_valid(Instant::now()))
                .then(|| observed.lease.clone())
                .flatten()
        };
        if let Some(mut lease) = fast {
            let spec = lease.spec.get_or_insert_with(LeaseSpec::default);
            spec.renew_time = Some(now);
            spec.lease_duration_seconds = Some(duration);
            match self.lock.update(lease).await {
                Ok(updated) => {
                    self.observe(updated);
                    return true;
                }
                Err(e) => tracing::debug!(error = %e, "renewing the lease failed; reading it"),
            }
        }

        // 2. Read it, or create it.
        let current = match self.lock.get().await {
            Ok(Some(lease)) => lease,
            Ok(None) => {
                let lease = Lease {
                    api_version: Lease::API_VERSION.to_owned(),
                    kind: Lease::KIND.to_owned(),
                    metadata: Default::default(),
                    spec: Some(LeaseSpec {
                        holder_identity: Some(identity),
                        lease_duration_seconds: Some(duration),
                        acquire_time: Some(now),
                        renew_time: Some(now),
                        lease_transitions: Some(0),
                        ..LeaseSpec::default()
                    }),
                };
                return match self.lock.create(lease).await {
                    Ok(created) => {
                        self.observe(created);
                        true
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "creating the lease failed");
                        false
                    }
                };
            }
            Err(e) => {
                tracing::debug!(error = %e, "reading the lease failed");
                return false;
            }
        };

        // 3. Note a change (its local time starts the expiry clock); respect a valid holder.
        {
            let mut observed = self.status.observed.lock();
            if observed.lease.as_ref() != Some(&current) {
                observed.lease = Some(current.clone());
                observed.at = Some(Instant::now());
            }
            let holder = observed.holder();
            if !holder.is_empty() && holder != identity && observed.lease_valid(Instant::now()) {
                return false;
            }
        }

        // 4. Take it (or renew it after a failed fast path).
        let mut lease = current;
        let spec = lease.spec.get_or_insert_with(LeaseSpec::default);
        let was_ours = spec.holder_identity.as_deref() == Some(identity.as_str());
        if !was_ours {
            spec.acquire_time = Some(now);
            spec.lease_transitions = Some(spec.lease_transitions.unwrap_or(0) + 1);
        }
        spec.holder_identity = Some(identity);
        spec.lease_duration_seconds = Some(duration);
        spec.renew_time = Some(now);
        match self.lock.update(lease).await {
            Ok(updated) => {
                self.observe(updated);
                true
            }
            Err(e) => {
                tracing::debug!(error = %e, "taking the lease failed");
                false
            }
        }
    }

    /// Gives the lease up: an empty holder, a 1 s duration (client-go's `release`).
    async fn release(&mut self) {
        let lease = {
            let observed = self.status.observed.lock();
            if observed.holder() != self.config.identity {
                return;
            }
            observed.lease.clone()
        };
        let Some(mut lease) = lease else { return };
        let now = MicroTime::now();
        let spec = lease.spec.get_or_insert_with(LeaseSpec::default);
        spec.holder_identity = Some(String::new());
        spec.lease_duration_seconds = Some(1);
        spec.acquire_time = Some(now);
        spec.renew_time = Some(now);
        match self.lock.update(lease).await {
            Ok(updated) => self.observe(updated),
            Err(e) => tracing::warn!(error = %e, "releasing the lease failed"),
        }
    }

    fn report_transition(&mut self) {
        let holder = self.status.observed.lock().holder().to_owned();
        if holder == self.reported_leader {
            return;
        }
        self.reported_leader = holder.clone();
        if let Some(f) = &self.callbacks.on_new_leader {
            if !holder.is_empty() {
                f(&holder);
            }
        }
    }
}
