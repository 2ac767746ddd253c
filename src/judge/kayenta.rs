//! Kayenta's NetflixACAJudge rule for one metric, and its outlier removal.
//!
//! Per `MannWhitneyClassifier.classify`: identical data, or a single value across both
//! groups, pass. Otherwise the interval is R's asymptotic `wilcox.test` interval at 98 % and
//! the estimate its location shift; the near end must clear 25 % of the estimate's size, and
//! the mean ratio must pass the allowed increase or decrease. Kayenta never computes a
//! p-value. When each group is a single (different) value Kayenta adds tiny Gaussian noise
//! before testing; the result is then an interval of width about `1e-5` around the difference,
//! which this port uses directly (no randomness).

use std::fmt;

use super::classify::Finding;
use super::format::number;
use super::metric::{Change, Direction, KayentaRule, MetricConfig, Outliers};
use super::note::Note;
use super::outcome::{Effect, EffectMeasure, Outcome};
use crate::error::Result;
use crate::stats::{
    location_root_samples, location_shift_root, location_shift_root_sorted, remove_iqr_outliers,
    IqrFenceOptions, LocationRoot, LocationRootOptions,
};

/// Drops values outside Kayenta's widened IQR fences, when outlier removal is configured.
pub(crate) fn remove_outliers(outliers: Option<Outliers>, values: Vec<f64>) -> Result<Vec<f64>> {
    match outliers {
        None => Ok(values),
        Some(Outliers::Iqr(_)) if values.is_empty() => Ok(values),
        Some(Outliers::Iqr(factor)) => {
            let options = IqrFenceOptions::default().factor(factor);
            Ok(remove_iqr_outliers(&values, &options)?.kept)
        }
    }
}

/// Kayenta's classification of the canary against the baseline.
pub(crate) fn finding(
    config: &MetricConfig,
    rule: &KayentaRule,
    canary: &[f64],
    baseline: &[f64],
) -> Result<Finding> {
    let options = LocationRootOptions::default().confidence(rule.confidence);
    let mean_ratio = mean_ratio(canary, baseline);
    match location_root_samples(canary, baseline, &options) {
        // Sorted once, for Kayenta's checks and for the shift.
        Ok((c, b)) => classify(config, rule, mean_ratio, c.values(), b.values(), || {
            location_shift_root_sorted(&c, &b, &options)
        }),
        // Values the shift refuses: Kayenta's checks may still decide, else the shift's error
        // names the first such value.
        Err(_) => {
            let sorted = |values: &[f64]| {
                let mut values = values.to_vec();
                values.sort_unstable_by(f64::total_cmp);
                values
            };
            classify(
                config,
                rule,
                mean_ratio,
                &sorted(canary),
                &sorted(baseline),
                || location_shift_root(canary, baseline, &options),
            )
        }
    }
}

/// The canary's mean over the baseline's, NaN if either is zero.
fn mean_ratio(canary: &[f64], baseline: &[f64]) -> f64 {
    let (canary, baseline) = (mean(canary), mean(baseline));
    if baseline == 0.0 || canary == 0.0 {
        f64::NAN
    } else {
        canary / baseline
    }
}

/// Kayenta's rule on the canary `c` and the baseline `b`, both sorted, with `shift` solving
/// for the location shift and its interval when the rule needs them.
fn classify(
    config: &MetricConfig,
    rule: &KayentaRule,
    mean_ratio: f64,
    c: &[f64],
    b: &[f64],
    shift: impl FnOnce() -> Result<LocationRoot>,
) -> Result<Finding> {
    let constant = |v: &[f64]| v.first() == v.last();
    if c == b || (constant(c) && constant(b) && c[0] == b[0]) {
        let mut f = Finding::tested(Outcome::Pass);
        f.note = Some("data are identical or a single value: pass".into());
        return Ok(f);
    }
    let (estimate, low, high) = if constant(c) && constant(b) {
        let d = c[0] - b[0];
        (d, d, d)
    } else {
        let root = shift()?;
        (root.estimate, root.low, root.high)
    };
    let bound = rule.tolerance * estimate.abs();
    let gate = |limit: f64, above: bool| {
        mean_ratio.is_nan()
            || if above {
                mean_ratio >= limit
            } else {
                mean_ratio <= limit
            }
    };
    let tests_high = matches!(config.bad, Direction::Increase | Direction::Either);
    let tests_low = matches!(config.bad, Direction::Decrease | Direction::Either);
    let change = if tests_high && low > bound && gate(rule.allowed_increase, true) {
        Some(Change::Increase)
    } else if tests_low && high < -bound && gate(rule.allowed_decrease, false) {
        Some(Change::Decrease)
    } else {
        None
    };
    let mut f = Finding::tested(if change.is_some() {
        Outcome::Regression
    } else {
        Outcome::Pass
    });
    f.change = change;
    // Critical escalation: only beyond the critical effect does a critical metric veto.
    f.vetoes = match change {
        Some(Change::Increase) => gate(rule.critical_increase, true),
        Some(Change::Decrease) => gate(rule.critical_decrease, false),
        None => false,
    };
    f.effect = Some(Effect {
        measure: EffectMeasure::Shift,
        estimate,
        low: Some(low),
        high: Some(high),
        confidence: Some(rule.confidence),
    });
    f.note = Some(Note::Clearance(Clearance {
        tolerance: rule.tolerance,
        bound,
        mean_ratio,
    }));
    Ok(f)
}

/// What the interval had to clear and the mean ratio, for the reason of a tested metric.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clearance {
    /// The share of the estimate's size the interval's near end must clear.
    tolerance: f64,
    /// That share of the estimate's size.
    bound: f64,
    /// The canary's mean over the baseline's.
    mean_ratio: f64,
}

impl fmt::Display for Clearance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "interval must clear {}% of the estimate ({}); mean ratio {}",
            number(self.tolerance * 100.0),
            number(self.bound),
            number(self.mean_ratio)
        )
    }
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use proptest::prelude::*;

    fn config() -> MetricConfig {
        serde_json::from_str(r#"{"name": "latency", "data": "samples", "bad": "either"}"#).unwrap()
    }

    fn judge(canary: &[f64], baseline: &[f64]) -> Result<Finding> {
        finding(&config(), &KayentaRule::default(), canary, baseline)
    }

    #[test]
    fn values_the_shift_refuses_are_named_where_they_stand() {
        let err = judge(&[1.0, f64::INFINITY, 2.0], &[1.0, 2.0, 3.0]).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InfiniteInSample {
                    sample: "x",
                    index: 1,
                    ..
                }
            ),
            "{err}"
        );
        // Kayenta's checks decide before the shift is needed.
        let infinite = [f64::INFINITY, 1.0];
        assert_eq!(judge(&infinite, &infinite).unwrap().outcome, Outcome::Pass);
        let constant = judge(&[f64::INFINITY; 2], &[1.0; 3]).unwrap();
        assert_eq!(constant.effect.unwrap().estimate, f64::INFINITY);
    }

    #[test]
    fn signed_zeros_are_identical_data() {
        let f = judge(&[-0.0, 1.0, 0.0], &[0.0, 0.0, 1.0]).unwrap();
        assert_eq!((f.outcome, f.effect), (Outcome::Pass, None));
    }

    /// Small integers (heavy ties, constant samples) or a fine grid, in no particular order.
    fn sample() -> impl Strategy<Value = Vec<f64>> {
        let values = prop_oneof![-2i32..=2, -1_000_000i32..1_000_000];
        prop::collection::vec(values.prop_map(f64::from), 1..40)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn the_shift_is_the_one_of_the_unsorted_samples(canary in sample(), baseline in sample()) {
            let f = judge(&canary, &baseline).unwrap();
            let options = LocationRootOptions::default().confidence(0.98);
            if let (Some(effect), Ok(root)) =
                (f.effect, location_shift_root(&canary, &baseline, &options))
            {
                prop_assert_eq!(
                    (effect.estimate, effect.low, effect.high),
                    (root.estimate, Some(root.low), Some(root.high))
                );
            }
        }
    }
}
