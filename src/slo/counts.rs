//! Bad and total counts in one window, and where a policy reads them from.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::exact::positive_nanos;
use crate::error::{Error, Result};

/// Bad and total events in one window, with `bad <= total`.
///
/// For an event-based SLO these are requests (or any good/total SLI). For a time-slice SLO they
/// are slices: see [`Counts::time_slices`]. The caller aggregates its time series into windows;
/// sum counts first and divide once, never average ratios across intervals or pods.
///
/// ```
/// use canary_judge::slo::Counts;
///
/// let hour = Counts::from_good(9_856, 10_000)?;
/// assert_eq!(hour.bad(), 144);
/// assert!(Counts::new(5, 3).is_err()); // more bad events than events
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "CountsFields")]
pub struct Counts {
    bad: u64,
    total: u64,
}

/// The serialized fields of [`Counts`], validated on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountsFields {
    bad: u64,
    total: u64,
}

impl TryFrom<CountsFields> for Counts {
    type Error = Error;

    fn try_from(fields: CountsFields) -> Result<Self> {
        Counts::new(fields.bad, fields.total)
    }
}

impl Counts {
    /// `bad` of `total` events were bad.
    pub fn new(bad: u64, total: u64) -> Result<Self> {
        if bad > total {
            return Err(Error::invalid(
                "bad",
                format!("{bad} (total {total})"),
                "at most the total count",
            ));
        }
        Ok(Counts { bad, total })
    }

    /// `good` of `total` events were good.
    pub fn from_good(good: u64, total: u64) -> Result<Self> {
        match total.checked_sub(good) {
            Some(bad) => Ok(Counts { bad, total }),
            None => Err(Error::invalid(
                "good",
                format!("{good} (total {total})"),
                "at most the total count",
            )),
        }
    }

    /// A time-slice window: `bad_slices` bad slices of length `slice` in `window`.
    ///
    /// The total is the number of slices the window holds (`window / slice`, which must be a
    /// whole number), not the number observed: a slice with no data counts as good, as in
    /// Elastic's time-slice SLOs. Budget, burn rate and gates then work as for events.
    pub fn time_slices(bad_slices: u64, window: Duration, slice: Duration) -> Result<Self> {
        let window_nanos = positive_nanos(window, "window")?;
        let slice_nanos = positive_nanos(slice, "slice")?;
        if window_nanos % slice_nanos != 0 {
            return Err(Error::invalid(
                "slice",
                format!("{slice:?} (window {window:?})"),
                "a slice length that divides the window",
            ));
        }
        Counts::new(bad_slices, window_nanos / slice_nanos)
    }

    /// Bad events.
    pub fn bad(&self) -> u64 {
        self.bad
    }

    /// All events.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Good events, `total - bad`.
    pub fn good(&self) -> u64 {
        self.total - self.bad
    }

    /// `bad / total`, or `None` when the window saw no events.
    pub fn error_ratio(&self) -> Option<f64> {
        (self.total > 0).then(|| self.bad as f64 / self.total as f64)
    }

    /// The counts of two windows added, or [`Error::CountOverflow`] past `u64::MAX`.
    pub fn checked_add(self, other: Counts) -> Result<Counts> {
        let overflow = || Error::CountOverflow {
            what: "the events in a window",
            limit: u64::MAX,
        };
        Ok(Counts {
            bad: self.bad.checked_add(other.bad).ok_or_else(overflow)?,
            total: self.total.checked_add(other.total).ok_or_else(overflow)?,
        })
    }
}

/// A source of counts per window length, read by a [`MultiWindowPolicy`](super::MultiWindowPolicy).
///
/// Implemented for a slice or `Vec` of `(window, counts)` pairs, for a `BTreeMap` from window
/// to counts, and for [`RollingCounter`](super::RollingCounter).
pub trait WindowCounts {
    /// The counts over the last `window`, or an error when this source cannot give them.
    fn window_counts(&self, window: Duration) -> Result<Counts>;
}

fn missing(window: Duration) -> Error {
    Error::invalid(
        "window_counts",
        format!("no counts for {window:?}"),
        "counts for every window the policy reads (each tier's long and short window)",
    )
}

impl WindowCounts for [(Duration, Counts)] {
    fn window_counts(&self, window: Duration) -> Result<Counts> {
        self.iter()
            .find(|(w, _)| *w == window)
            .map(|(_, counts)| *counts)
            .ok_or_else(|| missing(window))
    }
}

impl WindowCounts for Vec<(Duration, Counts)> {
    fn window_counts(&self, window: Duration) -> Result<Counts> {
        self.as_slice().window_counts(window)
    }
}

impl WindowCounts for BTreeMap<Duration, Counts> {
    fn window_counts(&self, window: Duration) -> Result<Counts> {
        self.get(&window).copied().ok_or_else(|| missing(window))
    }
}
