//! The accumulated state of a metric judged by an anytime-valid test.
//!
//! A rollout gate feeds each tick's data into the test; the one-shot judge feeds all data
//! once. Either way the p-value and interval hold at every look.

use serde::{Deserialize, Serialize};

use super::classify::{
    check_shape, check_totals, not_enough, prepare_samples, rate_summary, Finding, Level,
};
use super::data::{EventTotals, MetricData};
use super::metric::{Change, Direction, MetricConfig, TestConfig, Tolerance};
use super::outcome::{Effect, EffectMeasure, GroupSummary, Outcome};
use crate::error::{Error, Result};
use crate::rules::Observed;
use crate::stats::{
    Alternative, Arm, CatchAll, EventCountOptions, EventCountTest, EventCounts, Interval,
    QuantileTest, QuantileTestOptions, SequentialDecision, SequentialTest,
};

/// The state of one sequential metric.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SequentialState {
    /// Event counts with the traffic they came from.
    EventRate {
        /// The anytime-valid test.
        test: EventCountTest,
        /// Canary events and traffic so far.
        canary: EventTotals,
        /// Baseline events and traffic so far.
        baseline: EventTotals,
    },
    /// Raw samples in an anytime-valid quantile test.
    Quantile(QuantileTest),
}

fn alternative(bad: Direction) -> Alternative {
    match bad {
        Direction::Increase => Alternative::Greater,
        Direction::Decrease => Alternative::Less,
        Direction::Either => Alternative::TwoSided,
    }
}

impl SequentialState {
    /// A fresh test at level `alpha` for a sequential metric.
    pub(crate) fn new(config: &MetricConfig, alpha: f64) -> Result<SequentialState> {
        match config.test() {
            TestConfig::EventRate => {
                let mut options = EventCountOptions::default()
                    .alpha(alpha)
                    .alternative(alternative(config.bad));
                if let Some(k) = config.concentration {
                    options = options.concentration(k);
                }
                Ok(SequentialState::EventRate {
                    test: EventCountTest::new(0.5, options)?,
                    canary: EventTotals::default(),
                    baseline: EventTotals::default(),
                })
            }
            TestConfig::Quantile(q) => {
                let options = QuantileTestOptions::default()
                    .alpha(alpha)
                    .quantiles(vec![q])
                    .alternative(alternative(config.bad))
                    .catch_all(CatchAll::Disabled);
                Ok(SequentialState::Quantile(QuantileTest::new(options)?))
            }
            other => Err(Error::invalid(
                "test",
                format!("{other:?}"),
                "is not a sequential test",
            )),
        }
    }

    /// Adds one tick's data. Invalid data leaves the state unchanged.
    pub(crate) fn feed(&mut self, data: &MetricData) -> Result<()> {
        match (self, data) {
            (
                SequentialState::EventRate {
                    test,
                    canary,
                    baseline,
                },
                MetricData::Counts {
                    baseline: b,
                    canary: c,
                },
            ) => {
                check_totals("canary", c)?;
                check_totals("baseline", b)?;
                let traffic = c.total as f64 + b.total as f64;
                if traffic == 0.0 {
                    return Ok(());
                }
                let share = (c.total as f64 / traffic).clamp(1e-9, 1.0 - 1e-9);
                let add = |a: EventTotals, b: &EventTotals| -> Result<EventTotals> {
                    let overflow = || Error::CountOverflow {
                        what: "traffic accumulated over ticks",
                        limit: u64::MAX,
                    };
                    Ok(EventTotals {
                        events: a.events.checked_add(b.events).ok_or_else(overflow)?,
                        total: a.total.checked_add(b.total).ok_or_else(overflow)?,
                    })
                };
                let (new_canary, new_baseline) = (add(*canary, c)?, add(*baseline, b)?);
                let events = EventCounts {
                    canary: c.events,
                    baseline: b.events,
                };
                test.update_at_share(share, events)?;
                *canary = new_canary;
                *baseline = new_baseline;
                Ok(())
            }
            (state, MetricData::Samples { baseline, canary }) => {
                state.feed_samples(baseline, canary)
            }
            (_, other) => Err(unfit(other.shape())),
        }
    }

    /// Adds one tick's samples. Invalid data leaves the state unchanged.
    fn feed_samples(&mut self, baseline: &[f64], canary: &[f64]) -> Result<()> {
        match self {
            SequentialState::Quantile(test) => test.update_batch(baseline, canary).map(|_| ()),
            _ => Err(unfit("samples")),
        }
    }

    /// Adds one tick's data after the metric's checks (shape, NaN policy).
    pub(crate) fn feed_checked(&mut self, config: &MetricConfig, data: &MetricData) -> Result<()> {
        check_shape(config.data, data)?;
        match data {
            MetricData::Samples { baseline, canary } => {
                let (canary, baseline) =
                    prepare_samples(config, canary, baseline)?.unwrap_or_default();
                self.feed_samples(&baseline, &canary)
            }
            _ => self.feed(data),
        }
    }

    /// What the test says now.
    pub(crate) fn finding(&self, config: &MetricConfig, level: Level) -> Result<Finding> {
        match self {
            SequentialState::EventRate {
                test,
                canary,
                baseline,
            } => {
                let (c, b) = (rate_summary(canary), rate_summary(baseline));
                if canary.total == 0 || baseline.total == 0 {
                    return Ok(Finding::without_test(
                        Outcome::NoData,
                        "a group has no traffic",
                    ));
                }
                let observed =
                    Observed::new(canary.total, baseline.total).baseline_events(baseline.events);
                if let Some(f) = not_enough(config, observed)? {
                    return Ok(f.with_sizes(c, b));
                }
                let (ratio, interval) = test.rate_ratio_and_interval();
                let ratio = ratio.unwrap_or(1.0);
                let change = if ratio >= 1.0 {
                    Change::Increase
                } else {
                    Change::Decrease
                };
                let clears = |change: Change| match (config.tolerance, interval) {
                    (Some(Tolerance::Relative(r)), Some(i)) => clears_ratio(i, change, r),
                    _ => true,
                };
                let effect = Effect {
                    measure: EffectMeasure::RateRatio,
                    estimate: ratio,
                    low: interval.and_then(|i| finite(i.low)),
                    high: interval.and_then(|i| finite(i.high)),
                    confidence: Some(1.0 - test.options().alpha),
                };
                Ok(
                    sequential_finding(test, change, clears(change), effect, level)
                        .with_sizes(c, b),
                )
            }
            SequentialState::Quantile(test) => {
                let counts = (test.count(Arm::Canary), test.count(Arm::Baseline));
                let sizes = (
                    GroupSummary {
                        count: counts.0,
                        mean: None,
                    },
                    GroupSummary {
                        count: counts.1,
                        mean: None,
                    },
                );
                if counts.0 == 0 || counts.1 == 0 {
                    return Ok(
                        Finding::without_test(Outcome::NoData, "a group has no values")
                            .with_sizes(sizes.0, sizes.1),
                    );
                }
                if let Some(f) = not_enough(config, Observed::new(counts.0, counts.1))? {
                    return Ok(f.with_sizes(sizes.0, sizes.1));
                }
                let q = test.options().quantiles[0];
                let estimate = |arm| test.empirical_quantile(arm, q).unwrap_or(f64::NAN);
                let (canary_q, baseline_q) = (estimate(Arm::Canary), estimate(Arm::Baseline));
                let change = if canary_q >= baseline_q {
                    Change::Increase
                } else {
                    Change::Decrease
                };
                let band = test.bands().into_iter().next();
                let clears = band.is_none_or(|band| match config.tolerance {
                    Some(Tolerance::Absolute(d)) => match change {
                        Change::Increase => band.difference.low > d,
                        Change::Decrease => band.difference.high < -d,
                    },
                    Some(Tolerance::Relative(r)) => match change {
                        Change::Increase => band.canary.low > band.baseline.high * (1.0 + r),
                        Change::Decrease => band.canary.high < band.baseline.low * (1.0 - r),
                    },
                    _ => true,
                });
                let effect = Effect {
                    measure: EffectMeasure::QuantileDifference,
                    estimate: canary_q - baseline_q,
                    low: band.and_then(|b| finite(b.difference.low)),
                    high: band.and_then(|b| finite(b.difference.high)),
                    confidence: Some(1.0 - test.options().alpha),
                };
                Ok(sequential_finding(test, change, clears, effect, level)
                    .with_sizes(sizes.0, sizes.1))
            }
        }
    }
}

/// The error for data of a shape the metric's test does not take.
fn unfit(shape: &'static str) -> Error {
    Error::invalid("data", shape, "does not fit this metric's sequential test")
}

/// An interval end, or `None` where the interval is open (the far end of a one-sided test):
/// JSON has no infinity, and a verdict must read back as it was written.
fn finite(end: f64) -> Option<f64> {
    end.is_finite().then_some(end)
}

/// Whether a rate-ratio interval lies beyond the relative tolerance `r` in the direction of
/// `change`.
fn clears_ratio(interval: Interval, change: Change, r: f64) -> bool {
    match change {
        Change::Increase => interval.low > 1.0 + r,
        Change::Decrease => interval.high < 1.0 - r,
    }
}

/// The finding of an anytime-valid test: a regression once it has rejected (in the bad
/// direction, beyond the tolerance), a pass otherwise.
fn sequential_finding(
    test: &impl SequentialTest,
    change: Change,
    clears: bool,
    effect: Effect,
    level: Level,
) -> Finding {
    let rejected = test.decision() == SequentialDecision::Reject && clears;
    let mut finding = Finding::tested(if rejected {
        Outcome::Regression
    } else {
        Outcome::Pass
    });
    finding.change = rejected.then_some(change);
    finding.method = Some("anytime_valid".into());
    // + 0.0 turns a log statistic of -0 (no evidence yet) into 0.
    finding.statistic = Some(test.log_statistic() + 0.0);
    finding.pvalue = Some(test.pvalue());
    finding.alpha = Some(level.alpha);
    finding.always_valid = true;
    finding.effect = Some(effect);
    finding
}
