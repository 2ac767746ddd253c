//! Sample size, power and detectable effect for the Mann-Whitney test and for two proportions.
//!
//! Both use the normal approximation with unequal allocation (a canary usually gets a small
//! share of traffic): Noether (1987) for Mann-Whitney, the pooled-variance two-proportion
//! formula (Fleiss, Levin & Paik 2003, §4.2) for error rates. The far tail of a two-sided test
//! is ignored, as in both references. Formulas: `docs/methods/sample-size.md`.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use super::Alternative;
use crate::error::{Error, Result};
use crate::sample::{clean_sample, Infinities, NanPolicy};

/// Largest group size reported: counts stay exact in `f64`.
pub(crate) const MAX_GROUP_SIZE: f64 = 9_007_199_254_740_992.0; // 2^53

/// Bisection steps: enough to exhaust `f64` precision on any bracket.
const BISECTION_STEPS: usize = 200;

/// Significance level, target power and alternative of a planned test.
///
/// Defaults: `alpha = 0.05`, `power = 0.8`, two-sided. For a canary gate the natural choice is
/// usually one-sided ([`Alternative::Greater`]: the canary is worse when larger).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct PowerOptions {
    /// Significance level, in (0, 1).
    pub alpha: f64,
    /// Probability of detecting the effect, in (0, 1) and above the one-sided level.
    pub power: f64,
    /// The alternative the planned test uses; `x` is the canary.
    pub alternative: Alternative,
}

impl Default for PowerOptions {
    fn default() -> Self {
        PowerOptions {
            alpha: 0.05,
            power: 0.8,
            alternative: Alternative::TwoSided,
        }
    }
}

impl PowerOptions {
    /// Sets the significance level.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets the target power.
    pub fn power(mut self, power: f64) -> Self {
        self.power = power;
        self
    }

    /// Sets the alternative.
    pub fn alternative(mut self, alternative: Alternative) -> Self {
        self.alternative = alternative;
        self
    }

    /// Validates the options and returns the two normal quantiles the formulas use.
    pub(crate) fn quantiles(&self) -> Result<Quantiles> {
        let allowed = "must be strictly between 0 and 1";
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(Error::invalid("alpha", self.alpha, allowed));
        }
        if !(self.power > 0.0 && self.power < 1.0) {
            return Err(Error::invalid("power", self.power, allowed));
        }
        let level = match self.alternative {
            Alternative::TwoSided => self.alpha / 2.0,
            Alternative::Greater | Alternative::Less => self.alpha,
        };
        let quantiles = Quantiles {
            alpha: Normal::standard().inverse_cdf(1.0 - level),
            beta: Normal::standard().inverse_cdf(self.power),
            alternative: self.alternative,
        };
        if quantiles.alpha + quantiles.beta <= 0.0 {
            return Err(Error::invalid(
                "power",
                self.power,
                "must exceed the one-sided significance level (alpha, or alpha/2 if two-sided)",
            ));
        }
        Ok(quantiles)
    }
}

/// Normal quantiles `z_{1-α}` (or `z_{1-α/2}`) and `z_{power}` of validated [`PowerOptions`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Quantiles {
    alpha: f64,
    beta: f64,
    alternative: Alternative,
}

impl Quantiles {
    /// The effect in the direction the test looks for: negative means "the wrong way".
    fn directed(&self, effect: f64) -> f64 {
        match self.alternative {
            Alternative::TwoSided => effect.abs(),
            Alternative::Greater => effect,
            Alternative::Less => -effect,
        }
    }

    /// Signs a detectable magnitude to point the way the test looks for (up when two-sided).
    fn orient(&self, magnitude: f64) -> f64 {
        match self.alternative {
            Alternative::Less => -magnitude,
            Alternative::TwoSided | Alternative::Greater => magnitude,
        }
    }
}

/// Observations per group: the canary (`x`) and the baseline (`y`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSizes {
    /// Canary observations.
    pub canary: u64,
    /// Baseline observations.
    pub baseline: u64,
}

impl GroupSizes {
    /// Both groups together (saturating).
    pub fn total(&self) -> u64 {
        self.canary.saturating_add(self.baseline)
    }

    /// Both sizes, checked to be positive, as floats.
    fn positive(&self) -> Result<(f64, f64)> {
        for (name, n) in [("canary", self.canary), ("baseline", self.baseline)] {
            if n == 0 {
                return Err(Error::invalid(name, n, "group sizes must be at least 1"));
            }
        }
        Ok((self.canary as f64, self.baseline as f64))
    }

    /// Rounds a continuous total `n_total` split by `canary_share` up to whole observations.
    fn split(n_total: f64, canary_share: f64) -> Result<GroupSizes> {
        let canary = (canary_share * n_total).ceil();
        let baseline = ((1.0 - canary_share) * n_total).ceil();
        if [canary, baseline]
            .iter()
            .any(|v| v.is_nan() || *v > MAX_GROUP_SIZE)
        {
            return Err(Error::CountOverflow {
                what: "the required sample size",
                limit: MAX_GROUP_SIZE as u64,
            });
        }
        Ok(GroupSizes {
            canary: canary as u64,
            baseline: baseline as u64,
        })
    }
}

fn check_share(canary_share: f64) -> Result<f64> {
    if canary_share > 0.0 && canary_share < 1.0 {
        Ok(canary_share)
    } else {
        Err(Error::invalid(
            "canary_share",
            canary_share,
            "the canary's share of observations must be strictly between 0 and 1",
        ))
    }
}

fn check_open_unit(name: &'static str, value: f64) -> Result<f64> {
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(Error::invalid(
            name,
            value,
            "must be strictly between 0 and 1",
        ))
    }
}

/// An effect the planned test cannot detect at any sample size (`directed <= 0`).
fn check_detectable(name: &'static str, value: f64, directed: f64) -> Result<f64> {
    if directed > 0.0 {
        Ok(directed)
    } else {
        Err(Error::invalid(
            name,
            value,
            "the effect must differ from no change, in the direction of the alternative",
        ))
    }
}

/// The Mann-Whitney information `12 m n / (m + n)` (0 when a group is empty).
fn rank_information(canary: f64, baseline: f64) -> f64 {
    let total = canary + baseline;
    if canary > 0.0 && baseline > 0.0 {
        12.0 * canary * baseline / total
    } else {
        0.0
    }
}

/// Noether's approximate power at real-valued group sizes (0 groups give the size of the test).
pub(crate) fn mann_whitney_power_at(q: &Quantiles, superiority: f64, m: f64, n: f64) -> f64 {
    let shift = q.directed(superiority - 0.5);
    Normal::standard().cdf(rank_information(m, n).sqrt() * shift - q.alpha)
}

/// Group sizes for a Mann-Whitney test to detect `P(X > Y) = superiority` (Noether 1987).
///
/// `superiority` is the probability that a canary observation exceeds a baseline one (ties
/// counting one half); 0.5 means no difference. `canary_share` is the canary's share of all
/// observations (0.05 for a 5 % canary). The total is
/// `N = (z_{1-α} + z_{power})² / (12 c (1-c) (superiority − ½)²)`, with `z_{1-α/2}` when
/// two-sided, and each group is rounded up. Use [`ShiftModel`] to turn a shift in the
/// metric's units into `superiority`.
///
/// ```
/// use canary_judge::stats::{mann_whitney_sample_size, Alternative, PowerOptions};
///
/// // A 5 % canary; detect P(canary > baseline) = 0.6, one-sided, alpha 0.05, power 0.8.
/// let options = PowerOptions::default().alternative(Alternative::Greater);
/// let sizes = mann_whitney_sample_size(0.6, 0.05, &options)?;
/// assert_eq!((sizes.canary, sizes.baseline), (55, 1031));
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn mann_whitney_sample_size(
    superiority: f64,
    canary_share: f64,
    options: &PowerOptions,
) -> Result<GroupSizes> {
    let q = options.quantiles()?;
    let c = check_share(canary_share)?;
    let p = check_open_unit("superiority", superiority)?;
    let shift = check_detectable("superiority", p, q.directed(p - 0.5))?;
    let z = q.alpha + q.beta;
    GroupSizes::split(z * z / (12.0 * c * (1.0 - c) * shift * shift), c)
}

/// Approximate power of a Mann-Whitney test with these group sizes against `superiority`.
pub fn mann_whitney_power(
    superiority: f64,
    sizes: GroupSizes,
    options: &PowerOptions,
) -> Result<f64> {
    let q = options.quantiles()?;
    let p = check_open_unit("superiority", superiority)?;
    let (m, n) = sizes.positive()?;
    Ok(mann_whitney_power_at(&q, p, m, n))
}

/// The `P(X > Y)` a Mann-Whitney test with these group sizes detects with the target power.
///
/// Above ½ for [`Alternative::Greater`] and two-sided tests, below ½ for
/// [`Alternative::Less`]. `None` when even `P(X > Y) = 1` (or 0) is out of reach: the samples
/// are too small for this power.
pub fn mann_whitney_detectable_superiority(
    sizes: GroupSizes,
    options: &PowerOptions,
) -> Result<Option<f64>> {
    let q = options.quantiles()?;
    let (m, n) = sizes.positive()?;
    let offset = (q.alpha + q.beta) / rank_information(m, n).sqrt();
    Ok((offset < 0.5).then(|| 0.5 + q.orient(offset)))
}

/// Pooled-variance approximate power at real-valued group sizes (0 groups give power 0).
pub(crate) fn two_proportions_power_at(
    q: &Quantiles,
    canary_rate: f64,
    baseline_rate: f64,
    m: f64,
    n: f64,
) -> f64 {
    if !(m > 0.0 && n > 0.0) {
        return 0.0;
    }
    let pooled = (m * canary_rate + n * baseline_rate) / (m + n);
    let null_sd = (pooled * (1.0 - pooled) * (1.0 / m + 1.0 / n)).sqrt();
    let alt_sd =
        (canary_rate * (1.0 - canary_rate) / m + baseline_rate * (1.0 - baseline_rate) / n).sqrt();
    let difference = q.directed(canary_rate - baseline_rate);
    Normal::standard().cdf((difference - q.alpha * null_sd) / alt_sd)
}

/// Group sizes for a two-proportion z-test (pooled variance) to detect an error rate change.
///
/// The canary's rate is `canary_rate`, the baseline's `baseline_rate`; `canary_share` is the
/// canary's share of requests. With `c` that share and `p̄ = c p_x + (1-c) p_y`,
///
/// `N = (z_{1-α} √(p̄(1-p̄)/(c(1-c))) + z_{power} √(p_x(1-p_x)/c + p_y(1-p_y)/(1-c)))² / (p_x − p_y)²`
///
/// (Fleiss, Levin & Paik 2003, eq. 4.19 without continuity correction, allocation ratio
/// `r = (1-c)/c`); each group is rounded up.
///
/// ```
/// use canary_judge::stats::{two_proportions_sample_size, Alternative, PowerOptions};
///
/// // Detect a doubling of a 1 % error rate on a 10 % canary, one-sided.
/// let options = PowerOptions::default().alternative(Alternative::Greater);
/// let sizes = two_proportions_sample_size(0.02, 0.01, 0.1, &options)?;
/// assert_eq!((sizes.canary, sizes.baseline), (912, 8205)); // about 9,100 requests in all
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn two_proportions_sample_size(
    canary_rate: f64,
    baseline_rate: f64,
    canary_share: f64,
    options: &PowerOptions,
) -> Result<GroupSizes> {
    let q = options.quantiles()?;
    let c = check_share(canary_share)?;
    let px = check_open_unit("canary_rate", canary_rate)?;
    let py = check_open_unit("baseline_rate", baseline_rate)?;
    let difference = check_detectable("canary_rate", px, q.directed(px - py))?;
    let pooled = c * px + (1.0 - c) * py;
    let null_term = q.alpha * (pooled * (1.0 - pooled) / (c * (1.0 - c))).sqrt();
    let alt_term = q.beta * (px * (1.0 - px) / c + py * (1.0 - py) / (1.0 - c)).sqrt();
    let root = (null_term + alt_term) / difference;
    GroupSizes::split(root * root, c)
}

/// Approximate power of a pooled two-proportion z-test with these group sizes.
pub fn two_proportions_power(
    canary_rate: f64,
    baseline_rate: f64,
    sizes: GroupSizes,
    options: &PowerOptions,
) -> Result<f64> {
    let q = options.quantiles()?;
    let px = check_open_unit("canary_rate", canary_rate)?;
    let py = check_open_unit("baseline_rate", baseline_rate)?;
    let (m, n) = sizes.positive()?;
    Ok(two_proportions_power_at(&q, px, py, m, n))
}

/// The canary error rate these group sizes detect with the target power, given the baseline's.
///
/// Above `baseline_rate` for [`Alternative::Greater`] and two-sided tests, below it for
/// [`Alternative::Less`]; found by bisection on the power function. `None` when even a rate
/// of 1 (or 0) is not detected with the target power.
pub fn two_proportions_detectable_rate(
    baseline_rate: f64,
    sizes: GroupSizes,
    options: &PowerOptions,
) -> Result<Option<f64>> {
    let q = options.quantiles()?;
    let py = check_open_unit("baseline_rate", baseline_rate)?;
    let (m, n) = sizes.positive()?;
    let far = match q.alternative {
        Alternative::Less => 0.0,
        Alternative::TwoSided | Alternative::Greater => 1.0,
    };
    let reaches = |px: f64| two_proportions_power_at(&q, px, py, m, n) >= options.power;
    if !reaches(far) {
        return Ok(None);
    }
    Ok(Some(bisect(py, far, reaches)))
}

/// The point where `reaches` turns true between `near` (false) and `far` (true).
///
/// Returns the end of the final bracket on the `far` side, so `reaches` holds there.
pub(crate) fn bisect(mut near: f64, mut far: f64, reaches: impl Fn(f64) -> bool) -> f64 {
    for _ in 0..BISECTION_STEPS {
        let mid = near + (far - near) / 2.0;
        if mid == near || mid == far {
            break;
        }
        if reaches(mid) {
            far = mid;
        } else {
            near = mid;
        }
    }
    far
}

/// How a location shift of the canary's metric translates into `P(X > Y)`.
///
/// The Mann-Whitney formulas work with `P(X > Y)`; people think in shifts ("+5 ms"). For a
/// canary distributed as the baseline shifted by `δ`, `P(X > Y) = P(Y₁ + δ > Y₂)` for two
/// independent baseline draws: `Φ(δ / (σ√2))` for a normal baseline, or the share of baseline
/// pairs `(i, j)` with `y_i + δ > y_j` (ties one half) for an observed baseline sample.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftModel {
    kind: ShiftKind,
}

#[derive(Debug, Clone, PartialEq)]
enum ShiftKind {
    Normal { sd: f64 },
    Empirical { sorted: Vec<f64> },
}

impl ShiftModel {
    /// A normal baseline with standard deviation `sd` (positive and finite).
    pub fn normal(sd: f64) -> Result<ShiftModel> {
        if sd > 0.0 && sd.is_finite() {
            Ok(ShiftModel {
                kind: ShiftKind::Normal { sd },
            })
        } else {
            Err(Error::invalid("sd", sd, "must be positive and finite"))
        }
    }

    /// The baseline's distribution as observed (for example last week's latencies).
    ///
    /// Costs one sort; each [`ShiftModel::superiority`] call is then O(n).
    pub fn empirical(baseline: &[f64], nan_policy: NanPolicy) -> Result<ShiftModel> {
        let needed_by = Infinities::Rejected {
            needed_by: "an empirical shift model",
        };
        let mut sorted = clean_sample("baseline", baseline, nan_policy, needed_by)?;
        sorted.sort_unstable_by(f64::total_cmp);
        Ok(ShiftModel {
            kind: ShiftKind::Empirical { sorted },
        })
    }

    /// `P(X > Y)` (ties one half) when the canary is the baseline shifted by `shift`.
    pub fn superiority(&self, shift: f64) -> Result<f64> {
        if !shift.is_finite() {
            return Err(Error::invalid("shift", shift, "must be finite"));
        }
        Ok(match &self.kind {
            ShiftKind::Normal { sd } => {
                Normal::standard().cdf(shift / (sd * std::f64::consts::SQRT_2))
            }
            ShiftKind::Empirical { sorted } => shifted_superiority(sorted, shift),
        })
    }

    /// The smallest shift with `P(X > Y) >= superiority`: the inverse of
    /// [`ShiftModel::superiority`], for turning a detectable `P(X > Y)` into metric units.
    ///
    /// For an empirical model the answer is the boundary of a step function (a difference of
    /// two baseline values), found by bisection.
    pub fn shift_for_superiority(&self, superiority: f64) -> Result<f64> {
        let p = check_open_unit("superiority", superiority)?;
        Ok(match &self.kind {
            ShiftKind::Normal { sd } => {
                sd * std::f64::consts::SQRT_2 * Normal::standard().inverse_cdf(p)
            }
            ShiftKind::Empirical { sorted } => {
                let (lo, hi) = match (sorted.first(), sorted.last()) {
                    (Some(lo), Some(hi)) => (*lo, *hi),
                    _ => return Err(Error::invalid("superiority", p, "needs a baseline")),
                };
                // Beyond twice the range every pair is strictly ordered: P is 0 below, 1 above.
                let range = 2.0 * (hi - lo).max(f64::MIN_POSITIVE);
                bisect(-range, range, |d| shifted_superiority(sorted, d) >= p)
            }
        })
    }
}

/// `(#{(i, j): y_i + δ > y_j} + ½ #{y_i + δ = y_j}) / n²` for sorted `y`, by one merge pass.
fn shifted_superiority(sorted: &[f64], shift: f64) -> f64 {
    let (mut below, mut not_above) = (0usize, 0usize);
    let mut total = 0.0;
    for &value in sorted {
        let moved = value + shift;
        while below < sorted.len() && sorted[below] < moved {
            below += 1;
        }
        not_above = not_above.max(below);
        while not_above < sorted.len() && sorted[not_above] <= moved {
            not_above += 1;
        }
        total += below as f64 + 0.5 * (not_above - below) as f64;
    }
    let n = sorted.len() as f64;
    total / (n * n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noether_closed_form_for_equal_groups() {
        // Two-sided 0.05, power 0.8, p = 0.75, c = 1/2:
        // N = (1.959964 + 0.841621)² / (12 · ¼ · ¼²) = 7.848861 / 0.1875 = 41.86 → 21 + 21.
        let sizes = mann_whitney_sample_size(0.75, 0.5, &PowerOptions::default()).unwrap();
        assert_eq!(
            sizes,
            GroupSizes {
                canary: 21,
                baseline: 21
            }
        );
    }

    #[test]
    fn shifted_superiority_counts_pairs_with_ties_as_half() {
        // y = [1, 2, 3], δ = 1: pairs (y_i + 1 vs y_j): 2>1, 2=2, 3>1, 3>2, 3=3, 4>all.
        // strictly greater: 1 + 2 + 3 = 6, ties: 2 → (6 + 1) / 9.
        assert!((shifted_superiority(&[1.0, 2.0, 3.0], 1.0) - 7.0 / 9.0).abs() < 1e-15);
        // δ = 0: only self-ties and the lower pairs: (3 + 1.5) / 9 = ½.
        assert!((shifted_superiority(&[1.0, 2.0, 3.0], 0.0) - 0.5).abs() < 1e-15);
    }

    #[test]
    fn bad_parameters_are_errors() {
        let ok = PowerOptions::default();
        for options in [
            ok.alpha(0.0),
            ok.alpha(1.0),
            ok.power(1.0),
            ok.alpha(f64::NAN),
        ] {
            assert!(mann_whitney_sample_size(0.6, 0.5, &options).is_err());
        }
        // Power at or below the one-sided level (α/2 when two-sided) cannot be planned for.
        assert!(mann_whitney_sample_size(0.6, 0.5, &ok.power(0.02)).is_err());
        assert!(mann_whitney_sample_size(0.6, 0.5, &ok.power(0.03)).is_ok());
        assert!(mann_whitney_sample_size(0.6, 0.0, &ok).is_err());
        assert!(mann_whitney_sample_size(1.0, 0.5, &ok).is_err());
        let less = ok.alternative(Alternative::Less);
        assert!(two_proportions_sample_size(0.02, 0.01, 0.5, &less).is_err());
        let empty = GroupSizes {
            canary: 0,
            baseline: 10,
        };
        assert!(mann_whitney_power(0.6, empty, &ok).is_err());
        assert!(two_proportions_detectable_rate(0.01, empty, &ok).is_err());
        assert!(ShiftModel::normal(0.0).is_err());
        assert!(ShiftModel::empirical(&[], NanPolicy::Reject).is_err());
        assert!(ShiftModel::normal(1.0)
            .unwrap()
            .superiority(f64::NAN)
            .is_err());
        // Sizes too large to count exactly are an error, not a saturated number.
        let tiny = mann_whitney_sample_size(0.5 + 1e-9, 0.5, &ok);
        assert!(matches!(tiny, Err(Error::CountOverflow { .. })));
    }

    #[test]
    fn bisection_finds_the_switch_point() {
        let x = bisect(0.0, 10.0, |v| v >= std::f64::consts::PI);
        assert!((x - std::f64::consts::PI).abs() < 1e-14);
    }
}
