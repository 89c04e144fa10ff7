//! [`Duration`]: `meta/v1.Duration`, written as a Go `time.Duration` string.

use std::fmt::{self, Write as _};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The error returned when a string is not a Go duration this type can hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationParseError {
    /// The string is not of the form `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` (or `0`).
    #[error("invalid duration {0:?}")]
    Invalid(String),
    /// A number has no unit after it.
    #[error("missing unit in duration {0:?}")]
    MissingUnit(String),
    /// A unit is not one of `ns`, `us`, `µs`, `ms`, `s`, `m`, `h`.
    #[error("unknown unit {unit:?} in duration {input:?}")]
    UnknownUnit {
        /// The unit found.
        unit: String,
        /// The whole input.
        input: String,
    },
    /// The duration is negative, which `std::time::Duration` cannot hold.
    #[error("negative duration {0:?} is not supported")]
    Negative(String),
    /// The duration exceeds Go's limit of 2^63-1 nanoseconds (about 292 years).
    #[error("duration {0:?} is too large")]
    Overflow(String),
}

/// `meta/v1.Duration`: a span of time written as Go's `time.Duration.String()` form, such as
/// `1h2m3.5s`, `300ms` or `0s`.
///
/// Parsing follows Go's `time.ParseDuration` (units `ns`, `us`/`µs`/`μs`, `ms`, `s`, `m`, `h`,
/// decimal fractions, several terms such as `2h45m`), except that negative durations are
/// rejected because `std::time::Duration` is unsigned. Fractions go through `f64` exactly as in
/// Go, so every result matches Go's to the nanosecond.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(pub std::time::Duration);

const NANOS_PER_MICRO: u128 = 1_000;
const NANOS_PER_MILLI: u128 = 1_000_000;
const NANOS_PER_SECOND: u128 = 1_000_000_000;

/// Go rejects sums above 2^63 before applying the sign.
const GO_LIMIT: u128 = 1 << 63;

fn unit_nanos(unit: &str) -> Option<u128> {
    Some(match unit {
        "ns" => 1,
        // Go accepts both the micro sign (U+00B5) and the Greek mu (U+03BC).
        "us" | "\u{b5}s" | "\u{3bc}s" => NANOS_PER_MICRO,
        "ms" => NANOS_PER_MILLI,
        "s" => NANOS_PER_SECOND,
        "m" => 60 * NANOS_PER_SECOND,
        "h" => 3600 * NANOS_PER_SECOND,
        _ => return None,
    })
}

/// Go's `leadingInt`: `None` when the digits exceed 2^63.
fn leading_int(digits: &str) -> Option<u128> {
    let mut x: u128 = 0;
    for d in digits.bytes() {
        x = x * 10 + u128::from(d - b'0');
        if x > GO_LIMIT {
            return None;
        }
    }
    Some(x)
}

/// Go's `leadingFraction`: the digits as an integer and `10^count`, ignoring digits once the
/// integer would pass 2^63 (they cannot change the result by a nanosecond).
fn leading_fraction(digits: &str) -> (u64, f64) {
    let mut x: u64 = 0;
    let mut scale = 1.0;
    for d in digits.bytes() {
        let next = x
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')));
        match next {
            Some(y) if u128::from(y) <= GO_LIMIT => {
                x = y;
                scale *= 10.0;
            }
            _ => break,
        }
    }
    (x, scale)
}

fn parse_go_duration(input: &str) -> Result<std::time::Duration, DurationParseError> {
    let invalid = || DurationParseError::Invalid(input.to_owned());
    let (negative, mut rest) = match input.as_bytes().first() {
        Some(b'-') => (true, &input[1..]),
        Some(b'+') => (false, &input[1..]),
        _ => (false, input),
    };
    if rest == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_digits, after_int) = rest.split_at(int_len);
        let mut frac_digits = "";
        let mut after_number = after_int;
        if let Some(after_dot) = after_int.strip_prefix('.') {
            let frac_len = after_dot.bytes().take_while(u8::is_ascii_digit).count();
            (frac_digits, after_number) = after_dot.split_at(frac_len);
        } else if int_len == 0 {
            return Err(invalid());
        }
        if int_digits.is_empty() && frac_digits.is_empty() {
            return Err(invalid());
        }
        let unit_len = after_number
            .find(|c: char| c == '.' || c.is_ascii_digit())
            .unwrap_or(after_number.len());
        if unit_len == 0 {
            return Err(DurationParseError::MissingUnit(input.to_owned()));
        }
        let (unit, tail) = after_number.split_at(unit_len);
        let unit_ns = unit_nanos(unit).ok_or_else(|| DurationParseError::UnknownUnit {
            unit: unit.to_owned(),
            input: input.to_owned(),
        })?;

        let whole = leading_int(int_digits).ok_or_else(invalid)?;
        let (frac, scale) = leading_fraction(frac_digits);
        if whole > GO_LIMIT / unit_ns {
            return Err(DurationParseError::Overflow(input.to_owned()));
        }
        let mut value = whole * unit_ns;
        if frac > 0 {
            // Go computes the fraction in float64 and truncates; doing the same keeps every
            // result identical to Go's to the nanosecond.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let frac_ns = (frac as f64 * (unit_ns as f64 / scale)) as u64;
            value += u128::from(frac_ns);
            if value > GO_LIMIT {
                return Err(DurationParseError::Overflow(input.to_owned()));
            }
        }
        total += value;
        if total > GO_LIMIT {
            return Err(DurationParseError::Overflow(input.to_owned()));
        }
        rest = tail;
    }
    if negative && total > 0 {
        return Err(DurationParseError::Negative(input.to_owned()));
    }
    let nanos = u64::try_from(total)
        .ok()
        .filter(|n| i64::try_from(*n).is_ok())
        .ok_or_else(|| DurationParseError::Overflow(input.to_owned()))?;
    Ok(std::time::Duration::from_nanos(nanos))
}

/// Writes `value / 10^digits` with its fraction (trailing zeros trimmed, no `.` when the
/// fraction is zero), as Go's `fmtFrac` followed by `fmtInt` does.
fn write_with_fraction(out: &mut String, value: u128, digits: u32) -> fmt::Result {
    let divisor = 10u128.pow(digits);
    write!(out, "{}", value / divisor)?;
    let frac = value % divisor;
    if frac != 0 {
        let text = format!("{frac:0width$}", width = digits as usize);
        write!(out, ".{}", text.trim_end_matches('0'))?;
    }
    Ok(())
}

fn format_go_duration(d: std::time::Duration) -> Result<String, fmt::Error> {
    let nanos = d.as_nanos();
    let mut out = String::new();
    if nanos == 0 {
        out.push_str("0s");
    } else if nanos < NANOS_PER_MICRO {
        write!(out, "{nanos}ns")?;
    } else if nanos < NANOS_PER_MILLI {
        write_with_fraction(&mut out, nanos, 3)?;
        out.push_str("\u{b5}s");
    } else if nanos < NANOS_PER_SECOND {
        write_with_fraction(&mut out, nanos, 6)?;
        out.push_str("ms");
    } else {
        // Go stops at hours because days have different lengths.
        let seconds = nanos / NANOS_PER_SECOND;
        let (hours, minutes) = (seconds / 3600, seconds / 60 % 60);
        if hours > 0 {
            write!(out, "{hours}h")?;
        }
        if hours > 0 || minutes > 0 {
            write!(out, "{minutes}m")?;
        }
        write_with_fraction(&mut out, nanos % (60 * NANOS_PER_SECOND), 9)?;
        out.push('s');
    }
    Ok(out)
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_go_duration(self.0)?)
    }
}

impl FromStr for Duration {
    type Err = DurationParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_go_duration(s).map(Duration)
    }
}

impl From<std::time::Duration> for Duration {
    fn from(d: std::time::Duration) -> Self {
        Duration(d)
    }
}

impl From<Duration> for std::time::Duration {
    fn from(d: Duration) -> Self {
        d.0
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration as Std;

    fn d(s: &str) -> Result<Std, DurationParseError> {
        s.parse::<Duration>().map(|d| d.0)
    }

    #[test]
    fn parses_go_durations() {
        let cases: &[(&str, Std)] = &[
            ("0", Std::ZERO),
            ("0s", Std::ZERO),
            ("+0", Std::ZERO),
            ("-0", Std::ZERO),
            ("-0s", Std::ZERO),
            ("5s", Std::from_secs(5)),
            ("30s", Std::from_secs(30)),
            ("1478s", Std::from_secs(1478)),
            ("+5s", Std::from_secs(5)),
            ("5.0s", Std::from_secs(5)),
            ("5.6s", Std::from_millis(5600)),
            ("5.s", Std::from_secs(5)),
            (".5s", Std::from_millis(500)),
            ("1.0s", Std::from_secs(1)),
            ("1.00s", Std::from_secs(1)),
            ("1.004s", Std::from_millis(1004)),
            ("1.0040s", Std::from_millis(1004)),
            ("100.00100s", Std::from_millis(100_001)),
            ("10ns", Std::from_nanos(10)),
            ("11us", Std::from_micros(11)),
            ("12\u{b5}s", Std::from_micros(12)),
            ("12\u{3bc}s", Std::from_micros(12)),
            ("13ms", Std::from_millis(13)),
            ("14s", Std::from_secs(14)),
            ("15m", Std::from_secs(15 * 60)),
            ("16h", Std::from_secs(16 * 3600)),
            ("3h30m", Std::from_secs(3 * 3600 + 30 * 60)),
            ("10.5s4m", Std::from_millis(4 * 60_000 + 10_500)),
            ("1h2m3s4ms5us6ns", Std::new(3723, 4_005_006)),
            ("39h9m14.425s", Std::from_millis(140_954_425)),
            ("52763797000ns", Std::from_nanos(52_763_797_000)),
            ("0.3333333333333333333h", Std::from_secs(20 * 60)),
            ("9007199254740993ns", Std::from_nanos(9_007_199_254_740_993)),
            (
                "9223372036854775807ns",
                Std::from_nanos(9_223_372_036_854_775_807),
            ),
            (
                "9223372036854775.807us",
                Std::from_nanos(9_223_372_036_854_775_807),
            ),
            ("0.100000000000000000000h", Std::from_secs(360)),
            (
                "0.830103483285477580700h",
                Std::from_nanos(2_988_372_539_827),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(d(input).as_ref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn rejects_what_go_rejects() {
        for input in [
            "",
            "3",
            "-",
            "s",
            ".",
            "-.",
            ".s",
            "+.s",
            "1d",
            "\u{85}\u{85}",
            "\u{ffff}",
            "3.4.5s",
            "1.5.3s",
            "9223372036854775808ns",
            "9223372036854775.808us",
            "3000000h",
        ] {
            assert!(d(input).is_err(), "{input:?} should not parse");
        }
        assert_eq!(
            d("1d"),
            Err(DurationParseError::UnknownUnit {
                unit: "d".into(),
                input: "1d".into()
            })
        );
        assert_eq!(d("3"), Err(DurationParseError::MissingUnit("3".into())));
        assert_eq!(
            d("-1.5h"),
            Err(DurationParseError::Negative("-1.5h".into()))
        );
    }

    #[test]
    fn prints_like_go() {
        let cases: &[(Std, &str)] = &[
            (Std::ZERO, "0s"),
            (Std::from_nanos(1), "1ns"),
            (Std::from_nanos(1100), "1.1\u{b5}s"),
            (Std::from_micros(2200), "2.2ms"),
            (Std::from_millis(3300), "3.3s"),
            (Std::from_secs(4 * 60 + 5), "4m5s"),
            (Std::from_millis(4 * 60_000 + 5_001), "4m5.001s"),
            (
                Std::from_millis(5 * 3_600_000 + 6 * 60_000 + 7_001),
                "5h6m7.001s",
            ),
            (
                Std::from_nanos(8 * 60 * 1_000_000_000 + 1),
                "8m0.000000001s",
            ),
            (Std::from_secs(3600), "1h0m0s"),
            (Std::from_secs(60), "1m0s"),
            (Std::from_millis(300), "300ms"),
            (Std::from_nanos(i64::MAX as u64), "2562047h47m16.854775807s"),
        ];
        for (input, want) in cases {
            assert_eq!(Duration(*input).to_string(), *want);
            assert_eq!(d(want).as_ref(), Ok(input), "{want} parses back");
        }
    }

    #[test]
    fn serde_uses_strings() {
        let v: Duration = serde_json::from_str(r#""1h2m3.5s""#).unwrap();
        assert_eq!(v.0, Std::from_millis(3_723_500));
        assert_eq!(serde_json::to_string(&v).unwrap(), r#""1h2m3.5s""#);
        assert!(serde_json::from_str::<Duration>("5").is_err());
    }
}
