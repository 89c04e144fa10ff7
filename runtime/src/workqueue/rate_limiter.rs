//! Rate limiters for [`super::WorkQueue::add_rate_limited`] (client-go's
//! `workqueue.TypedRateLimiter` and its default).

use std::collections::HashMap;
use std::hash::Hash;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::time::Instant;

/// Decides how long an item waits before it is retried.
pub trait RateLimiter<K>: Send + Sync {
    /// How long `key` must wait now (and records the attempt).
    fn when(&self, key: &K) -> Duration;
    /// Forgets `key`'s failures (after a success).
    fn forget(&self, key: &K);
    /// How many times `key` has been retried since it was last forgotten.
    fn num_requeues(&self, key: &K) -> u32;
}

/// Per item: `base × 2^failures`, capped at `max` (client-go's
/// `ItemExponentialFailureRateLimiter`).
pub struct ItemExponentialFailureRateLimiter<K> {
    base: Duration,
    max: Duration,
    failures: Mutex<HashMap<K, u32>>,
}

impl<K> std::fmt::Debug for ItemExponentialFailureRateLimiter<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemExponentialFailureRateLimiter")
            .field("base", &self.base)
            .field("max", &self.max)
            .finish_non_exhaustive()
    }
}

impl<K: Eq + Hash> ItemExponentialFailureRateLimiter<K> {
    /// A limiter from `base` to `max`.
    pub fn new(base: Duration, max: Duration) -> Self {
        ItemExponentialFailureRateLimiter {
            base,
            max,
            failures: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Clone + Eq + Hash + Send + Sync> RateLimiter<K> for ItemExponentialFailureRateLimiter<K> {
    fn when(&self, key: &K) -> Duration {
        let mut failures = self.failures.lock();
        let count = failures.entry(key.clone()).or_insert(0);
        let exponent = *count;
        *count = count.saturating_add(1);
        // 2^exponent overflows long before it matters: cap first.
        if exponent >= 63 {
            return self.max;
        }
        let factor = 1u64 << exponent;
        let nanos = u64::try_from(self.base.as_nanos())
            .unwrap_or(u64::MAX)
            .saturating_mul(factor);
        Duration::from_nanos(nanos).min(self.max)
    }

    fn forget(&self, key: &K) {
        self.failures.lock().remove(key);
    }

    fn num_requeues(&self, key: &K) -> u32 {
        self.failures.lock().get(key).copied().unwrap_or(0)
    }
}

/// An overall token bucket: `qps` tokens per second, up to `burst` saved (client-go's
/// `BucketRateLimiter` over `rate.Limiter`). Each call takes a token, waiting for it when
/// none is left; it does not track items.
#[derive(Debug)]
pub struct BucketRateLimiter {
    qps: f64,
    burst: f64,
    state: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl BucketRateLimiter {
    /// A full bucket.
    pub fn new(qps: f64, burst: u32) -> Self {
        BucketRateLimiter {
            qps,
            burst: f64::from(burst),
            state: Mutex::new(Bucket {
                tokens: f64::from(burst),
                last: Instant::now(),
            }),
        }
    }
}

impl<K> RateLimiter<K> for BucketRateLimiter {
    fn when(&self, _key: &K) -> Duration {
        let mut bucket = self.state.lock();
        let now = Instant::now();
        let elapsed = now.duration_since(bucket.last).as_secs_f64();
        bucket.last = now;
        bucket.tokens = (bucket.tokens + elapsed * self.qps).min(self.burst);
        // Reserve a token even if it is only available later (tokens go negative), as
        // `rate.Limiter.Reserve` does: later callers wait behind earlier ones.
        bucket.tokens -= 1.0;
        if bucket.tokens >= 0.0 || self.qps <= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-bucket.tokens / self.qps)
        }
    }

    fn forget(&self, _key: &K) {}

    fn num_requeues(&self, _key: &K) -> u32 {
        0
    }
}

/// The longest delay of several limiters (client-go's `MaxOfRateLimiter`).
pub struct MaxOfRateLimiter<K> {
    limiters: Vec<Box<dyn RateLimiter<K>>>,
}

impl<K> std::fmt::Debug for MaxOfRateLimiter<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MaxOfRateLimiter")
            .field("limiters", &self.limiters.len())
            .finish()
    }
}

impl<K> MaxOfRateLimiter<K> {
    /// Combines limiters.
    pub fn new(limiters: Vec<Box<dyn RateLimiter<K>>>) -> Self {
        MaxOfRateLimiter { limiters }
    }
}

impl<K> RateLimiter<K> for MaxOfRateLimiter<K> {
    fn when(&self, key: &K) -> Duration {
        self.limiters
            .iter()
            .map(|l| l.when(key))
            .max()
            .unwrap_or(Duration::ZERO)
    }

    fn forget(&self, key: &K) {
        for l in &self.limiters {
            l.forget(key);
        }
    }

    fn num_requeues(&self, key: &K) -> u32 {
        self.limiters
            .iter()
            .map(|l| l.num_requeues(key))
            .max()
            .unwrap_or(0)
    }
}

/// client-go's `DefaultTypedControllerRateLimiter`: the longer of a per-item exponential
/// backoff from 5 ms to 1000 s and an overall bucket of 10 qps with a burst of 100.
pub fn default_controller_rate_limiter<K>() -> MaxOfRateLimiter<K>
where
    K: Clone + Eq + Hash + Send + Sync + 'static,
{
    MaxOfRateLimiter::new(vec![
        Box::new(ItemExponentialFailureRateLimiter::new(
            Duration::from_millis(5),
            Duration::from_secs(1000),
        )),
        Box::new(BucketRateLimiter::new(10.0, 100)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_per_item() {
        let l = ItemExponentialFailureRateLimiter::new(
            Duration::from_millis(5),
            Duration::from_secs(1000),
        );
        let delays: Vec<u128> = (0..6).map(|_| l.when(&"a").as_millis()).collect();
        assert_eq!(delays, vec![5, 10, 20, 40, 80, 160]);
        assert_eq!(l.num_requeues(&"a"), 6);
        assert_eq!(
            l.when(&"b"),
            Duration::from_millis(5),
            "items are independent"
        );
        for _ in 0..100 {
            l.when(&"a");
        }
        assert_eq!(l.when(&"a"), Duration::from_secs(1000), "capped");
        l.forget(&"a");
        assert_eq!(l.num_requeues(&"a"), 0);
        assert_eq!(l.when(&"a"), Duration::from_millis(5));
    }

    #[tokio::test(start_paused = true)]
    async fn bucket_allows_a_burst_then_paces() {
        let l = BucketRateLimiter::new(10.0, 100);
        for _ in 0..100 {
            assert_eq!(RateLimiter::<&str>::when(&l, &"x"), Duration::ZERO);
        }
        // Tokens are reserved in order: the 101st waits 100 ms, the 102nd 200 ms.
        let next = |l: &BucketRateLimiter| RateLimiter::<&str>::when(l, &"x").as_millis();
        assert_eq!(next(&l), 100);
        assert_eq!(next(&l), 200);
        tokio::time::advance(Duration::from_secs(1)).await;
        // One second refilled 10 tokens, two of which were already promised.
        for _ in 0..8 {
            assert_eq!(next(&l), 0);
        }
        assert_eq!(next(&l), 100);
    }

    #[tokio::test(start_paused = true)]
    async fn default_is_the_max_of_both() {
        let l = default_controller_rate_limiter::<String>();
        let key = "k".to_owned();
        assert_eq!(l.when(&key), Duration::from_millis(5));
        assert_eq!(l.when(&key), Duration::from_millis(10));
        assert_eq!(l.num_requeues(&key), 2);
        // Exhaust the bucket with other keys: then the bucket's delay dominates.
        for i in 0..98 {
            l.when(&format!("other-{i}"));
        }
        let fresh = "fresh".to_owned();
        assert_eq!(l.when(&fresh), Duration::from_millis(100));
        l.forget(&key);
        assert_eq!(l.num_requeues(&key), 0);
    }
}
