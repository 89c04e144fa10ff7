//! The storage engine holds 100,000 objects: writes, paged lists over a
//! consistent snapshot, and full lists stay fast.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Instant;

use kubegen_testserver::storage::list::{self, ListOptions};
use kubegen_testserver::storage::{Store, StoreConfig};
use serde_json::json;

#[tokio::test]
async fn one_hundred_thousand_objects() {
    let store = Store::new(StoreConfig::default());
    let table: Arc<str> = Arc::from("/configmaps");
    let started = Instant::now();
    store.write(|state| {
        for i in 0..100_000 {
            let name = format!("cm-{i:06}");
            let object = json!({"kind": "ConfigMap", "apiVersion": "v1",
                "metadata": {"name": name, "namespace": "load", "uid": format!("u{i}"),
                             "labels": {"shard": (i % 10).to_string()}},
                "data": {"i": i.to_string()}});
            state.put(&table, ("load".to_owned(), name), object);
        }
    });
    let written = started.elapsed();

    // Page through everything at one resourceVersion while writes go on.
    let started = Instant::now();
    let mut options = ListOptions {
        limit: Some(5_000),
        ..ListOptions::default()
    };
    let mut seen = 0;
    let mut pages = 0;
    loop {
        let page = list::list(&store, &table, Some("load"), &options, &|_| true)
            .await
            .unwrap();
        seen += page.items.len();
        pages += 1;
        if pages == 2 {
            store.write(|state| {
                state.put(
                    &table,
                    ("load".to_owned(), "zz-late".to_owned()),
                    json!({"metadata": {"name": "zz-late", "namespace": "load"}}),
                )
            });
        }
        match page.continue_token {
            Some(token) => options.continue_token = Some(token),
            None => break,
        }
    }
    assert_eq!(seen, 100_000, "later pages keep the first page's snapshot");
    let paged = started.elapsed();

    let started = Instant::now();
    let everything = ListOptions {
        resource_version: Some("0".into()),
        limit: Some(10),
        ..ListOptions::default()
    };
    let shard = list::list(&store, &table, None, &everything, &|object| {
        object
            .pointer("/metadata/labels/shard")
            .and_then(|s| s.as_str())
            == Some("3")
    })
    .await
    .unwrap();
    assert_eq!(shard.items.len(), 10_000, "resourceVersion=0 ignores limit");
    let filtered = started.elapsed();
    eprintln!(
        "100k objects: written in {written:?}, paged in {paged:?}, filtered list in {filtered:?}"
    );
}
