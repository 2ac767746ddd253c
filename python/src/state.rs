//! Stateful classes: a library value behind a lock, persisted as JSON for pickling.
//!
//! Python objects are shared freely between threads, so each class is `frozen` and keeps its
//! value in a [`Shared`] lock. The lock is never held while Python code runs, so it cannot
//! deadlock with the GIL. State is the library's serde form in JSON (with serde_json's
//! `float_roundtrip`, so floats read back bit for bit): a pickled object resumes with
//! identical decisions, and `to_json()` gives the same text to a controller that persists it
//! elsewhere.

use std::sync::{Mutex, PoisonError};

/// A value shared between Python threads.
pub struct Shared<T>(Mutex<T>);

impl<T> Shared<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Shared(Mutex::new(value))
    }

    /// Runs `f` with exclusive access to the value.
    ///
    /// Library updates validate before they change anything, so even a lock poisoned by a
    /// panic holds a consistent value and is used as is.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut guard)
    }
}

/// Defines a stateful class around a serializable library value: a frozen `#[pyclass]`
/// holding it in a [`Shared`] lock, with `to_json()`, the class method `from_json()`,
/// pickling through them, a `repr` that rebuilds the object, and the methods given.
macro_rules! stateful {
    (
        $(#[$meta:meta])*
        $name:ident($inner:ty) {
            $($methods:tt)*
        }
    ) => {
        $(#[$meta])*
        #[pyo3::pyclass(frozen, module = "canary_judge._core")]
        pub struct $name {
            inner: $crate::state::Shared<$inner>,
        }

        impl $name {
            fn wrap(value: $inner) -> Self {
                $name {
                    inner: $crate::state::Shared::new(value),
                }
            }
        }

        #[pyo3::pymethods]
        impl $name {
            /// The state as JSON text; `from_json` resumes from it with identical decisions.
            fn to_json(&self) -> pyo3::PyResult<String> {
                self.inner.with(|value| $crate::serde_py::to_json(value))
            }

            /// Restores a state written by `to_json`, validated as a new object is.
            #[classmethod]
            fn from_json(
                _cls: &pyo3::Bound<'_, pyo3::types::PyType>,
                state: &str,
            ) -> pyo3::PyResult<Self> {
                Ok(Self::wrap($crate::serde_py::from_json(stringify!($name), state)?))
            }

            fn __reduce__<'py>(
                slf: &pyo3::Bound<'py, Self>,
            ) -> pyo3::PyResult<(pyo3::Bound<'py, pyo3::PyAny>, (String,))> {
                use pyo3::types::PyAnyMethods;
                Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json()?,)))
            }

            fn __repr__(&self, py: pyo3::Python<'_>) -> pyo3::PyResult<String> {
                use pyo3::types::PyAnyMethods;
                let state = pyo3::types::PyString::new(py, &self.to_json()?);
                Ok(format!("{}.from_json({})", stringify!($name), state.repr()?))
            }

            $($methods)*
        }
    };
}

pub(crate) use stateful;
