//! `crds [DIR]`: generation (read + IR + emit, no disk writes) of every CRD
//! project folder under DIR, timed over several runs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kubegen_generator::Builder;

use crate::util::{fmt_dur, median, thousands};
use crate::{Ctx, Summary};

const RUNS: usize = 5;

pub fn run(ctx: &Ctx, summary: &mut Summary, dir: &Path) -> Result<(), String> {
    let runs = ctx.opts.runs.unwrap_or(RUNS);
    let entries = std::fs::read_dir(dir).map_err(|_| {
        format!(
            "{} is missing: the shared specs must be beside the checkout",
            dir.display()
        )
    })?;
    let mut projects: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    projects.sort();
    let mut totals = vec![Duration::ZERO; runs];
    let mut lines_total = 0usize;
    println!(
        "{:<24} {:>10} {:>9} {:>8}",
        "project", "median", "lines", "types"
    );
    let mut failed = Vec::new();
    'projects: for project in &projects {
        let name = project
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let builder = Builder::new().input(project).crate_name("bench");
        let mut times = Vec::with_capacity(runs);
        let mut lines = 0;
        let mut types = 0;
        for total in totals.iter_mut() {
            let start = Instant::now();
            let result = builder.crate_files();
            let elapsed = start.elapsed();
            let (files, loaded) = match result {
                Ok(generated) => generated,
                Err(error) => {
                    // Measured without it; reported at the end.
                    println!("{name:<24} error: {error}");
                    failed.push(name);
                    continue 'projects;
                }
            };
            lines = files.iter().map(|f| f.contents.lines().count()).sum();
            types = loaded.api.versions().map(|(_, v)| v.types.len()).sum();
            times.push(elapsed);
            *total += elapsed;
        }
        lines_total += lines;
        println!(
            "{name:<24} {:>8.1}ms {lines:>9} {types:>8}",
            median(times).as_secs_f64() * 1000.0
        );
    }
    let total = median(totals);
    let measured = projects.len() - failed.len();
    println!(
        "total: {measured} projects, {lines_total} generated lines, median {:.1} ms over {runs} runs",
        total.as_secs_f64() * 1000.0
    );
    summary.add(
        "crds",
        format!("generate {measured} CRD projects, one crate each (median of {runs})"),
        format!("{} ({} lines)", fmt_dur(total), thousands(lines_total)),
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "generation failed for {} project(s), left out of the total: {}",
            failed.len(),
            failed.join(", ")
        ))
    }
}
