//! CustomResourceDefinition validation (`ValidateCustomResourceDefinition` of
//! apiextensions-apiserver v1.32) on the v1 object as posted.
//!
//! The real server validates the internal form of the CRD, in which a schema,
//! subresources, printer columns or selectable fields identical in every
//! version are hoisted to `spec` and cleared per version; several causes
//! (and the `%#v` dump of `spec.versions`) depend on that, so it is replayed
//! here. CEL rules are not compiled (no compile-error causes).

use kubegen::meta::v1::StatusCause;
use serde_json::Value;

use super::errors::{BadValue, FieldError, causes};
use super::{go_quote, names};

const PRINTER_TYPES: &[&str] = &["boolean", "date", "integer", "number", "string"];
const PRINTER_FORMATS: &[&str] = &[
    "byte",
    "date",
    "date-time",
    "double",
    "float",
    "int32",
    "int64",
    "password",
];

/// The per-version fields the internal form hoists when all versions agree.
struct Hoisted {
    schema: bool,
    subresources: bool,
    columns: bool,
    selectable: bool,
}

fn versions(crd: &Value) -> &[Value] {
    crd.pointer("/spec/versions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn hoisted(versions: &[Value]) -> Hoisted {
    let same = |key: &str| {
        let first = versions.first().and_then(|v| v.get(key));
        versions.iter().all(|v| v.get(key) == first)
    };
    Hoisted {
        schema: same("schema"),
        subresources: same("subresources"),
        columns: same("additionalPrinterColumns"),
        selectable: same("selectableFields"),
    }
}

fn str_field<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

fn bool_field(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// The storage versions a created CRD records: the first storage version.
fn stored_versions(crd: &Value) -> Vec<String> {
    if let Some(stored) = crd
        .pointer("/status/storedVersions")
        .and_then(Value::as_array)
    {
        return stored
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
    }
    versions(crd)
        .iter()
        .find(|v| bool_field(v, "storage"))
        .map(|v| vec![str_field(v, "name").to_owned()])
        .unwrap_or_default()
}

/// Go's `%#v` of a `[]string`.
fn go_strings(values: &[String]) -> String {
    if values.is_empty() {
        return "[]string(nil)".to_owned();
    }
    let quoted: Vec<String> = values.iter().map(|v| go_quote(v)).collect();
    format!("[]string{{{}}}", quoted.join(", "))
}

/// Go's `%#v` of the internal `[]CustomResourceDefinitionVersion`.
fn go_versions(versions: &[Value], hoisted: &Hoisted) -> String {
    const POINTER: &str = "0xc000000000";
    let pointer = |kind: &str, present: bool| {
        if present {
            format!("(*{kind})({POINTER})")
        } else {
            format!("(*{kind})(nil)")
        }
    };
    let items: Vec<String> = versions
        .iter()
        .map(|v| {
            let columns = match v.get("additionalPrinterColumns").and_then(Value::as_array) {
                Some(columns) if !hoisted.columns => format!(
                    "[]apiextensions.CustomResourceColumnDefinition{{{}}}",
                    columns
                        .iter()
                        .map(|c| format!(
                            "apiextensions.CustomResourceColumnDefinition{{Name:{}, Type:{}, Format:{}, Description:{}, Priority:{}, JSONPath:{}}}",
                            go_quote(str_field(c, "name")),
                            go_quote(str_field(c, "type")),
                            go_quote(str_field(c, "format")),
                            go_quote(str_field(c, "description")),
                            c.get("priority").and_then(Value::as_i64).unwrap_or(0),
                            go_quote(str_field(c, "jsonPath")),
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => "[]apiextensions.CustomResourceColumnDefinition(nil)".to_owned(),
            };
            let selectable = match v.get("selectableFields").and_then(Value::as_array) {
                Some(fields) if !hoisted.selectable => format!(
                    "[]apiextensions.SelectableField{{{}}}",
                    fields
                        .iter()
                        .map(|f| format!(
                            "apiextensions.SelectableField{{JSONPath:{}}}",
                            go_quote(str_field(f, "jsonPath"))
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => "[]apiextensions.SelectableField(nil)".to_owned(),
            };
            format!(
                "apiextensions.CustomResourceDefinitionVersion{{Name:{}, Served:{}, Storage:{}, Deprecated:{}, DeprecationWarning:{}, Schema:{}, Subresources:{}, AdditionalPrinterColumns:{columns}, SelectableFields:{selectable}}}",
                go_quote(str_field(v, "name")),
                bool_field(v, "served"),
                bool_field(v, "storage"),
                bool_field(v, "deprecated"),
                pointer("string", v.get("deprecationWarning").is_some_and(Value::is_string)),
                pointer(
                    "apiextensions.CustomResourceValidation",
                    !hoisted.schema && v.get("schema").is_some_and(Value::is_object)
                ),
                pointer(
                    "apiextensions.CustomResourceSubresources",
                    !hoisted.subresources && v.get("subresources").is_some_and(Value::is_object)
                ),
            )
        })
        .collect();
    format!(
        "[]apiextensions.CustomResourceDefinitionVersion{{{}}}",
        items.join(", ")
    )
}

/// Problems with a CustomResourceDefinition, as the causes of the real 422.
/// `status.storedVersions` is taken from the object when present, else as
/// creation records it (the first storage version).
pub fn validate(crd: &Value) -> Vec<StatusCause> {
    let mut errors = Vec::new();
    let spec = crd.get("spec").unwrap_or(&Value::Null);
    let group = str_field(spec, "group");
    let crd_names = spec.get("names").unwrap_or(&Value::Null);
    let plural = str_field(crd_names, "plural");

    // ObjectMeta, with the name rule of CRDs.
    let name = crd
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    if name.is_empty() {
        errors.push(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else {
        let mut messages = names::dns1123_subdomain(name);
        if name != format!("{plural}.{group}") {
            messages.push("must be spec.names.plural+\".\"+spec.group".to_owned());
        }
        for message in messages {
            errors.push(FieldError::invalid(
                "metadata.name",
                BadValue::str(name),
                message,
            ));
        }
    }
    if let Some(labels) = crd.pointer("/metadata/labels").and_then(Value::as_object) {
        errors.extend(super::meta::validate_labels(labels, "metadata.labels"));
    }
    if let Some(annotations) = crd
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
    {
        errors.extend(super::meta::validate_annotations(
            annotations,
            "metadata.annotations",
        ));
    }

    if group.is_empty() {
        errors.push(FieldError::required("spec.group", ""));
    } else {
        let problems = names::dns1123_subdomain(group);
        if !problems.is_empty() {
            errors.push(FieldError::invalid(
                "spec.group",
                BadValue::str(group),
                problems.join(","),
            ));
        } else if !group.contains('.') {
            errors.push(FieldError::invalid(
                "spec.group",
                BadValue::str(group),
                "should be a domain with at least one dot",
            ));
        }
    }
    let scope = str_field(spec, "scope");
    if scope.is_empty() {
        errors.push(FieldError::required("spec.scope", ""));
    } else if scope != "Cluster" && scope != "Namespaced" {
        errors.push(FieldError::not_supported(
            "spec.scope",
            BadValue::str(scope),
            &["Cluster".to_owned(), "Namespaced".to_owned()],
        ));
    }

    let versions = versions(crd);
    let hoisted = hoisted(versions);
    let mut storage_count = 0;
    let mut seen = Vec::new();
    let mut unique = true;
    for (i, version) in versions.iter().enumerate() {
        let path = format!("spec.versions[{i}]");
        let version_name = str_field(version, "name");
        if bool_field(version, "storage") {
            storage_count += 1;
        }
        if seen.contains(&version_name) {
            unique = false;
        }
        seen.push(version_name);
        let problems = names::dns1035_label(version_name);
        if !problems.is_empty() {
            errors.push(FieldError::invalid(
                format!("{path}.name"),
                BadValue::str(version_name),
                problems.join(","),
            ));
        }
        let schema = version
            .pointer("/schema/openAPIV3Schema")
            .filter(|s| s.is_object());
        if !hoisted.schema {
            if let Some(schema) = schema {
                structural(
                    schema,
                    Level::Root,
                    &format!("{path}.schema.openAPIV3Schema"),
                    &mut errors,
                );
            }
        }
        if !hoisted.subresources {
            subresources(
                version.get("subresources"),
                &format!("{path}.subresources"),
                &mut errors,
            );
        }
        if !hoisted.columns {
            columns(version, &path, &mut errors);
        }
        if !hoisted.selectable && selectable_count(version) > 0 {
            match schema.filter(|_| !hoisted.schema) {
                None => errors.push(FieldError::invalid(
                    format!("{path}.selectableFields"),
                    BadValue::str(""),
                    "selectableFields may only be set when version.schema.openAPIV3Schema is not included",
                )),
                Some(schema) => selectable_fields(version, schema, &format!("{path}.selectableFields"), &mut errors),
            }
        }
    }
    if !unique {
        errors.push(FieldError::invalid(
            "spec.versions",
            BadValue::Plain(go_versions(versions, &hoisted)),
            "must contain unique version names",
        ));
    }
    if storage_count != 1 {
        errors.push(FieldError::invalid(
            "spec.versions",
            BadValue::Plain(go_versions(versions, &hoisted)),
            "must have exactly one version marked as storage version",
        ));
    }
    if versions.is_empty() {
        errors.push(FieldError::required(
            "spec.versions",
            "must have exactly one version marked as storage version",
        ));
    }

    names_errors(crd_names, &mut errors);

    let first = versions.first();
    let top_schema = first
        .filter(|_| hoisted.schema)
        .and_then(|v| v.pointer("/schema/openAPIV3Schema"))
        .filter(|s| s.is_object());
    match top_schema {
        Some(schema) => structural(
            schema,
            Level::Root,
            "spec.validation.openAPIV3Schema",
            &mut errors,
        ),
        None => {
            for (i, version) in versions.iter().enumerate() {
                if version
                    .pointer("/schema/openAPIV3Schema")
                    .is_none_or(|s| !s.is_object())
                {
                    errors.push(FieldError::required(
                        format!("spec.versions[{i}].schema.openAPIV3Schema"),
                        "schemas are required",
                    ));
                }
            }
        }
    }
    if let Some(version) = first.filter(|v| hoisted.selectable && selectable_count(v) > 0) {
        match top_schema {
            None => errors.push(FieldError::invalid(
                "spec.selectableFields",
                BadValue::str(""),
                "selectableFields may only be set when validations.schema is included",
            )),
            Some(schema) => {
                selectable_fields(version, schema, "spec.selectableFields", &mut errors)
            }
        }
    }
    if let Some(version) = first.filter(|_| hoisted.subresources) {
        subresources(
            version.get("subresources"),
            "spec.subresources",
            &mut errors,
        );
    }
    if let Some(version) = first.filter(|_| hoisted.columns) {
        columns(version, "spec", &mut errors);
    }

    let stored = stored_versions(crd);
    if stored.is_empty() {
        errors.push(FieldError::invalid(
            "status.storedVersions",
            BadValue::Plain(go_strings(&stored)),
            "must have at least one stored version",
        ));
    } else {
        for version in versions.iter().filter(|v| bool_field(v, "storage")) {
            let version_name = str_field(version, "name");
            if !stored.iter().any(|s| s == version_name) {
                errors.push(FieldError::invalid(
                    "status.storedVersions",
                    BadValue::Plain(go_strings(&stored)),
                    format!("must have the storage version {version_name}"),
                ));
            }
        }
        for (i, stored_name) in stored.iter().enumerate() {
            if !versions.iter().any(|v| str_field(v, "name") == stored_name) {
                errors.push(FieldError::invalid(
                    format!("status.storedVersions[{i}]"),
                    BadValue::str(stored_name.as_str()),
                    "must appear in spec.versions",
                ));
            }
        }
    }
    causes(&errors)
}

fn names_errors(crd_names: &Value, errors: &mut Vec<FieldError>) {
    for (key, required) in [
        ("plural", true),
        ("singular", false),
        ("kind", true),
        ("listKind", false),
    ] {
        let value = str_field(crd_names, key);
        if value.is_empty() {
            if required {
                errors.push(FieldError::required(format!("spec.names.{key}"), ""));
            }
            continue;
        }
        let mixed_case = key == "kind" || key == "listKind";
        let checked = if mixed_case {
            value.to_lowercase()
        } else {
            value.to_owned()
        };
        let problems = names::dns1035_label(&checked);
        if !problems.is_empty() {
            let detail = if mixed_case {
                format!(
                    "may have mixed case, but should otherwise match: {}",
                    problems.join(",")
                )
            } else {
                problems.join(",")
            };
            errors.push(FieldError::invalid(
                format!("spec.names.{key}"),
                BadValue::str(value),
                detail,
            ));
        }
    }
    for list in ["shortNames", "categories"] {
        if let Some(items) = crd_names.get(list).and_then(Value::as_array) {
            for (i, item) in items.iter().enumerate() {
                let item = item.as_str().unwrap_or("");
                let problems = names::dns1035_label(item);
                if !problems.is_empty() {
                    errors.push(FieldError::invalid(
                        format!("spec.names.{list}[{i}]"),
                        BadValue::str(item),
                        problems.join(","),
                    ));
                }
            }
        }
    }
    let kind = str_field(crd_names, "kind");
    if !kind.is_empty() && kind == str_field(crd_names, "listKind") {
        errors.push(FieldError::invalid(
            "spec.names.listKind",
            BadValue::str(kind),
            "kind and listKind may not be the same",
        ));
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Item,
    Field,
}

/// The structural-schema rules that concern types and items.
fn structural(schema: &Value, level: Level, path: &str, errors: &mut Vec<FieldError>) {
    let type_name = str_field(schema, "type");
    if type_name == "array" && schema.get("items").is_none() {
        errors.push(FieldError::required(
            format!("{path}.items"),
            "must be specified",
        ));
    }
    if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
        structural(items, Level::Item, &format!("{path}.items"), errors);
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (key, property) in properties {
            structural(
                property,
                Level::Field,
                &format!("{path}.properties[{key}]"),
                errors,
            );
        }
    }
    if let Some(additional) = schema.get("additionalProperties").filter(|a| a.is_object()) {
        structural(
            additional,
            Level::Field,
            &format!("{path}.additionalProperties"),
            errors,
        );
    }
    let flag = |key: &str| bool_field(schema, key);
    if flag("x-kubernetes-embedded-resource") && type_name != "object" {
        errors.push(FieldError::invalid(
            format!("{path}.type"),
            BadValue::str(type_name),
            "must be object if x-kubernetes-embedded-resource is true",
        ));
    }
    if flag("x-kubernetes-int-or-string") && !type_name.is_empty() {
        errors.push(FieldError::invalid(
            format!("{path}.type"),
            BadValue::str(type_name),
            "must be empty if x-kubernetes-int-or-string is true",
        ));
    }
    if type_name.is_empty()
        && !flag("x-kubernetes-embedded-resource")
        && !flag("x-kubernetes-int-or-string")
        && !flag("x-kubernetes-preserve-unknown-fields")
    {
        let detail = match level {
            Level::Root => "must not be empty at the root",
            Level::Item => "must not be empty for specified array items",
            Level::Field => "must not be empty for specified object fields",
        };
        errors.push(FieldError::required(format!("{path}.type"), detail));
    }
    if level == Level::Root && !type_name.is_empty() && type_name != "object" {
        errors.push(FieldError::invalid(
            format!("{path}.type"),
            BadValue::str(type_name),
            "must be object at the root",
        ));
    }
}

fn subresources(subresources: Option<&Value>, path: &str, errors: &mut Vec<FieldError>) {
    let Some(scale) = subresources.and_then(|s| s.get("scale")) else {
        return;
    };
    let spec_path = str_field(scale, "specReplicasPath");
    if spec_path.is_empty() {
        errors.push(FieldError::required(
            format!("{path}.scale.specReplicasPath"),
            "",
        ));
    } else if !spec_path.starts_with(".spec.") {
        errors.push(FieldError::invalid(
            format!("{path}.scale.specReplicasPath"),
            BadValue::str(spec_path),
            "should be a json path under .spec",
        ));
    }
    let status_path = str_field(scale, "statusReplicasPath");
    if status_path.is_empty() {
        errors.push(FieldError::required(
            format!("{path}.scale.statusReplicasPath"),
            "",
        ));
    } else if !status_path.starts_with(".status.") {
        errors.push(FieldError::invalid(
            format!("{path}.scale.statusReplicasPath"),
            BadValue::str(status_path),
            "should be a json path under .status",
        ));
    }
    let selector = str_field(scale, "labelSelectorPath");
    if !selector.is_empty() && !selector.starts_with(".spec.") && !selector.starts_with(".status.")
    {
        errors.push(FieldError::invalid(
            format!("{path}.scale.labelSelectorPath"),
            BadValue::str(selector),
            "should be a json path under either .spec or .status",
        ));
    }
}

fn columns(holder: &Value, path: &str, errors: &mut Vec<FieldError>) {
    let Some(columns) = holder
        .get("additionalPrinterColumns")
        .and_then(Value::as_array)
    else {
        return;
    };
    let types = PRINTER_TYPES.join(",");
    for (i, column) in columns.iter().enumerate() {
        let at = format!("{path}.additionalPrinterColumns[{i}]");
        if str_field(column, "name").is_empty() {
            errors.push(FieldError::required(format!("{at}.name"), ""));
        }
        let type_name = str_field(column, "type");
        if type_name.is_empty() {
            errors.push(FieldError::required(
                format!("{at}.type"),
                format!("must be one of {types}"),
            ));
        } else if !PRINTER_TYPES.contains(&type_name) {
            errors.push(FieldError::invalid(
                format!("{at}.type"),
                BadValue::str(type_name),
                format!("must be one of {types}"),
            ));
        }
        let format = str_field(column, "format");
        if !format.is_empty() && !PRINTER_FORMATS.contains(&format) {
            errors.push(FieldError::invalid(
                format!("{at}.format"),
                BadValue::str(format),
                format!("must be one of {}", PRINTER_FORMATS.join(",")),
            ));
        }
        let json_path = str_field(column, "jsonPath");
        if json_path.is_empty() {
            errors.push(FieldError::required(format!("{at}.JSONPath"), ""));
        } else if !json_path.starts_with('.') {
            errors.push(FieldError::invalid(
                format!("{at}.JSONPath"),
                BadValue::str(json_path),
                "must be a simple json path starting with .",
            ));
        }
    }
}

fn selectable_count(version: &Value) -> usize {
    version
        .get("selectableFields")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

fn selectable_fields(holder: &Value, schema: &Value, path: &str, errors: &mut Vec<FieldError>) {
    let fields = holder
        .get("selectableFields")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut seen = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let at = format!("{path}[{i}].jsonPath");
        let json_path = str_field(field, "jsonPath");
        if json_path.is_empty() {
            errors.push(FieldError::required(at, ""));
            continue;
        }
        if !json_path.starts_with('.') {
            errors.push(FieldError::invalid(
                at,
                BadValue::str(json_path),
                "must be a simple json path starting with .",
            ));
            continue;
        }
        let mut node = Some(schema);
        for part in json_path.trim_start_matches('.').split('.') {
            node = node
                .and_then(|n| n.get("properties"))
                .and_then(|p| p.get(part));
        }
        match node {
            None => errors.push(FieldError::invalid(
                at.clone(),
                BadValue::str(json_path),
                "is an invalid path: does not refer to a field in the schema",
            )),
            Some(node) => {
                if !matches!(str_field(node, "type"), "string" | "integer" | "boolean") {
                    errors.push(FieldError::invalid(
                        at.clone(),
                        BadValue::str(json_path),
                        "must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.",
                    ));
                }
            }
        }
        if seen.contains(&json_path) {
            errors.push(FieldError::new(
                super::ErrorType::Duplicate,
                at,
                BadValue::str(json_path),
                "",
            ));
        }
        seen.push(json_path);
    }
    if fields.len() > 8 {
        errors.push(FieldError::too_many(path, fields.len() as i64, 8));
    }
}

/// The defaults the server gives a posted v1 CRD: `names.singular`
/// (lower-case kind), `names.listKind` (`<Kind>List`) and
/// `conversion.strategy: None`.
pub fn apply_defaults(crd: &mut Value) {
    let Some(spec) = crd.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    if let Some(crd_names) = spec.get_mut("names").and_then(Value::as_object_mut) {
        let kind = crd_names
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if !kind.is_empty() {
            if crd_names
                .get("singular")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
            {
                crd_names.insert("singular".into(), Value::String(kind.to_lowercase()));
            }
            if crd_names
                .get("listKind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
            {
                crd_names.insert("listKind".into(), Value::String(format!("{kind}List")));
            }
        }
    }
    if !spec.get("conversion").is_some_and(Value::is_object) {
        spec.insert("conversion".into(), serde_json::json!({"strategy": "None"}));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn widget_crd() -> Value {
        json!({"metadata": {"name": "widgets.example.com"}, "spec": {"group": "example.com", "scope": "Namespaced",
            "names": {"plural": "widgets", "kind": "Widget"},
            "versions": [{"name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object"}}}}}]}})
    }

    fn messages(crd: &Value) -> Vec<String> {
        validate(crd).iter().map(super::super::cause_text).collect()
    }

    #[test]
    fn a_valid_crd_passes_and_gets_defaults() {
        let mut crd = widget_crd();
        apply_defaults(&mut crd);
        assert_eq!(crd["spec"]["names"]["listKind"], "WidgetList");
        assert_eq!(crd["spec"]["names"]["singular"], "widget");
        assert!(validate(&crd).is_empty());
    }

    #[test]
    fn names_columns_and_schemas_are_checked() {
        let mut crd = widget_crd();
        crd["metadata"]["name"] = json!("gadgets.example.com");
        crd["spec"]["versions"][0]["additionalPrinterColumns"] =
            json!([{"name": "X", "type": "object", "jsonPath": "spec"}]);
        crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["free"] =
            json!({"properties": {"a": {"type": "string"}}});
        assert_eq!(
            messages(&crd),
            [
                "metadata.name: Invalid value: \"gadgets.example.com\": must be spec.names.plural+\".\"+spec.group",
                "spec.validation.openAPIV3Schema.properties[free].type: Required value: must not be empty for specified object fields",
                "spec.additionalPrinterColumns[0].type: Invalid value: \"object\": must be one of boolean,date,integer,number,string",
                "spec.additionalPrinterColumns[0].JSONPath: Invalid value: \"spec\": must be a simple json path starting with .",
            ]
        );
        crd["spec"]["versions"][0]["storage"] = json!(false);
        let found = messages(&crd);
        assert!(
            found
                .iter()
                .any(|m| m.ends_with("must have exactly one version marked as storage version"))
        );
        assert!(found.iter().any(|m| m == "status.storedVersions: Invalid value: []string(nil): must have at least one stored version"));
    }
}
