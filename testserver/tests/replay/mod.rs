//! Replays a kube-apiserver transcript against a fresh test server and compares
//! status codes and bodies field by field.
//!
//! Values that differ by nature are not compared: uids, resourceVersions,
//! timestamps, continue tokens (presence is), the CA in `kube-root-ca.crt`,
//! names the server generated, digits in messages that quote resourceVersions.
//! Requests are rewritten to use what this server returned where the transcript
//! used what the real server returned (resourceVersions, uids, generated names,
//! continue tokens), and `timeoutSeconds` of watches is cut to 1 s; periodic
//! BOOKMARK events depend on that timing and are not compared (the
//! `k8s.io/initial-events-end` bookmark is).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

mod diff;

use diff::{diff, short, summarize};

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use kubegen_testserver::TestServer;
use serde_json::{Map, Value};
use tokio::task::JoinHandle;

/// A part of an exchange not compared, and why.
#[derive(Clone, Copy)]
pub struct Skip {
    /// Exchange index.
    pub exchange: usize,
    /// JSON path prefix (`.status`, `.items[0].metadata.annotations`); `""` skips
    /// the body, `"!"` the whole exchange (status code too).
    pub path: &'static str,
    /// Why the difference is expected.
    pub why: &'static str,
}

/// Shorthand for a [`Skip`].
pub const fn skip(exchange: usize, path: &'static str, why: &'static str) -> Skip {
    Skip {
        exchange,
        path,
        why,
    }
}

/// Where the transcripts are, or `None` (with a note) when they are absent.
pub fn specs() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs/apiserver-1.32");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the apiserver transcripts are missing at {} (required under CI)",
        dir.display()
    );
    eprintln!(
        "NOTE: skipping transcript replay: the transcripts are missing at {}",
        dir.display()
    );
    None
}

const ALICE_TOKEN: &str = "alice-token-for-replay";

/// managedFields are compared by their entries (manager, operation, apiVersion,
/// subresource), in any order: who owns what through which endpoint is the
/// core's wiring; the FieldsV1 sets themselves are the patch module's, checked
/// against the transcripts by its own tests (tests/patch_transcripts.rs).
fn managed_entries(fields: &Value) -> Value {
    let mut entries: Vec<String> = fields
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|e| {
                    format!(
                        "{} {} {} {}",
                        e["manager"].as_str().unwrap_or(""),
                        e["operation"].as_str().unwrap_or(""),
                        e["apiVersion"].as_str().unwrap_or(""),
                        e["subresource"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    Value::Array(entries.into_iter().map(Value::String).collect())
}

/// Replays `scenario` and fails listing every difference not covered by `skips`.
pub async fn replay(scenario: &str, skips: &[Skip]) {
    let Some(dir) = specs() else { return };
    let text = std::fs::read_to_string(dir.join(format!("{scenario}.json"))).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let exchanges = file["exchanges"].as_array().unwrap().clone();
    let server = TestServer::builder()
        .plain_http(true)
        .token_file_contents(&format!("{ALICE_TOKEN},alice,1001,\"developers\"\n"))
        .future_resource_version_wait(Duration::from_millis(200))
        .bookmarks(Duration::from_millis(300), Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let mut replay = Replay {
        address: server.url().trim_start_matches("http://").to_owned(),
        admin: server.admin_token().to_owned(),
        maps: Maps::default(),
        watches: Vec::new(),
    };
    let mut problems = Vec::new();
    for (index, exchange) in exchanges.iter().enumerate() {
        let skipped: Vec<&Skip> = skips.iter().filter(|s| s.exchange == index).collect();
        if skipped.iter().any(|s| s.path == "!") {
            continue;
        }
        if exchange["request"].get("body_base64").is_some()
            || exchange["response"].get("body_base64").is_some()
        {
            continue;
        }
        if is_watch(exchange) {
            // Earlier watches that saw all they saw when recorded had ended.
            replay.finish_watches(&mut problems, skips, false).await;
            let watch = replay.start_watch(index, exchange).await;
            replay.watches.push(watch);
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        let request = &exchange["request"];
        let path = request["path"].as_str().unwrap_or("");
        let closing = request["method"] == "DELETE"
            && path.starts_with("/api/v1/namespaces/")
            && path.matches('/').count() == 4;
        // A watch that has seen all it saw when recorded had ended before the next
        // request (the scenario's closing namespace deletion comes after every watch).
        replay.finish_watches(&mut problems, skips, closing).await;
        let (status, body) = replay.send(exchange).await;
        if scenario == "large-list" && index == 1 {
            // Only the first of 600 identical creates is recorded (README).
            replay.create_more_big_configmaps(exchange).await;
        }
        let body = match exchange["response"].get("body_summary") {
            Some(_) => summarize(&body),
            None => body,
        };
        compare(
            index,
            exchange,
            status,
            &body,
            &skipped,
            &mut replay.maps,
            &mut problems,
        );
    }
    replay.finish_watches(&mut problems, skips, true).await;
    drop(server);
    assert!(
        problems.is_empty(),
        "{scenario}: {} differences from the real server:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

struct Replay {
    address: String,
    admin: String,
    maps: Maps,
    watches: Vec<OpenWatch>,
}

/// A watch being replayed: its events arrive in the background.
struct OpenWatch {
    index: usize,
    exchange: Value,
    status: Arc<Mutex<u16>>,
    events: Arc<Mutex<Vec<Value>>>,
    handle: JoinHandle<()>,
}

impl OpenWatch {
    /// How many events the real watch saw (periodic bookmarks aside).
    fn expected(&self) -> usize {
        kept(self.exchange["response"]["body"].as_array().unwrap()).len()
    }

    fn received(&self) -> usize {
        kept(&self.events.lock().unwrap()).len()
    }
}

/// Events without the periodic BOOKMARKs, whose timing differs by nature.
fn kept(events: &[Value]) -> Vec<Value> {
    events
        .iter()
        .filter(|e| {
            e["type"] != "BOOKMARK"
                || e.pointer("/object/metadata/annotations/k8s.io~1initial-events-end")
                    .is_some()
        })
        .cloned()
        .collect()
}

#[derive(Default)]
struct Maps {
    /// Real server value → this server's, for resourceVersions, uids, generated
    /// names and continue tokens.
    values: HashMap<String, String>,
    /// This server's generated names → the real ones (to compare bodies).
    names_back: HashMap<String, String>,
    /// Every learned value of this server → the real one (for messages that quote them).
    back: HashMap<String, String>,
}

fn is_watch(exchange: &Value) -> bool {
    let path = exchange["request"]["path"].as_str().unwrap_or("");
    let watching =
        path.contains("watch=1") || path.contains("watch=true") || path.contains("/watch/");
    watching && exchange["response"]["status"] == 200 && exchange["response"]["body"].is_array()
}

impl Replay {
    async fn request_parts(
        &self,
        exchange: &Value,
    ) -> (String, String, Vec<(String, String)>, Bytes) {
        let request = &exchange["request"];
        let method = request["method"].as_str().unwrap().to_owned();
        let current = self.current_rv().await;
        let path = self.rewrite_path(request["path"].as_str().unwrap(), current);
        let mut headers = Vec::new();
        if let Some(map) = request["headers"].as_object() {
            for (name, value) in map {
                let value = value.as_str().unwrap_or("").to_owned();
                let value = match (name.as_str(), value.as_str()) {
                    ("If-None-Match", etag) => {
                        self.maps.values.get(etag).cloned().unwrap_or(value.clone())
                    }
                    ("Authorization", "Bearer <admin>") => format!("Bearer {}", self.admin),
                    ("Authorization", "Bearer <user>") => format!("Bearer {ALICE_TOKEN}"),
                    ("Authorization", "Bearer <invalid>") => "Bearer not-a-valid-token".to_owned(),
                    _ => value,
                };
                headers.push((name.clone(), value));
            }
        }
        let body = if let Some(text) = request.get("body_text").and_then(Value::as_str) {
            Bytes::from(text.to_owned())
        } else {
            match request.get("body") {
                Some(Value::Null) | None => Bytes::new(),
                Some(body) => {
                    let mut body = body.clone();
                    let asked = body
                        .pointer("/metadata/resourceVersion")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    self.maps.rewrite_request_body(&mut body);
                    if let Some(asked) = asked.filter(|rv| self.maps.is_unseen_newer(rv)) {
                        // A version a controller wrote (which does not happen here):
                        // the object's version now.
                        let object_path = path.split('?').next().unwrap_or("");
                        let object_path = object_path
                            .strip_suffix("/status")
                            .or_else(|| object_path.strip_suffix("/scale"))
                            .unwrap_or(object_path);
                        if let Some(rv) = self.object_rv(object_path).await {
                            body["metadata"]["resourceVersion"] = Value::String(rv);
                        }
                        let _ = asked;
                    }
                    Bytes::from(serde_json::to_vec(&body).unwrap())
                }
            }
        };
        (method, path, headers, body)
    }

    /// The resourceVersion of the object at `path` now.
    async fn object_rv(&self, path: &str) -> Option<String> {
        let headers = vec![("Authorization".to_owned(), format!("Bearer {}", self.admin))];
        let response = request(&self.address, "GET", path, &headers, Bytes::new()).await;
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let object: Value = serde_json::from_slice(&bytes).ok()?;
        object
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// This server's resourceVersion now.
    async fn current_rv(&self) -> u64 {
        let headers = vec![("Authorization".to_owned(), format!("Bearer {}", self.admin))];
        let response = request(
            &self.address,
            "GET",
            "/api/v1/namespaces?limit=1",
            &headers,
            Bytes::new(),
        )
        .await;
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let list: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        list.pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .and_then(|rv| rv.parse().ok())
            .unwrap_or(0)
    }

    fn rewrite_path(&self, path: &str, current: u64) -> String {
        let (route, query) = path.split_once('?').unwrap_or((path, ""));
        let route: Vec<String> = route
            .split('/')
            .map(|segment| {
                self.maps
                    .values
                    .get(segment)
                    .cloned()
                    .unwrap_or(segment.to_owned())
            })
            .collect();
        let mut out = route.join("/");
        if !query.is_empty() {
            let parts: Vec<String> = query
                .split('&')
                .map(|part| match part.split_once('=') {
                    Some(("timeoutSeconds", _)) => "timeoutSeconds=1".to_owned(),
                    Some((key @ ("resourceVersion" | "continue"), value)) => {
                        format!("{key}={}", self.maps.resource_version(value, current))
                    }
                    _ => part.to_owned(),
                })
                .collect();
            out.push('?');
            out.push_str(&parts.join("&"));
        }
        out
    }

    async fn send(&mut self, exchange: &Value) -> (u16, Value) {
        let (method, path, headers, body) = self.request_parts(exchange).await;
        let response = request(&self.address, &method, &path, &headers, body).await;
        let status = response.status().as_u16();
        // ETags differ by nature: a later If-None-Match uses this server's.
        let expected_etag = exchange["response"]["headers"]["ETag"].as_str();
        let actual_etag = response.headers().get("etag").and_then(|v| v.to_str().ok());
        if let (Some(expected), Some(actual)) = (expected_etag, actual_etag) {
            self.maps
                .values
                .insert(expected.to_owned(), actual.to_owned());
        }
        let yaml = response
            .headers()
            .get("content-type")
            .is_some_and(|t| t.as_bytes().starts_with(b"application/yaml"));
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        if yaml {
            return (
                status,
                serde_yaml_ng::from_slice(&bytes).unwrap_or(Value::Null),
            );
        }
        (status, parse_body(&bytes))
    }

    /// big-001 … big-599 of the large-list scenario, like the recorded big-000.
    async fn create_more_big_configmaps(&mut self, exchange: &Value) {
        for i in 1..600 {
            let mut create = exchange.clone();
            let name = format!("big-{i:03}");
            create["request"]["body"]["metadata"]["name"] = Value::String(name.clone());
            if let Some(data) = create["request"]["body"]["data"].as_object_mut() {
                if data.contains_key("index") {
                    data.insert("index".into(), Value::String(format!("{i:03}")));
                }
            }
            let (status, _) = self.send(&create).await;
            assert_eq!(status, 201, "creating {name}");
        }
    }

    async fn start_watch(&self, index: usize, exchange: &Value) -> OpenWatch {
        let (method, path, headers, body) = self.request_parts(exchange).await;
        let address = self.address.clone();
        let status = Arc::new(Mutex::new(0u16));
        let events = Arc::new(Mutex::new(Vec::new()));
        let (status_in, events_in) = (status.clone(), events.clone());
        let handle = tokio::spawn(async move {
            let response = request(&address, &method, &path, &headers, body).await;
            *status_in.lock().unwrap() = response.status().as_u16();
            let mut body = response.into_body();
            let mut buffer: Vec<u8> = Vec::new();
            while let Some(Ok(frame)) = body.frame().await {
                if let Some(data) = frame.data_ref() {
                    buffer.extend_from_slice(data);
                }
                while let Some(end) = buffer.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = buffer.drain(..=end).collect();
                    if let Ok(event) = serde_json::from_slice::<Value>(&line) {
                        events_in.lock().unwrap().push(event);
                    }
                }
            }
        });
        OpenWatch {
            index,
            exchange: exchange.clone(),
            status,
            events,
            handle,
        }
    }

    /// Ends the watches that have seen everything their recorded counterpart saw
    /// (all of them with `all`, after letting them run out), and compares them.
    async fn finish_watches(&mut self, problems: &mut Vec<String>, skips: &[Skip], all: bool) {
        if self.watches.is_empty() {
            return;
        }
        // Let events of the last request arrive.
        tokio::time::sleep(Duration::from_millis(30)).await;
        let mut open = Vec::new();
        for watch in self.watches.drain(..) {
            let done = watch.handle.is_finished() || watch.received() >= watch.expected();
            if !done && !all {
                open.push(watch);
                continue;
            }
            if all && !done {
                // Until its (shortened) timeout ends it.
                let _ = tokio::time::timeout(Duration::from_secs(3), &mut { watch.handle }).await;
            } else {
                watch.handle.abort();
            }
            let status = *watch.status.lock().unwrap();
            let actual = kept(&watch.events.lock().unwrap());
            let skipped: Vec<&Skip> = skips.iter().filter(|s| s.exchange == watch.index).collect();
            let mut pseudo = watch.exchange.clone();
            pseudo["response"]["body"] =
                Value::Array(kept(watch.exchange["response"]["body"].as_array().unwrap()));
            compare(
                watch.index,
                &pseudo,
                status,
                &Value::Array(actual),
                &skipped,
                &mut self.maps,
                problems,
            );
        }
        self.watches = open;
    }
}

async fn request(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Bytes,
) -> hyper::Response<hyper::body::Incoming> {
    let stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    let mut builder = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", address);
    for (name, value) in headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    sender
        .send_request(builder.body(Full::new(body)).unwrap())
        .await
        .unwrap()
}

fn parse_body(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

impl Maps {
    /// A resourceVersion newer than every one this replay has seen (one a
    /// controller produced).
    fn is_unseen_newer(&self, value: &str) -> bool {
        let Ok(wanted) = value.parse::<u64>() else {
            return false;
        };
        !self.values.contains_key(value)
            && self
                .values
                .keys()
                .filter_map(|e| e.parse::<u64>().ok())
                .all(|e| e < wanted)
    }

    /// This server's counterpart of a real resourceVersion (or continue token).
    /// One the transcript never showed (an object a controller wrote) is placed
    /// after the nearest one it did show, when that is close; others (`1`, far
    /// future ones) are kept as they are.
    fn resource_version(&self, value: &str, current: u64) -> String {
        if let Some(mapped) = self.values.get(value) {
            return mapped.clone();
        }
        let Ok(wanted) = value.parse::<u64>() else {
            return value.to_owned();
        };
        let nearest = self
            .values
            .iter()
            .filter_map(|(e, a)| Some((e.parse::<u64>().ok()?, a.parse::<u64>().ok()?)))
            .filter(|(e, _)| *e <= wanted && wanted - *e <= 3)
            .max_by_key(|(e, _)| *e);
        let newest = self
            .values
            .keys()
            .filter_map(|e| e.parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        match nearest {
            Some((expected, actual)) => (actual + (wanted - expected)).min(current).to_string(),
            // Newer than anything seen yet but not far off: a version read just now
            // (from a response the transcript did not keep): this server's now.
            None if wanted > newest && wanted - newest < 1000 && newest > 0 => current.to_string(),
            None => value.to_owned(),
        }
    }

    /// Learns what this server returned where the real one returned something else.
    fn learn(&mut self, expected: &Value, actual: &Value, key: &str, generated: bool) {
        match (expected, actual) {
            (Value::Object(e), Value::Object(a)) => {
                let generated = e.contains_key("generateName");
                for (k, ev) in e {
                    if let Some(av) = a.get(k) {
                        self.learn(ev, av, k, generated);
                    }
                }
            }
            (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
                for (ev, av) in e.iter().zip(a) {
                    self.learn(ev, av, key, false);
                }
            }
            (Value::String(e), Value::String(a)) if e != a && !e.is_empty() => {
                let learned = matches!(key, "resourceVersion" | "uid" | "continue")
                    || (key == "name" && generated);
                if learned {
                    self.values.insert(e.clone(), a.clone());
                    self.back.insert(a.clone(), e.clone());
                }
                if key == "name" && generated {
                    self.names_back.insert(a.clone(), e.clone());
                }
            }
            _ => {}
        }
    }

    fn rewrite_request_body(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if let Value::String(s) = child {
                        if matches!(key.as_str(), "resourceVersion" | "uid" | "name") {
                            if let Some(mapped) = self.values.get(s.as_str()) {
                                *s = mapped.clone();
                            }
                        }
                    } else {
                        self.rewrite_request_body(child);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.rewrite_request_body(i)),
            _ => {}
        }
    }
}

/// Blanks what differs by nature.
fn normalize(value: &mut Value, maps: &Maps, key: &str) {
    match value {
        Value::Object(map) => {
            normalize_object(map, maps);
        }
        Value::Array(items) => {
            // OpenShift's admission adds a fourth source to token volumes (README).
            if key == "sources" {
                items.retain(|s| {
                    s.pointer("/configMap/name").and_then(Value::as_str)
                        != Some("openshift-service-ca.crt")
                });
            }
            items.iter_mut().for_each(|i| normalize(i, maps, key))
        }
        Value::String(s) => {
            if key == "name" || key == "generateName" {
                if let Some(original) = maps.names_back.get(s.as_str()) {
                    *s = original.clone();
                }
            }
            if s.starts_with("kube-api-access-") && s.len() == "kube-api-access-".len() + 5 {
                *s = "kube-api-access-<random>".into();
            }
            if key == "message" {
                *s = s
                    .split_inclusive(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .map(|piece| {
                        let word = piece
                            .trim_end_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '-'));
                        let rest = &piece[word.len()..];
                        match maps.back.get(word) {
                            Some(original) => format!("{original}{rest}"),
                            None => piece.to_owned(),
                        }
                    })
                    .collect();
            }
        }
        _ => {}
    }
}

fn normalize_object(map: &mut Map<String, Value>, maps: &Maps) {
    for field in [
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "deletionTimestamp",
        "lastTransitionTime",
        "time",
    ] {
        if let Some(v) = map.get_mut(field) {
            if v.is_string() {
                *v = Value::String("<varies>".into());
            }
        }
    }
    if let Some(Value::String(token)) = map.get_mut("continue") {
        if !token.is_empty() {
            *token = "<token>".into();
        }
    }
    if let Some(fields) = map.get_mut("managedFields") {
        *fields = managed_entries(fields);
    }
    if map.get("kind") == Some(&Value::String("Status".into())) {
        if let Some(Value::String(message)) = map.get_mut("message") {
            if message.contains("resource version") {
                let mut masked = String::new();
                for c in message.chars() {
                    if !c.is_ascii_digit() {
                        masked.push(c);
                    } else if !masked.ends_with('N') {
                        masked.push('N');
                    }
                }
                *message = masked;
            }
        }
    }
    if map.get("kind") == Some(&Value::String("Table".into())) {
        // Ages depend on when the request ran.
        let ages: Vec<usize> = map
            .get("columnDefinitions")
            .and_then(Value::as_array)
            .map(|columns| {
                columns
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c["type"] == "date" || c["name"] == "Age")
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(rows) = map.get_mut("rows").and_then(Value::as_array_mut) {
            for row in rows {
                if let Some(cells) = row.get_mut("cells").and_then(Value::as_array_mut) {
                    for &i in &ages {
                        if let Some(cell) = cells.get_mut(i) {
                            *cell = Value::String("<age>".into());
                        }
                    }
                }
            }
        }
    }
    if let Some(ca) = map.get_mut("ca.crt") {
        *ca = Value::String("<ca>".into());
    }
    // The blueprint annotation and the generated names inside it.
    let keys: Vec<String> = map.keys().cloned().collect();
    for key in keys {
        if let Some(child) = map.get_mut(&key) {
            normalize(child, maps, &key);
        }
    }
}

fn compare(
    index: usize,
    exchange: &Value,
    status: u16,
    actual: &Value,
    skips: &[&Skip],
    maps: &mut Maps,
    problems: &mut Vec<String>,
) {
    let request = &exchange["request"];
    let label = format!(
        "#{index} {} {}",
        request["method"].as_str().unwrap_or(""),
        request["path"].as_str().unwrap_or("")
    );
    let expected_status = exchange["response"]["status"].as_u64().unwrap_or(0) as u16;
    let yaml = exchange["response"]["headers"]["Content-Type"]
        .as_str()
        .is_some_and(|t| t.starts_with("application/yaml"));
    let expected = match exchange["response"]
        .get("body_text")
        .and_then(Value::as_str)
    {
        Some(text) if yaml => serde_yaml_ng::from_str(text).unwrap_or(Value::Null),
        Some(text) => Value::String(text.to_owned()),
        None => exchange["response"]
            .get("body")
            .or_else(|| exchange["response"].get("body_summary"))
            .cloned()
            .unwrap_or(Value::Null),
    };
    maps.learn(&expected, actual, "", false);
    if status != expected_status {
        problems.push(format!(
            "{label}: status {status}, expected {expected_status}\n    got {}",
            short(actual)
        ));
        return;
    }
    if skips.iter().any(|s| s.path.is_empty()) {
        return;
    }
    let mut expected = expected;
    let mut actual = actual.clone();
    normalize(&mut expected, maps, "");
    normalize(&mut actual, maps, "");
    let mut differences = Vec::new();
    diff("", &expected, &actual, &mut differences);
    for (path, text) in differences {
        if skips.iter().any(|s| path.starts_with(s.path)) {
            continue;
        }
        problems.push(format!("{label}: {text}"));
    }
}
