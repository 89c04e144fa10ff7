//! The emitted code is exactly what rustfmt would print: every file of the
//! fixture crates, in both layouts, passes `rustfmt --check`.

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

fn options() -> CrateOptions {
    CrateOptions {
        crate_name: "fixture".to_owned(),
        runtime_dependency: RuntimeDependency::Path("../runtime".to_owned()),
        default_features: true,
        emit: EmitOptions {
            runtime_crate: "kubegen".to_owned(),
            header: vec!["Command: kubegen --test".to_owned()],
        },
    }
}

fn write(path: &Path, contents: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir {parent:?}: {e}"));
    }
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("write {path:?}: {e}"));
}

#[test]
fn rustfmt_accepts_every_emitted_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut rust_files = Vec::new();
    let mut runs = vec![
        ("main".to_owned(), fixture::api(), options()),
        ("stress".to_owned(), fixture::stress_api(), options()),
    ];
    // Longer runtime paths push even the fixed lines past prettyplease's margin.
    let runtimes = [
        "::k",
        "platform::kubegen_support",
        "a_company_runtime_facade::kubernetes::generated_support",
    ];
    for (index, runtime) in runtimes.into_iter().enumerate() {
        let mut options = options();
        options.emit.runtime_crate = runtime.to_owned();
        runs.push((format!("runtime{index}"), fixture::api(), options));
    }
    for (name, api, options) in runs {
        let files = emit_crate(&api, &options).unwrap_or_else(|e| panic!("emit_crate: {e}"));
        for file in files.iter().filter(|file| file.path.ends_with(".rs")) {
            let path = dir.path().join(&name).join(&file.path);
            write(&path, &file.contents);
            rust_files.push(path);
        }
        let single = emit_single_file(&api, &options.emit)
            .unwrap_or_else(|e| panic!("emit_single_file: {e}"));
        let path = dir.path().join(format!("{name}_single.rs"));
        write(&path, &single);
        rust_files.push(path);
    }

    // One file per run: rustfmt follows `mod` declarations, and a failure
    // should name the file it is about.
    let mut failures = Vec::new();
    for path in &rust_files {
        let output = Command::new("rustfmt")
            .args(["--edition", "2024", "--check"])
            .arg(path)
            .output()
            .unwrap_or_else(|e| panic!("rustfmt is part of the toolchain, but could not run: {e}"));
        if !output.status.success() {
            failures.push(format!(
                "{}:\n{}{}",
                path.display(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "rustfmt disagrees:\n{}",
        failures.join("\n")
    );
}
