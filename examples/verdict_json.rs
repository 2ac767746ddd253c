//! Prints a verdict and a rollout gate's report as JSON: the examples of
//! `docs/verdict-json.md`, produced by this program (a test checks that the page shows its
//! current output).
//!
//! Run: `cargo run --example verdict_json`
//!
//! The judge is `examples/configs/judge.toml` on simulated data where the canary is 8 % slower
//! (beyond the 2 % tolerated); the gate is `examples/configs/gate.toml` on a healthy canary,
//! reported at its first promotion.

use canary_judge::judge::{EventTotals, Judge, MetricData, Observations, Verdict};
use canary_judge::policy::{Action, Gate, GateReport};
use canary_judge::slo::Counts;
use canary_judge::Result;
use rand::{rngs::SmallRng, RngExt, SeedableRng};

/// The judge of the user guide.
pub const JUDGE: &str = include_str!("configs/judge.toml");
/// The gate of the user guide.
pub const GATE: &str = include_str!("configs/gate.toml");

/// Latency bucket bounds in milliseconds (Prometheus `le`), the last one +Inf.
const BOUNDS: [f64; 6] = [50.0, 100.0, 250.0, 500.0, 1000.0, f64::INFINITY];

/// A standard normal draw (Box-Muller).
fn standard_normal(rng: &mut SmallRng) -> f64 {
    let (u1, u2): (f64, f64) = (1.0 - rng.random::<f64>(), rng.random());
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// `n` lognormal values with the given median and log-scale spread.
fn lognormal(rng: &mut SmallRng, n: usize, median: f64, sigma: f64) -> Vec<f64> {
    (0..n)
        .map(|_| median * (sigma * standard_normal(rng)).exp())
        .collect()
}

/// `n` normal values.
fn normal(rng: &mut SmallRng, n: usize, mean: f64, sd: f64) -> Vec<f64> {
    (0..n).map(|_| mean + sd * standard_normal(rng)).collect()
}

/// Counts per bucket of [`BOUNDS`].
fn buckets(values: &[f64]) -> Vec<u64> {
    let mut counts = vec![0; BOUNDS.len()];
    for &v in values {
        counts[BOUNDS.partition_point(|&upper| upper < v)] += 1;
    }
    counts
}

/// Events in `total` trials at rate `p`.
fn events(rng: &mut SmallRng, total: u64, p: f64) -> u64 {
    (0..total).filter(|_| rng.random::<f64>() < p).count() as u64
}

fn totals(events: u64, total: u64) -> EventTotals {
    EventTotals { events, total }
}

/// The judge's verdict on one analysis window.
pub fn verdict_example() -> Result<Verdict> {
    let judge = Judge::from_toml(JUDGE)?;
    let mut rng = SmallRng::seed_from_u64(7);
    let baseline = lognormal(&mut rng, 2_000, 120.0, 0.35);
    let canary = lognormal(&mut rng, 1_000, 120.0 * 1.08, 0.35);
    let observations = Observations::new()
        .with(
            "latency_p99",
            MetricData::Histogram {
                bounds: BOUNDS.to_vec(),
                baseline: buckets(&baseline),
                canary: buckets(&canary),
            },
        )
        .with("latency", MetricData::Samples { baseline, canary })
        .with(
            "errors",
            MetricData::Counts {
                baseline: totals(48, 40_000),
                canary: totals(11, 10_000),
            },
        )
        .with(
            "cpu",
            MetricData::Samples {
                baseline: normal(&mut rng, 30, 42.0, 3.0),
                canary: normal(&mut rng, 30, 44.0, 3.0),
            },
        )
        .with(
            "cache_hit_rate",
            MetricData::Counts {
                baseline: totals(36_000, 40_000),
                canary: totals(8_500, 10_000),
            },
        )
        .with_budget(Counts::new(420, 1_000_000)?);
    judge.judge(&observations)
}

/// The gate's report at the first promotion of a healthy canary, one tick a minute.
pub fn gate_report_example() -> Result<GateReport> {
    let gate = Gate::from_toml(GATE)?;
    let mut rng = SmallRng::seed_from_u64(11);
    let mut state = gate.start();
    for minute in 0..60u64 {
        let weight = gate.config().stages[state.stage].weight;
        let canary_requests = (2_000.0 * weight / 100.0) as u64;
        let canary_latencies = (canary_requests / 20).max(1) as usize;
        let observations = Observations::new()
            .with(
                "errors",
                MetricData::Counts {
                    baseline: totals(events(&mut rng, 2_000, 0.001), 2_000),
                    canary: totals(events(&mut rng, canary_requests, 0.001), canary_requests),
                },
            )
            .with(
                "latency",
                MetricData::Samples {
                    baseline: lognormal(&mut rng, 100, 120.0, 0.35),
                    canary: lognormal(&mut rng, canary_latencies, 120.0, 0.35),
                },
            )
            .with(
                "latency_p99",
                MetricData::Samples {
                    baseline: lognormal(&mut rng, 100, 120.0, 0.35),
                    canary: lognormal(&mut rng, canary_latencies, 120.0, 0.35),
                },
            );
        let report = gate.step(&mut state, 1_700_000_000 + 60 * minute, &observations)?;
        if report.action != Action::Continue {
            return Ok(report);
        }
    }
    Err(canary_judge::Error::InvalidConfig {
        field: "stages".into(),
        value: "60 ticks".into(),
        reason: "the example canary was not promoted within an hour".into(),
    })
}

fn main() -> Result<()> {
    println!("{}", verdict_example()?.to_json_pretty());
    println!();
    let report = gate_report_example()?;
    println!(
        "{}",
        serde_json::to_string_pretty(&report).expect("a report serializes")
    );
    Ok(())
}
