//! `kubegen-testserver`: the in-memory API server as a process, for kubectl
//! and other clients.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use kubegen_testserver::TestServer;

/// Runs an in-memory Kubernetes API server.
#[derive(Debug, Parser)]
#[command(name = "kubegen-testserver", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Where to write a kubeconfig for the server (with the admin token).
    #[arg(long)]
    kubeconfig: PathBuf,
    /// Serve plain HTTP instead of TLS.
    #[arg(long)]
    plain_http: bool,
    /// A static token file (`token,user,uid,"group1,group2"` per line).
    #[arg(long)]
    token_file: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut builder = TestServer::builder()
        .listen(args.listen)
        .plain_http(args.plain_http)
        .kubeconfig_path(&args.kubeconfig);
    if let Some(path) = &args.token_file {
        match std::fs::read_to_string(path) {
            Ok(text) => builder = builder.token_file_contents(&text),
            Err(error) => {
                eprintln!("kubegen-testserver: reading {}: {error}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    let server = match builder.start().await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("kubegen-testserver: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("ready {}", server.url());
    wait_for_signal().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
