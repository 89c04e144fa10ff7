//! Helpers for the CustomResourceDefinitions `#[derive(Resource)]` writes.
//!
//! The CRD type lives in `kubegen-api`, which depends on this crate, so these
//! helpers are generic over it: they work on any type that serializes as a
//! CRD (`kubegen_api::apiextensions::v1::CustomResourceDefinition`), through
//! its JSON form.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::schema::SchemaError;

/// Why a CustomResourceDefinition could not be built or merged.
#[derive(Debug, thiserror::Error)]
pub enum CrdError {
    /// A type's schema could not be written.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// The manifest does not fit the CRD type (a kubegen bug, or a CRD type of another version).
    #[error("the manifest is not a CustomResourceDefinition: {0}")]
    Shape(#[source] serde_json::Error),
    /// Nothing to merge.
    #[error("no CustomResourceDefinition to merge")]
    Empty,
    /// The CRDs disagree on something every version of a kind shares.
    #[error(
        "cannot merge the CustomResourceDefinitions of `{name}`: version `{version}` has \
         {field} {theirs}, but the first one has {ours}"
    )]
    Conflict {
        /// The first CRD's name.
        name: String,
        /// The version whose CRD disagrees.
        version: String,
        /// The disagreeing field, e.g. `spec.scope`.
        field: String,
        /// The first CRD's value.
        ours: String,
        /// The disagreeing value.
        theirs: String,
    },
    /// Two CRDs define the same version.
    #[error(
        "cannot merge the CustomResourceDefinitions of `{name}`: version `{version}` is defined twice"
    )]
    DuplicateVersion {
        /// The CRD's name.
        name: String,
        /// The repeated version.
        version: String,
    },
    /// Not exactly one version is the storage version.
    #[error(
        "cannot merge the CustomResourceDefinitions of `{name}`: exactly one version must be \
         the storage version, but {found}; pass the storage version to `merge_crds` or mark \
         the others `#[resource(storage = false)]`"
    )]
    StorageVersion {
        /// The CRD's name.
        name: String,
        /// What was found instead.
        found: String,
    },
}

/// Converts a manifest built as JSON into the typed CRD.
pub fn from_manifest<T: DeserializeOwned>(manifest: Value) -> Result<T, CrdError> {
    serde_json::from_value(manifest).map_err(CrdError::Shape)
}

/// Merges the CRDs of several versions of one kind into one manifest.
///
/// Everything but the versions must agree: name, group, names (kind, plural,
/// singular, list kind, short names, categories) and scope; a disagreement
/// is a [`CrdError::Conflict`] naming the field and both values. Versions
/// keep their order. With `storage_version`, that version becomes the only
/// storage version; without, exactly one input version must already be it.
pub fn merge_crds<T: Serialize + DeserializeOwned>(
    crds: impl IntoIterator<Item = T>,
    storage_version: Option<&str>,
) -> Result<T, CrdError> {
    let mut values = Vec::new();
    for crd in crds {
        values.push(serde_json::to_value(crd).map_err(CrdError::Shape)?);
    }
    let mut values = values.into_iter();
    let mut merged = values.next().ok_or(CrdError::Empty)?;
    let name = merged["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let shared = [
        ("metadata.name", &["metadata", "name"][..]),
        ("spec.group", &["spec", "group"][..]),
        ("spec.names", &["spec", "names"][..]),
        ("spec.scope", &["spec", "scope"][..]),
    ];
    let mut versions: Vec<Value> = take_versions(&mut merged);
    for other in values {
        let mut other = other;
        let other_versions = take_versions(&mut other);
        let version = other_versions
            .first()
            .and_then(|v| v["name"].as_str())
            .unwrap_or_default()
            .to_owned();
        for (field, path) in shared {
            let ours = lookup(&merged, path);
            let theirs = lookup(&other, path);
            if ours != theirs {
                return Err(CrdError::Conflict {
                    name,
                    version,
                    field: field.to_owned(),
                    ours: ours.to_string(),
                    theirs: theirs.to_string(),
                });
            }
        }
        versions.extend(other_versions);
    }
    let mut seen = std::collections::BTreeSet::new();
    for version in &versions {
        let version = version["name"].as_str().unwrap_or_default();
        if !seen.insert(version) {
            return Err(CrdError::DuplicateVersion {
                name,
                version: version.to_owned(),
            });
        }
    }
    match storage_version {
        Some(storage) => {
            if !seen.contains(storage) {
                return Err(CrdError::StorageVersion {
                    name,
                    found: format!("the storage version `{storage}` is not among the versions"),
                });
            }
            for version in &mut versions {
                let is_storage = version["name"] == storage;
                version["storage"] = Value::Bool(is_storage);
            }
        }
        None => {
            let storage: Vec<&str> = versions
                .iter()
                .filter(|v| v["storage"] == true)
                .filter_map(|v| v["name"].as_str())
                .collect();
            if storage.len() != 1 {
                let found = if storage.is_empty() {
                    "none is".to_owned()
                } else {
                    format!("{} are ({})", storage.len(), storage.join(", "))
                };
                return Err(CrdError::StorageVersion { name, found });
            }
        }
    }
    merged["spec"]["versions"] = Value::Array(versions);
    from_manifest(merged)
}

fn take_versions(crd: &mut Value) -> Vec<Value> {
    match crd["spec"]["versions"].take() {
        Value::Array(versions) => versions,
        _ => Vec::new(),
    }
}

fn lookup<'v>(value: &'v Value, path: &[&str]) -> &'v Value {
    path.iter().fold(value, |value, key| &value[*key])
}
