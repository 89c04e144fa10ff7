//! [`IntOrString`]: `k8s.io/apimachinery/pkg/util/intstr.IntOrString`.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that is either a 32-bit integer or a string on the wire, such as a container port
/// (`8080` or `"http"`) or a rolling-update bound (`1` or `"25%"`).
///
/// JSON numbers become [`IntOrString::Int`] and strings [`IntOrString::String`]; a number
/// that is not an integer in the `i32` range is rejected, as Go rejects it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntOrString {
    /// An integer value.
    Int(i32),
    /// A string value (a name, or a percentage such as `"25%"`).
    String(String),
}

/// Why [`IntOrString::scaled_value`] could not compute a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntOrStringError {
    /// A string value that does not end in `%`.
    #[error("invalid value {0:?}: a string must be a percentage such as \"25%\"")]
    NotAPercentage(String),
    /// A percentage whose number is not an integer.
    #[error("invalid percentage {0:?}: not an integer followed by %")]
    InvalidPercentage(String),
    /// The scaled result does not fit in an `i64`.
    #[error("{percent}% of {total} does not fit in a 64-bit integer")]
    Overflow {
        /// The percentage.
        percent: i64,
        /// The total it was applied to.
        total: i64,
    },
}

impl IntOrString {
    /// Resolves an absolute value or a percentage of `total`, like client-go's
    /// `intstr.GetScaledValueFromIntOrPercent`.
    ///
    /// An `Int` is returned as is. A string must be an integer followed by `%` (`"25%"`); the
    /// result is `percent * total / 100`, rounded up when `round_up` is set and down otherwise.
    /// Go computes this in `float64`; here it is exact.
    pub fn scaled_value(&self, total: i64, round_up: bool) -> Result<i64, IntOrStringError> {
        let s = match self {
            IntOrString::Int(i) => return Ok(i64::from(*i)),
            IntOrString::String(s) => s,
        };
        let number = s
            .strip_suffix('%')
            .ok_or_else(|| IntOrStringError::NotAPercentage(s.clone()))?;
        let percent: i64 = number
            .parse()
            .map_err(|_| IntOrStringError::InvalidPercentage(s.clone()))?;
        let product = i128::from(percent) * i128::from(total);
        let scaled = if round_up {
            -(-product).div_euclid(100)
        } else {
            product.div_euclid(100)
        };
        i64::try_from(scaled).map_err(|_| IntOrStringError::Overflow { percent, total })
    }
}

impl Default for IntOrString {
    fn default() -> Self {
        IntOrString::Int(0)
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

impl From<i32> for IntOrString {
    fn from(i: i32) -> Self {
        IntOrString::Int(i)
    }
}

impl From<&str> for IntOrString {
    fn from(s: &str) -> Self {
        IntOrString::String(s.to_owned())
    }
}

impl From<String> for IntOrString {
    fn from(s: String) -> Self {
        IntOrString::String(s)
    }
}

impl Serialize for IntOrString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            IntOrString::Int(i) => serializer.serialize_i32(*i),
            IntOrString::String(s) => serializer.serialize_str(s),
        }
    }
}

struct IntOrStringVisitor;

impl IntOrStringVisitor {
    fn int<E: de::Error>(v: impl TryInto<i32> + fmt::Display + Copy) -> Result<IntOrString, E> {
        v.try_into().map(IntOrString::Int).map_err(|_| {
            E::custom(format_args!(
                "integer {v} is out of range for an int-or-string (32-bit)"
            ))
        })
    }
}

impl<'de> Visitor<'de> for IntOrStringVisitor {
    type Value = IntOrString;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a 32-bit integer or a string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrString, E> {
        Self::int(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrString, E> {
        Self::int(v)
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<IntOrString, E> {
        Self::int(v)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<IntOrString, E> {
        Self::int(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrString, E> {
        Ok(IntOrString::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<IntOrString, E> {
        Ok(IntOrString::String(v))
    }
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IntOrStringVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip() {
        for (json, value) in [
            ("8080", IntOrString::Int(8080)),
            ("-1", IntOrString::Int(-1)),
            (r#""http""#, IntOrString::from("http")),
            (r#""25%""#, IntOrString::from("25%")),
            (r#""80""#, IntOrString::from("80")),
        ] {
            let parsed: IntOrString = serde_json::from_str(json).unwrap();
            assert_eq!(parsed, value);
            assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        }
    }

    #[test]
    fn rejects_non_int32_numbers() {
        for json in [
            "2147483648",
            "-2147483649",
            "1.5",
            "1.0",
            "true",
            "null",
            "[]",
        ] {
            let err = serde_json::from_str::<IntOrString>(json).unwrap_err();
            assert!(!err.to_string().is_empty(), "{json}");
        }
        let err = serde_json::from_str::<IntOrString>("4294967296").unwrap_err();
        assert!(err.to_string().contains("out of range"), "{err}");
        assert_eq!(
            serde_json::from_str::<IntOrString>("2147483647").unwrap(),
            IntOrString::Int(i32::MAX)
        );
    }

    #[test]
    fn display_and_conversions() {
        assert_eq!(IntOrString::from(3).to_string(), "3");
        assert_eq!(IntOrString::from(String::from("a")).to_string(), "a");
        assert_eq!(IntOrString::default(), IntOrString::Int(0));
    }

    #[test]
    fn scaled_values_match_client_go() {
        // (value, total, round_up, expected) from client-go's intstr tests and a few more.
        let cases: &[(IntOrString, i64, bool, i64)] = &[
            (IntOrString::Int(5), 100, true, 5),
            (IntOrString::Int(5), 100, false, 5),
            ("25%".into(), 100, true, 25),
            ("25%".into(), 10, true, 3),
            ("25%".into(), 10, false, 2),
            ("10%".into(), 5, true, 1),
            ("10%".into(), 5, false, 0),
            ("0%".into(), 7, true, 0),
            ("100%".into(), 7, false, 7),
            ("150%".into(), 3, true, 5),
            ("-25%".into(), 10, true, -2),
            ("-25%".into(), 10, false, -3),
        ];
        for (value, total, round_up, want) in cases {
            assert_eq!(
                value.scaled_value(*total, *round_up),
                Ok(*want),
                "{value} of {total} (round up: {round_up})"
            );
        }
    }

    #[test]
    fn scaled_value_errors() {
        assert_eq!(
            IntOrString::from("25").scaled_value(10, true),
            Err(IntOrStringError::NotAPercentage("25".into()))
        );
        assert_eq!(
            IntOrString::from("x%").scaled_value(10, true),
            Err(IntOrStringError::InvalidPercentage("x%".into()))
        );
        assert!(matches!(
            IntOrString::from("9223372036854775807%").scaled_value(1000, true),
            Err(IntOrStringError::Overflow { .. })
        ));
    }
}
