//! Samples and counts from Python objects.
//!
//! A 1-D contiguous float64 numpy array is read in place, without a copy; any other array or
//! sequence of numbers is converted once by numpy. Wrong shapes and dtypes raise
//! `CanaryJudgeError` like every other input problem.
//!
//! Arrays are read while the GIL is released, as numpy's own sorts do: another thread must not
//! write to an array while a call that reads it is running.

use numpy::{
    Element, PyArray1, PyArrayDescrMethods, PyArrayMethods, PyReadonlyArray1, PyUntypedArray,
    PyUntypedArrayMethods,
};
use pyo3::prelude::*;

use crate::errors::invalid;

/// Samples shorter than this are not sorted by numpy first: the call costs more than it saves.
pub const PRESORT_FROM: usize = 1 << 12;

/// A sample of float64 values held by numpy: the caller's array when it already had that
/// layout, otherwise a converted copy.
pub struct Sample<'py>(PyReadonlyArray1<'py, f64>);

impl<'py> Sample<'py> {
    /// Reads the argument `name` as a 1-D sample of numbers.
    pub fn extract(name: &str, obj: &Bound<'py, PyAny>) -> PyResult<Self> {
        if let Ok(array) = obj.cast::<PyArray1<f64>>() {
            if array.is_contiguous() {
                if let Ok(readonly) = array.try_readonly() {
                    return Ok(Sample(readonly));
                }
            }
        }
        let array = numeric_array(name, obj, b"biuf", "numbers")?;
        Ok(Sample(converted::<f64>(&array)?))
    }

    /// The same values sorted ascending by numpy, NaN last.
    ///
    /// numpy sorts float64 with SIMD instructions where the CPU has them, several times faster
    /// than the library's scalar sort at 10^6 values; the library then reads sorted samples in
    /// one pass, so a rank test costs about one numpy sort.
    pub fn sorted(&self) -> PyResult<Self> {
        let sorted = self
            .0
            .py()
            .import("numpy")?
            .call_method1("sort", (&*self.0,))?;
        Ok(Sample(sorted.extract()?))
    }

    /// The values. The array is contiguous by construction, so the slice always exists.
    pub fn values(&self) -> &[f64] {
        self.0.as_slice().unwrap_or_default()
    }
}

/// Reads the argument `name` as a 1-D array of nonnegative whole numbers (histogram counts).
///
/// Integer arrays and float arrays holding whole numbers (as Prometheus reports bucket counts)
/// are accepted.
pub fn counts(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<Vec<u64>> {
    const WHAT: &str = "nonnegative whole numbers";
    let array = numeric_array(name, obj, b"biuf", WHAT)?;
    let bad = |index: usize, value: &dyn std::fmt::Display| {
        invalid(format!(
            "`{name}` has {value} at index {index}: counts must be {WHAT}"
        ))
    };
    match array.dtype().kind() {
        b'u' => Ok(converted::<u64>(&array)?.as_array().to_vec()),
        b'f' => converted::<f64>(&array)?
            .as_array()
            .iter()
            .enumerate()
            .map(|(index, &value)| {
                // Whole and below 2^64: the conversion is exact.
                let in_range = (0.0..18_446_744_073_709_551_616.0).contains(&value);
                match in_range && value.fract() == 0.0 {
                    true => Ok(value as u64),
                    false => Err(bad(index, &value)),
                }
            })
            .collect(),
        _ => converted::<i64>(&array)?
            .as_array()
            .iter()
            .enumerate()
            .map(|(index, &value)| u64::try_from(value).map_err(|_| bad(index, &value)))
            .collect(),
    }
}

/// `array` converted to the element type `T` by numpy.
fn converted<'py, T: Element>(
    array: &Bound<'py, PyUntypedArray>,
) -> PyResult<PyReadonlyArray1<'py, T>> {
    array
        .call_method1("astype", (numpy::dtype::<T>(array.py()),))?
        .extract()
}

/// `numpy.asarray(obj)`, checked to be 1-D with a dtype kind in `kinds`.
fn numeric_array<'py>(
    name: &str,
    obj: &Bound<'py, PyAny>,
    kinds: &[u8],
    what: &str,
) -> PyResult<Bound<'py, PyUntypedArray>> {
    let py = obj.py();
    let array = py
        .import("numpy")?
        .call_method1("asarray", (obj,))
        .map_err(|e| invalid(format!("`{name}` must be a 1-D array of {what}: {e}")))?;
    let array = array.cast_into::<PyUntypedArray>()?;
    if array.ndim() != 1 {
        let shape: Vec<String> = array.shape().iter().map(usize::to_string).collect();
        return Err(invalid(format!(
            "`{name}` must be a 1-D array of {what}, got an array of shape ({})",
            shape.join(", ") + if shape.len() == 1 { "," } else { "" }
        )));
    }
    let dtype = array.dtype();
    if !kinds.contains(&dtype.kind()) {
        return Err(invalid(format!(
            "`{name}` must be a 1-D array of {what}, got dtype {}",
            dtype.str()?
        )));
    }
    Ok(array)
}

/// A count passed as a Python integer: a negative or fractional number raises
/// `CanaryJudgeError` rather than `OverflowError`.
#[derive(Debug, Clone, Copy)]
pub struct Count(pub u64);

impl<'a, 'py> FromPyObject<'a, 'py> for Count {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(n) = obj.extract::<u64>() {
            return Ok(Count(n));
        }
        // Only integers reach the range message; other types keep PyO3's TypeError.
        obj.extract::<i128>()?;
        Err(invalid(format!(
            "a count must be a whole number from 0 to 2^64 - 1, got {}",
            obj.repr()?
        )))
    }
}
