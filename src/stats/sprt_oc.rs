//! Wald's approximations to an SPRT's operating characteristic and expected sample number.
//!
//! Ignoring the overshoot over the boundaries, a test that stops with probability one has
//! rejection probability `(1 - B^h) / (A^h - B^h)` at a parameter `theta`, where `h != 0`
//! solves `E_theta[exp(h z)] = 1` for the per-unit log likelihood ratio `z`, and expected
//! sample number `(L log B + (1 - L) log A) / E_theta[z]` with `L` the acceptance probability
//! (Wald 1947, ch. 3 and 4). At H0 `h = 1`, at H1 `h = -1`. These size a test before it runs;
//! the exact values ([`Sprt::exact_operating_characteristic`] for error rates) are usually a
//! little lower in error and higher in sample number, because of the overshoot.

use serde::{Deserialize, Serialize};

use super::sprt::{Sprt, SprtModel};
use super::sprt_models::{BernoulliModel, NormalModel, PoissonModel};
use crate::error::{Error, Result};

/// The law of a model's log likelihood ratio per sample unit (a request, a unit of exposure,
/// a value) under a parameter value, as needed by Wald's approximations.
pub trait IncrementDistribution: SprtModel {
    /// The parameter under H0 (`p0`, `rate0`, `mean0`).
    fn null_parameter(&self) -> f64;

    /// The parameter under H1.
    fn alternative_parameter(&self) -> f64;

    /// Checks that `theta` is a value of the model's parameter.
    fn check_parameter(&self, theta: f64) -> Result<()>;

    /// `E_theta[z]` per sample unit.
    fn mean_increment(&self, theta: f64) -> f64;

    /// `Var_theta[z]` per sample unit.
    fn increment_variance(&self, theta: f64) -> f64;

    /// `log E_theta[exp(h z)]` per sample unit.
    fn log_mgf(&self, theta: f64, h: f64) -> f64;
}

/// Wald's approximations at one parameter value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WaldOperatingPoint {
    /// The parameter value (error rate, event rate, mean).
    pub parameter: f64,
    /// Probability that the test rejects H0 (power; type I error at H0).
    pub reject_probability: f64,
    /// Expected number of sample units (requests, exposure, values) until a decision.
    pub expected_sample_size: f64,
}

/// Wald's approximations at H0 and H1, with his bounds on the realised error rates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WaldApproximation {
    /// At H0: `reject_probability` is `alpha`.
    pub null: WaldOperatingPoint,
    /// At H1: `reject_probability` is `1 - beta`.
    pub alternative: WaldOperatingPoint,
    /// `alpha / (1 - beta)`: the realised type I error is at most this.
    pub type_one_error_bound: f64,
    /// `beta / (1 - alpha)`: the realised type II error is at most this.
    pub type_two_error_bound: f64,
}

impl<M: IncrementDistribution> Sprt<M> {
    /// Wald's approximate error rates and expected sample numbers at H0 and H1.
    ///
    /// ```
    /// use canary_judge::stats::{BernoulliModel, BernoulliSprt, SprtOptions};
    ///
    /// let test = BernoulliSprt::new(BernoulliModel::new(0.01, 0.02)?, SprtOptions::default())?;
    /// let wald = test.wald_approximation();
    /// assert!((wald.null.expected_sample_size - 430.1).abs() < 0.1); // requests under H0
    /// assert!((wald.alternative.expected_sample_size - 487.1).abs() < 0.1);
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn wald_approximation(&self) -> WaldApproximation {
        let model = self.model();
        let (alpha, beta) = (self.options().alpha, self.options().beta);
        WaldApproximation {
            null: self.operating_point(model.null_parameter(), 1.0),
            alternative: self.operating_point(model.alternative_parameter(), -1.0),
            type_one_error_bound: alpha / (1.0 - beta),
            type_two_error_bound: beta / (1.0 - alpha),
        }
    }

    /// Wald's approximate rejection probability and expected sample number at `theta`: the
    /// operating characteristic curve, for sizing against regressions other than H1.
    pub fn wald_operating_point(&self, theta: f64) -> Result<WaldOperatingPoint> {
        self.model().check_parameter(theta)?;
        let model = self.model();
        let mean = model.mean_increment(theta);
        let h = wald_exponent(|h| model.log_mgf(theta, h), mean);
        Ok(self.operating_point(theta, h))
    }

    /// The approximations at `theta`, given the root `h` of `E_theta[exp(h z)] = 1`.
    fn operating_point(&self, theta: f64, h: f64) -> WaldOperatingPoint {
        let (log_a, log_b) = (self.log_upper_boundary(), self.log_lower_boundary());
        let mean = self.model().mean_increment(theta);
        if h == 0.0 || mean == 0.0 {
            // The limit h -> 0: a driftless random walk between the boundaries.
            let variance = self.model().increment_variance(theta);
            return WaldOperatingPoint {
                parameter: theta,
                reject_probability: -log_b / (log_a - log_b),
                expected_sample_size: -log_a * log_b / variance,
            };
        }
        let reject = reject_probability(h, log_a, log_b);
        WaldOperatingPoint {
            parameter: theta,
            reject_probability: reject,
            expected_sample_size: ((1.0 - reject) * log_b + reject * log_a) / mean,
        }
    }
}

/// `(1 - B^h) / (A^h - B^h)`, scaled so that no power overflows.
fn reject_probability(h: f64, log_a: f64, log_b: f64) -> f64 {
    if h > 0.0 {
        let gap = (h * (log_b - log_a)).exp_m1();
        ((-h * log_a).exp() - (h * (log_b - log_a)).exp()) / -gap
    } else {
        (-h * log_b).exp_m1() / (h * (log_a - log_b)).exp_m1()
    }
}

/// The nonzero root of the convex `log_mgf` (zero at 0, slope `mean` there), or 0 when the
/// drift is too small to separate it from 0.
fn wald_exponent(log_mgf: impl Fn(f64) -> f64, mean: f64) -> f64 {
    if mean == 0.0 || !mean.is_finite() {
        return 0.0;
    }
    // The root has the sign opposite to the drift; log_mgf < 0 strictly between 0 and it.
    let direction = -mean.signum();
    let mut outer = 1.0;
    while log_mgf(direction * outer) < 0.0 && outer < 1e12 {
        outer *= 2.0;
    }
    let mut inner = 0.0;
    for _ in 0..200 {
        let middle = 0.5 * (inner + outer);
        if middle == inner || middle == outer {
            break;
        }
        if log_mgf(direction * middle) < 0.0 {
            inner = middle;
        } else {
            outer = middle;
        }
    }
    direction * 0.5 * (inner + outer)
}

/// `log(exp(x) + exp(y))` without overflow.
fn log_add_exp(x: f64, y: f64) -> f64 {
    let high = x.max(y);
    high + (-(x - y).abs()).exp().ln_1p()
}

/// Checks that `theta` is a probability strictly inside (0, 1).
fn check_probability(name: &'static str, theta: f64) -> Result<()> {
    if theta > 0.0 && theta < 1.0 {
        Ok(())
    } else {
        Err(Error::invalid(name, theta, "in (0, 1)"))
    }
}

impl IncrementDistribution for BernoulliModel {
    fn null_parameter(&self) -> f64 {
        self.p0()
    }

    fn alternative_parameter(&self) -> f64 {
        self.p1()
    }

    fn check_parameter(&self, theta: f64) -> Result<()> {
        check_probability("error rate", theta)
    }

    fn mean_increment(&self, p: f64) -> f64 {
        p * self.log_error_ratio() - (1.0 - p) * self.log_success_ratio()
    }

    fn increment_variance(&self, p: f64) -> f64 {
        let jump = self.log_error_ratio() + self.log_success_ratio();
        p * (1.0 - p) * jump * jump
    }

    fn log_mgf(&self, p: f64, h: f64) -> f64 {
        log_add_exp(
            p.ln() + h * self.log_error_ratio(),
            (-p).ln_1p() - h * self.log_success_ratio(),
        )
    }
}

impl IncrementDistribution for PoissonModel {
    fn null_parameter(&self) -> f64 {
        self.rate0()
    }

    fn alternative_parameter(&self) -> f64 {
        self.rate1()
    }

    fn check_parameter(&self, theta: f64) -> Result<()> {
        if theta > 0.0 && theta.is_finite() {
            Ok(())
        } else {
            Err(Error::invalid("rate", theta, "positive and finite"))
        }
    }

    fn mean_increment(&self, rate: f64) -> f64 {
        rate * self.log_rate_ratio() - self.rate_difference()
    }

    fn increment_variance(&self, rate: f64) -> f64 {
        rate * self.log_rate_ratio() * self.log_rate_ratio()
    }

    fn log_mgf(&self, rate: f64, h: f64) -> f64 {
        rate * (h * self.log_rate_ratio()).exp_m1() - h * self.rate_difference()
    }
}

impl IncrementDistribution for NormalModel {
    fn null_parameter(&self) -> f64 {
        self.mean0()
    }

    fn alternative_parameter(&self) -> f64 {
        self.mean1()
    }

    fn check_parameter(&self, theta: f64) -> Result<()> {
        if theta.is_finite() {
            Ok(())
        } else {
            Err(Error::invalid("mean", theta, "finite"))
        }
    }

    fn mean_increment(&self, mean: f64) -> f64 {
        self.slope() * (mean - self.midpoint())
    }

    fn increment_variance(&self, _mean: f64) -> f64 {
        let spread = self.slope() * self.sd();
        spread * spread
    }

    fn log_mgf(&self, mean: f64, h: f64) -> f64 {
        h * self.mean_increment(mean) + 0.5 * h * h * self.increment_variance(mean)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::SprtOptions;

    #[test]
    fn exponent_is_one_at_h0_and_minus_one_at_h1() {
        let model = BernoulliModel::new(0.01, 0.02).unwrap();
        for (theta, expected) in [(0.01, 1.0), (0.02, -1.0)] {
            let h = wald_exponent(|h| model.log_mgf(theta, h), model.mean_increment(theta));
            assert!((h - expected).abs() < 1e-9, "{h}");
        }
    }

    #[test]
    fn oc_at_h0_and_h1_is_alpha_and_power() {
        let test = Sprt::new(
            PoissonModel::new(1.0, 2.0).unwrap(),
            SprtOptions::default().alpha(0.01).beta(0.1),
        )
        .unwrap();
        let wald = test.wald_approximation();
        assert!((wald.null.reject_probability - 0.01).abs() < 1e-12);
        assert!((wald.alternative.reject_probability - 0.9).abs() < 1e-12);
        let at_null = test.wald_operating_point(1.0).unwrap();
        assert!((at_null.reject_probability - 0.01).abs() < 1e-9);
    }

    #[test]
    fn driftless_point_is_the_limit() {
        let test = Sprt::new(
            NormalModel::new(0.0, 1.0, 1.0).unwrap(),
            SprtOptions::default(),
        )
        .unwrap();
        let middle = test.wald_operating_point(0.5).unwrap();
        let near = test.wald_operating_point(0.5 + 1e-6).unwrap();
        assert!((middle.reject_probability - near.reject_probability).abs() < 1e-5);
        assert!((middle.expected_sample_size - near.expected_sample_size).abs() < 1e-3);
    }
}
