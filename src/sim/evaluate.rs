//! Runs many rollouts per scenario and policy in parallel, and merges shards of a run.
//!
//! Rollout `i` of a scenario draws its random numbers from a seed made of the run's seed, the
//! scenario's name and `i` alone: not from the thread that runs it, nor from the policy, so
//! results do not depend on the thread count, every policy meets the same traffic at the
//! start of its rollouts (common random numbers), and any split of the rollouts into shards
//! merges back into exactly the run that was split.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::generate::Service;
use super::policy::Policy;
use super::rollout::run_rollout;
use super::scenario::ScenarioConfig;
use super::tally::Tally;
use crate::error::{Error, Result};

/// The version of [`Evaluation`]'s JSON.
pub const EVALUATION_VERSION: u32 = 1;

/// Rollouts a worker runs before it reports progress.
const CHUNK: u64 = 16;

/// What to run: every scenario with every policy, rollouts `rollouts` of each.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The scenarios.
    pub scenarios: Vec<ScenarioConfig>,
    /// The policies.
    pub policies: Vec<Policy>,
    /// The seed of the whole run.
    pub seed: u64,
    /// Which rollouts of each pair to run (a shard runs a part of `0..n`).
    pub rollouts: Range<u64>,
    /// Worker threads; default all cores.
    pub threads: Option<usize>,
}

/// A scenario as a report needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioInfo {
    /// Its name.
    pub name: String,
    /// What it shows.
    pub description: String,
    /// Its family, for power curves.
    pub family: Option<String>,
    /// Its regression size within the family.
    pub size: Option<f64>,
    /// Whether the canary is healthy (no regression injected).
    pub null: bool,
    /// Seconds per tick.
    pub tick_secs: u64,
    /// The most ticks a rollout may last.
    pub max_ticks: u64,
}

/// A policy as a report needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyInfo {
    /// Its name.
    pub name: String,
    /// What it is.
    pub description: String,
}

/// The outcomes of one scenario under one policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    /// The scenario's name.
    pub scenario: String,
    /// The policy's name.
    pub policy: String,
    /// The rollout numbers counted, as disjoint `[start, end)` ranges in order.
    pub rollouts: Vec<[u64; 2]>,
    /// The counts.
    pub tally: Tally,
}

/// The counts of a run or a shard: mergeable, serializable, the input of every report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// [`EVALUATION_VERSION`].
    pub version: u32,
    /// The run's seed.
    pub seed: u64,
    /// The scenarios, in plan order.
    pub scenarios: Vec<ScenarioInfo>,
    /// The policies, in plan order.
    pub policies: Vec<PolicyInfo>,
    /// One cell per scenario and policy, scenario-major.
    pub cells: Vec<Cell>,
}

impl Plan {
    /// Checks that every policy can judge every scenario and that names are unique.
    pub fn validate(&self) -> Result<()> {
        if self.scenarios.is_empty() || self.policies.is_empty() {
            return Err(Error::invalid(
                "plan",
                format!(
                    "{} scenarios, {} policies",
                    self.scenarios.len(),
                    self.policies.len()
                ),
                "a run needs at least one scenario and one policy",
            ));
        }
        if self.rollouts.is_empty() {
            return Err(Error::invalid(
                "rollouts",
                format!("{:?}", self.rollouts),
                "a run needs at least one rollout",
            ));
        }
        let names = |list: Vec<&str>, what: &str| -> Result<()> {
            for (i, name) in list.iter().enumerate() {
                if list[..i].contains(name) {
                    return Err(Error::InvalidConfig {
                        field: what.into(),
                        value: format!("{name:?}"),
                        reason: format!("{what} names must be unique"),
                    });
                }
            }
            Ok(())
        };
        names(
            self.scenarios.iter().map(|s| s.name.as_str()).collect(),
            "scenario",
        )?;
        names(self.policies.iter().map(|p| p.name()).collect(), "policy")?;
        for scenario in &self.scenarios {
            for policy in &self.policies {
                if let Some(reason) = policy.mismatch(scenario) {
                    return Err(Error::InvalidConfig {
                        field: "policies".into(),
                        value: format!("{:?}", policy.name()),
                        reason,
                    });
                }
            }
        }
        Ok(())
    }

    /// Rollouts the plan runs in all.
    pub fn total_rollouts(&self) -> u64 {
        let pairs = (self.scenarios.len() * self.policies.len()) as u64;
        pairs * (self.rollouts.end - self.rollouts.start)
    }

    /// Runs the plan. `progress` is called from worker threads with the rollouts done so far.
    pub fn run(&self, progress: &(dyn Fn(u64) + Sync)) -> Result<Evaluation> {
        self.validate()?;
        match self.threads {
            None => Ok(self.run_here(progress)),
            Some(threads) => {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .map_err(|e| Error::InvalidConfig {
                        field: "threads".into(),
                        value: threads.to_string(),
                        reason: format!("cannot start the worker threads: {e}"),
                    })?;
                Ok(pool.install(|| self.run_here(progress)))
            }
        }
    }

    fn run_here(&self, progress: &(dyn Fn(u64) + Sync)) -> Evaluation {
        let pairs: Vec<(usize, usize, Service)> = (0..self.scenarios.len())
            .flat_map(|s| (0..self.policies.len()).map(move |p| (s, p)))
            .map(|(s, p)| {
                let policy = &self.policies[p];
                let service = Service::new(
                    &self.scenarios[s],
                    &policy.metric_names(),
                    policy.uses_budget(),
                );
                (s, p, service)
            })
            .collect();
        let chunks: Vec<(usize, Range<u64>)> = (0..pairs.len())
            .flat_map(|pair| {
                let Range { start, end } = self.rollouts;
                (start..end)
                    .step_by(CHUNK as usize)
                    .map(move |first| (pair, first..(first + CHUNK).min(end)))
            })
            .collect();
        let done = AtomicU64::new(0);
        let tallies: Vec<(usize, Tally)> = chunks
            .into_par_iter()
            .map(|(pair, rollouts)| {
                let (s, p, service) = &pairs[pair];
                let scenario = &self.scenarios[*s];
                let key = scenario_key(self.seed, &scenario.name);
                let mut tally = Tally::default();
                let count = rollouts.end - rollouts.start;
                for rollout in rollouts {
                    let outcome = run_rollout(
                        service,
                        &self.policies[*p],
                        scenario.max_ticks(),
                        scenario.tick.as_secs(),
                        splitmix64(key.wrapping_add(rollout)),
                    );
                    tally.record(rollout, &outcome);
                }
                progress(done.fetch_add(count, Ordering::Relaxed) + count);
                (pair, tally)
            })
            .collect();
        let mut merged = vec![Tally::default(); pairs.len()];
        for (pair, tally) in &tallies {
            merged[*pair].merge(tally);
        }
        Evaluation {
            version: EVALUATION_VERSION,
            seed: self.seed,
            scenarios: self.scenarios.iter().map(ScenarioInfo::of).collect(),
            policies: self
                .policies
                .iter()
                .map(|p| PolicyInfo {
                    name: p.name().to_string(),
                    description: p.config().description.clone(),
                })
                .collect(),
            cells: pairs
                .iter()
                .zip(merged)
                .map(|((s, p, _), tally)| Cell {
                    scenario: self.scenarios[*s].name.clone(),
                    policy: self.policies[*p].name().to_string(),
                    rollouts: vec![[self.rollouts.start, self.rollouts.end]],
                    tally,
                })
                .collect(),
        }
    }
}

impl ScenarioInfo {
    fn of(scenario: &ScenarioConfig) -> ScenarioInfo {
        ScenarioInfo {
            name: scenario.name.clone(),
            description: scenario.description.clone(),
            family: scenario.family.clone(),
            size: scenario.size,
            null: scenario.is_null(),
            tick_secs: scenario.tick.as_secs(),
            max_ticks: scenario.max_ticks(),
        }
    }
}

impl Evaluation {
    /// Reads an evaluation written as JSON.
    pub fn from_json(text: &str) -> Result<Evaluation> {
        let evaluation: Evaluation = crate::config::from_json("evaluation (JSON)", text)?;
        if evaluation.version != EVALUATION_VERSION {
            return Err(Error::InvalidConfig {
                field: "version".into(),
                value: evaluation.version.to_string(),
                reason: format!("this build reads version {EVALUATION_VERSION}"),
            });
        }
        Ok(evaluation)
    }

    /// The evaluation as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Adds a shard of the same run (same seed): other scenarios, other policies, or other
    /// rollouts of the same pairs. Counting a rollout twice is an error.
    pub fn merge(&mut self, other: &Evaluation) -> Result<()> {
        if other.seed != self.seed {
            return Err(Error::InvalidConfig {
                field: "seed".into(),
                value: other.seed.to_string(),
                reason: format!(
                    "shards of one run share its seed ({}); results of other seeds do not merge",
                    self.seed
                ),
            });
        }
        for info in &other.scenarios {
            merge_info(&mut self.scenarios, info, |s| &s.name, "scenario")?;
        }
        for info in &other.policies {
            merge_info(&mut self.policies, info, |p| &p.name, "policy")?;
        }
        for cell in &other.cells {
            let found = self
                .cells
                .iter_mut()
                .find(|c| c.scenario == cell.scenario && c.policy == cell.policy);
            match found {
                None => self.cells.push(cell.clone()),
                Some(existing) => {
                    existing.rollouts = union(&existing.rollouts, &cell.rollouts).ok_or_else(|| {
                        Error::InvalidConfig {
                            field: "cells.rollouts".into(),
                            value: format!("{:?}", cell.rollouts),
                            reason: format!(
                                "scenario `{}` with policy `{}`: these rollouts were already counted ({:?})",
                                cell.scenario, cell.policy, existing.rollouts
                            ),
                        }
                    })?;
                    existing.tally.merge(&cell.tally);
                }
            }
        }
        let position = |names: &[&String], name: &String| names.iter().position(|n| *n == name);
        let scenarios: Vec<&String> = self.scenarios.iter().map(|s| &s.name).collect();
        let policies: Vec<&String> = self.policies.iter().map(|p| &p.name).collect();
        let mut order: Vec<(Option<usize>, Option<usize>, Cell)> = self
            .cells
            .drain(..)
            .map(|c| {
                (
                    position(&scenarios, &c.scenario),
                    position(&policies, &c.policy),
                    c,
                )
            })
            .collect();
        order.sort_by_key(|(s, p, _)| (*s, *p));
        self.cells = order.into_iter().map(|(_, _, c)| c).collect();
        Ok(())
    }

    /// The cell of `scenario` and `policy`, if the run has it.
    pub fn cell(&self, scenario: &str, policy: &str) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|c| c.scenario == scenario && c.policy == policy)
    }

    /// The scenario called `name`.
    pub fn scenario(&self, name: &str) -> Option<&ScenarioInfo> {
        self.scenarios.iter().find(|s| s.name == name)
    }
}

/// Adds `info` to `list` unless an equal entry is there; a different one of that name is an
/// error.
fn merge_info<T: Clone + PartialEq>(
    list: &mut Vec<T>,
    info: &T,
    name: impl Fn(&T) -> &String,
    what: &str,
) -> Result<()> {
    match list.iter().find(|i| name(i) == name(info)) {
        None => list.push(info.clone()),
        Some(existing) if existing == info => {}
        Some(_) => {
            return Err(Error::InvalidConfig {
                field: what.into(),
                value: format!("{:?}", name(info)),
                reason: format!("shards define {what} `{}` differently", name(info)),
            })
        }
    }
    Ok(())
}

/// The union of two sets of disjoint, sorted ranges, or `None` if they overlap.
fn union(a: &[[u64; 2]], b: &[[u64; 2]]) -> Option<Vec<[u64; 2]>> {
    let mut all: Vec<[u64; 2]> = a.iter().chain(b).copied().collect();
    all.sort_unstable();
    let mut merged: Vec<[u64; 2]> = Vec::with_capacity(all.len());
    for [start, end] in all {
        match merged.last_mut() {
            Some(last) if start < last[1] => return None,
            Some(last) if start == last[1] => last[1] = end,
            _ => merged.push([start, end]),
        }
    }
    Some(merged)
}

/// The scenario's share of the run's seed.
fn scenario_key(seed: u64, name: &str) -> u64 {
    // FNV-1a: stable across platforms and releases, unlike std's hasher.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    splitmix64(seed ^ splitmix64(hash))
}

/// SplitMix64's finalizer: spreads nearby inputs over the whole range.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::union;

    #[test]
    fn ranges_join_and_overlaps_are_refused() {
        assert_eq!(union(&[[0, 5]], &[[5, 9]]), Some(vec![[0, 9]]));
        assert_eq!(union(&[[5, 9]], &[[0, 2]]), Some(vec![[0, 2], [5, 9]]));
        assert_eq!(union(&[[0, 5]], &[[4, 9]]), None);
    }
}
