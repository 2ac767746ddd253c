//! Alert tiers of a multiwindow, multi-burn-rate policy, and their validation.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::exact::positive_nanos;
use super::{BurnFactor, Fraction, Slo, VolumeGuard};
use crate::error::{Error, Result};

/// How urgent a firing tier is. `Page` outranks `Ticket`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Needs attention within working hours.
    Ticket,
    /// Needs attention now.
    Page,
}

/// One tier: fires when the burn rate exceeds `factor` over both its long and short window.
///
/// The short window (the Workbook suggests 1/12 of the long one) makes the alert stop soon
/// after the errors stop; the long window makes it ignore short spikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "TierFields")]
pub struct AlertTier {
    severity: Severity,
    factor: BurnFactor,
    long: Duration,
    short: Duration,
}

/// The serialized fields of an [`AlertTier`], validated on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TierFields {
    severity: Severity,
    factor: BurnFactor,
    long: Duration,
    short: Duration,
}

impl TryFrom<TierFields> for AlertTier {
    type Error = Error;

    fn try_from(f: TierFields) -> Result<Self> {
        AlertTier::new(f.severity, f.factor, f.long, f.short)
    }
}

impl AlertTier {
    /// A tier with a given factor; requires `0 < short < long`.
    pub fn new(
        severity: Severity,
        factor: BurnFactor,
        long: Duration,
        short: Duration,
    ) -> Result<Self> {
        positive_nanos(long, "long")?;
        positive_nanos(short, "short")?;
        if short >= long {
            return Err(Error::invalid(
                "short",
                format!("{short:?} (long {long:?})"),
                "a short window strictly shorter than the long window",
            ));
        }
        Ok(AlertTier {
            severity,
            factor,
            long,
            short,
        })
    }

    /// A tier that fires once `share` of the budget of `period` is spent within `long`:
    /// factor `share * period / long` (2 % in 1 h of 30 d is 14.4).
    pub fn from_budget_share(
        severity: Severity,
        share: Fraction,
        long: Duration,
        short: Duration,
        period: Duration,
    ) -> Result<Self> {
        let factor = BurnFactor::from_budget_share(share, long, period)?;
        Self::new(severity, factor, long, short)
    }

    /// How urgent the tier is.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// The burn-rate factor both windows must exceed.
    pub fn factor(&self) -> BurnFactor {
        self.factor
    }

    /// The long window.
    pub fn long(&self) -> Duration {
        self.long
    }

    /// The short window.
    pub fn short(&self) -> Duration {
        self.short
    }
}

/// A multiwindow, multi-burn-rate alerting policy for one SLO (SRE Workbook ch. 5).
///
/// Tiers are OR-ed; within a tier, the long and short windows are AND-ed. Construction checks
/// that every tier fits the SLO: its long window is at most the period, and its factor is
/// below the maximum burn rate `1 / (1 - target)` (a tier at or above it can never fire).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PolicyFields")]
pub struct MultiWindowPolicy {
    slo: Slo,
    tiers: Vec<AlertTier>,
    guard: VolumeGuard,
}

/// The serialized fields of a [`MultiWindowPolicy`], validated on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFields {
    slo: Slo,
    tiers: Vec<AlertTier>,
    #[serde(default)]
    guard: VolumeGuard,
}

impl TryFrom<PolicyFields> for MultiWindowPolicy {
    type Error = Error;

    fn try_from(f: PolicyFields) -> Result<Self> {
        Ok(MultiWindowPolicy::new(f.slo, f.tiers)?.with_guard(f.guard))
    }
}

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

/// The Workbook's tiers as (severity, budget share in percent, long, short) in seconds.
const WORKBOOK: [(Severity, u64, u64, u64); 4] = [
    (Severity::Page, 2, HOUR, 5 * MINUTE),
    (Severity::Page, 5, 6 * HOUR, 30 * MINUTE),
    (Severity::Ticket, 10, DAY, 2 * HOUR),
    (Severity::Ticket, 10, 3 * DAY, 6 * HOUR),
];

impl MultiWindowPolicy {
    /// A policy with the given tiers (at least one) and the default [`VolumeGuard`].
    pub fn new(slo: Slo, tiers: Vec<AlertTier>) -> Result<Self> {
        if tiers.is_empty() {
            return Err(Error::invalid("tiers", "[]", "at least one alert tier"));
        }
        let objective = slo.objective();
        for (i, tier) in tiers.iter().enumerate() {
            if tier.long > slo.period() {
                return Err(Error::InvalidConfig {
                    field: format!("tiers[{i}].long"),
                    value: format!("{:?}", tier.long),
                    reason: format!(
                        "the long window must not exceed the SLO period ({:?})",
                        slo.period()
                    ),
                });
            }
            if !objective.is_reachable(tier.factor) {
                return Err(Error::InvalidConfig {
                    field: format!("tiers[{i}].factor"),
                    value: tier.factor.to_string(),
                    reason: format!(
                        "the tier can never fire: at target {objective} the burn rate is at \
                         most {} (every event bad), and a tier fires only above its factor",
                        objective.max_burn_rate()
                    ),
                });
            }
        }
        Ok(MultiWindowPolicy {
            slo,
            tiers,
            guard: VolumeGuard::default(),
        })
    }

    /// The SRE Workbook's tiers, with factors derived for the SLO's period from the share of
    /// budget each tier spends: page on 2 % in 1 h (and 5 m), page on 5 % in 6 h (and 30 m),
    /// ticket on 10 % in 1 d (and 2 h), ticket on 10 % in 3 d (and 6 h). Over 30 days the
    /// factors are 14.4, 6, 3 and 1; over 28 days 13.44, 5.6, 2.8 and 0.9333.
    ///
    /// Fails when the period is shorter than 3 days or the target is so loose that a tier can
    /// never fire (at 90 % over 30 days the maximum burn rate is 10, below 14.4).
    pub fn workbook(slo: Slo) -> Result<Self> {
        let tiers = WORKBOOK
            .iter()
            .map(|&(severity, percent, long, short)| {
                AlertTier::from_budget_share(
                    severity,
                    Fraction::new(percent, 100)?,
                    Duration::from_secs(long),
                    Duration::from_secs(short),
                    slo.period(),
                )
            })
            .collect::<Result<Vec<_>>>()?;
        Self::new(slo, tiers)
    }

    /// The same policy with another low-volume guard.
    pub fn with_guard(mut self, guard: VolumeGuard) -> Self {
        self.guard = guard;
        self
    }

    /// The SLO.
    pub fn slo(&self) -> Slo {
        self.slo
    }

    /// The tiers, in the order given.
    pub fn tiers(&self) -> &[AlertTier] {
        &self.tiers
    }

    /// The low-volume guard.
    pub fn guard(&self) -> VolumeGuard {
        self.guard
    }
}
