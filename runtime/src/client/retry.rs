//! Which responses are retried, and how long to wait.

use std::time::Duration;

use http::{HeaderMap, Method, StatusCode, header};

use crate::config::RetryPolicy;

/// Methods that may be sent twice without changing the outcome.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    )
}

/// The `Retry-After` header in seconds (the HTTP-date form is not used by the API server).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Whether a response is worth another try: `429` always (the server did not process it);
/// `502`, `503` and `504` for idempotent methods; `500` for idempotent methods only when the
/// server asked for it with `Retry-After` (a plain 500 usually fails the same way again).
pub(crate) fn should_retry(method: &Method, status: StatusCode, headers: &HeaderMap) -> bool {
    match status.as_u16() {
        429 => true,
        502..=504 => is_idempotent(method),
        500 => is_idempotent(method) && headers.contains_key(header::RETRY_AFTER),
        _ => false,
    }
}

/// The wait before retry number `attempt` (0-based): `Retry-After` when given, else
/// exponential backoff; capped at the policy's maximum.
pub(crate) fn delay(policy: &RetryPolicy, attempt: u32, retry_after: Option<Duration>) -> Duration {
    let wait = retry_after.unwrap_or_else(|| {
        policy
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt.min(16)))
    });
    wait.min(policy.max_backoff)
}
