//! What the server serves: every resource of the built-in Kubernetes API
//! (from the catalog that `cargo xtask generate` writes from the IR) and the
//! resources of the CustomResourceDefinitions created through the API.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::schema::{SchemaRef, Schemas};

/// One resource of one group-version, as discovery describes it, plus its schema.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ResourceInfo {
    /// API group; `""` is the core group (`/api/v1`).
    pub group: String,
    /// Version, e.g. `v1`.
    pub version: String,
    /// Kind, e.g. `Deployment`.
    pub kind: String,
    /// The kind of its lists, e.g. `DeploymentList`.
    pub list_kind: String,
    /// The plural resource name used in paths, e.g. `deployments`.
    pub plural: String,
    /// The singular resource name, e.g. `deployment`.
    pub singular: String,
    /// Namespaced (`true`) or cluster-scoped.
    pub namespaced: bool,
    /// The verbs the resource supports (`get`, `list`, `watch`, `create`, …).
    pub verbs: Vec<String>,
    /// Short names (`deploy`).
    pub short_names: Vec<String>,
    /// Categories (`all`).
    pub categories: Vec<String>,
    /// Subresources.
    pub subresources: Subresources,
    /// Columns of Table output beyond the name (CRD `additionalPrinterColumns`).
    pub printer_columns: Vec<PrinterColumn>,
    /// Field selector paths beyond `metadata.name` and `metadata.namespace`.
    pub selectable_fields: Vec<String>,
    /// The schema of the kind: `{"$ref": …}` into the catalog's schemas for
    /// built-ins, the structural `openAPIV3Schema` for custom resources.
    pub schema: Value,
    /// Whether this version is the storage version (always for built-ins).
    pub storage: bool,
    /// Deprecated version.
    pub deprecated: bool,
    /// The warning sent with every request to a deprecated version.
    pub deprecation_warning: Option<String>,
    /// Served from a CustomResourceDefinition.
    pub custom: bool,
}

/// The subresources of a resource.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Subresources {
    /// `/status`.
    pub status: bool,
    /// `/scale`, with where the replica counts live.
    pub scale: Option<ScaleSubresource>,
    /// Every other subresource (`log`, `eviction`, `binding`, `token`…).
    pub other: Vec<String>,
}

/// Where the scale subresource reads and writes replicas.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ScaleSubresource {
    /// e.g. `.spec.replicas`.
    pub spec_replicas_path: String,
    /// e.g. `.status.replicas`.
    pub status_replicas_path: String,
    /// e.g. `.status.selector`.
    pub label_selector_path: Option<String>,
}

/// A column of Table output.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PrinterColumn {
    /// Column name.
    pub name: String,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Format hint (`name`, `date`…).
    pub format: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// 0 shows by default; higher only in wide output.
    pub priority: i32,
    /// JSONPath evaluated against the object.
    pub json_path: String,
}

impl ResourceInfo {
    /// `apps/v1` or `v1`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether the resource supports `verb`.
    pub fn supports(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == verb)
    }
}

/// The built-in catalog as `cargo xtask generate` writes it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Catalog {
    resources: Vec<ResourceInfo>,
    schemas: std::collections::BTreeMap<String, Value>,
}

/// The catalog of the built-in API: generated from the IR of the Kubernetes
/// OpenAPI spec by `cargo xtask generate`, checked in.
const BUILTIN_CATALOG: &str = include_str!("builtin/catalog.json");

/// The built-in resources and the schemas they refer to.
#[derive(Clone, Debug)]
pub struct Builtin {
    /// Every built-in resource of every served group-version.
    pub resources: Vec<Arc<ResourceInfo>>,
    /// Named schemas of the built-in types.
    pub schemas: Arc<Schemas>,
}

impl Builtin {
    /// Parses the embedded catalog.
    pub fn load() -> Result<Builtin, serde_json::Error> {
        let catalog: Catalog = serde_json::from_str(BUILTIN_CATALOG)?;
        Ok(Builtin {
            resources: catalog.resources.into_iter().map(Arc::new).collect(),
            schemas: Arc::new(Schemas::new(catalog.schemas)),
        })
    }

    /// A view of a built-in resource's schema.
    pub fn schema_of<'a>(&'a self, resource: &'a ResourceInfo) -> SchemaRef<'a> {
        self.schemas.view(&resource.schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalog_loads_and_resolves() {
        let builtin = Builtin::load().unwrap();
        let deployments = builtin
            .resources
            .iter()
            .find(|r| r.group == "apps" && r.version == "v1" && r.plural == "deployments")
            .unwrap();
        assert!(deployments.namespaced);
        assert!(deployments.subresources.status);
        assert!(deployments.subresources.scale.is_some());
        let spec = builtin.schema_of(deployments).property("spec").unwrap();
        let containers = spec
            .property("template")
            .and_then(|t| t.property("spec"))
            .and_then(|s| s.property("containers"))
            .unwrap();
        assert_eq!(
            containers.list_kind(),
            crate::schema::ListKind::Map(vec!["name".to_owned()])
        );
    }
}
