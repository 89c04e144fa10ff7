//! Values of the derived types, a small structural-schema checker, and the
//! generator round trip.

use std::collections::{BTreeMap, BTreeSet};

use kubegen_templates::ir::{Api, Scope, StructDef, TypeDef, TypeRef, UnknownFields, WellKnown};
use serde_json::{Value, json};

use super::{Common, Port, Size, WidgetSpec, WidgetStatus};

/// A small deterministic generator (no dependency for a few numbers).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407)
            | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn maybe(&mut self) -> bool {
        self.below(2) == 0
    }

    fn word(&mut self, max: u64) -> String {
        let len = 1 + self.below(max);
        (0..len)
            .map(|_| (b'a' + self.below(26) as u8) as char)
            .collect()
    }
}

pub fn widget_spec(seed: u64) -> WidgetSpec {
    let mut rng = Rng::new(seed);
    let sizes = [Size::Small, Size::Large, Size::ExtraLarge];
    WidgetSpec {
        replicas: rng.below(101) as i32,
        color: rng.word(20),
        size: rng.maybe().then(|| sizes[rng.below(3) as usize].clone()),
        labels: (0..rng.below(3))
            .map(|i| (format!("k{i}"), rng.word(5)))
            .collect(),
        max_surge: rng.maybe().then(|| {
            if rng.maybe() {
                kubegen::IntOrString::Int(rng.below(10) as i32)
            } else {
                kubegen::IntOrString::String(format!("{}%", rng.below(100)))
            }
        }),
        memory: rng.maybe().then(|| {
            ["1Gi", "500m", "3", "1.5"][rng.below(4) as usize]
                .parse()
                .unwrap()
        }),
        config: rng
            .maybe()
            .then(|| json!({"any": [1, "two", {"three": null}]})),
        ports: (0..rng.below(4))
            .map(|i| Port {
                name: format!("p{i}"),
                port: 1 + rng.below(65535) as i32,
                protocol: rng.maybe().then(|| "TCP".to_owned()),
            })
            .collect(),
        cache: None,
        label_selector: rng.maybe().then(|| kubegen::LabelSelector {
            match_labels: Some(BTreeMap::from([("app".to_owned(), rng.word(4))])),
            match_expressions: None,
        }),
        theme: rng
            .maybe()
            .then(|| ["blue", "green"][rng.below(2) as usize].to_owned()),
        weights: rng
            .maybe()
            .then(|| vec![1 + rng.below(9) as i64; rng.below(3) as usize]),
        tags: rng
            .maybe()
            .then(|| BTreeSet::from([rng.word(3), rng.word(3)])),
        ratio: rng.maybe().then(|| rng.below(1000) as f64 / 7.0),
        enabled: rng.maybe().then(|| rng.maybe()),
        common: Common {
            owner_team: format!("team-{seed}"),
        },
    }
}

pub fn widget_status(seed: u64) -> WidgetStatus {
    let mut rng = Rng::new(seed + 1000);
    let time: kubegen::Time = "2024-01-02T03:04:05Z".parse().unwrap();
    WidgetStatus {
        replicas: rng.maybe().then(|| rng.below(100) as i32),
        selector: rng.maybe().then(|| "app=w".to_owned()),
        conditions: (0..rng.below(3))
            .map(|i| kubegen::Condition {
                type_: format!("Ready{i}"),
                status: "True".into(),
                observed_generation: rng.maybe().then_some(3),
                last_transition_time: time,
                reason: "AsExpected".into(),
                message: String::new(),
            })
            .collect(),
        last_update: rng.maybe().then_some(time),
    }
}

/// Checks `value` against a structural schema: types, required and unknown
/// properties, enums, bounds, lengths and item counts, int-or-string and
/// preserved fields, with nulls of non-nullable fields dropped first as the
/// API server does. (Patterns and CEL rules are the server's business; the
/// test server's pipeline checks the same values too.)
pub fn validate(schema: &Value, value: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    check(schema, value, "", &mut problems);
    problems
}

fn check(schema: &Value, value: &Value, path: &str, problems: &mut Vec<String>) {
    let mut fail = |message: String| problems.push(format!("{path}: {message}"));
    // A null the schema does not allow is dropped by the server (see below).
    if value.is_null() {
        return;
    }
    if let Some(allowed) = schema["enum"].as_array() {
        if !allowed.contains(value) {
            fail(format!("{value} is not one of {allowed:?}"));
        }
    }
    if schema["x-kubernetes-int-or-string"] == true {
        if !(value.is_i64() || value.is_u64() || value.is_string()) {
            fail(format!("{value} is neither an integer nor a string"));
        }
        return;
    }
    let ty = schema["type"].as_str();
    let ok = match ty {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        None => schema["x-kubernetes-preserve-unknown-fields"] == true,
        Some(other) => {
            fail(format!("unknown schema type {other}"));
            return;
        }
    };
    if !ok {
        fail(format!("{value} is not of type {ty:?}"));
        return;
    }
    if let (Some(n), Some(min)) = (value.as_f64(), schema["minimum"].as_f64()) {
        if n < min {
            fail(format!("{n} < minimum {min}"));
        }
    }
    if let (Some(n), Some(max)) = (value.as_f64(), schema["maximum"].as_f64()) {
        if n > max {
            fail(format!("{n} > maximum {max}"));
        }
    }
    if let Some(text) = value.as_str() {
        let len = text.chars().count() as u64;
        if schema["minLength"].as_u64().is_some_and(|min| len < min)
            || schema["maxLength"].as_u64().is_some_and(|max| len > max)
        {
            fail(format!("{text:?} has the wrong length"));
        }
        if schema["format"] == "date-time" && text.parse::<kubegen::Time>().is_err() {
            fail(format!("{text:?} is not a date-time"));
        }
    }
    if let Some(items) = value.as_array() {
        if schema["maxItems"]
            .as_u64()
            .is_some_and(|max| items.len() as u64 > max)
        {
            fail(format!("more than {} items", schema["maxItems"]));
        }
        for (index, item) in items.iter().enumerate() {
            check(
                &schema["items"],
                item,
                &format!("{path}[{index}]"),
                problems,
            );
        }
        return;
    }
    if let Some(object) = value.as_object() {
        let properties = schema["properties"].as_object();
        // The server drops nulls of non-nullable properties before validating.
        let present = |key: &str| match object.get(key) {
            Some(Value::Null) => properties
                .and_then(|p| p.get(key))
                .is_some_and(|p| p["nullable"] == true),
            Some(_) => true,
            None => false,
        };
        for required in schema["required"].as_array().into_iter().flatten() {
            if !present(required.as_str().unwrap_or_default()) {
                problems.push(format!("{path}: missing required {required}"));
            }
        }
        for (key, item) in object {
            let child = format!("{path}.{key}");
            match properties.and_then(|p| p.get(key)) {
                Some(property) => check(property, item, &child, problems),
                None if schema.get("additionalProperties").is_some() => {
                    check(&schema["additionalProperties"], item, &child, problems)
                }
                // `metadata` is `{type: object}`: the server checks it itself.
                None if schema["x-kubernetes-preserve-unknown-fields"] == true
                    || properties.is_none() => {}
                None => problems.push(format!("{child}: unknown property")),
            }
        }
    }
}

/// A coarse description of an IR type, to compare with the Rust types.
fn shape(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Array(item) => format!("[{}]", shape(api, item)),
        TypeRef::Map(value) => format!("{{{}}}", shape(api, value)),
        TypeRef::Named(path) => match api.type_def(path) {
            Some(TypeDef::Enum(def)) => {
                let values: Vec<&str> =
                    def.variants.iter().map(|v| v.wire_value.as_str()).collect();
                format!("enum({})", values.join("|"))
            }
            Some(TypeDef::Struct(_)) => "struct".to_owned(),
            None => "missing".to_owned(),
        },
        TypeRef::WellKnown(known) => format!("{known:?}"),
        other => format!("{other:?}"),
    }
}

fn fields(api: &Api, def: &StructDef) -> Vec<String> {
    def.fields
        .iter()
        .map(|f| {
            let required = if f.required { " required" } else { "" };
            let nullable = if f.nullable { " nullable" } else { "" };
            format!("{}: {}{required}{nullable}", f.wire_name, shape(api, &f.ty))
        })
        .collect()
}

fn struct_at<'a>(api: &'a Api, version: &str, ty: &TypeRef) -> &'a StructDef {
    let TypeRef::Named(path) = ty else {
        panic!("{ty:?} is not a generated type ({version})");
    };
    match api.type_def(path) {
        Some(TypeDef::Struct(def)) => def,
        other => panic!("{path:?}: {other:?}"),
    }
}

/// Writes the CRDs to a file, runs the generator's front end on it, and
/// checks the IR it reads describes the Rust types.
pub fn round_trip(yaml: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crds.yaml");
    std::fs::write(&path, yaml).unwrap();
    let api = kubegen_generator::Builder::new()
        .input(&path)
        .api()
        .unwrap();
    let group = api.group("example.com").expect("the group");
    let versions: Vec<&str> = group.versions.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(versions, ["v1", "v1alpha1"]);

    let v1 = &group.versions[0];
    let widget = &v1.resources[0];
    assert_eq!(
        (widget.kind.as_str(), widget.plural.as_str(), widget.scope),
        ("Widget", "widgets", Scope::Namespaced)
    );
    assert_eq!(widget.short_names, ["wd"]);
    assert_eq!(widget.categories, ["all"]);
    assert!(widget.subresources.status);
    let scale = widget.subresources.scale.as_ref().unwrap();
    assert_eq!(
        scale.label_selector_path.as_deref(),
        Some(".status.selector")
    );
    assert_eq!(widget.printer_columns.len(), 2);
    assert_eq!(widget.printer_columns[1].priority, 1);
    assert_eq!(widget.selectable_fields, [".spec.color"]);
    assert!(widget.storage && widget.served);

    let Some(TypeDef::Struct(root)) = v1.type_def(&widget.type_name) else {
        panic!("no root struct");
    };
    assert_eq!(
        fields(&api, root),
        [
            "metadata: ObjectMeta",
            "spec: struct required",
            "status: struct"
        ]
    );
    let spec = struct_at(&api, "v1", &root.fields[1].ty);
    assert_eq!(
        fields(&api, spec),
        [
            "color: String required",
            "config: Json",
            "enabled: Bool",
            "labels: {String}",
            "maxSurge: IntOrString",
            "memory: IntOrString",
            "ownerTeam: String required",
            "ports: [struct]",
            "ratio: F64",
            "replicas: I32 required",
            "selector: struct",
            "size: enum(small|large|XL)",
            "tags: [String]",
            "theme: enum(blue|green)",
            "weights: [I64]",
        ]
    );
    assert_eq!(
        spec.docs.as_deref(),
        Some("A widget: something that is scaled and coloured.")
    );
    let replicas = spec
        .fields
        .iter()
        .find(|f| f.wire_name == "replicas")
        .unwrap();
    assert_eq!(replicas.docs.as_deref(), Some("How many widgets."));
    assert_eq!(
        replicas
            .schema
            .validations
            .maximum
            .as_ref()
            .unwrap()
            .as_f64(),
        Some(100.0)
    );
    let theme = spec.fields.iter().find(|f| f.wire_name == "theme").unwrap();
    assert_eq!(theme.default, Some(json!("blue")));
    let ports = spec.fields.iter().find(|f| f.wire_name == "ports").unwrap();
    assert_eq!(ports.schema.list_map_keys, ["name"]);
    let TypeRef::Array(port) = &ports.ty else {
        unreachable!()
    };
    assert_eq!(
        fields(&api, struct_at(&api, "v1", port)),
        [
            "name: String required",
            "port: I32 required",
            "protocol: String"
        ]
    );
    assert_eq!(spec.schema.validations.rules.len(), 1);
    let status = struct_at(&api, "v1", &root.fields[2].ty);
    assert_eq!(
        fields(&api, status),
        [
            "conditions: [struct]",
            "lastUpdate: Time",
            "replicas: I32",
            "selector: String"
        ]
    );
    assert_eq!(
        root.schema.validations.rules[0].rule,
        "self.metadata.name.size() < 64"
    );
    let _ = WellKnown::ObjectMeta;

    let v1alpha1 = &group.versions[1];
    let gadget = &v1alpha1.resources[0];
    assert_eq!(
        (gadget.kind.as_str(), gadget.scope),
        ("Gadget", Scope::Cluster)
    );
    assert!(gadget.deprecated);
    let Some(TypeDef::Struct(root)) = v1alpha1.type_def(&gadget.type_name) else {
        panic!("no root struct");
    };
    assert_eq!(
        fields(&api, root),
        [
            "metadata: ObjectMeta",
            "notes: {String}",
            "spec: struct required",
            "status: struct"
        ]
    );
    let spec = struct_at(&api, "v1alpha1", &root.fields[2].ty);
    assert_eq!(fields(&api, spec), ["mode: String required"]);
    assert_eq!(spec.unknown_fields, UnknownFields::Preserve);
}
