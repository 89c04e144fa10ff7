//! `kopium`: kopium versus kubegen on every CRD in `../shared/specs/crds/`.
//!
//! kopium reads one CRD per file (its YAML reader takes a single document),
//! so the corpus is first cut into units of one CRD each: a file holding
//! exactly one CRD document is its own unit; a multi-document file is split
//! into one temporary file per CRD document (kept byte for byte). Both tools
//! get the same unit files.
//!
//! Timed, same run, every unit, several rounds (median of the round totals):
//! - `kopium -f <unit>` as a process (stdout captured);
//! - kubegen in process: `Builder::new().input(unit).crate_files()`;
//! - kubegen as a process: the release `kubegen generate <unit> --out <dir>`
//!   (which also writes the crate to disk; kopium's output is only piped).
//!
//! Then the compile checks of [`crate::check`].

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use kubegen_generator::crd::{self, Classified};
use kubegen_generator::{Builder, source};

use crate::check::{self, Member};
use crate::gen_api::kubegen_binary;
use crate::util::{
    cargo, fmt_dur, median, rel, remove_dir, run_visible, slug, speedup_times, thousands, write,
};
use crate::{Ctx, Summary};

const RUNS: usize = 3;

/// One CRD, as a file both tools read.
pub struct Unit {
    /// A crate-name fragment, unique in the run: `<project>-<file>[-<n>]`.
    pub name: String,
    /// The file to read.
    pub path: PathBuf,
    /// Where it came from, for the output: `project/file.yaml[#n]`.
    pub origin: String,
}

/// Cuts a YAML text into documents at `---` lines, keeping each verbatim.
fn split_yaml(text: &str) -> Vec<String> {
    let mut documents = vec![String::new()];
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed.starts_with("--- ") {
            documents.push(String::new());
        } else if let Some(last) = documents.last_mut() {
            last.push_str(line);
        }
    }
    documents.retain(|d| !d.trim().is_empty());
    documents
}

/// Counts the CRDs in some documents.
fn crd_count(documents: &[source::Document]) -> usize {
    documents
        .iter()
        .map(|d| match crd::classify(d) {
            Classified::Crds(found) => found.len(),
            Classified::Skip(_) => 0,
        })
        .sum()
}

/// Every CRD of the corpus as a unit; also the notes about skipped files.
pub fn units(ctx: &Ctx) -> Result<(Vec<Unit>, Vec<String>), String> {
    let corpus = ctx.spec("crds")?;
    let split_dir = ctx.work.join("kopium-units");
    remove_dir(&split_dir)?;
    let files = source::collect_files(std::slice::from_ref(&corpus)).map_err(|e| e.to_string())?;
    let mut units: Vec<Unit> = Vec::new();
    let mut notes = Vec::new();
    let push = |units: &mut Vec<Unit>, base: String, path: PathBuf, origin: String| {
        let mut name = base.clone();
        let mut n = 2;
        while units.iter().any(|u| u.name == name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        units.push(Unit { name, path, origin });
    };
    for file in files {
        let origin = rel(&file, &corpus).display().to_string();
        let base = slug(
            origin
                .trim_end_matches(".yaml")
                .trim_end_matches(".yml")
                .trim_end_matches(".json"),
        );
        let documents = match source::read_documents(&file) {
            Ok(documents) => documents,
            Err(error) => {
                notes.push(format!("{origin}: skipped: unreadable: {error}"));
                continue;
            }
        };
        let count = crd_count(&documents);
        if count == 0 {
            notes.push(format!("{origin}: skipped: no CRD in it"));
            continue;
        }
        if count == 1 && documents.len() == 1 {
            push(&mut units, base, file.clone(), origin);
            continue;
        }
        // Several documents: one file per CRD document, verbatim.
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let is_json = origin.ends_with(".json");
        let chunks = if is_json {
            vec![text]
        } else {
            split_yaml(&text)
        };
        for (index, chunk) in chunks.iter().enumerate() {
            let name = format!("{base}-{}", index + 1);
            let extension = if is_json { "json" } else { "yaml" };
            let parsed = source::parse_documents(&format!("{origin}.{extension}"), chunk)
                .map_err(|e| format!("{origin} document {}: {e}", index + 1))?;
            let found = crd_count(&parsed);
            if found == 0 {
                notes.push(format!("{origin}#{}: skipped: not a CRD", index + 1));
            } else if found == 1 && parsed.len() == 1 {
                let path = split_dir.join(format!("{name}.{extension}"));
                write(&path, chunk)?;
                push(&mut units, name, path, format!("{origin}#{}", index + 1));
            } else {
                // A CustomResourceDefinitionList: one JSON file per item.
                for document in &parsed {
                    if let Classified::Crds(found) = crd::classify(document) {
                        for (item, (_, value)) in found.into_iter().enumerate() {
                            let item_name = format!("{name}-{}", item + 1);
                            let path = split_dir.join(format!("{item_name}.json"));
                            let json =
                                serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
                            write(&path, &json)?;
                            push(
                                &mut units,
                                item_name,
                                path,
                                format!("{origin}#{}[{item}]", index + 1),
                            );
                        }
                    }
                }
            }
        }
    }
    Ok((units, notes))
}

/// The kopium binary: the cached one under `bench/target/tools`, else one on
/// `PATH`, else installed there now.
fn kopium_binary(ctx: &Ctx) -> Result<PathBuf, String> {
    let root = ctx.work.join("tools");
    let cached = root.join("bin/kopium");
    if cached.exists() {
        println!("kopium: using {}", cached.display());
        return Ok(cached);
    }
    if let Ok(output) = Command::new("kopium").arg("--version").output()
        && output.status.success()
    {
        println!("kopium: using the one on PATH");
        return Ok(PathBuf::from("kopium"));
    }
    println!(
        "kopium: not installed; installing it into {} (a few minutes, once):",
        root.display()
    );
    let mut command = cargo(ctx);
    command
        .args(["install", "kopium", "--locked", "--root"])
        .arg(&root);
    run_visible(command)?;
    Ok(cached)
}

/// A counted output: lines and `pub struct`/`pub enum` items.
#[derive(Clone, Copy, Default)]
pub struct Size {
    pub lines: usize,
    /// Lines that are neither blank nor comments (kubegen writes docs, kopium
    /// without `--docs` does not).
    pub code: usize,
    pub types: usize,
}

impl Size {
    pub fn of(text: &str) -> Size {
        let mut size = Size::default();
        for line in text.lines() {
            size.lines += 1;
            let line = line.trim_start();
            if !line.is_empty() && !line.starts_with("//") {
                size.code += 1;
            }
            if line.starts_with("pub struct ") || line.starts_with("pub enum ") {
                size.types += 1;
            }
        }
        size
    }

    fn add(&mut self, other: Size) {
        self.lines += other.lines;
        self.code += other.code;
        self.types += other.types;
    }
}

pub fn run(ctx: &Ctx, summary: &mut Summary) -> Result<(), String> {
    let runs = ctx.opts.runs.unwrap_or(RUNS);
    let kopium = kopium_binary(ctx)?;
    let version = Command::new(&kopium)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    println!("kopium: {version}");
    let (units, notes) = units(ctx)?;
    for note in &notes {
        println!("note: {note}");
    }
    println!(
        "{} CRDs (units) from {}; multi-document files split into {}",
        units.len(),
        ctx.specs.join("crds").display(),
        ctx.work.join("kopium-units").display()
    );
    let runtime = ctx.repo.join("runtime").display().to_string();
    let binary = match kubegen_binary(ctx) {
        Ok(binary) => Some(binary),
        Err(error) => {
            println!("kubegen as a process: skipped: {error}");
            None
        }
    };
    let process_out = ctx.work.join("kubegen-process-out");

    // Outputs of the first round, kept for the compile checks.
    let mut kopium_outputs: Vec<Result<String, String>> = Vec::new();
    let mut kubegen_errors: Vec<Option<String>> = vec![None; units.len()];
    let mut kubegen_size = Size::default();
    let mut kopium_size = Size::default();
    let mut kubegen_versions = 0usize;
    let (mut kopium_totals, mut inproc_totals, mut process_totals) =
        (Vec::new(), Vec::new(), Vec::new());
    let mut per_unit: Vec<(Duration, Duration)> =
        vec![(Duration::ZERO, Duration::ZERO); units.len()];
    for round in 1..=runs {
        let (mut kopium_total, mut inproc_total, mut process_total) =
            (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        for (index, unit) in units.iter().enumerate() {
            let start = Instant::now();
            let output = Command::new(&kopium)
                .arg("-f")
                .arg(&unit.path)
                .output()
                .map_err(|e| format!("{}: {e}", kopium.display()))?;
            let elapsed = start.elapsed();
            kopium_total += elapsed;
            if round == 1 {
                per_unit[index].0 = elapsed;
                kopium_outputs.push(if output.status.success() {
                    let text = String::from_utf8_lossy(&output.stdout).into_owned();
                    kopium_size.add(Size::of(&text));
                    Ok(text)
                } else {
                    Err(String::from_utf8_lossy(&output.stderr).trim().to_owned())
                });
            }

            let builder = Builder::new()
                .input(&unit.path)
                .crate_name(format!("kg-{}", unit.name))
                .runtime_path(runtime.clone());
            let start = Instant::now();
            let result = builder.crate_files();
            let elapsed = start.elapsed();
            inproc_total += elapsed;
            if round == 1 {
                per_unit[index].1 = elapsed;
                match result {
                    Ok((files, loaded)) => {
                        kubegen_versions += loaded.api.versions().count();
                        for file in files.iter().filter(|f| f.path.ends_with(".rs")) {
                            kubegen_size.add(Size::of(&file.contents));
                        }
                    }
                    Err(error) => kubegen_errors[index] = Some(error.to_string()),
                }
            }

            if let Some(binary) = &binary {
                // The previous round's crate is removed untimed: kopium has nothing to replace.
                let out = process_out.join(&unit.name);
                remove_dir(&out)?;
                let start = Instant::now();
                let status = Command::new(binary)
                    .arg("generate")
                    .arg(&unit.path)
                    .arg("--out")
                    .arg(&out)
                    .args(["--runtime-path", &runtime])
                    .output()
                    .map(|o| o.status.success())
                    .unwrap_or(false);
                process_total += start.elapsed();
                if !status && round == 1 {
                    println!("kubegen process failed on {}", unit.origin);
                }
            }
        }
        println!(
            "round {round}: kopium {}  kubegen in process {}  kubegen process {}",
            fmt_dur(kopium_total),
            fmt_dur(inproc_total),
            if binary.is_some() {
                fmt_dur(process_total)
            } else {
                "skipped".to_owned()
            }
        );
        kopium_totals.push(kopium_total);
        inproc_totals.push(inproc_total);
        process_totals.push(process_total);
    }
    let n = units.len();
    let kopium_ok = kopium_outputs.iter().filter(|o| o.is_ok()).count();
    let kubegen_ok = kubegen_errors.iter().filter(|e| e.is_none()).count();
    for (unit, output) in units.iter().zip(&kopium_outputs) {
        if let Err(error) = output {
            let first = error.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            println!("kopium failed on {}: {first}", unit.origin);
        }
    }
    for (unit, error) in units.iter().zip(&kubegen_errors) {
        if let Some(error) = error {
            println!("kubegen failed on {}: {error}", unit.origin);
        }
    }
    let (kopium_t, inproc_t, process_t) = (
        median(kopium_totals),
        median(inproc_totals),
        median(process_totals),
    );
    let mut slowest: Vec<(usize, &(Duration, Duration))> = per_unit.iter().enumerate().collect();
    slowest.sort_by_key(|(_, (k, _))| std::cmp::Reverse(*k));
    println!("slowest units for kopium (round 1): unit, kopium, kubegen in process");
    for (index, (k, g)) in slowest.iter().take(5) {
        println!(
            "  {:<60} {:>9} {:>9}",
            units[*index].origin,
            fmt_dur(*k),
            fmt_dur(*g)
        );
    }
    let of = format!("{n} CRDs, median of {runs} rounds");
    println!(
        "kopium total: {}  ({kopium_ok} of {n} generated)",
        fmt_dur(kopium_t)
    );
    println!(
        "kubegen in process total: {}  ({kubegen_ok} of {n} generated)",
        fmt_dur(inproc_t)
    );
    summary.add(
        "kopium",
        format!("generate: kopium -f <crd>, process per CRD ({of})"),
        format!("{} ({kopium_ok} of {n} succeeded)", fmt_dur(kopium_t)),
    );
    summary.add(
        "kopium",
        format!("generate: kubegen Builder in process ({of})"),
        format!("{} ({kubegen_ok} of {n} succeeded)", fmt_dur(inproc_t)),
    );
    summary.add(
        "kopium",
        "ratio generate, kubegen in process vs kopium",
        speedup_times(inproc_t, kopium_t),
    );
    if binary.is_some() {
        println!("kubegen process total: {}", fmt_dur(process_t));
        summary.add(
            "kopium",
            format!("generate: kubegen generate --out, process per CRD ({of})"),
            fmt_dur(process_t),
        );
        summary.add(
            "kopium",
            "ratio generate, kubegen process vs kopium",
            speedup_times(process_t, kopium_t),
        );
        println!(
            "ratios: in process {}; as processes {}",
            speedup_times(inproc_t, kopium_t),
            speedup_times(process_t, kopium_t)
        );
    }
    let describe = |size: Size| {
        format!(
            "{} lines ({} not blank or comment), {} types",
            thousands(size.lines),
            thousands(size.code),
            thousands(size.types)
        )
    };
    println!(
        "generated: kopium {} (one version per CRD: {n}); kubegen {} (.rs files, every version: {kubegen_versions})",
        describe(kopium_size),
        describe(kubegen_size)
    );
    summary.add(
        "kopium",
        format!("generated code: kopium ({n} CRD versions, one per CRD)"),
        describe(kopium_size),
    );
    summary.add(
        "kopium",
        format!("generated code: kubegen ({kubegen_versions} CRD versions, every version)"),
        describe(kubegen_size),
    );

    if !ctx.opts.check {
        println!("compile checks skipped (--no-check)");
        return Ok(());
    }
    let kopium_members: Vec<Member> = units
        .iter()
        .zip(kopium_outputs)
        .map(|(unit, output)| Member {
            name: format!("kp-{}", unit.name),
            origin: unit.origin.clone(),
            generated: output,
        })
        .collect();
    let kubegen_members: Vec<Member> = units
        .iter()
        .zip(kubegen_errors)
        .map(|(unit, error)| Member {
            name: format!("kg-{}", unit.name),
            origin: unit.origin.clone(),
            generated: match error {
                Some(error) => Err(error),
                None => Ok(unit.path.display().to_string()),
            },
        })
        .collect();
    let kopium_result = check::kopium(ctx, kopium_members)?;
    let kubegen_result = check::kubegen(ctx, kubegen_members, Path::new(&runtime))?;
    summary.add(
        "kopium",
        "compile check (cargo check, one crate per CRD): kopium",
        kopium_result.line(),
    );
    summary.add(
        "kopium",
        "compile check (cargo check, one crate per CRD): kubegen",
        kubegen_result.line(),
    );
    for (who, result) in [("kopium", &kopium_result), ("kubegen", &kubegen_result)] {
        if let Some((name, kib)) = &result.max_rss {
            summary.add(
                "kopium",
                format!("compile check {who}: biggest peak rustc RSS"),
                format!("{} ({name})", crate::util::mib(*kib)),
            );
        }
    }
    println!(
        "\nkopium: {} ; kubegen: {}",
        kopium_result.line(),
        kubegen_result.line()
    );
    Ok(())
}
