//! The HTTP(S) server: connections (TLS with optional client certificates, or
//! plain HTTP), and the top of request handling (faults, authentication,
//! health and version paths, then the resource API).

pub mod health;
pub mod http;
pub mod routes;

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use self::http::{Body, Encoding, Reply, Request};
use crate::auth::{self, Access, Authenticator, Credentials};
use crate::error::ApiError;
use crate::faults::Faults;
use crate::handlers;
use crate::resources::Resources;
use crate::storage::Store;
use crate::storage::watch::BookmarkTiming;

/// Everything a request handler needs.
#[derive(Debug)]
pub struct App {
    /// The storage engine.
    pub store: Arc<Store>,
    /// The served resources.
    pub resources: Resources,
    /// Authentication.
    pub auth: Authenticator,
    /// Fault injection.
    pub faults: Faults,
    /// Bookmark timing of watches.
    pub bookmarks: BookmarkTiming,
    /// The CA certificate (PEM) published in every namespace's `kube-root-ca.crt`.
    pub ca_pem: String,
    /// OpenAPI documents of the current resources.
    pub openapi: crate::handlers::discovery::OpenApiCache,
    /// Recorded actions and reactors ([`crate::fake`]).
    pub recorder: crate::fake::Recorder,
}

/// Serves connections from `listener` until `shutdown` turns true.
pub async fn serve(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    app: Arc<App>,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let app = app.clone();
                let tls = tls.clone();
                connections.spawn(async move {
                    match tls {
                        Some(acceptor) => {
                            let Ok(stream) = acceptor.accept(stream).await else { return };
                            let subject = stream
                                .get_ref()
                                .1
                                .peer_certificates()
                                .and_then(|certs| certs.first())
                                .and_then(|cert| crate::tls::subject_of(cert));
                            serve_connection(TokioIo::new(stream), app, subject).await;
                        }
                        None => serve_connection(TokioIo::new(stream), app, None).await,
                    }
                });
            }
            _ = shutdown.changed() => {
                if *shutdown.borrow() {
                    break;
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.abort_all();
}

async fn serve_connection<I>(io: I, app: Arc<App>, subject: Option<(String, Vec<String>)>)
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = service_fn(move |request: hyper::Request<Incoming>| {
        let app = app.clone();
        let subject = subject.clone();
        async move { Ok::<_, Infallible>(handle(app, request, subject).await) }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, service)
        .await;
}

/// Handles one request.
pub async fn handle(
    app: Arc<App>,
    request: hyper::Request<Incoming>,
    certificate: Option<(String, Vec<String>)>,
) -> hyper::Response<Body> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_else(|_| Bytes::new());
    let request = Request {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(http::parse_query).unwrap_or_default(),
        headers: parts.headers,
        body,
        certificate,
    };
    let latency = app.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let pretty = request.flag("pretty");
    match dispatch(&app, &request).await {
        Ok(handlers::Outcome::Reply(reply, encoding)) => reply.into_response(encoding, pretty),
        Ok(handlers::Outcome::Watch(stream)) => stream.into_response(),
        Err(error) => Reply::error(&error).into_response(Encoding::Json, pretty),
    }
}

async fn dispatch(app: &Arc<App>, request: &Request) -> Result<handlers::Outcome, ApiError> {
    let credentials = Credentials {
        authorization: request.header("authorization"),
        certificate: request.certificate.clone(),
        impersonate_user: request.header("impersonate-user"),
        impersonate_groups: request.header_values("impersonate-group"),
    };
    let user = app.auth.authenticate(&credentials)?;
    let path = request.path.as_str();
    if let Some(action) = path.strip_prefix("/testserver/faults/") {
        if user.access != Access::Admin {
            auth::authorize_path(&user, "POST-FAULTS", path)?;
        }
        return faults_endpoint(app, request, action);
    }
    if let Some(error) = app.faults.take_failure() {
        return Err(error);
    }
    let json = |value| {
        Ok(handlers::Outcome::Reply(
            Reply::object(200, value),
            Encoding::Json,
        ))
    };
    if auth::is_public_path(path) {
        if path == "/version" || path == "/version/" {
            return json(crate::discovery::version_info());
        }
        let verbose = request.has_param("verbose");
        return match health::answer(path, verbose) {
            Some(text) => Ok(handlers::Outcome::Reply(
                Reply::text(200, text),
                Encoding::Json,
            )),
            None => Err(ApiError::page_not_found()),
        };
    }
    match routes::parse(path) {
        Some(routes::ApiPath::Resource(raw)) => handlers::handle(app, request, &user, raw).await,
        Some(other) => {
            auth::authorize_path(&user, &request.method, path)?;
            handlers::discovery::api_paths(app, request, other)
        }
        None => {
            auth::authorize_path(&user, &request.method, path)?;
            handlers::discovery::other_paths(app, request)
        }
    }
}

fn faults_endpoint(
    app: &Arc<App>,
    request: &Request,
    action: &str,
) -> Result<handlers::Outcome, ApiError> {
    if request.method != "POST" {
        return Err(ApiError::method_not_allowed());
    }
    let number = |name: &str| request.param(name).and_then(|v| v.parse::<u64>().ok());
    match action {
        "drop-watches" => app.store.drop_watches(),
        "compact" => app.store.compact_now(),
        "fail" => {
            let count = number("count").unwrap_or(1) as u32;
            let status = number("status").unwrap_or(500) as u16;
            let retry_after = number("retryAfter").map(|s| s as u32);
            app.faults.fail_next(count, status, retry_after);
        }
        "latency" => app
            .faults
            .set_latency(std::time::Duration::from_millis(number("ms").unwrap_or(0))),
        "refuse-watches" => app
            .faults
            .refuse_watches(request.param("on").is_none_or(|on| on != "false")),
        _ => return Err(ApiError::page_not_found()),
    }
    Ok(handlers::Outcome::Reply(
        Reply::object(
            200,
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}),
        ),
        Encoding::Json,
    ))
}
