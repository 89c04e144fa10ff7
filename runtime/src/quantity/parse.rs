//! Parsing quantity strings exactly as Go's `resource.ParseQuantity` does.
//!
//! This is a port of `parseQuantityString` and `ParseQuantity` from
//! `k8s.io/apimachinery/pkg/api/resource/quantity.go`, including their quirks, because the
//! API server accepts exactly what they accept and prints what they decide: `"1."`, `"."`,
//! `"-"` and `"+"` are valid (the last three are zero), and whether Go keeps the input string
//! as the printed form depends on which internal path parsing takes.

use super::decimal::Decimal;
use super::{Format, QuantityError};

/// The outcome of parsing: the exact value after Go's rounding and capping, the format, and
/// whether Go would keep the input string as its `String()` form.
pub(crate) struct Parsed {
    pub(crate) value: Decimal,
    pub(crate) format: Format,
    pub(crate) keeps_input: bool,
}

/// The pieces of a quantity string, as `parseQuantityString` splits it.
struct Scanned<'a> {
    positive: bool,
    /// Sign, digits and point: what Go hands to `inf.Dec.SetString` on its slow path.
    value: &'a [u8],
    /// Integer digits without leading zeros, `"0"` when there are none.
    num: &'a [u8],
    /// Fraction digits.
    denom: &'a [u8],
    suffix: &'a [u8],
}

fn scan(s: &[u8]) -> Option<Scanned<'_>> {
    let end = s.len();
    let mut pos = 0;
    let mut positive = true;
    match s.first() {
        Some(b'-') => {
            positive = false;
            pos += 1;
        }
        Some(b'+') => pos += 1,
        _ => {}
    }
    let mut done = Scanned {
        positive,
        value: b"0",
        num: b"0",
        denom: b"",
        suffix: b"",
    };

    while pos < end && s[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        // Only a sign and zeros (or nothing at all after the sign): zero.
        return Some(done);
    }

    let num_start = pos;
    while pos < end && s[pos].is_ascii_digit() {
        pos += 1;
    }
    done.num = &s[num_start..pos];
    if pos >= end {
        done.value = s;
        return Some(done);
    }
    if done.num.is_empty() {
        done.num = b"0";
    }

    if s[pos] == b'.' {
        pos += 1;
        let denom_start = pos;
        while pos < end && s[pos].is_ascii_digit() {
            pos += 1;
        }
        done.denom = &s[denom_start..pos];
        if pos >= end {
            done.value = s;
            return Some(done);
        }
    }
    done.value = &s[..pos];

    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&s[pos]) {
        pos += 1;
    }
    if pos < end && matches!(s[pos], b'-' | b'+') {
        pos += 1;
    }
    while pos < end && s[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end {
        return None;
    }
    done.suffix = &s[suffix_start..];
    Some(done)
}

/// Go's suffix table: the base, the exponent and the format a suffix stands for.
fn interpret_suffix(suffix: &[u8]) -> Option<(u32, i32, Format)> {
    let decimal = |exp| Some((10, exp, Format::DecimalSi));
    let binary = |exp| Some((2, exp, Format::BinarySi));
    match suffix {
        b"" => decimal(0),
        b"n" => decimal(-9),
        b"u" => decimal(-6),
        b"m" => decimal(-3),
        b"k" => decimal(3),
        b"M" => decimal(6),
        b"G" => decimal(9),
        b"T" => decimal(12),
        b"P" => decimal(15),
        b"E" => decimal(18),
        b"Ki" => binary(10),
        b"Mi" => binary(20),
        b"Gi" => binary(30),
        b"Ti" => binary(40),
        b"Pi" => binary(50),
        b"Ei" => binary(60),
        [b'e' | b'E', rest @ ..] if !rest.is_empty() => {
            let exponent: i64 = std::str::from_utf8(rest).ok()?.parse().ok()?;
            // Go parses the exponent as int64 and then converts it to int32, wrapping.
            Some((10, exponent as i32, Format::DecimalExponent))
        }
        _ => None,
    }
}

/// Go's fast path (`int64Amount`), which is the only path that keeps the input string as the
/// printed form. Returns `None` when Go takes the slow (`inf.Dec`) path, and otherwise whether
/// the input is kept.
fn fast_path_keeps_input(scanned: &Scanned<'_>, exponent: i32, format: Format) -> Option<bool> {
    let (num, denom) = (scanned.num, scanned.denom);
    match format {
        Format::DecimalSi | Format::DecimalExponent => {
            if num.len() + denom.len() > 18 {
                return None;
            }
            let scale = i64::from(exponent) - denom.len() as i64;
            if scale < -9 {
                return None;
            }
            // Go reuses the string when it already looks canonical.
            let shifted = [num, denom].concat();
            Some(scale % 3 == 0 && !shifted.ends_with(b"000") && shifted.first() != Some(&b'0'))
        }
        Format::BinarySi => {
            if !denom.is_empty() {
                return None;
            }
            // Go's estimate of the digits the suffix uses: 2^10 ~ 3 digits.
            let precision = 15 - num.len() as i64 - i64::from(exponent) * 3 / 10 - 1;
            if precision < 0 {
                return None;
            }
            let value = num
                .iter()
                .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
            let shift = u32::try_from(exponent).ok()?;
            let product = u128::from(value) << shift;
            if product > i64::MAX as u128 {
                return None;
            }
            Some(value & 0x07 != 0)
        }
    }
}

/// Parses a quantity string like Go's `ParseQuantity`.
pub(crate) fn parse(input: &str) -> Result<Parsed, QuantityError> {
    if input.is_empty() {
        return Err(QuantityError::FormatWrong(input.to_owned()));
    }
    if input == "0" {
        return Ok(Parsed {
            value: Decimal::default(),
            format: Format::DecimalSi,
            keeps_input: true,
        });
    }
    let scanned =
        scan(input.as_bytes()).ok_or_else(|| QuantityError::FormatWrong(input.to_owned()))?;
    let (base, exponent, mut format) =
        interpret_suffix(scanned.suffix).ok_or_else(|| QuantityError::Suffix(input.to_owned()))?;

    let fast = fast_path_keeps_input(&scanned, exponent, format);
    // On the slow path Go parses `value` with inf.Dec, which needs at least one digit.
    if fast.is_none() && !scanned.value.iter().any(u8::is_ascii_digit) {
        return Err(QuantityError::Numeric(input.to_owned()));
    }

    let digits = [scanned.num, scanned.denom].concat();
    let mut value =
        Decimal::from_ascii_digits(!scanned.positive, &digits, -(scanned.denom.len() as i64));
    if base == 10 {
        value.shift(i64::from(exponent));
    } else {
        for _ in 0..exponent / 10 {
            value.mul_small(1024);
        }
    }
    // Go keeps nothing finer than nano, rounding away from zero so that a tiny non-zero
    // request never becomes zero.
    value.round_away_from_zero(-9);

    if format == Format::BinarySi {
        let max = Decimal::from_i128(i128::from(i64::MAX));
        if value.cmp_magnitude(&max).is_gt() {
            value = max.with_sign(value.is_negative());
        }
        if value.cmp_magnitude(&Decimal::from_i128(1)).is_lt() && !value.is_zero() {
            format = Format::DecimalSi;
        }
    }

    Ok(Parsed {
        value,
        format,
        keeps_input: fast.unwrap_or(false),
    })
}
