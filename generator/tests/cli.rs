//! The `kubegen` binary end to end: error format and exit codes on malformed
//! input, `--check`, notes for skipped documents, and all-or-nothing output.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should stop at the failure

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

fn kubegen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubegen"))
        .args(args)
        .output()
        .expect("the kubegen binary runs")
}

fn generate(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "generate",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    kubegen(&args)
}

/// Runs a malformed input and returns its one error line.
fn error_for(name: &str) -> String {
    let out = tempfile::tempdir().unwrap();
    let input = specs().join("malformed").join(name);
    let output = generate(&input, &out.path().join("crate"), &[]);
    assert_eq!(output.status.code(), Some(1), "{name} must exit 1");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{name} panicked: {stderr}");
    assert!(
        !out.path().join("crate").exists(),
        "{name}: nothing may be written on failure"
    );
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_default()
        .to_owned();
    assert!(
        line.starts_with(&format!("error: {}", input.display())),
        "{name}: the error must start with the file name: {stderr}"
    );
    line
}

#[test]
fn truncated_yaml_reports_line_and_column() {
    let line = error_for("truncated.yaml");
    let rest = line.split("truncated.yaml:").nth(1).unwrap();
    let mut parts = rest.splitn(3, ':');
    let line_number: usize = parts.next().unwrap().parse().expect("a line number");
    let column: usize = parts.next().unwrap().parse().expect("a column");
    assert!(line_number >= 7 && column >= 1, "{line}");
}

#[test]
fn missing_names_reports_the_json_pointer() {
    let line = error_for("missing-names.yaml");
    assert!(line.contains(": /spec: missing field `names`"), "{line}");
}

#[test]
fn dangling_ref_reports_the_json_pointer() {
    let line = error_for("dangling-ref.yaml");
    assert!(
        line.contains("/spec/versions/0/schema/openAPIV3Schema/properties/spec/$ref")
            && line.contains("does not resolve"),
        "{line}"
    );
}

#[test]
fn ref_cycle_is_an_error_naming_the_chain() {
    let line = error_for("ref-cycle.yaml");
    assert!(
        line.contains("cycle") && line.contains("#/definitions/A → #/definitions/B"),
        "{line}"
    );
}

#[test]
fn bad_scope_in_json_names_the_field() {
    let line = error_for("bad-scope.json");
    assert!(
        line.contains(": /spec/scope: ") && line.contains("Galactic"),
        "{line}"
    );
}

#[test]
fn not_a_crd_is_skipped_with_a_note() {
    let out = tempfile::tempdir().unwrap();
    let output = generate(
        &specs().join("crds/gadgets.yaml"),
        &out.path().join("crate"),
        &[],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    let notes: Vec<&str> = stderr.lines().filter(|l| l.starts_with("note: ")).collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    assert!(
        notes[0].contains("(document 3)")
            && notes[0].contains("v1 ConfigMap is not a CustomResourceDefinition"),
        "{stderr}"
    );
}

#[test]
fn nothing_to_generate_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\n",
    )
    .unwrap();
    let output = generate(dir.path(), &dir.path().join("out"), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("error: no CustomResourceDefinition"));
}

#[test]
fn check_passes_on_fresh_output_and_fails_on_stale_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crate");
    let input = specs().join("crds");
    assert!(generate(&input, &out, &[]).status.success());
    let check = generate(&input, &out, &["--check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let lib = out.join("src/lib.rs");
    let original = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{original}// edited\n")).unwrap();
    let check = generate(&input, &out, &["--check"]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8(check.stderr).unwrap();
    assert!(stderr.contains("changed: src/lib.rs"), "{stderr}");
    // --check writes nothing.
    assert!(
        std::fs::read_to_string(&lib)
            .unwrap()
            .ends_with("// edited\n")
    );
}

#[test]
fn a_failed_run_leaves_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("crate");
    assert!(generate(&specs().join("crds"), &out, &[]).status.success());
    let before = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    let failed = generate(&specs().join("malformed/dangling-ref.yaml"), &out, &[]);
    assert_eq!(failed.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(out.join("Cargo.toml")).unwrap(),
        before
    );
    assert!(out.join("src/lib.rs").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers,
        vec![std::ffi::OsString::from("crate")],
        "no staging directories left behind"
    );
}

#[test]
fn output_is_deterministic_whatever_the_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let crds = specs().join("crds");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let widgets = crds.join("widgets.yaml");
    let gadgets = crds.join("gadgets.yaml");
    let trees = crds.join("trees.yaml");
    let run = |out: &Path, inputs: [&Path; 3]| {
        let mut args = vec!["generate"];
        args.extend(inputs.iter().map(|p| p.to_str().unwrap()));
        args.extend([
            "--out",
            out.to_str().unwrap(),
            "--crate-name",
            "same",
            "--runtime-path",
            "../rt",
        ]);
        assert!(kubegen(&args).status.success());
    };
    run(&a, [&widgets, &gadgets, &trees]);
    run(&b, [&trees, &widgets, &gadgets]);
    for file in [
        "src/lib.rs",
        "src/example_kubegen_dev/v1/widget.rs",
        "src/example_kubegen_dev/v1/mod.rs",
    ] {
        let left = std::fs::read_to_string(a.join(file)).unwrap();
        let right = std::fs::read_to_string(b.join(file)).unwrap();
        // The header lists the inputs in the order given; everything else must match.
        let strip = |s: &str| {
            s.lines()
                .filter(|l| !l.contains("Inputs:") && !l.contains("Command:"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(&left), strip(&right), "{file} depends on input order");
    }
}
