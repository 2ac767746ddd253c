//! Hysteresis: separate thresholds to enter and to leave the breached state.

use serde::{Deserialize, Serialize};

use super::{finite, Level, Smoother};
use crate::error::{Error, Result};

/// A threshold with separate enter and exit levels, so a metric hovering at the threshold
/// does not toggle the decision.
///
/// If `enter > exit`, high values are bad: the state becomes [`Level::Breached`] when a value
/// is at or above `enter` and returns to [`Level::Clear`] only when a value is at or below
/// `exit`. If `enter < exit`, low values are bad and the comparisons flip. A tick without data
/// (`None`) keeps the state.
///
/// ```
/// use canary_judge::rules::smoothing::{Hysteresis, Level, Smoother};
///
/// // Enter at an error rate of 2 %, leave only below 1 %.
/// let mut gate = Hysteresis::new(0.02, 0.01)?;
/// let rates = [0.015, 0.021, 0.019, 0.012, 0.009];
/// let levels: Vec<Level> = rates.iter().map(|&r| gate.update(Some(r))).collect::<Result<_, _>>()?;
/// use Level::*;
/// assert_eq!(levels, [Clear, Breached, Breached, Breached, Clear]);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "HysteresisState")]
pub struct Hysteresis {
    enter: f64,
    exit: f64,
    level: Level,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HysteresisState {
    enter: f64,
    exit: f64,
    level: Level,
}

impl TryFrom<HysteresisState> for Hysteresis {
    type Error = Error;
    fn try_from(state: HysteresisState) -> Result<Hysteresis> {
        let mut hysteresis = Hysteresis::new(state.enter, state.exit)?;
        hysteresis.level = state.level;
        Ok(hysteresis)
    }
}

impl Hysteresis {
    /// Thresholds to enter and to leave the breached state; both finite and different.
    pub fn new(enter: f64, exit: f64) -> Result<Hysteresis> {
        let enter = finite(enter)?;
        let exit = finite(exit)?;
        if enter == exit {
            return Err(Error::invalid(
                "exit",
                exit,
                "must differ from the enter threshold (use a Vote of 1 of 1 for a plain threshold)",
            ));
        }
        Ok(Hysteresis {
            enter,
            exit,
            level: Level::Clear,
        })
    }

    /// The current state.
    pub fn level(&self) -> Level {
        self.level
    }

    /// `value` oriented so that larger is worse (negated when low values are bad).
    fn badness(&self, value: f64) -> f64 {
        if self.enter > self.exit {
            value
        } else {
            -value
        }
    }
}

impl Smoother for Hysteresis {
    type Input = Option<f64>;
    type Output = Level;

    fn update(&mut self, input: Option<f64>) -> Result<Level> {
        if let Some(value) = input.map(finite).transpose()? {
            self.level = match self.level {
                Level::Clear if self.badness(value) >= self.badness(self.enter) => Level::Breached,
                Level::Breached if self.badness(value) <= self.badness(self.exit) => Level::Clear,
                level => level,
            };
        }
        Ok(self.level)
    }
}
