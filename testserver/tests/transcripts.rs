//! The apiserver transcripts replayed against the test server, scenario by
//! scenario, with the differences that are expected listed and justified.

mod replay;

use replay::{Skip, replay, skip};

const OPENSHIFT_SCHEME: &str = "OpenShift names its scheme ocp-kubernetes-1.32/...; upstream (and this server) k8s.io/kubernetes/...";
const CONTROLLER_STATUS: &str = "no controllers run here: kube-controller-manager wrote this status and the revision annotation";
const CONTROLLER_OBJECTS: &str =
    "no controllers run here: the ReplicaSets and Pods of the Deployment are never created";
const SYNCHRONOUS_GC: &str = "garbage collection and finalization happen at once here; the real server showed the object still pending at this poll";
const CONTROLLER_TIMING: &str = "kube-root-ca.crt is created with the namespace here; the real controller created it a moment later, after this request";
const GO_JSON_ERRORS: &str = "the decoder's own error text (Go's encoding/json vs serde_json)";
const RECORDED_BODY: &str =
    "the recorded request body is not the one that produced the recorded response";
const NAMESPACE_CONDITIONS: &str =
    "the namespace controller's conditions are written at once here, seconds later there";
const TEST_SERVER_VERSION: &str =
    "/version identifies the test server (gitVersion suffix, build information)";

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
        skip(4, ".data", RECORDED_BODY),
        skip(12, ".message", OPENSHIFT_SCHEME)
    ]
);
scenario!(
    generate_name,
    "generate-name",
    &[
        skip(
            4,
            ".details.causes[1].message",
            "the random suffix of the generated name"
        ),
        skip(
            4,
            ".details.name",
            "the random suffix of the generated name"
        ),
        skip(4, ".message", "the random suffix of the generated name")
    ]
);
scenario!(dry_run, "dry-run");
scenario!(
    delete_preconditions,
    "delete-preconditions",
    &[skip(10, "!", SYNCHRONOUS_GC)]
);
scenario!(delete_collection, "delete-collection");
scenario!(
    deployment_lifecycle,
    "deployment-lifecycle",
    &[
        skip(2, ".status", CONTROLLER_STATUS),
        skip(2, ".metadata.annotations", CONTROLLER_STATUS),
        skip(2, ".metadata.managedFields", CONTROLLER_STATUS),
        skip(3, ".status", CONTROLLER_STATUS),
        skip(4, ".status", CONTROLLER_STATUS),
        skip(5, ".status", CONTROLLER_STATUS),
        skip(7, ".status", CONTROLLER_STATUS),
        skip(8, ".status", CONTROLLER_STATUS),
        skip(9, ".status", CONTROLLER_STATUS),
        skip(9, ".spec.replicas", RECORDED_BODY),
        skip(10, ".status", CONTROLLER_STATUS),
        skip(12, ".status", CONTROLLER_STATUS),
    ]
);
scenario!(
    finalizers,
    "finalizers",
    &[
        skip(
            14,
            ".details.causes[0].field",
            "ts-validate reports metadata.finalizers without the index (reported to the lead)"
        ),
        skip(
            14,
            ".message",
            "ts-validate reports metadata.finalizers without the index (reported to the lead)"
        ),
    ]
);
scenario!(
    namespace_deletion,
    "namespace-deletion",
    &[
        skip(8, ".metadata.managedFields", NAMESPACE_CONDITIONS),
        skip(10, ".metadata.managedFields", NAMESPACE_CONDITIONS),
        skip(
            9,
            "!",
            "the namespace's contents are deleted at once here (c1 is gone); the real controller was still at work"
        ),
        skip(
            11,
            ".items",
            "the namespace's contents are deleted at once here; the real controller was still at work"
        ),
        skip(
            8,
            ".status.conditions",
            "the namespace controller's conditions are written at once here, seconds later there"
        ),
        skip(
            10,
            ".status.conditions",
            "the namespace controller's conditions are written at once here, seconds later there"
        ),
        skip(12, "", CONTROLLER_OBJECTS),
        skip(15, "", CONTROLLER_OBJECTS),
        skip(17, "!", SYNCHRONOUS_GC),
    ]
);
scenario!(list_label_selectors, "list-label-selectors");
scenario!(list_field_selectors, "list-field-selectors");
scenario!(list_pagination, "list-pagination");
scenario!(list_resource_version, "list-resource-version");
scenario!(watch_events, "watch-events");
scenario!(watch_resume, "watch-resume");
scenario!(watch_no_resource_version, "watch-no-resource-version");
scenario!(
    watch_label_selector,
    "watch-label-selector",
    &[skip(1, ".items", CONTROLLER_TIMING)]
);
scenario!(watch_list, "watch-list", &[skip(4, "", CONTROLLER_TIMING)]);
scenario!(watch_too_old, "watch-too-old");
scenario!(watch_timeout, "watch-timeout");
scenario!(errors_routing, "errors-routing");
scenario!(
    errors_media,
    "errors-media",
    &[
        skip(6, ".message", GO_JSON_ERRORS),
        skip(7, ".message", GO_JSON_ERRORS),
        skip(8, ".message", GO_JSON_ERRORS),
        skip(9, ".message", GO_JSON_ERRORS),
        skip(13, ".message", GO_JSON_ERRORS),
    ]
);
scenario!(
    health_endpoints,
    "health-endpoints",
    &[
        skip(
            3,
            "",
            "OpenShift's /readyz lists no etcd checks; upstream's (and this server's) do (README)"
        ),
        skip(
            8,
            "!",
            "OpenShift's /readyz has no etcd check; upstream's (and this server's) has"
        ),
        skip(11, "", TEST_SERVER_VERSION),
    ]
);
scenario!(auth, "auth", &[skip(8, "", TEST_SERVER_VERSION)]);
scenario!(
    crd_lifecycle,
    "crd-lifecycle",
    &[
        skip(
            1,
            ".status",
            "the CRD is established at once here; the real one was not yet at this first poll"
        ),
        skip(
            1,
            ".metadata.managedFields",
            "the CRD is established at once here (kube-apiserver's status entry)"
        ),
        skip(
            6,
            ".items",
            "the built-in catalog also serves alpha groups the real server leaves disabled (internal.apiserver.k8s.io, resource.k8s.io, storagemigration.k8s.io)"
        ),
        skip(
            7,
            "!",
            "the ?hash= of the transcript is the real document's; this server's document has its own hash"
        ),
        skip(10, "!", SYNCHRONOUS_GC),
    ]
);
scenario!(crd_delete, "crd-delete", &[skip(12, "!", SYNCHRONOUS_GC)]);
scenario!(
    owner_references,
    "owner-references",
    &[
        skip(
            5,
            ".details.causes[0].message",
            "the message prints Go pointers (Controller:(*bool)(0xc00296b20e))"
        ),
        skip(
            5,
            ".message",
            "the message prints Go pointers (Controller:(*bool)(0xc00296b20e))"
        ),
        skip(7, "!", SYNCHRONOUS_GC),
        skip(17, "!", SYNCHRONOUS_GC),
    ]
);

/// The exchanges of the delete-propagation scenarios that show the ReplicaSet and
/// Pods the Deployment controller made, or the Deployment's controller-written status.
const fn propagation_skips(pending_deployment: bool) -> [Skip; 17] {
    [
        skip(2, ".metadata.managedFields", CONTROLLER_STATUS),
        skip(5, "[0].object.metadata.managedFields", CONTROLLER_STATUS),
        skip(8, ".metadata.managedFields", CONTROLLER_STATUS),
        skip(5, "[0].object.status", CONTROLLER_STATUS),
        skip(5, "[0].object.metadata.annotations", CONTROLLER_STATUS),
        skip(2, ".status", CONTROLLER_STATUS),
        skip(2, ".metadata.annotations", CONTROLLER_STATUS),
        skip(3, "", CONTROLLER_OBJECTS),
        skip(4, "", CONTROLLER_OBJECTS),
        skip(6, "", CONTROLLER_OBJECTS),
        skip(7, "", CONTROLLER_OBJECTS),
        skip(8, ".status", CONTROLLER_STATUS),
        skip(8, ".metadata.annotations", CONTROLLER_STATUS),
        skip(10, "", CONTROLLER_OBJECTS),
        skip(11, "", CONTROLLER_OBJECTS),
        if pending_deployment {
            skip(9, "!", SYNCHRONOUS_GC)
        } else {
            skip(13, "", CONTROLLER_OBJECTS)
        },
        if pending_deployment {
            skip(12, "!", SYNCHRONOUS_GC)
        } else {
            skip(14, "", CONTROLLER_OBJECTS)
        },
    ]
}

const BACKGROUND: [Skip; 17] = propagation_skips(false);
const FOREGROUND: [Skip; 17] = propagation_skips(true);

scenario!(
    delete_propagation_background,
    "delete-propagation-background",
    &BACKGROUND
);
scenario!(delete_default_policy, "delete-default-policy", &BACKGROUND);
scenario!(
    delete_propagation_foreground,
    "delete-propagation-foreground",
    &[
        FOREGROUND[0],
        FOREGROUND[1],
        FOREGROUND[2],
        FOREGROUND[3],
        FOREGROUND[4],
        FOREGROUND[5],
        FOREGROUND[6],
        FOREGROUND[7],
        FOREGROUND[8],
        FOREGROUND[9],
        FOREGROUND[10],
        FOREGROUND[11],
        FOREGROUND[12],
        FOREGROUND[13],
        FOREGROUND[14],
        FOREGROUND[15],
        FOREGROUND[16],
        skip(
            5,
            "",
            "the Deployment's watch shows the garbage collector's steps over its Pods and ReplicaSet"
        ),
        skip(13, "", CONTROLLER_OBJECTS),
        skip(14, "", CONTROLLER_OBJECTS),
        skip(15, "!", SYNCHRONOUS_GC),
        skip(16, "", CONTROLLER_OBJECTS),
        skip(17, "", CONTROLLER_OBJECTS),
    ]
);
scenario!(
    delete_propagation_orphan,
    "delete-propagation-orphan",
    &[
        FOREGROUND[0],
        FOREGROUND[1],
        FOREGROUND[2],
        FOREGROUND[3],
        FOREGROUND[4],
        FOREGROUND[5],
        FOREGROUND[6],
        FOREGROUND[7],
        FOREGROUND[8],
        FOREGROUND[9],
        FOREGROUND[10],
        FOREGROUND[11],
        FOREGROUND[12],
        FOREGROUND[13],
        FOREGROUND[14],
        FOREGROUND[15],
        FOREGROUND[16],
        skip(
            5,
            "",
            "the Deployment's watch shows the orphan finalizer's steps, which happen at once here"
        ),
        skip(13, "", CONTROLLER_OBJECTS),
        skip(14, "", CONTROLLER_OBJECTS),
    ]
);

const NO_CEL: &str = "CEL rules (x-kubernetes-validations) are not evaluated or compiled";
const CATALOG: &str =
    "the built-in catalog serves alpha groups and subresources the real server leaves disabled";
const KIND_VALIDATION: &str =
    "kind-specific validation of built-ins beyond ObjectMeta is not implemented";

scenario!(
    crd_objects,
    "crd-objects",
    &[
        skip(10, "!", NO_CEL),
        skip(11, "!", NO_CEL),
        skip(14, ".details.causes", NO_CEL),
        skip(14, ".message", NO_CEL),
        skip(17, ".items", NO_CEL),
        skip(25, "!", NO_CEL),
        skip(29, ".items", NO_CEL),
        skip(30, ".items", NO_CEL),
    ]
);
scenario!(crd_subresources, "crd-subresources");
scenario!(
    crd_invalid,
    "crd-invalid",
    &[
        skip(3, ".details.causes", NO_CEL),
        skip(3, ".message", NO_CEL)
    ]
);
scenario!(
    field_validation,
    "field-validation",
    &[
        skip(1, ".metadata.name", RECORDED_BODY),
        skip(2, "!", RECORDED_BODY),
        skip(3, "!", RECORDED_BODY),
        skip(9, "!", RECORDED_BODY),
        skip(10, "!", RECORDED_BODY),
        skip(11, "!", RECORDED_BODY),
    ]
);
scenario!(
    partial_object_metadata,
    "partial-object-metadata",
    &[
        skip(5, ".metadata.annotations", CONTROLLER_STATUS),
        skip(5, ".metadata.managedFields", CONTROLLER_STATUS),
        skip(6, ".items[0].metadata.annotations", CONTROLLER_STATUS),
        skip(6, ".items[0].metadata.managedFields", CONTROLLER_STATUS),
    ]
);
scenario!(
    discovery,
    "discovery",
    &[
        skip(0, "", TEST_SERVER_VERSION),
        skip(1, ".serverAddressByClientCIDRs", "the server's own address"),
        skip(2, ".resources", CATALOG),
        skip(3, ".groups", CATALOG),
    ]
);
scenario!(
    discovery_aggregated,
    "discovery-aggregated",
    &[
        skip(
            0,
            ".items[0].versions[0].resources[10].subresources",
            CATALOG
        ),
        skip(1, ".items", CATALOG),
        skip(3, ".items", CATALOG),
        skip(
            4,
            ".items[0].versions[0].resources[10].subresources",
            CATALOG
        ),
    ]
);
scenario!(
    lease_leader_election,
    "lease-leader-election",
    &[
        skip(14, "!", KIND_VALIDATION),
        skip(15, ".items", KIND_VALIDATION)
    ]
);
scenario!(
    secret_configmap_immutable,
    "secret-configmap-immutable",
    &[
        skip(2, "!", KIND_VALIDATION),
        skip(4, ".details.causes", KIND_VALIDATION),
        skip(4, ".message", KIND_VALIDATION),
        skip(
            11,
            ".details.causes[0]",
            "ts-validate reports the binaryData key instead of the data key (reported to the lead)"
        ),
        skip(
            11,
            ".message",
            "ts-validate reports the binaryData key instead of the data key (reported to the lead)"
        ),
    ]
);
scenario!(large_list, "large-list");
scenario!(server_side_apply, "server-side-apply");
