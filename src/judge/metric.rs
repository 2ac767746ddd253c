//! The configuration of one metric: its data, which change is bad, how it is tested, what
//! change is tolerated, and how it counts in the verdict.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::rules::{
    MannWhitneyPowerRule, MinExpectedEvents, MinObservations, TwoProportionsPowerRule,
};
use crate::sample::NanPolicy;

/// What the metric's data is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataKind {
    /// Raw observations, one per request (latencies, response sizes).
    Samples,
    /// One value per interval (a per-minute p99, a CPU average): a time series per group.
    Intervals,
    /// Events out of a total per group (errors out of requests, conversions out of visits).
    Counts,
    /// Bucket counts over shared bucket bounds (a Prometheus histogram).
    Histogram,
}

/// Which change of the metric is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher is worse (latency, errors).
    Increase,
    /// Lower is worse (throughput, success rate, conversions).
    Decrease,
    /// Any change is bad.
    Either,
}

/// A change that happened: the canary is higher or lower than the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// The canary is higher.
    Increase,
    /// The canary is lower.
    Decrease,
}

/// How the metric is tested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TestConfig {
    /// Mann-Whitney U on the samples (or bucket counts), with the Hodges-Lehmann shift and
    /// its interval; exact for small samples. A fixed-sample test: re-judging it at every
    /// look needs [`Looks`] to bound the error rate.
    MannWhitney,
    /// The anytime-valid test on event counts (always valid, at any number of looks).
    EventRate,
    /// The anytime-valid test of one quantile (in (0, 1), for example 0.99) on raw samples
    /// (always valid).
    Quantile(f64),
    /// Kayenta's NetflixACAJudge rule (see `docs/presets.md`): a 98 % Mann-Whitney interval
    /// whose near end must clear 25 % of the estimate, then a mean-ratio effect gate.
    Kayenta(KayentaRule),
    /// A fixed bound on one canary statistic, as Argo Rollouts and Flagger check metrics:
    /// no baseline, no statistics.
    Threshold(ThresholdRule),
}

/// Kayenta's per-metric rule: its interval settings (hard-coded in Kayenta at 0.98 and 0.25)
/// and effect gates (`effectSize` in a Kayenta canary config).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KayentaRule {
    /// Confidence of the interval; default 0.98.
    pub confidence: f64,
    /// The interval's near end must clear this share of the estimate's size; default 0.25.
    pub tolerance: f64,
    /// A `High` needs `mean(canary) / mean(baseline) >= allowed_increase`; default 1.0.
    pub allowed_increase: f64,
    /// A `Low` needs the mean ratio `<= allowed_decrease`; default 1.0.
    pub allowed_decrease: f64,
    /// A critical metric's `High` vetoes the verdict only from this mean ratio; default 1.0.
    pub critical_increase: f64,
    /// A critical metric's `Low` vetoes only up to this mean ratio; default 1.0.
    pub critical_decrease: f64,
}

impl Default for KayentaRule {
    fn default() -> Self {
        KayentaRule {
            confidence: 0.98,
            tolerance: 0.25,
            allowed_increase: 1.0,
            allowed_decrease: 1.0,
            critical_increase: 1.0,
            critical_decrease: 1.0,
        }
    }
}

/// A bound on a canary statistic: the check fails when the statistic is outside
/// `[min, max]` (Argo's and Flagger's `thresholdRange`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdRule {
    /// The statistic checked; default the mean (the event rate for counts).
    #[serde(default)]
    pub of: Statistic,
    /// Fails below this.
    #[serde(default)]
    pub min: Option<f64>,
    /// Fails above this.
    #[serde(default)]
    pub max: Option<f64>,
}

/// A summary of one group's data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Statistic {
    /// The mean; for counts, events / total.
    #[default]
    Mean,
    /// A quantile in [0, 1] (linear interpolation; for histograms, within the bucket as
    /// Prometheus' `histogram_quantile` does).
    Quantile(f64),
}

/// The change that is tolerated: smaller changes pass even when they are statistically
/// significant, so a harmless 0.3 % shift does not roll back a release.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Tolerance {
    /// In the metric's unit: the canary is tested against `baseline + absolute` (a shift).
    Absolute(f64),
    /// Relative to the baseline: the canary is tested against `baseline * (1 + relative)`
    /// (a ratio, for positive data; for counts, the event-rate ratio).
    Relative(f64),
    /// An effect-size bound on the probability of superiority `P(canary > baseline)`: a
    /// significant change counts only when this probability is at least the bound (at most
    /// `1 - bound` for a decrease). In (0.5, 1).
    Superiority(f64),
}

/// How much data a metric needs before it is judged.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum MinSample {
    /// At least this many observations per group.
    Observations(MinObservations),
    /// Enough traffic to expect this many events (for rare errors).
    ExpectedEvents(MinExpectedEvents),
    /// Enough data for the Mann-Whitney test to reach its power against an effect.
    MannWhitneyPower(MannWhitneyPowerRule),
    /// Enough data for a two-proportion test to reach its power.
    TwoProportionsPower(TwoProportionsPowerRule),
}

/// How a fixed-sample test keeps its error rate when a rollout gate re-judges it at every
/// tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Looks {
    /// Every look at the full level. With `k` looks the false-rollback rate can reach
    /// `1 - (1 - alpha)^k` (about 64 % for 20 looks at 5 %): what Kayenta, Argo and Flagger
    /// do. Choose it only to reproduce them.
    Unadjusted,
    /// Bonferroni over a budget of looks: each look at `alpha / looks`, so all of them
    /// together stay within `alpha`. After the budget is spent the metric is inconclusive.
    Bonferroni(u32),
}

/// Which data a fixed-sample test sees at each tick of a rollout gate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Window {
    /// Everything since the rollout started.
    #[default]
    Growing,
    /// The last `n` ticks.
    Sliding(u32),
}

/// Outlier removal before testing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Outliers {
    /// Drop values outside Kayenta's widened IQR fences with this factor (Kayenta: 3.0).
    Iqr(f64),
}

/// One metric of a judge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricConfig {
    /// A unique name, used in observations and results.
    pub name: String,
    /// What the data is.
    pub data: DataKind,
    /// Which change is bad.
    pub bad: Direction,
    /// The test; default Mann-Whitney for samples, intervals and histograms, the anytime-valid
    /// event-rate test for counts.
    #[serde(default)]
    pub test: Option<TestConfig>,
    /// The tolerated change; default none (any significant change counts).
    #[serde(default)]
    pub tolerance: Option<Tolerance>,
    /// A regression of a critical metric rolls back whatever the score.
    #[serde(default)]
    pub critical: bool,
    /// A muted metric is judged and reported but does not count.
    #[serde(default)]
    pub muted: bool,
    /// The scoring group; default `"default"`.
    #[serde(default = "default_group")]
    pub group: String,
    /// The metric's weight within its group; default 1.
    #[serde(default = "default_weight")]
    pub weight: f64,
    /// The data needed before judging; default none.
    #[serde(default)]
    pub min_sample: Option<MinSample>,
    /// NaN values: rejected (default) or removed.
    #[serde(default)]
    pub nan_policy: NanPolicy,
    /// Outlier removal; default none.
    #[serde(default)]
    pub outliers: Option<Outliers>,
    /// Repeated looks at a fixed-sample test in a rollout gate.
    #[serde(default)]
    pub looks: Option<Looks>,
    /// The data window of a fixed-sample test in a rollout gate; default growing.
    #[serde(default)]
    pub window: Window,
    /// The anytime event-rate test's prior weight, in events, centred on no change (default
    /// 100): smaller values catch large rate ratios of rare events sooner, larger ones small
    /// ratios of plentiful events. The error rate is alpha whatever the value.
    #[serde(default)]
    pub concentration: Option<f64>,
}

fn default_group() -> String {
    "default".to_string()
}

fn default_weight() -> f64 {
    1.0
}

impl MetricConfig {
    /// The test, with the default for the data kind filled in.
    pub fn test(&self) -> TestConfig {
        self.test.clone().unwrap_or(match self.data {
            DataKind::Counts => TestConfig::EventRate,
            _ => TestConfig::MannWhitney,
        })
    }

    /// Whether the test keeps its error rate however often it is looked at.
    pub fn is_sequential(&self) -> bool {
        matches!(self.test(), TestConfig::EventRate | TestConfig::Quantile(_))
    }

    /// Checks the metric on its own; `index` places it in error messages.
    pub(crate) fn validate(&self, index: usize) -> Result<()> {
        let field = |name: &str| format!("metrics[{index}].{name}");
        let fail = |name: &str, value: String, reason: String| {
            Err(Error::InvalidConfig {
                field: field(name),
                value,
                reason,
            })
        };
        if self.name.trim().is_empty() {
            return fail(
                "name",
                format!("{:?}", self.name),
                "must not be empty".into(),
            );
        }
        if !(self.weight.is_finite() && self.weight > 0.0) {
            return fail(
                "weight",
                self.weight.to_string(),
                "must be positive and finite".into(),
            );
        }
        let test = self.test();
        if let Some(reason) = test_mismatch(self.data, &test) {
            return fail("test", format!("{test:?}"), reason);
        }
        if let Some(tolerance) = self.tolerance {
            if let Some(reason) = tolerance_problem(self.data, &test, tolerance) {
                return fail("tolerance", format!("{tolerance:?}"), reason);
            }
        }
        if let Some(k) = self.concentration {
            if test != TestConfig::EventRate {
                return fail(
                    "concentration",
                    k.to_string(),
                    "applies to the event_rate test only".into(),
                );
            }
            if !(1e-3..=1e12).contains(&k) {
                return fail(
                    "concentration",
                    k.to_string(),
                    "must be in [1e-3, 1e12]".into(),
                );
            }
        }
        if let TestConfig::Quantile(quantile) = test {
            if !(quantile > 0.0 && quantile < 1.0) {
                return fail(
                    "test.quantile",
                    quantile.to_string(),
                    "must be in (0, 1)".into(),
                );
            }
        }
        if let TestConfig::Threshold(rule) = test {
            if self.data == DataKind::Histogram && rule.of == Statistic::Mean {
                return fail(
                    "test.threshold.of",
                    "mean".into(),
                    "a histogram has no mean; check a quantile, for example { quantile = 0.99 }"
                        .into(),
                );
            }
            if let Some(reason) = threshold_problem(&rule) {
                return fail("test.threshold", format!("{rule:?}"), reason);
            }
        }
        if let TestConfig::Kayenta(rule) = test {
            let gates = [
                rule.allowed_increase,
                rule.allowed_decrease,
                rule.critical_increase,
                rule.critical_decrease,
            ];
            if !(rule.confidence > 0.0 && rule.confidence < 1.0) {
                return fail(
                    "test.kayenta.confidence",
                    rule.confidence.to_string(),
                    "must be in (0, 1)".into(),
                );
            }
            if gates
                .iter()
                .chain([&rule.tolerance])
                .any(|g| !(g.is_finite() && *g >= 0.0))
            {
                return fail(
                    "test.kayenta",
                    format!("{rule:?}"),
                    "the tolerance and effect gates must be finite and >= 0".into(),
                );
            }
        }
        if let Some(Outliers::Iqr(factor)) = self.outliers {
            if !(factor.is_finite() && factor >= 0.0) {
                return fail(
                    "outliers.iqr",
                    factor.to_string(),
                    "must be finite and >= 0".into(),
                );
            }
            if self.data == DataKind::Counts || self.data == DataKind::Histogram {
                return fail(
                    "outliers",
                    "iqr".into(),
                    "outlier removal applies to samples and intervals only".into(),
                );
            }
        }
        match self.looks {
            Some(Looks::Bonferroni(0)) => {
                return fail(
                    "looks.bonferroni",
                    "0".into(),
                    "the look budget must be at least 1".into(),
                )
            }
            Some(_) if self.is_sequential() => return fail(
                "looks",
                format!("{:?}", self.looks),
                "this metric's test is anytime-valid and needs no look adjustment; remove `looks`"
                    .into(),
            ),
            _ => {}
        }
        if let Window::Sliding(0) = self.window {
            return fail(
                "window.sliding",
                "0".into(),
                "a sliding window holds at least 1 tick".into(),
            );
        }
        Ok(())
    }
}

/// Why a test cannot run on a kind of data, if it cannot.
fn test_mismatch(data: DataKind, test: &TestConfig) -> Option<String> {
    use DataKind::*;
    let ok = match test {
        TestConfig::MannWhitney => data != Counts,
        TestConfig::EventRate => data == Counts,
        TestConfig::Quantile(_) => data == Samples,
        TestConfig::Kayenta(_) => data == Samples || data == Intervals,
        TestConfig::Threshold(_) => true,
    };
    (!ok).then(|| {
        format!(
            "cannot test {data:?} data; allowed: mann_whitney for samples, intervals and \
             histograms; event_rate for counts; quantile for samples; kayenta for samples and \
             intervals; threshold for any"
        )
    })
}

/// Why a tolerance does not fit the data or test, if it does not.
fn tolerance_problem(data: DataKind, test: &TestConfig, tolerance: Tolerance) -> Option<String> {
    let value = match tolerance {
        Tolerance::Absolute(v) | Tolerance::Relative(v) => v,
        Tolerance::Superiority(p) => {
            if !(p > 0.5 && p < 1.0) {
                return Some("a superiority bound must be in (0.5, 1)".into());
            }
            return match test {
                TestConfig::MannWhitney => None,
                _ => Some("a superiority bound applies to the mann_whitney test only".into()),
            };
        }
    };
    if !(value.is_finite() && value >= 0.0) {
        return Some("a tolerance must be finite and >= 0".into());
    }
    match (test, tolerance, data) {
        (TestConfig::Kayenta(_) | TestConfig::Threshold(_), ..) => {
            Some("kayenta and threshold tests carry their own bounds; remove `tolerance`".into())
        }
        (
            TestConfig::MannWhitney,
            Tolerance::Absolute(_) | Tolerance::Relative(_),
            DataKind::Histogram,
        ) => Some("a histogram holds no raw values to shift; use a superiority bound".into()),
        (TestConfig::EventRate, Tolerance::Absolute(_), _) => {
            Some("counts are compared as a rate ratio; use a relative tolerance".into())
        }
        _ => None,
    }
}

/// Why a threshold rule cannot work, if it cannot.
fn threshold_problem(rule: &ThresholdRule) -> Option<String> {
    if let Statistic::Quantile(q) = rule.of {
        if !(0.0..=1.0).contains(&q) {
            return Some("the quantile must be in [0, 1]".into());
        }
    }
    if [rule.min, rule.max]
        .iter()
        .flatten()
        .any(|v| !v.is_finite())
    {
        return Some("bounds must be finite".into());
    }
    match (rule.min, rule.max) {
        (None, None) => Some("set `min`, `max` or both".into()),
        (Some(lo), Some(hi)) if lo > hi => Some("`min` must not exceed `max`".into()),
        _ => None,
    }
}
