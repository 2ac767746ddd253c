//! One tick of a simulated service: requests split between baseline and canary, and each
//! metric's data as the monitoring system would record it.
//!
//! Latency is a mixture of lognormals (plus a shift), so the bucket probabilities of a
//! histogram are exact and a tick of a high-traffic service costs O(buckets), not O(requests):
//! bucket counts are one multinomial draw.

use rand::rngs::SmallRng;
use rand::RngExt;
use rand_distr::{Binomial, Distribution, Poisson, StandardNormal};

use super::scenario::{
    Change, Counting, LatencyModel, MetricModel, Record, Regression, ScenarioConfig,
};
use crate::judge::{EventTotals, MetricData, Observations};
use crate::slo::Counts;
use crate::stats::normal_sf;

/// The scenario, reduced to what one policy's metrics need.
#[derive(Debug, Clone)]
pub(crate) struct Service {
    requests: f64,
    diurnal: Option<(f64, f64)>,
    missing: f64,
    noisy_share: Option<f64>,
    tick_secs: u64,
    metrics: Vec<Metric>,
    regressions: Vec<Regression>,
    budget: Option<(usize, Counts)>,
}

/// One metric as the policy reads it.
#[derive(Debug, Clone)]
struct Metric {
    model: MetricModel,
    regressions: Vec<Regression>,
    /// For latency: the distribution in each state, indexed by
    /// `active regressions (bit mask) << 1 | noisy neighbour`; the baseline's states are the
    /// ones without active regressions. Tabulated once rather than built at every tick.
    mixtures: Vec<Mixture>,
    /// For bucketed latency: the bucket probabilities of each state's distribution. Computed
    /// once: a tick then costs no special functions.
    buckets: Vec<Vec<f64>>,
    /// The bucket bounds with the open last bucket, for bucketed latency.
    open_bounds: Vec<f64>,
}

/// Regressions per metric for which states are tabulated (2^n tables).
pub(crate) const MAX_REGRESSIONS_PER_METRIC: usize = 8;

/// What a tick served.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Served {
    /// Requests the canary served.
    pub canary: u64,
    /// Whether a regression was active.
    pub regressed: bool,
}

/// A rollout's own random phase and running budget.
#[derive(Debug, Clone)]
pub(crate) struct ServiceRun {
    phase: f64,
    budget: Option<Counts>,
}

impl Service {
    /// The scenario with only the metrics in `used` (in that order).
    pub(crate) fn new(scenario: &ScenarioConfig, used: &[&str], budget: bool) -> Service {
        let mut sources = Vec::new();
        let metrics = used
            .iter()
            .filter_map(|&name| scenario.recording(name).map(|found| (name, found)))
            .map(|(name, (model, record))| {
                let regressions = scenario
                    .regressions
                    .iter()
                    .filter(|r| r.metric == model.name)
                    .cloned()
                    .collect();
                sources.push(model.name.as_str());
                let view = MetricModel {
                    name: name.to_string(),
                    record: record.clone(),
                    views: Vec::new(),
                    ..model.clone()
                };
                Metric::new(view, regressions, noisy_factor(scenario))
            })
            .collect::<Vec<_>>();
        // The budget follows the first view of its metric that the policy reads.
        let budget = scenario.budget.as_ref().filter(|_| budget).and_then(|b| {
            let index = sources.iter().position(|&source| source == b.metric);
            Some((index?, Counts::new(b.bad, b.requests).ok()?))
        });
        Service {
            requests: scenario.traffic.requests,
            diurnal: scenario
                .traffic
                .diurnal
                .map(|d| (d.amplitude, d.period.as_secs() as f64)),
            missing: scenario.traffic.missing,
            noisy_share: scenario.traffic.noisy_neighbour.map(|n| n.share),
            tick_secs: scenario.tick.as_secs(),
            metrics,
            regressions: scenario.regressions.clone(),
            budget,
        }
    }

    /// A new rollout's random phase of the daily cycle, and the budget at its start.
    pub(crate) fn start(&self, rng: &mut SmallRng) -> ServiceRun {
        ServiceRun {
            phase: rng.random::<f64>(),
            budget: self.budget.map(|(_, counts)| counts),
        }
    }

    /// The data of tick `tick` (from 0) with `weight` (0-1) of the traffic on the canary.
    pub(crate) fn tick(
        &self,
        run: &mut ServiceRun,
        rng: &mut SmallRng,
        tick: u64,
        weight: f64,
    ) -> (Observations, Served) {
        let elapsed = tick * self.tick_secs;
        let mut mean = self.requests;
        if let Some((amplitude, period)) = self.diurnal {
            let turn = elapsed as f64 / period + run.phase;
            mean *= 1.0 + amplitude * (std::f64::consts::TAU * turn).sin();
        }
        let requests = poisson(rng, mean);
        let canary = binomial(rng, requests, weight);
        let baseline = requests - canary;
        let noisy = self
            .noisy_share
            .is_some_and(|share| rng.random::<f64>() < share);
        let missing = rng.random::<f64>() < self.missing;
        let served = Served {
            canary,
            regressed: self.regressions.iter().any(|r| r.active_at(elapsed)),
        };
        let mut observations = Observations::new();
        for (index, metric) in self.metrics.iter().enumerate() {
            let mask = metric
                .regressions
                .iter()
                .enumerate()
                .filter(|(_, r)| r.active_at(elapsed))
                .fold(0usize, |mask, (bit, _)| mask | 1 << bit);
            let model = &metric.model;
            let data = match (&model.latency, &model.events) {
                (Some(_), _) => metric.latency_data(rng, [(baseline, 0), (canary, mask)], noisy),
                (_, Some(events)) => {
                    let [b, c] = [(baseline, 0), (canary, mask)].map(|(n, mask)| {
                        let rate = events.rate * metric.rate_factor(mask);
                        let events = match events.counting {
                            Counting::Binomial => binomial(rng, n, rate.min(1.0)),
                            Counting::Poisson => poisson(rng, rate * n as f64).min(n),
                        };
                        EventTotals { events, total: n }
                    });
                    if let (Some((budget_index, _)), Some(counts)) = (self.budget, &mut run.budget)
                    {
                        if budget_index == index {
                            *counts = add_counts(*counts, b.events + c.events, b.total + c.total);
                        }
                    }
                    event_data(&model.record, b, c)
                }
                (None, None) => continue,
            };
            if !missing {
                observations.metrics.insert(model.name.clone(), data);
            }
        }
        observations.budget = run.budget;
        (observations, served)
    }
}

/// The latency factor of a noisy-neighbour episode (1 when the scenario has none).
fn noisy_factor(scenario: &ScenarioConfig) -> f64 {
    scenario.traffic.noisy_neighbour.map_or(1.0, |n| n.factor)
}

fn add_counts(counts: Counts, bad: u64, total: u64) -> Counts {
    Counts::new(
        counts.bad().saturating_add(bad),
        counts.total().saturating_add(total),
    )
    .unwrap_or(counts)
}

/// Events recorded as counts or as one rate per group.
fn event_data(record: &Record, baseline: EventTotals, canary: EventTotals) -> MetricData {
    match record {
        Record::IntervalRate => {
            let rate = |t: EventTotals| -> Vec<f64> {
                if t.total == 0 {
                    Vec::new()
                } else {
                    vec![t.events as f64 / t.total as f64]
                }
            };
            MetricData::Samples {
                baseline: rate(baseline),
                canary: rate(canary),
            }
        }
        _ => MetricData::Counts { baseline, canary },
    }
}

impl Metric {
    fn new(model: MetricModel, regressions: Vec<Regression>, noisy: f64) -> Metric {
        let mut metric = Metric {
            model,
            regressions,
            mixtures: Vec::new(),
            buckets: Vec::new(),
            open_bounds: Vec::new(),
        };
        if let Some(latency) = &metric.model.latency {
            metric.mixtures = (0..2usize << metric.regressions.len())
                .map(|state| {
                    let factor = if state & 1 == 1 { noisy } else { 1.0 };
                    Mixture::new(latency, &metric.changes(state >> 1), factor)
                })
                .collect();
        }
        let bounds = match &metric.model.record {
            Record::Histogram { bounds } | Record::IntervalQuantile { bounds, .. } => bounds,
            _ => return metric,
        };
        metric.open_bounds = bounds.iter().copied().chain([f64::INFINITY]).collect();
        metric.buckets = metric
            .mixtures
            .iter()
            .map(|mixture| mixture.bucket_probabilities(bounds))
            .collect();
        metric
    }

    /// The changes of the regressions in `mask`.
    fn active(&self, mask: usize) -> impl Iterator<Item = Change> + '_ {
        self.regressions
            .iter()
            .enumerate()
            .filter(move |(bit, _)| mask >> bit & 1 == 1)
            .map(|(_, r)| r.change)
    }

    fn changes(&self, mask: usize) -> Vec<Change> {
        self.active(mask).collect()
    }

    /// The product of the event-rate factors of the regressions in `mask`.
    fn rate_factor(&self, mask: usize) -> f64 {
        self.active(mask)
            .map(|change| match change {
                Change::RateFactor(f) => f,
                _ => 1.0,
            })
            .product()
    }

    /// Latency recorded as a histogram, raw samples or one quantile per group; each group is
    /// (requests, active regressions).
    fn latency_data(
        &self,
        rng: &mut SmallRng,
        groups: [(u64, usize); 2],
        noisy: bool,
    ) -> MetricData {
        let state = |mask: usize| mask << 1 | usize::from(noisy);
        match &self.model.record {
            Record::Histogram { .. } => {
                let [b, c] =
                    groups.map(|(n, mask)| bucket_counts(rng, &self.buckets[state(mask)], n));
                MetricData::Histogram {
                    bounds: self.open_bounds.clone(),
                    baseline: b,
                    canary: c,
                }
            }
            Record::Samples { limit } => {
                let [b, c] = groups.map(|(n, mask)| {
                    self.mixtures.get(state(mask)).map_or_else(Vec::new, |mix| {
                        (0..n.min(u64::from(*limit)))
                            .map(|_| mix.sample(rng))
                            .collect()
                    })
                });
                MetricData::Samples {
                    baseline: b,
                    canary: c,
                }
            }
            Record::IntervalQuantile { q, .. } => {
                let [b, c] = groups.map(|(n, mask)| {
                    if n == 0 {
                        return Vec::new();
                    }
                    let counts = bucket_counts(rng, &self.buckets[state(mask)], n);
                    // The bounds were checked when the scenario loaded: the quantile exists.
                    crate::judge::histogram_quantile(&self.open_bounds, &counts, *q)
                        .into_iter()
                        .collect()
                });
                MetricData::Samples {
                    baseline: b,
                    canary: c,
                }
            }
            Record::Counts | Record::IntervalRate => MetricData::Samples {
                baseline: Vec::new(),
                canary: Vec::new(),
            },
        }
    }
}

/// Latency as `shift + lognormal mixture`: (weight, median) components sharing one sigma.
#[derive(Debug, Clone)]
struct Mixture {
    components: Vec<(f64, f64)>,
    sigma: f64,
    shift: f64,
}

impl Mixture {
    fn new(model: &LatencyModel, changes: &[Change], noisy: f64) -> Mixture {
        let main = 1.0 - model.slow_share - model.outlier_share;
        let mut components = vec![(main, model.median * noisy)];
        for (share, factor) in [
            (model.slow_share, model.slow_factor),
            (model.outlier_share, model.outlier_factor),
        ] {
            if share > 0.0 {
                components.push((share, model.median * noisy * factor));
            }
        }
        let mut shift = 0.0;
        for change in changes {
            match *change {
                Change::Scale(f) => components.iter_mut().for_each(|c| c.1 *= f),
                Change::Shift(s) => shift += s,
                Change::Tail { share, factor } => {
                    let slowed: Vec<(f64, f64)> = components
                        .iter()
                        .map(|&(w, m)| (w * share, m * factor))
                        .collect();
                    components.iter_mut().for_each(|c| c.0 *= 1.0 - share);
                    components.extend(slowed);
                }
                Change::RateFactor(_) => {}
            }
        }
        Mixture {
            components,
            sigma: model.sigma,
            shift,
        }
    }

    fn sample(&self, rng: &mut SmallRng) -> f64 {
        let mut u = rng.random::<f64>();
        let mut median = self.components[0].1;
        for &(weight, m) in &self.components {
            median = m;
            if u < weight {
                break;
            }
            u -= weight;
        }
        let z: f64 = StandardNormal.sample(rng);
        self.shift + median * (self.sigma * z).exp()
    }

    /// P(latency <= bound).
    fn cdf(&self, bound: f64) -> f64 {
        let x = bound - self.shift;
        if x <= 0.0 {
            return 0.0;
        }
        self.components
            .iter()
            .map(|&(weight, median)| weight * normal_sf(-(x / median).ln() / self.sigma))
            .sum()
    }

    /// The probability of each bucket `(.., bounds[0]], .., (bounds[last], inf)`.
    fn bucket_probabilities(&self, bounds: &[f64]) -> Vec<f64> {
        let mut below = 0.0;
        let mut probabilities: Vec<f64> = bounds
            .iter()
            .map(|&bound| {
                let cdf = self.cdf(bound).max(below);
                let p = cdf - below;
                below = cdf;
                p
            })
            .collect();
        probabilities.push((1.0 - below).max(0.0));
        probabilities
    }
}

/// Counts of `n` requests over buckets of these probabilities: a multinomial draw as
/// successive binomials.
fn bucket_counts(rng: &mut SmallRng, probabilities: &[f64], n: u64) -> Vec<u64> {
    let mut counts = Vec::with_capacity(probabilities.len());
    let (mut left, mut mass_left) = (n, 1.0);
    for &p in &probabilities[..probabilities.len() - 1] {
        let count = if mass_left > 0.0 && left > 0 {
            binomial(rng, left, (p / mass_left).min(1.0))
        } else {
            0
        };
        counts.push(count);
        left -= count;
        mass_left -= p;
    }
    counts.push(left);
    counts
}

/// A binomial draw; degenerate probabilities and counts need no sampler.
fn binomial(rng: &mut SmallRng, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    Binomial::new(n, p).map_or(0, |b| b.sample(rng))
}

/// A Poisson draw, as a count.
fn poisson(rng: &mut SmallRng, mean: f64) -> u64 {
    if mean <= 0.0 {
        return 0;
    }
    Poisson::new(mean).map_or(0, |p| p.sample(rng) as u64)
}
