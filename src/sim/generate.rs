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
    noisy: Option<(f64, f64)>,
    tick_secs: u64,
    metrics: Vec<(MetricModel, Vec<Regression>)>,
    regressions: Vec<Regression>,
    budget: Option<(usize, Counts)>,
}

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
        let metrics = used
            .iter()
            .filter_map(|name| scenario.metric(name))
            .map(|m| {
                let regressions = scenario
                    .regressions
                    .iter()
                    .filter(|r| r.metric == m.name)
                    .cloned()
                    .collect();
                (m.clone(), regressions)
            })
            .collect::<Vec<_>>();
        let budget = scenario.budget.as_ref().filter(|_| budget).and_then(|b| {
            let index = metrics.iter().position(|(m, _)| m.name == b.metric);
            Some((index?, Counts::new(b.bad, b.requests).ok()?))
        });
        Service {
            requests: scenario.traffic.requests,
            diurnal: scenario
                .traffic
                .diurnal
                .map(|d| (d.amplitude, d.period.as_secs() as f64)),
            missing: scenario.traffic.missing,
            noisy: scenario
                .traffic
                .noisy_neighbour
                .map(|n| (n.share, n.factor)),
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
            .noisy
            .filter(|&(share, _)| rng.random::<f64>() < share)
            .map_or(1.0, |(_, factor)| factor);
        let missing = rng.random::<f64>() < self.missing;
        let served = Served {
            canary,
            regressed: self.regressions.iter().any(|r| r.active_at(elapsed)),
        };
        let mut observations = Observations::new();
        for (index, (metric, regressions)) in self.metrics.iter().enumerate() {
            let active: Vec<Change> = regressions
                .iter()
                .filter(|r| r.active_at(elapsed))
                .map(|r| r.change)
                .collect();
            let groups = [(baseline, &[][..]), (canary, &active[..])];
            let data = match (&metric.latency, &metric.events) {
                (Some(latency), _) => latency_data(rng, latency, &metric.record, groups, noisy),
                (_, Some(events)) => {
                    let [b, c] = groups.map(|(n, changes)| {
                        let rate = changes.iter().fold(events.rate, |rate, change| match change {
                            Change::RateFactor(f) => rate * f,
                            _ => rate,
                        });
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
                    event_data(&metric.record, b, c)
                }
                (None, None) => continue,
            };
            if !missing {
                observations.metrics.insert(metric.name.clone(), data);
            }
        }
        observations.budget = run.budget;
        (observations, served)
    }
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

/// Latency recorded as a histogram, raw samples or one quantile per group.
fn latency_data(
    rng: &mut SmallRng,
    model: &LatencyModel,
    record: &Record,
    groups: [(u64, &[Change]); 2],
    noisy: f64,
) -> MetricData {
    let [baseline, canary] = groups.map(|(n, changes)| (n, Mixture::new(model, changes, noisy)));
    match record {
        Record::Histogram { bounds } => {
            let [b, c] = [baseline, canary].map(|(n, mix)| mix.bucket_counts(rng, bounds, n));
            MetricData::Histogram {
                bounds: with_open_bucket(bounds),
                baseline: b,
                canary: c,
            }
        }
        Record::Samples { limit } => {
            let [b, c] = [baseline, canary].map(|(n, mix)| {
                (0..n.min(u64::from(*limit)))
                    .map(|_| mix.sample(rng))
                    .collect::<Vec<f64>>()
            });
            MetricData::Samples {
                baseline: b,
                canary: c,
            }
        }
        Record::IntervalQuantile { q, bounds } => {
            let all_bounds = with_open_bucket(bounds);
            let [b, c] = [baseline, canary].map(|(n, mix)| {
                if n == 0 {
                    return Vec::new();
                }
                let counts = mix.bucket_counts(rng, bounds, n);
                // The bounds were checked when the scenario loaded: the quantile exists.
                crate::judge::histogram_quantile(&all_bounds, &counts, *q)
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

/// The bounds with the open last bucket.
fn with_open_bucket(bounds: &[f64]) -> Vec<f64> {
    let mut all = bounds.to_vec();
    all.push(f64::INFINITY);
    all
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

    /// Counts of `n` requests in the buckets `(.., bounds[0]], .., (bounds[last], inf)`: a
    /// multinomial draw as successive binomials.
    fn bucket_counts(&self, rng: &mut SmallRng, bounds: &[f64], n: u64) -> Vec<u64> {
        let mut counts = Vec::with_capacity(bounds.len() + 1);
        let (mut left, mut mass_left, mut below) = (n, 1.0, 0.0);
        for &bound in bounds {
            let cdf = self.cdf(bound).max(below);
            let p = cdf - below;
            let count = if mass_left > 0.0 {
                binomial(rng, left, (p / mass_left).min(1.0))
            } else {
                0
            };
            counts.push(count);
            left -= count;
            mass_left -= p;
            below = cdf;
        }
        counts.push(left);
        counts
    }
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
