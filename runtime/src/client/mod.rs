//! The REST client: [`Client`] sends [`Request`]s to the API server over HTTPS (hyper and
//! rustls), with authentication, client-side rate limiting, retries on `429`/`5xx` that
//! honour `Retry-After`, gzip, and server warnings; it decodes JSON bodies and turns error
//! `Status` bodies into [`Error::Api`].
//!
//! Most code uses it through [`crate::Api`], [`crate::DynamicApi`] and
//! [`crate::discovery::Discovery`]; [`Client::request`] is there for everything else.
//!
//! The client always asks for JSON (`Accept: application/json`). A server or proxy that
//! answers with protobuf (`application/vnd.kubernetes.protobuf`), YAML or CBOR gets an
//! [`Error::UnsupportedMediaType`]: this client does not decode them.

mod body;
mod error;
mod rate_limit;
mod request;
mod retry;
mod tls;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use http::header::{self, HeaderName};
use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use serde::de::DeserializeOwned;

pub use error::{ApiError, Error, Result};
pub use rate_limit::RateLimiter;
pub use request::{Request, ResourcePath};

pub(crate) use body::{Decompressor, status_from_body};

use crate::config::{Authenticator, Config, ConfigError, RetryPolicy};
use crate::meta::v1::Status;

/// A response whose body has been read (and decompressed).
#[derive(Clone, Debug)]
pub struct Response {
    /// HTTP status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

/// A response whose body is still arriving (watches).
pub(crate) struct StreamingResponse {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Incoming,
}

/// A client for one API server. Cheap to clone: clones share connections, the rate limiter,
/// credentials and the set of warnings already shown.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: HyperClient<tls::Connector, Full<Bytes>>,
    /// Scheme and authority, plus the URL's path prefix without a trailing `/`.
    scheme: String,
    authority: String,
    prefix: String,
    default_namespace: String,
    auth: Authenticator,
    fixed_headers: HeaderMap,
    timeout: Option<Duration>,
    limiter: Option<RateLimiter>,
    retry: RetryPolicy,
    warnings: Mutex<(HashSet<String>, Vec<String>)>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field(
                "server",
                &format!(
                    "{}://{}{}",
                    self.inner.scheme, self.inner.authority, self.inner.prefix
                ),
            )
            .field("default_namespace", &self.inner.default_namespace)
            .finish_non_exhaustive()
    }
}

impl TryFrom<Config> for Client {
    type Error = Error;

    fn try_from(config: Config) -> Result<Client> {
        Client::new(config)
    }
}

impl Client {
    /// A client for a configuration.
    pub fn new(config: Config) -> Result<Client> {
        let invalid_url = |message: String| ConfigError::Invalid {
            file: None,
            field: "cluster_url".into(),
            message,
        };
        let url = &config.cluster_url;
        let scheme = url
            .scheme_str()
            .filter(|s| *s == "https" || *s == "http")
            .ok_or_else(|| invalid_url(format!("{url}: the scheme must be https or http")))?
            .to_owned();
        let authority = url
            .authority()
            .ok_or_else(|| invalid_url(format!("{url}: no host")))?
            .to_string();
        let prefix = url.path().trim_end_matches('/').to_owned();

        let mut fixed_headers = HeaderMap::new();
        let header_value = |field: &str, value: &str| {
            HeaderValue::from_str(value).map_err(|_| ConfigError::Invalid {
                file: None,
                field: field.into(),
                message: format!("{value:?} cannot be sent in a header"),
            })
        };
        fixed_headers.insert(
            header::USER_AGENT,
            header_value("user_agent", &config.user_agent)?,
        );
        if !config.disable_compression {
            fixed_headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        }
        let imp = &config.impersonation;
        if let Some(user) = &imp.user {
            fixed_headers.insert("impersonate-user", header_value("as", user)?);
        }
        if let Some(uid) = &imp.uid {
            fixed_headers.insert("impersonate-uid", header_value("as-uid", uid)?);
        }
        for group in &imp.groups {
            fixed_headers.append("impersonate-group", header_value("as-groups", group)?);
        }
        for (key, values) in &imp.extra {
            let name = HeaderName::try_from(format!("impersonate-extra-{}", escape_extra_key(key)))
                .map_err(|_| ConfigError::Invalid {
                    file: None,
                    field: "as-user-extra".into(),
                    message: format!("{key:?} cannot be a header name"),
                })?;
            for value in values {
                fixed_headers.append(name.clone(), header_value("as-user-extra", value)?);
            }
        }

        let connector = tls::connector(&config)?;
        let http = HyperClient::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .build(connector);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                scheme,
                authority,
                prefix,
                default_namespace: config.default_namespace.clone(),
                auth: Authenticator::new(&config.credentials)?,
                fixed_headers,
                timeout: config.timeout,
                limiter: config.rate_limit.map(RateLimiter::new),
                retry: config.retry,
                warnings: Mutex::new((HashSet::new(), Vec::new())),
            }),
        })
    }

    /// A client from [`Config::infer`]: the kubeconfig, else the in-cluster configuration.
    pub async fn try_default() -> Result<Client> {
        Client::new(Config::infer()?)
    }

    /// The namespace of the configuration's context (or `default`).
    pub fn default_namespace(&self) -> &str {
        &self.inner.default_namespace
    }

    /// The server warnings seen so far, each once, in order of arrival.
    pub fn warnings(&self) -> Vec<String> {
        self.inner
            .warnings
            .lock()
            .map(|w| w.1.clone())
            .unwrap_or_default()
    }

    /// Sends a request and returns the response whatever its status, with the body read.
    /// Retries, rate limiting and authentication apply; the client's timeout covers the
    /// whole exchange.
    pub async fn send(&self, request: Request) -> Result<Response> {
        let path = request.path_and_query();
        let method = request.method.clone();
        let timeout = request.timeout.or(self.inner.timeout);
        let exchange = async {
            let (status, headers, incoming) = self.execute(&request, &path).await?;
            let body = read_body(&method, &path, &headers, incoming).await?;
            Ok(Response {
                status,
                headers,
                body,
            })
        };
        match timeout {
            Some(after) => {
                tokio::time::timeout(after, exchange)
                    .await
                    .map_err(|_| Error::Timeout {
                        method: method.clone(),
                        path: path.clone(),
                        after,
                    })?
            }
            None => exchange.await,
        }
    }

    /// Sends a request and decodes a successful JSON response as `T`; an error status is an
    /// [`Error::Api`] (or [`Error::UnexpectedResponse`] when the body is not a `Status`).
    pub async fn request<T: DeserializeOwned>(&self, request: Request) -> Result<T> {
        let method = request.method.clone();
        let path = request.path_and_query();
        let response = self.send(request).await?;
        if !response.status.is_success() {
            return Err(body::error_from_response(
                &method,
                &path,
                response.status,
                &response.headers,
                &response.body,
            ));
        }
        body::decode(
            &method,
            &path,
            response.status,
            &response.headers,
            &response.body,
        )
    }

    /// Like [`Client::request`], but a `Status` body (as DELETE returns for an object that
    /// is gone at once) is returned as `Right`.
    pub async fn request_status_or<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<either::Either<T, Status>> {
        let method = request.method.clone();
        let path = request.path_and_query();
        let response = self.send(request).await?;
        if !response.status.is_success() {
            return Err(body::error_from_response(
                &method,
                &path,
                response.status,
                &response.headers,
                &response.body,
            ));
        }
        if let Some(status) = status_from_body(&response.body) {
            return Ok(either::Either::Right(status));
        }
        body::decode(
            &method,
            &path,
            response.status,
            &response.headers,
            &response.body,
        )
        .map(either::Either::Left)
    }

    /// Sends a request and returns the body as text.
    pub async fn request_text(&self, request: Request) -> Result<String> {
        let method = request.method.clone();
        let path = request.path_and_query();
        let response = self.send(request).await?;
        if !response.status.is_success() {
            return Err(body::error_from_response(
                &method,
                &path,
                response.status,
                &response.headers,
                &response.body,
            ));
        }
        Ok(String::from_utf8_lossy(&response.body).into_owned())
    }

    /// Sends a request whose successful response is streamed (a watch). The client timeout
    /// covers only the wait for the response headers.
    pub(crate) async fn request_streaming(&self, request: Request) -> Result<StreamingResponse> {
        let method = request.method.clone();
        let path = request.path_and_query();
        let headers_phase = self.execute(&request, &path);
        let (status, headers, incoming) = match request.timeout.or(self.inner.timeout) {
            Some(after) => tokio::time::timeout(after, headers_phase)
                .await
                .map_err(|_| Error::Timeout {
                    method: method.clone(),
                    path: path.clone(),
                    after,
                })??,
            None => headers_phase.await?,
        };
        if !status.is_success() {
            let body = read_body(&method, &path, &headers, incoming).await?;
            return Err(body::error_from_response(
                &method, &path, status, &headers, &body,
            ));
        }
        if let Some(ct) = body::content_type(&headers) {
            if ct.contains("protobuf") {
                return Err(Error::UnsupportedMediaType {
                    method,
                    path,
                    content_type: ct,
                });
            }
        }
        Ok(StreamingResponse {
            headers,
            body: incoming,
        })
    }

    /// The API server's version (`GET /version`).
    pub async fn apiserver_version(&self) -> Result<crate::version::Info> {
        self.request(Request::get("/version")).await
    }

    /// One exchange with retries: rate limiting, credentials, warnings, `401` refresh,
    /// `429`/`5xx` retries.
    async fn execute(
        &self,
        request: &Request,
        path: &str,
    ) -> Result<(StatusCode, HeaderMap, Incoming)> {
        let inner = &self.inner;
        let uri: Uri = format!(
            "{}://{}{}{}",
            inner.scheme, inner.authority, inner.prefix, path
        )
        .parse()
        .map_err(|e| Error::InvalidRequest(format!("invalid URL path {path:?}: {e}")))?;
        let method = &request.method;
        let mut attempt = 0u32;
        let mut refreshed_credentials = false;
        loop {
            if let Some(limiter) = &inner.limiter {
                limiter.acquire().await;
            }
            let mut builder = http::Request::builder()
                .method(method.clone())
                .uri(uri.clone());
            let headers = builder
                .headers_mut()
                .ok_or_else(|| Error::InvalidRequest(format!("invalid request {method} {path}")))?;
            headers.extend(inner.fixed_headers.clone());
            headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
            if let Some(auth) = inner.auth.header().await? {
                headers.insert(header::AUTHORIZATION, auth);
            }
            for (name, value) in &request.headers {
                headers.insert(name.clone(), value.clone());
            }
            let body = Full::new(request.body.clone().unwrap_or_default());
            let http_request = builder
                .body(body)
                .map_err(|e| Error::InvalidRequest(format!("{method} {path}: {e}")))?;
            tracing::debug!(%method, path, attempt, "request");
            let response = match inner.http.request(http_request).await {
                Ok(r) => r,
                Err(e) => {
                    if retry::is_idempotent(method)
                        && attempt < inner.retry.max_retries
                        && e.is_connect()
                    {
                        let wait = retry::delay(&inner.retry, attempt, None);
                        tracing::debug!(%method, path, error = %e, ?wait, "connection failed; retrying");
                        attempt += 1;
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    return Err(Error::Http {
                        method: method.clone(),
                        path: path.to_owned(),
                        source: Box::new(e),
                    });
                }
            };
            let (parts, incoming) = response.into_parts();
            self.record_warnings(&parts.headers);
            tracing::debug!(%method, path, status = parts.status.as_u16(), "response");
            if parts.status == StatusCode::UNAUTHORIZED
                && inner.auth.is_refreshable()
                && !refreshed_credentials
            {
                refreshed_credentials = true;
                inner.auth.invalidate().await;
                drain(incoming).await;
                continue;
            }
            if retry::should_retry(method, parts.status, &parts.headers)
                && attempt < inner.retry.max_retries
            {
                let wait = retry::delay(&inner.retry, attempt, retry::retry_after(&parts.headers));
                tracing::debug!(%method, path, status = parts.status.as_u16(), ?wait, "retrying");
                attempt += 1;
                drain(incoming).await;
                tokio::time::sleep(wait).await;
                continue;
            }
            return Ok((parts.status, parts.headers, incoming));
        }
    }

    /// Shows each distinct server warning once, through `tracing` at WARN level (target
    /// `kubegen::warning`).
    fn record_warnings(&self, headers: &HeaderMap) {
        for value in headers.get_all(header::WARNING) {
            let Some(text) = value.to_str().ok().and_then(warning_text) else {
                continue;
            };
            let Ok(mut seen) = self.inner.warnings.lock() else {
                continue;
            };
            if seen.0.insert(text.clone()) {
                tracing::warn!(target: "kubegen::warning", "{text}");
                seen.1.push(text);
            }
        }
    }
}

/// The error for a non-success response to a `GET`.
pub(crate) fn error_from(path: &str, response: &Response) -> Error {
    body::error_from_response(
        &Method::GET,
        path,
        response.status,
        &response.headers,
        &response.body,
    )
}

/// Decodes a successful response to a `GET`.
pub(crate) fn decode_response<T: DeserializeOwned>(path: &str, response: &Response) -> Result<T> {
    body::decode(
        &Method::GET,
        path,
        response.status,
        &response.headers,
        &response.body,
    )
}

/// The text of a `Warning` header (`299 - "text"`; RFC 7234).
fn warning_text(value: &str) -> Option<String> {
    let start = value.find('"')?;
    let rest = &value[start + 1..];
    let mut text = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => text.push(chars.next()?),
            '"' => return Some(text),
            c => text.push(c),
        }
    }
    None
}

/// Go's `Impersonate-Extra-` key escaping: percent-encode what is not a header token.
fn escape_extra_key(key: &str) -> String {
    let mut out = String::new();
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&'*+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn drain(mut incoming: Incoming) {
    while let Some(Ok(_)) = incoming.frame().await {}
}

/// Reads and decompresses a whole body.
async fn read_body(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    mut incoming: Incoming,
) -> Result<Bytes> {
    let http_error = |source: Box<dyn std::error::Error + Send + Sync>| Error::Http {
        method: method.clone(),
        path: path.to_owned(),
        source,
    };
    let mut decompressor = Decompressor::for_headers(headers);
    let mut out = Vec::new();
    while let Some(frame) = incoming.frame().await {
        let frame = frame.map_err(|e| http_error(Box::new(e)))?;
        if let Ok(data) = frame.into_data() {
            out.extend_from_slice(
                &decompressor
                    .push(data)
                    .map_err(|e| http_error(Box::new(e)))?,
            );
        }
    }
    out.extend_from_slice(&decompressor.finish().map_err(|e| http_error(Box::new(e)))?);
    Ok(Bytes::from(out))
}

/// The chunks of a streamed body, decompressed.
pub(crate) fn body_stream(
    response: StreamingResponse,
    path: String,
) -> impl Stream<Item = Result<Bytes>> + Send {
    let decompressor = Decompressor::for_headers(&response.headers);
    futures_util::stream::unfold(
        Some((response.body, decompressor, path)),
        |state| async move {
            let (mut body, mut decompressor, path) = state?;
            let http_error =
                |path: &str, source: Box<dyn std::error::Error + Send + Sync>| Error::Http {
                    method: Method::GET,
                    path: path.to_owned(),
                    source,
                };
            loop {
                match body.frame().await {
                    Some(Ok(frame)) => {
                        let Ok(data) = frame.into_data() else {
                            continue;
                        };
                        return match decompressor.push(data) {
                            Ok(bytes) => Some((Ok(bytes), Some((body, decompressor, path)))),
                            Err(e) => Some((Err(http_error(&path, Box::new(e))), None)),
                        };
                    }
                    Some(Err(e)) => return Some((Err(http_error(&path, Box::new(e))), None)),
                    None => {
                        return match decompressor.finish() {
                            Ok(rest) if rest.is_empty() => None,
                            Ok(rest) => Some((Ok(rest), None)),
                            Err(e) => Some((Err(http_error(&path, Box::new(e))), None)),
                        };
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_warning_headers() {
        assert_eq!(
            warning_text(r#"299 - "unknown field \"spec\"""#).as_deref(),
            Some(r#"unknown field "spec""#)
        );
        assert_eq!(warning_text("299 - no quotes"), None);
        assert_eq!(warning_text(r#"299 - "unterminated"#), None);
    }

    #[test]
    fn escapes_extra_keys() {
        assert_eq!(
            escape_extra_key("example.com/scopes"),
            "example.com%2Fscopes"
        );
    }
}
