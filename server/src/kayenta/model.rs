//! Kayenta's JSON shapes: the `RemoteJudgeRequest` its `RemoteJudge-v1.0` POSTs and the
//! `CanaryJudgeResult` it expects back.
//!
//! Field names follow Kayenta's Java models (`RemoteJudgeRequest`, `CanaryConfig`,
//! `CanaryMetricConfig`, `MetricSetPair`, `CanaryJudgeResult`, `CanaryAnalysisResult`,
//! `CanaryJudgeGroupScore`, `CanaryJudgeScore`). Reading is lenient, as Kayenta's Jackson
//! mapper is: fields this server does not use (queries, scopes, attributes, templates) are
//! ignored, so a full Kayenta request parses.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// What Kayenta POSTs to `{baseUrl}/judge`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RemoteJudgeRequest {
    pub canary_config: CanaryConfig,
    #[serde(default)]
    pub score_thresholds: Option<Thresholds>,
    pub metric_set_pair_list: Vec<MetricSetPair>,
}

/// The canary configuration; only the metrics and the classifier matter to the judge.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CanaryConfig {
    #[serde(default)]
    pub metrics: Vec<CanaryMetricConfig>,
    #[serde(default)]
    pub classifier: Option<Classifier>,
}

/// Group weights and the configuration's own thresholds.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Classifier {
    #[serde(default)]
    pub group_weights: BTreeMap<String, f64>,
    #[serde(default)]
    pub score_thresholds: Option<Thresholds>,
}

/// `CanaryClassifierThresholdsConfig`.
#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) struct Thresholds {
    pub pass: f64,
    pub marginal: f64,
}

/// `CanaryMetricConfig`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CanaryMetricConfig {
    pub name: String,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub analysis_configurations: AnalysisConfigurations,
}

/// `analysisConfigurations`: the judge reads the `canary` entry.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AnalysisConfigurations {
    #[serde(default)]
    pub canary: CanaryAnalysis,
}

/// `analysisConfigurations.canary`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CanaryAnalysis {
    #[serde(default)]
    pub direction: Option<String>,
    #[serde(default)]
    pub nan_strategy: Option<String>,
    #[serde(default)]
    pub critical: bool,
    #[serde(default)]
    pub muted: bool,
    #[serde(default)]
    pub effect_size: EffectSize,
    #[serde(default)]
    pub outliers: OutlierConfig,
}

/// `effectSize`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EffectSize {
    #[serde(default)]
    pub measure: Option<String>,
    #[serde(default)]
    pub allowed_increase: Option<f64>,
    #[serde(default)]
    pub allowed_decrease: Option<f64>,
    #[serde(default)]
    pub critical_increase: Option<f64>,
    #[serde(default)]
    pub critical_decrease: Option<f64>,
}

/// `outliers`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OutlierConfig {
    #[serde(default)]
    pub strategy: Option<String>,
    #[serde(default)]
    pub outlier_factor: Option<f64>,
}

/// `MetricSetPair`: one metric's `control` and `experiment` series.
#[derive(Debug, Deserialize)]
pub(crate) struct MetricSetPair {
    pub name: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub values: BTreeMap<String, Series>,
}

/// A series as Jackson writes `List<Double>`: numbers, with NaN as `"NaN"` (or `null`) and
/// infinities as `"Infinity"` / `"-Infinity"`.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Series(pub Vec<f64>);

impl<'de> Deserialize<'de> for Series {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Series, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Value {
            Number(f64),
            Text(String),
            Null(()),
        }
        let values: Vec<Value> = Deserialize::deserialize(deserializer)?;
        values
            .into_iter()
            .map(|v| match v {
                Value::Number(x) => Ok(x),
                Value::Null(()) => Ok(f64::NAN),
                Value::Text(t) => match t.as_str() {
                    "NaN" => Ok(f64::NAN),
                    "Infinity" => Ok(f64::INFINITY),
                    "-Infinity" => Ok(f64::NEG_INFINITY),
                    _ => Err(serde::de::Error::custom(format!(
                        "`{t}` is not a number; expected a number, \"NaN\", \"Infinity\", \
                         \"-Infinity\" or null"
                    ))),
                },
            })
            .collect::<Result<_, _>>()
            .map(Series)
    }
}

/// `CanaryJudgeResult`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CanaryJudgeResult {
    pub judge_name: String,
    pub score: CanaryJudgeScore,
    pub group_scores: Vec<CanaryJudgeGroupScore>,
    pub results: Vec<CanaryAnalysisResult>,
}

/// `CanaryJudgeScore`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CanaryJudgeScore {
    pub score: f64,
    pub classification: String,
    pub classification_reason: String,
}

/// `CanaryJudgeGroupScore`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CanaryJudgeGroupScore {
    pub name: String,
    pub score: f64,
    pub classification: String,
    pub classification_reason: String,
}

/// `CanaryAnalysisResult`: one metric's label with the data summaries and, in
/// `resultMetadata`, the numbers behind the label.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CanaryAnalysisResult {
    pub name: String,
    pub id: String,
    pub tags: BTreeMap<String, String>,
    pub groups: Vec<String>,
    pub classification: &'static str,
    pub classification_reason: String,
    pub critical: bool,
    pub muted: bool,
    pub experiment_metadata: SeriesMetadata,
    pub control_metadata: SeriesMetadata,
    pub result_metadata: ResultMetadata,
}

/// `{"stats": {...}}` of one series.
#[derive(Debug, Serialize)]
pub(crate) struct SeriesMetadata {
    pub stats: Stats,
}

/// Kayenta's descriptive statistics of a series as judged (NaN and outliers removed); zeros
/// for an empty series, as Kayenta reports.
#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Stats {
    pub count: usize,
    pub mean: f64,
    pub std: f64,
    pub min: f64,
    pub max: f64,
}

/// Kayenta's `ratio` plus what its own judge never reports (kayenta#521).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResultMetadata {
    /// Mean of the experiment over mean of the control; `null` when a mean is 0.
    pub ratio: Option<f64>,
    /// The location shift (experiment minus control) the rule tested.
    pub estimate: Option<f64>,
    /// Lower end of its interval.
    pub lower: Option<f64>,
    /// Upper end of its interval.
    pub upper: Option<f64>,
    /// The interval's confidence (0.98).
    pub confidence: Option<f64>,
    /// Two-sided Mann-Whitney p-value of the same data, for reading; the rule decides on the
    /// interval, not on it.
    pub p_value: Option<f64>,
    /// canary-judge's outcome (`pass`, `regression`, `improvement`, `no_data`, `error`).
    pub outcome: canary_judge::judge::Outcome,
    /// canary-judge's one-line reason.
    pub reason: String,
}
