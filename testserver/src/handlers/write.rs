//! create, update (PUT) and patch, with their options (`dryRun`,
//! `fieldManager`, `fieldValidation`) and body checks.

use std::sync::Arc;

use serde_json::Value;

use super::defaults;
use super::patching::{self, PatchType, apply_patch, patch_body, patch_type};
use super::{Outcome, key_of, output, reply, with_warnings};
use crate::crd;
use crate::error::{ApiError, Details, GroupResource, cause};
use crate::registry::ResourceInfo;
use crate::server::App;
use crate::server::http::Request;
use crate::server::routes::Target;
use crate::storage::delete::{CRDS, crd_table};
use crate::storage::objects::{self, Part, Updated, group_resource, table_name};
use crate::storage::{State, meta};
use crate::validation::{self, FieldValidation, Rejection};

/// `dryRun`, `fieldManager` and `fieldValidation` of a write.
#[derive(Clone, Debug)]
pub struct WriteOptions {
    /// `dryRun=All`.
    pub dry_run: bool,
    /// The field manager (given, or derived from the User-Agent).
    pub manager: String,
    /// Whether `fieldManager` was given.
    pub manager_given: bool,
    /// `fieldValidation`.
    pub field_validation: FieldValidation,
}

/// Parses write options; invalid values are `422` about `kind` (`CreateOptions`…).
pub fn write_options(request: &Request, kind: &str) -> Result<WriteOptions, ApiError> {
    let dry_run = request.params("dryRun");
    if dry_run.iter().any(|v| *v != "All") {
        let values: Vec<String> = dry_run.iter().map(|v| format!("{v:?}")).collect();
        return Err(ApiError::invalid_options(
            kind,
            vec![cause(
                "FieldValueNotSupported",
                format!(
                    "Unsupported value: []string{{{}}}: supported values: \"All\"",
                    values.join(", ")
                ),
                "dryRun",
            )],
        ));
    }
    let field_validation = FieldValidation::parse(request.param("fieldValidation"))
        .map_err(|cause| ApiError::invalid_options(kind, vec![cause]))?;
    let given = request.param("fieldManager").filter(|m| !m.is_empty());
    let manager = given.map(str::to_owned).unwrap_or_else(|| {
        // The real server names the manager after the User-Agent up to its first '/'.
        let agent = request.header("user-agent").unwrap_or("unknown");
        agent.split('/').next().unwrap_or(agent).to_owned()
    });
    Ok(WriteOptions {
        dry_run: !dry_run.is_empty(),
        manager,
        manager_given: given.is_some(),
        field_validation,
    })
}

/// Decodes a JSON or YAML body into an object.
pub fn decode_body(request: &Request, resource: &ResourceInfo) -> Result<Value, ApiError> {
    let content_type = request.header("content-type").unwrap_or("application/json");
    let media = content_type.split(';').next().unwrap_or("").trim();
    let unrecognized = |why: String| {
        ApiError::bad_request(format!(
            "the object provided is unrecognized (must be of type {}): couldn't get version/kind; json parse error: {why}",
            resource.kind
        ))
    };
    let value: Value = match media {
        "application/json" | "" => {
            serde_json::from_slice(&request.body).map_err(|e| unrecognized(e.to_string()))?
        }
        "application/yaml" | "application/apply-patch+yaml" => {
            serde_yaml_ng::from_slice(&request.body).map_err(|e| unrecognized(e.to_string()))?
        }
        _ => {
            return Err(ApiError::unsupported_media_type(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
            ));
        }
    };
    if !value.is_object() {
        return Err(unrecognized("the body is not a JSON object".into()));
    }
    Ok(value)
}

/// Checks `kind` and `apiVersion` of a body against the resource and fills them in.
pub fn check_type(object: &mut Value, resource: &ResourceInfo) -> Result<(), ApiError> {
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if resource.custom && (!kind.is_empty() || !api_version.is_empty()) {
        // The custom resource handler reports a wrong kind or apiVersion as
        // validation causes (422), not as a decoding error.
        if let Some(map) = object.as_object_mut() {
            if kind.is_empty() {
                map.insert("kind".into(), Value::String(resource.kind.clone()));
            }
            if api_version.is_empty() {
                map.insert("apiVersion".into(), Value::String(resource.api_version()));
            }
        }
        return Ok(());
    }
    let shown_version = if api_version.is_empty() {
        resource.api_version()
    } else {
        api_version.clone()
    };
    if !kind.is_empty() && kind != resource.kind {
        let internal = if resource.group.is_empty() {
            "core"
        } else {
            &resource.group
        };
        return Err(ApiError::bad_request(format!(
            "{kind} in version \"{}\" cannot be handled as a {}: converting ({}.{kind}) to ({internal}.{}): unknown conversion",
            shown_version.rsplit('/').next().unwrap_or(""),
            resource.kind,
            shown_version.rsplit('/').next().unwrap_or(""),
            resource.kind
        )));
    }
    if !api_version.is_empty() && api_version != resource.api_version() {
        let version = api_version.rsplit('/').next().unwrap_or("");
        return Err(ApiError::bad_request(format!(
            "{} in version \"{version}\" cannot be handled as a {}: no kind \"{}\" is registered for version \"{api_version}\" in scheme \"k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30\"",
            resource.kind, resource.kind, resource.kind
        )));
    }
    if !resource.custom {
        // A Go pointer left nil is omitted when the typed object is encoded.
        super::typecheck::drop_nulls(object);
    }
    let Some(map) = object.as_object_mut() else {
        return Ok(());
    };
    let mut fresh = serde_json::Map::new();
    fresh.insert("kind".into(), Value::String(resource.kind.clone()));
    fresh.insert("apiVersion".into(), Value::String(resource.api_version()));
    for (k, v) in std::mem::take(map) {
        if k != "kind" && k != "apiVersion" {
            fresh.insert(k, v);
        }
    }
    *map = fresh;
    Ok(())
}

/// Sets the namespace of the path into the object (`400` when the body names another).
pub fn check_namespace(object: &mut Value, target: &Target) -> Result<(), ApiError> {
    let Some(namespace) = &target.namespace else {
        return Ok(());
    };
    let given = meta::namespace(object);
    if !given.is_empty() && given != namespace {
        return Err(ApiError::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request",
        ));
    }
    if let Some(metadata) = meta::metadata_mut(object) {
        metadata.insert("namespace".into(), Value::String(namespace.clone()));
    }
    Ok(())
}

/// The CRD object that serves a custom resource, if it is being deleted.
fn terminating_crd(state: &State, resource: &ResourceInfo) -> bool {
    let table = table_name(resource);
    state
        .table(CRDS)
        .map(|t| {
            t.scan(None, None, None)
                .any(|(_, crd)| crd_table(crd).as_ref() == Some(&table) && crd::is_terminating(crd))
        })
        .unwrap_or(false)
}

/// POST to a collection.
pub fn create(app: &Arc<App>, request: &Request, target: &Target) -> Result<Outcome, ApiError> {
    let resource = &target.resource;
    let options = write_options(request, "CreateOptions")?;
    let mut object = decode_body(request, resource)?;
    check_type(&mut object, resource)?;
    check_namespace(&mut object, target)?;
    if !meta::resource_version(&object).is_empty() {
        return Err(ApiError::internal(
            "resourceVersion should not be set on objects to be created",
        ));
    }
    generate_name(&mut object);
    defaults::apply(resource, &mut object);
    let warnings = admit(
        app,
        request,
        resource,
        &mut object,
        None,
        Part::Main,
        &options,
    )?;
    let now = meta::now();
    patching::record(app, resource, None, &mut object, &options, None, &now);
    defaults::prepare_for_create(resource, &mut object);
    let created = app.store.write(|state| {
        if resource.custom && terminating_crd(state, resource) {
            return Err(ApiError::new(
                405,
                "MethodNotAllowed",
                "create not allowed while custom resource definition is terminating",
            )
            .with_details(Details {
                group: Some(resource.group.clone()),
                kind: Some(resource.plural.clone()),
                ..Details::default()
            }));
        }
        let is_crd = table_name(resource).as_ref() == CRDS;
        if is_crd {
            if let Some(map) = object.as_object_mut() {
                map.insert("status".into(), crd::initial_status(&object_clone(map)));
            }
        }
        let created = objects::create(state, resource, object, options.dry_run, &now)?;
        if options.dry_run {
            return Ok(created);
        }
        after_create(app, state, resource, &created, &now);
        Ok(created)
    })?;
    Ok(with_warnings(
        reply(201, output(resource, &created)),
        warnings,
    ))
}

fn object_clone(map: &serde_json::Map<String, Value>) -> Value {
    Value::Object(map.clone())
}

/// What the control plane does right after some creations: a namespace gets the
/// `kube-root-ca.crt` ConfigMap, a CRD gets established.
fn after_create(app: &App, state: &mut State, resource: &ResourceInfo, created: &Value, now: &str) {
    let table = table_name(resource);
    if &*table == objects::NAMESPACES {
        defaults::root_ca_configmap(state, meta::name(created), &app.ca_pem, now);
        defaults::default_service_account(state, meta::name(created), now);
    }
    if &*table == CRDS {
        let mut established = created.clone();
        let status = crd::established_status(created, now);
        if let Some(map) = established.as_object_mut() {
            map.insert("status".into(), status);
        }
        // The CRD controllers write the status as kube-apiserver.
        let schema = app.resources.schema_of(resource);
        let options = crate::patch::apply::Options {
            manager: "kube-apiserver",
            subresource: Some("status"),
            force: true,
            now,
            reset_fields: patching::reset_fields(resource, Some("status")),
        };
        crate::patch::apply::record_update_with(Some(created), &mut established, schema, &options);
        state.put(
            &table,
            (String::new(), meta::name(created).to_owned()),
            established,
        );
    }
}

/// PUT of an object or its status.
pub fn update(app: &Arc<App>, request: &Request, target: &Target) -> Result<Outcome, ApiError> {
    let resource = &target.resource;
    let options = write_options(request, "UpdateOptions")?;
    let mut object = decode_body(request, resource)?;
    check_type(&mut object, resource)?;
    check_namespace(&mut object, target)?;
    let url_name = target.name.clone().unwrap_or_default();
    let body_name = meta::name(&object).to_owned();
    if body_name != url_name {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({url_name})"
        )));
    }
    defaults::apply(resource, &mut object);
    let part = part_of(target);
    let key = key_of(target);
    let now = meta::now();
    let mut warnings = Vec::new();
    let updated = app.store.write(|state| {
        objects::update(state, resource, &key, part, options.dry_run, |current| {
            warnings = admit(
                app,
                request,
                resource,
                &mut object,
                Some(current),
                part,
                &options,
            )?;
            let subresource = target.subresource.as_deref();
            patching::record(
                app,
                resource,
                Some(current),
                &mut object,
                &options,
                subresource,
                &now,
            );
            Ok(object)
        })
    })?;
    Ok(with_warnings(
        reply(200, output(resource, updated.object())),
        warnings,
    ))
}

fn part_of(target: &Target) -> Part {
    match target.subresource.as_deref() {
        Some("status") => Part::Status,
        _ => Part::Main,
    }
}

/// PATCH of an object or its status (server-side apply included).
pub fn patch(app: &Arc<App>, request: &Request, target: &Target) -> Result<Outcome, ApiError> {
    let resource = &target.resource;
    let kind = patch_type(request, resource)?;
    let options = write_options(request, "PatchOptions")?;
    if kind == PatchType::Apply && !options.manager_given {
        return Err(ApiError::invalid_options(
            "PatchOptions",
            vec![cause(
                "FieldValueRequired",
                "Required value: is required for apply patch",
                "fieldManager",
            )],
        ));
    }
    let body = patch_body(request, kind)?;
    let key = key_of(target);
    let url_name = key.1.clone();
    let part = part_of(target);
    let subresource = target.subresource.as_deref();
    let force = request.flag("force");
    let now = meta::now();
    let name_matches = |object: &Value| -> Result<(), ApiError> {
        let name = meta::name(object);
        if name != url_name {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({name}) does not match the name on the URL ({url_name})"
            )));
        }
        Ok(())
    };
    let exists = app.store.read().get(&table_name(resource), &key).is_some();
    if kind == PatchType::Apply && !exists && part == Part::Main {
        name_matches(&body)?;
        let mut object = apply_patch(
            app, resource, kind, None, &body, &options, force, None, &now,
        )?;
        check_type(&mut object, resource)?;
        check_namespace(&mut object, target)?;
        defaults::apply(resource, &mut object);
        let warnings = admit(
            app,
            request,
            resource,
            &mut object,
            None,
            Part::Main,
            &options,
        )?;
        defaults::prepare_for_create(resource, &mut object);
        let created = app.store.write(|state| {
            let created = objects::create(state, resource, object, options.dry_run, &now)?;
            if !options.dry_run {
                after_create(app, state, resource, &created, &now);
            }
            Ok::<_, ApiError>(created)
        })?;
        return Ok(with_warnings(
            reply(201, output(resource, &created)),
            warnings,
        ));
    }
    if kind == PatchType::Apply {
        name_matches(&body)?;
    }
    let mut warnings = Vec::new();
    let updated: Updated = app.store.write(|state| {
        objects::update(state, resource, &key, part, options.dry_run, |current| {
            let live = output(resource, current);
            let mut next = apply_patch(
                app,
                resource,
                kind,
                Some(&live),
                &body,
                &options,
                force,
                subresource,
                &now,
            )?;
            name_matches(&next)?;
            objects::omit_empty_metadata(&mut next);
            check_type(&mut next, resource)?;
            defaults::apply(resource, &mut next);
            warnings = admit(
                app,
                request,
                resource,
                &mut next,
                Some(current),
                part,
                &options,
            )?;
            if kind != PatchType::Apply {
                patching::record(
                    app,
                    resource,
                    Some(current),
                    &mut next,
                    &options,
                    subresource,
                    &now,
                );
            }
            Ok(next)
        })
    })?;
    Ok(with_warnings(
        reply(200, output(resource, updated.object())),
        warnings,
    ))
}

/// The group-resource of a target for messages.
pub fn gr(target: &Target) -> GroupResource {
    group_resource(&target.resource)
}

/// Replaces `generateName` with a generated `name` (before validation, which
/// checks the generated name as the real server does).
fn generate_name(object: &mut Value) {
    if !meta::name(object).is_empty() {
        return;
    }
    let prefix = object
        .pointer("/metadata/generateName")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if prefix.is_empty() {
        return;
    }
    if let Some(metadata) = meta::metadata_mut(object) {
        metadata.insert("name".into(), Value::String(meta::generate_name(&prefix)));
    }
}

/// The 422 of validation causes about `object`.
fn invalid(
    resource: &ResourceInfo,
    object: &Value,
    causes: Vec<kubegen::meta::v1::StatusCause>,
) -> ApiError {
    // A custom resource's error names the kind the body claimed.
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .filter(|k| resource.custom && !k.is_empty())
        .unwrap_or(&resource.kind);
    ApiError::invalid(&resource.group, kind, meta::name(object), causes)
}

/// The 400 a body that fails to decode gets: `<Kind> in version "<v>" cannot be
/// handled as a <Kind>: <why>`.
fn undecodable(resource: &ResourceInfo, why: &str) -> ApiError {
    ApiError::bad_request(format!(
        "{kind} in version \"{}\" cannot be handled as a {kind}: {why}",
        resource.version,
        kind = resource.kind
    ))
}

/// Decoding checks (unknown and duplicate fields per `fieldValidation`),
/// pruning and defaulting of custom resources, and validation; returns the
/// Warning texts.
fn admit(
    app: &App,
    request: &Request,
    resource: &ResourceInfo,
    object: &mut Value,
    old: Option<&Arc<Value>>,
    part: Part,
    options: &WriteOptions,
) -> Result<Vec<String>, ApiError> {
    let old = old.map(|o| o.as_ref());
    if resource.custom {
        let target = match part {
            Part::Status => validation::custom::Target::Status,
            _ => validation::custom::Target::Main,
        };
        return validation::custom::process_resource(
            resource,
            object,
            options.field_validation,
            old,
            target,
        )
        .map_err(|rejection| match rejection {
            Rejection::Invalid(causes) => invalid(resource, object, causes),
            Rejection::BadRequest(why) => undecodable(resource, &why),
        });
    }
    let json_body = request
        .header("content-type")
        .is_none_or(|t| t.starts_with("application/json"));
    let body = (json_body && request.method != "PATCH").then_some(&request.body[..]);
    let schema = app.resources.schema_of(resource);
    if let Some(why) = super::typecheck::check(schema, object, &resource.kind) {
        return Err(undecodable(resource, &why));
    }
    // Every kind has `apiVersion` and `kind`, whether or not its schema lists them.
    let problems: Vec<String> = validation::builtin::problems(schema, object, body)
        .into_iter()
        .filter(|p| {
            p != &validation::unknown_field_text("apiVersion")
                && p != &validation::unknown_field_text("kind")
        })
        .collect();
    let warnings = validation::builtin::apply_directive(problems, options.field_validation)
        .map_err(|why| undecodable(resource, &why))?;
    // The typed decoder drops what the schema does not declare.
    for path in validation::builtin::unknown_fields(schema, object) {
        if path != "apiVersion" && path != "kind" {
            super::typecheck::remove_path(object, &path);
        }
    }
    if let Some(old) = old {
        let causes = super::update_rules::check(resource, old, object);
        if !causes.is_empty() {
            return Err(invalid(resource, object, causes));
        }
    }
    if table_name(resource).as_ref() == CRDS {
        validation::crd::apply_defaults(object);
        let causes = validation::crd::validate(object);
        if !causes.is_empty() {
            return Err(invalid(resource, object, causes));
        }
        return Ok(warnings);
    }
    let causes = validation::meta::validate(resource, object);
    if !causes.is_empty() {
        return Err(invalid(resource, object, causes));
    }
    Ok(warnings)
}
