//! Error budgets and burn rates: budget left, burn rate, multiwindow multi-burn-rate alerts and
//! the release gate, on plain numbers.
//!
//! Targets, budget shares and factors are numbers (`0.999`, read by their shortest decimal) or
//! text (`"99.9%"`, `"72/5"`) and are held exactly; durations are seconds or
//! `datetime.timedelta`; reports are dicts.

use std::str::FromStr;
use std::time::Duration;

use canary_judge::slo::{
    self, AlertTier, BurnFactor, BurnVerdict, Counts, Exhaustion, Fraction, Objective, Slo,
    VolumeGuard,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyDictMethods};

use crate::arrays::Count;
use crate::choices::{name, parse, SEVERITIES};
use crate::errors::{invalid, raise};
use crate::serde_py::to_py;
use crate::state::stateful;

/// A target, share or factor as given: text is parsed, a number read by its shortest decimal.
#[derive(FromPyObject)]
pub enum Exact {
    /// Such as "99.9%" or "72/5".
    Text(String),
    /// Such as 0.999.
    Number(f64),
}

impl Exact {
    fn read<T: FromStr<Err = canary_judge::Error>>(
        self,
        from_f64: fn(f64) -> canary_judge::Result<T>,
    ) -> PyResult<T> {
        match self {
            Exact::Text(text) => text.parse(),
            Exact::Number(number) => from_f64(number),
        }
        .map_err(raise)
    }

    fn objective(self) -> PyResult<Objective> {
        self.read(Objective::from_f64)
    }
}

/// A duration as given: a `datetime.timedelta` or seconds.
#[derive(FromPyObject)]
pub enum Seconds {
    /// A `datetime.timedelta`.
    Delta(Duration),
    /// Seconds.
    Number(f64),
}

impl Seconds {
    fn duration(self, name: &str) -> PyResult<Duration> {
        match self {
            Seconds::Delta(duration) => Ok(duration),
            Seconds::Number(seconds) => Duration::try_from_secs_f64(seconds).map_err(|_| {
                invalid(format!(
                    "`{name}` must be a nonnegative, finite number of seconds, got {seconds}"
                ))
            }),
        }
    }
}

fn counts(bad: Count, total: Count) -> PyResult<Counts> {
    Counts::new(bad.0, total.0).map_err(raise)
}

fn slo(objective: Exact, period: Seconds) -> PyResult<Slo> {
    Slo::new(objective.objective()?, period.duration("period")?).map_err(raise)
}

/// The error budget `1 - objective` as a float.
#[pyfunction]
pub fn error_budget(objective: Exact) -> PyResult<f64> {
    Ok(objective.objective()?.error_budget().to_f64())
}

/// The burn rate of a window, `(bad / total) / (1 - objective)`; None with no events.
#[pyfunction]
pub fn burn_rate(objective: Exact, bad: Count, total: Count) -> PyResult<Option<f64>> {
    Ok(objective.objective()?.burn_rate(counts(bad, total)?))
}

/// The error budget of the period's counts: allowed bad events, the share consumed and the
/// share remaining (negative when overspent; None with no events).
#[pyfunction]
pub fn budget<'py>(
    py: Python<'py>,
    objective: Exact,
    bad: Count,
    total: Count,
) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &objective.objective()?.budget(counts(bad, total)?))
}

/// Seconds until a constant `burn_rate` exhausts the `remaining` share of the budget of an
/// SLO over `period`: 0 when nothing remains, infinity when the burn rate is 0.
#[pyfunction]
pub fn time_to_exhaustion(
    objective: Exact,
    period: Seconds,
    remaining: f64,
    burn_rate: f64,
) -> PyResult<f64> {
    let exhaustion = slo(objective, period)?
        .time_to_exhaustion(remaining, burn_rate)
        .map_err(raise)?;
    Ok(match exhaustion {
        Exhaustion::Never => f64::INFINITY,
        Exhaustion::Exhausted => 0.0,
        Exhaustion::After(duration) => duration.as_secs_f64(),
    })
}

/// The burn-rate factor at which `budget_share` of the budget of `period` is spent within
/// `window` (2 % in 1 h of 30 d is 14.4).
#[pyfunction]
pub fn burn_factor(budget_share: Exact, window: Seconds, period: Seconds) -> PyResult<f64> {
    let share = budget_share.read(Fraction::from_f64)?;
    BurnFactor::from_budget_share(
        share,
        window.duration("window")?,
        period.duration("period")?,
    )
    .map(|factor| factor.to_f64())
    .map_err(raise)
}

/// The Wilson score interval of the error ratio `bad / total`; None with no events.
#[pyfunction]
#[pyo3(signature = (bad, total, confidence = 0.95))]
pub fn wilson_interval(bad: Count, total: Count, confidence: f64) -> PyResult<Option<(f64, f64)>> {
    slo::wilson_interval(counts(bad, total)?, confidence).map_err(raise)
}

/// The low-volume guard: windows whose budget allows fewer than `min_budget_events` bad
/// events, or whose Wilson interval at `wilson_confidence` reaches the threshold, do not fire.
fn guard(min_budget_events: Count, wilson_confidence: Option<f64>) -> PyResult<VolumeGuard> {
    let guard = VolumeGuard::off().with_min_budget_events(min_budget_events.0);
    match wilson_confidence {
        Some(confidence) => guard.with_wilson(confidence).map_err(raise),
        None => Ok(guard),
    }
}

/// One tier from a dict with `severity` ("page" or "ticket"), `factor`, `long` and `short`.
fn tier(index: usize, spec: &Bound<'_, PyDict>) -> PyResult<AlertTier> {
    let field = |key: &str| {
        spec.get_item(key)?
            .ok_or_else(|| invalid(format!("tiers[{index}] has no `{key}`")))
    };
    let severity = parse(
        "severity",
        &field("severity")?.extract::<String>()?,
        SEVERITIES,
    )?;
    let factor = field("factor")?
        .extract::<Exact>()?
        .read(BurnFactor::from_f64)?;
    let long = field("long")?.extract::<Seconds>()?.duration("long")?;
    let short = field("short")?.extract::<Seconds>()?.duration("short")?;
    AlertTier::new(severity, factor, long, short).map_err(raise)
}

stateful! {
    /// A multiwindow, multi-burn-rate alerting policy for one SLO (SRE Workbook ch. 5).
    MultiWindowPolicy(slo::MultiWindowPolicy) {
        /// A policy with the given tiers: dicts with `severity` ("page" or "ticket"),
        /// `factor`, `long` and `short` (seconds or timedelta).
        #[new]
        #[pyo3(signature = (
            objective, period, tiers, *, min_budget_events = Count(1), wilson_confidence = None
        ), text_signature = "(objective, period, tiers, *, min_budget_events=1, \
                             wilson_confidence=None)")]
        fn new(
            objective: Exact,
            period: Seconds,
            tiers: Vec<Bound<'_, PyDict>>,
            min_budget_events: Count,
            wilson_confidence: Option<f64>,
        ) -> PyResult<Self> {
            let tiers = tiers
                .iter()
                .enumerate()
                .map(|(index, spec)| tier(index, spec))
                .collect::<PyResult<Vec<_>>>()?;
            let policy = slo::MultiWindowPolicy::new(slo(objective, period)?, tiers)
                .map_err(raise)?;
            Ok(Self::wrap(policy.with_guard(guard(min_budget_events, wilson_confidence)?)))
        }

        /// The Workbook's tiers for the SLO's period: page on 2 % of the budget in 1 h (and
        /// 5 min) or 5 % in 6 h (and 30 min), ticket on 10 % in 1 d (and 2 h) or in 3 d (and
        /// 6 h).
        #[classmethod]
        #[pyo3(signature = (
            objective, period = Seconds::Number(30.0 * 86_400.0), *,
            min_budget_events = Count(1), wilson_confidence = None
        ), text_signature = "($cls, objective, period=2592000.0, *, min_budget_events=1, \
                             wilson_confidence=None)")]
        fn workbook(
            _cls: &Bound<'_, pyo3::types::PyType>,
            objective: Exact,
            period: Seconds,
            min_budget_events: Count,
            wilson_confidence: Option<f64>,
        ) -> PyResult<Self> {
            let policy = slo::MultiWindowPolicy::workbook(slo(objective, period)?)
                .map_err(raise)?;
            Ok(Self::wrap(policy.with_guard(guard(min_budget_events, wilson_confidence)?)))
        }

        /// The tiers as dicts: severity, factor (exact, as text), long and short (seconds).
        #[getter]
        fn tiers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            let tiers = self.inner.with(|policy| policy.tiers().to_vec());
            to_py(py, &tiers)
        }

        /// Evaluates every tier on `windows`, a dict from window length (seconds or
        /// timedelta) to `(bad, total)` counts, and reports the most severe firing tier:
        /// `verdict` ("firing", "inconclusive", "quiet" or "no_data"), `tier`, `severity`,
        /// `reason` and every tier's numbers.
        fn evaluate<'py>(
            &self,
            py: Python<'py>,
            windows: &Bound<'py, PyDict>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let windows = windows
                .iter()
                .map(|(window, pair)| {
                    let (bad, total): (Count, Count) = pair.extract()?;
                    Ok((window.extract::<Seconds>()?.duration("window")?, counts(bad, total)?))
                })
                .collect::<PyResult<Vec<_>>>()?;
            let report = self.inner.with(|policy| policy.evaluate(&windows)).map_err(raise)?;
            let (verdict, tier, severity) = match report.verdict {
                BurnVerdict::Firing { tier, severity } => {
                    ("firing", Some(tier), Some(name(severity, SEVERITIES)))
                }
                BurnVerdict::Inconclusive { tier } => ("inconclusive", Some(tier), None),
                BurnVerdict::Quiet => ("quiet", None, None),
                BurnVerdict::NoData => ("no_data", None, None),
            };
            let dict = to_py(py, &report)?;
            dict.set_item("verdict", verdict)?;
            dict.set_item("tier", tier)?;
            dict.set_item("severity", severity)?;
            Ok(dict)
        }
    }
}

stateful! {
    /// A release gate on the share of the error budget left: "allow", "caution" or "freeze"
    /// ("no_data" when the period saw no events).
    BudgetGate(slo::BudgetGate) {
        /// Allows from `allow_from` remaining, freezes below `freeze_below`.
        #[new]
        #[pyo3(
            signature = (allow_from = Exact::Number(0.5), freeze_below = Exact::Number(0.2)),
            text_signature = "(allow_from=0.5, freeze_below=0.2)"
        )]
        fn new(allow_from: Exact, freeze_below: Exact) -> PyResult<Self> {
            let allow_from = allow_from.read(Fraction::from_f64)?;
            let freeze_below = freeze_below.read(Fraction::from_f64)?;
            slo::BudgetGate::new(allow_from, freeze_below)
                .map(Self::wrap)
                .map_err(raise)
        }

        /// The SRE Workbook's policy: freeze only once the period's budget is overspent.
        #[classmethod]
        fn exhaustion_only(_cls: &Bound<'_, pyo3::types::PyType>) -> Self {
            Self::wrap(slo::BudgetGate::exhaustion_only())
        }

        /// The decision on the period's counts, with the budget behind it and a reason.
        fn decide<'py>(
            &self,
            py: Python<'py>,
            objective: Exact,
            bad: Count,
            total: Count,
        ) -> PyResult<Bound<'py, PyAny>> {
            let (objective, counts) = (objective.objective()?, counts(bad, total)?);
            let report = self.inner.with(|gate| gate.decide(&objective, counts));
            to_py(py, &report)
        }
    }
}
