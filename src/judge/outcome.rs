//! What the judge says about one metric, with the numbers behind it.

use serde::{Deserialize, Deserializer, Serialize};

use super::metric::Change;
use crate::rules::Shortfall;

/// The judgement of one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// No change beyond the tolerance in the bad direction.
    Pass,
    /// The canary is worse, beyond the tolerance (see `change`).
    Regression,
    /// The canary is better, beyond the tolerance, in a metric where only one direction is
    /// bad. Scores as a pass.
    Improvement,
    /// Some data, not yet enough to judge (see `shortfall`).
    Inconclusive,
    /// No data for one group or both.
    NoData,
    /// The data could not be judged (see `reason`).
    Error,
}

/// What an effect measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectMeasure {
    /// Canary minus baseline, in the metric's unit (Hodges-Lehmann shift).
    Shift,
    /// Canary over baseline (Hodges-Lehmann shift of the logarithms, exponentiated).
    Ratio,
    /// The canary's event rate over the baseline's, per unit of traffic.
    RateRatio,
    /// `P(canary > baseline) + P(equal) / 2`.
    Superiority,
    /// The canary's quantile minus the baseline's.
    QuantileDifference,
    /// The canary's mean over the baseline's (Kayenta's effect measure).
    MeanRatio,
    /// The canary's statistic checked by a threshold.
    CanaryValue,
}

/// An effect estimate with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    /// What is measured.
    pub measure: EffectMeasure,
    /// The point estimate. JSON has no infinity or NaN: a non-finite estimate (a rate ratio
    /// when only the canary has events) is written `null` and read back as NaN.
    #[serde(deserialize_with = "nan_if_null")]
    pub estimate: f64,
    /// Lower end of the interval; `None` when the method gives no interval, or the interval
    /// is open below (the far end of a one-sided confidence sequence).
    pub low: Option<f64>,
    /// Upper end of the interval; `None` when there is none or it is open above.
    pub high: Option<f64>,
    /// Confidence of the interval (simultaneous over looks when `always_valid`).
    pub confidence: Option<f64>,
}

/// Reads a number where `null` (a non-finite number written as JSON) stands for NaN.
fn nan_if_null<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::NAN))
}

/// Size and level of one group's data, as judged (after NaN and outlier removal).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    /// Observations (values, requests, or histogram counts).
    pub count: u64,
    /// Mean of the values, or the event rate for counts; absent for histograms and empty
    /// groups.
    pub mean: Option<f64>,
}

/// The result for one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricResult {
    /// The metric's name.
    pub name: String,
    /// Its scoring group.
    pub group: String,
    /// The judgement.
    pub outcome: Outcome,
    /// For a regression or improvement: which way the canary moved.
    pub change: Option<Change>,
    /// Whether a regression vetoes the verdict.
    pub critical: bool,
    /// Whether the metric is excluded from scoring.
    pub muted: bool,
    /// Its weight within the group.
    pub weight: f64,
    /// The test that judged it (`mann_whitney`, `event_rate`, `quantile`, `kayenta`,
    /// `threshold`).
    pub test: String,
    /// How the p-value was computed (`exact`, `exact_conditional`, `asymptotic`,
    /// `anytime_valid`), when there is one.
    pub method: Option<String>,
    /// The test statistic (U for Mann-Whitney, the log e-value for anytime-valid tests).
    pub statistic: Option<f64>,
    /// The p-value of the bad direction against the tolerance; always-valid for sequential
    /// tests.
    pub pvalue: Option<f64>,
    /// The significance level the p-value was compared with (after any look adjustment).
    pub alpha: Option<f64>,
    /// Whether the p-value and interval hold at every look (sequential tests).
    pub always_valid: bool,
    /// The effect and its interval.
    pub effect: Option<Effect>,
    /// The canary's data.
    pub canary: GroupSummary,
    /// The baseline's data.
    pub baseline: GroupSummary,
    /// For an inconclusive result: how much more data is needed.
    pub shortfall: Option<Shortfall>,
    /// One line for people, for example
    /// `"latency +10.3 (95% CI +7.2 .. +13.4), p = 4.1e-11, n = 1,000 / 5,000: regression"`.
    pub reason: String,
}

impl MetricResult {
    /// Whether the result counts as a pass in scoring.
    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Pass | Outcome::Improvement)
    }
}
