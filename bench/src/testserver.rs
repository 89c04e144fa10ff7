//! `testserver`: the in-memory API server (`kubegen-testserver`, release
//! build, TLS on loopback) holding N ConfigMaps (default 100,000; `--items`),
//! driven through the kubegen client in the same process:
//!
//! - creation: N concurrent HTTP creates (32 in flight), objects/s;
//! - memory per stored object: growth of this process's VmRSS over the
//!   creates divided by N (it includes the server's bounded event history of
//!   10,000 events, and whatever the allocator keeps of the client's
//!   transient buffers);
//! - full list: one `GET` of every object, as raw text (server side and
//!   transfer) and decoded into `DynamicObject`s, objects/s (median of runs,
//!   after an untimed warm-up list);
//! - paged list: `limit=500` following `continue` to the end, objects/s;
//! - watch, live: updates (merge patches, 32 in flight) while 1 and then 10
//!   watchers follow; events/s delivered (all watchers together) and the
//!   update rate (with one watcher, delivery keeps up with the updates);
//! - watch, replay: one watcher from a resourceVersion 8,000 updates back
//!   (all still in the event history), events/s: delivery alone.
//!
//! Server and client share one tokio runtime (a worker per CPU), so every
//! rate includes the client's encoding and decoding.

use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::{StreamExt, TryStreamExt, stream};
use kubegen::api::{ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use kubegen::client::Request;
use kubegen::resource::{GroupVersionKind, Scope};
use kubegen::{DynamicApi, DynamicObject, ResourceDescriptor};
use kubegen_testserver::TestServer;
use serde_json::json;

use crate::util::{fmt_dur, median, rss_kib, thousands};
use crate::{Ctx, Summary};

const RUNS: usize = 3;
const IN_FLIGHT: usize = 32;
const NAMESPACE: &str = "default";
const PAGE: u32 = 500;
/// Updates per live watch round.
const UPDATES: usize = 20_000;
/// Events replayed from the history (which keeps 10,000).
const REPLAYED: usize = 8_000;

fn configmaps() -> ResourceDescriptor {
    ResourceDescriptor::from_gvk(
        &GroupVersionKind::new("", "v1", "ConfigMap"),
        "configmaps",
        Scope::Namespaced,
    )
}

/// A ConfigMap of the size of a typical small one: two labels, three keys.
fn configmap(i: usize) -> DynamicObject {
    let mut object = DynamicObject::new(&format!("cm-{i:06}"), &configmaps()).data(json!({
        "data": {
            "index": i.to_string(),
            "mode": "benchmark",
            "payload": format!("value-{:016x}", (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
        }
    }));
    object.metadata.labels = Some(
        [
            ("app".to_owned(), "bench".to_owned()),
            ("shard".to_owned(), (i % 10).to_string()),
        ]
        .into_iter()
        .collect(),
    );
    object
}

fn rate(count: usize, elapsed: Duration) -> usize {
    (count as f64 / elapsed.as_secs_f64().max(1e-9)) as usize
}

/// Runs `make(i)` for every i in `0..count`, `IN_FLIGHT` at a time.
async fn concurrently<F, Fut>(count: usize, make: F) -> Result<Duration, String>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let started = Instant::now();
    stream::iter((0..count).map(make))
        .buffer_unordered(IN_FLIGHT)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(started.elapsed())
}

pub fn run(ctx: &Ctx, summary: &mut Summary) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting tokio: {e}"))?;
    runtime.block_on(measure(ctx, summary))
}

async fn measure(ctx: &Ctx, summary: &mut Summary) -> Result<(), String> {
    let objects = ctx.opts.items.unwrap_or(100_000);
    println!("load average at the start: {}", load_average());
    let runs = ctx.opts.runs.unwrap_or(RUNS);
    let server = TestServer::start()
        .await
        .map_err(|e| format!("starting the test server: {e}"))?;
    let client = kubegen::Client::new(server.config()).map_err(|e| e.to_string())?;
    let api = DynamicApi::namespaced(client.clone(), NAMESPACE, &configmaps());
    // Warm up (connections, TLS, the first allocations) before the baseline.
    api.list(&ListParams::default())
        .await
        .map_err(|e| format!("first list: {e}"))?;
    let rss_before = rss_kib()?;

    // Creation.
    let elapsed = concurrently(objects, |i| {
        let api = api.clone();
        async move {
            api.create(&PostParams::default(), &configmap(i))
                .await
                .map(drop)
                .map_err(|e| format!("create cm-{i:06}: {e}"))
        }
    })
    .await?;
    let rss_after = rss_kib()?;
    let create_rate = rate(objects, elapsed);
    println!(
        "create: {} ConfigMaps over HTTP ({IN_FLIGHT} in flight) in {} = {} objects/s",
        thousands(objects),
        fmt_dur(elapsed),
        thousands(create_rate)
    );
    let growth = rss_after.saturating_sub(rss_before);
    let per_object = growth as f64 * 1024.0 / objects as f64;
    println!(
        "memory: VmRSS {} MiB -> {} MiB: {:.0} bytes per stored object",
        rss_before / 1024,
        rss_after / 1024,
        per_object
    );
    let what = format!("{} ConfigMaps", thousands(objects));
    summary.add(
        "testserver",
        format!("create over HTTP ({what}, {IN_FLIGHT} in flight)"),
        format!(
            "{} = {} objects/s",
            fmt_dur(elapsed),
            thousands(create_rate)
        ),
    );
    summary.add(
        "testserver",
        "memory per stored object (VmRSS growth / objects)",
        format!("{per_object:.0} bytes"),
    );

    // Full lists: raw text, then decoded.
    let path = format!("/api/v1/namespaces/{NAMESPACE}/configmaps");
    let mut raw_times = Vec::new();
    let mut decoded_times = Vec::new();
    let mut bytes = 0;
    let mut listed = 0;
    // One untimed list first: the first lists after the creates pay for
    // growing both sides' heaps and were up to twice as slow.
    api.list(&ListParams::default())
        .await
        .map_err(|e| format!("warm-up list: {e}"))?;
    // Alternating which form goes first, so neither always gets the warmer heap.
    for run in 0..runs {
        for raw_turn in [run % 2 == 0, run % 2 == 1] {
            let started = Instant::now();
            if raw_turn {
                let text = client
                    .request_text(Request::get(path.as_str()))
                    .await
                    .map_err(|e| format!("raw list: {e}"))?;
                raw_times.push(started.elapsed());
                bytes = text.len();
            } else {
                let list = api
                    .list(&ListParams::default())
                    .await
                    .map_err(|e| format!("list: {e}"))?;
                decoded_times.push(started.elapsed());
                listed = list.items.len();
            }
        }
    }
    if listed < objects {
        return Err(format!("the list has {listed} items, expected {objects}"));
    }
    let mib = bytes as f64 / (1024.0 * 1024.0);
    let (raw, decoded) = (median(raw_times), median(decoded_times));
    println!(
        "full list, raw JSON: {} items, {mib:.0} MiB, median {} = {} objects/s ({:.0} MiB/s)",
        thousands(listed),
        fmt_dur(raw),
        thousands(rate(listed, raw)),
        mib / raw.as_secs_f64()
    );
    println!(
        "full list, decoded into DynamicObjects: median {} = {} objects/s",
        fmt_dur(decoded),
        thousands(rate(listed, decoded))
    );
    summary.add(
        "testserver",
        format!("full list, raw JSON ({mib:.0} MiB, median of {runs})"),
        format!(
            "{} = {} objects/s",
            fmt_dur(raw),
            thousands(rate(listed, raw))
        ),
    );
    summary.add(
        "testserver",
        format!("full list, decoded (median of {runs})"),
        format!(
            "{} = {} objects/s",
            fmt_dur(decoded),
            thousands(rate(listed, decoded))
        ),
    );

    // Paged lists.
    let mut paged_times = Vec::new();
    let mut pages = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let mut params = ListParams::default().limit(PAGE);
        let mut seen = 0;
        pages = 0;
        loop {
            let page = api
                .list(&params)
                .await
                .map_err(|e| format!("paged list: {e}"))?;
            seen += page.items.len();
            pages += 1;
            match page.metadata.continue_.filter(|c| !c.is_empty()) {
                Some(token) => params = ListParams::default().limit(PAGE).continue_token(&token),
                None => break,
            }
        }
        paged_times.push(started.elapsed());
        if seen != listed {
            return Err(format!("paging saw {seen} items, the full list {listed}"));
        }
    }
    let paged = median(paged_times);
    println!(
        "paged list (limit={PAGE}, {pages} pages), decoded: median {} = {} objects/s",
        fmt_dur(paged),
        thousands(rate(listed, paged))
    );
    summary.add(
        "testserver",
        format!("paged list, limit={PAGE}, decoded (median of {runs})"),
        format!(
            "{} = {} objects/s",
            fmt_dur(paged),
            thousands(rate(listed, paged))
        ),
    );

    // Watch throughput: live (watchers following the updates), then a
    // replay of events already in the history (delivery alone).
    let updates = UPDATES.min(objects);
    for (round, watchers) in [1usize, 10].into_iter().enumerate() {
        let rv = current_rv(&api).await?;
        let tasks = start_watchers(&api, &rv, watchers, updates).await?;
        let started = Instant::now();
        let update_time = update(&api, updates, round).await?;
        let elapsed = finish(tasks).await?.duration_since(started);
        let delivered = watchers * updates;
        let events_rate = rate(delivered, elapsed);
        println!(
            "watch, live: {watchers} watcher(s), {} updates ({} updates/s): {} events delivered in {} = {} events/s",
            thousands(updates),
            thousands(rate(updates, update_time)),
            thousands(delivered),
            fmt_dur(elapsed),
            thousands(events_rate)
        );
        summary.add(
            "testserver",
            format!(
                "watch, live, {watchers} watcher(s), {} updates at {} updates/s",
                thousands(updates),
                thousands(rate(updates, update_time))
            ),
            format!("{} events/s delivered", thousands(events_rate)),
        );
    }
    let replayed = REPLAYED.min(objects);
    let rv = current_rv(&api).await?;
    update(&api, replayed, 2).await?;
    let started = Instant::now();
    let tasks = start_watchers(&api, &rv, 1, replayed).await?;
    let elapsed = finish(tasks).await?.duration_since(started);
    println!(
        "watch, replay from the history: {} events in {} = {} events/s",
        thousands(replayed),
        fmt_dur(elapsed),
        thousands(rate(replayed, elapsed))
    );
    summary.add(
        "testserver",
        format!(
            "watch, replay of {} events from the history",
            thousands(replayed)
        ),
        format!("{} events/s delivered", thousands(rate(replayed, elapsed))),
    );
    println!("load average at the end: {}", load_average());
    server.shutdown().await;
    Ok(())
}

/// `/proc/loadavg`'s first three fields: the machine may be shared, and
/// every figure here is CPU-bound.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// The namespace's current list resourceVersion.
async fn current_rv(api: &DynamicApi) -> Result<String, String> {
    api.list(&ListParams::default().limit(1))
        .await
        .map_err(|e| format!("list for the watch: {e}"))?
        .metadata
        .resource_version
        .ok_or_else(|| "no list resourceVersion".to_owned())
}

type Watcher = tokio::task::JoinHandle<Result<Instant, String>>;

/// `watchers` watches from `rv`, each counting `expected` MODIFIED events
/// and returning when it saw the last.
async fn start_watchers(
    api: &DynamicApi,
    rv: &str,
    watchers: usize,
    expected: usize,
) -> Result<Vec<Watcher>, String> {
    let mut tasks = Vec::new();
    for _ in 0..watchers {
        let mut events = api
            .watch(&WatchParams::default().timeout(600), rv)
            .await
            .map_err(|e| format!("watch: {e}"))?
            .boxed();
        tasks.push(tokio::spawn(async move {
            let mut seen = 0;
            while seen < expected {
                match events.next().await {
                    Some(Ok(WatchEvent::Modified(_))) => seen += 1,
                    Some(Ok(WatchEvent::Bookmark(_))) => {}
                    Some(Ok(other)) => return Err(format!("unexpected event {other:?}")),
                    Some(Err(e)) => return Err(format!("watch stream: {e}")),
                    None => return Err(format!("the watch ended after {seen} events")),
                }
            }
            Ok(Instant::now())
        }));
    }
    Ok(tasks)
}

/// When the last watcher saw its last event.
async fn finish(tasks: Vec<Watcher>) -> Result<Instant, String> {
    let mut last = None;
    for task in tasks {
        let finished = task.await.map_err(|e| format!("watcher task: {e}"))??;
        last = Some(last.map_or(finished, |l: Instant| l.max(finished)));
    }
    last.ok_or_else(|| "no watcher".to_owned())
}

/// Merge-patches the first `count` objects (`IN_FLIGHT` at a time).
async fn update(api: &DynamicApi, count: usize, round: usize) -> Result<Duration, String> {
    concurrently(count, |i| {
        let api = api.clone();
        async move {
            let patch = Patch::Merge(json!({"data": {"round": round.to_string()}}));
            api.patch(&format!("cm-{i:06}"), &PatchParams::default(), &patch)
                .await
                .map(drop)
                .map_err(|e| format!("patch cm-{i:06}: {e}"))
        }
    })
    .await
}
