//! Printing a quantity value in Go's canonical form (`Quantity.CanonicalizeBytes`).

use super::Format;
use super::decimal::Decimal;

const BINARY_SUFFIXES: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/// Go's `CanonicalizeBytes`: the largest suffix of the value's format family that needs no
/// fractional digits.
///
/// A binary value that is not an integer, or whose magnitude is below 1024, is printed as
/// decimal SI. A decimal SI exponent beyond `E` (10^18) is printed with `e`, as the current
/// apimachinery does (releases before that fix dropped the exponent and printed `1000E` as
/// `1`).
pub(crate) fn canonical(value: &Decimal, format: Format) -> String {
    if value.is_zero() {
        return "0".to_owned();
    }
    let sign = if value.is_negative() { "-" } else { "" };
    let binary_ok = value.is_integer() && value.cmp_magnitude(&Decimal::from_i128(1024)).is_ge();
    match format {
        Format::BinarySi if binary_ok => {
            if let Some(text) = binary(value) {
                return format!("{sign}{text}");
            }
            decimal(value, Format::DecimalSi, sign)
        }
        Format::BinarySi => decimal(value, Format::DecimalSi, sign),
        Format::DecimalSi | Format::DecimalExponent => decimal(value, format, sign),
    }
}

/// The magnitude as `<integer><binary suffix>`, for integers that fit in an `i64` (parsing
/// caps binary quantities at 2^63-1, so that is all of them).
fn binary(value: &Decimal) -> Option<String> {
    let mut amount = value.abs().to_i64_away_from_zero(0)?;
    let mut power = 0;
    while amount >= 1024 && amount % 1024 == 0 && power + 1 < BINARY_SUFFIXES.len() {
        amount /= 1024;
        power += 1;
    }
    Some(format!("{amount}{}", BINARY_SUFFIXES.get(power)?))
}

/// The magnitude with an exponent that is a multiple of three, and its suffix.
fn decimal(value: &Decimal, format: Format, sign: &str) -> String {
    let mut digits = value.digit_string();
    let mut exponent = value.exponent();
    while exponent.rem_euclid(3) != 0 {
        digits.push('0');
        exponent -= 1;
    }
    let si_suffix = match exponent {
        -9 => Some("n"),
        -6 => Some("u"),
        -3 => Some("m"),
        0 => Some(""),
        3 => Some("k"),
        6 => Some("M"),
        9 => Some("G"),
        12 => Some("T"),
        15 => Some("P"),
        18 => Some("E"),
        _ => None,
    };
    match (format, si_suffix) {
        (Format::DecimalSi, Some(suffix)) => format!("{sign}{digits}{suffix}"),
        _ if exponent == 0 => format!("{sign}{digits}"),
        _ => format!("{sign}{digits}e{exponent}"),
    }
}
