//! Exponentially weighted moving average.

use serde::{Deserialize, Serialize};

use super::{finite, Smoother};
use crate::error::{Error, Result};

/// Exponentially weighted moving average: `s₁ = x₁`, `sₜ = λ xₜ + (1 − λ) sₜ₋₁`.
///
/// `λ` in (0, 1] weighs the newest value; `λ = 2 / (k + 1)` matches the centre of mass of a
/// k-tick moving average. A tick without data (`None`) leaves the average unchanged.
///
/// ```
/// use canary_judge::rules::smoothing::{Ewma, Smoother};
///
/// let mut ewma = Ewma::new(0.5)?;
/// assert_eq!(ewma.update(Some(2.0))?, Some(2.0));
/// assert_eq!(ewma.update(Some(4.0))?, Some(3.0));
/// assert_eq!(ewma.update(None)?, Some(3.0));
/// assert_eq!(ewma.update(Some(8.0))?, Some(5.5));
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "EwmaState")]
pub struct Ewma {
    weight: f64,
    value: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EwmaState {
    weight: f64,
    value: Option<f64>,
}

impl TryFrom<EwmaState> for Ewma {
    type Error = Error;
    fn try_from(state: EwmaState) -> Result<Ewma> {
        let mut ewma = Ewma::new(state.weight)?;
        ewma.value = state.value.map(finite).transpose()?;
        Ok(ewma)
    }
}

impl Ewma {
    /// An empty average with weight `λ` (in (0, 1]) on the newest value.
    pub fn new(weight: f64) -> Result<Ewma> {
        if weight > 0.0 && weight <= 1.0 {
            Ok(Ewma {
                weight,
                value: None,
            })
        } else {
            Err(Error::invalid("weight", weight, "must be in (0, 1]"))
        }
    }

    /// The current average, `None` before the first value.
    pub fn value(&self) -> Option<f64> {
        self.value
    }
}

impl Smoother for Ewma {
    type Input = Option<f64>;
    type Output = Option<f64>;

    fn update(&mut self, input: Option<f64>) -> Result<Option<f64>> {
        if let Some(x) = input.map(finite).transpose()? {
            self.value = Some(match self.value {
                None => x,
                Some(s) => self.weight * x + (1.0 - self.weight) * s,
            });
        }
        Ok(self.value)
    }
}
