//! Error budgets and burn rates for SLO-gated rollouts.
//!
//! An SLO promises that a share of events (requests, or time slices) is good over a rolling
//! period; the rest is the error budget. This module computes how much budget a window spends
//! and how fast, decides multiwindow, multi-burn-rate alerts (SRE Workbook ch. 5), and gates
//! releases on the budget left.
//!
//! | you have | call | you get |
//! |---|---|---|
//! | a target | [`Objective`] (`"99.9%"`, `0.999`, ppm, a ratio) | budget ratio, max burn rate |
//! | counts of one window | [`Objective::burn_rate`], [`Objective::exceeds`] | burn rate; exact threshold test |
//! | counts of the period | [`Objective::budget`] | allowed, consumed and remaining budget |
//! | a target and a period | [`Slo`] | time budget, [`Slo::time_to_exhaustion`], [`Slo::budget_spent`] |
//! | a budget share per window | [`BurnFactor::from_budget_share`] | the tier's factor for any period |
//! | counts per window | [`MultiWindowPolicy::evaluate`] | the most severe firing tier, every tier's numbers |
//! | counts of the period | [`BudgetGate::decide`] | allow, caution or freeze |
//! | per-interval counts | [`RollingCounter`] | counts over any trailing window |
//!
//! **Exact decisions.** Targets, budget shares, factors and gate bounds are exact rationals
//! (read from decimals, percentages, ratios or floats by their shortest decimal), and every
//! threshold is decided in integer arithmetic: a window is above a factor when
//! `bad · den(1−SLO) · den(factor) > total · num(1−SLO) · num(factor)`. The comparison is
//! strict (`>`), as in the Workbook, Sloth and Pyrra: a window exactly at the threshold does not
//! fire. Floats appear only in reported numbers.
//!
//! **Time-slice SLOs** use the same types: [`Counts::time_slices`] turns bad slices into
//! counts whose total is the number of slices in the window.
//!
//! Methods, formulas and references: `docs/methods/burn-rate.md`.

mod budget;
mod burn_rate;
mod counts;
mod exact;
mod factor;
mod fraction;
mod gate;
mod objective;
mod rolling;
mod tiers;
mod volume;

pub use budget::{BudgetStatus, Exhaustion};
pub use burn_rate::{
    BurnVerdict, MultiWindowReport, TierReport, TierState, WindowReading, WindowStatus,
};
pub use counts::{Counts, WindowCounts};
pub use factor::BurnFactor;
pub use fraction::Fraction;
pub use gate::{BudgetGate, GateDecision, GateReport};
pub use objective::{Objective, Slo};
pub use rolling::RollingCounter;
pub use tiers::{AlertTier, MultiWindowPolicy, Severity};
pub use volume::{wilson_interval, VolumeGuard};
