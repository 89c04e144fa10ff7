//! [`WorkQueue`]: the queue controllers feed from informer events and drain with workers
//! (client-go's `workqueue`: the basic, delaying and rate-limiting queues in one type).
//!
//! Guarantees:
//! - **De-duplication**: a key queued several times is handed out once.
//! - **Never twice at once**: a key handed out by [`WorkQueue::get`] is not handed out
//!   again until [`WorkQueue::done`]; if it was added meanwhile it is queued again then.
//! - **Fairness**: keys are handed out in the order they were first added.
//! - **Delays**: [`WorkQueue::add_after`] queues a key later (the earliest of several
//!   pending delays wins); [`WorkQueue::add_rate_limited`] asks the [`RateLimiter`] how
//!   long (by default client-go's: per-key exponential 5 ms → 1000 s, overall 10 qps burst
//!   100).
//!
//! ```
//! # use kubegen::workqueue::WorkQueue;
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let queue: WorkQueue<String> = WorkQueue::new();
//! queue.add("ns/a".to_owned());
//! queue.add("ns/a".to_owned());
//! assert_eq!(queue.len(), 1);
//! let key = queue.get().await.unwrap();
//! // ... reconcile; on failure `queue.add_rate_limited(key.clone())`, on success:
//! queue.forget(&key);
//! queue.done(&key);
//! queue.shut_down();
//! assert_eq!(queue.get().await, None);
//! # }
//! ```

mod rate_limiter;

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::Notify;
use tokio::time::Instant;

pub use rate_limiter::{
    BucketRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter, RateLimiter,
    default_controller_rate_limiter,
};

struct State<K> {
    queue: VecDeque<K>,
    /// Keys that need processing: queued, or added while being processed.
    dirty: HashSet<K>,
    processing: HashSet<K>,
    /// Delayed keys by (ready time, sequence).
    waiting: BTreeMap<(Instant, u64), K>,
    waiting_index: HashMap<K, (Instant, u64)>,
    next_seq: u64,
    shutting_down: bool,
}

impl<K: Clone + Eq + Hash> State<K> {
    /// Returns whether the key was queued.
    fn add(&mut self, key: K) -> bool {
        if self.shutting_down || self.dirty.contains(&key) {
            return false;
        }
        self.dirty.insert(key.clone());
        if self.processing.contains(&key) {
            // Queued again by `done`.
            return false;
        }
        self.queue.push_back(key);
        true
    }

    /// Moves the delayed keys whose time has come to the queue.
    fn promote(&mut self, now: Instant) -> bool {
        let mut queued = false;
        while let Some(entry) = self.waiting.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let key = entry.remove();
            self.waiting_index.remove(&key);
            queued |= self.add(key);
        }
        queued
    }

    fn next_ready(&self) -> Option<Instant> {
        self.waiting.keys().next().map(|(at, _)| *at)
    }
}

struct Inner<K> {
    state: Mutex<State<K>>,
    /// Wakes getters (something queued, or shutdown) and drain waiters (something done).
    changed: Notify,
    limiter: Box<dyn RateLimiter<K>>,
}

/// A work queue of keys (typically `namespace/name` strings or a typed reference). Cheap to
/// clone: clones share the queue.
pub struct WorkQueue<K> {
    inner: Arc<Inner<K>>,
}

impl<K> Clone for WorkQueue<K> {
    fn clone(&self) -> Self {
        WorkQueue {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<K: std::fmt::Debug> std::fmt::Debug for WorkQueue<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.inner.state.lock();
        f.debug_struct("WorkQueue")
            .field("queued", &state.queue.len())
            .field("processing", &state.processing.len())
            .field("waiting", &state.waiting.len())
            .field("shutting_down", &state.shutting_down)
            .finish()
    }
}

impl<K: Clone + Eq + Hash + Send + Sync + 'static> Default for WorkQueue<K> {
    fn default() -> Self {
        WorkQueue::new()
    }
}

impl<K: Clone + Eq + Hash + Send + Sync + 'static> WorkQueue<K> {
    /// A queue with client-go's default controller rate limiter.
    pub fn new() -> Self {
        WorkQueue::with_rate_limiter(default_controller_rate_limiter())
    }

    /// A queue with another rate limiter.
    pub fn with_rate_limiter(limiter: impl RateLimiter<K> + 'static) -> Self {
        WorkQueue {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    queue: VecDeque::new(),
                    dirty: HashSet::new(),
                    processing: HashSet::new(),
                    waiting: BTreeMap::new(),
                    waiting_index: HashMap::new(),
                    next_seq: 0,
                    shutting_down: false,
                }),
                changed: Notify::new(),
                limiter: Box::new(limiter),
            }),
        }
    }

    /// Queues a key (ignored when it is queued already, or after shutdown).
    pub fn add(&self, key: K) {
        let queued = self.inner.state.lock().add(key);
        if queued {
            self.inner.changed.notify_waiters();
        }
    }

    /// Queues a key after `delay`. When the key is already waiting, the earlier time wins.
    pub fn add_after(&self, key: K, delay: Duration) {
        if delay.is_zero() {
            return self.add(key);
        }
        let at = Instant::now() + delay;
        let mut state = self.inner.state.lock();
        if state.shutting_down {
            return;
        }
        if let Some(&(current, seq)) = state.waiting_index.get(&key) {
            if current <= at {
                return;
            }
            state.waiting.remove(&(current, seq));
        }
        let seq = state.next_seq;
        state.next_seq += 1;
        state.waiting.insert((at, seq), key.clone());
        state.waiting_index.insert(key, (at, seq));
        drop(state);
        // Getters sleeping until a later deadline must wake up for this one.
        self.inner.changed.notify_waiters();
    }

    /// Queues a key after the rate limiter's delay for it.
    pub fn add_rate_limited(&self, key: K) {
        let delay = self.inner.limiter.when(&key);
        self.add_after(key, delay);
    }

    /// Forgets a key's failures (call it after a success).
    pub fn forget(&self, key: &K) {
        self.inner.limiter.forget(key);
    }

    /// How many times a key has been rate-limited since it was last forgotten.
    pub fn num_requeues(&self, key: &K) -> u32 {
        self.inner.limiter.num_requeues(key)
    }

    /// The next key to process, waiting for one; `None` once the queue is shut down and
    /// empty. Call [`WorkQueue::done`] with it when finished.
    pub async fn get(&self) -> Option<K> {
        loop {
            let changed = self.inner.changed.notified();
            tokio::pin!(changed);
            // Registered before looking, so a change in between is not missed.
            changed.as_mut().enable();
            let deadline = {
                let mut state = self.inner.state.lock();
                state.promote(Instant::now());
                if let Some(key) = state.queue.pop_front() {
                    state.dirty.remove(&key);
                    state.processing.insert(key.clone());
                    return Some(key);
                }
                if state.shutting_down {
                    return None;
                }
                state.next_ready()
            };
            match deadline {
                Some(at) => {
                    tokio::select! {
                        _ = changed => {}
                        _ = tokio::time::sleep_until(at) => {}
                    }
                }
                None => changed.await,
            }
        }
    }

    /// Marks a key as processed; if it was added meanwhile, it is queued again.
    pub fn done(&self, key: &K) {
        let mut state = self.inner.state.lock();
        state.processing.remove(key);
        if state.dirty.contains(key) {
            state.queue.push_back(key.clone());
        }
        drop(state);
        self.inner.changed.notify_waiters();
    }

    /// How many keys are queued (not counting those being processed or delayed).
    pub fn len(&self) -> usize {
        let mut state = self.inner.state.lock();
        state.promote(Instant::now());
        state.queue.len()
    }

    /// Whether no key is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stops accepting keys. Workers still get the keys already queued, then `None`; delayed
    /// keys are dropped.
    pub fn shut_down(&self) {
        let mut state = self.inner.state.lock();
        state.shutting_down = true;
        state.waiting.clear();
        state.waiting_index.clear();
        drop(state);
        self.inner.changed.notify_waiters();
    }

    /// Shuts down, then waits until the workers have processed every queued key and marked
    /// it done.
    pub async fn shut_down_with_drain(&self) {
        self.shut_down();
        loop {
            let changed = self.inner.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            {
                let state = self.inner.state.lock();
                if state.queue.is_empty() && state.processing.is_empty() {
                    return;
                }
            }
            changed.await;
        }
    }

    /// Whether the queue is shut down.
    pub fn is_shutting_down(&self) -> bool {
        self.inner.state.lock().shutting_down
    }
}

#[cfg(test)]
mod tests;
