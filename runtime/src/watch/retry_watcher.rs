//! [`retry_watcher`]: client-go's `RetryWatcher`.

use std::future::Future;
use std::time::Duration;

use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};

use super::{WatchEvent, error_event};
use crate::client::{Error, Result};
use crate::resource::Metadata;

/// The longest wait between two attempts to watch again.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// A watch that survives dropped connections: `watch(resource_version)` starts a watch, and
/// whenever the stream ends (server timeout, connection cut, a non-410 `ERROR` event) it is
/// called again with the resourceVersion of the last event or bookmark received, so no change
/// is missed or repeated.
///
/// The stream ends with an error when the version is too old (410: [`Error::is_gone`]; the
/// caller must list again), when the server refuses the watch itself (a 4xx other than 429),
/// or when `initial_resource_version` is `""` or `"0"` (which cannot be resumed exactly).
/// Undecodable events are passed on as errors and the watch goes on. Failed attempts are
/// retried with an exponential backoff up to 10 s; a stream that delivered events is resumed
/// at once.
pub fn retry_watcher<K, F, Fut>(
    initial_resource_version: String,
    watch: F,
) -> impl Stream<Item = Result<WatchEvent<K>>> + Send + 'static
where
    K: Metadata + Send + 'static,
    F: FnMut(String) -> Fut + Send + 'static,
    Fut: Future<Output = Result<BoxStream<'static, Result<WatchEvent<K>>>>> + Send + 'static,
{
    let state = State {
        watch,
        resource_version: initial_resource_version,
        current: None,
        failures: 0,
        delivered: false,
        done: false,
    };
    futures_util::stream::unfold(state, |mut st| async move {
        let item = st.next().await?;
        Some((item, st))
    })
}

struct State<K, F> {
    watch: F,
    resource_version: String,
    current: Option<BoxStream<'static, Result<WatchEvent<K>>>>,
    /// Failed attempts in a row, for the backoff.
    failures: u32,
    /// Whether the current stream delivered anything.
    delivered: bool,
    done: bool,
}

/// Errors that another attempt will not fix.
fn is_fatal(error: &Error) -> bool {
    match error {
        Error::Api(e) => {
            let code = e.code();
            (400..500).contains(&code) && code != 429 && code != 408
        }
        Error::InvalidRequest(_) | Error::Config(_) | Error::Auth(_) => true,
        _ => error.is_gone(),
    }
}

impl<K, F, Fut> State<K, F>
where
    K: Metadata + Send + 'static,
    F: FnMut(String) -> Fut + Send + 'static,
    Fut: Future<Output = Result<BoxStream<'static, Result<WatchEvent<K>>>>> + Send + 'static,
{
    async fn next(&mut self) -> Option<Result<WatchEvent<K>>> {
        loop {
            if self.done {
                return None;
            }
            let Some(current) = self.current.as_mut() else {
                if self.resource_version.is_empty() || self.resource_version == "0" {
                    self.done = true;
                    return Some(Err(Error::InvalidRequest(format!(
                        "a retrying watch needs a resourceVersion to resume from, not {:?}",
                        self.resource_version
                    ))));
                }
                if self.failures > 0 {
                    let wait = Duration::from_millis(100)
                        .saturating_mul(2u32.saturating_pow(self.failures.min(16) - 1))
                        .min(MAX_BACKOFF);
                    tokio::time::sleep(wait).await;
                }
                match (self.watch)(self.resource_version.clone()).await {
                    Ok(stream) => {
                        self.current = Some(stream);
                        self.delivered = false;
                    }
                    Err(e) if is_fatal(&e) => {
                        self.done = true;
                        return Some(Err(e));
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "watch failed; retrying");
                        self.failures += 1;
                    }
                }
                continue;
            };
            match current.next().await {
                Some(Ok(WatchEvent::Error(status))) => {
                    let error = error_event(status, "");
                    if error.is_gone() {
                        self.done = true;
                        return Some(Err(error));
                    }
                    tracing::debug!(error = %error, "watch ERROR event; watching again");
                    self.current = None;
                    self.failures += 1;
                }
                Some(Ok(event)) => {
                    if let Some(rv) = event.resource_version().filter(|rv| !rv.is_empty()) {
                        self.resource_version = rv.to_owned();
                    }
                    self.failures = 0;
                    self.delivered = true;
                    return Some(Ok(event));
                }
                Some(Err(e @ Error::WatchDecode { .. })) => return Some(Err(e)),
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "watch stream broke; resuming");
                    self.current = None;
                    if !self.delivered {
                        self.failures += 1;
                    }
                }
                None => {
                    self.current = None;
                    if !self.delivered {
                        self.failures += 1;
                    }
                }
            }
        }
    }
}
