//! Outlier fences from the interquartile range, as Kayenta's judge removes outliers.
//!
//! Tukey's fences lie `factor` interquartile ranges below the first quartile and above the
//! third. Kayenta (`IQRDetector(factor, reduceSensitivity = true)`, used when a metric asks
//! for `outliers.strategy = remove`) widens them to the 1st and 99th percentiles where those
//! lie further out, so that a long but dense tail is not cut. Percentiles are type 7 (linear
//! between order statistics, as R, numpy and Kayenta).

use serde::{Deserialize, Serialize};

use super::rank::SortedSample;
use crate::error::{Error, Result};
use crate::sample::{Infinities, NanPolicy};

/// Percentiles of infinite values are undefined (they interpolate `inf - inf`).
const FINITE: Infinities = Infinities::Rejected {
    needed_by: "the IQR outlier fences",
};

/// Which fences mark outliers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FenceRule {
    /// Kayenta's: Tukey's fences, widened to the 1st and 99th percentiles where those lie
    /// further out (`reduceSensitivity = true`), so at most the outer 1 % on each side goes.
    #[default]
    Widened,
    /// Tukey's: `Q1 - factor IQR` and `Q3 + factor IQR`.
    Tukey,
}

/// Options of [`iqr_fences`] and [`remove_iqr_outliers`].
///
/// The defaults are Kayenta's: factor 3, widened fences, and NaN rejected (Kayenta drops or
/// replaces NaN before it looks for outliers; see [`NanPolicy`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct IqrFenceOptions {
    /// How many interquartile ranges the fences lie beyond the quartiles: finite, at least 0.
    pub factor: f64,
    /// Tukey's fences or Kayenta's widened ones.
    pub rule: FenceRule,
    /// What to do with NaN values.
    pub nan_policy: NanPolicy,
}

impl Default for IqrFenceOptions {
    fn default() -> Self {
        IqrFenceOptions {
            factor: 3.0,
            rule: FenceRule::Widened,
            nan_policy: NanPolicy::Reject,
        }
    }
}

impl IqrFenceOptions {
    /// Sets the factor (checked by [`iqr_fences`]).
    pub fn factor(mut self, factor: f64) -> Self {
        self.factor = factor;
        self
    }

    /// Sets the fence rule.
    pub fn rule(mut self, rule: FenceRule) -> Self {
        self.rule = rule;
        self
    }

    /// Sets the NaN policy.
    pub fn nan_policy(mut self, nan_policy: NanPolicy) -> Self {
        self.nan_policy = nan_policy;
        self
    }
}

/// The fences and the percentiles they come from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IqrFences {
    /// Values below this are outliers.
    pub lower: f64,
    /// Values above this are outliers.
    pub upper: f64,
    /// The 1st percentile.
    pub p1: f64,
    /// The first quartile (25th percentile).
    pub q1: f64,
    /// The third quartile (75th percentile).
    pub q3: f64,
    /// The 99th percentile.
    pub p99: f64,
    /// The factor used.
    pub factor: f64,
    /// The rule used.
    pub rule: FenceRule,
}

impl IqrFences {
    /// Whether `value` lies outside the fences (values on a fence are kept; NaN never is an
    /// outlier, the NaN policy decides about it).
    pub fn is_outlier(&self, value: f64) -> bool {
        value < self.lower || value > self.upper
    }
}

/// The values left after removing outliers, in their original order, with the fences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutlierRemoval {
    /// The values inside the fences, in input order (without NaN, if removed on request).
    pub kept: Vec<f64>,
    /// How many values were outside the fences.
    pub outliers: u64,
    /// The fences applied.
    pub fences: IqrFences,
}

/// The IQR outlier fences of `values`.
///
/// With type-7 percentiles `P1, Q1, Q3, P99` and `IQR = Q3 - Q1`, Tukey's fences are
/// `Q1 - factor IQR` and `Q3 + factor IQR`; [`FenceRule::Widened`] (Kayenta's) takes
/// `min(P1, Q1 - factor IQR)` and `max(P99, Q3 + factor IQR)`. Costs one sort.
///
/// # Errors
/// An empty sample, NaN under [`NanPolicy::Reject`], infinite values, and a factor that is
/// negative or not finite.
///
/// # Example
/// ```
/// use canary_judge::stats::{iqr_fences, FenceRule, IqrFenceOptions};
///
/// let latencies: Vec<f64> = (1..=100).map(f64::from).collect();
/// let tukey = iqr_fences(&latencies, &IqrFenceOptions::default().rule(FenceRule::Tukey))?;
/// // Q1 = 25.75, Q3 = 75.25, IQR = 49.5.
/// assert_eq!((tukey.lower, tukey.upper), (25.75 - 3.0 * 49.5, 75.25 + 3.0 * 49.5));
/// let kayenta = iqr_fences(&latencies, &IqrFenceOptions::default().factor(0.0))?;
/// // With factor 0 the widened fences are the 1st and 99th percentiles.
/// assert_eq!((kayenta.lower, kayenta.upper), (kayenta.p1, kayenta.p99));
/// assert!(kayenta.is_outlier(100.0) && !kayenta.is_outlier(50.0));
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn iqr_fences(values: &[f64], options: &IqrFenceOptions) -> Result<IqrFences> {
    let factor = options.factor;
    if !(factor.is_finite() && factor >= 0.0) {
        return Err(Error::invalid(
            "factor",
            factor,
            "the IQR factor must be a finite number, at least 0 (Kayenta's default is 3)",
        ));
    }
    let sorted = SortedSample::new("values", values, options.nan_policy, FINITE)?;
    let [p1, q1, q3, p99] = [0.01, 0.25, 0.75, 0.99].map(|q| sorted.quantile(q));
    // A zero factor leaves the quartiles, even when the IQR overflows (0 * inf is NaN).
    let reach = if factor == 0.0 {
        0.0
    } else {
        factor * (q3 - q1)
    };
    let (tukey_lower, tukey_upper) = (q1 - reach, q3 + reach);
    let (lower, upper) = match options.rule {
        FenceRule::Tukey => (tukey_lower, tukey_upper),
        FenceRule::Widened => (p1.min(tukey_lower), p99.max(tukey_upper)),
    };
    Ok(IqrFences {
        lower,
        upper,
        p1,
        q1,
        q3,
        p99,
        factor,
        rule: options.rule,
    })
}

/// Removes the values outside the IQR fences of `values` (see [`iqr_fences`]), as Kayenta
/// does to each series of a metric with `outliers.strategy = remove`, before the test.
///
/// # Errors
/// As [`iqr_fences`].
///
/// # Example
/// ```
/// use canary_judge::stats::{remove_iqr_outliers, IqrFenceOptions};
///
/// // 200 latencies from 100 to 119 ms and one of 5 s.
/// let mut latencies: Vec<f64> = (0..200).map(|i| f64::from(100 + i % 20)).collect();
/// latencies.push(5000.0);
/// let cleaned = remove_iqr_outliers(&latencies, &IqrFenceOptions::default())?;
/// // Q1 = 105, Q3 = 115: the fences are 75 and 145.
/// assert_eq!((cleaned.fences.lower, cleaned.fences.upper), (75.0, 145.0));
/// assert_eq!((cleaned.outliers, cleaned.kept.len()), (1, 200));
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn remove_iqr_outliers(values: &[f64], options: &IqrFenceOptions) -> Result<OutlierRemoval> {
    let fences = iqr_fences(values, options)?;
    let kept: Vec<f64> = values
        .iter()
        .copied()
        .filter(|&v| !v.is_nan() && !fences.is_outlier(v))
        .collect();
    let outliers = values.iter().filter(|&&v| fences.is_outlier(v)).count() as u64;
    Ok(OutlierRemoval {
        kept,
        outliers,
        fences,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_is_a_typed_error() {
        let ok = [1.0, 2.0, 3.0];
        for factor in [-0.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = iqr_fences(&ok, &IqrFenceOptions::default().factor(factor)).unwrap_err();
            assert!(
                matches!(err, Error::InvalidParameter { name: "factor", .. }),
                "{factor}: {err}"
            );
        }
        let options = IqrFenceOptions::default();
        assert!(matches!(
            iqr_fences(&[], &options),
            Err(Error::EmptySample { .. })
        ));
        let err = iqr_fences(&[1.0, f64::INFINITY], &options).unwrap_err();
        assert!(err.to_string().contains("IQR outlier fences"), "{err}");
        let nan = [1.0, f64::NAN, 2.0];
        assert!(matches!(
            remove_iqr_outliers(&nan, &options),
            Err(Error::NanInSample { index: 1, .. })
        ));
        let removed = remove_iqr_outliers(&nan, &options.nan_policy(NanPolicy::Remove)).unwrap();
        assert_eq!((removed.kept, removed.outliers), (vec![1.0, 2.0], 0));
        assert!(matches!(
            iqr_fences(&[f64::NAN], &options.nan_policy(NanPolicy::Remove)),
            Err(Error::EmptySample { .. })
        ));
    }

    #[test]
    fn widened_fences_keep_a_dense_tail_that_tukey_cuts() {
        // 90 values at 10 and a tail of 10 values from 20 to 29: the IQR is 0.
        let mut values = vec![10.0; 90];
        values.extend((20..30).map(f64::from));
        let tukey = IqrFenceOptions::default().rule(FenceRule::Tukey);
        assert_eq!(remove_iqr_outliers(&values, &tukey).unwrap().outliers, 10);
        // P99 = 28.01: only the largest value is beyond it.
        let widened = remove_iqr_outliers(&values, &IqrFenceOptions::default()).unwrap();
        assert_eq!(widened.outliers, 1);
        assert!((widened.fences.upper - 28.01).abs() < 1e-12);
        assert_eq!(widened.kept.len(), 99);
    }

    #[test]
    fn values_on_a_fence_are_kept_and_order_is_preserved() {
        let values = [5.0, 1.0, 3.0, 2.0, 4.0];
        let options = IqrFenceOptions::default()
            .factor(0.0)
            .rule(FenceRule::Tukey);
        let removal = remove_iqr_outliers(&values, &options).unwrap();
        assert_eq!((removal.fences.q1, removal.fences.q3), (2.0, 4.0));
        assert_eq!(removal.kept, vec![3.0, 2.0, 4.0]);
        assert_eq!(removal.outliers, 2);
    }

    #[test]
    fn a_single_value_or_a_constant_sample_has_no_outliers() {
        for values in [&[7.0][..], &[3.0; 10][..]] {
            let removal = remove_iqr_outliers(values, &IqrFenceOptions::default()).unwrap();
            assert_eq!(removal.kept, values);
            assert_eq!(removal.outliers, 0);
        }
    }

    #[test]
    fn an_overflowing_iqr_gives_infinite_fences_not_nan() {
        let values = [-f64::MAX, -f64::MAX, f64::MAX, f64::MAX];
        for factor in [0.0, 1.5] {
            let fences = iqr_fences(&values, &IqrFenceOptions::default().factor(factor)).unwrap();
            assert!(
                !fences.lower.is_nan() && !fences.upper.is_nan(),
                "{fences:?}"
            );
            assert!(!values.iter().any(|&v| fences.is_outlier(v)));
        }
    }

    #[test]
    fn serde_options_default_missing_fields_and_reject_unknown_ones() {
        let options: IqrFenceOptions = serde_json::from_str(r#"{"rule": "tukey"}"#).unwrap();
        assert_eq!(options, IqrFenceOptions::default().rule(FenceRule::Tukey));
        assert!(serde_json::from_str::<IqrFenceOptions>(r#"{"k": 1.5}"#).is_err());
    }
}
