//! The cache machinery against the embedded test API server, through the
//! generated clientset and informer factory of `kubegen-api`: the informer's
//! store follows the server through creates, updates, deletes, a dropped
//! watch, a compaction (410) and a relist; handlers see every change in order;
//! a deletion the informer missed while disconnected arrives as a tombstone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kubegen::api::{DeleteParams, ListParams, PostParams};
use kubegen::cache::{BackoffConfig, Event, ReflectorConfig, SharedInformerFactory};
use kubegen::meta::v1::ObjectMeta;
use kubegen_api::core::v1::ConfigMap;
use kubegen_api::{Clientset, InformerFactory};
use kubegen_testserver::TestServer;

fn config_map(name: &str, value: &str) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            ..ObjectMeta::default()
        },
        data: Some(BTreeMap::from([("value".to_owned(), value.to_owned())])),
        ..ConfigMap::default()
    }
}

/// Fast retries, so that reconnecting after an injected failure takes milliseconds.
fn factory(client: kubegen::Client) -> SharedInformerFactory {
    SharedInformerFactory::builder(client)
        .namespace("default")
        .reflector_config(ReflectorConfig {
            backoff: BackoffConfig {
                initial: Duration::from_millis(20),
                max: Duration::from_millis(200),
                ..BackoffConfig::default()
            },
            ..ReflectorConfig::default()
        })
        .build()
}

/// `name → data.value` of what the server holds and what the cache holds.
async fn server_state(clientset: &Clientset) -> BTreeMap<String, String> {
    let list = clientset
        .core_v1()
        .config_maps("default")
        .list(&ListParams::default())
        .await
        .unwrap();
    list.items
        .iter()
        .filter(|cm| cm.metadata.name.as_deref() != Some("kube-root-ca.crt"))
        .map(|cm| (cm.metadata.name.clone().unwrap(), value_of(cm)))
        .collect()
}

fn value_of(cm: &ConfigMap) -> String {
    cm.data
        .as_ref()
        .and_then(|data| data.get("value"))
        .cloned()
        .unwrap_or_default()
}

fn cache_state(informers: &InformerFactory) -> BTreeMap<String, String> {
    informers
        .core_v1()
        .config_maps()
        .lister()
        .namespace("default")
        .list(&kubegen::cache::Selector::everything())
        .iter()
        .filter(|cm| cm.metadata.name.as_deref() != Some("kube-root-ca.crt"))
        .map(|cm| (cm.metadata.name.clone().unwrap(), value_of(cm)))
        .collect()
}

/// Waits until the cache equals the server (or fails after a few seconds).
async fn converge(clientset: &Clientset, informers: &InformerFactory) {
    let wanted = server_state(clientset).await;
    for _ in 0..200 {
        if cache_state(informers) == wanted {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(cache_state(informers), wanted, "the cache never caught up");
}

#[derive(Clone, Debug, PartialEq)]
enum Seen {
    Added(String, String),
    Updated(String, String),
    Deleted(String, bool),
}

#[tokio::test]
async fn the_store_follows_the_server_through_drops_compactions_and_relists() {
    let server = TestServer::start().await.unwrap();
    let client = kubegen::Client::new(server.config()).unwrap();
    let clientset = Clientset::from_client(client.clone());
    let informers = InformerFactory::from_factory(factory(client));
    let config_maps = clientset.core_v1().config_maps("default");

    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let registration = informers
        .core_v1()
        .config_maps()
        .informer()
        .add_event_handler(move |event: Event<ConfigMap>| {
            let seen = match &event {
                Event::Added { object, .. } => {
                    Seen::Added(object.metadata.name.clone().unwrap(), value_of(object))
                }
                Event::Updated { new, .. } => {
                    Seen::Updated(new.metadata.name.clone().unwrap(), value_of(new))
                }
                Event::Deleted {
                    object,
                    final_state_unknown,
                } => Seen::Deleted(object.metadata.name.clone().unwrap(), *final_state_unknown),
            };
            record.lock().unwrap().push(seen);
        });

    config_maps
        .create(&PostParams::default(), &config_map("a", "1"))
        .await
        .unwrap();
    informers.factory().start().unwrap();
    assert!(informers.factory().wait_for_cache_sync().await);
    registration.wait_for_sync().await;
    converge(&clientset, &informers).await;

    // Changes while watching.
    config_maps
        .create(&PostParams::default(), &config_map("b", "1"))
        .await
        .unwrap();
    let mut a = config_maps.get("a").await.unwrap();
    a.data = Some(BTreeMap::from([("value".to_owned(), "2".to_owned())]));
    config_maps
        .update(&PostParams::default(), &a)
        .await
        .unwrap();
    converge(&clientset, &informers).await;

    // The watch drops: the reflector resumes from its last resourceVersion.
    server.drop_watches();
    config_maps
        .create(&PostParams::default(), &config_map("c", "1"))
        .await
        .unwrap();
    converge(&clientset, &informers).await;

    // Disconnected while a deletion and an update happen, and the history
    // compacted: resuming gets 410, the reflector relists, and the deletion
    // comes as a tombstone.
    server.refuse_watches(true);
    server.drop_watches();
    config_maps
        .delete("b", &DeleteParams::default())
        .await
        .unwrap();
    let mut c = config_maps.get("c").await.unwrap();
    c.data = Some(BTreeMap::from([("value".to_owned(), "2".to_owned())]));
    config_maps
        .update(&PostParams::default(), &c)
        .await
        .unwrap();
    server.compact();
    server.refuse_watches(false);
    converge(&clientset, &informers).await;

    // Handlers saw every change of every object, in order, and nothing else.
    let seen = seen.lock().unwrap().clone();
    // A relist replays every object it still finds as an update (client-go's
    // `Replace`); those carry no new state, so repeats of a state collapse.
    let by_name = |name: &str| -> Vec<Seen> {
        let mut events: Vec<Seen> = seen
            .iter()
            .filter(|event| match event {
                Seen::Added(n, _) | Seen::Updated(n, _) | Seen::Deleted(n, _) => n == name,
            })
            .cloned()
            .collect();
        events.dedup();
        events
    };
    assert_eq!(
        by_name("a"),
        [
            Seen::Added("a".into(), "1".into()),
            Seen::Updated("a".into(), "2".into())
        ]
    );
    let b = by_name("b");
    assert_eq!(b.first(), Some(&Seen::Added("b".into(), "1".into())));
    assert_eq!(b.last(), Some(&Seen::Deleted("b".into(), true)), "{b:?}");
    let c = by_name("c");
    assert_eq!(c.first(), Some(&Seen::Added("c".into(), "1".into())));
    assert_eq!(c.last(), Some(&Seen::Updated("c".into(), "2".into())));
    informers.factory().shutdown().await;
}

#[tokio::test]
async fn a_deletion_missed_while_disconnected_arrives_as_a_tombstone() {
    let server = TestServer::start().await.unwrap();
    let client = kubegen::Client::new(server.config()).unwrap();
    let clientset = Clientset::from_client(client.clone());
    let informers = InformerFactory::from_factory(factory(client));
    let config_maps = clientset.core_v1().config_maps("default");
    config_maps
        .create(&PostParams::default(), &config_map("gone", "1"))
        .await
        .unwrap();

    let tombstones = Arc::new(Mutex::new(Vec::new()));
    let record = tombstones.clone();
    informers
        .core_v1()
        .config_maps()
        .informer()
        .add_event_handler(move |event: Event<ConfigMap>| {
            if let Event::Deleted {
                object,
                final_state_unknown,
            } = event
            {
                record.lock().unwrap().push((
                    object.metadata.name.clone().unwrap(),
                    final_state_unknown,
                    value_of(&object),
                ));
            }
        });
    informers.factory().start().unwrap();
    assert!(informers.factory().wait_for_cache_sync().await);

    // No watch can be opened again until the history that held the deletion is gone.
    server.refuse_watches(true);
    server.drop_watches();
    config_maps
        .delete("gone", &DeleteParams::default())
        .await
        .unwrap();
    server.compact();
    server.refuse_watches(false);
    converge(&clientset, &informers).await;

    let tombstones = tombstones.lock().unwrap().clone();
    assert_eq!(tombstones, [("gone".to_owned(), true, "1".to_owned())]);
    informers.factory().shutdown().await;
}
