//! Effect sizes of `x` relative to `y`.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::sample::NanPolicy;

/// Effect sizes (placeholder).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EffectSizes {
    /// `P(X > Y) + P(X = Y) / 2`.
    pub probability_of_superiority: f64,
}

/// Effect sizes (placeholder signature).
pub fn effect_sizes(x: &[f64], y: &[f64], nan_policy: NanPolicy) -> Result<EffectSizes> {
    let _ = (x, y, nan_policy);
    unimplemented!("effect sizes")
}
