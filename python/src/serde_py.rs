//! Serialized library values as Python objects, and Python objects as library input, through
//! `serde_json::Value`.
//!
//! Durations (`{"secs": s, "nanos": n}` in serde's form) become seconds as floats, the unit of
//! every duration in the Python API.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Number, Value};

use crate::errors::{invalid, raise};

/// A library value (a report, a configuration) as plain Python objects.
pub fn to_py<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(value)
        .map_err(|e| invalid(format!("cannot represent the result: {e}")))?;
    value_to_py(py, &value)
}

/// A JSON value as the Python object `json.loads` would give, with durations as seconds.
pub fn value_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    use pyo3::IntoPyObjectExt;
    match value {
        Value::Null => Ok(py.None().into_bound(py)),
        Value::Bool(b) => b.into_bound_py_any(py),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.into_bound_py_any(py),
            (None, Some(i)) => i.into_bound_py_any(py),
            (None, None) => n.as_f64().unwrap_or(f64::NAN).into_bound_py_any(py),
        },
        Value::String(s) => s.into_bound_py_any(py),
        Value::Array(items) => {
            let items = items
                .iter()
                .map(|item| value_to_py(py, item))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(PyList::new(py, items)?.into_any())
        }
        Value::Object(map) => {
            if let Some(seconds) = duration_seconds(map) {
                return seconds.into_bound_py_any(py);
            }
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, value_to_py(py, item)?)?;
            }
            Ok(dict.into_any())
        }
    }
}

/// Seconds of a serialized `std::time::Duration`.
fn duration_seconds(map: &Map<String, Value>) -> Option<f64> {
    if map.len() != 2 {
        return None;
    }
    let secs = map.get("secs")?.as_u64()?;
    let nanos = map.get("nanos")?.as_u64()?;
    Some(secs as f64 + nanos as f64 * 1e-9)
}

/// A library value from its JSON text (the persisted state of a stateful class).
pub fn from_json<T: DeserializeOwned>(what: &str, json: &str) -> PyResult<T> {
    serde_json::from_str(json).map_err(|e| invalid(format!("invalid {what} state: {e}")))
}

/// The JSON text of a library value.
pub fn to_json<T: Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|e| invalid(format!("cannot serialize the state: {e}")))
}

/// A Python value as JSON: dicts with string keys, lists, tuples, numpy arrays (through
/// `tolist()`), numbers, strings, booleans and None. NaN becomes `null`, which metric data
/// reads back as NaN (JSON has no NaN).
pub fn to_value(object: &Bound<'_, PyAny>) -> PyResult<Value> {
    if object.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = object.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if object.is_instance_of::<PyInt>() {
        if let Ok(u) = object.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Ok(Value::from(object.extract::<i64>()?));
    }
    if object.is_instance_of::<PyFloat>() {
        return Ok(Number::from_f64(object.extract::<f64>()?).map_or(Value::Null, Value::Number));
    }
    if let Ok(s) = object.cast::<PyString>() {
        return Ok(Value::String(s.extract::<String>()?));
    }
    if let Ok(dict) = object.cast::<PyDict>() {
        let mut map = Map::new();
        for (key, item) in dict.iter() {
            let key: String = key
                .extract()
                .map_err(|_| invalid(format!("dict keys must be strings, not {key:?}")))?;
            map.insert(key, to_value(&item)?);
        }
        return Ok(Value::Object(map));
    }
    if object.is_instance_of::<PyList>() || object.is_instance_of::<PyTuple>() {
        return object
            .try_iter()?
            .map(|item| to_value(&item?))
            .collect::<PyResult<_>>()
            .map(Value::Array);
    }
    if object.hasattr("tolist")? {
        // numpy arrays and scalars
        return to_value(&object.call_method0("tolist")?);
    }
    Err(invalid(format!(
        "cannot read a value of type {} as configuration or data: use dicts, lists, numbers, strings or numpy arrays",
        object.get_type().name()?
    )))
}

/// A library document from a Python dict, read as the JSON loader reads it (field paths in
/// error messages included).
pub fn from_dict<T>(
    object: &Bound<'_, PyAny>,
    read: impl Fn(&str) -> canary_judge::Result<T>,
) -> PyResult<T> {
    let text = serde_json::to_string(&to_value(object)?).map_err(|e| invalid(e.to_string()))?;
    read(&text).map_err(raise)
}
