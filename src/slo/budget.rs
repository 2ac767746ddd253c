//! Error budget over the SLO period: allowed, consumed, remaining; burn rate; time to exhaustion.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::exact::cmp_products;
use super::{Counts, Fraction, Objective, Slo};
use crate::error::{Error, Result};

/// The error budget of one period's counts (the trailing period of a rolling SLO).
///
/// `consumed` is the share of the budget spent, `bad / ((1 - target) * total)`; it equals the
/// burn rate over the whole period (Sloth's `period_burn_rate`). `remaining = 1 - consumed`
/// (Sloth and Pyrra); it is negative when the budget is overspent and is never clamped.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BudgetStatus {
    /// The counts the status was computed from.
    pub counts: Counts,
    /// Bad events the budget allows, `(1 - target) * total`.
    pub allowed_bad: f64,
    /// Share of the budget spent; `None` when the period saw no events.
    pub consumed: Option<f64>,
    /// `1 - consumed`; `None` when the period saw no events.
    pub remaining: Option<f64>,
}

impl Objective {
    /// The burn rate of a window, `(bad / total) / (1 - target)`; `None` with no events.
    pub fn burn_rate(&self, counts: Counts) -> Option<f64> {
        let budget = self.error_budget();
        (counts.total() > 0).then(|| {
            (u128::from(counts.bad()) * u128::from(budget.denominator())) as f64
                / (u128::from(counts.total()) * u128::from(budget.numerator())) as f64
        })
    }

    /// Bad events a window of `total` events may hold, `(1 - target) * total`.
    pub fn allowed_bad(&self, total: u64) -> f64 {
        let budget = self.error_budget();
        (u128::from(total) * u128::from(budget.numerator())) as f64 / budget.denominator() as f64
    }

    /// Whole bad events the budget allows, `floor((1 - target) * total)`, exactly.
    pub fn allowed_bad_whole(&self, total: u64) -> u64 {
        let budget = self.error_budget();
        let whole =
            u128::from(total) * u128::from(budget.numerator()) / u128::from(budget.denominator());
        // whole <= total, so it fits.
        u64::try_from(whole).unwrap_or(u64::MAX)
    }

    /// The error budget of the period's counts.
    ///
    /// ```
    /// use canary_judge::slo::{Counts, Objective};
    ///
    /// // Pyrra's example: 99 %, 4,000 errors in 1,000,000 requests leaves 60 % of the budget.
    /// let status = Objective::from_f64(0.99)?.budget(Counts::new(4_000, 1_000_000)?);
    /// assert_eq!(status.allowed_bad, 10_000.0);
    /// assert!((status.remaining.unwrap() - 0.6).abs() < 1e-12);
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn budget(&self, counts: Counts) -> BudgetStatus {
        let consumed = self.burn_rate(counts);
        BudgetStatus {
            counts,
            allowed_bad: self.allowed_bad(counts.total()),
            consumed,
            remaining: consumed.map(|c| 1.0 - c),
        }
    }

    /// Whether at least `share` of the budget remains, decided exactly:
    /// `1 - bad / ((1 - target) * total) >= share`. `None` with no events.
    pub fn remaining_at_least(&self, counts: Counts, share: Fraction) -> Option<bool> {
        // (d - n) * total * b >= d * bad * den, with share = n / d.
        let budget = self.error_budget();
        let (n, d) = (share.numerator(), share.denominator());
        let allowed = u128::from(counts.total()) * u128::from(budget.numerator());
        let spent = u128::from(counts.bad()) * u128::from(budget.denominator());
        (counts.total() > 0)
            .then(|| cmp_products(u128::from(d - n), allowed, u128::from(d), spent).is_ge())
    }
}

/// When a constant burn rate exhausts what is left of the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exhaustion {
    /// The burn rate is 0: the budget is never exhausted.
    Never,
    /// Nothing remains: the budget is already exhausted (or overspent).
    Exhausted,
    /// The budget runs out after this long (saturating at `Duration::MAX`).
    After(Duration),
}

impl Slo {
    /// Time until a constant `burn_rate` exhausts the `remaining` share of the budget:
    /// `remaining * period / burn_rate`. With a full budget (`remaining = 1`) this is
    /// `period / burn_rate` (SRE Workbook Table 5-4: burn 1,000 at 99.9 % over 30 days
    /// exhausts the budget in 43.2 minutes).
    ///
    /// ```
    /// use std::time::Duration;
    /// use canary_judge::slo::{Exhaustion, Objective, Slo};
    ///
    /// let slo = Slo::new(Objective::from_f64(0.999)?, Duration::from_secs(30 * 86_400))?;
    /// let half_left = slo.time_to_exhaustion(0.5, 2.0)?;
    /// assert_eq!(half_left, Exhaustion::After(Duration::from_secs(7 * 86_400 + 43_200)));
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn time_to_exhaustion(&self, remaining: f64, burn_rate: f64) -> Result<Exhaustion> {
        if !burn_rate.is_finite() || burn_rate < 0.0 {
            return Err(Error::invalid(
                "burn_rate",
                burn_rate,
                "a finite, nonnegative burn rate",
            ));
        }
        if !remaining.is_finite() || remaining > 1.0 {
            return Err(Error::invalid(
                "remaining",
                remaining,
                "a finite share of the budget, at most 1 (negative when overspent)",
            ));
        }
        if remaining <= 0.0 {
            return Ok(Exhaustion::Exhausted);
        }
        if burn_rate == 0.0 {
            return Ok(Exhaustion::Never);
        }
        let seconds = remaining * self.period().as_secs_f64() / burn_rate;
        Ok(Exhaustion::After(
            Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX),
        ))
    }
}
