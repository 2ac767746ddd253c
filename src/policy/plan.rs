//! The rollout plan: traffic stages and what each needs before the next.

use serde::{Deserialize, Serialize};

use crate::span::Span;

/// One traffic stage of a rollout.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// The canary's share of traffic in percent, in (0, 100].
    pub weight: f64,
    /// Time at this stage before promotion; default none.
    #[serde(default)]
    pub min_soak: Span,
    /// Consecutive passing verdicts needed at this stage before promotion (Argo's
    /// `consecutiveSuccessLimit`); default 1.
    #[serde(default = "one")]
    pub min_passing_ticks: u32,
}

fn one() -> u32 {
    1
}

impl Stage {
    /// A stage at `weight` percent, promoted after one passing verdict.
    pub fn new(weight: f64) -> Stage {
        Stage {
            weight,
            min_soak: Span::default(),
            min_passing_ticks: 1,
        }
    }

    /// Sets the minimum soak time.
    pub fn min_soak(mut self, soak: Span) -> Stage {
        self.min_soak = soak;
        self
    }

    /// Sets the consecutive passing verdicts needed.
    pub fn min_passing_ticks(mut self, ticks: u32) -> Stage {
        self.min_passing_ticks = ticks;
        self
    }
}
