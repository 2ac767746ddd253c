//! Absolute minimum-sample rules: at least N observations, at least K expected events.

use serde::{Deserialize, Serialize};

use super::sufficiency::{ArrivalRates, Observed, SampleRule, Shortfall, Sufficiency};
use crate::error::{Error, Result};

/// Largest count a rule asks for: counts stay exact in `f64`.
const MAX_COUNT: f64 = 9_007_199_254_740_992.0; // 2^53

/// At least this many observations in each group.
///
/// Kayenta only warns below 50 data points per metric; this rule makes the judge answer
/// "not enough data yet" instead.
///
/// ```
/// use canary_judge::rules::{ArrivalRates, MinObservations, Observed, SampleRule};
///
/// let rule = MinObservations::new(50, 50);
/// let rates = ArrivalRates::new(0.5, 9.5)?; // a 5 % canary at 10 requests/s
/// let answer = rule.check(&Observed::new(20, 380), Some(&rates))?;
/// assert_eq!(answer.shortfall().map(|s| s.more_canary), Some(Some(30)));
/// println!("{}", answer.shortfall().unwrap()); // need ~30 more canary observations; about 60 s …
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinObservations {
    canary: u64,
    baseline: u64,
}

impl MinObservations {
    /// Requires `canary` canary and `baseline` baseline observations (0: no requirement).
    pub fn new(canary: u64, baseline: u64) -> MinObservations {
        MinObservations { canary, baseline }
    }
}

impl SampleRule for MinObservations {
    fn check(&self, observed: &Observed, rates: Option<&ArrivalRates>) -> Result<Sufficiency> {
        let more_canary = self.canary.saturating_sub(observed.canary);
        let more_baseline = self.baseline.saturating_sub(observed.baseline);
        Ok(shortfall(Some(more_canary), Some(more_baseline), rates))
    }
}

/// `Enough` when nothing more is needed, else the shortfall.
pub(crate) fn shortfall(
    more_canary: Option<u64>,
    more_baseline: Option<u64>,
    rates: Option<&ArrivalRates>,
) -> Sufficiency {
    if more_canary == Some(0) && more_baseline == Some(0) {
        Sufficiency::Enough
    } else {
        Sufficiency::NotYet(Shortfall::new(more_canary, more_baseline, rates))
    }
}

/// The event rate that sets how many events a group is expected to show.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceRate {
    /// The baseline's observed rate, `baseline_events / baseline`.
    Baseline,
    /// A fixed rate, for example the error budget `1 − SLO`: then the rule is Pyrra's
    /// "allowed bad events in the window must be at least K".
    Fixed(f64),
}

/// At least `events` expected events (for example errors) in each group before a rate metric
/// may be judged.
///
/// A group of `n` observations is expected to show `n · r` events under the reference rate `r`.
/// With a rare event and few requests a single error decides the test, so rate comparisons
/// wait until each group is expected to show `K` of them (5 is the textbook rule for
/// chi-square tests). With [`ReferenceRate::Baseline`] and no baseline events yet, the amounts
/// are unknown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MinExpectedEventsSpec")]
pub struct MinExpectedEvents {
    events: f64,
    reference: ReferenceRate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MinExpectedEventsSpec {
    events: f64,
    reference: ReferenceRate,
}

impl TryFrom<MinExpectedEventsSpec> for MinExpectedEvents {
    type Error = Error;
    fn try_from(spec: MinExpectedEventsSpec) -> Result<MinExpectedEvents> {
        MinExpectedEvents::new(spec.events, spec.reference)
    }
}

impl MinExpectedEvents {
    /// Requires `events` (positive, finite) expected events per group under `reference`.
    pub fn new(events: f64, reference: ReferenceRate) -> Result<MinExpectedEvents> {
        if !(events > 0.0 && events.is_finite()) {
            return Err(Error::invalid(
                "events",
                events,
                "must be positive and finite",
            ));
        }
        if let ReferenceRate::Fixed(rate) = reference {
            if !(rate > 0.0 && rate <= 1.0) {
                return Err(Error::invalid("reference rate", rate, "must be in (0, 1]"));
            }
            smallest_count(events, rate)?;
        }
        Ok(MinExpectedEvents { events, reference })
    }
}

impl SampleRule for MinExpectedEvents {
    fn check(&self, observed: &Observed, rates: Option<&ArrivalRates>) -> Result<Sufficiency> {
        let baseline_events = observed.checked_baseline_events()?;
        // Each group needs n with n · rate >= K; rate = events / observations when observed.
        let needed = match self.reference {
            ReferenceRate::Fixed(rate) => Some(smallest_count(self.events, rate)?),
            ReferenceRate::Baseline if baseline_events == 0 => None,
            ReferenceRate::Baseline => Some(smallest_count(
                self.events * observed.baseline as f64,
                baseline_events as f64,
            )?),
        };
        let more = |have: u64| needed.map(|n| n.saturating_sub(have));
        Ok(shortfall(
            more(observed.canary),
            more(observed.baseline),
            rates,
        ))
    }
}

/// The smallest whole `n` with `n · per_unit >= target` (both positive).
fn smallest_count(target: f64, per_unit: f64) -> Result<u64> {
    let n = (target / per_unit).ceil();
    if n.is_nan() || n > MAX_COUNT {
        return Err(Error::CountOverflow {
            what: "the number of observations the rule asks for",
            limit: MAX_COUNT as u64,
        });
    }
    // Division rounds: step back if one fewer suffices, forward if this one falls short.
    let n = n as u64;
    Ok(if n > 0 && (n - 1) as f64 * per_unit >= target {
        n - 1
    } else if (n as f64) * per_unit < target {
        n + 1
    } else {
        n
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_count_is_exact_at_integer_boundaries() {
        // 5 / 0.001 = 5000 exactly in decimal, 5000.000000000001 in floating point.
        assert_eq!(smallest_count(5.0, 0.001).unwrap(), 5000);
        assert_eq!(smallest_count(5.0, 0.3).unwrap(), 17); // 16 · 0.3 = 4.8 < 5 <= 5.1
        assert!(smallest_count(1e300, 1e-300).is_err());
    }
}
