//! Kubeconfig loading and merging, in-cluster configuration, and secrets kept out of Debug.
#![cfg(feature = "client")]
// Helpers are test code too: a fixture that cannot be read should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::ffi::OsString;
use std::path::Path;

use base64::Engine as _;
use kubegen::Config;
use kubegen::config::{ConfigError, Credentials, KubeConfigOptions, Kubeconfig, incluster_with};
use support::Pki;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

const FIRST: &str = r#"
apiVersion: v1
kind: Config
current-context: first
clusters:
- name: shared
  cluster:
    server: https://first.example:6443
- name: only-first
  cluster:
    server: https://only-first.example
contexts:
- name: first
  context: {cluster: shared, user: alice, namespace: team-a}
users:
- name: alice
  user:
    token: first-token
"#;

const SECOND: &str = r#"
apiVersion: v1
kind: Config
current-context: second
clusters:
- name: shared
  cluster:
    server: https://second.example:6443
- name: only-second
  cluster:
    server: https://only-second.example
contexts:
- name: second
  context: {cluster: only-second, user: bob}
users:
- name: alice
  user:
    token: second-token
- name: bob
  user:
    username: bob
    password: hunter2
"#;

#[test]
fn kubeconfig_env_merges_first_wins() {
    let dir = tempfile::tempdir().unwrap();
    let first = write(dir.path(), "first", FIRST);
    let second = write(dir.path(), "second", SECOND);
    let missing = dir.path().join("missing");
    let list = std::env::join_paths([&first, &missing, &second]).unwrap();
    let env = |name: &str| (name == "KUBECONFIG").then(|| list.clone());
    let merged = Kubeconfig::read_default_with(env).unwrap().unwrap();

    assert_eq!(merged.current_context.as_deref(), Some("first"));
    let names: Vec<_> = merged.clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["shared", "only-first", "only-second"]);
    let shared = &merged.clusters[0];
    assert_eq!(
        shared.cluster.server.as_deref(),
        Some("https://first.example:6443")
    );
    assert_eq!(shared.origin.as_ref().unwrap().file, first);
    let alice = merged.users.iter().find(|u| u.name == "alice").unwrap();
    assert_eq!(alice.user.token.as_ref().unwrap().expose(), "first-token");
    assert_eq!(merged.users.len(), 2);

    let config = Config::from_kubeconfig(&merged, &KubeConfigOptions::default()).unwrap();
    assert_eq!(config.cluster_url, "https://first.example:6443/");
    assert_eq!(config.default_namespace, "team-a");
    assert!(matches!(&config.credentials, Credentials::Bearer(t) if t.expose() == "first-token"));

    // Another context of the merged config, with a user from the second file.
    let options = KubeConfigOptions {
        context: Some("second".into()),
        ..KubeConfigOptions::default()
    };
    let config = Config::from_kubeconfig(&merged, &options).unwrap();
    assert_eq!(config.cluster_url, "https://only-second.example/");
    assert_eq!(config.default_namespace, "default");
    assert!(
        matches!(&config.credentials, Credentials::Basic { username, .. } if username == "bob")
    );
}

#[test]
fn explicit_file_is_not_merged() {
    let dir = tempfile::tempdir().unwrap();
    let first = write(dir.path(), "first", FIRST);
    write(dir.path(), "second", SECOND);
    let options = KubeConfigOptions {
        context: Some("second".into()),
        ..KubeConfigOptions::default()
    };
    let err = Config::from_kubeconfig_file(&first, &options).unwrap_err();
    assert!(
        err.to_string().contains("context \"second\" not found"),
        "{err}"
    );
}

#[test]
fn default_is_home_kube_config() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".kube")).unwrap();
    write(&home.path().join(".kube"), "config", SECOND);
    let home_path: OsString = home.path().into();
    let env = |name: &str| (name == "HOME").then(|| home_path.clone());
    let config = Kubeconfig::read_default_with(env).unwrap().unwrap();
    assert_eq!(config.current_context.as_deref(), Some("second"));
    // No KUBECONFIG and no ~/.kube/config: nothing.
    let empty = tempfile::tempdir().unwrap();
    let empty_path: OsString = empty.path().into();
    let env = |name: &str| (name == "HOME").then(|| empty_path.clone());
    assert!(Kubeconfig::read_default_with(env).unwrap().is_none());
}

#[test]
fn errors_name_the_file_and_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let missing_cert = write(
        dir.path(),
        "missing-cert",
        r#"
current-context: c
clusters: [{name: k, cluster: {server: "https://k:6443"}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users:
- name: other
  user: {}
- name: u
  user:
    client-certificate: certs/nope.pem
    client-key: certs/nope.key
"#,
    );
    let err =
        Config::from_kubeconfig_file(&missing_cert, &KubeConfigOptions::default()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with(&missing_cert.display().to_string()),
        "{message}"
    );
    assert!(
        message.contains("users[1].user.client-certificate"),
        "{message}"
    );
    // Relative paths are relative to the kubeconfig's directory.
    assert!(
        message.contains(&dir.path().join("certs/nope.pem").display().to_string()),
        "{message}"
    );
    assert!(matches!(err, ConfigError::ReadFile { .. }));

    let bad_type = write(
        dir.path(),
        "bad-type",
        "users:\n- name: u\n  user:\n    exec:\n      command: x\n      args: 5\n",
    );
    let err = Kubeconfig::read_from(&bad_type).unwrap_err();
    assert!(
        matches!(&err, ConfigError::Parse { at, .. } if at == "users[0].user.exec.args"),
        "{err}"
    );
    assert!(err.to_string().contains("bad-type"), "{err}");

    let bad_yaml = write(dir.path(), "bad-yaml", "clusters: [\n");
    assert!(matches!(
        Kubeconfig::read_from(&bad_yaml),
        Err(ConfigError::Parse { .. })
    ));

    let bad_ca = write(
        dir.path(),
        "bad-ca",
        r#"
current-context: c
clusters: [{name: k, cluster: {server: "https://k", certificate-authority-data: "!!not base64"}}]
contexts: [{name: c, context: {cluster: k}}]
"#,
    );
    let err = Config::from_kubeconfig_file(&bad_ca, &KubeConfigOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("clusters[0].cluster.certificate-authority-data: invalid base64"),
        "{err}"
    );

    let not_pem = write(
        dir.path(),
        "not-pem",
        &format!(
            "current-context: c\nclusters: [{{name: k, cluster: {{server: \"https://k\", certificate-authority-data: {}}}}}]\ncontexts: [{{name: c, context: {{cluster: k}}}}]\n",
            b64("hello")
        ),
    );
    let err = Config::from_kubeconfig_file(&not_pem, &KubeConfigOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("no PEM certificate found"),
        "{err}"
    );

    let no_cluster = write(
        dir.path(),
        "no-cluster",
        "current-context: c\ncontexts: [{name: c, context: {cluster: gone}}]\n",
    );
    let err = Config::from_kubeconfig_file(&no_cluster, &KubeConfigOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("contexts[0].context.cluster: cluster \"gone\" not found"),
        "{err}"
    );

    let bad_server = write(
        dir.path(),
        "bad-server",
        "current-context: c\nclusters: [{name: k, cluster: {server: \"not a url\"}}]\ncontexts: [{name: c, context: {cluster: k}}]\n",
    );
    let err = Config::from_kubeconfig_file(&bad_server, &KubeConfigOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("clusters[0].cluster.server"),
        "{err}"
    );

    let provider = write(
        dir.path(),
        "auth-provider",
        "current-context: c\nclusters: [{name: k, cluster: {server: \"https://k\"}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\nusers: [{name: u, user: {auth-provider: {name: gcp}}}]\n",
    );
    let err = Config::from_kubeconfig_file(&provider, &KubeConfigOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("users[0].user.auth-provider"),
        "{err}"
    );
}

#[test]
fn reads_tls_material_and_impersonation() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "client.crt", &pki.client_cert_pem);
    write(dir.path(), "client.key", &pki.client_key_pem);
    let path = write(
        dir.path(),
        "config",
        &format!(
            r#"
current-context: c
clusters:
- name: k
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: {ca}
    tls-server-name: kubernetes.test
    proxy-url: http://proxy.local:3128
contexts: [{{name: c, context: {{cluster: k, user: u, namespace: prod}}}}]
users:
- name: u
  user:
    client-certificate: client.crt
    client-key: client.key
    as: jane
    as-uid: "1234"
    as-groups: [devs, ops]
    as-user-extra: {{scopes: [view]}}
"#,
            ca = b64(&pki.ca_pem)
        ),
    );
    let config = Config::from_kubeconfig_file(&path, &KubeConfigOptions::default()).unwrap();
    assert_eq!(config.root_certs.as_ref().unwrap().len(), 1);
    assert_eq!(config.tls_server_name.as_deref(), Some("kubernetes.test"));
    assert_eq!(
        config.proxy_url.as_ref().unwrap().to_string(),
        "http://proxy.local:3128/"
    );
    assert_eq!(config.default_namespace, "prod");
    let identity = config.identity.as_ref().unwrap();
    assert_eq!(identity.cert_pem, pki.client_cert_pem.as_bytes());
    assert_eq!(config.impersonation.user.as_deref(), Some("jane"));
    assert_eq!(config.impersonation.uid.as_deref(), Some("1234"));
    assert_eq!(config.impersonation.groups, ["devs", "ops"]);
    assert_eq!(config.impersonation.extra["scopes"], ["view"]);

    // A key without a certificate is an error naming the field.
    let half = write(
        dir.path(),
        "half",
        "current-context: c\nclusters: [{name: k, cluster: {server: \"https://k\"}}]\ncontexts: [{name: c, context: {cluster: k, user: u}}]\nusers: [{name: u, user: {client-key: client.key}}]\n",
    );
    let err = Config::from_kubeconfig_file(&half, &KubeConfigOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("users[0].user.client-certificate"),
        "{err}"
    );
}

#[test]
fn debug_never_shows_secrets() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "config",
        &format!(
            r#"
current-context: c
clusters: [{{name: k, cluster: {{server: "https://k"}}}}]
contexts: [{{name: c, context: {{cluster: k, user: u}}}}]
users:
- name: u
  user:
    token: s3cr3t-token-value
    password: s3cr3t-password
    username: someone
    client-certificate-data: {cert}
    client-key-data: {key}
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: get-token
      env: [{{name: API_KEY, value: s3cr3t-env-value}}]
"#,
            cert = b64(&pki.client_cert_pem),
            key = b64(&pki.client_key_pem),
        ),
    );
    let kubeconfig = Kubeconfig::read_from(&path).unwrap();
    let config = Config::from_kubeconfig(&kubeconfig, &KubeConfigOptions::default()).unwrap();
    let key_b64 = b64(&pki.client_key_pem);
    let key_body = pki.client_key_pem.lines().nth(1).unwrap().to_owned();
    for text in [
        format!("{config:?}"),
        format!("{config:#?}"),
        format!("{kubeconfig:?}"),
        format!("{:?}", kubeconfig.users[0].user),
        format!("{:?}", kubegen::Client::try_from(config.clone()).unwrap()),
    ] {
        for secret in [
            "s3cr3t-token-value",
            "s3cr3t-password",
            "s3cr3t-env-value",
            &key_b64,
            &key_body,
        ] {
            assert!(!text.contains(secret), "{secret} leaked in {text}");
        }
    }
    assert!(format!("{config:?}").contains("redacted"));
    // The token wins over basic auth, as in client-go.
    assert!(matches!(config.credentials, Credentials::Bearer(_)));
    // Basic auth and exec configurations are redacted too.
    let basic = Credentials::Basic {
        username: "u".into(),
        password: "pw-s3cr3t".into(),
    };
    assert!(!format!("{basic:?}").contains("pw-s3cr3t"));
}

#[test]
fn incluster_from_env_and_files() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "token", "sa-token\n");
    write(dir.path(), "ca.crt", &pki.ca_pem);
    write(dir.path(), "namespace", "kube-system");
    let env = |name: &str| match name {
        "KUBERNETES_SERVICE_HOST" => Some("10.0.0.1".to_owned()),
        "KUBERNETES_SERVICE_PORT" => Some("443".to_owned()),
        _ => None,
    };
    let config = incluster_with(env, dir.path()).unwrap();
    assert_eq!(config.cluster_url, "https://10.0.0.1:443/");
    assert_eq!(config.default_namespace, "kube-system");
    assert_eq!(config.root_certs.as_ref().unwrap().len(), 1);
    assert!(
        matches!(&config.credentials, Credentials::TokenFile(p) if p == &dir.path().join("token"))
    );

    let v6 = |name: &str| match name {
        "KUBERNETES_SERVICE_HOST" => Some("fd00::1".to_owned()),
        "KUBERNETES_SERVICE_PORT" => Some("6443".to_owned()),
        _ => None,
    };
    assert_eq!(
        incluster_with(v6, dir.path()).unwrap().cluster_url,
        "https://[fd00::1]:6443/"
    );

    let err = incluster_with(|_| None, dir.path()).unwrap_err();
    assert!(matches!(err, ConfigError::NotInCluster(_)));

    let empty = tempfile::tempdir().unwrap();
    let err = incluster_with(env, empty.path()).unwrap_err();
    assert!(err.to_string().contains("token"), "{err}");
}

/// `Config::infer()` reads the real environment, which a test may not change (setting
/// variables is `unsafe` in edition 2024), so this test runs itself again as a child process
/// with `KUBECONFIG` set.
#[test]
fn infer_uses_kubeconfig_from_the_environment() {
    if std::env::var_os("KUBEGEN_INFER_CHILD").is_some() {
        let config = Config::infer().unwrap();
        assert_eq!(config.cluster_url, "https://only-second.example/");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let second = write(dir.path(), "second", SECOND);
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "infer_uses_kubeconfig_from_the_environment",
            "--nocapture",
        ])
        .env("KUBEGEN_INFER_CHILD", "1")
        .env("KUBECONFIG", &second)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&output.stdout)
    );

    // With neither a kubeconfig nor a cluster, the error says both.
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "infer_child_without_config", "--nocapture"])
        .env("KUBEGEN_INFER_CHILD", "1")
        .env("HOME", dir.path().join("nowhere"))
        .env_remove("KUBECONFIG")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn infer_child_without_config() {
    if std::env::var_os("KUBEGEN_INFER_CHILD").is_none() {
        return;
    }
    let err = Config::infer().unwrap_err();
    assert!(matches!(err, ConfigError::NoConfig { .. }), "{err}");
    assert!(err.to_string().contains("KUBERNETES_SERVICE_HOST"), "{err}");
}
