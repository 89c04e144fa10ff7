//! Retrying with backoff: [`Backoff`] (client-go's `wait.Backoff`), [`on_error`] and
//! [`retry_on_conflict`] (client-go's `util/retry`).

use std::future::Future;
use std::time::Duration;

use crate::client::Error;

/// Exponential backoff with jitter (client-go's `wait.Backoff`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    /// The first wait.
    pub duration: Duration,
    /// Each wait is the previous one times this (1.0: constant).
    pub factor: f64,
    /// Each wait gets up to `jitter × wait` added at random.
    pub jitter: f64,
    /// How many tries in all.
    pub steps: u32,
    /// The wait never grows beyond this (and the steps end when it is reached).
    pub cap: Option<Duration>,
}

impl Backoff {
    /// client-go's `retry.DefaultRetry`: 5 tries, 10 ms apart, jitter 0.1. For conflicts,
    /// which a fresh read usually resolves.
    pub const DEFAULT_RETRY: Backoff = Backoff {
        duration: Duration::from_millis(10),
        factor: 1.0,
        jitter: 0.1,
        steps: 5,
        cap: None,
    };

    /// client-go's `retry.DefaultBackoff`: 4 tries, 10 ms growing ×5, jitter 0.1. For
    /// errors that may take longer to clear.
    pub const DEFAULT_BACKOFF: Backoff = Backoff {
        duration: Duration::from_millis(10),
        factor: 5.0,
        jitter: 0.1,
        steps: 4,
        cap: None,
    };

    /// The next wait, consuming a step (Go's `Backoff.Step`).
    pub fn step(&mut self) -> Duration {
        if self.steps < 1 {
            return jitter(self.duration, self.jitter);
        }
        self.steps -= 1;
        let duration = self.duration;
        if self.factor != 0.0 {
            self.duration = scale(duration, self.factor);
            if let Some(cap) = self.cap {
                if self.duration > cap {
                    self.duration = cap;
                    self.steps = 0;
                }
            }
        }
        jitter(duration, self.jitter)
    }
}

/// `d` plus up to `factor × d` at random.
fn jitter(d: Duration, factor: f64) -> Duration {
    if factor <= 0.0 {
        return d;
    }
    d.saturating_add(scale(d, factor * random_unit()))
}

/// `d × factor`, saturating (and zero for a negative or NaN factor) instead of panicking.
fn scale(d: Duration, factor: f64) -> Duration {
    Duration::try_from_secs_f64(d.as_secs_f64() * factor.max(0.0)).unwrap_or(Duration::MAX)
}

/// A random number in `[0, 1)`, from the standard library's randomly seeded hasher.
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(0x9e37_79b9_7f4a_7c15);
    // 53 random bits make a uniform double in [0, 1).
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Runs `f` until it succeeds, fails with an error `retriable` rejects, or `backoff`'s steps
/// run out (then the last error is returned). client-go's `retry.OnError`.
pub async fn on_error<T, E, F, Fut>(
    mut backoff: Backoff,
    retriable: impl Fn(&E) -> bool,
    mut f: F,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    loop {
        match f().await {
            Ok(value) => return Ok(value),
            Err(e) if !retriable(&e) || backoff.steps <= 1 => return Err(e),
            Err(_) => {
                let wait = backoff.step();
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// Runs `f` (which should read the object, change it and write it back) again while it
/// fails with a conflict, at most `backoff.steps` times (use [`Backoff::DEFAULT_RETRY`]).
/// client-go's `retry.RetryOnConflict`.
pub async fn retry_on_conflict<T, F, Fut>(backoff: Backoff, f: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    on_error(backoff, Error::is_conflict, f).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_retry_steps() {
        let mut b = Backoff::DEFAULT_RETRY;
        for _ in 0..5 {
            let d = b.step();
            assert!(
                d >= Duration::from_millis(10) && d <= Duration::from_millis(11),
                "{d:?}"
            );
        }
        assert_eq!(b.steps, 0);
    }

    #[test]
    fn exponential_with_cap() {
        let mut b = Backoff {
            duration: Duration::from_millis(100),
            factor: 2.0,
            jitter: 0.0,
            steps: 10,
            cap: Some(Duration::from_millis(300)),
        };
        assert_eq!(b.step(), Duration::from_millis(100));
        assert_eq!(b.step(), Duration::from_millis(200));
        assert_eq!(b.step(), Duration::from_millis(300));
        assert_eq!(b.steps, 0);
        assert_eq!(b.step(), Duration::from_millis(300));
    }

    #[test]
    fn absurd_factors_do_not_panic() {
        let mut b = Backoff {
            duration: Duration::from_secs(1),
            factor: f64::MAX,
            jitter: f64::MAX,
            steps: 3,
            cap: None,
        };
        b.step();
        assert_eq!(b.step(), Duration::MAX);
        b.factor = f64::NAN;
        b.step();
        assert_eq!(b.duration, Duration::ZERO);
    }

    #[test]
    fn random_is_in_range() {
        for _ in 0..100 {
            let r = random_unit();
            assert!((0.0..1.0).contains(&r));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn on_error_counts_tries() {
        let mut calls = 0;
        let result: Result<(), &str> = on_error(
            Backoff::DEFAULT_RETRY,
            |_| true,
            || {
                calls += 1;
                async { Err("conflict") }
            },
        )
        .await;
        assert_eq!(result, Err("conflict"));
        assert_eq!(calls, 5);
        let mut calls = 0;
        let result: Result<(), &str> = on_error(
            Backoff::DEFAULT_RETRY,
            |_| false,
            || {
                calls += 1;
                async { Err("fatal") }
            },
        )
        .await;
        assert_eq!(result, Err("fatal"));
        assert_eq!(calls, 1);
    }
}
