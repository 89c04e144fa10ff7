//! The ObjectMeta rules every object goes through (apimachinery's
//! `ValidateObjectMetaAccessor` with the name rule of its resource), plus
//! the data-key rules of ConfigMaps and Secrets, which the real server
//! reports in the same 422.

use kubegen::meta::v1::StatusCause;
use serde_json::{Map, Value};

use super::errors::{BadValue, FieldError, causes};
use super::names::{self, NameRule};
use crate::registry::ResourceInfo;

/// The most bytes all annotations (keys and values) may take together.
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

/// The largest ConfigMap or Secret payload.
const MAX_SECRET_SIZE: usize = 1024 * 1024;

/// Problems with `object`'s metadata (and ConfigMap/Secret keys), as the
/// causes of a 422, in the order the real server lists them. The caller has
/// already generated a name from `generateName` and filled the namespace from
/// the request path.
pub fn validate(resource: &ResourceInfo, object: &Value) -> Vec<StatusCause> {
    causes(&errors(resource, object))
}

/// [`validate`] before the errors become causes.
pub(crate) fn errors(resource: &ResourceInfo, object: &Value) -> Vec<FieldError> {
    let mut errors = object_meta(resource, object);
    errors.extend(kind_specific(resource, object));
    errors
}

/// The rule a resource's names follow.
pub fn name_rule(resource: &ResourceInfo) -> NameRule {
    if resource.custom {
        return NameRule::Subdomain;
    }
    match (resource.group.as_str(), resource.kind.as_str()) {
        ("", "Namespace") => NameRule::Label,
        ("", "Service") => NameRule::Dns1035,
        ("rbac.authorization.k8s.io", _) => NameRule::PathSegment,
        ("certificates.k8s.io", "CertificateSigningRequest") => NameRule::PathSegment,
        _ => NameRule::Subdomain,
    }
}

/// The 400 message when the object's namespace differs from the request's.
pub fn check_namespace(
    resource: &ResourceInfo,
    object: &Value,
    request_namespace: Option<&str>,
) -> Result<(), String> {
    if !resource.namespaced {
        return Ok(());
    }
    let declared = str_at(object, "namespace").unwrap_or("");
    match request_namespace {
        Some(namespace) if !declared.is_empty() && declared != namespace => Err(
            "the namespace of the provided object does not match the namespace sent on the request"
                .to_owned(),
        ),
        _ => Ok(()),
    }
}

fn metadata(object: &Value) -> Option<&Map<String, Value>> {
    object.get("metadata").and_then(Value::as_object)
}

fn str_at<'a>(object: &'a Value, field: &str) -> Option<&'a str> {
    metadata(object)
        .and_then(|m| m.get(field))
        .and_then(Value::as_str)
}

fn object_meta(resource: &ResourceInfo, object: &Value) -> Vec<FieldError> {
    let rule = name_rule(resource);
    let mut errors = Vec::new();
    let generate_name = str_at(object, "generateName").unwrap_or("");
    if !generate_name.is_empty() {
        for message in rule.check(generate_name, true) {
            errors.push(FieldError::invalid(
                "metadata.generateName",
                BadValue::str(generate_name),
                message,
            ));
        }
    }
    let name = str_at(object, "name").unwrap_or("");
    if name.is_empty() {
        errors.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else {
        for message in rule.check(name, false) {
            errors.push(FieldError::invalid(
                "metadata.name",
                BadValue::str(name),
                message,
            ));
        }
    }
    if resource.namespaced {
        let namespace = str_at(object, "namespace").unwrap_or("");
        if namespace.is_empty() {
            errors.push(FieldError::required("metadata.namespace", ""));
        } else {
            for message in names::dns1123_label(namespace) {
                errors.push(FieldError::invalid(
                    "metadata.namespace",
                    BadValue::str(namespace),
                    message,
                ));
            }
        }
    }
    let meta = metadata(object);
    if let Some(generation) = meta
        .and_then(|m| m.get("generation"))
        .and_then(Value::as_i64)
        .filter(|g| *g < 0)
    {
        errors.push(FieldError::invalid(
            "metadata.generation",
            BadValue::Plain(generation.to_string()),
            "must be greater than or equal to 0",
        ));
    }
    if let Some(labels) = meta
        .and_then(|m| m.get("labels"))
        .and_then(Value::as_object)
    {
        errors.extend(validate_labels(labels, "metadata.labels"));
    }
    if let Some(annotations) = meta
        .and_then(|m| m.get("annotations"))
        .and_then(Value::as_object)
    {
        errors.extend(validate_annotations(annotations, "metadata.annotations"));
    }
    if let Some(owners) = meta
        .and_then(|m| m.get("ownerReferences"))
        .and_then(Value::as_array)
    {
        errors.extend(owner_references(owners));
    }
    if let Some(finalizers) = meta
        .and_then(|m| m.get("finalizers"))
        .and_then(Value::as_array)
    {
        errors.extend(validate_finalizers(finalizers, !resource.custom));
    }
    errors
}

/// `ValidateLabels`: each key, then its value.
pub(crate) fn validate_labels(labels: &Map<String, Value>, field: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (key, value) in labels {
        for message in names::qualified_name(key) {
            errors.push(FieldError::invalid(field, BadValue::str(key), message));
        }
        let value = value.as_str().unwrap_or("");
        for message in names::label_value(value) {
            errors.push(FieldError::invalid(field, BadValue::str(value), message));
        }
    }
    errors
}

/// `ValidateAnnotations`: keys are qualified names in any case; total size bounded.
pub(crate) fn validate_annotations(
    annotations: &Map<String, Value>,
    field: &str,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut size = 0;
    for (key, value) in annotations {
        for message in names::qualified_name(&key.to_lowercase()) {
            errors.push(FieldError::invalid(field, BadValue::str(key), message));
        }
        size += key.len() + value.as_str().map_or(0, str::len);
    }
    if size > TOTAL_ANNOTATION_SIZE_LIMIT {
        errors.push(FieldError::too_long(
            field,
            TOTAL_ANNOTATION_SIZE_LIMIT as i64,
        ));
    }
    errors
}

fn owner_references(owners: &[Value]) -> Vec<FieldError> {
    let field = "metadata.ownerReferences";
    let mut errors = Vec::new();
    let mut controllers = Vec::new();
    for owner in owners {
        let get = |k: &str| owner.get(k).and_then(Value::as_str).unwrap_or("");
        let api_version = get("apiVersion");
        let version = api_version.rsplit('/').next().unwrap_or("");
        if version.is_empty() {
            errors.push(FieldError::invalid(
                format!("{field}.apiVersion"),
                BadValue::str(api_version),
                "version must not be empty",
            ));
        }
        if get("kind").is_empty() {
            errors.push(FieldError::invalid(
                format!("{field}.kind"),
                BadValue::str(get("kind")),
                "kind must not be empty",
            ));
        }
        if get("name").is_empty() {
            errors.push(FieldError::invalid(
                format!("{field}.name"),
                BadValue::str(get("name")),
                "name must not be empty",
            ));
        }
        if get("uid").is_empty() {
            errors.push(FieldError::invalid(
                format!("{field}.uid"),
                BadValue::str(get("uid")),
                "uid must not be empty",
            ));
        }
        if owner.get("controller").and_then(Value::as_bool) == Some(true) {
            controllers.push(format!("{}/{}", get("kind"), get("name")));
        }
    }
    if controllers.len() > 1 {
        errors.push(FieldError::invalid(
            field,
            BadValue::Plain(format!("{} owner references", owners.len())),
            format!(
                "Only one reference can have Controller set to true. Found \"true\" in references for {} and {}",
                controllers[0], controllers[1]
            ),
        ));
    }
    errors
}

fn validate_finalizers(finalizers: &[Value], builtin: bool) -> Vec<FieldError> {
    let field = "metadata.finalizers";
    let mut errors = Vec::new();
    let names: Vec<&str> = finalizers.iter().filter_map(Value::as_str).collect();
    for name in &names {
        for message in names::qualified_name(name) {
            errors.push(FieldError::invalid(field, BadValue::str(*name), message));
        }
        let standard = matches!(*name, "kubernetes" | "orphan" | "foregroundDeletion");
        if builtin && !name.contains('/') && !standard && names::qualified_name(name).is_empty() {
            errors.push(FieldError::invalid(
                field,
                BadValue::str(*name),
                "name is neither a standard finalizer name nor is it fully qualified",
            ));
        }
    }
    if names.contains(&"orphan") && names.contains(&"foregroundDeletion") {
        let list = names
            .iter()
            .map(|n| super::go_quote(n))
            .collect::<Vec<_>>()
            .join(", ");
        errors.push(FieldError::invalid(
            field,
            BadValue::Plain(format!("[]string{{{list}}}")),
            "finalizer orphan and foregroundDeletion cannot be both set",
        ));
    }
    errors
}

/// `ValidateConfigMap`/`ValidateSecret` key rules.
fn kind_specific(resource: &ResourceInfo, object: &Value) -> Vec<FieldError> {
    if !resource.group.is_empty() || resource.custom {
        return Vec::new();
    }
    let sections: &[&str] = match resource.kind.as_str() {
        "ConfigMap" => &["data", "binaryData"],
        "Secret" => &["data", "stringData"],
        _ => return Vec::new(),
    };
    let mut errors = Vec::new();
    let mut total = 0;
    for section in sections {
        let Some(entries) = object.get(*section).and_then(Value::as_object) else {
            continue;
        };
        for (key, value) in entries {
            // A Secret's stringData is merged into data before validation.
            let path = if *section == "stringData" {
                "data"
            } else {
                section
            };
            for message in names::config_map_key(key) {
                errors.push(FieldError::invalid(
                    format!("{path}[{key}]"),
                    BadValue::str(key),
                    message,
                ));
            }
            if *section == "binaryData"
                && object
                    .get("data")
                    .and_then(|d| d.get(key.as_str()))
                    .is_some()
            {
                errors.push(FieldError::invalid(
                    format!("binaryData[{key}]"),
                    BadValue::str(key),
                    "duplicate of key present in data",
                ));
            }
            total += value.as_str().map_or(0, str::len);
        }
    }
    if total > MAX_SECRET_SIZE {
        errors.push(FieldError::too_long("", MAX_SECRET_SIZE as i64));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn configmaps() -> ResourceInfo {
        ResourceInfo {
            kind: "ConfigMap".into(),
            namespaced: true,
            ..ResourceInfo::default()
        }
    }

    #[test]
    fn a_valid_object_passes() {
        let object = json!({"metadata": {"name": "a.b", "namespace": "ns", "labels": {"app": "x"},
            "annotations": {"Example.com/Key": "v"}, "finalizers": ["example.com/f"]}});
        assert!(validate(&configmaps(), &object).is_empty());
    }

    #[test]
    fn names_are_required_and_checked() {
        let causes = validate(&configmaps(), &json!({"metadata": {"namespace": "ns"}}));
        assert_eq!(causes.len(), 1);
        assert_eq!(
            causes[0].message.as_deref(),
            Some("Required value: name or generateName is required")
        );
        let namespaces = ResourceInfo {
            kind: "Namespace".into(),
            ..ResourceInfo::default()
        };
        let causes = validate(&namespaces, &json!({"metadata": {"name": "a.b"}}));
        assert!(
            causes[0]
                .message
                .as_deref()
                .unwrap_or("")
                .contains("RFC 1123 label")
        );
        let object = json!({"metadata": {"name": "x", "namespace": "ns", "finalizers": ["orphan", "foregroundDeletion", "bare"]}});
        assert_eq!(validate(&configmaps(), &object).len(), 2);
    }

    #[test]
    fn namespace_mismatch() {
        let object = json!({"metadata": {"name": "x", "namespace": "other"}});
        assert!(check_namespace(&configmaps(), &object, Some("ns")).is_err());
        assert!(check_namespace(&configmaps(), &object, Some("other")).is_ok());
    }
}
