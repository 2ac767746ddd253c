//! Validation shared by every sample-taking API: empty samples, NaN, infinities.
//!
//! Every public function validates its samples through the same crate-internal function, so
//! NaN handling and error messages are the same everywhere.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What to do with NaN values in a sample.
///
/// The default rejects them with [`Error::NanInSample`]: a NaN usually means a broken metric
/// query, and silently dropping it would hide that. `Remove` drops them, on request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NanPolicy {
    /// Return [`Error::NanInSample`] if a sample holds NaN.
    #[default]
    Reject,
    /// Drop NaN values before computing; a sample that becomes empty is still an error.
    Remove,
}

/// Whether a computation can use infinite values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Infinities {
    /// Infinite values are ordinary extreme observations (rank tests order them fine).
    Allowed,
    /// Infinite values make the result undefined (differences, means); name the computation.
    Rejected {
        /// The computation that needs finite values, for the error message.
        needed_by: &'static str,
    },
}

/// The index of the first NaN in `data`, if any. Whether there is one is checked first by a
/// pass without early exit, which the compiler vectorizes: most samples hold none, and the
/// check runs on every sample of every look.
pub(crate) fn first_nan(data: &[f64]) -> Option<usize> {
    let any = data.iter().fold(false, |any, value| any | value.is_nan());
    if any {
        data.iter().position(|value| value.is_nan())
    } else {
        None
    }
}

/// Copies `data` without NaN values (or rejects them), checking infinities and emptiness.
pub(crate) fn clean_sample(
    sample: &'static str,
    data: &[f64],
    nan_policy: NanPolicy,
    infinities: Infinities,
) -> Result<Vec<f64>> {
    clean_sample_with(sample, data, nan_policy, infinities, |value| value)
}

/// [`clean_sample`], storing `map(value)` for each value kept: one pass over the data where a
/// copy and a conversion would take two.
pub(crate) fn clean_sample_with<T>(
    sample: &'static str,
    data: &[f64],
    nan_policy: NanPolicy,
    infinities: Infinities,
    map: impl Fn(f64) -> T,
) -> Result<Vec<T>> {
    let mut values = Vec::with_capacity(data.len());
    for (index, &value) in data.iter().enumerate() {
        if value.is_nan() {
            match nan_policy {
                NanPolicy::Reject => return Err(Error::NanInSample { sample, index }),
                NanPolicy::Remove => continue,
            }
        }
        if let (true, Infinities::Rejected { needed_by }) = (value.is_infinite(), infinities) {
            return Err(Error::InfiniteInSample {
                sample,
                index,
                value,
                needed_by,
            });
        }
        values.push(map(value));
    }
    if values.is_empty() {
        let after_removal = if data.is_empty() {
            ""
        } else {
            " after removing NaN values"
        };
        return Err(Error::EmptySample {
            sample,
            after_removal,
        });
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_nan_by_default_and_removes_on_request() {
        let data = [1.0, f64::NAN, 2.0];
        let err = clean_sample("x", &data, NanPolicy::default(), Infinities::Allowed);
        assert_eq!(
            err,
            Err(Error::NanInSample {
                sample: "x",
                index: 1
            })
        );
        let kept = clean_sample("x", &data, NanPolicy::Remove, Infinities::Allowed).unwrap();
        assert_eq!(kept, vec![1.0, 2.0]);
    }

    #[test]
    fn empty_and_all_nan_samples_are_errors() {
        let empty = clean_sample("y", &[], NanPolicy::Remove, Infinities::Allowed);
        assert!(matches!(
            empty,
            Err(Error::EmptySample {
                after_removal: "",
                ..
            })
        ));
        let all_nan = clean_sample("y", &[f64::NAN], NanPolicy::Remove, Infinities::Allowed);
        let message = all_nan.unwrap_err().to_string();
        assert!(message.contains("after removing NaN"), "{message}");
    }

    #[test]
    fn infinities_follow_the_rule_of_the_computation() {
        let data = [1.0, f64::NEG_INFINITY];
        assert!(clean_sample("x", &data, NanPolicy::Reject, Infinities::Allowed).is_ok());
        let rejected = Infinities::Rejected {
            needed_by: "the Hodges-Lehmann shift",
        };
        let err = clean_sample("x", &data, NanPolicy::Reject, rejected).unwrap_err();
        assert!(err.to_string().contains("-inf at index 1"), "{err}");
    }
}
