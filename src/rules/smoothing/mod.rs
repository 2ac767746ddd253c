//! State machines that smooth a stream of per-tick results into a steady decision.
//!
//! Each machine implements [`Smoother`]: feed it one tick at a time with
//! [`Smoother::update`]. Every machine is `Clone + Debug + Serialize + Deserialize`, so a
//! controller can persist it between ticks and resume with identical decisions. (With
//! `serde_json`, enable its `float_roundtrip` feature so that floats in the state, such as an
//! EWMA, read back bit for bit.)
//!
//! | machine | input per tick | output | origin |
//! |---|---|---|---|
//! | [`Ewma`] | a value (or none) | the smoothed value | exponentially weighted moving average |
//! | [`RollingWindow`] | a value (or none) | mean, median or quantile of the last n values | moving statistics |
//! | [`Counter`] | a [`Tick`] | a [`Signal`] once the limit is hit | Argo Rollouts' limits, Flagger's `threshold` |
//! | [`Vote`] | breached or not (or no data) | [`Level`]: breached when k of the last n ticks were | k-of-n alerting |
//! | [`Hysteresis`] | a value (or none) | [`Level`], with separate enter and exit thresholds | thermostat-style hysteresis |
//!
//! ```
//! use canary_judge::rules::smoothing::{Counter, CounterRule, Signal, Smoother, Tick};
//!
//! // Argo Rollouts' `failureLimit: 2`: the metric fails on the third failed measurement.
//! let mut counter = Counter::new(CounterRule::FailureLimit { limit: 2 });
//! let ticks = [Tick::Fail, Tick::Pass, Tick::NoData, Tick::Fail, Tick::Fail];
//! let signals: Vec<Signal> = ticks.iter().map(|&t| counter.update(t)).collect::<Result<_, _>>()?;
//! assert_eq!(signals.last(), Some(&Signal::Fail));
//! assert!(signals[..4].iter().all(|s| *s == Signal::Continue));
//! # Ok::<(), canary_judge::Error>(())
//! ```

mod counters;
mod ewma;
mod hysteresis;
mod vote;
mod window;

use serde::{Deserialize, Serialize};

use crate::error::Result;

pub use counters::{Counter, CounterRule};
pub use ewma::Ewma;
pub use hysteresis::Hysteresis;
pub use vote::Vote;
pub use window::{RollingWindow, WindowStatistic};

/// A state machine fed one tick at a time.
pub trait Smoother {
    /// What one tick brings.
    type Input;
    /// What the machine says after the tick.
    type Output;

    /// Takes one tick and returns the decision so far. On an error (an invalid input such as
    /// NaN) the state is unchanged.
    fn update(&mut self, input: Self::Input) -> Result<Self::Output>;
}

/// The outcome of one measurement, in Argo Rollouts' vocabulary plus "no data".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tick {
    /// The check passed.
    Pass,
    /// The check failed.
    Fail,
    /// The check could not decide (Argo: neither success nor failure condition held).
    Inconclusive,
    /// The measurement itself failed (query error, provider error).
    Error,
    /// The measurement returned nothing (no traffic, empty or NaN query result).
    NoData,
}

/// What a counter says after a tick. Once a counter has tripped it keeps its signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// No limit reached: keep measuring.
    Continue,
    /// A failure limit was reached: roll back.
    Fail,
    /// The inconclusive limit was reached: pause for a person (Argo's reaction).
    Inconclusive,
    /// The error limit was reached: abort (Argo treats it like a failure).
    Error,
    /// Enough consecutive successes: succeed early.
    Succeed,
}

/// Whether a smoothed condition currently holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The condition does not hold.
    #[default]
    Clear,
    /// The condition holds.
    Breached,
}

/// What a tick without data counts as.
///
/// The default skips it: a quiet interval is not evidence of a bad canary (flagger#1501,
/// argo-rollouts#1905). Flagger counts "no values found" as a failed check; choose
/// `CountAsFailure` to reproduce that.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoDataPolicy {
    /// The tick changes nothing: no count, no reset.
    #[default]
    Skip,
    /// The tick counts as a failure (a breach, for a vote).
    CountAsFailure,
}

/// Rejects NaN and infinite inputs to value-smoothing machines.
fn finite(value: f64) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(crate::error::Error::invalid(
            "value",
            value,
            "a smoothed value must be finite; pass None for a tick without data",
        ))
    }
}
