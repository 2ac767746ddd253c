//! A rolling counter: per-interval counts in, counts over any trailing window out.

use std::collections::VecDeque;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::exact::positive_nanos;
use super::{Counts, WindowCounts};
use crate::error::{Error, Result};

/// The most intervals a counter may hold (30 days of 1-second intervals is 2,592,000).
const MAX_INTERVALS: u64 = 10_000_000;

/// Per-interval counts over a fixed span (for example 1-minute intervals over 30 days), from
/// which the counts of any trailing window that is a whole number of intervals are summed.
///
/// Feed it one [`Counts`] per interval with [`push`](RollingCounter::push); read windows with
/// [`WindowCounts::window_counts`], which costs O(window / interval). Until a window's worth of
/// intervals has been pushed, a window sums what there is (see [`len`](RollingCounter::len)).
/// The state serializes, so a controller can persist it between ticks.
///
/// ```
/// use std::time::Duration;
/// use canary_judge::slo::{Counts, RollingCounter, WindowCounts};
///
/// let minute = Duration::from_secs(60);
/// let mut counter = RollingCounter::new(minute, 60 * minute)?;
/// for bad in [0, 1, 2, 3] {
///     counter.push(Counts::new(bad, 100)?);
/// }
/// assert_eq!(counter.window_counts(2 * minute)?, Counts::new(5, 200)?);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CounterFields")]
pub struct RollingCounter {
    interval: Duration,
    capacity: u64,
    /// Oldest first.
    intervals: VecDeque<Counts>,
}

/// The serialized fields of a [`RollingCounter`], validated on the way in.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CounterFields {
    interval: Duration,
    capacity: u64,
    intervals: VecDeque<Counts>,
}

impl TryFrom<CounterFields> for RollingCounter {
    type Error = Error;

    fn try_from(f: CounterFields) -> Result<Self> {
        let span = u32::try_from(check_capacity(f.capacity)?)
            .ok()
            .and_then(|capacity| f.interval.checked_mul(capacity))
            .ok_or_else(|| Error::invalid("capacity", f.capacity, "a span below 2^64 ns"))?;
        let mut counter = RollingCounter::new(f.interval, span)?;
        if f.intervals.len() as u64 > counter.capacity {
            return Err(Error::invalid(
                "intervals",
                f.intervals.len(),
                "at most `capacity` intervals",
            ));
        }
        counter.intervals = f.intervals;
        Ok(counter)
    }
}

fn check_capacity(capacity: u64) -> Result<u64> {
    if capacity == 0 || capacity > MAX_INTERVALS {
        return Err(Error::invalid(
            "span",
            format!("{capacity} intervals"),
            "a span of 1 to 10,000,000 intervals",
        ));
    }
    Ok(capacity)
}

impl RollingCounter {
    /// A counter of `interval`-long buckets covering `span`, which must be a whole number of
    /// intervals (at most 10,000,000).
    pub fn new(interval: Duration, span: Duration) -> Result<Self> {
        let step = positive_nanos(interval, "interval")?;
        let whole = positive_nanos(span, "span")?;
        if whole % step != 0 {
            return Err(Error::invalid(
                "span",
                format!("{span:?} (interval {interval:?})"),
                "a whole number of intervals",
            ));
        }
        Ok(RollingCounter {
            interval,
            capacity: check_capacity(whole / step)?,
            intervals: VecDeque::new(),
        })
    }

    /// Appends the counts of the next interval, dropping the oldest beyond the span.
    pub fn push(&mut self, counts: Counts) {
        if self.intervals.len() as u64 >= self.capacity {
            self.intervals.pop_front();
        }
        self.intervals.push_back(counts);
    }

    /// The interval length.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The span covered once full.
    pub fn span(&self) -> Duration {
        // capacity * interval was validated to be below 2^64 ns.
        self.interval
            .saturating_mul(u32::try_from(self.capacity).unwrap_or(u32::MAX))
    }

    /// Intervals held (up to the span's worth).
    pub fn len(&self) -> usize {
        self.intervals.len()
    }

    /// Whether no interval has been pushed.
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }
}

impl WindowCounts for RollingCounter {
    /// The sum of the last `window / interval` intervals; `window` must be a whole number of
    /// intervals and at most the span.
    fn window_counts(&self, window: Duration) -> Result<Counts> {
        let whole = positive_nanos(window, "window")?;
        let step = positive_nanos(self.interval, "interval")?;
        let count = whole / step;
        if whole % step != 0 || count > self.capacity {
            return Err(Error::invalid(
                "window",
                format!("{window:?} (interval {:?})", self.interval),
                "a whole number of the counter's intervals, at most its span",
            ));
        }
        let skip = self.intervals.len().saturating_sub(count as usize);
        self.intervals
            .iter()
            .skip(skip)
            .try_fold(Counts::default(), |sum, &c| sum.checked_add(c))
    }
}
