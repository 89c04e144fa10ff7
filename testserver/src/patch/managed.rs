//! `metadata.managedFields` as the server reads and writes it: one entry per
//! manager identity (manager name, operation, apiVersion for updates,
//! subresource), each with its field set and the time of its last change.

use std::cmp::Ordering;

use serde_json::{Map, Value, json};

use super::fieldpath::Set;

/// The operation an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Operation {
    /// Server-side apply.
    Apply,
    /// Create, update or a non-apply patch.
    Update,
}

impl Operation {
    fn as_str(self) -> &'static str {
        match self {
            Operation::Apply => "Apply",
            Operation::Update => "Update",
        }
    }
}

/// One managedFields entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The field manager.
    pub manager: String,
    /// Apply or Update.
    pub operation: Operation,
    /// The apiVersion the fields were set through.
    pub api_version: String,
    /// `status`, `scale`, … or empty for the main resource.
    pub subresource: String,
    /// When the set last changed (RFC 3339), if known.
    pub time: Option<String>,
    /// The owned fields.
    pub set: Set,
}

impl Entry {
    /// Whether `self` and `other` are the same manager identity (the API
    /// version only counts for updates, as in apimachinery).
    pub fn same_identity(
        &self,
        manager: &str,
        operation: Operation,
        api_version: &str,
        subresource: &str,
    ) -> bool {
        self.manager == manager
            && self.operation == operation
            && self.subresource == subresource
            && (operation == Operation::Apply || self.api_version == api_version)
    }

    /// How a conflict message names this manager.
    pub fn describe(&self) -> String {
        let mut text = format!("{:?}", self.manager);
        if !self.subresource.is_empty() {
            text.push_str(&format!(" with subresource {:?}", self.subresource));
        }
        if self.operation == Operation::Update {
            text.push_str(&format!(" using {}", self.api_version));
        }
        text
    }
}

/// Whether a request's managedFields asks to clear them (`[]` or `[{}]`).
pub fn is_reset(managed_fields: Option<&Value>) -> bool {
    match managed_fields {
        Some(Value::Array(entries)) => match entries.as_slice() {
            [] => true,
            [only] => only.as_object().is_some_and(Map::is_empty),
            _ => false,
        },
        _ => false,
    }
}

/// Reads managedFields; an entry of the same identity as an earlier one replaces it.
pub fn decode(managed_fields: Option<&Value>) -> Result<Vec<Entry>, String> {
    let entries = match managed_fields {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(entries)) => entries,
        Some(other) => return Err(format!("managedFields must be a list, got {other}")),
    };
    let mut out: Vec<Entry> = Vec::new();
    for (i, raw) in entries.iter().enumerate() {
        let text = |name: &str| raw.get(name).and_then(Value::as_str).unwrap_or_default();
        let operation = match text("operation") {
            "Apply" => Operation::Apply,
            "Update" => Operation::Update,
            _ => return Err("operation must be `Apply` or `Update`".to_owned()),
        };
        if text("apiVersion").is_empty() {
            return Err("apiVersion must not be empty".to_owned());
        }
        match text("fieldsType") {
            "FieldsV1" => {}
            "" => return Err(format!("missing fieldsType in managed fields entry {i}")),
            other => {
                return Err(format!(
                    "invalid fieldsType {other:?} in managed fields entry {i}"
                ));
            }
        }
        let set = match raw.get("fieldsV1") {
            None | Some(Value::Null) => Set::new(),
            Some(fields) => Set::from_fields_v1(fields)
                .map_err(|e| format!("error decoding versioned set: {e}"))?,
        };
        let entry = Entry {
            manager: text("manager").to_owned(),
            operation,
            api_version: text("apiVersion").to_owned(),
            subresource: text("subresource").to_owned(),
            time: raw.get("time").and_then(Value::as_str).map(str::to_owned),
            set,
        };
        out.retain(|e| {
            !e.same_identity(
                &entry.manager,
                entry.operation,
                &entry.api_version,
                &entry.subresource,
            )
        });
        out.push(entry);
    }
    Ok(out)
}

fn seconds(time: Option<&str>) -> i64 {
    time.and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map_or(0, |t| t.as_second())
}

/// The managedFields JSON, sorted as the real server sorts it (operation,
/// time in seconds, manager, apiVersion, subresource); `None` when there is
/// no entry.
pub fn encode(entries: &[Entry]) -> Option<Value> {
    if entries.is_empty() {
        return None;
    }
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by(|p, q| {
        p.operation
            .cmp(&q.operation)
            .then_with(|| seconds(p.time.as_deref()).cmp(&seconds(q.time.as_deref())))
            .then_with(|| p.manager.cmp(&q.manager))
            .then_with(|| p.api_version.cmp(&q.api_version))
            .then_with(|| p.subresource.cmp(&q.subresource))
            .then(Ordering::Equal)
    });
    let list = sorted
        .into_iter()
        .map(|entry| {
            let mut object = Map::new();
            object.insert("manager".into(), json!(entry.manager));
            object.insert("operation".into(), json!(entry.operation.as_str()));
            object.insert("apiVersion".into(), json!(entry.api_version));
            if let Some(time) = &entry.time {
                object.insert("time".into(), json!(time));
            }
            object.insert("fieldsType".into(), json!("FieldsV1"));
            object.insert("fieldsV1".into(), entry.set.to_fields_v1());
            if !entry.subresource.is_empty() {
                object.insert("subresource".into(), json!(entry.subresource));
            }
            Value::Object(object)
        })
        .collect();
    Some(Value::Array(list))
}

/// Sets (or removes, for `None`) `metadata.managedFields` of `object`.
pub fn store(object: &mut Value, managed_fields: Option<Value>) {
    let Some(root) = object.as_object_mut() else {
        return;
    };
    match managed_fields {
        Some(list) => {
            let metadata = root
                .entry("metadata")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(metadata) = metadata.as_object_mut() {
                metadata.insert("managedFields".into(), list);
            }
        }
        None => {
            if let Some(metadata) = root.get_mut("metadata").and_then(Value::as_object_mut) {
                metadata.remove("managedFields");
            }
        }
    }
}

/// The managedFields of `object`, if any.
pub fn of(object: &Value) -> Option<&Value> {
    object.get("metadata")?.get("managedFields")
}

/// Caps the update entries at `max`: the oldest are folded, per API
/// version, into one `ancient-changes` entry (apimachinery's cap).
pub fn cap_updates(entries: &mut Vec<Entry>, max: usize) {
    let mut updaters: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].operation == Operation::Update)
        .collect();
    if updaters.len() <= max {
        return;
    }
    updaters.sort_by(|&a, &b| {
        seconds(entries[a].time.as_deref())
            .cmp(&seconds(entries[b].time.as_deref()))
            .then_with(|| entries[a].manager.cmp(&entries[b].manager))
    });
    let mut count = updaters.len();
    let mut first_by_version: Vec<(String, usize)> = Vec::new();
    let mut folded: Vec<usize> = Vec::new();
    for &i in &updaters {
        if count <= max {
            break;
        }
        let version = entries[i].api_version.clone();
        match first_by_version.iter().find(|(v, _)| *v == version) {
            Some(&(_, first)) => {
                let set = entries[i].set.clone();
                let time = entries[i].time.clone();
                let bucket = &mut entries[first];
                bucket.manager = "ancient-changes".to_owned();
                bucket.subresource = String::new();
                bucket.set = bucket.set.union(&set);
                bucket.time = time;
                folded.push(i);
                count -= 1;
            }
            None => first_by_version.push((version, i)),
        }
    }
    folded.sort_unstable();
    for i in folded.into_iter().rev() {
        entries.remove(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_in_the_real_order() {
        let raw = json!([
            {"manager": "z", "operation": "Update", "apiVersion": "v1", "time": "2026-11-22T06:23:04Z",
             "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:z": {}}}},
            {"manager": "a", "operation": "Apply", "apiVersion": "v1", "time": "2026-11-22T06:23:05Z",
             "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {}}},
            {"manager": "c", "operation": "Apply", "apiVersion": "v1",
             "fieldsType": "FieldsV1", "fieldsV1": {"f:data": {"f:x": {}}}, "subresource": "status"}
        ]);
        let entries = decode(Some(&raw)).unwrap();
        let encoded = encode(&entries).unwrap();
        let managers: Vec<&str> = encoded
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["manager"].as_str().unwrap())
            .collect();
        assert_eq!(managers, ["c", "a", "z"]);
        assert_eq!(encoded[0]["subresource"], "status");
        assert_eq!(encoded[1]["fieldsV1"], json!({"f:data": {}}));
        assert_eq!(entries[2].describe(), r#""c" with subresource "status""#);
        assert_eq!(entries[0].describe(), r#""z" using v1"#);
    }

    #[test]
    fn invalid_entries_and_resets_are_recognised() {
        assert!(decode(Some(&json!([{}]))).is_err());
        assert!(decode(Some(&json!([{"operation": "Apply", "apiVersion": "v1"}]))).is_err());
        assert!(is_reset(Some(&json!([{}]))));
        assert!(is_reset(Some(&json!([]))));
        assert!(!is_reset(None));
    }

    #[test]
    fn update_entries_are_capped() {
        let mut entries: Vec<Entry> = (0..12)
            .map(|i| {
                let mut set = Set::new();
                set.insert(&[super::super::fieldpath::PathElement::Field(format!("f{i}"))]);
                Entry {
                    manager: format!("m{i:02}"),
                    operation: Operation::Update,
                    api_version: "v1".into(),
                    subresource: String::new(),
                    time: Some(format!("2026-01-01T00:00:{i:02}Z")),
                    set,
                }
            })
            .collect();
        cap_updates(&mut entries, 10);
        assert_eq!(entries.len(), 10);
        let bucket = entries
            .iter()
            .find(|e| e.manager == "ancient-changes")
            .unwrap();
        assert_eq!(bucket.set.paths().len(), 3);
    }
}
