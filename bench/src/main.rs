//! kubegen benchmarks: `cargo xtask bench <name>`.
//!
//! - `crds [DIR]`: generation (read + IR + emit, no disk writes) of every CRD
//!   project folder under DIR (default `../shared/specs/crds`), timed over
//!   several runs; prints per-project and total medians.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use kubegen_generator::Builder;

const RUNS: usize = 5;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("crds") => crds(args.get(1).map(PathBuf::from)),
        _ => {
            eprintln!("usage: cargo xtask bench crds [DIR]");
            ExitCode::FAILURE
        }
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn crds(dir: Option<PathBuf>) -> ExitCode {
    let dir = dir
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs/crds"));
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "error: {} is missing: the shared specs must be beside the checkout",
            dir.display()
        );
        return ExitCode::FAILURE;
    };
    let mut projects: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    projects.sort();
    let mut totals = vec![Duration::ZERO; RUNS];
    let mut lines_total = 0usize;
    println!(
        "{:<24} {:>10} {:>9} {:>8}",
        "project", "median", "lines", "types"
    );
    for project in &projects {
        let builder = Builder::new().input(project).crate_name("bench");
        let mut times = Vec::with_capacity(RUNS);
        let mut lines = 0;
        let mut types = 0;
        for run in 0..RUNS {
            let start = Instant::now();
            let result = builder.crate_files();
            let elapsed = start.elapsed();
            match result {
                Ok((files, loaded)) => {
                    lines = files.iter().map(|f| f.contents.lines().count()).sum();
                    types = loaded.api.versions().map(|(_, v)| v.types.len()).sum();
                }
                Err(error) => {
                    eprintln!("error: {}: {error}", project.display());
                    return ExitCode::FAILURE;
                }
            }
            times.push(elapsed);
            totals[run] += elapsed;
        }
        lines_total += lines;
        let name = project
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "{name:<24} {:>8.1}ms {lines:>9} {types:>8}",
            median(times).as_secs_f64() * 1000.0
        );
    }
    println!(
        "total: {} projects, {lines_total} generated lines, median {:.1} ms over {RUNS} runs",
        projects.len(),
        median(totals).as_secs_f64() * 1000.0
    );
    ExitCode::SUCCESS
}
