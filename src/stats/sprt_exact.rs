//! Exact operating characteristics of the error-rate SPRT by dynamic programming.
//!
//! After `n` requests with `d` errors the statistic is `d (a + b) - n b`, so the state of a
//! running test is `(n, d)` and the continuation region holds about
//! `(log A - log B) / (a + b)` values of `d` at each `n`. Pushing the probability mass of
//! the continuing paths forward one request at a time gives the exact distribution of the
//! stopping time and decision, overshoot included; Wald's approximations ignore it.

use serde::{Deserialize, Serialize};

use super::sprt::Sprt;
use super::sprt_models::BernoulliModel;
use crate::error::{Error, Result};

/// Options of [`Sprt::exact_operating_characteristic`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ExactOcOptions {
    /// Stop once the probability of not having decided falls below this. Default 1e-12.
    pub tolerance: f64,
    /// Stop after this many state updates (about requests × continuation width), reporting
    /// the mass still undecided. Default 5e8, about a second.
    pub max_work: u64,
}

impl Default for ExactOcOptions {
    fn default() -> Self {
        ExactOcOptions {
            tolerance: 1e-12,
            max_work: 500_000_000,
        }
    }
}

impl ExactOcOptions {
    /// Sets the undecided probability at which the computation stops.
    pub fn tolerance(mut self, tolerance: f64) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Sets the work budget in state updates.
    pub fn max_work(mut self, max_work: u64) -> Self {
        self.max_work = max_work;
        self
    }
}

/// The exact behaviour of an error-rate SPRT at one true error rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExactOperatingPoint {
    /// The true error rate.
    pub parameter: f64,
    /// Probability of rejecting H0 (type I error at `p0`, power at `p1`).
    pub reject_probability: f64,
    /// Probability of accepting H0.
    pub accept_probability: f64,
    /// Expected number of requests until a decision; a lower bound by
    /// `requests × unresolved_probability` at most when the computation was cut short.
    pub expected_sample_size: f64,
    /// Probability of no decision within `requests` (below the tolerance unless the work
    /// budget ran out).
    pub unresolved_probability: f64,
    /// How many requests the computation followed.
    pub requests: u64,
}

impl Sprt<BernoulliModel> {
    /// The exact rejection probability and expected sample number when the true error rate
    /// is `p`, by dynamic programming over the continuation region.
    ///
    /// Cost: O(requests × continuation width), a few milliseconds for typical canary
    /// settings. Use it to check Wald's approximations ([`Sprt::wald_approximation`]), which
    /// ignore the overshoot.
    ///
    /// ```
    /// use canary_judge::stats::{BernoulliModel, BernoulliSprt, ExactOcOptions, SprtOptions};
    ///
    /// let test = BernoulliSprt::new(BernoulliModel::new(0.01, 0.02)?, SprtOptions::default())?;
    /// let at_null = test.exact_operating_characteristic(0.01, &ExactOcOptions::default())?;
    /// assert!(at_null.reject_probability < 0.05); // the overshoot makes it 0.0396
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn exact_operating_characteristic(
        &self,
        p: f64,
        options: &ExactOcOptions,
    ) -> Result<ExactOperatingPoint> {
        if !(p > 0.0 && p < 1.0) {
            return Err(Error::invalid("error rate", p, "in (0, 1)"));
        }
        if !(options.tolerance > 0.0 && options.tolerance < 1.0) {
            return Err(Error::invalid("tolerance", options.tolerance, "in (0, 1)"));
        }
        let model = self.model();
        let walk = Walk {
            up: model.log_error_ratio(),
            down: model.log_success_ratio(),
            log_upper: self.log_upper_boundary(),
            log_lower: self.log_lower_boundary(),
        };
        Ok(walk.run(p, options))
    }
}

/// The lattice walk `Z = d (up + down) - n down` between two absorbing boundaries.
struct Walk {
    up: f64,
    down: f64,
    log_upper: f64,
    log_lower: f64,
}

impl Walk {
    fn statistic(&self, requests: u64, errors: u64) -> f64 {
        errors as f64 * (self.up + self.down) - requests as f64 * self.down
    }

    fn run(&self, p: f64, options: &ExactOcOptions) -> ExactOperatingPoint {
        // mass[i]: probability of d = lowest + i errors and no decision after `requests`.
        let mut mass = vec![1.0];
        let mut next = Vec::new();
        let mut lowest = 0u64;
        let mut requests = 0u64;
        let (mut reject, mut accept, mut stopped_requests) = (0.0, 0.0, 0.0);
        let mut continuing = 1.0;
        let mut work = 0u64;
        while continuing >= options.tolerance && work < options.max_work && !mass.is_empty() {
            next.clear();
            next.resize(mass.len() + 1, 0.0);
            for (i, &m) in mass.iter().enumerate() {
                next[i] += m * (1.0 - p);
                next[i + 1] += m * p;
            }
            requests += 1;
            work += next.len() as u64;
            // The statistic increases with d: acceptances sit at the low end, rejections at
            // the high end of the window.
            let start = next
                .iter()
                .enumerate()
                .position(|(i, _)| self.statistic(requests, lowest + i as u64) > self.log_lower)
                .unwrap_or(next.len());
            let end = (start..next.len())
                .find(|&i| self.statistic(requests, lowest + i as u64) >= self.log_upper)
                .unwrap_or(next.len());
            let accepted: f64 = next[..start].iter().sum();
            let rejected: f64 = next[end..].iter().sum();
            accept += accepted;
            reject += rejected;
            stopped_requests += requests as f64 * (accepted + rejected);
            mass.clear();
            mass.extend_from_slice(&next[start..end]);
            lowest += start as u64;
            continuing = mass.iter().sum();
        }
        ExactOperatingPoint {
            parameter: p,
            reject_probability: reject,
            accept_probability: accept,
            expected_sample_size: stopped_requests + requests as f64 * continuing,
            unresolved_probability: continuing,
            requests,
        }
    }
}
