//! The `paths` of a group-version OpenAPI v3 document: every operation of
//! every served resource and subresource, with `x-kubernetes-action`,
//! `x-kubernetes-group-version-kind`, parameters, request bodies and
//! responses as kube-apiserver (built-ins) and the apiextensions server
//! (custom resources) publish them.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

mod extra;

use super::params::{self as p, Param};
use super::schemas::reference;
use crate::discovery::subresources;
use crate::registry::ResourceInfo;

const OBJECT_MEDIA: &[&str] = &[
    "application/json",
    "application/vnd.kubernetes.protobuf",
    "application/yaml",
];
const LIST_MEDIA: &[&str] = &[
    "application/json",
    "application/json;stream=watch",
    "application/vnd.kubernetes.protobuf",
    "application/vnd.kubernetes.protobuf;stream=watch",
    "application/yaml",
];
const CUSTOM_MEDIA: &[&str] = &["application/json", "application/yaml"];
const META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.";

const LIST_PARAMS: &[Param] = &[
    p::ALLOW_WATCH_BOOKMARKS,
    p::CONTINUE,
    p::FIELD_SELECTOR,
    p::LABEL_SELECTOR,
    p::LIMIT,
    p::RESOURCE_VERSION,
    p::RESOURCE_VERSION_MATCH,
    p::SEND_INITIAL_EVENTS,
    p::TIMEOUT_SECONDS,
    p::WATCH,
];
const WRITE_PARAMS: &[Param] = &[p::DRY_RUN, p::FIELD_MANAGER, p::FIELD_VALIDATION];
const PATCH_PARAMS: &[Param] = &[
    p::DRY_RUN,
    p::FIELD_MANAGER_PATCH,
    p::FIELD_VALIDATION,
    p::FORCE,
];
const DELETE_PARAMS: &[Param] = &[
    p::DRY_RUN,
    p::GRACE_PERIOD_SECONDS,
    p::IGNORE_STORE_READ_ERROR,
    p::ORPHAN_DEPENDENTS,
    p::PROPAGATION_POLICY,
];
const DELETE_COLLECTION_PARAMS: &[Param] = &[
    p::CONTINUE,
    p::DRY_RUN,
    p::FIELD_SELECTOR,
    p::GRACE_PERIOD_SECONDS,
    p::IGNORE_STORE_READ_ERROR,
    p::LABEL_SELECTOR,
    p::LIMIT,
    p::ORPHAN_DEPENDENTS,
    p::PROPAGATION_POLICY,
    p::RESOURCE_VERSION,
    p::RESOURCE_VERSION_MATCH,
    p::SEND_INITIAL_EVENTS,
    p::TIMEOUT_SECONDS,
];

/// Built-in resources whose DELETE returns the object rather than a Status.
const DELETE_RETURNS_OBJECT: &[(&str, &str)] = &[
    ("", "persistentvolumeclaims"),
    ("", "persistentvolumes"),
    ("", "pods"),
    ("", "podtemplates"),
    ("", "resourcequotas"),
    ("", "serviceaccounts"),
    ("", "services"),
    ("resource.k8s.io", "deviceclasses"),
    ("resource.k8s.io", "resourceclaims"),
    ("resource.k8s.io", "resourceclaimtemplates"),
    ("resource.k8s.io", "resourceslices"),
    ("resource.k8s.io", "devicetaintrules"),
    ("storage.k8s.io", "csidrivers"),
    ("storage.k8s.io", "csinodes"),
    ("storage.k8s.io", "storageclasses"),
    ("storage.k8s.io", "volumeattachments"),
    ("storage.k8s.io", "volumeattributesclasses"),
];

/// `UpperCamel` of a group for operation ids (`rbac.authorization.k8s.io`
/// → `RbacAuthorization`; custom groups keep every label).
pub fn group_camel(group: &str, custom: bool) -> String {
    if group.is_empty() {
        return "Core".to_owned();
    }
    let trimmed = if custom {
        group
    } else {
        group.strip_suffix(".k8s.io").unwrap_or(group)
    };
    trimmed
        .split(['.', '-'])
        .map(upper_first)
        .collect::<String>()
}

/// ` a `, ` an ` or ` ` (plurals take no article), as the Kubernetes
/// OpenAPI builder writes descriptions.
fn article(noun: &str) -> &'static str {
    if noun.ends_with('s') && !noun.ends_with("ss") {
        return " ";
    }
    match noun.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => " an ",
        _ => " a ",
    }
}

fn upper_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The tag of a group (`apps`, `core`, `rbacAuthorization`).
pub fn group_tag(group: &str, custom: bool) -> String {
    lower_first(&group_camel(group, custom))
}

/// Schema names the paths need, resolved by the caller.
pub struct Names {
    /// The resource kind's definition.
    pub kind: String,
    /// Its list kind's definition.
    pub list: String,
    /// Definitions of other kinds by (group, version, kind).
    pub by_gvk: BTreeMap<(String, String, String), String>,
}

impl Names {
    fn gvk(&self, group: &str, version: &str, kind: &str) -> Option<&String> {
        self.by_gvk
            .get(&(group.to_owned(), version.to_owned(), kind.to_owned()))
    }
}

struct Op {
    method: &'static str,
    body: Map<String, Value>,
    params: Vec<Value>,
}

/// Collects the operations of one document.
pub struct PathsBuilder {
    custom: bool,
    prefix: String,
    tag: String,
    gv: String,
    paths: BTreeMap<String, Vec<Op>>,
}

fn query(param: &Param) -> Value {
    json!({
        "name": param.name,
        "in": "query",
        "description": param.description,
        "schema": {"type": param.type_, "uniqueItems": true},
    })
}

fn path_param(name: &str, description: &str) -> Value {
    json!({
        "name": name,
        "in": "path",
        "description": description,
        "required": true,
        "schema": {"type": "string", "uniqueItems": true},
    })
}

fn namespace_param() -> Value {
    path_param(
        "namespace",
        "object name and auth scope, such as for teams and projects",
    )
}

fn content(media: &[&str], schema: &Value) -> Value {
    Value::Object(
        media
            .iter()
            .map(|m| ((*m).to_owned(), json!({ "schema": schema })))
            .collect(),
    )
}

fn gvk(group: &str, version: &str, kind: &str) -> Value {
    json!({"group": group, "version": version, "kind": kind})
}

impl PathsBuilder {
    /// A builder for the document of `group`/`version`.
    pub fn new(group: &str, version: &str, custom: bool) -> PathsBuilder {
        let prefix = if group.is_empty() {
            format!("/api/{version}")
        } else {
            format!("/apis/{group}/{version}")
        };
        PathsBuilder {
            custom,
            prefix,
            tag: format!("{}_{version}", group_tag(group, custom)),
            gv: format!("{}{}", group_camel(group, custom), upper_first(version)),
            paths: BTreeMap::new(),
        }
    }

    fn media(&self, list: bool) -> &'static [&'static str] {
        match (self.custom, list) {
            (true, _) => CUSTOM_MEDIA,
            (false, true) => LIST_MEDIA,
            (false, false) => OBJECT_MEDIA,
        }
    }

    fn response(&self, description: &str, list: bool, schema: &Value) -> Value {
        json!({"description": description, "content": content(self.media(list), schema)})
    }

    fn request_body(&self, schema: &Value, required: bool) -> Value {
        let media: &[&str] = if self.custom { CUSTOM_MEDIA } else { &["*/*"] };
        let mut out = Map::new();
        out.insert("content".into(), content(media, schema));
        if required {
            out.insert("required".into(), json!(true));
        }
        Value::Object(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        path: String,
        method: &'static str,
        description: String,
        operation_id: String,
        params: Vec<Value>,
        request_body: Option<Value>,
        responses: Vec<(&str, Value)>,
        action: &str,
        gvk: Option<Value>,
    ) {
        let mut body = Map::new();
        body.insert("tags".into(), json!([self.tag]));
        body.insert("description".into(), json!(description));
        body.insert("operationId".into(), json!(operation_id));
        if let Some(request_body) = request_body {
            body.insert("requestBody".into(), request_body);
        }
        let mut codes: Map<String, Value> = responses
            .into_iter()
            .map(|(code, r)| (code.to_owned(), r))
            .collect();
        codes.insert("401".into(), json!({"description": "Unauthorized"}));
        body.insert("responses".into(), Value::Object(codes));
        if !action.is_empty() {
            body.insert("x-kubernetes-action".into(), json!(action));
        }
        if let Some(gvk) = gvk {
            body.insert("x-kubernetes-group-version-kind".into(), gvk);
        }
        self.paths.entry(path).or_default().push(Op {
            method,
            body,
            params,
        });
    }

    /// `GET <prefix>/`: the group-version's APIResourceList (built-ins only).
    pub fn add_resource_list(&mut self) {
        let schema = reference(&format!("{META}APIResourceList"));
        let responses = vec![("200", self.response("OK", false, &schema))];
        self.add(
            format!("{}/", self.prefix),
            "get",
            "get available resources".into(),
            format!("get{}APIResources", self.gv),
            Vec::new(),
            None,
            responses,
            "",
            None,
        );
    }

    /// Every operation of `resource` and its subresources.
    pub fn add_resource(&mut self, resource: &ResourceInfo, names: &Names) {
        let kind = &resource.kind;
        let own_gvk = gvk(&resource.group, &resource.version, kind);
        let obj = if resource.namespaced {
            format!("Namespaced{kind}")
        } else {
            kind.clone()
        };
        let ns: Vec<Value> = if resource.namespaced {
            vec![namespace_param()]
        } else {
            Vec::new()
        };
        let collection = if resource.namespaced {
            format!(
                "{}/namespaces/{{namespace}}/{}",
                self.prefix, resource.plural
            )
        } else {
            format!("{}/{}", self.prefix, resource.plural)
        };
        let item = format!("{collection}/{{name}}");
        let kind_ref = reference(&names.kind);
        let list_ref = reference(&names.list);
        let status_ref = reference(&format!("{META}Status"));
        let delete_options = reference(&format!("{META}DeleteOptions"));
        let pretty = query(&p::PRETTY);
        let name_of = |k: &str| path_param("name", &format!("name of the {k}"));
        let with = |base: &[Value], params: &[Param]| -> Vec<Value> {
            let mut out = base.to_vec();
            out.extend(params.iter().map(query));
            out
        };

        if resource.supports("list") {
            let description = if self.custom || !resource.supports("watch") {
                format!("list objects of kind {kind}")
            } else {
                format!("list or watch objects of kind {kind}")
            };
            let mut params = with(&ns, LIST_PARAMS);
            params.push(pretty.clone());
            let responses = vec![("200", self.response("OK", true, &list_ref))];
            self.add(
                collection.clone(),
                "get",
                description.clone(),
                format!("list{}{obj}", self.gv),
                params,
                None,
                responses.clone(),
                "list",
                Some(own_gvk.clone()),
            );
            if resource.namespaced {
                let mut params = with(&[], LIST_PARAMS);
                params.push(pretty.clone());
                self.add(
                    format!("{}/{}", self.prefix, resource.plural),
                    "get",
                    description,
                    format!("list{}{kind}ForAllNamespaces", self.gv),
                    params,
                    None,
                    responses,
                    "list",
                    Some(own_gvk.clone()),
                );
            }
        }
        if resource.supports("create") {
            let mut params = with(&ns, WRITE_PARAMS);
            params.push(pretty.clone());
            let responses = vec![
                ("200", self.response("OK", false, &kind_ref)),
                ("201", self.response("Created", false, &kind_ref)),
                ("202", self.response("Accepted", false, &kind_ref)),
            ];
            self.add(
                collection.clone(),
                "post",
                format!("create{}{kind}", article(kind)),
                format!("create{}{obj}", self.gv),
                params,
                Some(self.request_body(&kind_ref, true)),
                responses,
                "post",
                Some(own_gvk.clone()),
            );
        }
        if resource.supports("deletecollection") {
            let mut params = if self.custom {
                with(&ns, LIST_PARAMS)
            } else {
                with(&ns, DELETE_COLLECTION_PARAMS)
            };
            params.push(pretty.clone());
            let responses = vec![("200", self.response("OK", false, &status_ref))];
            self.add(
                collection.clone(),
                "delete",
                format!("delete collection of {kind}"),
                format!("delete{}Collection{obj}", self.gv),
                params,
                // The apiextensions server documents no body for deletecollection.
                (!self.custom).then(|| self.request_body(&delete_options, false)),
                responses,
                "deletecollection",
                Some(own_gvk.clone()),
            );
        }
        let item_base: Vec<Value> = {
            let mut out = vec![name_of(kind)];
            out.extend(ns.iter().cloned());
            out.push(pretty.clone());
            out
        };
        if resource.supports("get") {
            let params = if self.custom {
                with(&item_base, &[p::RESOURCE_VERSION])
            } else {
                item_base.clone()
            };
            let responses = vec![("200", self.response("OK", false, &kind_ref))];
            self.add(
                item.clone(),
                "get",
                format!("read the specified {kind}"),
                format!("read{}{obj}", self.gv),
                params,
                None,
                responses,
                "get",
                Some(own_gvk.clone()),
            );
        }
        if resource.supports("update") {
            self.add_replace(
                &item,
                &item_base,
                "",
                kind,
                &obj,
                &kind_ref,
                own_gvk.clone(),
            );
        }
        if resource.supports("delete") {
            let returned = if !self.custom
                && DELETE_RETURNS_OBJECT
                    .contains(&(resource.group.as_str(), resource.plural.as_str()))
            {
                kind_ref.clone()
            } else {
                status_ref.clone()
            };
            let responses = vec![
                ("200", self.response("OK", false, &returned)),
                ("202", self.response("Accepted", false, &returned)),
            ];
            self.add(
                item.clone(),
                "delete",
                format!("delete{}{kind}", article(kind)),
                format!("delete{}{obj}", self.gv),
                with(&item_base, DELETE_PARAMS),
                Some(self.request_body(&delete_options, false)),
                responses,
                "delete",
                Some(own_gvk.clone()),
            );
        }
        if resource.supports("patch") {
            self.add_patch(
                &item,
                &item_base,
                "",
                kind,
                &obj,
                &kind_ref,
                own_gvk.clone(),
            );
        }
        if resource.supports("watch") && !self.custom {
            self.add_watches(resource, &obj, &own_gvk);
        }
        for sub in subresources(resource) {
            self.add_subresource(resource, &sub, &item, &ns, &obj, names, &own_gvk);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn add_replace(
        &mut self,
        path: &str,
        base: &[Value],
        sub: &str,
        kind: &str,
        obj: &str,
        schema: &Value,
        gvk: Value,
    ) {
        let mut params = base.to_vec();
        params.extend(WRITE_PARAMS.iter().map(query));
        let what = if sub.is_empty() {
            String::new()
        } else {
            format!("{sub} of ")
        };
        let responses = vec![
            ("200", self.response("OK", false, schema)),
            ("201", self.response("Created", false, schema)),
        ];
        self.add(
            path.to_owned(),
            "put",
            format!("replace {what}the specified {kind}"),
            format!("replace{}{obj}{}", self.gv, upper_first(sub)),
            params,
            Some(self.request_body(schema, true)),
            responses,
            "put",
            Some(gvk),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn add_patch(
        &mut self,
        path: &str,
        base: &[Value],
        sub: &str,
        kind: &str,
        obj: &str,
        schema: &Value,
        gvk: Value,
    ) {
        let mut params = base.to_vec();
        params.extend(PATCH_PARAMS.iter().map(query));
        let mut media = vec![
            "application/apply-patch+yaml",
            "application/json-patch+json",
            "application/merge-patch+json",
        ];
        if !self.custom {
            media.push("application/strategic-merge-patch+json");
        }
        let body = json!({
            "content": content(&media, &reference(&format!("{META}Patch"))),
            "required": true,
        });
        let mut responses = vec![("200", self.response("OK", false, schema))];
        if !self.custom {
            responses.push(("201", self.response("Created", false, schema)));
        }
        let what = if sub.is_empty() {
            String::new()
        } else {
            format!("{sub} of ")
        };
        self.add(
            path.to_owned(),
            "patch",
            format!("partially update {what}the specified {kind}"),
            format!("patch{}{obj}{}", self.gv, upper_first(sub)),
            params,
            Some(body),
            responses,
            "patch",
            Some(gvk),
        );
    }

    /// The `paths` object: methods in the order Go writes a PathItem, and the
    /// parameters every operation of a path shares hoisted to the path,
    /// sorted by name.
    pub fn build(self) -> Value {
        const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];
        let mut out = Map::new();
        for (path, ops) in self.paths {
            let key = |v: &Value| {
                (
                    v.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    v.get("in")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                )
            };
            let shared: Vec<Value> = ops
                .first()
                .map(|first| {
                    first
                        .params
                        .iter()
                        .filter(|param| {
                            ops.iter()
                                .all(|op| op.params.iter().any(|q| key(q) == key(param)))
                        })
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            let shared_keys: Vec<(String, String)> = shared.iter().map(key).collect();
            let mut item = Map::new();
            for method in METHODS {
                for op in ops.iter().filter(|op| op.method == method) {
                    let own: Vec<Value> = op
                        .params
                        .iter()
                        .filter(|param| !shared_keys.contains(&key(param)))
                        .cloned()
                        .collect();
                    let mut body = Map::new();
                    for (k, v) in &op.body {
                        body.insert(k.clone(), v.clone());
                        if k == "operationId" && !own.is_empty() {
                            body.insert("parameters".into(), Value::Array(own.clone()));
                        }
                    }
                    item.insert(method.to_owned(), Value::Object(body));
                }
            }
            if !shared.is_empty() {
                let mut sorted = shared;
                sorted.sort_by(|a, b| key(a).0.cmp(&key(b).0));
                item.insert("parameters".into(), Value::Array(sorted));
            }
            out.insert(path, Value::Object(item));
        }
        Value::Object(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_groups_in_operation_ids_and_tags() {
        assert_eq!(group_camel("", false), "Core");
        assert_eq!(
            group_camel("rbac.authorization.k8s.io", false),
            "RbacAuthorization"
        );
        assert_eq!(
            group_camel("crd-lifecycle.example.com", true),
            "CrdLifecycleExampleCom"
        );
        assert_eq!(group_tag("apps", false), "apps");
        assert_eq!(
            group_tag("crd-lifecycle.example.com", true),
            "crdLifecycleExampleCom"
        );
    }
}
