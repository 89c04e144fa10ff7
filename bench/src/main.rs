//! kubegen benchmarks: `cargo xtask bench <name> [options]`.
//!
//! Every benchmark prints its figures, and each comparison with a peer is
//! measured in the same run and printed as a ratio. Nothing here asserts on
//! time: targets are printed next to the figures, never enforced.
//!
//! - `crds [DIR]`: generation (read + IR + emit, no disk writes) of every CRD
//!   project folder under DIR (default `../shared/specs/crds`), timed over
//!   several runs; prints per-project and total medians.
//! - `gen-api`: generation of the whole Kubernetes API (types) from
//!   `../shared/specs/kubernetes/swagger.json`, in process (median of runs)
//!   and as the `kubegen` binary.
//! - `kopium`: kopium versus kubegen on every CRD in `../shared/specs/crds`:
//!   generation time, generated lines and types, and how many outputs compile.
//! - `build-api`: clean `cargo build` of `kubegen-api` versus `k8s-openapi`,
//!   with every group and with core/v1 + apps/v1 + batch/v1.
//! - `decode`: a `PodList` of 10,000 Pods decoded into `kubegen-api` versus
//!   `k8s-openapi` types.
//! - `testserver`: the in-memory API server holding 100,000 ConfigMaps
//!   (`--items`): creation over HTTP, memory per stored object, full and
//!   paged lists, watch throughput with 1 and 10 watchers.
//! - `informer`: kubegen's shared informer versus kube-rs's reflector store on
//!   the embedded test server with 10,000 Pods: time to sync and memory per
//!   cached object, each informer in its own child process.
//! - `gen`: the generator and its peers (crds, gen-api, decode, build-api,
//!   kopium); `all`: every benchmark (`crds` on the default folder), in
//!   sequence, then one summary.
//!
//! Options: `--runs N` (repetitions; each benchmark has its own default),
//! `--items N` (decode, informer: Pods, default 10000; testserver: stored
//! ConfigMaps, default 100000), `--pod large|recorded` (informer: the
//! fixture Pod, see `informer.rs`), `--timeout SECS`
//! (kopium: limit per compile check, default 300), `--no-check` (kopium: skip
//! the compile checks), `--jobs N` (cargo jobs for builds and checks, default 2).
//!
//! Scratch files, tools and throwaway crates live under `bench/target/`.

mod build_api;
mod check;
mod crds;
mod decode;
mod gen_api;
mod heap;
mod informer;
mod kopium;
mod testserver;
mod util;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: heap::Counting = heap::Counting;

const USAGE: &str = "usage: cargo xtask bench <crds [DIR]|gen-api|kopium|build-api|decode|testserver|informer|all|gen> \
[--runs N] [--items N] [--timeout SECS] [--no-check] [--jobs N]";

/// Options shared by the benchmarks.
#[derive(Clone, Debug)]
pub struct Options {
    /// Repetitions; `None` lets each benchmark pick its default.
    pub runs: Option<usize>,
    /// Pods in the decoded list, or objects the test server holds; `None`
    /// lets each benchmark pick its default.
    pub items: Option<usize>,
    /// The informer benchmark's Pod: `large` (default) or `recorded`.
    pub pod: Option<String>,
    /// Limit for one compile check.
    pub timeout: Duration,
    /// Whether the kopium benchmark compile-checks the outputs.
    pub check: bool,
    /// `CARGO_BUILD_JOBS` for builds and checks.
    pub jobs: usize,
}

/// Where things are, and the options.
pub struct Ctx {
    /// The repository root (the parent of `bench/`).
    pub repo: PathBuf,
    /// The shared specs, `<repo>/../shared/specs`.
    pub specs: PathBuf,
    /// Scratch space: `bench/target`.
    pub work: PathBuf,
    /// The options.
    pub opts: Options,
}

impl Ctx {
    /// A path under the shared specs, or a clear error when it is missing.
    pub fn spec(&self, relative: &str) -> Result<PathBuf, String> {
        let path = self.specs.join(relative);
        if path.exists() {
            Ok(path)
        } else {
            Err(format!(
                "{} is missing: the shared specs must be beside the checkout, at {}",
                path.display(),
                self.specs.display()
            ))
        }
    }
}

/// One line of the final table.
pub struct Row {
    /// The benchmark.
    pub bench: &'static str,
    /// What was measured.
    pub figure: String,
    /// The value, with its unit.
    pub value: String,
}

/// Every figure and ratio of a run, printed at the end.
#[derive(Default)]
pub struct Summary {
    rows: Vec<Row>,
}

impl Summary {
    /// Records a figure (also printed right away by the benchmark itself).
    pub fn add(
        &mut self,
        bench: &'static str,
        figure: impl Into<String>,
        value: impl Into<String>,
    ) {
        self.rows.push(Row {
            bench,
            figure: figure.into(),
            value: value.into(),
        });
    }

    fn print(&self, command: &str) {
        if self.rows.is_empty() {
            return;
        }
        let figure_width = self.rows.iter().map(|r| r.figure.len()).max().unwrap_or(0);
        let bench_width = self.rows.iter().map(|r| r.bench.len()).max().unwrap_or(0);
        println!();
        println!("==== summary ====");
        println!("command: {command}");
        println!(
            "machine: {} CPUs available; ratios are `kubegen N.NNx faster` (or slower) than the peer",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        for row in &self.rows {
            println!(
                "{:<bench_width$}  {:<figure_width$}  {}",
                row.bench, row.figure, row.value
            );
        }
    }
}

fn parse_args(args: &[String]) -> Result<(String, Vec<String>, Options), String> {
    let mut opts = Options {
        runs: None,
        items: None,
        pod: None,
        timeout: Duration::from_secs(300),
        check: true,
        jobs: 2,
    };
    let mut name = None;
    let mut rest = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "--pod" {
            let pod = iter
                .next()
                .ok_or("--pod needs a value: large or recorded")?;
            opts.pod = Some(pod.clone());
            continue;
        }
        let mut value = |flag: &str| -> Result<usize, String> {
            iter.next()
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|v| *v > 0)
                .ok_or_else(|| format!("{flag} needs a positive number"))
        };
        match arg.as_str() {
            "--runs" => opts.runs = Some(value("--runs")?),
            "--items" => opts.items = Some(value("--items")?),
            "--timeout" => opts.timeout = Duration::from_secs(value("--timeout")? as u64),
            "--jobs" => opts.jobs = value("--jobs")?,
            "--no-check" => opts.check = false,
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            other if name.is_none() => name = Some(other.to_owned()),
            other => rest.push(other.to_owned()),
        }
    }
    Ok((name.ok_or("no benchmark named")?, rest, opts))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(informer::CHILD) {
        return informer::child(&args[1..]);
    }
    let (name, rest, opts) = match parse_args(&args) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("error: {error}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let bench_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = bench_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| bench_dir.join(".."));
    let specs = repo.join("../shared/specs");
    if !specs.is_dir() {
        eprintln!(
            "error: the shared specs are missing: expected {} (../shared/specs beside the checkout {})",
            specs.display(),
            repo.display()
        );
        return ExitCode::FAILURE;
    }
    let specs = specs.canonicalize().unwrap_or(specs);
    let ctx = Ctx {
        work: bench_dir.join("target"),
        repo,
        specs,
        opts,
    };
    let command = format!("cargo xtask bench {}", args.join(" "));
    let mut summary = Summary::default();
    type Bench = Box<dyn Fn(&Ctx, &mut Summary) -> Result<(), String>>;
    let benches: Vec<(&str, Bench)> = match name.as_str() {
        "crds" => {
            let dir = rest
                .first()
                .map(PathBuf::from)
                .unwrap_or_else(|| ctx.specs.join("crds"));
            vec![(
                "crds",
                Box::new(move |ctx: &Ctx, summary: &mut Summary| crds::run(ctx, summary, &dir)),
            )]
        }
        "gen-api" => vec![("gen-api", Box::new(gen_api::run))],
        "kopium" => vec![("kopium", Box::new(kopium::run))],
        "build-api" => vec![("build-api", Box::new(build_api::run))],
        "decode" => vec![("decode", Box::new(decode::run))],
        "testserver" => vec![("testserver", Box::new(testserver::run))],
        "informer" => vec![("informer", Box::new(informer::run))],
        // `gen` is the name issue 3 gives the peer benchmarks.
        "all" | "gen" => {
            let mut benches: Vec<(&str, Bench)> = vec![
                (
                    "crds",
                    Box::new(|ctx: &Ctx, summary: &mut Summary| {
                        crds::run(ctx, summary, &ctx.specs.join("crds"))
                    }),
                ),
                ("gen-api", Box::new(gen_api::run)),
                ("decode", Box::new(decode::run)),
                ("build-api", Box::new(build_api::run)),
                ("kopium", Box::new(kopium::run)),
            ];
            if name == "all" {
                benches.push(("testserver", Box::new(testserver::run)));
                benches.push(("informer", Box::new(informer::run)));
            }
            benches
        }
        other => {
            eprintln!("error: unknown benchmark {other}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = Vec::new();
    for (bench, run) in benches {
        println!("\n==== {bench} ====");
        if let Err(error) = run(&ctx, &mut summary) {
            eprintln!("error: {bench}: {error}");
            summary.add("error", bench, error);
            failed.push(bench);
        }
    }
    summary.print(&command);
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("failed: {}", failed.join(", "));
        ExitCode::FAILURE
    }
}
