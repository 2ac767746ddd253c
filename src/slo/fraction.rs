//! An exact fraction in [0, 1]: a share of the error budget or a gate threshold.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::exact::{format_rational, parse_rational, rational_from_f64, NumberOrText};
use crate::error::{Error, Result};

/// An exact fraction between 0 and 1 inclusive, held as a reduced ratio of 64-bit integers.
///
/// Read it from integers ([`Fraction::new`]), from text (`"0.02"`, `"2%"`, `"1/50"`) or from a
/// float ([`Fraction::from_f64`], which takes the shortest decimal that gives the same float, so
/// `0.02` means exactly 2/100). In JSON it may be written as a number or as such a string, and
/// it is written back as an exact decimal string (`"0.02"`) or a ratio (`"1/3"`). The reduced
/// denominator must fit in 64 bits, so decimals may have up to 19 places.
///
/// ```
/// use canary_judge::slo::Fraction;
///
/// let share: Fraction = "2%".parse()?;
/// assert_eq!(share, Fraction::new(1, 50)?);
/// assert_eq!(share, Fraction::from_f64(0.02)?);
/// assert_eq!(share.to_string(), "0.02");
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "NumberOrText", into = "String")]
pub struct Fraction {
    num: u64,
    den: u64,
}

const ALLOWED: &str =
    "a fraction between 0 and 1 inclusive whose reduced denominator is below 2^64";

impl Fraction {
    /// Zero.
    pub const ZERO: Fraction = Fraction::reduced(0, 1);
    /// One.
    pub const ONE: Fraction = Fraction::reduced(1, 1);

    /// A constant already in lowest terms with `0 <= num <= den`, `den > 0`.
    pub(crate) const fn reduced(num: u64, den: u64) -> Self {
        Fraction { num, den }
    }

    /// `num / den`, reduced; `den` must be positive and `num <= den`.
    pub fn new(num: u64, den: u64) -> Result<Self> {
        Self::from_rational(u128::from(num), u128::from(den), "fraction")
    }

    /// The fraction a float was written as (shortest round-trip decimal).
    pub fn from_f64(value: f64) -> Result<Self> {
        let (num, den) = rational_from_f64(value, "fraction")?;
        Self::from_rational(num, den, "fraction")
    }

    /// Checks range and size, then stores the reduced ratio.
    pub(crate) fn from_rational(num: u128, den: u128, name: &'static str) -> Result<Self> {
        if den == 0 || num > den {
            return Err(Error::invalid(name, format!("{num}/{den}"), ALLOWED));
        }
        let (num, den) = super::exact::reduce(num, den);
        match (u64::try_from(num), u64::try_from(den)) {
            (Ok(num), Ok(den)) => Ok(Fraction { num, den }),
            _ => Err(Error::invalid(name, format!("{num}/{den}"), ALLOWED)),
        }
    }

    /// Numerator of the reduced ratio.
    pub fn numerator(&self) -> u64 {
        self.num
    }

    /// Denominator of the reduced ratio (positive).
    pub fn denominator(&self) -> u64 {
        self.den
    }

    /// `1 - self`, exactly.
    pub fn complement(&self) -> Fraction {
        Fraction {
            num: self.den - self.num,
            den: self.den,
        }
    }

    /// The nearest float (for display; decisions use the exact ratio).
    pub fn to_f64(&self) -> f64 {
        super::exact::ratio_to_f64(u128::from(self.num), u128::from(self.den))
    }
}

impl FromStr for Fraction {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let (num, den) = parse_rational(text, "fraction")?;
        Self::from_rational(num, den, "fraction")
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_rational(u128::from(self.num), u128::from(self.den)))
    }
}

impl TryFrom<NumberOrText> for Fraction {
    type Error = Error;

    fn try_from(value: NumberOrText) -> Result<Self> {
        let (num, den) = value.rational("fraction")?;
        Self::from_rational(num, den, "fraction")
    }
}

impl From<Fraction> for String {
    fn from(value: Fraction) -> String {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_is_checked() {
        assert!(Fraction::new(3, 2).is_err());
        assert!(Fraction::new(1, 0).is_err());
        assert!("150%".parse::<Fraction>().is_err());
        assert_eq!(Fraction::new(0, 5), Ok(Fraction::ZERO));
        assert_eq!(Fraction::new(5, 5), Ok(Fraction::ONE));
        assert_eq!(
            Fraction::new(1, 4).map(|f| f.complement()),
            Fraction::new(3, 4)
        );
    }
}
