//! Prometheus-style histogram buckets: an upper bound `le` and the CUMULATIVE count of
//! observations at or below it, as CSV (`le,count` header) or JSON
//! (`[{"le": "0.1", "count": 12}, ..., {"le": "+Inf", "count": 40}]`). The library takes
//! per-bucket counts, so each bucket's count is its cumulative count minus the previous one;
//! bounds must increase and cumulative counts must not decrease.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::number::{parse_count, parse_value};
use super::{json, Buckets, InputError};

const LE: &str = "`le` is a bucket's upper bound: a number, or +Inf for the last bucket";
const COUNT: &str = "`count` is the cumulative count: a whole number, at least 0";

/// The running conversion from cumulative to per-bucket counts, checking as it goes.
#[derive(Default)]
struct Cumulative {
    buckets: Buckets,
    total: u64,
}

impl Cumulative {
    /// Adds the next bucket; the error says what is wrong with it.
    fn push(&mut self, le: f64, cumulative: u64) -> Result<(), String> {
        if le.is_nan() || le == f64::NEG_INFINITY {
            return Err(format!("le = {le} is not an upper bound: {LE}"));
        }
        if let Some(&last) = self.buckets.bounds.last() {
            if le <= last {
                return Err(format!(
                    "le = {le} does not increase on the previous bucket's {last}: list buckets \
                     by increasing `le`, each bound once"
                ));
            }
        }
        if cumulative < self.total {
            return Err(format!(
                "cumulative count {cumulative} is below the previous bucket's {}: counts are \
                 cumulative (observations at or below `le`), so they never decrease",
                self.total
            ));
        }
        self.buckets.bounds.push(le);
        self.buckets.counts.push(cumulative - self.total);
        self.total = cumulative;
        Ok(())
    }

    fn finish(self) -> Result<Buckets, String> {
        if self.buckets.bounds.is_empty() {
            return Err("no buckets: expected at least one `le`, `count` pair".into());
        }
        Ok(self.buckets)
    }
}

/// Reads `le,count` rows under a header (columns in either order).
pub fn parse_csv(text: &str) -> Result<Buckets, InputError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| csv_error(&e))?.clone();
    let find = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(le_at), Some(count_at)) = (find("le"), find("count")) else {
        return Err(InputError::at(
            Some(1),
            None,
            "a histogram CSV starts with the header `le,count`",
        ));
    };
    let mut cumulative = Cumulative::default();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&e))?;
        let line = record.position().map(|p| p.line());
        let field = |i: usize, what: &str| {
            record
                .get(i)
                .ok_or_else(|| InputError::at(line, None, format!("the row has no `{what}` field")))
        };
        let le_text = field(le_at, "le")?;
        let le = parse_value(le_text).ok_or_else(|| {
            InputError::at(
                line,
                Some("column `le`".into()),
                format!("`{le_text}`: {LE}"),
            )
        })?;
        let count_text = field(count_at, "count")?;
        let count = parse_count(count_text).ok_or_else(|| {
            InputError::at(
                line,
                Some("column `count`".into()),
                format!("`{count_text}`: {COUNT}"),
            )
        })?;
        cumulative
            .push(le, count)
            .map_err(|m| InputError::at(line, None, m))?;
    }
    cumulative.finish().map_err(InputError::whole)
}

fn csv_error(e: &csv::Error) -> InputError {
    InputError::at(e.position().map(|p| p.line()), None, e.to_string())
}

/// Reads `[{"le": "0.1", "count": 12}, ...]`; `le` and `count` may be strings or numbers.
pub fn parse_json(text: &str) -> Result<Buckets, InputError> {
    let histogram: JsonHistogram =
        serde_json::from_str(text).map_err(|e| json::error(e, EXPECTED))?;
    Ok(histogram.0)
}

const EXPECTED: &str =
    "expected a JSON array of buckets such as {\"le\": \"0.1\", \"count\": 12}, with cumulative counts";

/// The buckets, converted and checked while serde_json reads them, so that an error carries
/// the line and column of the bucket at fault.
struct JsonHistogram(Buckets);

impl<'de> Deserialize<'de> for JsonHistogram {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(BucketsVisitor)
    }
}

struct BucketsVisitor;

impl<'de> Visitor<'de> for BucketsVisitor {
    type Value = JsonHistogram;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of {\"le\": ..., \"count\": ...} buckets")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<JsonHistogram, A::Error> {
        let mut cumulative = Cumulative::default();
        while seq
            .next_element_seed(BucketSeed(&mut cumulative))?
            .is_some()
        {}
        cumulative
            .finish()
            .map(JsonHistogram)
            .map_err(de::Error::custom)
    }
}

/// Reads one bucket and adds it, inside the bucket's own object so that serde_json places an
/// error at that bucket.
struct BucketSeed<'a>(&'a mut Cumulative);

impl<'de> DeserializeSeed<'de> for BucketSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BucketSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a bucket {\"le\": ..., \"count\": ...}")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let bucket = JsonBucket::deserialize(de::value::MapAccessDeserializer::new(map))?;
        let le = parse_value(&bucket.le.0)
            .ok_or_else(|| de::Error::custom(format!("le `{}`: {LE}", bucket.le.0)))?;
        let count = parse_count(&bucket.count.0)
            .ok_or_else(|| de::Error::custom(format!("count `{}`: {COUNT}", bucket.count.0)))?;
        self.0.push(le, count).map_err(de::Error::custom)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonBucket {
    le: Text,
    count: Text,
}

/// A number or a string, kept as text so that it is read the same as in CSV.
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Number(serde_json::Number),
            Text(String),
        }
        match Either::deserialize(deserializer)? {
            Either::Number(n) => Ok(Text(n.to_string())),
            Either::Text(s) => Ok(Text(s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cumulative_csv_becomes_bucket_counts() {
        let b = parse_csv("le,count\n0.1,12\n0.5,30\n+Inf,40\n").unwrap();
        assert_eq!(b.bounds, [0.1, 0.5, f64::INFINITY]);
        assert_eq!(b.counts, [12, 18, 10]);
        let b = parse_csv("count,le\n3,1\n3,2\n").unwrap();
        assert_eq!((b.bounds, b.counts), (vec![1.0, 2.0], vec![3, 0]));
    }

    #[test]
    fn cumulative_json_becomes_bucket_counts() {
        let b = parse_json(r#"[{"le": "0.1", "count": 12}, {"le": 0.5, "count": "30"}, {"le": "+Inf", "count": 40}]"#)
            .unwrap();
        assert_eq!(b.bounds, [0.1, 0.5, f64::INFINITY]);
        assert_eq!(b.counts, [12, 18, 10]);
    }

    #[test]
    fn decreasing_counts_are_rejected_with_their_line() {
        let e = parse_csv("le,count\n0.1,12\n0.5,10\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("never decrease"), "{e}");
        let e =
            parse_json("[\n{\"le\": 1, \"count\": 5},\n{\"le\": 2, \"count\": 4}\n]").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("never decrease"), "{e}");
    }

    #[test]
    fn bad_bounds_and_counts() {
        assert!(parse_csv("le,count\n0.5,1\n0.1,2\n")
            .unwrap_err()
            .message
            .contains("increase"));
        assert!(parse_csv("le,count\n0.5,1\n0.5,2\n").is_err());
        assert!(parse_csv("le,count\nNaN,1\n").is_err());
        let e = parse_csv("le,count\n0.5,-1\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("column `count`"));
        assert!(parse_csv("le,count\n0.5,1.5\n").is_err());
        assert!(parse_csv("bound,n\n1,2\n").is_err());
        assert!(parse_csv("le,count\n")
            .unwrap_err()
            .message
            .contains("no buckets"));
        assert!(parse_json("[]").is_err());
        assert!(parse_json(r#"[{"le": 1}]"#).is_err());
        assert!(parse_json(r#"[{"le": 1, "count": 2, "x": 3}]"#).is_err());
        assert!(parse_json(r#"[{"le": true, "count": 2}]"#).is_err());
    }
}
