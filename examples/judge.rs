//! Judges a built-in baseline/canary pair of latency samples and prints the evidence.
//!
//! Run: `cargo run --release --example judge`
//!
//! The data are simulated request latencies (lognormal, as latencies usually are): 5,000
//! baseline requests and 1,000 canary requests, where the canary is 10% slower. The same canary
//! is then judged from latency histograms, the form Prometheus stores.

use canary_judge::stats::{
    effect_sizes, hodges_lehmann, mann_whitney_u, mann_whitney_u_grouped, Alternative,
    HodgesLehmannOptions, MannWhitneyOptions,
};
use canary_judge::{NanPolicy, Result};
use rand::{rngs::SmallRng, RngExt, SeedableRng};

/// Latency bucket upper bounds in milliseconds, like a Prometheus histogram's `le` labels.
const BUCKETS_MS: [f64; 8] = [50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 500.0, f64::INFINITY];

/// `count` lognormal latencies in milliseconds with the given median and log-scale spread.
fn latencies(rng: &mut SmallRng, count: usize, median_ms: f64, sigma: f64) -> Vec<f64> {
    (0..count)
        .map(|_| {
            // Box-Muller: a standard normal from two uniforms.
            let (u1, u2): (f64, f64) = (1.0 - rng.random::<f64>(), rng.random());
            let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            median_ms * (sigma * z).exp()
        })
        .collect()
}

/// Counts per bucket of [`BUCKETS_MS`].
fn histogram(latencies: &[f64]) -> Vec<u64> {
    let mut counts = vec![0; BUCKETS_MS.len()];
    for &latency in latencies {
        let bucket = BUCKETS_MS.partition_point(|&upper| upper < latency);
        counts[bucket] += 1;
    }
    counts
}

fn main() -> Result<()> {
    let mut rng = SmallRng::seed_from_u64(2026);
    let baseline = latencies(&mut rng, 5_000, 100.0, 0.45);
    let canary = latencies(&mut rng, 1_000, 110.0, 0.45);

    // Is the canary slower? x = canary, y = baseline, alternative "greater".
    let test = MannWhitneyOptions::default().alternative(Alternative::Greater);
    let raw = mann_whitney_u(&canary, &baseline, &test)?;
    let shift = hodges_lehmann(&canary, &baseline, &HodgesLehmannOptions::default())?;
    let effects = effect_sizes(&canary, &baseline, NanPolicy::Reject)?;
    let grouped = mann_whitney_u_grouped(&histogram(&canary), &histogram(&baseline), &test)?;

    println!("canary-judge: is the canary's latency higher than the baseline's?");
    println!("  requests: canary {}, baseline {}", raw.n_x, raw.n_y);
    println!(
        "  Mann-Whitney U = {:.1}, z = {:.2}, p = {:.3e} ({:?})",
        raw.statistic,
        raw.zscore.unwrap_or(f64::NAN),
        raw.pvalue,
        raw.method
    );
    println!(
        "  shift (Hodges-Lehmann) = {:+.2} ms, {:.0}% CI {:+.2} .. {:+.2} ms",
        shift.estimate,
        100.0 * shift.confidence,
        shift.low,
        shift.high
    );
    if let Some(relative) = effects.relative_shift {
        println!(
            "  shift relative to the baseline median = {:+.1}%",
            100.0 * relative
        );
    }
    println!(
        "  P(canary slower than baseline) = {:.3}, rank-biserial = {:+.3}",
        effects.probability_of_superiority, effects.rank_biserial
    );
    println!(
        "  from {}-bucket histograms: U = {:.1}, p = {:.3e} ({} tied values)",
        BUCKETS_MS.len(),
        grouped.statistic,
        grouped.pvalue,
        grouped.ties.tied_values
    );
    let worse = raw.pvalue < 0.01 && shift.low > 0.0;
    let conclusion = if worse {
        "regression: the canary is slower (p < 0.01 and the whole interval is above zero)"
    } else {
        "no regression shown at the 1% level"
    };
    println!("  verdict: {conclusion}");
    Ok(())
}
