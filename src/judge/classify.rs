//! Judging one metric at one look: cleaning, the minimum-sample rule, the test, the reason.

use std::borrow::Cow;

use super::data::{EventTotals, MetricData};
use super::format;
use super::metric::{
    Change, DataKind, Direction, MetricConfig, MinSample, Statistic, TestConfig, Tolerance,
};
use super::note::Note;
use super::outcome::{Effect, EffectMeasure, GroupSummary, MetricResult, Outcome};
use super::sequential::SequentialState;
use crate::error::{Error, Result};
use crate::rules::{Observed, SampleRule, Shortfall, Sufficiency};
use crate::sample::{first_nan, NanPolicy};
use crate::stats::{
    hodges_lehmann, mann_whitney_u, mann_whitney_u_grouped_one_sided, mann_whitney_u_one_sided,
    Alternative, HodgesLehmannOptions, MannWhitneyOptions, MannWhitneyResult, MethodUsed,
};

/// The significance level of a look and the confidence of reported intervals.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Level {
    /// Compared with p-values (already divided among looks where that applies).
    pub alpha: f64,
    /// Of reported intervals.
    pub confidence: f64,
    /// Whether to write the one-line reasons (see [`super::Judge::without_reasons`]).
    pub explain: bool,
}

/// The statistical part of a result, before the metric's identity and reason are attached.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    pub outcome: Outcome,
    pub change: Option<Change>,
    pub method: Option<String>,
    pub statistic: Option<f64>,
    pub pvalue: Option<f64>,
    pub alpha: Option<f64>,
    pub always_valid: bool,
    pub effect: Option<Effect>,
    pub canary: GroupSummary,
    pub baseline: GroupSummary,
    pub shortfall: Option<Shortfall>,
    /// Why, for results without a test (no data, errors), or a remark. A result short of data
    /// has none: its shortfall is put in words when the reason is written.
    pub note: Option<Note>,
    /// Whether a regression of a critical metric vetoes (Kayenta's critical effect gate can
    /// make it an ordinary regression).
    pub vetoes: bool,
}

impl Finding {
    /// A result without a test.
    pub(crate) fn without_test(outcome: Outcome, note: impl Into<Note>) -> Finding {
        Finding {
            outcome,
            change: None,
            method: None,
            statistic: None,
            pvalue: None,
            alpha: None,
            always_valid: false,
            effect: None,
            canary: GroupSummary::default(),
            baseline: GroupSummary::default(),
            shortfall: None,
            note: Some(note.into()),
            vetoes: true,
        }
    }

    /// A tested result; the test fills in the numbers.
    pub(crate) fn tested(outcome: Outcome) -> Finding {
        Finding {
            note: None,
            ..Finding::without_test(outcome, "")
        }
    }

    /// An inconclusive result for want of data: the shortfall says how much more is needed,
    /// and is put in words only when a reason is written.
    pub(crate) fn short_of(shortfall: Shortfall) -> Finding {
        Finding {
            note: None,
            shortfall: Some(shortfall),
            ..Finding::without_test(Outcome::Inconclusive, "")
        }
    }

    /// Sets the group sizes.
    pub(crate) fn with_sizes(mut self, canary: GroupSummary, baseline: GroupSummary) -> Finding {
        self.canary = canary;
        self.baseline = baseline;
        self
    }
}

/// Judges a metric with a fixed-sample (or threshold) test on `data`, or reports why not.
pub(crate) fn judge_snapshot(
    config: &MetricConfig,
    data: Option<&MetricData>,
    level: Level,
) -> MetricResult {
    let finding = match data {
        None => Finding::without_test(Outcome::NoData, "no data"),
        Some(data) => snapshot_finding(config, data, level).unwrap_or_else(error_finding),
    };
    finish(config, finding, level.explain)
}

/// Judges a sequential metric from its accumulated test.
pub(crate) fn judge_sequential(
    config: &MetricConfig,
    state: &SequentialState,
    level: Level,
) -> MetricResult {
    let finding = state.finding(config, level).unwrap_or_else(error_finding);
    finish(config, finding, level.explain)
}

/// The result of a metric whose data could not be used.
pub(crate) fn error_result(config: &MetricConfig, error: Error) -> MetricResult {
    finish(config, error_finding(error), true)
}

/// The result of a fixed-sample metric whose look budget is spent.
pub(crate) fn spent_result(config: &MetricConfig, budget: u32) -> MetricResult {
    let note = format!("its budget of {budget} looks is spent; a fixed-sample test cannot look again without losing its error rate");
    finish(
        config,
        Finding::without_test(Outcome::Inconclusive, note),
        true,
    )
}

fn error_finding(error: Error) -> Finding {
    Finding::without_test(Outcome::Error, error.to_string())
}

fn snapshot_finding(config: &MetricConfig, data: &MetricData, level: Level) -> Result<Finding> {
    check_shape(config.data, data)?;
    let test = config.test();
    match data {
        MetricData::Samples { baseline, canary } => {
            let Some((canary, baseline)) = prepare_samples(config, canary, baseline)? else {
                return Ok(Finding::without_test(
                    Outcome::NoData,
                    "a group has no values",
                ));
            };
            let sizes = (summary_of(&canary), summary_of(&baseline));
            if let Some(f) = not_enough(
                config,
                Observed::new(canary.len() as u64, baseline.len() as u64),
            )? {
                return Ok(f.with_sizes(sizes.0, sizes.1));
            }
            let finding = match test {
                TestConfig::Threshold(rule) => {
                    threshold_finding(rule.of, &canary, rule.min, rule.max)
                }
                TestConfig::Kayenta(rule) => {
                    super::kayenta::finding(config, &rule, &canary, &baseline)?
                }
                _ => mann_whitney_finding(config, &canary, &baseline, level)?,
            };
            Ok(finding.with_sizes(sizes.0, sizes.1))
        }
        MetricData::Histogram {
            bounds,
            baseline,
            canary,
        } => {
            let (n_canary, n_baseline) = data.sizes();
            if n_canary == 0 || n_baseline == 0 {
                return Ok(Finding::without_test(
                    Outcome::NoData,
                    "a group has no observations",
                ));
            }
            let sizes = (
                GroupSummary {
                    count: n_canary,
                    mean: None,
                },
                GroupSummary {
                    count: n_baseline,
                    mean: None,
                },
            );
            if let Some(f) = not_enough(config, Observed::new(n_canary, n_baseline))? {
                return Ok(f.with_sizes(sizes.0, sizes.1));
            }
            let finding = match test {
                TestConfig::Threshold(rule) => {
                    let q = match rule.of {
                        Statistic::Quantile(q) => q,
                        Statistic::Mean => return Err(histogram_mean()),
                    };
                    let value = histogram_quantile(bounds, canary, q)?;
                    threshold_verdict(value, rule.min, rule.max)
                }
                _ => histogram_finding(config, bounds, canary, baseline, level)?,
            };
            Ok(finding.with_sizes(sizes.0, sizes.1))
        }
        MetricData::Counts { baseline, canary } => {
            for (group, totals) in [("canary", canary), ("baseline", baseline)] {
                check_totals(group, totals)?;
            }
            if canary.total == 0 || baseline.total == 0 {
                return Ok(Finding::without_test(
                    Outcome::NoData,
                    "a group has no traffic",
                ));
            }
            match test {
                TestConfig::Threshold(rule) => {
                    let sizes = (rate_summary(canary), rate_summary(baseline));
                    let observed = Observed::new(canary.total, baseline.total)
                        .baseline_events(baseline.events);
                    if let Some(f) = not_enough(config, observed)? {
                        return Ok(f.with_sizes(sizes.0, sizes.1));
                    }
                    let rate = canary.events as f64 / canary.total as f64;
                    Ok(threshold_verdict(rate, rule.min, rule.max).with_sizes(sizes.0, sizes.1))
                }
                _ => {
                    let mut state = SequentialState::new(config, level.alpha)?;
                    state.feed(data)?;
                    state.finding(config, level)
                }
            }
        }
    }
}

/// A histogram has no mean (Prometheus keeps it in a separate `_sum` series).
pub(crate) fn histogram_mean() -> Error {
    Error::invalid(
        "threshold.of",
        "mean",
        "a histogram threshold checks a quantile; a histogram has no mean",
    )
}

/// Checks that the data is the kind the metric is configured for.
pub(crate) fn check_shape(kind: DataKind, data: &MetricData) -> Result<()> {
    let expected = match kind {
        DataKind::Samples | DataKind::Intervals => "samples",
        DataKind::Counts => "counts",
        DataKind::Histogram => "histogram",
    };
    if data.shape() == expected {
        Ok(())
    } else {
        Err(Error::invalid(
            "data",
            data.shape(),
            match kind {
                DataKind::Samples | DataKind::Intervals => "this metric is configured for samples",
                DataKind::Counts => "this metric is configured for counts",
                DataKind::Histogram => "this metric is configured for a histogram",
            },
        ))
    }
}

/// Checks one tick's data before a window keeps it: a bad tick is reported as an error once,
/// and does not spoil the ticks after it (as a sequential test leaves its state unchanged).
pub(crate) fn check_tick(config: &MetricConfig, data: &MetricData) -> Result<()> {
    check_shape(config.data, data)?;
    match data {
        MetricData::Samples { baseline, canary } => {
            prepare_samples(config, canary, baseline).map(|_| ())
        }
        MetricData::Counts { baseline, canary } => {
            check_totals("canary", canary)?;
            check_totals("baseline", baseline)
        }
        MetricData::Histogram {
            bounds,
            baseline,
            canary,
        } => {
            check_bounds(bounds, canary.len())?;
            check_bounds(bounds, baseline.len())
        }
    }
}

/// Events must not exceed the total.
pub(crate) fn check_totals(group: &'static str, totals: &EventTotals) -> Result<()> {
    if totals.events > totals.total {
        return Err(Error::invalid(
            if group == "canary" {
                "canary.events"
            } else {
                "baseline.events"
            },
            totals.events,
            "events cannot exceed the total",
        ));
    }
    Ok(())
}

/// A group's values after cleaning, borrowed when nothing was removed.
type Cleaned<'a> = Cow<'a, [f64]>;

/// The values after the NaN policy and outlier removal, canary then baseline; `None` when a
/// group is left empty.
pub(crate) fn prepare_samples<'a>(
    config: &MetricConfig,
    canary: &'a [f64],
    baseline: &'a [f64],
) -> Result<Option<(Cleaned<'a>, Cleaned<'a>)>> {
    let clean = |group: &'static str, values: &'a [f64]| -> Result<Cleaned<'a>> {
        let first_nan = first_nan(values);
        if let (NanPolicy::Reject, Some(index)) = (config.nan_policy, first_nan) {
            return Err(Error::NanInSample {
                sample: group,
                index,
            });
        }
        if first_nan.is_none() && config.outliers.is_none() {
            return Ok(Cow::Borrowed(values));
        }
        let kept: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        super::kayenta::remove_outliers(config.outliers, kept).map(Cow::Owned)
    };
    let (canary, baseline) = (clean("canary", canary)?, clean("baseline", baseline)?);
    Ok((!canary.is_empty() && !baseline.is_empty()).then_some((canary, baseline)))
}

fn summary_of(values: &[f64]) -> GroupSummary {
    GroupSummary {
        count: values.len() as u64,
        mean: (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64),
    }
}

pub(crate) fn rate_summary(totals: &EventTotals) -> GroupSummary {
    GroupSummary {
        count: totals.total,
        mean: (totals.total > 0).then(|| totals.events as f64 / totals.total as f64),
    }
}

/// An inconclusive finding when the metric's minimum-sample rule is not met.
pub(crate) fn not_enough(config: &MetricConfig, observed: Observed) -> Result<Option<Finding>> {
    let Some(rule) = config.min_sample else {
        return Ok(None);
    };
    let sufficiency = match rule {
        MinSample::Observations(r) => r.check(&observed, None)?,
        MinSample::ExpectedEvents(r) => r.check(&observed, None)?,
        MinSample::MannWhitneyPower(r) => r.check(&observed, None)?,
        MinSample::TwoProportionsPower(r) => r.check(&observed, None)?,
    };
    Ok(match sufficiency {
        Sufficiency::Enough => None,
        Sufficiency::NotYet(shortfall) => Some(Finding::short_of(shortfall)),
    })
}

/// The outcome from the p-values of "the canary is higher beyond the tolerance" (`up`) and
/// "lower beyond the tolerance" (`down`); `effect_ok` is the effect-size gate. Returns the
/// outcome, the change, and the p-value of the bad direction.
pub(crate) fn directional(
    bad: Direction,
    up: f64,
    down: f64,
    alpha: f64,
    effect_ok: impl Fn(Change) -> bool,
) -> (Outcome, Option<Change>, f64) {
    let flagged = |p: f64, change: Change| p < alpha && effect_ok(change);
    match bad {
        Direction::Increase if flagged(up, Change::Increase) => {
            (Outcome::Regression, Some(Change::Increase), up)
        }
        Direction::Increase if flagged(down, Change::Decrease) => {
            (Outcome::Improvement, Some(Change::Decrease), up)
        }
        Direction::Increase => (Outcome::Pass, None, up),
        Direction::Decrease if flagged(down, Change::Decrease) => {
            (Outcome::Regression, Some(Change::Decrease), down)
        }
        Direction::Decrease if flagged(up, Change::Increase) => {
            (Outcome::Improvement, Some(Change::Increase), down)
        }
        Direction::Decrease => (Outcome::Pass, None, down),
        Direction::Either => {
            let p = (2.0 * up.min(down)).min(1.0);
            let change = if up <= down {
                Change::Increase
            } else {
                Change::Decrease
            };
            if flagged(p, change) {
                (Outcome::Regression, Some(change), p)
            } else {
                (Outcome::Pass, None, p)
            }
        }
    }
}

/// Mann-Whitney against the tolerance-shifted baseline, with the Hodges-Lehmann effect.
fn mann_whitney_finding(
    config: &MetricConfig,
    canary: &[f64],
    baseline: &[f64],
    level: Level,
) -> Result<Finding> {
    // Relative tolerances compare ratios: shifts of the logarithms.
    let relative = matches!(config.tolerance, Some(Tolerance::Relative(_)));
    let (canary, baseline): (Cow<[f64]>, Cow<[f64]>) = if relative {
        (
            Cow::Owned(logarithms("canary", canary)?),
            Cow::Owned(logarithms("baseline", baseline)?),
        )
    } else {
        (Cow::Borrowed(canary), Cow::Borrowed(baseline))
    };
    let (up_shift, down_shift) = match config.tolerance {
        Some(Tolerance::Absolute(d)) => (d, -d),
        Some(Tolerance::Relative(r)) => ((1.0 + r).ln(), (1.0 - r).max(0.0).ln()),
        _ => (0.0, 0.0),
    };
    // Subtracting `+0.0` leaves every value as it is (`-0.0` too): no copy needed.
    let shifted = |shift: f64| -> Cow<[f64]> {
        if shift.to_bits() == 0 {
            Cow::Borrowed(&canary)
        } else {
            Cow::Owned(canary.iter().map(|v| v - shift).collect())
        }
    };
    let test = |shift: f64, alternative: Alternative| -> Result<MannWhitneyResult> {
        mann_whitney_u(
            &shifted(shift),
            &baseline,
            &MannWhitneyOptions::default().alternative(alternative),
        )
    };
    let (up, down) = if up_shift == down_shift && down_shift.is_finite() {
        // The same shift both ways: one sort and one exact distribution serve both tests.
        let options = MannWhitneyOptions::default();
        let [up, down] = mann_whitney_u_one_sided(&shifted(up_shift), &baseline, &options)?;
        (up, Some(down))
    } else {
        let up = test(up_shift, Alternative::Greater)?;
        let down = if down_shift.is_finite() {
            Some(test(down_shift, Alternative::Less)?)
        } else {
            None
        };
        (up, down)
    };
    let superiority = if up_shift == 0.0 {
        up.probability_of_superiority()
    } else {
        test(0.0, Alternative::Greater)?.probability_of_superiority()
    };
    let effect_ok = |change: Change| match config.tolerance {
        Some(Tolerance::Superiority(bound)) => match change {
            Change::Increase => superiority >= bound,
            Change::Decrease => superiority <= 1.0 - bound,
        },
        _ => true,
    };
    let p_down = down.map_or(1.0, |d| d.pvalue);
    let (outcome, change, pvalue) =
        directional(config.bad, up.pvalue, p_down, level.alpha, effect_ok);
    let reported = match (config.bad, down) {
        (Direction::Decrease, Some(d)) => d,
        _ => up,
    };
    let effect = if let Some(Tolerance::Superiority(_)) = config.tolerance {
        superiority_effect(superiority)
    } else {
        let shift = hodges_lehmann(
            &canary,
            &baseline,
            &HodgesLehmannOptions::default().confidence(level.confidence),
        )?;
        let (measure, map): (EffectMeasure, fn(f64) -> f64) = if relative {
            (EffectMeasure::Ratio, f64::exp)
        } else {
            (EffectMeasure::Shift, |v| v)
        };
        Effect {
            measure,
            estimate: map(shift.estimate),
            low: Some(map(shift.low)),
            high: Some(map(shift.high)),
            confidence: Some(level.confidence),
        }
    };
    Ok(rank_finding(
        outcome, change, &reported, pvalue, level, effect,
    ))
}

/// The finding of a Mann-Whitney comparison.
fn rank_finding(
    outcome: Outcome,
    change: Option<Change>,
    reported: &MannWhitneyResult,
    pvalue: f64,
    level: Level,
    effect: Effect,
) -> Finding {
    Finding {
        change,
        method: Some(method_name(reported.method).into()),
        statistic: Some(reported.statistic),
        pvalue: Some(pvalue),
        alpha: Some(level.alpha),
        effect: Some(effect),
        ..Finding::tested(outcome)
    }
}

/// Natural logarithms of positive values (for ratios).
fn logarithms(group: &'static str, values: &[f64]) -> Result<Vec<f64>> {
    if let Some(index) = values.iter().position(|&v| !(v > 0.0 && v.is_finite())) {
        return Err(Error::InfiniteInSample { sample: group, index, value: values[index], needed_by: "a relative tolerance (ratios need positive, finite values; use an absolute tolerance)" });
    }
    Ok(values.iter().map(|v| v.ln()).collect())
}

pub(crate) fn method_name(method: MethodUsed) -> &'static str {
    match method {
        MethodUsed::Exact => "exact",
        MethodUsed::ExactConditional => "exact_conditional",
        MethodUsed::Asymptotic => "asymptotic",
    }
}

/// Mann-Whitney on bucket counts; the effect is the probability of superiority.
fn histogram_finding(
    config: &MetricConfig,
    bounds: &[f64],
    canary: &[u64],
    baseline: &[u64],
    level: Level,
) -> Result<Finding> {
    check_bounds(bounds, canary.len())?;
    let [up, down] =
        mann_whitney_u_grouped_one_sided(canary, baseline, &MannWhitneyOptions::default())?;
    let superiority = up.probability_of_superiority();
    let effect_ok = |change: Change| match (config.tolerance, change) {
        (Some(Tolerance::Superiority(bound)), Change::Increase) => superiority >= bound,
        (Some(Tolerance::Superiority(bound)), Change::Decrease) => superiority <= 1.0 - bound,
        _ => true,
    };
    let (outcome, change, pvalue) =
        directional(config.bad, up.pvalue, down.pvalue, level.alpha, effect_ok);
    let reported = if config.bad == Direction::Decrease {
        down
    } else {
        up
    };
    Ok(rank_finding(
        outcome,
        change,
        &reported,
        pvalue,
        level,
        superiority_effect(superiority),
    ))
}

fn superiority_effect(superiority: f64) -> Effect {
    Effect {
        measure: EffectMeasure::Superiority,
        estimate: superiority,
        low: None,
        high: None,
        confidence: None,
    }
}

/// Bucket bounds must be increasing (a trailing NaN stands for +Inf) and match the counts.
fn check_bounds(bounds: &[f64], buckets: usize) -> Result<()> {
    if bounds.len() != buckets {
        return Err(Error::LengthMismatch {
            left: "bounds",
            left_len: bounds.len(),
            right: "counts",
            right_len: buckets,
        });
    }
    let finite = bounds.iter().take_while(|b| !b.is_nan());
    let increasing = finite
        .clone()
        .zip(finite.clone().skip(1))
        .all(|(a, b)| a < b);
    let nan_only_last = bounds
        .iter()
        .position(|b| b.is_nan())
        .is_none_or(|i| i + 1 == bounds.len());
    if !(increasing && nan_only_last) {
        return Err(Error::invalid(
            "bounds",
            format!("{bounds:?}"),
            "bucket bounds must increase; only the last may be null (+Inf)",
        ));
    }
    Ok(())
}

/// The `q` quantile of a histogram by linear interpolation within its bucket, as Prometheus'
/// `histogram_quantile` (the first bucket starts at 0 when its bound is positive; a quantile
/// in the open last bucket is the last finite bound).
pub(crate) fn histogram_quantile(bounds: &[f64], counts: &[u64], q: f64) -> Result<f64> {
    check_bounds(bounds, counts.len())?;
    let total: u64 = counts.iter().sum();
    let rank = q * total as f64;
    let mut below = 0u64;
    for (i, (&bound, &count)) in bounds.iter().zip(counts).enumerate() {
        if (below + count) as f64 >= rank && count > 0 {
            if bound.is_nan() || bound.is_infinite() {
                return Ok(if i == 0 { f64::NAN } else { bounds[i - 1] });
            }
            let lower = if i == 0 {
                bound.min(0.0)
            } else {
                bounds[i - 1]
            };
            return Ok(lower + (bound - lower) * (rank - below as f64) / count as f64);
        }
        below += count;
    }
    Ok(bounds
        .iter()
        .rev()
        .find(|b| b.is_finite())
        .copied()
        .unwrap_or(f64::NAN))
}

/// A threshold on the canary's mean or quantile.
fn threshold_finding(of: Statistic, canary: &[f64], min: Option<f64>, max: Option<f64>) -> Finding {
    let value = match of {
        Statistic::Mean => canary.iter().sum::<f64>() / canary.len() as f64,
        Statistic::Quantile(q) => quantile_linear(canary, q),
    };
    threshold_verdict(value, min, max)
}

/// The R-7 (linear) quantile of values.
pub(crate) fn quantile_linear(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

fn threshold_verdict(value: f64, min: Option<f64>, max: Option<f64>) -> Finding {
    let (outcome, change, note) = if value.is_nan() {
        (
            Outcome::NoData,
            None,
            Some("the statistic is undefined".into()),
        )
    } else if max.is_some_and(|m| value > m) {
        (Outcome::Regression, Some(Change::Increase), None)
    } else if min.is_some_and(|m| value < m) {
        (Outcome::Regression, Some(Change::Decrease), None)
    } else {
        (Outcome::Pass, None, None)
    };
    Finding {
        change,
        effect: Some(Effect {
            measure: EffectMeasure::CanaryValue,
            estimate: value,
            low: min,
            high: max,
            confidence: None,
        }),
        note,
        ..Finding::tested(outcome)
    }
}

/// Attaches the metric's identity and the one-line reason.
/// The result with the metric's identity, and its reason when `explain` (errors and spent
/// budgets always say why: they are rare and cheap to explain).
fn finish(config: &MetricConfig, finding: Finding, explain: bool) -> MetricResult {
    let reason = if explain {
        reason(config, &finding)
    } else {
        String::new()
    };
    MetricResult {
        name: config.name.clone(),
        group: config.group.clone(),
        outcome: finding.outcome,
        change: finding.change,
        critical: config.critical && finding.vetoes,
        muted: config.muted,
        weight: config.weight,
        test: test_name(&config.test()).into(),
        method: finding.method,
        statistic: finding.statistic,
        pvalue: finding.pvalue,
        alpha: finding.alpha,
        always_valid: finding.always_valid,
        effect: finding.effect,
        canary: finding.canary,
        baseline: finding.baseline,
        shortfall: finding.shortfall,
        reason,
    }
}

fn test_name(test: &TestConfig) -> &'static str {
    match test {
        TestConfig::MannWhitney => "mann_whitney",
        TestConfig::EventRate => "event_rate",
        TestConfig::Quantile(_) => "quantile",
        TestConfig::Kayenta(_) => "kayenta",
        TestConfig::Threshold(_) => "threshold",
    }
}

/// For example `latency +10.3 (95% CI +7.2 .. +13.4), p = 4.1e-11, n = 1,000 / 5,000: regression`.
fn reason(config: &MetricConfig, f: &Finding) -> String {
    let mut parts = vec![config.name.clone()];
    if let Some(effect) = &f.effect {
        if effect.measure == EffectMeasure::CanaryValue {
            let bounds = match (effect.low, effect.high) {
                (Some(lo), Some(hi)) => {
                    format!("allowed {} .. {}", format::number(lo), format::number(hi))
                }
                (Some(lo), None) => format!("allowed >= {}", format::number(lo)),
                (None, Some(hi)) => format!("allowed <= {}", format::number(hi)),
                (None, None) => String::new(),
            };
            parts.push(format!("= {} ({bounds})", format::number(effect.estimate)));
        } else {
            parts.push(format::effect(effect, f.always_valid));
        }
    }
    let mut text = parts.join(" ");
    if let Some(p) = f.pvalue {
        let kind = if f.always_valid {
            "always-valid p"
        } else {
            "p"
        };
        text += &format!(", {kind} = {}", format::pvalue(p));
    }
    if f.canary.count > 0 || f.baseline.count > 0 {
        text += &format!(
            ", n = {} / {}",
            format::count(f.canary.count),
            format::count(f.baseline.count)
        );
    }
    if let Some(note) = &f.note {
        text += &format!(" ({note})");
    } else if let Some(shortfall) = &f.shortfall {
        text += &format!(" ({shortfall})");
    }
    let label = match (f.outcome, f.change) {
        (Outcome::Pass, _) => "pass".to_string(),
        (Outcome::Regression, Some(Change::Increase)) => "regression (increase)".into(),
        (Outcome::Regression, Some(Change::Decrease)) => "regression (decrease)".into(),
        (Outcome::Regression, None) => "regression".into(),
        (Outcome::Improvement, _) => "improvement".into(),
        (Outcome::Inconclusive, _) => "inconclusive".into(),
        (Outcome::NoData, _) => "no data".into(),
        (Outcome::Error, _) => "error".into(),
    };
    format!("{text}: {label}")
}
