//! [`Request`]: one HTTP request to the API server, and [`ResourcePath`], the URL path of a
//! resource (client-go's `Request.Namespace().Resource().Name().SubResource()`).

use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName};
use http::{HeaderMap, HeaderValue, Method};
use serde::Serialize;

use super::error::{Error, Result};

/// One request: method, path, query parameters, headers, body and timeout.
///
/// ```
/// # use kubegen::client::Request;
/// let request = Request::get("/api/v1/namespaces/default/pods")
///     .query("labelSelector", "app in (web,db)")
///     .query("limit", "50");
/// assert_eq!(
///     request.path_and_query(),
///     "/api/v1/namespaces/default/pods?labelSelector=app%20in%20%28web%2Cdb%29&limit=50"
/// );
/// ```
#[derive(Clone, Debug)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    pub(crate) timeout: Option<Duration>,
}

impl Request {
    /// A request with a method and an absolute path (such as `/api/v1/pods`).
    pub fn new(method: Method, path: impl Into<String>) -> Request {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            timeout: None,
        }
    }

    /// A `GET`.
    pub fn get(path: impl Into<String>) -> Request {
        Request::new(Method::GET, path)
    }

    /// A `POST`.
    pub fn post(path: impl Into<String>) -> Request {
        Request::new(Method::POST, path)
    }

    /// A `PUT`.
    pub fn put(path: impl Into<String>) -> Request {
        Request::new(Method::PUT, path)
    }

    /// A `PATCH`.
    pub fn patch(path: impl Into<String>) -> Request {
        Request::new(Method::PATCH, path)
    }

    /// A `DELETE`.
    pub fn delete(path: impl Into<String>) -> Request {
        Request::new(Method::DELETE, path)
    }

    /// Adds a query parameter (percent-encoded when sent).
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Request {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Adds a query parameter when `value` is `Some`.
    pub fn query_opt<V: ToString>(self, key: &str, value: Option<V>) -> Request {
        match value {
            Some(v) => self.query(key, v.to_string()),
            None => self,
        }
    }

    /// Sets a header, replacing any earlier value.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Request {
        self.headers.insert(name, value);
        self
    }

    /// Sets the body and its `Content-Type`.
    pub fn body(mut self, body: impl Into<Bytes>, content_type: &'static str) -> Request {
        self.body = Some(body.into());
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        self
    }

    /// Sets a JSON body (`Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(self, body: &T) -> Result<Request> {
        self.json_as(body, "application/json")
    }

    /// Sets a JSON body with another content type (patches).
    pub fn json_as<T: Serialize + ?Sized>(
        self,
        body: &T,
        content_type: &'static str,
    ) -> Result<Request> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::InvalidRequest(format!("cannot serialize the body: {e}")))?;
        Ok(self.body(bytes, content_type))
    }

    /// Sets the timeout of this request, replacing the client's.
    pub fn timeout(mut self, timeout: Duration) -> Request {
        self.timeout = Some(timeout);
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path and the percent-encoded query, as sent.
    pub fn path_and_query(&self) -> String {
        let mut out = self.path.clone();
        for (i, (k, v)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            encode_into(&mut out, k);
            out.push('=');
            encode_into(&mut out, v);
        }
        out
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode_into(out: &mut String, s: &str) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// The URL path of a resource collection, object or subresource.
///
/// ```
/// # use kubegen::client::ResourcePath;
/// let path = ResourcePath::new("apps", "v1", "deployments")
///     .namespace(Some("prod"))
///     .name("web")
///     .subresource("scale");
/// assert_eq!(path.build().unwrap(), "/apis/apps/v1/namespaces/prod/deployments/web/scale");
/// let pods = ResourcePath::new("", "v1", "pods");
/// assert_eq!(pods.build().unwrap(), "/api/v1/pods");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourcePath {
    group: String,
    version: String,
    resource: String,
    namespace: Option<String>,
    name: Option<String>,
    subresource: Option<String>,
}

impl ResourcePath {
    /// The collection of a resource, cluster-wide.
    pub fn new(
        group: impl Into<String>,
        version: impl Into<String>,
        resource: impl Into<String>,
    ) -> ResourcePath {
        ResourcePath {
            group: group.into(),
            version: version.into(),
            resource: resource.into(),
            ..ResourcePath::default()
        }
    }

    /// In a namespace (`None`: all namespaces, or a cluster-scoped resource).
    pub fn namespace(mut self, namespace: Option<&str>) -> ResourcePath {
        self.namespace = namespace.map(str::to_owned);
        self
    }

    /// One object.
    pub fn name(mut self, name: impl Into<String>) -> ResourcePath {
        self.name = Some(name.into());
        self
    }

    /// A subresource of the object (`status`, `scale`…).
    pub fn subresource(mut self, subresource: impl Into<String>) -> ResourcePath {
        self.subresource = Some(subresource.into());
        self
    }

    /// The path; fails when a name or namespace cannot be a path segment (empty, `.`, `..`,
    /// or containing `/` or `%`), as client-go refuses them.
    pub fn build(&self) -> Result<String> {
        let mut path = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        if let Some(ns) = &self.namespace {
            check_segment("namespace", ns)?;
            path.push_str("/namespaces/");
            path.push_str(ns);
        }
        check_segment("resource", &self.resource)?;
        path.push('/');
        path.push_str(&self.resource);
        if let Some(name) = &self.name {
            check_segment("name", name)?;
            path.push('/');
            path.push_str(name);
        }
        if let Some(sub) = &self.subresource {
            check_segment("subresource", sub)?;
            path.push('/');
            path.push_str(sub);
        }
        Ok(path)
    }
}

fn check_segment(what: &str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::InvalidRequest(format!("{what} may not be empty")));
    }
    if value == "." || value == ".." || value.contains('/') || value.contains('%') {
        return Err(Error::InvalidRequest(format!(
            "{what} {value:?} may not be '.', '..', or contain '/' or '%'"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_names() {
        for bad in ["", ".", "..", "a/b", "a%2F"] {
            let err = ResourcePath::new("", "v1", "pods")
                .name(bad)
                .build()
                .unwrap_err();
            assert!(matches!(err, Error::InvalidRequest(_)), "{bad}");
        }
    }

    #[test]
    fn encodes_queries() {
        let r = Request::get("/x").query("fieldSelector", "metadata.name!=a,b=c");
        assert_eq!(
            r.path_and_query(),
            "/x?fieldSelector=metadata.name%21%3Da%2Cb%3Dc"
        );
    }
}
