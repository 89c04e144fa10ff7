use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Inner {
    a: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, kubegen::KubeSchema, kubegen::Resource)]
#[resource(group = "example.com", version = "v1", kind = "Thing")]
struct ThingSpec {
    inner: Inner,
}

fn main() {}
