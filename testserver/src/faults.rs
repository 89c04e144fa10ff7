//! Fault injection: failing the next requests, adding latency. (Dropping every
//! watch and compacting the history are storage operations.)
//!
//! Over HTTP (administrators only), `POST` to:
//! - `/testserver/faults/drop-watches`: end every open watch now;
//! - `/testserver/faults/compact`: forget the event history now (watches and
//!   lists from an older resourceVersion then get `410 Gone`);
//! - `/testserver/faults/fail?count=N&status=CODE[&retryAfter=S]`: answer the
//!   next N requests with CODE (`429` and `503` carry `Retry-After`);
//! - `/testserver/faults/latency?ms=M`: delay every request by M ms (0 clears);
//! - `/testserver/faults/refuse-watches?on=true|false`: answer new watches `503`.

use std::sync::Mutex;
use std::time::Duration;

use crate::error::ApiError;

/// The fault settings of one server.
#[derive(Debug, Default)]
pub struct Faults {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    failures: u32,
    status: u16,
    retry_after: Option<u32>,
    latency: Duration,
    refuse_watches: bool,
}

impl Faults {
    /// Fails the next `count` requests with `status` (`Retry-After` for 429/503).
    pub fn fail_next(&self, count: u32, status: u16, retry_after: Option<u32>) {
        let mut state = self.lock();
        state.failures = count;
        state.status = status;
        state.retry_after = retry_after;
    }

    /// Delays every request.
    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency = latency;
    }

    /// While set, new watches are answered `503`.
    pub fn refuse_watches(&self, refuse: bool) {
        self.lock().refuse_watches = refuse;
    }

    /// The error for a new watch, while watches are refused.
    pub fn watch_refusal(&self) -> Option<ApiError> {
        self.lock().refuse_watches.then(|| failure(503, Some(1)))
    }

    /// The current latency.
    pub fn latency(&self) -> Duration {
        self.lock().latency
    }

    /// The injected failure for this request, if one is due.
    pub fn take_failure(&self) -> Option<ApiError> {
        let mut state = self.lock();
        if state.failures == 0 {
            return None;
        }
        state.failures -= 1;
        Some(failure(state.status, state.retry_after))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The error the real server answers with for a status code.
fn failure(status: u16, retry_after: Option<u32>) -> ApiError {
    match status {
        429 => ApiError::too_many_requests(
            "Too many requests, please try again later.",
            retry_after.unwrap_or(1),
        ),
        503 => {
            let mut error = ApiError::service_unavailable(
                "the server is currently unable to handle the request",
            );
            error.retry_after = Some(retry_after.unwrap_or(1));
            error
        }
        504 => ApiError::new(
            504,
            "Timeout",
            "the server was unable to return a response in the time allotted, but may still be processing the request",
        ),
        code => {
            let mut error = ApiError::new(
                code,
                "InternalError",
                "an error on the server (\"injected fault\") has prevented the request from succeeding",
            );
            error.retry_after = retry_after;
            error
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_counted_down() {
        let faults = Faults::default();
        faults.fail_next(2, 429, Some(3));
        let first = faults.take_failure().unwrap();
        assert_eq!((first.code, first.retry_after), (429, Some(3)));
        assert!(faults.take_failure().is_some());
        assert!(faults.take_failure().is_none());
    }
}
