//! Table-driven tests; most tables come from apimachinery's `quantity_test.go`.

use std::collections::HashSet;

use super::decimal::Decimal;
use super::*;

fn q(s: &str) -> Quantity {
    s.parse()
        .unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
}

/// Go's `decQuantity(m, exp, format)`: the value `m × 10^exp`.
fn dec(m: i128, exp: i64) -> Decimal {
    let mut d = Decimal::from_i128(m);
    d.shift(exp);
    d
}

use Format::{BinarySi as Bin, DecimalExponent as Exp, DecimalSi as Si};

/// `TestQuantityParse`: input, expected value and format.
const PARSE_TABLE: &[(&str, i128, i64, Format)] = &[
    ("0", 0, 0, Si),
    ("0n", 0, 0, Si),
    ("0u", 0, 0, Si),
    ("0m", 0, 0, Si),
    ("0Ki", 0, 0, Bin),
    ("0k", 0, 0, Si),
    ("0Mi", 0, 0, Bin),
    ("0M", 0, 0, Si),
    ("0Gi", 0, 0, Bin),
    ("0G", 0, 0, Si),
    ("0Ti", 0, 0, Bin),
    ("0T", 0, 0, Si),
    // Quantity-less numbers are allowed.
    ("1", 1, 0, Si),
    // Binary suffixes.
    ("1Ki", 1024, 0, Bin),
    ("8Ki", 8 * 1024, 0, Bin),
    ("7Mi", 7 << 20, 0, Bin),
    ("6Gi", 6 << 30, 0, Bin),
    ("5Ti", 5 << 40, 0, Bin),
    ("4Pi", 4 << 50, 0, Bin),
    ("3Ei", 3 << 60, 0, Bin),
    ("10Ti", 10 << 40, 0, Bin),
    ("100Ti", 100 << 40, 0, Bin),
    // Decimal suffixes.
    ("5n", 5, -9, Si),
    ("4u", 4, -6, Si),
    ("3m", 3, -3, Si),
    ("9", 9, 0, Si),
    ("8k", 8, 3, Si),
    ("50k", 5, 4, Si),
    ("7M", 7, 6, Si),
    ("6G", 6, 9, Si),
    ("5T", 5, 12, Si),
    ("40T", 4, 13, Si),
    ("300T", 3, 14, Si),
    ("2P", 2, 15, Si),
    ("1E", 1, 18, Si),
    // Decimal exponents.
    ("1E-3", 1, -3, Exp),
    ("1e3", 1, 3, Exp),
    ("1E6", 1, 6, Exp),
    ("1e9", 1, 9, Exp),
    ("1E12", 1, 12, Exp),
    ("1e15", 1, 15, Exp),
    ("1E18", 1, 18, Exp),
    // Nonstandard but still parsable.
    ("1e14", 1, 14, Exp),
    ("1e13", 1, 13, Exp),
    ("100.035k", 100_035, 0, Si),
    // Things that look like floating point.
    ("0.001", 1, -3, Si),
    ("0.0005k", 5, -1, Si),
    ("0.005", 5, -3, Si),
    ("0.05", 5, -2, Si),
    ("0.5", 5, -1, Si),
    ("0.00050k", 5, -1, Si),
    ("0.00500", 5, -3, Si),
    ("0.05000", 5, -2, Si),
    ("0.50000", 5, -1, Si),
    ("0.5e0", 5, -1, Exp),
    ("0.5e-1", 5, -2, Exp),
    ("0.5e-2", 5, -3, Exp),
    ("10.035M", 10_035, 3, Si),
    ("1.2e3", 12, 2, Exp),
    ("1.3E+6", 13, 5, Exp),
    ("1.40e9", 14, 8, Exp),
    ("1.53E12", 153, 10, Exp),
    ("1.6e15", 16, 14, Exp),
    ("1.7E18", 17, 17, Exp),
    ("9.01", 901, -2, Si),
    ("8.1k", 81, 2, Si),
    ("7.123456M", 7_123_456, 0, Si),
    ("6.987654321G", 6_987_654_321, 0, Si),
    ("5.444T", 5444, 9, Si),
    ("40.1T", 401, 11, Si),
    ("300.2T", 3002, 11, Si),
    ("2.5P", 25, 14, Si),
    ("1.01E", 101, 16, Si),
    // Things that saturate or round.
    ("3.001n", 4, -9, Si),
    ("1.1E-9", 2, -9, Exp),
    ("0.0000000001", 1, -9, Si),
    ("0.0000000005", 1, -9, Si),
    ("0.00000000050", 1, -9, Si),
    ("0.5e-9", 1, -9, Exp),
    ("0.9n", 1, -9, Si),
    ("0.00000012345", 124, -9, Si),
    ("0.00000012354", 124, -9, Si),
    ("9Ei", i64::MAX as i128, 0, Bin),
    ("9223372036854775807Ki", i64::MAX as i128, 0, Bin),
    ("12E", 12, 18, Si),
    // Fractional binary values.
    ("100.035Ki", 10_243_584, -2, Bin),
    ("0.5Mi", 512 * 1024, 0, Bin),
    ("0.05Gi", 536_870_912, -1, Bin),
    ("0.025Ti", 274_877_906_944, -1, Bin),
    // Things written by trolls.
    ("0.000000000001Ki", 2, -9, Si),
    (".001", 1, -3, Si),
    (".0001k", 100, -3, Si),
    ("1.", 1, 0, Si),
    ("1.G", 1, 9, Si),
];

#[test]
fn parses_values_and_formats_like_go() {
    for &(input, m, exp, format) in PARSE_TABLE {
        let expected = dec(m, exp);
        for (prefix, negate) in [("", false), ("-", true), ("+", false)] {
            let text = format!("{prefix}{input}");
            let quantity = q(&text);
            let want = expected.clone().with_sign(negate);
            assert_eq!(quantity.parsed().value, want, "value of {text}");
            assert_eq!(quantity.format(), format, "format of {text}");
        }
    }
}

#[test]
fn rejects_what_go_rejects() {
    let invalid = [
        "",
        "1.1.M",
        "1+1.0M",
        "0.1mi",
        "0.1am",
        "aoeu",
        ".5i",
        "1i",
        "-3.01i",
        "-3.01e-",
        " 1",
        "1 ",
        "1e",
        "1e+",
        "1Ki5",
        "1ee5",
        "1e5e",
        "1KiB",
        "1\u{b5}",
        "\u{661}",
        "1.5.",
        "--1",
        "1e9223372036854775808",
    ];
    for input in invalid {
        assert!(
            input.parse::<Quantity>().is_err(),
            "{input:?} should not parse"
        );
    }
    assert_eq!(
        "1i".parse::<Quantity>(),
        Err(QuantityError::Suffix("1i".into()))
    );
    assert_eq!(
        "1 ".parse::<Quantity>(),
        Err(QuantityError::FormatWrong("1 ".into()))
    );
    assert!(
        QuantityError::FormatWrong("x".into())
            .to_string()
            .contains("regular expression")
    );
}

#[test]
fn digitless_inputs_follow_go() {
    // Go takes these as zero on its fast path…
    for input in [".", "-.", "+", "-", "k", "Ki", "Ti", ".G", "e5", "00", "-0"] {
        let quantity = q(input);
        assert!(quantity.is_zero(), "{input}");
        assert_eq!(quantity.canonical(), "0", "{input}");
    }
    // …and reject them on its slow path, where inf.Dec needs a digit.
    for input in ["Pi", "Ei", "-Ei", ".Pi", ".e-10", "e-10"] {
        assert_eq!(
            input.parse::<Quantity>(),
            Err(QuantityError::Numeric(input.into())),
            "{input}"
        );
    }
    // A zero digit is enough.
    assert!(q("0Ei").is_zero());
    assert!(q("0e-10").is_zero());
}

/// `TestQuantityString`: canonical form, and a non-canonical spelling of the same value.
const STRING_TABLE: &[(&str, &str)] = &[
    ("1Gi", "1024Mi"),
    ("300Mi", "307200Ki"),
    ("6Ki", ""),
    ("1001Gi", "1025024Mi"),
    ("1Ti", "1024Gi"),
    ("5", "5000m"),
    ("500m", "0.5"),
    ("1G", "1000M"),
    ("1G", "0.001T"),
    ("1m", "1000u"),
    ("80m", ""),
    ("1080m", "1.08"),
    ("1080m", "1080000000n"),
    ("300M", ""),
    ("1T", ""),
    ("1E", ""),
    ("1e21", "1000E"),
    ("5e21", "5000E"),
    ("1e24", "1000000E"),
    ("1234567M", ""),
    ("1234567m", ""),
    ("3k", ""),
    ("1025", ""),
    ("0", "00"),
    ("1e9", ".001e12"),
    ("1e-3", "0.001e0"),
    ("1e-9", "1000e-12"),
    ("80e-3", ""),
    ("300e6", ""),
    ("1e12", ""),
    ("1e3", ""),
    ("3e3", ""),
    ("1n", ""),
    ("80n", ""),
    ("1080n", ""),
    ("1u", ""),
    ("80u", ""),
    ("1080u", ""),
];

#[test]
fn canonical_strings_match_go() {
    for &(canonical, alternate) in STRING_TABLE {
        let parsed = q(canonical);
        assert_eq!(parsed.canonical(), canonical);
        assert!(
            parsed.parsed().keeps_input,
            "Go keeps the canonical text {canonical}"
        );
        if alternate.is_empty() {
            continue;
        }
        let parsed = q(alternate);
        assert!(
            !parsed.parsed().keeps_input,
            "Go recomputes the text of {alternate}"
        );
        assert_eq!(parsed.canonical(), canonical, "canonical of {alternate}");
        if canonical != "0" {
            let negative = q(&format!("-{alternate}"));
            assert_eq!(
                negative.canonical(),
                format!("-{canonical}"),
                "-{alternate}"
            );
        }
    }
}

#[test]
fn parse_then_emit_matches_go() {
    // `TestQuantityParseEmit` plus the examples of our own documentation.
    let table = [
        ("1Ki", "1Ki"),
        ("1Mi", "1Mi"),
        ("1Gi", "1Gi"),
        ("1024Mi", "1Gi"),
        ("1000M", "1G"),
        (".001Ki", "1024m"),
        (".000001Ki", "1024u"),
        (".000000001Ki", "1024n"),
        (".000000000001Ki", "2n"),
        ("1000m", "1"),
        ("0.5", "500m"),
        ("1.5Gi", "1536Mi"),
        ("1.5Ki", "1536"),
        ("100e3", "100e3"),
        ("12e6", "12e6"),
        ("1.1", "1100m"),
        ("0.1Ki", "102400m"),
        ("512Ki", "512Ki"),
        ("0.5Mi", "512Ki"),
        ("100.035Ki", "102435840m"),
        ("0.05Gi", "53687091200m"),
        ("1023", "1023"),
        ("1024", "1024"),
        ("2048", "2048"),
        ("1000", "1k"),
        ("1000000", "1M"),
        ("1.5e3", "1500"),
        ("1.5E3", "1500"),
        ("0.5e3", "500"),
        ("1000e3", "1e6"),
        ("3.001n", "4n"),
        ("1.1E-9", "2e-9"),
        ("0.00000012345", "124n"),
        ("9Ei", "9223372036854775807"),
        ("-9Ei", "-9223372036854775807"),
        ("8Ei", "9223372036854775807"),
        ("7Ei", "7Ei"),
        ("1Pi", "1Pi"),
        ("1024Pi", "1Ei"),
        ("1025Ti", "1025Ti"),
        (
            "123456789012345678901234567890",
            "123456789012345678901234567890",
        ),
        (
            "123456789012345678901234567890000",
            "123456789012345678901234567890k",
        ),
        ("1e-100", "1e-9"),
        // Exponents are made multiples of three, in every format.
        ("1e100", "10e99"),
        ("10e99", "10e99"),
        ("1e1", "10"),
        ("1e-1", "100e-3"),
        ("0.000000000000000000001", "1n"),
        // Go's fast path keeps the text as given when it looks canonical…
        ("+1", "+1"),
        ("01", "01"),
        ("1.", "1."),
        ("1E3", "1E3"),
        ("+1Ki", "+1Ki"),
        ("001Ki", "001Ki"),
        // …but its slow path recomputes it.
        ("+1Pi", "1Pi"),
        ("+0.5", "500m"),
        ("1.0", "1"),
    ];
    for (input, want) in table {
        assert_eq!(q(input).canonical(), want, "canonical of {input}");
    }
}

#[test]
fn compares_by_value() {
    assert_eq!(q("1"), q("1000m"));
    assert_eq!(q("1Ki"), q("1024"));
    assert_eq!(q("1e3"), q("1k"));
    assert_eq!(q("0"), q("-0.0Mi"));
    assert!(q("100m") > q("50m"));
    assert!(q("10000T") > q("100Gi"));
    assert!(q("-1") < q("0"));
    assert!(q("-2") < q("-1500m"));
    assert!(q("1e100") > q("9Ei"));
    let set: HashSet<Quantity> = ["1", "1000m", "1e0", "0.001k", "2"].map(q).into();
    assert_eq!(set.len(), 2);
    let mut sorted = ["1Gi", "500m", "-1", "2k", "0"].map(q);
    sorted.sort();
    let texts: Vec<&str> = sorted.iter().map(Quantity::as_str).collect();
    assert_eq!(texts, ["-1", "0", "500m", "2k", "1Gi"]);
}

#[test]
fn integer_accessors_round_away_from_zero() {
    let table: &[(&str, Option<i64>, Option<i64>)] = &[
        ("0", Some(0), Some(0)),
        ("1", Some(1), Some(1000)),
        ("1.5", Some(2), Some(1500)),
        ("-1.5", Some(-2), Some(-1500)),
        ("100m", Some(1), Some(100)),
        ("1n", Some(1), Some(1)),
        ("-1n", Some(-1), Some(-1)),
        ("1Ki", Some(1024), Some(1_024_000)),
        ("9223372036854775807", Some(i64::MAX), None),
        ("9223372036854775808", None, None),
        ("-9223372036854775808", Some(i64::MIN), None),
        (
            "9223372036854775807m",
            Some(9_223_372_036_854_776),
            Some(i64::MAX),
        ),
        ("1e100", None, None),
        ("1e-100", Some(1), Some(1)),
    ];
    for &(input, value, milli) in table {
        let quantity = q(input);
        assert_eq!(quantity.value(), value, "value of {input}");
        assert_eq!(quantity.milli_value(), milli, "milli value of {input}");
    }
    assert_eq!(q("1.5").scaled_value(-9), Some(1_500_000_000));
    assert_eq!(q("1.5G").scaled_value(6), Some(1500));
    assert_eq!(q("1.5k").scaled_value(6), Some(1));
}

#[test]
fn serde_keeps_the_text() {
    for text in ["500m", "1.5Gi", "+1", "0.50000", "1E3"] {
        let json = format!("\"{text}\"");
        let quantity: Quantity = serde_json::from_str(&json).unwrap();
        assert_eq!(quantity.as_str(), text);
        assert_eq!(quantity.to_string(), text);
        assert_eq!(serde_json::to_string(&quantity).unwrap(), json);
    }
}

#[test]
fn deserializes_numbers_and_padded_strings() {
    let cases = [
        ("1", "1"),
        ("-1", "-1"),
        ("10", "10"),
        ("0.5", "500m"),
        ("18446744073709551615", "18446744073709551615"),
        (r#"" 1""#, "1"),
        (r#""1 ""#, "1"),
    ];
    for (json, canonical) in cases {
        let quantity: Quantity = serde_json::from_str(json).unwrap();
        assert_eq!(quantity.canonical(), canonical, "{json}");
    }
    let padded: Quantity = serde_json::from_str(r#"" 1""#).unwrap();
    assert_eq!(serde_json::to_string(&padded).unwrap(), r#"" 1""#);
    // A number stays a number on the way out (custom resources store `cpu: 2` as written).
    let number: Quantity = serde_json::from_str("2").unwrap();
    assert_eq!(serde_json::to_string(&number).unwrap(), "2");
    assert_eq!(number, "2".parse::<Quantity>().unwrap());
    let fraction: Quantity = serde_json::from_str("0.5").unwrap();
    assert_eq!(serde_json::to_string(&fraction).unwrap(), "0.5");
    for bad in [r#""1x""#, "true", "null", r#""""#, "[]"] {
        assert!(serde_json::from_str::<Quantity>(bad).is_err(), "{bad}");
    }
}

#[test]
fn conversions() {
    assert_eq!(Quantity::from(2).as_str(), "2");
    assert_eq!(Quantity::from(-3000i64).canonical(), "-3k");
    assert_eq!(Quantity::from(i64::MIN).value(), Some(i64::MIN));
    assert_eq!(Quantity::default().as_str(), "0");
    assert!(Quantity::default().is_zero());
    assert_eq!(
        Quantity::try_from("1Gi").unwrap(),
        Quantity::from(1_073_741_824i64)
    );
    assert_eq!(
        Quantity::try_from(String::from("2")).unwrap().value(),
        Some(2)
    );
    assert!(Quantity::try_from(String::from(" 2")).is_err());
    assert!(q("-1").is_negative());
    assert!(!q("-0").is_negative());
    assert_eq!(format!("{:?}", q("1Gi")), r#"Quantity("1Gi")"#);
    assert_eq!(q("1Gi").format(), Format::BinarySi);
}

#[test]
fn huge_exponents_are_cheap() {
    let big = q("1e2147483647");
    assert_eq!(big.canonical(), "10e2147483646");
    assert_eq!(big.value(), None);
    // (At exactly -2^31 Go's int32 scale arithmetic wraps around; we stay exact.)
    let tiny = q("1e-2147483647");
    assert_eq!(tiny.canonical(), "1e-9");
    // Go reads the exponent as int64 and wraps it to int32, and then keeps the text as is.
    let wrapped = q("1e4294967296");
    assert_eq!(wrapped.value(), Some(1));
    assert_eq!(wrapped.canonical(), "1e4294967296");
    assert!(q("1e4294967297") == q("10"));
}

#[test]
fn a_quantity_is_as_small_as_a_string() {
    // Containers' and Pod statuses' resource maps hold one per entry; a cached Pod
    // grew by a fifth when this was 88 bytes.
    assert_eq!(std::mem::size_of::<Quantity>(), 24);
}

#[test]
fn json_numbers_are_written_back_as_the_same_numbers() {
    for text in [
        "1",
        "-3",
        "18446744073709551615",
        "1.5",
        "1000.0",
        "0.001",
        "\"1.5Gi\"",
    ] {
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let quantity: Quantity = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(&quantity).unwrap(), value, "{text}");
    }
}
