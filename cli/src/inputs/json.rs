//! JSON arrays of numbers, and the conversion of serde_json's errors (which know the line and
//! column) into [`InputError`]s, shared by every JSON format.

use super::InputError;

/// Reads `[1.5, 2, null, ...]`; `null` is NaN.
pub fn parse_values(text: &str) -> Result<Vec<f64>, InputError> {
    let values: Vec<Option<f64>> = serde_json::from_str(text).map_err(|e| error(e, EXPECTED))?;
    Ok(values.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

const EXPECTED: &str = "expected a JSON array of numbers, with null for a missing value";

/// serde_json's error as an [`InputError`] at its line and column, with what the format
/// expects added to type errors.
pub fn error(e: serde_json::Error, expected: &str) -> InputError {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let message = text.strip_suffix(&position).unwrap_or(&text).to_string();
    let message = match e.classify() {
        serde_json::error::Category::Data => format!("{message} ({expected})"),
        serde_json::error::Category::Eof if e.line() <= 1 && e.column() == 0 => {
            format!("the file is empty ({expected})")
        }
        _ => message,
    };
    if e.line() == 0 {
        InputError::whole(message)
    } else {
        InputError::at(
            Some(e.line() as u64),
            Some(format!("column {}", e.column())),
            message,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_nulls() {
        let values = parse_values("[1, 2.5, null]").unwrap();
        assert_eq!(values[..2], [1.0, 2.5]);
        assert!(values[2].is_nan());
        assert_eq!(parse_values("[]").unwrap(), Vec::<f64>::new());
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse_values("[1,\n 2,\n \"x\"]").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.field.as_deref().unwrap().starts_with("column "));
        assert!(
            e.message.contains("expected a JSON array of numbers"),
            "{e}"
        );
        let e = parse_values("").unwrap_err();
        assert!(e.message.contains("empty"), "{e}");
        assert!(parse_values("[1, 2").is_err());
        assert!(parse_values("{\"a\": 1}").is_err());
    }
}
