//! Field selectors (`fields.ParseSelector`) and the field labels each resource
//! accepts (the scheme's field label conversion functions).

use serde_json::Value;

use super::SelectorError;
use crate::registry::ResourceInfo;

/// A parsed field selector: every term must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector {
    terms: Vec<Term>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Term {
    field: String,
    value: String,
    equal: bool,
}

/// Splits on commas not escaped by a backslash.
fn split_terms(selector: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in selector.chars() {
        if escaped {
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            current.push(c);
            escaped = true;
        } else if c == ',' {
            terms.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    terms.push(current);
    terms
}

/// The first `!=`, `==` or `=` of a term (in that order of preference at each position).
fn split_term(term: &str) -> Option<(&str, &str, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for op in ["!=", "==", "="] {
            if let Some(rhs) = rest.strip_prefix(op) {
                return Some((&term[..i], op, rhs));
            }
        }
    }
    None
}

/// `fields.UnescapeValue`.
fn unescape(value: &str) -> Result<String, SelectorError> {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next @ ('\\' | ',' | '=')) => out.push(next),
                Some(next) => {
                    return Err(SelectorError::new(format!(
                        "invalid field selector: invalid escape sequence: \\{next}"
                    )));
                }
                None => {
                    return Err(SelectorError::new(
                        "invalid field selector: invalid escape sequence: \\",
                    ));
                }
            },
            ',' | '=' => {
                return Err(SelectorError::new(format!(
                    "invalid field selector: unescaped character in value: {}",
                    u32::from(c)
                )));
            }
            _ => out.push(c),
        }
    }
    Ok(out)
}

/// How a kind's field labels are checked: the labels it accepts and the
/// message for any other (each conversion function words it its own way).
struct Labels {
    accepted: &'static [&'static str],
    message: fn(&str) -> String,
}

fn not_supported(label: &str) -> String {
    format!("field label not supported: {label}")
}

fn default_message(label: &str) -> String {
    format!(
        "\"{label}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
    )
}

/// The kinds kube-apiserver v1.32 registers a field label conversion function for.
fn conversion(group: &str, kind: &str) -> Option<Labels> {
    let (accepted, message): (&'static [&'static str], fn(&str) -> String) = match (group, kind) {
        ("", "Pod") => (
            &[
                "metadata.name",
                "metadata.namespace",
                "spec.nodeName",
                "spec.restartPolicy",
                "spec.schedulerName",
                "spec.serviceAccountName",
                "spec.hostNetwork",
                "status.phase",
                "status.podIP",
                "status.podIPs",
                "status.nominatedNodeName",
                "spec.host",
            ],
            not_supported,
        ),
        ("", "Node") => (&["metadata.name", "spec.unschedulable"], not_supported),
        ("", "ReplicationController") => (
            &["metadata.name", "metadata.namespace", "status.replicas"],
            not_supported,
        ),
        ("", "Event") => (
            &[
                "involvedObject.kind",
                "involvedObject.namespace",
                "involvedObject.name",
                "involvedObject.uid",
                "involvedObject.apiVersion",
                "involvedObject.resourceVersion",
                "involvedObject.fieldPath",
                "reason",
                "reportingComponent",
                "source",
                "type",
                "metadata.namespace",
                "metadata.name",
            ],
            not_supported,
        ),
        ("events.k8s.io", "Event") => (
            &[
                "reason",
                "regarding.kind",
                "regarding.namespace",
                "regarding.name",
                "regarding.uid",
                "regarding.apiVersion",
                "regarding.resourceVersion",
                "regarding.fieldPath",
                "reportingController",
                "type",
                "metadata.namespace",
                "metadata.name",
            ],
            not_supported,
        ),
        ("", "Namespace") => (&["status.phase", "metadata.name"], not_supported),
        ("", "Secret") => (
            &["type", "metadata.namespace", "metadata.name"],
            not_supported,
        ),
        ("", "Service") => (
            &[
                "metadata.namespace",
                "metadata.name",
                "spec.clusterIP",
                "spec.type",
            ],
            not_supported,
        ),
        ("apps", "ReplicaSet") | ("extensions", "ReplicaSet") => (
            &["metadata.name", "metadata.namespace", "status.replicas"],
            not_supported,
        ),
        ("apps", "StatefulSet") => (
            &["metadata.name", "metadata.namespace", "status.successful"],
            |label| format!("field label not supported for appsv1.StatefulSet: {label}"),
        ),
        ("batch", "Job") => (
            &["metadata.name", "metadata.namespace", "status.successful"],
            |label| {
                format!(
                    "field label {} not supported for batchv1.Job",
                    crate::validation::go_quote(label)
                )
            },
        ),
        ("certificates.k8s.io", "CertificateSigningRequest") => {
            (&["metadata.name", "spec.signerName"], not_supported)
        }
        _ => return None,
    };
    Some(Labels { accepted, message })
}

/// Field values the server reads from Go structs, where a missing field is
/// the zero value of its type rather than the empty string.
fn zero_value(field: &str) -> &'static str {
    match field {
        "spec.hostNetwork" | "spec.unschedulable" => "false",
        "status.replicas" | "status.successful" => "0",
        _ => "",
    }
}

impl FieldSelector {
    /// Parses `fieldSelector=` as the real server does; errors carry its 400 message.
    pub fn parse(selector: &str) -> Result<FieldSelector, SelectorError> {
        let mut parts = split_terms(selector);
        parts.sort();
        let mut terms = Vec::new();
        for part in parts.iter().filter(|p| !p.is_empty()) {
            let Some((field, op, value)) = split_term(part) else {
                return Err(SelectorError::new(format!(
                    "invalid selector: '{selector}'; can't understand '{part}'"
                )));
            };
            terms.push(Term {
                field: field.to_owned(),
                value: unescape(value)?,
                equal: op != "!=",
            });
        }
        Ok(FieldSelector { terms })
    }

    /// Whether the selector selects everything.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Rejects a field `resource` does not support, with the real server's message.
    pub fn check(&self, resource: &ResourceInfo) -> Result<(), SelectorError> {
        let known = conversion(&resource.group, &resource.kind);
        for term in &self.terms {
            let field = term.field.as_str();
            let declared = resource.selectable_fields.iter().any(|f| f == field);
            let ok = match &known {
                Some(labels) => labels.accepted.contains(&field) || declared,
                None => field == "metadata.name" || field == "metadata.namespace" || declared,
            };
            if ok {
                continue;
            }
            let message = match &known {
                Some(labels) => (labels.message)(field),
                // Custom resources and kinds with built-in selectable fields have
                // their own conversion function; the rest use the default one.
                None if resource.custom || !resource.selectable_fields.is_empty() => {
                    not_supported(field)
                }
                None => default_message(field),
            };
            return Err(SelectorError::new(message));
        }
        Ok(())
    }

    /// Whether `object` is selected; a missing field reads as the empty string
    /// (or the Go zero value for the few boolean and integer fields).
    pub fn matches(&self, object: &Value) -> bool {
        self.terms.iter().all(|term| {
            let actual = field_value(object, &term.field);
            (actual == term.value) == term.equal
        })
    }

    /// The value an exact-match term on `field` requires, when there is one
    /// (lets a caller narrow a list to one name or namespace up front).
    pub fn exact(&self, field: &str) -> Option<&str> {
        self.terms
            .iter()
            .find(|t| t.equal && t.field == field)
            .map(|t| t.value.as_str())
    }
}

/// The string form of a field, as the server's field sets hold it.
fn field_value(object: &Value, field: &str) -> String {
    let path = match field {
        // Aliases the conversion functions map to other fields.
        "spec.host" => "spec.nodeName",
        "source" if object.get("source").is_some_and(Value::is_object) => "source.component",
        _ => field,
    };
    if path == "status.podIP" {
        // The server selects on the first of status.podIPs.
        if let Some(ip) = object
            .pointer("/status/podIPs/0/ip")
            .and_then(Value::as_str)
        {
            return ip.to_owned();
        }
    }
    let mut current = object;
    for part in path.split('.') {
        match current.get(part) {
            Some(next) => current = next,
            None => return zero_value(field).to_owned(),
        }
    }
    match current {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => zero_value(field).to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resource(group: &str, kind: &str, custom: bool, fields: &[&str]) -> ResourceInfo {
        ResourceInfo {
            group: group.into(),
            kind: kind.into(),
            custom,
            selectable_fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            ..ResourceInfo::default()
        }
    }

    #[test]
    fn parses_and_matches() {
        let pod = json!({"metadata": {"name": "p1", "namespace": "ns"}, "spec": {"restartPolicy": "Always"}, "status": {"phase": "Pending"}});
        let sel = |s: &str| FieldSelector::parse(s).unwrap();
        assert!(sel("metadata.name=p1").matches(&pod));
        assert!(sel("metadata.name==p1").matches(&pod));
        assert!(!sel("metadata.name!=p1").matches(&pod));
        assert!(sel("spec.nodeName=").matches(&pod));
        assert!(!sel("spec.nodeName=ghost").matches(&pod));
        assert!(sel("spec.restartPolicy=Always,status.phase=Pending").matches(&pod));
        assert!(sel("spec.hostNetwork=false").matches(&pod));
        assert!(sel("").is_empty());
        assert_eq!(
            sel("metadata.name=a\\,b").exact("metadata.name"),
            Some("a,b")
        );
    }

    #[test]
    fn errors_have_the_real_messages() {
        let err = |s: &str| FieldSelector::parse(s).unwrap_err().message().to_owned();
        assert_eq!(
            err("metadata.name in (p1,p2)"),
            "invalid selector: 'metadata.name in (p1,p2)'; can't understand 'metadata.name in (p1'"
        );
        assert_eq!(
            err("metadata.name"),
            "invalid selector: 'metadata.name'; can't understand 'metadata.name'"
        );
        let check = |s: &str, r: &ResourceInfo| {
            FieldSelector::parse(s)
                .unwrap()
                .check(r)
                .map_err(|e| e.message().to_owned())
        };
        let pods = resource("", "Pod", false, &[]);
        assert_eq!(
            check("spec.containers.image=busybox", &pods),
            Err("field label not supported: spec.containers.image".into())
        );
        assert_eq!(check("status.phase=Running", &pods), Ok(()));
        let configmaps = resource("", "ConfigMap", false, &[]);
        assert_eq!(
            check("data.a=1", &configmaps),
            Err("\"data.a\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"".into())
        );
        let widgets = resource("example.com", "Widget", true, &["spec.color"]);
        assert_eq!(check("spec.color=red", &widgets), Ok(()));
        assert_eq!(
            check("spec.mode=manual", &widgets),
            Err("field label not supported: spec.mode".into())
        );
        let namespaces = resource("", "Namespace", false, &[]);
        assert!(check("metadata.namespace=x", &namespaces).is_err());
    }
}
