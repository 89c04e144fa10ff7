//! Kinds declared with `#[derive(Resource)]`, shared by the derive's tests:
//! `kubegen-tests` checks their CRDs, and `kubegen-derive-roundtrip` feeds
//! those CRDs to the generator in its build script and reads values of these
//! types back through the generated ones.
#![allow(missing_docs)]

use std::collections::{BTreeMap, BTreeSet};

use kubegen::{IntOrString, KubeSchema, ObjectMeta, Quantity};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The size of a widget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    Small,
    Large,
    #[serde(rename = "XL")]
    ExtraLarge,
}

/// A port a widget listens on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema)]
pub struct Port {
    /// The port's name, unique in the list.
    pub name: String,
    #[schema(minimum = 1, maximum = 65535)]
    pub port: i32,
    pub protocol: Option<String>,
}

/// Fields several specs share.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema)]
#[serde(rename_all = "camelCase")]
pub struct Common {
    pub owner_team: String,
}

/// A widget: something that is scaled and coloured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema, kubegen::Resource)]
#[resource(
    group = "example.com",
    version = "v1",
    kind = "Widget",
    shortnames = ["wd"],
    categories = ["all"],
    status = WidgetStatus,
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas",
        label_selector_path = ".status.selector"
    ),
    printcolumn(name = "Replicas", type = "integer", json_path = ".spec.replicas"),
    printcolumn(name = "Age", type = "date", json_path = ".metadata.creationTimestamp", priority = 1, description = "How old"),
    selectable(json_path = ".spec.color"),
    validation(rule = "self.metadata.name.size() < 64", message = "short names"),
    annotation("example.com/owner", "widgets"),
)]
#[serde(rename_all = "camelCase")]
#[schema(validation(
    rule = "self.replicas <= 10 || self.color != 'red'",
    field_path = ".replicas"
))]
pub struct WidgetSpec {
    /// How many widgets.
    #[schema(minimum = 0, maximum = 100)]
    pub replicas: i32,
    #[schema(pattern = "^[a-z]+$", min_length = 1, max_length = 20)]
    pub color: String,
    pub size: Option<Size>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub max_surge: Option<IntOrString>,
    pub memory: Option<Quantity>,
    /// Anything goes.
    pub config: Option<Value>,
    #[schema(list_type = "map", list_map_keys = ["name"], max_items = 8)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,
    #[serde(skip)]
    pub cache: Option<String>,
    #[serde(rename = "selector")]
    pub label_selector: Option<kubegen::LabelSelector>,
    #[schema(default = "blue", enum = ["blue", "green"])]
    pub theme: Option<String>,
    #[schema(validation(
        rule = "self.all(x, x > 0)",
        message = "positive",
        reason = "FieldValueInvalid"
    ))]
    pub weights: Option<Vec<i64>>,
    pub tags: Option<BTreeSet<String>>,
    pub ratio: Option<f64>,
    pub enabled: Option<bool>,
    #[serde(flatten)]
    pub common: Common,
}

/// What a widget reports.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, KubeSchema)]
pub struct WidgetStatus {
    pub replicas: Option<i32>,
    pub selector: Option<String>,
    #[serde(default)]
    pub conditions: Vec<kubegen::Condition>,
    #[serde(rename = "lastUpdate")]
    pub last_update: Option<kubegen::Time>,
}

/// A gadget, declared as the whole object.
#[derive(Clone, Debug, PartialEq, kubegen::Resource)]
#[resource(
    group = "example.com",
    version = "v1alpha1",
    cluster,
    plural = "gadgetry",
    deprecated(warning = "use v1")
)]
pub struct Gadget {
    pub metadata: ObjectMeta,
    pub spec: GadgetSpec,
    pub status: Option<GadgetStatus>,
    #[serde(default)]
    pub notes: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema)]
pub struct GadgetSpec {
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
    pub mode: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema)]
pub struct GadgetStatus {
    pub ready: bool,
    pub owner: Option<Owner>,
    pub port: Option<PortNumber>,
}

/// Serialized as its one field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema)]
#[serde(transparent)]
pub struct Owner {
    pub name: String,
}

/// A newtype: its inner value on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema)]
pub struct PortNumber(pub u16);

/// A tree: recursive, so its CRD cannot be written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema, kubegen::Resource)]
#[resource(group = "example.com", version = "v1", kind = "Tree")]
pub struct TreeSpec {
    pub root: Node,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema)]
pub struct Node {
    pub children: Vec<Node>,
}

/// A forest: the same recursion, kept as untyped JSON.
#[derive(
    Clone, Debug, Default, PartialEq, Serialize, Deserialize, KubeSchema, kubegen::Resource,
)]
#[resource(
    group = "example.com",
    version = "v1",
    kind = "Forest",
    derive = "Default"
)]
pub struct ForestSpec {
    #[schema(preserve_unknown_fields)]
    pub root: Option<Node>,
}

/// The CRDs of the kinds whose schema can be written (not [`Tree`]'s, which is
/// recursive), in a fixed order.
pub fn crds()
-> Result<Vec<kubegen_api::apiextensions::v1::CustomResourceDefinition>, kubegen::crd::CrdError> {
    Ok(vec![Widget::crd()?, Gadget::crd()?, Forest::crd()?])
}

/// [`crds`] as one YAML stream, as a user would save them for `kubegen generate`.
pub fn crds_yaml() -> Result<String, String> {
    let mut yaml = String::new();
    for crd in crds().map_err(|e| format!("the derived CRDs: {e}"))? {
        yaml.push_str("---\n");
        yaml.push_str(&serde_yaml_ng::to_string(&crd).map_err(|e| format!("CRD as YAML: {e}"))?);
    }
    Ok(yaml)
}
