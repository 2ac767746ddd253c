//! The rollout gate: a staged plan, the judge at every tick, smoothing and failure limits,
//! and the budget gate, combined into promote / continue / roll back / finished.
//!
//! ```
//! use canary_judge::judge::{EventTotals, MetricData, Observations};
//! use canary_judge::policy::{Action, Gate};
//!
//! let gate = Gate::from_toml(r#"
//!     stages = [
//!         { weight = 5, min_soak = "10m" },
//!         { weight = 50, min_soak = "10m" },
//!         { weight = 100 },
//!     ]
//!     [judge]
//!     [[judge.metrics]]
//!     name = "errors"
//!     data = "counts"
//!     bad = "increase"
//! "#)?;
//! let mut state = gate.start();
//! for minute in 0..40u64 {
//!     let observations = Observations::new().with("errors", MetricData::Counts {
//!         baseline: EventTotals { events: 10, total: 10_000 },
//!         canary: EventTotals { events: 1, total: 1_000 },
//!     });
//!     let report = gate.step(&mut state, minute * 60, &observations)?;
//!     if report.action == Action::Finished {
//!         break;
//!     }
//! }
//! assert!(state.is_finished());
//! # Ok::<(), canary_judge::Error>(())
//! ```

mod gate;
mod plan;

pub use gate::{Action, Gate, GateConfig, GateReport, GateState, Status};
pub use plan::Stage;
