//! The release gate on the remaining error budget: allow, caution or freeze.

use serde::{Deserialize, Serialize};

use super::{BudgetStatus, Counts, Fraction, Objective};
use crate::error::{Error, Result};

/// What the budget says about releasing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateDecision {
    /// Enough budget remains: release as usual.
    Allow,
    /// Budget is getting low: release with extra care (smaller steps, more review).
    Caution,
    /// Too little budget (or none): halt releases other than fixes.
    Freeze,
    /// The period saw no events, so the budget is unknown; the caller decides.
    NoData,
}

/// A release gate on the share of the error budget left over the trailing SLO period.
///
/// With remaining budget `r`: `r >= allow_from` allows, `freeze_below <= r < allow_from` asks
/// for caution, `r < freeze_below` freezes. Both bounds are exact fractions and are compared
/// exactly, so a budget exactly at a bound gets the more permissive decision.
///
/// The default ladder (allow from 50 %, freeze below 20 %) is a common convention, not a
/// standard. [`BudgetGate::exhaustion_only`] is the SRE Workbook's example policy (App. B):
/// freeze only when the budget of the trailing period is overspent.
///
/// ```
/// use canary_judge::slo::{BudgetGate, Counts, GateDecision, Objective};
///
/// let slo = Objective::from_f64(0.999)?;
/// let gate = BudgetGate::default();
/// // 1,000,000 requests allow 1,000 bad; 700 spent leaves 30 %.
/// let report = gate.decide(&slo, Counts::new(700, 1_000_000)?);
/// assert_eq!(report.decision, GateDecision::Caution);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "GateFields")]
pub struct BudgetGate {
    allow_from: Fraction,
    freeze_below: Fraction,
}

/// The serialized fields of a [`BudgetGate`], validated on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GateFields {
    allow_from: Fraction,
    freeze_below: Fraction,
}

impl TryFrom<GateFields> for BudgetGate {
    type Error = Error;

    fn try_from(f: GateFields) -> Result<Self> {
        BudgetGate::new(f.allow_from, f.freeze_below)
    }
}

impl Default for BudgetGate {
    /// Allow from 50 % remaining, caution from 20 %, freeze below 20 %.
    fn default() -> Self {
        BudgetGate {
            allow_from: Fraction::reduced(1, 2),
            freeze_below: Fraction::reduced(1, 5),
        }
    }
}

/// A gate decision with the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateReport {
    /// The decision.
    pub decision: GateDecision,
    /// The budget it was made on.
    pub budget: BudgetStatus,
    /// The gate's bounds.
    pub gate: BudgetGate,
    /// One line for people.
    pub reason: String,
}

impl BudgetGate {
    /// A gate that allows from `allow_from` remaining and freezes below `freeze_below`;
    /// requires `freeze_below <= allow_from`.
    pub fn new(allow_from: Fraction, freeze_below: Fraction) -> Result<Self> {
        let (a, f) = (allow_from, freeze_below);
        // f <= a  <=>  f.num * a.den <= a.num * f.den
        if u128::from(f.numerator()) * u128::from(a.denominator())
            > u128::from(a.numerator()) * u128::from(f.denominator())
        {
            return Err(Error::InvalidConfig {
                field: "freeze_below".into(),
                value: f.to_string(),
                reason: format!("must be at most allow_from ({a})"),
            });
        }
        Ok(BudgetGate {
            allow_from,
            freeze_below,
        })
    }

    /// The Workbook's example policy: allow while any budget remains (`r >= 0`), freeze once
    /// the trailing period's budget is overspent. No caution band.
    pub fn exhaustion_only() -> Self {
        BudgetGate {
            allow_from: Fraction::ZERO,
            freeze_below: Fraction::ZERO,
        }
    }

    /// Remaining share from which releases are allowed.
    pub fn allow_from(&self) -> Fraction {
        self.allow_from
    }

    /// Remaining share below which releases freeze.
    pub fn freeze_below(&self) -> Fraction {
        self.freeze_below
    }

    /// The decision for the counts of the trailing SLO period.
    pub fn decide(&self, objective: &Objective, period_counts: Counts) -> GateReport {
        let decision = match (
            objective.remaining_at_least(period_counts, self.allow_from),
            objective.remaining_at_least(period_counts, self.freeze_below),
        ) {
            (None, _) | (_, None) => GateDecision::NoData,
            (Some(true), _) => GateDecision::Allow,
            (_, Some(true)) => GateDecision::Caution,
            _ => GateDecision::Freeze,
        };
        let budget = objective.budget(period_counts);
        let left = budget.remaining.map_or(String::new(), |r| {
            format!("{:.2}% of the error budget remains", 100.0 * r)
        });
        let reason = match decision {
            GateDecision::NoData => "no events in the period: the budget is unknown".to_string(),
            GateDecision::Allow => {
                format!("{left}, at least the {} needed to allow", self.allow_from)
            }
            GateDecision::Caution => format!(
                "{left}, below the {} needed to allow but not below the freeze bound {}",
                self.allow_from, self.freeze_below
            ),
            GateDecision::Freeze => format!("{left}, below the freeze bound {}", self.freeze_below),
        };
        GateReport {
            decision,
            budget,
            gate: *self,
            reason,
        }
    }
}
