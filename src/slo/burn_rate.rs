//! Evaluating a multiwindow, multi-burn-rate policy on window counts.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::volume::GuardCheck;
use super::{AlertTier, BurnFactor, Counts, MultiWindowPolicy, Objective, Severity, WindowCounts};
use crate::error::Result;

/// How one window compares with its tier's threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowStatus {
    /// No events in the window.
    NoData,
    /// The burn rate is at or below the factor.
    NotAbove,
    /// The burn rate is strictly above the factor.
    Above,
    /// Above the factor, but the window's budget allows fewer bad events than the guard asks.
    LowVolume,
    /// Above the factor, but the Wilson interval reaches down to the threshold.
    Uncertain,
}

impl WindowStatus {
    /// Above the factor by the counts, whether or not the guard trusts it.
    fn over(self) -> bool {
        matches!(
            self,
            WindowStatus::Above | WindowStatus::LowVolume | WindowStatus::Uncertain
        )
    }
}

/// One window of one tier, with the numbers behind its status.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WindowReading {
    /// The window length.
    pub window: Duration,
    /// The counts read for it.
    pub counts: Counts,
    /// `bad / total`; `None` with no events.
    pub error_ratio: Option<f64>,
    /// `error_ratio / (1 - target)`; `None` with no events.
    pub burn_rate: Option<f64>,
    /// Bad events the window's budget allows, `(1 - target) * total`.
    pub allowed_bad: f64,
    /// How the window compares with the threshold.
    pub status: WindowStatus,
}

/// The state of one tier (the long/short states of Kibana's burn-rate panels, plus the
/// guard's and no data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierState {
    /// Both windows above the factor, trusted by the guard: the tier fires.
    Firing,
    /// Both windows above the factor, but at least one is too small to trust.
    Inconclusive,
    /// The long window is above, the short one is not: the problem has stopped.
    Recovering,
    /// The short window is above, the long one is not (yet).
    Increasing,
    /// Neither window is above.
    Quiet,
    /// The long window saw no events.
    NoData,
}

/// One tier's evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TierReport {
    /// The tier's severity.
    pub severity: Severity,
    /// The burn-rate factor both windows must exceed.
    pub factor: BurnFactor,
    /// The error-ratio threshold, `factor * (1 - target)`.
    pub threshold_ratio: f64,
    /// Share of the period's budget spent when the long window sits at the threshold,
    /// `factor * long / period` (2 % for 14.4× over 1 h of 30 d).
    pub budget_spent_at_threshold: f64,
    /// The long window.
    pub long: WindowReading,
    /// The short window.
    pub short: WindowReading,
    /// The tier's state.
    pub state: TierState,
}

/// What the policy says as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BurnVerdict {
    /// At least one tier fires; this is the most severe (first in the list among equals).
    Firing {
        /// Index of the tier in the policy.
        tier: usize,
        /// Its severity.
        severity: Severity,
    },
    /// No tier fires, but one would if its windows held enough traffic to trust.
    Inconclusive {
        /// Index of the most severe such tier.
        tier: usize,
    },
    /// No tier fires.
    Quiet,
    /// No tier's long window saw any event.
    NoData,
}

/// The evaluation of a [`MultiWindowPolicy`]: the verdict, every tier's numbers and a reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MultiWindowReport {
    /// The verdict: the most severe firing tier, or why none fires.
    pub verdict: BurnVerdict,
    /// Every tier, in the policy's order.
    pub tiers: Vec<TierReport>,
    /// One line for people.
    pub reason: String,
}

impl MultiWindowPolicy {
    /// Evaluates every tier on the counts of its windows and reports the most severe tier
    /// that fires (the Workbook's suppression: one incident fires several tiers, report one).
    ///
    /// A window is above its tier when `bad / total > factor * (1 - target)`, decided
    /// exactly; a window exactly at the threshold is not above it. A window above its
    /// threshold that the [`VolumeGuard`](super::VolumeGuard) does not trust makes its tier
    /// inconclusive, never firing. Fails only when `source` lacks a window the policy reads.
    ///
    /// ```
    /// use std::time::Duration;
    /// use canary_judge::slo::{BurnVerdict, Counts, MultiWindowPolicy, Objective, Severity, Slo};
    ///
    /// let (m, h) = (60, 3600);
    /// let slo = Slo::new(Objective::from_f64(0.999)?, Duration::from_secs(30 * 24 * h))?;
    /// let policy = MultiWindowPolicy::workbook(slo)?;
    /// // 1.5 % errors for the last hour on 1,000 requests a minute: a 15x burn.
    /// let window = |secs: u64, bad: u64| -> Result<_, canary_judge::Error> {
    ///     Ok((Duration::from_secs(secs), Counts::new(bad, secs / 60 * 1_000)?))
    /// };
    /// let counts = vec![
    ///     window(5 * m, 75)?, window(h, 900)?, window(30 * m, 450)?, window(6 * h, 900)?,
    ///     window(2 * h, 900)?, window(24 * h, 900)?, window(6 * h, 900)?, window(72 * h, 900)?,
    /// ];
    /// let report = policy.evaluate(&counts)?;
    /// assert_eq!(report.verdict, BurnVerdict::Firing { tier: 0, severity: Severity::Page });
    /// println!("{}", report.reason);
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn evaluate<S: WindowCounts + ?Sized>(&self, source: &S) -> Result<MultiWindowReport> {
        let tiers = self
            .tiers()
            .iter()
            .map(|tier| self.evaluate_tier(tier, source))
            .collect::<Result<Vec<_>>>()?;
        let verdict = verdict(&tiers);
        let reason = reason(verdict, &tiers, self.tiers().len());
        Ok(MultiWindowReport {
            verdict,
            tiers,
            reason,
        })
    }

    fn evaluate_tier<S: WindowCounts + ?Sized>(
        &self,
        tier: &AlertTier,
        source: &S,
    ) -> Result<TierReport> {
        let objective = self.slo().objective();
        let read = |window: Duration| -> Result<WindowReading> {
            let counts = source.window_counts(window)?;
            Ok(self.reading(&objective, tier.factor(), window, counts))
        };
        let long = read(tier.long())?;
        let short = read(tier.short())?;
        let state = match (long.status, short.status) {
            (WindowStatus::NoData, _) => TierState::NoData,
            (WindowStatus::Above, WindowStatus::Above) => TierState::Firing,
            (l, s) if l.over() && s.over() => TierState::Inconclusive,
            (l, _) if l.over() => TierState::Recovering,
            (_, s) if s.over() => TierState::Increasing,
            _ => TierState::Quiet,
        };
        let factor = tier.factor().to_f64();
        Ok(TierReport {
            severity: tier.severity(),
            factor: tier.factor(),
            threshold_ratio: factor * objective.error_budget().to_f64(),
            budget_spent_at_threshold: factor * tier.long().as_secs_f64()
                / self.slo().period().as_secs_f64(),
            long,
            short,
            state,
        })
    }

    fn reading(
        &self,
        objective: &Objective,
        factor: BurnFactor,
        window: Duration,
        counts: Counts,
    ) -> WindowReading {
        let status = if counts.total() == 0 {
            WindowStatus::NoData
        } else if !objective.exceeds(counts, factor) {
            WindowStatus::NotAbove
        } else {
            match self.guard().check(objective, counts, factor) {
                GuardCheck::Pass => WindowStatus::Above,
                GuardCheck::LowVolume => WindowStatus::LowVolume,
                GuardCheck::Uncertain => WindowStatus::Uncertain,
            }
        };
        WindowReading {
            window,
            counts,
            error_ratio: counts.error_ratio(),
            burn_rate: objective.burn_rate(counts),
            allowed_bad: objective.allowed_bad(counts.total()),
            status,
        }
    }
}

/// The most severe tier in `state` (first in the list among equal severities).
fn most_severe(tiers: &[TierReport], state: TierState) -> Option<usize> {
    tiers
        .iter()
        .enumerate()
        .filter(|(_, t)| t.state == state)
        .min_by_key(|(i, t)| (std::cmp::Reverse(t.severity), *i))
        .map(|(i, _)| i)
}

fn verdict(tiers: &[TierReport]) -> BurnVerdict {
    if let Some(tier) = most_severe(tiers, TierState::Firing) {
        BurnVerdict::Firing {
            tier,
            severity: tiers[tier].severity,
        }
    } else if let Some(tier) = most_severe(tiers, TierState::Inconclusive) {
        BurnVerdict::Inconclusive { tier }
    } else if tiers.iter().all(|t| t.state == TierState::NoData) {
        BurnVerdict::NoData
    } else {
        BurnVerdict::Quiet
    }
}

fn reason(verdict: BurnVerdict, tiers: &[TierReport], count: usize) -> String {
    let describe = |i: usize| {
        let t = &tiers[i];
        format!(
            "tier {} of {count} ({:?}, {}x over {} and {})",
            i + 1,
            t.severity,
            t.factor,
            span(t.long.window),
            span(t.short.window),
        )
    };
    let burn = |w: &WindowReading| w.burn_rate.map_or("no data".into(), |b| format!("{b:.3}x"));
    match verdict {
        BurnVerdict::Firing { tier, .. } => {
            let t = &tiers[tier];
            format!(
                "{} fires: burn rate {} over {} and {} over {}",
                describe(tier),
                burn(&t.long),
                span(t.long.window),
                burn(&t.short),
                span(t.short.window),
            )
        }
        BurnVerdict::Inconclusive { tier } => {
            let t = &tiers[tier];
            let doubtful = [&t.long, &t.short]
                .into_iter()
                .find(|w| w.status != WindowStatus::Above)
                .unwrap_or(&t.long);
            let why = if doubtful.status == WindowStatus::LowVolume {
                format!(
                    "its budget allows only {:.3} bad events",
                    doubtful.allowed_bad
                )
            } else {
                "its confidence interval reaches down to the threshold".to_string()
            };
            format!(
                "{} would fire, but the {} window ({} bad of {}) is too small to tell: {why}",
                describe(tier),
                span(doubtful.window),
                doubtful.counts.bad(),
                doubtful.counts.total(),
            )
        }
        BurnVerdict::Quiet => "no tier is above its factor in both windows".into(),
        BurnVerdict::NoData => "no events in any tier's long window".into(),
    }
}

/// A duration in the largest whole unit: `5m`, `6h`, `3d`, else seconds.
fn span(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        _ if d.subsec_nanos() != 0 || s == 0 => format!("{:?}", d),
        _ if s.is_multiple_of(86_400) => format!("{}d", s / 86_400),
        _ if s.is_multiple_of(3_600) => format!("{}h", s / 3_600),
        _ if s.is_multiple_of(60) => format!("{}m", s / 60),
        _ => format!("{s}s"),
    }
}
