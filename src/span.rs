//! Durations in configuration: `"90s"`, `"5m"`, `"2h"`, `"28d"`, or a number of seconds.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A whole number of seconds, written in configuration as `"<n><unit>"` with unit `s`, `m`,
/// `h` or `d`, or as a plain number of seconds.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "SpanText", into = "String")]
pub struct Span {
    seconds: u64,
}

impl Span {
    /// A span of `seconds`.
    pub const fn from_secs(seconds: u64) -> Span {
        Span { seconds }
    }

    /// The span in seconds.
    pub const fn as_secs(&self) -> u64 {
        self.seconds
    }

    /// The span as a [`Duration`].
    pub fn duration(&self) -> Duration {
        Duration::from_secs(self.seconds)
    }
}

impl std::str::FromStr for Span {
    type Err = Error;

    fn from_str(text: &str) -> Result<Span> {
        let bad = || {
            Error::invalid(
                "duration",
                format!("{text:?}"),
                "write a whole number with a unit: s, m, h or d (for example \"90s\", \"5m\", \"28d\")",
            )
        };
        let text = text.trim();
        let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (number, unit) = text.split_at(split);
        let number: u64 = number.parse().map_err(|_| bad())?;
        let scale = match unit.trim() {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return Err(bad()),
        };
        number
            .checked_mul(scale)
            .map(Span::from_secs)
            .ok_or_else(bad)
    }
}

impl fmt::Display for Span {
    /// The largest unit that divides the span evenly: `"300s"` prints as `"5m"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.seconds;
        match s {
            0 => write!(f, "0s"),
            _ if s.is_multiple_of(86_400) => write!(f, "{}d", s / 86_400),
            _ if s.is_multiple_of(3600) => write!(f, "{}h", s / 3600),
            _ if s.is_multiple_of(60) => write!(f, "{}m", s / 60),
            _ => write!(f, "{s}s"),
        }
    }
}

/// A span as written: text with a unit, or whole seconds.
#[derive(Deserialize)]
#[serde(untagged)]
enum SpanText {
    Seconds(u64),
    Text(String),
}

impl TryFrom<SpanText> for Span {
    type Error = Error;

    fn try_from(text: SpanText) -> Result<Span> {
        match text {
            SpanText::Seconds(s) => Ok(Span::from_secs(s)),
            SpanText::Text(t) => t.parse(),
        }
    }
}

impl From<Span> for String {
    fn from(span: Span) -> String {
        span.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units_and_prints_the_largest_even_unit() {
        for (text, seconds, shown) in [
            ("90s", 90, "90s"),
            ("5m", 300, "5m"),
            ("120m", 7200, "2h"),
            ("28d", 2_419_200, "28d"),
        ] {
            let span: Span = text.parse().unwrap();
            assert_eq!(span.as_secs(), seconds);
            assert_eq!(span.to_string(), shown);
        }
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for text in [
            "",
            "5",
            "m",
            "5 minutes",
            "-5m",
            "1.5h",
            "99999999999999999999d",
        ] {
            assert!(text.parse::<Span>().is_err(), "{text}");
        }
        assert!("18446744073709551615d".parse::<Span>().is_err());
    }
}
