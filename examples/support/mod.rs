//! Simulated service data shared by the examples.

use rand::{rngs::SmallRng, RngExt};

/// Latency bucket upper bounds in milliseconds, like a Prometheus histogram's `le` labels.
pub const BUCKETS_MS: [f64; 8] = [50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 500.0, f64::INFINITY];

/// `count` lognormal latencies in milliseconds with the given median and log-scale spread.
pub fn latencies(rng: &mut SmallRng, count: usize, median_ms: f64, sigma: f64) -> Vec<f64> {
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
pub fn histogram(latencies: &[f64]) -> Vec<u64> {
    let mut counts = vec![0; BUCKETS_MS.len()];
    for &latency in latencies {
        let bucket = BUCKETS_MS.partition_point(|&upper| upper < latency);
        counts[bucket] += 1;
    }
    counts
}

/// Errors among `requests`, each failing with probability `rate`.
pub fn errors(rng: &mut SmallRng, requests: u64, rate: f64) -> u64 {
    (0..requests).filter(|_| rng.random::<f64>() < rate).count() as u64
}
