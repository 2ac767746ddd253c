//! Turning a baseline file and a canary file into the library's metric data: which metric each
//! column is, and whether the data fit the metric's kind.
//!
//! - One metric is judged when `--metric` names it, or when the configuration has only one.
//!   Its series in each file is the `--column` named, else the only column, else the column
//!   named like the metric.
//! - Otherwise every column of a CSV header must name a configured metric, and both files
//!   must have the same columns: one pair of files judges several metrics at once.

use canary_judge::judge::{DataKind, JudgeConfig, MetricConfig, MetricData};

use crate::error::CliError;
use crate::inputs::{Buckets, Column, Parsed};

/// A parsed input with the name of its file, for messages.
pub struct Side {
    /// The file, or `stdin`.
    pub file: String,
    /// What it holds.
    pub parsed: Parsed,
}

/// Which metric and column the command line asks for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Selection<'a> {
    /// `--metric`.
    pub metric: Option<&'a str>,
    /// `--column`.
    pub column: Option<&'a str>,
}

/// The metrics' data, by name.
pub fn metric_data(
    config: &JudgeConfig,
    select: Selection,
    baseline: Side,
    canary: Side,
) -> Result<Vec<(String, MetricData)>, CliError> {
    let target = match select.metric {
        Some(name) => Some(metric(config, name)?),
        None if config.metrics.len() == 1 => config.metrics.first(),
        None => None,
    };
    if let Some(m) = target {
        let data = pair(
            m,
            one_series(baseline, m, select.column)?,
            one_series(canary, m, select.column)?,
        )?;
        return Ok(vec![(m.name.clone(), data)]);
    }
    if select.column.is_some() {
        return Err(CliError::Usage(format!(
            "--column picks a column for one metric, but the configuration has {} metrics ({}): \
             name the metric with --metric",
            config.metrics.len(),
            names(config)
        )));
    }
    by_column_names(config, baseline, canary)
}

fn names(config: &JudgeConfig) -> String {
    let names: Vec<&str> = config.metrics.iter().map(|m| m.name.as_str()).collect();
    names.join(", ")
}

fn metric<'c>(config: &'c JudgeConfig, name: &str) -> Result<&'c MetricConfig, CliError> {
    config
        .metrics
        .iter()
        .find(|m| m.name == name)
        .ok_or_else(|| {
            CliError::Usage(format!(
                "--metric {name}: the configuration has no such metric (it defines: {})",
                names(config)
            ))
        })
}

/// One side's data for one metric.
enum Series {
    Values(Vec<f64>),
    Histogram(Buckets),
}

fn one_series(side: Side, m: &MetricConfig, column: Option<&str>) -> Result<Series, CliError> {
    let mut columns = match side.parsed {
        Parsed::Histogram(buckets) => {
            return match column {
                Some(_) => Err(CliError::Usage(format!(
                    "--column picks a CSV column, but {} is a histogram",
                    side.file
                ))),
                None => Ok(Series::Histogram(buckets)),
            }
        }
        Parsed::Values(columns) => columns,
    };
    let listing = || {
        let names: Vec<String> = columns
            .iter()
            .map(|c| c.name.clone().unwrap_or_default())
            .collect();
        names.join(", ")
    };
    let position = match column {
        Some(wanted) => columns
            .iter()
            .position(|c| c.name.as_deref() == Some(wanted))
            .ok_or_else(|| {
                CliError::Mismatch(if columns.iter().all(|c| c.name.is_none()) {
                    format!(
                        "--column {wanted}: {} has no header row naming its columns",
                        side.file
                    )
                } else {
                    format!(
                        "--column {wanted}: {} has no such column (it has: {})",
                        side.file,
                        listing()
                    )
                })
            })?,
        None if columns.len() == 1 => 0,
        None => columns
            .iter()
            .position(|c| c.name.as_deref() == Some(m.name.as_str()))
            .ok_or_else(|| {
                CliError::Mismatch(format!(
                    "{} has columns {}, none named `{}`: pick one with --column",
                    side.file,
                    listing(),
                    m.name
                ))
            })?,
    };
    Ok(Series::Values(columns.swap_remove(position).values))
}

/// Both sides' series as the metric's data, if they are of the kind it is configured for.
fn pair(m: &MetricConfig, baseline: Series, canary: Series) -> Result<MetricData, CliError> {
    match (m.data, baseline, canary) {
        (DataKind::Samples | DataKind::Intervals, Series::Values(b), Series::Values(c)) => {
            Ok(MetricData::Samples {
                baseline: b,
                canary: c,
            })
        }
        (DataKind::Histogram, Series::Histogram(b), Series::Histogram(c)) => {
            if b.bounds.len() != c.bounds.len()
                || b.bounds.iter().zip(&c.bounds).any(|(x, y)| x != y)
            {
                return Err(CliError::Mismatch(format!(
                    "metric `{}`: the baseline's and the canary's histograms have different \
                     bucket bounds ({:?} and {:?}); both must use the same `le` values",
                    m.name, b.bounds, c.bounds
                )));
            }
            Ok(MetricData::Histogram {
                bounds: b.bounds,
                baseline: b.counts,
                canary: c.counts,
            })
        }
        (DataKind::Counts, _, _) => Err(CliError::Usage(format!(
            "metric `{}` is configured for counts (events out of a total), which files of values \
             cannot give: pass them in --observations",
            m.name
        ))),
        (DataKind::Histogram, _, _) => Err(CliError::Mismatch(format!(
            "metric `{}` is configured for a histogram: give both groups as histogram buckets \
             (`le,count` CSV or JSON)",
            m.name
        ))),
        (_, _, _) => Err(CliError::Mismatch(format!(
            "metric `{}` is configured for values: give both groups as values (CSV, JSON \
             array or Prometheus response), not histogram buckets",
            m.name
        ))),
    }
}

/// Several metrics from named columns: each column is the metric of the same name.
fn by_column_names(
    config: &JudgeConfig,
    baseline: Side,
    canary: Side,
) -> Result<Vec<(String, MetricData)>, CliError> {
    let several = || {
        format!(
            "the configuration has {} metrics ({}): name one with --metric, or give CSV files \
             whose header row names the metrics",
            config.metrics.len(),
            names(config)
        )
    };
    let named = |side: Side| -> Result<(String, Vec<Column>), CliError> {
        match side.parsed {
            Parsed::Values(columns) if columns.iter().all(|c| c.name.is_some()) => {
                Ok((side.file, columns))
            }
            _ => Err(CliError::Usage(format!("{}: {}", side.file, several()))),
        }
    };
    let (base_file, base) = named(baseline)?;
    let (canary_file, mut can) = named(canary)?;
    let mut data = Vec::with_capacity(base.len());
    for column in base {
        let name = column.name.unwrap_or_default();
        let m = config
            .metrics
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| {
                CliError::Mismatch(format!(
                    "{base_file}: column `{name}` names no metric of the configuration (it \
                 defines: {}); with named columns each column is a metric",
                    names(config)
                ))
            })?;
        let at = can
            .iter()
            .position(|c| c.name.as_deref() == Some(name.as_str()))
            .ok_or_else(|| {
                CliError::Mismatch(format!(
                    "{base_file} has a column `{name}` but {canary_file} does not: both files \
                     need the same columns"
                ))
            })?;
        let other = can.swap_remove(at);
        let values = pair(
            m,
            Series::Values(column.values),
            Series::Values(other.values),
        )?;
        data.push((name, values));
    }
    if let Some(extra) = can.first() {
        return Err(CliError::Mismatch(format!(
            "{canary_file} has a column `{}` but {base_file} does not: both files need the same \
             columns",
            extra.name.as_deref().unwrap_or_default()
        )));
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use canary_judge::judge::Judge;

    fn config(metrics: &[(&str, &str)]) -> JudgeConfig {
        let toml: String = metrics
            .iter()
            .map(|(name, data)| {
                format!("[[metrics]]\nname = \"{name}\"\ndata = \"{data}\"\nbad = \"increase\"\n")
            })
            .collect();
        Judge::from_toml(&toml).unwrap().config().clone()
    }

    fn values(file: &str, columns: &[(Option<&str>, &[f64])]) -> Side {
        Side {
            file: file.into(),
            parsed: Parsed::Values(
                columns
                    .iter()
                    .map(|(name, values)| Column {
                        name: name.map(String::from),
                        values: values.to_vec(),
                    })
                    .collect(),
            ),
        }
    }

    fn histogram(file: &str, bounds: &[f64], counts: &[u64]) -> Side {
        Side {
            file: file.into(),
            parsed: Parsed::Histogram(Buckets {
                bounds: bounds.to_vec(),
                counts: counts.to_vec(),
            }),
        }
    }

    #[test]
    fn the_only_metric_takes_the_only_column() {
        let c = config(&[("latency", "samples")]);
        let data = metric_data(
            &c,
            Selection::default(),
            values("b", &[(None, &[1.0])]),
            values("c", &[(None, &[2.0])]),
        )
        .unwrap();
        assert_eq!(data[0].0, "latency");
        assert_eq!(
            data[0].1,
            MetricData::Samples {
                baseline: vec![1.0],
                canary: vec![2.0]
            }
        );
    }

    #[test]
    fn a_column_named_like_the_metric_is_picked() {
        let c = config(&[("latency", "samples"), ("cpu", "intervals")]);
        let select = Selection {
            metric: Some("cpu"),
            column: None,
        };
        let two = |file| values(file, &[(Some("latency"), &[1.0]), (Some("cpu"), &[40.0])]);
        let data = metric_data(&c, select, two("b"), two("c")).unwrap();
        assert_eq!(data.len(), 1);
        assert_eq!(data[0].0, "cpu");
    }

    #[test]
    fn named_columns_feed_several_metrics_in_any_order() {
        let c = config(&[("latency", "samples"), ("cpu", "intervals")]);
        let base = values("b", &[(Some("latency"), &[1.0]), (Some("cpu"), &[40.0])]);
        let canary = values("c", &[(Some("cpu"), &[41.0]), (Some("latency"), &[2.0])]);
        let data = metric_data(&c, Selection::default(), base, canary).unwrap();
        let names: Vec<&str> = data.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["latency", "cpu"]);
        assert_eq!(
            data[1].1,
            MetricData::Samples {
                baseline: vec![40.0],
                canary: vec![41.0]
            }
        );
    }

    #[test]
    fn mismatches_are_explained() {
        let c = config(&[("latency", "samples"), ("cpu", "intervals")]);
        let base = values("b", &[(Some("latency"), &[1.0]), (Some("mem"), &[1.0])]);
        let canary = values("c", &[(Some("latency"), &[1.0]), (Some("mem"), &[1.0])]);
        let e = metric_data(&c, Selection::default(), base, canary).unwrap_err();
        assert!(
            e.to_string().contains("column `mem` names no metric"),
            "{e}"
        );

        let base = values("b", &[(Some("latency"), &[1.0])]);
        let canary = values("c", &[(Some("latency"), &[1.0]), (Some("cpu"), &[1.0])]);
        let e = metric_data(&c, Selection::default(), base, canary).unwrap_err();
        assert!(
            e.to_string()
                .contains("c has a column `cpu` but b does not"),
            "{e}"
        );

        let h = config(&[("latency", "histogram")]);
        let e = metric_data(
            &h,
            Selection::default(),
            histogram("b", &[1.0, f64::INFINITY], &[1, 2]),
            histogram("c", &[2.0, f64::INFINITY], &[1, 2]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("different bucket bounds"), "{e}");
        let e = metric_data(
            &h,
            Selection::default(),
            values("b", &[(None, &[1.0])]),
            values("c", &[(None, &[1.0])]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("configured for a histogram"), "{e}");
    }

    #[test]
    fn histograms_become_bucket_counts() {
        let h = config(&[("latency", "histogram")]);
        let data = metric_data(
            &h,
            Selection::default(),
            histogram("b", &[1.0, f64::INFINITY], &[3, 4]),
            histogram("c", &[1.0, f64::INFINITY], &[1, 2]),
        )
        .unwrap();
        assert_eq!(
            data[0].1,
            MetricData::Histogram {
                bounds: vec![1.0, f64::INFINITY],
                baseline: vec![3, 4],
                canary: vec![1, 2]
            }
        );
    }
}
