//! The mixture sequential probability ratio test (mSPRT) for a difference in means
//! (Robbins 1970; Johari, Koomen, Pekelis and Walsh 2017, 2022).
//!
//! With `d` the difference of the arm means (canary minus baseline) and
//! `V = sigma_c^2/n_c + sigma_b^2/n_b` its variance, mixing the likelihood ratio of
//! `d ~ N(theta, V)` over `theta ~ N(theta0, tau^2)` gives
//! `Lambda = sqrt(V/(V+tau^2)) exp(tau^2 (d - theta0)^2 / (2 V (V+tau^2)))`. In information
//! units (`s = (d - theta0)/V`, `v = 1/V`) this is the two-sided [`NormalMixture`] with
//! `rho = 1/tau^2`; the one-sided version mixes over effects in the tested direction only.
//! `d/V` is a Gaussian process with independent increments in `1/V` whatever the order in
//! which the arms receive data, so `Lambda` is a test martingale and Ville's inequality gives
//! the error guarantee at every look.

use serde::{Deserialize, Serialize};

use super::mixture_boundary::{check_alpha, BoundarySides, NormalMixture};
use super::sequential::{Interval, SequentialDecision, SequentialTest};
use super::Alternative;
use crate::error::{Error, Result};

/// Where the variance of each arm's observations comes from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Variance {
    /// Known per-observation variances: the guarantee is exact for normal data and holds
    /// asymptotically (central limit theorem) otherwise.
    Known {
        /// Variance of one canary observation.
        canary: f64,
        /// Variance of one baseline observation.
        baseline: f64,
    },
    /// Each arm's running variance (dividing by `n`, so 0/1 data gives `p(1-p)`, as in
    /// Optimizely's Stats Engine). The guarantee is asymptotic: the test waits until each arm
    /// has `min_per_arm` observations and a positive variance.
    PlugIn {
        /// Observations each arm needs before the statistic moves from 1; at least 2.
        min_per_arm: u64,
    },
}

/// Options of [`MeanDifferenceMsprt`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct MsprtOptions {
    /// Level: reject once `Lambda >= 1/alpha`. In (0, 1); default 0.05.
    pub alpha: f64,
    /// `Greater`: the canary mean exceeds the baseline mean by more than `null_difference`;
    /// `Less`: it falls short of it; `TwoSided` (default): either.
    pub alternative: Alternative,
    /// The difference (canary minus baseline) under the null hypothesis; default 0.
    pub null_difference: f64,
}

impl Default for MsprtOptions {
    fn default() -> Self {
        MsprtOptions {
            alpha: 0.05,
            alternative: Alternative::TwoSided,
            null_difference: 0.0,
        }
    }
}

impl MsprtOptions {
    /// Sets the level.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets the alternative.
    pub fn alternative(mut self, alternative: Alternative) -> Self {
        self.alternative = alternative;
        self
    }

    /// Sets the null difference (a tolerance margin, for example).
    pub fn null_difference(mut self, null_difference: f64) -> Self {
        self.null_difference = null_difference;
        self
    }
}

/// A batch of observations from one arm, summarised.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmSummary {
    /// Number of observations.
    pub count: u64,
    /// Their mean.
    pub mean: f64,
    /// Their variance, dividing by `count` (0 for a single observation).
    pub variance: f64,
}

/// What [`MeanDifferenceMsprt::update`] takes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum MeanObservation {
    /// One canary value.
    Canary(f64),
    /// One baseline value.
    Baseline(f64),
    /// One value from each arm.
    Pair {
        /// The canary value.
        canary: f64,
        /// The baseline value.
        baseline: f64,
    },
    /// A tick's worth of values from each arm, summarised (either count may be 0).
    Summaries {
        /// The canary batch.
        canary: ArmSummary,
        /// The baseline batch.
        baseline: ArmSummary,
    },
}

/// Running count, mean and sum of squared deviations of one arm.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
struct Moments {
    count: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    /// These moments merged with a batch (Chan, Golub and LeVeque's pairwise update); an
    /// error when the batch is invalid or the result does not fit in doubles.
    fn merged(&self, batch: &ArmSummary) -> Result<Moments> {
        if !(batch.mean.is_finite() && batch.variance.is_finite() && batch.variance >= 0.0) {
            return Err(Error::invalid(
                "observation",
                format!("mean {} variance {}", batch.mean, batch.variance),
                "values and means must be finite, variances finite and non-negative",
            ));
        }
        if batch.count == 0 {
            return Ok(*self);
        }
        let count = self
            .count
            .checked_add(batch.count)
            .ok_or(Error::CountOverflow {
                what: "observations per arm",
                limit: u64::MAX,
            })?;
        let (n_a, n_b, n) = (self.count as f64, batch.count as f64, count as f64);
        let delta = batch.mean - self.mean;
        let merged = if self.count == 0 {
            Moments {
                count,
                mean: batch.mean,
                m2: batch.variance * n_b,
            }
        } else {
            Moments {
                count,
                mean: self.mean + delta * (n_b / n),
                m2: self.m2 + batch.variance * n_b + delta * delta * (n_a * n_b / n),
            }
        };
        if merged.mean.is_finite() && merged.m2.is_finite() {
            Ok(merged)
        } else {
            Err(Error::invalid(
                "observation",
                batch.mean,
                "is too large: the running mean or variance overflows",
            ))
        }
    }

    /// The per-observation variance to use, or `None` while it is not yet available.
    fn variance(&self, known: Option<f64>, min_count: u64) -> Option<f64> {
        if self.count < min_count.max(1) {
            return None;
        }
        let variance = known.unwrap_or(self.m2 / self.count as f64);
        (variance > 0.0).then_some(variance)
    }
}

/// The mSPRT on the difference of means, canary minus baseline.
///
/// Feed single values, pairs or per-tick summaries in any order that does not depend on the
/// values; look after every update. `tau^2` (the mixing variance) sets which effects the test
/// is most sensitive to: `tau^2` near the square of the smallest effect worth detecting is
/// the usual choice.
///
/// ```
/// use canary_judge::stats::{
///     Alternative, MeanDifferenceMsprt, MeanObservation, MsprtOptions, SequentialDecision,
///     SequentialTest, Variance,
/// };
///
/// let options = MsprtOptions::default().alternative(Alternative::Greater);
/// let known = Variance::Known { canary: 1.0, baseline: 1.0 };
/// let mut test = MeanDifferenceMsprt::new(0.01, known, options)?;
/// let mut decision = SequentialDecision::Continue;
/// for i in 0..2000 {
///     let wiggle = if i % 2 == 0 { 0.5 } else { -0.5 };
///     let pair = MeanObservation::Pair { canary: 0.3 + wiggle, baseline: -wiggle };
///     decision = test.update(pair)?;
///     if decision == SequentialDecision::Reject {
///         break;
///     }
/// }
/// assert_eq!(decision, SequentialDecision::Reject);
/// assert!(test.pvalue() <= 0.05);
/// assert!(test.interval().unwrap().low > 0.0);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeanDifferenceMsprt {
    mixing_variance: f64,
    variance: Variance,
    options: MsprtOptions,
    canary: Moments,
    baseline: Moments,
    log_lambda: f64,
    max_log_lambda: f64,
    decision: SequentialDecision,
}

impl MeanDifferenceMsprt {
    /// A test with mixing variance `tau^2 > 0`, the arms' variances and the options.
    pub fn new(mixing_variance: f64, variance: Variance, options: MsprtOptions) -> Result<Self> {
        if !(mixing_variance.is_finite() && mixing_variance > 0.0) {
            return Err(Error::invalid(
                "mixing_variance",
                mixing_variance,
                "must be finite and positive",
            ));
        }
        match variance {
            Variance::Known { canary, baseline } => {
                for (name, value) in [("variance.canary", canary), ("variance.baseline", baseline)]
                {
                    if !(value.is_finite() && value > 0.0) {
                        return Err(Error::invalid(name, value, "must be finite and positive"));
                    }
                }
            }
            Variance::PlugIn { min_per_arm } if min_per_arm < 2 => {
                return Err(Error::invalid(
                    "variance.min_per_arm",
                    min_per_arm,
                    "must be at least 2: one value has no variance",
                ));
            }
            Variance::PlugIn { .. } => {}
        }
        check_alpha("alpha", options.alpha)?;
        if !options.null_difference.is_finite() {
            return Err(Error::invalid(
                "null_difference",
                options.null_difference,
                "must be finite",
            ));
        }
        Ok(MeanDifferenceMsprt {
            mixing_variance,
            variance,
            options,
            canary: Moments::default(),
            baseline: Moments::default(),
            log_lambda: 0.0,
            max_log_lambda: 0.0,
            decision: SequentialDecision::Continue,
        })
    }

    /// The options the test runs with.
    pub fn options(&self) -> &MsprtOptions {
        &self.options
    }

    /// The observed difference of means, canary minus baseline (`None` before both arms have
    /// data).
    pub fn estimate(&self) -> Option<f64> {
        (self.canary.count > 0 && self.baseline.count > 0)
            .then_some(self.canary.mean - self.baseline.mean)
    }

    /// `V`, the variance of the difference of means, once it is available.
    pub fn variance_of_difference(&self) -> Option<f64> {
        let (known_canary, known_baseline, min_count) = match self.variance {
            Variance::Known { canary, baseline } => (Some(canary), Some(baseline), 1),
            Variance::PlugIn { min_per_arm } => (None, None, min_per_arm),
        };
        let canary = self.canary.variance(known_canary, min_count)?;
        let baseline = self.baseline.variance(known_baseline, min_count)?;
        let v = canary / self.canary.count as f64 + baseline / self.baseline.count as f64;
        (v > 0.0 && v.is_finite()).then_some(v)
    }

    fn mixture(&self) -> NormalMixture {
        let sides = match self.options.alternative {
            Alternative::TwoSided => BoundarySides::TwoSided,
            Alternative::Greater | Alternative::Less => BoundarySides::OneSided,
        };
        NormalMixture::with_valid_rho(1.0 / self.mixing_variance, sides)
    }

    /// `log Lambda` at the current data: 0 until the variance is available.
    fn current_log_lambda(&self) -> f64 {
        let (Some(d), Some(v)) = (self.estimate(), self.variance_of_difference()) else {
            return 0.0;
        };
        let excess = d - self.options.null_difference;
        let oriented = match self.options.alternative {
            Alternative::Less => -excess,
            Alternative::TwoSided | Alternative::Greater => excess,
        };
        self.mixture().log_mixture_of(oriented / v, 1.0 / v)
    }
}

impl SequentialTest for MeanDifferenceMsprt {
    type Observation = MeanObservation;

    fn update(&mut self, observation: MeanObservation) -> Result<SequentialDecision> {
        let single = |value: f64| ArmSummary {
            count: 1,
            mean: value,
            variance: 0.0,
        };
        let none = ArmSummary {
            count: 0,
            mean: 0.0,
            variance: 0.0,
        };
        let (canary, baseline) = match observation {
            MeanObservation::Canary(x) => (single(x), none),
            MeanObservation::Baseline(y) => (none, single(y)),
            MeanObservation::Pair { canary, baseline } => (single(canary), single(baseline)),
            MeanObservation::Summaries { canary, baseline } => (canary, baseline),
        };
        let canary = self.canary.merged(&canary)?;
        let baseline = self.baseline.merged(&baseline)?;
        canary
            .count
            .checked_add(baseline.count)
            .ok_or(Error::CountOverflow {
                what: "observations",
                limit: u64::MAX,
            })?;
        self.canary = canary;
        self.baseline = baseline;
        self.log_lambda = self.current_log_lambda();
        self.max_log_lambda = self.max_log_lambda.max(self.log_lambda);
        if self.decision == SequentialDecision::Continue
            && self.max_log_lambda >= (1.0 / self.options.alpha).ln()
        {
            self.decision = SequentialDecision::Reject;
        }
        Ok(self.decision)
    }

    fn decision(&self) -> SequentialDecision {
        self.decision
    }

    fn log_statistic(&self) -> f64 {
        self.log_lambda
    }

    fn pvalue(&self) -> f64 {
        (-self.max_log_lambda).exp().min(1.0)
    }

    /// The confidence sequence on the difference at the current look: `d +- V u(1/V)`
    /// two-sided, `[d - V u(1/V), inf)` for `Greater` and `(-inf, d + V u(1/V)]` for `Less`,
    /// where `u` is the normal-mixture boundary. `None` until the variance is available.
    fn interval(&self) -> Option<Interval> {
        let (d, v) = (self.estimate()?, self.variance_of_difference()?);
        let half = v * self.mixture().bound_of(1.0 / v, self.options.alpha).ok()?;
        Some(match self.options.alternative {
            Alternative::TwoSided => Interval {
                low: d - half,
                high: d + half,
            },
            Alternative::Greater => Interval {
                low: d - half,
                high: f64::INFINITY,
            },
            Alternative::Less => Interval {
                low: f64::NEG_INFINITY,
                high: d + half,
            },
        })
    }

    /// Values seen in both arms together.
    fn observations(&self) -> u64 {
        self.canary.count + self.baseline.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_inputs_are_errors() {
        let known = Variance::Known {
            canary: 1.0,
            baseline: 1.0,
        };
        let options = MsprtOptions::default();
        assert!(MeanDifferenceMsprt::new(0.0, known, options).is_err());
        assert!(MeanDifferenceMsprt::new(1.0, known, options.alpha(1.0)).is_err());
        let no_burn_in = Variance::PlugIn { min_per_arm: 1 };
        assert!(MeanDifferenceMsprt::new(1.0, no_burn_in, options).is_err());
        let mut test = MeanDifferenceMsprt::new(1.0, known, options).unwrap();
        assert!(test.update(MeanObservation::Canary(f64::NAN)).is_err());
        assert!(test.update(MeanObservation::Baseline(f64::MAX)).is_ok());
        assert!(test.update(MeanObservation::Baseline(-f64::MAX)).is_err());
        assert_eq!(
            test.observations(),
            1,
            "a rejected observation changes nothing"
        );
    }

    #[test]
    fn no_evidence_before_both_arms_have_data() {
        let plug_in = Variance::PlugIn { min_per_arm: 2 };
        let mut test = MeanDifferenceMsprt::new(1.0, plug_in, MsprtOptions::default()).unwrap();
        test.update(MeanObservation::Canary(5.0)).unwrap();
        test.update(MeanObservation::Canary(6.0)).unwrap();
        test.update(MeanObservation::Baseline(0.0)).unwrap();
        assert_eq!(test.log_statistic(), 0.0);
        assert_eq!(test.interval(), None);
        assert_eq!(test.pvalue(), 1.0);
    }
}
