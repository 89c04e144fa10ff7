//! [`KubeSchema`] for the standard library, `serde_json` and this crate's
//! wire types. Scalars and containers mirror what `kubegen-templates` writes
//! for the same IR types (a test in `kubegen-macros` compares them); the
//! object types of `meta/v1` come from `well_known.json`, written from the
//! templates' definitions and kept equal to them by the same test.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use serde_json::{Value, json};

use super::{KubeSchema, SchemaError, SchemaGenerator};

macro_rules! fixed {
    ($schema:tt => $($ty:ty),*) => {
        $(
            impl KubeSchema for $ty {
                fn schema(_: &mut SchemaGenerator) -> Result<Value, SchemaError> {
                    Ok(json!($schema))
                }
            }
        )*
    };
}

fixed!({"type": "boolean"} => bool);
fixed!({"type": "integer", "format": "int32"} => i8, i16, i32, u8, u16);
fixed!({"type": "integer", "format": "int64"} => i64, u32, u64, isize, usize);
fixed!({"type": "number", "format": "double"} => f32, f64);
fixed!({"type": "string"} => String, str, char, crate::time::Duration);
fixed!({"type": "string", "format": "date-time"} => crate::time::Time, crate::time::MicroTime);
fixed!({"type": "string", "format": "byte"} => crate::bytes::ByteString);
fixed!({"x-kubernetes-int-or-string": true} => crate::intstr::IntOrString, crate::quantity::Quantity);
fixed!({"x-kubernetes-preserve-unknown-fields": true} => Value);
fixed!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}
    => serde_json::Map<String, Value>);

macro_rules! transparent {
    ($($ty:ident),*) => {
        $(
            impl<T: KubeSchema + ?Sized> KubeSchema for $ty<T> {
                fn schema(generator: &mut SchemaGenerator) -> Result<Value, SchemaError> {
                    T::schema(generator)
                }
            }
        )*
    };
}

// `Option` is transparent here; a field of type `Option<_>` is made optional
// by the derive, which sees the field.
transparent!(Box, Arc);

impl<T: KubeSchema> KubeSchema for Option<T> {
    fn schema(generator: &mut SchemaGenerator) -> Result<Value, SchemaError> {
        T::schema(generator)
    }
}

impl<T: KubeSchema + ?Sized> KubeSchema for &T {
    fn schema(generator: &mut SchemaGenerator) -> Result<Value, SchemaError> {
        T::schema(generator)
    }
}

macro_rules! list {
    ($($ty:ident $(: $set:literal)?),*) => {
        $(
            impl<T: KubeSchema> KubeSchema for $ty<T> {
                fn schema(generator: &mut SchemaGenerator) -> Result<Value, SchemaError> {
                    #[allow(unused_mut)]
                    let mut schema = json!({"type": "array", "items": T::schema(generator)?});
                    $(
                        schema["x-kubernetes-list-type"] = Value::from($set);
                    )?
                    Ok(schema)
                }
            }
        )*
    };
}

list!(Vec, VecDeque, BTreeSet: "set", HashSet: "set");

impl<T: KubeSchema> KubeSchema for [T] {
    fn schema(generator: &mut SchemaGenerator) -> Result<Value, SchemaError> {
        Ok(json!({"type": "array", "items": T::schema(generator)?}))
    }
}

macro_rules! map {
    ($($ty:ident),*) => {
        $(
            impl<K, V: KubeSchema> KubeSchema for $ty<K, V> {
                fn schema(generator: &mut SchemaGenerator) -> Result<Value, SchemaError> {
                    Ok(json!({"type": "object", "additionalProperties": V::schema(generator)?}))
                }
            }
        )*
    };
}

map!(BTreeMap, HashMap);

/// The `meta/v1` object types, as `kubegen-templates` defines them.
const WELL_KNOWN: &str = include_str!("well_known.json");

fn well_known(name: &'static str) -> Result<Value, SchemaError> {
    let mut all: Value =
        serde_json::from_str(WELL_KNOWN).map_err(|source| SchemaError::Template {
            type_name: name,
            source,
        })?;
    all.get_mut(name)
        .map(Value::take)
        .ok_or(SchemaError::MissingWellKnown(name))
}

macro_rules! meta {
    ($($ty:ident),*) => {
        $(
            impl KubeSchema for crate::meta::v1::$ty {
                fn schema(_: &mut SchemaGenerator) -> Result<Value, SchemaError> {
                    well_known(stringify!($ty))
                }
            }
        )*
    };
}

meta!(
    ObjectMeta,
    OwnerReference,
    LabelSelector,
    LabelSelectorRequirement,
    Condition
);
