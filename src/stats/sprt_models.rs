//! The one-sample SPRT models: an error rate, an event rate, a normal mean.
//!
//! Each model holds its two simple hypotheses and the constants of its log likelihood ratio,
//! so an update is a multiply-add. Hypotheses are validated when the model is built and again
//! when it is deserialized.

use serde::{Deserialize, Serialize};

use super::sprt::{Increment, SprtModel};
use crate::error::{Error, Result};

/// Checks that `value` is finite.
fn finite(name: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Error::invalid(name, value, "finite"))
    }
}

/// `n` as a float: counts up to 2^53 are exact, larger ones round to the nearest double.
fn as_f64(n: u64) -> f64 {
    n as f64
}

/// H0: error rate `p0` against H1: error rate `p1 > p0`, one request at a time or per tick.
///
/// Observation: `(errors, requests)` for one tick, `errors <= requests`; `(1, 1)` or `(0, 1)`
/// for a single request. A request is one sample unit. Rejecting means "the error rate is
/// `p1` rather than `p0`"; the guarantee covers every rate `p <= p0` under H0.
///
/// ```
/// use canary_judge::stats::{BernoulliModel, BernoulliSprt, SequentialTest, SprtOptions};
///
/// let mut test = BernoulliSprt::new(BernoulliModel::new(0.001, 0.003)?, SprtOptions::default())?;
/// test.update((2, 1_000))?;
/// assert!(test.update((5, 1_000)).is_ok());
/// assert!(test.update((5, 4)).is_err()); // more errors than requests
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BernoulliParams", into = "BernoulliParams")]
pub struct BernoulliModel {
    p0: f64,
    p1: f64,
    /// `log(p1 / p0)`, added per error.
    log_error_ratio: f64,
    /// `log((1 - p0) / (1 - p1))`, subtracted per successful request.
    log_success_ratio: f64,
}

/// The serialized form of [`BernoulliModel`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BernoulliParams {
    p0: f64,
    p1: f64,
}

impl TryFrom<BernoulliParams> for BernoulliModel {
    type Error = Error;

    fn try_from(params: BernoulliParams) -> Result<Self> {
        BernoulliModel::new(params.p0, params.p1)
    }
}

impl From<BernoulliModel> for BernoulliParams {
    fn from(model: BernoulliModel) -> Self {
        BernoulliParams {
            p0: model.p0,
            p1: model.p1,
        }
    }
}

impl BernoulliModel {
    /// H0: rate `p0` against H1: rate `p1`, with `0 < p0 < p1 < 1`.
    pub fn new(p0: f64, p1: f64) -> Result<Self> {
        if !(p0 > 0.0 && p0 < 1.0) {
            return Err(Error::invalid("p0", p0, "in (0, 1)"));
        }
        if !(p1 > p0 && p1 < 1.0) {
            return Err(Error::invalid("p1", p1, "in (p0, 1)"));
        }
        Ok(BernoulliModel {
            p0,
            p1,
            log_error_ratio: p1.ln() - p0.ln(),
            log_success_ratio: (-p0).ln_1p() - (-p1).ln_1p(),
        })
    }

    /// The error rate under H0.
    pub fn p0(&self) -> f64 {
        self.p0
    }

    /// The error rate under H1.
    pub fn p1(&self) -> f64 {
        self.p1
    }

    /// `log(p1 / p0)`: how much one error moves the statistic up.
    pub fn log_error_ratio(&self) -> f64 {
        self.log_error_ratio
    }

    /// `log((1 - p0) / (1 - p1))`: how much one good request moves the statistic down.
    pub fn log_success_ratio(&self) -> f64 {
        self.log_success_ratio
    }
}

impl SprtModel for BernoulliModel {
    type Observation = (u64, u64);

    fn log_likelihood_ratio(&mut self, (errors, requests): (u64, u64)) -> Result<Increment> {
        if errors > requests {
            return Err(Error::invalid(
                "errors",
                format!("{errors} (requests {requests})"),
                "at most the number of requests",
            ));
        }
        let successes = as_f64(requests - errors);
        Ok(Increment {
            log_lr: as_f64(errors) * self.log_error_ratio - successes * self.log_success_ratio,
            count: requests,
        })
    }
}

/// H0: event rate `rate0` against H1: `rate1 > rate0` per unit of exposure.
///
/// Observation: `(events, exposure)` for one tick, with `exposure` finite and nonnegative and
/// positive whenever there are events. Exposure is whatever the rates are per (seconds,
/// requests, host-hours); one unit of exposure is one sample unit. The observation count is
/// the number of events.
///
/// ```
/// use canary_judge::stats::{PoissonModel, PoissonSprt, SequentialTest, SprtOptions};
///
/// // Crashes per host-hour: 1 usually, 2 would be a regression.
/// let mut test = PoissonSprt::new(PoissonModel::new(1.0, 2.0)?, SprtOptions::default())?;
/// test.update((3, 1.5))?;
/// assert!(test.update((1, f64::NAN)).is_err());
/// assert_eq!(test.observations(), 3);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PoissonParams", into = "PoissonParams")]
pub struct PoissonModel {
    rate0: f64,
    rate1: f64,
    /// `log(rate1 / rate0)`, added per event.
    log_rate_ratio: f64,
    /// `rate1 - rate0`, subtracted per unit of exposure.
    rate_difference: f64,
}

/// The serialized form of [`PoissonModel`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PoissonParams {
    rate0: f64,
    rate1: f64,
}

impl TryFrom<PoissonParams> for PoissonModel {
    type Error = Error;

    fn try_from(params: PoissonParams) -> Result<Self> {
        PoissonModel::new(params.rate0, params.rate1)
    }
}

impl From<PoissonModel> for PoissonParams {
    fn from(model: PoissonModel) -> Self {
        PoissonParams {
            rate0: model.rate0,
            rate1: model.rate1,
        }
    }
}

impl PoissonModel {
    /// H0: rate `rate0` against H1: rate `rate1`, with `0 < rate0 < rate1 < inf`.
    pub fn new(rate0: f64, rate1: f64) -> Result<Self> {
        if !(rate0 > 0.0 && rate0.is_finite()) {
            return Err(Error::invalid("rate0", rate0, "positive and finite"));
        }
        if !(rate1 > rate0 && rate1.is_finite()) {
            return Err(Error::invalid("rate1", rate1, "finite and above rate0"));
        }
        Ok(PoissonModel {
            rate0,
            rate1,
            log_rate_ratio: rate1.ln() - rate0.ln(),
            rate_difference: rate1 - rate0,
        })
    }

    /// The event rate under H0.
    pub fn rate0(&self) -> f64 {
        self.rate0
    }

    /// The event rate under H1.
    pub fn rate1(&self) -> f64 {
        self.rate1
    }

    /// `log(rate1 / rate0)`: how much one event moves the statistic up.
    pub fn log_rate_ratio(&self) -> f64 {
        self.log_rate_ratio
    }

    /// `rate1 - rate0`: how much one unit of exposure moves the statistic down.
    pub fn rate_difference(&self) -> f64 {
        self.rate_difference
    }
}

impl SprtModel for PoissonModel {
    type Observation = (u64, f64);

    fn log_likelihood_ratio(&mut self, (events, exposure): (u64, f64)) -> Result<Increment> {
        if !(exposure >= 0.0 && exposure.is_finite()) {
            return Err(Error::invalid(
                "exposure",
                exposure,
                "finite and nonnegative",
            ));
        }
        if events > 0 && exposure == 0.0 {
            return Err(Error::invalid(
                "exposure",
                format!("0 with {events} events"),
                "positive when events were observed",
            ));
        }
        Ok(Increment {
            log_lr: as_f64(events) * self.log_rate_ratio - exposure * self.rate_difference,
            count: events,
        })
    }
}

/// A value, or a tick's sum of values and their count, for [`NormalModel`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum NormalObservation {
    /// One value.
    Value(f64),
    /// `count` values adding up to `sum` (a tick's aggregate).
    Batch {
        /// The sum of the values.
        sum: f64,
        /// How many values.
        count: u64,
    },
}

impl From<f64> for NormalObservation {
    fn from(value: f64) -> Self {
        NormalObservation::Value(value)
    }
}

/// H0: mean `mean0` against H1: mean `mean1`, for normal values with known standard deviation.
///
/// `mean1` may lie on either side of `mean0` (a latency regression is an increase, a
/// throughput regression a decrease). The guarantee covers every mean on the far side of
/// `mean0` from `mean1`. One value is one sample unit.
///
/// ```
/// use canary_judge::stats::{NormalModel, NormalObservation, NormalSprt, SequentialTest, SprtOptions};
///
/// let mut test = NormalSprt::new(NormalModel::new(100.0, 110.0, 20.0)?, SprtOptions::default())?;
/// test.update(104.0.into())?;
/// test.update(NormalObservation::Batch { sum: 1_080.0, count: 10 })?;
/// assert_eq!(test.observations(), 11);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "NormalParams", into = "NormalParams")]
pub struct NormalModel {
    mean0: f64,
    mean1: f64,
    sd: f64,
    /// `(mean1 - mean0) / sd^2`, the weight of each value's distance from the midpoint.
    slope: f64,
    /// `(mean0 + mean1) / 2`.
    midpoint: f64,
}

/// The serialized form of [`NormalModel`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct NormalParams {
    mean0: f64,
    mean1: f64,
    sd: f64,
}

impl TryFrom<NormalParams> for NormalModel {
    type Error = Error;

    fn try_from(params: NormalParams) -> Result<Self> {
        NormalModel::new(params.mean0, params.mean1, params.sd)
    }
}

impl From<NormalModel> for NormalParams {
    fn from(model: NormalModel) -> Self {
        NormalParams {
            mean0: model.mean0,
            mean1: model.mean1,
            sd: model.sd,
        }
    }
}

impl NormalModel {
    /// H0: mean `mean0` against H1: mean `mean1 != mean0`; `sd` is the known standard deviation.
    pub fn new(mean0: f64, mean1: f64, sd: f64) -> Result<Self> {
        finite("mean0", mean0)?;
        finite("mean1", mean1)?;
        if mean1 == mean0 {
            return Err(Error::invalid("mean1", mean1, "different from mean0"));
        }
        if !(sd > 0.0 && sd.is_finite()) {
            return Err(Error::invalid("sd", sd, "positive and finite"));
        }
        let slope = (mean1 - mean0) / (sd * sd);
        let midpoint = mean0 / 2.0 + mean1 / 2.0;
        if !(slope.is_finite() && slope != 0.0) {
            return Err(Error::invalid(
                "sd",
                sd,
                "such that (mean1 - mean0) / sd^2 is finite and nonzero",
            ));
        }
        Ok(NormalModel {
            mean0,
            mean1,
            sd,
            slope,
            midpoint,
        })
    }

    /// The mean under H0.
    pub fn mean0(&self) -> f64 {
        self.mean0
    }

    /// The mean under H1.
    pub fn mean1(&self) -> f64 {
        self.mean1
    }

    /// The known standard deviation.
    pub fn sd(&self) -> f64 {
        self.sd
    }

    /// `(mean1 - mean0) / sd^2`: the log likelihood ratio per unit of `value - midpoint`.
    pub fn slope(&self) -> f64 {
        self.slope
    }

    /// `(mean0 + mean1) / 2`: a value here leaves the statistic unchanged.
    pub fn midpoint(&self) -> f64 {
        self.midpoint
    }
}

impl SprtModel for NormalModel {
    type Observation = NormalObservation;

    fn log_likelihood_ratio(&mut self, observation: NormalObservation) -> Result<Increment> {
        let (sum, count) = match observation {
            NormalObservation::Value(value) => (finite("value", value)?, 1),
            NormalObservation::Batch { sum, count } => {
                finite("sum", sum)?;
                if count == 0 && sum != 0.0 {
                    return Err(Error::invalid(
                        "sum",
                        format!("{sum} over 0 values"),
                        "0 when the batch is empty",
                    ));
                }
                (sum, count)
            }
        };
        Ok(Increment {
            log_lr: self.slope * (sum - as_f64(count) * self.midpoint),
            count,
        })
    }
}
