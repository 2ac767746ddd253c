//! Result classes: frozen Python objects whose fields are attributes, with a `repr` that
//! lists them and `to_dict()`.

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Defines a result class: a frozen `#[pyclass]` with one read-only attribute per field, a
/// `__repr__` and a `to_dict()` listing the fields in order, and any further methods given
/// after `methods`.
macro_rules! record {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$field_meta:meta])* $field:ident : $ty:ty ),* $(,)?
        }
        $( methods { $($methods:tt)* } )?
    ) => {
        $(#[$meta])*
        #[pyo3::pyclass(frozen, get_all, module = "canary_judge._core")]
        #[derive(Debug, Clone)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: $ty, )*
        }

        impl $name {
            /// The fields as (name, Python value) pairs, in declaration order.
            fn fields<'py>(
                &self,
                py: pyo3::Python<'py>,
            ) -> pyo3::PyResult<Vec<(&'static str, pyo3::Bound<'py, pyo3::PyAny>)>> {
                Ok(vec![$(
                    (
                        stringify!($field),
                        pyo3::IntoPyObjectExt::into_bound_py_any(self.$field.clone(), py)?,
                    ),
                )*])
            }
        }

        #[pyo3::pymethods]
        impl $name {
            fn __repr__(&self, py: pyo3::Python<'_>) -> pyo3::PyResult<String> {
                $crate::records::repr(stringify!($name), self.fields(py)?)
            }

            /// The fields as a dict.
            fn to_dict<'py>(
                &self,
                py: pyo3::Python<'py>,
            ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::types::PyDict>> {
                $crate::records::dict(py, self.fields(py)?)
            }

            $( $($methods)* )?
        }
    };
}

pub(crate) use record;

/// `Name(field=repr, ...)`.
pub fn repr(name: &str, fields: Vec<(&'static str, Bound<'_, PyAny>)>) -> PyResult<String> {
    let parts = fields
        .into_iter()
        .map(|(field, value)| Ok(format!("{field}={}", value.repr()?)))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(format!("{name}({})", parts.join(", ")))
}

/// `{field: value, ...}`.
pub fn dict<'py>(
    py: Python<'py>,
    fields: Vec<(&'static str, Bound<'py, PyAny>)>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (field, value) in fields {
        dict.set_item(field, value)?;
    }
    Ok(dict)
}
