//! The apiserver transcripts replayed against the test server, scenario by
//! scenario, with the differences that are expected listed and justified.

mod replay;

use replay::{Skip, replay, skip};

const OPENSHIFT_SCHEME: &str = "OpenShift names its scheme ocp-kubernetes-1.32/...; upstream (and this server) k8s.io/kubernetes/...";

macro_rules! scenario {
    ($test:ident, $file:literal) => {
        scenario!($test, $file, &[]);
    };
    ($test:ident, $file:literal, $skips:expr) => {
        #[tokio::test]
        async fn $test() {
            let skips: &[Skip] = $skips;
            replay($file, skips).await;
        }
    };
}

scenario!(configmap_lifecycle, "configmap-lifecycle");
scenario!(
    configmap_errors,
    "configmap-errors",
    &[
        skip(
            4,
            ".data",
            "the recorded request body (a=3) is not the one that produced the recorded response (a=2)"
        ),
        skip(12, ".message", OPENSHIFT_SCHEME),
    ]
);
scenario!(generate_name, "generate-name");
scenario!(dry_run, "dry-run");
scenario!(delete_preconditions, "delete-preconditions");
scenario!(delete_collection, "delete-collection");
scenario!(deployment_lifecycle, "deployment-lifecycle");
scenario!(finalizers, "finalizers");
scenario!(namespace_deletion, "namespace-deletion");
scenario!(list_label_selectors, "list-label-selectors");
scenario!(list_field_selectors, "list-field-selectors");
scenario!(list_pagination, "list-pagination");
scenario!(list_resource_version, "list-resource-version");
scenario!(watch_events, "watch-events");
scenario!(watch_resume, "watch-resume");
scenario!(watch_no_resource_version, "watch-no-resource-version");
scenario!(watch_label_selector, "watch-label-selector");
scenario!(watch_list, "watch-list");
scenario!(watch_too_old, "watch-too-old");
scenario!(watch_timeout, "watch-timeout");
scenario!(errors_routing, "errors-routing");
scenario!(errors_media, "errors-media");
scenario!(health_endpoints, "health-endpoints");
scenario!(auth, "auth");
scenario!(crd_lifecycle, "crd-lifecycle");
scenario!(crd_delete, "crd-delete");
scenario!(owner_references, "owner-references");
scenario!(
    delete_propagation_background,
    "delete-propagation-background"
);
scenario!(
    delete_propagation_foreground,
    "delete-propagation-foreground"
);
scenario!(delete_propagation_orphan, "delete-propagation-orphan");
scenario!(delete_default_policy, "delete-default-policy");
