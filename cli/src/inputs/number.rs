//! Numbers as text files write them, shared by the CSV and Prometheus readers.

/// What a number may look like, for error messages.
pub const ALLOWED: &str =
    "write a decimal number such as 12.5 or 1e-3, NaN or null for a missing value, +Inf or -Inf";

/// Reads a value: a decimal number, `NaN`/`null` (NaN, handled by the metric's NaN policy) or
/// `+Inf`/`-Inf`. `None` when the text is none of these.
pub fn parse_value(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("null") {
        return Some(f64::NAN);
    }
    // Rust reads `inf`, `infinity` and `nan` in any case, with an optional sign.
    text.parse::<f64>().ok()
}

/// Reads a count: a non-negative whole number, possibly written as a float (`1.2e3`, as
/// Prometheus writes counters). `None` otherwise.
pub fn parse_count(text: &str) -> Option<u64> {
    let text = text.trim();
    if let Ok(n) = text.parse::<u64>() {
        return Some(n);
    }
    let x = text.parse::<f64>().ok()?;
    // Beyond 2^53 a float no longer holds every whole number: refuse rather than round.
    (x >= 0.0 && x.fract() == 0.0 && x <= 9_007_199_254_740_992.0).then_some(x as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(parse_value(" 12.5 "), Some(12.5));
        assert_eq!(parse_value("1e-3"), Some(1e-3));
        assert!(parse_value("NaN").unwrap().is_nan());
        assert!(parse_value("null").unwrap().is_nan());
        assert_eq!(parse_value("+Inf"), Some(f64::INFINITY));
        assert_eq!(parse_value("-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_value("12ms"), None);
        assert_eq!(parse_value(""), None);
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count("40"), Some(40));
        assert_eq!(parse_count("1.2e3"), Some(1200));
        assert_eq!(parse_count("-1"), None);
        assert_eq!(parse_count("2.5"), None);
        assert_eq!(parse_count("NaN"), None);
        assert_eq!(parse_count("1e300"), None);
    }
}
