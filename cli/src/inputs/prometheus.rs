//! A Prometheus HTTP API response saved to a file (`curl .../api/v1/query_range?... >
//! canary.json`). Every value of every series becomes a sample, series after series, in the
//! order of the response; `--series LABEL=VALUE` keeps only the series whose labels match
//! (all given labels must match). A `matrix` (range query) and a `vector` (instant query) are
//! read; an `error` response is reported with Prometheus's own message.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use super::number::{parse_value, ALLOWED};
use super::{json, InputError};

/// Keeps series whose label `name` equals `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelMatcher {
    name: String,
    value: String,
}

impl FromStr for LabelMatcher {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => Ok(LabelMatcher {
                name: name.trim().to_string(),
                value: value.trim().trim_matches('"').to_string(),
            }),
            _ => Err(format!(
                "`{text}` is not a label matcher: write LABEL=VALUE, e.g. version=canary"
            )),
        }
    }
}

impl fmt::Display for LabelMatcher {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}=\"{}\"", self.name, self.value)
    }
}

impl LabelMatcher {
    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        labels.get(&self.name) == Some(&self.value)
    }
}

const EXPECTED: &str = "expected a Prometheus API response: {\"status\": \"success\", \"data\": \
                        {\"resultType\": \"matrix\", \"result\": [{\"metric\": {...}, \
                        \"values\": [[1700000000, \"0.12\"], ...]}]}}";

/// The response's envelope, read first to report failed queries and unusable result types.
#[derive(Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<DataType>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct DataType {
    #[serde(rename = "resultType")]
    result_type: String,
}

/// The series, read from the whole text again so that errors keep their line and column.
#[derive(Deserialize)]
struct Body {
    data: SeriesList,
}

#[derive(Deserialize)]
struct SeriesList {
    result: Vec<Series>,
}

#[derive(Deserialize)]
struct Series {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<Point>,
    #[serde(default)]
    value: Option<Point>,
}

/// `[timestamp, "value"]`, the value read as in CSV (`NaN`, `+Inf` included).
struct Point(f64);

impl<'de> Deserialize<'de> for Point {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (_time, text): (f64, String) = Deserialize::deserialize(deserializer)?;
        parse_value(&text)
            .map(Point)
            .ok_or_else(|| de::Error::custom(format!("sample value `{text}`: {ALLOWED}")))
    }
}

/// The samples of the matching series, concatenated.
pub fn parse(text: &str, select: &[LabelMatcher]) -> Result<Vec<f64>, InputError> {
    let envelope: Envelope = serde_json::from_str(text).map_err(|e| json::error(e, EXPECTED))?;
    if envelope.status != "success" {
        return Err(InputError::whole(format!(
            "the response has status `{}` ({}: {}): save the response of a query that succeeded",
            envelope.status,
            envelope.error_type.as_deref().unwrap_or("no errorType"),
            envelope.error.as_deref().unwrap_or("no error message"),
        )));
    }
    let data = envelope
        .data
        .ok_or_else(|| InputError::whole(format!("the response has no `data`: {EXPECTED}")))?;
    if !matches!(data.result_type.as_str(), "matrix" | "vector") {
        return Err(InputError::whole(format!(
            "resultType `{}` holds no series: query a range vector (matrix) or an instant vector",
            data.result_type
        )));
    }
    let body: Body = serde_json::from_str(text).map_err(|e| json::error(e, EXPECTED))?;
    let series = body.data.result;
    let (kept, dropped): (Vec<Series>, Vec<Series>) = series
        .into_iter()
        .partition(|s| select.iter().all(|m| m.matches(&s.metric)));
    if kept.is_empty() && !dropped.is_empty() {
        return Err(InputError::whole(format!(
            "no series matches {}; the series have labels {}",
            select
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            labels_listing(&dropped)
        )));
    }
    Ok(kept
        .into_iter()
        .flat_map(|s| s.values.into_iter().chain(s.value).map(|p| p.0))
        .collect())
}

/// The label sets of the first few series, for an error message.
fn labels_listing(series: &[Series]) -> String {
    let mut shown: Vec<String> = series
        .iter()
        .take(5)
        .map(|s| format!("{:?}", s.metric))
        .collect();
    if series.len() > 5 {
        shown.push(format!("and {} more", series.len() - 5));
    }
    shown.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RANGE: &str = r#"{"status":"success","data":{"resultType":"matrix","result":[
        {"metric":{"job":"api","version":"baseline"},"values":[[1700000000,"0.1"],[1700000060,"0.2"]]},
        {"metric":{"job":"api","version":"canary"},"values":[[1700000000,"0.3"],[1700000060,"NaN"]]}
    ]}}"#;

    #[test]
    fn series_are_concatenated() {
        let values = parse(RANGE, &[]).unwrap();
        assert_eq!(values[..3], [0.1, 0.2, 0.3]);
        assert!(values[3].is_nan());
    }

    #[test]
    fn series_are_selected_by_labels() {
        let select = ["version=baseline".parse().unwrap()];
        assert_eq!(parse(RANGE, &select).unwrap(), [0.1, 0.2]);
        let select = ["version=blue".parse().unwrap()];
        let e = parse(RANGE, &select).unwrap_err();
        assert!(
            e.message.contains("no series matches version=\"blue\""),
            "{e}"
        );
        assert!(e.message.contains("canary"), "{e}");
    }

    #[test]
    fn instant_vectors_and_empty_results() {
        let text = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"4"]}]}}"#;
        assert_eq!(parse(text, &[]).unwrap(), [4.0]);
        let text = r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        assert_eq!(parse(text, &[]).unwrap(), Vec::<f64>::new());
    }

    #[test]
    fn errors() {
        let text = r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
        assert!(parse(text, &[])
            .unwrap_err()
            .message
            .contains("bad_data: parse error"));
        let text = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}"#;
        assert!(parse(text, &[]).unwrap_err().message.contains("scalar"));
        let text = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[\n{\"metric\":{},\"values\":[[1,\"x\"]]}]}}";
        let e = parse(text, &[]).unwrap_err();
        assert!(e.message.contains("`x`"), "{e}");
        assert_eq!(e.line, Some(2));
        assert!("nolabel".parse::<LabelMatcher>().is_err());
        assert!("=x".parse::<LabelMatcher>().is_err());
    }
}
