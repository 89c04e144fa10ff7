//! Helpers shared by the benchmarks: timing, formatting, running commands.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::Ctx;

/// The median of some durations (the upper one of an even count).
/// This process's resident memory (`VmRSS`), in KiB.
pub fn rss_kib() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("reading /proc/self/status: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS in /proc/self/status".to_owned())
}

pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// A duration for humans: `812.3 ms`, `12.41 s`.
pub fn fmt_dur(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 1.0 {
        format!("{:.1} ms", secs * 1000.0)
    } else {
        format!("{secs:.2} s")
    }
}

/// How much faster kubegen is, from two times of the same work.
pub fn speedup_times(kubegen: Duration, peer: Duration) -> String {
    ratio(peer.as_secs_f64(), kubegen.as_secs_f64())
}

/// How much faster kubegen is, from two throughputs of the same work.
pub fn speedup_rates(kubegen: f64, peer: f64) -> String {
    ratio(kubegen, peer)
}

fn ratio(better_if_high: f64, better_if_low: f64) -> String {
    if better_if_low <= 0.0 || better_if_high <= 0.0 {
        return "n/a".to_owned();
    }
    let r = better_if_high / better_if_low;
    if r >= 1.0 {
        format!("kubegen {r:.2}x faster")
    } else {
        format!("kubegen {:.2}x slower", 1.0 / r)
    }
}

/// Thousands separators: `12,528`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `cargo`, the one running this benchmark when there is one, with the
/// benchmark's job count and no inherited target directory.
pub fn cargo(ctx: &Ctx) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command
        .env("CARGO_BUILD_JOBS", ctx.opts.jobs.to_string())
        // Path dependencies would otherwise build incrementally and registry
        // ones not: the same for everything, as for a crate from crates.io.
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR");
    command
}

/// Shows a command roughly as a shell would take it.
pub fn show(command: &Command) -> String {
    let mut parts = vec![command.get_program().to_string_lossy().into_owned()];
    parts.extend(command.get_args().map(|a| {
        let a = a.to_string_lossy();
        if a.contains(' ') {
            format!("'{a}'")
        } else {
            a.into_owned()
        }
    }));
    parts.join(" ")
}

/// How a command run under [`run_measured`] ended.
pub struct Outcome {
    /// Its exit status; `None` when it was killed at the time limit.
    pub status: Option<ExitStatus>,
    /// Wall time.
    pub elapsed: Duration,
    /// The peak resident memory of the biggest process in it (GNU time's
    /// `%M`, which covers the waited-for descendants such as rustc), in KiB.
    pub max_rss_kib: Option<u64>,
}

impl Outcome {
    /// Whether it ran to the end and succeeded.
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }
}

const GNU_TIME: &str = "/usr/bin/time";

/// Runs `program args…` in `dir` with stdout and stderr appended to `log`,
/// in its own process group, killed as a group after `timeout`. Measures peak
/// memory through `/usr/bin/time` when it is installed.
pub fn run_measured(
    mut command: Command,
    log: &Path,
    timeout: Option<Duration>,
) -> Result<Outcome, String> {
    let rss_file = log.with_extension("rss");
    let _ = std::fs::remove_file(&rss_file);
    let use_time = Path::new(GNU_TIME).exists();
    let mut command = if use_time {
        let mut wrapped = Command::new(GNU_TIME);
        wrapped.arg("-f").arg("%M").arg("-o").arg(&rss_file);
        wrapped.arg(command.get_program()).args(command.get_args());
        if let Some(dir) = command.get_current_dir() {
            wrapped.current_dir(dir);
        }
        for (key, value) in command.get_envs() {
            match value {
                Some(value) => wrapped.env(key, value),
                None => wrapped.env_remove(key),
            };
        }
        wrapped
    } else {
        std::mem::replace(&mut command, Command::new("true"))
    };
    if let Some(parent) = log.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let out = File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out
        .try_clone()
        .map_err(|e| format!("{}: {e}", log.display()))?;
    command
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .stdin(Stdio::null());
    command.process_group(0);
    let start = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", show(&command)))?;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(e) => return Err(format!("waiting for {}: {e}", show(&command))),
        }
        if timeout.is_some_and(|t| start.elapsed() > t) {
            // The whole group: cargo and the rustc processes it started.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let max_rss_kib = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|text| text.lines().last().and_then(|l| l.trim().parse().ok()));
    Ok(Outcome {
        status,
        elapsed,
        max_rss_kib,
    })
}

/// Runs a command with inherited output; an error unless it succeeds.
pub fn run_visible(mut command: Command) -> Result<Duration, String> {
    println!("$ {}", show(&command));
    let start = Instant::now();
    let status = command
        .status()
        .map_err(|e| format!("cannot run {}: {e}", show(&command)))?;
    if status.success() {
        Ok(start.elapsed())
    } else {
        Err(format!("`{}` failed ({status})", show(&command)))
    }
}

/// Writes a file, creating its directory.
pub fn write(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}

/// Removes a directory tree if it is there.
pub fn remove_dir(path: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// A string turned into a crate-name fragment: lowercase ASCII letters,
/// digits and single dashes.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// Megabytes from KiB, for memory figures.
pub fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

/// A path relative to `base` for display, or the path itself.
pub fn rel(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}
