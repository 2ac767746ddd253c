//! One simulated rollout: the service's ticks fed to a policy's gate until it promotes, rolls
//! back or runs out of time.

use rand::rngs::SmallRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use super::generate::Service;
use super::policy::Policy;
use crate::judge::Observations;
use crate::policy::Action;

/// How a rollout ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ending {
    /// The gate finished the last stage: the release is out.
    Promoted,
    /// The gate rolled back.
    RolledBack,
    /// Neither within the scenario's duration.
    Inconclusive,
    /// The gate returned an error.
    Error,
}

/// What one rollout did.
#[derive(Debug, Clone, PartialEq)]
pub struct RolloutOutcome {
    /// How it ended.
    pub ending: Ending,
    /// Ticks simulated (up to the decision, or all of them).
    pub ticks: u64,
    /// Requests the canary served before the end.
    pub canary_requests: u64,
    /// Requests the canary served while a regression was active: the users a bad release
    /// reached before the decision.
    pub exposed_requests: u64,
    /// The gate's error, if it ended with one.
    pub error: Option<String>,
}

/// Runs one rollout of `policy` on `service` for at most `max_ticks` ticks.
pub(crate) fn run_rollout(
    service: &Service,
    policy: &Policy,
    max_ticks: u64,
    tick_secs: u64,
    seed: u64,
) -> RolloutOutcome {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut run = service.start(&mut rng);
    let gate = policy.gate();
    let stages = &gate.config().stages;
    let look_every = u64::from(policy.config().look_every);
    let mut state = gate.start();
    let mut pending: Option<Observations> = None;
    let mut outcome = RolloutOutcome {
        ending: Ending::Inconclusive,
        ticks: 0,
        canary_requests: 0,
        exposed_requests: 0,
        error: None,
    };
    for tick in 0..max_ticks {
        let weight = stages[state.stage].weight / 100.0;
        let (observations, served) = service.tick(&mut run, &mut rng, tick, weight);
        outcome.ticks = tick + 1;
        outcome.canary_requests += served.canary;
        if served.regressed {
            outcome.exposed_requests += served.canary;
        }
        let observations = match pending.take() {
            None => observations,
            Some(mut earlier) => match merge(&mut earlier, observations) {
                Ok(()) => earlier,
                Err(message) => return outcome.failed(message),
            },
        };
        if (tick + 1) % look_every != 0 {
            pending = Some(observations);
            continue;
        }
        match gate.step(&mut state, (tick + 1) * tick_secs, &observations) {
            Ok(report) => match report.action {
                Action::Finished => {
                    outcome.ending = Ending::Promoted;
                    return outcome;
                }
                Action::Rollback => {
                    outcome.ending = Ending::RolledBack;
                    return outcome;
                }
                Action::Promote | Action::Continue => {}
            },
            Err(error) => return outcome.failed(error.to_string()),
        }
    }
    outcome
}

impl RolloutOutcome {
    fn failed(mut self, message: String) -> RolloutOutcome {
        self.ending = Ending::Error;
        self.error = Some(message);
        self
    }
}

/// Adds a later tick's observations to earlier ones (for policies that look less often).
fn merge(earlier: &mut Observations, later: Observations) -> Result<(), String> {
    for (name, data) in later.metrics {
        match earlier.metrics.get_mut(&name) {
            Some(existing) => existing.absorb(&data).map_err(|e| e.to_string())?,
            None => {
                earlier.metrics.insert(name, data);
            }
        }
    }
    earlier.budget = later.budget.or(earlier.budget);
    Ok(())
}
