//! The answer of a minimum-sample rule: enough data, or how much more and how long it takes.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What has been observed so far for one metric.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observed {
    /// Canary observations (requests, or per-interval values).
    pub canary: u64,
    /// Baseline observations.
    pub baseline: u64,
    /// Events (for example errors) among the baseline observations; only rules that need the
    /// baseline's event rate read it, and they reject a value above `baseline`.
    #[serde(default)]
    pub baseline_events: u64,
}

impl Observed {
    /// Observation counts, with no events recorded.
    pub fn new(canary: u64, baseline: u64) -> Observed {
        Observed {
            canary,
            baseline,
            baseline_events: 0,
        }
    }

    /// Sets the number of baseline events (for example errors).
    pub fn baseline_events(mut self, events: u64) -> Observed {
        self.baseline_events = events;
        self
    }

    /// The baseline's events, checked not to exceed its observations.
    pub(crate) fn checked_baseline_events(&self) -> Result<u64> {
        if self.baseline_events > self.baseline {
            return Err(Error::invalid(
                "baseline_events",
                self.baseline_events,
                "cannot exceed the number of baseline observations",
            ));
        }
        Ok(self.baseline_events)
    }
}

/// How fast each group gains observations, used to turn "N more" into "about this long".
///
/// Measure it over a recent window (the last few ticks), since traffic changes during a day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RatesSpec")]
pub struct ArrivalRates {
    canary_per_second: f64,
    baseline_per_second: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RatesSpec {
    canary_per_second: f64,
    baseline_per_second: f64,
}

impl TryFrom<RatesSpec> for ArrivalRates {
    type Error = Error;
    fn try_from(spec: RatesSpec) -> Result<ArrivalRates> {
        ArrivalRates::new(spec.canary_per_second, spec.baseline_per_second)
    }
}

impl ArrivalRates {
    /// Rates in observations per second; each must be finite and non-negative.
    pub fn new(canary_per_second: f64, baseline_per_second: f64) -> Result<ArrivalRates> {
        let allowed = "an arrival rate must be finite and non-negative";
        for (name, rate) in [
            ("canary_per_second", canary_per_second),
            ("baseline_per_second", baseline_per_second),
        ] {
            if !(rate >= 0.0 && rate.is_finite()) {
                return Err(Error::invalid(name, rate, allowed));
            }
        }
        Ok(ArrivalRates {
            canary_per_second,
            baseline_per_second,
        })
    }

    /// Rates from counts seen over a time span (which must be longer than zero).
    pub fn observed(canary: u64, baseline: u64, over: Duration) -> Result<ArrivalRates> {
        let seconds = over.as_secs_f64();
        if seconds <= 0.0 {
            return Err(Error::invalid(
                "over",
                format!("{over:?}"),
                "the span must be longer than zero",
            ));
        }
        ArrivalRates::new(canary as f64 / seconds, baseline as f64 / seconds)
    }

    /// Canary observations per second.
    pub fn canary_per_second(&self) -> f64 {
        self.canary_per_second
    }

    /// Baseline observations per second.
    pub fn baseline_per_second(&self) -> f64 {
        self.baseline_per_second
    }
}

/// Whether a metric has enough data to be judged.
///
/// `NotYet` is not a pass: downstream it means "inconclusive, keep collecting".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Sufficiency {
    /// The rule is satisfied.
    Enough,
    /// More data is needed; how much, and how long that takes at the current rate.
    NotYet(Shortfall),
}

impl Sufficiency {
    /// True when the rule is satisfied.
    pub fn is_enough(&self) -> bool {
        matches!(self, Sufficiency::Enough)
    }

    /// The shortfall, if there is one.
    pub fn shortfall(&self) -> Option<&Shortfall> {
        match self {
            Sufficiency::Enough => None,
            Sufficiency::NotYet(shortfall) => Some(shortfall),
        }
    }

    /// Both rules together: enough only if both are, otherwise the larger need of each group.
    pub fn and(self, other: Sufficiency) -> Sufficiency {
        match (self, other) {
            (Sufficiency::Enough, other) | (other, Sufficiency::Enough) => other,
            (Sufficiency::NotYet(a), Sufficiency::NotYet(b)) => Sufficiency::NotYet(Shortfall {
                more_canary: both(a.more_canary, b.more_canary, u64::max),
                more_baseline: both(a.more_baseline, b.more_baseline, u64::max),
                eta: both(a.eta, b.eta, Duration::max),
            }),
        }
    }
}

impl FromIterator<Sufficiency> for Sufficiency {
    /// All rules together (see [`Sufficiency::and`]); no rules at all means enough.
    fn from_iter<I: IntoIterator<Item = Sufficiency>>(iter: I) -> Sufficiency {
        iter.into_iter().fold(Sufficiency::Enough, Sufficiency::and)
    }
}

/// Combines two estimates that are each known only sometimes: unknown wins.
fn both<T>(a: Option<T>, b: Option<T>, pick: impl Fn(T, T) -> T) -> Option<T> {
    Some(pick(a?, b?))
}

/// How much more data a rule needs.
///
/// An amount is `None` when it cannot be estimated yet, for example a rate rule whose baseline
/// has shown no events, or a power target the current traffic split never reaches. `eta` is
/// `None` without arrival rates, or when a group that needs more data receives none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shortfall {
    /// More canary observations needed (0 when the canary has enough).
    pub more_canary: Option<u64>,
    /// More baseline observations needed (0 when the baseline has enough).
    pub more_baseline: Option<u64>,
    /// About how long the missing observations take to arrive at the current rates.
    pub eta: Option<Duration>,
}

impl Shortfall {
    /// A shortfall of these amounts, with the time they take at `rates` (if known).
    pub(crate) fn new(
        more_canary: Option<u64>,
        more_baseline: Option<u64>,
        rates: Option<&ArrivalRates>,
    ) -> Shortfall {
        let eta = rates.and_then(|rates| {
            let canary = wait(more_canary?, rates.canary_per_second)?;
            let baseline = wait(more_baseline?, rates.baseline_per_second)?;
            Duration::try_from_secs_f64(canary.max(baseline)).ok()
        });
        Shortfall {
            more_canary,
            more_baseline,
            eta,
        }
    }
}

/// Seconds until `more` observations arrive at `per_second`; `None` if they never do.
fn wait(more: u64, per_second: f64) -> Option<f64> {
    if more == 0 {
        Some(0.0)
    } else if per_second > 0.0 {
        Some(more as f64 / per_second)
    } else {
        None
    }
}

impl fmt::Display for Shortfall {
    /// For example: "need ~1200 more canary observations; about 12 min at the current rate".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("need ")?;
        let mut separator = "";
        for (group, more) in [
            ("canary", self.more_canary),
            ("baseline", self.more_baseline),
        ] {
            match more {
                Some(0) => continue,
                Some(n) => write!(f, "{separator}~{n} more {group} observations")?,
                None => write!(
                    f,
                    "{separator}more {group} observations (amount not yet known)"
                )?,
            }
            separator = " and ";
        }
        if separator.is_empty() {
            f.write_str("more observations")?;
        }
        if let Some(eta) = self.eta {
            write!(f, "; about {} at the current rate", human(eta))?;
        }
        Ok(())
    }
}

/// A duration rounded for people: seconds, minutes or hours.
fn human(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 90.0 {
        format!("{} s", seconds.ceil())
    } else if seconds < 90.0 * 60.0 {
        format!("{} min", (seconds / 60.0).ceil())
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

/// A rule that says whether there is enough data to judge a metric.
///
/// Implemented by [`MinObservations`](super::MinObservations),
/// [`MinExpectedEvents`](super::MinExpectedEvents),
/// [`MannWhitneyPowerRule`](super::MannWhitneyPowerRule) and
/// [`TwoProportionsPowerRule`](super::TwoProportionsPowerRule).
pub trait SampleRule: fmt::Debug {
    /// Checks the data at hand; `rates` (if known) turn the shortfall into a wait.
    fn check(&self, observed: &Observed, rates: Option<&ArrivalRates>) -> Result<Sufficiency>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_is_the_slower_group() {
        let rates = ArrivalRates::new(2.0, 40.0).unwrap();
        // 120 canary at 2/s = 60 s; 400 baseline at 40/s = 10 s.
        let s = Shortfall::new(Some(120), Some(400), Some(&rates));
        assert_eq!(s.eta, Some(Duration::from_secs(60)));
        assert_eq!(
            s.to_string(),
            "need ~120 more canary observations and ~400 more baseline observations; \
             about 60 s at the current rate"
        );
    }

    #[test]
    fn no_traffic_to_a_needy_group_means_no_eta() {
        let rates = ArrivalRates::new(0.0, 40.0).unwrap();
        assert_eq!(Shortfall::new(Some(1), Some(0), Some(&rates)).eta, None);
        assert_eq!(
            Shortfall::new(Some(0), Some(40), Some(&rates)).eta,
            Some(Duration::from_secs(1))
        );
    }

    #[test]
    fn combining_takes_the_larger_need_and_unknown_wins() {
        let a = Sufficiency::NotYet(Shortfall::new(Some(10), Some(0), None));
        let b = Sufficiency::NotYet(Shortfall::new(Some(3), None, None));
        let both: Sufficiency = [Sufficiency::Enough, a, b].into_iter().collect();
        let expected = Shortfall::new(Some(10), None, None);
        assert_eq!(both, Sufficiency::NotYet(expected));
        assert!(std::iter::empty::<Sufficiency>()
            .collect::<Sufficiency>()
            .is_enough());
    }
}
