//! Numbers for people: the one-line reasons of metric results and verdicts.

use super::outcome::{Effect, EffectMeasure};

/// The reason lines of a verdict or gate report, or none at all for callers that read only
/// the decisions (see [`crate::judge::Judge::without_reasons`]): lines are written only when
/// asked for, so skipping them skips the formatting.
pub(crate) struct Reasons {
    lines: Vec<String>,
    written: bool,
}

impl Reasons {
    /// An empty list that keeps lines if `written`.
    pub(crate) fn new(written: bool) -> Self {
        Reasons {
            lines: Vec::new(),
            written,
        }
    }

    /// Appends a line.
    pub(crate) fn push(&mut self, line: impl FnOnce() -> String) {
        if self.written {
            self.lines.push(line());
        }
    }

    /// Puts a line first.
    pub(crate) fn push_first(&mut self, line: impl FnOnce() -> String) {
        if self.written {
            self.lines.insert(0, line());
        }
    }

    /// Appends lines written elsewhere.
    pub(crate) fn extend(&mut self, lines: &[String]) {
        if self.written {
            self.lines.extend_from_slice(lines);
        }
    }

    /// The lines, most important first.
    pub(crate) fn into_lines(self) -> Vec<String> {
        self.lines
    }
}

/// Three significant digits, plain for everyday magnitudes and scientific otherwise.
pub(crate) fn number(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "nan".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    if x == 0.0 {
        return "0".into(); // -0 too
    }
    let magnitude = x.abs();
    if !(1e-3..1e6).contains(&magnitude) {
        return format!("{x:.2e}");
    }
    let decimals = (2 - magnitude.log10().floor() as i32).max(0) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A number with its sign: `+7.2`, `-0.31`.
pub(crate) fn signed(x: f64) -> String {
    let text = number(x);
    if x > 0.0 || (x == 0.0 && !text.starts_with('-')) {
        format!("+{text}")
    } else {
        text
    }
}

/// A ratio as a signed percentage change: 1.18 is `+18%`.
pub(crate) fn percent_change(ratio: f64) -> String {
    if ratio.is_infinite() {
        return "+inf%".into();
    }
    format!("{}%", signed((ratio - 1.0) * 100.0))
}

/// A p-value: `p = 3.1e-6`, `p = 0.21`.
pub(crate) fn pvalue(p: f64) -> String {
    if p < 1e-3 {
        format!("{p:.1e}")
    } else {
        number(p)
    }
}

/// A count with thousands separators: `95,310`.
pub(crate) fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An effect with its interval: `+10.3 (95% CI +7.2 .. +13.4)`, `+18% (95% CI +11% .. +26%)`.
pub(crate) fn effect(effect: &Effect, always_valid: bool) -> String {
    let show: fn(f64) -> String = match effect.measure {
        EffectMeasure::Ratio | EffectMeasure::RateRatio | EffectMeasure::MeanRatio => {
            percent_change
        }
        EffectMeasure::Shift | EffectMeasure::QuantileDifference => signed,
        EffectMeasure::Superiority | EffectMeasure::CanaryValue => number,
    };
    let prefix = match effect.measure {
        EffectMeasure::Superiority => "P(canary > baseline) = ",
        EffectMeasure::MeanRatio => "mean ",
        EffectMeasure::RateRatio => "event rate ",
        _ => "",
    };
    let mut text = format!("{prefix}{}", show(effect.estimate));
    if let (Some(confidence), true) = (
        effect.confidence,
        effect.low.is_some() || effect.high.is_some(),
    ) {
        // A missing end is an open one.
        let open_below = match effect.measure {
            EffectMeasure::Ratio | EffectMeasure::RateRatio | EffectMeasure::MeanRatio => 0.0,
            _ => f64::NEG_INFINITY,
        };
        let kind = if always_valid { "CS" } else { "CI" };
        text += &format!(
            " ({}% {kind} {} .. {})",
            number(confidence * 100.0),
            show(effect.low.unwrap_or(open_below)),
            show(effect.high.unwrap_or(f64::INFINITY))
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(number(10.2979), "10.3");
        assert_eq!(number(0.31234), "0.312");
        assert_eq!(number(1234.56), "1235");
        assert_eq!(number(1234.5), "1234"); // an exact tie rounds to even, as `format!` does
        assert_eq!(number(2.5e-7), "2.50e-7");
        assert_eq!(signed(7.2), "+7.2");
        assert_eq!(signed(-0.5), "-0.5");
        assert_eq!(number(-0.0), "0");
        assert_eq!(signed(-0.0), "+0");
        assert_eq!(percent_change(1.18), "+18%");
        assert_eq!(percent_change(0.9), "-10%");
        assert_eq!(pvalue(3.1e-6), "3.1e-6");
        assert_eq!(pvalue(0.2134), "0.213");
        assert_eq!(count(95_310), "95,310");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000_000), "1,000,000");
    }
}
