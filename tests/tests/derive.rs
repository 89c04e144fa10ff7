//! Kinds declared with `#[derive(Resource)]`: their CRDs field by field, as
//! YAML, read back by the generator, and checked against values of the types.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod support;

use kubegen::{ObjectMeta, Resource as _};
use kubegen_derive_fixtures::*;
use serde::Serialize;
use serde_json::{Value, json};

fn crd_json<T: Serialize>(crd: &T) -> Value {
    serde_json::to_value(crd).unwrap()
}

#[test]
fn the_resource_impl_matches_the_attributes() {
    assert_eq!(Widget::API_VERSION, "example.com/v1");
    assert_eq!(Widget::KIND, "Widget");
    assert_eq!(Widget::LIST_KIND, "WidgetList");
    assert_eq!(Widget::PLURAL, "widgets");
    assert_eq!(Widget::SINGULAR, "widget");
    assert_eq!(Widget::SCOPE, kubegen::Scope::Namespaced);
    assert_eq!(Widget::SHORT_NAMES, ["wd"]);
    assert_eq!(Widget::CATEGORIES, ["all"]);
    const { assert!(Widget::TYPED_LIST_ITEMS) };
    assert_eq!(Widget::CRD_NAME, "widgets.example.com");
    assert_eq!(Gadget::SCOPE, kubegen::Scope::Cluster);
    assert_eq!(Gadget::PLURAL, "gadgetry");
    assert_eq!(Gadget::API_VERSION, "example.com/v1alpha1");
}

#[test]
fn the_derived_root_serializes_like_a_generated_kind() {
    let widget = Widget {
        metadata: ObjectMeta {
            name: Some("w".into()),
            ..ObjectMeta::default()
        },
        spec: support::widget_spec(3),
        status: None,
    };
    let value = serde_json::to_value(&widget).unwrap();
    assert_eq!(value["apiVersion"], "example.com/v1");
    assert_eq!(value["kind"], "Widget");
    assert_eq!(value["metadata"]["name"], "w");
    assert_eq!(value["spec"]["ownerTeam"], "team-3");
    assert!(value.get("status").is_none());
    let back: Widget = serde_json::from_value(value).unwrap();
    assert_eq!(back, widget);
    use kubegen::Metadata as _;
    assert_eq!(back.metadata().name.as_deref(), Some("w"));

    let gadget: Gadget = serde_json::from_value(json!({
        "apiVersion": "example.com/v1alpha1", "kind": "Gadget",
        "metadata": {"name": "g"}, "spec": {"mode": "fast", "x": 1}
    }))
    .unwrap();
    assert_eq!(gadget.spec.extra["x"], 1);
    assert!(gadget.status.is_none() && gadget.notes.is_empty());
    let value = serde_json::to_value(&gadget).unwrap();
    assert_eq!(value["kind"], "Gadget");
    assert_eq!(value["spec"], json!({"mode": "fast", "x": 1}));
}

#[test]
fn the_crd_says_everything_the_attributes_say() {
    let crd = crd_json(&Widget::crd().unwrap());
    assert_eq!(crd["apiVersion"], "apiextensions.k8s.io/v1");
    assert_eq!(crd["kind"], "CustomResourceDefinition");
    assert_eq!(crd["metadata"]["name"], "widgets.example.com");
    assert_eq!(
        crd["metadata"]["annotations"]["example.com/owner"],
        "widgets"
    );
    let spec = &crd["spec"];
    assert_eq!(spec["group"], "example.com");
    assert_eq!(spec["scope"], "Namespaced");
    assert_eq!(
        spec["names"],
        json!({"kind": "Widget", "listKind": "WidgetList", "plural": "widgets",
               "singular": "widget", "shortNames": ["wd"], "categories": ["all"]})
    );
    let version = &spec["versions"][0];
    assert_eq!(version["name"], "v1");
    assert_eq!(
        (&version["served"], &version["storage"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(
        version["subresources"],
        json!({"status": {}, "scale": {"specReplicasPath": ".spec.replicas",
               "statusReplicasPath": ".status.replicas", "labelSelectorPath": ".status.selector"}})
    );
    assert_eq!(
        version["additionalPrinterColumns"],
        json!([{"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
               {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp",
                "description": "How old", "priority": 1}])
    );
    assert_eq!(
        version["selectableFields"],
        json!([{"jsonPath": ".spec.color"}])
    );

    let root = &version["schema"]["openAPIV3Schema"];
    assert_eq!(root["type"], "object");
    assert_eq!(
        root["description"],
        "A widget: something that is scaled and coloured."
    );
    assert_eq!(root["required"], json!(["spec"]));
    assert_eq!(root["properties"]["metadata"], json!({"type": "object"}));
    assert_eq!(root["properties"]["apiVersion"]["type"], "string");
    assert_eq!(
        root["x-kubernetes-validations"],
        json!([{"rule": "self.metadata.name.size() < 64", "message": "short names"}])
    );
    let spec = &root["properties"]["spec"];
    assert_eq!(spec["type"], "object");
    assert_eq!(spec["required"], json!(["replicas", "color", "ownerTeam"]));
    assert_eq!(
        spec["x-kubernetes-validations"],
        json!([{"rule": "self.replicas <= 10 || self.color != 'red'", "fieldPath": ".replicas"}])
    );
    let p = &spec["properties"];
    let names: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        names,
        // Sorted: the typed CRD keeps properties in a map.
        [
            "color",
            "config",
            "enabled",
            "labels",
            "maxSurge",
            "memory",
            "ownerTeam",
            "ports",
            "ratio",
            "replicas",
            "selector",
            "size",
            "tags",
            "theme",
            "weights"
        ]
    );
    assert_eq!(
        p["replicas"],
        // `JSONSchemaProps` holds bounds as floats.
        json!({"type": "integer", "format": "int32", "description": "How many widgets.",
               "minimum": 0.0, "maximum": 100.0})
    );
    assert_eq!(
        p["color"],
        json!({"type": "string", "minLength": 1, "maxLength": 20, "pattern": "^[a-z]+$"})
    );
    assert_eq!(
        p["size"],
        json!({"type": "string", "enum": ["small", "large", "XL"], "description": "The size of a widget."})
    );
    assert_eq!(
        p["labels"],
        json!({"type": "object", "additionalProperties": {"type": "string"}})
    );
    assert_eq!(p["maxSurge"], json!({"x-kubernetes-int-or-string": true}));
    assert_eq!(p["memory"], json!({"x-kubernetes-int-or-string": true}));
    assert_eq!(
        p["config"],
        json!({"x-kubernetes-preserve-unknown-fields": true, "description": "Anything goes."})
    );
    assert_eq!(p["ports"]["x-kubernetes-list-type"], "map");
    assert_eq!(p["ports"]["x-kubernetes-list-map-keys"], json!(["name"]));
    assert_eq!(p["ports"]["maxItems"], 8);
    let port = &p["ports"]["items"];
    assert_eq!(port["description"], "A port a widget listens on.");
    assert_eq!(port["required"], json!(["name", "port"]));
    assert_eq!(port["properties"]["port"]["maximum"], 65535.0);
    assert_eq!(
        port["properties"]["name"]["description"],
        "The port's name, unique in the list."
    );
    assert_eq!(p["selector"]["x-kubernetes-map-type"], "atomic");
    assert_eq!(p["selector"]["properties"]["matchLabels"]["type"], "object");
    assert_eq!(
        p["theme"],
        json!({"type": "string", "default": "blue", "enum": ["blue", "green"]})
    );
    assert_eq!(
        p["weights"],
        json!({"type": "array", "items": {"type": "integer", "format": "int64"},
               "x-kubernetes-validations": [{"rule": "self.all(x, x > 0)", "message": "positive",
                                              "reason": "FieldValueInvalid"}]})
    );
    assert_eq!(p["tags"]["x-kubernetes-list-type"], "set");
    assert_eq!(p["ratio"], json!({"type": "number", "format": "double"}));
    assert_eq!(p["enabled"], json!({"type": "boolean"}));
    assert_eq!(p["ownerTeam"], json!({"type": "string"}));

    let status = &root["properties"]["status"];
    assert_eq!(status["description"], "What a widget reports.");
    assert_eq!(
        status["properties"]["lastUpdate"],
        json!({"type": "string", "format": "date-time"})
    );
    assert_eq!(
        status["properties"]["conditions"]["items"]["required"],
        json!(["type", "status", "lastTransitionTime", "reason", "message"])
    );
}

#[test]
fn a_whole_object_kind_gets_its_own_fields() {
    let crd = crd_json(&Gadget::crd().unwrap());
    assert_eq!(crd["metadata"]["name"], "gadgetry.example.com");
    assert_eq!(crd["spec"]["scope"], "Cluster");
    let version = &crd["spec"]["versions"][0];
    assert_eq!(version["deprecated"], true);
    assert_eq!(version["deprecationWarning"], "use v1");
    assert_eq!(version["subresources"], json!({"status": {}}));
    let root = &version["schema"]["openAPIV3Schema"];
    assert_eq!(
        root["description"],
        "A gadget, declared as the whole object."
    );
    assert_eq!(root["required"], json!(["spec"]));
    assert_eq!(
        root["properties"]["spec"],
        json!({"type": "object", "properties": {"mode": {"type": "string"}},
               "required": ["mode"], "x-kubernetes-preserve-unknown-fields": true})
    );
    let status = &root["properties"]["status"]["properties"];
    assert_eq!(status["owner"], json!({"type": "string"}));
    assert_eq!(
        status["port"],
        json!({"type": "integer", "format": "int32", "description": "A newtype: its inner value on the wire."})
    );
    assert_eq!(
        root["properties"]["notes"],
        json!({"type": "object", "additionalProperties": {"type": "string"}})
    );
}

#[test]
fn recursion_is_an_error_unless_kept_as_json() {
    let error = Tree::crd().unwrap_err().to_string();
    assert!(
        error.contains(
            "kubegen_derive_fixtures::Node → kubegen_derive_fixtures::Node` contains itself"
        ),
        "{error}"
    );
    assert!(
        error.contains("#[schema(preserve_unknown_fields)]"),
        "{error}"
    );
    let forest = Forest::default();
    assert!(forest.spec.root.is_none());
    let crd = crd_json(&Forest::crd().unwrap());
    assert_eq!(
        crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
            ["root"],
        json!({"x-kubernetes-preserve-unknown-fields": true})
    );
}

#[test]
fn values_of_the_types_validate_against_their_schema() {
    let crd = crd_json(&Widget::crd().unwrap());
    let schema = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
    for seed in 0..200 {
        let widget = Widget {
            metadata: ObjectMeta {
                name: Some(format!("w{seed}")),
                ..ObjectMeta::default()
            },
            spec: support::widget_spec(seed),
            status: (seed % 2 == 0).then(|| support::widget_status(seed)),
        };
        let value = serde_json::to_value(&widget).unwrap();
        let problems = support::validate(schema, &value);
        assert!(problems.is_empty(), "seed {seed}: {problems:#?}\n{value:#}");
        let back: Widget = serde_json::from_value(value).unwrap();
        assert_eq!(back, widget);
    }
    // The checker does catch what the schema forbids.
    let mut bad = serde_json::to_value(Widget {
        metadata: ObjectMeta::default(),
        spec: support::widget_spec(1),
        status: None,
    })
    .unwrap();
    bad["spec"]["replicas"] = json!(101);
    bad["spec"]["size"] = json!("huge");
    bad["spec"]["unknown"] = json!(1);
    bad["spec"].as_object_mut().unwrap().remove("color");
    let problems = support::validate(schema, &bad);
    assert_eq!(problems.len(), 4, "{problems:#?}");
}

#[test]
fn the_crd_prints_as_yaml_and_the_generator_reads_it_back() {
    let crds = [
        serde_yaml_ng::to_string(&Widget::crd().unwrap()).unwrap(),
        serde_yaml_ng::to_string(&Gadget::crd().unwrap()).unwrap(),
    ];
    assert!(
        crds[0]
            .starts_with("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n")
    );
    assert!(
        crds[0].contains("x-kubernetes-int-or-string: true"),
        "{}",
        crds[0]
    );
    support::round_trip(&crds.join("---\n"));
}

/// The test server's replay of the API server's CRD validation accepts every
/// CRD the derive writes.
#[test]
fn the_test_server_accepts_the_crds() {
    let crds = [
        crd_json(&Widget::crd().unwrap()),
        crd_json(&Gadget::crd().unwrap()),
        crd_json(&Forest::crd().unwrap()),
    ];
    for mut crd in crds {
        kubegen_testserver::validation::crd::apply_defaults(&mut crd);
        let causes = kubegen_testserver::validation::crd::validate(&crd);
        assert!(
            causes.is_empty(),
            "{}: {causes:#?}",
            crd["metadata"]["name"]
        );
    }
}

/// Values of the types go through the test server's custom-resource
/// pipeline (prune, drop nulls, default, validate) without a complaint, and
/// still read back as the same values (plus the schema's defaults).
#[test]
fn the_test_server_accepts_values_of_the_types() {
    use kubegen_testserver::schema::{SchemaRef, Schemas};
    use kubegen_testserver::validation::{FieldValidation, custom};

    let crd = crd_json(&Widget::crd().unwrap());
    let schema = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
    let schemas = Schemas::default();
    for seed in 0..100 {
        let widget = Widget {
            metadata: ObjectMeta {
                name: Some(format!("w{seed}")),
                ..ObjectMeta::default()
            },
            spec: support::widget_spec(seed),
            status: (seed % 2 == 1).then(|| support::widget_status(seed)),
        };
        let mut value = serde_json::to_value(&widget).unwrap();
        let result = custom::process(
            SchemaRef::new(&schemas, schema),
            &mut value,
            FieldValidation::Strict,
        );
        assert!(result.is_ok(), "seed {seed}: {result:?}\n{value:#}");
        let back: Widget = serde_json::from_value(value).unwrap();
        let mut expected = widget.clone();
        expected.spec.theme.get_or_insert_with(|| "blue".to_owned());
        assert_eq!(back, expected, "seed {seed}");
    }
}

/// A derived kind gets the client verb markers a generated kind gets, so
/// `ResourceClient<Widget>` offers every operation and `/status` and `/scale`.
#[test]
fn derived_kinds_have_the_client_operations_of_generated_ones() {
    use kubegen::clientset::verbs::*;
    fn all<K: Get + List + Watch + Create + Update + Patch + Delete + DeleteCollection>() {}
    fn status<K: Status>() {}
    fn scale<K: Scale>() {}
    all::<Widget>();
    status::<Widget>();
    scale::<Widget>();
    all::<Gadget>();
    status::<Gadget>();
    // A typed client and a shared informer over a (never contacted) server.
    let config = kubegen::Config::new("http://127.0.0.1:9".parse().unwrap());
    let client = kubegen::Client::new(config).unwrap();
    let widgets =
        kubegen::clientset::ResourceClient::<Widget>::namespaced(client.clone(), "default");
    let _ = widgets;
    let factory = kubegen::cache::SharedInformerFactory::new(client);
    let informer = kubegen::cache::ResourceInformer::new(factory.informer_for::<Widget>());
    let _ = informer;
}
