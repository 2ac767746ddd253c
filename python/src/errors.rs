//! The package's one exception, `canary_judge.CanaryJudgeError`, and how library errors become it.

use pyo3::exceptions::PyValueError;
use pyo3::PyErr;

pyo3::create_exception!(
    canary_judge,
    CanaryJudgeError,
    PyValueError,
    "Invalid input or parameters, with a message that says what is wrong and what is allowed.\n\n\
     A subclass of ValueError, so code that catches ValueError (as for scipy) keeps working."
);

/// Rust names that library messages suggest, and what a Python caller writes instead.
const PYTHON_NAMES: [(&str, &str); 4] = [
    ("NanPolicy::Reject", "nan_policy='raise'"),
    ("NanPolicy::Remove", "nan_policy='omit'"),
    ("Method::Asymptotic", "method='asymptotic'"),
    ("Method::Auto", "method='auto'"),
];

/// The Python exception for a library error, with the library's message (its hints named as
/// the Python API spells them).
///
/// `impl From<canary_judge::Error> for PyErr` is not possible here (both types are foreign),
/// hence a function for `map_err`.
pub fn raise(error: canary_judge::Error) -> PyErr {
    let message = PYTHON_NAMES
        .iter()
        .fold(error.to_string(), |message, (rust, python)| {
            message.replace(rust, python)
        });
    CanaryJudgeError::new_err(message)
}

/// A [`CanaryJudgeError`] for input that the bindings themselves check (dtypes, shapes, names).
pub fn invalid(message: impl Into<String>) -> PyErr {
    CanaryJudgeError::new_err(message.into())
}
