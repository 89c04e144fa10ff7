//! Fast check (no compilation): every CRD project folder of the shared corpus
//! loads into the IR, and every CRD document in it becomes a resource.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a failing test should stop at the failure

use std::path::{Path, PathBuf};

use kubegen_generator::Builder;

/// `../shared/specs`, or `None` after a loud note when absent outside CI.
fn shared_specs(test: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: {} is missing; CI must provide it",
        dir.display()
    );
    eprintln!(
        "\n!!! SKIPPING {test}: {} is missing (shared real-world specs belong beside the checkout)\n",
        dir.display()
    );
    None
}

/// The corpus's generation units: a project folder, or each channel
/// subfolder of a project that ships several (gateway-api: standard,
/// experimental), with every file in it named explicitly (linkerd ships its
/// CRDs in a `.golden` file).
fn projects(crds: &Path) -> Vec<(PathBuf, Vec<PathBuf>)> {
    fn sorted(dir: &Path) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        paths
    }
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for path in sorted(dir) {
            if path.is_dir() {
                files(&path, out)
            } else {
                out.push(path)
            }
        }
    }
    let mut units = Vec::new();
    for project in sorted(crds).into_iter().filter(|p| p.is_dir()) {
        let entries = sorted(&project);
        if entries.iter().all(|p| p.is_dir()) {
            for channel in entries {
                let mut found = Vec::new();
                files(&channel, &mut found);
                units.push((channel, found));
            }
        } else {
            let mut found = Vec::new();
            files(&project, &mut found);
            units.push((project, found));
        }
    }
    units
}

#[test]
fn every_corpus_project_loads_into_the_ir() {
    let Some(specs) = shared_specs("crd_corpus_ir") else {
        return;
    };
    let mut failures = Vec::new();
    let mut resources = 0;
    let mut types = 0;
    let mut skipped = Vec::new();
    let projects = projects(&specs.join("crds"));
    for (project, files) in &projects {
        match Builder::new().inputs(files).load() {
            Ok(loaded) => {
                for (_, version) in loaded.api.versions() {
                    resources += version.resources.len();
                    types += version.types.len();
                }
                skipped.extend(loaded.notes);
            }
            Err(error) => failures.push(format!("{}: {error}", project.display())),
        }
    }
    println!(
        "{} projects: {resources} served kind-versions, {types} types",
        projects.len()
    );
    println!("skipped documents (not CRDs):");
    for note in &skipped {
        println!("  {note}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        resources > 100,
        "the corpus has hundreds of CRD versions; saw {resources}"
    );
}
