//! The string formats CRD validation checks (the go-openapi `strfmt` registry
//! as apiextensions-apiserver v1.32 keeps it); any other format is ignored.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use base64::Engine;
use regex::Regex;

/// go-openapi compares format names without dashes (`date-time` is `datetime`).
fn normalized(format: &str) -> String {
    format.replace('-', "")
}

/// Whether the server checks this format.
pub(super) fn known(format: &str) -> bool {
    matches!(
        normalized(format).as_str(),
        "bsonobjectid"
            | "uri"
            | "email"
            | "hostname"
            | "ipv4"
            | "ipv6"
            | "cidr"
            | "mac"
            | "uuid"
            | "uuid3"
            | "uuid4"
            | "uuid5"
            | "isbn"
            | "isbn10"
            | "isbn13"
            | "creditcard"
            | "ssn"
            | "hexcolor"
            | "rgbcolor"
            | "byte"
            | "password"
            | "date"
            | "duration"
            | "datetime"
    )
}

fn regex(pattern: &str) -> Regex {
    match Regex::new(pattern) {
        Ok(regex) => regex,
        // The patterns are the literals below; the unit tests compile each.
        Err(error) => unreachable!("invalid built-in pattern {pattern}: {error}"),
    }
}

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    regex("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$")
});
static UUID3: LazyLock<Regex> = LazyLock::new(|| {
    regex("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$")
});
static UUID4: LazyLock<Regex> = LazyLock::new(|| {
    regex("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$")
});
static UUID5: LazyLock<Regex> = LazyLock::new(|| {
    regex("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$")
});
static DATE_TIME: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
});
static HOSTNAME: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$",
    )
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| regex(r"^[^@\s<>]+@[^@\s<>]+$"));
static MAC: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?i)([0-9a-f]{2}([:-][0-9a-f]{2}){5}|[0-9a-f]{2}([:-][0-9a-f]{2}){7}|[0-9a-f]{2}([:-][0-9a-f]{2}){19}|[0-9a-f]{4}(\.[0-9a-f]{4}){2}|[0-9a-f]{4}(\.[0-9a-f]{4}){3}|[0-9a-f]{4}(\.[0-9a-f]{4}){9})$",
    )
});
static HEX_COLOR: LazyLock<Regex> = LazyLock::new(|| regex(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"));
static RGB_COLOR: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$",
    )
});
static SSN: LazyLock<Regex> = LazyLock::new(|| regex(r"^\d{3}[- ]?\d{2}[- ]?\d{4}$"));
static BSON_OBJECT_ID: LazyLock<Regex> = LazyLock::new(|| regex("^[0-9a-fA-F]{24}$"));
static ISBN10: LazyLock<Regex> = LazyLock::new(|| regex(r"^(?:[0-9]{9}X|[0-9]{10})$"));
static ISBN13: LazyLock<Regex> = LazyLock::new(|| regex(r"^(?:[0-9]{13})$"));
static CREDIT_CARD: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$",
    )
});
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(([+-]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+|0)$|^[0-9]+\s*(ns|us|µs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?)$",
    )
});

fn valid_date(text: &str) -> bool {
    jiff::civil::Date::strptime("%Y-%m-%d", text).is_ok() && text.len() == 10
}

fn valid_date_time(text: &str) -> bool {
    let Some(captures) = DATE_TIME.captures(text) else {
        return false;
    };
    let field = |i: usize| {
        captures
            .get(i)
            .and_then(|m| m.as_str().parse::<i32>().ok())
            .unwrap_or(-1)
    };
    valid_date(&text[..10]) && field(4) < 24 && field(5) < 60 && field(6) < 60
}

fn digits_only(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// Whether `text` is a valid `format` value.
pub(super) fn valid(format: &str, text: &str) -> bool {
    match normalized(format).as_str() {
        "bsonobjectid" => BSON_OBJECT_ID.is_match(text),
        "uri" => text.contains(':') || text.starts_with('/'),
        "email" => EMAIL.is_match(text),
        "hostname" => text.len() <= 255 && HOSTNAME.is_match(text),
        "ipv4" => text.parse::<Ipv4Addr>().is_ok(),
        "ipv6" => text.contains(':') && text.parse::<Ipv6Addr>().is_ok(),
        "cidr" => text.split_once('/').is_some_and(|(ip, bits)| {
            let max = match ip.parse::<IpAddr>() {
                Ok(IpAddr::V4(_)) => 32,
                Ok(IpAddr::V6(_)) => 128,
                Err(_) => return false,
            };
            bits.parse::<u8>().is_ok_and(|b| b <= max) && !bits.starts_with('+')
        }),
        "mac" => MAC.is_match(text),
        "uuid" => UUID.is_match(text),
        "uuid3" => UUID3.is_match(text),
        "uuid4" => UUID4.is_match(text),
        "uuid5" => UUID5.is_match(text),
        "isbn" => {
            let d = digits_only(text);
            ISBN10.is_match(&d) || ISBN13.is_match(&d)
        }
        "isbn10" => ISBN10.is_match(&digits_only(text)),
        "isbn13" => ISBN13.is_match(&digits_only(text)),
        "creditcard" => CREDIT_CARD.is_match(&digits_only(text)),
        "ssn" => SSN.is_match(text),
        "hexcolor" => HEX_COLOR.is_match(text),
        "rgbcolor" => RGB_COLOR.is_match(text),
        "byte" => base64::engine::general_purpose::STANDARD
            .decode(text)
            .is_ok(),
        "date" => valid_date(text),
        "duration" => DURATION.is_match(text),
        "datetime" => valid_date_time(text),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(valid("date-time", "2026-11-22T06:24:20Z"));
        assert!(valid("date-time", "2026-11-22T06:24:20.123+01:00"));
        assert!(!valid("date-time", "2026-13-22T06:24:20Z"));
        assert!(!valid("date-time", "yesterday"));
        assert!(valid("date", "2024-02-29"));
        assert!(!valid("date", "2023-02-29"));
        assert!(valid("byte", "aGVsbG8="));
        assert!(!valid("byte", "not base64!"));
        assert!(valid("uuid", "472961e5-cd86-4444-8f54-b4001edf60fd"));
        assert!(!valid("uuid", "x"));
        assert!(valid("ipv4", "10.0.0.1"));
        assert!(!valid("ipv4", "::1"));
        assert!(valid("ipv6", "::1"));
        assert!(valid("cidr", "10.0.0.0/24"));
        assert!(!valid("cidr", "10.0.0.0/33"));
        assert!(valid("mac", "01:23:45:67:89:ab"));
        assert!(valid("hostname", "example.com"));
        assert!(valid("duration", "1h30m"));
        for pattern in [&*HOSTNAME, &*MAC, &*RGB_COLOR, &*DURATION, &*CREDIT_CARD] {
            assert!(!pattern.as_str().is_empty());
        }
        assert!(!known("int32") && known("date-time"));
    }
}
