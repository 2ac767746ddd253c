//! Rolling windows: a statistic of the last n values.

use std::collections::VecDeque;
use std::num::NonZeroUsize;

use serde::{Deserialize, Serialize};

use super::{finite, Smoother};
use crate::error::{Error, Result};
use crate::stats::linear_quantile;

/// The statistic a [`RollingWindow`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowStatistic {
    /// The arithmetic mean.
    Mean,
    /// The median (the 0.5 quantile below).
    Median,
    /// A quantile in [0, 1], interpolated linearly between order statistics (Hyndman & Fan's
    /// type 7: the default of R, numpy and Excel).
    Quantile(f64),
}

impl WindowStatistic {
    fn validated(self) -> Result<WindowStatistic> {
        match self {
            WindowStatistic::Quantile(q) if !(0.0..=1.0).contains(&q) => {
                Err(Error::invalid("quantile", q, "must be in [0, 1]"))
            }
            statistic => Ok(statistic),
        }
    }

    /// The statistic of `values` (not empty).
    fn of(self, values: &VecDeque<f64>) -> f64 {
        let q = match self {
            WindowStatistic::Mean => return values.iter().sum::<f64>() / values.len() as f64,
            WindowStatistic::Median => 0.5,
            WindowStatistic::Quantile(q) => q,
        };
        let mut sorted: Vec<f64> = values.iter().copied().collect();
        sorted.sort_unstable_by(f64::total_cmp);
        linear_quantile(&sorted, q)
    }
}

/// The mean, median or a quantile of the last `len` values.
///
/// Ticks without data (`None`) are skipped: the window holds the last `len` values seen.
/// The output is `None` until the first value arrives.
///
/// ```
/// use canary_judge::rules::smoothing::{RollingWindow, Smoother, WindowStatistic};
/// use std::num::NonZeroUsize;
///
/// let len = NonZeroUsize::new(3).unwrap();
/// let mut median = RollingWindow::new(len, WindowStatistic::Median)?;
/// let out: Vec<_> = [5.0, 1.0, 9.0, 7.0]
///     .into_iter()
///     .map(|v| median.update(Some(v)))
///     .collect::<Result<_, _>>()?;
/// assert_eq!(out, [Some(5.0), Some(3.0), Some(5.0), Some(7.0)]);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "WindowState")]
pub struct RollingWindow {
    len: NonZeroUsize,
    statistic: WindowStatistic,
    values: VecDeque<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowState {
    len: NonZeroUsize,
    statistic: WindowStatistic,
    values: VecDeque<f64>,
}

impl TryFrom<WindowState> for RollingWindow {
    type Error = Error;
    fn try_from(state: WindowState) -> Result<RollingWindow> {
        let mut window = RollingWindow::new(state.len, state.statistic)?;
        for value in state.values {
            window.push(finite(value)?);
        }
        Ok(window)
    }
}

impl RollingWindow {
    /// An empty window of the last `len` values reporting `statistic`.
    pub fn new(len: NonZeroUsize, statistic: WindowStatistic) -> Result<RollingWindow> {
        Ok(RollingWindow {
            len,
            statistic: statistic.validated()?,
            values: VecDeque::with_capacity(len.get().min(1024)),
        })
    }

    /// The values in the window, oldest first.
    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.values.iter().copied()
    }

    fn push(&mut self, value: f64) {
        if self.values.len() >= self.len.get() {
            self.values.pop_front();
        }
        self.values.push_back(value);
    }
}

impl Smoother for RollingWindow {
    type Input = Option<f64>;
    type Output = Option<f64>;

    fn update(&mut self, input: Option<f64>) -> Result<Option<f64>> {
        if let Some(value) = input.map(finite).transpose()? {
            self.push(value);
        }
        Ok((!self.values.is_empty()).then(|| self.statistic.of(&self.values)))
    }
}
