//! Exact integer helpers: 256-bit products, rationals read from and written as decimal text.
//!
//! Every threshold decision in [`crate::slo`] is a comparison of two products of at most four
//! 64-bit factors, so it is decided exactly in 256-bit integer arithmetic.

use std::cmp::Ordering;
use std::time::Duration;

use serde::Deserialize;

use crate::error::{Error, Result};

/// Greatest common divisor (Euclid).
pub(crate) fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// `num / den` in lowest terms (`den` must not be 0).
pub(crate) fn reduce(num: u128, den: u128) -> (u128, u128) {
    let g = gcd(num, den).max(1);
    (num / g, den / g)
}

/// `a * b` as a 256-bit number `(high, low)`, so products compare lexicographically.
pub(crate) fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const LOW: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & LOW);
    let (b1, b0) = (b >> 64, b & LOW);
    let (low_low, mid_a, mid_b, high_high) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let (low, carry_a) = low_low.overflowing_add(mid_a << 64);
    let (low, carry_b) = low.overflowing_add(mid_b << 64);
    let high =
        high_high + (mid_a >> 64) + (mid_b >> 64) + u128::from(carry_a) + u128::from(carry_b);
    (high, low)
}

/// Compares `a * b` with `c * d` exactly.
pub(crate) fn cmp_products(a: u128, b: u128, c: u128, d: u128) -> Ordering {
    mul_wide(a, b).cmp(&mul_wide(c, d))
}

/// A duration in nanoseconds, required to be positive and below 2^64 ns (about 584 years).
pub(crate) fn positive_nanos(duration: Duration, name: &'static str) -> Result<u64> {
    match u64::try_from(duration.as_nanos()) {
        Ok(0) => Err(Error::invalid(name, "0s", "a positive duration")),
        Ok(nanos) => Ok(nanos),
        Err(_) => Err(Error::invalid(
            name,
            format!("{duration:?}"),
            "a duration below 2^64 nanoseconds (about 584 years)",
        )),
    }
}

/// Reads a nonnegative rational from text: a decimal (`0.999`, `14.4`), a percentage
/// (`99.9%`) or a fraction of integers (`999/1000`). Returned in lowest terms.
pub(crate) fn parse_rational(text: &str, name: &'static str) -> Result<(u128, u128)> {
    const ALLOWED: &str = "a nonnegative decimal (0.999), percentage (99.9%) or fraction \
                           of integers (999/1000), with at most 38 digits";
    let bad = || Error::invalid(name, format!("{text:?}"), ALLOWED);
    let trimmed = text.trim();
    let (body, percent) = match trimmed.strip_suffix('%') {
        Some(body) => (body.trim_end(), true),
        None => (trimmed, false),
    };
    let (num, den) = match body.split_once('/') {
        Some((n, d)) => (
            digits(n.trim()).ok_or_else(bad)?,
            digits(d.trim()).ok_or_else(bad)?,
        ),
        None => {
            let (int, frac) = body.split_once('.').unwrap_or((body, ""));
            let frac = frac.trim_end_matches('0');
            if int.is_empty() && frac.is_empty() && !body.contains('0') {
                return Err(bad());
            }
            let int_value = if int.is_empty() { Some(0) } else { digits(int) };
            let frac_value = if frac.is_empty() {
                Some(0)
            } else {
                digits(frac)
            };
            let scale = u32::try_from(frac.len())
                .ok()
                .and_then(|k| 10u128.checked_pow(k));
            match (int_value, frac_value, scale) {
                (Some(i), Some(f), Some(scale)) => (
                    i.checked_mul(scale)
                        .and_then(|v| v.checked_add(f))
                        .ok_or_else(bad)?,
                    scale,
                ),
                _ => return Err(bad()),
            }
        }
    };
    let den = if percent {
        den.checked_mul(100)
    } else {
        Some(den)
    };
    match den {
        Some(den) if den > 0 => Ok(reduce(num, den)),
        _ => Err(bad()),
    }
}

/// An unsigned integer written with ASCII digits only.
fn digits(text: &str) -> Option<u128> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The rational a float was written as: the shortest decimal that reads back as the same
/// float (so `0.999` means exactly 999/1000, not the binary number nearest to it).
pub(crate) fn rational_from_f64(value: f64, name: &'static str) -> Result<(u128, u128)> {
    if !value.is_finite() || value < 0.0 {
        return Err(Error::invalid(name, value, "a finite, nonnegative number"));
    }
    // `Display` for f64 prints the shortest round-trip decimal, never in exponent form.
    parse_rational(&value.to_string(), name)
}

/// Writes `num / den` as an exact decimal when one exists in 38 digits, else as `num/den`.
pub(crate) fn format_rational(num: u128, den: u128) -> String {
    let (num, den) = reduce(num, den);
    let (mut rest, mut twos, mut fives) = (den, 0u32, 0u32);
    while rest % 2 == 0 {
        rest /= 2;
        twos += 1;
    }
    while rest % 5 == 0 {
        rest /= 5;
        fives += 1;
    }
    let places = twos.max(fives);
    let scaled = 10u128
        .checked_pow(places)
        .and_then(|scale| num.checked_mul(scale / den));
    match scaled {
        Some(scaled) if rest == 1 => {
            let text = format!("{scaled:0>width$}", width = places as usize + 1);
            let (int, frac) = text.split_at(text.len() - places as usize);
            if frac.is_empty() {
                int.to_string()
            } else {
                format!("{int}.{frac}")
            }
        }
        _ => format!("{num}/{den}"),
    }
}

/// The float nearest to `num / den` (`den > 0`). Below 2^53 both convert exactly and one
/// division rounds once; above, an exact decimal is parsed (correctly rounded), and only a
/// non-decimal ratio falls back to dividing the rounded parts.
pub(crate) fn ratio_to_f64(num: u128, den: u128) -> f64 {
    const EXACT: u128 = 1 << 53;
    if num <= EXACT && den <= EXACT {
        return num as f64 / den as f64;
    }
    format_rational(num, den)
        .parse()
        .unwrap_or(num as f64 / den as f64)
}

/// How an exact number may be written in a config: a JSON number or a string.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum NumberOrText {
    /// A number, read as the shortest decimal that gives the same float.
    Number(f64),
    /// A decimal, percentage or fraction of integers.
    Text(String),
}

impl NumberOrText {
    /// The exact rational written, in lowest terms.
    pub(crate) fn rational(&self, name: &'static str) -> Result<(u128, u128)> {
        match self {
            NumberOrText::Number(x) => rational_from_f64(*x, name),
            NumberOrText::Text(text) => parse_rational(text, name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_products_match_closed_forms() {
        // (2^128 - 1)^2 = 2^256 - 2^129 + 1.
        assert_eq!(mul_wide(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        // 2^64 * 2^64 = 2^128.
        assert_eq!(mul_wide(1 << 64, 1 << 64), (1, 0));
        assert_eq!(mul_wide(12, 13), (0, 156));
    }

    #[test]
    fn text_forms_read_exactly() {
        assert_eq!(parse_rational("0.999", "x"), Ok((999, 1000)));
        assert_eq!(parse_rational("99.9%", "x"), Ok((999, 1000)));
        assert_eq!(parse_rational(" 999 / 1000 ", "x"), Ok((999, 1000)));
        assert_eq!(parse_rational("14.40", "x"), Ok((72, 5)));
        assert_eq!(parse_rational(".5", "x"), Ok((1, 2)));
        assert_eq!(parse_rational("3.", "x"), Ok((3, 1)));
        assert_eq!(parse_rational("0", "x"), Ok((0, 1)));
        for bad in [
            "", ".", "%", "-0.5", "+1", "1e-3", "1/0", "0.5.5", "a", "1//2", "NaN",
        ] {
            assert!(parse_rational(bad, "x").is_err(), "{bad:?}");
        }
        assert!(parse_rational(&"9".repeat(40), "x").is_err());
    }

    #[test]
    fn floats_read_as_the_decimal_that_was_typed() {
        assert_eq!(rational_from_f64(0.999, "x"), Ok((999, 1000)));
        assert_eq!(rational_from_f64(14.4, "x"), Ok((72, 5)));
        assert_eq!(rational_from_f64(1e-7, "x"), Ok((1, 10_000_000)));
        assert!(rational_from_f64(f64::NAN, "x").is_err());
        assert!(rational_from_f64(-0.5, "x").is_err());
    }

    #[test]
    fn large_ratios_convert_to_the_nearest_float() {
        // 47245404496646015 / 10^17 is written as the shortest decimal of its float.
        let x = 0.472_454_044_966_460_15_f64;
        assert_eq!(
            ratio_to_f64(47_245_404_496_646_015, 100_000_000_000_000_000),
            x
        );
        assert_eq!(ratio_to_f64(1, 3), 1.0 / 3.0);
        assert_eq!(ratio_to_f64((1 << 60) + 1, 3 << 60), 1.0 / 3.0);
    }

    #[test]
    fn formatting_is_exact_and_reads_back() {
        assert_eq!(format_rational(999, 1000), "0.999");
        assert_eq!(format_rational(72, 5), "14.4");
        assert_eq!(format_rational(28, 30), "14/15");
        assert_eq!(format_rational(6, 3), "2");
        assert_eq!(format_rational(0, 7), "0");
        assert_eq!(format_rational(1, 1 << 100), format!("1/{}", 1u128 << 100));
        for (n, d) in [
            (999, 1000),
            (1, 3),
            (7, 8),
            (1, 1 << 60),
            (123_456_789, 10_000_000_000),
        ] {
            assert_eq!(
                parse_rational(&format_rational(n, d), "x"),
                Ok(reduce(n, d))
            );
        }
    }
}
