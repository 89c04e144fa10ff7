use std::collections::BTreeMap;

use kubegen::KubeSchema;

#[derive(KubeSchema)]
struct Fields {
    #[schema(min_length = 1, maximum = 3)]
    count: i32,
    #[schema(list_map_keys = ["name"], minimun = 1)]
    items: Vec<String>,
    #[schema(list_type = "map")]
    more: Vec<String>,
    #[schema(map_type = "bag", unique_items, max_properties = 2)]
    labels: BTreeMap<String, String>,
    #[schema(validation(rule = "self > 0", reason = "Bad"), default = [1])]
    other: i64,
}

#[derive(KubeSchema)]
enum Shape {
    Circle { radius: f64 },
    Square,
}

#[derive(KubeSchema)]
#[serde(tag = "kind")]
enum Tagged {
    A,
}

#[derive(KubeSchema)]
struct Generic<T> {
    value: T,
}

fn main() {}
