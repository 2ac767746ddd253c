//! The multi-metric judge and the rollout gate: configurations from dicts, JSON or TOML;
//! observations as dicts (numbers, lists or numpy arrays); verdicts and reports as dicts.

use canary_judge::judge::{self as core_judge, Observations};
use canary_judge::policy;
use pyo3::prelude::*;

use crate::errors::{invalid, raise};
use crate::serde_py::{from_dict, to_json, to_py};
use crate::state::stateful;

fn observations(object: &Bound<'_, PyAny>) -> PyResult<Observations> {
    from_dict(object, Observations::from_json)
}

/// Many metrics in, one explained verdict out. Build it with `Judge.from_dict`,
/// `Judge.from_json` or `Judge.from_toml`; the configuration is checked once.
#[pyclass(frozen, module = "canary_judge._core")]
pub struct Judge {
    inner: core_judge::Judge,
}

#[pymethods]
impl Judge {
    /// A judge from a configuration dict (the TOML/JSON layout as Python objects).
    #[staticmethod]
    fn from_dict(config: &Bound<'_, PyAny>) -> PyResult<Judge> {
        Ok(Judge {
            inner: from_dict(config, core_judge::Judge::from_json)?,
        })
    }

    /// A judge from JSON text.
    #[staticmethod]
    fn from_json(config: &str) -> PyResult<Judge> {
        Ok(Judge {
            inner: core_judge::Judge::from_json(config).map_err(raise)?,
        })
    }

    /// A judge from TOML text.
    #[staticmethod]
    fn from_toml(config: &str) -> PyResult<Judge> {
        Ok(Judge {
            inner: core_judge::Judge::from_toml(config).map_err(raise)?,
        })
    }

    /// The configuration (with defaults filled in) as a dict.
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.inner.config())
    }

    /// The verdict on one look at the data, as a dict (`docs/verdict-json.md`).
    ///
    /// `observations`: `{"metrics": {name: {"samples": {"baseline": [...], "canary": [...]}}
    /// | {"counts": {...}} | {"histogram": {...}}}, "budget": {"bad": b, "total": t}}`.
    fn judge<'py>(
        &self,
        py: Python<'py>,
        observations: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let observations = self::observations(observations)?;
        let verdict = py
            .detach(|| self.inner.judge(&observations))
            .map_err(raise)?;
        to_py(py, &verdict)
    }

    /// `judge` on JSON text, returning the verdict's JSON text.
    fn judge_json(&self, py: Python<'_>, observations: &str) -> PyResult<String> {
        let observations = Observations::from_json(observations).map_err(raise)?;
        let verdict = py
            .detach(|| self.inner.judge(&observations))
            .map_err(raise)?;
        Ok(verdict.to_json())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (to_json(slf.get().inner.config())?,),
        ))
    }
}

stateful! {
    /// The state of one rollout: the stage, the rollback counters and each metric's test.
    /// Pickles, and `to_json()` gives the text a controller persists between ticks.
    GateState(policy::GateState) {
        /// Index of the current stage.
        #[getter]
        fn stage(&self) -> usize {
            self.inner.with(|state| state.stage)
        }

        /// "running", "rolled_back" or "finished".
        #[getter]
        fn status(&self) -> PyResult<String> {
            self.inner.with(|state| {
                serde_json::to_value(state.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .ok_or_else(|| invalid("unknown status"))
            })
        }

        /// Ticks so far.
        #[getter]
        fn ticks(&self) -> u64 {
            self.inner.with(|state| state.ticks)
        }
    }
}

/// A staged rollout gate: at each tick, promote to the next stage, continue, roll back or
/// finished. Build it with `Gate.from_dict`, `Gate.from_json` or `Gate.from_toml`.
#[pyclass(frozen, module = "canary_judge._core")]
pub struct Gate {
    inner: policy::Gate,
}

#[pymethods]
impl Gate {
    /// A gate from a configuration dict.
    #[staticmethod]
    fn from_dict(config: &Bound<'_, PyAny>) -> PyResult<Gate> {
        Ok(Gate {
            inner: from_dict(config, policy::Gate::from_json)?,
        })
    }

    /// A gate from JSON text.
    #[staticmethod]
    fn from_json(config: &str) -> PyResult<Gate> {
        Ok(Gate {
            inner: policy::Gate::from_json(config).map_err(raise)?,
        })
    }

    /// A gate from TOML text.
    #[staticmethod]
    fn from_toml(config: &str) -> PyResult<Gate> {
        Ok(Gate {
            inner: policy::Gate::from_toml(config).map_err(raise)?,
        })
    }

    /// The configuration (with defaults filled in) as a dict.
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.inner.config())
    }

    /// The state of a rollout that has not started.
    fn start(&self) -> GateState {
        GateState::wrap(self.inner.start())
    }

    /// One tick at time `now` (seconds, never decreasing) with the observations since the last
    /// tick; updates `state` and returns the report as a dict. On an error the state is
    /// unchanged.
    fn step<'py>(
        &self,
        py: Python<'py>,
        state: &GateState,
        now: u64,
        observations: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let observations = self::observations(observations)?;
        let report = py
            .detach(|| {
                state.inner.with(|state| {
                    let mut next = state.clone();
                    let report = self.inner.step(&mut next, now, &observations)?;
                    *state = next;
                    Ok(report)
                })
            })
            .map_err(raise)?;
        to_py(py, &report)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            slf.get_type().getattr("from_json")?,
            (to_json(slf.get().inner.config())?,),
        ))
    }
}
