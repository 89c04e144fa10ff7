//! insta snapshots of what the generator makes of the project's own specs:
//! the IR (every mapping decision, as data) and every generated file.
//!
//! `specs/crds` covers each mapping rule, awkward names included; a change to
//! any rule shows up here as a reviewable diff (`cargo insta review`).

use std::path::Path;

use kubegen_generator::Builder;

fn builder() -> Builder {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // Paths relative to the repository root keep the snapshots machine-independent.
    std::env::set_current_dir(&root).unwrap();
    Builder::new()
        .input("specs/crds")
        .crate_name("snapshot")
        .runtime_path("../runtime")
        .command("kubegen generate specs/crds --out snapshot --runtime-path ../runtime")
}

#[test]
fn ir_of_the_example_specs() {
    let api = builder().api().unwrap();
    insta::assert_snapshot!("ir", serde_json::to_string_pretty(&api).unwrap());
}

#[test]
fn generated_files_of_the_example_specs() {
    let (files, _) = builder().crate_files().unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    insta::assert_snapshot!("file_list", names.join("\n"));
    for file in &files {
        let name = file.path.replace(['/', '.'], "_");
        insta::assert_snapshot!(name, &file.contents);
    }
}

#[test]
fn single_file_output_for_build_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let path = builder().generate(dir.path()).unwrap();
    insta::assert_snapshot!("single_file", std::fs::read_to_string(path).unwrap());
}
