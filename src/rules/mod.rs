//! Rules around the tests: is there enough data to judge, and how to smooth per-tick results.
//!
//! # Enough data?
//!
//! Every minimum-sample rule implements [`SampleRule`] and answers with a [`Sufficiency`]:
//! [`Sufficiency::Enough`], or [`Sufficiency::NotYet`] with a [`Shortfall`] that says how many
//! more observations each group needs and, given [`ArrivalRates`], about how long that takes.
//! "Not enough data yet" is never a pass.
//!
//! | rule | enough when |
//! |---|---|
//! | [`MinObservations`] | each group has at least N observations |
//! | [`MinExpectedEvents`] | each group is expected to show at least K events (errors) under a reference rate |
//! | [`MannWhitneyPowerRule`] | a Mann-Whitney test has the target power against a given `P(X > Y)` |
//! | [`TwoProportionsPowerRule`] | a two-proportion test has the target power against a given error-rate change |
//!
//! ```
//! use canary_judge::rules::{
//!     ArrivalRates, MinExpectedEvents, MinObservations, Observed, ReferenceRate, SampleRule,
//!     Sufficiency,
//! };
//!
//! let observed = Observed::new(400, 7_600).baseline_events(8); // a 5 % canary, 0.1 % errors
//! let rates = ArrivalRates::new(1.0, 19.0)?; // requests per second
//! let at_least_100 = MinObservations::new(100, 100);
//! let five_errors = MinExpectedEvents::new(5.0, ReferenceRate::Baseline)?;
//! let answer = at_least_100
//!     .check(&observed, Some(&rates))?
//!     .and(five_errors.check(&observed, Some(&rates))?);
//! // 5 expected errors at the baseline's 8 / 7600 need 4750 requests per group.
//! let shortfall = answer.shortfall().expect("not enough data");
//! assert_eq!(shortfall.more_canary, Some(4_350));
//! assert_eq!(shortfall.more_baseline, Some(0));
//! assert!(matches!(answer, Sufficiency::NotYet(_)));
//! assert_eq!(
//!     shortfall.to_string(),
//!     "need ~4350 more canary observations; about 73 min at the current rate"
//! );
//! # Ok::<(), canary_judge::Error>(())
//! ```
//!
//! # Smoothing
//!
//! The state machines in [`smoothing`] turn a stream of per-tick results into a decision that
//! does not flip on one noisy tick. Formulas and references: `docs/methods/sample-size.md`
//! and `docs/methods/smoothing.md`.

mod min_sample;
mod power_rule;
pub mod smoothing;
mod sufficiency;

pub use min_sample::{MinExpectedEvents, MinObservations, ReferenceRate};
pub use power_rule::{MannWhitneyPowerRule, TwoProportionsPowerRule};
pub use sufficiency::{ArrivalRates, Observed, SampleRule, Shortfall, Sufficiency};
