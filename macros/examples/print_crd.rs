//! Declares a custom resource in Rust and prints its CustomResourceDefinition
//! as YAML, ready for `kubectl apply -f -`:
//!
//! ```text
//! cargo run -p kubegen-macros --example print_crd
//! ```

use std::collections::BTreeMap;

use kubegen::KubeSchema;
use serde::{Deserialize, Serialize};

/// How a backup is taken.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema)]
#[serde(rename_all = "PascalCase")]
pub enum Method {
    /// A filesystem snapshot.
    Snapshot,
    /// A logical dump.
    Dump,
}

/// A scheduled backup of a database.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema, kubegen::Resource)]
#[resource(
    group = "backups.example.com",
    version = "v1",
    kind = "Backup",
    shortnames = ["bk"],
    status = BackupStatus,
    printcolumn(name = "Schedule", type = "string", json_path = ".spec.schedule"),
    printcolumn(name = "Last", type = "date", json_path = ".status.lastRun"),
)]
#[serde(rename_all = "camelCase")]
#[schema(validation(
    rule = "self.keep >= 1 || self.method == 'Dump'",
    message = "snapshots keep at least one"
))]
pub struct BackupSpec {
    /// The cron schedule.
    #[schema(pattern = "^(\\S+ ){4}\\S+$")]
    pub schedule: String,
    /// How many backups to keep.
    #[schema(minimum = 0, maximum = 100, default = 7)]
    #[serde(default)]
    pub keep: i32,
    /// How the backup is taken.
    pub method: Method,
    /// Extra labels for the backup objects.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Storage to reserve, such as `10Gi`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<kubegen::Quantity>,
}

/// What the backup controller reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema)]
#[serde(rename_all = "camelCase")]
pub struct BackupStatus {
    /// When the last backup ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_run: Option<kubegen::Time>,
    /// The latest observations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<kubegen::Condition>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", serde_yaml_ng::to_string(&Backup::crd()?)?);
    Ok(())
}
