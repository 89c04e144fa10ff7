//! [`RateLimiter`]: client-side token-bucket rate limiting.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::config::RateLimit;

/// A token bucket: `burst` requests at once, then `qps` per second, like client-go's
/// `flowcontrol.NewTokenBucketRateLimiter` (Go's `rate.Limiter` with `Wait`).
///
/// A caller that finds the bucket empty reserves the next token and sleeps until it is due,
/// so waiting callers are served in order and never more than `qps` per second on average.
/// Uses tokio's clock, so `tokio::time::pause()` makes it deterministic in tests.
#[derive(Debug)]
pub struct RateLimiter {
    qps: f64,
    burst: f64,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Tokens available; negative when callers have reserved tokens not yet refilled.
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    /// A full bucket. `qps` must be positive and `burst` at least 1 (both are clamped).
    pub fn new(limit: RateLimit) -> RateLimiter {
        let burst = f64::from(limit.burst.max(1));
        RateLimiter {
            qps: if limit.qps > 0.0 {
                limit.qps
            } else {
                f64::MIN_POSITIVE
            },
            burst,
            state: Mutex::new(State {
                tokens: burst,
                last: Instant::now(),
            }),
        }
    }

    /// Takes a token now, or reserves one and tells how long to wait for it.
    pub fn reserve(&self) -> Duration {
        // A poisoned lock only means a panic elsewhere; the numbers are still usable.
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(state.last).as_secs_f64();
        state.tokens = (state.tokens + elapsed * self.qps).min(self.burst);
        state.last = now;
        state.tokens -= 1.0;
        if state.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::try_from_secs_f64(-state.tokens / self.qps).unwrap_or(Duration::MAX)
        }
    }

    /// Waits for a token.
    pub async fn acquire(&self) {
        let wait = self.reserve();
        if !wait.is_zero() {
            tracing::debug!(?wait, "client-side rate limiting");
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn burst_then_qps() {
        let limiter = RateLimiter::new(RateLimit::default());
        let start = Instant::now();
        for _ in 0..10 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "the burst is free");
        limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_millis(200));
        for _ in 0..5 {
            limiter.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::from_millis(1200));
        // After a long idle period the bucket is full again, but no fuller than the burst.
        tokio::time::advance(Duration::from_secs(60)).await;
        let idle = Instant::now();
        for _ in 0..10 {
            limiter.acquire().await;
        }
        assert_eq!(idle.elapsed(), Duration::ZERO);
        limiter.acquire().await;
        assert_eq!(idle.elapsed(), Duration::from_millis(200));
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_reserve_in_turn() {
        let limiter = std::sync::Arc::new(RateLimiter::new(RateLimit {
            qps: 10.0,
            burst: 1,
        }));
        let start = Instant::now();
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let l = limiter.clone();
                tokio::spawn(async move {
                    l.acquire().await;
                    Instant::now()
                })
            })
            .collect();
        let mut done = Vec::new();
        for t in tasks {
            done.push(t.await.unwrap() - start);
        }
        done.sort();
        assert_eq!(done, [0, 100, 200, 300].map(Duration::from_millis).to_vec());
    }
}
