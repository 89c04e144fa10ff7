use serde_json::json;

use super::*;
use crate::registry::ResourceInfo;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn resource(group: &str, plural: &str, kind: &str) -> ResourceInfo {
    ResourceInfo {
        group: group.into(),
        version: "v1".into(),
        plural: plural.into(),
        kind: kind.into(),
        list_kind: format!("{kind}List"),
        ..ResourceInfo::default()
    }
}

fn options(now: &str) -> TableOptions {
    TableOptions {
        now: at(now),
        ..TableOptions::default()
    }
}

fn cells(resource: &ResourceInfo, object: &Value, now: &str) -> Value {
    table_with(resource, &[object], None, &options(now))["rows"][0]["cells"].clone()
}

#[test]
fn resources_without_a_printer_get_name_and_created_at() {
    let crds = resource(
        "apiextensions.k8s.io",
        "customresourcedefinitions",
        "CustomResourceDefinition",
    );
    let object = json!({"metadata": {"name": "a.b.c", "resourceVersion": "7", "creationTimestamp": "2026-01-02T03:04:05Z"}});
    let table = table_with(&crds, &[&object], None, &options("2026-01-02T03:05:05Z"));
    let names: Vec<&str> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Name", "Created At"]);
    assert_eq!(table["columnDefinitions"][1]["type"], "date");
    assert_eq!(
        table["rows"][0]["cells"],
        json!(["a.b.c", "2026-01-02T03:04:05Z"])
    );
    assert_eq!(table["metadata"], json!({"resourceVersion": "7"}));
}

#[test]
fn custom_resources_without_columns_show_their_age() {
    let mut widgets = resource("example.com", "widgets", "Widget");
    widgets.custom = true;
    let object = json!({"metadata": {"name": "w", "creationTimestamp": "2026-01-02T03:04:05Z"}});
    let table = table_with(&widgets, &[&object], None, &options("2026-01-02T05:04:05Z"));
    assert_eq!(table["columnDefinitions"][1]["name"], "Age");
    assert_eq!(table["columnDefinitions"][1]["type"], "date");
    assert_eq!(table["rows"][0]["cells"], json!(["w", "120m"]));
}

#[test]
fn custom_columns_format_by_type() {
    let mut widgets = resource("example.com", "widgets", "Widget");
    widgets.custom = true;
    let column = |name: &str, type_: &str, path: &str| PrinterColumn {
        name: name.into(),
        type_: type_.into(),
        json_path: path.into(),
        ..PrinterColumn::default()
    };
    widgets.printer_columns = vec![
        column(
            "Ready",
            "string",
            r#".status.conditions[?(@.type=="Ready")].status"#,
        ),
        column("Spec", "string", ".spec"),
        column("Ratio", "number", ".spec.ratio"),
        column("Count", "integer", ".spec.ratio"),
        column("On", "boolean", ".spec.on"),
        column("Seen", "date", ".status.seen"),
        column("Bad", "date", ".spec.name"),
        column("Missing", "string", ".spec.nothing"),
    ];
    let object = json!({
        "metadata": {"name": "w"},
        "spec": {"ratio": 2.5, "on": true, "name": "x"},
        "status": {"conditions": [{"type": "Ready", "status": "True"}], "seen": "2026-01-01T00:00:00Z"}
    });
    assert_eq!(
        cells(&widgets, &object, "2026-01-01T00:05:00Z"),
        json!([
            "w",
            "True",
            "map[name:x on:true ratio:2.5]",
            2.5,
            2,
            true,
            "5m",
            "<invalid>",
            null
        ])
    );
}

#[test]
fn include_object_and_watch_headers() {
    let cms = resource("", "configmaps", "ConfigMap");
    let object = json!({"kind": "ConfigMap", "metadata": {"name": "c", "resourceVersion": "3"}, "data": {"a": "1"}});
    let mut opts = options("2026-01-01T00:00:00Z");
    opts.include = IncludeObject::None;
    opts.headers = false;
    let table = table_with(&cms, &[&object], None, &opts);
    assert_eq!(table["columnDefinitions"], Value::Null);
    assert_eq!(table["rows"][0]["object"], Value::Null);
    opts.include = IncludeObject::Object;
    assert_eq!(
        table_with(&cms, &[&object], None, &opts)["rows"][0]["object"],
        object
    );
    opts.include = IncludeObject::Metadata;
    assert_eq!(
        table_with(&cms, &[&object], None, &opts)["rows"][0]["object"],
        json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": {"name": "c", "resourceVersion": "3"}})
    );
    assert_eq!(IncludeObject::parse("None"), Some(IncludeObject::None));
    assert_eq!(IncludeObject::parse(""), Some(IncludeObject::Metadata));
    assert_eq!(IncludeObject::parse("All"), None);
}

#[test]
fn list_metadata_keeps_continue_and_remaining_count() {
    let cms = resource("", "configmaps", "ConfigMap");
    let meta = json!({"resourceVersion": "9", "continue": "abc", "remainingItemCount": 4, "selfLink": "x"});
    let table = table_with(&cms, &[], Some(&meta), &options("2026-01-01T00:00:00Z"));
    assert_eq!(
        table["metadata"],
        json!({"resourceVersion": "9", "continue": "abc", "remainingItemCount": 4})
    );
    assert_eq!(table["rows"], json!([]));
}

#[test]
fn pods_print_their_status_as_kubectl_does() {
    let pods = resource("", "pods", "Pod");
    let now = "2026-01-01T01:00:00Z";
    let base = json!({
        "metadata": {"name": "p", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"containers": [{"name": "a"}, {"name": "b"}], "nodeName": "n1"},
    });
    let mut running = base.clone();
    running["status"] = json!({
        "phase": "Running",
        "podIPs": [{"ip": "10.0.0.5"}],
        "containerStatuses": [
            {"name": "a", "ready": true, "restartCount": 2, "state": {"running": {}},
             "lastState": {"terminated": {"finishedAt": "2026-01-01T00:50:00Z", "exitCode": 1}}},
            {"name": "b", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
        ]
    });
    assert_eq!(
        cells(&pods, &running, now),
        json!([
            "p",
            "1/2",
            "CrashLoopBackOff",
            "2 (10m ago)",
            "60m",
            "10.0.0.5",
            "n1",
            "<none>",
            "<none>"
        ])
    );

    let mut done = base.clone();
    done["status"] = json!({"phase": "Succeeded", "containerStatuses": [
        {"name": "a", "state": {"terminated": {"reason": "Completed", "exitCode": 0}}}
    ]});
    let table = table_with(&pods, &[&done], None, &options(now));
    assert_eq!(table["rows"][0]["cells"][2], "Completed");
    assert_eq!(table["rows"][0]["conditions"][0]["reason"], "Succeeded");

    let mut init = base.clone();
    init["spec"]["initContainers"] = json!([{"name": "i1"}, {"name": "i2"}]);
    init["status"] = json!({"phase": "Pending", "initContainerStatuses": [
        {"name": "i1", "state": {"terminated": {"exitCode": 0}}},
        {"name": "i2", "state": {"running": {}}}
    ]});
    assert_eq!(cells(&pods, &init, now)[2], "Init:1/2");

    let mut deleting = base;
    deleting["metadata"]["deletionTimestamp"] = json!("2026-01-01T00:59:00Z");
    deleting["status"] = json!({"phase": "Running"});
    assert_eq!(cells(&pods, &deleting, now)[2], "Terminating");
}

#[test]
fn services_nodes_events_secrets_and_leases() {
    let now = "2026-01-03T00:00:00Z";
    let created = "2026-01-01T00:00:00Z";
    let svc = json!({
        "metadata": {"name": "web", "creationTimestamp": created},
        "spec": {"type": "NodePort", "clusterIPs": ["10.0.0.10"], "selector": {"app": "web"},
                 "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}]}
    });
    assert_eq!(
        cells(&resource("", "services", "Service"), &svc, now),
        json!([
            "web",
            "NodePort",
            "10.0.0.10",
            "<none>",
            "80:30080/TCP,53/UDP",
            "2d",
            "app=web"
        ])
    );
    let lb = json!({"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer", "clusterIPs": ["10.0.0.11"]}});
    assert_eq!(
        cells(&resource("", "services", "Service"), &lb, now)[3],
        "<pending>"
    );

    let node = json!({
        "metadata": {"name": "n1", "creationTimestamp": created,
                     "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "worker"}},
        "spec": {"unschedulable": true},
        "status": {"conditions": [{"type": "Ready", "status": "True"}],
                   "addresses": [{"type": "InternalIP", "address": "192.168.0.2"}],
                   "nodeInfo": {"kubeletVersion": "v1.32.13", "osImage": "Debian"}}
    });
    assert_eq!(
        cells(&resource("", "nodes", "Node"), &node, now),
        json!([
            "n1",
            "Ready,SchedulingDisabled",
            "control-plane,worker",
            "2d",
            "v1.32.13",
            "192.168.0.2",
            "<none>",
            "Debian",
            "<unknown>",
            "<unknown>"
        ])
    );

    let event = json!({
        "metadata": {"name": "e1"},
        "involvedObject": {"kind": "Pod", "name": "p", "fieldPath": "spec.containers{a}"},
        "reason": "Started", "type": "Normal", "message": " started \n",
        "source": {"component": "kubelet", "host": "n1"},
        "firstTimestamp": "2026-01-02T23:00:00Z", "lastTimestamp": "2026-01-02T23:59:00Z", "count": 3
    });
    assert_eq!(
        cells(&resource("", "events", "Event"), &event, now),
        json!([
            "60s",
            "Normal",
            "Started",
            "pod/p",
            "spec.containers{a}",
            "kubelet, n1",
            "started",
            "60m",
            3,
            "e1"
        ])
    );
    let new_event = json!({
        "metadata": {"name": "e2"}, "regarding": {"kind": "Node", "name": "n1"},
        "reason": "R", "type": "Warning", "note": "n", "reportingController": "ctl",
        "eventTime": "2026-01-02T23:59:30.000000Z"
    });
    assert_eq!(
        cells(
            &resource("events.k8s.io", "events", "Event"),
            &new_event,
            now
        ),
        json!([
            "30s", "Warning", "R", "node/n1", "", "ctl", "n", "30s", 1, "e2"
        ])
    );

    let secret = json!({"metadata": {"name": "s", "creationTimestamp": created}, "data": {"a": "", "b": ""}});
    assert_eq!(
        cells(&resource("", "secrets", "Secret"), &secret, now),
        json!(["s", "Opaque", 2, "2d"])
    );
    let lease = json!({"metadata": {"name": "l", "creationTimestamp": created}, "spec": {"holderIdentity": "me"}});
    assert_eq!(
        cells(
            &resource("coordination.k8s.io", "leases", "Lease"),
            &lease,
            now
        ),
        json!(["l", "me", "2d"])
    );
}

#[test]
fn workloads_print_replicas_and_selectors() {
    let now = "2026-01-01T00:00:30Z";
    let template = json!({"spec": {"containers": [{"name": "a", "image": "x:1"}, {"name": "b", "image": "y:2"}]}});
    let rs = json!({
        "metadata": {"name": "rs", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "a"}}, "template": template},
        "status": {"replicas": 2, "readyReplicas": 1}
    });
    assert_eq!(
        cells(&resource("apps", "replicasets", "ReplicaSet"), &rs, now),
        json!(["rs", 3, 2, 1, "30s", "a,b", "x:1,y:2", "app=a"])
    );
    let sts = json!({"metadata": {"name": "s"}, "spec": {"template": template}, "status": {"readyReplicas": 1}});
    assert_eq!(
        cells(&resource("apps", "statefulsets", "StatefulSet"), &sts, now),
        json!(["s", "1/1", "<unknown>", "a,b", "x:1,y:2"])
    );
    let job = json!({
        "metadata": {"name": "j"},
        "spec": {"completions": 2, "template": template},
        "status": {"succeeded": 2, "startTime": "2026-01-01T00:00:00Z", "completionTime": "2026-01-01T00:00:20Z",
                   "conditions": [{"type": "Complete", "status": "True"}]}
    });
    assert_eq!(
        cells(&resource("batch", "jobs", "Job"), &job, now),
        json!([
            "j",
            "Complete",
            "2/2",
            "20s",
            "<unknown>",
            "a,b",
            "x:1,y:2",
            "<none>"
        ])
    );
}

#[test]
fn partial_metadata_forms_and_mismatches() {
    let cms = resource("", "configmaps", "ConfigMap");
    let object = json!({"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}});
    let list = partial_metadata_list(
        &[&object],
        &json!({"resourceVersion": "5", "continue": ""}),
        MetaVersion::V1Beta1,
    );
    assert_eq!(
        list,
        json!({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1beta1",
               "metadata": {"resourceVersion": "5"},
               "items": [{"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1beta1", "metadata": {"name": "c"}}]})
    );
    let err = check_representation(
        Representation::PartialObjectMetadata(MetaVersion::V1),
        &cms,
        true,
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "you requested PartialObjectMetadata, but the requested object is a list (*core.ConfigMapList)"
    );
    let mut widgets = resource("example.com", "widgets", "Widget");
    widgets.custom = true;
    let err = check_representation(
        Representation::PartialObjectMetadataList(MetaVersion::V1),
        &widgets,
        false,
    )
    .unwrap_err();
    assert!(err.message.ends_with("(*unstructured.Unstructured)"));
    assert_eq!(
        go_type_name(
            &resource("rbac.authorization.k8s.io", "roles", "Role"),
            false
        ),
        "*rbac.Role"
    );
}
