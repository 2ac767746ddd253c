//! Power and sample size of the Mann-Whitney and two-proportion tests, and shift models that
//! turn a shift in the metric's units into `P(X > Y)`.

use canary_judge::stats::{self, PowerOptions};
use pyo3::prelude::*;

use crate::arrays::{Count, Sample};
use crate::choices::{parse, ALTERNATIVES, NAN_POLICIES};
use crate::errors::raise;
use crate::records::record;

record! {
    /// Observations per group: the canary and the baseline.
    GroupSizes {
        /// Canary observations.
        canary: u64,
        /// Baseline observations.
        baseline: u64,
        /// Both groups together.
        total: u64,
    }
}

impl From<stats::GroupSizes> for GroupSizes {
    fn from(sizes: stats::GroupSizes) -> Self {
        GroupSizes {
            canary: sizes.canary,
            baseline: sizes.baseline,
            total: sizes.total(),
        }
    }
}

/// The planned test's level, target power and alternative.
pub fn options(alpha: f64, power: f64, alternative: &str) -> PyResult<PowerOptions> {
    Ok(PowerOptions::default()
        .alpha(alpha)
        .power(power)
        .alternative(parse("alternative", alternative, ALTERNATIVES)?))
}

fn sizes(canary: Count, baseline: Count) -> stats::GroupSizes {
    stats::GroupSizes {
        canary: canary.0,
        baseline: baseline.0,
    }
}

/// Group sizes for a Mann-Whitney test to detect `P(X > Y) = superiority` (Noether), with the
/// canary receiving `canary_share` of the observations.
#[pyfunction]
#[pyo3(signature = (
    superiority, canary_share, *, alpha = 0.05, power = 0.8, alternative = "two-sided"
))]
pub fn mann_whitney_sample_size(
    superiority: f64,
    canary_share: f64,
    alpha: f64,
    power: f64,
    alternative: &str,
) -> PyResult<GroupSizes> {
    let options = options(alpha, power, alternative)?;
    stats::mann_whitney_sample_size(superiority, canary_share, &options)
        .map(GroupSizes::from)
        .map_err(raise)
}

/// Approximate power of a Mann-Whitney test with these group sizes against `superiority`.
#[pyfunction]
#[pyo3(signature = (superiority, canary, baseline, *, alpha = 0.05, alternative = "two-sided"))]
pub fn mann_whitney_power(
    superiority: f64,
    canary: Count,
    baseline: Count,
    alpha: f64,
    alternative: &str,
) -> PyResult<f64> {
    let options = options(alpha, PowerOptions::default().power, alternative)?;
    stats::mann_whitney_power(superiority, sizes(canary, baseline), &options).map_err(raise)
}

/// The `P(X > Y)` a Mann-Whitney test with these group sizes detects with the target power;
/// None when no effect is large enough.
#[pyfunction]
#[pyo3(signature = (canary, baseline, *, alpha = 0.05, power = 0.8, alternative = "two-sided"))]
pub fn mann_whitney_detectable_superiority(
    canary: Count,
    baseline: Count,
    alpha: f64,
    power: f64,
    alternative: &str,
) -> PyResult<Option<f64>> {
    let options = options(alpha, power, alternative)?;
    stats::mann_whitney_detectable_superiority(sizes(canary, baseline), &options).map_err(raise)
}

/// Group sizes for a two-proportion z-test to detect `canary_rate` against `baseline_rate`.
#[pyfunction]
#[pyo3(signature = (
    canary_rate, baseline_rate, canary_share, *, alpha = 0.05, power = 0.8,
    alternative = "two-sided"
))]
pub fn two_proportions_sample_size(
    canary_rate: f64,
    baseline_rate: f64,
    canary_share: f64,
    alpha: f64,
    power: f64,
    alternative: &str,
) -> PyResult<GroupSizes> {
    let options = options(alpha, power, alternative)?;
    stats::two_proportions_sample_size(canary_rate, baseline_rate, canary_share, &options)
        .map(GroupSizes::from)
        .map_err(raise)
}

/// Approximate power of a pooled two-proportion z-test with these group sizes.
#[pyfunction]
#[pyo3(signature = (
    canary_rate, baseline_rate, canary, baseline, *, alpha = 0.05, alternative = "two-sided"
))]
pub fn two_proportions_power(
    canary_rate: f64,
    baseline_rate: f64,
    canary: Count,
    baseline: Count,
    alpha: f64,
    alternative: &str,
) -> PyResult<f64> {
    let options = options(alpha, PowerOptions::default().power, alternative)?;
    stats::two_proportions_power(
        canary_rate,
        baseline_rate,
        sizes(canary, baseline),
        &options,
    )
    .map_err(raise)
}

/// The canary error rate these group sizes detect with the target power; None when even a
/// rate of 1 (or 0) is not detected.
#[pyfunction]
#[pyo3(signature = (
    baseline_rate, canary, baseline, *, alpha = 0.05, power = 0.8, alternative = "two-sided"
))]
pub fn two_proportions_detectable_rate(
    baseline_rate: f64,
    canary: Count,
    baseline: Count,
    alpha: f64,
    power: f64,
    alternative: &str,
) -> PyResult<Option<f64>> {
    let options = options(alpha, power, alternative)?;
    stats::two_proportions_detectable_rate(baseline_rate, sizes(canary, baseline), &options)
        .map_err(raise)
}

/// How a shift of the canary's metric translates into `P(X > Y)`: for a normal baseline
/// (`ShiftModel.normal(sd)`) or an observed one (`ShiftModel.empirical(values)`).
#[pyclass(frozen, module = "canary_judge._core")]
pub struct ShiftModel(stats::ShiftModel);

#[pymethods]
impl ShiftModel {
    /// A normal baseline with standard deviation `sd`.
    #[staticmethod]
    fn normal(sd: f64) -> PyResult<Self> {
        stats::ShiftModel::normal(sd).map(ShiftModel).map_err(raise)
    }

    /// The baseline's distribution as observed (for example last week's latencies).
    #[staticmethod]
    #[pyo3(signature = (baseline, *, nan_policy = "raise"))]
    fn empirical(py: Python<'_>, baseline: &Bound<'_, PyAny>, nan_policy: &str) -> PyResult<Self> {
        let policy = parse("nan_policy", nan_policy, NAN_POLICIES)?;
        let sample = Sample::extract("baseline", baseline)?;
        let values = sample.values();
        py.detach(|| stats::ShiftModel::empirical(values, policy))
            .map(ShiftModel)
            .map_err(raise)
    }

    /// `P(X > Y)` (ties one half) when the canary is the baseline shifted by `shift`.
    fn superiority(&self, shift: f64) -> PyResult<f64> {
        self.0.superiority(shift).map_err(raise)
    }

    /// The smallest shift with `P(X > Y) >= superiority`.
    fn shift_for_superiority(&self, superiority: f64) -> PyResult<f64> {
        self.0.shift_for_superiority(superiority).map_err(raise)
    }
}
