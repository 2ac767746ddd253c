//! The policy simulator: built-in scenarios and policies as dicts, runs (or shards of a run)
//! as dicts of exact counts, their exact merge, and the report, table and plots of a run.

use canary_judge::sim::{self, Evaluation, Plan, Policy, Report, ScenarioConfig};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::errors::{invalid, raise};
use crate::serde_py::{from_dict, to_py};

/// The built-in scenarios' configurations, as dicts that `evaluate` accepts.
#[pyfunction]
pub fn builtin_scenarios<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
    let configs = sim::builtin_scenarios()
        .iter()
        .map(|scenario| to_py(py, scenario))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, configs)
}

/// The built-in policies' configurations, as dicts that `evaluate` accepts.
#[pyfunction]
pub fn builtin_policies<'py>(py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
    let configs = sim::builtin_policies()
        .map_err(raise)?
        .iter()
        .map(|policy| to_py(py, policy.config()))
        .collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, configs)
}

/// How `evaluate` reads one kind of item: its built-ins and its loaders.
struct Kind<T> {
    what: &'static str,
    builtins: Vec<T>,
    name: fn(&T) -> &str,
    from_json: fn(&str) -> canary_judge::Result<T>,
    from_toml: fn(&str) -> canary_judge::Result<T>,
}

impl<T: Clone> Kind<T> {
    /// The items of `list`: the built-ins when it is None; otherwise each item a built-in's
    /// name, a configuration dict, or configuration text (JSON or TOML).
    fn read(self, list: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<T>> {
        let Some(list) = list else {
            return Ok(self.builtins);
        };
        if list.is_instance_of::<PyString>() || list.is_instance_of::<PyDict>() {
            return Err(invalid(format!(
                "{}s: pass a list of names or configurations, not a single one",
                self.what
            )));
        }
        list.try_iter()?.map(|item| self.item(&item?)).collect()
    }

    fn item(&self, item: &Bound<'_, PyAny>) -> PyResult<T> {
        let Ok(text) = item.extract::<String>() else {
            return from_dict(item, self.from_json);
        };
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') {
            return (self.from_json)(&text).map_err(raise);
        }
        if text.contains('=') {
            return (self.from_toml)(&text).map_err(raise);
        }
        let found = self.builtins.iter().find(|b| (self.name)(b) == text);
        found.cloned().ok_or_else(|| {
            let names: Vec<&str> = self.builtins.iter().map(|b| (self.name)(b)).collect();
            invalid(format!(
                "no built-in {} is called {text:?}; the built-in ones are {}",
                self.what,
                names.join(", ")
            ))
        })
    }
}

/// Runs rollouts `first_rollout .. first_rollout + rollouts` of every scenario under every
/// policy and returns the run's counts as a dict, which `merge_evaluations` merges with the
/// counts of other shards of the same run (same seed).
#[pyfunction]
#[pyo3(signature = (scenarios=None, policies=None, rollouts=100, first_rollout=0, seed=0, threads=None))]
pub fn evaluate<'py>(
    py: Python<'py>,
    scenarios: Option<&Bound<'py, PyAny>>,
    policies: Option<&Bound<'py, PyAny>>,
    rollouts: u64,
    first_rollout: u64,
    seed: u64,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let scenarios = Kind {
        what: "scenario",
        builtins: sim::builtin_scenarios(),
        name: |s: &ScenarioConfig| s.name.as_str(),
        from_json: ScenarioConfig::from_json,
        from_toml: ScenarioConfig::from_toml,
    }
    .read(scenarios)?;
    let policies = Kind {
        what: "policy",
        builtins: sim::builtin_policies().map_err(raise)?,
        name: Policy::name,
        from_json: Policy::from_json,
        from_toml: Policy::from_toml,
    }
    .read(policies)?;
    if threads == Some(0) {
        return Err(invalid("threads must be at least 1 (or None: all cores)"));
    }
    let last = first_rollout
        .checked_add(rollouts)
        .ok_or_else(|| invalid("first_rollout + rollouts overflows"))?;
    let plan = Plan {
        scenarios,
        policies,
        seed,
        rollouts: first_rollout..last,
        threads,
    };
    let evaluation = py.detach(|| plan.run(&|_done| {})).map_err(raise)?;
    to_py(py, &evaluation)
}

/// Merges shards of one run (dicts from `evaluate`) into the run's counts: exact, in any
/// order. Shards that count a rollout twice, or come from other seeds, do not merge.
#[pyfunction]
pub fn merge_evaluations<'py>(
    py: Python<'py>,
    evaluations: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut merged: Option<Evaluation> = None;
    for shard in evaluations.try_iter()? {
        let shard = evaluation(&shard?)?;
        match merged.as_mut() {
            None => merged = Some(shard),
            Some(merged) => merged.merge(&shard).map_err(raise)?,
        }
    }
    let merged = merged.ok_or_else(|| invalid("merge_evaluations needs at least one shard"))?;
    to_py(py, &merged)
}

/// The figures of a run (a dict from `evaluate` or `merge_evaluations`): per policy and per
/// scenario and policy, rates with 95 % Wilson intervals, times and traffic.
#[pyfunction]
pub fn evaluation_report<'py>(
    py: Python<'py>,
    evaluation: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &Report::new(&self::evaluation(evaluation)?))
}

/// The report of a run as a text table.
#[pyfunction]
pub fn evaluation_table(evaluation: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(Report::new(&self::evaluation(evaluation)?).table())
}

/// The plots of a run as SVG documents, by file name.
#[pyfunction]
pub fn evaluation_plots(evaluation: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    Ok(sim::plots(&self::evaluation(evaluation)?))
}

fn evaluation(object: &Bound<'_, PyAny>) -> PyResult<Evaluation> {
    from_dict(object, Evaluation::from_json)
}
