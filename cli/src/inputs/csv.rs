//! Values in CSV: one column of numbers, or named columns under a header row (one metric per
//! column). A first row that is not all numbers is the header. Empty cells are missing values
//! (columns may differ in length); `NaN` and `null` are NaN; lines starting with `#` are
//! comments.

use super::number::{parse_value, ALLOWED};
use super::{Column, InputError};

/// Reads the columns of a CSV file.
pub fn parse(text: &str) -> Result<Vec<Column>, InputError> {
    let records = reader(text).into_records();
    let mut columns: Vec<Column> = Vec::new();
    let mut header = false;
    for record in records {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map(|p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if columns.is_empty() {
            header = record
                .iter()
                .any(|f| !f.is_empty() && parse_value(f).is_none());
            columns = start_columns(&record, header, line)?;
            if header {
                continue;
            }
        }
        if record.len() > columns.len() {
            return Err(InputError::at(
                line,
                None,
                format!(
                    "{} fields, but {}: {}",
                    record.len(),
                    if header {
                        format!("the header names {}", columns.len())
                    } else {
                        "the first row has 1".to_string()
                    },
                    if header {
                        "every row must have at most as many fields as the header"
                    } else {
                        "several columns need a header row that names them, e.g. `latency,cpu`"
                    }
                ),
            ));
        }
        for (i, field) in record.iter().enumerate() {
            if field.is_empty() {
                continue;
            }
            let value = parse_value(field).ok_or_else(|| {
                InputError::at(
                    line,
                    Some(column_label(&columns[i], i)),
                    format!("`{field}` is not a number: {ALLOWED}"),
                )
            })?;
            columns[i].values.push(value);
        }
    }
    if columns.is_empty() {
        return Err(InputError::whole(
            "the file holds no values: expected one number per line, or named columns under a \
             header row",
        ));
    }
    Ok(columns)
}

/// A reader that trims fields, skips `#` comments and allows rows of different lengths (the
/// rows are checked here, with messages that say what is expected).
fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes())
}

/// The columns announced by the first row: named by a header, or one unnamed column.
fn start_columns(
    record: &csv::StringRecord,
    header: bool,
    line: Option<u64>,
) -> Result<Vec<Column>, InputError> {
    if !header {
        return Ok(vec![Column {
            name: None,
            values: Vec::new(),
        }]);
    }
    let mut columns: Vec<Column> = Vec::with_capacity(record.len());
    for (i, name) in record.iter().enumerate() {
        if name.is_empty() {
            return Err(InputError::at(
                line,
                Some(format!("column {}", i + 1)),
                "the header row leaves this column without a name: name every column",
            ));
        }
        if columns.iter().any(|c| c.name.as_deref() == Some(name)) {
            return Err(InputError::at(
                line,
                Some(format!("column {}", i + 1)),
                format!("the header names `{name}` twice: column names must be unique"),
            ));
        }
        columns.push(Column {
            name: Some(name.to_string()),
            values: Vec::new(),
        });
    }
    Ok(columns)
}

fn column_label(column: &Column, index: usize) -> String {
    match &column.name {
        Some(name) => format!("column `{name}`"),
        None => format!("column {}", index + 1),
    }
}

/// The csv crate's error (a quote left open, invalid UTF-8) with its line.
fn csv_error(e: &csv::Error) -> InputError {
    let line = e.position().map(|p| p.line());
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "a field is not UTF-8 text".to_string(),
        _ => e.to_string(),
    };
    InputError::at(line, None, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(columns: &[Column]) -> Vec<Vec<f64>> {
        columns.iter().map(|c| c.values.clone()).collect()
    }

    #[test]
    fn one_column_without_header() {
        let columns = parse("1\n2.5\n\n# a comment\n3\n").unwrap();
        assert_eq!(columns.len(), 1);
        assert_eq!(columns[0].name, None);
        assert_eq!(values(&columns), [vec![1.0, 2.5, 3.0]]);
    }

    #[test]
    fn named_columns_of_different_lengths() {
        let columns = parse("latency,\"cpu\"\n10, 40\n11,\n12\n").unwrap();
        assert_eq!(columns[0].name.as_deref(), Some("latency"));
        assert_eq!(columns[1].name.as_deref(), Some("cpu"));
        assert_eq!(values(&columns), [vec![10.0, 11.0, 12.0], vec![40.0]]);
    }

    #[test]
    fn nan_and_null_are_nan() {
        let columns = parse("x\nNaN\nnull\n1\n").unwrap();
        assert!(columns[0].values[0].is_nan() && columns[0].values[1].is_nan());
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse("latency,cpu\n1,2\n3,abc\n").unwrap_err();
        assert_eq!(
            (e.line, e.field.as_deref()),
            (Some(3), Some("column `cpu`"))
        );
        assert!(e.message.contains("`abc` is not a number"), "{e}");
        let e = parse("1\n2,3\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("header row"), "{e}");
        let e = parse("a,a\n1,2\n").unwrap_err();
        assert!(e.message.contains("twice"), "{e}");
        let e = parse("a,b\n1,2,3\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(parse("").is_err());
        assert!(parse("\n\n# nothing\n").is_err());
    }

    #[test]
    fn header_alone_gives_empty_columns() {
        let columns = parse("latency\n").unwrap();
        assert_eq!(columns[0].values, Vec::<f64>::new());
    }
}
