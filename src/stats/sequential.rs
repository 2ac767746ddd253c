//! The interface shared by every sequential test: streaming updates, a decision at any look.
//!
//! A controller looks at its metrics every tick. A fixed-sample test re-run at every look
//! loses its error guarantee; the tests behind this trait keep it however often they are
//! looked at, because their statistic is a likelihood ratio or an e-process `E_t` with
//! `P_H0(sup_t E_t >= 1/alpha) <= alpha` (Ville's inequality).

use serde::{Deserialize, Serialize};

use crate::error::Result;

/// What a sequential test concludes at the current look.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SequentialDecision {
    /// Not enough evidence either way yet: keep watching.
    #[default]
    Continue,
    /// The null hypothesis is rejected: the canary is worse (or different).
    Reject,
    /// The null hypothesis is accepted, for tests with an acceptance region (Wald's SPRT).
    Accept,
}

/// An interval `[low, high]` for a parameter, valid at every look simultaneously when it comes
/// from a confidence sequence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// A streaming test with an error guarantee at every look.
///
/// Implementors are `Clone + Debug + Serialize + Deserialize`, so a controller can persist the
/// state between ticks and resume with identical decisions. Rules layered on top (a minimum
/// sample, a burn-in, k consecutive rejections) only ever shrink the rejection event, so they
/// keep the guarantee; they cost time, not validity.
pub trait SequentialTest {
    /// One observation, or one tick's batch (for example counts per arm).
    type Observation;

    /// Feeds an observation and returns the decision after it. Once the decision is
    /// `Reject` or `Accept` it no longer changes; later observations are still counted.
    fn update(&mut self, observation: Self::Observation) -> Result<SequentialDecision>;

    /// The current decision.
    fn decision(&self) -> SequentialDecision;

    /// The natural log of the current statistic (log likelihood ratio or log e-value).
    fn log_statistic(&self) -> f64;

    /// The always-valid p-value: `min(1, 1 / max_s E_s)`, never increasing.
    fn pvalue(&self) -> f64;

    /// A confidence interval (from a confidence sequence) for the tested parameter, where the
    /// method has one.
    fn interval(&self) -> Option<Interval> {
        None
    }

    /// The number of observations (events, requests) seen so far.
    fn observations(&self) -> u64;
}
