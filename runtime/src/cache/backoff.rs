//! [`Backoff`]: exponential backoff with jitter that resets after a healthy period
//! (client-go's `ExponentialBackoffManager`, as its reflector configures it).

use std::time::Duration;

use tokio::time::Instant;

/// The parameters of a [`Backoff`]. The default is client-go's reflector: 800 ms doubling
/// up to 30 s, jitter 1.0 (each delay is drawn from `[d, 2d)`), reset after 2 minutes
/// without a failure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BackoffConfig {
    /// The first delay.
    pub initial: Duration,
    /// The longest delay (before jitter).
    pub max: Duration,
    /// What each delay is multiplied by for the next one.
    pub factor: f64,
    /// Up to this fraction of a delay is added at random, so that many clients that failed
    /// together do not retry together.
    pub jitter: f64,
    /// Back to `initial` when no delay was asked for during this long.
    pub reset_after: Duration,
}

impl Default for BackoffConfig {
    fn default() -> Self {
        BackoffConfig {
            initial: Duration::from_millis(800),
            max: Duration::from_secs(30),
            factor: 2.0,
            jitter: 1.0,
            reset_after: Duration::from_secs(120),
        }
    }
}

/// Exponential backoff state: each [`Backoff::next_delay`] returns a longer delay, until a
/// healthy period (no call for `reset_after`) brings it back to the start.
#[derive(Debug)]
pub struct Backoff {
    config: BackoffConfig,
    current: Duration,
    last: Option<Instant>,
}

impl Backoff {
    /// A backoff at its first step.
    pub fn new(config: BackoffConfig) -> Self {
        Backoff {
            config,
            current: config.initial,
            last: None,
        }
    }

    /// The delay to wait now, with jitter; the next one will be longer.
    pub fn next_delay(&mut self) -> Duration {
        let now = Instant::now();
        if self
            .last
            .is_some_and(|last| now.duration_since(last) > self.config.reset_after)
        {
            self.current = self.config.initial;
        }
        self.last = Some(now);
        let base = self.current;
        let jitter = if self.config.jitter > 0.0 {
            base.mul_f64(self.config.jitter * fastrand::f64())
        } else {
            Duration::ZERO
        };
        let grown = base.mul_f64(self.config.factor.max(1.0));
        self.current = grown.min(self.config.max);
        base + jitter
    }

    /// Back to the first step.
    pub fn reset(&mut self) {
        self.current = self.config.initial;
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn grows_caps_and_resets_after_a_healthy_period() {
        let mut b = Backoff::new(BackoffConfig::default());
        let in_range = |d: Duration, base_ms: u64| {
            d >= Duration::from_millis(base_ms) && d < Duration::from_millis(2 * base_ms)
        };
        for base in [800, 1600, 3200, 6400, 12800, 25600, 30000, 30000] {
            let d = b.next_delay();
            assert!(in_range(d, base), "{d:?} not in [{base}ms, {}ms)", 2 * base);
        }
        // A failure soon after keeps growing...
        tokio::time::advance(Duration::from_secs(60)).await;
        assert!(in_range(b.next_delay(), 30000));
        // ...but after two healthy minutes it starts over.
        tokio::time::advance(Duration::from_secs(121)).await;
        assert!(in_range(b.next_delay(), 800));
        assert!(in_range(b.next_delay(), 1600));
        b.reset();
        assert!(in_range(b.next_delay(), 800));
    }

    #[test]
    fn no_jitter_is_exact() {
        let mut b = Backoff::new(BackoffConfig {
            initial: Duration::from_millis(10),
            max: Duration::from_millis(25),
            jitter: 0.0,
            ..BackoffConfig::default()
        });
        let delays: Vec<_> = (0..4).map(|_| b.next_delay().as_millis()).collect();
        assert_eq!(delays, vec![10, 20, 25, 25]);
    }
}
