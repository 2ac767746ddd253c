//! canary-judge: statistical canary analysis.
//!
//! A deployment tool shifts traffic to a new version (the canary) step by step and must decide
//! whether it is worse than the running one (the baseline). This crate answers with a
//! statistical test and the numbers behind it. It is a pure library: no network, no clock, no
//! global state; data comes in as arguments, results go out as serializable structs.
//!
//! # What to call
//!
//! | you have | call | you get |
//! |---|---|---|
//! | two samples (latencies, per-interval values) | [`stats::mann_whitney_u`] | U, p-value, z, ties, the method used |
//! | two samples already sorted | [`stats::mann_whitney_u_sorted`] | the same test in one linear pass, no copy |
//! | two histograms over the same buckets | [`stats::mann_whitney_u_grouped`] | the same test from bucket counts, in O(buckets) |
//! | two samples | [`stats::hodges_lehmann`] | the location shift with an exact or asymptotic confidence interval |
//! | two samples, for parity with R or Kayenta | [`stats::location_shift_root`] | R's asymptotic `wilcox.test` shift and interval, Kayenta's, with exact roots |
//! | one series with spikes | [`stats::remove_iqr_outliers`], [`stats::iqr_fences`] | Kayenta's IQR outlier removal: the values kept, how many went, the fences |
//! | two samples | [`stats::effect_sizes`] | probability of superiority, rank-biserial, ratios, relative shift |
//! | error counts per tick, canary and baseline | [`stats::TwoSampleSprt`], [`stats::EventCountTest`] | a decision valid at every look, always-valid p-value, rate-ratio confidence sequence |
//! | latencies arriving per tick | [`stats::QuantileTest`] | anytime-valid p50/p90/p99 and all-quantile bands |
//! | per-interval means | [`stats::MeanDifferenceMsprt`], [`stats::NormalSprt`] | mixture SPRT with a confidence sequence; Wald's SPRT |
//! | an effect to detect and a canary share | [`stats::mann_whitney_sample_size`], [`stats::two_proportions_sample_size`] | observations per group, power, the smallest detectable effect |
//! | counts so far | [`rules::MinObservations`], [`rules::MinExpectedEvents`], [`rules::MannWhitneyPowerRule`] | enough data, or how many more observations and about how long |
//! | per-tick results | [`rules::smoothing`] | EWMA, rolling windows, Argo/Flagger counters, k-of-n votes, hysteresis |
//! | bad/total counts per window and an SLO | [`slo::MultiWindowPolicy::evaluate`], [`slo::BudgetGate::decide`] | burn rates, the most severe firing alert tier, allow/caution/freeze on the budget left |
//! | several metrics of one canary | [`judge::Judge`] (TOML or JSON configuration) | one [`judge::Verdict`]: promote, continue or roll back, a 0-100 score, reasons, each metric's test, p-value and effect |
//! | a staged rollout, tick by tick | [`policy::Gate`] | promote, continue, roll back or finished, with rollback rules and state that serializes |
//!
//! Pass the canary as `x` and the baseline as `y`: then [`stats::Alternative::Greater`] tests
//! "the canary is larger" and every effect reads as canary relative to baseline.
//!
//! ```
//! use canary_judge::stats::{mann_whitney_u, Alternative, MannWhitneyOptions, MethodUsed};
//!
//! let baseline = [12.1, 11.8, 12.6, 12.0, 11.5, 12.3, 11.9, 12.2, 12.4, 11.7];
//! let canary = [12.9, 13.4, 12.7, 13.1, 12.5, 13.8, 13.0, 12.8];
//! let options = MannWhitneyOptions::default().alternative(Alternative::Greater);
//! let result = mann_whitney_u(&canary, &baseline, &options)?;
//! assert_eq!(result.method, MethodUsed::Exact); // small samples without ties: exact p-value
//! assert!(result.pvalue < 1e-4);
//! println!("U = {}, p = {:.2e}", result.statistic, result.pvalue);
//! # Ok::<(), canary_judge::Error>(())
//! ```
//!
//! # Errors, never panics
//!
//! Every function that takes data returns [`Result`]. Empty samples, NaN (unless
//! [`NanPolicy::Remove`] is asked for), infinities where a difference or a mean is needed,
//! mismatched histogram lengths, parameters out of range and exact computations too large to
//! finish are each an [`Error`] variant whose message says what was wrong and what is allowed.
//!
//! # Accuracy
//!
//! p-values are checked against scipy (and exact integer arithmetic) over a generated
//! reference corpus: within 1e-12 relative for exact p-values and 1e-10 for the normal
//! approximation. Tail probabilities come from survival functions, never `1 - cdf`, so a
//! p-value of 1e-200 is reported as such. Exact null distributions are computed in scaled
//! floating point without overflow; see `docs/methods/rank-tests.md` for the algorithms,
//! their cost and the sizes verified.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
pub mod error;
pub mod judge;
pub mod policy;
pub mod rules;
pub mod sample;
#[cfg(feature = "sim")]
pub mod sim;
pub mod slo;
pub mod span;
pub mod stats;

pub use error::{Error, Result};
pub use sample::NanPolicy;

/// The README's examples, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The user guide's examples, compiled and run as doc tests.
#[doc = include_str!("../docs/guide.md")]
#[cfg(doctest)]
pub struct GuideDoctests;
