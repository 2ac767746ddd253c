//! Effect sizes of `x` relative to `y`: how much larger, in several scales.

use serde::{Deserialize, Serialize};

use super::pairwise::Differences;
use super::rank::{tie_groups, RankSummary, SortedSample};
use crate::error::Result;
use crate::sample::{Infinities, NanPolicy};

/// Means and differences of infinities are undefined, so both samples must be finite.
const FINITE: Infinities = Infinities::Rejected {
    needed_by: "the effect sizes",
};

/// How much `x` differs from `y`, on rank, ratio and shift scales.
///
/// Ratios and the relative shift are `None` when the baseline's denominator is zero (or so
/// small that the quotient overflows), where a relative change has no meaning.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EffectSizes {
    /// `P(X > Y) + P(X = Y) / 2`, estimated by `U / (m n)`: 0.5 means no tendency either way.
    pub probability_of_superiority: f64,
    /// Rank-biserial correlation `2 U / (m n) - 1`, in `[-1, 1]`; positive when `x` tends
    /// larger.
    pub rank_biserial: f64,
    /// `mean(x) / mean(y)`.
    pub ratio_of_means: Option<f64>,
    /// `median(x) / median(y)`.
    pub ratio_of_medians: Option<f64>,
    /// The Hodges-Lehmann shift: the median of the differences `x_i - y_j`.
    pub shift: f64,
    /// `shift / |median(y)|`: the shift as a fraction of the baseline's typical value.
    pub relative_shift: Option<f64>,
}

/// Effect sizes of `x` (the canary) relative to `y` (the baseline).
///
/// One sort of each sample and one merge give U (ties count half) and the medians; the shift
/// is the Hodges-Lehmann estimate of [`hodges_lehmann`](super::hodges_lehmann), found by
/// selection in expected O((m + n) log(mn)) time.
///
/// # Errors
/// Empty samples, NaN under [`NanPolicy::Reject`], and infinite values (means and
/// differences of infinities are undefined).
///
/// # Example
/// ```
/// use canary_judge::stats::effect_sizes;
/// use canary_judge::NanPolicy;
///
/// let baseline = [100.0, 102.0, 98.0, 101.0];
/// let canary = [110.0, 112.0, 101.0, 109.0];
/// let effect = effect_sizes(&canary, &baseline, NanPolicy::Reject)?;
/// // Of the 16 (canary, baseline) pairs, 14 have the canary larger and one is a tie.
/// assert_eq!(effect.probability_of_superiority, 14.5 / 16.0);
/// assert_eq!(effect.shift, 9.0);
/// assert_eq!(effect.relative_shift, Some(9.0 / 100.5));
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn effect_sizes(x: &[f64], y: &[f64], nan_policy: NanPolicy) -> Result<EffectSizes> {
    let x = SortedSample::new("x", x, nan_policy, FINITE)?;
    let y = SortedSample::new("y", y, nan_policy, FINITE)?;
    let ranks = RankSummary::from_groups(tie_groups(x.values(), y.values()))?;
    let probability_of_superiority = ranks.u_x() / ranks.pairs();
    let shift = Differences::new(x.values(), y.values())?.median();
    let median_y = y.median();
    Ok(EffectSizes {
        probability_of_superiority,
        rank_biserial: 2.0 * probability_of_superiority - 1.0,
        ratio_of_means: ratio(mean(x.values()), mean(y.values())),
        ratio_of_medians: ratio(x.median(), median_y),
        shift,
        relative_shift: ratio(shift, median_y.abs()),
    })
}

/// `numerator / denominator`, or `None` when that is not a finite number (zero denominator,
/// or an overflowing quotient).
fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    Some(numerator / denominator).filter(|r| r.is_finite())
}

/// The mean of finite values; if their sum overflows, the sum of the values divided first.
fn mean(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let sum: f64 = values.iter().sum();
    if sum.is_finite() {
        sum / n
    } else {
        values.iter().map(|v| v / n).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[test]
    fn effects_of_a_small_example() {
        // Pairs (x, y): 3 beats 1 and 2, 2 ties with 2 and beats 1, 0 beats nothing.
        let effect = effect_sizes(&[3.0, 2.0, 0.0], &[1.0, 2.0], NanPolicy::Reject).unwrap();
        assert_eq!(effect.probability_of_superiority, 3.5 / 6.0);
        assert_eq!(effect.rank_biserial, 2.0 * 3.5 / 6.0 - 1.0);
        assert_eq!(effect.ratio_of_means, Some((5.0 / 3.0) / 1.5));
        assert_eq!(effect.ratio_of_medians, Some(2.0 / 1.5));
        // Differences: 2, 1, 1, 0, -1, -2; median (1 + 0) / 2.
        assert_eq!(effect.shift, 0.5);
        assert_eq!(effect.relative_shift, Some(0.5 / 1.5));
    }

    #[test]
    fn a_zero_baseline_has_no_ratios() {
        let effect = effect_sizes(&[1.0, 2.0], &[-1.0, 0.0, 1.0], NanPolicy::Reject).unwrap();
        assert_eq!(effect.ratio_of_means, None);
        assert_eq!(effect.ratio_of_medians, None);
        assert_eq!(effect.relative_shift, None);
        assert_eq!(effect.shift, 1.5);
        let negative = effect_sizes(&[-3.0], &[-2.0], NanPolicy::Reject).unwrap();
        assert_eq!(negative.relative_shift, Some(-0.5));
        assert_eq!(negative.ratio_of_means, Some(1.5));
    }

    #[test]
    fn huge_values_do_not_overflow_the_mean() {
        assert_eq!(mean(&[f64::MAX, f64::MAX]), f64::MAX);
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let ok = [1.0];
        let err = effect_sizes(&[], &ok, NanPolicy::Reject).unwrap_err();
        assert!(matches!(err, Error::EmptySample { sample: "x", .. }));
        let err = effect_sizes(&ok, &[f64::NAN], NanPolicy::Reject).unwrap_err();
        assert!(matches!(err, Error::NanInSample { sample: "y", .. }));
        let err = effect_sizes(&ok, &[f64::NAN], NanPolicy::Remove).unwrap_err();
        assert!(matches!(err, Error::EmptySample { sample: "y", .. }));
        let err = effect_sizes(&[f64::NEG_INFINITY], &ok, NanPolicy::Reject).unwrap_err();
        assert!(matches!(err, Error::InfiniteInSample { sample: "x", .. }));
    }
}
