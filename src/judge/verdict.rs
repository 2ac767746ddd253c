//! The verdict: one decision for the controller, with the reasons and numbers behind it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::config::{JudgeConfig, NoDataAction};
use super::format;
use super::outcome::{MetricResult, Outcome};
use super::score::{group_scores, overall_score, GroupScore};
use crate::error::Result;
use crate::slo::{Counts, GateDecision, GateReport};

/// The version of the verdict's JSON layout (`docs/verdict-json.md`).
pub const VERDICT_VERSION: u32 = 1;

/// What the controller should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The canary is good enough: promote it (or move to the next stage).
    Promote,
    /// Not decided: keep watching and hold the traffic weight.
    Continue,
    /// The canary is worse: roll it back.
    Rollback,
}

/// The score's class (Kayenta's Pass / Marginal / Fail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreClass {
    /// `score >= pass`.
    Pass,
    /// `marginal <= score < pass`.
    Marginal,
    /// `score < marginal`, or forced to 0 by a veto or the no-data rule.
    Fail,
}

/// The judge's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Layout version, [`VERDICT_VERSION`].
    pub version: u32,
    /// The decision.
    pub decision: Decision,
    /// The overall score on 0-100; `None` when nothing could be scored yet.
    pub score: Option<f64>,
    /// The score's class.
    pub classification: Option<ScoreClass>,
    /// Why, most important first.
    pub reasons: Vec<String>,
    /// Scores per group.
    pub groups: Vec<GroupScore>,
    /// Results per metric, in configuration order.
    pub metrics: Vec<MetricResult>,
    /// The error-budget gate's report, if a budget is configured and counts were given.
    pub budget: Option<GateReport>,
}

impl Verdict {
    /// The verdict as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The verdict as indented JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a verdict back from JSON.
    pub fn from_json(text: &str) -> Result<Verdict> {
        crate::config::from_json("verdict (JSON)", text)
    }
}

/// Combines metric results (and the budget) into the verdict.
pub(crate) fn decide(
    config: &JudgeConfig,
    weights: &BTreeMap<String, f64>,
    metrics: Vec<MetricResult>,
    budget_counts: Option<Counts>,
    explain: bool,
) -> Verdict {
    let groups = group_scores(&metrics, weights);
    let unmuted: Vec<&MetricResult> = metrics.iter().filter(|m| !m.muted).collect();
    let mut reasons = format::Reasons::new(explain);
    let mut forced_fail = false;
    let mut hold = false;

    let vetoes: Vec<&&MetricResult> = unmuted
        .iter()
        .filter(|m| m.critical && m.outcome == Outcome::Regression)
        .collect();
    for m in &vetoes {
        reasons.push(|| format!("critical metric vetoes: {}", m.reason));
    }
    forced_fail |= !vetoes.is_empty();

    let no_data = unmuted
        .iter()
        .filter(|m| m.outcome == Outcome::NoData)
        .count();
    let no_data_share = no_data as f64 / unmuted.len().max(1) as f64;
    if no_data > 0 && no_data_share >= config.no_data.share {
        let line = || {
            format!(
                "{no_data} of {} metrics have no data (rule: from {}%)",
                unmuted.len(),
                format::number(config.no_data.share * 100.0)
            )
        };
        match config.no_data.action {
            NoDataAction::Fail => {
                forced_fail = true;
                reasons.push(|| format!("{}: fail", line()));
            }
            NoDataAction::Inconclusive => {
                hold = true;
                reasons.push(|| format!("{}: keep watching", line()));
            }
        }
    }

    let computed = overall_score(&groups, config.no_data.empty_groups);
    let score = if forced_fail { Some(0.0) } else { computed };
    let classification = score.map(|s| {
        if s >= config.thresholds.pass {
            ScoreClass::Pass
        } else if s >= config.thresholds.marginal {
            ScoreClass::Marginal
        } else {
            ScoreClass::Fail
        }
    });
    if !forced_fail {
        reasons.push(|| match score {
            Some(s) => format!(
                "score {} ({}; pass from {}, marginal from {})",
                format::number(s),
                match classification {
                    Some(ScoreClass::Pass) => "pass",
                    Some(ScoreClass::Marginal) => "marginal",
                    _ => "fail",
                },
                format::number(config.thresholds.pass),
                format::number(config.thresholds.marginal)
            ),
            None => "no metric could be judged yet".to_string(),
        });
    }
    for m in unmuted
        .iter()
        .filter(|m| m.outcome == Outcome::Regression && !m.critical)
    {
        reasons.push(|| m.reason.clone());
    }
    for m in unmuted
        .iter()
        .filter(|m| matches!(m.outcome, Outcome::Inconclusive | Outcome::Error))
    {
        hold = true;
        reasons.push(|| format!("waiting on {}", m.reason));
    }
    for m in unmuted
        .iter()
        .filter(|m| m.critical && m.outcome == Outcome::NoData)
    {
        hold = true;
        reasons.push(|| format!("critical metric not judged: {}", m.reason));
    }

    let mut decision = match classification {
        _ if forced_fail => Decision::Rollback,
        Some(ScoreClass::Fail) => Decision::Rollback,
        Some(ScoreClass::Pass) if !hold => Decision::Promote,
        _ => Decision::Continue,
    };

    let budget = config
        .budget
        .as_ref()
        .and_then(|b| budget_counts.map(|counts| b.tiers.decide(&b.objective, counts)));
    if let Some(b) = &config.budget {
        match &budget {
            None => {
                if decision == Decision::Promote {
                    decision = Decision::Continue;
                }
                reasons.push(|| {
                    format!(
                        "error-budget gate: no counts for the {} window given; promotion held",
                        b.window
                    )
                });
            }
            Some(report) => match report.decision {
                GateDecision::Freeze if decision != Decision::Rollback => {
                    decision = Decision::Rollback;
                    reasons.push_first(|| format!("error budget frozen: {}", report.reason));
                }
                GateDecision::Caution | GateDecision::NoData if decision == Decision::Promote => {
                    decision = Decision::Continue;
                    reasons
                        .push_first(|| format!("error budget holds promotion: {}", report.reason));
                }
                _ => reasons.push(|| format!("error budget: {}", report.reason)),
            },
        }
    }

    Verdict {
        version: VERDICT_VERSION,
        decision,
        score,
        classification,
        reasons: reasons.into_lines(),
        groups,
        metrics,
        budget,
    }
}
