//! Scores: the share of passing metrics per group, and their weighted sum.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::config::EmptyGroups;
use super::outcome::{MetricResult, Outcome};

/// One group's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupScore {
    /// The group's name.
    pub name: String,
    /// Its weight on the 0-100 scale.
    pub weight: f64,
    /// `100 * (weight of passing metrics) / (weight of judged metrics)`; `None` when no metric
    /// of the group was judged.
    pub score: Option<f64>,
    /// Unmuted metrics judged (pass, improvement or regression).
    pub judged: usize,
    /// Unmuted metrics in the group.
    pub metrics: usize,
}

/// Group scores over the unmuted metrics. No data, inconclusive and error results are left
/// out of the denominator, as Kayenta leaves out `Nodata` and `Error`.
pub(crate) fn group_scores(
    results: &[MetricResult],
    weights: &BTreeMap<String, f64>,
) -> Vec<GroupScore> {
    weights
        .iter()
        .map(|(name, &weight)| {
            let members: Vec<&MetricResult> = results
                .iter()
                .filter(|r| !r.muted && &r.group == name)
                .collect();
            let judged: Vec<&&MetricResult> = members
                .iter()
                .filter(|r| {
                    matches!(
                        r.outcome,
                        Outcome::Pass | Outcome::Improvement | Outcome::Regression
                    )
                })
                .collect();
            // Folds from +0: an empty `sum` of floats is -0, which would score "-0".
            let total = judged.iter().map(|r| r.weight).fold(0.0, |a, w| a + w);
            let passing = judged
                .iter()
                .filter(|r| r.passed())
                .map(|r| r.weight)
                .fold(0.0, |a, w| a + w);
            GroupScore {
                name: name.clone(),
                weight,
                score: (!judged.is_empty()).then(|| 100.0 * passing / total),
                judged: judged.len(),
                metrics: members.len(),
            }
        })
        .collect()
}

/// The weighted overall score, rounded to two decimals (as Kayenta rounds); `None` when no
/// group was judged and empty groups are excluded.
pub(crate) fn overall_score(groups: &[GroupScore], empty: EmptyGroups) -> Option<f64> {
    let scored: Vec<(f64, f64)> = groups
        .iter()
        .filter_map(|g| match (g.score, empty) {
            (Some(s), _) => Some((g.weight, s)),
            (None, EmptyGroups::FullScore) => Some((g.weight, 100.0)),
            (None, EmptyGroups::Excluded) => None,
        })
        .collect();
    let total: f64 = scored.iter().map(|(w, _)| w).sum();
    if scored.is_empty() || (empty == EmptyGroups::Excluded && total == 0.0) {
        return None;
    }
    let sum: f64 = scored.iter().map(|(w, s)| w * s).sum();
    // Excluded groups' weight is spread over the others; Kayenta's full-score rule keeps the
    // configured scale.
    let score = if empty == EmptyGroups::Excluded {
        sum / total
    } else {
        sum / 100.0
    };
    Some((score * 100.0).round() / 100.0)
}
