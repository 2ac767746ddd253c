//! Sequential tests: updated every tick, a decision valid at every look, state that pickles.
//!
//! Every class has `update(...)`, which returns the decision ("continue", "reject" or
//! "accept"), and the attributes `decision`, `pvalue` (always valid), `log_statistic`,
//! `interval` (a confidence sequence, or None) and `observations`.

use canary_judge::stats::{
    self, Arm, ArmEvents, ArmSummary, BernoulliModel, CatchAll, EventCountOptions, EventCounts,
    MeanObservation, MsprtOptions, NormalModel, NormalObservation, PoissonModel, QuantileBand,
    QuantileTestOptions, RateRatioModel, SequentialTest, SprtOptions, Variance,
};
use pyo3::prelude::*;

use crate::arrays::{Count, Sample};
use crate::choices::{name, parse, ALTERNATIVES, DECISIONS};
use crate::errors::raise;
use crate::serde_py::to_py;
use crate::state::{stateful, Shared};

/// Feeds one observation and names the decision after it.
fn step<T: SequentialTest>(
    test: &Shared<T>,
    observation: T::Observation,
) -> PyResult<&'static str> {
    test.with(|test| test.update(observation))
        .map(|decision| name(decision, DECISIONS))
        .map_err(raise)
}

/// Defines a sequential-test class: a stateful class with the attributes every test has.
macro_rules! sequential {
    ($(#[$meta:meta])* $name:ident($inner:ty) { $($methods:tt)* }) => {
        stateful! {
            $(#[$meta])*
            $name($inner) {
                /// "continue", "reject" or "accept"; once not "continue" it no longer changes.
                #[getter]
                fn decision(&self) -> &'static str {
                    name(self.inner.with(|test| test.decision()), DECISIONS)
                }

                /// The always-valid p-value, never increasing.
                #[getter]
                fn pvalue(&self) -> f64 {
                    self.inner.with(|test| test.pvalue())
                }

                /// The natural log of the statistic (likelihood ratio or e-value).
                #[getter]
                fn log_statistic(&self) -> f64 {
                    self.inner.with(|test| test.log_statistic())
                }

                /// `(low, high)` from the test's confidence sequence, or None.
                #[getter]
                fn interval(&self) -> Option<(f64, f64)> {
                    self.inner
                        .with(|test| test.interval())
                        .map(|interval| (interval.low, interval.high))
                }

                /// Observations (requests, events, values) seen so far.
                #[getter]
                fn observations(&self) -> u64 {
                    self.inner.with(|test| test.observations())
                }

                $($methods)*
            }
        }
    };
}

/// Wald's error rates, checked when a test is built.
fn sprt_options(alpha: f64, beta: f64) -> SprtOptions {
    SprtOptions::default().alpha(alpha).beta(beta)
}

/// Defines a Wald SPRT class: a sequential class with the test's boundaries.
macro_rules! sprt {
    ($(#[$meta:meta])* $name:ident($inner:ty) { $($methods:tt)* }) => {
        sequential! {
            $(#[$meta])*
            $name($inner) {
                /// `log((1 - beta) / alpha)`: H0 is rejected once `log_statistic` reaches it.
                #[getter]
                fn log_upper_boundary(&self) -> f64 {
                    self.inner.with(|test| test.log_upper_boundary())
                }

                /// `log(beta / (1 - alpha))`: H0 is accepted once `log_statistic` falls to it.
                #[getter]
                fn log_lower_boundary(&self) -> f64 {
                    self.inner.with(|test| test.log_lower_boundary())
                }

                $($methods)*
            }
        }
    };
}

/// Defines a one-sample Wald SPRT class: an SPRT class with Wald's approximation of its
/// operating characteristic.
macro_rules! one_sample_sprt {
    ($(#[$meta:meta])* $name:ident($inner:ty) { $($methods:tt)* }) => {
        sprt! {
            $(#[$meta])*
            $name($inner) {
                /// Wald's approximate error rates and expected sample numbers at H0 and H1.
                fn wald_approximation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    to_py(py, &self.inner.with(|test| test.wald_approximation()))
                }

                $($methods)*
            }
        }
    };
}

/// Defines a count SPRT class: a one-sample SPRT class with Wald's decision lines.
macro_rules! count_sprt {
    ($(#[$meta:meta])* $name:ident($inner:ty) { $($methods:tt)* }) => {
        one_sample_sprt! {
            $(#[$meta])*
            $name($inner) {
                /// Reject once events reach `reject_intercept + slope * exposure`, accept once
                /// they fall to `accept_intercept + slope * exposure`.
                fn decision_lines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    to_py(py, &self.inner.with(|test| test.decision_lines()))
                }

                $($methods)*
            }
        }
    };
}

count_sprt! {
    /// Wald's SPRT of an error rate: H0 `p0` against H1 `p1 > p0`.
    BernoulliSprt(stats::BernoulliSprt) {
        #[new]
        #[pyo3(signature = (p0, p1, *, alpha = 0.05, beta = 0.2))]
        fn new(p0: f64, p1: f64, alpha: f64, beta: f64) -> PyResult<Self> {
            let model = BernoulliModel::new(p0, p1).map_err(raise)?;
            stats::BernoulliSprt::new(model, sprt_options(alpha, beta))
                .map(Self::wrap)
                .map_err(raise)
        }

        /// One tick: `errors` among `requests`.
        fn update(&self, errors: Count, requests: Count) -> PyResult<&'static str> {
            step(&self.inner, (errors.0, requests.0))
        }

    }
}

count_sprt! {
    /// Wald's SPRT of an event rate per unit of exposure: H0 `rate0` against H1 `rate1`.
    PoissonSprt(stats::PoissonSprt) {
        #[new]
        #[pyo3(signature = (rate0, rate1, *, alpha = 0.05, beta = 0.2))]
        fn new(rate0: f64, rate1: f64, alpha: f64, beta: f64) -> PyResult<Self> {
            let model = PoissonModel::new(rate0, rate1).map_err(raise)?;
            stats::PoissonSprt::new(model, sprt_options(alpha, beta))
                .map(Self::wrap)
                .map_err(raise)
        }

        /// One tick: `events` over `exposure` (seconds, requests, host-hours...).
        fn update(&self, events: Count, exposure: f64) -> PyResult<&'static str> {
            step(&self.inner, (events.0, exposure))
        }

    }
}

/// One value, or a tick's values: numbers, or any 1-D array of them.
enum Values {
    One(f64),
    Many(Vec<f64>),
}

impl Values {
    fn extract(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        match obj.extract::<f64>() {
            Ok(value) if !obj.hasattr("__len__")? => Ok(Values::One(value)),
            _ => Ok(Values::Many(Sample::extract(name, obj)?.values().to_vec())),
        }
    }

    /// Count, mean and variance (dividing by the count).
    fn summary(&self) -> ArmSummary {
        let values = match self {
            Values::One(value) => std::slice::from_ref(value),
            Values::Many(values) => values.as_slice(),
        };
        let count = values.len() as f64;
        let mean = values.iter().sum::<f64>() / count;
        let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / count;
        ArmSummary {
            count: values.len() as u64,
            mean: if values.is_empty() { 0.0 } else { mean },
            variance: if values.is_empty() { 0.0 } else { variance },
        }
    }
}

one_sample_sprt! {
    /// Wald's SPRT of a normal mean with known standard deviation: H0 `mean0` against H1
    /// `mean1` (on either side).
    NormalSprt(stats::NormalSprt) {
        #[new]
        #[pyo3(signature = (mean0, mean1, sd, *, alpha = 0.05, beta = 0.2))]
        fn new(mean0: f64, mean1: f64, sd: f64, alpha: f64, beta: f64) -> PyResult<Self> {
            let model = NormalModel::new(mean0, mean1, sd).map_err(raise)?;
            stats::NormalSprt::new(model, sprt_options(alpha, beta))
                .map(Self::wrap)
                .map_err(raise)
        }

        /// One value, or a tick's values (a sequence or array).
        fn update(&self, values: &Bound<'_, PyAny>) -> PyResult<&'static str> {
            let observation = match Values::extract("values", values)? {
                Values::One(value) => NormalObservation::Value(value),
                Values::Many(values) => NormalObservation::Batch {
                    sum: values.iter().sum(),
                    count: values.len() as u64,
                },
            };
            step(&self.inner, observation)
        }

    }
}

sprt! {
    /// Wald's SPRT on error events of canary and baseline: H0 "the canary's error rate is
    /// `r0` times the baseline's" against `r1 > r0`, whatever the baseline's rate does.
    TwoSampleSprt(stats::TwoSampleSprt) {
        #[new]
        #[pyo3(signature = (r0 = 1.0, r1 = 2.0, *, alpha = 0.05, beta = 0.2))]
        fn new(r0: f64, r1: f64, alpha: f64, beta: f64) -> PyResult<Self> {
            let model = RateRatioModel::new(r0, r1).map_err(raise)?;
            stats::TwoSampleSprt::new(model, sprt_options(alpha, beta))
                .map(Self::wrap)
                .map_err(raise)
        }

        /// One tick: error events of each arm, and the canary's traffic share during it.
        fn update(&self, canary: Count, baseline: Count, canary_share: f64) -> PyResult<&'static str> {
            step(&self.inner, ArmEvents::new(canary.0, baseline.0, canary_share))
        }

        /// The same test at a fixed canary share, as an error-rate SPRT on event labels
        /// (for its Wald approximation).
        fn at_fixed_share(&self, canary_share: f64) -> PyResult<BernoulliSprt> {
            self.inner
                .with(|test| test.at_fixed_share(canary_share))
                .map(BernoulliSprt::wrap)
                .map_err(raise)
        }
    }
}

sequential! {
    /// The anytime-valid test on event counts (errors) of canary and baseline, for a canary
    /// receiving `canary_share` of the traffic; the interval is for the rate ratio.
    EventCountTest(stats::EventCountTest) {
        #[new]
        #[pyo3(signature = (
            canary_share, *, alpha = 0.05, alternative = "greater", concentration = 100.0
        ))]
        fn new(
            canary_share: f64,
            alpha: f64,
            alternative: &str,
            concentration: f64,
        ) -> PyResult<Self> {
            let options = EventCountOptions::default()
                .alpha(alpha)
                .alternative(parse("alternative", alternative, ALTERNATIVES)?)
                .concentration(concentration);
            stats::EventCountTest::new(canary_share, options)
                .map(Self::wrap)
                .map_err(raise)
        }

        /// One tick's new events of each arm.
        fn update(&self, canary: Count, baseline: Count) -> PyResult<&'static str> {
            step(&self.inner, EventCounts { canary: canary.0, baseline: baseline.0 })
        }

        /// The canary's traffic share for the events fed from now on.
        #[getter]
        fn canary_share(&self) -> f64 {
            self.inner.with(|test| test.canary_share())
        }

        /// Sets the canary's traffic share for the events fed from now on (a new stage; the
        /// evidence so far is kept).
        fn set_canary_share(&self, canary_share: f64) -> PyResult<()> {
            self.inner
                .with(|test| test.set_canary_share(canary_share))
                .map_err(raise)
        }

        /// `(canary, baseline)` events so far.
        #[getter]
        fn counts(&self) -> (u64, u64) {
            let counts = self.inner.with(|test| test.counts());
            (counts.canary, counts.baseline)
        }

        /// The maximum-likelihood rate ratio, canary over baseline; None before any event.
        #[getter]
        fn rate_ratio(&self) -> Option<f64> {
            self.inner.with(|test| test.rate_ratio())
        }
    }
}

sequential! {
    /// The mixture SPRT for the difference of means (canary minus baseline), with a
    /// confidence sequence for it. `variance` is `(canary, baseline)` per-observation
    /// variances when known; by default each arm's running variance is plugged in once it has
    /// `min_per_arm` observations.
    MeanDifferenceMsprt(stats::MeanDifferenceMsprt) {
        #[new]
        #[pyo3(signature = (
            mixing_variance, *, variance = None, min_per_arm = Count(2), alpha = 0.05,
            alternative = "two-sided", null_difference = 0.0
        ), text_signature = "(mixing_variance, *, variance=None, min_per_arm=2, alpha=0.05, \
                             alternative='two-sided', null_difference=0.0)")]
        fn new(
            mixing_variance: f64,
            variance: Option<(f64, f64)>,
            min_per_arm: Count,
            alpha: f64,
            alternative: &str,
            null_difference: f64,
        ) -> PyResult<Self> {
            let variance = match variance {
                Some((canary, baseline)) => Variance::Known { canary, baseline },
                None => Variance::PlugIn { min_per_arm: min_per_arm.0 },
            };
            let options = MsprtOptions::default()
                .alpha(alpha)
                .alternative(parse("alternative", alternative, ALTERNATIVES)?)
                .null_difference(null_difference);
            stats::MeanDifferenceMsprt::new(mixing_variance, variance, options)
                .map(Self::wrap)
                .map_err(raise)
        }

        /// One tick: a value or values (a sequence or array) of either arm or both, by keyword.
        #[pyo3(signature = (*, canary = None, baseline = None))]
        fn update(
            &self,
            canary: Option<&Bound<'_, PyAny>>,
            baseline: Option<&Bound<'_, PyAny>>,
        ) -> PyResult<&'static str> {
            let canary = canary.map(|c| Values::extract("canary", c)).transpose()?;
            let baseline = baseline.map(|b| Values::extract("baseline", b)).transpose()?;
            let observation = match (canary, baseline) {
                (Some(Values::One(canary)), Some(Values::One(baseline))) => {
                    MeanObservation::Pair { canary, baseline }
                }
                (Some(Values::One(canary)), None) => MeanObservation::Canary(canary),
                (None, Some(Values::One(baseline))) => MeanObservation::Baseline(baseline),
                (canary, baseline) => {
                    let empty = Values::Many(Vec::new());
                    MeanObservation::Summaries {
                        canary: canary.as_ref().unwrap_or(&empty).summary(),
                        baseline: baseline.as_ref().unwrap_or(&empty).summary(),
                    }
                }
            };
            step(&self.inner, observation)
        }

        /// The observed difference of means, canary minus baseline (None before both arms
        /// have data).
        #[getter]
        fn estimate(&self) -> Option<f64> {
            self.inner.with(|test| test.estimate())
        }

        /// The variance of the difference of means, once available.
        #[getter]
        fn variance_of_difference(&self) -> Option<f64> {
            self.inner.with(|test| test.variance_of_difference())
        }
    }
}

/// An optional sample argument.
fn optional_sample<'py>(
    name: &str,
    obj: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<Sample<'py>>> {
    obj.map(|obj| Sample::extract(name, obj)).transpose()
}

/// The values of an optional sample; none when it was not given.
fn values_or_none<'a>(sample: &'a Option<Sample<'_>>) -> &'a [f64] {
    sample.as_ref().map_or(&[], Sample::values)
}

/// A band as a dict: the quantile, each arm's interval and the difference's.
fn band<'py>(py: Python<'py>, band: &QuantileBand) -> PyResult<Bound<'py, PyAny>> {
    let dict = pyo3::types::PyDict::new(py);
    dict.set_item("quantile", band.quantile)?;
    for (key, interval) in [
        ("baseline", band.baseline),
        ("canary", band.canary),
        ("difference", band.difference),
    ] {
        dict.set_item(key, (interval.low, interval.high))?;
    }
    Ok(dict.into_any())
}

sequential! {
    /// The anytime-valid latency test: confidence sequences for quantiles (p50, p90, p99 by
    /// default) of each arm, rejecting once the canary's band lies above the baseline's; a
    /// catch-all band over all quantiles takes one share of alpha.
    QuantileTest(stats::QuantileTest) {
        #[new]
        #[pyo3(signature = (
            *, alpha = 0.05, quantiles = vec![0.5, 0.9, 0.99], alternative = "greater",
            catch_all = true, t_min = 1.0
        ), text_signature = "(*, alpha=0.05, quantiles=(0.5, 0.9, 0.99), alternative='greater', \
                             catch_all=True, t_min=1.0)")]
        fn new(
            alpha: f64,
            quantiles: Vec<f64>,
            alternative: &str,
            catch_all: bool,
            t_min: f64,
        ) -> PyResult<Self> {
            let options = QuantileTestOptions::default()
                .alpha(alpha)
                .quantiles(quantiles)
                .alternative(parse("alternative", alternative, ALTERNATIVES)?)
                .catch_all(if catch_all { CatchAll::Enabled } else { CatchAll::Disabled })
                .t_min(t_min);
            stats::QuantileTest::new(options).map(Self::wrap).map_err(raise)
        }

        /// One tick's values of both arms, by keyword (either may be left out), then one look.
        /// NaN anywhere rejects the whole batch and leaves the test unchanged.
        #[pyo3(signature = (*, baseline = None, canary = None))]
        fn update(
            &self,
            py: Python<'_>,
            baseline: Option<&Bound<'_, PyAny>>,
            canary: Option<&Bound<'_, PyAny>>,
        ) -> PyResult<&'static str> {
            let baseline = optional_sample("baseline", baseline)?;
            let canary = optional_sample("canary", canary)?;
            let (baseline, canary) = (values_or_none(&baseline), values_or_none(&canary));
            py.detach(|| self.inner.with(|test| test.update_batch(baseline, canary)))
                .map(|decision| name(decision, DECISIONS))
                .map_err(raise)
        }

        /// Observations of the baseline so far.
        #[getter]
        fn baseline_count(&self) -> u64 {
            self.inner.with(|test| test.count(Arm::Baseline))
        }

        /// Observations of the canary so far.
        #[getter]
        fn canary_count(&self) -> u64 {
            self.inner.with(|test| test.count(Arm::Canary))
        }

        /// The bands of the tracked quantiles: dicts with `quantile` and `(low, high)` for
        /// `baseline`, `canary` and `difference` (canary minus baseline).
        fn bands<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
            let bands = self.inner.with(|test| test.bands());
            bands.iter().map(|b| band(py, b)).collect()
        }

        /// The catch-all band at any quantile `p` in (0, 1); None when the catch-all is off.
        fn catch_all_band<'py>(
            &self,
            py: Python<'py>,
            p: f64,
        ) -> PyResult<Option<Bound<'py, PyAny>>> {
            let found = self.inner.with(|test| test.catch_all_band(p)).map_err(raise)?;
            found.map(|b| band(py, &b)).transpose()
        }
    }
}
