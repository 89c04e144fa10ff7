//! Hand-built IR for the emitter tests, shared by the unit tests and
//! `tests/emit_crate.rs` (which includes this file by path and makes `crate::ir`
//! and `crate::passes` resolve with `use kubegen_templates::{ir, passes};`).

#![allow(dead_code)]

use crate::ir::{
    Api, EnumDef, EnumVariant, Field, Group, Resource, SchemaExtensions, Scope, StructDef, TypeDef,
    TypePath, TypeRef, UnknownFields, Version, WellKnown,
};
use crate::passes::box_recursive_fields;

/// An optional field.
pub fn field(rust_name: &str, wire_name: &str, ty: TypeRef) -> Field {
    Field {
        rust_name: rust_name.to_owned(),
        wire_name: wire_name.to_owned(),
        docs: None,
        ty,
        required: false,
        nullable: false,
        boxed: false,
        default: None,
        schema: SchemaExtensions::default(),
    }
}

/// A required field.
pub fn required(rust_name: &str, wire_name: &str, ty: TypeRef) -> Field {
    Field {
        required: true,
        ..field(rust_name, wire_name, ty)
    }
}

/// A field with docs.
pub fn documented(mut field: Field, docs: &str) -> Field {
    field.docs = Some(docs.to_owned());
    field
}

/// A reference to a generated type.
pub fn named(group_module: &str, version_module: &str, name: &str) -> TypeRef {
    TypeRef::Named(TypePath {
        group_module: group_module.to_owned(),
        version_module: version_module.to_owned(),
        name: name.to_owned(),
    })
}

/// A struct type.
pub fn structure(name: &str, docs: Option<&str>, fields: Vec<Field>) -> TypeDef {
    TypeDef::Struct(StructDef {
        name: name.to_owned(),
        docs: docs.map(str::to_owned),
        fields,
        unknown_fields: UnknownFields::Drop,
        schema: SchemaExtensions::default(),
        source: format!("fixture.yaml#/{name}"),
    })
}

/// A root struct: metadata first, then `fields`.
pub fn root(name: &str, fields: Vec<Field>) -> TypeDef {
    let mut all = vec![
        required("api_version", "apiVersion", TypeRef::String),
        required("kind", "kind", TypeRef::String),
        field(
            "metadata",
            "metadata",
            TypeRef::WellKnown(WellKnown::ObjectMeta),
        ),
    ];
    all.extend(fields);
    structure(name, None, all)
}

/// A resource whose root struct is named like the kind.
pub fn resource(kind: &str, plural: &str, scope: Scope) -> Resource {
    Resource {
        kind: kind.to_owned(),
        list_kind: format!("{kind}List"),
        plural: plural.to_owned(),
        singular: kind.to_lowercase(),
        scope,
        verbs: Resource::STANDARD_VERBS
            .iter()
            .map(|verb| (*verb).to_owned())
            .collect(),
        storage: true,
        served: true,
        typed_list_items: true,
        type_name: kind.to_owned(),
        ..Resource::default()
    }
}

fn variant(rust_name: &str, wire_value: &str) -> EnumVariant {
    EnumVariant {
        rust_name: rust_name.to_owned(),
        wire_value: wire_value.to_owned(),
    }
}

const SPEC_DOCS: &str = concat!(
    "WidgetSpec is the desired state of a Widget.\n",
    "\n",
    "Example:\n",
    "```yaml\n",
    "spec:\n",
    "  type: Issuer\n",
    "```\n",
    "\n",
    "Or from the command line:\n",
    "\n",
    "    kubectl apply -f widget.yaml\n",
    "\tkubectl get widgets   \n",
    "\n",
    "See https://example.com/docs for <details> and [links], [common], [https://example.com](https://example.com).",
);

fn example_v1() -> Version {
    let g = "example_com";
    let widget_spec = structure(
        "WidgetSpec",
        Some(SPEC_DOCS),
        vec![
            documented(
                required("r#type", "type", named(g, "v1", "WidgetType")),
                "The type.\n```\nunclosed",
            ),
            field("self_", "self", TypeRef::String),
            field("_2xx", "2xx", TypeRef::I32),
            Field {
                default: Some(serde_json::json!(1)),
                ..documented(field("replicas", "replicas", TypeRef::I64), "How many.")
            },
            Field {
                default: Some(serde_json::json!({"mode": "`fast`"})),
                ..field("tuning", "tuning", TypeRef::Json)
            },
            field("labels", "labels", TypeRef::Map(Box::new(TypeRef::String))),
            field(
                "ports",
                "ports",
                TypeRef::Array(Box::new(named(g, "v1", "WidgetPort"))),
            ),
            field("data", "data", TypeRef::Bytes),
            field("created", "created", TypeRef::WellKnown(WellKnown::Time)),
            required("port", "port", TypeRef::WellKnown(WellKnown::IntOrString)),
            field("memory", "memory", TypeRef::WellKnown(WellKnown::Quantity)),
            field(
                "address",
                "address",
                TypeRef::External("std::net::IpAddr".to_owned()),
            ),
            Field {
                nullable: true,
                ..required("note", "note", TypeRef::String)
            },
            field("ratio", "ratio", TypeRef::F64),
            required("enabled", "enabled", TypeRef::Bool),
            field("tree", "tree", named(g, "v1", "TreeNode")),
            field("shared", "shared", named(g, "v1", "SharedRef")),
            field(
                "selector",
                "selector",
                TypeRef::WellKnown(WellKnown::LabelSelector),
            ),
            field(
                "resources_by_a_rather_long_name",
                "resourcesByARatherLongName",
                TypeRef::Map(Box::new(TypeRef::Array(Box::new(named(
                    g,
                    "v1",
                    "WidgetPort",
                ))))),
            ),
        ],
    );
    let widget_type = TypeDef::Enum(EnumDef {
        name: "WidgetType".to_owned(),
        docs: Some("What a widget is.".to_owned()),
        variants: vec![
            variant("Issuer", "Issuer"),
            variant("ClusterIssuer", "cluster-issuer"),
            variant("Empty", ""),
            variant("V100", "100"),
            variant("Other", "Other"),
            variant("AB", "a`b"),
            variant("Q", "\"q\""),
        ],
        fallback_variant: "Other2".to_owned(),
        source: "fixture.yaml#/WidgetType".to_owned(),
    });
    let widget_status = structure(
        "WidgetStatus",
        Some("Observed state."),
        vec![
            field(
                "conditions",
                "conditions",
                TypeRef::Array(Box::new(TypeRef::WellKnown(WellKnown::Condition))),
            ),
            field("observed_generation", "observedGeneration", TypeRef::I64),
            required(
                "last_updated",
                "lastUpdated",
                TypeRef::WellKnown(WellKnown::Time),
            ),
        ],
    );
    let mut gadget = root(
        "Gadget",
        vec![
            required("spec", "spec", named(g, "v1", "GadgetSpec")),
            field(
                "additional_properties",
                "additionalProperties",
                TypeRef::String,
            ),
        ],
    );
    if let TypeDef::Struct(def) = &mut gadget {
        def.unknown_fields = UnknownFields::Preserve;
        def.docs = Some("A gadget, documented on the schema only.".to_owned());
    }
    let mut widget_resource = resource("Widget", "widgets", Scope::Namespaced);
    widget_resource.short_names = vec!["wd".to_owned()];
    widget_resource.categories = vec!["all".to_owned(), "examples".to_owned()];
    widget_resource.docs = Some("A Widget does things.".to_owned());
    let mut gadget_resource = resource("Gadget", "gadgets", Scope::Cluster);
    gadget_resource.deprecated = true;
    gadget_resource.deprecation_warning = Some("use Widget".to_owned());
    let mut mod_root = root("Mod", vec![field("value", "value", TypeRef::String)]);
    if let TypeDef::Struct(def) = &mut mod_root {
        // Root metadata is never optional, whatever `required` says.
        def.fields[2].required = true;
    }
    Version {
        name: "v1".to_owned(),
        module: "v1".to_owned(),
        feature: "example_com_v1".to_owned(),
        resources: vec![
            widget_resource,
            gadget_resource,
            resource("Mod", "mods", Scope::Namespaced),
        ],
        types: vec![
            root(
                "Widget",
                vec![
                    required("spec", "spec", named(g, "v1", "WidgetSpec")),
                    field("status", "status", named(g, "v1", "WidgetStatus")),
                ],
            ),
            widget_spec,
            widget_type,
            structure(
                "WidgetPort",
                None,
                vec![
                    required("name", "name", TypeRef::String),
                    required("port", "port", TypeRef::I32),
                ],
            ),
            widget_status,
            structure(
                "TreeNode",
                Some("A node."),
                vec![field("child", "child", named(g, "v1", "TreeLeaf"))],
            ),
            structure(
                "TreeLeaf",
                None,
                vec![field("parent", "parent", named(g, "v1", "TreeNode"))],
            ),
            structure(
                "SharedRef",
                Some("Used by two kinds."),
                vec![required("name", "name", TypeRef::String)],
            ),
            structure("Orphan", Some("Used by no kind."), vec![]),
            gadget,
            structure(
                "GadgetSpec",
                None,
                vec![
                    field("shared", "shared", named(g, "v1", "SharedRef")),
                    field("thing", "thing", named(g, "v1beta1", "Thing")),
                    field("widget", "widget", named(g, "v1", "Widget")),
                ],
            ),
            mod_root,
        ],
        sources: vec!["crds/example.yaml".to_owned()],
    }
}

fn example_v1beta1() -> Version {
    let mut thing = structure(
        "Thing",
        Some("A thing with counted extras."),
        vec![required("name", "name", TypeRef::String)],
    );
    if let TypeDef::Struct(def) = &mut thing {
        def.unknown_fields = UnknownFields::Typed(TypeRef::I32);
    }
    Version {
        name: "v1beta1".to_owned(),
        module: "v1beta1".to_owned(),
        feature: "example_com_v1beta1".to_owned(),
        resources: vec![resource("Widget", "widgets", Scope::Namespaced)],
        types: vec![
            root(
                "Widget",
                vec![Field {
                    nullable: true,
                    ..required("spec", "spec", TypeRef::Json)
                }],
            ),
            thing,
        ],
        sources: vec![
            "crds/example.yaml".to_owned(),
            "crds/example-beta.yaml".to_owned(),
        ],
    }
}

fn core_v1() -> Version {
    Version {
        name: "v1".to_owned(),
        module: "v1".to_owned(),
        feature: "core_v1".to_owned(),
        resources: vec![resource("Note", "notes", Scope::Namespaced)],
        types: vec![root(
            "Note",
            vec![
                field("data", "data", TypeRef::Map(Box::new(TypeRef::String))),
                field(
                    "binary_data",
                    "binaryData",
                    TypeRef::Map(Box::new(TypeRef::Bytes)),
                ),
            ],
        )],
        sources: vec!["core.json".to_owned()],
    }
}

/// The main fixture: `example.com` (v1, v1beta1) and the core group, boxed.
pub fn api() -> Api {
    let mut api = Api {
        groups: vec![
            Group {
                name: String::new(),
                module: "core".to_owned(),
                versions: vec![core_v1()],
            },
            Group {
                name: "example.com".to_owned(),
                module: "example_com".to_owned(),
                versions: vec![example_v1(), example_v1beta1()],
            },
        ],
        ..Api::default()
    };
    box_recursive_fields(&mut api);
    api
}

/// Names of every length around the width where prettyplease (89 columns) and
/// rustfmt (100) disagree, in every shape the emitter prints.
pub fn stress_api() -> Api {
    let g = "a_rather_long_group_module_name_io";
    let v = "v1alpha1";
    let mut types = Vec::new();
    let mut resources = Vec::new();
    let mut root_fields = Vec::new();
    for length in 30..=84 {
        let type_name = format!("T{}", "x".repeat(length - 1));
        let wire_value = "v".repeat(length);
        types.push(TypeDef::Enum(EnumDef {
            name: format!("E{}", "e".repeat(length - 1)),
            docs: None,
            variants: vec![variant(
                &format!("V{}", "a".repeat(length - 1)),
                &wire_value,
            )],
            fallback_variant: "Other".to_owned(),
            source: String::new(),
        }));
        types.push(structure(&type_name, None, vec![]));
        let field_name = format!("f{}", "x".repeat(length.saturating_sub(30)));
        root_fields.push(field(
            &format!("{field_name}a"),
            &format!("{}A", "w".repeat(length)),
            TypeRef::Map(Box::new(TypeRef::Array(Box::new(named(g, v, &type_name))))),
        ));
        root_fields.push(field(
            &format!("{field_name}b"),
            &format!("b{length}"),
            named(g, v, &type_name),
        ));
        root_fields.push(field(
            &format!("{field_name}e"),
            &format!("{}E", "z".repeat(length + 10)),
            TypeRef::I32,
        ));
        root_fields.push(Field {
            boxed: true,
            ..field(
                &format!("{field_name}c"),
                &format!("c{length}"),
                named("other", "v1", "Far"),
            )
        });
        root_fields.push(field(
            &format!("{field_name}d"),
            &format!("d{length}"),
            TypeRef::Map(Box::new(TypeRef::Map(Box::new(TypeRef::Array(Box::new(
                named(g, v, &type_name),
            )))))),
        ));
    }
    for length in [14, 17, 20, 24, 28, 40, 52, 58, 60, 62, 70] {
        let kind = format!("K{}", "k".repeat(length - 1));
        let mut res = resource(&kind, &"p".repeat(length), Scope::Cluster);
        res.short_names = (0..length / 6).map(|i| format!("s{i}")).collect();
        res.categories = (0..length / 12).map(|i| format!("category-{i}")).collect();
        resources.push(res);
        types.push(root(&kind, root_fields.clone()));
        root_fields.clear();
    }
    let mut api = Api {
        groups: vec![
            Group {
                name: "a-rather-long-group-name-for-an-example.io".to_owned(),
                module: g.to_owned(),
                versions: vec![Version {
                    name: v.to_owned(),
                    module: v.to_owned(),
                    feature: format!("{g}_{v}"),
                    resources,
                    types,
                    sources: vec![],
                }],
            },
            Group {
                name: "other".to_owned(),
                module: "other".to_owned(),
                versions: ["v1", "v2", "v3", "v4", "v5", "v6"]
                    .iter()
                    .map(|version| Version {
                        name: (*version).to_owned(),
                        module: (*version).to_owned(),
                        feature: format!("other_with_a_long_feature_name_{version}"),
                        resources: vec![],
                        types: vec![structure("Far", None, vec![])],
                        sources: vec![],
                    })
                    .collect(),
            },
        ],
        ..Api::default()
    };
    for k in 0..16 {
        let name = format!("{}.example.io", "s".repeat(40 + k));
        let module = format!("sweep{k}");
        let mut kind = resource("Sweep", "sweeps", Scope::Namespaced);
        kind.short_names = (0..k).map(|i| format!("sw{i}")).collect();
        kind.categories = (0..6)
            .map(|i| format!("c{i}{}", "y".repeat(k % 5 + 4)))
            .collect();
        let versions = ["v1", "v2"]
            .iter()
            .map(|version| Version {
                name: (*version).to_owned(),
                module: (*version).to_owned(),
                feature: format!("{module}_{}_{version}", "x".repeat(k)),
                resources: if *version == "v1" {
                    vec![kind.clone()]
                } else {
                    vec![]
                },
                types: if *version == "v1" {
                    vec![root("Sweep", vec![])]
                } else {
                    vec![]
                },
                sources: vec![],
            })
            .collect();
        api.groups.push(Group {
            name,
            module,
            versions,
        });
    }
    box_recursive_fields(&mut api);
    api
}
