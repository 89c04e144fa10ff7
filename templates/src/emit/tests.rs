//! Emitter tests over the hand-built IR in `fixture.rs`.

use super::fixture::{self, field, named, required, resource, root, structure};
use super::*;
use crate::ir::{Group, Scope, TypeDef, TypeRef, UnknownFields, Version};

fn options() -> CrateOptions {
    CrateOptions {
        crate_name: "example-types".to_owned(),
        runtime_dependency: RuntimeDependency::Path("../runtime".to_owned()),
        default_features: true,
        emit: EmitOptions {
            runtime_crate: "kubegen".to_owned(),
            header: vec!["Command: kubegen crd crds/example.yaml".to_owned()],
        },
    }
}

fn files(api: &Api, options: &CrateOptions) -> Vec<GeneratedFile> {
    match emit_crate(api, options) {
        Ok(files) => files,
        Err(error) => panic!("emit_crate failed: {error}"),
    }
}

fn file<'f>(files: &'f [GeneratedFile], path: &str) -> &'f str {
    match files.iter().find(|file| file.path == path) {
        Some(file) => &file.contents,
        None => panic!(
            "no {path} among {:?}",
            files.iter().map(|f| &f.path).collect::<Vec<_>>()
        ),
    }
}

fn single(api: &Api) -> String {
    match emit_single_file(api, &options().emit) {
        Ok(text) => text,
        Err(error) => panic!("emit_single_file failed: {error}"),
    }
}

/// The single file with every line's indentation removed, for multi-line checks.
fn flat(api: &Api) -> String {
    single(api)
        .lines()
        .map(str::trim_start)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A one-version API under group `g`, module `g::v1`.
fn small_api(resources: Vec<crate::ir::Resource>, types: Vec<TypeDef>) -> Api {
    Api {
        groups: vec![Group {
            name: "g.io".to_owned(),
            module: "g".to_owned(),
            versions: vec![Version {
                name: "v1".to_owned(),
                module: "v1".to_owned(),
                feature: "g_v1".to_owned(),
                resources,
                types,
                sources: vec![],
            }],
        }],
        ..Api::default()
    }
}

fn error_of(api: &Api) -> String {
    match emit_crate(api, &options()) {
        Ok(_) => panic!("expected an error"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn crate_layout() {
    let files = files(&fixture::api(), &options());
    let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "Cargo.toml",
            "src/clients.rs",
            "src/core/mod.rs",
            "src/core/v1/mod.rs",
            "src/core/v1/note.rs",
            "src/example_com/mod.rs",
            "src/example_com/v1/common.rs",
            "src/example_com/v1/gadget.rs",
            "src/example_com/v1/mod.rs",
            "src/example_com/v1/mod_.rs",
            "src/example_com/v1/widget.rs",
            "src/example_com/v1beta1/common.rs",
            "src/example_com/v1beta1/mod.rs",
            "src/example_com/v1beta1/widget.rs",
            "src/lib.rs",
        ]
    );
}

#[test]
fn crate_snapshot() {
    let files = files(&fixture::api(), &options());
    let mut all = String::new();
    for file in &files {
        all.push_str(&format!("==> {} <==\n{}\n", file.path, file.contents));
    }
    insta::assert_snapshot!("crate", all);
}

#[test]
fn single_file_snapshot() {
    insta::assert_snapshot!("single_file", single(&fixture::api()));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(
        files(&fixture::api(), &options()),
        files(&fixture::api(), &options())
    );
    assert_eq!(single(&fixture::api()), single(&fixture::api()));
}

#[test]
fn types_go_to_the_kind_that_alone_reaches_them() {
    let files = files(&fixture::api(), &options());
    let widget = file(&files, "src/example_com/v1/widget.rs");
    for name in [
        "Widget ",
        "WidgetSpec ",
        "WidgetType ",
        "WidgetPort ",
        "TreeNode ",
        "TreeLeaf ",
    ] {
        assert!(
            widget.contains(&format!("pub struct {name}"))
                || widget.contains(&format!("pub enum {name}")),
            "{name}"
        );
    }
    let common = file(&files, "src/example_com/v1/common.rs");
    assert!(
        common.contains("pub struct SharedRef "),
        "shared by two kinds"
    );
    assert!(common.contains("pub struct Orphan {}"), "reached by none");
    let gadget = file(&files, "src/example_com/v1/gadget.rs");
    // A kind embedding another kind does not take its types.
    assert!(gadget.contains("pub widget: Option<super::Widget>,"));
    assert!(!gadget.contains("pub struct WidgetSpec"));
    // References across versions stay relative.
    assert!(gadget.contains("Option<super::super::super::example_com::v1beta1::Thing>"));
    assert!(
        file(&files, "src/example_com/v1/mod.rs").contains("mod mod_;\npub use self::mod_::*;")
    );
    assert!(!files.iter().any(|file| file.contents.contains("crate::")));
}

#[test]
fn features_follow_cross_version_references() {
    let files = files(&fixture::api(), &options());
    let cargo = file(&files, "Cargo.toml");
    assert!(cargo.contains("example_com_v1 = [\"example_com_v1beta1\"]\n"));
    assert!(cargo.contains("default = [\"full\", \"client\"]\n"));
    assert!(cargo.contains("client = [\"kubegen/client\"]\n"));
    assert!(cargo.contains("kubegen = { path = \"../runtime\", default-features = false }\n"));
    let no_default = CrateOptions {
        default_features: false,
        runtime_dependency: RuntimeDependency::Version("0.1".to_owned()),
        ..options()
    };
    let cargo = file(&files_of(&no_default), "Cargo.toml").to_owned();
    assert!(cargo.contains("default = []\n"));
    assert!(cargo.contains("kubegen = { version = \"0.1\", default-features = false }\n"));
}

fn files_of(options: &CrateOptions) -> Vec<GeneratedFile> {
    files(&fixture::api(), options)
}

#[test]
fn defaults_are_derived_only_where_every_field_has_one() {
    let text = single(&fixture::api());
    let derive_line = |name: &str| -> String {
        let at = text
            .find(&format!("pub struct {name} "))
            .unwrap_or_default();
        text[..at]
            .lines()
            .rev()
            .find(|line| line.contains("#[derive("))
            .unwrap_or_default()
            .to_owned()
    };
    // A required enum field defaults to the empty string, as in Go.
    assert!(derive_line("WidgetSpec").contains("Default"));
    assert!(derive_line("Widget").contains("Default"));
    // Every runtime type has one, times included.
    assert!(derive_line("WidgetStatus").contains("Default"));
    assert!(derive_line("Gadget").contains("Default"));
    assert!(derive_line("TreeNode").contains("Default"));
    assert!(derive_line("Note").contains("Default"));
}

#[test]
fn a_cycle_of_required_fields_gets_no_default() {
    let mut api = small_api(
        vec![],
        vec![
            structure("A", None, vec![required("b", "b", named("g", "v1", "B"))]),
            structure("B", None, vec![required("a", "a", named("g", "v1", "A"))]),
        ],
    );
    crate::passes::box_recursive_fields(&mut api);
    let text = single(&api);
    assert!(!text.contains("Default"), "{text}");
    assert!(text.contains("pub a: Box<A>,"), "{text}");
}

#[test]
fn fields_keep_their_wire_names_and_optionality() {
    let text = flat(&fixture::api());
    assert!(text.contains("unclosed\n/// ```\npub r#type: WidgetType,"));
    assert!(text.contains("self_: \"self\" optional,"), "{text}");
    assert!(text.contains("_2xx: \"2xx\" optional,"));
    assert!(text.contains("r#type: \"type\" required,"));
    // Required and nullable: an `Option` that serializes `null`.
    assert!(text.contains("\npub note: Option<String>,\n"));
    assert!(text.contains("note: \"note\" nullable,"));
    assert!(text.contains("/// Defaults to `1` on the server."));
    assert!(text.contains("/// Defaults to ``{\"mode\":\"`fast`\"}`` on the server."));
    assert!(text.contains("pub address: Option<std::net::IpAddr>,"));
    assert!(text.contains("pub data: Option<kubegen::ByteString>,"));
    // The IR's `additional_properties` field pushes the unknown-fields map aside.
    assert!(text.contains(
        "pub additional_properties2: std::collections::BTreeMap<String, serde_json::Value>,"
    ));
    assert!(text.contains("pub additional_properties: std::collections::BTreeMap<String, i32>,"));
}

#[test]
fn roots_drop_type_meta_and_keep_metadata() {
    let text = flat(&fixture::api());
    assert!(!text.contains("pub api_version"));
    assert!(!text.contains("pub kind:"));
    assert!(text.contains("\npub metadata: kubegen::meta::v1::ObjectMeta,"));
    assert!(text.contains("metadata: \"metadata\" default,"), "{text}");
    assert!(
        text.contains("kubegen::object_serde! {\nWidget as resource {"),
        "{text}"
    );
    assert!(text.contains("const API_VERSION: &'static str = \"v1\";"));
    assert!(text.contains("const API_VERSION: &'static str = \"example.com/v1\";"));
    assert!(text.contains("const SHORT_NAMES: &'static [&'static str] = &[\"wd\"];"));
    assert!(text.contains("const SCOPE: kubegen::Scope = kubegen::Scope::Cluster;"));
    assert!(text.contains("/// `example.com/v1` `Gadget`, cluster-scoped, plural `gadgets`."));
    assert!(text.contains("/// Deprecated: use Widget"));
}

#[test]
fn docs_are_made_safe() {
    let text = flat(&fixture::api());
    assert!(text.contains("/// ```text\n/// spec:\n"));
    assert!(text.contains(
        "/// ```text\n/// kubectl apply -f widget.yaml\n/// kubectl get widgets\n/// ```"
    ));
    assert!(!text.contains("```yaml"));
    // The unclosed fence in a field description is closed.
    assert!(text.contains("/// The type.\n/// ```text\n/// unclosed\n/// ```\n"));
    for line in text.lines() {
        assert_eq!(line, line.trim_end(), "trailing whitespace");
    }
}

#[test]
fn the_runtime_crate_can_be_renamed() {
    let options = CrateOptions {
        emit: EmitOptions {
            runtime_crate: "kube_rt".to_owned(),
            header: vec![],
        },
        ..options()
    };
    let files = files(&fixture::api(), &options);
    assert!(file(&files, "Cargo.toml").contains(
        "kube_rt = { path = \"../runtime\", package = \"kubegen\", default-features = false }"
    ));
    assert!(file(&files, "src/lib.rs").contains("pub fn scheme() -> kube_rt::Scheme {"));
    assert!(
        !files
            .iter()
            .any(|file| file.path.ends_with(".rs") && file.contents.contains("kubegen::"))
    );
}

#[test]
fn a_group_named_like_the_runtime_does_not_shadow_it() {
    let mut api = small_api(
        vec![resource("Thing", "things", Scope::Namespaced)],
        vec![root("Thing", vec![])],
    );
    api.groups[0].module = "kubegen".to_owned();
    api.groups[0].versions[0].feature = "kubegen_v1".to_owned();
    let text = single(&api);
    assert!(
        text.contains("pub fn scheme() -> ::kubegen::Scheme {"),
        "{text}"
    );
    assert!(
        text.contains("scheme.register::<kubegen::v1::Thing>();"),
        "{text}"
    );
}

#[test]
fn keyword_kinds_get_plain_module_names() {
    let api = small_api(
        vec![
            resource("Type", "types", Scope::Namespaced),
            resource("Common", "commons", Scope::Namespaced),
        ],
        vec![
            root("Type", vec![]),
            root("Common", vec![]),
            structure("Loose", None, vec![]),
        ],
    );
    let paths: Vec<String> = files(&api, &options())
        .into_iter()
        .map(|file| file.path)
        .collect();
    for path in [
        "src/g/v1/type_.rs",
        "src/g/v1/common.rs",
        "src/g/v1/common2.rs",
    ] {
        assert!(paths.iter().any(|p| p == path), "{path} in {paths:?}");
    }
}

#[test]
fn serde_impls_come_from_the_runtime_macro() {
    let api = small_api(
        vec![resource("Thing", "things", Scope::Namespaced)],
        vec![
            root("Thing", vec![field("s", "s", named("g", "v1", "S"))]),
            structure("S", None, vec![]),
        ],
    );
    let text = flat(&api);
    // No serde derive and no per-type helper items: the macro writes both impls.
    assert!(!text.contains("serde::Serialize"), "{text}");
    assert!(
        text.contains("kubegen::object_serde! {\nThing as resource {\n"),
        "{text}"
    );
    assert!(
        text.contains("kubegen::object_serde! {\nS {\n}\n}"),
        "{text}"
    );
}

#[test]
fn enums_round_trip_through_strings() {
    let text = flat(&fixture::api());
    assert!(text.contains("Self::ClusterIssuer => \"cluster-issuer\","));
    assert!(text.contains("\"\\\"q\\\"\" => Self::Q,"));
    assert!(text.contains("Other2(String),"));
    assert!(text.contains("_ => Self::Other2(value),"));
    assert!(text.contains("/// The empty string.\n"));
    assert!(text.contains("/// ``a`b``\n"));
}

#[test]
fn invalid_ir_is_reported() {
    let unknown = small_api(
        vec![],
        vec![structure(
            "A",
            None,
            vec![field("b", "b", named("g", "v1", "Nope"))],
        )],
    );
    assert!(error_of(&unknown).contains("`g::v1::Nope`"));

    let missing_root = small_api(vec![resource("Thing", "things", Scope::Namespaced)], vec![]);
    assert!(error_of(&missing_root).contains("root type `Thing` is missing"));

    let enum_root = small_api(
        vec![resource("Thing", "things", Scope::Namespaced)],
        vec![TypeDef::Enum(crate::ir::EnumDef {
            name: "Thing".to_owned(),
            fallback_variant: "Other".to_owned(),
            ..Default::default()
        })],
    );
    assert!(error_of(&enum_root).contains("is an enum"));

    let no_metadata = small_api(
        vec![resource("Thing", "things", Scope::Namespaced)],
        vec![structure("Thing", None, vec![])],
    );
    assert!(error_of(&no_metadata).contains("no `metadata` field"));

    let duplicate = small_api(
        vec![],
        vec![structure(
            "A",
            None,
            vec![
                field("a", "a", TypeRef::I32),
                field("r#a", "b", TypeRef::I32),
            ],
        )],
    );
    assert!(error_of(&duplicate).contains("`a` is defined twice"));

    let bad_ident = small_api(
        vec![],
        vec![structure("A", None, vec![field("a b", "a", TypeRef::I32)])],
    );
    assert!(error_of(&bad_ident).contains("`a b` (field name)"));

    let bad_external = small_api(
        vec![],
        vec![structure(
            "A",
            None,
            vec![field("a", "a", TypeRef::External("not a type!".to_owned()))],
        )],
    );
    assert!(error_of(&bad_external).contains("external type `not a type!`"));

    let mut bad_runtime = options();
    bad_runtime.emit.runtime_crate = "1nope".to_owned();
    assert!(emit_crate(&fixture::api(), &bad_runtime).is_err());
}

#[test]
fn unknown_fields_map_on_a_struct_without_fields() {
    let mut def = structure("Bag", None, vec![]);
    if let TypeDef::Struct(def) = &mut def {
        def.unknown_fields = UnknownFields::Typed(TypeRef::String);
    }
    let text = flat(&small_api(vec![], vec![def]));
    assert!(
        text.contains("\npub additional_properties: std::collections::BTreeMap<String, String>,"),
        "{text}"
    );
    assert!(text.contains("extra additional_properties"), "{text}");
}

#[test]
fn format_tokens_reports_invalid_code() {
    assert!(format_tokens(quote::quote!(fn)).is_err());
    let formatted = format_tokens(quote::quote!(#![comment = " why"] fn f() {}));
    assert_eq!(formatted.ok().as_deref(), Some("// why\nfn f() {}\n"));
}
