//! Counts of rollout outcomes for one scenario and policy. Only counts and sums, so shards of
//! a run merge exactly, in any order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rollout::{Ending, RolloutOutcome};

/// The outcomes of a set of rollouts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tally {
    /// Rollouts run.
    pub rollouts: u64,
    /// Rollouts promoted to the end.
    pub promoted: u64,
    /// Rollouts rolled back.
    pub rolled_back: u64,
    /// Rollouts that reached the scenario's duration undecided.
    pub inconclusive: u64,
    /// Rollouts whose gate returned an error.
    pub errors: u64,
    /// Ticks simulated, in all.
    pub ticks: u64,
    /// Decided rollouts (promoted or rolled back) by the tick of their decision.
    pub decision_ticks: BTreeMap<u64, u64>,
    /// Rolled-back rollouts by the tick of their rollback.
    pub rollback_ticks: BTreeMap<u64, u64>,
    /// Requests the canaries served before their rollouts ended, in all.
    pub canary_requests: u64,
    /// Requests canaries served while a regression was active, before their rollouts ended.
    pub exposed_requests: u64,
    /// Of those, the ones served by rollouts that were rolled back: the blast radius of
    /// caught regressions.
    pub exposed_before_rollback: u64,
    /// The first error, by rollout number, if any rollout failed: (rollout, message).
    pub first_error: Option<(u64, String)>,
}

impl Tally {
    /// Counts the outcome of rollout number `rollout`.
    pub fn record(&mut self, rollout: u64, outcome: &RolloutOutcome) {
        self.rollouts += 1;
        self.ticks += outcome.ticks;
        self.canary_requests = self.canary_requests.saturating_add(outcome.canary_requests);
        self.exposed_requests = self
            .exposed_requests
            .saturating_add(outcome.exposed_requests);
        match outcome.ending {
            Ending::Promoted => self.promoted += 1,
            Ending::RolledBack => {
                self.rolled_back += 1;
                *self.rollback_ticks.entry(outcome.ticks).or_default() += 1;
                self.exposed_before_rollback = self
                    .exposed_before_rollback
                    .saturating_add(outcome.exposed_requests);
            }
            Ending::Inconclusive => self.inconclusive += 1,
            Ending::Error => {
                self.errors += 1;
                let message = outcome.error.clone().unwrap_or_default();
                self.note_error(rollout, message);
            }
        }
        if matches!(outcome.ending, Ending::Promoted | Ending::RolledBack) {
            *self.decision_ticks.entry(outcome.ticks).or_default() += 1;
        }
    }

    /// Adds another tally of other rollouts.
    pub fn merge(&mut self, other: &Tally) {
        self.rollouts += other.rollouts;
        self.promoted += other.promoted;
        self.rolled_back += other.rolled_back;
        self.inconclusive += other.inconclusive;
        self.errors += other.errors;
        self.ticks += other.ticks;
        for (into, from) in [
            (&mut self.decision_ticks, &other.decision_ticks),
            (&mut self.rollback_ticks, &other.rollback_ticks),
        ] {
            for (&tick, &count) in from {
                *into.entry(tick).or_default() += count;
            }
        }
        self.canary_requests = self.canary_requests.saturating_add(other.canary_requests);
        self.exposed_requests = self.exposed_requests.saturating_add(other.exposed_requests);
        self.exposed_before_rollback = self
            .exposed_before_rollback
            .saturating_add(other.exposed_before_rollback);
        if let Some((rollout, message)) = &other.first_error {
            self.note_error(*rollout, message.clone());
        }
    }

    fn note_error(&mut self, rollout: u64, message: String) {
        if self.first_error.as_ref().is_none_or(|(r, _)| rollout < *r) {
            self.first_error = Some((rollout, message));
        }
    }
}
