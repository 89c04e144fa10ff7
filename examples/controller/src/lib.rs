//! A Widget controller: the shape of a client-go controller, on kubegen's
//! generated clientsets, informers and listers and the runtime's work queue.
//!
//! For every `Widget` (`example.kubegen.dev/v1`, from this repository's
//! `specs/crds/widgets.yaml`) it keeps a ConfigMap `<widget>-widget` holding
//! the widget's color, size and replicas, owned by the widget (so the
//! garbage collector removes it with the widget), and it reports on the
//! widget's status: `phase: Running`, the replicas it saw and the
//! generation it acted on.
//!
//! Informers feed the work queue with `namespace/name` keys (a ConfigMap event
//! queues its owning widget); workers read from the listers, never from the
//! API, and write through the clientsets. A failed reconcile is retried with
//! the queue's rate limiter.

use std::collections::BTreeMap;
use std::sync::Arc;

use std::time::Duration;

use kubegen::api::PostParams;
use kubegen::cache::{CancellationToken, Event, SharedInformerFactory};
use kubegen::meta::v1::{ObjectMeta, OwnerReference};
use kubegen::workqueue::WorkQueue;
use kubegen::{Client, Resource};
use kubegen_api::apiextensions::v1::CustomResourceDefinition;
use kubegen_api::core::v1::ConfigMap;
use kubegen_example_crds::example_kubegen_dev::v1::{Widget, WidgetStatus, WidgetStatusPhase};
use tokio::sync::mpsc;

/// What a reconcile did, reported to whoever runs the controller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// A ConfigMap was created for a widget.
    CreatedConfigMap {
        /// Namespace of the ConfigMap.
        namespace: String,
        /// Name of the ConfigMap.
        name: String,
    },
    /// A ConfigMap was brought back in line with its widget.
    UpdatedConfigMap {
        /// Namespace of the ConfigMap.
        namespace: String,
        /// Name of the ConfigMap.
        name: String,
    },
    /// A widget's status was written.
    UpdatedStatus {
        /// Namespace of the widget.
        namespace: String,
        /// Name of the widget.
        name: String,
        /// The replicas reported.
        replicas: i32,
        /// The generation reported as observed.
        generation: i64,
    },
    /// A widget is gone; its ConfigMap goes with it (garbage collection).
    WidgetGone {
        /// Namespace of the widget.
        namespace: String,
        /// Name of the widget.
        name: String,
    },
    /// A reconcile failed and was queued again.
    Retried {
        /// The widget's `namespace/name`.
        key: String,
        /// What went wrong.
        error: String,
    },
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::CreatedConfigMap { namespace, name } => {
                write!(f, "created ConfigMap {namespace}/{name}")
            }
            Action::UpdatedConfigMap { namespace, name } => {
                write!(f, "updated ConfigMap {namespace}/{name}")
            }
            Action::UpdatedStatus {
                namespace,
                name,
                replicas,
                generation,
            } => write!(
                f,
                "Widget {namespace}/{name}: status phase Running, replicas {replicas}, observed generation {generation}"
            ),
            Action::WidgetGone { namespace, name } => {
                write!(
                    f,
                    "Widget {namespace}/{name} is gone (its ConfigMap is garbage-collected)"
                )
            }
            Action::Retried { key, error } => write!(f, "retrying {key}: {error}"),
        }
    }
}

/// The controller: clientsets to write, informers to read, a queue between them.
pub struct WidgetController {
    widgets: kubegen::cache::ResourceInformer<Widget>,
    config_maps: kubegen::cache::ResourceInformer<ConfigMap>,
    crds: kubegen_example_crds::Clientset,
    core: kubegen_api::Clientset,
    factory: SharedInformerFactory,
    queue: WorkQueue<String>,
    actions: mpsc::UnboundedSender<Action>,
}

/// The ConfigMap of a widget.
pub fn config_map_name(widget: &str) -> String {
    format!("{widget}-widget")
}

impl WidgetController {
    /// A controller on `client`, reporting what it does on `actions`.
    pub fn new(client: Client, actions: mpsc::UnboundedSender<Action>) -> WidgetController {
        let factory = SharedInformerFactory::new(client.clone());
        // Both generated factories share one generic factory: one informer per kind.
        let crd_informers = kubegen_example_crds::InformerFactory::from_factory(factory.clone());
        let api_informers = kubegen_api::InformerFactory::from_factory(factory.clone());
        WidgetController {
            widgets: crd_informers.example_kubegen_dev_v1().widgets(),
            config_maps: api_informers.core_v1().config_maps(),
            crds: kubegen_example_crds::Clientset::from_client(client.clone()),
            core: kubegen_api::Clientset::from_client(client),
            factory,
            queue: WorkQueue::new(),
            actions,
        }
    }

    /// Runs until `cancel`: informers, then `workers` workers.
    pub async fn run(self, workers: usize, cancel: CancellationToken) {
        let queue = self.queue.clone();
        self.widgets
            .informer()
            .add_event_handler(move |event: Event<Widget>| {
                queue.add(event.key());
            });
        let queue = self.queue.clone();
        self.config_maps
            .informer()
            .add_event_handler(move |event: Event<ConfigMap>| {
                if let Some(owner) = widget_owner(event.object()) {
                    queue.add(owner);
                }
            });
        if let Err(error) = self.factory.start() {
            let _ = self.actions.send(Action::Retried {
                key: String::new(),
                error: error.to_string(),
            });
            return;
        }
        self.factory.wait_for_cache_sync().await;

        let this = Arc::new(self);
        let mut tasks = Vec::new();
        for _ in 0..workers.max(1) {
            let this = this.clone();
            tasks.push(tokio::spawn(async move {
                while let Some(key) = this.queue.get().await {
                    match this.reconcile(&key).await {
                        Ok(()) => this.queue.forget(&key),
                        Err(error) => {
                            let _ = this.actions.send(Action::Retried {
                                key: key.clone(),
                                error: error.to_string(),
                            });
                            this.queue.add_rate_limited(key.clone());
                        }
                    }
                    this.queue.done(&key);
                }
            }));
        }
        cancel.cancelled().await;
        this.queue.shut_down();
        for task in tasks {
            let _ = task.await;
        }
        this.factory.shutdown().await;
    }

    /// Brings one widget's ConfigMap and status in line with its spec.
    async fn reconcile(&self, key: &str) -> kubegen::Result<()> {
        let (namespace, name) = key.split_once('/').unwrap_or(("", key));
        let Some(widget) = self.widgets.lister().namespace(namespace).get(name) else {
            self.report(Action::WidgetGone {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
            });
            return Ok(());
        };
        let desired = desired_config_map(&widget);
        let config_map_name = config_map_name(name);
        let config_maps = self.core.core_v1().config_maps(namespace);
        match self
            .config_maps
            .lister()
            .namespace(namespace)
            .get(&config_map_name)
        {
            None => {
                config_maps.create(&PostParams::default(), &desired).await?;
                self.report(Action::CreatedConfigMap {
                    namespace: namespace.to_owned(),
                    name: config_map_name,
                });
            }
            Some(current) if current.data != desired.data => {
                let mut updated = (*current).clone();
                updated.data = desired.data;
                config_maps.update(&PostParams::default(), &updated).await?;
                self.report(Action::UpdatedConfigMap {
                    namespace: namespace.to_owned(),
                    name: config_map_name,
                });
            }
            Some(_) => {}
        }

        let replicas = widget.spec.replicas.unwrap_or(1);
        let generation = widget.metadata.generation.unwrap_or_default();
        let status = widget.status.clone().unwrap_or_default();
        let current = status.phase == Some(WidgetStatusPhase::Running)
            && status.replicas == Some(replicas)
            && status.observed_generation == Some(generation);
        if !current {
            let mut updated = (*widget).clone();
            updated.status = Some(WidgetStatus {
                phase: Some(WidgetStatusPhase::Running),
                replicas: Some(replicas),
                observed_generation: Some(generation),
                ..status
            });
            self.crds
                .example_kubegen_dev_v1()
                .widgets(namespace)
                .update_status(&PostParams::default(), &updated)
                .await?;
            self.report(Action::UpdatedStatus {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                replicas,
                generation,
            });
        }
        Ok(())
    }

    fn report(&self, action: Action) {
        // The receiver may have stopped listening; the controller goes on regardless.
        let _ = self.actions.send(action);
    }
}

/// `namespace/name` of the Widget owning a ConfigMap, if one does.
fn widget_owner(config_map: &ConfigMap) -> Option<String> {
    let namespace = config_map.metadata.namespace.clone().unwrap_or_default();
    config_map
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|owner| owner.kind == Widget::KIND && owner.api_version == Widget::API_VERSION)
        .map(|owner| format!("{namespace}/{}", owner.name))
}

/// The ConfigMap a widget should have.
pub fn desired_config_map(widget: &Widget) -> ConfigMap {
    let name = widget.metadata.name.clone().unwrap_or_default();
    let mut data = BTreeMap::new();
    data.insert("color".to_owned(), widget.spec.color.as_str().to_owned());
    data.insert("size".to_owned(), widget.spec.size.to_string());
    data.insert(
        "replicas".to_owned(),
        widget.spec.replicas.unwrap_or(1).to_string(),
    );
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(config_map_name(&name)),
            namespace: widget.metadata.namespace.clone(),
            owner_references: Some(vec![OwnerReference {
                api_version: Widget::API_VERSION.to_owned(),
                kind: Widget::KIND.to_owned(),
                name,
                uid: widget.metadata.uid.clone().unwrap_or_default(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            }]),
            ..ObjectMeta::default()
        },
        data: Some(data),
        ..ConfigMap::default()
    }
}

/// The Widget CRD of this repository's `specs/`.
pub const WIDGET_CRD: &str = include_str!("../../../specs/crds/widgets.yaml");

/// Why installing the CRD failed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// `specs/crds/widgets.yaml` is not a CustomResourceDefinition.
    #[error("specs/crds/widgets.yaml: {0}")]
    Parse(#[from] serde_yaml_ng::Error),
    /// The API server refused it.
    #[error("creating the Widget CRD: {0}")]
    Api(#[from] kubegen::Error),
    /// It was not Established in time.
    #[error("the Widget CRD was not Established within 10 s")]
    NotEstablished,
}

/// Creates the Widget CRD and waits until it is served.
pub async fn install_widget_crd(client: &Client) -> Result<(), InstallError> {
    let crd: CustomResourceDefinition = serde_yaml_ng::from_str(WIDGET_CRD)?;
    let name = crd.metadata.name.clone().unwrap_or_default();
    let crds = kubegen_api::Clientset::from_client(client.clone())
        .apiextensions_v1()
        .custom_resource_definitions();
    if crds.get_opt(&name).await?.is_none() {
        crds.create(&PostParams::default(), &crd).await?;
    }
    for _ in 0..100 {
        let established = crds
            .get(&name)
            .await?
            .status
            .and_then(|status| status.conditions)
            .unwrap_or_default()
            .iter()
            .any(|c| c.r#type == "Established" && c.status == "True");
        if established {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(InstallError::NotEstablished)
}
