//! Python bindings of canary-judge: the `canary_judge._core` extension module of the
//! `canary_judge` wheel.
//!
//! One file per family of the library (`rank_tests`, `power`, `sample_rules`, `slo`,
//! `sequential`, `smoothing`), on shared plumbing: `errors` (the exception), `arrays` (numpy
//! input), `choices` (string arguments), `records` (result classes), `state` (stateful,
//! picklable classes) and `serde_py` (dict results).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod arrays;
mod choices;
mod errors;
mod rank_tests;
mod records;
mod serde_py;
mod state;

/// Native core of the canary_judge package.
#[pyo3::pymodule]
mod _core {
    #[pymodule_export]
    use crate::errors::CanaryJudgeError;
    #[pymodule_export]
    use crate::rank_tests::{
        effect_sizes, hodges_lehmann, mannwhitneyu, mannwhitneyu_grouped, EffectSizes,
        HodgesLehmannResult, MannWhitneyUResult,
    };

    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(module: &Bound<'_, PyModule>) -> PyResult<()> {
        module.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
