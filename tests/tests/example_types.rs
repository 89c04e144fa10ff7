//! The types generated from `specs/crds` behave as the mapping rules say:
//! names, optionality, enums with a fallback, int-or-string, preserved
//! unknown fields, bytes, times, recursion, and `scheme()` round trips.
//! (That they compile at all checks the awkward names.)

use kubegen::{IntOrString, Resource, Scope};
use kubegen_example_crds::edge_kubegen_dev::v1::{Tree, TreeSpec};
use kubegen_example_crds::example_kubegen_dev::{v1, v1beta1};
use kubegen_example_crds::tools_kubegen_dev::v1alpha1::{Gadget, GadgetSpec, GadgetSpecPartsUnit};
use serde_json::json;

fn widget_json() -> serde_json::Value {
    json!({
        "apiVersion": "example.kubegen.dev/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "namespace": "default"},
        "spec": {
            "color": "purple",
            "size": "50%",
            "replicas": 2,
            "weight": 1.5,
            "notBefore": "2024-05-06T07:08:09Z",
            "checksum": "aGVsbG8=",
            "limits": {"cpu": 2, "memory": "1Gi"},
            "ports": [{"name": "http", "port": 80, "protocol": "QUIC"}],
            "config": {"anything": [1, {"goes": true}]},
            "plugin": {"name": "p", "extra": {"kept": 1}},
            "nullableNote": null,
            "type": "t", "self": "s", "match": "m", "async": true, "2xx": 200,
            "x-forwarded-for": "x", "dotted.key": "d", "$schema": "sch",
            "fooBar": "camel", "foo_bar": "snake",
            "schedule": {"cron": "* * * * *", "timeZone": "UTC"}
        },
        "specPorts": {"inner": "i"},
        "status": {"phase": "Running", "conditions": [{
            "type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T00:00:00Z",
            "reason": "Ok", "message": "fine"
        }]}
    })
}

#[test]
fn resource_metadata_comes_from_the_crd() {
    assert_eq!(v1::Widget::API_VERSION, "example.kubegen.dev/v1");
    assert_eq!(v1::Widget::PLURAL, "widgets");
    assert_eq!(v1::Widget::SHORT_NAMES, ["wd", "wdg"]);
    assert_eq!(v1::Widget::CATEGORIES, ["all", "kubegen"]);
    assert_eq!(v1::Widget::SCOPE, Scope::Namespaced);
    assert_eq!(Gadget::SCOPE, Scope::Cluster);
    assert_eq!(Gadget::LIST_KIND, "GadgetList");
    assert_eq!(v1beta1::Widget::VERSION, "v1beta1");
}

#[test]
fn every_field_maps_to_its_rust_type_and_back() {
    let original = widget_json();
    let widget: v1::Widget = serde_json::from_value(original.clone()).unwrap();
    let spec = &widget.spec;
    assert_eq!(
        spec.color,
        v1::WidgetSpecColor::UnknownValue("purple".into()),
        "unknown enum values are kept"
    );
    assert_eq!(spec.color.as_str(), "purple");
    assert_eq!(
        v1::WidgetSpecColor::from("Other"),
        v1::WidgetSpecColor::Other,
        "a real value named Other"
    );
    assert_eq!(
        v1::WidgetSpecColor::default(),
        v1::WidgetSpecColor::Empty,
        "Go's zero value"
    );
    assert_eq!(spec.size, IntOrString::String("50%".into()));
    assert_eq!(spec.replicas, Some(2i32));
    assert_eq!(spec.not_before.unwrap().to_string(), "2024-05-06T07:08:09Z");
    assert_eq!(spec.checksum.as_ref().unwrap().0, b"hello");
    assert_eq!(spec.limits.as_ref().unwrap()["cpu"], IntOrString::Int(2));
    let port = &spec.ports.as_ref().unwrap()[0];
    assert_eq!((port.name.as_str(), port.port), ("http", 80));
    assert_eq!(
        port.protocol,
        Some(v1::WidgetSpecPortsProtocol::Other("QUIC".into()))
    );
    let plugin = spec.plugin.as_ref().unwrap();
    assert_eq!(
        plugin.additional_properties["extra"],
        json!({"kept": 1}),
        "preserve-unknown-fields keeps extras"
    );
    assert_eq!(spec.r#type.as_deref(), Some("t"));
    assert_eq!(spec.self_.as_deref(), Some("s"));
    assert_eq!(spec.r#match.as_deref(), Some("m"));
    assert_eq!(spec.r#async, Some(true));
    assert_eq!(spec._2xx, Some(200i64));
    assert_eq!(spec.x_forwarded_for.as_deref(), Some("x"));
    assert_eq!(spec.dotted_key.as_deref(), Some("d"));
    assert_eq!(spec.schema_.as_deref(), Some("sch"));
    assert_eq!(
        (spec.foo_bar.as_deref(), spec.foo_bar2.as_deref()),
        (Some("camel"), Some("snake"))
    );
    let schedule = spec.schedule.as_ref().unwrap();
    assert_eq!(
        (schedule.cron.as_str(), schedule.time_zone.as_deref()),
        ("* * * * *", Some("UTC")),
        "allOf merged"
    );
    let _: Option<v1::WidgetSpecPorts2> = widget.spec_ports.clone();
    let condition = &widget.status.as_ref().unwrap().conditions.as_ref().unwrap()[0];
    assert_eq!(condition.status, v1::WidgetStatusConditionsStatus::True);

    // Back to JSON: identical but for the null dropped from an optional field.
    let mut expected = original;
    expected["spec"]
        .as_object_mut()
        .unwrap()
        .remove("nullableNote");
    assert_eq!(serde_json::to_value(&widget).unwrap(), expected);
}

#[test]
fn required_fields_are_required_and_required_nullable_keeps_null() {
    let missing_spec =
        json!({"apiVersion": "example.kubegen.dev/v1", "kind": "Widget", "metadata": {}});
    let error = serde_json::from_value::<v1::Widget>(missing_spec)
        .unwrap_err()
        .to_string();
    assert!(error.contains("missing field `spec`"), "{error}");

    let gadget: Gadget = serde_json::from_value(json!({
        "apiVersion": "tools.kubegen.dev/v1alpha1", "kind": "Gadget", "metadata": {"name": "g"},
        "spec": {"mode": null, "parts": {"bolt": {"count": 3, "unit": "box"}}, "matrix": [[1.0, 2.5]], "anything": {"x": 1}}
    }))
    .unwrap();
    let spec: &GadgetSpec = gadget.spec.as_ref().unwrap();
    assert_eq!(spec.mode, None);
    assert_eq!(
        spec.parts.as_ref().unwrap()["bolt"].unit,
        Some(GadgetSpecPartsUnit::Box)
    );
    assert_eq!(spec.matrix.as_ref().unwrap()[0], vec![1.0, 2.5]);
    let out = serde_json::to_value(&gadget).unwrap();
    assert_eq!(
        out["spec"]["mode"],
        serde_json::Value::Null,
        "required + nullable serializes null"
    );
}

#[test]
fn recursive_refs_are_boxed_and_shared() {
    let tree: Tree = serde_json::from_value(json!({
        "apiVersion": "edge.kubegen.dev/v1", "kind": "Tree", "metadata": {"name": "t"},
        "spec": {"root": {"value": "a", "left": {"value": "b"}, "children": [{"value": "c"}]}, "mirror": {"value": "m"}}
    }))
    .unwrap();
    let spec: &TreeSpec = tree.spec.as_ref().unwrap();
    let root = spec.root.as_ref().unwrap();
    let left: &kubegen_example_crds::edge_kubegen_dev::v1::Node = root.left.as_deref().unwrap();
    assert_eq!(left.value.as_deref(), Some("b"));
    // Both fields refer to the one `Node` type.
    let _same_type: [&kubegen_example_crds::edge_kubegen_dev::v1::Node; 2] =
        [root, spec.mirror.as_ref().unwrap()];
}

#[test]
fn the_scheme_decodes_every_kind_and_serializes_it_back() {
    let scheme = kubegen_example_crds::scheme();
    let kinds: Vec<String> = scheme
        .kinds()
        .map(|gvk| format!("{}/{} {}", gvk.group, gvk.version, gvk.kind))
        .collect();
    for kind in [
        "example.kubegen.dev/v1 Widget",
        "example.kubegen.dev/v1beta1 Widget",
        "example.kubegen.dev/v1 Sprocket",
        "tools.kubegen.dev/v1alpha1 Gadget",
        "edge.kubegen.dev/v1 Tree",
    ] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "{kind} missing from {kinds:?}"
        );
    }
    let original = widget_json();
    let decoded = scheme.decode(&original).unwrap();
    assert!(decoded.downcast_ref::<v1::Widget>().is_some());
    let mut expected = original;
    expected["spec"]
        .as_object_mut()
        .unwrap()
        .remove("nullableNote");
    assert_eq!(decoded.to_value().unwrap(), expected);

    let list = json!({"apiVersion": "example.kubegen.dev/v1", "kind": "WidgetList", "metadata": {"resourceVersion": "7"}, "items": [expected]});
    assert_eq!(scheme.decode(&list).unwrap().to_value().unwrap(), list);

    let error = scheme.decode(&json!({"apiVersion": "example.kubegen.dev/v1", "kind": "Widget", "spec": {"color": 3}})).unwrap_err();
    assert!(
        error.to_string().contains("spec"),
        "decode errors name the path: {error}"
    );
}
