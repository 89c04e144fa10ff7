//! `informer`: kubegen's shared informer versus kube-rs's reflector store, on the
//! same embedded test API server (`kubegen-testserver`, plain HTTP) holding the
//! same N Pods (default 10,000; `--items`).
//!
//! The parent process starts the server, seeds the Pods concurrently through
//! `kubegen::Api<Pod>` (timed: the seeding throughput is reported too), then
//! re-executes this binary once per measurement (hidden mode [`CHILD`]) so that
//! each informer has a fresh process and allocator heap of its own. A child
//! builds its client, reads `VmRSS`, starts the informer, waits until it has
//! synced with N Pods in its store, reads `VmRSS` again and prints the sync time
//! and both readings. The two sides alternate which goes first, `--runs` times
//! (default 3); figures are medians.
//!
//! Each comparison is made in three modes, because the two libraries' defaults
//! do not send the same requests:
//! - `defaults`: each side as shipped. kubegen: a watch-list (`sendInitialEvents`),
//!   one streamed request. kube-rs: `watcher::Config::default()`, a list at
//!   `resourceVersion=""` in pages of 500, then a watch.
//! - `list`: the same requests on both sides: one list at `resourceVersion=0`
//!   (the server then ignores `limit`, as a real one answering from its watch
//!   cache does), then a watch. kubegen: `watch_list: false`; kube-rs:
//!   `any_semantic()`.
//! - `watch-list`: both stream the initial state: kubegen's default, kube-rs's
//!   `streaming_lists()`.
//!
//! The fixture Pod is large (48 KB of JSON as served, every field set) and the
//! test server keeps it as a JSON value: about 940 KiB of heap (1.2 MB of
//! VmRSS) per Pod once seeded, so 10,000 Pods need some 12 GB in the parent
//! process; lists are written straight from the stored values. On a smaller
//! machine pass `--items 2000`.
//!
//! Memory per object is `(VmRSS after sync − VmRSS before start) / N`: the cache
//! and whatever the allocator kept of the decoding, as a process sees it. Beside
//! it, heap per object is the same difference of the bytes allocated and not
//! freed (counted by the benchmark's global allocator): what the cache itself
//! holds, without fragmentation.

use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use futures_util::{StreamExt, TryStreamExt};
use serde_json::Value;

use crate::util::{fmt_dur, median, rss_kib, speedup_times, thousands};
use crate::{Ctx, Summary};

/// The hidden first argument that makes this binary measure one informer.
pub const CHILD: &str = "__informer-child";

const RUNS: usize = 3;
/// `--pod large`: Kubernetes' API test data, every field of a Pod set.
const LARGE_POD: &str = "objects/core/k8s-api-testdata-v1.36.0/core.v1.Pod.json";
/// `--pod recorded`: a Pod as the recorded kube-apiserver 1.32 returned it (a
/// single container, a projected service-account volume, tolerations), the
/// first `GET` of a scheduled Pod in that transcript.
const RECORDED_POD: &str = "apiserver-1.32/pod-lifecycle.json";
const NAMESPACE: &str = "default";
/// Creates in flight while seeding.
const SEED_CONCURRENCY: usize = 64;
/// A child that has not synced by then has failed.
const CHILD_TIMEOUT: Duration = Duration::from_secs(300);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Kubegen,
    Kube,
}

impl Side {
    fn arg(self) -> &'static str {
        match self {
            Side::Kubegen => "kubegen",
            Side::Kube => "kube",
        }
    }
}

#[derive(Clone, Copy)]
enum Mode {
    Defaults,
    List,
    WatchList,
}

const MODES: [Mode; 3] = [Mode::Defaults, Mode::List, Mode::WatchList];

impl Mode {
    fn arg(self) -> &'static str {
        match self {
            Mode::Defaults => "defaults",
            Mode::List => "list",
            Mode::WatchList => "watch-list",
        }
    }

    fn parse(text: &str) -> Option<Mode> {
        MODES.into_iter().find(|m| m.arg() == text)
    }

    /// What each side sends in this mode.
    fn describe(self) -> (&'static str, &'static str) {
        match self {
            Mode::Defaults => (
                "defaults: watch-list (sendInitialEvents=true)",
                "defaults: list at rv=\"\" in pages of 500, then watch",
            ),
            Mode::List => (
                "watch_list: false: one list at rv=0, then watch",
                "any_semantic(): one list at rv=0, then watch",
            ),
            Mode::WatchList => (
                "watch-list (sendInitialEvents=true)",
                "streaming_lists(): watch-list (sendInitialEvents=true)",
            ),
        }
    }
}

/// One child's figures.
struct Measure {
    sync: Duration,
    rss_before_kib: u64,
    rss_after_kib: u64,
    heap_before: u64,
    heap_after: u64,
}

impl Measure {
    fn kib_per_object(&self, items: usize) -> f64 {
        self.rss_after_kib.saturating_sub(self.rss_before_kib) as f64 / items as f64
    }

    fn heap_kib_per_object(&self, items: usize) -> f64 {
        self.heap_after.saturating_sub(self.heap_before) as f64 / 1024.0 / items as f64
    }
}

// ---- the parent: server, seeding, children, figures ----

pub fn run(ctx: &Ctx, summary: &mut Summary) -> Result<(), String> {
    let runs = ctx.opts.runs.unwrap_or(RUNS);
    let items = ctx.opts.items.unwrap_or(10_000);
    let (path, template) = fixture(ctx)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let server = runtime
        .block_on(
            kubegen_testserver::TestServer::builder()
                .plain_http(true)
                .start(),
        )
        .map_err(|e| format!("starting the test server: {e}"))?;
    println!("server: {} (plain HTTP, in this process)", server.url());

    let (heap_start, rss_start) = (crate::heap::live_bytes(), rss_kib()?);
    let (seeding, served_bytes) = runtime.block_on(seed(&server, &template, items))?;
    let (heap_seeded, rss_seeded) = (crate::heap::live_bytes(), rss_kib()?);
    println!(
        "test server after seeding: heap {:.2} KiB per Pod, VmRSS {:.2} KiB per Pod",
        heap_seeded.saturating_sub(heap_start) as f64 / 1024.0 / items as f64,
        rss_seeded.saturating_sub(rss_start) as f64 / items as f64
    );
    let rate = items as f64 / seeding.as_secs_f64();
    println!(
        "seeded {} Pods in namespace {NAMESPACE} from {} in {} = {} Pods/s ({SEED_CONCURRENCY} creates in flight)",
        thousands(items),
        path.display(),
        fmt_dur(seeding),
        thousands(rate as usize)
    );
    println!(
        "one Pod as served: {} bytes of JSON (managedFields and defaults included)",
        thousands(served_bytes)
    );
    summary.add(
        "informer",
        format!(
            "seeding {} Pods (kubegen Api<Pod>::create, {SEED_CONCURRENCY} in flight)",
            thousands(items)
        ),
        format!("{} = {} Pods/s", fmt_dur(seeding), thousands(rate as usize)),
    );

    let exe = std::env::current_exe().map_err(|e| format!("this benchmark's path: {e}"))?;
    let kubeconfig = server.kubeconfig_path().to_path_buf();
    let result = (|| {
        for mode in MODES {
            let (ours_how, peer_how) = mode.describe();
            println!("\n-- mode {}", mode.arg());
            println!("   kubegen: {ours_how}");
            println!("   kube-rs: {peer_how}");
            let mut ours = Vec::new();
            let mut peer = Vec::new();
            for run in 0..runs {
                let order = if run % 2 == 0 {
                    [Side::Kubegen, Side::Kube]
                } else {
                    [Side::Kube, Side::Kubegen]
                };
                for side in order {
                    let measure = child_run(&exe, &kubeconfig, side, mode, items)?;
                    println!(
                        "run {} {:<7}: synced in {:>9}, VmRSS {} -> {} KiB = {:.2} KiB/Pod, heap {:.2} KiB/Pod",
                        run + 1,
                        side.arg(),
                        fmt_dur(measure.sync),
                        thousands(measure.rss_before_kib as usize),
                        thousands(measure.rss_after_kib as usize),
                        measure.kib_per_object(items),
                        measure.heap_kib_per_object(items)
                    );
                    match side {
                        Side::Kubegen => ours.push(measure),
                        Side::Kube => peer.push(measure),
                    }
                }
            }
            report(summary, mode, &ours, &peer, items, runs);
        }
        Ok(())
    })();
    runtime.block_on(server.shutdown());
    result
}

/// The fixture Pod `--pod` names, and where it came from.
fn fixture(ctx: &Ctx) -> Result<(std::path::PathBuf, Value), String> {
    let recorded = match ctx.opts.pod.as_deref() {
        None | Some("large") => false,
        Some("recorded") => true,
        Some(other) => return Err(format!("--pod {other}: expected large or recorded")),
    };
    let path = ctx.spec(if recorded { RECORDED_POD } else { LARGE_POD })?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let document: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    if !recorded {
        return Ok((path, document));
    }
    let pod = document["exchanges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|exchange| exchange["request"]["method"] == "GET")
        .map(|exchange| &exchange["response"]["body"])
        .find(|body| body["kind"] == "Pod" && body["spec"]["nodeName"].is_string())
        .cloned()
        .ok_or_else(|| format!("{}: no GET of a scheduled Pod", path.display()))?;
    Ok((path, pod))
}

/// Creates `items` Pods named `pod-00000`… from the template; the elapsed time and
/// the size of one Pod as the server serves it (JSON bytes).
async fn seed(
    server: &kubegen_testserver::TestServer,
    template: &Value,
    items: usize,
) -> Result<(Duration, usize), String> {
    use kubegen_api::core::v1::Pod;
    let client = kubegen::Client::new(server.config()).map_err(|e| format!("client: {e}"))?;
    let api = kubegen::Api::<Pod>::namespaced(client, NAMESPACE);
    let mut base = template.clone();
    let meta = base
        .get_mut("metadata")
        .and_then(Value::as_object_mut)
        .ok_or("the example Pod has no metadata object")?;
    // Fields a create must not carry, or that the server sets itself.
    for field in [
        "generateName",
        "selfLink",
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "managedFields",
    ] {
        meta.remove(field);
    }
    meta.insert("namespace".into(), Value::String(NAMESPACE.to_owned()));
    // The fixture's `finalizersValue` is not a qualified name; keep the field's shape.
    meta.insert(
        "finalizers".into(),
        serde_json::json!(["bench.kubegen.io/keep"]),
    );
    let pods = (0..items)
        .map(|i| {
            let mut pod = base.clone();
            pod["metadata"]["name"] = Value::String(format!("pod-{i:05}"));
            serde_json::from_value::<Pod>(pod).map_err(|e| format!("the example Pod: {e}"))
        })
        .collect::<Result<Vec<Pod>, String>>()?;
    let params = kubegen::api::PostParams::default();
    let start = Instant::now();
    futures_util::stream::iter(pods)
        .map(|pod| {
            let (api, params) = (&api, &params);
            async move {
                api.create(params, &pod).await.map_err(|e| {
                    format!(
                        "creating Pod {NAMESPACE}/{}: {e}",
                        pod.metadata.name.as_deref().unwrap_or_default()
                    )
                })
            }
        })
        .buffer_unordered(SEED_CONCURRENCY)
        .try_for_each(|_| async { Ok(()) })
        .await?;
    let elapsed = start.elapsed();
    let served = api
        .get("pod-00000")
        .await
        .map_err(|e| format!("reading back Pod {NAMESPACE}/pod-00000: {e}"))?;
    let served = serde_json::to_vec(&served).map_err(|e| e.to_string())?;
    Ok((elapsed, served.len()))
}

/// Runs one child and parses its `result` line.
fn child_run(
    exe: &std::path::Path,
    kubeconfig: &std::path::Path,
    side: Side,
    mode: Mode,
    items: usize,
) -> Result<Measure, String> {
    let mut command = Command::new(exe);
    command
        .arg(CHILD)
        .arg(side.arg())
        .arg(mode.arg())
        .arg(kubeconfig)
        .arg(items.to_string())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .stdout(Stdio::piped());
    let output = command
        .output()
        .map_err(|e| format!("running {}: {e}", exe.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "the {} child ({}) failed ({}): {}",
            side.arg(),
            mode.arg(),
            output.status,
            stdout.trim()
        ));
    }
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("result "))
        .ok_or_else(|| format!("the {} child printed no result: {stdout}", side.arg()))?;
    let numbers: Vec<u64> = line
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("the {} child's result {line:?}: {e}", side.arg()))?;
    match numbers[..] {
        [nanos, before, after, heap_before, heap_after] => Ok(Measure {
            sync: Duration::from_nanos(nanos),
            rss_before_kib: before,
            rss_after_kib: after,
            heap_before,
            heap_after,
        }),
        _ => Err(format!("the {} child's result {line:?}", side.arg())),
    }
}

fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// `kubegen 1.80x less memory` (or more).
fn memory_ratio(ours: f64, peer: f64) -> String {
    if ours <= 0.0 || peer <= 0.0 {
        return "n/a".to_owned();
    }
    if ours <= peer {
        format!("kubegen {:.2}x less memory", peer / ours)
    } else {
        format!("kubegen {:.2}x more memory", ours / peer)
    }
}

fn met(yes: bool) -> &'static str {
    if yes { "met" } else { "NOT met" }
}

fn report(
    summary: &mut Summary,
    mode: Mode,
    ours: &[Measure],
    peer: &[Measure],
    items: usize,
    runs: usize,
) {
    let sync = |m: &[Measure]| median(m.iter().map(|m| m.sync).collect());
    let kib = |m: &[Measure]| median_f64(m.iter().map(|m| m.kib_per_object(items)).collect());
    let heap = |m: &[Measure]| median_f64(m.iter().map(|m| m.heap_kib_per_object(items)).collect());
    let (ours_sync, peer_sync) = (sync(ours), sync(peer));
    let (ours_kib, peer_kib) = (kib(ours), kib(peer));
    let (ours_heap, peer_heap) = (heap(ours), heap(peer));
    let sync_ratio = speedup_times(ours_sync, peer_sync);
    let mem_ratio = memory_ratio(ours_kib, peer_kib);
    let faster = met(ours_sync < peer_sync);
    let smaller = met(ours_kib < peer_kib);
    println!(
        "sync ({} Pods, median of {runs}): kubegen {}  kube-rs {}  ratio: {sync_ratio} (target: faster sync: {faster})",
        thousands(items),
        fmt_dur(ours_sync),
        fmt_dur(peer_sync)
    );
    println!(
        "memory per cached Pod (median of {runs}): kubegen {ours_kib:.2} KiB  kube-rs {peer_kib:.2} KiB  ratio: {mem_ratio} (target: less memory: {smaller})"
    );
    let heap_ratio = memory_ratio(ours_heap, peer_heap);
    println!(
        "heap per cached Pod (median of {runs}): kubegen {ours_heap:.2} KiB  kube-rs {peer_heap:.2} KiB  ratio: {heap_ratio}"
    );
    let m = mode.arg();
    summary.add(
        "informer",
        format!("[{m}] kubegen SharedInformer<Pod>: sync"),
        fmt_dur(ours_sync),
    );
    summary.add(
        "informer",
        format!("[{m}] kube-rs reflector store: sync"),
        fmt_dur(peer_sync),
    );
    summary.add(
        "informer",
        format!("[{m}] sync ratio (target: faster: {faster})"),
        sync_ratio,
    );
    summary.add(
        "informer",
        format!("[{m}] kubegen: memory per cached Pod"),
        format!("{ours_kib:.2} KiB"),
    );
    summary.add(
        "informer",
        format!("[{m}] kube-rs: memory per cached Pod"),
        format!("{peer_kib:.2} KiB"),
    );
    summary.add(
        "informer",
        format!("[{m}] memory ratio (target: less: {smaller})"),
        mem_ratio,
    );
    summary.add(
        "informer",
        format!("[{m}] heap per cached Pod: kubegen / kube-rs"),
        format!("{ours_heap:.2} / {peer_heap:.2} KiB ({heap_ratio})"),
    );
}

// ---- the child: one informer, measured ----

/// The hidden mode: `__informer-child <kubegen|kube> <mode> <kubeconfig> <items>`.
/// Prints `result <sync nanoseconds> <VmRSS before KiB> <VmRSS after KiB> <heap before
/// bytes> <heap after bytes>`.
pub fn child(args: &[String]) -> ExitCode {
    match child_inner(args) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn child_inner(args: &[String]) -> Result<String, String> {
    let [side, mode, kubeconfig, items] = args else {
        return Err(format!(
            "{CHILD} <kubegen|kube> <mode> <kubeconfig> <items>"
        ));
    };
    let mode = Mode::parse(mode).ok_or_else(|| format!("unknown mode {mode}"))?;
    exit_with_parent();
    let items: usize = items.parse().map_err(|e| format!("items {items}: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let measure = runtime.block_on(async {
        let work = async {
            match side.as_str() {
                "kubegen" => kubegen_side(kubeconfig, mode, items).await,
                "kube" => kube_side(kubeconfig, mode, items).await,
                other => Err(format!("unknown side {other}")),
            }
        };
        tokio::time::timeout(CHILD_TIMEOUT, work)
            .await
            .map_err(|_| format!("not synced after {}", fmt_dur(CHILD_TIMEOUT)))?
    })?;
    // The informer's tasks are still running; the process exits without waiting.
    std::mem::forget(runtime);
    Ok(format!(
        "result {} {} {} {} {}",
        measure.sync.as_nanos(),
        measure.rss_before_kib,
        measure.rss_after_kib,
        measure.heap_before,
        measure.heap_after
    ))
}

/// Ends this child when the benchmark that started it is gone (killed, or failed), so
/// that an interrupted run leaves no informer running against a dead server.
fn exit_with_parent() {
    let parent = std::os::unix::process::parent_id();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(500));
            if std::os::unix::process::parent_id() != parent {
                std::process::exit(2);
            }
        }
    });
}

/// The readings taken when a side starts its informer; [`Probe::finish`] takes the
/// ones at sync and makes the [`Measure`].
struct Probe {
    heap_before: u64,
    rss_before_kib: u64,
    start: Instant,
}

impl Probe {
    fn start() -> Result<Probe, String> {
        Ok(Probe {
            heap_before: crate::heap::live_bytes() as u64,
            rss_before_kib: rss_kib()?,
            start: Instant::now(),
        })
    }

    /// The readings at sync; `len` is what the side's store holds, which must be `items`.
    fn finish(self, side: &str, len: usize, items: usize) -> Result<Measure, String> {
        let sync = self.start.elapsed();
        let rss_after_kib = rss_kib()?;
        let heap_after = crate::heap::live_bytes() as u64;
        if len != items {
            return Err(format!("{side} synced with {len} Pods, expected {items}"));
        }
        Ok(Measure {
            sync,
            rss_before_kib: self.rss_before_kib,
            rss_after_kib,
            heap_before: self.heap_before,
            heap_after,
        })
    }
}

async fn kubegen_side(kubeconfig: &str, mode: Mode, items: usize) -> Result<Measure, String> {
    use kubegen::cache::{ReflectorConfig, SharedInformerFactory};
    let mut config = kubegen::Config::from_kubeconfig_file(
        kubeconfig,
        &kubegen::config::KubeConfigOptions::default(),
    )
    .map_err(|e| format!("kubegen config: {e}"))?;
    // kube-rs has no client-side rate limit; an informer makes one or two requests anyway.
    config.rate_limit = None;
    let client = kubegen::Client::new(config).map_err(|e| format!("kubegen client: {e}"))?;
    let reflector = ReflectorConfig {
        watch_list: !matches!(mode, Mode::List),
        ..ReflectorConfig::default()
    };
    let factory = SharedInformerFactory::builder(client)
        .reflector_config(reflector)
        .build();
    let informer = factory.informer_for::<kubegen_api::core::v1::Pod>();
    let probe = Probe::start()?;
    factory.start().map_err(|e| format!("starting: {e}"))?;
    if !factory.wait_for_cache_sync().await {
        return Err("the factory shut down before syncing".to_owned());
    }
    probe.finish("kubegen", informer.store().len(), items)
}

async fn kube_side(kubeconfig: &str, mode: Mode, items: usize) -> Result<Measure, String> {
    use k8s_openapi::api::core::v1::Pod;
    use kube::runtime::{WatchStreamExt, reflector, watcher};
    let kubeconfig =
        kube::config::Kubeconfig::read_from(kubeconfig).map_err(|e| format!("kube config: {e}"))?;
    let config = kube::Config::from_custom_kubeconfig(
        kubeconfig,
        &kube::config::KubeConfigOptions::default(),
    )
    .await
    .map_err(|e| format!("kube config: {e}"))?;
    let client = kube::Client::try_from(config).map_err(|e| format!("kube client: {e}"))?;
    let api: kube::Api<Pod> = kube::Api::all(client);
    let watcher_config = match mode {
        Mode::Defaults => watcher::Config::default(),
        Mode::List => watcher::Config::default().any_semantic(),
        Mode::WatchList => watcher::Config::default().streaming_lists(),
    };
    let (reader, writer) = reflector::store();
    let probe = Probe::start()?;
    let stream = watcher(api, watcher_config).reflect(writer);
    tokio::spawn(async move {
        let mut stream = std::pin::pin!(stream);
        while let Some(event) = stream.next().await {
            if let Err(error) = event {
                eprintln!("kube-rs watcher: {error}");
            }
        }
    });
    reader
        .wait_until_ready()
        .await
        .map_err(|e| format!("kube-rs store: {e}"))?;
    probe.finish("kube-rs", reader.len(), items)
}
