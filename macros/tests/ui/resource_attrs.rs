use kubegen::{KubeSchema, ObjectMeta};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema, kubegen::Resource)]
struct NoAttributeSpec {
    a: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema, kubegen::Resource)]
#[resource(group = "example", version = "v1", kind = "Thing", colour = "red", cluster, namespaced)]
#[resource(printcolumn(name = "A", type = "int", json_path = "spec.a"))]
#[resource(scale(spec_replicas_path = ".spec.replicas"), selectable(json_path = "spec.a"))]
#[resource(validation(message = "no rule"), deprecated(until = "v2"))]
struct ThingSpec {
    a: i32,
}

#[derive(Clone, Debug, PartialEq, kubegen::Resource)]
#[resource(group = "example.com", version = "v1", status = WholeStatus, struct = "Other")]
struct Whole {
    metadata: ObjectMeta,
    spec: Option<String>,
    #[serde(skip)]
    cache: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, KubeSchema)]
struct WholeStatus {}

fn main() {}
