//! `build-api`: clean `cargo build` (debug) time of `kubegen-api` versus
//! `k8s-openapi` (crates.io 0.29, feature `latest`), each in its own
//! throwaway crate and target directory under `bench/target/build-api/`.
//!
//! Two figures per crate, both from a clean state:
//! - crate only: dependencies (serde, serde_json, jiff, …) are built first,
//!   then `cargo clean -p` removes the measured crates and `cargo build` is
//!   timed; on the kubegen side the measured crates are `kubegen-api` and the
//!   `kubegen` runtime (meta/v1, Quantity, IntOrString, the traits), because
//!   k8s-openapi carries its own copy of all that;
//! - everything: `cargo clean`, then `cargo build` of the whole graph.
//!
//! `CARGO_INCREMENTAL=0` for both (a path dependency would otherwise build
//! incrementally and a registry one not); `--timings` splits the crate-only
//! time per crate.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::util::{
    cargo, fmt_dur, median, mib, remove_dir, run_measured, show, speedup_times, write,
};
use crate::{Ctx, Summary};

const RUNS: usize = 1;
const PEER_VERSION: &str = "0.29";
const PEER_FEATURE: &str = "latest";
const SUBSET: &[&str] = &["core_v1", "apps_v1", "batch_v1"];

struct Config {
    /// Directory and package name suffix.
    name: &'static str,
    /// What it is, for the output.
    label: String,
    /// The `[dependencies]` lines.
    dependency: String,
    /// The packages `cargo clean -p` removes before the crate-only build.
    measured: &'static [&'static str],
}

#[derive(Default)]
struct Figures {
    crate_only: Vec<Duration>,
    everything: Vec<Duration>,
    rss_kib: Option<u64>,
    /// Per-crate compile times of each crate-only build (cargo --timings), per run.
    units: Vec<Vec<Duration>>,
}

fn configs(ctx: &Ctx) -> Vec<Config> {
    let api = ctx.repo.join("api");
    let api = api.display();
    vec![
        Config {
            name: "kubegen-full",
            label: "kubegen-api --features full (+ kubegen runtime)".to_owned(),
            dependency: format!(r#"kubegen-api = {{ path = "{api}", features = ["full"] }}"#),
            measured: &["kubegen-api", "kubegen"],
        },
        Config {
            name: "kubegen-subset",
            label: format!(
                "kubegen-api --features {} (+ kubegen runtime)",
                SUBSET.join(",")
            ),
            dependency: format!(
                r#"kubegen-api = {{ path = "{api}", features = [{}] }}"#,
                SUBSET
                    .iter()
                    .map(|f| format!("\"{f}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            measured: &["kubegen-api", "kubegen"],
        },
        Config {
            name: "k8s-openapi",
            label: format!("k8s-openapi {PEER_VERSION} --features {PEER_FEATURE}"),
            dependency: format!(
                r#"k8s-openapi = {{ version = "{PEER_VERSION}", features = ["{PEER_FEATURE}"] }}"#
            ),
            measured: &["k8s-openapi"],
        },
    ]
}

fn prepare(ctx: &Ctx, config: &Config) -> Result<PathBuf, String> {
    let dir = ctx.work.join("build-api").join(config.name);
    let manifest = format!(
        "# Throwaway crate of `cargo xtask bench build-api`: only its dependency is timed.\n\
         [package]\nname = \"build-{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{}\n\n[workspace]\n",
        config.name, config.dependency
    );
    let path = dir.join("Cargo.toml");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(manifest.as_str()) {
        write(&path, &manifest)?;
        let _ = std::fs::remove_file(dir.join("Cargo.lock"));
    }
    write(
        &dir.join("src/lib.rs"),
        "//! Empty: the dependency is what is built.\n",
    )?;
    Ok(dir)
}

fn cargo_in(ctx: &Ctx, dir: &Path, args: &[&str]) -> std::process::Command {
    let mut command = cargo(ctx);
    command
        .args(args)
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"));
    if args.first() != Some(&"fetch") {
        command.arg("--target-dir").arg(dir.join("target"));
    }
    command
}

fn quiet(ctx: &Ctx, dir: &Path, args: &[&str], log: &Path) -> Result<(), String> {
    let command = cargo_in(ctx, dir, args);
    let shown = show(&command);
    let outcome = run_measured(command, log, None)?;
    if outcome.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed; see {}", log.display()))
    }
}

fn timed_build(ctx: &Ctx, dir: &Path, log: &Path) -> Result<(Duration, Option<u64>), String> {
    let command = cargo_in(ctx, dir, &["build", "--timings"]);
    let shown = show(&command);
    let outcome = run_measured(command, log, None)?;
    if outcome.success() {
        Ok((outcome.elapsed, outcome.max_rss_kib))
    } else {
        Err(format!("`{shown}` failed; see {}", log.display()))
    }
}

/// The compile time of each of `packages` in the last `cargo build --timings`
/// report (cargo's `UNIT_DATA`); zero where the report says nothing.
fn unit_times(dir: &Path, packages: &[&str]) -> Vec<Duration> {
    let report = dir.join("target/cargo-timings/cargo-timing.html");
    let units = std::fs::read_to_string(&report)
        .ok()
        .and_then(|html| {
            let (_, data) = html.split_once("UNIT_DATA = ")?;
            match serde_json::Deserializer::from_str(data)
                .into_iter::<serde_json::Value>()
                .next()
            {
                Some(Ok(serde_json::Value::Array(units))) => Some(units),
                _ => None,
            }
        })
        .unwrap_or_default();
    packages
        .iter()
        .map(|package| {
            let secs: f64 = units
                .iter()
                .filter(|u| u["name"] == *package)
                .filter_map(|u| u["duration"].as_f64())
                .sum();
            Duration::from_secs_f64(secs)
        })
        .collect()
}

/// `kubegen-api 12.3 s, kubegen 2.1 s`.
fn show_units(packages: &[&str], times: &[Duration]) -> String {
    packages
        .iter()
        .zip(times)
        .filter(|(_, t)| !t.is_zero())
        .map(|(p, t)| format!("{p} {:.1} s", t.as_secs_f64()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn run(ctx: &Ctx, summary: &mut Summary) -> Result<(), String> {
    let runs = ctx.opts.runs.unwrap_or(RUNS);
    let configs = configs(ctx);
    let logs = ctx.work.join("build-api/logs");
    remove_dir(&logs)?;
    println!(
        "debug `cargo build`, CARGO_BUILD_JOBS={}, one throwaway crate and target dir each under {}",
        ctx.opts.jobs,
        ctx.work.join("build-api").display()
    );
    println!(
        "crate only: dependencies built first, then `cargo clean -p <crate>` and a timed `cargo build`;\n\
         the kubegen side times kubegen-api AND the kubegen runtime (k8s-openapi carries its own meta types).\n\
         everything: `cargo clean`, then a timed `cargo build` of the whole graph (serde, serde_json, jiff, …).\n\
         CARGO_INCREMENTAL=0 for both; per-crate times from `cargo build --timings`."
    );
    let mut dirs = Vec::new();
    for config in &configs {
        let dir = prepare(ctx, config)?;
        quiet(
            ctx,
            &dir,
            &["fetch"],
            &logs.join(format!("{}-fetch.log", config.name)),
        )?;
        dirs.push(dir);
    }
    let mut figures: Vec<Figures> = configs.iter().map(|_| Figures::default()).collect();
    for run in 1..=runs {
        for ((config, dir), figures) in configs.iter().zip(&dirs).zip(&mut figures) {
            let log = |what: &str| logs.join(format!("{}-{what}-{run}.log", config.name));
            quiet(ctx, dir, &["clean"], &log("clean"))?;
            let (everything, _) = timed_build(ctx, dir, &log("build-all"))?;
            let mut clean = vec!["clean"];
            for package in config.measured {
                clean.extend(["-p", package]);
            }
            quiet(ctx, dir, &clean, &log("clean-p"))?;
            let (crate_only, rss) = timed_build(ctx, dir, &log("build-crate"))?;
            let times = unit_times(dir, config.measured);
            let units = show_units(config.measured, &times);
            println!(
                "run {run}: {}\n    crate only {:>9} ({units})   everything {:>9}   peak rustc RSS {}",
                config.label,
                fmt_dur(crate_only),
                fmt_dur(everything),
                rss.map_or("?".to_owned(), mib)
            );
            figures.units.push(times);
            figures.crate_only.push(crate_only);
            figures.everything.push(everything);
            figures.rss_kib = figures.rss_kib.max(rss);
        }
    }
    // The median of each crate's own time over the runs.
    let units: Vec<String> = configs
        .iter()
        .zip(&figures)
        .map(|(config, f)| {
            let medians: Vec<Duration> = (0..config.measured.len())
                .map(|i| median(f.units.iter().map(|run| run[i]).collect()))
                .collect();
            show_units(config.measured, &medians)
        })
        .collect();
    let med: Vec<(Duration, Duration, Option<u64>)> = figures
        .into_iter()
        .map(|f| (median(f.crate_only), median(f.everything), f.rss_kib))
        .collect();
    let (full, subset, peer) = (med[0], med[1], med[2]);
    let of = if runs > 1 {
        format!(", median of {runs}")
    } else {
        String::new()
    };
    for ((config, (crate_only, everything, rss)), units) in configs.iter().zip(&med).zip(&units) {
        summary.add(
            "build-api",
            format!("{} crate only{of}", config.label),
            format!(
                "{} ({units}; peak rustc RSS {})",
                fmt_dur(*crate_only),
                rss.map_or("?".to_owned(), mib)
            ),
        );
        summary.add(
            "build-api",
            format!("{} with dependencies{of}", config.label),
            fmt_dur(*everything),
        );
    }
    let lines = [
        (
            "every group: kubegen-api full vs k8s-openapi, crate only",
            speedup_times(full.0, peer.0),
        ),
        (
            "every group: kubegen-api full vs k8s-openapi, with dependencies",
            speedup_times(full.1, peer.1),
        ),
        (
            "core+apps+batch: kubegen-api subset vs k8s-openapi (no subset features: whole crate), crate only",
            speedup_times(subset.0, peer.0),
        ),
        (
            "core+apps+batch: kubegen-api subset vs k8s-openapi (whole crate), with dependencies",
            speedup_times(subset.1, peer.1),
        ),
    ];
    println!("k8s-openapi has no per-group features: its subset build is the whole crate.");
    for (what, ratio) in lines {
        println!("{what}: {ratio}");
        summary.add("build-api", format!("ratio {what}"), ratio);
    }
    Ok(())
}
