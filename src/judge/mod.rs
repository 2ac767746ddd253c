//! The multi-metric judge: many metrics in, one explained verdict out.
//!
//! A [`Judge`] is built from a [`JudgeConfig`] (JSON or TOML), checked once, then asked for a
//! [`Verdict`] on [`Observations`]: each metric is judged (pass, regression, improvement,
//! inconclusive, no data or error, with its statistic, p-value, effect, interval, counts and
//! a one-line reason), groups are scored, critical metrics veto, muted metrics are reported
//! only, the no-data rule and the error-budget gate apply, and the verdict says promote,
//! continue or roll back, with the reasons that drove it, most important first.
//!
//! ```
//! use canary_judge::judge::{Decision, Judge, MetricData, Observations, Outcome};
//!
//! let judge = Judge::from_toml(r#"
//!     [[metrics]]
//!     name = "latency"
//!     data = "samples"
//!     bad = "increase"
//!     tolerance = { relative = 0.02 }
//!
//!     [[metrics]]
//!     name = "errors"
//!     data = "counts"
//!     bad = "increase"
//!     critical = true
//! "#)?;
//! let baseline: Vec<f64> = (0..400).map(|i| 100.0 + (i % 40) as f64).collect();
//! let canary: Vec<f64> = baseline.iter().map(|v| v * 1.2).collect();
//! let observations = Observations::new()
//!     .with("latency", MetricData::Samples { baseline, canary })
//!     .with("errors", MetricData::Counts {
//!         baseline: canary_judge::judge::EventTotals { events: 20, total: 40_000 },
//!         canary: canary_judge::judge::EventTotals { events: 3, total: 4_000 },
//!     });
//! let verdict = judge.judge(&observations)?;
//! assert_eq!(verdict.metrics[0].outcome, Outcome::Regression);
//! assert_eq!(verdict.metrics[1].outcome, Outcome::Pass);
//! assert_eq!(verdict.decision, Decision::Rollback); // one of two metrics passes: score 50
//! println!("{}", verdict.metrics[0].reason);
//! # Ok::<(), canary_judge::Error>(())
//! ```

mod classify;
mod config;
mod data;
pub(crate) mod format;
mod kayenta;
mod metric;
mod note;
mod outcome;
mod score;
mod sequential;
mod stream;
mod verdict;

pub use config::{
    BudgetConfig, EmptyGroups, JudgeConfig, NoDataAction, NoDataRule, ScoreThresholds,
};
pub use data::{EventTotals, MetricData, Observations};
pub use metric::{
    Change, DataKind, Direction, KayentaRule, Looks, MetricConfig, MinSample, Outliers, Statistic,
    TestConfig, ThresholdRule, Tolerance, Window,
};
pub use outcome::{Effect, EffectMeasure, GroupSummary, MetricResult, Outcome};
pub use score::GroupScore;
pub use sequential::SequentialState;
pub use stream::{JudgeState, MetricState};
pub use verdict::{Decision, ScoreClass, Verdict, VERDICT_VERSION};

use std::collections::BTreeMap;

use crate::error::{Error, Result};
#[cfg(feature = "sim")]
pub(crate) use classify::histogram_quantile;
use classify::{judge_snapshot, Level};

/// A checked judge configuration, ready to judge observations.
#[derive(Debug, Clone, PartialEq)]
pub struct Judge {
    config: JudgeConfig,
    /// The groups' weights, derived from the configuration once rather than at every look.
    weights: BTreeMap<String, f64>,
    explain: bool,
}

impl Judge {
    /// A judge for `config`, or the first problem with it.
    pub fn new(config: JudgeConfig) -> Result<Judge> {
        config.validate()?;
        Ok(Judge {
            weights: config.group_weights()?,
            config,
            explain: true,
        })
    }

    /// The same judge for callers that read only decisions and numbers (a simulator running
    /// millions of looks): it skips writing the one-line reasons, which are then empty
    /// (except for metrics in error). Every decision, outcome and number stays the same.
    pub fn without_reasons(mut self) -> Judge {
        self.explain = false;
        self
    }

    /// Reads and checks a JSON configuration.
    pub fn from_json(text: &str) -> Result<Judge> {
        Judge::new(crate::config::from_json(
            "judge configuration (JSON)",
            text,
        )?)
    }

    /// Reads and checks a TOML configuration.
    pub fn from_toml(text: &str) -> Result<Judge> {
        Judge::new(crate::config::from_toml(
            "judge configuration (TOML)",
            text,
        )?)
    }

    /// The configuration.
    pub fn config(&self) -> &JudgeConfig {
        &self.config
    }

    fn level(&self) -> Level {
        Level {
            alpha: 1.0 - self.config.confidence,
            confidence: self.config.confidence,
            explain: self.explain,
        }
    }

    /// Judges one look at all the data: fixed-sample tests on it, sequential tests fed it
    /// once. Fails only when the observations name a metric the configuration lacks;
    /// problems with one metric's data make that metric's result an error.
    pub fn judge(&self, observations: &Observations) -> Result<Verdict> {
        self.check_names(observations)?;
        let metrics = self
            .config
            .metrics
            .iter()
            .map(|m| {
                let data = observations.metrics.get(&m.name);
                // A metric without data is reported as such, whatever its test.
                if m.is_sequential() && data.is_some() {
                    MetricState::new(m, self.level().alpha)
                        .map(|mut state| state.look(m, data, self.level()))
                        .unwrap_or_else(|e| classify::error_result(m, e))
                } else {
                    judge_snapshot(m, data, self.level())
                }
            })
            .collect();
        Ok(verdict::decide(
            &self.config,
            &self.weights,
            metrics,
            observations.budget,
            self.explain,
        ))
    }

    /// A fresh state for judging tick by tick with [`Judge::judge_tick`].
    pub fn new_state(&self) -> Result<JudgeState> {
        let metrics = self
            .config
            .metrics
            .iter()
            .map(|m| Ok((m.name.clone(), MetricState::new(m, self.level().alpha)?)))
            .collect::<Result<_>>()?;
        Ok(JudgeState { metrics })
    }

    /// Adds one tick's observations to `state` and judges everything seen: sequential tests
    /// accumulate, fixed-sample tests are re-run on their window (see [`Looks`]).
    pub fn judge_tick(
        &self,
        state: &mut JudgeState,
        observations: &Observations,
    ) -> Result<Verdict> {
        self.check_names(observations)?;
        let mut metrics = Vec::with_capacity(self.config.metrics.len());
        for m in &self.config.metrics {
            let slot = match state.metrics.entry(m.name.clone()) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(MetricState::new(m, self.level().alpha)?)
                }
            };
            metrics.push(slot.look(m, observations.metrics.get(&m.name), self.level()));
        }
        Ok(verdict::decide(
            &self.config,
            &self.weights,
            metrics,
            observations.budget,
            self.explain,
        ))
    }

    fn check_names(&self, observations: &Observations) -> Result<()> {
        for name in observations.metrics.keys() {
            if !self.config.metrics.iter().any(|m| &m.name == name) {
                let defined: Vec<&str> = self
                    .config
                    .metrics
                    .iter()
                    .map(|m| m.name.as_str())
                    .collect();
                return Err(Error::UnknownMetric {
                    name: name.clone(),
                    defined: defined.join(", "),
                });
            }
        }
        Ok(())
    }
}
