//! What a judge is given: each metric's data for the baseline and the canary.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::slo::Counts;

/// Events out of a total for one group (errors out of requests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventTotals {
    /// Events (errors, failures, conversions).
    pub events: u64,
    /// Everything counted (requests, visits); at least `events`.
    pub total: u64,
}

/// One metric's data for both groups.
///
/// In JSON a NaN is written `null` (JSON has no NaN); it is read back as NaN and handled by
/// the metric's NaN policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum MetricData {
    /// Raw observations or per-interval values.
    Samples {
        /// The baseline's values.
        #[serde(deserialize_with = "nullable_floats")]
        baseline: Vec<f64>,
        /// The canary's values.
        #[serde(deserialize_with = "nullable_floats")]
        canary: Vec<f64>,
    },
    /// Events out of a total per group.
    Counts {
        /// The baseline's counts.
        baseline: EventTotals,
        /// The canary's counts.
        canary: EventTotals,
    },
    /// Bucket counts over shared bounds (not cumulative).
    Histogram {
        /// Upper bound of each bucket, increasing; the last may be `null` for +Inf.
        #[serde(deserialize_with = "nullable_floats")]
        bounds: Vec<f64>,
        /// The baseline's count per bucket.
        baseline: Vec<u64>,
        /// The canary's count per bucket.
        canary: Vec<u64>,
    },
}

/// Reads numbers where `null` stands for NaN.
fn nullable_floats<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<Vec<f64>, D::Error> {
    let values: Vec<Option<f64>> = Deserialize::deserialize(deserializer)?;
    Ok(values.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

impl MetricData {
    /// The kind of data, for matching against the configuration.
    pub(crate) fn shape(&self) -> &'static str {
        match self {
            MetricData::Samples { .. } => "samples",
            MetricData::Counts { .. } => "counts",
            MetricData::Histogram { .. } => "histogram",
        }
    }

    /// Observations per group: values, totals or bucket counts summed.
    pub fn sizes(&self) -> (u64, u64) {
        match self {
            MetricData::Samples { baseline, canary } => {
                (canary.len() as u64, baseline.len() as u64)
            }
            MetricData::Counts { baseline, canary } => (canary.total, baseline.total),
            MetricData::Histogram {
                baseline, canary, ..
            } => {
                let sum = |c: &[u64]| c.iter().fold(0u64, |a, &b| a.saturating_add(b));
                (sum(canary), sum(baseline))
            }
        }
    }

    /// Adds `other` (a later tick) to this data: values appended, counts added.
    pub(crate) fn absorb(&mut self, other: &MetricData) -> Result<()> {
        let overflow = || Error::CountOverflow {
            what: "counts accumulated over ticks",
            limit: u64::MAX,
        };
        let add = |a: &mut u64, b: u64| -> Result<()> {
            *a = a.checked_add(b).ok_or_else(overflow)?;
            Ok(())
        };
        match (self, other) {
            (
                MetricData::Samples { baseline, canary },
                MetricData::Samples {
                    baseline: b,
                    canary: c,
                },
            ) => {
                baseline.extend_from_slice(b);
                canary.extend_from_slice(c);
            }
            (
                MetricData::Counts { baseline, canary },
                MetricData::Counts {
                    baseline: b,
                    canary: c,
                },
            ) => {
                add(&mut baseline.events, b.events)?;
                add(&mut baseline.total, b.total)?;
                add(&mut canary.events, c.events)?;
                add(&mut canary.total, c.total)?;
            }
            (
                MetricData::Histogram {
                    bounds,
                    baseline,
                    canary,
                },
                MetricData::Histogram {
                    bounds: bo,
                    baseline: b,
                    canary: c,
                },
            ) => {
                if !same_bounds(bounds, bo) || baseline.len() != b.len() || canary.len() != c.len()
                {
                    return Err(Error::invalid(
                        "bounds",
                        format!("{bo:?}"),
                        "every tick of a histogram metric must use the same bucket bounds",
                    ));
                }
                for (a, &x) in baseline.iter_mut().zip(b).chain(canary.iter_mut().zip(c)) {
                    add(a, x)?;
                }
            }
            (this, _) => {
                return Err(Error::invalid(
                    "data",
                    other.shape(),
                    match this {
                        MetricData::Samples { .. } => "this metric's earlier ticks brought samples",
                        MetricData::Counts { .. } => "this metric's earlier ticks brought counts",
                        MetricData::Histogram { .. } => {
                            "this metric's earlier ticks brought a histogram"
                        }
                    },
                ))
            }
        }
        Ok(())
    }
}

/// Bounds equal bit for bit, except that an open last bucket may be written as +Inf or as NaN
/// (`null` in JSON, which is also how +Inf comes back from a persisted state).
fn same_bounds(a: &[f64], b: &[f64]) -> bool {
    let open = |x: f64| x.is_nan() || x == f64::INFINITY;
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(&x, &y)| x.to_bits() == y.to_bits() || (open(x) && open(y)))
}

/// Everything a judge is given at one look.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observations {
    /// Data per metric name. A configured metric without an entry has no data.
    #[serde(default)]
    pub metrics: BTreeMap<String, MetricData>,
    /// The service's bad and total events over the SLO window, for the error-budget gate.
    #[serde(default)]
    pub budget: Option<Counts>,
}

impl Observations {
    /// No data yet.
    pub fn new() -> Observations {
        Observations::default()
    }

    /// Adds a metric's data (replacing earlier data of that name).
    pub fn with(mut self, name: impl Into<String>, data: MetricData) -> Observations {
        self.metrics.insert(name.into(), data);
        self
    }

    /// Sets the counts of the SLO window.
    pub fn with_budget(mut self, counts: Counts) -> Observations {
        self.budget = Some(counts);
        self
    }

    /// Reads observations from JSON.
    pub fn from_json(text: &str) -> Result<Observations> {
        crate::config::from_json("observations (JSON)", text)
    }
}
