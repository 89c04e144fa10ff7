//! The shared CRD corpus as a cargo workspace: one generated crate per
//! project folder of `../shared/specs/crds`, plus a runner that round-trips
//! the example objects of `../shared/specs/objects` through them.
//!
//! It lives under `target/kubegen-corpus` so that repeated runs build
//! incrementally.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use kubegen_generator::Builder;

use crate::workspace_root;

/// One project folder of the corpus and the crate generated from it.
#[derive(Clone, Debug)]
pub struct Project {
    /// The unit's name: the folder name (`cert-manager`), or folder and channel (`gateway-api-standard`).
    pub name: String,
    /// The CRD files it was generated from.
    pub files: Vec<PathBuf>,
    /// The generated crate's package name.
    pub package: String,
    /// Generation outcome: `Ok(lines of code)` or the error message.
    pub generated: Result<usize, String>,
    /// Number of kinds generated.
    pub kinds: usize,
}

/// Where the corpus workspace is written.
pub fn corpus_dir() -> PathBuf {
    workspace_root().join("target/kubegen-corpus")
}

/// The corpus's generation units, sorted: a project folder, or each channel
/// subfolder of a project that ships several (gateway-api: `standard` and
/// `experimental` define the same kinds), with every file below it named
/// explicitly (linkerd ships its CRDs in a `.golden` file).
pub fn units(crds: &Path) -> Vec<(String, Vec<PathBuf>)> {
    fn sorted(dir: &Path) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        paths.sort();
        paths
    }
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for path in sorted(dir) {
            if path.is_dir() {
                files(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let name = |path: &Path| {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut units = Vec::new();
    for project in sorted(crds).into_iter().filter(|p| p.is_dir()) {
        let entries = sorted(&project);
        if entries.iter().all(|p| p.is_dir()) {
            for channel in entries {
                let mut found = Vec::new();
                files(&channel, &mut found);
                units.push((format!("{}-{}", name(&project), name(&channel)), found));
            }
        } else {
            let mut found = Vec::new();
            files(&project, &mut found);
            units.push((name(&project), found));
        }
    }
    units
}

/// Generates one crate per unit and the runner; returns the projects.
pub fn generate_workspace(specs: &Path) -> Vec<Project> {
    let root = corpus_dir();
    let runtime = workspace_root().join("runtime");
    let mut found = Vec::new();
    for (name, files) in units(&specs.join("crds")) {
        let package = format!("corpus-{name}");
        let builder = Builder::new()
            .inputs(&files)
            .crate_name(&package)
            .runtime_path(runtime.display().to_string())
            .api_path(workspace_root().join("api").display().to_string())
            .command(format!(
                "kubegen generate <the files of ../shared/specs/crds/{name}>"
            ));
        let generated = builder
            .write_crate(root.join("crates").join(&name))
            .map_err(|e| e.to_string())
            .map(|loaded| {
                let lines = count_lines(&root.join("crates").join(&name));
                (
                    lines,
                    loaded.api.versions().map(|(_, v)| v.resources.len()).sum(),
                )
            });
        let (outcome, kinds) = match generated {
            Ok((lines, kinds)) => (Ok(lines), kinds),
            Err(error) => (Err(error), 0),
        };
        found.push(Project {
            name,
            files,
            package,
            generated: outcome,
            kinds,
        });
    }
    write_runner(&root, &found);
    found
}

fn count_lines(dir: &Path) -> usize {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                total += count_lines(&path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                total += std::fs::read_to_string(&path)
                    .map(|t| t.lines().count())
                    .unwrap_or(0);
            }
        }
    }
    total
}

fn write_runner(root: &Path, projects: &[Project]) {
    let ok: Vec<&Project> = projects.iter().filter(|p| p.generated.is_ok()).collect();
    let mut members = String::from("\"runner\"");
    let mut dependencies = String::new();
    let mut schemes =
        String::from("fn schemes() -> Vec<(&'static str, kubegen::Scheme)> {\n    vec![\n");
    for project in &ok {
        let _ = write!(members, ", \"crates/{}\"", project.name);
        let _ = writeln!(
            dependencies,
            "{} = {{ path = \"../crates/{}\" }}",
            project.package, project.name
        );
        let _ = writeln!(
            schemes,
            "        ({:?}, {}::scheme()),",
            project.name,
            project.package.replace('-', "_")
        );
    }
    schemes.push_str("    ]\n}\n");
    let runtime = workspace_root().join("runtime");
    let workspace = format!(
        "[workspace]\nresolver = \"3\"\nmembers = [{members}]\n\n[profile.dev]\ndebug = false\n"
    );
    let runner = format!(
        "[package]\nname = \"corpus-runner\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[[bin]]\nname = \"corpus-runner\"\npath = \"main.rs\"\n\n[dependencies]\nkubegen = {{ path = {:?}, default-features = false }}\nserde = \"1\"\nserde_json = \"1\"\nserde_yaml_ng = \"0.10\"\n{dependencies}",
        runtime.display().to_string()
    );
    let files = [
        (root.join("Cargo.toml"), workspace),
        (root.join("runner/Cargo.toml"), runner),
        (
            root.join("runner/main.rs"),
            include_str!("runner.rs").to_owned(),
        ),
        (root.join("runner/projects.rs"), schemes),
    ];
    for (path, contents) in files {
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        // Rewrite only on change so cargo's freshness checks stay cheap.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
            let _ = std::fs::write(&path, contents);
        }
    }
}

/// Runs cargo in the corpus workspace with warnings denied; returns (success, stderr).
pub fn cargo(args: &[&str]) -> (bool, String, String) {
    let root = corpus_dir();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(args)
        .current_dir(&root)
        .env("RUSTFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output();
    match output {
        Ok(output) => (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ),
        Err(error) => (false, String::new(), format!("cannot run cargo: {error}")),
    }
}
