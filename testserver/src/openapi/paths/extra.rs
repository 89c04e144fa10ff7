//! Watch paths, subresource operations and `connect` endpoints.

use serde_json::{Value, json};

use super::super::params::{self as p, Param};
use super::super::schemas::reference;
use super::{
    LIST_PARAMS, META, Names, OBJECT_MEDIA, PathsBuilder, WRITE_PARAMS, article, content, gvk,
    namespace_param, path_param, query, upper_first,
};
use crate::discovery::Subresource;
use crate::registry::ResourceInfo;

impl PathsBuilder {
    pub(super) fn add_watches(&mut self, resource: &ResourceInfo, obj: &str, own_gvk: &Value) {
        let kind = &resource.kind;
        let event = reference(&format!("{META}WatchEvent"));
        let responses = vec![("200", self.response("OK", true, &event))];
        let list_params = |extra: Vec<Value>| {
            let mut out: Vec<Value> = LIST_PARAMS.iter().map(query).collect();
            out.extend(extra);
            out.push(query(&p::PRETTY));
            out
        };
        let list_description = format!(
            "watch individual changes to a list of {kind}. deprecated: use the 'watch' parameter with a list operation instead."
        );
        let watch = format!("{}/watch", self.prefix);
        if resource.namespaced {
            self.add(
                format!("{watch}/{}", resource.plural),
                "get",
                list_description.clone(),
                format!("watch{}{kind}ListForAllNamespaces", self.gv),
                list_params(Vec::new()),
                None,
                responses.clone(),
                "watchlist",
                Some(own_gvk.clone()),
            );
        }
        let (collection, ns) = if resource.namespaced {
            (
                format!("{watch}/namespaces/{{namespace}}/{}", resource.plural),
                vec![namespace_param()],
            )
        } else {
            (format!("{watch}/{}", resource.plural), Vec::new())
        };
        self.add(
            collection.clone(),
            "get",
            list_description,
            format!("watch{}{obj}List", self.gv),
            list_params(ns.clone()),
            None,
            responses.clone(),
            "watchlist",
            Some(own_gvk.clone()),
        );
        let mut item_params = vec![path_param("name", &format!("name of the {kind}"))];
        item_params.extend(ns);
        self.add(
            format!("{collection}/{{name}}"),
            "get",
            format!("watch changes to an object of kind {kind}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter."),
            format!("watch{}{obj}", self.gv),
            list_params(item_params),
            None,
            responses,
            "watch",
            Some(own_gvk.clone()),
        );
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn add_subresource(
        &mut self,
        resource: &ResourceInfo,
        sub: &Subresource,
        item: &str,
        ns: &[Value],
        obj: &str,
        names: &Names,
        own_gvk: &Value,
    ) {
        let kind = &resource.kind;
        let path = format!("{item}/{}", sub.name);
        let (sub_group, sub_version) = sub
            .group_version
            .unwrap_or((resource.group.as_str(), resource.version.as_str()));
        let sub_gvk = gvk(sub_group, sub_version, &sub.kind);
        let mut base = vec![path_param("name", &format!("name of the {}", sub.kind))];
        base.extend(ns.iter().cloned());
        if sub.connect {
            self.add_connect(resource, sub, &path, &base, obj, sub_gvk);
            return;
        }
        base.push(query(&p::PRETTY));
        let schema = if sub.kind == resource.kind && sub.group_version.is_none() {
            reference(&names.kind)
        } else {
            match names.gvk(sub_group, sub_version, &sub.kind) {
                Some(name) => reference(name),
                None => json!({"type": "object"}),
            }
        };
        // The apiextensions server labels scale operations with the custom kind.
        let op_gvk = if self.custom {
            own_gvk.clone()
        } else {
            sub_gvk
        };
        match sub.name.as_str() {
            "log" => {
                let mut params = base.clone();
                params.extend(
                    [
                        p::LOG_CONTAINER,
                        p::LOG_FOLLOW,
                        p::LOG_INSECURE,
                        p::LOG_LIMIT_BYTES,
                        p::LOG_PREVIOUS,
                        p::LOG_SINCE_SECONDS,
                        p::LOG_STREAM,
                        p::LOG_TAIL_LINES,
                        p::LOG_TIMESTAMPS,
                    ]
                    .iter()
                    .map(query),
                );
                let mut media = OBJECT_MEDIA.to_vec();
                media.push("text/plain");
                let responses = vec![(
                    "200",
                    json!({"description": "OK", "content": content(&media, &json!({"type": "string"}))}),
                )];
                self.add(
                    path,
                    "get",
                    format!("read log of the specified {kind}"),
                    format!("read{}{obj}Log", self.gv),
                    params,
                    None,
                    responses,
                    "get",
                    Some(op_gvk),
                );
            }
            _ if sub.verbs == ["create"] => {
                let mut params = base.clone();
                params.extend(WRITE_PARAMS.iter().map(query));
                let responses = vec![
                    ("200", self.response("OK", false, &schema)),
                    ("201", self.response("Created", false, &schema)),
                    ("202", self.response("Accepted", false, &schema)),
                ];
                self.add(
                    path,
                    "post",
                    format!("create {} of{}{kind}", sub.name, article(kind)),
                    format!("create{}{obj}{}", self.gv, upper_first(&sub.name)),
                    params,
                    Some(self.request_body(&schema, true)),
                    responses,
                    "post",
                    Some(op_gvk),
                );
            }
            _ => {
                if sub.verbs.contains(&"get") {
                    let params = if self.custom {
                        let mut out = base.clone();
                        out.push(query(&p::RESOURCE_VERSION));
                        out
                    } else {
                        base.clone()
                    };
                    let responses = vec![("200", self.response("OK", false, &schema))];
                    self.add(
                        path.clone(),
                        "get",
                        format!("read {} of the specified {kind}", sub.name),
                        format!("read{}{obj}{}", self.gv, upper_first(&sub.name)),
                        params,
                        None,
                        responses,
                        "get",
                        Some(op_gvk.clone()),
                    );
                }
                if sub.verbs.contains(&"update") {
                    self.add_replace(&path, &base, &sub.name, kind, obj, &schema, op_gvk.clone());
                }
                if sub.verbs.contains(&"patch") {
                    self.add_patch(&path, &base, &sub.name, kind, obj, &schema, op_gvk);
                }
            }
        }
    }

    fn add_connect(
        &mut self,
        resource: &ResourceInfo,
        sub: &Subresource,
        path: &str,
        base: &[Value],
        obj: &str,
        sub_gvk: Value,
    ) {
        let kind = &resource.kind;
        let (methods, params): (&[&'static str], Vec<Param>) = match sub.name.as_str() {
            "attach" => (
                &["get", "post"],
                vec![
                    p::ATTACH_CONTAINER,
                    p::ATTACH_STDERR,
                    p::ATTACH_STDIN,
                    p::ATTACH_STDOUT,
                    p::ATTACH_TTY,
                ],
            ),
            "exec" => (
                &["get", "post"],
                vec![
                    p::EXEC_COMMAND,
                    p::EXEC_CONTAINER,
                    p::EXEC_STDERR,
                    p::EXEC_STDIN,
                    p::EXEC_STDOUT,
                    p::EXEC_TTY,
                ],
            ),
            "portforward" => (&["get", "post"], vec![p::PORTFORWARD_PORTS]),
            _ => (
                &["get", "put", "post", "delete", "options", "head", "patch"],
                vec![match kind.as_str() {
                    "Node" => p::NODE_PROXY_PATH,
                    "Service" => p::SERVICE_PROXY_PATH,
                    _ => p::POD_PROXY_PATH,
                }],
            ),
        };
        let responses = vec![(
            "200",
            json!({"description": "OK", "content": {"*/*": {"schema": {"type": "string"}}}}),
        )];
        let mut targets = vec![(path.to_owned(), "", base.to_vec())];
        if sub.name == "proxy" {
            let mut with_path = base.to_vec();
            with_path.push(path_param("path", "path to the resource"));
            targets.push((format!("{path}/{{path}}"), "WithPath", with_path));
        }
        for (target, suffix, target_base) in targets {
            for method in methods {
                let mut all = target_base.clone();
                all.extend(params.iter().map(query));
                self.add(
                    target.clone(),
                    method,
                    format!(
                        "connect {} requests to {} of {kind}",
                        method.to_uppercase(),
                        sub.name
                    ),
                    format!(
                        "connect{}{}{obj}{}{suffix}",
                        self.gv,
                        upper_first(method),
                        upper_first(&sub.name)
                    ),
                    all,
                    None,
                    responses.clone(),
                    "connect",
                    Some(sub_gvk.clone()),
                );
            }
        }
    }
}
