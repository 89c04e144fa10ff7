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
            }
        }
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
    if let Some(spec) = object(map, "spec") {
        default(spec, "finalizers", json!(["kubernetes"]));
    }
    if let Some(status) = object(map, "status") {
        default(status, "phase", json!("Active"));
    }
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
