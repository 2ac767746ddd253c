//! Judges a built-in baseline/canary pair on five metrics and prints the verdict: a readable
//! report, then the JSON a deployment tool would parse.
//!
//! Run: `cargo run --release --example judge`
//!
//! The data are simulated: request latencies (lognormal, as latencies usually are) of 5,000
//! baseline and 1,000 canary requests, where the canary is 10 % slower; the same latencies as
//! Prometheus-style histograms; error counts; per-minute CPU. The configuration is
//! `examples/configs/checkout.toml`.

#[path = "support/mod.rs"]
mod support;

use canary_judge::judge::{EventTotals, Judge, MetricData, Observations};
use canary_judge::Result;
use rand::{rngs::SmallRng, SeedableRng};
use support::{errors, histogram, latencies, BUCKETS_MS};

fn main() -> Result<()> {
    let judge = Judge::from_toml(include_str!("configs/checkout.toml"))?;
    let mut rng = SmallRng::seed_from_u64(2026);
    let baseline = latencies(&mut rng, 5_000, 100.0, 0.45);
    let canary = latencies(&mut rng, 1_000, 110.0, 0.45);
    let observations = Observations::new()
        .with(
            "latency",
            MetricData::Samples {
                baseline: baseline.clone(),
                canary: canary.clone(),
            },
        )
        .with(
            "latency histogram",
            MetricData::Histogram {
                bounds: BUCKETS_MS.to_vec(),
                baseline: histogram(&baseline),
                canary: histogram(&canary),
            },
        )
        .with(
            "p99 ceiling",
            MetricData::Samples {
                baseline: baseline.clone(),
                canary: canary.clone(),
            },
        )
        .with(
            "errors",
            MetricData::Counts {
                baseline: EventTotals {
                    events: errors(&mut rng, 5_000, 0.002),
                    total: 5_000,
                },
                canary: EventTotals {
                    events: errors(&mut rng, 1_000, 0.002),
                    total: 1_000,
                },
            },
        )
        .with(
            "cpu per minute",
            MetricData::Samples {
                baseline: latencies(&mut rng, 30, 40.0, 0.1),
                canary: latencies(&mut rng, 30, 41.0, 0.1),
            },
        );
    let verdict = judge.judge(&observations)?;

    println!("canary-judge: is the canary worse than the baseline?\n");
    for metric in &verdict.metrics {
        let muted = if metric.muted { " (muted)" } else { "" };
        println!(
            "  {:<13} {}{muted}",
            format!("{:?}", metric.outcome).to_lowercase(),
            metric.reason
        );
    }
    println!();
    for group in &verdict.groups {
        let score = group
            .score
            .map_or("no data".to_string(), |s| format!("{s:.1}"));
        println!(
            "  group {:<8} weight {:>5.1}  score {score}",
            group.name, group.weight
        );
    }
    println!("\n  decision: {:?}", verdict.decision);
    for reason in &verdict.reasons {
        println!("    - {reason}");
    }
    println!("\nverdict JSON:\n{}", verdict.to_json_pretty());
    Ok(())
}
