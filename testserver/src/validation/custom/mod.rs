//! Custom resources against their structural schema, as the CRD handler of
//! kube-apiserver treats a request body: unknown fields pruned (reported per
//! `fieldValidation`), defaults applied, then validated with the real causes.
//!
//! CEL rules (`x-kubernetes-validations`) are not evaluated; when a schema has
//! them and blocking errors were found, the real server's "some validation
//! rules were not checked" cause is added as it is.

mod formats;
mod lists;
mod prune;
mod schema;

use kubegen::meta::v1::StatusCause;
use serde_json::Value;

pub use prune::{apply_defaults, drop_nulls, prune, sort_keys};

use super::errors::{BadValue, ErrorType, FieldError, causes};
use super::{FieldValidation, Rejection, go_quote, unknown_field_text};
use crate::registry::ResourceInfo;
use crate::schema::{SchemaRef, Schemas};

/// Which endpoint a write goes through.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Target {
    /// The resource itself (create, update, patch, apply, `/scale`).
    #[default]
    Main,
    /// `/status`: only `status` is validated against the schema.
    Status,
}

/// Prunes, defaults and validates `object` against `schema` (a CRD version's
/// `openAPIV3Schema`, viewed with an empty [`Schemas`]). Returns the Warning
/// header texts (`unknown field "spec.foo"`) or why the object is refused.
pub fn process(
    schema: SchemaRef<'_>,
    object: &mut Value,
    directive: FieldValidation,
) -> Result<Vec<String>, Rejection> {
    let warnings = decode(schema, object, directive)?;
    let mut errors = Vec::new();
    validate_schema(schema, object, None, Target::Main, &mut errors);
    lists::validate(schema, object, "", &mut errors);
    add_cel_marker(schema, &mut errors);
    if errors.is_empty() {
        sort_keys(object);
        Ok(warnings)
    } else {
        Err(Rejection::Invalid(causes(&errors)))
    }
}

/// The decoding half of [`process`]: prunes unknown fields (a 400 in Strict
/// mode), drops nulls the schema does not allow and applies defaults.
/// Returns the Warning texts.
pub fn decode(
    schema: SchemaRef<'_>,
    object: &mut Value,
    directive: FieldValidation,
) -> Result<Vec<String>, Rejection> {
    let unknown = prune(schema, object);
    let texts: Vec<String> = unknown.iter().map(|p| unknown_field_text(p)).collect();
    if directive == FieldValidation::Strict && !texts.is_empty() {
        return Err(Rejection::BadRequest(format!(
            "strict decoding error: {}",
            texts.join(", ")
        )));
    }
    drop_nulls(schema, object);
    apply_defaults(schema, object);
    Ok(if directive == FieldValidation::Warn {
        texts
    } else {
        Vec::new()
    })
}

/// Everything the real server does to a custom resource written through
/// `resource` (a served version of a CRD): the kind and apiVersion checked,
/// the body decoded as [`decode`] does (unless its kind is wrong), then
/// validated in the server's order: kind/apiVersion, ObjectMeta, schema,
/// scale replicas paths, list-type uniqueness. `old` is the stored object on
/// updates (unchanged invalid values are let through: validation ratcheting).
/// On success the object's keys are sorted, as the server's encoder writes
/// custom resources. Returns the Warning texts. ts-core must not run [`super::meta::validate`]
/// on custom resources as well: its causes are part of these.
pub fn process_resource(
    resource: &ResourceInfo,
    object: &mut Value,
    directive: FieldValidation,
    old: Option<&Value>,
    target: Target,
) -> Result<Vec<String>, Rejection> {
    let schemas = Schemas::default();
    let schema = schemas.view(&resource.schema);
    let mut warnings = Vec::new();
    let kind_matches = object.get("kind").and_then(Value::as_str) == Some(resource.kind.as_str());
    if kind_matches {
        warnings = decode(schema, object, directive)?;
    }
    let errors = validate_resource(resource, object, old, target);
    if !errors.is_empty() {
        return Err(Rejection::Invalid(errors));
    }
    warnings.extend(finalizer_warnings(object, old));
    sort_keys(object);
    Ok(warnings)
}

/// The validation half of [`process_resource`], on an already decoded object.
pub fn validate_resource(
    resource: &ResourceInfo,
    object: &Value,
    old: Option<&Value>,
    target: Target,
) -> Vec<StatusCause> {
    let schemas = Schemas::default();
    let schema = schemas.view(&resource.schema);
    let mut errors = Vec::new();
    let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind != resource.kind {
        errors.push(FieldError::invalid(
            "kind",
            BadValue::str(kind),
            format!("must be {}", resource.kind),
        ));
    }
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let expected = format!("{}/{}", resource.group, resource.version);
    if api_version != expected {
        errors.push(FieldError::invalid(
            "apiVersion",
            BadValue::str(api_version),
            format!("must be {expected}"),
        ));
    }
    if target == Target::Main {
        errors.extend(super::meta::errors(resource, object));
    }
    validate_schema(schema, object, old, target, &mut errors);
    if let Some(scale) = &resource.subresources.scale {
        if target == Target::Main {
            replicas_error(object, &scale.spec_replicas_path, &mut errors);
        }
        replicas_error(object, &scale.status_replicas_path, &mut errors);
        if let Some(selector_path) = &scale.label_selector_path {
            if let Some(found) = at_path(object, selector_path).filter(|v| !v.is_string()) {
                errors.push(FieldError::invalid(
                    selector_path.clone(),
                    BadValue::str(""),
                    accessor_error(selector_path, found, "string"),
                ));
            }
        }
    }
    lists::validate(schema, object, "", &mut errors);
    add_cel_marker(schema, &mut errors);
    causes(&errors)
}

fn validate_schema(
    schema: SchemaRef<'_>,
    object: &Value,
    old: Option<&Value>,
    target: Target,
    errors: &mut Vec<FieldError>,
) {
    match target {
        Target::Main => schema::Validator { prefix: "", errors }.validate(schema, object, "", old),
        Target::Status => {
            if let (Some(status), Some(status_schema)) =
                (object.get("status"), prune_declared(schema, "status"))
            {
                let old_status = old.and_then(|o| o.get("status"));
                schema::Validator {
                    prefix: "status",
                    errors,
                }
                .validate(status_schema, status, "", old_status);
            }
        }
    }
}

fn prune_declared<'a>(schema: SchemaRef<'a>, key: &str) -> Option<SchemaRef<'a>> {
    prune::declared(schema, key)
}

/// The value at a `.a.b` path.
fn at_path<'v>(object: &'v Value, path: &str) -> Option<&'v Value> {
    let mut current = object;
    for part in path.trim_start_matches('.').split('.') {
        current = current.get(part)?;
    }
    Some(current)
}

/// Go's `%T` of a decoded JSON value.
fn go_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "int64",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// Go's `%v` of a decoded JSON value.
fn go_v(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".to_owned(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => super::go_float(n.as_f64().unwrap_or_default()),
        },
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => {
            format!("[{}]", items.iter().map(go_v).collect::<Vec<_>>().join(" "))
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let entries: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", go_v(&map[k.as_str()])))
                .collect();
            format!("map[{}]", entries.join(" "))
        }
    }
}

/// `unstructured.NestedInt64`'s error text.
fn accessor_error(path: &str, found: &Value, expected: &str) -> String {
    let dotted = format!(".{}", path.trim_start_matches('.'));
    format!(
        "{dotted} accessor error: {} is of the type {}, expected {expected}",
        go_v(found),
        go_type(found)
    )
}

/// The scale subresource's checks of a replicas path.
fn replicas_error(object: &Value, path: &str, errors: &mut Vec<FieldError>) {
    if path.is_empty() {
        return;
    }
    let Some(found) = at_path(object, path) else {
        return;
    };
    match found.as_i64() {
        Some(replicas) if replicas < 0 => errors.push(FieldError::invalid(
            path,
            BadValue::Plain(replicas.to_string()),
            "should be a non-negative integer",
        )),
        Some(replicas) if replicas > i64::from(i32::MAX) => errors.push(FieldError::invalid(
            path,
            BadValue::Plain(replicas.to_string()),
            format!("should be less than or equal to {}", i32::MAX),
        )),
        Some(_) => {}
        None => errors.push(FieldError::invalid(
            path,
            BadValue::Plain("0".into()),
            accessor_error(path, found, "int64"),
        )),
    }
}

/// Whether any node of the schema carries CEL rules.
fn has_cel(schema: &Value) -> bool {
    match schema {
        Value::Object(map) => map.iter().any(|(key, child)| {
            (key == "x-kubernetes-validations" && child.as_array().is_some_and(|r| !r.is_empty()))
                || has_cel(child)
        }),
        Value::Array(items) => items.iter().any(has_cel),
        _ => false,
    }
}

fn blocking(errors: &[FieldError]) -> bool {
    errors.iter().any(|e| {
        matches!(
            e.kind,
            ErrorType::NotSupported
                | ErrorType::Required
                | ErrorType::TooLong
                | ErrorType::TooMany
                | ErrorType::TypeInvalid
        )
    })
}

fn cel_marker() -> FieldError {
    FieldError::invalid(
        "<nil>",
        BadValue::str("null"),
        "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
    )
}

/// The server skips CEL rules after blocking errors and says so.
fn add_cel_marker(schema: SchemaRef<'_>, errors: &mut Vec<FieldError>) {
    if blocking(errors) && has_cel(schema.value()) {
        errors.push(cel_marker());
    }
}

/// Warnings for finalizers added without a domain-qualified name.
fn finalizer_warnings(object: &Value, old: Option<&Value>) -> Vec<String> {
    let list = |o: Option<&Value>| -> Vec<String> {
        o.and_then(|o| o.pointer("/metadata/finalizers"))
            .and_then(Value::as_array)
            .map(|f| {
                f.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let previous = list(old);
    let mut added: Vec<String> = list(Some(object))
        .into_iter()
        .filter(|f| !previous.contains(f))
        .collect();
    added.sort();
    added.dedup();
    let mut warnings = Vec::new();
    for name in added {
        for message in super::names::qualified_name(&name) {
            warnings.push(format!(
                "metadata.finalizers: {}: {message}",
                go_quote(&name)
            ));
        }
        let standard = matches!(
            name.as_str(),
            "kubernetes" | "orphan" | "foregroundDeletion"
        );
        if !name.contains('/') && !standard {
            let detail = if name.contains('.') {
                "prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers"
            } else {
                "prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers"
            };
            warnings.push(format!(
                "metadata.finalizers: {}: {detail}",
                go_quote(&name)
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests;
