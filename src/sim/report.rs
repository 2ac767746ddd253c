//! Figures from an evaluation's counts: rates with confidence intervals, times and traffic to
//! a decision, per scenario and policy and pooled per policy; as a table, CSV or JSON.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::evaluate::{Cell, Evaluation};
use super::tally::Tally;

/// z for the 95 % Wilson intervals of rates.
const Z95: f64 = 1.959_963_984_540_054;

/// A share of rollouts with its 95 % Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    /// Rollouts counted.
    pub count: u64,
    /// Out of.
    pub out_of: u64,
    /// `count / out_of` (NaN when `out_of` is 0).
    pub rate: f64,
    /// Lower end of the 95 % interval.
    pub low: f64,
    /// Upper end of the 95 % interval.
    pub high: f64,
}

impl Rate {
    /// `count` of `out_of`, with Wilson's interval (good near 0 and 1, unlike the normal one).
    pub fn new(count: u64, out_of: u64) -> Rate {
        if out_of == 0 {
            return Rate {
                count,
                out_of,
                rate: f64::NAN,
                low: f64::NAN,
                high: f64::NAN,
            };
        }
        let n = out_of as f64;
        let p = count as f64 / n;
        let z2 = Z95 * Z95;
        let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
        let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
        Rate {
            count,
            out_of,
            rate: p,
            low: (centre - half).max(0.0),
            high: (centre + half).min(1.0),
        }
    }

    fn percent(&self) -> String {
        if self.out_of == 0 {
            return "-".into();
        }
        format!(
            "{:.1} ({:.1}-{:.1})",
            self.rate * 100.0,
            self.low * 100.0,
            self.high * 100.0
        )
    }
}

/// The figures of one scenario under one policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellFigures {
    /// The scenario.
    pub scenario: String,
    /// The policy.
    pub policy: String,
    /// Whether the scenario is a null (healthy) one.
    pub null: bool,
    /// Rollouts run.
    pub rollouts: u64,
    /// Share rolled back: false rollbacks on a null scenario, detections otherwise.
    pub rolled_back: Rate,
    /// Share promoted: missed regressions on a regressed scenario.
    pub promoted: Rate,
    /// Share undecided when the scenario's duration ran out.
    pub inconclusive: Rate,
    /// Rollouts whose gate failed with an error.
    pub errors: u64,
    /// Median minutes to a decision (promotion or rollback).
    pub median_minutes: Option<f64>,
    /// 90th percentile of minutes to a decision.
    pub p90_minutes: Option<f64>,
    /// Mean requests the canary served before the rollout ended.
    pub mean_canary_requests: f64,
    /// Mean requests served by the regressed canary in rollouts that were rolled back.
    pub blast_radius: Option<f64>,
    /// The first error message, if any.
    pub first_error: Option<String>,
}

/// One policy's figures pooled over scenarios: the headline row of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyFigures {
    /// The policy.
    pub policy: String,
    /// What it is.
    pub description: String,
    /// Rollbacks of healthy canaries, over all null scenarios.
    pub false_rollbacks: Rate,
    /// Promotions of regressed canaries, over all regressed scenarios.
    pub missed_regressions: Rate,
    /// Undecided rollouts, over all scenarios.
    pub inconclusive: Rate,
    /// Median minutes to a decision, over all decided rollouts.
    pub median_minutes: Option<f64>,
    /// 90th percentile of minutes to a decision.
    pub p90_minutes: Option<f64>,
    /// Mean requests the canary served before the rollout ended, over all rollouts.
    pub mean_canary_requests: f64,
    /// Mean requests served by a regressed canary before its rollback.
    pub blast_radius: Option<f64>,
    /// Rollouts whose gate failed with an error.
    pub errors: u64,
}

/// Every figure of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The run's seed.
    pub seed: u64,
    /// One row per policy.
    pub policies: Vec<PolicyFigures>,
    /// One row per scenario and policy.
    pub cells: Vec<CellFigures>,
}

/// Seconds to a decision and how many rollouts took them, pooled over scenarios.
type Durations = BTreeMap<u64, u64>;

impl Report {
    /// The figures of `evaluation`.
    pub fn new(evaluation: &Evaluation) -> Report {
        let tick_secs = |cell: &Cell| {
            evaluation
                .scenario(&cell.scenario)
                .map_or(60, |s| s.tick_secs)
        };
        let is_null = |cell: &Cell| evaluation.scenario(&cell.scenario).is_some_and(|s| s.null);
        let cells = evaluation
            .cells
            .iter()
            .map(|cell| {
                let t = &cell.tally;
                let durations = seconds(&t.decision_ticks, tick_secs(cell));
                CellFigures {
                    scenario: cell.scenario.clone(),
                    policy: cell.policy.clone(),
                    null: is_null(cell),
                    rollouts: t.rollouts,
                    rolled_back: Rate::new(t.rolled_back, t.rollouts),
                    promoted: Rate::new(t.promoted, t.rollouts),
                    inconclusive: Rate::new(t.inconclusive, t.rollouts),
                    errors: t.errors,
                    median_minutes: minutes(&durations, 0.5),
                    p90_minutes: minutes(&durations, 0.9),
                    mean_canary_requests: mean(t.canary_requests, t.rollouts),
                    blast_radius: (!is_null(cell) && t.rolled_back > 0)
                        .then(|| mean(t.exposed_before_rollback, t.rolled_back)),
                    first_error: t.first_error.as_ref().map(|(_, m)| m.clone()),
                }
            })
            .collect();
        let policies = evaluation
            .policies
            .iter()
            .map(|info| {
                let mine = || evaluation.cells.iter().filter(|c| c.policy == info.name);
                let (mut null, mut bad, mut all) =
                    (Tally::default(), Tally::default(), Tally::default());
                let mut durations = Durations::new();
                for cell in mine() {
                    all.merge(&cell.tally);
                    if is_null(cell) {
                        null.merge(&cell.tally);
                    } else {
                        bad.merge(&cell.tally);
                    }
                    for (secs, count) in seconds(&cell.tally.decision_ticks, tick_secs(cell)) {
                        *durations.entry(secs).or_default() += count;
                    }
                }
                PolicyFigures {
                    policy: info.name.clone(),
                    description: info.description.clone(),
                    false_rollbacks: Rate::new(null.rolled_back, null.rollouts),
                    missed_regressions: Rate::new(bad.promoted, bad.rollouts),
                    inconclusive: Rate::new(all.inconclusive, all.rollouts),
                    median_minutes: minutes(&durations, 0.5),
                    p90_minutes: minutes(&durations, 0.9),
                    mean_canary_requests: mean(all.canary_requests, all.rollouts),
                    blast_radius: (bad.rolled_back > 0)
                        .then(|| mean(bad.exposed_before_rollback, bad.rolled_back)),
                    errors: all.errors,
                }
            })
            .collect();
        Report {
            seed: evaluation.seed,
            policies,
            cells,
        }
    }

    /// The headline table (a row per policy) and a detail table (rollback rate per scenario).
    pub fn table(&self) -> String {
        let header = [
            "policy",
            "false rollbacks %",
            "missed regressions %",
            "inconclusive %",
            "median min",
            "p90 min",
            "canary requests",
            "blast radius",
        ];
        let rows: Vec<Vec<String>> = self
            .policies
            .iter()
            .map(|p| {
                vec![
                    p.policy.clone(),
                    p.false_rollbacks.percent(),
                    p.missed_regressions.percent(),
                    format!("{:.1}", p.inconclusive.rate * 100.0),
                    optional(p.median_minutes, 0),
                    optional(p.p90_minutes, 0),
                    format!("{:.0}", p.mean_canary_requests),
                    optional(p.blast_radius, 0),
                ]
            })
            .collect();
        let mut out = grid(&header, &rows);
        out.push_str(
            "\nfalse rollbacks: healthy canaries rolled back; missed regressions: bad canaries \
             promoted (95 % intervals in brackets); blast radius: requests a bad canary served \
             before its rollback\n\nrolled back %, by scenario (null scenarios: false \
             rollbacks; others: detections)\n",
        );
        let scenarios: Vec<&str> = self.cells.iter().fold(Vec::new(), |mut names, c| {
            if !names.contains(&c.scenario.as_str()) {
                names.push(&c.scenario);
            }
            names
        });
        let mut header = vec!["scenario"];
        header.extend(self.policies.iter().map(|p| p.policy.as_str()));
        let rows: Vec<Vec<String>> = scenarios
            .iter()
            .map(|&scenario| {
                let mut row = vec![scenario.to_string()];
                row.extend(self.policies.iter().map(|p| {
                    self.cells
                        .iter()
                        .find(|c| c.scenario == scenario && c.policy == p.policy)
                        .map_or("-".into(), |c| format!("{:.1}", c.rolled_back.rate * 100.0))
                }));
                row
            })
            .collect();
        out.push_str(&grid(&header, &rows));
        let errors: u64 = self.policies.iter().map(|p| p.errors).sum();
        if errors > 0 {
            let _ = writeln!(out, "\n{errors} rollouts ended with an error:");
            for cell in self.cells.iter().filter(|c| c.errors > 0) {
                let _ = writeln!(
                    out,
                    "  {} / {}: {} ({})",
                    cell.scenario,
                    cell.policy,
                    cell.errors,
                    cell.first_error.as_deref().unwrap_or("")
                );
            }
        }
        out
    }

    /// One CSV row per scenario and policy.
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "scenario,policy,null,rollouts,rolled_back,rolled_back_low,rolled_back_high,\
             promoted,promoted_low,promoted_high,inconclusive,errors,median_minutes,\
             p90_minutes,mean_canary_requests,blast_radius\n",
        );
        for c in &self.cells {
            let number = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
            let _ = writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                csv_field(&c.scenario),
                csv_field(&c.policy),
                c.null,
                c.rollouts,
                c.rolled_back.rate,
                c.rolled_back.low,
                c.rolled_back.high,
                c.promoted.rate,
                c.promoted.low,
                c.promoted.high,
                c.inconclusive.rate,
                c.errors,
                number(c.median_minutes),
                number(c.p90_minutes),
                c.mean_canary_requests,
                number(c.blast_radius),
            );
        }
        out
    }

    /// The report as JSON (NaN rates, of empty groups, are written `null`).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Decision ticks as seconds.
fn seconds(ticks: &BTreeMap<u64, u64>, tick_secs: u64) -> Durations {
    ticks
        .iter()
        .map(|(&tick, &count)| (tick * tick_secs, count))
        .collect()
}

/// The `q` quantile (the smallest duration with at least `q` of the rollouts at or below it),
/// in minutes.
fn minutes(durations: &Durations, q: f64) -> Option<f64> {
    let total: u64 = durations.values().sum();
    let rank = ((q * total as f64).ceil() as u64).max(1);
    let mut seen = 0;
    for (&secs, &count) in durations {
        seen += count;
        if seen >= rank {
            return Some(secs as f64 / 60.0);
        }
    }
    None
}

fn mean(sum: u64, count: u64) -> f64 {
    if count == 0 {
        f64::NAN
    } else {
        sum as f64 / count as f64
    }
}

fn optional(value: Option<f64>, decimals: usize) -> String {
    value.map_or("-".into(), |v| format!("{v:.decimals$}"))
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A left-aligned first column and right-aligned figures.
fn grid(header: &[&str], rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| -> String {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i == 0 {
                let _ = write!(text, "{cell:<w$}", w = widths[0]);
            } else {
                let _ = write!(text, "  {cell:>w$}", w = widths[i]);
            }
        }
        text.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    out.push_str(&line(rule.iter().map(String::as_str).collect()));
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_matches_the_closed_form() {
        // 5 of 100: scipy 1.17 `binomtest(5, 100).proportion_ci(method="wilson")` gives
        // 0.021544 .. 0.111750; for 0 of 50, 0 .. 0.071348.
        let rate = Rate::new(5, 100);
        assert!((rate.low - 0.021_543).abs() < 1e-5, "{rate:?}");
        assert!((rate.high - 0.111_750).abs() < 1e-5, "{rate:?}");
        let none = Rate::new(0, 50);
        assert_eq!(none.low, 0.0);
        assert!((none.high - 0.071_348).abs() < 1e-5, "{none:?}");
    }

    #[test]
    fn quantiles_of_durations_are_order_statistics() {
        let durations: Durations = [(60, 5), (120, 4), (600, 1)].into_iter().collect();
        assert_eq!(minutes(&durations, 0.5), Some(1.0));
        assert_eq!(minutes(&durations, 0.9), Some(2.0));
        assert_eq!(minutes(&Durations::new(), 0.5), None);
    }
}
