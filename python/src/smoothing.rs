//! Smoothers: state machines that turn per-tick results into decisions that do not flap.
//!
//! Every class has `update(...)` for one tick and pickles like the sequential tests.

use std::num::{NonZeroU64, NonZeroUsize};

use canary_judge::rules::smoothing::{self, CounterRule, Smoother, WindowStatistic};
use pyo3::prelude::*;

use crate::arrays::Count;
use crate::choices::{name, parse, Table, LEVELS, NO_DATA_POLICIES, SIGNALS, TICKS};
use crate::errors::{invalid, raise};
use crate::state::{stateful, Shared};

/// Feeds one tick.
fn tick<S: Smoother>(smoother: &Shared<S>, input: S::Input) -> PyResult<S::Output> {
    smoother
        .with(|smoother| smoother.update(input))
        .map_err(raise)
}

stateful! {
    /// Exponentially weighted moving average: `weight * value + (1 - weight) * previous`.
    Ewma(smoothing::Ewma) {
        #[new]
        fn new(weight: f64) -> PyResult<Self> {
            smoothing::Ewma::new(weight).map(Self::wrap).map_err(raise)
        }

        /// One tick's value (None for a tick without data); returns the smoothed value.
        fn update(&self, value: Option<f64>) -> PyResult<Option<f64>> {
            tick(&self.inner, value)
        }

        /// The smoothed value so far (None before the first value).
        #[getter]
        fn value(&self) -> Option<f64> {
            self.inner.with(|ewma| ewma.value())
        }
    }
}

/// A window statistic: "mean", "median", or a quantile in [0, 1].
#[derive(FromPyObject)]
enum Statistic {
    Quantile(f64),
    Named(String),
}

const NAMED_STATISTICS: Table<WindowStatistic> = &[
    ("mean", WindowStatistic::Mean),
    ("median", WindowStatistic::Median),
];

stateful! {
    /// The mean, median or a quantile of the last `length` values.
    RollingWindow(smoothing::RollingWindow) {
        #[new]
        #[pyo3(
            signature = (length, statistic = Statistic::Named("mean".to_string())),
            text_signature = "(length, statistic='mean')"
        )]
        fn new(length: usize, statistic: Statistic) -> PyResult<Self> {
            let length = NonZeroUsize::new(length)
                .ok_or_else(|| invalid("`length` must be at least 1"))?;
            let statistic = match statistic {
                Statistic::Quantile(q) => WindowStatistic::Quantile(q),
                Statistic::Named(named) => parse("statistic", &named, NAMED_STATISTICS)?,
            };
            smoothing::RollingWindow::new(length, statistic)
                .map(Self::wrap)
                .map_err(raise)
        }

        /// One tick's value (None for a tick without data); returns the window's statistic.
        fn update(&self, value: Option<f64>) -> PyResult<Option<f64>> {
            tick(&self.inner, value)
        }

        /// The values in the window, oldest first.
        #[getter]
        fn values(&self) -> Vec<f64> {
            self.inner.with(|window| window.values().collect())
        }
    }
}

/// How a counter rule is built from its number; `None` when the rule needs it positive.
type MakeRule = fn(u64) -> Option<CounterRule>;

/// Argo Rollouts' limits (tolerated counts) and Flagger's threshold (a trip count).
const COUNTER_RULES: Table<MakeRule> = &[
    ("failure_limit", |limit| {
        Some(CounterRule::FailureLimit { limit })
    }),
    ("inconclusive_limit", |limit| {
        Some(CounterRule::InconclusiveLimit { limit })
    }),
    ("consecutive_error_limit", |limit| {
        Some(CounterRule::ConsecutiveErrorLimit { limit })
    }),
    ("consecutive_success_limit", |n| {
        NonZeroU64::new(n).map(|limit| CounterRule::ConsecutiveSuccessLimit { limit })
    }),
    ("consecutive_failures", |n| {
        NonZeroU64::new(n).map(|count| CounterRule::ConsecutiveFailures { count })
    }),
    ("failed_checks_threshold", |n| {
        NonZeroU64::new(n).map(|threshold| CounterRule::FailedChecksThreshold { threshold })
    }),
];

stateful! {
    /// A counter with Argo Rollouts' or Flagger's semantics that trips once and stays tripped.
    ///
    /// `rule` is one of "failure_limit", "inconclusive_limit", "consecutive_error_limit",
    /// "consecutive_success_limit" (Argo Rollouts: trips when the count exceeds `limit`,
    /// except consecutive successes, which trip on reaching it), "consecutive_failures" (trips
    /// after `limit` failures in a row) or "failed_checks_threshold" (Flagger: trips on
    /// reaching `limit`).
    Counter(smoothing::Counter) {
        #[new]
        #[pyo3(signature = (rule, limit, *, no_data = "skip"))]
        fn new(rule: &str, limit: Count, no_data: &str) -> PyResult<Self> {
            let make = parse("rule", rule, COUNTER_RULES)?;
            let rule = make(limit.0).ok_or_else(|| {
                invalid(format!("`limit` must be at least 1 for the rule '{rule}'"))
            })?;
            let no_data = parse("no_data", no_data, NO_DATA_POLICIES)?;
            Ok(Self::wrap(smoothing::Counter::new(rule).no_data(no_data)))
        }

        /// One measurement: "pass", "fail", "inconclusive", "error" or "no_data"; returns
        /// the signal: "continue", "fail", "inconclusive", "error" or "succeed".
        fn update(&self, outcome: &str) -> PyResult<&'static str> {
            let outcome = parse("outcome", outcome, TICKS)?;
            tick(&self.inner, outcome).map(|signal| name(signal, SIGNALS))
        }

        /// The current count (total or in a row, depending on the rule).
        #[getter]
        fn count(&self) -> u64 {
            self.inner.with(|counter| counter.count())
        }

        /// What the counter says now.
        #[getter]
        fn signal(&self) -> &'static str {
            name(self.inner.with(|counter| counter.signal()), SIGNALS)
        }
    }
}

stateful! {
    /// Breached when at least `k` of the last `n` ticks were breaches.
    Vote(smoothing::Vote) {
        #[new]
        #[pyo3(signature = (k, n, *, no_data = "skip"))]
        fn new(k: usize, n: usize, no_data: &str) -> PyResult<Self> {
            let no_data = parse("no_data", no_data, NO_DATA_POLICIES)?;
            smoothing::Vote::new(k, n)
                .map(|vote| Self::wrap(vote.no_data(no_data)))
                .map_err(raise)
        }

        /// One tick: True (breach), False or None (no data); returns "clear" or "breached".
        fn update(&self, breached: Option<bool>) -> PyResult<&'static str> {
            tick(&self.inner, breached).map(|level| name(level, LEVELS))
        }

        /// Breaches among the ticks in the window.
        #[getter]
        fn breaches(&self) -> usize {
            self.inner.with(|vote| vote.breaches())
        }
    }
}

stateful! {
    /// Breached once a value reaches `enter`, clear again once it returns to `exit`
    /// (`enter > exit` when larger is worse, `enter < exit` when smaller is worse).
    Hysteresis(smoothing::Hysteresis) {
        #[new]
        fn new(enter: f64, exit: f64) -> PyResult<Self> {
            smoothing::Hysteresis::new(enter, exit)
                .map(Self::wrap)
                .map_err(raise)
        }

        /// One tick's value (None for no data); returns "clear" or "breached".
        fn update(&self, value: Option<f64>) -> PyResult<&'static str> {
            tick(&self.inner, value).map(|level| name(level, LEVELS))
        }

        /// "clear" or "breached".
        #[getter]
        fn level(&self) -> &'static str {
            name(self.inner.with(|hysteresis| hysteresis.level()), LEVELS)
        }
    }
}
