//! `gen-api`: generation speed of the whole Kubernetes API (types) from
//! `../shared/specs/kubernetes/swagger.json`.
//!
//! In process: `Builder::new().input(swagger).crate_files()` (read + IR +
//! emit, nothing written), median of runs. As a process: the release
//! `kubegen generate` binary, which also writes the crate to disk.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use kubegen_generator::Builder;

use crate::util::{cargo, fmt_dur, median, run_visible, thousands};
use crate::{Ctx, Summary};

const RUNS: usize = 5;
const TARGET_SECS: f64 = 1.0;

/// Builds (or finds up to date) the release `kubegen` binary of this
/// checkout, in its own target directory under `bench/target/`.
pub fn kubegen_binary(ctx: &Ctx) -> Result<PathBuf, String> {
    let target_dir = ctx.work.join("kubegen-bin");
    let mut command = cargo(ctx);
    command
        .args([
            "build",
            "--release",
            "--locked",
            "--quiet",
            "--manifest-path",
        ])
        .arg(ctx.repo.join("Cargo.toml"))
        .args([
            "-p",
            "kubegen-generator",
            "--bin",
            "kubegen",
            "--target-dir",
        ])
        .arg(&target_dir);
    run_visible(command)?;
    Ok(target_dir.join("release/kubegen"))
}

pub fn run(ctx: &Ctx, summary: &mut Summary) -> Result<(), String> {
    let swagger = ctx.spec("kubernetes/swagger.json")?;
    let runs = ctx.opts.runs.unwrap_or(RUNS);
    let builder = Builder::new()
        .input(&swagger)
        .crate_name("kubegen-api")
        .runtime_path("../runtime");
    println!("input: {}", swagger.display());

    let mut load_times = Vec::new();
    let mut times = Vec::new();
    let mut shape = (0, 0, 0);
    for run in 0..runs {
        let start = Instant::now();
        let loaded = builder.load().map_err(|e| e.to_string())?;
        load_times.push(start.elapsed());
        drop(loaded);

        let start = Instant::now();
        let (files, loaded) = builder.crate_files().map_err(|e| e.to_string())?;
        let elapsed = start.elapsed();
        times.push(elapsed);
        let lines: usize = files.iter().map(|f| f.contents.lines().count()).sum();
        let types: usize = loaded.api.versions().map(|(_, v)| v.types.len()).sum();
        shape = (files.len(), lines, types);
        println!(
            "run {}: read + IR + emit {}  (read + IR alone {})",
            run + 1,
            fmt_dur(elapsed),
            fmt_dur(load_times[run])
        );
    }
    let (files, lines, types) = shape;
    let total = median(times);
    let load = median(load_times);
    let met = if total.as_secs_f64() < TARGET_SECS {
        "met"
    } else {
        "NOT met"
    };
    println!(
        "in process: median {} over {runs} runs (read + IR {}, emit {}); {files} files, {} lines, {} types; target < 1 s: {met}",
        fmt_dur(total),
        fmt_dur(load),
        fmt_dur(total.saturating_sub(load)),
        thousands(lines),
        thousands(types)
    );
    summary.add(
        "gen-api",
        format!("whole API in process, read+IR+emit (median of {runs}; target < 1 s: {met})"),
        format!(
            "{} ({} files, {} lines, {} types)",
            fmt_dur(total),
            files,
            thousands(lines),
            thousands(types)
        ),
    );
    summary.add("gen-api", "  of which read + IR", fmt_dur(load));

    // The binary a user runs: process start, read, generate, write the crate.
    match kubegen_binary(ctx) {
        Ok(binary) => {
            let out = ctx.work.join("gen-api/kubegen-api");
            let mut times = Vec::new();
            for _ in 0..runs {
                let mut command = Command::new(&binary);
                command
                    .arg("generate")
                    .arg(&swagger)
                    .arg("--out")
                    .arg(&out)
                    .args([
                        "--crate-name",
                        "kubegen-api",
                        "--runtime-path",
                        "../runtime",
                    ]);
                let start = Instant::now();
                let output = command
                    .output()
                    .map_err(|e| format!("{}: {e}", binary.display()))?;
                times.push(start.elapsed());
                if !output.status.success() {
                    return Err(format!(
                        "kubegen generate failed: {}",
                        String::from_utf8_lossy(&output.stderr)
                    ));
                }
            }
            let process = median(times);
            println!(
                "as a process: `kubegen generate {} --out {}`: median {} over {runs} runs (includes writing the crate)",
                swagger.display(),
                out.display(),
                fmt_dur(process)
            );
            summary.add(
                "gen-api",
                format!("whole API, `kubegen generate` release binary, writes the crate (median of {runs})"),
                fmt_dur(process),
            );
        }
        Err(error) => {
            println!("as a process: skipped: {error}");
            summary.add(
                "gen-api",
                "whole API, `kubegen generate` binary",
                format!("skipped: {error}"),
            );
        }
    }
    Ok(())
}
