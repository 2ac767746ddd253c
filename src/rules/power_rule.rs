//! Power-based minimum-sample rules: enough data once the planned test has the target power.
//!
//! The data at hand is enough when the test's approximate power against the configured effect,
//! at the current group sizes, reaches the target. The groups need not match the planned
//! split: a baseline with plenty of data lets the canary get by with less. Otherwise the rule
//! grows both groups along the current arrival rates (or, without rates or when they never get
//! there, the planned canary share) until the power is reached, and reports that growth as the
//! shortfall.

use serde::{Deserialize, Serialize};

use super::min_sample::shortfall;
use super::sufficiency::{ArrivalRates, Observed, SampleRule, Sufficiency};
use crate::error::{Error, Result};
use crate::stats::power::{
    bisect, mann_whitney_power_at, two_proportions_power_at, MAX_GROUP_SIZE,
};
use crate::stats::{mann_whitney_sample_size, two_proportions_sample_size, PowerOptions};

/// Enough data once a Mann-Whitney test detects `P(X > Y) = superiority` with the target power.
///
/// ```
/// use canary_judge::rules::{ArrivalRates, MannWhitneyPowerRule, Observed, SampleRule};
/// use canary_judge::stats::{Alternative, PowerOptions};
///
/// let options = PowerOptions::default().alternative(Alternative::Greater);
/// let rule = MannWhitneyPowerRule::new(0.6, 0.05, options)?; // a 5 % canary
/// let rates = ArrivalRates::new(0.1, 1.9)?;
/// let answer = rule.check(&Observed::new(10, 190), Some(&rates))?;
/// let shortfall = answer.shortfall().expect("not enough yet");
/// // Noether's formula asks for 55 canary and 1031 baseline observations in all.
/// assert_eq!(shortfall.more_canary, Some(45));
/// println!("inconclusive: {shortfall}"); // need ~45 more canary …; about 8 min …
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MannWhitneyPowerSpec")]
pub struct MannWhitneyPowerRule {
    superiority: f64,
    canary_share: f64,
    options: PowerOptions,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MannWhitneyPowerSpec {
    superiority: f64,
    canary_share: f64,
    #[serde(default)]
    options: PowerOptions,
}

impl TryFrom<MannWhitneyPowerSpec> for MannWhitneyPowerRule {
    type Error = Error;
    fn try_from(spec: MannWhitneyPowerSpec) -> Result<MannWhitneyPowerRule> {
        MannWhitneyPowerRule::new(spec.superiority, spec.canary_share, spec.options)
    }
}

impl MannWhitneyPowerRule {
    /// The effect to detect as `P(X > Y)` (see [`ShiftModel`](crate::stats::ShiftModel) to get
    /// it from a shift), the planned canary share of observations, and the test's options.
    pub fn new(
        superiority: f64,
        canary_share: f64,
        options: PowerOptions,
    ) -> Result<MannWhitneyPowerRule> {
        mann_whitney_sample_size(superiority, canary_share, &options)?;
        Ok(MannWhitneyPowerRule {
            superiority,
            canary_share,
            options,
        })
    }
}

impl SampleRule for MannWhitneyPowerRule {
    fn check(&self, observed: &Observed, rates: Option<&ArrivalRates>) -> Result<Sufficiency> {
        let q = self.options.quantiles()?;
        let power = |m: f64, n: f64| mann_whitney_power_at(&q, self.superiority, m, n);
        Ok(grow_until(
            observed,
            rates,
            self.canary_share,
            self.options.power,
            power,
        ))
    }
}

/// Enough data once a two-proportion z-test detects `canary_rate` against `baseline_rate`.
///
/// The rates are planning values: the baseline's usual error rate (or the SLO's budget) and
/// the canary error rate that must not go unnoticed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TwoProportionsPowerSpec")]
pub struct TwoProportionsPowerRule {
    canary_rate: f64,
    baseline_rate: f64,
    canary_share: f64,
    options: PowerOptions,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TwoProportionsPowerSpec {
    canary_rate: f64,
    baseline_rate: f64,
    canary_share: f64,
    #[serde(default)]
    options: PowerOptions,
}

impl TryFrom<TwoProportionsPowerSpec> for TwoProportionsPowerRule {
    type Error = Error;
    fn try_from(spec: TwoProportionsPowerSpec) -> Result<TwoProportionsPowerRule> {
        TwoProportionsPowerRule::new(
            spec.canary_rate,
            spec.baseline_rate,
            spec.canary_share,
            spec.options,
        )
    }
}

impl TwoProportionsPowerRule {
    /// The canary and baseline event rates to tell apart, the planned canary share of
    /// observations, and the test's options.
    pub fn new(
        canary_rate: f64,
        baseline_rate: f64,
        canary_share: f64,
        options: PowerOptions,
    ) -> Result<TwoProportionsPowerRule> {
        two_proportions_sample_size(canary_rate, baseline_rate, canary_share, &options)?;
        Ok(TwoProportionsPowerRule {
            canary_rate,
            baseline_rate,
            canary_share,
            options,
        })
    }
}

impl SampleRule for TwoProportionsPowerRule {
    fn check(&self, observed: &Observed, rates: Option<&ArrivalRates>) -> Result<Sufficiency> {
        let q = self.options.quantiles()?;
        let power = |m: f64, n: f64| {
            two_proportions_power_at(&q, self.canary_rate, self.baseline_rate, m, n)
        };
        Ok(grow_until(
            observed,
            rates,
            self.canary_share,
            self.options.power,
            power,
        ))
    }
}

/// Grows the groups along the arrival rates until `power` reaches `target`, and reports the
/// growth. If the rates never get there (a group receives no traffic), the growth along the
/// planned share gives the amounts, with no time estimate.
fn grow_until(
    observed: &Observed,
    rates: Option<&ArrivalRates>,
    canary_share: f64,
    target: f64,
    power: impl Fn(f64, f64) -> f64,
) -> Sufficiency {
    let (m, n) = (observed.canary as f64, observed.baseline as f64);
    if power(m, n) >= target {
        return Sufficiency::Enough;
    }
    let by_rates = rates
        .map(|r| (r.canary_per_second(), r.baseline_per_second()))
        .filter(|&(dm, dn)| dm > 0.0 || dn > 0.0);
    for (dm, dn) in by_rates
        .into_iter()
        .chain([(canary_share, 1.0 - canary_share)])
    {
        let reaches = |s: f64| power(m + dm * s, n + dn * s) >= target;
        let mut far = 1.0;
        while !reaches(far) && (dm * far).max(dn * far) <= MAX_GROUP_SIZE {
            far *= 2.0;
        }
        if reaches(far) {
            let s = bisect(0.0, far, reaches);
            let more = |d: f64| (d * s).ceil() as u64;
            return shortfall(Some(more(dm)), Some(more(dn)), rates);
        }
    }
    shortfall(None, None, rates)
}
