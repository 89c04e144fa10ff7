//! kubectl drives the `kubegen-testserver` binary: namespaces, Deployments
//! and ConfigMaps through create / apply / get / label / annotate / patch /
//! scale / delete, label selectors, `get --watch`, a CRD and its objects,
//! cascading deletes, and table output. Every command's exit status and
//! output are checked.
//!
//! Runs the kubectl on the `PATH` (or `$KUBECTL`); checked with kubectl 1.32
//! and Debian's `kubernetes-client` 1.20. Skipped with a note when kubectl
//! is missing, except under `CI`.
//!
//! kubectl 1.27+ validates manifests after reading the server's OpenAPI v3
//! documents (in the namespace, server-side apply and custom resource
//! tests); the selector, watch and cascade tests pass `--validate=false`,
//! as kubectl before 1.27 always needs (it reads `/openapi/v2`, which the
//! server does not serve).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use std::process::Stdio;
use std::time::Duration;

use harness::{assert_table, read_lines, setup, wait_for_line};
use serde_json::{Value, json};

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
";

const CONFIGMAP: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: demo
  labels: {app: web, tier: back}
data:
  mode: fast
";

const NAMESPACE: &str = "\
apiVersion: v1
kind: Namespace
metadata:
  name: demo
";

fn labels(object: &Value) -> &Value {
    &object["metadata"]["labels"]
}

#[test]
fn namespaces_deployments_and_configmaps() {
    let Some((server, k)) = setup("namespaces_deployments_and_configmaps") else {
        return;
    };
    // The kubeconfig the binary wrote points at the URL of its ready line.
    assert_eq!(
        k.ok(&[
            "config",
            "view",
            "-o",
            "jsonpath={.clusters[0].cluster.server}"
        ]),
        server.url
    );
    // Namespaces: from a manifest, and from kubectl's generator.
    assert_eq!(
        k.with_manifest("create", NAMESPACE, &[]),
        "namespace/demo created\n"
    );
    assert_table(
        &k.ok(&["get", "namespace", "demo"]),
        &["NAME", "STATUS", "AGE"],
        &[&["demo", "Active"]],
    );
    assert_eq!(
        k.generate(&["create", "namespace", "generated"]),
        "namespace/generated created\n"
    );
    let namespace = k.json(&["get", "namespace", "generated"]);
    assert_eq!(namespace["status"]["phase"], "Active");
    assert_eq!(
        labels(&namespace)["kubernetes.io/metadata.name"],
        "generated"
    );
    let stderr = k.with_manifest_fails("create", NAMESPACE);
    assert!(
        stderr.contains(r#"Error from server (AlreadyExists): error when creating "STDIN": namespaces "demo" already exists"#),
        "{stderr}"
    );

    // Deployment: create from stdin, get -o json.
    assert_eq!(
        k.with_manifest("create", DEPLOYMENT, &[]),
        "deployment.apps/web created\n"
    );
    let web = k.json(&["get", "deployment", "web", "-n", "demo"]);
    assert_eq!(web["kind"], "Deployment");
    assert_eq!(web["apiVersion"], "apps/v1");
    assert_eq!(web["metadata"]["generation"], 1);
    assert_eq!(web["spec"]["replicas"], 2);
    assert!(!web["metadata"]["uid"].as_str().unwrap().is_empty());
    // Defaults as the real server fills them in.
    assert_eq!(web["spec"]["strategy"]["type"], "RollingUpdate");
    assert_eq!(
        web["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"],
        "IfNotPresent"
    );
    assert_table(
        &k.ok(&["get", "deployments", "-n", "demo"]),
        &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        &[&["web", "0/2", "0", "0"]],
    );

    // ConfigMap: apply creates, a changed apply configures, the same apply is a no-op.
    assert_eq!(
        k.with_manifest("apply", CONFIGMAP, &[]),
        "configmap/settings created\n"
    );
    let slow = CONFIGMAP.replace("mode: fast", "mode: slow");
    assert_eq!(
        k.with_manifest("apply", &slow, &[]),
        "configmap/settings configured\n"
    );
    assert_eq!(
        k.with_manifest("apply", &slow, &[]),
        "configmap/settings unchanged\n"
    );
    let settings = k.json(&["get", "configmap", "settings", "-n", "demo"]);
    assert_eq!(settings["data"], json!({"mode": "slow"}));
    let applied =
        settings["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
            .as_str()
            .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(applied).unwrap()["data"]["mode"],
        "slow"
    );
    assert_table(
        &k.ok(&["get", "configmaps", "-n", "demo"]),
        &["NAME", "DATA", "AGE"],
        &[&["kube-root-ca.crt", "1"], &["settings", "1"]],
    );
    // A generated ConfigMap.
    assert_eq!(
        k.generate(&[
            "create",
            "configmap",
            "literal",
            "-n",
            "demo",
            "--from-literal=a=1",
            "--from-literal=b=2",
        ]),
        "configmap/literal created\n"
    );
    assert_eq!(
        k.json(&["get", "configmap", "literal", "-n", "demo"])["data"],
        json!({"a": "1", "b": "2"})
    );

    // Label and annotate.
    assert_eq!(
        k.ok(&["label", "deployment", "web", "-n", "demo", "env=prod"]),
        "deployment.apps/web labeled\n"
    );
    assert_eq!(
        k.ok(&[
            "annotate",
            "configmap",
            "settings",
            "-n",
            "demo",
            "owner=team-a"
        ]),
        "configmap/settings annotated\n"
    );
    assert_eq!(
        labels(&k.json(&["get", "deployment", "web", "-n", "demo"])),
        &json!({"app": "web", "env": "prod", "tier": "front"})
    );
    let settings = k.json(&["get", "configmap", "settings", "-n", "demo"]);
    assert_eq!(settings["metadata"]["annotations"]["owner"], "team-a");
    // Overwriting needs --overwrite, as on a real cluster.
    let stderr = k.fails(
        &["label", "deployment", "web", "-n", "demo", "env=dev"],
        None,
    );
    assert!(
        stderr.contains("'env' already has a value (prod), and --overwrite is false"),
        "{stderr}"
    );
    k.ok(&[
        "label",
        "deployment",
        "web",
        "-n",
        "demo",
        "env=dev",
        "--overwrite",
    ]);

    // Patches of the three kinds.
    let patched = "deployment.apps/web patched\n";
    let patch = |kind: &str, body: &str| {
        k.ok(&[
            "patch",
            "deployment",
            "web",
            "-n",
            "demo",
            "--type",
            kind,
            "-p",
            body,
        ])
    };
    assert_eq!(patch("merge", r#"{"spec":{"replicas":3}}"#), patched);
    assert_eq!(
        patch(
            "json",
            r#"[{"op":"test","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.28"}]"#
        ),
        patched
    );
    // Containers merge by name: the sidecar joins, nginx keeps its image.
    assert_eq!(
        patch(
            "strategic",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.36"}]}}}}"#
        ),
        patched
    );
    let web = k.json(&["get", "deployment", "web", "-n", "demo"]);
    assert_eq!(web["spec"]["replicas"], 3);
    let containers: Vec<(&str, &str)> = web["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["image"].as_str().unwrap()))
        .collect();
    assert_eq!(
        containers,
        [("sidecar", "busybox:1.36"), ("nginx", "nginx:1.28")]
    );
    assert_eq!(web["metadata"]["generation"], 4, "three spec changes");
    // A failing JSON-patch test op changes nothing.
    let stderr = k.fails(
        &[
            "patch",
            "deployment",
            "web",
            "-n",
            "demo",
            "--type",
            "json",
            "-p",
            r#"[{"op":"test","path":"/spec/replicas","value":9}]"#,
        ],
        None,
    );
    // 1.32 adds the Status message: "…: the server rejected our request due to an error in our request".
    assert!(stderr.starts_with("The request is invalid"), "{stderr}");
    assert_eq!(
        k.json(&["get", "deployment", "web", "-n", "demo"])["metadata"]["generation"],
        4
    );

    // Scale goes through the scale subresource.
    assert_eq!(
        k.ok(&["scale", "deployment", "web", "-n", "demo", "--replicas=5"]),
        "deployment.apps/web scaled\n"
    );
    assert_eq!(
        k.ok(&[
            "get",
            "deployment",
            "web",
            "-n",
            "demo",
            "-o",
            "jsonpath={.spec.replicas}"
        ]),
        "5"
    );
    assert_table(
        &k.ok(&["get", "deployment", "web", "-n", "demo", "-o", "wide"]),
        &[
            "NAME",
            "READY",
            "UP-TO-DATE",
            "AVAILABLE",
            "AGE",
            "CONTAINERS",
            "IMAGES",
            "SELECTOR",
        ],
        &[&["web", "0/5", "0", "0"]],
    );
    let wide = k.ok(&["get", "deployment", "web", "-n", "demo", "-o", "wide"]);
    assert!(
        wide.contains("sidecar,nginx   busybox:1.36,nginx:1.28   app=web"),
        "{wide}"
    );

    // Delete, then NotFound.
    assert_eq!(
        k.ok(&["delete", "deployment", "web", "-n", "demo"]),
        "deployment.apps \"web\" deleted\n"
    );
    assert_eq!(
        k.ok(&["delete", "configmap", "settings", "-n", "demo"]),
        "configmap \"settings\" deleted\n"
    );
    let stderr = k.fails(&["get", "configmap", "settings", "-n", "demo"], None);
    assert_eq!(
        stderr.trim(),
        r#"Error from server (NotFound): configmaps "settings" not found"#
    );
    assert_eq!(
        k.ok(&["get", "deployments", "-n", "demo", "-o", "name"]),
        ""
    );
}

#[test]
fn server_side_apply_and_builtin_tables() {
    let Some((_server, k)) = setup("server_side_apply_and_builtin_tables") else {
        return;
    };
    let config = CONFIGMAP.replace("namespace: demo", "namespace: default");
    assert_eq!(
        k.with_manifest("apply", &config, &["--server-side"]),
        "configmap/settings serverside-applied\n"
    );
    // kubectl hides managedFields since 1.21 unless asked.
    let mut get = vec!["get", "configmap", "settings"];
    if k.minor >= 21 {
        get.push("--show-managed-fields");
    }
    let settings = k.json(&get);
    let managers: Vec<(&str, &str)> = settings["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["manager"].as_str().unwrap(),
                m["operation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(managers, [("kubectl", "Apply")]);
    // Another manager's change to an applied field conflicts.
    k.ok(&[
        "patch",
        "configmap",
        "settings",
        "--type",
        "merge",
        "-p",
        r#"{"data":{"mode":"other"}}"#,
    ]);
    let mut args = vec!["apply", "--server-side", "-f", "-"];
    if k.minor < 27 {
        args.push("--validate=false");
    }
    let stderr = k.fails(&args, Some(&config));
    assert!(stderr.contains("conflict"), "{stderr}");
    assert!(stderr.contains(".data.mode"), "{stderr}");

    let pod = "\
apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: web}}
spec:
  containers:
  - {name: c, image: busybox}
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  selector: {app: web}
  ports:
  - {port: 80}
";
    assert_eq!(
        k.with_manifest("create", pod, &[]),
        "pod/p created\nservice/s created\n"
    );
    assert_table(
        &k.ok(&["get", "pods"]),
        &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        &[&["p", "0/1", "Pending", "0"]],
    );
    let services = k.ok(&["get", "services", "s"]);
    let rows = harness::table(&services);
    assert_eq!(
        rows[0],
        [
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE"
        ]
    );
    assert_eq!(
        (rows[1][0].as_str(), rows[1][1].as_str()),
        ("s", "ClusterIP")
    );
    assert_eq!(rows[1][4], "80/TCP");
    assert_table(
        &k.ok(&["get", "namespaces"]),
        &["NAME", "STATUS", "AGE"],
        &[
            &["default", "Active"],
            &["kube-node-lease", "Active"],
            &["kube-public", "Active"],
            &["kube-system", "Active"],
        ],
    );
    assert_table(
        &k.ok(&["get", "serviceaccounts"]),
        &["NAME", "SECRETS", "AGE"],
        &[&["default", "0"]],
    );
}

#[test]
fn label_selectors() {
    let Some((_server, mut k)) = setup("label_selectors") else {
        return;
    };
    k.validate = false;
    let mut manifest = String::new();
    for (name, labels) in [
        ("a", "{app: web, tier: front}"),
        ("b", "{app: web, tier: back}"),
        ("c", "{app: db, tier: back}"),
        ("d", "{app: db}"),
    ] {
        manifest.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}, labels: {labels}}}\n"
        ));
    }
    k.with_manifest("create", &manifest, &[]);
    let names = |selector: &str| {
        k.ok(&[
            "get",
            "configmaps",
            "-l",
            selector,
            "-o",
            "jsonpath={.items[*].metadata.name}",
        ])
    };
    assert_eq!(names("app=web"), "a b");
    assert_eq!(names("app==db,tier=back"), "c");
    assert_eq!(names("app!=web"), "c d kube-root-ca.crt");
    assert_eq!(names("tier in (front,back)"), "a b c");
    assert_eq!(names("tier notin (back),app"), "a d");
    assert_eq!(names("tier"), "a b c");
    assert_eq!(names("!tier"), "d kube-root-ca.crt");
    assert_table(
        &k.ok(&["get", "configmaps", "-l", "app in (db)"]),
        &["NAME", "DATA", "AGE"],
        &[&["c", "0"], &["d", "0"]],
    );
    let stderr = k.fails(&["get", "configmaps", "-l", "app in db"], None);
    assert!(stderr.contains("unable to parse requirement"), "{stderr}");
}

#[test]
fn get_watch_sees_an_update() {
    let Some((_server, mut k)) = setup("get_watch_sees_an_update") else {
        return;
    };
    k.validate = false;
    let config = CONFIGMAP.replace("namespace: demo", "namespace: default");
    k.with_manifest("create", &config, &[]);
    let mut watch = k
        .command()
        .args([
            "get",
            "configmap",
            "settings",
            "--watch",
            "--output-watch-events",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = read_lines(watch.stdout.take().unwrap());
    let timeout = Duration::from_secs(15);
    let started = wait_for_line(&lines, timeout, |l| l.starts_with("ADDED"));
    let added = started.unwrap_or_else(|seen| panic!("no ADDED line: {seen:?}"));
    assert_eq!(harness::table(&added)[0][..3], ["ADDED", "settings", "1"]);
    k.ok(&[
        "patch",
        "configmap",
        "settings",
        "--type",
        "merge",
        "-p",
        r#"{"data":{"extra":"x"}}"#,
    ]);
    let modified = wait_for_line(&lines, timeout, |l| l.starts_with("MODIFIED"));
    let _ = watch.kill();
    let _ = watch.wait();
    let modified = modified.unwrap_or_else(|seen| panic!("no MODIFIED line: {seen:?}"));
    // Two keys now.
    assert_eq!(
        harness::table(&modified)[0][..3],
        ["MODIFIED", "settings", "2"]
    );
}

#[test]
fn custom_resource_definitions_and_objects() {
    let Some((_server, k)) = setup("custom_resource_definitions_and_objects") else {
        return;
    };
    let crd = "\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Color, type: string, jsonPath: .spec.color}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, minimum: 1}
              color: {type: string, default: blue}
";
    assert_eq!(
        k.with_manifest("apply", crd, &[]),
        "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n"
    );
    assert_eq!(
        k.ok(&[
            "wait",
            "--for",
            "condition=established",
            "--timeout=20s",
            "crd/widgets.example.com"
        ]),
        "customresourcedefinition.apiextensions.k8s.io/widgets.example.com condition met\n"
    );
    let widget = "\
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1}
spec: {size: 3, color: red}
";
    assert_eq!(
        k.with_manifest("apply", widget, &[]),
        "widget.example.com/w1 created\n"
    );
    assert_eq!(
        k.with_manifest(
            "create",
            &widget.replace("w1", "w2").replace(", color: red", ""),
            &[]
        ),
        "widget.example.com/w2 created\n"
    );
    assert_table(
        &k.ok(&["get", "widgets"]),
        &["NAME", "SIZE", "COLOR", "AGE"],
        &[&["w1", "3", "red"], &["w2", "3", "blue"]],
    );
    // The short name, and -o json with the default applied.
    let w2 = k.json(&["get", "wd", "w2"]);
    assert_eq!(w2["spec"], json!({"color": "blue", "size": 3}));
    assert_eq!(w2["metadata"]["generation"], 1);
    assert_eq!(
        k.ok(&[
            "patch",
            "widget",
            "w1",
            "--type",
            "merge",
            "-p",
            r#"{"spec":{"size":4}}"#
        ]),
        "widget.example.com/w1 patched\n"
    );
    assert_eq!(
        k.ok(&[
            "get",
            "widget",
            "w1",
            "-o",
            "jsonpath={.spec.size} {.metadata.generation}"
        ]),
        "4 2"
    );
    // Strategic merge patches are refused for custom resources.
    let stderr = k.fails(
        &[
            "patch",
            "widget",
            "w1",
            "--type",
            "strategic",
            "-p",
            r#"{"spec":{"size":5}}"#,
        ],
        None,
    );
    assert!(
        stderr.contains(
            "the body of the request was in an unknown format - accepted media types include: \
             application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
        ),
        "{stderr}"
    );
    // Schema validation by the server.
    let stderr = k.with_manifest_fails(
        "apply",
        &widget.replace("w1", "bad").replace("size: 3", "size: 0"),
    );
    assert!(
        stderr.contains(r#"The Widget "bad" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1"#),
        "{stderr}"
    );
    assert_eq!(
        k.ok(&["delete", "widget", "w1"]),
        "widget.example.com \"w1\" deleted\n"
    );
    assert_table(
        &k.ok(&["get", "widgets"]),
        &["NAME", "SIZE", "COLOR", "AGE"],
        &[&["w2", "3", "blue"]],
    );
}

/// ConfigMaps `owner` and `dependent` (its ownerReference to `owner`), with
/// `dependent` held by a finalizer when `hold`.
fn owner_and_dependent(k: &harness::Kubectl, suffix: &str, hold: bool) -> (String, String) {
    let owner = format!("owner-{suffix}");
    let dependent = format!("dependent-{suffix}");
    k.with_manifest(
        "create",
        &format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {owner}}}\n"),
        &[],
    );
    let uid = k.ok(&["get", "configmap", &owner, "-o", "jsonpath={.metadata.uid}"]);
    let finalizers = if hold {
        "\n  finalizers: [example.com/hold]"
    } else {
        ""
    };
    assert_eq!(
        k.with_manifest(
            "create",
            &format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {dependent}{finalizers}\n  ownerReferences:\n  - {{apiVersion: v1, kind: ConfigMap, name: {owner}, uid: {uid}, blockOwnerDeletion: true}}\n"
            ),
            &[],
        ),
        format!("configmap/{dependent} created\n")
    );
    (owner, dependent)
}

#[test]
fn cascading_deletes() {
    let Some((_server, mut k)) = setup("cascading_deletes") else {
        return;
    };
    k.validate = false;
    let exists = |name: &str| {
        let output = k.run(&["get", "configmap", name, "-o", "name"], None);
        match output.status.success() {
            true => true,
            false => {
                let stderr = String::from_utf8_lossy(&output.stderr);
                assert!(stderr.contains("(NotFound)"), "{stderr}");
                false
            }
        }
    };

    // Background: the dependent goes with its owner.
    let (owner, dependent) = owner_and_dependent(&k, "bg", false);
    assert_eq!(
        k.ok(&["delete", "configmap", &owner, "--cascade=background"]),
        format!("configmap \"{owner}\" deleted\n")
    );
    assert!(!exists(&owner));
    assert!(!exists(&dependent));

    // Orphan: the dependent stays without its ownerReference.
    let (owner, dependent) = owner_and_dependent(&k, "orphan", false);
    assert_eq!(
        k.ok(&["delete", "configmap", &owner, "--cascade=orphan"]),
        format!("configmap \"{owner}\" deleted\n")
    );
    assert!(!exists(&owner));
    let kept = k.json(&["get", "configmap", &dependent]);
    assert_eq!(kept["metadata"].get("ownerReferences"), None, "{kept}");

    // Foreground: the owner waits, marked for deletion, while a blocking
    // dependent is held by a finalizer; releasing it finishes both.
    let (owner, dependent) = owner_and_dependent(&k, "fg", true);
    assert_eq!(
        k.ok(&[
            "delete",
            "configmap",
            &owner,
            "--cascade=foreground",
            "--wait=false"
        ]),
        format!("configmap \"{owner}\" deleted\n")
    );
    let waiting = k.json(&["get", "configmap", &owner]);
    assert!(
        waiting["metadata"]["deletionTimestamp"].is_string(),
        "{waiting}"
    );
    assert_eq!(
        waiting["metadata"]["finalizers"],
        json!(["foregroundDeletion"])
    );
    let held = k.json(&["get", "configmap", &dependent]);
    assert!(held["metadata"]["deletionTimestamp"].is_string(), "{held}");
    k.ok(&[
        "patch",
        "configmap",
        &dependent,
        "--type",
        "json",
        "-p",
        r#"[{"op":"remove","path":"/metadata/finalizers"}]"#,
    ]);
    assert!(!exists(&dependent));
    assert!(!exists(&owner));

    // A Deployment owning a ReplicaSet, deleted in the foreground (kubectl
    // waits until both are gone).
    let deployment = DEPLOYMENT.replace("  namespace: demo\n", "");
    k.with_manifest("create", &deployment, &[]);
    let uid = k.ok(&["get", "deployment", "web", "-o", "jsonpath={.metadata.uid}"]);
    let replicaset = format!(
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web-1\n  labels: {{app: web}}\n  ownerReferences:\n  - {{apiVersion: apps/v1, kind: Deployment, name: web, uid: {uid}, controller: true, blockOwnerDeletion: true}}\nspec:\n  replicas: 0\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - {{name: nginx, image: nginx}}\n"
    );
    assert_eq!(
        k.with_manifest("create", &replicaset, &[]),
        "replicaset.apps/web-1 created\n"
    );
    assert_table(
        &k.ok(&["get", "replicasets"]),
        &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        &[&["web-1", "0", "0", "0"]],
    );
    assert_eq!(
        k.ok(&["delete", "deployment", "web", "--cascade=foreground"]),
        "deployment.apps \"web\" deleted\n"
    );
    assert_eq!(k.ok(&["get", "deployments,replicasets", "-o", "name"]), "");
}
