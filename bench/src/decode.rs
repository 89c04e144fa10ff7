//! `decode`: a `PodList` JSON of N real-shaped Pods (the shared k8s.io/api
//! fixture Pod, every field filled, with name, uid and resourceVersion varied
//! per item) decoded with `serde_json::from_str` into
//! `kubegen::ObjectList<kubegen_api::core::v1::Pod>` versus
//! `k8s_openapi::List<k8s_openapi::api::core::v1::Pod>`, alternating, several
//! runs each. Only the `from_str` call is timed, not dropping the result.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{fmt_dur, median, speedup_rates, thousands};
use crate::{Ctx, Summary};

const RUNS: usize = 5;
/// Pods in the list unless `--items` says otherwise.
const ITEMS: usize = 10_000;
const POD: &str = "objects/core/k8s-api-testdata-v1.36.0/core.v1.Pod.json";

type KubegenList = kubegen::ObjectList<kubegen_api::core::v1::Pod>;
type PeerList = k8s_openapi::List<k8s_openapi::api::core::v1::Pod>;

/// The list as one JSON string, built one item at a time (the items are
/// never all held as `serde_json::Value`s).
fn pod_list(template: &Value, items: usize) -> Result<String, String> {
    let mut out: Vec<u8> = Vec::new();
    out.extend_from_slice(
        br#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"987654321"},"items":["#,
    );
    for i in 0..items {
        let mut pod = template.clone();
        let meta = pod
            .get_mut("metadata")
            .and_then(Value::as_object_mut)
            .ok_or("the example Pod has no metadata object")?;
        meta.insert("name".into(), Value::String(format!("pod-{i:05}")));
        let n = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        meta.insert(
            "uid".into(),
            Value::String(format!(
                "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                n >> 32,
                (n >> 16) & 0xffff,
                n & 0xfff,
                (n >> 20) & 0xfff,
                i
            )),
        );
        meta.insert(
            "resourceVersion".into(),
            Value::String((100_000 + i).to_string()),
        );
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, &pod).map_err(|e| e.to_string())?;
    }
    out.extend_from_slice(b"]}");
    String::from_utf8(out).map_err(|e| e.to_string())
}

fn check(
    what: &str,
    names: (usize, Option<&str>, Option<&str>),
    items: usize,
) -> Result<(), String> {
    let last = format!("pod-{:05}", items - 1);
    if names.0 != items || names.1 != Some("pod-00000") || names.2 != Some(last.as_str()) {
        return Err(format!(
            "{what} decoded {} items (first {:?}, last {:?}); expected {items} (pod-00000 … {last})",
            names.0, names.1, names.2
        ));
    }
    Ok(())
}

/// Decodes into kubegen-api; times only `from_str`, checks the items after.
fn decode_ours(json: &str, items: usize) -> Result<Duration, String> {
    let start = Instant::now();
    let list: KubegenList = serde_json::from_str(json).map_err(|e| format!("kubegen-api: {e}"))?;
    let elapsed = start.elapsed();
    check(
        "kubegen-api",
        (
            list.items.len(),
            list.items.first().and_then(|p| p.metadata.name.as_deref()),
            list.items.last().and_then(|p| p.metadata.name.as_deref()),
        ),
        items,
    )?;
    Ok(elapsed)
}

/// Decodes into k8s-openapi; times only `from_str`, checks the items after.
fn decode_peer(json: &str, items: usize) -> Result<Duration, String> {
    let start = Instant::now();
    let list: PeerList = serde_json::from_str(json).map_err(|e| format!("k8s-openapi: {e}"))?;
    let elapsed = start.elapsed();
    check(
        "k8s-openapi",
        (
            list.items.len(),
            list.items.first().and_then(|p| p.metadata.name.as_deref()),
            list.items.last().and_then(|p| p.metadata.name.as_deref()),
        ),
        items,
    )?;
    Ok(elapsed)
}

pub fn run(ctx: &Ctx, summary: &mut Summary) -> Result<(), String> {
    let path = ctx.spec(POD)?;
    let runs = ctx.opts.runs.unwrap_or(RUNS);
    let items = ctx.opts.items.unwrap_or(ITEMS);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let template: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let json = pod_list(&template, items)?;
    let mib = json.len() as f64 / (1024.0 * 1024.0);
    println!(
        "input: {} Pods from {} ({:.0} MiB of JSON, {} bytes per Pod)",
        thousands(items),
        path.display(),
        mib,
        thousands(json.len() / items.max(1))
    );

    let mut ours = Vec::new();
    let mut peer = Vec::new();
    // Alternating which decoder goes first, so neither always gets the warmer caches.
    for run in 0..runs {
        let (elapsed, peer_elapsed) = if run % 2 == 0 {
            let ours = decode_ours(&json, items)?;
            (ours, decode_peer(&json, items)?)
        } else {
            let peer = decode_peer(&json, items)?;
            (decode_ours(&json, items)?, peer)
        };
        ours.push(elapsed);
        peer.push(peer_elapsed);
        println!(
            "run {}: kubegen-api {}  k8s-openapi {}",
            run + 1,
            fmt_dur(elapsed),
            fmt_dur(peer_elapsed)
        );
    }
    let rate = |d: Duration| items as f64 / d.as_secs_f64();
    let (ours, peer) = (median(ours), median(peer));
    let (ours_rate, peer_rate) = (rate(ours), rate(peer));
    let ratio = speedup_rates(ours_rate, peer_rate);
    let target = if ours_rate >= peer_rate {
        "met"
    } else {
        "NOT met"
    };
    println!(
        "kubegen-api: median {} = {} Pods/s ({:.0} MiB/s)",
        fmt_dur(ours),
        thousands(ours_rate as usize),
        mib / ours.as_secs_f64()
    );
    println!(
        "k8s-openapi: median {} = {} Pods/s ({:.0} MiB/s)",
        fmt_dur(peer),
        thousands(peer_rate as usize),
        mib / peer.as_secs_f64()
    );
    println!("ratio: {ratio} (target: at least parity: {target})");
    let what = format!(
        "{} Pods, {:.0} MiB, median of {runs}",
        thousands(items),
        mib
    );
    summary.add(
        "decode",
        format!("kubegen-api ObjectList<Pod> ({what})"),
        format!(
            "{} = {} Pods/s",
            fmt_dur(ours),
            thousands(ours_rate as usize)
        ),
    );
    summary.add(
        "decode",
        format!("k8s-openapi 0.29 List<Pod> ({what})"),
        format!(
            "{} = {} Pods/s",
            fmt_dur(peer),
            thousands(peer_rate as usize)
        ),
    );
    summary.add("decode", format!("ratio (target: parity: {target})"), ratio);
    Ok(())
}
