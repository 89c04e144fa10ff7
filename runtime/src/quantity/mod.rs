//! [`Quantity`]: Kubernetes resource quantities (`500m`, `1.5Gi`, `12e6`), exact.
//!
//! Mirrors `k8s.io/apimachinery/pkg/api/resource.Quantity`: the same grammar, the same
//! rounding and capping, the same canonical printing, and never a float.

mod canonical;
mod decimal;
mod parse;
#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use decimal::Decimal;

/// The suffix family of a quantity, which Go keeps when it prints the value back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Powers of ten written with `e`: `12e6`.
    DecimalExponent,
    /// Powers of two: `Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei` (Go `BinarySI`).
    BinarySi,
    /// Powers of ten written with SI suffixes: `n`, `u`, `m`, `k`, `M`, `G`, `T`, `P`, `E`
    /// (Go `DecimalSI`).
    DecimalSi,
}

/// Why a string is not a quantity; the messages are Go's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// The string does not have the shape `<signedNumber><suffix>`.
    #[error(
        "invalid quantity {0:?}: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )]
    FormatWrong(String),
    /// The number part has no digits where Go needs some (such as `Ei` or `.e-10`).
    #[error("invalid quantity {0:?}: unable to parse numeric part of quantity")]
    Numeric(String),
    /// The suffix is not one of the known ones.
    #[error("invalid quantity {0:?}: unable to parse quantity's suffix")]
    Suffix(String),
}

/// A fixed-point resource quantity such as `500m` (CPU) or `1Gi` (memory).
///
/// The string is kept exactly as it was given and is what [`Display`](fmt::Display) and
/// serialization write back, so objects round-trip byte for byte. It is parsed on construction
/// with Go's grammar: `<signedNumber><suffix>`, where the number is digits with at most one
/// `.` and an optional `+`/`-`, and the suffix is binary SI (`Ki` … `Ei`), decimal SI (`n`,
/// `u`, `m`, none, `k`, `M`, `G`, `T`, `P`, `E`) or `e`/`E` with a signed exponent.
///
/// Equality, ordering and hashing use the numeric value, so `1` == `1000m` and
/// `1Ki` == `1024`. Like Go, parsing rounds a value finer than `1n` away from zero and caps
/// binary-SI values at 2^63-1. [`canonical`](Quantity::canonical) gives what Go would print.
///
/// Deserialization accepts a string (surrounding whitespace is ignored, as in Go) or a JSON
/// number, which becomes its decimal text (YAML writes `cpu: 1`). A float literal such as `1e3`
/// reaches us as a float and becomes `1000`, where Go would have kept `1e3`.
///
/// A `Quantity` keeps only its text and the JSON form it came in, 24 bytes like a
/// `String`: quantities fill the resource maps of every container and Pod status, so
/// cached objects stay as small as with a plain string. The numeric value is parsed again
/// (the text was validated when the quantity was made) when it is asked for.
#[derive(Clone)]
pub struct Quantity {
    text: Box<str>,
    /// The JSON form this was read from: a custom resource stores `cpu: 1` as a number,
    /// and writing it back as `"1"` would change the object.
    wire: Wire,
}

/// How a quantity is written back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wire {
    Text,
    /// A JSON integer, whose decimal text is `text`.
    Integer,
    /// A JSON float, whose shortest round-tripping text is `text`.
    Float,
}

impl Quantity {
    fn parse_text(text: String) -> Result<Self, QuantityError> {
        parse::parse(text.trim())?;
        Ok(Quantity {
            text: text.into_boxed_str(),
            wire: Wire::Text,
        })
    }

    /// The parsed form. The text was validated on construction, so parsing cannot fail;
    /// zero stands in if it ever did rather than a panic.
    fn parsed(&self) -> parse::Parsed {
        parse::parse(self.text.trim()).unwrap_or(parse::Parsed {
            value: Decimal::default(),
            format: Format::DecimalSi,
            keeps_input: true,
        })
    }

    /// The quantity as it was given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The suffix family Go prints this quantity with.
    pub fn format(&self) -> Format {
        self.parsed().format
    }

    /// Exactly what Go's `Quantity.String()` prints for this quantity, which is what the API
    /// server sends back after storing it.
    ///
    /// Usually that is the canonical form: the largest suffix of the same family that needs no
    /// fraction (`1000m` → `1`, `0.5` → `500m`, `1.5Gi` → `1536Mi`, `1024Mi` → `1Gi`). A binary
    /// value that is not a whole number or is below 1024 is printed as decimal SI
    /// (`0.1Ki` → `102400m`, `512` stays `512`).
    ///
    /// But Go keeps the input string unchanged when its fast parsing path finds it already
    /// "canonical-looking": that check ignores a leading `+`, leading zeros, a trailing `.` and
    /// the case of `e`, so `+1`, `01`, `1.` and `1E3` are printed as given.
    pub fn canonical(&self) -> String {
        let parsed = self.parsed();
        if parsed.keeps_input {
            self.text.trim().to_owned()
        } else {
            canonical::canonical(&parsed.value, parsed.format)
        }
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        self.parsed().value.is_zero()
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.parsed().value.is_negative()
    }

    /// The value rounded up (away from zero) to an integer, or `None` if it does not fit in
    /// an `i64` (where Go's `Value()` silently overflows).
    pub fn value(&self) -> Option<i64> {
        self.parsed().value.to_i64_away_from_zero(0)
    }

    /// The value in thousandths, rounded up (away from zero): `ceil(q * 1000)`, like Go's
    /// `MilliValue()`, or `None` if it does not fit in an `i64`.
    pub fn milli_value(&self) -> Option<i64> {
        self.parsed().value.to_i64_away_from_zero(-3)
    }

    /// The value in units of `10^scale`, rounded up (away from zero), like Go's
    /// `ScaledValue(scale)`: `scaled_value(-9)` is nanos, `scaled_value(6)` is mega.
    pub fn scaled_value(&self, scale: i32) -> Option<i64> {
        self.parsed().value.to_i64_away_from_zero(i64::from(scale))
    }
}

impl Default for Quantity {
    /// Zero, written `0`.
    fn default() -> Self {
        Quantity {
            text: "0".into(),
            wire: Wire::Text,
        }
    }
}

impl fmt::Debug for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Quantity").field(&self.text).finish()
    }
}

impl fmt::Display for Quantity {
    /// Writes the quantity as it was given.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for Quantity {
    type Err = QuantityError;

    /// Parses with Go's grammar; unlike deserialization, surrounding whitespace is an error.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().len() != s.len() {
            return Err(QuantityError::FormatWrong(s.to_owned()));
        }
        Quantity::parse_text(s.to_owned())
    }
}

impl TryFrom<&str> for Quantity {
    type Error = QuantityError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<String> for Quantity {
    type Error = QuantityError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        if s.trim().len() != s.len() {
            return Err(QuantityError::FormatWrong(s));
        }
        Quantity::parse_text(s)
    }
}

impl From<i64> for Quantity {
    /// A plain integer quantity, such as `2` CPUs.
    fn from(value: i64) -> Self {
        // Integers always parse; the fallback only keeps this free of panics.
        Quantity::parse_text(value.to_string()).unwrap_or_default()
    }
}

impl From<i32> for Quantity {
    /// A plain integer quantity, such as `2` CPUs.
    fn from(value: i32) -> Self {
        Quantity::from(i64::from(value))
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.parsed().value == other.parsed().value
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parsed().value.cmp(&other.parsed().value)
    }
}

impl Hash for Quantity {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The value is normalized, so equal quantities hash alike whatever their text.
        self.parsed().value.hash(state);
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The text of a number was written from that number, so it reads back exactly.
        match self.wire {
            Wire::Integer => {
                if let Ok(v) = self.text.parse::<i64>() {
                    return serializer.serialize_i64(v);
                }
                if let Ok(v) = self.text.parse::<u64>() {
                    return serializer.serialize_u64(v);
                }
            }
            Wire::Float => {
                if let Ok(v) = self.text.parse::<f64>() {
                    return serializer.serialize_f64(v);
                }
            }
            Wire::Text => {}
        }
        serializer.serialize_str(&self.text)
    }
}

struct QuantityVisitor;

impl QuantityVisitor {
    fn parse<E: de::Error>(text: String) -> Result<Quantity, E> {
        Quantity::parse_text(text).map_err(E::custom)
    }
}

impl Visitor<'_> for QuantityVisitor {
    type Value = Quantity;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a quantity string such as \"500m\" or \"1Gi\", or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
        Self::parse(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Quantity, E> {
        Self::parse(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
        Ok(Quantity {
            wire: Wire::Integer,
            ..Quantity::from(v)
        })
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
        Ok(Quantity {
            wire: Wire::Integer,
            ..Self::parse(v.to_string())?
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
        // Rust prints floats in plain positional notation, which the grammar accepts.
        // JSON has no NaN or infinity, so a float that cannot be written back as a number
        // is written as its text.
        let wire = if v.is_finite() {
            Wire::Float
        } else {
            Wire::Text
        };
        Ok(Quantity {
            wire,
            ..Self::parse(v.to_string())?
        })
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(QuantityVisitor)
    }
}
