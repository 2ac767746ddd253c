//! The strings of the Python API and the Rust enums they stand for.
//!
//! Each choice is one table read both ways: parsing an argument (case-insensitive, `-` and `_`
//! alike, as scipy lowercases its strings) and naming a value in a result.

use canary_judge::rules::smoothing::{Level, NoDataPolicy, Signal, Tick};
use canary_judge::slo::Severity;
use canary_judge::stats::{Alternative, Method, MethodUsed, SequentialDecision};
use canary_judge::NanPolicy;
use pyo3::PyResult;

use crate::errors::invalid;

/// Names and values of one choice.
pub type Table<T> = &'static [(&'static str, T)];

/// The value named `given` for the parameter `param`, or a `CanaryJudgeError` listing the names.
pub fn parse<T: Copy>(param: &str, given: &str, table: Table<T>) -> PyResult<T> {
    let wanted = given.to_ascii_lowercase().replace('_', "-");
    table
        .iter()
        .find(|(name, _)| name.replace('_', "-") == wanted)
        .map(|&(_, value)| value)
        .ok_or_else(|| {
            let names: Vec<String> = table.iter().map(|(name, _)| format!("'{name}'")).collect();
            invalid(format!(
                "`{param}` must be one of {}, got '{given}'",
                names.join(", ")
            ))
        })
}

/// The name of `value` in `table`.
pub fn name<T: PartialEq>(value: T, table: Table<T>) -> &'static str {
    table
        .iter()
        .find(|(_, v)| *v == value)
        .map_or("unknown", |&(name, _)| name)
}

/// scipy's names.
pub const ALTERNATIVES: Table<Alternative> = &[
    ("two-sided", Alternative::TwoSided),
    ("less", Alternative::Less),
    ("greater", Alternative::Greater),
];

/// NaN handling of functions without a NaN result: reject, or drop NaN values.
pub const NAN_POLICIES: Table<NanPolicy> =
    &[("raise", NanPolicy::Reject), ("omit", NanPolicy::Remove)];

/// The crate's methods, for the functions whose methods are the crate's own (Hodges-Lehmann).
pub const METHODS: Table<Method> = &[
    ("auto", Method::Auto),
    ("exact", Method::Exact),
    ("asymptotic", Method::Asymptotic),
];

/// How a p-value or interval was computed.
pub const METHODS_USED: Table<MethodUsed> = &[
    ("exact", MethodUsed::Exact),
    ("exact_conditional", MethodUsed::ExactConditional),
    ("asymptotic", MethodUsed::Asymptotic),
];

/// What a sequential test concludes.
pub const DECISIONS: Table<SequentialDecision> = &[
    ("continue", SequentialDecision::Continue),
    ("reject", SequentialDecision::Reject),
    ("accept", SequentialDecision::Accept),
];

/// One measurement's outcome, fed to a counter.
pub const TICKS: Table<Tick> = &[
    ("pass", Tick::Pass),
    ("fail", Tick::Fail),
    ("inconclusive", Tick::Inconclusive),
    ("error", Tick::Error),
    ("no_data", Tick::NoData),
];

/// What a counter says.
pub const SIGNALS: Table<Signal> = &[
    ("continue", Signal::Continue),
    ("fail", Signal::Fail),
    ("inconclusive", Signal::Inconclusive),
    ("error", Signal::Error),
    ("succeed", Signal::Succeed),
];

/// Whether a smoothed condition holds.
pub const LEVELS: Table<Level> = &[("clear", Level::Clear), ("breached", Level::Breached)];

/// What a tick without data counts as.
pub const NO_DATA_POLICIES: Table<NoDataPolicy> = &[
    ("skip", NoDataPolicy::Skip),
    ("count_as_failure", NoDataPolicy::CountAsFailure),
];

/// How urgent an alert tier is.
pub const SEVERITIES: Table<Severity> = &[("page", Severity::Page), ("ticket", Severity::Ticket)];
