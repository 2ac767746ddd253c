//! Counters with the semantics deployment tools already use (Argo Rollouts, Flagger).

use std::num::NonZeroU64;

use serde::{Deserialize, Serialize};

use super::{NoDataPolicy, Signal, Smoother, Tick};
use crate::error::Result;

/// Which ticks a [`Counter`] counts, what resets it, and when it trips.
///
/// Argo Rollouts' limits are *allowances*: `failureLimit: 3` tolerates three failures and
/// fails on the fourth (`failed > limit`, `analysis_types.go`; its feature docs say "after
/// three", the code needs a fourth). Flagger's `threshold` is a *trip count*: rollback when
/// `failedChecks >= threshold`. Each variant keeps its origin's comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CounterRule {
    /// Argo Rollouts `failureLimit` (default 0): [`Signal::Fail`] when the total number of
    /// failed ticks exceeds `limit`. Never reset. Argo's `-1` (disabled) is simply not
    /// configuring this counter.
    FailureLimit {
        /// Failures tolerated.
        limit: u64,
    },
    /// Argo Rollouts `inconclusiveLimit` (default 0): [`Signal::Inconclusive`] when the total
    /// number of inconclusive ticks exceeds `limit`. Never reset.
    InconclusiveLimit {
        /// Inconclusive ticks tolerated.
        limit: u64,
    },
    /// Argo Rollouts `consecutiveErrorLimit` (default 4): [`Signal::Error`] when the number of
    /// errors in a row exceeds `limit`. Any other counted tick resets the run.
    ConsecutiveErrorLimit {
        /// Errors in a row tolerated.
        limit: u64,
    },
    /// Argo Rollouts `consecutiveSuccessLimit` (v1.8+; 0 means off there, so here it is at
    /// least 1): [`Signal::Succeed`] when `limit` passes in a row are reached. A failure, an
    /// inconclusive tick or an error resets the run.
    ConsecutiveSuccessLimit {
        /// Passes in a row needed.
        limit: NonZeroU64,
    },
    /// The consecutive failure rule users ask for (argo-rollouts#4792, "fail after N
    /// consecutive failures"): [`Signal::Fail`] when `count` failures in a row are reached, so
    /// that one flaky tick does not roll back. A pass, an inconclusive tick or an error resets
    /// the run (as every non-success resets Argo's consecutive successes).
    ConsecutiveFailures {
        /// Failures in a row that trip the counter.
        count: NonZeroU64,
    },
    /// Flagger's `threshold` (default 1): [`Signal::Fail`] (rollback) when the cumulative
    /// number of failed checks reaches `threshold`. Never reset within a run; a failed query
    /// ([`Tick::Error`]) is a failed check too, as in Flagger.
    FailedChecksThreshold {
        /// Failed checks that trip the counter.
        threshold: NonZeroU64,
    },
}

/// What one tick does to a counter.
enum Step {
    Count,
    Reset,
    Nothing,
}

impl CounterRule {
    fn step(&self, tick: Tick) -> Step {
        use CounterRule::*;
        match (self, tick) {
            (FailureLimit { .. }, Tick::Fail)
            | (InconclusiveLimit { .. }, Tick::Inconclusive)
            | (ConsecutiveErrorLimit { .. }, Tick::Error)
            | (ConsecutiveSuccessLimit { .. }, Tick::Pass)
            | (ConsecutiveFailures { .. }, Tick::Fail)
            | (FailedChecksThreshold { .. }, Tick::Fail | Tick::Error) => Step::Count,
            (ConsecutiveErrorLimit { .. }, _)
            | (ConsecutiveSuccessLimit { .. }, _)
            | (ConsecutiveFailures { .. }, _) => Step::Reset,
            (FailureLimit { .. } | InconclusiveLimit { .. } | FailedChecksThreshold { .. }, _) => {
                Step::Nothing
            }
        }
    }

    /// Whether `count` trips the counter.
    fn trips(&self, count: u64) -> bool {
        use CounterRule::*;
        match *self {
            FailureLimit { limit }
            | InconclusiveLimit { limit }
            | ConsecutiveErrorLimit { limit } => count > limit,
            ConsecutiveSuccessLimit { limit: n }
            | ConsecutiveFailures { count: n }
            | FailedChecksThreshold { threshold: n } => count >= n.get(),
        }
    }

    /// The signal the counter gives once tripped.
    pub fn signal(&self) -> Signal {
        use CounterRule::*;
        match self {
            FailureLimit { .. } | ConsecutiveFailures { .. } | FailedChecksThreshold { .. } => {
                Signal::Fail
            }
            InconclusiveLimit { .. } => Signal::Inconclusive,
            ConsecutiveErrorLimit { .. } => Signal::Error,
            ConsecutiveSuccessLimit { .. } => Signal::Succeed,
        }
    }
}

impl std::fmt::Display for CounterRule {
    /// The rule in the words of the tool it comes from, for example `failureLimit 3`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use CounterRule::*;
        match self {
            FailureLimit { limit } => {
                write!(
                    f,
                    "failureLimit {limit} (fails on failure {})",
                    limit.saturating_add(1)
                )
            }
            InconclusiveLimit { limit } => write!(f, "inconclusiveLimit {limit}"),
            ConsecutiveErrorLimit { limit } => write!(f, "consecutiveErrorLimit {limit}"),
            ConsecutiveSuccessLimit { limit } => write!(f, "consecutiveSuccessLimit {limit}"),
            ConsecutiveFailures { count } => write!(f, "{count} consecutive failures"),
            FailedChecksThreshold { threshold } => write!(f, "failed-checks threshold {threshold}"),
        }
    }
}

/// A counter over ticks that trips once its [`CounterRule`] says so, and then stays tripped
/// (the analysis is over, as in Argo and Flagger).
///
/// A [`Tick::NoData`] is skipped unless [`NoDataPolicy::CountAsFailure`] is asked for, in
/// which case it is a [`Tick::Fail`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counter {
    rule: CounterRule,
    no_data: NoDataPolicy,
    count: u64,
    tripped: bool,
}

impl Counter {
    /// A fresh counter; no-data ticks are skipped.
    pub fn new(rule: CounterRule) -> Counter {
        Counter {
            rule,
            no_data: NoDataPolicy::Skip,
            count: 0,
            tripped: false,
        }
    }

    /// Sets what a no-data tick counts as.
    pub fn no_data(mut self, policy: NoDataPolicy) -> Counter {
        self.no_data = policy;
        self
    }

    /// The current count (total or in a row, depending on the rule).
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The rule.
    pub fn rule(&self) -> CounterRule {
        self.rule
    }

    /// What the counter says now, without a new tick.
    pub fn signal(&self) -> Signal {
        if self.tripped {
            self.rule.signal()
        } else {
            Signal::Continue
        }
    }
}

impl Smoother for Counter {
    type Input = Tick;
    type Output = Signal;

    fn update(&mut self, tick: Tick) -> Result<Signal> {
        if self.tripped {
            return Ok(self.signal());
        }
        let tick = match (tick, self.no_data) {
            (Tick::NoData, NoDataPolicy::Skip) => return Ok(Signal::Continue),
            (Tick::NoData, NoDataPolicy::CountAsFailure) => Tick::Fail,
            (tick, _) => tick,
        };
        match self.rule.step(tick) {
            Step::Count => self.count = self.count.saturating_add(1),
            Step::Reset => self.count = 0,
            Step::Nothing => {}
        }
        self.tripped = self.rule.trips(self.count);
        Ok(self.signal())
    }
}
