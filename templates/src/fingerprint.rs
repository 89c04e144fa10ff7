//! Structural fingerprints of IR types: two types with the same fingerprint
//! have the same shape on the wire, whatever they are called or documented.
//!
//! Used to share one type where a spec repeats a subtree, and to recognise
//! built-in Kubernetes types embedded in CRDs. A fingerprint covers property
//! names, value types, required-ness, nullability and what happens to
//! unknown properties; it ignores names, descriptions, defaults and
//! validations, which do not change what a value can hold.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Api, TypeDef, TypePath, TypeRef, UnknownFields, WellKnown};

/// How strictly two types must agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strictness {
    /// Same Rust shape: enums must list the same values.
    Exact,
    /// Same wire shape for reuse: any string enum matches a string (a
    /// fallback variant keeps every value), and int-or-string matches
    /// `Quantity` (both hold a number or a string and write it back as read).
    Wire,
}

/// Computes and caches fingerprints over one IR.
pub struct Fingerprints<'a> {
    api: &'a Api,
    strictness: Strictness,
    cache: BTreeMap<TypePath, u128>,
    in_progress: BTreeSet<TypePath>,
}

impl<'a> Fingerprints<'a> {
    /// Fingerprints over `api`.
    pub fn new(api: &'a Api, strictness: Strictness) -> Self {
        Self {
            api,
            strictness,
            cache: BTreeMap::new(),
            in_progress: BTreeSet::new(),
        }
    }

    /// The fingerprint of a generated type.
    pub fn of_type(&mut self, path: &TypePath) -> u128 {
        if let Some(known) = self.cache.get(path) {
            return *known;
        }
        if self.in_progress.contains(path) {
            // A recursive type matches only itself.
            return fnv(format!(
                "recursive:{}::{}::{}",
                path.group_module, path.version_module, path.name
            )
            .as_bytes());
        }
        self.in_progress.insert(path.clone());
        let canonical = match self.api.type_def(path) {
            None => format!("missing:{}", path.name),
            Some(TypeDef::Enum(def)) => match self.strictness {
                Strictness::Wire => "string".to_owned(),
                Strictness::Exact => {
                    let mut values: Vec<&str> =
                        def.variants.iter().map(|v| v.wire_value.as_str()).collect();
                    values.sort_unstable();
                    format!("enum[{}]", values.join("\u{1}"))
                }
            },
            Some(TypeDef::Struct(def)) => {
                let mut fields: Vec<String> = def
                    .fields
                    .iter()
                    .map(|field| {
                        let name = match self.strictness {
                            Strictness::Exact => format!("{}={}", field.wire_name, field.rust_name),
                            Strictness::Wire => field.wire_name.clone(),
                        };
                        format!(
                            "{name}:{}:{}:{:x}",
                            field.required,
                            field.nullable,
                            self.of_ref(&field.ty)
                        )
                    })
                    .collect();
                fields.sort_unstable();
                let unknown = match &def.unknown_fields {
                    UnknownFields::Drop => "drop".to_owned(),
                    UnknownFields::Preserve => "preserve".to_owned(),
                    UnknownFields::Typed(ty) => format!("typed:{:x}", self.of_ref(ty)),
                };
                format!("struct{{{}}}{unknown}", fields.join("\u{1}"))
            }
        };
        self.in_progress.remove(path);
        let fingerprint = fnv(canonical.as_bytes());
        self.cache.insert(path.clone(), fingerprint);
        fingerprint
    }

    /// The fingerprint of a field's value type.
    pub fn of_ref(&mut self, ty: &TypeRef) -> u128 {
        let canonical = match ty {
            TypeRef::Named(path) => return self.of_type(path),
            TypeRef::Array(item) => format!("[{:x}]", self.of_ref(item)),
            TypeRef::Map(value) => format!("{{{:x}}}", self.of_ref(value)),
            TypeRef::WellKnown(WellKnown::Quantity) if self.strictness == Strictness::Wire => {
                "int-or-string".to_owned()
            }
            TypeRef::WellKnown(WellKnown::IntOrString) if self.strictness == Strictness::Wire => {
                "int-or-string".to_owned()
            }
            TypeRef::WellKnown(known) => format!("{known:?}"),
            TypeRef::External(path) => format!("external:{path}"),
            TypeRef::Bool => "bool".to_owned(),
            TypeRef::I32 => "i32".to_owned(),
            TypeRef::I64 => "i64".to_owned(),
            TypeRef::F64 => "f64".to_owned(),
            TypeRef::String => "string".to_owned(),
            TypeRef::Bytes => "bytes".to_owned(),
            TypeRef::Json => "json".to_owned(),
        };
        fnv(canonical.as_bytes())
    }
}

/// FNV-1a, 128 bits: stable across runs, platforms and Rust versions (the
/// fingerprints of built-in types are stored in a file), and wide enough
/// that distinct shapes do not collide in practice.
pub fn fnv(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut hash = OFFSET;
    for byte in bytes {
        hash ^= u128::from(*byte);
        hash = hash.wrapping_mul(PRIME);
    }
    hash
}
