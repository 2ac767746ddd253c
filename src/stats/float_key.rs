//! Integers that order like floats, for sorting and selecting floats as integers: integer
//! comparisons are cheaper, which matters where every observation is sorted or selected.

/// An integer that orders like `value` under [`f64::total_cmp`]: the sign bit kept, every
/// other bit of a negative value flipped so that larger magnitudes order lower. For non-NaN
/// values this is the usual order, with `-0.0` before `0.0`.
pub(crate) fn float_key(value: f64) -> i64 {
    flip_negatives(value.to_bits() as i64)
}

/// The value of a [`float_key`].
pub(crate) fn from_float_key(key: i64) -> f64 {
    f64::from_bits(flip_negatives(key) as u64)
}

/// Flips every bit but the sign of negative numbers, so their order reverses; its own
/// inverse.
fn flip_negatives(bits: i64) -> i64 {
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_like_total_cmp_and_invert() {
        let values = [
            f64::NEG_INFINITY,
            -f64::MAX,
            -1.5,
            -f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE / 4.0,
            -5e-324,
            -0.0,
            0.0,
            5e-324,
            f64::MIN_POSITIVE / 4.0,
            2.0,
            f64::MAX,
            f64::INFINITY,
        ];
        for pair in values.windows(2) {
            assert!(float_key(pair[0]) < float_key(pair[1]), "{pair:?}");
        }
        for v in values {
            assert_eq!(from_float_key(float_key(v)).to_bits(), v.to_bits());
        }
    }
}
