//! The SLO: a target held as an exact fraction, and the period its budget covers.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::exact::{parse_rational, positive_nanos, rational_from_f64, NumberOrText};
use super::Fraction;
use crate::error::{Error, Result};

/// An SLO target: the share of events (or time slices) that must be good, strictly between 0
/// and 1.
///
/// It is held as an exact fraction so that a threshold such as "more than 14.4 times the
/// budget" is decided in integer arithmetic: 144 bad events out of 10,000 at 99.9 % is exactly
/// 14.4× the budget, whatever `1.0 - 0.999` rounds to. A target of 100 % has no error budget
/// (every burn rate would be infinite) and is rejected, as OpenSLO and Kibana do.
///
/// ```
/// use canary_judge::slo::Objective;
///
/// let slo: Objective = "99.9%".parse()?;
/// assert_eq!(slo, Objective::from_f64(0.999)?);
/// assert_eq!(slo, Objective::from_ppm(999_000)?);
/// assert_eq!(slo.error_budget().to_string(), "0.001");
/// assert_eq!(slo.max_burn_rate(), 1000.0);
/// assert!(Objective::from_f64(1.0).is_err());
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "NumberOrText", into = "String")]
pub struct Objective(Fraction);

const ALLOWED: &str = "a target strictly between 0 and 1 (such as 0.999 or \"99.9%\"): a \
                       target of 1 (100%) leaves no error budget, one of 0 promises nothing";

impl Objective {
    /// `good / out_of`, for example `Objective::new(999, 1000)` for 99.9 %.
    pub fn new(good: u64, out_of: u64) -> Result<Self> {
        Self::from_rational(u128::from(good), u128::from(out_of))
    }

    /// A target in parts per million: 999_000 is 99.9 %.
    pub fn from_ppm(ppm: u64) -> Result<Self> {
        Self::from_rational(u128::from(ppm), 1_000_000)
    }

    /// The target a float was written as (shortest round-trip decimal: `0.999` is 999/1000).
    pub fn from_f64(value: f64) -> Result<Self> {
        let (num, den) = rational_from_f64(value, "objective")?;
        Self::from_rational(num, den)
    }

    /// A target from a [`Fraction`].
    pub fn from_fraction(fraction: Fraction) -> Result<Self> {
        Self::from_rational(
            u128::from(fraction.numerator()),
            u128::from(fraction.denominator()),
        )
    }

    fn from_rational(num: u128, den: u128) -> Result<Self> {
        if den == 0 || num == 0 || num >= den {
            return Err(Error::invalid("objective", format!("{num}/{den}"), ALLOWED));
        }
        Fraction::from_rational(num, den, "objective").map(Objective)
    }

    /// The target as an exact fraction.
    pub fn fraction(&self) -> Fraction {
        self.0
    }

    /// The error budget as a ratio, `1 - target`, exactly.
    pub fn error_budget(&self) -> Fraction {
        self.0.complement()
    }

    /// The largest burn rate possible, `1 / (1 - target)`: every event bad.
    pub fn max_burn_rate(&self) -> f64 {
        let budget = self.error_budget();
        budget.denominator() as f64 / budget.numerator() as f64
    }

    /// The nearest float (for display).
    pub fn to_f64(&self) -> f64 {
        self.0.to_f64()
    }
}

impl FromStr for Objective {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let (num, den) = parse_rational(text, "objective")?;
        Self::from_rational(num, den)
    }
}

impl fmt::Display for Objective {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl TryFrom<NumberOrText> for Objective {
    type Error = Error;

    fn try_from(value: NumberOrText) -> Result<Self> {
        let (num, den) = value.rational("objective")?;
        Self::from_rational(num, den)
    }
}

impl From<Objective> for String {
    fn from(value: Objective) -> String {
        value.to_string()
    }
}

/// An SLO: a target over a rolling period (for example 99.9 % over 30 days).
///
/// The period turns burn rates into time: the time budget, the budget a burn spends in a
/// window, and the time to exhaustion.
///
/// ```
/// use std::time::Duration;
/// use canary_judge::slo::{Objective, Slo};
///
/// let slo = Slo::new(Objective::from_f64(0.999)?, Duration::from_secs(30 * 86_400))?;
/// assert_eq!(slo.time_budget(), Duration::from_secs(43 * 60 + 12)); // 43.2 minutes
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "SloFields")]
pub struct Slo {
    objective: Objective,
    period: Duration,
}

/// The serialized fields of a [`Slo`], validated on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SloFields {
    objective: Objective,
    period: Duration,
}

impl TryFrom<SloFields> for Slo {
    type Error = Error;

    fn try_from(fields: SloFields) -> Result<Self> {
        Slo::new(fields.objective, fields.period)
    }
}

impl Slo {
    /// A target over a period; the period must be positive and below 2^64 ns.
    pub fn new(objective: Objective, period: Duration) -> Result<Self> {
        positive_nanos(period, "period")?;
        Ok(Slo { objective, period })
    }

    /// The target.
    pub fn objective(&self) -> Objective {
        self.objective
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }

    /// The period in nanoseconds (validated to fit in `u64`).
    pub(crate) fn period_nanos(&self) -> u64 {
        u64::try_from(self.period.as_nanos()).unwrap_or(u64::MAX)
    }

    /// The time budget, `(1 - target) * period`, rounded down to the nanosecond: the bad time a
    /// time-based SLO allows (43.2 minutes at 99.9 % over 30 days).
    pub fn time_budget(&self) -> Duration {
        let budget = self.objective.error_budget();
        let nanos = u128::from(self.period_nanos()) * u128::from(budget.numerator())
            / u128::from(budget.denominator());
        // nanos <= period nanos < 2^64, so the conversion cannot fail.
        Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
    }

    /// The largest burn rate possible, `1 / (1 - target)`.
    pub fn max_burn_rate(&self) -> f64 {
        self.objective.max_burn_rate()
    }
}
