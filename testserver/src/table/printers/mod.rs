//! The printer columns of the common built-in resources, computed as
//! Kubernetes' `pkg/printers/internalversion` computes them with wide output
//! (the server always fills the wide columns; kubectl hides them unless
//! `-o wide`). Resources without a printer here get the default columns
//! (`Name`, `Created At`), see [`super::default_columns`].

use jiff::Timestamp;
use serde_json::{Value, json};

use super::descriptions as d;
use super::format::{self, age, format_label_selector, format_labels, parse_time, since};

mod core;
use core::{
    CONFIGMAP, ENDPOINTS, EVENT, LEASE, NAMESPACE, NODE, POD, SECRET, SERVICE, SERVICE_ACCOUNT,
};

/// A column definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// Header.
    pub name: &'static str,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    pub type_: &'static str,
    /// `name` for the name column, else empty.
    pub format: &'static str,
    /// What the column shows.
    pub description: &'static str,
    /// 0 normally, 1 for wide-only columns.
    pub priority: i32,
}

const fn col(name: &'static str, type_: &'static str, description: &'static str) -> Column {
    Column {
        name,
        type_,
        format: "",
        description,
        priority: 0,
    }
}

const fn wide(name: &'static str, type_: &'static str, description: &'static str) -> Column {
    Column {
        name,
        type_,
        format: "",
        description,
        priority: 1,
    }
}

/// The `Name` column.
pub const NAME: Column = Column {
    name: "Name",
    type_: "string",
    format: "name",
    description: d::NAME,
    priority: 0,
};
const AGE: Column = col("Age", "string", d::CREATION_TIMESTAMP);
const CONTAINERS: Column = wide("Containers", "string", d::CONTAINERS);
const IMAGES: Column = wide("Images", "string", d::IMAGES);

/// One printed row.
pub struct Row {
    /// Cells, one per column.
    pub cells: Vec<Value>,
    /// Row conditions (`Completed` for finished pods).
    pub conditions: Option<Value>,
}

impl From<Vec<Value>> for Row {
    fn from(cells: Vec<Value>) -> Row {
        Row {
            cells,
            conditions: None,
        }
    }
}

/// A built-in printer: its columns and how to compute a row.
pub struct Printer {
    /// Column definitions.
    pub columns: &'static [Column],
    /// The row of one object at `now`.
    pub row: fn(&Value, Timestamp) -> Row,
}

/// The printer of a built-in resource, if it has one here.
pub fn builtin(group: &str, plural: &str) -> Option<&'static Printer> {
    Some(match (group, plural) {
        ("", "pods") => &POD,
        ("", "configmaps") => &CONFIGMAP,
        ("", "secrets") => &SECRET,
        ("", "namespaces") => &NAMESPACE,
        ("", "services") => &SERVICE,
        ("", "endpoints") => &ENDPOINTS,
        ("", "nodes") => &NODE,
        ("", "events") | ("events.k8s.io", "events") => &EVENT,
        ("", "serviceaccounts") => &SERVICE_ACCOUNT,
        ("", "replicationcontrollers") => &REPLICATION_CONTROLLER,
        ("apps", "deployments") => &DEPLOYMENT,
        ("apps", "replicasets") => &REPLICASET,
        ("apps", "statefulsets") => &STATEFULSET,
        ("apps", "daemonsets") => &DAEMONSET,
        ("batch", "jobs") => &JOB,
        ("coordination.k8s.io", "leases") => &LEASE,
        _ => return None,
    })
}

// ---- value access -------------------------------------------------------

fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(*key))
}

fn str_at<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    at(value, path).and_then(Value::as_str).unwrap_or_default()
}

fn int_at(value: &Value, path: &[&str]) -> i64 {
    at(value, path).and_then(Value::as_i64).unwrap_or(0)
}

fn items<'a>(value: &'a Value, path: &[&str]) -> &'a [Value] {
    at(value, path)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn len_at(value: &Value, path: &[&str]) -> i64 {
    match at(value, path) {
        Some(Value::Object(map)) => map.len() as i64,
        Some(Value::Array(list)) => list.len() as i64,
        _ => 0,
    }
}

fn name(obj: &Value) -> Value {
    json!(str_at(obj, &["metadata", "name"]))
}

fn created(obj: &Value, now: Timestamp) -> Value {
    json!(age(at(obj, &["metadata", "creationTimestamp"]), now))
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".to_owned()
    } else {
        s.to_owned()
    }
}

/// `layoutContainerCells`: container names and images, comma-separated.
fn container_cells(containers: &[Value]) -> (Value, Value) {
    let names: Vec<&str> = containers.iter().map(|c| str_at(c, &["name"])).collect();
    let images: Vec<&str> = containers.iter().map(|c| str_at(c, &["image"])).collect();
    (json!(names.join(",")), json!(images.join(",")))
}

fn template_containers(obj: &Value) -> &[Value] {
    items(obj, &["spec", "template", "spec", "containers"])
}

/// `spec.replicas`, which defaulting sets to 1 when absent.
fn desired_replicas(obj: &Value) -> i64 {
    at(obj, &["spec", "replicas"])
        .and_then(Value::as_i64)
        .unwrap_or(1)
}

// ---- workloads ------------------------------------------------------------

static DEPLOYMENT: Printer = Printer {
    columns: &[
        NAME,
        col("Ready", "string", d::READY_PODS),
        col("Up-to-date", "string", d::DEPLOYMENT_UPDATED),
        col("Available", "string", d::DEPLOYMENT_AVAILABLE),
        AGE,
        CONTAINERS,
        IMAGES,
        wide("Selector", "string", d::DEPLOYMENT_SELECTOR),
    ],
    row: |obj, now| {
        let (containers, images) = container_cells(template_containers(obj));
        let selector = format::selector_string(at(obj, &["spec", "selector"]))
            .unwrap_or_else(|| "<invalid>".to_owned());
        vec![
            name(obj),
            json!(format!(
                "{}/{}",
                int_at(obj, &["status", "readyReplicas"]),
                desired_replicas(obj)
            )),
            json!(int_at(obj, &["status", "updatedReplicas"])),
            json!(int_at(obj, &["status", "availableReplicas"])),
            created(obj, now),
            containers,
            images,
            json!(selector),
        ]
        .into()
    },
};

static REPLICASET: Printer = Printer {
    columns: &[
        NAME,
        col("Desired", "integer", d::REPLICASET_DESIRED),
        col("Current", "integer", d::REPLICASET_CURRENT),
        col("Ready", "integer", d::REPLICASET_READY),
        AGE,
        CONTAINERS,
        IMAGES,
        wide("Selector", "string", d::REPLICASET_SELECTOR),
    ],
    row: replicas_row,
};

static REPLICATION_CONTROLLER: Printer = Printer {
    columns: &[
        NAME,
        col("Desired", "integer", d::RC_DESIRED),
        col("Current", "integer", d::RC_CURRENT),
        col("Ready", "integer", d::RC_READY),
        AGE,
        CONTAINERS,
        IMAGES,
        wide("Selector", "string", d::RC_SELECTOR),
    ],
    row: |obj, now| {
        let mut row = replicas_row(obj, now);
        // A ReplicationController's selector is a plain label map.
        if let Some(last) = row.cells.last_mut() {
            *last = json!(format_labels(at(obj, &["spec", "selector"])));
        }
        row
    },
};

fn replicas_row(obj: &Value, now: Timestamp) -> Row {
    let (containers, images) = container_cells(template_containers(obj));
    vec![
        name(obj),
        json!(desired_replicas(obj)),
        json!(int_at(obj, &["status", "replicas"])),
        json!(int_at(obj, &["status", "readyReplicas"])),
        created(obj, now),
        containers,
        images,
        json!(format_label_selector(at(obj, &["spec", "selector"]))),
    ]
    .into()
}

static STATEFULSET: Printer = Printer {
    columns: &[
        NAME,
        col("Ready", "string", d::READY_PODS),
        AGE,
        CONTAINERS,
        IMAGES,
    ],
    row: |obj, now| {
        let (containers, images) = container_cells(template_containers(obj));
        vec![
            name(obj),
            json!(format!(
                "{}/{}",
                int_at(obj, &["status", "readyReplicas"]),
                desired_replicas(obj)
            )),
            created(obj, now),
            containers,
            images,
        ]
        .into()
    },
};

static DAEMONSET: Printer = Printer {
    columns: &[
        NAME,
        col("Desired", "integer", d::DS_DESIRED),
        col("Current", "integer", d::DS_CURRENT),
        col("Ready", "integer", d::DS_READY),
        col("Up-to-date", "integer", d::DS_UPDATED),
        col("Available", "integer", d::DS_AVAILABLE),
        col("Node Selector", "string", d::NODE_SELECTOR),
        AGE,
        CONTAINERS,
        IMAGES,
        wide("Selector", "string", d::DS_SELECTOR),
    ],
    row: |obj, now| {
        let (containers, images) = container_cells(template_containers(obj));
        vec![
            name(obj),
            json!(int_at(obj, &["status", "desiredNumberScheduled"])),
            json!(int_at(obj, &["status", "currentNumberScheduled"])),
            json!(int_at(obj, &["status", "numberReady"])),
            json!(int_at(obj, &["status", "updatedNumberScheduled"])),
            json!(int_at(obj, &["status", "numberAvailable"])),
            json!(format_labels(at(
                obj,
                &["spec", "template", "spec", "nodeSelector"]
            ))),
            created(obj, now),
            containers,
            images,
            json!(format_label_selector(at(obj, &["spec", "selector"]))),
        ]
        .into()
    },
};

static JOB: Printer = Printer {
    columns: &[
        NAME,
        col("Status", "string", d::JOB_STATUS),
        col("Completions", "string", d::JOB_COMPLETIONS),
        col("Duration", "string", d::JOB_DURATION),
        AGE,
        CONTAINERS,
        IMAGES,
        wide("Selector", "string", d::JOB_SELECTOR),
    ],
    row: job_row,
};

fn job_row(job: &Value, now: Timestamp) -> Row {
    let succeeded = int_at(job, &["status", "succeeded"]);
    let completions = match at(job, &["spec", "completions"]).and_then(Value::as_i64) {
        Some(c) => format!("{succeeded}/{c}"),
        None => match int_at(job, &["spec", "parallelism"]) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let start = parse_time(at(job, &["status", "startTime"]));
    let completion = parse_time(at(job, &["status", "completionTime"]));
    let duration = match (start, completion) {
        (None, _) => String::new(),
        (Some(start), None) => since(start, now),
        (Some(start), Some(end)) => since(start, end),
    };
    let conditions = items(job, &["status", "conditions"]);
    // hasJobCondition looks at the first condition of the type only.
    let has = |type_: &str| {
        conditions
            .iter()
            .find(|c| str_at(c, &["type"]) == type_)
            .is_some_and(|c| str_at(c, &["status"]) == "True")
    };
    let status = if has("Complete") {
        "Complete"
    } else if has("Failed") {
        "Failed"
    } else if at(job, &["metadata", "deletionTimestamp"]).is_some_and(|v| !v.is_null()) {
        "Terminating"
    } else if has("Suspended") {
        "Suspended"
    } else if has("FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    };
    let (containers, images) = container_cells(template_containers(job));
    vec![
        name(job),
        json!(status),
        json!(completions),
        json!(duration),
        created(job, now),
        containers,
        images,
        json!(format_label_selector(at(job, &["spec", "selector"]))),
    ]
    .into()
}
