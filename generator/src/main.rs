//! The `kubegen` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kubegen_generator::Builder;

/// Generates typed Rust crates from Kubernetes CustomResourceDefinitions.
#[derive(Parser)]
#[command(name = "kubegen", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a crate of typed resources from CRD files or directories.
    Generate(GenerateArgs),
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// CRD files (YAML or JSON, multi-document allowed) or directories read recursively.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// The crate directory to write; replaced as a whole when generation succeeds.
    #[arg(long)]
    out: PathBuf,
    /// Depend on the kubegen runtime at this path instead of by version.
    #[arg(long, value_name = "PATH")]
    runtime_path: Option<String>,
    /// The package name of the generated crate (default: the output directory's name).
    #[arg(long, value_name = "NAME")]
    crate_name: Option<String>,
    /// Write nothing; exit 1 when the output would differ from what is on disk.
    #[arg(long)]
    check: bool,
    /// Generate every embedded built-in schema and repeated subtree as its own type.
    #[arg(long)]
    no_reuse: bool,
    /// Depend on kubegen-api (for reused built-in types) at this path instead of by version.
    #[arg(long, value_name = "PATH")]
    api_path: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate(args) => generate(args),
    }
}

fn crate_name_from(out: &std::path::Path) -> String {
    let raw = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_matches('-').to_owned();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("generated-{name}")
    } else {
        name
    }
}

fn generate(args: GenerateArgs) -> ExitCode {
    let crate_name = args
        .crate_name
        .clone()
        .unwrap_or_else(|| crate_name_from(&args.out));
    let mut command = vec!["kubegen generate".to_owned()];
    command.extend(args.inputs.iter().map(|p| p.display().to_string()));
    command.push(format!("--out {}", args.out.display()));
    if let Some(path) = &args.runtime_path {
        command.push(format!("--runtime-path {path}"));
    }
    if let Some(name) = &args.crate_name {
        command.push(format!("--crate-name {name}"));
    }
    if args.no_reuse {
        command.push("--no-reuse".to_owned());
    }
    if let Some(path) = &args.api_path {
        command.push(format!("--api-path {path}"));
    }
    let mut builder = Builder::new()
        .inputs(&args.inputs)
        .crate_name(crate_name)
        .command(command.join(" "));
    if let Some(path) = &args.runtime_path {
        builder = builder.runtime_path(path.clone());
    }
    if args.no_reuse {
        builder = builder.no_reuse();
    }
    if let Some(path) = &args.api_path {
        builder = builder.api_path(path.clone());
    }

    let result = if args.check {
        builder.crate_files().and_then(|(files, loaded)| {
            print_notes(&loaded.notes);
            kubegen_generator::output::check_crate(&files, &args.out)
        })
    } else {
        builder.write_crate(&args.out).map(|loaded| {
            print_notes(&loaded.notes);
            Vec::new()
        })
    };
    match result {
        Ok(differences) if differences.is_empty() => ExitCode::SUCCESS,
        Ok(differences) => {
            eprintln!("error: {} is out of date:", args.out.display());
            for difference in differences {
                eprintln!("  {difference}");
            }
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn print_notes(notes: &[String]) {
    for note in notes {
        eprintln!("note: skipping {note}");
    }
}
