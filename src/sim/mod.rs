//! Policy evaluation: simulated rollouts that score gating policies on false rollbacks,
//! missed regressions, and the time and traffic they need to decide.
//!
//! A [`ScenarioConfig`] describes a service (traffic, metrics, how each is recorded) and the
//! regressions injected into its canary; a [`Policy`] is a rollout gate's configuration. A
//! [`Plan`] runs rollouts of every scenario under every policy in parallel and returns an
//! [`Evaluation`] of exact counts, which merges with the counts of other shards of the same
//! run; a [`Report`] turns it into rates with confidence intervals, times and traffic, as a
//! table, CSV or JSON, and [`plots`] draws it as SVG: power curves, times to a decision, and
//! false rollbacks against missed regressions.
//!
//! ```
//! use canary_judge::sim::{builtin_policies, builtin_scenarios, Plan, Report};
//!
//! let scenarios: Vec<_> = builtin_scenarios()
//!     .into_iter()
//!     .filter(|s| s.name == "null" || s.name == "errors-x4")
//!     .collect();
//! let policies: Vec<_> = builtin_policies()?
//!     .into_iter()
//!     .filter(|p| p.name() == "anytime")
//!     .collect();
//! let plan = Plan { scenarios, policies, seed: 1, rollouts: 0..20, threads: Some(1) };
//! let evaluation = plan.run(&|_done| {})?;
//! let report = Report::new(&evaluation);
//! println!("{}", report.table());
//! # Ok::<(), canary_judge::Error>(())
//! ```
//!
//! Available with the `sim` feature.

mod evaluate;
mod generate;
mod plots;
mod policy;
mod report;
mod rollout;
mod scenario;
mod suite;
mod svg;
mod tally;

pub use evaluate::{Cell, Evaluation, Plan, PolicyInfo, ScenarioInfo, EVALUATION_VERSION};
pub use plots::{false_vs_missed, plots, power_curves, time_to_promotion, time_to_rollback};
pub use policy::{Policy, PolicyConfig};
pub use report::{CellFigures, PolicyFigures, Rate, Report};
pub use rollout::{Ending, RolloutOutcome};
pub use scenario::{
    BudgetModel, Change, Counting, Diurnal, EventModel, Intermittent, LatencyModel, MetricModel,
    NoisyNeighbour, Record, Regression, ScenarioConfig, Traffic, View,
};
pub use suite::{builtin_policies, builtin_scenarios, POLICY_FILES};
pub use tally::Tally;
