//! What a simulated service looks like: its traffic, its metrics, and the regressions injected
//! into the canary. Loaded from TOML or JSON, checked on the way in.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::span::Span;

/// One simulated service and what happens to its canary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioConfig {
    /// A unique name; it also seeds the scenario's random streams.
    pub name: String,
    /// One line on what the scenario shows.
    #[serde(default)]
    pub description: String,
    /// Scenarios of one family differ only in `size`; reports draw one power curve per family.
    #[serde(default)]
    pub family: Option<String>,
    /// The regression's size within its family (for example the error-rate ratio).
    #[serde(default)]
    pub size: Option<f64>,
    /// The time between two ticks of the controller; default one minute.
    #[serde(default = "default_tick")]
    pub tick: Span,
    /// How long a rollout may run before it ends inconclusive; default four hours.
    #[serde(default = "default_duration")]
    pub duration: Span,
    /// The service's traffic.
    pub traffic: Traffic,
    /// The metrics the service exports.
    pub metrics: Vec<MetricModel>,
    /// The regressions of the canary; none makes a null scenario (a healthy release).
    #[serde(default)]
    pub regressions: Vec<Regression>,
    /// The SLO window's counts when the rollout starts, for policies with a budget gate.
    #[serde(default)]
    pub budget: Option<BudgetModel>,
}

/// Where the error budget stands when a rollout starts; every tick adds both groups' events
/// of `metric` to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetModel {
    /// The event metric that spends the budget (errors).
    pub metric: String,
    /// Requests in the SLO window so far.
    pub requests: u64,
    /// Bad events among them.
    pub bad: u64,
}

fn default_tick() -> Span {
    Span::from_secs(60)
}

fn default_duration() -> Span {
    Span::from_secs(4 * 3600)
}

/// Requests per tick, shared between baseline and canary by the stage's weight.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Traffic {
    /// Mean requests per tick to the whole service (Poisson-distributed).
    pub requests: f64,
    /// A daily cycle of the request rate, starting at a random hour of each rollout.
    #[serde(default)]
    pub diurnal: Option<Diurnal>,
    /// Share of ticks whose metrics are missing (a failed scrape), in [0, 1).
    #[serde(default)]
    pub missing: f64,
    /// Episodes that slow both groups at once (a noisy neighbour on shared hosts).
    #[serde(default)]
    pub noisy_neighbour: Option<NoisyNeighbour>,
}

/// `requests * (1 + amplitude * sin(2 pi t / period))`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diurnal {
    /// Relative swing, in [0, 1).
    pub amplitude: f64,
    /// Length of one cycle; default a day.
    #[serde(default = "default_period")]
    pub period: Span,
}

fn default_period() -> Span {
    Span::from_secs(86_400)
}

/// Each tick, with probability `share`, every latency of both groups is scaled by `factor`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoisyNeighbour {
    /// Share of ticks affected, in [0, 1].
    pub share: f64,
    /// Latency factor during an episode, > 0.
    pub factor: f64,
}

/// One exported metric: exactly one of `latency` or `events`, and how it is recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricModel {
    /// The name policies refer to.
    pub name: String,
    /// Per-request latency in milliseconds.
    #[serde(default)]
    pub latency: Option<LatencyModel>,
    /// Per-request events: errors, conversions.
    #[serde(default)]
    pub events: Option<EventModel>,
    /// How a monitoring system records the metric.
    pub record: Record,
    /// More recordings of the same requests under other names (a histogram and a per-minute
    /// p99 of one latency): each draws from the same distributions and carries the same
    /// regressions, independently of the others.
    #[serde(default)]
    pub views: Vec<View>,
}

/// Another recording of a metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    /// The name policies refer to.
    pub name: String,
    /// How it is recorded.
    pub record: Record,
}

/// A lognormal latency with an optional slow mode and rare outliers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencyModel {
    /// The median, in ms.
    pub median: f64,
    /// The log-scale standard deviation.
    pub sigma: f64,
    /// Share of requests in a slow mode (cache misses, retries), in [0, 1).
    #[serde(default)]
    pub slow_share: f64,
    /// How much slower the slow mode's median is.
    #[serde(default = "default_slow_factor")]
    pub slow_factor: f64,
    /// Share of requests that are outliers in both groups (a stuck request), in [0, 1).
    #[serde(default)]
    pub outlier_share: f64,
    /// How much slower an outlier is.
    #[serde(default = "default_outlier_factor")]
    pub outlier_factor: f64,
}

fn default_slow_factor() -> f64 {
    10.0
}

fn default_outlier_factor() -> f64 {
    50.0
}

/// Events per request (errors, conversions).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventModel {
    /// Probability that a request has the event, in [0, 1].
    pub rate: f64,
    /// How counts vary: binomial per request (default) or Poisson per interval.
    #[serde(default)]
    pub counting: Counting,
}

/// How event counts vary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    /// Each request independently: binomial counts.
    #[default]
    Binomial,
    /// Poisson counts per interval with mean `rate * requests`.
    Poisson,
}

/// How a metric reaches the judge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Record {
    /// Latency as bucket counts over these upper bounds (ms); the last bucket is open.
    Histogram {
        /// Finite, increasing upper bounds; a final +Inf bucket is added.
        bounds: Vec<f64>,
    },
    /// Latency as raw values of up to `limit` requests per group and tick (traced requests).
    Samples {
        /// At most this many values per group and tick, > 0.
        limit: u32,
    },
    /// Latency as one quantile per group and tick (a per-minute p99 series), from a histogram
    /// over `bounds` as Prometheus' `histogram_quantile` reports it.
    IntervalQuantile {
        /// The quantile, in (0, 1).
        q: f64,
        /// The histogram's bucket bounds.
        bounds: Vec<f64>,
    },
    /// Events as counts out of requests.
    Counts,
    /// Events as one rate per group and tick (a per-minute error-rate series).
    IntervalRate,
}

impl Record {
    /// The judge's data kind this record feeds.
    pub fn data_kind(&self) -> crate::judge::DataKind {
        use crate::judge::DataKind;
        match self {
            Record::Histogram { .. } => DataKind::Histogram,
            Record::Samples { .. } => DataKind::Samples,
            Record::IntervalQuantile { .. } | Record::IntervalRate => DataKind::Intervals,
            Record::Counts => DataKind::Counts,
        }
    }

    /// The field and the reason, if the record's settings cannot work.
    fn problem(&self) -> Option<(&'static str, &'static str)> {
        match self {
            Record::Histogram { bounds } | Record::IntervalQuantile { bounds, .. } => {
                let increasing = bounds.windows(2).all(|w| w[0] < w[1]);
                if bounds.is_empty() || !increasing || bounds.iter().any(|b| !b.is_finite()) {
                    return Some((
                        "bounds",
                        "finite, strictly increasing bucket bounds (at least one)",
                    ));
                }
                match self {
                    Record::IntervalQuantile { q, .. } if !(*q > 0.0 && *q < 1.0) => {
                        Some(("q", "must be in (0, 1)"))
                    }
                    _ => None,
                }
            }
            Record::Samples { limit: 0 } => Some(("limit", "must be at least 1")),
            _ => None,
        }
    }

    fn fits_latency(&self) -> bool {
        matches!(
            self,
            Record::Histogram { .. } | Record::Samples { .. } | Record::IntervalQuantile { .. }
        )
    }
}

/// A change of the canary's metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regression {
    /// The metric changed.
    pub metric: String,
    /// What changes.
    pub change: Change,
    /// Late onset: the change starts this long after the rollout starts; default at once.
    #[serde(default)]
    pub after: Span,
    /// Intermittent: the change is on for `on`, then off for `off`, repeatedly.
    #[serde(default)]
    pub intermittent: Option<Intermittent>,
}

/// On/off periods of an intermittent regression.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intermittent {
    /// How long each episode lasts, > 0.
    pub on: Span,
    /// The quiet time between episodes.
    pub off: Span,
}

/// What a regression does to the canary.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// Every latency multiplied by this factor (> 0).
    Scale(f64),
    /// Every latency increased by this many ms (>= 0).
    Shift(f64),
    /// A tail-only regression: this share of requests becomes `factor` times slower; the
    /// median barely moves, the p99 does.
    Tail {
        /// Share of requests affected, in (0, 1).
        share: f64,
        /// Their slowdown, > 1.
        factor: f64,
    },
    /// The event rate multiplied by this factor (>= 0; a conversion drop is < 1).
    RateFactor(f64),
}

impl Change {
    fn is_latency(&self) -> bool {
        matches!(
            self,
            Change::Scale(_) | Change::Shift(_) | Change::Tail { .. }
        )
    }
}

impl Regression {
    /// Whether the change is active at `elapsed` seconds into the rollout.
    pub fn active_at(&self, elapsed: u64) -> bool {
        let Some(since) = elapsed.checked_sub(self.after.as_secs()) else {
            return false;
        };
        match self.intermittent {
            None => true,
            Some(Intermittent { on, off }) => since % (on.as_secs() + off.as_secs()) < on.as_secs(),
        }
    }
}

impl ScenarioConfig {
    /// Reads a scenario from TOML and checks it.
    pub fn from_toml(text: &str) -> Result<ScenarioConfig> {
        let scenario: ScenarioConfig = crate::config::from_toml("scenario (TOML)", text)?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Reads a scenario from JSON and checks it.
    pub fn from_json(text: &str) -> Result<ScenarioConfig> {
        let scenario: ScenarioConfig = crate::config::from_json("scenario (JSON)", text)?;
        scenario.validate()?;
        Ok(scenario)
    }

    /// Whether the canary is healthy: no regression is injected.
    pub fn is_null(&self) -> bool {
        self.regressions.is_empty()
    }

    /// The number of ticks a rollout may last.
    pub fn max_ticks(&self) -> u64 {
        self.duration.as_secs() / self.tick.as_secs().max(1)
    }

    /// The metric called `name`, if the scenario has it (views not included).
    pub fn metric(&self, name: &str) -> Option<&MetricModel> {
        self.metrics.iter().find(|m| m.name == name)
    }

    /// The metric or view called `name`: its model and how it is recorded.
    pub fn recording(&self, name: &str) -> Option<(&MetricModel, &Record)> {
        self.metrics.iter().find_map(|m| {
            if m.name == name {
                return Some((m, &m.record));
            }
            m.views
                .iter()
                .find(|v| v.name == name)
                .map(|v| (m, &v.record))
        })
    }

    /// Every metric and view name, in order.
    pub fn names(&self) -> Vec<&str> {
        self.metrics
            .iter()
            .flat_map(|m| {
                std::iter::once(m.name.as_str()).chain(m.views.iter().map(|v| v.name.as_str()))
            })
            .collect()
    }

    /// Checks every value and that the parts agree.
    pub fn validate(&self) -> Result<()> {
        let bad = |field: String, value: String, reason: &str| -> Result<()> {
            Err(Error::InvalidConfig {
                field,
                value,
                reason: reason.into(),
            })
        };
        if self.name.trim().is_empty() {
            return bad("name".into(), "\"\"".into(), "name the scenario");
        }
        if let Some(size) = self.size.filter(|s| !s.is_finite()) {
            return bad("size".into(), size.to_string(), "must be finite");
        }
        if self.tick.as_secs() == 0 {
            return bad(
                "tick".into(),
                "0s".into(),
                "a tick lasts at least one second",
            );
        }
        if self.max_ticks() == 0 {
            return bad(
                "duration".into(),
                self.duration.to_string(),
                "must last at least one tick",
            );
        }
        self.traffic.validate()?;
        if self.metrics.is_empty() {
            return bad("metrics".into(), "[]".into(), "define at least one metric");
        }
        for (i, metric) in self.metrics.iter().enumerate() {
            metric.validate(i)?;
        }
        let names = self.names();
        for (i, name) in names.iter().enumerate() {
            if names[..i].contains(name) {
                return bad(
                    "metrics".into(),
                    format!("{name:?}"),
                    "metric and view names must be unique",
                );
            }
        }
        for (i, regression) in self.regressions.iter().enumerate() {
            self.validate_regression(i, regression)?;
            let same = self.regressions[..=i]
                .iter()
                .filter(|r| r.metric == regression.metric);
            if same.count() > super::generate::MAX_REGRESSIONS_PER_METRIC {
                return bad(
                    format!("regressions[{i}].metric"),
                    format!("{:?}", regression.metric),
                    "at most 8 regressions per metric",
                );
            }
        }
        if let Some(budget) = &self.budget {
            if self
                .metric(&budget.metric)
                .is_none_or(|m| m.events.is_none())
            {
                return bad(
                    "budget.metric".into(),
                    format!("{:?}", budget.metric),
                    "must name one of the scenario's event metrics",
                );
            }
            if budget.bad > budget.requests {
                return bad(
                    "budget.bad".into(),
                    budget.bad.to_string(),
                    "cannot exceed budget.requests",
                );
            }
        }
        Ok(())
    }

    fn validate_regression(&self, i: usize, regression: &Regression) -> Result<()> {
        let field = |name: &str| format!("regressions[{i}].{name}");
        let bad = |field: String, value: String, reason: &str| -> Result<()> {
            Err(Error::InvalidConfig {
                field,
                value,
                reason: reason.into(),
            })
        };
        let Some(metric) = self.metric(&regression.metric) else {
            let names: Vec<&str> = self.metrics.iter().map(|m| m.name.as_str()).collect();
            return bad(
                field("metric"),
                format!("{:?}", regression.metric),
                &format!("no such metric; defined: {}", names.join(", ")),
            );
        };
        if regression.change.is_latency() != metric.latency.is_some() {
            return bad(
                field("change"),
                format!("{:?}", regression.change),
                "scale, shift and tail change latency metrics; rate_factor changes event metrics",
            );
        }
        let ok = match regression.change {
            Change::Scale(f) => f.is_finite() && f > 0.0,
            Change::Shift(s) => s.is_finite() && s >= 0.0,
            Change::Tail { share, factor } => {
                share > 0.0 && share < 1.0 && factor.is_finite() && factor > 1.0
            }
            Change::RateFactor(f) => {
                f.is_finite() && f >= 0.0 && metric.events.is_some_and(|e| e.rate * f <= 1.0)
            }
        };
        if !ok {
            return bad(
                field("change"),
                format!("{:?}", regression.change),
                "allowed: scale > 0, shift >= 0, tail share in (0, 1) with factor > 1, \
                 rate_factor >= 0 keeping the rate at most 1",
            );
        }
        if let Some(Intermittent { on, .. }) = regression.intermittent {
            if on.as_secs() == 0 {
                return bad(field("intermittent.on"), "0s".into(), "must be > 0");
            }
        }
        Ok(())
    }
}

impl Traffic {
    fn validate(&self) -> Result<()> {
        let bad = |field: &str, value: f64, reason: &str| -> Result<()> {
            Err(Error::InvalidConfig {
                field: format!("traffic.{field}"),
                value: value.to_string(),
                reason: reason.into(),
            })
        };
        if !(self.requests.is_finite() && self.requests > 0.0 && self.requests <= 1e12) {
            return bad("requests", self.requests, "must be in (0, 1e12]");
        }
        if !(0.0..1.0).contains(&self.missing) {
            return bad("missing", self.missing, "must be in [0, 1)");
        }
        if let Some(d) = self.diurnal {
            if !(0.0..1.0).contains(&d.amplitude) {
                return bad("diurnal.amplitude", d.amplitude, "must be in [0, 1)");
            }
            if d.period.as_secs() == 0 {
                return bad("diurnal.period", 0.0, "must be > 0");
            }
        }
        if let Some(n) = self.noisy_neighbour {
            if !(0.0..=1.0).contains(&n.share) {
                return bad("noisy_neighbour.share", n.share, "must be in [0, 1]");
            }
            if !(n.factor.is_finite() && n.factor > 0.0) {
                return bad("noisy_neighbour.factor", n.factor, "must be > 0");
            }
        }
        Ok(())
    }
}

impl MetricModel {
    fn validate(&self, i: usize) -> Result<()> {
        let bad = |name: &str, value: String, reason: &str| -> Result<()> {
            Err(Error::InvalidConfig {
                field: format!("metrics[{i}].{name}"),
                value,
                reason: reason.into(),
            })
        };
        match (&self.latency, &self.events) {
            (Some(l), None) => {
                let ok = l.median.is_finite()
                    && l.median > 0.0
                    && l.sigma.is_finite()
                    && l.sigma > 0.0
                    && (0.0..1.0).contains(&l.slow_share)
                    && l.slow_factor.is_finite()
                    && l.slow_factor > 0.0
                    && (0.0..1.0).contains(&l.outlier_share)
                    && l.outlier_factor.is_finite()
                    && l.outlier_factor > 0.0;
                if !ok {
                    return bad(
                        "latency",
                        format!("{l:?}"),
                        "median and sigma > 0, slow_share and outlier_share in [0, 1), factors > 0",
                    );
                }
                if let Some((field, record)) = self.records().find(|(_, r)| !r.fits_latency()) {
                    return bad(
                        &field,
                        format!("{record:?}"),
                        "latency is recorded as histogram, samples or interval_quantile",
                    );
                }
            }
            (None, Some(e)) => {
                if !(0.0..=1.0).contains(&e.rate) {
                    return bad("events.rate", e.rate.to_string(), "must be in [0, 1]");
                }
                if let Some((field, record)) = self.records().find(|(_, r)| r.fits_latency()) {
                    return bad(
                        &field,
                        format!("{record:?}"),
                        "events are recorded as counts or interval_rate",
                    );
                }
            }
            _ => {
                return bad(
                    "latency",
                    "latency and events".into(),
                    "set exactly one of `latency` and `events`",
                )
            }
        }
        for (field, record) in self.records() {
            if let Some((part, reason)) = record.problem() {
                return bad(&format!("{field}.{part}"), format!("{record:?}"), reason);
            }
        }
        Ok(())
    }

    /// Each recording with its field path: the metric's own, then its views'.
    fn records(&self) -> impl Iterator<Item = (String, &Record)> {
        std::iter::once(("record".to_string(), &self.record)).chain(
            self.views
                .iter()
                .enumerate()
                .map(|(j, v)| (format!("views[{j}].record"), &v.record)),
        )
    }
}
