//! Reading one side's data (the baseline's or the canary's) from a file in one of several
//! formats. Each format has its own module; this one picks the format (named, or sniffed from
//! the extension and the content) and defines what every parser returns: values in columns or
//! a histogram, or an [`InputError`] that says where the file went wrong.

mod csv;
mod detect;
mod histogram;
mod json;
mod number;
mod prometheus;

use clap::ValueEnum;

pub use prometheus::LabelMatcher;

/// The format of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Decide from the extension (`.csv`, `.json`) and the content.
    Auto,
    /// Values in rows: one column, or named columns under a header row.
    Csv,
    /// A JSON array of numbers; `null` is NaN.
    Json,
    /// Cumulative histogram buckets as CSV with an `le,count` header.
    HistogramCsv,
    /// Cumulative histogram buckets as JSON: `[{"le": "0.1", "count": 12}, ...]`.
    HistogramJson,
    /// A Prometheus `query_range` (or instant query) HTTP API response.
    Prometheus,
}

/// A column of values; unnamed when the file has no header row.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header's name for it.
    pub name: Option<String>,
    /// The values; NaN where the file says `NaN` or `null`.
    pub values: Vec<f64>,
}

/// Histogram buckets as the library takes them: upper bounds and per-bucket counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Buckets {
    /// Increasing upper bounds; the last may be +Inf.
    pub bounds: Vec<f64>,
    /// Observations in each bucket (not cumulative).
    pub counts: Vec<u64>,
}

/// What an input file holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Values, in one or more columns.
    Values(Vec<Column>),
    /// A histogram.
    Histogram(Buckets),
}

/// What is wrong in an input, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{message}", location(*.line, .field.as_deref()))]
pub struct InputError {
    /// The line, from 1, when known.
    pub line: Option<u64>,
    /// The column or field (`column 3`, ``column `latency` ``, `entry 4`), when known.
    pub field: Option<String>,
    /// What was wrong and what is allowed.
    pub message: String,
}

impl InputError {
    /// An error at a place in the file.
    pub fn at(line: Option<u64>, field: Option<String>, message: impl Into<String>) -> Self {
        InputError {
            line,
            field,
            message: message.into(),
        }
    }

    /// An error about the whole file.
    pub fn whole(message: impl Into<String>) -> Self {
        InputError::at(None, None, message)
    }
}

fn location(line: Option<u64>, field: Option<&str>) -> String {
    match (line, field) {
        (Some(line), Some(field)) => format!("line {line}, {field}: "),
        (Some(line), None) => format!("line {line}: "),
        (None, Some(field)) => format!("{field}: "),
        (None, None) => String::new(),
    }
}

/// Options that only some formats use.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// Prometheus series to keep (all labels must match); empty keeps every series.
    pub series: Vec<LabelMatcher>,
}

/// Parses `bytes` in `format`; with [`InputFormat::Auto`] the format is told by the file's
/// `extension` (`csv` or `json`, when there is one) and then by the content.
pub fn parse(
    bytes: &[u8],
    format: InputFormat,
    extension: Option<&str>,
    options: &ParseOptions,
) -> Result<Parsed, InputError> {
    let text = utf8(bytes)?;
    let format = detect::detect(format, extension, text);
    if !options.series.is_empty() && format != InputFormat::Prometheus {
        return Err(InputError::whole(format!(
            "series are selected by label in Prometheus responses only, and this file reads as \
             {}: drop the series selection, or name the format with --input-format prometheus",
            format
                .to_possible_value()
                .map_or_else(String::new, |v| v.get_name().to_string())
        )));
    }
    match format {
        InputFormat::Auto | InputFormat::Csv => csv::parse(text).map(Parsed::Values),
        InputFormat::Json => json::parse_values(text)
            .map(|values| Parsed::Values(vec![Column { name: None, values }])),
        InputFormat::HistogramCsv => histogram::parse_csv(text).map(Parsed::Histogram),
        InputFormat::HistogramJson => histogram::parse_json(text).map(Parsed::Histogram),
        InputFormat::Prometheus => prometheus::parse(text, &options.series)
            .map(|values| Parsed::Values(vec![Column { name: None, values }])),
    }
}

/// The text of the file, without a byte-order mark.
fn utf8(bytes: &[u8]) -> Result<&str, InputError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Err(e) => {
            let before = &bytes[..e.valid_up_to()];
            let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            Err(InputError::at(
                Some(line),
                None,
                format!(
                    "byte {} is not UTF-8 text: inputs are text files (CSV or JSON)",
                    e.valid_up_to() + 1
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const FORMATS: [InputFormat; 6] = [
        InputFormat::Auto,
        InputFormat::Csv,
        InputFormat::Json,
        InputFormat::HistogramCsv,
        InputFormat::HistogramJson,
        InputFormat::Prometheus,
    ];

    #[test]
    fn errors_say_where() {
        let e = InputError::at(Some(3), Some("column `a`".into()), "bad");
        assert_eq!(e.to_string(), "line 3, column `a`: bad");
        assert_eq!(InputError::whole("empty").to_string(), "empty");
    }

    #[test]
    fn series_are_selected_in_prometheus_responses_only() {
        let options = ParseOptions {
            series: vec!["version=v1".parse().unwrap()],
        };
        let e = parse(b"1\n2\n", InputFormat::Auto, Some("csv"), &options).unwrap_err();
        assert!(e.message.contains("reads as csv"), "{e}");
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let e = parse(
            b"1\n2\n\xff\n",
            InputFormat::Auto,
            None,
            &ParseOptions::default(),
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let options = ParseOptions { series: vec!["job=api".parse().unwrap()] };
            for format in FORMATS {
                let _ = parse(&bytes, format, None, &options);
            }
        }

        #[test]
        fn arbitrary_text_never_panics(text in "[\\[\\]{}\":,0-9a-z.+\\-\n ]{0,120}") {
            let options = ParseOptions::default();
            for format in FORMATS {
                let _ = parse(text.as_bytes(), format, None, &options);
            }
        }
    }
}
