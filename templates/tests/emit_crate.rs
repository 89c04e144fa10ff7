//! The emitted code compiles without warnings against the real runtime, in both
//! layouts and under every feature selection, runs no doctests, and round-trips
//! objects through serde and the scheme.
//!
//! The generated crates build in `target/emit-check` of this workspace so that
//! reruns are incremental.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should stop at the failure

#[path = "../src/emit/fixture.rs"]
mod fixture;

// `fixture.rs` names the IR as `crate::ir`, as inside the library.
use kubegen_templates::{ir, passes};

use std::path::Path;
use std::process::Command;

use kubegen_templates::emit::{
    CrateOptions, EmitOptions, RuntimeDependency, emit_crate, emit_single_file,
};

const RUNTIME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime");
const TARGET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/emit-check");
const LOCKFILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock");

fn write(path: &Path, contents: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir {parent:?}: {e}"));
    }
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("write {path:?}: {e}"));
}

/// Runs cargo in `dir`; panics with its output on failure.
fn cargo(dir: &Path, args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", TARGET)
        .env("RUSTDOCFLAGS", "-Dwarnings")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_MAKEFLAGS")
        .output()
        .unwrap_or_else(|e| panic!("running cargo {args:?}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "cargo {args:?} failed:\n{stdout}\n{stderr}"
    );
    stdout
}

/// A crate holding `files`, outside this workspace, locked like it, with
/// warnings denied in its own code (`RUSTFLAGS` would also deny them in the
/// runtime, which is not under test here).
fn write_crate(dir: &Path, files: &[(String, String)]) {
    for (path, contents) in files {
        let contents = if path == "Cargo.toml" {
            format!("{contents}\n[lints.rust]\nwarnings = \"deny\"\n\n[workspace]\n")
        } else {
            contents.clone()
        };
        write(&dir.join(path), &contents);
    }
    // The workspace's lock file pins the same dependency versions, so the
    // check needs no resolution from the network.
    if let Ok(lock) = std::fs::read_to_string(LOCKFILE) {
        write(&dir.join("Cargo.lock"), &lock);
    }
}

const ROUNDTRIP: &str = r##"
use example_types::example_com::{v1, v1beta1};

fn roundtrip<K>(json: serde_json::Value) -> K
where
    K: kubegen::Resource + PartialEq,
{
    let object: K = serde_json::from_value(json.clone()).expect("deserializes");
    assert_eq!(serde_json::to_value(&object).expect("serializes"), json);
    let text = serde_json::to_string(&object).expect("serializes");
    let head = format!(r#"{{"apiVersion":"{}","kind":"{}","#, K::API_VERSION, K::KIND);
    assert!(text.starts_with(&head), "{text}");
    let decoded = example_types::scheme().decode(&json).expect("the scheme knows it");
    assert_eq!(decoded.downcast_ref::<K>(), Some(&object));
    object
}

fn main() {
    let widget: v1::Widget = roundtrip(serde_json::json!({
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "namespace": "default"},
        "spec": {
            "type": "cluster-issuer",
            "self": "me",
            "2xx": 5,
            "replicas": 3,
            "tuning": {"mode": "fast"},
            "labels": {"a": "b"},
            "ports": [{"name": "http", "port": 80}],
            "data": "aGVsbG8=",
            "created": "2024-01-02T03:04:05Z",
            "port": "http",
            "memory": "1Gi",
            "address": "10.0.0.1",
            "note": null,
            "ratio": 0.5,
            "enabled": true,
            "tree": {"child": {"parent": {"child": {}}}},
            "shared": {"name": "s"},
            "resourcesByARatherLongName": {"x": [{"name": "a", "port": 1}]}
        },
        "status": {"observedGeneration": 2, "lastUpdated": "2024-01-02T03:04:05Z"}
    }));
    assert_eq!(widget.spec.r#type, v1::WidgetType::ClusterIssuer);
    assert_eq!(widget.spec.data.as_ref().map(|d| d.0.as_slice()), Some(&b"hello"[..]));

    let unknown: v1::Widget = roundtrip(serde_json::json!({
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {},
        "spec": {"type": "brand-new", "port": 8080, "note": "n", "enabled": false}
    }));
    assert_eq!(unknown.spec.r#type, v1::WidgetType::Other2("brand-new".to_owned()));
    assert_eq!(v1::WidgetType::from("\"q\""), v1::WidgetType::Q);
    assert_eq!(v1::WidgetType::Empty.to_string(), "");

    let gadget: v1::Gadget = roundtrip(serde_json::json!({
        "apiVersion": "example.com/v1",
        "kind": "Gadget",
        "metadata": {"name": "g"},
        "spec": {"thing": {"name": "t", "extra": 3}},
        "additionalProperties": "declared",
        "surprise": {"x": 1}
    }));
    assert_eq!(gadget.additional_properties.as_deref(), Some("declared"));
    let extra: Vec<&String> = gadget.additional_properties2.keys().collect();
    assert_eq!(extra, ["surprise"], "apiVersion and kind stay out of the map");
    let thing = gadget.spec.thing.as_ref().expect("thing");
    assert_eq!(thing.additional_properties.get("extra"), Some(&3));

    let beta: v1beta1::Widget = roundtrip(serde_json::json!({
        "apiVersion": "example.com/v1beta1",
        "kind": "Widget",
        "metadata": {},
        "spec": null
    }));
    assert_eq!(beta.spec, None);

    roundtrip::<v1::Mod>(serde_json::json!({
        "apiVersion": "example.com/v1",
        "kind": "Mod",
        "metadata": {"name": "m"},
        "value": "v"
    }));
    roundtrip::<example_types::core::v1::Note>(serde_json::json!({
        "apiVersion": "v1",
        "kind": "Note",
        "metadata": {"name": "n"},
        "data": {"a": "b"},
        "binaryData": {"k": "aGk="}
    }));

    // Metadata that is absent on the wire is empty, and comes back as `{}`.
    let bare: v1::Mod = serde_json::from_value(serde_json::json!({"value": "v"})).expect("bare");
    assert_eq!(bare.metadata, kubegen::meta::v1::ObjectMeta::default());
    println!("roundtrip ok");
}
"##;

#[test]
fn emitted_crate_compiles_and_round_trips() {
    let options = CrateOptions {
        crate_name: "example-types".to_owned(),
        runtime_dependency: RuntimeDependency::Path(RUNTIME.to_owned()),
        default_features: true,
        emit: EmitOptions {
            runtime_crate: "kubegen".to_owned(),
            header: vec!["Command: cargo test -p kubegen-templates".to_owned()],
        },
    };
    let files = emit_crate(&fixture::api(), &options).unwrap_or_else(|e| panic!("emit_crate: {e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut files: Vec<(String, String)> = files
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect();
    files.push(("examples/roundtrip.rs".to_owned(), ROUNDTRIP.to_owned()));
    write_crate(dir.path(), &files);

    cargo(dir.path(), &["check", "--all-targets"]);
    for features in ["", "core_v1", "example_com_v1", "example_com_v1beta1"] {
        cargo(
            dir.path(),
            &["check", "--no-default-features", "--features", features],
        );
    }
    let output = cargo(dir.path(), &["run", "--quiet", "--example", "roundtrip"]);
    assert!(output.contains("roundtrip ok"), "{output}");
    // Descriptions hold code samples; none may become a doctest, and none of
    // their prose may trip rustdoc's lints.
    let doctests = cargo(dir.path(), &["test", "--doc"]);
    assert!(
        !doctests.contains("test src/"),
        "a description became a doctest:\n{doctests}"
    );
    cargo(dir.path(), &["doc", "--no-deps"]);
}

#[test]
fn single_file_compiles_when_included_in_a_nested_module() {
    let options = EmitOptions {
        runtime_crate: "kubegen".to_owned(),
        header: vec![],
    };
    let mut files = Vec::new();
    for (name, api) in [("main", fixture::api()), ("stress", fixture::stress_api())] {
        let text =
            emit_single_file(&api, &options).unwrap_or_else(|e| panic!("emit_single_file: {e}"));
        files.push((format!("src/generated_{name}.rs"), text));
    }
    files.push((
        "Cargo.toml".to_owned(),
        format!(
            "[package]\nname = \"included-types\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
             [dependencies]\nkubegen = {{ path = {RUNTIME:?} }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n"
        ),
    ));
    files.push((
        "src/lib.rs".to_owned(),
        "//! Types included from generated files.\n\n\
         /// The main fixture.\npub mod main {\n    include!(\"generated_main.rs\");\n}\n\n\
         /// Names of every length.\npub mod nested {\n    /// One level deeper.\n    pub mod stress {\n        include!(\"generated_stress.rs\");\n    }\n}\n"
            .to_owned(),
    ));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    write_crate(dir.path(), &files);
    cargo(dir.path(), &["check"]);
}

#[test]
fn stress_crate_compiles() {
    let options = CrateOptions {
        crate_name: "stress-types".to_owned(),
        runtime_dependency: RuntimeDependency::Path(RUNTIME.to_owned()),
        default_features: false,
        emit: EmitOptions::default(),
    };
    let files =
        emit_crate(&fixture::stress_api(), &options).unwrap_or_else(|e| panic!("emit_crate: {e}"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let files: Vec<(String, String)> = files
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect();
    write_crate(dir.path(), &files);
    cargo(dir.path(), &["check", "--features", "full"]);
}
