//! Python bindings of canary-judge: the `canary_judge._core` extension module of the
//! `canary_judge` wheel.
//!
//! One file per family of the library (`rank_tests`, `power`, `sample_rules`, `slo`,
//! `sequential`, `smoothing`, `verdict`: the judge and the rollout gate, `sim`: the policy
//! simulator), on shared plumbing: `errors` (the exception), `arrays` (numpy
//! input), `choices` (string arguments), `records` (result classes), `state` (stateful,
//! picklable classes) and `serde_py` (dict results). A new family is a new file and one more
//! `#[pymodule_export]` line below.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod arrays;
mod choices;
mod errors;
mod power;
mod rank_tests;
mod records;
mod sample_rules;
mod sequential;
mod serde_py;
mod sim;
mod slo;
mod smoothing;
mod state;
mod verdict;

/// Native core of the canary_judge package.
#[pyo3::pymodule]
mod _core {
    use pyo3::prelude::*;

    #[pymodule_export]
    use crate::errors::CanaryJudgeError;
    #[pymodule_export]
    use crate::power::{
        mann_whitney_detectable_superiority, mann_whitney_power, mann_whitney_sample_size,
        two_proportions_detectable_rate, two_proportions_power, two_proportions_sample_size,
        GroupSizes, ShiftModel,
    };
    #[pymodule_export]
    use crate::rank_tests::{
        effect_sizes, hodges_lehmann, mannwhitneyu, mannwhitneyu_grouped, EffectSizes,
        HodgesLehmannResult, MannWhitneyUResult,
    };
    #[pymodule_export]
    use crate::sample_rules::{
        MannWhitneyPowerRule, MinExpectedEvents, MinObservations, Sufficiency,
        TwoProportionsPowerRule,
    };
    #[pymodule_export]
    use crate::sequential::{
        BernoulliSprt, EventCountTest, MeanDifferenceMsprt, NormalSprt, PoissonSprt, QuantileTest,
        TwoSampleSprt,
    };
    #[pymodule_export]
    use crate::sim::{
        builtin_policies, builtin_scenarios, evaluate, evaluation_plots, evaluation_report,
        evaluation_table, merge_evaluations,
    };
    #[pymodule_export]
    use crate::slo::{
        budget, burn_factor, burn_rate, error_budget, time_to_exhaustion, wilson_interval,
        BudgetGate, MultiWindowPolicy,
    };
    #[pymodule_export]
    use crate::smoothing::{Counter, Ewma, Hysteresis, RollingWindow, Vote};
    #[pymodule_export]
    use crate::verdict::{Gate, GateState, Judge};

    #[pymodule_init]
    fn init(module: &Bound<'_, PyModule>) -> PyResult<()> {
        module.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
