//! Printers of core/v1 objects (pods, services, nodes, events…) and leases.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::super::descriptions as d;
use super::super::format::{format_labels, parse_time, since};
use super::{
    AGE, Column, NAME, Printer, Row, at, col, created, int_at, items, len_at, name, or_none,
    str_at, wide,
};

// ---- pods ---------------------------------------------------------------

pub(super) static POD: Printer = Printer {
    columns: &[
        NAME,
        col("Ready", "string", d::POD_READY),
        col("Status", "string", d::POD_STATUS),
        col("Restarts", "string", d::POD_RESTARTS),
        AGE,
        wide("IP", "string", d::POD_IP),
        wide("Node", "string", d::POD_NODE),
        wide("Nominated Node", "string", d::POD_NOMINATED_NODE),
        wide("Readiness Gates", "string", d::POD_READINESS_GATES),
    ],
    row: pod_row,
};

fn condition_true(conditions: &[Value], type_: &str) -> bool {
    conditions
        .iter()
        .any(|c| str_at(c, &["type"]) == type_ && str_at(c, &["status"]) == "True")
}

/// The latest `lastState.terminated.finishedAt` seen so far.
fn later(current: Option<Timestamp>, status: &Value) -> Option<Timestamp> {
    let finished = parse_time(at(status, &["lastState", "terminated", "finishedAt"]));
    match (current, finished) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn terminated_reason(terminated: &Value, prefix: &str) -> String {
    let reason = str_at(terminated, &["reason"]);
    if !reason.is_empty() {
        return format!("{prefix}{reason}");
    }
    let signal = int_at(terminated, &["signal"]);
    if signal != 0 {
        format!("{prefix}Signal:{signal}")
    } else {
        format!("{prefix}ExitCode:{}", int_at(terminated, &["exitCode"]))
    }
}

fn pod_row(pod: &Value, now: Timestamp) -> Row {
    let init_containers = items(pod, &["spec", "initContainers"]);
    let restartable = |name: &str| {
        init_containers
            .iter()
            .any(|c| str_at(c, &["name"]) == name && str_at(c, &["restartPolicy"]) == "Always")
    };
    let total = items(pod, &["spec", "containers"]).len()
        + init_containers
            .iter()
            .filter(|c| str_at(c, &["restartPolicy"]) == "Always")
            .count();
    let conditions = items(pod, &["status", "conditions"]);
    let phase = str_at(pod, &["status", "phase"]);
    let mut reason = match str_at(pod, &["status", "reason"]) {
        "" => phase.to_owned(),
        r => r.to_owned(),
    };
    if conditions.iter().any(|c| {
        str_at(c, &["type"]) == "PodScheduled" && str_at(c, &["reason"]) == "SchedulingGated"
    }) {
        reason = "SchedulingGated".to_owned();
    }
    let row_conditions = match phase {
        "Succeeded" => Some(
            json!([{"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}]),
        ),
        "Failed" => Some(
            json!([{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]),
        ),
        _ => None,
    };

    let mut restarts = 0;
    let mut restartable_restarts = 0;
    let mut ready = 0;
    let mut last_restart: Option<Timestamp> = None;
    let mut last_restartable_restart: Option<Timestamp> = None;
    let mut initializing = false;
    for (i, status) in items(pod, &["status", "initContainerStatuses"])
        .iter()
        .enumerate()
    {
        restarts += int_at(status, &["restartCount"]);
        last_restart = later(last_restart, status);
        let name = str_at(status, &["name"]);
        if restartable(name) {
            restartable_restarts += int_at(status, &["restartCount"]);
            last_restartable_restart = later(last_restartable_restart, status);
        }
        let terminated = at(status, &["state", "terminated"]);
        let waiting_reason = str_at(status, &["state", "waiting", "reason"]);
        if terminated.is_some_and(|t| int_at(t, &["exitCode"]) == 0) {
            continue;
        }
        if restartable(name) && at(status, &["started"]).and_then(Value::as_bool) == Some(true) {
            if at(status, &["ready"]).and_then(Value::as_bool) == Some(true) {
                ready += 1;
            }
            continue;
        }
        reason = match terminated {
            Some(t) => terminated_reason(t, "Init:"),
            None if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" => {
                format!("Init:{waiting_reason}")
            }
            None => format!("Init:{i}/{}", init_containers.len()),
        };
        initializing = true;
        break;
    }

    if !initializing || condition_true(conditions, "Initialized") {
        restarts = restartable_restarts;
        last_restart = last_restartable_restart;
        let mut has_running = false;
        for status in items(pod, &["status", "containerStatuses"]).iter().rev() {
            restarts += int_at(status, &["restartCount"]);
            last_restart = later(last_restart, status);
            let waiting = str_at(status, &["state", "waiting", "reason"]);
            let terminated = at(status, &["state", "terminated"]);
            if !waiting.is_empty() {
                reason = waiting.to_owned();
            } else if let Some(t) = terminated {
                reason = terminated_reason(t, "");
            } else if at(status, &["ready"]).and_then(Value::as_bool) == Some(true)
                && at(status, &["state", "running"]).is_some()
            {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true(conditions, "Ready") {
                "Running".to_owned()
            } else {
                "NotReady".to_owned()
            };
        }
    }

    let deleting = at(pod, &["metadata", "deletionTimestamp"]).is_some_and(|v| !v.is_null());
    if deleting && str_at(pod, &["status", "reason"]) == "NodeLost" {
        reason = "Unknown".to_owned();
    } else if deleting && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".to_owned();
    }

    let restarts_text = match last_restart {
        Some(ts) if restarts != 0 => format!("{restarts} ({} ago)", since(ts, now)),
        _ => restarts.to_string(),
    };
    let pod_ip = items(pod, &["status", "podIPs"])
        .first()
        .map(|ip| str_at(ip, &["ip"]))
        .unwrap_or_default();
    let gates = items(pod, &["spec", "readinessGates"]);
    let readiness_gates = if gates.is_empty() {
        "<none>".to_owned()
    } else {
        let satisfied = gates
            .iter()
            .filter(|gate| {
                let wanted = str_at(gate, &["conditionType"]);
                conditions
                    .iter()
                    .find(|c| str_at(c, &["type"]) == wanted)
                    .is_some_and(|c| str_at(c, &["status"]) == "True")
            })
            .count();
        format!("{satisfied}/{}", gates.len())
    };
    Row {
        cells: vec![
            name(pod),
            json!(format!("{ready}/{total}")),
            json!(reason),
            json!(restarts_text),
            created(pod, now),
            json!(or_none(pod_ip)),
            json!(or_none(str_at(pod, &["spec", "nodeName"]))),
            json!(or_none(str_at(pod, &["status", "nominatedNodeName"]))),
            json!(readiness_gates),
        ],
        conditions: row_conditions,
    }
}

// ---- core objects -------------------------------------------------------

pub(super) static CONFIGMAP: Printer = Printer {
    columns: &[NAME, col("Data", "string", d::CONFIGMAP_DATA), AGE],
    row: |obj, now| {
        vec![
            name(obj),
            json!(len_at(obj, &["data"]) + len_at(obj, &["binaryData"])),
            created(obj, now),
        ]
        .into()
    },
};

pub(super) static SECRET: Printer = Printer {
    columns: &[
        NAME,
        col("Type", "string", d::SECRET_TYPE),
        col("Data", "string", d::SECRET_DATA),
        AGE,
    ],
    row: |obj, now| {
        let type_ = match str_at(obj, &["type"]) {
            "" => "Opaque",
            t => t,
        };
        vec![
            name(obj),
            json!(type_),
            json!(len_at(obj, &["data"])),
            created(obj, now),
        ]
        .into()
    },
};

pub(super) static NAMESPACE: Printer = Printer {
    columns: &[NAME, col("Status", "string", d::NAMESPACE_STATUS), AGE],
    row: |obj, now| {
        vec![
            name(obj),
            json!(str_at(obj, &["status", "phase"])),
            created(obj, now),
        ]
        .into()
    },
};

pub(super) static SERVICE_ACCOUNT: Printer = Printer {
    columns: &[
        NAME,
        col("Secrets", "string", d::SERVICE_ACCOUNT_SECRETS),
        AGE,
    ],
    row: |obj, now| {
        vec![
            name(obj),
            json!(len_at(obj, &["secrets"])),
            created(obj, now),
        ]
        .into()
    },
};

pub(super) static LEASE: Printer = Printer {
    columns: &[NAME, col("Holder", "string", d::LEASE_HOLDER), AGE],
    row: |obj, now| {
        vec![
            name(obj),
            json!(str_at(obj, &["spec", "holderIdentity"])),
            created(obj, now),
        ]
        .into()
    },
};

pub(super) static SERVICE: Printer = Printer {
    columns: &[
        NAME,
        col("Type", "string", d::SERVICE_TYPE),
        col("Cluster-IP", "string", d::SERVICE_CLUSTER_IP),
        col("External-IP", "string", d::SERVICE_EXTERNAL_IPS),
        col("Port(s)", "string", d::SERVICE_PORTS),
        AGE,
        wide("Selector", "string", d::SERVICE_SELECTOR),
    ],
    row: service_row,
};

fn service_row(svc: &Value, now: Timestamp) -> Row {
    let type_ = match str_at(svc, &["spec", "type"]) {
        "" => "ClusterIP",
        t => t,
    };
    let cluster_ip = items(svc, &["spec", "clusterIPs"])
        .first()
        .and_then(Value::as_str)
        .unwrap_or_default();
    let external: Vec<&str> = items(svc, &["spec", "externalIPs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let external_ip = match type_ {
        "ClusterIP" | "NodePort" if external.is_empty() => "<none>".to_owned(),
        "ClusterIP" | "NodePort" => external.join(","),
        "LoadBalancer" => {
            let mut ingress: Vec<&str> = items(svc, &["status", "loadBalancer", "ingress"])
                .iter()
                .map(|i| match str_at(i, &["ip"]) {
                    "" => str_at(i, &["hostname"]),
                    ip => ip,
                })
                .filter(|s| !s.is_empty())
                .collect();
            ingress.sort_unstable();
            ingress.dedup();
            let mut all: Vec<&str> = ingress;
            all.extend(external.iter().copied());
            if all.is_empty() {
                "<pending>".to_owned()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => str_at(svc, &["spec", "externalName"]).to_owned(),
        _ => "<unknown>".to_owned(),
    };
    let ports: Vec<String> = items(svc, &["spec", "ports"])
        .iter()
        .map(|p| {
            let protocol = match str_at(p, &["protocol"]) {
                "" => "TCP",
                p => p,
            };
            let node_port = int_at(p, &["nodePort"]);
            if node_port > 0 {
                format!("{}:{node_port}/{protocol}", int_at(p, &["port"]))
            } else {
                format!("{}/{protocol}", int_at(p, &["port"]))
            }
        })
        .collect();
    vec![
        name(svc),
        json!(type_),
        json!(or_none(cluster_ip)),
        json!(external_ip),
        json!(or_none(&ports.join(","))),
        created(svc, now),
        json!(format_labels(at(svc, &["spec", "selector"]))),
    ]
    .into()
}

pub(super) static ENDPOINTS: Printer = Printer {
    columns: &[NAME, col("Endpoints", "string", d::ENDPOINTS_SUBSETS), AGE],
    row: |obj, now| {
        vec![
            name(obj),
            json!(format_endpoints(items(obj, &["subsets"]))),
            created(obj, now),
        ]
        .into()
    },
};

/// `formatEndpoints` with all ports: up to three `ip:port`, then `+ N more...`.
fn format_endpoints(subsets: &[Value]) -> String {
    if subsets.is_empty() {
        return "<none>".to_owned();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut count = 0;
    let mut more = false;
    for subset in subsets {
        let addresses = items(subset, &["addresses"]);
        let ports = items(subset, &["ports"]);
        if ports.is_empty() {
            count += addresses.len();
            for address in addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(str_at(address, &["ip"]).to_owned());
            }
            continue;
        }
        for port in ports {
            count += addresses.len();
            for address in addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                let ip = str_at(address, &["ip"]);
                let port = int_at(port, &["port"]);
                list.push(if ip.contains(':') {
                    format!("[{ip}]:{port}")
                } else {
                    format!("{ip}:{port}")
                });
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count - MAX)
    } else {
        joined
    }
}

pub(super) static NODE: Printer = Printer {
    columns: &[
        NAME,
        col("Status", "string", d::NODE_STATUS),
        col("Roles", "string", d::NODE_ROLES),
        AGE,
        col("Version", "string", d::NODE_VERSION),
        wide("Internal-IP", "string", d::NODE_ADDRESSES),
        wide("External-IP", "string", d::NODE_ADDRESSES),
        wide("OS-Image", "string", d::NODE_OS_IMAGE),
        wide("Kernel-Version", "string", d::NODE_KERNEL),
        wide("Container-Runtime", "string", d::NODE_RUNTIME),
    ],
    row: node_row,
};

fn node_row(node: &Value, now: Timestamp) -> Row {
    let mut status: Vec<String> = Vec::new();
    if let Some(ready) = items(node, &["status", "conditions"])
        .iter()
        .rev()
        .find(|c| str_at(c, &["type"]) == "Ready")
    {
        status.push(if str_at(ready, &["status"]) == "True" {
            "Ready".to_owned()
        } else {
            "NotReady".to_owned()
        });
    }
    if status.is_empty() {
        status.push("Unknown".to_owned());
    }
    if at(node, &["spec", "unschedulable"]).and_then(Value::as_bool) == Some(true) {
        status.push("SchedulingDisabled".to_owned());
    }
    let mut roles: Vec<String> = at(node, &["metadata", "labels"])
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                (!role.is_empty()).then(|| role.to_owned())
            } else if k == "kubernetes.io/role" {
                v.as_str().filter(|v| !v.is_empty()).map(str::to_owned)
            } else {
                None
            }
        })
        .collect();
    roles.sort();
    roles.dedup();
    let address = |type_: &str| {
        items(node, &["status", "addresses"])
            .iter()
            .find(|a| str_at(a, &["type"]) == type_)
            .map_or_else(
                || "<none>".to_owned(),
                |a| str_at(a, &["address"]).to_owned(),
            )
    };
    let info = |field: &str| match str_at(node, &["status", "nodeInfo", field]) {
        "" => "<unknown>".to_owned(),
        v => v.to_owned(),
    };
    vec![
        name(node),
        json!(status.join(",")),
        json!(if roles.is_empty() {
            "<none>".to_owned()
        } else {
            roles.join(",")
        }),
        created(node, now),
        json!(str_at(node, &["status", "nodeInfo", "kubeletVersion"])),
        json!(address("InternalIP")),
        json!(address("ExternalIP")),
        json!(info("osImage")),
        json!(info("kernelVersion")),
        json!(info("containerRuntimeVersion")),
    ]
    .into()
}

// ---- events -------------------------------------------------------------

pub(super) static EVENT: Printer = Printer {
    columns: &[
        col("Last Seen", "string", d::EVENT_LAST_SEEN),
        col("Type", "string", d::EVENT_TYPE),
        col("Reason", "string", d::EVENT_REASON),
        col("Object", "string", d::EVENT_OBJECT),
        wide("Subobject", "string", d::EVENT_SUBOBJECT),
        wide("Source", "string", d::EVENT_SOURCE),
        col("Message", "string", d::EVENT_MESSAGE),
        wide("First Seen", "string", d::EVENT_FIRST_SEEN),
        wide("Count", "string", d::EVENT_COUNT),
        Column {
            priority: 1,
            ..NAME
        },
    ],
    row: event_row,
};

/// Reads core/v1 and events.k8s.io/v1 Events alike (the printer works on the
/// internal type both convert to).
fn event_row(event: &Value, now: Timestamp) -> Row {
    let core = event.get("involvedObject").is_some() || event.get("source").is_some();
    let field = |core_name: &str, events_name: &str| {
        if core {
            event.get(core_name)
        } else {
            event.get(events_name)
        }
    };
    let micro = |v: Option<&Value>| match parse_time(v) {
        Some(ts) => since(ts, now),
        None => "<unknown>".to_owned(),
    };
    let first_value = field("firstTimestamp", "deprecatedFirstTimestamp");
    let first = match parse_time(first_value) {
        Some(ts) => since(ts, now),
        None => micro(event.get("eventTime")),
    };
    let mut last = match parse_time(field("lastTimestamp", "deprecatedLastTimestamp")) {
        Some(ts) => since(ts, now),
        None => first.clone(),
    };
    let mut count = field("count", "deprecatedCount")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if let Some(series) = event.get("series").filter(|s| s.is_object()) {
        last = micro(series.get("lastObservedTime"));
        count = int_at(series, &["count"]);
    } else if count == 0 {
        count = 1;
    }
    let involved = field("involvedObject", "regarding").unwrap_or(&Value::Null);
    let kind = str_at(involved, &["kind"]).to_lowercase();
    let involved_name = str_at(involved, &["name"]);
    let target = if involved_name.is_empty() {
        kind
    } else {
        format!("{kind}/{involved_name}")
    };
    let source = field("source", "deprecatedSource").unwrap_or(&Value::Null);
    let component = first_non_empty(
        str_at(source, &["component"]),
        str_at(event, &["reportingController"]),
    );
    let instance = first_non_empty(
        str_at(source, &["host"]),
        str_at(event, &["reportingInstance"]),
    );
    let source_text = if instance.is_empty() {
        component.to_owned()
    } else {
        format!("{component}, {instance}")
    };
    let message = field("message", "note")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim();
    vec![
        json!(last),
        json!(str_at(event, &["type"])),
        json!(str_at(event, &["reason"])),
        json!(target),
        json!(str_at(involved, &["fieldPath"])),
        json!(source_text),
        json!(message),
        json!(first),
        json!(count),
        name(event),
    ]
    .into()
}

fn first_non_empty<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.is_empty() { b } else { a }
}
