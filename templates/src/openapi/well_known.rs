//! Schemas of the types the runtime hand-writes ([`WellKnown`]): they are not
//! in the IR's type graph, so their shape is written here once, as
//! apimachinery defines it.

use serde_json::{Map, Value, json};

use super::REF_PREFIX;
use crate::ir::WellKnown;

/// The self-contained schema of a runtime type, every nested runtime type
/// inlined (as a structural CRD schema needs it).
pub fn well_known_schema(known: WellKnown) -> Value {
    schema(known, false).0
}

/// Builds one schema; `refs` decides whether nested runtime types are
/// `$ref`s (returned too, so the caller can define them) or inlined.
struct Builder {
    refs: bool,
    referenced: Vec<WellKnown>,
}

impl Builder {
    fn known(&mut self, known: WellKnown) -> Value {
        if self.refs {
            self.referenced.push(known);
            json!({"$ref": format!("{REF_PREFIX}{}", known.definition_name())})
        } else {
            self.build(known)
        }
    }

    fn array_of(&mut self, known: WellKnown) -> Value {
        json!({"type": "array", "items": self.known(known)})
    }

    fn build(&mut self, known: WellKnown) -> Value {
        use WellKnown::*;
        let string = || json!({"type": "string"});
        let strings = || json!({"type": "array", "items": {"type": "string"}});
        let string_map = || json!({"type": "object", "additionalProperties": {"type": "string"}});
        let int64 = || json!({"type": "integer", "format": "int64"});
        let int32 = || json!({"type": "integer", "format": "int32"});
        let boolean = || json!({"type": "boolean"});
        let object = |properties: Value, required: &[&str]| {
            let mut out = Map::new();
            out.insert("type".into(), "object".into());
            out.insert("properties".into(), properties);
            if !required.is_empty() {
                out.insert("required".into(), json!(required));
            }
            Value::Object(out)
        };
        match known {
            Time | MicroTime => json!({"type": "string", "format": "date-time"}),
            Duration => string(),
            IntOrString => json!({"x-kubernetes-int-or-string": true}),
            Quantity => json!({"x-kubernetes-int-or-string": true}),
            FieldsV1 | RawExtension => {
                json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true})
            }
            ObjectMeta => {
                let mut owners = self.array_of(OwnerReference);
                if let Value::Object(owners) = &mut owners {
                    owners.insert("x-kubernetes-patch-merge-key".into(), "uid".into());
                    owners.insert("x-kubernetes-patch-strategy".into(), "merge".into());
                    owners.insert("x-kubernetes-list-type".into(), "map".into());
                    owners.insert("x-kubernetes-list-map-keys".into(), json!(["uid"]));
                }
                let mut finalizers = strings();
                if let Value::Object(finalizers) = &mut finalizers {
                    finalizers.insert("x-kubernetes-patch-strategy".into(), "merge".into());
                    finalizers.insert("x-kubernetes-list-type".into(), "set".into());
                }
                object(
                    json!({
                        "annotations": string_map(),
                        "creationTimestamp": self.known(Time),
                        "deletionGracePeriodSeconds": int64(),
                        "deletionTimestamp": self.known(Time),
                        "finalizers": finalizers,
                        "generateName": string(),
                        "generation": int64(),
                        "labels": string_map(),
                        "managedFields": {"type": "array", "items": self.known(ManagedFieldsEntry),
                            "x-kubernetes-list-type": "atomic"},
                        "name": string(),
                        "namespace": string(),
                        "ownerReferences": owners,
                        "resourceVersion": string(),
                        "selfLink": string(),
                        "uid": string(),
                    }),
                    &[],
                )
            }
            ListMeta => object(
                json!({"continue": string(), "remainingItemCount": int64(),
                       "resourceVersion": string(), "selfLink": string()}),
                &[],
            ),
            TypeMeta => object(json!({"apiVersion": string(), "kind": string()}), &[]),
            OwnerReference => {
                let mut schema = object(
                    json!({"apiVersion": string(), "blockOwnerDeletion": boolean(),
                           "controller": boolean(), "kind": string(), "name": string(),
                           "uid": string()}),
                    &["apiVersion", "kind", "name", "uid"],
                );
                if let Value::Object(schema) = &mut schema {
                    schema.insert("x-kubernetes-map-type".into(), "atomic".into());
                }
                schema
            }
            ManagedFieldsEntry => object(
                json!({"apiVersion": string(), "fieldsType": string(),
                       "fieldsV1": self.known(FieldsV1), "manager": string(),
                       "operation": string(), "subresource": string(),
                       "time": self.known(Time)}),
                &[],
            ),
            LabelSelector => {
                let mut expressions = self.array_of(LabelSelectorRequirement);
                if let Value::Object(expressions) = &mut expressions {
                    expressions.insert("x-kubernetes-list-type".into(), "atomic".into());
                }
                let mut schema = object(
                    json!({"matchExpressions": expressions, "matchLabels": string_map()}),
                    &[],
                );
                if let Value::Object(schema) = &mut schema {
                    schema.insert("x-kubernetes-map-type".into(), "atomic".into());
                }
                schema
            }
            LabelSelectorRequirement => {
                let mut values = strings();
                if let Value::Object(values) = &mut values {
                    values.insert("x-kubernetes-list-type".into(), "atomic".into());
                }
                object(
                    json!({"key": string(), "operator": string(), "values": values}),
                    &["key", "operator"],
                )
            }
            FieldSelectorRequirement => object(
                json!({"key": string(), "operator": string(), "values": strings()}),
                &["key", "operator"],
            ),
            Condition => object(
                json!({"lastTransitionTime": self.known(Time), "message": string(),
                       "observedGeneration": int64(), "reason": string(),
                       "status": string(), "type": string()}),
                &["type", "status", "lastTransitionTime", "reason", "message"],
            ),
            Status => object(
                json!({"apiVersion": string(), "code": int32(),
                       "details": self.known(StatusDetails), "kind": string(),
                       "message": string(), "metadata": self.known(ListMeta),
                       "reason": string(), "status": string()}),
                &[],
            ),
            StatusDetails => object(
                json!({"causes": self.array_of(StatusCause), "group": string(),
                       "kind": string(), "name": string(), "retryAfterSeconds": int32(),
                       "uid": string()}),
                &[],
            ),
            StatusCause => object(
                json!({"field": string(), "message": string(), "reason": string()}),
                &[],
            ),
            DeleteOptions => object(
                json!({"apiVersion": string(), "dryRun": strings(),
                       "gracePeriodSeconds": int64(),
                       "ignoreStoreReadErrorWithClusterBreakingPotential": boolean(),
                       "kind": string(), "orphanDependents": boolean(),
                       "preconditions": self.known(Preconditions),
                       "propagationPolicy": string()}),
                &[],
            ),
            Preconditions => object(json!({"resourceVersion": string(), "uid": string()}), &[]),
            WatchEvent => object(
                json!({"object": self.known(RawExtension), "type": string()}),
                &["type", "object"],
            ),
            GroupVersionForDiscovery => object(
                json!({"groupVersion": string(), "version": string()}),
                &["groupVersion", "version"],
            ),
            ServerAddressByClientCidr => object(
                json!({"clientCIDR": string(), "serverAddress": string()}),
                &["clientCIDR", "serverAddress"],
            ),
            ApiGroup => object(
                json!({"apiVersion": string(), "kind": string(), "name": string(),
                       "preferredVersion": self.known(GroupVersionForDiscovery),
                       "serverAddressByClientCIDRs": self.array_of(ServerAddressByClientCidr),
                       "versions": self.array_of(GroupVersionForDiscovery)}),
                &["name", "versions"],
            ),
            ApiGroupList => object(
                json!({"apiVersion": string(), "groups": self.array_of(ApiGroup),
                       "kind": string()}),
                &["groups"],
            ),
            ApiResource => object(
                json!({"categories": strings(), "group": string(), "kind": string(),
                       "name": string(), "namespaced": boolean(), "shortNames": strings(),
                       "singularName": string(), "storageVersionHash": string(),
                       "verbs": strings(), "version": string()}),
                &["name", "singularName", "namespaced", "kind", "verbs"],
            ),
            ApiResourceList => object(
                json!({"apiVersion": string(), "groupVersion": string(), "kind": string(),
                       "resources": self.array_of(ApiResource)}),
                &["groupVersion", "resources"],
            ),
            ApiVersions => object(
                json!({"apiVersion": string(), "kind": string(),
                       "serverAddressByClientCIDRs": self.array_of(ServerAddressByClientCidr),
                       "versions": strings()}),
                &["versions", "serverAddressByClientCIDRs"],
            ),
            GroupResource => object(
                json!({"group": string(), "resource": string()}),
                &["group", "resource"],
            ),
            ShardInfo => object(json!({"selector": string()}), &["selector"]),
            VersionInfo => object(
                json!({"buildDate": string(), "compiler": string(), "emulationMajor": string(),
                       "emulationMinor": string(), "gitCommit": string(),
                       "gitTreeState": string(), "gitVersion": string(), "goVersion": string(),
                       "major": string(), "minCompatibilityMajor": string(),
                       "minCompatibilityMinor": string(), "minor": string(),
                       "platform": string()}),
                &[
                    "major",
                    "minor",
                    "gitVersion",
                    "gitCommit",
                    "gitTreeState",
                    "buildDate",
                    "goVersion",
                    "compiler",
                    "platform",
                ],
            ),
        }
    }
}

/// The schema of a runtime type, and the runtime types it refers to by `$ref`
/// (none when `refs` is false: they are inlined).
pub(super) fn schema(known: WellKnown, refs: bool) -> (Value, Vec<WellKnown>) {
    let mut builder = Builder {
        refs,
        referenced: Vec::new(),
    };
    let schema = builder.build(known);
    (schema, builder.referenced)
}
