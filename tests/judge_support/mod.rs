//! Shared by the judge and gate tests: building judges from TOML, deterministic data, and
//! expected values computed with the crate's lower-level (reference-checked) functions.
#![allow(dead_code)] // each test crate uses its own subset

use canary_judge::judge::{EventTotals, Judge, MetricData, MetricResult, Observations, Verdict};
use canary_judge::stats::{mann_whitney_u, Alternative, MannWhitneyOptions};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

/// A judge from TOML, or a panic naming the problem.
pub fn judge(toml: &str) -> Judge {
    Judge::from_toml(toml).unwrap_or_else(|e| panic!("config does not load: {e}\n{toml}"))
}

/// A judge with a single metric, described by the TOML lines of its table.
pub fn one_metric(lines: &str) -> Judge {
    judge(&format!("[[metrics]]\nname = \"m\"\n{lines}\n"))
}

/// The verdict of `judge` on one metric's data, named `m`.
pub fn verdict_of(judge: &Judge, data: MetricData) -> Verdict {
    judge
        .judge(&Observations::new().with("m", data))
        .expect("observations name only configured metrics")
}

/// The result of the metric named `name`.
pub fn metric<'a>(verdict: &'a Verdict, name: &str) -> &'a MetricResult {
    verdict
        .metrics
        .iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no result for {name}"))
}

/// Samples for both groups.
pub fn samples(baseline: Vec<f64>, canary: Vec<f64>) -> MetricData {
    MetricData::Samples { baseline, canary }
}

/// Counts for both groups: `(events, total)` each.
pub fn counts(baseline: (u64, u64), canary: (u64, u64)) -> MetricData {
    MetricData::Counts {
        baseline: EventTotals {
            events: baseline.0,
            total: baseline.1,
        },
        canary: EventTotals {
            events: canary.0,
            total: canary.1,
        },
    }
}

/// A seeded source of the random data used by the tests.
pub struct Data {
    rng: SmallRng,
}

impl Data {
    pub fn new(seed: u64) -> Data {
        Data {
            rng: SmallRng::seed_from_u64(seed),
        }
    }

    /// Uniform on (0, 1].
    pub fn uniform(&mut self) -> f64 {
        1.0 - self.rng.random::<f64>()
    }

    /// A standard normal draw (Box-Muller, one of the pair).
    pub fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// `n` lognormal values with the given median and log-scale spread (latencies).
    pub fn lognormal(&mut self, n: usize, median: f64, sigma: f64) -> Vec<f64> {
        (0..n)
            .map(|_| median * (sigma * self.normal()).exp())
            .collect()
    }

    /// `n` normal values.
    pub fn normals(&mut self, n: usize, mean: f64, sd: f64) -> Vec<f64> {
        (0..n).map(|_| mean + sd * self.normal()).collect()
    }

    /// Binomial(n, p) by inversion of a Poisson approximation when `n p` is small, else by
    /// summing Bernoulli draws.
    pub fn binomial(&mut self, n: u64, p: f64) -> u64 {
        if n > 2_000 && p < 0.01 {
            // Poisson(n p) by multiplying uniforms (Knuth), capped at n.
            let limit = (-(n as f64) * p).exp();
            let (mut k, mut product) = (0u64, self.uniform());
            while product > limit {
                k += 1;
                product *= self.uniform();
            }
            k.min(n)
        } else {
            (0..n).filter(|_| self.rng.random::<f64>() < p).count() as u64
        }
    }
}

/// The p-value of a one-sided Mann-Whitney test of the canary against the baseline.
pub fn mw_pvalue(canary: &[f64], baseline: &[f64], alternative: Alternative) -> f64 {
    mann_whitney_u(
        canary,
        baseline,
        &MannWhitneyOptions::default().alternative(alternative),
    )
    .expect("valid samples")
    .pvalue
}

/// Asserts `actual` is within `tolerance` (relative) of `expected`.
pub fn assert_close(actual: f64, expected: f64, tolerance: f64, what: &str) {
    let scale = expected.abs().max(f64::MIN_POSITIVE);
    assert!(
        actual == expected || ((actual - expected) / scale).abs() <= tolerance,
        "{what}: got {actual}, expected {expected} (relative tolerance {tolerance})"
    );
}
