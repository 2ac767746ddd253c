//! `POST /judge`: Kayenta's remote judge, answered with the library's Kayenta rule.
//!
//! Kayenta's `RemoteJudge-v1.0` sends its canary configuration, the score thresholds and the
//! metric set pairs; each pair becomes an `intervals` metric judged by
//! `test = { kayenta = {...} }` (the NetflixACAJudge rule, `docs/presets.md`) with Kayenta's
//! scoring (`no_data = { share = 0.5, action = "fail", empty_groups = "full_score" }`), and the
//! verdict goes back as a `CanaryJudgeResult`. Each result's `resultMetadata` carries, beside
//! Kayenta's `ratio`, the interval, the estimate, a p-value and the reason, which Kayenta's own
//! judge does not report.

mod model;

use std::collections::BTreeSet;

use canary_judge::judge::{
    Change, Judge, JudgeConfig, MetricData, MetricResult, Observations, Outcome, ScoreClass,
    Verdict,
};
use canary_judge::stats::{
    mann_whitney_u, remove_iqr_outliers, IqrFenceOptions, MannWhitneyOptions,
};
use serde_json::json;

use crate::parse::parse_json;
use crate::problem::ApiError;
use model::{
    CanaryAnalysis, CanaryAnalysisResult, CanaryJudgeGroupScore, CanaryJudgeResult,
    CanaryJudgeScore, CanaryMetricConfig, MetricSetPair, RemoteJudgeRequest, ResultMetadata,
    SeriesMetadata, Stats,
};

/// The `judgeName` of every result.
pub(crate) const JUDGE_NAME: &str = "canary-judge-NetflixACAJudge-v1.0";

/// Kayenta's thresholds when neither the request nor the configuration gives any.
const DEFAULT_THRESHOLDS: model::Thresholds = model::Thresholds {
    pass: 95.0,
    marginal: 75.0,
};

/// Judges a `RemoteJudgeRequest` body, returning the `CanaryJudgeResult` as a JSON value.
pub(crate) fn judge(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    let request: RemoteJudgeRequest = parse_json("Kayenta RemoteJudgeRequest", body)?;
    let metrics = request
        .metric_set_pair_list
        .iter()
        .map(|pair| Metric::new(&request, pair))
        .collect::<Result<Vec<_>, _>>()?;
    let config = judge_config(&request, &metrics)?;
    let judge = Judge::new(config).map_err(|e| {
        let mut error = ApiError::from_library(e);
        error.message = format!("the Kayenta canary config, translated: {}", error.message);
        error
    })?;
    let observations = metrics.iter().fold(Observations::new(), |o, m| {
        o.with(
            m.pair.name.clone(),
            MetricData::Samples {
                baseline: m.control.clone(),
                canary: m.experiment.clone(),
            },
        )
    });
    let verdict = judge.judge(&observations).map_err(ApiError::from_library)?;
    serde_json::to_value(result(&metrics, &verdict))
        .map_err(|e| ApiError::internal(format!("cannot write the result: {e}")))
}

/// One metric set pair with its configuration and its series after Kayenta's NaN strategy.
struct Metric<'a> {
    pair: &'a MetricSetPair,
    config: &'a CanaryMetricConfig,
    experiment: Vec<f64>,
    control: Vec<f64>,
}

impl<'a> Metric<'a> {
    fn new(request: &'a RemoteJudgeRequest, pair: &'a MetricSetPair) -> Result<Self, ApiError> {
        let config = request
            .canary_config
            .metrics
            .iter()
            .find(|m| m.name == pair.name)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "unknown_metric",
                    format!(
                        "metric set pair `{}` has no metric of that name in the canary config",
                        pair.name
                    ),
                )
            })?;
        let analysis = &config.analysis_configurations.canary;
        // `replace` sets NaN to 0; `remove` (and Kayenta's default) is the metric's NaN policy.
        let replace = analysis.nan_strategy.as_deref() == Some("replace");
        let series = |key: &str| -> Vec<f64> {
            let values = pair
                .values
                .get(key)
                .map(|s| s.0.clone())
                .unwrap_or_default();
            if replace {
                values
                    .into_iter()
                    .map(|v| if v.is_nan() { 0.0 } else { v })
                    .collect()
            } else {
                values
            }
        };
        Ok(Metric {
            pair,
            config,
            experiment: series("experiment"),
            control: series("control"),
        })
    }

    fn analysis(&self) -> &CanaryAnalysis {
        &self.config.analysis_configurations.canary
    }

    /// The series as the rule sees it: NaN removed, then outliers if configured.
    fn judged(&self, values: &[f64]) -> Vec<f64> {
        let kept: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
        match outlier_factor(self.analysis()) {
            Some(factor) if !kept.is_empty() => {
                remove_iqr_outliers(&kept, &IqrFenceOptions::default().factor(factor))
                    .map(|r| r.kept)
                    .unwrap_or(kept)
            }
            _ => kept,
        }
    }
}

fn outlier_factor(analysis: &CanaryAnalysis) -> Option<f64> {
    (analysis.outliers.strategy.as_deref() == Some("remove"))
        .then(|| analysis.outliers.outlier_factor.unwrap_or(3.0))
}

/// The library configuration that decides as Kayenta's judge does.
fn judge_config(request: &RemoteJudgeRequest, metrics: &[Metric]) -> Result<JudgeConfig, ApiError> {
    let thresholds = request
        .score_thresholds
        .or_else(|| {
            request
                .canary_config
                .classifier
                .as_ref()
                .and_then(|c| c.score_thresholds)
        })
        .unwrap_or(DEFAULT_THRESHOLDS);
    let mut configs = Vec::with_capacity(metrics.len());
    for m in metrics {
        configs.push(metric_config(m)?);
    }
    // Kayenta ignores weights of groups without (unmuted) metrics; the library rejects them.
    let used: BTreeSet<String> = metrics
        .iter()
        .filter(|m| !m.analysis().muted)
        .map(|m| group_of(m.config))
        .collect();
    let weights: serde_json::Map<String, serde_json::Value> = request
        .canary_config
        .classifier
        .as_ref()
        .map(|c| {
            c.group_weights
                .iter()
                .filter(|(g, _)| used.contains(*g))
                .map(|(g, w)| (g.clone(), json!(w)))
                .collect()
        })
        .unwrap_or_default();
    let config = json!({
        "thresholds": { "pass": thresholds.pass, "marginal": thresholds.marginal },
        "no_data": { "share": 0.5, "action": "fail", "empty_groups": "full_score" },
        "groups": weights,
        "metrics": configs,
    });
    serde_json::from_value(config).map_err(|e| {
        ApiError::bad_request(
            "invalid_config",
            format!("the Kayenta canary config cannot be translated: {e}"),
        )
    })
}

/// Kayenta scores a metric in its groups; the library takes one group per metric, the first.
fn group_of(config: &CanaryMetricConfig) -> String {
    config
        .groups
        .first()
        .cloned()
        .unwrap_or_else(|| "default".to_string())
}

fn metric_config(m: &Metric) -> Result<serde_json::Value, ApiError> {
    let analysis = m.analysis();
    let effect = &analysis.effect_size;
    if let Some(measure) = effect.measure.as_deref().filter(|&s| s != "meanRatio") {
        return Err(ApiError::bad_request(
            "invalid_config",
            format!(
                "metric `{}`: effectSize.measure `{measure}` is not supported; only meanRatio is",
                m.pair.name
            ),
        ));
    }
    let bad = match analysis.direction.as_deref() {
        Some("increase") => "increase",
        Some("decrease") => "decrease",
        _ => "either",
    };
    let gate = |v: Option<f64>| v.unwrap_or(1.0);
    let mut config = json!({
        "name": m.pair.name,
        "data": "intervals",
        "bad": bad,
        "group": group_of(m.config),
        "critical": analysis.critical,
        "muted": analysis.muted,
        "nan_policy": "remove",
        "test": { "kayenta": {
            "allowed_increase": gate(effect.allowed_increase),
            "allowed_decrease": gate(effect.allowed_decrease),
            "critical_increase": gate(effect.critical_increase),
            "critical_decrease": gate(effect.critical_decrease),
        }},
    });
    if let Some(factor) = outlier_factor(analysis) {
        config["outliers"] = json!({ "iqr": factor });
    }
    Ok(config)
}

/// The verdict in Kayenta's shape.
fn result(metrics: &[Metric], verdict: &Verdict) -> CanaryJudgeResult {
    let results = metrics
        .iter()
        .zip(&verdict.metrics)
        .map(|(m, r)| analysis_result(m, r))
        .collect();
    CanaryJudgeResult {
        judge_name: JUDGE_NAME.to_string(),
        score: CanaryJudgeScore {
            score: verdict.score.unwrap_or(0.0),
            classification: match verdict.classification {
                Some(ScoreClass::Pass) => "Pass",
                Some(ScoreClass::Marginal) => "Marginal",
                Some(ScoreClass::Fail) | None => "Fail",
            }
            .to_string(),
            classification_reason: verdict.reasons.join("; "),
        },
        group_scores: verdict
            .groups
            .iter()
            .map(|g| CanaryJudgeGroupScore {
                name: g.name.clone(),
                score: g.score.unwrap_or(0.0),
                classification: String::new(),
                classification_reason: if g.score.is_some() {
                    String::new()
                } else {
                    "no data".to_string()
                },
            })
            .collect(),
        results,
    }
}

fn analysis_result(m: &Metric, r: &MetricResult) -> CanaryAnalysisResult {
    let experiment = m.judged(&m.experiment);
    let control = m.judged(&m.control);
    let (e, c) = (stats(&experiment), stats(&control));
    let ratio = (e.count > 0 && c.count > 0 && e.mean != 0.0 && c.mean != 0.0)
        .then(|| e.mean / c.mean)
        .filter(|r| r.is_finite());
    let p_value = mann_whitney_u(&experiment, &control, &MannWhitneyOptions::default())
        .ok()
        .map(|t| t.pvalue);
    let effect = r.effect.as_ref();
    CanaryAnalysisResult {
        name: m.pair.name.clone(),
        id: m.pair.id.clone().unwrap_or_default(),
        tags: m.pair.tags.clone(),
        groups: m.config.groups.clone(),
        classification: classification(r),
        classification_reason: r.reason.clone(),
        critical: r.critical && r.outcome == Outcome::Regression,
        muted: r.muted,
        experiment_metadata: SeriesMetadata { stats: e },
        control_metadata: SeriesMetadata { stats: c },
        result_metadata: ResultMetadata {
            ratio,
            estimate: effect.map(|e| e.estimate).filter(|v| v.is_finite()),
            lower: effect.and_then(|e| e.low),
            upper: effect.and_then(|e| e.high),
            confidence: effect.and_then(|e| e.confidence),
            p_value,
            outcome: r.outcome,
            reason: r.reason.clone(),
        },
    }
}

/// Kayenta's label for a result.
fn classification(r: &MetricResult) -> &'static str {
    match (r.outcome, r.change) {
        (Outcome::Pass | Outcome::Improvement, _) => "Pass",
        (Outcome::Regression, Some(Change::Decrease)) => "Low",
        (Outcome::Regression, _) => "High",
        (Outcome::NoData | Outcome::Inconclusive, _) => "Nodata",
        (Outcome::Error, _) => "Error",
    }
}

/// Count, mean, sample standard deviation, min and max; zeros when empty.
fn stats(values: &[f64]) -> Stats {
    if values.is_empty() {
        return Stats::default();
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let std = if values.len() > 1 {
        (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    Stats {
        count: values.len(),
        mean,
        std,
        min: values.iter().copied().fold(f64::INFINITY, f64::min),
        max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    }
}

#[cfg(test)]
mod tests;
