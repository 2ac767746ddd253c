//! The configuration of a whole judge: metrics, scoring, the no-data rule and the budget gate.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::metric::MetricConfig;
use crate::error::{Error, Result};
use crate::slo::{BudgetGate, Objective};
use crate::span::Span;

/// Score thresholds on the 0-100 scale: `score >= pass` passes, `score >= marginal` is
/// marginal, lower fails (Kayenta's shape; its documentation suggests 95 and 75).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreThresholds {
    /// Lowest passing score; default 95.
    pub pass: f64,
    /// Lowest marginal score; default 75.
    pub marginal: f64,
}

impl Default for ScoreThresholds {
    fn default() -> Self {
        ScoreThresholds {
            pass: 95.0,
            marginal: 75.0,
        }
    }
}

/// What the verdict is when too many metrics have no data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoDataAction {
    /// Keep watching: a quiet canary is not a bad canary (argo-rollouts#1905).
    #[default]
    Inconclusive,
    /// Fail, as Kayenta does (score 0).
    Fail,
}

/// How a group without any judged metric counts in the overall score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmptyGroups {
    /// Left out; the other groups' weights are renormalised.
    #[default]
    Excluded,
    /// Counted as 100, as Kayenta does.
    FullScore,
}

/// The no-data rule: when at least `share` of the unmuted metrics have no data, the verdict
/// is `action`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NoDataRule {
    /// Share of unmuted metrics, in (0, 1]; default 0.5 (Kayenta's cut-off).
    pub share: f64,
    /// The verdict then; default inconclusive.
    pub action: NoDataAction,
    /// How groups without judged metrics score.
    pub empty_groups: EmptyGroups,
}

impl Default for NoDataRule {
    fn default() -> Self {
        NoDataRule {
            share: 0.5,
            action: NoDataAction::Inconclusive,
            empty_groups: EmptyGroups::Excluded,
        }
    }
}

/// The error-budget gate: promotions are allowed, held or frozen by the budget left over the
/// SLO window (the observations carry the window's counts).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetConfig {
    /// The SLO, for example `0.999` or `"99.9%"`.
    pub objective: Objective,
    /// The SLO window the counts cover, for example `"28d"` (reported, not computed on).
    pub window: Span,
    /// Budget left from which promotions are allowed, and below which they freeze; default
    /// allow from 50 %, freeze below 20 %.
    #[serde(default)]
    pub tiers: BudgetGate,
}

/// Everything a judge needs to know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgeConfig {
    /// Confidence of tests and intervals, in (0, 1); default 0.95 (alpha = 0.05).
    #[serde(default = "default_confidence")]
    pub confidence: f64,
    /// Score thresholds.
    #[serde(default)]
    pub thresholds: ScoreThresholds,
    /// The no-data rule.
    #[serde(default)]
    pub no_data: NoDataRule,
    /// Group weights on a 0-100 scale. Groups without a weight share what is left equally
    /// (Kayenta's rule); with no weights at all, every group weighs the same.
    #[serde(default)]
    pub groups: BTreeMap<String, f64>,
    /// The error-budget gate, if any.
    #[serde(default)]
    pub budget: Option<BudgetConfig>,
    /// The metrics.
    pub metrics: Vec<MetricConfig>,
}

fn default_confidence() -> f64 {
    0.95
}

fn invalid(field: impl Into<String>, value: impl ToString, reason: impl Into<String>) -> Error {
    Error::InvalidConfig {
        field: field.into(),
        value: value.to_string(),
        reason: reason.into(),
    }
}

impl JudgeConfig {
    /// Checks the whole configuration: each metric, and the settings that must agree.
    pub fn validate(&self) -> Result<()> {
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(invalid(
                "confidence",
                self.confidence,
                "must be in (0, 1), for example 0.95",
            ));
        }
        let ScoreThresholds { pass, marginal } = self.thresholds;
        if !(0.0 <= marginal && marginal <= pass && pass <= 100.0) {
            return Err(invalid(
                "thresholds",
                format!("pass = {pass}, marginal = {marginal}"),
                "need 0 <= marginal <= pass <= 100",
            ));
        }
        if !(self.no_data.share > 0.0 && self.no_data.share <= 1.0) {
            return Err(invalid(
                "no_data.share",
                self.no_data.share,
                "must be in (0, 1]",
            ));
        }
        if self.metrics.is_empty() {
            return Err(invalid("metrics", "[]", "configure at least one metric"));
        }
        let mut names = BTreeSet::new();
        for (index, metric) in self.metrics.iter().enumerate() {
            metric.validate(index)?;
            if !names.insert(metric.name.as_str()) {
                return Err(invalid(
                    format!("metrics[{index}].name"),
                    &metric.name,
                    "metric names must be unique",
                ));
            }
            if metric.critical && metric.muted {
                return Err(invalid(
                    format!("metrics[{index}].muted"),
                    true,
                    "a muted metric cannot be critical: it would veto without counting",
                ));
            }
        }
        if self.metrics.iter().all(|m| m.muted) {
            return Err(invalid(
                "metrics",
                "all muted",
                "at least one metric must be unmuted, or nothing is judged",
            ));
        }
        self.group_weights().map(|_| ())
    }

    /// The weight of each group that has unmuted metrics, on the 0-100 scale.
    pub fn group_weights(&self) -> Result<BTreeMap<String, f64>> {
        let used: BTreeSet<&str> = self
            .metrics
            .iter()
            .filter(|m| !m.muted)
            .map(|m| m.group.as_str())
            .collect();
        for (group, &weight) in &self.groups {
            if !used.contains(group.as_str()) {
                return Err(invalid(
                    format!("groups.{group}"),
                    weight,
                    "no unmuted metric is in this group",
                ));
            }
            if !(weight.is_finite() && weight >= 0.0) {
                return Err(invalid(
                    format!("groups.{group}"),
                    weight,
                    "must be finite and >= 0",
                ));
            }
        }
        let configured: f64 = self.groups.values().sum();
        let unweighted = used
            .iter()
            .filter(|g| !self.groups.contains_key(**g))
            .count();
        let share = if self.groups.is_empty() {
            100.0 / used.len() as f64
        } else if unweighted == 0 {
            if (configured - 100.0).abs() > 1e-9 {
                return Err(invalid(
                    "groups",
                    configured,
                    "when every group has a weight, the weights must total 100",
                ));
            }
            0.0
        } else {
            if configured >= 100.0 {
                return Err(invalid(
                    "groups",
                    configured,
                    "weights must total less than 100 so that the unweighted groups get a share",
                ));
            }
            (100.0 - configured) / unweighted as f64
        };
        Ok(used
            .iter()
            .map(|g| (g.to_string(), self.groups.get(*g).copied().unwrap_or(share)))
            .collect())
    }
}
