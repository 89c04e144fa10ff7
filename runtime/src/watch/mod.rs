//! Watches: a [`Stream`] of typed [`WatchEvent`]s decoded incrementally from the chunked
//! response, and [`retry_watcher`], which resumes from the last resourceVersion after a
//! dropped connection.
//!
//! Semantics worth knowing (seen on a real 1.32 server):
//! - A watch ends when `timeoutSeconds` runs out by the server simply closing the stream; no
//!   final event is sent. Periodic bookmarks arrive 1–2 s before that.
//! - A watch from a compacted resourceVersion is answered `200`, followed by one `ERROR`
//!   event carrying a `410 Expired` `Status`: list again and watch from the new version.
//! - A streaming list (`sendInitialEvents=true`) ends its initial `ADDED` events with a
//!   `BOOKMARK` annotated `k8s.io/initial-events-end: "true"`.
//! - Protobuf watches are not supported: the client asks for JSON.

mod decoder;
mod event;
mod retry_watcher;

use std::collections::{BTreeMap, VecDeque};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub use retry_watcher::retry_watcher;

use crate::api::{Target, WatchParams};
use crate::client::{ApiError, Client, Error, Request, Result, body_stream};
use crate::meta::v1::Status;
use decoder::LineDecoder;

/// The annotation of the bookmark that ends the initial events of a streaming list.
pub const INITIAL_EVENTS_END: &str = "k8s.io/initial-events-end";

/// One event of a watch.
#[derive(Clone, Debug, PartialEq)]
// Real kinds are larger than a Status; boxing would cost an allocation on every event.
#[allow(clippy::large_enum_variant)]
pub enum WatchEvent<K> {
    /// An object was added (or, at the start of a watch, already existed).
    Added(K),
    /// An object changed.
    Modified(K),
    /// An object was deleted (its last state; or, with a label selector, it no longer
    /// matches: the previous state with the new resourceVersion).
    Deleted(K),
    /// No change, only a newer resourceVersion to resume from.
    Bookmark(Bookmark),
    /// The server reports an error; the stream ends after it. `code` 410 means the
    /// resourceVersion is too old.
    Error(Status),
}

impl<K> WatchEvent<K> {
    /// The event, or an [`Error::Api`] for an `ERROR` event (so `?` and
    /// [`Error::is_gone`] work on it).
    pub fn into_result(self) -> Result<WatchEvent<K>> {
        match self {
            WatchEvent::Error(status) => Err(error_event(status, "")),
            event => Ok(event),
        }
    }
}

impl<K: crate::resource::Metadata> WatchEvent<K> {
    /// The resourceVersion this event brings the watch to (none for `ERROR`).
    pub fn resource_version(&self) -> Option<&str> {
        match self {
            WatchEvent::Added(k) | WatchEvent::Modified(k) | WatchEvent::Deleted(k) => {
                k.metadata().resource_version.as_deref()
            }
            WatchEvent::Bookmark(b) => Some(&b.resource_version),
            WatchEvent::Error(_) => None,
        }
    }
}

/// The content of a `BOOKMARK` event: only a resourceVersion and annotations (the object is
/// otherwise empty, so it is not decoded as the watched kind).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bookmark {
    /// The resourceVersion to resume from.
    pub resource_version: String,
    /// Annotations, such as [`INITIAL_EVENTS_END`].
    pub annotations: BTreeMap<String, String>,
}

impl Bookmark {
    /// Whether this bookmark ends the initial events of a streaming list.
    pub fn is_initial_events_end(&self) -> bool {
        self.annotations.get(INITIAL_EVENTS_END).map(String::as_str) == Some("true")
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct BookmarkObject {
    #[serde(default)]
    metadata: BookmarkMeta,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct BookmarkMeta {
    #[serde(default)]
    resource_version: Option<String>,
    #[serde(default)]
    annotations: Option<BTreeMap<String, String>>,
}

fn error_event(status: Status, path: &str) -> Error {
    Error::Api(Box::new(ApiError {
        http_status: status
            .code
            .and_then(|c| u16::try_from(c).ok())
            .unwrap_or(500),
        status,
        method: http::Method::GET,
        path: path.to_owned(),
    }))
}

fn line_summary(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    match text.char_indices().nth(120) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.into_owned(),
    }
}

/// Decodes one event line.
pub(crate) fn decode_event<K: DeserializeOwned>(line: &[u8], path: &str) -> Result<WatchEvent<K>> {
    let decode_error = |source| Error::WatchDecode {
        path: path.to_owned(),
        line: line_summary(line),
        source,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(line);
    let event = serde::de::DeserializeSeed::deserialize(
        event::EventSeed::<K>(std::marker::PhantomData),
        &mut deserializer,
    )
    .map_err(decode_error)?;
    deserializer.end().map_err(decode_error)?;
    Ok(event)
}

/// Turns a stream of body chunks into a stream of events.
pub(crate) fn decode_stream<K, S>(
    chunks: S,
    path: String,
) -> impl Stream<Item = Result<WatchEvent<K>>> + Send
where
    K: DeserializeOwned + Send + 'static,
    S: Stream<Item = Result<Bytes>> + Send + 'static,
{
    struct State<K> {
        chunks: futures_util::stream::BoxStream<'static, Result<Bytes>>,
        decoder: LineDecoder,
        pending: VecDeque<Result<WatchEvent<K>>>,
        done: bool,
        path: String,
    }
    let state = State {
        chunks: chunks.boxed(),
        decoder: LineDecoder::default(),
        pending: VecDeque::new(),
        done: false,
        path,
    };
    futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(item) = st.pending.pop_front() {
                return Some((item, st));
            }
            if st.done {
                return None;
            }
            match st.chunks.next().await {
                Some(Ok(chunk)) => match st.decoder.push_with(&chunk, |line| {
                    st.pending.push_back(decode_event(line, &st.path))
                }) {
                    Ok(()) => {}
                    Err(decoder::LineTooLong(len)) => {
                        st.done = true;
                        st.pending.push_back(Err(Error::WatchTruncated {
                            path: st.path.clone(),
                            pending: len,
                        }));
                    }
                },
                Some(Err(e)) => {
                    st.done = true;
                    // A connection cut in the middle of an event: say so; otherwise pass on
                    // the transport error.
                    match st.decoder.finish() {
                        Some(rest) => st.pending.push_back(Err(Error::WatchTruncated {
                            path: st.path.clone(),
                            pending: rest.len(),
                        })),
                        None => st.pending.push_back(Err(e)),
                    }
                }
                None => {
                    st.done = true;
                    if let Some(rest) = st.decoder.finish() {
                        st.pending.push_back(Err(Error::WatchTruncated {
                            path: st.path.clone(),
                            pending: rest.len(),
                        }));
                    }
                }
            }
        }
    })
}

/// Starts a watch on a target.
pub(crate) async fn watch<K>(
    client: &Client,
    target: &Target,
    wp: &WatchParams,
    resource_version: &str,
) -> Result<impl Stream<Item = Result<WatchEvent<K>>> + Send + 'static + use<K>>
where
    K: DeserializeOwned + Send + 'static,
{
    let request = wp.apply(Request::get(target.collection()?), resource_version);
    let path = request.path_and_query();
    let response = client.request_streaming(request).await?;
    Ok(decode_stream(body_stream(response, path.clone()), path))
}
