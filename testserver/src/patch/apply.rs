//! Server-side apply and the managedFields bookkeeping of every write, as
//! apimachinery's field manager does them on top of structured-merge-diff.
//!
//! - [`apply`] merges an applied configuration into the live object: the
//!   configuration's fields become the manager's set (operation `Apply`),
//!   fields it owned before and no longer applies are removed unless someone
//!   else owns them, and changing a field another manager owns is a conflict
//!   (409) unless forced, which moves the ownership.
//! - [`record_update`] records a create, update or non-apply patch: the
//!   fields it changed move to the manager (operation `Update`).
//!
//! Both follow the real layering: a request may rewrite or reset
//! (`[]`/`[{}]`) managedFields on updates; an object without managedFields
//! is not tracked by updates until someone applies; the first apply to such
//! an object records its existing fields as `before-first-apply`; update
//! managers are capped at 10 (`ancient-changes`); `kubectl` keeps its
//! last-applied annotation current.

use serde_json::{Map, Value};

use super::fieldpath::{PathElement, Set};
use super::managed::{self, Entry, Operation};
use super::ops::{compare, ensure_named_fields_are_members, merge, remove_items, to_field_set};
use super::typed::{TypeRef, errors_text, validate};
use super::zero::{is_builtin, strip_nulls, zero_object};
use crate::schema::SchemaRef;
use kubegen::meta::v1::StatusCause;

/// The most update entries managedFields keeps before folding the oldest.
const MAX_UPDATE_MANAGERS: usize = 10;

/// The annotation `kubectl apply` (client-side) keeps the last configuration in.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// An apply the server refuses, with what the real server answers.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// Another manager owns fields the configuration changes (409).
    #[error("{message}")]
    Conflict {
        /// `Apply failed with 1 conflict: conflict with "a": .data.x`.
        message: String,
        /// One `FieldManagerConflict` cause per conflicting field.
        causes: Vec<StatusCause>,
    },
    /// A malformed configuration (400), e.g. another kind or apiVersion.
    #[error("{0}")]
    BadRequest(String),
    /// A configuration that does not fit the schema, or unreadable
    /// managedFields (500, no reason, as the real server answers).
    #[error("{0}")]
    Internal(String),
}

impl ApplyError {
    /// The HTTP status code.
    pub fn code(&self) -> u16 {
        match self {
            ApplyError::Conflict { .. } => 409,
            ApplyError::BadRequest(_) => 400,
            ApplyError::Internal(_) => 500,
        }
    }

    /// The Status reason, when the real server sets one.
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            ApplyError::Conflict { .. } => Some("Conflict"),
            ApplyError::BadRequest(_) => Some("BadRequest"),
            ApplyError::Internal(_) => None,
        }
    }

    /// The Status message.
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// The Status causes (conflicts only).
    pub fn causes(&self) -> &[StatusCause] {
        match self {
            ApplyError::Conflict { causes, .. } => causes,
            _ => &[],
        }
    }
}

/// How a write is recorded.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// The field manager (`fieldManager=`, else derived from the User-Agent by the caller).
    pub manager: &'a str,
    /// The subresource written through (`status`, `scale`), `None` for the main resource.
    pub subresource: Option<&'a str>,
    /// Take over fields other managers own (apply only).
    pub force: bool,
    /// The time to record, RFC 3339 (`2026-11-22T06:23:04Z`).
    pub now: &'a str,
    /// Fields this endpoint ignores and never records ownership of, dotted
    /// (`status` on a main resource with a status subresource; `spec`,
    /// `metadata.labels`, … on `/status`), the strategy's reset fields.
    pub reset_fields: &'a [&'a str],
}

/// Server-side apply of `config` by `manager` to `live` (`None`: the apply
/// creates the object) on the main resource. Returns the merged object with
/// `metadata.managedFields` updated; an apply that changes nothing returns
/// `live` (with only managedFields possibly changed).
pub fn apply(
    live: Option<&Value>,
    config: &Value,
    manager: &str,
    force: bool,
    schema: SchemaRef<'_>,
    now: &str,
) -> Result<Value, ApplyError> {
    let options = Options {
        manager,
        subresource: None,
        force,
        now,
        reset_fields: &[],
    };
    apply_with(live, config, schema, &options)
}

/// Records in `new.metadata.managedFields` a create (`old` = `None`),
/// update or non-apply patch of the main resource or of `subresource` by
/// `manager` (operation `Update`).
pub fn record_update(
    old: Option<&Value>,
    new: &mut Value,
    manager: &str,
    subresource: Option<&str>,
    schema: SchemaRef<'_>,
    now: &str,
) {
    let options = Options {
        manager,
        subresource,
        force: true,
        now,
        reset_fields: &[],
    };
    record_update_with(old, new, schema, &options);
}

/// [`apply`] with every option.
pub fn apply_with(
    live: Option<&Value>,
    config: &Value,
    schema: SchemaRef<'_>,
    options: &Options<'_>,
) -> Result<Value, ApplyError> {
    let tr = TypeRef::root(schema);
    let api_version = text(config, &["apiVersion"]);
    let kind = text(config, &["kind"]);
    if let Some((expected_version, expected_kind)) = expected_kind(live, schema) {
        if api_version != expected_version || kind != expected_kind {
            return Err(ApplyError::BadRequest(format!(
                "invalid object type: {}",
                gvk_string(api_version, kind)
            )));
        }
    }
    if config
        .get("metadata")
        .and_then(|m| m.get("managedFields"))
        .is_some_and(|m| !m.is_null())
    {
        return Err(ApplyError::BadRequest(
            "metadata.managedFields must be nil".to_owned(),
        ));
    }
    let errors = validate(config, tr, false);
    if !errors.is_empty() {
        return Err(ApplyError::Internal(format!(
            "failed to create typed patch object ({}/{}; {}): {}",
            text(config, &["metadata", "namespace"]),
            text(config, &["metadata", "name"]),
            gvk_string(api_version, kind),
            errors_text(&errors)
        )));
    }

    let mut entries = managed::decode(live.and_then(managed::of))
        .map_err(|e| ApplyError::Internal(format!("failed to decode managed fields: {e}")))?;
    let mut live_object = live.cloned().unwrap_or_else(|| Value::Object(Map::new()));
    managed::store(&mut live_object, None);
    let subresource = options.subresource.unwrap_or_default();
    let reset = reset_set(options.reset_fields);

    if entries.is_empty() && live.is_some() {
        // An object nobody tracked yet: what it holds belongs to "before-first-apply".
        let empty = if is_builtin(schema) {
            zero_object(schema)
        } else {
            Value::Object(Map::new())
        };
        let live_view = comparable(&live_object, schema);
        update_entries(
            &mut entries,
            &empty,
            &live_view,
            tr,
            &reset,
            "before-first-apply",
            text(&live_object, &["apiVersion"]),
            subresource,
            options.now,
        );
    }

    let applied = to_field_set(config, tr).recursive_difference(&reset);
    let position = entries
        .iter()
        .position(|e| e.same_identity(options.manager, Operation::Apply, api_version, subresource));
    let last = position.map(|i| entries[i].set.clone());
    let applier = match position {
        Some(i) => i,
        None => {
            entries.push(Entry {
                manager: options.manager.to_owned(),
                operation: Operation::Apply,
                api_version: api_version.to_owned(),
                subresource: subresource.to_owned(),
                time: None,
                set: Set::new(),
            });
            entries.len() - 1
        }
    };
    entries[applier].set = applied;
    entries[applier].api_version = api_version.to_owned();

    let merged =
        merge(Some(&live_object), Some(config), tr).unwrap_or_else(|| Value::Object(Map::new()));
    let merged = prune(merged, &entries, last.as_ref(), tr);

    let mut comparison = compare(&live_object, &merged, tr);
    comparison.exclude(&reset);
    let changed = comparison.modified.union(&comparison.added);
    let mut conflicts: Vec<(usize, Set)> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        if i == applier {
            continue;
        }
        let conflict = entry.set.intersection(&changed);
        if !conflict.is_empty() {
            conflicts.push((i, conflict));
        }
    }
    if !options.force && !conflicts.is_empty() {
        return Err(conflict_error(&entries, &conflicts));
    }
    for (i, conflict) in &conflicts {
        entries[*i].set = entries[*i].set.difference(conflict);
    }
    if !comparison.removed.is_empty() {
        for (i, entry) in entries.iter_mut().enumerate() {
            if i != applier {
                entry.set = entry.set.difference(&comparison.removed);
            }
        }
    }
    let unchanged = super::fieldpath::values_equal(&live_object, &merged);
    entries[applier].set = strip_meta(&entries[applier].set);
    if !unchanged {
        entries[applier].time = Some(options.now.to_owned());
    }
    entries.retain(|e| !e.set.is_empty());

    let mut result = if unchanged { live_object } else { merged };
    if options.manager == "kubectl" {
        keep_last_applied(&mut result, config);
    }
    managed::store(&mut result, managed::encode(&entries));
    Ok(result)
}

/// [`record_update`] with every option (`force` is ignored: updates always take over).
pub fn record_update_with(
    old: Option<&Value>,
    new: &mut Value,
    schema: SchemaRef<'_>,
    options: &Options<'_>,
) {
    let tr = TypeRef::root(schema);
    let subresource = options.subresource.unwrap_or_default();
    let live_entries = || managed::decode(old.and_then(managed::of)).unwrap_or_default();
    let requested = managed::of(new);
    let mut entries = if !subresource.is_empty() {
        live_entries()
    } else if managed::is_reset(requested) {
        Vec::new()
    } else {
        match managed::decode(requested) {
            Ok(entries) if !entries.is_empty() => entries,
            _ => live_entries(),
        }
    };
    managed::store(new, None);
    let has_uid = old.is_some_and(|o| !text(o, &["metadata", "uid"]).is_empty());
    if entries.is_empty() && has_uid {
        // Objects without managedFields stay untracked until the next apply.
        return;
    }
    let before = match old {
        Some(old) => {
            let mut old = old.clone();
            managed::store(&mut old, None);
            comparable(&old, schema)
        }
        None if is_builtin(schema) => zero_object(schema),
        None => Value::Object(Map::new()),
    };
    let after = comparable(new, schema);
    let manager = if options.manager.is_empty() {
        "unknown"
    } else {
        options.manager
    };
    let api_version = match text(new, &["apiVersion"]) {
        "" => old.map_or("", |o| text(o, &["apiVersion"])),
        version => version,
    }
    .to_owned();
    update_entries(
        &mut entries,
        &before,
        &after,
        tr,
        &reset_set(options.reset_fields),
        manager,
        &api_version,
        subresource,
        options.now,
    );
    managed::cap_updates(&mut entries, MAX_UPDATE_MANAGERS);
    managed::store(new, managed::encode(&entries));
}

/// The Update operation: changed fields leave every other set and join the
/// manager's (whose earlier fields stay).
#[allow(clippy::too_many_arguments)]
fn update_entries(
    entries: &mut Vec<Entry>,
    before: &Value,
    after: &Value,
    tr: TypeRef<'_>,
    reset: &Set,
    manager: &str,
    api_version: &str,
    subresource: &str,
    now: &str,
) {
    let mut comparison = compare(before, after, tr);
    comparison.exclude(reset);
    let changed = comparison.modified.union(&comparison.added);
    for entry in entries.iter_mut() {
        entry.set = entry
            .set
            .difference(&changed)
            .difference(&comparison.removed);
    }
    entries.retain(|e| !e.set.is_empty());
    let current = strip_meta(&changed);
    if current.is_empty() {
        return;
    }
    match entries
        .iter_mut()
        .find(|e| e.same_identity(manager, Operation::Update, api_version, subresource))
    {
        Some(entry) => {
            entry.set = current.union(&entry.set);
            entry.time = Some(now.to_owned());
        }
        None => entries.push(Entry {
            manager: manager.to_owned(),
            operation: Operation::Update,
            api_version: api_version.to_owned(),
            subresource: subresource.to_owned(),
            time: Some(now.to_owned()),
            set: current,
        }),
    }
}

/// Removes what the applier owned last time and no longer applies, unless
/// another manager (or the new configuration) owns it.
fn prune(merged: Value, entries: &[Entry], last: Option<&Set>, tr: TypeRef<'_>) -> Value {
    let Some(last) = last.filter(|s| !s.is_empty()) else {
        return merged;
    };
    let ensure = |set: &Set| ensure_named_fields_are_members(set, tr);
    let empty = || Value::Object(Map::new());
    let last = ensure(last);
    let first_pass = remove_items(&merged, &last, tr).unwrap_or_else(empty);
    let owned = entries
        .iter()
        .fold(Set::new(), |all, entry| all.union(&entry.set));
    let merged_set = ensure(&to_field_set(&merged, tr));
    let kept = ensure(&to_field_set(&first_pass, tr)).union(&ensure(&owned));
    let owned_pass = remove_items(&merged, &merged_set.difference(&kept), tr).unwrap_or_else(empty);
    let owned_set = ensure(&to_field_set(&owned_pass, tr));
    let dangling = merged_set.difference(&owned_set).intersection(&last);
    remove_items(&merged, &dangling, tr).unwrap_or_else(empty)
}

fn conflict_error(entries: &[Entry], conflicts: &[(usize, Set)]) -> ApplyError {
    let mut ordered: Vec<&(usize, Set)> = conflicts.iter().collect();
    ordered.sort_by(|a, b| {
        let (p, q) = (&entries[a.0], &entries[b.0]);
        (&p.manager, p.operation, &p.api_version, &p.subresource).cmp(&(
            &q.manager,
            q.operation,
            &q.api_version,
            &q.subresource,
        ))
    });
    let mut causes = Vec::new();
    let mut lines = Vec::new();
    for (i, set) in ordered {
        let who = entries[*i].describe();
        lines.push(format!("conflicts with {who}:"));
        for path in set.paths() {
            lines.push(format!("- {path}"));
            causes.push(StatusCause {
                reason: Some("FieldManagerConflict".to_owned()),
                message: Some(format!("conflict with {who}")),
                field: Some(path.to_string()),
            });
        }
    }
    let message = match causes.as_slice() {
        [only] => format!(
            "Apply failed with 1 conflict: {}: {}",
            only.message.clone().unwrap_or_default(),
            only.field.clone().unwrap_or_default()
        ),
        all => format!(
            "Apply failed with {} conflicts: {}",
            all.len(),
            lines.join("\n")
        ),
    };
    ApplyError::Conflict { message, causes }
}

/// Fields no manager ever owns: type meta and server-set metadata.
fn strip_meta(set: &Set) -> Set {
    let field = |name: &str| PathElement::Field(name.to_owned());
    let mut strip = Set::new();
    strip.insert(&[field("apiVersion")]);
    strip.insert(&[field("kind")]);
    strip.insert(&[field("metadata")]);
    for name in [
        "name",
        "namespace",
        "creationTimestamp",
        "selfLink",
        "uid",
        "clusterName",
        "generation",
        "managedFields",
        "resourceVersion",
    ] {
        strip.insert(&[field("metadata"), field(name)]);
    }
    set.difference(&strip)
}

fn reset_set(paths: &[&str]) -> Set {
    let mut set = Set::new();
    for path in paths {
        let elements: Vec<PathElement> = path
            .split('.')
            .filter(|p| !p.is_empty())
            .map(|p| PathElement::Field(p.to_owned()))
            .collect();
        set.insert(&elements);
    }
    set
}

/// The object as the comparison should see it: built-in objects lose their
/// nulls (a typed object has no null fields but its zero-valued pointers).
fn comparable(object: &Value, schema: SchemaRef<'_>) -> Value {
    let mut object = object.clone();
    if is_builtin(schema) {
        strip_nulls(&mut object);
    }
    object
}

fn text<'v>(object: &'v Value, path: &[&str]) -> &'v str {
    let mut node = object;
    for key in path {
        match node.get(key) {
            Some(next) => node = next,
            None => return "",
        }
    }
    node.as_str().unwrap_or_default()
}

/// The apiVersion and kind the endpoint serves: the live object's, else the
/// built-in schema's group-version-kind.
fn expected_kind<'v>(live: Option<&'v Value>, schema: SchemaRef<'v>) -> Option<(String, String)> {
    if let Some(live) = live {
        let (version, kind) = (text(live, &["apiVersion"]), text(live, &["kind"]));
        if !version.is_empty() && !kind.is_empty() {
            return Some((version.to_owned(), kind.to_owned()));
        }
    }
    let gvk = schema
        .keyword("x-kubernetes-group-version-kind")?
        .as_array()?
        .first()?;
    let group = gvk.get("group")?.as_str()?;
    let version = gvk.get("version")?.as_str()?;
    let kind = gvk.get("kind")?.as_str()?;
    let api_version = if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    };
    Some((api_version, kind.to_owned()))
}

/// Go's `GroupVersionKind.String()`: `apps/v1, Kind=Deployment`, `/v1, Kind=ConfigMap`.
fn gvk_string(api_version: &str, kind: &str) -> String {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    format!("{group}/{version}, Kind={kind}")
}

/// `kubectl apply --server-side` keeps a client-side last-applied
/// annotation current when the object has one.
fn keep_last_applied(object: &mut Value, config: &Value) {
    let has = object
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty());
    if !has {
        return;
    }
    let mut applied = config.clone();
    if let Some(annotations) = applied
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        .and_then(Value::as_object_mut)
    {
        annotations.remove(LAST_APPLIED);
    }
    let text = sorted(&applied).to_string();
    if let Some(annotations) = object
        .get_mut("metadata")
        .and_then(|m| m.get_mut("annotations"))
        .and_then(Value::as_object_mut)
    {
        annotations.insert(LAST_APPLIED.to_owned(), Value::String(text));
    }
}

/// `value` with object keys sorted, as Go encodes maps.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(object) => {
            let mut keys: Vec<&String> = object.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&object[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Schemas;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn schemas() -> Schemas {
        let mut by_name = BTreeMap::new();
        by_name.insert(
            "ConfigMap".to_owned(),
            json!({"type": "object",
                "x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "ConfigMap"}],
                "properties": {
                "apiVersion": {"type": "string"}, "kind": {"type": "string"},
                "metadata": {"default": {}, "allOf": [{"$ref": "#/components/schemas/Meta"}]},
                "data": {"type": "object", "additionalProperties": {"type": "string"}}
            }}),
        );
        by_name.insert(
            "Meta".to_owned(),
            json!({"type": "object", "properties": {
                "name": {"type": "string"}, "uid": {"type": "string"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "managedFields": {"type": "array", "items": {"type": "object"}}}}),
        );
        Schemas::new(by_name)
    }

    fn config(data: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": data})
    }

    #[test]
    fn several_conflicts_are_listed_per_manager() {
        let schemas = schemas();
        let root = json!({"$ref": "#/components/schemas/ConfigMap"});
        let schema = schemas.view(&root);
        let live = apply(
            None,
            &config(json!({"x": "1", "y": "2"})),
            "a",
            false,
            schema,
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
        let error = apply(
            Some(&live),
            &config(json!({"x": "3", "y": "4"})),
            "b",
            false,
            schema,
            "2026-01-01T00:00:01Z",
        )
        .unwrap_err();
        assert_eq!(error.code(), 409);
        assert_eq!(
            error.message(),
            "Apply failed with 2 conflicts: conflicts with \"a\":\n- .data.x\n- .data.y"
        );
        assert_eq!(error.causes().len(), 2);
        let forced = apply(
            Some(&live),
            &config(json!({"x": "3"})),
            "b",
            true,
            schema,
            "2026-01-01T00:00:01Z",
        )
        .unwrap();
        assert_eq!(forced["data"], json!({"x": "3", "y": "2"}));
        let managers: Vec<&str> = forced["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["manager"].as_str().unwrap())
            .collect();
        assert_eq!(managers, ["a", "b"]);
    }

    #[test]
    fn first_apply_to_an_untracked_object_records_before_first_apply() {
        let schemas = schemas();
        let root = json!({"$ref": "#/components/schemas/ConfigMap"});
        let schema = schemas.view(&root);
        let live = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "uid": "u"}, "data": {"x": "1"}});
        let out = apply(
            Some(&live),
            &config(json!({"y": "2"})),
            "a",
            false,
            schema,
            "2026-01-01T00:00:00Z",
        )
        .unwrap();
        let entries = out["metadata"]["managedFields"].as_array().unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1]["manager"], "before-first-apply");
        assert_eq!(
            entries[1]["fieldsV1"],
            json!({"f:data": {".": {}, "f:x": {}}})
        );
        let error = apply(
            Some(&live),
            &json!({"apiVersion": "v2", "kind": "ConfigMap"}),
            "a",
            false,
            schema,
            "t",
        )
        .unwrap_err();
        assert_eq!(error.message(), "invalid object type: /v2, Kind=ConfigMap");
        let with_fields =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"managedFields": []}});
        assert_eq!(
            apply(Some(&live), &with_fields, "a", false, schema, "t")
                .unwrap_err()
                .code(),
            400
        );
    }

    #[test]
    fn updates_move_ownership_and_untracked_objects_stay_untracked() {
        let schemas = schemas();
        let root = json!({"$ref": "#/components/schemas/ConfigMap"});
        let schema = schemas.view(&root);
        let mut created = config(json!({"x": "1"}));
        record_update(
            None,
            &mut created,
            "creator",
            None,
            schema,
            "2026-01-01T00:00:00Z",
        );
        assert_eq!(
            created["metadata"]["managedFields"][0]["fieldsV1"],
            json!({"f:data": {".": {}, "f:x": {}}})
        );
        created["metadata"]["uid"] = json!("u");
        let mut updated = created.clone();
        updated["data"]["x"] = json!("2");
        updated["data"]["y"] = json!("3");
        record_update(
            Some(&created),
            &mut updated,
            "editor",
            Some("status"),
            schema,
            "2026-01-01T00:00:01Z",
        );
        let entries = updated["metadata"]["managedFields"].as_array().unwrap();
        // The creator keeps the map itself, no longer its key.
        assert_eq!(entries[0]["fieldsV1"], json!({"f:data": {}}));
        assert_eq!(entries[1]["manager"], "editor");
        assert_eq!(entries[1]["subresource"], "status");
        assert_eq!(
            entries[1]["fieldsV1"],
            json!({"f:data": {"f:x": {}, "f:y": {}}})
        );

        let mut reset = updated.clone();
        reset["metadata"]["managedFields"] = json!([{}]);
        record_update(Some(&updated), &mut reset, "editor", None, schema, "t");
        assert!(reset["metadata"].get("managedFields").is_none());
        let mut later = reset.clone();
        later["data"]["z"] = json!("4");
        record_update(Some(&reset), &mut later, "editor", None, schema, "t");
        assert!(later["metadata"].get("managedFields").is_none());
    }
}
