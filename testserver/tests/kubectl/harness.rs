//! Starting the `kubegen-testserver` binary and running kubectl against it.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The server process, killed when dropped.
pub struct Server {
    child: Child,
    /// The kubeconfig it wrote.
    pub kubeconfig: PathBuf,
    /// The server URL from its `ready` line.
    pub url: String,
    dir: tempfile::TempDir,
}

impl Server {
    /// Starts the binary on a free port and waits for its `ready` line.
    fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = dir.path().join("kubeconfig");
        let mut child = Command::new(env!("CARGO_BIN_EXE_kubegen-testserver"))
            .args(["--listen", "127.0.0.1:0", "--kubeconfig"])
            .arg(&kubeconfig)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = read_lines(child.stdout.take().unwrap());
        let line = match lines.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => line,
            Err(error) => {
                let _ = child.kill();
                panic!("kubegen-testserver printed no ready line: {error}");
            }
        };
        let url = line
            .strip_prefix("ready ")
            .unwrap_or_else(|| panic!("expected `ready <url>`, got {line:?}"))
            .to_owned();
        assert!(url.starts_with("https://127.0.0.1:"), "{url}");
        Server {
            child,
            kubeconfig,
            url,
            dir,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lines of a child's output, read on a thread so waits can time out.
pub fn read_lines(stream: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// Waits until a line satisfies `wanted`; returns it and every line seen.
pub fn wait_for_line(
    lines: &Receiver<String>,
    timeout: Duration,
    wanted: impl Fn(&str) -> bool,
) -> Result<String, Vec<String>> {
    let deadline = Instant::now() + timeout;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if wanted(&line) => return Ok(line),
            Ok(line) => seen.push(line),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return Err(seen),
        }
    }
}

/// The kubectl to use: `$KUBECTL`, else `kubectl` on the `PATH`.
fn find_kubectl() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("KUBECTL") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("kubectl"))
        .find(|candidate| candidate.is_file())
}

/// kubectl pointed at one server, with its own discovery cache.
pub struct Kubectl {
    bin: PathBuf,
    kubeconfig: PathBuf,
    cache: PathBuf,
    /// The client's minor version (`20` for Debian's 1.20, `32` for 1.32).
    pub minor: u32,
    /// Whether manifests go through kubectl's validation (1.27+ first reads
    /// the OpenAPI v3 documents, whose first computation costs the debug
    /// server about two seconds of CPU: tests that are not about validation
    /// turn it off).
    pub validate: bool,
}

/// A started server and a kubectl for it, or `None` (after a loud note) when
/// kubectl is not installed; with `CI` set a missing kubectl is a failure.
pub fn setup(test: &str) -> Option<(Server, Kubectl)> {
    let Some(bin) = find_kubectl() else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "{test}: kubectl is not installed; CI must provide it (.ci/run installs kubernetes-client)"
            );
        }
        eprintln!(
            "\n*** {test}: SKIPPED: kubectl not found (set KUBECTL or install kubernetes-client) ***\n"
        );
        return None;
    };
    let minor = client_minor(&bin);
    let server = Server::start();
    let kubectl = Kubectl {
        bin,
        kubeconfig: server.kubeconfig.clone(),
        cache: server.dir.path().join("kubectl-cache"),
        minor,
        validate: true,
    };
    Some((server, kubectl))
}

fn client_minor(bin: &Path) -> u32 {
    let output = Command::new(bin)
        .args(["version", "--client", "-o", "json"])
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", bin.display()));
    assert!(
        output.status.success(),
        "kubectl version: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let version: Value = serde_json::from_slice(&output.stdout).unwrap();
    let minor = version["clientVersion"]["minor"].as_str().unwrap_or("");
    // Some builds say `32+`.
    let digits: String = minor.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("kubectl version without a minor version: {version}"))
}

impl Kubectl {
    /// A kubectl command for the server (no arguments yet).
    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.bin);
        command
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(&self.cache)
            .env_remove("KUBECONFIG")
            .env_remove("KUBECTL_EXTERNAL_DIFF");
        command
    }

    /// Runs `kubectl args…` with `stdin` as its input.
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = self
            .command()
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(text) = stdin {
            let mut input = child.stdin.take().unwrap();
            input.write_all(text.as_bytes()).unwrap();
        }
        child.wait_with_output().unwrap()
    }

    /// `kubectl args…` must succeed; its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        self.ok_with_input(args, None)
    }

    /// `kubectl args…` with `stdin` must succeed; its stdout.
    pub fn ok_with_input(&self, args: &[&str], stdin: Option<&str>) -> String {
        let output = self.run(args, stdin);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "kubectl {} failed ({}):\nstdout: {stdout}\nstderr: {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    }

    /// `kubectl args…` must fail; its stderr.
    pub fn fails(&self, args: &[&str], stdin: Option<&str>) -> String {
        let output = self.run(args, stdin);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            !output.status.success(),
            "kubectl {} should have failed:\nstdout: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout)
        );
        stderr
    }

    /// `kubectl args… -o json`, parsed.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["-o", "json"]);
        let text = self.ok(&all);
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    /// `kubectl <verb> -f -` with `manifest` on stdin, plus `extra` flags.
    ///
    /// Before 1.27 kubectl validates manifests against `/openapi/v2`, which
    /// the server does not serve (it serves OpenAPI v3, which newer kubectl
    /// uses to see that the server validates fields itself), so older
    /// clients get `--validate=false` and the server still validates.
    pub fn with_manifest(&self, verb: &str, manifest: &str, extra: &[&str]) -> String {
        let args = self.manifest_args(verb, extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.ok_with_input(&args, Some(manifest))
    }

    /// Like [`Kubectl::with_manifest`], for a command that must fail; its stderr.
    pub fn with_manifest_fails(&self, verb: &str, manifest: &str) -> String {
        let args = self.manifest_args(verb, &[]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.fails(&args, Some(manifest))
    }

    fn manifest_args(&self, verb: &str, extra: &[&str]) -> Vec<String> {
        let mut args = vec![verb.to_owned(), "-f".to_owned(), "-".to_owned()];
        if self.minor < 27 || !self.validate {
            args.push("--validate=false".to_owned());
        }
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    }

    /// A generator command (`create namespace x`, `create configmap …`):
    /// run as is; when kubectl sends it as protobuf (1.32 does, from its typed
    /// clientset) the server answers `415 UnsupportedMediaType` as a server
    /// without protobuf would, and the same object is then generated
    /// client-side (`--dry-run=client -o yaml`) and created from the manifest.
    /// Returns the `created` line.
    pub fn generate(&self, args: &[&str]) -> String {
        let output = self.run(args, None);
        if output.status.success() {
            return String::from_utf8_lossy(&output.stdout).into_owned();
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            self.minor > 20,
            "kubectl 1.{} sends JSON; kubectl {} failed: {stderr}",
            self.minor,
            args.join(" ")
        );
        assert!(
            stderr.contains("the body of the request was in an unknown format"),
            "kubectl {}: {stderr}",
            args.join(" ")
        );
        let mut local = args.to_vec();
        local.extend(["--dry-run=client", "-o", "yaml"]);
        let manifest = self.ok(&local);
        self.with_manifest("create", &manifest, &[])
    }
}

/// A table printed by `kubectl get`: rows of whitespace-separated cells,
/// the header first.
pub fn table(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// Asserts a table's header and, per row, its leading cells (the cells
/// after them, such as AGE, vary).
pub fn assert_table(text: &str, header: &[&str], rows: &[&[&str]]) {
    let table = table(text);
    assert_eq!(
        table
            .first()
            .map(|h| h.iter().map(String::as_str).collect::<Vec<_>>()),
        Some(header.to_vec()),
        "header of\n{text}"
    );
    assert_eq!(table.len() - 1, rows.len(), "rows of\n{text}");
    for (row, expected) in table[1..].iter().zip(rows) {
        let leading: Vec<&str> = row
            .iter()
            .take(expected.len())
            .map(String::as_str)
            .collect();
        assert_eq!(leading, *expected, "row of\n{text}");
    }
}
