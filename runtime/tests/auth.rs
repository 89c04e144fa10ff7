//! TLS (custom CA, client certificate, tls-server-name, insecure), bearer tokens, token-file
//! rotation, basic auth, impersonation, and exec credential plugins that are real scripts.
#![cfg(feature = "client")]
// Helpers are test code too: a fixture that cannot be read should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use kubegen::config::{AuthError, Credentials, ExecConfig, ExecEnvVar, KubeConfigOptions, Secret};
use kubegen::{Client, Config, Error};
use serde_json::json;
use support::{LogBuffer, Pki, Recorded, Reply, TestServer};

fn version_reply() -> Reply {
    Reply::json(
        200,
        &json!({"major": "1", "minor": "32", "gitVersion": "v1.32.13"}),
    )
}

fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[tokio::test]
async fn tls_with_client_certificate_custom_ca_and_server_name() {
    let pki = Pki::new();
    let server = TestServer::https(|_| version_reply(), pki.server_config(true)).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("client.crt"), &pki.client_cert_pem).unwrap();
    std::fs::write(dir.path().join("client.key"), &pki.client_key_pem).unwrap();
    let kubeconfig = |server_name: &str, user: &str| {
        format!(
            r#"
current-context: c
clusters:
- name: k
  cluster:
    server: {url}
    certificate-authority-data: {ca}
    {server_name}
contexts: [{{name: c, context: {{cluster: k, user: {user}}}}}]
users:
- name: cert
  user: {{client-certificate: client.crt, client-key: client.key}}
- name: none
  user: {{}}
"#,
            url = server.url(),
            ca = b64(&pki.ca_pem),
        )
    };
    let load = |text: String| {
        let path = dir.path().join("config");
        std::fs::write(&path, text).unwrap();
        let mut config =
            Config::from_kubeconfig_file(&path, &KubeConfigOptions::default()).unwrap();
        config.retry.max_retries = 0;
        Client::try_from(config).unwrap()
    };

    // Everything right: the server checks our certificate, we check its name.
    let client = load(kubeconfig("tls-server-name: kubernetes.test", "cert"));
    let info = client.apiserver_version().await.unwrap();
    assert_eq!(info.git_version, "v1.32.13");
    assert!(server.requests()[0].client_cert);

    // The certificate is for kubernetes.test, not 127.0.0.1: without tls-server-name the
    // handshake fails.
    let client = load(kubeconfig("", "cert"));
    let err = client.apiserver_version().await.unwrap_err();
    assert!(matches!(err, Error::Http { .. }), "{err}");

    // No client certificate: the server refuses the handshake.
    let client = load(kubeconfig("tls-server-name: kubernetes.test", "none"));
    let err = client.apiserver_version().await.unwrap_err();
    assert!(matches!(err, Error::Http { .. }), "{err}");
    assert_eq!(server.requests().len(), 1);

    // Another CA: refused.
    let other = Pki::new();
    let mut config = Config::new(server.url().parse().unwrap());
    config.root_certs = Some(vec![pem_to_der(&other.ca_pem)]);
    config.tls_server_name = Some("kubernetes.test".into());
    config.retry.max_retries = 0;
    let err = Client::try_from(config)
        .unwrap()
        .apiserver_version()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { .. }), "{err}");
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    CertificateDer::from_pem_slice(pem.as_bytes())
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn https_through_a_connect_proxy() {
    let pki = Pki::new();
    let server = TestServer::https(|_| version_reply(), pki.server_config(false)).await;
    let proxy = support::ConnectProxy::start().await;
    let mut config = Config::new(server.url().parse().unwrap());
    config.root_certs = Some(vec![pem_to_der(&pki.ca_pem)]);
    config.tls_server_name = Some("kubernetes.test".into());
    config.proxy_url = Some(format!("http://user:pw@{}", proxy.addr).parse().unwrap());
    let client = Client::try_from(config).unwrap();
    assert_eq!(client.apiserver_version().await.unwrap().minor, "32");
    let tunnels = proxy.tunnels.lock().unwrap().clone();
    assert_eq!(tunnels.len(), 1);
    assert_eq!(tunnels[0].0, server.addr.to_string());
    assert_eq!(
        tunnels[0].1.as_deref(),
        Some(format!("Basic {}", b64("user:pw")).as_str())
    );
    assert_eq!(server.requests().len(), 1);

    // Only http:// proxies are supported.
    let mut config = Config::new(server.url().parse().unwrap());
    config.proxy_url = Some("socks5://127.0.0.1:1080".parse().unwrap());
    assert!(matches!(Client::try_from(config), Err(Error::Config(_))));
}

#[tokio::test]
async fn insecure_skip_tls_verify() {
    let pki = Pki::new();
    let server = TestServer::https(|_| version_reply(), pki.server_config(false)).await;
    let mut config = Config::new(server.url().parse().unwrap());
    config.accept_invalid_certs = true;
    let client = Client::try_from(config).unwrap();
    assert_eq!(client.apiserver_version().await.unwrap().major, "1");
}

#[tokio::test]
async fn bearer_basic_and_impersonation_headers() {
    let server = TestServer::http(|_| version_reply()).await;
    let mut config = server.config();
    config.credentials = Credentials::Bearer(Secret::new("abc123".into()));
    config.impersonation.user = Some("jane".into());
    config.impersonation.uid = Some("42".into());
    config.impersonation.groups = vec!["devs".into(), "ops".into()];
    config
        .impersonation
        .extra
        .insert("example.com/scopes".into(), vec!["a".into(), "b".into()]);
    Client::try_from(config)
        .unwrap()
        .apiserver_version()
        .await
        .unwrap();
    let mut config = server.config();
    config.credentials = Credentials::Basic {
        username: "admin".into(),
        password: Secret::new("pa:ss".into()),
    };
    Client::try_from(config)
        .unwrap()
        .apiserver_version()
        .await
        .unwrap();

    let requests = server.requests();
    let r = &requests[0];
    assert_eq!(r.header("authorization").as_deref(), Some("Bearer abc123"));
    assert_eq!(r.header("impersonate-user").as_deref(), Some("jane"));
    assert_eq!(r.header("impersonate-uid").as_deref(), Some("42"));
    assert_eq!(r.header_all("impersonate-group"), ["devs", "ops"]);
    assert_eq!(
        r.header_all("impersonate-extra-example.com%2Fscopes"),
        ["a", "b"]
    );
    assert_eq!(r.header("accept").as_deref(), Some("application/json"));
    assert!(r.header("user-agent").unwrap().starts_with("kubegen/"));
    assert_eq!(
        requests[1].header("authorization").as_deref(),
        Some(format!("Basic {}", b64("admin:pa:ss")).as_str())
    );
}

/// The Authorization header of each request.
fn tokens(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn token_file_is_reread_when_it_changes_and_after_401() {
    // The server accepts every token except "revoked".
    let server = TestServer::http(|r: &Recorded| {
        if r.header("authorization").as_deref() == Some("Bearer revoked") {
            Reply::json(401, &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": "Unauthorized", "reason": "Unauthorized", "code": 401}))
        } else {
            version_reply()
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    let set = |text: &str, mtime: SystemTime| {
        std::fs::write(&token, text).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&token)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
    };
    let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    set("first\n", t0);
    let mut config = server.config();
    config.credentials = Credentials::TokenFile(token.clone());
    let client = Client::try_from(config).unwrap();
    client.apiserver_version().await.unwrap();
    client.apiserver_version().await.unwrap();
    // Rotated (new content, new mtime): picked up by the next request.
    set("second", t0 + Duration::from_secs(60));
    client.apiserver_version().await.unwrap();
    // Revoked, then replaced behind the client's back with the same size and mtime: the 401
    // makes the client read the file again and retry once.
    set("revoked", t0 + Duration::from_secs(120));
    client.apiserver_version().await.unwrap_err();
    set("renewed", t0 + Duration::from_secs(120));
    let info = client.apiserver_version().await;
    assert_eq!(
        tokens(&server),
        [
            "Bearer first",
            "Bearer first",
            "Bearer second",
            "Bearer revoked",
            "Bearer revoked",
            "Bearer revoked",
            "Bearer renewed"
        ]
    );
    info.unwrap();
}

/// Writes an executable exec plugin that counts its runs in `runs` and prints a token.
fn write_plugin(dir: &Path, body: &str) -> String {
    let path = dir.join("plugin.sh");
    std::fs::write(&path, format!("#!/bin/sh\nset -e\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

fn runs(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("runs"))
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

fn exec_config(command: String, api_version: &str) -> ExecConfig {
    ExecConfig {
        api_version: api_version.into(),
        command,
        args: vec!["--flag".into()],
        env: vec![ExecEnvVar {
            name: "PLUGIN_SECRET".into(),
            value: "from-kubeconfig".into(),
        }],
        install_hint: Some("brew install the-plugin".into()),
        provide_cluster_info: true,
        interactive_mode: Some("Never".into()),
    }
}

#[tokio::test]
async fn exec_plugin_is_cached_and_rerun_on_401() {
    let accepted: Arc<Mutex<String>> = Arc::new(Mutex::new("Bearer token-1".into()));
    let server = {
        let accepted = accepted.clone();
        TestServer::http(move |r: &Recorded| {
            if r.header("authorization") == Some(accepted.lock().unwrap().clone()) {
                version_reply()
            } else {
                Reply::json(401, &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Unauthorized", "code": 401}))
            }
        })
        .await
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let plugin = write_plugin(
        dir.path(),
        &format!(
            r#"echo "$1 $PLUGIN_SECRET" >> {d}/runs
printf '%s' "$KUBERNETES_EXEC_INFO" > {d}/exec-info
n=$(wc -l < {d}/runs | tr -d ' ')
cat <<EOF
{{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
  "status": {{"token": "token-$n", "expirationTimestamp": "2999-01-01T00:00:00Z"}}}}
EOF"#
        ),
    );
    let mut config = server.config();
    config.credentials = Credentials::Exec {
        exec: Box::new(exec_config(plugin, "client.authentication.k8s.io/v1")),
        cluster: None,
    };
    // provideClusterInfo comes from a kubeconfig; build one to get the cluster part.
    let kubeconfig = dir.path().join("config");
    std::fs::write(
        &kubeconfig,
        format!(
            "current-context: c\nclusters: [{{name: k, cluster: {{server: \"{}\", tls-server-name: api.test}}}}]\ncontexts: [{{name: c, context: {{cluster: k, user: u}}}}]\nusers: [{{name: u, user: {{exec: {}}}}}]\n",
            server.url(),
            serde_json::to_string(&exec_config(dir.path().join("plugin.sh").display().to_string(), "client.authentication.k8s.io/v1")).unwrap()
        ),
    )
    .unwrap();
    let mut config =
        Config::from_kubeconfig_file(&kubeconfig, &KubeConfigOptions::default()).unwrap();
    config.rate_limit = None;
    let client = Client::try_from(config).unwrap();

    let logs = LogBuffer::default();
    let _guard = logs.install();
    client.apiserver_version().await.unwrap();
    client.apiserver_version().await.unwrap();
    assert_eq!(
        runs(dir.path()),
        1,
        "the credential is cached until it expires"
    );
    let runs_log = std::fs::read_to_string(dir.path().join("runs")).unwrap();
    assert_eq!(runs_log.trim(), "--flag from-kubeconfig");
    let info: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("exec-info")).unwrap())
            .unwrap();
    assert_eq!(info["kind"], "ExecCredential");
    assert_eq!(info["spec"]["interactive"], false);
    assert_eq!(info["spec"]["cluster"]["server"], server.url());
    assert_eq!(info["spec"]["cluster"]["tls-server-name"], "api.test");

    // The server stops accepting token-1: the 401 makes the client run the plugin again and
    // retry the request once with token-2.
    *accepted.lock().unwrap() = "Bearer token-2".into();
    client.apiserver_version().await.unwrap();
    assert_eq!(runs(dir.path()), 2);
    assert_eq!(
        tokens(&server),
        [
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-1",
            "Bearer token-2"
        ]
    );
    let logs = logs.contents();
    assert!(
        !logs.contains("token-1") && !logs.contains("token-2"),
        "{logs}"
    );
}

#[tokio::test]
async fn exec_plugin_expired_credentials_and_v1beta1() {
    let server = TestServer::http(|_| version_reply()).await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    let plugin = write_plugin(
        dir.path(),
        &format!(
            r#"echo run >> {d}/runs
echo '{{"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential", "status": {{"token": "t", "expirationTimestamp": "2000-01-01T00:00:00Z"}}}}'"#
        ),
    );
    let mut config = server.config();
    config.credentials = Credentials::Exec {
        exec: Box::new(exec_config(plugin, "client.authentication.k8s.io/v1beta1")),
        cluster: None,
    };
    let client = Client::try_from(config).unwrap();
    client.apiserver_version().await.unwrap();
    client.apiserver_version().await.unwrap();
    assert_eq!(runs(dir.path()), 2, "an expired credential is not reused");
}

#[tokio::test]
async fn exec_plugin_errors_are_typed() {
    let server = TestServer::http(|_| version_reply()).await;
    let dir = tempfile::tempdir().unwrap();
    let client_for = |command: String, api_version: &str| {
        let mut config = server.config();
        config.credentials = Credentials::Exec {
            exec: Box::new(exec_config(command, api_version)),
            cluster: None,
        };
        Client::try_from(config).unwrap()
    };

    let missing = dir.path().join("no-such-plugin").display().to_string();
    let err = client_for(missing, "client.authentication.k8s.io/v1")
        .apiserver_version()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Auth(AuthError::ExecNotFound { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("brew install the-plugin"), "{err}");

    let failing = write_plugin(
        dir.path(),
        "echo 'cannot reach the identity provider' >&2\nexit 3",
    );
    let err = client_for(failing.clone(), "client.authentication.k8s.io/v1")
        .apiserver_version()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Auth(AuthError::ExecFailed { .. })),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("cannot reach the identity provider"),
        "{err}"
    );

    let garbage = write_plugin(dir.path(), "echo '<html>'");
    let err = client_for(garbage, "client.authentication.k8s.io/v1")
        .apiserver_version()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Auth(AuthError::ExecOutput { .. })),
        "{err}"
    );

    let wrong_version = write_plugin(
        dir.path(),
        r#"echo '{"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential", "status": {"token": "t"}}'"#,
    );
    let err = client_for(wrong_version, "client.authentication.k8s.io/v1")
        .apiserver_version()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("expected \"client.authentication.k8s.io/v1\""),
        "{err}"
    );

    let err = client_for(failing, "client.authentication.k8s.io/v1alpha1")
        .apiserver_version()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Auth(AuthError::ExecVersion { .. })),
        "{err}"
    );
    assert!(
        server.requests().is_empty(),
        "nothing is sent without credentials"
    );
}

#[tokio::test]
async fn secrets_never_reach_the_logs() {
    let server = TestServer::http(|_| version_reply().header("Warning", "299 - \"hello\"")).await;
    let mut config = server.config();
    config.credentials = Credentials::Bearer(Secret::new("very-secret-token".into()));
    let client = Client::try_from(config).unwrap();
    let logs = LogBuffer::default();
    let _guard = logs.install();
    client.apiserver_version().await.unwrap();
    let text = logs.contents();
    assert!(text.contains("/version"), "debug logs are on: {text}");
    assert!(!text.contains("very-secret-token"), "{text}");
}
