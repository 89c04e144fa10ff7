//! Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`)
//! and metadata-only responses (`as=PartialObjectMetadata[List]`), plus the
//! Accept negotiation that chooses between them ([`media`]).
//!
//! Built-in resources get the printer columns of Kubernetes' printers where
//! this module has them ([`printers`]), else the default `Name` / `Created At`
//! columns the real server uses for resources without a printer. Custom
//! resources get `Name` plus their `additionalPrinterColumns` (or `Age` when
//! they declare none), evaluated with [`jsonpath`].

mod descriptions;
pub mod format;
pub mod jsonpath;
pub mod media;
pub mod printers;

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::registry::{PrinterColumn, ResourceInfo};

pub use media::{Format, MetaVersion, Negotiated, NotAcceptable, Representation, negotiate};

/// What each row carries in `object` (`?includeObject=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IncludeObject {
    /// `object: null`.
    None,
    /// The object's `PartialObjectMetadata` (the default).
    #[default]
    Metadata,
    /// The whole object.
    Object,
}

impl IncludeObject {
    /// Parses the `includeObject` query value (`None`, `Metadata`, `Object`);
    /// an empty value means the default.
    pub fn parse(value: &str) -> Option<IncludeObject> {
        match value {
            "" | "Metadata" => Some(IncludeObject::Metadata),
            "None" => Some(IncludeObject::None),
            "Object" => Some(IncludeObject::Object),
            _ => None,
        }
    }
}

/// Everything that shapes a Table besides the objects.
#[derive(Clone, Copy, Debug)]
pub struct TableOptions {
    /// What rows carry in `object`.
    pub include: IncludeObject,
    /// `meta.k8s.io/v1` or `v1beta1`.
    pub version: MetaVersion,
    /// Whether to send `columnDefinitions` (a watch sends them with its first
    /// event only; later events carry `columnDefinitions: null`).
    pub headers: bool,
    /// The time ages are computed at.
    pub now: Timestamp,
}

impl Default for TableOptions {
    fn default() -> TableOptions {
        TableOptions {
            include: IncludeObject::Metadata,
            version: MetaVersion::V1,
            headers: true,
            now: Timestamp::now(),
        }
    }
}

/// A `meta.k8s.io/v1` Table of `objects` of `resource`, ages computed now.
/// `list_meta` is the list's `metadata` (resourceVersion, continue,
/// remainingItemCount) when a list was asked for; `None` for a single object,
/// whose resourceVersion the Table then carries.
pub fn table(
    resource: &ResourceInfo,
    objects: &[&Value],
    list_meta: Option<&Value>,
    include: IncludeObject,
) -> Value {
    table_with(
        resource,
        objects,
        list_meta,
        &TableOptions {
            include,
            ..TableOptions::default()
        },
    )
}

/// [`table`] with every option.
pub fn table_with(
    resource: &ResourceInfo,
    objects: &[&Value],
    list_meta: Option<&Value>,
    options: &TableOptions,
) -> Value {
    let columns = columns(resource);
    let rows: Vec<Value> = objects
        .iter()
        .map(|object| {
            let (cells, conditions) = row(resource, &columns, object, options.now);
            let mut out = Map::new();
            out.insert("cells".into(), Value::Array(cells));
            if let Some(conditions) = conditions {
                out.insert("conditions".into(), conditions);
            }
            out.insert(
                "object".into(),
                match options.include {
                    IncludeObject::None => Value::Null,
                    IncludeObject::Metadata => partial_metadata(object, options.version),
                    IncludeObject::Object => (*object).clone(),
                },
            );
            Value::Object(out)
        })
        .collect();
    let metadata = match list_meta {
        Some(meta) => list_metadata(meta),
        None => {
            let mut out = Map::new();
            if let Some(rv) = objects
                .first()
                .and_then(|o| o.pointer("/metadata/resourceVersion"))
            {
                out.insert("resourceVersion".into(), rv.clone());
            }
            Value::Object(out)
        }
    };
    let definitions = if options.headers {
        Value::Array(columns.iter().map(ColumnDef::to_json).collect())
    } else {
        Value::Null
    };
    json!({
        "kind": "Table",
        "apiVersion": options.version.api_version(),
        "metadata": metadata,
        "columnDefinitions": definitions,
        "rows": rows,
    })
}

/// The ListMeta fields a Table or PartialObjectMetadataList repeats, empty
/// ones left out as Go's `omitempty` does.
fn list_metadata(meta: &Value) -> Value {
    let mut out = Map::new();
    for key in ["resourceVersion", "continue", "remainingItemCount"] {
        match meta.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.is_empty() => {}
            Some(value) => {
                out.insert(key.into(), value.clone());
            }
        }
    }
    Value::Object(out)
}

/// A column with where its cells come from.
#[derive(Clone, Debug)]
struct ColumnDef {
    name: String,
    type_: String,
    format: String,
    description: String,
    priority: i32,
    source: Source,
}

#[derive(Clone, Debug)]
enum Source {
    /// Part of a built-in printer's row.
    Printer,
    /// `metadata.name`.
    Name,
    /// `metadata.creationTimestamp` as RFC 3339 (the default `Created At`).
    CreatedAt,
    /// A CRD column's JSONPath (`None` when it does not parse: the cell is null).
    Path(Option<jsonpath::JsonPath>),
}

impl ColumnDef {
    fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "type": self.type_,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        })
    }

    fn from_printer(column: &printers::Column) -> ColumnDef {
        ColumnDef {
            name: column.name.to_owned(),
            type_: column.type_.to_owned(),
            format: column.format.to_owned(),
            description: column.description.to_owned(),
            priority: column.priority,
            source: Source::Printer,
        }
    }
}

fn name_column() -> ColumnDef {
    ColumnDef {
        source: Source::Name,
        ..ColumnDef::from_printer(&printers::NAME)
    }
}

/// The default table of resources without a printer.
fn default_columns() -> Vec<ColumnDef> {
    vec![
        name_column(),
        ColumnDef {
            name: "Created At".into(),
            type_: "date".into(),
            format: String::new(),
            description: descriptions::CREATION_TIMESTAMP.into(),
            priority: 0,
            source: Source::CreatedAt,
        },
    ]
}

fn custom_column(column: &PrinterColumn) -> ColumnDef {
    let description = match column.description.as_deref() {
        Some(d) if !d.is_empty() => d.to_owned(),
        _ => format!(
            "Custom resource definition column (in JSONPath format): {}",
            column.json_path
        ),
    };
    ColumnDef {
        name: column.name.clone(),
        type_: column.type_.clone(),
        format: column.format.clone().unwrap_or_default(),
        description,
        priority: column.priority,
        source: Source::Path(jsonpath::JsonPath::parse(&column.json_path).ok()),
    }
}

fn columns(resource: &ResourceInfo) -> Vec<ColumnDef> {
    if resource.custom {
        let mut out = vec![name_column()];
        if resource.printer_columns.is_empty() {
            // The apiextensions server's default when a CRD declares no columns.
            out.push(custom_column(&PrinterColumn {
                name: "Age".into(),
                type_: "date".into(),
                format: None,
                description: Some(descriptions::CREATION_TIMESTAMP.into()),
                priority: 0,
                json_path: ".metadata.creationTimestamp".into(),
            }));
        } else {
            out.extend(resource.printer_columns.iter().map(custom_column));
        }
        return out;
    }
    match printers::builtin(&resource.group, &resource.plural) {
        Some(printer) => printer
            .columns
            .iter()
            .map(ColumnDef::from_printer)
            .collect(),
        None => default_columns(),
    }
}

fn row(
    resource: &ResourceInfo,
    columns: &[ColumnDef],
    object: &Value,
    now: Timestamp,
) -> (Vec<Value>, Option<Value>) {
    let printed = if resource.custom {
        None
    } else {
        printers::builtin(&resource.group, &resource.plural).map(|p| (p.row)(object, now))
    };
    if let Some(row) = printed {
        return (row.cells, row.conditions);
    }
    let cells = columns
        .iter()
        .map(|column| match &column.source {
            Source::Name => json!(
                object
                    .pointer("/metadata/name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            ),
            Source::CreatedAt => {
                match format::parse_time(object.pointer("/metadata/creationTimestamp")) {
                    Some(ts) => json!(ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
                    None => json!("0001-01-01T00:00:00Z"),
                }
            }
            Source::Path(Some(path)) => {
                custom_cell(&column.type_, path.find(object).first().copied(), now)
            }
            Source::Path(None) | Source::Printer => Value::Null,
        })
        .collect();
    (cells, None)
}

/// A CRD column cell, as the apiextensions table convertor formats it.
fn custom_cell(type_: &str, value: Option<&Value>, now: Timestamp) -> Value {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Value::Null;
    };
    match type_ {
        // String columns print any value the way JSONPath templates do.
        "string" => json!(format::go_print(value)),
        "integer" => match value {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().map(|f| f as i64))
                .map_or(Value::Null, |i| json!(i)),
            _ => Value::Null,
        },
        "number" => value.as_f64().map_or(Value::Null, |f| json!(f)),
        "boolean" => value.as_bool().map_or(Value::Null, Value::Bool),
        "date" => match value.as_str() {
            Some(text) => match text.parse::<Timestamp>() {
                Ok(ts) => json!(format::since(ts, now)),
                Err(_) => json!("<invalid>"),
            },
            None => Value::Null,
        },
        _ => Value::Null,
    }
}

/// `PartialObjectMetadata` of an object: its kind/apiVersion replaced and
/// everything but `metadata` dropped.
pub fn partial_metadata(object: &Value, version: MetaVersion) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": version.api_version(),
        "metadata": object.get("metadata").cloned().unwrap_or_else(|| json!({})),
    })
}

/// `PartialObjectMetadataList` of a list's items, with the list's metadata.
pub fn partial_metadata_list(objects: &[&Value], list_meta: &Value, version: MetaVersion) -> Value {
    let items: Vec<Value> = objects
        .iter()
        .map(|o| partial_metadata(o, version))
        .collect();
    json!({
        "kind": "PartialObjectMetadataList",
        "apiVersion": version.api_version(),
        "metadata": list_metadata(list_meta),
        "items": items,
    })
}

/// The Go type the real server names in transform errors: `*core.ConfigMap`,
/// `*apps.DeploymentList`, `*unstructured.Unstructured`.
pub fn go_type_name(resource: &ResourceInfo, list: bool) -> String {
    if resource.custom {
        return if list {
            "*unstructured.UnstructuredList".to_owned()
        } else {
            "*unstructured.Unstructured".to_owned()
        };
    }
    let package = match resource.group.as_str() {
        "" | "events.k8s.io" => "core",
        "internal.apiserver.k8s.io" => "apiserverinternal",
        group => group.split('.').next().unwrap_or(group),
    };
    let kind = if list {
        &resource.list_kind
    } else {
        &resource.kind
    };
    format!("*{package}.{kind}")
}

/// Refuses a metadata-only form that does not fit what was read (a list
/// asked for as `PartialObjectMetadata`, or a single object as
/// `PartialObjectMetadataList`), with the real server's 406 message.
pub fn check_representation(
    representation: Representation,
    resource: &ResourceInfo,
    is_list: bool,
) -> Result<(), NotAcceptable> {
    match representation {
        Representation::PartialObjectMetadata(_) if is_list => {
            Err(NotAcceptable::transform(format!(
                "you requested PartialObjectMetadata, but the requested object is a list ({})",
                go_type_name(resource, true)
            )))
        }
        Representation::PartialObjectMetadataList(_) if !is_list => {
            Err(NotAcceptable::transform(format!(
                "you requested PartialObjectMetadataList, but the requested object is not a list ({})",
                go_type_name(resource, false)
            )))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
