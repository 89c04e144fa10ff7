//! [`Time`] and [`MicroTime`]: RFC 3339 timestamps.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The error returned when a string is not an RFC 3339 timestamp.
#[derive(Debug, thiserror::Error)]
#[error("invalid timestamp {input:?}: {source}")]
pub struct TimeParseError {
    input: String,
    #[source]
    source: jiff::Error,
}

/// Go's zero `time.Time`, `0001-01-01T00:00:00Z`: what an unset Go field holds, so it is our
/// `Default` too.
const GO_ZERO: jiff::Timestamp = jiff::Timestamp::constant(-62_135_596_800, 0);

fn parse_timestamp(s: &str) -> Result<jiff::Timestamp, TimeParseError> {
    s.parse().map_err(|source| TimeParseError {
        input: s.to_owned(),
        source,
    })
}

/// Deserializes a timestamp string; `null` gives Go's zero time, because Go writes an unset
/// non-pointer time (such as `creationTimestamp` of a pod template) as `null`.
fn deserialize_timestamp<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<jiff::Timestamp, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        Some(s) => parse_timestamp(&s).map_err(serde::de::Error::custom),
        None => Ok(GO_ZERO),
    }
}

/// `meta/v1.Time`: a timestamp with second precision on the Kubernetes wire.
///
/// Parses any RFC 3339 timestamp (with any offset and any fractional digits). Prints RFC 3339
/// in UTC with a `Z`: without a fractional part when the sub-second part is zero (which is what
/// Kubernetes writes, `2006-01-02T15:04:05Z`), otherwise with just the digits needed. Go's
/// `metav1.Time` truncates to whole seconds when it serializes; keeping the fraction instead
/// lets CRD `date-time` fields that carry one round-trip unchanged.
///
/// The default is Go's zero time, `0001-01-01T00:00:00Z`, and `null` deserializes to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub jiff::Timestamp);

impl Time {
    /// The current time.
    pub fn now() -> Self {
        Time(jiff::Timestamp::now())
    }

    /// Whether this is Go's zero time (the [`Default`]), which Go treats as "unset".
    pub fn is_zero(&self) -> bool {
        self.0 == GO_ZERO
    }
}

impl Default for Time {
    fn default() -> Self {
        Time(GO_ZERO)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // jiff prints UTC with `Z` and trims trailing fractional zeros, which is our format.
        write!(f, "{}", self.0)
    }
}

impl FromStr for Time {
    type Err = TimeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_timestamp(s).map(Time)
    }
}

impl From<jiff::Timestamp> for Time {
    fn from(ts: jiff::Timestamp) -> Self {
        Time(ts)
    }
}

impl From<Time> for jiff::Timestamp {
    fn from(t: Time) -> Self {
        t.0
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_timestamp(deserializer).map(Time)
    }
}

/// `meta/v1.MicroTime`: a timestamp with microsecond precision.
///
/// Always prints exactly six fractional digits in UTC, `2006-01-02T15:04:05.000000Z`, truncating
/// nanoseconds like Go does; the API server rejects any other form for these fields. Parsing
/// accepts any RFC 3339 timestamp.
///
/// The default is Go's zero time, `0001-01-01T00:00:00Z`, and `null` deserializes to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MicroTime(pub jiff::Timestamp);

impl MicroTime {
    /// The current time.
    pub fn now() -> Self {
        MicroTime(jiff::Timestamp::now())
    }

    /// Whether this is Go's zero time (the [`Default`]), which Go treats as "unset".
    pub fn is_zero(&self) -> bool {
        self.0 == GO_ZERO
    }
}

impl Default for MicroTime {
    fn default() -> Self {
        MicroTime(GO_ZERO)
    }
}

impl fmt::Display for MicroTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // jiff's precision truncates (never rounds), matching Go's layout `.000000`.
        write!(f, "{:.6}", self.0)
    }
}

impl FromStr for MicroTime {
    type Err = TimeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_timestamp(s).map(MicroTime)
    }
}

impl From<jiff::Timestamp> for MicroTime {
    fn from(ts: jiff::Timestamp) -> Self {
        MicroTime(ts)
    }
}

impl From<MicroTime> for jiff::Timestamp {
    fn from(t: MicroTime) -> Self {
        t.0
    }
}

impl From<Time> for MicroTime {
    fn from(t: Time) -> Self {
        MicroTime(t.0)
    }
}

impl Serialize for MicroTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MicroTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_timestamp(deserializer).map(MicroTime)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn time_prints_kubernetes_form() {
        let cases = [
            ("2006-01-02T15:04:05Z", "2006-01-02T15:04:05Z"),
            ("2006-01-02T15:04:05.000Z", "2006-01-02T15:04:05Z"),
            ("2006-01-02T15:04:05.5Z", "2006-01-02T15:04:05.5Z"),
            (
                "2006-01-02T15:04:05.123456789Z",
                "2006-01-02T15:04:05.123456789Z",
            ),
            ("2006-01-02T17:04:05+02:00", "2006-01-02T15:04:05Z"),
            ("2006-01-02T10:04:05.120-05:00", "2006-01-02T15:04:05.12Z"),
        ];
        for (input, want) in cases {
            let t: Time = input.parse().unwrap();
            assert_eq!(t.to_string(), want, "{input}");
        }
    }

    #[test]
    fn micro_time_always_has_six_digits() {
        let cases = [
            ("2006-01-02T15:04:05Z", "2006-01-02T15:04:05.000000Z"),
            ("2006-01-02T15:04:05.5Z", "2006-01-02T15:04:05.500000Z"),
            (
                "2006-01-02T15:04:05.123456789Z",
                "2006-01-02T15:04:05.123456Z",
            ),
            (
                "2006-01-02T17:04:05.000001+02:00",
                "2006-01-02T15:04:05.000001Z",
            ),
        ];
        for (input, want) in cases {
            let t: MicroTime = input.parse().unwrap();
            assert_eq!(t.to_string(), want, "{input}");
        }
    }

    #[test]
    fn serde_round_trip() {
        let t: Time = serde_json::from_str(r#""2024-05-06T07:08:09Z""#).unwrap();
        assert_eq!(t.0, ts("2024-05-06T07:08:09Z"));
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#""2024-05-06T07:08:09Z""#
        );
        let m: MicroTime = serde_json::from_str(r#""2024-05-06T07:08:09.123456Z""#).unwrap();
        assert_eq!(
            serde_json::to_string(&m).unwrap(),
            r#""2024-05-06T07:08:09.123456Z""#
        );
    }

    #[test]
    fn null_is_go_zero_time() {
        let t: Time = serde_json::from_str("null").unwrap();
        assert!(t.is_zero());
        assert_eq!(t, Time::default());
        assert_eq!(t.to_string(), "0001-01-01T00:00:00Z");
        let opt: Option<Time> = serde_json::from_str("null").unwrap();
        assert_eq!(opt, None);
    }

    #[test]
    fn rejects_garbage() {
        assert!("yesterday".parse::<Time>().is_err());
        assert!(serde_json::from_str::<Time>("12").is_err());
        assert!(serde_json::from_str::<MicroTime>(r#""2024-13-01T00:00:00Z""#).is_err());
    }

    #[test]
    fn ordering_follows_time() {
        let a: Time = "2024-01-01T00:00:00Z".parse().unwrap();
        let b: Time = "2024-01-01T00:00:01Z".parse().unwrap();
        assert!(a < b);
        assert!(Time::now() > b);
    }
}
