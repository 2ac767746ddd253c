//! The Hodges-Lehmann location shift and its confidence interval.

use serde::{Deserialize, Serialize};

use super::{Method, MethodUsed};
use crate::error::Result;
use crate::sample::NanPolicy;

/// Options of [`hodges_lehmann`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HodgesLehmannOptions {
    /// Confidence level of the interval, in (0, 1).
    pub confidence: f64,
    /// Exact, asymptotic or automatic interval.
    pub method: Method,
    /// What to do with NaN values.
    pub nan_policy: NanPolicy,
}

/// The Hodges-Lehmann shift of `x` relative to `y` with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HodgesLehmann {
    /// Median of the pairwise differences `x_i - y_j`.
    pub estimate: f64,
}

/// Hodges-Lehmann estimate (placeholder signature).
pub fn hodges_lehmann(
    x: &[f64],
    y: &[f64],
    options: &HodgesLehmannOptions,
) -> Result<HodgesLehmann> {
    let _ = (x, y, options, MethodUsed::Exact);
    unimplemented!("hodges-lehmann")
}
