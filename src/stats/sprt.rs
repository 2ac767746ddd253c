//! Wald's sequential probability ratio test: one engine for every simple-versus-simple model.
//!
//! The engine keeps the running log likelihood ratio `Z_n = sum log f1(x_i)/f0(x_i)` and
//! compares it with `log A = log((1-beta)/alpha)` (reject H0) and `log B = log(beta/(1-alpha))`
//! (accept H0). A model ([`SprtModel`]) only says how one observation or one tick's batch moves
//! `Z`; the models shipped are [`BernoulliModel`](super::BernoulliModel),
//! [`PoissonModel`](super::PoissonModel), [`NormalModel`](super::NormalModel) and the
//! two-sample [`RateRatioModel`](super::RateRatioModel).

use serde::{Deserialize, Serialize};

use super::sequential::{SequentialDecision, SequentialTest};
use crate::error::{Error, Result};

/// How one observation (or one tick's batch) changes the log likelihood ratio.
///
/// Implement it to run Wald's SPRT on a model this crate does not ship: return
/// `log f1(x)/f0(x)` for the batch and how many observations it holds. Validate the
/// observation here and return an error rather than a non-finite increment. The model is
/// borrowed mutably so that it can memoise constants that depend on the tick (the two-sample
/// model keeps the log term of the last traffic share); such a cache must be a pure function
/// of the observation, so that a restored test computes the same values.
pub trait SprtModel {
    /// One observation or one tick's batch.
    type Observation;

    /// The log likelihood ratio of the batch and the number of observations in it.
    fn log_likelihood_ratio(&mut self, observation: Self::Observation) -> Result<Increment>;
}

/// The effect of one batch on the test: its log likelihood ratio and its size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Increment {
    /// `log f1(batch) / f0(batch)`, finite.
    pub log_lr: f64,
    /// How many observations (requests, events, values) the batch holds.
    pub count: u64,
}

/// The error rates a Wald SPRT is designed for.
///
/// `alpha` bounds the probability of rejecting H0 when it holds (a false rollback); `beta` is
/// the probability of accepting H0 at the alternative (a missed regression). Both in (0, 1)
/// with `alpha + beta < 1`; checked when the test is built.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SprtOptions {
    /// Type I error: probability of rejecting a true H0. Default 0.05.
    pub alpha: f64,
    /// Type II error at the alternative: probability of accepting H0 there. Default 0.2.
    pub beta: f64,
}

impl Default for SprtOptions {
    fn default() -> Self {
        SprtOptions {
            alpha: 0.05,
            beta: 0.2,
        }
    }
}

impl SprtOptions {
    /// Sets the type I error `alpha`.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets the type II error `beta` at the alternative.
    pub fn beta(mut self, beta: f64) -> Self {
        self.beta = beta;
        self
    }

    /// `(log A, log B)` after checking the error rates.
    fn log_boundaries(&self) -> Result<(f64, f64)> {
        let open_unit = "in (0, 1)";
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(Error::invalid("alpha", self.alpha, open_unit));
        }
        if !(self.beta > 0.0 && self.beta < 1.0) {
            return Err(Error::invalid("beta", self.beta, open_unit));
        }
        if self.alpha + self.beta >= 1.0 {
            return Err(Error::invalid(
                "alpha + beta",
                self.alpha + self.beta,
                "below 1 (otherwise the test can decide without data)",
            ));
        }
        // log A = log(1 - beta) - log(alpha); log B = log(beta) - log(1 - alpha).
        let log_upper = (-self.beta).ln_1p() - self.alpha.ln();
        let log_lower = self.beta.ln() - (-self.alpha).ln_1p();
        Ok((log_upper, log_lower))
    }
}

/// Wald's SPRT for the model `M`, as streaming, serializable state.
///
/// Feed observations with [`SequentialTest::update`]; the decision is `Reject` once
/// `Z_n >= log A`, `Accept` once `Z_n <= log B`, `Continue` in between. Each update is O(1)
/// and all arithmetic is in log space, so millions of events neither overflow nor lose the
/// statistic. An update that fails validation leaves the state unchanged.
///
/// **Sticky decisions.** The first boundary crossed is the decision and it never changes: that
/// is the test whose error rates Wald's theory (and [`Sprt::wald_approximation`]) describe.
/// Later observations still move the statistic, the count and the p-value.
///
/// **Always-valid p-value.** Under a simple H0 `exp(Z_n)` is a nonnegative martingale with
/// mean 1, so by Ville's inequality `P(sup_n Z_n >= log(1/alpha)) <= alpha`; hence
/// `p_n = min(1, exp(-max_{s<=n} Z_s))` is valid however often it is looked at. For the
/// one-sided models shipped here it stays valid for the composite H0 "no worse than H0"
/// (`p <= p0`, `rate <= rate0`, ...), where `exp(Z_n)` is a supermartingale.
///
/// ```
/// use canary_judge::stats::{BernoulliModel, BernoulliSprt, SequentialDecision, SequentialTest, SprtOptions};
///
/// // Is the canary's error rate 2 % (H1) rather than the usual 1 % (H0)?
/// let model = BernoulliModel::new(0.01, 0.02)?;
/// let mut test = BernoulliSprt::new(model, SprtOptions::default().alpha(0.05).beta(0.2))?;
/// // One tick: 4 errors in 300 requests.
/// assert_eq!(test.update((4, 300))?, SequentialDecision::Continue);
/// // The next tick: 11 errors in 300 requests is enough evidence of a regression.
/// assert_eq!(test.update((11, 300))?, SequentialDecision::Reject);
/// assert!(test.pvalue() <= 0.05);
/// assert_eq!(test.observations(), 600);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SprtFields<M>")]
pub struct Sprt<M> {
    model: M,
    options: SprtOptions,
    #[serde(skip_serializing)]
    log_upper: f64,
    #[serde(skip_serializing)]
    log_lower: f64,
    log_lr: f64,
    max_log_lr: f64,
    observations: u64,
    decision: SequentialDecision,
}

/// The serialized fields of [`Sprt`], checked on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SprtFields<M> {
    model: M,
    options: SprtOptions,
    log_lr: f64,
    max_log_lr: f64,
    observations: u64,
    decision: SequentialDecision,
}

impl<M> TryFrom<SprtFields<M>> for Sprt<M> {
    type Error = Error;

    fn try_from(fields: SprtFields<M>) -> Result<Self> {
        let mut test = Sprt::new(fields.model, fields.options)?;
        if !fields.log_lr.is_finite() {
            return Err(Error::invalid("log_lr", fields.log_lr, "finite"));
        }
        if !(fields.max_log_lr.is_finite() && fields.max_log_lr >= fields.log_lr.max(0.0)) {
            return Err(Error::invalid(
                "max_log_lr",
                fields.max_log_lr,
                "finite and at least max(0, log_lr)",
            ));
        }
        test.log_lr = fields.log_lr;
        test.max_log_lr = fields.max_log_lr;
        test.observations = fields.observations;
        test.decision = fields.decision;
        Ok(test)
    }
}

/// Wald's SPRT for an error rate: `(errors, requests)` per tick.
pub type BernoulliSprt = Sprt<super::BernoulliModel>;
/// Wald's SPRT for an event rate: `(events, exposure)` per tick.
pub type PoissonSprt = Sprt<super::PoissonModel>;
/// Wald's SPRT for a normal mean with known standard deviation.
pub type NormalSprt = Sprt<super::NormalModel>;

impl<M> Sprt<M> {
    /// A test of the model's H0 against its H1 with the given error rates.
    pub fn new(model: M, options: SprtOptions) -> Result<Self> {
        let (log_upper, log_lower) = options.log_boundaries()?;
        Ok(Sprt {
            model,
            options,
            log_upper,
            log_lower,
            log_lr: 0.0,
            max_log_lr: 0.0,
            observations: 0,
            decision: SequentialDecision::Continue,
        })
    }

    /// The hypotheses being tested.
    pub fn model(&self) -> &M {
        &self.model
    }

    /// The error rates the test was built for.
    pub fn options(&self) -> &SprtOptions {
        &self.options
    }

    /// `log A = log((1 - beta) / alpha)`: H0 is rejected once the statistic reaches it.
    pub fn log_upper_boundary(&self) -> f64 {
        self.log_upper
    }

    /// `log B = log(beta / (1 - alpha))`: H0 is accepted once the statistic falls to it.
    pub fn log_lower_boundary(&self) -> f64 {
        self.log_lower
    }
}

impl<M: SprtModel> SequentialTest for Sprt<M> {
    type Observation = M::Observation;

    fn update(&mut self, observation: M::Observation) -> Result<SequentialDecision> {
        let increment = self.model.log_likelihood_ratio(observation)?;
        let observations =
            self.observations
                .checked_add(increment.count)
                .ok_or(Error::CountOverflow {
                    what: "the number of observations",
                    limit: u64::MAX,
                })?;
        let log_lr = self.log_lr + increment.log_lr;
        if !log_lr.is_finite() {
            return Err(Error::invalid(
                "observation",
                format!("a log likelihood ratio of {}", increment.log_lr),
                "a batch whose log likelihood ratio keeps the running total finite",
            ));
        }
        self.observations = observations;
        self.log_lr = log_lr;
        self.max_log_lr = self.max_log_lr.max(log_lr);
        if self.decision == SequentialDecision::Continue {
            if log_lr >= self.log_upper {
                self.decision = SequentialDecision::Reject;
            } else if log_lr <= self.log_lower {
                self.decision = SequentialDecision::Accept;
            }
        }
        Ok(self.decision)
    }

    fn decision(&self) -> SequentialDecision {
        self.decision
    }

    fn log_statistic(&self) -> f64 {
        self.log_lr
    }

    fn pvalue(&self) -> f64 {
        (-self.max_log_lr).exp().min(1.0)
    }

    fn observations(&self) -> u64 {
        self.observations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_walds() {
        let (upper, lower) = SprtOptions::default().log_boundaries().unwrap();
        assert!((upper - (0.8f64 / 0.05).ln()).abs() < 1e-15);
        assert!((lower - (0.2f64 / 0.95).ln()).abs() < 1e-15);
    }

    #[test]
    fn bad_error_rates_are_rejected() {
        for (alpha, beta) in [
            (0.0, 0.2),
            (1.0, 0.2),
            (0.05, 0.0),
            (f64::NAN, 0.2),
            (0.5, 0.5),
        ] {
            let options = SprtOptions::default().alpha(alpha).beta(beta);
            assert!(options.log_boundaries().is_err(), "{alpha} {beta}");
        }
    }
}
