//! The state a judge keeps across looks when a rollout gate calls it tick by tick.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::classify::{judge_sequential, judge_snapshot, Level};
use super::data::MetricData;
use super::metric::{Looks, MetricConfig, Window};
use super::outcome::{MetricResult, Outcome};
use crate::error::Result;

/// What one metric remembers between looks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricState {
    /// An anytime-valid test fed tick by tick.
    Sequential(super::sequential::SequentialState),
    /// The data window of a fixed-sample test and the looks taken at it.
    Window {
        /// Ticks in the window (one merged entry for a growing window).
        ticks: VecDeque<MetricData>,
        /// Looks that ran the test so far.
        looks: u32,
    },
}

/// Per-metric state of a judge across looks. `Serialize + Deserialize`: persist it between
/// ticks and resume with the same decisions.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct JudgeState {
    /// State per metric name.
    pub metrics: BTreeMap<String, MetricState>,
}

impl MetricState {
    /// A fresh state for a metric.
    pub(crate) fn new(config: &MetricConfig, alpha: f64) -> Result<MetricState> {
        Ok(if config.is_sequential() {
            MetricState::Sequential(super::sequential::SequentialState::new(config, alpha)?)
        } else {
            MetricState::Window {
                ticks: VecDeque::new(),
                looks: 0,
            }
        })
    }

    /// Takes a tick's data (if any) and judges the metric on everything it holds.
    pub(crate) fn look(
        &mut self,
        config: &MetricConfig,
        data: Option<&MetricData>,
        level: Level,
    ) -> MetricResult {
        match self {
            MetricState::Sequential(state) => {
                if let Some(data) = data {
                    if let Err(error) = state.feed_checked(config, data) {
                        return super::classify::error_result(config, error);
                    }
                }
                judge_sequential(config, state, level)
            }
            MetricState::Window { ticks, looks } => {
                if let Some(data) = data {
                    let kept = super::classify::check_tick(config, data)
                        .and_then(|()| push(ticks, config.window, data));
                    if let Err(error) = kept {
                        return super::classify::error_result(config, error);
                    }
                }
                let merged = match merge(ticks) {
                    Ok(merged) => merged,
                    Err(error) => return super::classify::error_result(config, error),
                };
                let level = match config.looks {
                    Some(Looks::Bonferroni(budget)) if *looks >= budget => {
                        return super::classify::spent_result(config, budget);
                    }
                    Some(Looks::Bonferroni(budget)) => Level {
                        alpha: level.alpha / f64::from(budget),
                        ..level
                    },
                    _ => level,
                };
                let result = judge_snapshot(config, merged.as_ref(), level);
                if result.pvalue.is_some() && result.outcome != Outcome::Error {
                    *looks += 1;
                }
                result
            }
        }
    }
}

/// Adds a tick to the window: merged into one entry for a growing window, appended (and the
/// oldest dropped) for a sliding one.
fn push(ticks: &mut VecDeque<MetricData>, window: Window, data: &MetricData) -> Result<()> {
    match window {
        Window::Growing => match ticks.front_mut() {
            Some(all) => all.absorb(data)?,
            None => ticks.push_back(data.clone()),
        },
        Window::Sliding(n) => {
            if let Some(first) = ticks.front() {
                first.clone().absorb(data)?;
            }
            ticks.push_back(data.clone());
            while ticks.len() > n as usize {
                ticks.pop_front();
            }
        }
    }
    Ok(())
}

/// Everything in the window as one data set.
fn merge(ticks: &VecDeque<MetricData>) -> Result<Option<MetricData>> {
    let mut iter = ticks.iter();
    let Some(first) = iter.next() else {
        return Ok(None);
    };
    let mut merged = first.clone();
    for tick in iter {
        merged.absorb(tick)?;
    }
    Ok(Some(merged))
}
