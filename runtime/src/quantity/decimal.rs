//! Exact signed decimal numbers of any size: the numeric value of a quantity.
//!
//! A quantity may legally be `123456789012345678901234567890E` or `1e-1000000`, so neither
//! floats nor fixed-width integers will do. Values are kept as a digit string and a power of
//! ten, which is all that parsing, rounding, comparing and printing quantities needs.

use std::cmp::Ordering;

/// `±digits × 10^exp`, kept normalized (no leading or trailing zero digit; zero is no digits,
/// positive, with `exp` 0) so that equal values have equal representations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Decimal {
    negative: bool,
    /// Digit values 0–9, most significant first.
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// `±digits × 10^exp` from ASCII digits (which may have leading or trailing zeros).
    pub(crate) fn from_ascii_digits(negative: bool, ascii: &[u8], exp: i64) -> Self {
        let digits = ascii.iter().map(|d| d.wrapping_sub(b'0')).collect();
        Decimal {
            negative,
            digits,
            exp,
        }
        .normalized()
    }

    /// An integer value.
    pub(crate) fn from_i128(value: i128) -> Self {
        let text = value.unsigned_abs().to_string();
        Decimal::from_ascii_digits(value < 0, text.as_bytes(), 0)
    }

    fn normalized(mut self) -> Self {
        let leading = self.digits.iter().take_while(|d| **d == 0).count();
        self.digits.drain(..leading);
        let trailing = self.digits.iter().rev().take_while(|d| **d == 0).count();
        self.digits.truncate(self.digits.len() - trailing);
        if self.digits.is_empty() {
            return Decimal::default();
        }
        self.exp = self
            .exp
            .saturating_add(i64::try_from(trailing).unwrap_or(i64::MAX));
        self
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    pub(crate) fn is_negative(&self) -> bool {
        self.negative
    }

    /// Whether the value has no fractional part.
    pub(crate) fn is_integer(&self) -> bool {
        self.exp >= 0
    }

    /// The significant digits as ASCII, without sign (`""` for zero).
    pub(crate) fn digit_string(&self) -> String {
        self.digits.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// The power of ten applied to [`digit_string`](Self::digit_string).
    pub(crate) fn exponent(&self) -> i64 {
        self.exp
    }

    /// Multiplies by `10^shift`.
    pub(crate) fn shift(&mut self, shift: i64) {
        if !self.is_zero() {
            self.exp = self.exp.saturating_add(shift);
        }
    }

    /// Multiplies by a small factor.
    pub(crate) fn mul_small(&mut self, factor: u32) {
        let mut carry: u64 = 0;
        for digit in self.digits.iter_mut().rev() {
            let product = u64::from(*digit) * u64::from(factor) + carry;
            *digit = (product % 10) as u8;
            carry = product / 10;
        }
        let mut prefix = Vec::new();
        while carry > 0 {
            prefix.push((carry % 10) as u8);
            carry /= 10;
        }
        prefix.reverse();
        prefix.append(&mut self.digits);
        self.digits = prefix;
        *self = std::mem::take(self).normalized();
    }

    /// Rounds away from zero to a multiple of `10^min_exp`; a non-zero value closer to zero
    /// than that becomes `±10^min_exp`.
    pub(crate) fn round_away_from_zero(&mut self, min_exp: i64) {
        if self.is_zero() || self.exp >= min_exp {
            return;
        }
        let dropped = min_exp.saturating_sub(self.exp);
        let kept = i64::try_from(self.digits.len()).unwrap_or(i64::MAX) - dropped;
        // Normalized digits end in a non-zero digit, so every drop is inexact: round up.
        let mut digits = if kept > 0 {
            let mut kept_digits = self.digits[..kept as usize].to_vec();
            increment(&mut kept_digits);
            kept_digits
        } else {
            vec![1]
        };
        std::mem::swap(&mut self.digits, &mut digits);
        self.exp = min_exp;
        *self = std::mem::take(self).normalized();
    }

    /// Compares absolute values.
    pub(crate) fn cmp_magnitude(&self, other: &Self) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {}
        }
        // The position of the most significant digit decides, then the digits themselves
        // (no trailing zeros, so a longer run with the same prefix is larger).
        let top = |d: &Decimal| i128::from(d.exp) + d.digits.len() as i128;
        top(self)
            .cmp(&top(other))
            .then_with(|| self.digits.cmp(&other.digits))
    }

    /// The absolute value.
    pub(crate) fn abs(&self) -> Self {
        Decimal {
            negative: false,
            ..self.clone()
        }
    }

    /// With the sign of `negative` (zero stays positive).
    pub(crate) fn with_sign(mut self, negative: bool) -> Self {
        self.negative = negative && !self.is_zero();
        self
    }

    /// `value / 10^scale` rounded away from zero, if it fits in an `i64`.
    pub(crate) fn to_i64_away_from_zero(&self, scale: i64) -> Option<i64> {
        if self.is_zero() {
            return Some(0);
        }
        let exp = self.exp.checked_sub(scale)?;
        let len = i64::try_from(self.digits.len()).ok()?;
        let magnitude: u128 = if exp >= 0 {
            // Anything with more than 20 integer digits is out of range anyway.
            if len.checked_add(exp)? > 20 {
                return None;
            }
            let mut m = digits_value(&self.digits);
            for _ in 0..exp {
                m *= 10;
            }
            m
        } else {
            let integer_len = len + exp;
            if integer_len > 20 {
                return None;
            }
            let integer = if integer_len > 0 {
                digits_value(&self.digits[..integer_len as usize])
            } else {
                0
            };
            // The dropped fraction is never zero (normalized digits), so round away from zero.
            integer + 1
        };
        if self.negative {
            let limit = i64::MIN.unsigned_abs();
            (magnitude <= u128::from(limit)).then(|| (-(magnitude as i128)) as i64)
        } else {
            i64::try_from(magnitude).ok()
        }
    }
}

/// The value of at most 20 digits (fits easily in a `u128`).
fn digits_value(digits: &[u8]) -> u128 {
    digits
        .iter()
        .fold(0u128, |acc, d| acc * 10 + u128::from(*d))
}

/// Adds one to a digit string, growing it on carry.
fn increment(digits: &mut Vec<u8>) {
    for digit in digits.iter_mut().rev() {
        if *digit == 9 {
            *digit = 0;
        } else {
            *digit += 1;
            return;
        }
    }
    digits.insert(0, 1);
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(m: i128, exp: i64) -> Decimal {
        let mut d = Decimal::from_i128(m);
        d.shift(exp);
        d
    }

    #[test]
    fn normalizes() {
        let d = Decimal::from_ascii_digits(false, b"0012300", -2);
        assert_eq!((d.digit_string().as_str(), d.exponent()), ("123", 0));
        assert_eq!(
            Decimal::from_ascii_digits(true, b"000", 5),
            Decimal::default()
        );
        assert!(!Decimal::from_ascii_digits(true, b"0", 0).is_negative());
        assert_eq!(dec(1000, -3), dec(1, 0));
    }

    #[test]
    fn multiplies() {
        let mut d = dec(15, -1);
        d.mul_small(1024);
        assert_eq!(d, dec(1536, 0));
        let mut d = dec(999, 0);
        d.mul_small(1024);
        assert_eq!(d, dec(1_022_976, 0));
    }

    #[test]
    fn rounds_away_from_zero() {
        let mut d = dec(3001, -12);
        d.round_away_from_zero(-9);
        assert_eq!(d, dec(4, -9));
        let mut d = dec(-9_999_999_999, -10);
        d.round_away_from_zero(-9);
        assert_eq!(d, dec(-1, 0));
        let mut d = dec(5, -100);
        d.round_away_from_zero(-9);
        assert_eq!(d, dec(1, -9));
        let mut d = dec(5, -3);
        d.round_away_from_zero(-9);
        assert_eq!(d, dec(5, -3));
    }

    #[test]
    fn compares() {
        assert!(dec(1, 0) > dec(999, -3));
        assert!(dec(-1, 0) < dec(-999, -3));
        assert!(dec(0, 0) > dec(-1, -9));
        assert!(dec(12, 0) > dec(119, -1));
        assert!(dec(1, 30) > dec(999_999, 24));
        assert_eq!(dec(1024, 0).cmp(&dec(1024, 0)), Ordering::Equal);
    }

    #[test]
    fn converts_to_i64() {
        assert_eq!(dec(15, -1).to_i64_away_from_zero(0), Some(2));
        assert_eq!(dec(-15, -1).to_i64_away_from_zero(0), Some(-2));
        assert_eq!(dec(15, -1).to_i64_away_from_zero(-3), Some(1500));
        assert_eq!(dec(1, -9).to_i64_away_from_zero(-3), Some(1));
        assert_eq!(dec(1, -9).to_i64_away_from_zero(9), Some(1));
        assert_eq!(
            dec(i128::from(i64::MAX), 0).to_i64_away_from_zero(0),
            Some(i64::MAX)
        );
        assert_eq!(
            dec(i128::from(i64::MAX) + 1, 0).to_i64_away_from_zero(0),
            None
        );
        assert_eq!(
            dec(i128::from(i64::MIN), 0).to_i64_away_from_zero(0),
            Some(i64::MIN)
        );
        assert_eq!(dec(1, 100).to_i64_away_from_zero(0), None);
        assert_eq!(dec(1, i64::MAX).to_i64_away_from_zero(-3), None);
        assert_eq!(dec(0, 0).to_i64_away_from_zero(-3), Some(0));
    }
}
