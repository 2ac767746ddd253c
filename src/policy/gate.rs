//! The stateful gate that drives a rollout tick by tick.

use serde::{Deserialize, Serialize};

use super::plan::Stage;
use crate::error::{Error, Result};
use crate::judge::format::Reasons;
use crate::judge::{
    Decision, Judge, JudgeConfig, JudgeState, Observations, Outcome, TestConfig, Verdict,
};
use crate::rules::smoothing::{Counter, CounterRule, NoDataPolicy, Signal, Smoother, Tick};
use crate::span::Span;

/// Everything a gate needs: the plan, the rollback rules and the judge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateConfig {
    /// The stages, by increasing weight; the last is usually 100.
    pub stages: Vec<Stage>,
    /// When failing verdicts roll back: any tripped rule does. Default: the first failing
    /// verdict (Flagger's `threshold: 1`). Use `failure_limit` for Argo's allowance,
    /// `consecutive_failures` against flaky metrics.
    #[serde(default = "default_rollback")]
    pub rollback: Vec<CounterRule>,
    /// What a tick whose metrics all lack data counts as for the rollback rules: skipped
    /// (default; a quiet canary is not a bad one) or a failure (Flagger's "no values found").
    #[serde(default)]
    pub no_data: NoDataPolicy,
    /// The judge run at every tick.
    pub judge: JudgeConfig,
}

fn default_rollback() -> Vec<CounterRule> {
    vec![CounterRule::FailedChecksThreshold {
        threshold: std::num::NonZeroU64::MIN,
    }]
}

/// What the controller should do after a tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Move to the next stage's weight.
    Promote,
    /// Hold the current weight and tick again.
    Continue,
    /// Send all traffic back to the baseline.
    Rollback,
    /// The last stage passed: the rollout is complete.
    Finished,
}

/// Where a rollout stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// In progress.
    #[default]
    Running,
    /// Rolled back.
    RolledBack,
    /// Completed.
    Finished,
}

/// A rollout's state. `Serialize + Deserialize`: persist it after every tick; a controller
/// that restarts and reloads it makes the same decisions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GateState {
    /// Index of the current stage.
    pub stage: usize,
    /// Where the rollout stands.
    pub status: Status,
    /// Ticks so far.
    pub ticks: u64,
    /// Time (seconds, the controller's clock) of the last tick.
    pub last_time: Option<u64>,
    /// Time the current stage started.
    pub stage_started: Option<u64>,
    /// Consecutive passing verdicts at the current stage.
    pub consecutive_passes: u32,
    /// The rollback counters, one per rule.
    pub counters: Vec<Counter>,
    /// The judge's per-metric state.
    pub judge: JudgeState,
}

impl GateState {
    /// Whether the rollout completed.
    pub fn is_finished(&self) -> bool {
        self.status == Status::Finished
    }

    /// Whether the rollout was rolled back.
    pub fn is_rolled_back(&self) -> bool {
        self.status == Status::RolledBack
    }

    /// The state as JSON, floats written so that they read back bit for bit.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a state written by [`GateState::to_json`].
    pub fn from_json(text: &str) -> Result<GateState> {
        crate::config::from_json("gate state (JSON)", text)
    }
}

/// What a tick decided, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateReport {
    /// The action.
    pub action: Action,
    /// The stage after the action (index).
    pub stage: usize,
    /// The canary's traffic weight after the action, in percent (0 after a rollback).
    pub weight: f64,
    /// The tick's number, from 1.
    pub tick: u64,
    /// Why, most important first.
    pub reasons: Vec<String>,
    /// The judge's verdict at this tick.
    pub verdict: Verdict,
}

/// A checked rollout gate.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    config: GateConfig,
    judge: Judge,
    explain: bool,
}

impl Gate {
    /// A gate for `config`, or the first problem with it.
    pub fn new(config: GateConfig) -> Result<Gate> {
        // The judge names its fields from its own root; in a gate they sit under `judge`.
        let judge = Judge::new(config.judge.clone()).map_err(|e| match e {
            Error::InvalidConfig {
                field,
                value,
                reason,
            } => Error::InvalidConfig {
                field: format!("judge.{field}"),
                value,
                reason,
            },
            other => other,
        })?;
        validate(&config)?;
        Ok(Gate {
            config,
            judge,
            explain: true,
        })
    }

    /// The same gate for callers that read only actions and numbers (the policy simulator):
    /// reports come without reason lines, and so do their verdicts (see
    /// [`Judge::without_reasons`]). Every action and state stays the same.
    pub fn without_reasons(mut self) -> Gate {
        self.judge = self.judge.without_reasons();
        self.explain = false;
        self
    }

    /// Reads and checks a JSON configuration.
    pub fn from_json(text: &str) -> Result<Gate> {
        Gate::new(crate::config::from_json("gate configuration (JSON)", text)?)
    }

    /// Reads and checks a TOML configuration.
    pub fn from_toml(text: &str) -> Result<Gate> {
        Gate::new(crate::config::from_toml("gate configuration (TOML)", text)?)
    }

    /// The configuration.
    pub fn config(&self) -> &GateConfig {
        &self.config
    }

    /// The state of a rollout that has not started.
    pub fn start(&self) -> GateState {
        GateState {
            stage: 0,
            status: Status::Running,
            ticks: 0,
            last_time: None,
            stage_started: None,
            consecutive_passes: 0,
            counters: self
                .config
                .rollback
                .iter()
                .map(|&rule| Counter::new(rule).no_data(self.config.no_data))
                .collect(),
            judge: self.judge.new_state().unwrap_or_default(),
        }
    }

    /// One tick at time `now` (seconds on the controller's clock, never decreasing) with the
    /// observations since the last tick.
    pub fn step(
        &self,
        state: &mut GateState,
        now: u64,
        observations: &Observations,
    ) -> Result<GateReport> {
        if state.status != Status::Running {
            return Err(Error::invalid(
                "state.status",
                if state.is_finished() {
                    "finished"
                } else {
                    "rolled_back"
                },
                "the rollout is over; start a new state for the next one",
            ));
        }
        if state.stage >= self.config.stages.len()
            || state.counters.len() != self.config.rollback.len()
        {
            return Err(Error::invalid(
                "state",
                state.stage,
                "the state does not belong to this gate's configuration",
            ));
        }
        if let Some(last) = state.last_time.filter(|&last| now < last) {
            return Err(Error::invalid(
                "now",
                now,
                if last > 0 {
                    "time must not go backwards between ticks"
                } else {
                    "time must not go backwards"
                },
            ));
        }
        let verdict = self.judge.judge_tick(&mut state.judge, observations)?;
        state.ticks += 1;
        state.last_time = Some(now);
        let started = *state.stage_started.get_or_insert(now);
        let mut reasons = Reasons::new(self.explain);

        let tick = tick_of(&verdict);
        let mut tripped = None;
        for counter in &mut state.counters {
            let signal = counter.update(tick)?;
            if matches!(signal, Signal::Fail | Signal::Error) && tripped.is_none() {
                tripped = Some((counter.rule(), counter.count()));
            }
        }
        let action = if let Some((rule, count)) = tripped {
            state.status = Status::RolledBack;
            reasons.push(|| format!("rollback rule tripped: {rule} (count {count})"));
            Action::Rollback
        } else if verdict.decision == Decision::Promote {
            state.consecutive_passes += 1;
            self.promotion(state, now, started, &mut reasons)
        } else {
            state.consecutive_passes = 0;
            if verdict.decision == Decision::Rollback {
                reasons.push(|| {
                    "failing verdict, within the rollback rules' allowance: holding".into()
                });
            }
            Action::Continue
        };
        reasons.extend(&verdict.reasons);
        let weight = match state.status {
            Status::RolledBack => 0.0,
            _ => self.config.stages[state.stage].weight,
        };
        Ok(GateReport {
            action,
            stage: state.stage,
            weight,
            tick: state.ticks,
            reasons: reasons.into_lines(),
            verdict,
        })
    }

    /// Promotes when the stage has soaked and passed often enough in a row.
    fn promotion(
        &self,
        state: &mut GateState,
        now: u64,
        started: u64,
        reasons: &mut Reasons,
    ) -> Action {
        let stage = self.config.stages[state.stage];
        // A state edited by hand may start the stage after `now`: no soak yet, no underflow.
        let soaked = now.saturating_sub(started);
        if soaked < stage.min_soak.as_secs() {
            reasons.push(|| {
                format!(
                    "passing; soaking at {}%: {} of {}",
                    stage.weight,
                    Span::from_secs(soaked),
                    stage.min_soak
                )
            });
            return Action::Continue;
        }
        if state.consecutive_passes < stage.min_passing_ticks {
            reasons.push(|| {
                format!(
                    "passing; {} of {} passing ticks in a row",
                    state.consecutive_passes, stage.min_passing_ticks
                )
            });
            return Action::Continue;
        }
        if state.stage + 1 == self.config.stages.len() {
            state.status = Status::Finished;
            reasons.push(|| format!("last stage ({}%) passed: rollout finished", stage.weight));
            return Action::Finished;
        }
        state.stage += 1;
        state.stage_started = Some(now);
        state.consecutive_passes = 0;
        reasons.push(|| {
            format!(
                "stage {}% passed: promote to {}%",
                stage.weight, self.config.stages[state.stage].weight
            )
        });
        Action::Promote
    }
}

/// The verdict as a tick of the rollback counters.
fn tick_of(verdict: &Verdict) -> Tick {
    let unmuted = || verdict.metrics.iter().filter(|m| !m.muted);
    match verdict.decision {
        Decision::Rollback => Tick::Fail,
        Decision::Promote => Tick::Pass,
        Decision::Continue if unmuted().all(|m| m.outcome == Outcome::NoData) => Tick::NoData,
        Decision::Continue if unmuted().any(|m| m.outcome == Outcome::Error) => Tick::Error,
        Decision::Continue => Tick::Inconclusive,
    }
}

fn invalid(field: impl Into<String>, value: impl ToString, reason: impl Into<String>) -> Error {
    Error::InvalidConfig {
        field: field.into(),
        value: value.to_string(),
        reason: reason.into(),
    }
}

/// The settings a gate adds to its judge's.
fn validate(config: &GateConfig) -> Result<()> {
    if config.stages.is_empty() {
        return Err(invalid("stages", "[]", "configure at least one stage"));
    }
    let mut previous = 0.0;
    for (i, stage) in config.stages.iter().enumerate() {
        if !(stage.weight > previous && stage.weight <= 100.0) {
            return Err(invalid(
                format!("stages[{i}].weight"),
                stage.weight,
                "weights must increase from stage to stage, within (0, 100]",
            ));
        }
        if stage.min_passing_ticks == 0 {
            return Err(invalid(
                format!("stages[{i}].min_passing_ticks"),
                0,
                "must be at least 1",
            ));
        }
        previous = stage.weight;
    }
    for (i, rule) in config.rollback.iter().enumerate() {
        if matches!(
            rule,
            CounterRule::ConsecutiveSuccessLimit { .. } | CounterRule::InconclusiveLimit { .. }
        ) {
            return Err(invalid(
                format!("rollback[{i}]"),
                format!("{rule:?}"),
                "rollback rules count failures or errors; set consecutive passes with stages[].min_passing_ticks",
            ));
        }
    }
    for (i, metric) in config.judge.metrics.iter().enumerate() {
        let repeated_test =
            !metric.is_sequential() && !matches!(metric.test(), TestConfig::Threshold(_));
        if repeated_test && metric.looks.is_none() {
            return Err(invalid(
                format!("judge.metrics[{i}].looks"),
                "unset",
                format!(
                    "metric `{}` uses a fixed-sample test, which a gate re-runs at every tick: set `looks = {{ bonferroni = N }}` \
                     to keep the error rate over N looks, `looks = \"unadjusted\"` to accept the inflation, or use a sequential test",
                    metric.name
                ),
            ));
        }
    }
    Ok(())
}
