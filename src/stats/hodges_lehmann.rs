//! The Hodges-Lehmann location shift and its confidence interval.
//!
//! The estimate is the median of the `m n` differences `x_i - y_j`; the interval's ends are
//! two order statistics of those differences, chosen from the null distribution of U (exact,
//! Bauer 1972) or from its normal approximation (Hollander & Wolfe; Lehmann 1975).

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use super::exact::{untied_obstacle, untied_quantile, untied_tail};
use super::mann_whitney::{AUTO_EXACT_STEPS, EXACT_STEP_LIMIT};
use super::normal::normal_sf;
use super::pairwise::Differences;
use super::rank::{tie_groups, RankSummary, SortedSample};
use super::{Method, MethodUsed, Tail};
use crate::error::{Error, Result};
use crate::sample::{Infinities, NanPolicy};

/// Differences of infinities are undefined, so both samples must be finite.
const FINITE: Infinities = Infinities::Rejected {
    needed_by: "the Hodges-Lehmann shift",
};

/// Options of [`hodges_lehmann`].
///
/// The defaults are R's `wilcox.test(conf.int = TRUE)`: a 95 % interval, exact when cheap,
/// NaN rejected.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct HodgesLehmannOptions {
    /// Confidence level of the interval, in (0, 1).
    pub confidence: f64,
    /// Exact, asymptotic or automatic interval.
    pub method: Method,
    /// What to do with NaN values.
    pub nan_policy: NanPolicy,
}

impl Default for HodgesLehmannOptions {
    fn default() -> Self {
        HodgesLehmannOptions {
            confidence: 0.95,
            method: Method::Auto,
            nan_policy: NanPolicy::Reject,
        }
    }
}

impl HodgesLehmannOptions {
    /// Sets the confidence level of the interval (checked by [`hodges_lehmann`]).
    pub fn confidence(mut self, confidence: f64) -> Self {
        self.confidence = confidence;
        self
    }

    /// Sets the method.
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Sets the NaN policy.
    pub fn nan_policy(mut self, nan_policy: NanPolicy) -> Self {
        self.nan_policy = nan_policy;
        self
    }
}

/// The Hodges-Lehmann shift of `x` relative to `y` with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HodgesLehmann {
    /// Median of the pairwise differences `x_i - y_j` (R's "difference in location").
    pub estimate: f64,
    /// Lower end of the confidence interval.
    pub low: f64,
    /// Upper end of the confidence interval.
    pub high: f64,
    /// The confidence level asked for.
    pub confidence: f64,
    /// The coverage the interval actually has under the null distribution of U (order
    /// statistics make it discrete, so it differs from `confidence`).
    pub achieved_confidence: f64,
    /// How the interval was computed: [`MethodUsed::Exact`] or [`MethodUsed::Asymptotic`].
    pub method: MethodUsed,
    /// Observations in `x` (after NaN removal, if requested).
    pub n_x: u64,
    /// Observations in `y`.
    pub n_y: u64,
}

/// Hodges-Lehmann estimate of the shift of `x` relative to `y`, with a confidence interval.
///
/// Pass the canary as `x` and the baseline as `y`: a positive estimate means the canary's
/// values are larger. The estimate is the median of all `m n` differences `x_i - y_j`, found
/// by selection in the implicit sorted matrix of differences without building it (expected
/// O((m + n) log(mn)) time: estimate and interval cost about 12 sorts of the samples at
/// 100,000 x 100,000). The interval is the one that inverts the Mann-Whitney test:
///
/// - exact (R's `wilcox.test(conf.int = TRUE)` without ties): `[D(q), D(mn - q + 1)]` with
///   `q` the `alpha / 2` quantile of the null distribution of U;
/// - asymptotic: `q = floor(mn / 2 - z sqrt(mn (m + n + 1) / 12) + 1/2)`. The variance is
///   the untied one, so with ties the interval is conservative (a little wide).
///
/// [`Method::Auto`] is exact when the pooled sample has no ties and the exact distribution
/// is cheap (the rule of [`mann_whitney_u`](super::mann_whitney_u)), asymptotic otherwise;
/// [`Method::Exact`] is an error with ties, since the exact interval assumes none.
///
/// # Errors
/// Empty samples, NaN under [`NanPolicy::Reject`], infinite values, a confidence level
/// outside (0, 1), and [`Method::Exact`] with ties or beyond the exact step limit.
///
/// # Example
/// ```
/// use canary_judge::stats::{hodges_lehmann, HodgesLehmannOptions};
///
/// // Latencies in ms; the canary looks about 18 ms slower.
/// let baseline = [101.0, 98.0, 110.0, 95.0, 103.0, 99.0, 104.0, 97.0, 101.0];
/// let canary = [118.0, 121.0, 109.0, 125.0, 117.0, 122.0, 119.0, 115.0, 121.0];
/// let options = HodgesLehmannOptions::default().confidence(0.9);
/// let shift = hodges_lehmann(&canary, &baseline, &options)?;
/// assert_eq!(shift.estimate, 18.0);
/// assert_eq!((shift.low, shift.high), (14.0, 22.0));
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn hodges_lehmann(
    x: &[f64],
    y: &[f64],
    options: &HodgesLehmannOptions,
) -> Result<HodgesLehmann> {
    let confidence = options.confidence;
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(Error::invalid(
            "confidence",
            confidence,
            "the confidence level must be a number strictly between 0 and 1",
        ));
    }
    let x = SortedSample::new("x", x, options.nan_policy, FINITE)?;
    let y = SortedSample::new("y", y, options.nan_policy, FINITE)?;
    let (m, n) = (x.len() as u64, y.len() as u64);
    let mut differences = Differences::new(x.values(), y.values())?;
    let alpha = 1.0 - confidence;
    let method = choose_method(&x, &y, options.method)?;
    let (q, achieved_confidence) = match method {
        MethodUsed::Exact => exact_rank(m, n, alpha),
        _ => asymptotic_rank(m, n, alpha),
    };
    // `q` is 1-based and at most about mn / 2, so both ends are in range and ordered, and
    // the median lies between them, where its search starts.
    let low = differences.kth(q - 1);
    let high = differences.kth(differences.count() - q);
    Ok(HodgesLehmann {
        estimate: differences.median_between(low, high),
        low,
        high,
        confidence,
        achieved_confidence,
        method,
        n_x: m,
        n_y: n,
    })
}

/// The interval [`Method::Auto`] or the requested method leads to, or why it cannot be had.
fn choose_method(x: &SortedSample, y: &SortedSample, method: Method) -> Result<MethodUsed> {
    let has_ties = || -> Result<bool> {
        Ok(RankSummary::from_groups(tie_groups(x.values(), y.values()))?.has_ties())
    };
    let obstacle = |budget| untied_obstacle(x.len() as u64, y.len() as u64, budget);
    match method {
        Method::Asymptotic => Ok(MethodUsed::Asymptotic),
        Method::Auto if has_ties()? || obstacle(AUTO_EXACT_STEPS).is_some() => {
            Ok(MethodUsed::Asymptotic)
        }
        Method::Auto => Ok(MethodUsed::Exact),
        Method::Exact if has_ties()? => Err(Error::invalid(
            "method",
            "exact",
            "the exact Hodges-Lehmann interval needs samples without ties (no value shared \
             by two observations); use Method::Asymptotic or Method::Auto",
        )),
        Method::Exact => match obstacle(EXACT_STEP_LIMIT) {
            Some(reason) => Err(Error::ExactUnavailable {
                what: "Hodges-Lehmann interval",
                reason: reason.to_string(),
            }),
            None => Ok(MethodUsed::Exact),
        },
    }
}

/// The 1-based rank `q` of the lower end (the upper end is `mn - q + 1`) from the exact null
/// distribution of U, and the coverage `1 - 2 P(U <= q - 1)`, as in R (Bauer 1972).
fn exact_rank(m: u64, n: u64, alpha: f64) -> (u64, f64) {
    let q = untied_quantile(m, n, alpha / 2.0).max(1);
    let achieved = 1.0 - 2.0 * untied_tail(m, n, q - 1, Tail::Lower);
    (q, achieved.clamp(0.0, 1.0))
}

/// The 1-based rank `q` of the lower end from the normal approximation of U (Hollander &
/// Wolfe), and its coverage under that approximation.
///
/// The tail `Phi((q - 1/2 - mn/2) / sd)` is taken as the survival function of the negated,
/// non-negative argument, never as `1 - cdf`, so small tails keep their digits.
fn asymptotic_rank(m: u64, n: u64, alpha: f64) -> (u64, f64) {
    let pairs = m as f64 * n as f64;
    let sd = (pairs * (m as f64 + n as f64 + 1.0) / 12.0).sqrt();
    let z = -Normal::standard().inverse_cdf(alpha / 2.0);
    let q = (pairs / 2.0 - z * sd + 0.5).floor().max(1.0);
    let tail = normal_sf((pairs / 2.0 + 0.5 - q) / sd);
    (q as u64, (1.0 - 2.0 * tail).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asymptotic() -> HodgesLehmannOptions {
        HodgesLehmannOptions::default().method(Method::Asymptotic)
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let ok = [1.0, 2.0, 3.0];
        let run = |x: &[f64], y: &[f64], options| hodges_lehmann(x, y, &options).unwrap_err();
        assert!(matches!(
            run(&[], &ok, asymptotic()),
            Error::EmptySample { sample: "x", .. }
        ));
        assert!(matches!(
            run(&ok, &[], asymptotic()),
            Error::EmptySample { sample: "y", .. }
        ));
        let nan = [1.0, f64::NAN];
        assert!(matches!(
            run(&nan, &ok, asymptotic()),
            Error::NanInSample { index: 1, .. }
        ));
        let removed = asymptotic().nan_policy(NanPolicy::Remove);
        assert!(hodges_lehmann(&nan, &ok, &removed).is_ok());
        let inf = [f64::INFINITY];
        let err = run(&ok, &inf, asymptotic());
        assert!(
            matches!(err, Error::InfiniteInSample { sample: "y", .. }),
            "{err}"
        );
        assert!(err.to_string().contains("Hodges-Lehmann"), "{err}");
        for confidence in [0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
            let err = run(&ok, &ok, asymptotic().confidence(confidence));
            assert!(
                matches!(
                    err,
                    Error::InvalidParameter {
                        name: "confidence",
                        ..
                    }
                ),
                "{confidence}: {err}"
            );
        }
    }

    #[test]
    fn exact_with_ties_is_refused_with_a_way_out() {
        let options = HodgesLehmannOptions::default().method(Method::Exact);
        let err = hodges_lehmann(&[1.0, 2.0], &[2.0, 3.0], &options).unwrap_err();
        assert!(
            matches!(err, Error::InvalidParameter { name: "method", .. }),
            "{err}"
        );
        assert!(err.to_string().contains("Method::Asymptotic"), "{err}");
    }

    #[test]
    fn auto_with_ties_is_asymptotic() {
        let result = hodges_lehmann(&[1.0, 2.0, 2.0], &[0.0, 1.0], &Default::default()).unwrap();
        assert_eq!(result.method, MethodUsed::Asymptotic);
        assert_eq!((result.n_x, result.n_y), (3, 2));
        assert_eq!(result.estimate, 1.0);
    }

    #[test]
    fn asymptotic_interval_follows_hollander_wolfe() {
        // m = n = 10: sd = sqrt(100 * 21 / 12) = 13.229, z = 1.95996,
        // q = floor(50 - 25.929 + 0.5) = 24; coverage 1 - 2 Phi((23.5 - 50) / 13.229), from R:
        // 1 - 2 * pnorm((23.5 - 50) / sqrt(175)).
        let (q, achieved) = asymptotic_rank(10, 10, 0.05);
        assert_eq!(q, 24);
        let expected = 0.954845430375721;
        assert!(
            (achieved - expected).abs() < 1e-12,
            "{achieved} vs {expected}"
        );
        // A tiny sample cannot reach 95 %: the interval is the full range.
        assert_eq!(asymptotic_rank(1, 2, 0.05).0, 1);
    }

    #[test]
    fn serde_options_default_missing_fields_and_reject_unknown_ones() {
        let options: HodgesLehmannOptions = serde_json::from_str(r#"{"confidence": 0.9}"#).unwrap();
        assert_eq!(options, HodgesLehmannOptions::default().confidence(0.9));
        assert!(serde_json::from_str::<HodgesLehmannOptions>(r#"{"level": 0.9}"#).is_err());
    }

    #[test]
    fn exact_beyond_the_step_limit_is_refused() {
        let x: Vec<f64> = (0..100_000).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v + 0.5).collect();
        let options = HodgesLehmannOptions::default().method(Method::Exact);
        let err = hodges_lehmann(&x, &y, &options);
        assert!(
            matches!(err, Err(Error::ExactUnavailable { .. })),
            "{err:?}"
        );
    }
}
