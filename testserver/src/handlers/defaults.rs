//! Defaults the real server fills into built-in objects (the `SetDefaults_*`
//! functions of kube-apiserver for the common kinds), and objects the control
//! plane creates itself.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::registry::ResourceInfo;
use crate::storage::{State, meta};

fn object<'a>(map: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Map<String, Value>> {
    let entry = map.entry(key).or_insert_with(|| json!({}));
    if entry.is_null() {
        *entry = json!({});
    }
    entry.as_object_mut()
}

fn default(map: &mut Map<String, Value>, key: &str, value: Value) {
    if map.get(key).is_none_or(Value::is_null) {
        map.insert(key.to_owned(), value);
    }
}

/// Fills in the defaults of a built-in object.
pub fn apply(resource: &ResourceInfo, value: &mut Value) {
    if resource.custom {
        return;
    }
    let Some(map) = value.as_object_mut() else {
        return;
    };
    match (resource.group.as_str(), resource.kind.as_str()) {
        ("", "Namespace") => namespace(map),
        ("", "Pod") => {
            if let Some(spec) = object_field(map, "spec") {
                pod_spec(spec);
                default(spec, "enableServiceLinks", json!(true));
            }
        }
        ("", "Secret") => secret(map),
        ("apps", "Deployment") => {
            if let Some(spec) = object_field(map, "spec") {
                default(spec, "replicas", json!(1));
                if let Some(strategy) = object(spec, "strategy") {
                    default(strategy, "type", json!("RollingUpdate"));
                    if strategy.get("type") == Some(&json!("RollingUpdate")) {
                        if let Some(rolling) = object(strategy, "rollingUpdate") {
                            default(rolling, "maxUnavailable", json!("25%"));
                            default(rolling, "maxSurge", json!("25%"));
                        }
                    }
                }
                default(spec, "revisionHistoryLimit", json!(10));
                default(spec, "progressDeadlineSeconds", json!(600));
                template(spec);
            }
            default(map, "status", json!({}));
        }
        ("apps", "ReplicaSet") => {
            if let Some(spec) = object_field(map, "spec") {
                default(spec, "replicas", json!(1));
                template(spec);
            }
            default(map, "status", json!({"replicas": 0}));
        }
        ("apps", "StatefulSet" | "DaemonSet") | ("batch", "Job") => {
            if let Some(spec) = object_field(map, "spec") {
                template(spec);
            }
        }
        _ => {}
    }
}

fn object_field<'a>(
    map: &'a mut Map<String, Value>,
    key: &str,
) -> Option<&'a mut Map<String, Value>> {
    map.get_mut(key).and_then(Value::as_object_mut)
}

fn namespace(map: &mut Map<String, Value>) {
    let name = map
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if let Some(metadata) = object(map, "metadata") {
        if !name.is_empty() {
            if let Some(labels) = object(metadata, "labels") {
                labels.insert("kubernetes.io/metadata.name".into(), json!(name));
            }
        }
    }
}

/// What the registries' `PrepareForCreate` and the admission plugins add to a
/// new object after defaulting (and after its managedFields are recorded,
/// which therefore do not list these fields): a namespace's finalizer and
/// phase, a pod's service account, tolerations and status.
pub fn prepare_for_create(resource: &ResourceInfo, value: &mut Value) {
    if resource.custom || !resource.group.is_empty() {
        return;
    }
    match resource.kind.as_str() {
        "Namespace" => {
            if let Some(map) = value.as_object_mut() {
                if let Some(spec) = object(map, "spec") {
                    default(spec, "finalizers", json!(["kubernetes"]));
                }
                if let Some(status) = object(map, "status") {
                    default(status, "phase", json!("Active"));
                }
            }
        }
        "Pod" => admit_pod(value),
        _ => {}
    }
}

/// `stringData` folded into `data` (base64), and the default type.
fn secret(map: &mut Map<String, Value>) {
    use base64::Engine;
    if let Some(Value::Object(strings)) = map.remove("stringData") {
        if let Some(data) = object(map, "data") {
            for (key, value) in strings {
                let text = value.as_str().unwrap_or("");
                let encoded = base64::engine::general_purpose::STANDARD.encode(text);
                data.insert(key, Value::String(encoded));
            }
        }
    }
    default(map, "type", json!("Opaque"));
}

fn template(spec: &mut Map<String, Value>) {
    let Some(template) = object_field(spec, "template") else {
        return;
    };
    if let Some(metadata) = object(template, "metadata") {
        default(metadata, "creationTimestamp", Value::Null);
        metadata.entry("creationTimestamp").or_insert(Value::Null);
    }
    if let Some(pod) = object_field(template, "spec") {
        pod_spec(pod);
    }
}

fn pod_spec(spec: &mut Map<String, Value>) {
    for list in ["initContainers", "containers"] {
        if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for container in containers.iter_mut().filter_map(Value::as_object_mut) {
                default(container, "resources", json!({}));
                default(
                    container,
                    "terminationMessagePath",
                    json!("/dev/termination-log"),
                );
                default(container, "terminationMessagePolicy", json!("File"));
                let image = container.get("image").and_then(Value::as_str).unwrap_or("");
                let tag = image.rsplit('/').next().unwrap_or("");
                let policy =
                    if image.contains('@') || (tag.contains(':') && !tag.ends_with(":latest")) {
                        "IfNotPresent"
                    } else {
                        "Always"
                    };
                default(container, "imagePullPolicy", json!(policy));
                if let Some(ports) = container.get_mut("ports").and_then(Value::as_array_mut) {
                    for port in ports.iter_mut().filter_map(Value::as_object_mut) {
                        default(port, "protocol", json!("TCP"));
                    }
                }
            }
        }
    }
    default(spec, "restartPolicy", json!("Always"));
    default(spec, "terminationGracePeriodSeconds", json!(30));
    default(spec, "dnsPolicy", json!("ClusterFirst"));
    default(spec, "securityContext", json!({}));
    default(spec, "schedulerName", json!("default-scheduler"));
}

/// What the admission plugins of a real cluster add to a new Pod: the
/// ServiceAccount and its token volume (ServiceAccount), the not-ready and
/// unreachable tolerations (DefaultTolerationSeconds), the priority
/// (Priority), and the initial status with the QoS class.
pub fn admit_pod(pod: &mut Value) {
    let Some(map) = pod.as_object_mut() else {
        return;
    };
    let volume = format!("kube-api-access-{}", meta::random_suffix());
    if let Some(spec) = object_field(map, "spec") {
        default(spec, "serviceAccountName", json!("default"));
        let account = spec
            .get("serviceAccountName")
            .cloned()
            .unwrap_or(json!("default"));
        default(spec, "serviceAccount", account);
        let mount_token = spec.get("automountServiceAccountToken") != Some(&json!(false));
        if mount_token {
            let volumes = spec.entry("volumes").or_insert_with(|| json!([]));
            if let Some(volumes) = volumes.as_array_mut() {
                volumes.push(json!({"name": volume, "projected": {"sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                    {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
                ], "defaultMode": 420}}));
            }
            for list in ["initContainers", "containers"] {
                if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
                    for container in containers.iter_mut().filter_map(Value::as_object_mut) {
                        let mounts = container.entry("volumeMounts").or_insert_with(|| json!([]));
                        if let Some(mounts) = mounts.as_array_mut() {
                            mounts.push(json!({"name": volume, "readOnly": true,
                                "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}));
                        }
                    }
                }
            }
        }
        let tolerations = spec.entry("tolerations").or_insert_with(|| json!([]));
        if let Some(tolerations) = tolerations.as_array_mut() {
            for key in [
                "node.kubernetes.io/not-ready",
                "node.kubernetes.io/unreachable",
            ] {
                if !tolerations
                    .iter()
                    .any(|t| t.get("key") == Some(&json!(key)))
                {
                    tolerations.push(json!({"key": key, "operator": "Exists",
                        "effect": "NoExecute", "tolerationSeconds": 300}));
                }
            }
        }
        default(spec, "priority", json!(0));
        default(spec, "preemptionPolicy", json!("PreemptLowerPriority"));
    }
    let qos = qos_class(map.get("spec"));
    if let Some(status) = object(map, "status") {
        default(status, "phase", json!("Pending"));
        default(status, "qosClass", json!(qos));
    }
}

/// The QoS class of a pod spec: `Guaranteed` when every container limits and
/// requests CPU and memory equally, `BestEffort` when none asks for anything.
fn qos_class(spec: Option<&Value>) -> &'static str {
    let containers: Vec<&Value> = ["initContainers", "containers"]
        .iter()
        .filter_map(|list| spec.and_then(|s| s.get(*list)).and_then(Value::as_array))
        .flatten()
        .collect();
    let resources = |c: &Value, kind: &str| -> Map<String, Value> {
        c.pointer(&format!("/resources/{kind}"))
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    if containers
        .iter()
        .all(|c| resources(c, "requests").is_empty() && resources(c, "limits").is_empty())
    {
        return "BestEffort";
    }
    let guaranteed = containers.iter().all(|c| {
        let limits = resources(c, "limits");
        let requests = resources(c, "requests");
        ["cpu", "memory"].iter().all(|r| {
            limits.get(*r).is_some() && requests.get(*r).is_none_or(|v| Some(v) == limits.get(*r))
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// The `default` ServiceAccount the ServiceAccount controller puts in every namespace.
pub fn default_service_account(state: &mut State, namespace: &str, now: &str) {
    let table: Arc<str> = Arc::from("/serviceaccounts");
    let object = json!({
        "kind": "ServiceAccount",
        "apiVersion": "v1",
        "metadata": {"name": "default", "namespace": namespace, "uid": meta::new_uid(),
            "resourceVersion": "", "creationTimestamp": now}
    });
    state.put(&table, (namespace.to_owned(), "default".to_owned()), object);
}

/// The `kube-root-ca.crt` ConfigMap the root CA publisher puts in every namespace.
pub fn root_ca_configmap(state: &mut State, namespace: &str, ca_pem: &str, now: &str) {
    let table: Arc<str> = Arc::from("/configmaps");
    let object = json!({
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {
            "name": "kube-root-ca.crt",
            "namespace": namespace,
            "uid": meta::new_uid(),
            "resourceVersion": "",
            "creationTimestamp": now,
            "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."},
            "managedFields": [{"manager": "kube-controller-manager", "operation": "Update",
                "apiVersion": "v1", "time": now, "fieldsType": "FieldsV1",
                "fieldsV1": {"f:data": {".": {}, "f:ca.crt": {}},
                    "f:metadata": {"f:annotations": {".": {}, "f:kubernetes.io/description": {}}}}}]
        },
        "data": {"ca.crt": ca_pem}
    });
    state.put(
        &table,
        (namespace.to_owned(), "kube-root-ca.crt".to_owned()),
        object,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Builtin;

    #[test]
    fn deployments_get_the_real_defaults() {
        let builtin = Builtin::load().unwrap();
        let deployments = builtin
            .resources
            .iter()
            .find(|r| r.group == "apps" && r.plural == "deployments")
            .unwrap();
        let mut object = json!({"metadata": {"name": "web"}, "spec": {"selector": {},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}}});
        apply(deployments, &mut object);
        assert_eq!(object["spec"]["replicas"], 1);
        assert_eq!(
            object["spec"]["strategy"]["rollingUpdate"]["maxSurge"],
            "25%"
        );
        assert!(object["spec"]["template"]["metadata"]["creationTimestamp"].is_null());
        let container = &object["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(container["imagePullPolicy"], "IfNotPresent");
        assert_eq!(
            object["spec"]["template"]["spec"]["schedulerName"],
            "default-scheduler"
        );
        assert_eq!(object["status"], json!({}));
    }
}
