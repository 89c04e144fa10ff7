//! [`Scheme`]: decodes objects of registered kinds by their `apiVersion` and `kind`, like
//! client-go's `runtime.Scheme`.
//!
//! ```
//! # use kubegen::{Scheme, SchemeError};
//! # fn demo(scheme: &Scheme, value: &serde_json::Value) -> Result<(), SchemeError> {
//! let object = scheme.decode(value)?;
//! println!("decoded a {}", object.gvk());
//! # Ok(())
//! # }
//! ```

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;

use crate::resource::{GroupVersionKind, ObjectList, Resource};

/// An object of some registered kind, as returned by [`Scheme::decode`].
///
/// Use its `downcast_ref::<K>()` to get at the concrete type.
pub trait AnyResource: fmt::Debug + Send + Sync {
    /// The group, version and kind of the object's type.
    fn gvk(&self) -> GroupVersionKind;
    /// The object as JSON.
    fn to_value(&self) -> Result<serde_json::Value, serde_json::Error>;
    /// The object as [`Any`], for downcasting.
    fn as_any(&self) -> &dyn Any;
}

impl dyn AnyResource {
    /// The object as a `K`, if that is its type.
    pub fn downcast_ref<K: 'static>(&self) -> Option<&K> {
        self.as_any().downcast_ref::<K>()
    }

    /// Whether the object is a `K`.
    pub fn is<K: 'static>(&self) -> bool {
        self.as_any().is::<K>()
    }
}

impl<K: Resource> AnyResource for K {
    fn gvk(&self) -> GroupVersionKind {
        K::gvk()
    }

    fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl<K: Resource> AnyResource for ObjectList<K> {
    fn gvk(&self) -> GroupVersionKind {
        GroupVersionKind::new(K::GROUP, K::VERSION, K::LIST_KIND)
    }

    fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Why an object could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum SchemeError {
    /// The object has no string `apiVersion` (or is not a JSON object at all).
    #[error("object has no apiVersion")]
    MissingApiVersion,
    /// The object has no non-empty string `kind`.
    #[error("object has no kind")]
    MissingKind,
    /// No type is registered for this `apiVersion` and `kind`.
    #[error("no kind {kind:?} is registered for apiVersion {api_version:?}")]
    UnknownKind {
        /// The object's `apiVersion`.
        api_version: String,
        /// The object's `kind`.
        kind: String,
    },
    /// [`Scheme::decode_as`] was given an object of another kind.
    #[error("expected {expected_kind} ({expected_api_version}), found {kind} ({api_version})")]
    KindMismatch {
        /// The `apiVersion` of the requested type.
        expected_api_version: &'static str,
        /// The `kind` of the requested type.
        expected_kind: &'static str,
        /// The object's `apiVersion`.
        api_version: String,
        /// The object's `kind`.
        kind: String,
    },
    /// The object does not fit its type; `path` is where in the JSON it failed.
    #[error("cannot decode {kind} ({api_version}): {path}: {source}")]
    Decode {
        /// The object's `apiVersion`.
        api_version: String,
        /// The object's `kind`.
        kind: String,
        /// JSON path of the failure, such as `spec.containers[0].ports[1].containerPort`
        /// (`.` for the object itself).
        path: String,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
}

type DecodeFn = fn(&serde_json::Value) -> Result<Box<dyn AnyResource>, PathError>;

type PathError = serde_path_to_error::Error<serde_json::Error>;

/// Decodes a `T`, remembering the JSON path where decoding failed. Deserializing from
/// `&Value` borrows the value, so nothing is cloned up front.
fn deserialize_with_path<T: serde::de::DeserializeOwned>(
    value: &serde_json::Value,
) -> Result<T, PathError> {
    serde_path_to_error::deserialize(value)
}

fn decode_boxed<T: AnyResource + serde::de::DeserializeOwned + 'static>(
    value: &serde_json::Value,
) -> Result<Box<dyn AnyResource>, PathError> {
    deserialize_with_path::<T>(value).map(|t| Box::new(t) as Box<dyn AnyResource>)
}

fn decode_error(api_version: &str, kind: &str, error: PathError) -> SchemeError {
    let path = error.path().to_string();
    SchemeError::Decode {
        api_version: api_version.to_owned(),
        kind: kind.to_owned(),
        path,
        source: error.into_inner(),
    }
}

/// The `apiVersion` and `kind` of a JSON object.
fn type_meta(value: &serde_json::Value) -> Result<(&str, &str), SchemeError> {
    let api_version = value
        .get("apiVersion")
        .and_then(serde_json::Value::as_str)
        .ok_or(SchemeError::MissingApiVersion)?;
    let kind = value
        .get("kind")
        .and_then(serde_json::Value::as_str)
        .filter(|k| !k.is_empty())
        .ok_or(SchemeError::MissingKind)?;
    Ok((api_version, kind))
}

/// A registry of kinds that decodes JSON objects into their Rust types.
///
/// Register every kind the program expects (generated crates usually offer a function that
/// registers all of theirs), then [`decode`](Scheme::decode) objects whose type is only known
/// at run time, such as the items of a `v1/List` or the objects of a watch on several kinds.
#[derive(Clone, Default)]
pub struct Scheme {
    decoders: BTreeMap<GroupVersionKind, DecodeFn>,
}

impl Scheme {
    /// An empty scheme.
    pub fn new() -> Self {
        Scheme::default()
    }

    /// Registers `K` and its list kind (`ObjectList<K>` under `K::LIST_KIND`).
    pub fn register<K: Resource>(&mut self) -> &mut Self {
        self.decoders.insert(K::gvk(), decode_boxed::<K>);
        self.decoders.insert(
            GroupVersionKind::new(K::GROUP, K::VERSION, K::LIST_KIND),
            decode_boxed::<ObjectList<K>>,
        );
        self
    }

    /// Adds every kind registered in `other`; for a kind registered in both, `other` wins.
    pub fn extend(&mut self, other: Scheme) {
        self.decoders.extend(other.decoders);
    }

    /// Whether a type is registered for this `apiVersion` and `kind`.
    pub fn recognizes(&self, api_version: &str, kind: &str) -> bool {
        GroupVersionKind::from_api_version_and_kind(api_version, kind)
            .is_ok_and(|gvk| self.decoders.contains_key(&gvk))
    }

    /// The registered kinds, sorted by group, version and kind.
    pub fn kinds(&self) -> impl Iterator<Item = GroupVersionKind> + '_ {
        self.decoders.keys().cloned()
    }

    /// Decodes an object into the type registered for its `apiVersion` and `kind`.
    pub fn decode(&self, value: &serde_json::Value) -> Result<Box<dyn AnyResource>, SchemeError> {
        let (api_version, kind) = type_meta(value)?;
        let unknown = || SchemeError::UnknownKind {
            api_version: api_version.to_owned(),
            kind: kind.to_owned(),
        };
        let gvk = GroupVersionKind::from_api_version_and_kind(api_version, kind)
            .map_err(|_| unknown())?;
        let decoder = self.decoders.get(&gvk).ok_or_else(unknown)?;
        decoder(value).map_err(|e| decode_error(api_version, kind, e))
    }

    /// Decodes an object that must be a `K`, checking its `apiVersion` and `kind` first.
    ///
    /// `K` does not need to be registered.
    pub fn decode_as<K: Resource>(&self, value: &serde_json::Value) -> Result<K, SchemeError> {
        let (api_version, kind) = type_meta(value)?;
        if api_version != K::API_VERSION || kind != K::KIND {
            return Err(SchemeError::KindMismatch {
                expected_api_version: K::API_VERSION,
                expected_kind: K::KIND,
                api_version: api_version.to_owned(),
                kind: kind.to_owned(),
            });
        }
        deserialize_with_path(value).map_err(|e| decode_error(api_version, kind, e))
    }
}

impl fmt::Debug for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scheme")
            .field("kinds", &self.decoders.keys().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::test_support::{ConfigMap, Deployment};
    use serde_json::json;

    fn scheme() -> Scheme {
        let mut scheme = Scheme::new();
        scheme.register::<ConfigMap>().register::<Deployment>();
        scheme
    }

    #[test]
    fn decodes_registered_kinds() {
        let scheme = scheme();
        let value = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "a"}, "data": {"k": "v"}});
        let object = scheme.decode(&value).unwrap();
        assert_eq!(object.gvk(), GroupVersionKind::new("", "v1", "ConfigMap"));
        assert!(object.is::<ConfigMap>());
        let cm = object.downcast_ref::<ConfigMap>().unwrap();
        assert_eq!(cm.metadata.name.as_deref(), Some("a"));
        assert!(object.downcast_ref::<Deployment>().is_none());
        assert_eq!(object.to_value().unwrap(), value);
    }

    #[test]
    fn decodes_list_kinds() {
        let scheme = scheme();
        let value = json!({"apiVersion": "apps/v1", "kind": "DeploymentList",
            "metadata": {"resourceVersion": "5"}, "items": [{"metadata": {"name": "d"}}]});
        let object = scheme.decode(&value).unwrap();
        assert_eq!(object.gvk().kind, "DeploymentList");
        let list = object.downcast_ref::<ObjectList<Deployment>>().unwrap();
        assert_eq!(list.items.len(), 1);
        assert_eq!(object.to_value().unwrap()["kind"], "DeploymentList");
    }

    #[test]
    fn reports_missing_and_unknown_type_meta() {
        let scheme = scheme();
        assert!(matches!(
            scheme.decode(&json!({"kind": "Pod"})),
            Err(SchemeError::MissingApiVersion)
        ));
        assert!(matches!(
            scheme.decode(&json!("not an object")),
            Err(SchemeError::MissingApiVersion)
        ));
        assert!(matches!(
            scheme.decode(&json!({"apiVersion": "v1", "kind": ""})),
            Err(SchemeError::MissingKind)
        ));
        let err = scheme
            .decode(&json!({"apiVersion": "v1", "kind": "Pod"}))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"no kind "Pod" is registered for apiVersion "v1""#
        );
        assert!(matches!(
            scheme.decode(&json!({"apiVersion": "a/b/c", "kind": "Pod"})),
            Err(SchemeError::UnknownKind { .. })
        ));
    }

    #[test]
    fn decode_errors_name_the_json_path() {
        let scheme = scheme();
        let value = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80},
                {"containerPort": "http"}]}]}});
        let err = scheme.decode(&value).unwrap_err();
        match &err {
            SchemeError::Decode { path, kind, .. } => {
                assert_eq!(path, "spec.containers[0].ports[1].containerPort");
                assert_eq!(kind, "Deployment");
            }
            other => panic!("unexpected error {other:?}"),
        }
        let message = err.to_string();
        assert!(
            message.starts_with(
                "cannot decode Deployment (apps/v1): spec.containers[0].ports[1].containerPort: invalid type"
            ),
            "{message}"
        );
    }

    #[test]
    fn decode_as_checks_the_kind() {
        let scheme = Scheme::new();
        let value = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}});
        let cm: ConfigMap = scheme.decode_as(&value).unwrap();
        assert_eq!(cm.metadata.name.as_deref(), Some("a"));
        let err = scheme.decode_as::<Deployment>(&value).unwrap_err();
        assert!(matches!(err, SchemeError::KindMismatch { .. }), "{err}");
    }

    #[test]
    fn kinds_are_sorted_and_extend_merges() {
        let mut first = Scheme::new();
        first.register::<Deployment>();
        let mut second = Scheme::new();
        second.register::<ConfigMap>();
        first.extend(second);
        let kinds: Vec<String> = first.kinds().map(|gvk| gvk.to_string()).collect();
        assert_eq!(
            kinds,
            [
                "/v1, Kind=ConfigMap",
                "/v1, Kind=ConfigMapList",
                "apps/v1, Kind=Deployment",
                "apps/v1, Kind=DeploymentList"
            ]
        );
        assert!(first.recognizes("v1", "ConfigMapList"));
        assert!(first.recognizes("apps/v1", "Deployment"));
        assert!(!first.recognizes("apps/v1", "ConfigMap"));
        assert!(format!("{first:?}").contains("Deployment"));
    }
}
