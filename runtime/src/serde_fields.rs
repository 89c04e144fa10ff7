//! The serde impls of generated structs, written once as a macro instead of
//! derived per type.
//!
//! A generated crate holds hundreds of types. `#[derive(Serialize,
//! Deserialize)]` expands each into a field enum, field, sequence and map
//! visitors, and running the proc macro costs compile time of its own.
//! Generated code instead invokes [`object_serde!`](crate::object_serde) with
//! a one-line description of each field; the macro expands to one map
//! visitor and one serializer per type, with nothing per type that JSON does
//! not need. rustfmt leaves brace-delimited macro calls alone, so generated
//! files stay rustfmt-clean however long the names are.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

/// Reads an object key, borrowed from the input when the format allows
/// (`serde_json::from_slice`/`from_str` on keys without escapes).
#[derive(Clone, Copy, Debug)]
pub struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key.to_owned()))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(key))
    }
}

/// A field being compacted after it was read: a list read from JSON has grown by
/// doubling, so up to half its capacity is unused (a one-element list of strings holds
/// four), and a cache keeps thousands of such objects. Lists are shrunk to fit; other
/// fields are left alone. Which applies is chosen by method resolution on the field's
/// concrete type (autoref specialization): [`CompactList`] matches `Vec` and
/// `Option<Vec>` by value, [`CompactNothing`] everything one reference further.
pub struct Compact<'a, T>(pub &'a mut T);

/// Shrinks a list field to fit.
pub trait CompactList {
    /// Shrinks the list.
    fn compact(&mut self);
}

impl<T> CompactList for Compact<'_, Vec<T>> {
    #[inline]
    fn compact(&mut self) {
        self.0.shrink_to_fit();
    }
}

impl<T> CompactList for Compact<'_, Option<Vec<T>>> {
    #[inline]
    fn compact(&mut self) {
        if let Some(list) = self.0 {
            list.shrink_to_fit();
        }
    }
}

/// Leaves any other field as it is.
pub trait CompactNothing {
    /// Does nothing.
    fn compact(&mut self);
}

impl<T> CompactNothing for &mut Compact<'_, T> {
    #[inline]
    fn compact(&mut self) {}
}

/// Reads an optional list shrunk to fit, for the hand-written types' serde derives
/// (`#[serde(deserialize_with = "…")]`); see [`Compact`] for why.
pub(crate) fn shrunk_list<'de, D, T>(deserializer: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    let mut list: Option<Vec<T>> = serde::Deserialize::deserialize(deserializer)?;
    if let Some(list) = &mut list {
        list.shrink_to_fit();
    }
    Ok(list)
}

/// A type read from a JSON object by a [`MapVisitor`]; implemented by
/// [`object_serde!`](crate::object_serde).
pub trait FromMap: Sized {
    /// The type's name, for error messages.
    const NAME: &'static str;

    /// Reads the type from the entries of an object.
    fn from_map<'de, A: de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// The one visitor of every generated struct: objects only, read by [`FromMap`].
pub struct MapVisitor<T>(std::marker::PhantomData<fn() -> T>);

impl<T> MapVisitor<T> {
    /// A visitor producing a `T`.
    pub fn new() -> Self {
        MapVisitor(std::marker::PhantomData)
    }
}

impl<T> Default for MapVisitor<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'de, T: FromMap> Visitor<'de> for MapVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "struct {}", T::NAME)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(map)
    }
}

/// Implements `Serialize` and `Deserialize` for a struct of generated code.
///
/// ```text
/// kubegen::object_serde! {
///     Deployment as resource {              // `as resource`: writes apiVersion and kind first
///         metadata: "metadata" default,     // absent → Default
///         spec: "spec" optional,            // Option, skipped when None
///         replicas: "replicas" required,    // missing → error
///         ports: "ports" list,              // required list or map: null reads as empty
///         note: "note" nullable,            // required but nullable: always written
///         claims: "claims" optional embedded_list, // objects written without apiVersion/kind
///     }
///     extra additional_properties           // unknown properties kept in this map
/// }
/// ```
///
/// Semantics match what serde's derive gave these types: `null` and absence
/// read as `None` for `Option`s, unknown keys are skipped (or kept in the
/// `extra` map), and a missing required field is `missing field` error.
#[macro_export]
macro_rules! object_serde {
    (
        $name:ident $(as $root:ident)? {
            $( $field:ident : $wire:literal $presence:ident $($wrap:ident)? ),* $(,)?
        }
        extra $extra:ident
    ) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                use $crate::__private::serde::ser::SerializeMap as _;
                let mut state = serializer.serialize_map(::core::option::Option::None)?;
                $( $crate::object_serde!(@type_meta $root, state, serialize_entry); )?
                $( $crate::object_serde!(@ser state, serialize_entry, self, $field, $wire, $presence $($wrap)?); )*
                for (key, value) in &self.$extra {
                    state.serialize_entry(key, value)?;
                }
                state.end()
            }
        }
        $crate::object_serde!(@deserialize $name $(as $root)? { $( $field : $wire $presence ),* } $extra);
    };
    (
        $name:ident $(as $root:ident)? {
            $( $field:ident : $wire:literal $presence:ident $($wrap:ident)? ),* $(,)?
        }
    ) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                use $crate::__private::serde::ser::SerializeStruct as _;
                let len = 0 $( + $crate::object_serde!(@type_meta_count $root) )?
                    $( + $crate::object_serde!(@count self, $field, $presence) )*;
                let mut state = serializer.serialize_struct(stringify!($name), len)?;
                $( $crate::object_serde!(@type_meta $root, state, serialize_field); )?
                $( $crate::object_serde!(@ser state, serialize_field, self, $field, $wire, $presence $($wrap)?); )*
                state.end()
            }
        }
        $crate::object_serde!(@deserialize $name $(as $root)? { $( $field : $wire $presence ),* });
    };

    (@deserialize $name:ident $(as $root:ident)? { $( $field:ident : $wire:literal $presence:ident ),* } $($extra:ident)?) => {
        impl $crate::serde_fields::FromMap for $name {
            const NAME: &'static str = stringify!($name);

            fn from_map<'de, A: $crate::__private::serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> ::core::result::Result<Self, A::Error> {
                $( let mut $field = ::core::option::Option::None; )*
                $( let mut $extra = ::std::collections::BTreeMap::new(); )?
                while let ::core::option::Option::Some(key) =
                    map.next_key_seed($crate::serde_fields::KeySeed)?
                {
                    match &*key {
                        $( $wire => $crate::object_serde!(@read map, $field, $presence), )*
                        $( $crate::object_serde!(@type_meta_keys $root) => {
                            map.next_value::<$crate::__private::serde::de::IgnoredAny>()?;
                        } )?
                        _ => $crate::object_serde!(@unknown map, key, $($extra)?),
                    }
                }
                let mut this = Self {
                    $( $field: $crate::object_serde!(@init A::Error, $field, $wire, $presence), )*
                    $( $extra, )?
                };
                {
                    // One of the two is unused when no field is a list.
                    #[allow(unused_imports)]
                    use $crate::serde_fields::{CompactList as _, CompactNothing as _};
                    $( (&mut $crate::serde_fields::Compact(&mut this.$field)).compact(); )*
                }
                ::core::result::Result::Ok(this)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                deserializer.deserialize_struct(
                    stringify!($name),
                    &[$( $wire ),*],
                    $crate::serde_fields::MapVisitor::<Self>::new(),
                )
            }
        }
    };

    (@type_meta $root:ident, $state:ident, $method:ident) => {
        $state.$method("apiVersion", <Self as $crate::Resource>::API_VERSION)?;
        $state.$method("kind", <Self as $crate::Resource>::KIND)?;
    };
    (@type_meta_count $root:ident) => { 2 };
    (@type_meta_keys $root:ident) => { "apiVersion" | "kind" };

    (@count $this:ident, $field:ident, optional) => { usize::from($this.$field.is_some()) };
    (@count $this:ident, $field:ident, $presence:ident) => { 1 };

    (@ser $state:ident, $method:ident, $this:ident, $field:ident, $wire:literal, optional) => {
        if let ::core::option::Option::Some(value) = &$this.$field {
            $state.$method($wire, value)?;
        }
    };
    (@ser $state:ident, $method:ident, $this:ident, $field:ident, $wire:literal, optional embedded) => {
        if let ::core::option::Option::Some(value) = &$this.$field {
            $state.$method($wire, &$crate::resource::embedded::Untyped(value))?;
        }
    };
    (@ser $state:ident, $method:ident, $this:ident, $field:ident, $wire:literal, optional embedded_list) => {
        if let ::core::option::Option::Some(value) = &$this.$field {
            $state.$method($wire, &$crate::resource::embedded::UntypedSlice(value))?;
        }
    };
    (@ser $state:ident, $method:ident, $this:ident, $field:ident, $wire:literal, nullable embedded) => {
        $state.$method($wire, &$this.$field.as_ref().map($crate::resource::embedded::Untyped))?;
    };
    (@ser $state:ident, $method:ident, $this:ident, $field:ident, $wire:literal, nullable embedded_list) => {
        $state.$method(
            $wire,
            &$this.$field.as_deref().map($crate::resource::embedded::UntypedSlice),
        )?;
    };
    (@ser $state:ident, $method:ident, $this:ident, $field:ident, $wire:literal, $presence:ident embedded) => {
        $state.$method($wire, &$crate::resource::embedded::Untyped(&$this.$field))?;
    };
    (@ser $state:ident, $method:ident, $this:ident, $field:ident, $wire:literal, $presence:ident embedded_list) => {
        $state.$method($wire, &$crate::resource::embedded::UntypedSlice(&$this.$field))?;
    };
    (@ser $state:ident, $method:ident, $this:ident, $field:ident, $wire:literal, $presence:ident) => {
        $state.$method($wire, &$this.$field)?;
    };

    (@read $map:ident, $field:ident, optional) => { $field = $map.next_value()? };
    (@read $map:ident, $field:ident, nullable) => { $field = $map.next_value()? };
    // Go's decoder reads `null` as an empty list or map.
    (@read $map:ident, $field:ident, list) => {
        $field = ::core::option::Option::Some(
            $map.next_value::<::core::option::Option<_>>()?.unwrap_or_default(),
        )
    };
    (@read $map:ident, $field:ident, $presence:ident) => {
        $field = ::core::option::Option::Some($map.next_value()?)
    };

    (@unknown $map:ident, $key:ident, $extra:ident) => {{
        $extra.insert($key.into_owned(), $map.next_value()?);
    }};
    (@unknown $map:ident, $key:ident, ) => {{
        $map.next_value::<$crate::__private::serde::de::IgnoredAny>()?;
    }};

    (@init $error:ty, $field:ident, $wire:literal, optional) => { $field };
    (@init $error:ty, $field:ident, $wire:literal, nullable) => { $field };
    (@init $error:ty, $field:ident, $wire:literal, default) => { $field.unwrap_or_default() };
    (@init $error:ty, $field:ident, $wire:literal, $presence:ident) => {
        $field.ok_or_else(|| <$error as $crate::__private::serde::de::Error>::missing_field($wire))?
    };
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    #[derive(Debug, Default, PartialEq)]
    struct Sample {
        name: String,
        count: Option<i32>,
        r#type: Option<String>,
        items: Vec<String>,
        note: Option<String>,
        meta: BTreeMap<String, String>,
    }

    crate::object_serde! {
        Sample {
            name: "name" required,
            count: "count" optional,
            r#type: "type" optional,
            items: "items" list,
            note: "note" nullable,
            meta: "meta" default,
        }
    }

    #[derive(Debug, Default, PartialEq)]
    struct Lists {
        required: Vec<String>,
        optional: Option<Vec<i64>>,
        other: Option<String>,
    }

    crate::object_serde! {
        Lists {
            required: "required" list,
            optional: "optional" optional,
            other: "other" optional,
        }
    }

    #[test]
    fn lists_are_read_shrunk_to_fit() {
        let lists: Lists = serde_json::from_str(
            r#"{"required": ["a", "b", "c", "d", "e"], "optional": [1], "other": "x"}"#,
        )
        .unwrap();
        assert_eq!(lists.required.len(), 5);
        // Read by doubling, the lists would hold 8 and 4.
        assert_eq!(lists.required.capacity(), 5);
        assert_eq!(lists.optional.as_ref().map(Vec::capacity), Some(1));
        assert_eq!(lists.other.as_deref(), Some("x"));
    }

    #[derive(Debug, Default, PartialEq)]
    struct Open {
        map: Option<String>,
        extra: BTreeMap<String, serde_json::Value>,
    }

    crate::object_serde! {
        Open {
            map: "map" optional,
        }
        extra extra
    }

    #[test]
    fn reads_and_writes_each_presence() {
        let sample: Sample = serde_json::from_str(
            r#"{"n\u0061me":"a","count":null,"type":"t","items":null,"note":null,"zzz":[1]}"#,
        )
        .unwrap();
        assert_eq!(
            sample,
            Sample {
                name: "a".into(),
                r#type: Some("t".into()),
                ..Sample::default()
            }
        );
        assert_eq!(
            serde_json::to_string(&sample).unwrap(),
            r#"{"name":"a","type":"t","items":[],"note":null,"meta":{}}"#
        );
        let error = serde_json::from_str::<Sample>(r#"{"items":[]}"#).unwrap_err();
        assert!(
            error.to_string().contains("missing field `name`"),
            "{error}"
        );
        let error = serde_json::from_str::<Sample>(r#"{"name":"a"}"#).unwrap_err();
        assert!(
            error.to_string().contains("missing field `items`"),
            "{error}"
        );
        let error = serde_json::from_str::<Sample>(r#"["a"]"#).unwrap_err();
        assert!(error.to_string().contains("struct Sample"), "{error}");
    }

    /// Types named like the macro's generic parameters and helpers.
    #[derive(Debug, Default, PartialEq)]
    struct A {
        s: Option<S>,
    }
    #[derive(Debug, Default, PartialEq)]
    struct S {
        d: Option<i32>,
    }
    crate::object_serde! {
        A {
            s: "s" optional,
        }
    }
    crate::object_serde! {
        S {
            d: "d" optional,
        }
    }

    #[test]
    fn type_names_do_not_clash_with_the_macros_own() {
        let a: A = serde_json::from_str(r#"{"s":{"d":1}}"#).unwrap();
        assert_eq!(a.s, Some(S { d: Some(1) }));
        assert_eq!(serde_json::to_string(&a).unwrap(), r#"{"s":{"d":1}}"#);
    }

    #[test]
    fn keeps_unknown_properties_in_the_extra_map() {
        // A field named like the macro's own locals does not clash with them.
        let open: Open = serde_json::from_str(r#"{"map":"m","x":1,"y":{"z":null}}"#).unwrap();
        assert_eq!(open.map.as_deref(), Some("m"));
        assert_eq!(open.extra.len(), 2);
        let value = serde_json::to_value(&open).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"map": "m", "x": 1, "y": {"z": null}})
        );
        let from_value: Open = serde_json::from_value(value).unwrap();
        assert_eq!(from_value, open);
    }
}
