use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::future::BoxFuture;

use super::*;
use crate::cache::tests::fake::api_error;
use crate::client::Result;

/// A lease kept in memory with the server's optimistic concurrency.
#[derive(Clone, Default)]
struct MemoryLock {
    lease: Arc<Mutex<Option<Lease>>>,
    rv: Arc<Mutex<u64>>,
    down: Arc<AtomicBool>,
    writes: Arc<Mutex<Vec<Lease>>>,
}

impl MemoryLock {
    fn spec(&self) -> LeaseSpec {
        self.lease.lock().clone().unwrap().spec.unwrap()
    }

    fn stamp(&self, mut lease: Lease) -> Lease {
        let mut rv = self.rv.lock();
        *rv += 1;
        lease.metadata.resource_version = Some(rv.to_string());
        lease.metadata.name = Some("leader".into());
        self.writes.lock().push(lease.clone());
        *self.lease.lock() = Some(lease.clone());
        lease
    }

    fn check(&self) -> Result<()> {
        if self.down.load(Ordering::SeqCst) {
            return Err(api_error(503, "ServiceUnavailable", "down"));
        }
        Ok(())
    }
}

impl LeaseLock for MemoryLock {
    fn get(&self) -> BoxFuture<'_, Result<Option<Lease>>> {
        Box::pin(async move {
            self.check()?;
            Ok(self.lease.lock().clone())
        })
    }

    fn create(&self, lease: Lease) -> BoxFuture<'_, Result<Lease>> {
        Box::pin(async move {
            self.check()?;
            if self.lease.lock().is_some() {
                return Err(api_error(409, "AlreadyExists", "exists"));
            }
            Ok(self.stamp(lease))
        })
    }

    fn update(&self, lease: Lease) -> BoxFuture<'_, Result<Lease>> {
        Box::pin(async move {
            self.check()?;
            let current = self.lease.lock().clone();
            match current {
                None => Err(api_error(404, "NotFound", "missing")),
                Some(c) if c.metadata.resource_version != lease.metadata.resource_version => {
                    Err(api_error(409, "Conflict", "the object has been modified"))
                }
                Some(_) => Ok(self.stamp(lease)),
            }
        })
    }

    fn describe(&self) -> String {
        "memory/leader".into()
    }
}

/// A log of callback calls.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn callbacks(&self, who: &str) -> Callbacks {
        let (a, b, c) = (self.clone(), self.clone(), self.clone());
        let (w1, w2, w3) = (who.to_owned(), who.to_owned(), who.to_owned());
        Callbacks::new()
            .on_started_leading(move |_| a.0.lock().push(format!("{w1}: started")))
            .on_stopped_leading(move || b.0.lock().push(format!("{w2}: stopped")))
            .on_new_leader(move |l| c.0.lock().push(format!("{w3}: leader {l}")))
    }

    fn entries(&self) -> Vec<String> {
        self.0.lock().clone()
    }
}

fn config(identity: &str) -> LeaderElectionConfig {
    LeaderElectionConfig::new(identity)
}

fn spawn(
    lock: &MemoryLock,
    config: LeaderElectionConfig,
    callbacks: Callbacks,
) -> (LeaderStatus, CancellationToken, tokio::task::JoinHandle<()>) {
    let mut elector = LeaderElector::new(lock.clone(), config, callbacks).unwrap();
    let status = elector.status();
    let cancel = CancellationToken::new();
    let task = tokio::spawn({
        let cancel = cancel.clone();
        async move { elector.run(cancel).await }
    });
    (status, cancel, task)
}

#[tokio::test(start_paused = true)]
async fn acquires_renews_and_releases_on_cancel() {
    let lock = MemoryLock::default();
    let log = Log::default();
    let cfg = LeaderElectionConfig {
        release_on_cancel: true,
        ..config("a")
    };
    let (status, cancel, task) = spawn(&lock, cfg, log.callbacks("a"));
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert!(status.is_leader());
    assert_eq!(status.leader().as_deref(), Some("a"));
    let created = lock.writes.lock()[0].spec.clone().unwrap();
    assert_eq!(created.lease_transitions, Some(0));
    assert_eq!(created.lease_duration_seconds, Some(15));
    assert_eq!(created.acquire_time, created.renew_time);

    // Renewals every retry period keep acquireTime and transitions.
    tokio::time::sleep(Duration::from_secs(7)).await;
    let renewed = lock.spec();
    assert!(lock.writes.lock().len() >= 3, "renewed every 2 s");
    assert_eq!(renewed.acquire_time, created.acquire_time);
    assert_eq!(renewed.lease_transitions, Some(0));

    cancel.cancel();
    task.await.unwrap();
    let released = lock.spec();
    assert_eq!(released.holder_identity.as_deref(), Some(""));
    assert_eq!(released.lease_duration_seconds, Some(1));
    assert_eq!(
        log.entries(),
        vec!["a: leader a", "a: started", "a: stopped"]
    );
    // The lease as the server would get it: MicroTime with exactly six digits.
    let json = serde_json::to_value(lock.lease.lock().clone().unwrap()).unwrap();
    let renew = json["spec"]["renewTime"].as_str().unwrap();
    let fraction = renew.rsplit('.').next().unwrap();
    assert_eq!(fraction.len(), 7, "{renew}");
    assert!(fraction.ends_with('Z'));
}

#[tokio::test(start_paused = true)]
async fn a_follower_takes_over_an_expired_lease() {
    let lock = MemoryLock::default();
    let log = Log::default();
    let (a_status, a_cancel, a_task) = spawn(&lock, config("a"), log.callbacks("a"));
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert!(a_status.is_leader());
    let (b_status, b_cancel, b_task) = spawn(&lock, config("b"), log.callbacks("b"));
    // While a renews, b waits.
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert!(!b_status.is_leader());
    assert_eq!(b_status.leader().as_deref(), Some("a"));

    // a stops without releasing: b takes over once 15 s pass without a change.
    let stopped_at = Instant::now();
    a_cancel.cancel();
    a_task.await.unwrap();
    while !b_status.is_leader() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let waited = stopped_at.elapsed();
    // b counts the 15 s from when it last saw the lease change, and polls every
    // 2 s × [1, 2.2) (jittered, as client-go): the change may have been seen up to one
    // poll before a's stop, and b's first poll after expiry comes up to one poll (plus
    // the conflict of racing a's last renewal) later. Randomized: the bounds are wide.
    assert!(
        waited >= Duration::from_secs(10) && waited <= Duration::from_secs(24),
        "took over after {waited:?}"
    );
    let spec = lock.spec();
    assert_eq!(spec.holder_identity.as_deref(), Some("b"));
    assert_eq!(spec.lease_transitions, Some(1));
    assert_ne!(spec.acquire_time, None);
    b_cancel.cancel();
    b_task.await.unwrap();
    let entries = log.entries();
    assert!(entries.contains(&"b: leader a".to_owned()), "{entries:?}");
    assert!(entries.contains(&"b: leader b".to_owned()), "{entries:?}");
    assert!(entries.contains(&"b: started".to_owned()));
}

#[tokio::test(start_paused = true)]
async fn a_leader_that_cannot_renew_steps_down_after_the_deadline() {
    let lock = MemoryLock::default();
    let log = Log::default();
    let lost = Arc::new(AtomicBool::new(false));
    let callbacks = log.callbacks("a").on_started_leading({
        let lost = Arc::clone(&lost);
        move |token| {
            let lost = Arc::clone(&lost);
            tokio::spawn(async move {
                token.cancelled().await;
                lost.store(true, Ordering::SeqCst);
            });
        }
    });
    let (_status, _cancel, task) = spawn(&lock, config("a"), callbacks);
    tokio::time::sleep(Duration::from_millis(10)).await;
    lock.down.store(true, Ordering::SeqCst);
    let down_at = Instant::now();
    tokio::time::timeout(Duration::from_secs(60), task)
        .await
        .unwrap()
        .unwrap();
    let after = down_at.elapsed();
    assert!(
        after >= Duration::from_secs(10) && after <= Duration::from_secs(13),
        "stepped down after {after:?}"
    );
    tokio::task::yield_now().await;
    assert!(
        lost.load(Ordering::SeqCst),
        "the leading token is cancelled"
    );
    assert_eq!(log.entries().last().unwrap(), "a: stopped");
}

#[tokio::test(start_paused = true)]
async fn a_stale_write_conflicts_and_nobody_leads_twice() {
    let lock = MemoryLock::default();
    let (a, a_cancel, a_task) = spawn(&lock, config("a"), Callbacks::new());
    let (b, b_cancel, b_task) = spawn(&lock, config("b"), Callbacks::new());
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(!(a.is_leader() && b.is_leader()), "two leaders");
    }
    assert!(a.is_leader() ^ b.is_leader());
    a_cancel.cancel();
    b_cancel.cancel();
    a_task.await.unwrap();
    b_task.await.unwrap();
}

#[test]
fn inconsistent_timings_are_refused() {
    let bad = [
        LeaderElectionConfig {
            renew_deadline: Duration::from_secs(15),
            ..config("a")
        },
        LeaderElectionConfig {
            retry_period: Duration::from_secs(9),
            ..config("a")
        },
        config(""),
    ];
    for c in bad {
        assert!(matches!(
            LeaderElector::new(MemoryLock::default(), c, Callbacks::new()),
            Err(LeaderElectionError::InvalidConfig(_))
        ));
    }
}
