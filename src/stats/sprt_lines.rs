//! The decision lines of the count SPRTs: how many errors (events) trigger a decision.
//!
//! For the error-rate and event-rate models the statistic is `slope_e × events - slope_x ×
//! exposure`, so the boundaries `log B < Z < log A` become two parallel lines in the
//! (exposure, events) plane. Operators read them as "with 5,000 requests, 76 errors roll back".

use serde::{Deserialize, Serialize};

use super::sprt::Sprt;
use super::sprt_models::{BernoulliModel, PoissonModel};

/// Reject H0 once `events >= reject_intercept + slope × exposure`; accept it once
/// `events <= accept_intercept + slope × exposure` (Wald 1947, sec. 5.3).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DecisionLines {
    /// Events per unit of exposure along both lines.
    pub slope: f64,
    /// Events needed at zero exposure to reject (`h1`).
    pub reject_intercept: f64,
    /// Events at or below which H0 is accepted at zero exposure (`-h0`, negative).
    pub accept_intercept: f64,
}

impl DecisionLines {
    /// The lines of `events × up - exposure × down` between `log_lower` and `log_upper`.
    fn new(up: f64, down: f64, log_upper: f64, log_lower: f64) -> Self {
        DecisionLines {
            slope: down / up,
            reject_intercept: log_upper / up,
            accept_intercept: log_lower / up,
        }
    }

    /// The event count at which H0 is rejected after `exposure`.
    pub fn reject_at(&self, exposure: f64) -> f64 {
        self.reject_intercept + self.slope * exposure
    }

    /// The event count at or below which H0 is accepted after `exposure`.
    pub fn accept_at(&self, exposure: f64) -> f64 {
        self.accept_intercept + self.slope * exposure
    }
}

impl Sprt<BernoulliModel> {
    /// The decision lines in (requests, errors).
    ///
    /// ```
    /// use canary_judge::stats::{BernoulliModel, BernoulliSprt, SprtOptions};
    ///
    /// let test = BernoulliSprt::new(BernoulliModel::new(0.01, 0.02)?, SprtOptions::default())?;
    /// let lines = test.decision_lines();
    /// assert_eq!(lines.reject_at(1_000.0).ceil(), 19.0); // 19 errors in 1,000 requests roll back
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn decision_lines(&self) -> DecisionLines {
        let model = self.model();
        // Z = d (a + b) - n b.
        let up = model.log_error_ratio() + model.log_success_ratio();
        DecisionLines::new(
            up,
            model.log_success_ratio(),
            self.log_upper_boundary(),
            self.log_lower_boundary(),
        )
    }
}

impl Sprt<PoissonModel> {
    /// The decision lines in (exposure, events).
    pub fn decision_lines(&self) -> DecisionLines {
        let model = self.model();
        DecisionLines::new(
            model.log_rate_ratio(),
            model.rate_difference(),
            self.log_upper_boundary(),
            self.log_lower_boundary(),
        )
    }
}
