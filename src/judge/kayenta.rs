//! Kayenta's NetflixACAJudge rule for one metric, and its outlier removal.
//!
//! Per `MannWhitneyClassifier.classify`: identical data, or a single value across both
//! groups, pass. Otherwise the interval is R's asymptotic `wilcox.test` interval at 98 % and
//! the estimate its location shift; the near end must clear 25 % of the estimate's size, and
//! the mean ratio must pass the allowed increase or decrease. Kayenta never computes a
//! p-value. When each group is a single (different) value Kayenta adds tiny Gaussian noise
//! before testing; the result is then an interval of width about `1e-5` around the difference,
//! which this port uses directly (no randomness).

use super::classify::Finding;
use super::metric::{Change, Direction, KayentaRule, MetricConfig, Outliers};
use super::outcome::{Effect, EffectMeasure, Outcome};
use crate::error::Result;
use crate::stats::{
    location_shift_root, remove_iqr_outliers, IqrFenceOptions, LocationRootOptions,
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
    let (mut c, mut b) = (canary.to_vec(), baseline.to_vec());
    c.sort_unstable_by(f64::total_cmp);
    b.sort_unstable_by(f64::total_cmp);
    let mean_ratio = mean(canary) / mean(baseline);
    let mean_ratio = if mean(baseline) == 0.0 || mean(canary) == 0.0 {
        f64::NAN
    } else {
        mean_ratio
    };
    let constant = |v: &[f64]| v.first() == v.last();
    if c == b || (constant(&c) && constant(&b) && c[0] == b[0]) {
        let mut f = Finding::tested(Outcome::Pass);
        f.note = Some("data are identical or a single value: pass".into());
        return Ok(f);
    }
    let (estimate, low, high) = if constant(&c) && constant(&b) {
        let d = c[0] - b[0];
        (d, d, d)
    } else {
        let options = LocationRootOptions::default().confidence(rule.confidence);
        let root = location_shift_root(canary, baseline, &options)?;
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
    f.note = Some(format!(
        "interval must clear {}% of the estimate ({}); mean ratio {}",
        super::format::number(rule.tolerance * 100.0),
        super::format::number(bound),
        super::format::number(mean_ratio)
    ));
    Ok(f)
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}
