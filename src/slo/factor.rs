//! Burn-rate factors: the multiple of the budget rate at which an alert tier fires.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::exact::{
    cmp_products, format_rational, parse_rational, positive_nanos, rational_from_f64, reduce,
    NumberOrText,
};
use super::{Counts, Fraction, Objective, Slo};
use crate::error::{Error, Result};

/// A burn-rate factor: an exact positive rational such as 14.4 (= 72/5).
///
/// Derive it from the share of the budget a tier may spend in its window
/// ([`BurnFactor::from_budget_share`]: 2 % in 1 hour of a 30-day period is 14.4) or give it
/// directly. Comparisons against counts are exact (see [`Objective::exceeds`]).
///
/// ```
/// use std::time::Duration;
/// use canary_judge::slo::{BurnFactor, Fraction};
///
/// const HOUR: u64 = 3600;
/// let factor = BurnFactor::from_budget_share(
///     "2%".parse()?,
///     Duration::from_secs(HOUR),
///     Duration::from_secs(30 * 24 * HOUR),
/// )?;
/// assert_eq!(factor, "14.4".parse()?);
/// assert_eq!(factor.to_string(), "14.4");
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "NumberOrText", into = "String")]
pub struct BurnFactor {
    num: u128,
    den: u128,
}

const ALLOWED: &str = "a positive burn-rate factor such as 14.4 or \"72/5\"";

impl BurnFactor {
    /// `num / den`, reduced; both must be positive.
    pub fn new(num: u128, den: u128) -> Result<Self> {
        if num == 0 || den == 0 {
            return Err(Error::invalid("factor", format!("{num}/{den}"), ALLOWED));
        }
        let (num, den) = reduce(num, den);
        Ok(BurnFactor { num, den })
    }

    /// The factor a float was written as (shortest round-trip decimal: `14.4` is 72/5).
    pub fn from_f64(value: f64) -> Result<Self> {
        let (num, den) = rational_from_f64(value, "factor")?;
        Self::new(num, den)
    }

    /// The factor at which `share` of the budget is spent in `window` of `period`:
    /// `share * period / window` (SRE Workbook ch. 5), so 2 % in 1 h of 30 d gives 14.4.
    pub fn from_budget_share(share: Fraction, window: Duration, period: Duration) -> Result<Self> {
        let window = positive_nanos(window, "window")?;
        let period = positive_nanos(period, "period")?;
        if share.numerator() == 0 {
            return Err(Error::invalid(
                "share",
                share,
                "a positive share of the error budget",
            ));
        }
        Self::new(
            u128::from(share.numerator()) * u128::from(period),
            u128::from(share.denominator()) * u128::from(window),
        )
    }

    /// Numerator of the reduced ratio.
    pub fn numerator(&self) -> u128 {
        self.num
    }

    /// Denominator of the reduced ratio.
    pub fn denominator(&self) -> u128 {
        self.den
    }

    /// The nearest float (for display; decisions use the exact ratio).
    pub fn to_f64(&self) -> f64 {
        super::exact::ratio_to_f64(self.num, self.den)
    }

    /// Compares the factor with `num / den` exactly.
    pub(crate) fn cmp_ratio(&self, num: u128, den: u128) -> Ordering {
        cmp_products(self.num, den, num, self.den)
    }
}

impl FromStr for BurnFactor {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let (num, den) = parse_rational(text, "factor")?;
        Self::new(num, den)
    }
}

impl fmt::Display for BurnFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_rational(self.num, self.den))
    }
}

impl TryFrom<NumberOrText> for BurnFactor {
    type Error = Error;

    fn try_from(value: NumberOrText) -> Result<Self> {
        let (num, den) = value.rational("factor")?;
        Self::new(num, den)
    }
}

impl From<BurnFactor> for String {
    fn from(value: BurnFactor) -> String {
        value.to_string()
    }
}

impl Objective {
    /// Whether the window burns the budget strictly faster than `factor` times the budget
    /// rate: `bad / total > factor * (1 - target)`, decided exactly in integers.
    ///
    /// The comparison is strict, as in the SRE Workbook, Sloth and Pyrra: a window exactly at
    /// the threshold does not exceed it (144 bad of 10,000 at 99.9 % is exactly 14.4× and does
    /// not exceed 14.4). A window with no events exceeds nothing.
    pub fn exceeds(&self, counts: Counts, factor: BurnFactor) -> bool {
        // bad * den * f_den  >  total * budget_num * f_num
        let budget = self.error_budget();
        let left = u128::from(counts.bad()) * u128::from(budget.denominator());
        let right = u128::from(counts.total()) * u128::from(budget.numerator());
        counts.total() > 0 && cmp_products(left, factor.den, right, factor.num).is_gt()
    }

    /// Whether `factor` can ever be exceeded: only below the maximum burn rate
    /// `1 / (1 - target)`, since no window can have more than all events bad.
    pub fn is_reachable(&self, factor: BurnFactor) -> bool {
        let budget = self.error_budget();
        factor
            .cmp_ratio(
                u128::from(budget.denominator()),
                u128::from(budget.numerator()),
            )
            .is_lt()
    }

    /// How long a single-window rule (`factor` over `window`) takes to fire once the error
    /// ratio jumps from 0 to `error_ratio` at constant traffic (SRE Workbook ch. 5):
    /// `(1 - target) / error_ratio * window * factor`. `None` when it never fires, that is
    /// when `error_ratio` is not above the rule's threshold `factor * (1 - target)`.
    pub fn detection_time(
        &self,
        factor: BurnFactor,
        window: Duration,
        error_ratio: f64,
    ) -> Result<Option<Duration>> {
        positive_nanos(window, "window")?;
        if !(0.0..=1.0).contains(&error_ratio) {
            return Err(Error::invalid(
                "error_ratio",
                error_ratio,
                "a ratio in [0, 1]",
            ));
        }
        let threshold = factor.to_f64() * self.error_budget().to_f64();
        if error_ratio <= threshold {
            return Ok(None);
        }
        Ok(Some(window.mul_f64(threshold / error_ratio)))
    }
}

impl Slo {
    /// The share of the period's budget spent by a constant burn rate over `window`:
    /// `burn_rate * window / period` (SRE Workbook ch. 5). 14.4× for 1 hour of 30 days is 2 %.
    pub fn budget_spent(&self, burn_rate: f64, window: Duration) -> Result<f64> {
        positive_nanos(window, "window")?;
        if !burn_rate.is_finite() || burn_rate < 0.0 {
            return Err(Error::invalid(
                "burn_rate",
                burn_rate,
                "a finite, nonnegative burn rate",
            ));
        }
        Ok(burn_rate * window.as_secs_f64() / self.period().as_secs_f64())
    }
}
