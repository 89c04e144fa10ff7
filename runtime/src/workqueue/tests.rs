use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use super::*;

fn queue() -> WorkQueue<String> {
    WorkQueue::new()
}

fn s(v: &str) -> String {
    v.to_owned()
}

#[tokio::test]
async fn dedups_while_queued_and_requeues_after_done() {
    let q = queue();
    q.add(s("a"));
    q.add(s("b"));
    q.add(s("a"));
    assert_eq!(q.len(), 2);
    let a = q.get().await.unwrap();
    assert_eq!(a, "a");
    // Added while processing: not handed out now...
    q.add(s("a"));
    assert_eq!(q.len(), 1);
    assert_eq!(q.get().await.unwrap(), "b");
    assert!(q.is_empty());
    let blocked = tokio::time::timeout(Duration::from_millis(20), q.get()).await;
    assert!(blocked.is_err(), "a is being processed");
    // ...but after done.
    q.done(&a);
    assert_eq!(q.len(), 1);
    assert_eq!(q.get().await.unwrap(), "a");
    q.done(&s("a"));
    q.done(&s("b"));
    assert!(q.is_empty());
}

#[tokio::test]
async fn shutdown_hands_out_what_is_queued_then_none() {
    let q = queue();
    q.add(s("a"));
    q.add(s("b"));
    q.add_after(s("later"), Duration::from_secs(60));
    q.shut_down();
    q.add(s("c"));
    assert!(q.is_shutting_down());
    assert_eq!(q.get().await.as_deref(), Some("a"));
    assert_eq!(q.get().await.as_deref(), Some("b"));
    assert_eq!(q.get().await, None);
}

#[tokio::test]
async fn shutdown_wakes_blocked_getters() {
    let q = queue();
    let getter = tokio::spawn({
        let q = q.clone();
        async move { q.get().await }
    });
    tokio::time::sleep(Duration::from_millis(10)).await;
    q.shut_down();
    let got = tokio::time::timeout(Duration::from_secs(5), getter).await;
    assert_eq!(got.unwrap().unwrap(), None);
}

#[tokio::test]
async fn shut_down_with_drain_waits_for_the_workers() {
    let q = queue();
    for i in 0..10 {
        q.add(format!("k{i}"));
    }
    let processed = Arc::new(AtomicU64::new(0));
    let worker = tokio::spawn({
        let q = q.clone();
        let processed = Arc::clone(&processed);
        async move {
            while let Some(key) = q.get().await {
                tokio::time::sleep(Duration::from_millis(1)).await;
                processed.fetch_add(1, Ordering::SeqCst);
                q.done(&key);
            }
        }
    });
    tokio::time::timeout(Duration::from_secs(5), q.shut_down_with_drain())
        .await
        .unwrap();
    assert_eq!(processed.load(Ordering::SeqCst), 10);
    worker.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn add_after_delays_and_the_earliest_wins() {
    let q = queue();
    let start = Instant::now();
    q.add_after(s("a"), Duration::from_secs(10));
    q.add_after(s("b"), Duration::from_secs(5));
    q.add_after(s("a"), Duration::from_secs(2));
    q.add_after(s("b"), Duration::from_secs(30));
    assert!(q.is_empty());
    assert_eq!(q.get().await.as_deref(), Some("a"));
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    assert_eq!(q.get().await.as_deref(), Some("b"));
    assert_eq!(start.elapsed(), Duration::from_secs(5));
    // A plain add wakes a getter that sleeps until a later deadline.
    q.add_after(s("c"), Duration::from_secs(100));
    let getter = tokio::spawn({
        let q = q.clone();
        async move { q.get().await }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    q.add(s("now"));
    assert_eq!(getter.await.unwrap().as_deref(), Some("now"));
    assert_eq!(start.elapsed(), Duration::from_secs(6));
}

#[tokio::test(start_paused = true)]
async fn rate_limited_requeues_back_off_until_forgotten() {
    let q = queue();
    let key = s("k");
    let start = Instant::now();
    let mut delays = Vec::new();
    for _ in 0..4 {
        let before = start.elapsed();
        q.add_rate_limited(key.clone());
        let got = q.get().await.unwrap();
        delays.push((start.elapsed() - before).as_millis());
        q.done(&got);
    }
    assert_eq!(delays, vec![5, 10, 20, 40]);
    assert_eq!(q.num_requeues(&key), 4);
    q.forget(&key);
    assert_eq!(q.num_requeues(&key), 0);
}

/// Many workers, many producers re-adding the same keys: no key is ever processed by two
/// workers at once, and every add is followed by a processing that started after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_key_is_never_handed_to_two_workers_at_once() {
    const KEYS: u64 = 20;
    let q: WorkQueue<u64> = WorkQueue::new();
    let in_flight: Arc<Mutex<HashSet<u64>>> = Arc::default();
    let violation = Arc::new(AtomicBool::new(false));
    // Per key: generation of the last add, and the highest generation a worker started on.
    let added: Arc<Vec<AtomicU64>> = Arc::new((0..KEYS).map(|_| AtomicU64::new(0)).collect());
    let started: Arc<Mutex<HashMap<u64, u64>>> = Arc::default();

    let mut workers = Vec::new();
    for _ in 0..16 {
        let q = q.clone();
        let in_flight = Arc::clone(&in_flight);
        let violation = Arc::clone(&violation);
        let added = Arc::clone(&added);
        let started = Arc::clone(&started);
        workers.push(tokio::spawn(async move {
            while let Some(key) = q.get().await {
                let generation = added[key as usize].load(Ordering::SeqCst);
                if !in_flight.lock().insert(key) {
                    violation.store(true, Ordering::SeqCst);
                }
                {
                    let mut s = started.lock();
                    let best = s.entry(key).or_insert(0);
                    *best = (*best).max(generation);
                }
                tokio::task::yield_now().await;
                if fastrand::u8(..) < 32 {
                    tokio::time::sleep(Duration::from_micros(200)).await;
                }
                in_flight.lock().remove(&key);
                q.done(&key);
            }
        }));
    }
    let mut producers = Vec::new();
    for _ in 0..4 {
        let q = q.clone();
        let added = Arc::clone(&added);
        producers.push(tokio::spawn(async move {
            for i in 0..3000u64 {
                let key = fastrand::u64(0..KEYS);
                added[key as usize].fetch_add(1, Ordering::SeqCst);
                q.add(key);
                if i % 50 == 0 {
                    tokio::task::yield_now().await;
                }
            }
        }));
    }
    for p in producers {
        p.await.unwrap();
    }
    tokio::time::timeout(Duration::from_secs(20), q.shut_down_with_drain())
        .await
        .unwrap();
    for w in workers {
        w.await.unwrap();
    }
    assert!(
        !violation.load(Ordering::SeqCst),
        "a key was processed twice at once"
    );
    let started = started.lock();
    for key in 0..KEYS {
        let last_add = added[key as usize].load(Ordering::SeqCst);
        if last_add > 0 {
            assert!(
                started.get(&key).copied().unwrap_or(0) >= last_add,
                "key {key}: last add {last_add} never processed after"
            );
        }
    }
}
