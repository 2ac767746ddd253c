//! The two-sample SPRT on error events: is the canary's error rate `r1` times the baseline's?
//!
//! Canary and baseline errors are Poisson processes with intensities `r λ(t) w(t)` and
//! `λ(t) (1 - w(t))`, where `w(t)` is the canary's traffic share and `λ(t)` an unknown,
//! arbitrarily varying error intensity. Given that an error happened at time `t`, it came from
//! the canary with probability `π(r, w) = w r / (w r + 1 - w)`; `λ(t)` cancels. The test is
//! Wald's SPRT on these labels, H0: `r = r0` (usually 1) against H1: `r = r1 > r0`.
//!
//! **Changing shares.** A rollout moves the share (5 % → 20 % → 50 %). Each event's factor
//! `π(r1, w)/π(r0, w)` or `(1 - π(r1, w))/(1 - π(r0, w))` uses the share in force when the
//! event happened. Because that share is fixed before the event's label is drawn (it may depend
//! on everything seen so far, not on the label), each factor has conditional mean 1 under H0,
//! the product stays a test martingale and Ville's inequality still bounds the type I error by
//! `alpha` at every look. A share that is chosen after seeing the label (for example reported
//! late and averaged over a window that includes later ticks) breaks this; report the share
//! that governed the tick.

use serde::{Deserialize, Serialize};

use super::sprt::{Increment, Sprt, SprtModel};
use super::sprt_models::BernoulliModel;
use crate::error::{Error, Result};

/// One tick of error events per arm, with the canary's traffic share during the tick.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmEvents {
    /// Error events from the canary.
    pub canary: u64,
    /// Error events from the baseline.
    pub baseline: u64,
    /// The canary's share of traffic (or exposure) during the tick, in (0, 1).
    pub canary_share: f64,
}

impl ArmEvents {
    /// `canary` and `baseline` events while the canary had `canary_share` of the traffic.
    pub fn new(canary: u64, baseline: u64, canary_share: f64) -> Self {
        ArmEvents {
            canary,
            baseline,
            canary_share,
        }
    }
}

/// H0: canary/baseline error-rate ratio `r0` against H1: ratio `r1 > r0`, on error events.
///
/// One error event is one sample unit; [`SequentialTest::observations`](super::SequentialTest::observations)
/// counts events in both arms. The guarantee holds for every ratio `r <= r0` under H0 and for
/// any baseline error intensity, however it varies in time.
///
/// ```
/// use canary_judge::stats::{ArmEvents, RateRatioModel, SequentialDecision, SequentialTest, SprtOptions, TwoSampleSprt};
///
/// // Roll back if the canary fails twice as often as the baseline.
/// let mut test = TwoSampleSprt::new(RateRatioModel::new(1.0, 2.0)?, SprtOptions::default())?;
/// test.update(ArmEvents::new(3, 40, 0.05))?; // 5 % of traffic on the canary
/// test.update(ArmEvents::new(20, 30, 0.20))?; // the next stage: 20 %
/// assert_eq!(test.decision(), SequentialDecision::Reject);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(try_from = "RateRatioParams", into = "RateRatioParams")]
pub struct RateRatioModel {
    r0: f64,
    r1: f64,
    /// `log(r1 / r0)`, added per canary event.
    log_ratio: f64,
    /// The last share seen and its `log_normaliser_ratio`: shares change
    /// once per rollout stage, so the logarithm is rarely recomputed. NaN when empty.
    cached_share: f64,
    cached_log_normaliser_ratio: f64,
}

/// Models are equal when their hypotheses are; the share cache is not part of the state.
impl PartialEq for RateRatioModel {
    fn eq(&self, other: &Self) -> bool {
        self.r0 == other.r0 && self.r1 == other.r1
    }
}

/// The serialized form of [`RateRatioModel`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RateRatioParams {
    r0: f64,
    r1: f64,
}

impl TryFrom<RateRatioParams> for RateRatioModel {
    type Error = Error;

    fn try_from(params: RateRatioParams) -> Result<Self> {
        RateRatioModel::new(params.r0, params.r1)
    }
}

impl From<RateRatioModel> for RateRatioParams {
    fn from(model: RateRatioModel) -> Self {
        RateRatioParams {
            r0: model.r0,
            r1: model.r1,
        }
    }
}

/// Wald's SPRT comparing canary and baseline error events (see [`RateRatioModel`]).
pub type TwoSampleSprt = Sprt<RateRatioModel>;

/// Checks that a canary share is strictly inside (0, 1).
fn check_share(share: f64) -> Result<f64> {
    if share > 0.0 && share < 1.0 {
        Ok(share)
    } else {
        Err(Error::invalid("canary_share", share, "in (0, 1)"))
    }
}

impl RateRatioModel {
    /// H0: ratio `r0` against H1: ratio `r1`, with `0 < r0 < r1 < inf`; `r0 = 1` tests "no
    /// worse than the baseline".
    pub fn new(r0: f64, r1: f64) -> Result<Self> {
        if !(r0 > 0.0 && r0.is_finite()) {
            return Err(Error::invalid("r0", r0, "positive and finite"));
        }
        if !(r1 > r0 && r1.is_finite()) {
            return Err(Error::invalid("r1", r1, "finite and above r0"));
        }
        Ok(RateRatioModel {
            r0,
            r1,
            log_ratio: r1.ln() - r0.ln(),
            cached_share: f64::NAN,
            cached_log_normaliser_ratio: 0.0,
        })
    }

    /// The rate ratio under H0.
    pub fn r0(&self) -> f64 {
        self.r0
    }

    /// The rate ratio under H1.
    pub fn r1(&self) -> f64 {
        self.r1
    }

    /// `π(r, w) = w r / (w r + 1 - w)`: the probability that an error event came from the
    /// canary when the rate ratio is `r` and the canary's share is `w`.
    pub fn canary_event_probability(ratio: f64, canary_share: f64) -> Result<f64> {
        if !(ratio > 0.0 && ratio.is_finite()) {
            return Err(Error::invalid("ratio", ratio, "positive and finite"));
        }
        let share = check_share(canary_share)?;
        Ok(share * ratio / (share * ratio + (1.0 - share)))
    }

    /// `log(n(r1, w) / n(r0, w))` with `n(r, w) = w r + 1 - w`, the normaliser of `π(r, w)`:
    /// one `ln_1p`, accurate for small shares.
    fn log_normaliser_ratio(&self, share: f64) -> f64 {
        let null_normaliser = 1.0 + share * (self.r0 - 1.0);
        (share * (self.r1 - self.r0) / null_normaliser).ln_1p()
    }
}

impl SprtModel for RateRatioModel {
    type Observation = ArmEvents;

    fn log_likelihood_ratio(&mut self, events: ArmEvents) -> Result<Increment> {
        let share = check_share(events.canary_share)?;
        let count = events
            .canary
            .checked_add(events.baseline)
            .ok_or(Error::CountOverflow {
                what: "canary plus baseline events",
                limit: u64::MAX,
            })?;
        // Per canary event log(π1/π0) = log(r1/r0) - log(n1/n0); per baseline event
        // log((1-π1)/(1-π0)) = -log(n1/n0), with n = w r + 1 - w.
        if share != self.cached_share {
            self.cached_log_normaliser_ratio = self.log_normaliser_ratio(share);
            self.cached_share = share;
        }
        let log_normaliser_ratio = self.cached_log_normaliser_ratio;
        Ok(Increment {
            log_lr: events.canary as f64 * self.log_ratio - count as f64 * log_normaliser_ratio,
            count,
        })
    }
}

impl Sprt<RateRatioModel> {
    /// The same test written on event labels at a fixed canary share `w`: an error-rate SPRT
    /// of `π(r0, w)` against `π(r1, w)`, with the same error rates.
    ///
    /// Use it to size the two-sample test with [`Sprt::wald_approximation`] or
    /// [`Sprt::exact_operating_characteristic`] (sample units: error events; the true rate
    /// `r` maps to the error rate [`RateRatioModel::canary_event_probability`]`(r, w)`).
    ///
    /// ```
    /// use canary_judge::stats::{RateRatioModel, SprtOptions, TwoSampleSprt};
    ///
    /// let test = TwoSampleSprt::new(RateRatioModel::new(1.0, 1.5)?, SprtOptions::default().beta(0.1))?;
    /// let wald = test.at_fixed_share(0.5)?.wald_approximation();
    /// println!("about {:.0} error events under H1", wald.alternative.expected_sample_size);
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn at_fixed_share(&self, canary_share: f64) -> Result<Sprt<BernoulliModel>> {
        let model = self.model();
        let p0 = RateRatioModel::canary_event_probability(model.r0, canary_share)?;
        let p1 = RateRatioModel::canary_event_probability(model.r1, canary_share)?;
        Sprt::new(BernoulliModel::new(p0, p1)?, *self.options())
    }
}
