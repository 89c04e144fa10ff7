//! `crds [DIR]`: generation (read + IR + emit, no disk writes) of every CRD
//! generation unit under DIR (the corpus test's units), timed over several runs.

use std::path::Path;
use std::time::{Duration, Instant};

use kubegen_generator::Builder;

use crate::util::{fmt_dur, median, thousands};
use crate::{Ctx, Summary};

const RUNS: usize = 5;

pub fn run(ctx: &Ctx, summary: &mut Summary, dir: &Path) -> Result<(), String> {
    let runs = ctx.opts.runs.unwrap_or(RUNS);
    if !dir.is_dir() {
        return Err(format!(
            "{} is missing: the shared specs must be beside the checkout",
            dir.display()
        ));
    }
    // The same generation units as the corpus test: channel subfolders
    // (gateway-api standard/experimental) apart, files named explicitly.
    let projects = kubegen_tests::corpus::units(dir);
    let mut totals = vec![Duration::ZERO; runs];
    let mut lines_total = 0usize;
    println!(
        "{:<24} {:>10} {:>9} {:>8}",
        "project", "median", "lines", "types"
    );
    let mut failed = Vec::new();
    'projects: for (name, inputs) in &projects {
        let builder = Builder::new()
            .inputs(inputs.iter().cloned())
            .crate_name("bench");
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
                    failed.push(name.clone());
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
