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

/// The Python exception for a library error, with the library's message.
///
/// `impl From<canary_judge::Error> for PyErr` is not possible here (both types are foreign),
/// hence a function for `map_err`.
pub fn raise(error: canary_judge::Error) -> PyErr {
    CanaryJudgeError::new_err(error.to_string())
}

/// A [`CanaryJudgeError`] for input that the bindings themselves check (dtypes, shapes, names).
pub fn invalid(message: impl Into<String>) -> PyErr {
    CanaryJudgeError::new_err(message.into())
}
