//! Statistical tests comparing a canary sample with a baseline sample.
//!
//! Fixed-sample tests: rank tests ([`mann_whitney_u`], [`mann_whitney_u_grouped`]), the
//! Hodges-Lehmann shift with its confidence interval ([`hodges_lehmann`]), R's and Kayenta's
//! asymptotic shift and interval ([`location_shift_root`]), effect sizes ([`effect_sizes`])
//! and power and sample size ([`mann_whitney_sample_size`], [`two_proportions_sample_size`]).
//! Kayenta's outlier removal ([`remove_iqr_outliers`], [`iqr_fences`]) prepares a series for
//! them.
//!
//! Sequential tests, valid at every look ([`SequentialTest`]): Wald's SPRT ([`BernoulliSprt`],
//! [`PoissonSprt`], [`NormalSprt`], [`TwoSampleSprt`] for canary against baseline error counts),
//! the mixture SPRT for a difference in means ([`MeanDifferenceMsprt`]), the anytime-valid
//! event-count test ([`EventCountTest`]) and the anytime-valid latency quantile test
//! ([`QuantileTest`]), with the uniform boundaries they are built from.

mod anytime;
mod effect;
mod exact;
mod float_key;
mod hodges_lehmann;
mod location_root;
mod mann_whitney;
mod mixture_boundary;
mod msprt;
mod normal;
mod order_statistics;
mod outliers;
mod pairwise;
mod permutation;
mod quantile_cs;
mod rank;
mod sequential;
mod sprt;
mod sprt_exact;
mod sprt_lines;
mod sprt_models;
mod sprt_oc;
mod sprt_two_sample;
mod stitching;

use serde::{Deserialize, Serialize};

pub use anytime::{EventCountOptions, EventCountTest, EventCounts};
pub use effect::{effect_sizes, EffectSizes};
pub use hodges_lehmann::{hodges_lehmann, HodgesLehmann, HodgesLehmannOptions};
pub(crate) use location_root::{location_root_samples, location_shift_root_sorted};
pub use location_root::{location_shift_root, LocationRoot, LocationRootOptions};
pub use mann_whitney::{
    mann_whitney_null_sf, mann_whitney_u, mann_whitney_u_grouped, mann_whitney_u_sorted,
    MannWhitneyOptions, MannWhitneyResult, TieSummary,
};
pub(crate) use mann_whitney::{mann_whitney_u_grouped_one_sided, mann_whitney_u_one_sided};
pub use mixture_boundary::{
    best_rho, BetaBinomialMixture, BoundarySides, GammaPoissonMixture, NormalMixture,
    UniformBoundary,
};
pub use msprt::{ArmSummary, MeanDifferenceMsprt, MeanObservation, MsprtOptions, Variance};
#[cfg(feature = "sim")]
pub(crate) use normal::normal_sf;
pub use outliers::{
    iqr_fences, remove_iqr_outliers, FenceRule, IqrFenceOptions, IqrFences, OutlierRemoval,
};
pub use quantile_cs::{Arm, CatchAll, Latency, QuantileBand, QuantileTest, QuantileTestOptions};
pub(crate) use rank::linear_quantile;
pub use sequential::{Interval, SequentialDecision, SequentialTest};
pub use sprt::{BernoulliSprt, Increment, NormalSprt, PoissonSprt, Sprt, SprtModel, SprtOptions};
pub use sprt_exact::{ExactOcOptions, ExactOperatingPoint};
pub use sprt_lines::DecisionLines;
pub use sprt_models::{BernoulliModel, NormalModel, NormalObservation, PoissonModel};
pub use sprt_oc::{IncrementDistribution, WaldApproximation, WaldOperatingPoint};
pub use sprt_two_sample::{ArmEvents, RateRatioModel, TwoSampleSprt};
pub use stitching::{DoubleStitching, EmpiricalProcessLil, PolyStitching, StitchingShape};

/// Which difference between the samples the test looks for.
///
/// `Greater` means the first sample (`x`) is stochastically larger than the second (`y`).
/// Pass the canary as `x` and the baseline as `y` to test "the canary is larger".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Alternative {
    /// `x` and `y` differ in either direction.
    #[default]
    TwoSided,
    /// `x` is stochastically larger than `y`.
    Greater,
    /// `x` is stochastically smaller than `y`.
    Less,
}

/// How to compute a p-value or interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Exact when that is cheap, asymptotic otherwise (see each function for the rule).
    #[default]
    Auto,
    /// The exact permutation distribution (given the observed ties, if any).
    Exact,
    /// The normal approximation.
    Asymptotic,
}

/// The method actually used, as reported in results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MethodUsed {
    /// Exact null distribution of U for samples without ties.
    Exact,
    /// Exact permutation distribution of U given the observed tie pattern.
    ExactConditional,
    /// Normal approximation with tie-corrected variance.
    Asymptotic,
}

/// Which tail of a null distribution a probability is taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tail {
    /// `P(U <= u)`.
    Lower,
    /// `P(U >= u)`.
    Upper,
}

pub(crate) mod power;
pub use power::{
    mann_whitney_detectable_superiority, mann_whitney_power, mann_whitney_sample_size,
    two_proportions_detectable_rate, two_proportions_power, two_proportions_sample_size,
    GroupSizes, PowerOptions, ShiftModel,
};
