//! Telling an input's format when it is not named: the extension decides between CSV and JSON,
//! the content between the kinds of each (a histogram's `le,count` header, an array of
//! objects, a Prometheus response object). Without an extension (stdin) a file that starts
//! with `[` or `{` is JSON, anything else CSV.

use super::InputFormat;

/// The format to parse `text` as: `format` itself unless it is [`InputFormat::Auto`].
pub fn detect(format: InputFormat, extension: Option<&str>, text: &str) -> InputFormat {
    if format != InputFormat::Auto {
        return format;
    }
    let start = text.trim_start();
    let json = match extension.map(str::to_ascii_lowercase).as_deref() {
        Some("json") => true,
        Some("csv") => false,
        _ => start.starts_with(['[', '{']),
    };
    if !json {
        return if histogram_header(text) {
            InputFormat::HistogramCsv
        } else {
            InputFormat::Csv
        };
    }
    if start.starts_with('{') {
        InputFormat::Prometheus
    } else if start[start.find('[').map_or(0, |i| i + 1)..]
        .trim_start()
        .starts_with('{')
    {
        InputFormat::HistogramJson
    } else {
        InputFormat::Json
    }
}

/// Whether the first line that is not blank or a `#` comment is a header with an `le` and a
/// `count` column.
fn histogram_header(text: &str) -> bool {
    let Some(first) = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        return false;
    };
    let names: Vec<String> = first
        .split(',')
        .map(|f| f.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    names.len() == 2 && names.iter().any(|n| n == "le") && names.iter().any(|n| n == "count")
}

#[cfg(test)]
mod tests {
    use super::*;
    use InputFormat::*;

    #[test]
    fn by_content() {
        assert_eq!(detect(Auto, None, "1\n2\n"), Csv);
        assert_eq!(detect(Auto, None, "latency,cpu\n1,2\n"), Csv);
        assert_eq!(detect(Auto, None, "le,count\n0.1,3\n"), HistogramCsv);
        assert_eq!(
            detect(Auto, None, "# buckets\n\"le\",\"count\"\n"),
            HistogramCsv
        );
        assert_eq!(detect(Auto, None, " [1, 2, null]"), Json);
        assert_eq!(
            detect(Auto, None, "[ {\"le\": \"+Inf\", \"count\": 1}]"),
            HistogramJson
        );
        assert_eq!(detect(Auto, None, "{\"status\": \"success\"}"), Prometheus);
    }

    #[test]
    fn extension_first_then_content() {
        // A `.csv` file is CSV whatever its first character; a named format is never second-guessed.
        assert_eq!(detect(Auto, Some("CSV"), "[1]"), Csv);
        assert_eq!(detect(Auto, Some("json"), "1"), Json);
        assert_eq!(detect(Auto, Some("txt"), "{}"), Prometheus);
        assert_eq!(detect(Json, Some("csv"), "le,count"), Json);
    }
}
