//! The low-volume guard: do not page on a window too small to tell.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use super::{BurnFactor, Counts, Objective};
use crate::error::{Error, Result};

/// When a window above its threshold is still too small to act on.
///
/// Two checks, applied only to a window whose burn rate exceeds its tier's factor:
///
/// - **budget events**: the window's share of the budget, `(1 - target) * total`, must allow at
///   least `min_budget_events` bad events (Pyrra's "too few requests" rule; default 1). At
///   99.9 % a window needs 1,000 events before one failure is within budget.
/// - **Wilson interval** (off by default): the lower end of the two-sided Wilson score interval
///   on the error ratio, at the given confidence, must lie above the threshold. 20 bad of 1,000
///   at 99.9 % is a 20× burn, but its 95 % interval (12.98× to 30.69×) straddles 14.4×.
///
/// A window that fails either check is reported as [`WindowStatus::LowVolume`] or
/// [`WindowStatus::Uncertain`](super::WindowStatus::Uncertain), and its tier as
/// inconclusive instead of firing.
///
/// [`WindowStatus::LowVolume`]: super::WindowStatus::LowVolume
///
/// ```
/// use canary_judge::slo::VolumeGuard;
///
/// let guard = VolumeGuard::default().with_wilson(0.95)?;
/// assert_eq!(guard.min_budget_events(), 1);
/// assert_eq!(guard.wilson_confidence(), Some(0.95));
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GuardFields")]
pub struct VolumeGuard {
    min_budget_events: u64,
    wilson_confidence: Option<f64>,
}

/// The serialized fields of a [`VolumeGuard`], validated on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardFields {
    min_budget_events: u64,
    wilson_confidence: Option<f64>,
}

impl TryFrom<GuardFields> for VolumeGuard {
    type Error = Error;

    fn try_from(fields: GuardFields) -> Result<Self> {
        let guard = VolumeGuard::off().with_min_budget_events(fields.min_budget_events);
        match fields.wilson_confidence {
            Some(confidence) => guard.with_wilson(confidence),
            None => Ok(guard),
        }
    }
}

impl Default for VolumeGuard {
    /// At least one bad event of budget per window; no interval check.
    fn default() -> Self {
        VolumeGuard {
            min_budget_events: 1,
            wilson_confidence: None,
        }
    }
}

/// What the guard says about a window above its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GuardCheck {
    Pass,
    LowVolume,
    Uncertain,
}

impl VolumeGuard {
    /// No guard: every window above its threshold counts.
    pub fn off() -> Self {
        VolumeGuard {
            min_budget_events: 0,
            wilson_confidence: None,
        }
    }

    /// Require the window's budget to allow at least `events` bad events (0 turns it off).
    pub fn with_min_budget_events(mut self, events: u64) -> Self {
        self.min_budget_events = events;
        self
    }

    /// Require the Wilson interval at `confidence` (in (0, 1)) to lie above the threshold.
    pub fn with_wilson(mut self, confidence: f64) -> Result<Self> {
        z_score(confidence)?;
        self.wilson_confidence = Some(confidence);
        Ok(self)
    }

    /// The minimum of bad events the window's budget must allow.
    pub fn min_budget_events(&self) -> u64 {
        self.min_budget_events
    }

    /// The confidence of the Wilson check, if on.
    pub fn wilson_confidence(&self) -> Option<f64> {
        self.wilson_confidence
    }

    /// Checks a window that is above its threshold.
    pub(crate) fn check(
        &self,
        objective: &Objective,
        counts: Counts,
        factor: BurnFactor,
    ) -> GuardCheck {
        // (1 - target) * total >= min  <=>  total * b >= min * den.
        let budget = objective.error_budget();
        let allowed = u128::from(counts.total()) * u128::from(budget.numerator());
        if allowed < u128::from(self.min_budget_events) * u128::from(budget.denominator()) {
            return GuardCheck::LowVolume;
        }
        let threshold = factor.to_f64() * budget.to_f64();
        let low = self
            .wilson_confidence
            .and_then(|confidence| wilson_interval(counts, confidence).ok().flatten())
            .map(|(low, _)| low);
        match low {
            Some(low) if low <= threshold => GuardCheck::Uncertain,
            _ => GuardCheck::Pass,
        }
    }
}

/// The two-sided normal quantile for `confidence`.
fn z_score(confidence: f64) -> Result<f64> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(Error::invalid(
            "confidence",
            confidence,
            "a confidence level strictly between 0 and 1, such as 0.95",
        ));
    }
    Ok(Normal::standard().inverse_cdf(0.5 + confidence / 2.0))
}

/// The Wilson score interval for the error ratio `bad / total` at `confidence` (two-sided).
///
/// `None` when the window saw no events. With `p = bad/total`, `n = total` and `z` the normal
/// quantile: `(p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)`, clamped to [0, 1].
///
/// ```
/// use canary_judge::slo::{wilson_interval, Counts};
///
/// let (low, high) = wilson_interval(Counts::new(1, 10)?, 0.95)?.unwrap();
/// assert!((low - 0.017876).abs() < 1e-6 && (high - 0.404150).abs() < 1e-6);
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn wilson_interval(counts: Counts, confidence: f64) -> Result<Option<(f64, f64)>> {
    let z = z_score(confidence)?;
    if counts.total() == 0 {
        return Ok(None);
    }
    let n = counts.total() as f64;
    let p = counts.bad() as f64 / n;
    let z2n = z * z / n;
    let center = (p + z2n / 2.0) / (1.0 + z2n);
    let half = z * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt() / (1.0 + z2n);
    Ok(Some(((center - half).max(0.0), (center + half).min(1.0))))
}
