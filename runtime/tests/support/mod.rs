//! Test support: a small hyper server on 127.0.0.1 (HTTP or HTTPS) that serves canned
//! responses (hand-made, or replayed from the real API server transcripts in
//! `shared/specs/apiserver-1.32`) and records every request; certificates made with rcgen.
//!
//! The client under test is the real one: it talks HTTP to this server over loopback.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;

pub mod types;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// The raw query string.
    pub raw_query: String,
    /// Decoded query parameters, in order.
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// Whether a TLS client certificate was presented.
    pub client_cert: bool,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    pub fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// One piece of a streamed response.
#[derive(Clone, Debug)]
pub enum Chunk {
    Data(Vec<u8>),
    Sleep(Duration),
    /// Break the connection (the chunked body never terminates properly).
    Abort,
}

/// A canned response.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub chunks: Vec<Chunk>,
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            chunks: vec![Chunk::Data(body.into())],
        }
    }

    pub fn json(status: u16, body: &Value) -> Reply {
        Reply::new(
            status,
            "application/json",
            serde_json::to_vec(body).unwrap(),
        )
    }

    pub fn text(status: u16, body: &str) -> Reply {
        Reply::new(status, "text/plain; charset=utf-8", body)
    }

    pub fn stream(status: u16, chunks: Vec<Chunk>) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            chunks,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

pub type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

/// A running test server; stops when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    pub tls: bool,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    /// A plain HTTP server.
    pub async fn http(handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> TestServer {
        TestServer::start(Arc::new(handler), None).await
    }

    /// An HTTPS server.
    pub async fn https(
        handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static,
        tls: Arc<rustls::ServerConfig>,
    ) -> TestServer {
        TestServer::start(Arc::new(handler), Some(tls)).await
    }

    async fn start(handler: Handler, tls: Option<Arc<rustls::ServerConfig>>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let is_tls = tls.is_some();
        let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let handler = handler.clone();
                let recorded = recorded.clone();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    match acceptor {
                        None => serve(TokioIo::new(stream), handler, recorded, false).await,
                        Some(acceptor) => {
                            let Ok(tls) = acceptor.accept(stream).await else {
                                return;
                            };
                            let client_cert = tls.get_ref().1.peer_certificates().is_some();
                            serve(TokioIo::new(tls), handler, recorded, client_cert).await
                        }
                    }
                });
            }
        });
        TestServer {
            addr,
            tls: is_tls,
            requests,
            task,
        }
    }

    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// A client configuration for this server: no rate limiting, fast retries.
    pub fn config(&self) -> kubegen::Config {
        let mut config = kubegen::Config::new(self.url().parse().unwrap());
        config.rate_limit = None;
        config.retry.initial_backoff = Duration::from_millis(10);
        config
    }

    pub fn client(&self) -> kubegen::Client {
        kubegen::Client::try_from(self.config()).unwrap()
    }
}

async fn serve<IO>(io: IO, handler: Handler, recorded: Arc<Mutex<Vec<Recorded>>>, client_cert: bool)
where
    IO: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = service_fn(move |request: Request<Incoming>| {
        let handler = handler.clone();
        let recorded = recorded.clone();
        async move {
            let (parts, body) = request.into_parts();
            let body = body
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            let raw_query = parts.uri.query().unwrap_or_default().to_owned();
            let request = Recorded {
                method: parts.method.to_string(),
                path: parts.uri.path().to_owned(),
                query: parse_query(&raw_query),
                raw_query,
                headers: parts.headers,
                body: body.to_vec(),
                client_cert,
            };
            recorded.lock().unwrap().push(request.clone());
            let reply = handler(&request);
            Ok::<_, Infallible>(respond(reply))
        }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, service)
        .await;
}

fn respond(reply: Reply) -> Response<BoxBody<Bytes, BoxError>> {
    let mut builder = Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        builder = builder.header(name, value);
    }
    let simple =
        reply.chunks.iter().all(|c| matches!(c, Chunk::Data(_))) && reply.chunks.len() <= 1;
    let body = if simple {
        let data = match reply.chunks.into_iter().next() {
            Some(Chunk::Data(d)) => d,
            _ => Vec::new(),
        };
        Full::new(Bytes::from(data)).map_err(|e| match e {}).boxed()
    } else {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, BoxError>>(4);
        tokio::spawn(async move {
            for chunk in reply.chunks {
                match chunk {
                    Chunk::Data(d) => {
                        if tx.send(Ok(Frame::data(Bytes::from(d)))).await.is_err() {
                            return;
                        }
                    }
                    Chunk::Sleep(d) => tokio::time::sleep(d).await,
                    Chunk::Abort => {
                        // Let hyper take and write out what was sent before breaking the
                        // connection.
                        for _ in 0..200 {
                            if tx.capacity() == tx.max_capacity() {
                                break;
                            }
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        let _ = tx.send(Err("aborted by the test".into())).await;
                        return;
                    }
                }
            }
        });
        let stream = futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        StreamBody::new(stream).boxed()
    };
    builder.body(body).unwrap()
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(pair), String::new()),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Transcripts of the real API server.

const SPECS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/specs/apiserver-1.32"
);

/// One recorded exchange.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub method: String,
    /// Path and query exactly as sent.
    pub path: String,
    pub request_headers: HashMap<String, String>,
    pub request_body: Option<Value>,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
    pub body_text: Option<String>,
    pub body_base64: Option<String>,
    pub note: Option<String>,
}

impl Exchange {
    pub fn is_watch(&self) -> bool {
        let (_, query) = normalize(&self.path);
        self.path.contains("/watch/") || query.iter().any(|(k, v)| k == "watch" && v == "true")
    }

    /// The response as the server sent it.
    pub fn reply(&self) -> Reply {
        let mut chunks = Vec::new();
        if let Some(body) = &self.body {
            if let (true, 200, Some(events)) = (self.is_watch(), self.status, body.as_array()) {
                for event in events {
                    let mut line = serde_json::to_vec(event).unwrap();
                    line.push(b'\n');
                    chunks.push(Chunk::Data(line));
                }
            } else {
                chunks.push(Chunk::Data(serde_json::to_vec(body).unwrap()));
            }
        } else if let Some(text) = &self.body_text {
            chunks.push(Chunk::Data(text.as_bytes().to_vec()));
        } else if let Some(b64) = &self.body_base64 {
            chunks.push(Chunk::Data(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .unwrap(),
            ));
        }
        Reply {
            status: self.status,
            headers: self.headers.clone(),
            chunks,
        }
    }

    /// The response body as JSON (panics when there is none).
    pub fn json(&self) -> &Value {
        self.body.as_ref().expect("a JSON body")
    }
}

/// A transcript file.
#[derive(Clone, Debug)]
pub struct Transcript {
    pub name: String,
    pub exchanges: Vec<Exchange>,
}

impl Transcript {
    pub fn find(&self, method: &str, path_prefix: &str) -> Vec<&Exchange> {
        self.exchanges
            .iter()
            .filter(|e| e.method == method && e.path.starts_with(path_prefix))
            .collect()
    }
}

/// The transcripts directory, or `None` (after a loud note) when it is missing outside CI.
pub fn specs_dir() -> Option<PathBuf> {
    let dir = Path::new(SPECS);
    if dir.is_dir() {
        return Some(dir.to_path_buf());
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "the API server transcripts {} are missing; CI needs shared/specs beside the repository",
            dir.display()
        );
    }
    eprintln!(
        "\n!!! NOTE: {} not found: skipping a test that replays real API server responses !!!\n",
        dir.display()
    );
    None
}

/// Loads a transcript, or `None` when the material is absent (see [`specs_dir`]).
pub fn transcript(name: &str) -> Option<Transcript> {
    let path = specs_dir()?.join(format!("{name}.json"));
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let exchanges = doc["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let req = &e["request"];
            let resp = &e["response"];
            let headers = resp["headers"]
                .as_object()
                .map(|h| {
                    h.iter()
                        .flat_map(|(k, v)| match v {
                            Value::Array(values) => values
                                .iter()
                                .map(|v| (k.clone(), v.as_str().unwrap().to_owned()))
                                .collect::<Vec<_>>(),
                            v => vec![(k.clone(), v.as_str().unwrap().to_owned())],
                        })
                        .collect()
                })
                .unwrap_or_default();
            Exchange {
                method: req["method"].as_str().unwrap().to_owned(),
                path: req["path"].as_str().unwrap().to_owned(),
                request_headers: req["headers"]
                    .as_object()
                    .map(|h| {
                        h.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                            .collect()
                    })
                    .unwrap_or_default(),
                request_body: req.get("body").cloned().filter(|b| !b.is_null()),
                status: u16::try_from(resp["status"].as_u64().unwrap()).unwrap(),
                headers,
                body: resp.get("body").cloned().filter(|b| !b.is_null()),
                body_text: resp["body_text"].as_str().map(str::to_owned),
                body_base64: resp["body_base64"].as_str().map(str::to_owned),
                note: e["note"].as_str().map(str::to_owned),
            }
        })
        .collect();
    Some(Transcript {
        name: name.to_owned(),
        exchanges,
    })
}

/// Path and sorted, decoded query of a request path; `watch=1` is the same as `watch=true`.
pub fn normalize(path_and_query: &str) -> (String, Vec<(String, String)>) {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut query: Vec<_> = parse_query(query)
        .into_iter()
        .map(|(k, v)| {
            if k == "watch" && (v == "1" || v == "true") {
                (k, "true".to_owned())
            } else {
                (k, v)
            }
        })
        .collect();
    query.sort();
    (path.to_owned(), query)
}

/// A handler that replays exchanges: each request gets the first not-yet-used exchange with
/// the same method, path and query (in any order). Unmatched requests get a 599 text reply
/// that names them, so a test fails with a readable error.
pub fn replay(exchanges: Vec<Exchange>) -> impl Fn(&Recorded) -> Reply + Send + Sync + 'static {
    let used = Mutex::new(vec![false; exchanges.len()]);
    move |request: &Recorded| {
        let wanted = normalize(&format!("{}?{}", request.path, request.raw_query));
        let mut used = used.lock().unwrap();
        for (i, exchange) in exchanges.iter().enumerate() {
            if !used[i] && exchange.method == request.method && normalize(&exchange.path) == wanted
            {
                used[i] = true;
                return exchange.reply();
            }
        }
        Reply::text(
            599,
            &format!(
                "test server: no canned exchange for {} {:?}",
                request.method, wanted
            ),
        )
    }
}

// ---------------------------------------------------------------------------------------
// Certificates.

/// A CA, a server certificate for `kubernetes.test` (no IP address), and a client
/// certificate for `alice`.
pub struct Pki {
    pub ca_pem: String,
    pub server_cert_pem: String,
    pub server_key_pem: String,
    pub client_cert_pem: String,
    pub client_key_pem: String,
}

impl Pki {
    pub fn new() -> Pki {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
        };
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "kubegen test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();

        let server_key = KeyPair::generate().unwrap();
        // Only a DNS name: connecting to 127.0.0.1 verifies only with tls-server-name.
        let mut server_params = CertificateParams::new(vec!["kubernetes.test".to_owned()]).unwrap();
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server = server_params.signed_by(&server_key, &ca, &ca_key).unwrap();

        let client_key = KeyPair::generate().unwrap();
        let mut client_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        client_params
            .distinguished_name
            .push(DnType::CommonName, "alice");
        client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let client = client_params.signed_by(&client_key, &ca, &ca_key).unwrap();

        Pki {
            ca_pem: ca.pem(),
            server_cert_pem: server.pem(),
            server_key_pem: server_key.serialize_pem(),
            client_cert_pem: client.pem(),
            client_key_pem: client_key.serialize_pem(),
        }
    }

    /// A server configuration; with `require_client_cert`, clients must present a
    /// certificate signed by the CA.
    pub fn server_config(&self, require_client_cert: bool) -> Arc<rustls::ServerConfig> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_slice_iter(self.server_cert_pem.as_bytes())
                .collect::<Result<_, _>>()
                .unwrap();
        let key = PrivateKeyDer::from_pem_slice(self.server_key_pem.as_bytes()).unwrap();
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap();
        let config = if require_client_cert {
            let mut roots = rustls::RootCertStore::empty();
            for ca in CertificateDer::pem_slice_iter(self.ca_pem.as_bytes()) {
                roots.add(ca.unwrap()).unwrap();
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .unwrap();
            builder
                .with_client_cert_verifier(verifier)
                .with_single_cert(certs, key)
                .unwrap()
        } else {
            builder
                .with_no_client_auth()
                .with_single_cert(certs, key)
                .unwrap()
        };
        Arc::new(config)
    }
}

/// The installed `tracing` output of a closure-scoped subscriber, for checking logs.
#[derive(Clone, Default)]
pub struct LogBuffer(pub Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    pub fn contents(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Installs a DEBUG-level subscriber writing here for the current thread.
    pub fn install(&self) -> tracing::subscriber::DefaultGuard {
        let buffer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || buffer.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }
}

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// An HTTP CONNECT proxy.

/// A tunnel's target (`host:port`) and `Proxy-Authorization` header.
pub type Tunnel = (String, Option<String>);

/// A minimal `CONNECT` proxy on 127.0.0.1; records each tunnel's target and
/// `Proxy-Authorization` header.
pub struct ConnectProxy {
    pub addr: SocketAddr,
    pub tunnels: Arc<Mutex<Vec<Tunnel>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ConnectProxy {
    pub async fn start() -> ConnectProxy {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let tunnels = Arc::new(Mutex::new(Vec::new()));
        let recorded = tunnels.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    return;
                };
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                        if inbound.read_exact(&mut byte).await.is_err() {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let mut lines = head.lines();
                    let request_line = lines.next().unwrap_or_default().to_owned();
                    let auth = lines
                        .filter_map(|l| l.split_once(':'))
                        .find(|(k, _)| k.eq_ignore_ascii_case("proxy-authorization"))
                        .map(|(_, v)| v.trim().to_owned());
                    let mut parts = request_line.split_whitespace();
                    let (Some("CONNECT"), Some(target)) = (parts.next(), parts.next()) else {
                        let _ = inbound
                            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                            .await;
                        return;
                    };
                    recorded.lock().unwrap().push((target.to_owned(), auth));
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await else {
                        let _ = inbound.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                        return;
                    };
                    if inbound
                        .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                        .await
                        .is_ok()
                    {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        ConnectProxy {
            addr,
            tunnels,
            task,
        }
    }
}
