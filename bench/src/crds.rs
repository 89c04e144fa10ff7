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
    for project in &projects {
        let builder = Builder::new().input(project).crate_name("bench");
        let mut times = Vec::with_capacity(runs);
        let mut lines = 0;
        let mut types = 0;
        for total in totals.iter_mut() {
            let start = Instant::now();
            let result = builder.crate_files();
            let elapsed = start.elapsed();
            let (files, loaded) = result.map_err(|e| format!("{}: {e}", project.display()))?;
            lines = files.iter().map(|f| f.contents.lines().count()).sum();
            types = loaded.api.versions().map(|(_, v)| v.types.len()).sum();
            times.push(elapsed);
            *total += elapsed;
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
    let total = median(totals);
    println!(
        "total: {} projects, {lines_total} generated lines, median {:.1} ms over {runs} runs",
        projects.len(),
        total.as_secs_f64() * 1000.0
    );
    summary.add(
        "crds",
        format!(
            "generate {} CRD projects, one crate each (median of {runs})",
            projects.len()
        ),
        format!("{} ({} lines)", fmt_dur(total), thousands(lines_total)),
    );
    Ok(())
}
