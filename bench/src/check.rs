//! Compile checks of generated code: one crate per CRD, all the crates of a
//! tool in one throwaway workspace under `bench/target/` with a shared target
//! directory, dependencies checked once first, then `cargo check -p <crate>`
//! one crate at a time (never everything in one crate or one rustc: memory),
//! each with a time limit.
//!
//! - kopium: `bench/target/kopium-check/`, each crate's `src/lib.rs` is
//!   kopium's output verbatim; dependencies as in kopium's own tests: kube 4
//!   (`derive`), k8s-openapi 0.28 (`latest`), serde, serde_json, schemars.
//! - kubegen: `bench/target/kubegen-check/`, each crate written by
//!   `Builder::write_crate` with the runtime by path; crates that depend on
//!   `kubegen-api` (built-in types reused) get this checkout's through
//!   `[patch.crates-io]`, and `kubegen-api` is checked once per feature set
//!   they ask for before the timed checks (as k8s-openapi is for kopium).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use kubegen_generator::Builder;

use crate::Ctx;
use crate::util::{cargo, fmt_dur, mib, remove_dir, run_measured, show, write};

/// One crate to check.
pub struct Member {
    /// Its package name.
    pub name: String,
    /// The CRD it came from, for the output.
    pub origin: String,
    /// kopium: the generated source; kubegen: the input file to generate
    /// from. An error when the tool could not generate it.
    pub generated: Result<String, String>,
}

/// What the checks of one tool found.
pub struct CheckResult {
    total: usize,
    passed: usize,
    not_generated: Vec<(String, String)>,
    failed: Vec<(String, String)>,
    timed_out: Vec<String>,
    time: Duration,
    /// The biggest peak memory of one check, and its crate.
    pub max_rss: Option<(String, u64)>,
}

impl CheckResult {
    /// `X of N compile (…)`.
    pub fn line(&self) -> String {
        let mut line = format!("{} of {} compile", self.passed, self.total);
        let mut details = Vec::new();
        if !self.not_generated.is_empty() {
            details.push(format!("{} not generated", self.not_generated.len()));
        }
        if !self.failed.is_empty() {
            details.push(format!("{} fail to compile", self.failed.len()));
        }
        if !self.timed_out.is_empty() {
            details.push(format!("{} timed out", self.timed_out.len()));
        }
        details.push(format!("checks took {}", fmt_dur(self.time)));
        line.push_str(&format!(" ({})", details.join(", ")));
        line
    }
}

const KOPIUM_DEPENDENCIES: &str = r#"kube = { version = "4", default-features = false, features = ["derive"] }
k8s-openapi = { version = "0.28", features = ["latest"] }
schemars = "1"
serde = { version = "1", features = ["derive"] }
serde_json = "1"
"#;

const KOPIUM_WARMUP: &str = r#"//! Checks the dependencies once, before the timed crates.
use kube::CustomResource;
use serde::{Deserialize, Serialize};

#[derive(CustomResource, Serialize, Deserialize, Clone, Debug)]
#[kube(group = "bench.kubegen.dev", version = "v1", kind = "Warm", plural = "warms")]
#[kube(namespaced)]
#[kube(schema = "disabled")]
pub struct WarmSpec {
    pub field: Option<std::collections::BTreeMap<String, k8s_openapi::apimachinery::pkg::util::intstr::IntOrString>>,
}
"#;

fn root_manifest(members: &[String], dependencies: &str, patch: &str) -> String {
    let list: Vec<String> = members.iter().map(|m| format!("    \"{m}\",")).collect();
    format!(
        "# Throwaway workspace of `cargo xtask bench kopium`: one crate per CRD.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n\n[workspace.dependencies]\n{dependencies}\n{patch}",
        list.join("\n")
    )
}

fn member_manifest(name: &str, edition: &str, dependencies: &str) -> String {
    let deps: Vec<String> = dependencies
        .lines()
        .filter_map(|l| {
            l.split_once(" = ")
                .map(|(name, _)| format!("{name}.workspace = true"))
        })
        .collect();
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"{edition}\"\npublish = false\n\n[dependencies]\n{}\n",
        deps.join("\n")
    )
}

/// Compile-checks kopium's outputs.
pub fn kopium(ctx: &Ctx, members: Vec<Member>) -> Result<CheckResult, String> {
    let root = ctx.work.join("kopium-check");
    let mut names = vec!["kp-warmup".to_owned()];
    clean_members(&root)?;
    write(
        &root.join("kp-warmup/Cargo.toml"),
        &member_manifest("kp-warmup", "2021", KOPIUM_DEPENDENCIES),
    )?;
    write(&root.join("kp-warmup/src/lib.rs"), KOPIUM_WARMUP)?;
    for member in &members {
        if let Ok(source) = &member.generated {
            let dir = root.join(&member.name);
            write(
                &dir.join("Cargo.toml"),
                &member_manifest(&member.name, "2021", KOPIUM_DEPENDENCIES),
            )?;
            write(&dir.join("src/lib.rs"), source)?;
            names.push(member.name.clone());
        }
    }
    write(
        &root.join("Cargo.toml"),
        &root_manifest(&names, KOPIUM_DEPENDENCIES, ""),
    )?;
    check_all(ctx, "kopium", &["kp-warmup".to_owned()], &root, &members)
}

/// Generates and compile-checks kubegen's crates.
pub fn kubegen(ctx: &Ctx, mut members: Vec<Member>, runtime: &Path) -> Result<CheckResult, String> {
    let root = ctx.work.join("kubegen-check");
    clean_members(&root)?;
    let dependencies = format!(
        "kubegen = {{ path = \"{}\", default-features = false }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n",
        runtime.display()
    );
    write(
        &root.join("kg-warmup/Cargo.toml"),
        &member_manifest("kg-warmup", "2024", &dependencies),
    )?;
    write(
        &root.join("kg-warmup/src/lib.rs"),
        "//! Checks the dependencies once, before the timed crates.\npub use kubegen::meta::v1::ObjectMeta;\n",
    )?;
    let mut names = vec!["kg-warmup".to_owned()];
    let mut needs_api_patch = false;
    let mut api_dependencies = std::collections::BTreeSet::new();
    for member in &mut members {
        let Ok(input) = &member.generated else {
            continue;
        };
        let dir = root.join(&member.name);
        let written = Builder::new()
            .input(input)
            .crate_name(member.name.clone())
            .runtime_path(runtime.display().to_string())
            .write_crate(&dir);
        match written {
            Ok(_) => {
                let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
                for line in manifest.lines().filter(|l| l.starts_with("kubegen-api")) {
                    needs_api_patch |= !line.contains("path");
                    api_dependencies.insert(line.to_owned());
                }
                names.push(member.name.clone());
            }
            Err(error) => member.generated = Err(error.to_string()),
        }
    }
    // Should generated crates ever depend on kubegen-api by version, check them against this checkout's.
    let patch = if needs_api_patch {
        format!(
            "[patch.crates-io]\nkubegen-api = {{ path = \"{}\" }}\n",
            ctx.repo.join("api").display()
        )
    } else {
        String::new()
    };
    // kubegen-api is checked once per feature set the crates ask for, before
    // the timed checks, as k8s-openapi is for kopium.
    let mut warmups = vec!["kg-warmup".to_owned()];
    for (index, line) in api_dependencies.iter().enumerate() {
        let name = format!("kg-warmup-api-{}", index + 1);
        let manifest = format!("{}{line}\n", member_manifest(&name, "2024", &dependencies));
        write(&root.join(&name).join("Cargo.toml"), &manifest)?;
        write(
            &root.join(&name).join("src/lib.rs"),
            "//! Checks kubegen-api with one feature set.\n",
        )?;
        names.push(name.clone());
        warmups.push(name);
    }
    write(
        &root.join("Cargo.toml"),
        &root_manifest(&names, &dependencies, &patch),
    )?;
    check_all(ctx, "kubegen", &warmups, &root, &members)
}

/// Removes the member crates of an earlier run (keeping `target/` and the lock file).
fn clean_members(root: &Path) -> Result<(), String> {
    remove_dir(&root.join("logs"))?;
    let Ok(entries) = std::fs::read_dir(root) else {
        return Ok(());
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() && (name.starts_with("kp-") || name.starts_with("kg-")) {
            remove_dir(&path)?;
        }
    }
    Ok(())
}

fn check_command(ctx: &Ctx, root: &Path, package: &str) -> std::process::Command {
    let mut command = cargo(ctx);
    command
        .args([
            "check",
            "--message-format",
            "short",
            "-p",
            package,
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(root.join("target"));
    command
}

/// The error lines of a `--message-format short` log.
fn errors(log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .filter(|l| l.contains("error"))
        .filter(|l| !l.starts_with("error: could not compile") && !l.starts_with("error: aborting"))
        .filter(|l| l.contains(": error") || l.starts_with("error"))
        .map(|l| l.trim().to_owned())
        .collect()
}

/// `error[E0412]: cannot find type…` → `E0412`; other errors → their message.
fn error_kind(line: &str) -> String {
    let message = line
        .split_once("error")
        .map(|(_, rest)| rest)
        .unwrap_or(line);
    if let Some(code) = message
        .strip_prefix('[')
        .and_then(|m| m.split_once(']'))
        .map(|(c, _)| c)
    {
        let text = message.split_once("]: ").map(|(_, t)| t).unwrap_or("");
        let words: Vec<&str> = text.split_whitespace().take(4).collect();
        format!("{code} {}", words.join(" "))
    } else {
        message
            .trim_start_matches(':')
            .split_whitespace()
            .take(6)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn check_all(
    ctx: &Ctx,
    tool: &str,
    warmups: &[String],
    root: &Path,
    members: &[Member],
) -> Result<CheckResult, String> {
    let logs = root.join("logs");
    println!(
        "\n{tool}: compile checks in {} (limit {} per crate)",
        root.display(),
        fmt_dur(ctx.opts.timeout)
    );
    let mut fetch = cargo(ctx);
    fetch
        .arg("fetch")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"));
    let shown = show(&fetch);
    if !run_measured(fetch, &logs.join("fetch.log"), None)?.success() {
        return Err(format!(
            "`{shown}` failed; see {}",
            logs.join("fetch.log").display()
        ));
    }
    let mut warm = Duration::ZERO;
    for warmup in warmups {
        let log = logs.join(format!("{warmup}.log"));
        let outcome = run_measured(check_command(ctx, root, warmup), &log, None)?;
        if !outcome.success() {
            return Err(format!(
                "the dependencies of the {tool} crates do not check; see {}",
                log.display()
            ));
        }
        warm += outcome.elapsed;
    }
    println!(
        "{tool}: dependencies checked in {} ({} warm-up crate(s); not counted)",
        fmt_dur(warm),
        warmups.len()
    );

    let mut result = CheckResult {
        total: members.len(),
        passed: 0,
        not_generated: Vec::new(),
        failed: Vec::new(),
        timed_out: Vec::new(),
        time: Duration::ZERO,
        max_rss: None,
    };
    let mut kinds: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut times: Vec<(Duration, Option<u64>, String)> = Vec::new();
    for (index, member) in members.iter().enumerate() {
        if let Err(error) = &member.generated {
            let first = error.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            println!(
                "[{:>3}/{}] {tool} {:<62} not generated: {first}",
                index + 1,
                members.len(),
                member.origin
            );
            result
                .not_generated
                .push((member.origin.clone(), first.to_owned()));
            continue;
        }
        let log = logs.join(format!("{}.log", member.name));
        let outcome = run_measured(
            check_command(ctx, root, &member.name),
            &log,
            Some(ctx.opts.timeout),
        )?;
        result.time += outcome.elapsed;
        if let Some(kib) = outcome.max_rss_kib
            && result.max_rss.as_ref().is_none_or(|(_, max)| kib > *max)
        {
            result.max_rss = Some((member.origin.clone(), kib));
        }
        times.push((outcome.elapsed, outcome.max_rss_kib, member.origin.clone()));
        let verdict = if outcome.status.is_none() {
            result.timed_out.push(member.origin.clone());
            "TIMED OUT".to_owned()
        } else if outcome.success() {
            result.passed += 1;
            "ok".to_owned()
        } else {
            let found = errors(&log);
            let first = found
                .first()
                .cloned()
                .unwrap_or_else(|| "(no error line; see the log)".to_owned());
            let mut seen = Vec::new();
            for line in &found {
                let kind = error_kind(line);
                if !seen.contains(&kind) {
                    kinds
                        .entry(kind.clone())
                        .or_default()
                        .push(member.origin.clone());
                    seen.push(kind);
                }
            }
            result.failed.push((member.origin.clone(), first));
            format!("FAILED ({} errors)", found.len())
        };
        println!(
            "[{:>3}/{}] {tool} {:<62} {:>9} {:>9}  {verdict}",
            index + 1,
            members.len(),
            member.origin,
            fmt_dur(outcome.elapsed),
            outcome.max_rss_kib.map_or("?".to_owned(), mib)
        );
    }
    times.sort_by_key(|(elapsed, _, _)| std::cmp::Reverse(*elapsed));
    println!("{tool}: slowest checks:");
    for (elapsed, rss, origin) in times.iter().take(5) {
        println!(
            "  {origin:<62} {:>9} {:>9}",
            fmt_dur(*elapsed),
            rss.map_or("?".to_owned(), mib)
        );
    }
    for (origin, error) in &result.not_generated {
        println!("{tool}: not generated: {origin}: {error}");
    }
    if !result.failed.is_empty() {
        println!("{tool}: failures (first error each):");
        for (origin, first) in &result.failed {
            println!("  {origin}: {first}");
        }
        println!("{tool}: error kinds (crates affected, examples):");
        let mut kinds: Vec<(String, Vec<String>)> = kinds.into_iter().collect();
        kinds.sort_by_key(|(_, crates)| std::cmp::Reverse(crates.len()));
        for (kind, crates) in kinds {
            let examples: Vec<&str> = crates.iter().take(3).map(String::as_str).collect();
            println!(
                "  {:>3}  {kind}  (e.g. {})",
                crates.len(),
                examples.join(", ")
            );
        }
    }
    for origin in &result.timed_out {
        println!(
            "{tool}: timed out after {}: {origin}",
            fmt_dur(ctx.opts.timeout)
        );
    }
    println!("{tool}: {}; logs in {}", result.line(), logs.display());
    Ok(result)
}
