//! Project automation: `cargo xtask <task>`.
//!
//! - `generate [--check]`: regenerates every generated artifact checked into
//!   the repository from the repository's own `specs/` (with `--check`,
//!   writes nothing and fails when something is stale).
//! - `bench <name>`: runs a benchmark from the separate `bench/` workspace in
//!   release mode (kept out of `cargo test --workspace` so peers such as
//!   kopium or k8s-openapi never enter the test build).

use std::process::{Command, ExitCode};

use xtask::{ARTIFACTS, CATALOG, builder_for, derived_files, repo_root};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = repo_root();
    if let Err(error) = std::env::set_current_dir(&root) {
        eprintln!("error: cannot enter {}: {error}", root.display());
        return ExitCode::FAILURE;
    }
    match args.first().map(String::as_str) {
        Some("generate") => generate(args.iter().any(|a| a == "--check")),
        Some("bench") => bench(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask generate [--check]\n       cargo xtask bench <crds|...> [args]"
            );
            ExitCode::FAILURE
        }
    }
}

fn generate(check: bool) -> ExitCode {
    let mut stale = false;
    // The derived files first: CRD artifacts reuse the built-in types the catalog lists.
    if let Some(api) = ARTIFACTS
        .iter()
        .find(|a| a.out == "api")
        .filter(|a| a.inputs_present())
    {
        let files = match derived_files(api) {
            Ok(files) => files,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::FAILURE;
            }
        };
        for (path, text) in files {
            let current = std::fs::read_to_string(path).unwrap_or_default();
            if current == text {
                println!("{path}: up to date");
            } else if check {
                stale = true;
                eprintln!("error: {path} is stale; run `cargo xtask generate`");
            } else {
                if let Err(error) = std::fs::write(path, text) {
                    eprintln!("error: writing {path}: {error}");
                    return ExitCode::FAILURE;
                }
                if path == CATALOG {
                    // CRD artifacts are generated with the catalog compiled in: rebuild and rerun.
                    println!(
                        "{CATALOG}: updated; run `cargo xtask generate` again to regenerate the CRD artifacts with it"
                    );
                } else {
                    println!("{path}: updated");
                }
            }
        }
    }
    for artifact in ARTIFACTS {
        if !artifact.inputs_present() {
            let message = format!(
                "{}: skipped: its inputs ({}) are missing; the shared specs belong beside the checkout",
                artifact.out,
                artifact.inputs.join(", ")
            );
            if artifact.needs_shared && std::env::var_os("CI").is_some() {
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
            eprintln!("warning: {message}");
            continue;
        }
        let builder = builder_for(artifact);
        if check {
            match builder.check_crate(artifact.out) {
                Ok(differences) if differences.is_empty() => {
                    println!("{}: up to date", artifact.out)
                }
                Ok(differences) => {
                    stale = true;
                    eprintln!(
                        "error: {} is stale; run `cargo xtask generate`:",
                        artifact.out
                    );
                    for difference in differences {
                        eprintln!("  {difference}");
                    }
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    return ExitCode::FAILURE;
                }
            }
        } else {
            match builder.write_crate(artifact.out) {
                Ok(_) => println!(
                    "{}: generated from {}",
                    artifact.out,
                    artifact.inputs.join(", ")
                ),
                Err(error) => {
                    eprintln!("error: {error}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    if stale {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn bench(args: &[String]) -> ExitCode {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args([
            "run",
            "--release",
            "--quiet",
            "--manifest-path",
            "bench/Cargo.toml",
            "--",
        ])
        .args(args)
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: running the bench workspace: {error}");
            ExitCode::FAILURE
        }
    }
}
