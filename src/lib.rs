//! canary-judge: statistical canary analysis.
//!
//! Decides whether a new version (the canary) is worse than the running one (the baseline)
//! while traffic shifts to it, and returns the numbers behind the decision.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod error;
pub mod sample;
pub mod stats;

pub use error::{Error, Result};
pub use sample::NanPolicy;
