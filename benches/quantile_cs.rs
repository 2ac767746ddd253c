//! Cost of one observation (insert and look) of the anytime-valid quantile test at n values
//! per arm. Timed updates run in chunks of a tenth of the prefilled count, each from a clone
//! of the prefilled test, so n stays within 10% of its nominal value and each chunk spans
//! about ten catch-all evaluations: the figure is the amortized cost. One untimed update
//! after each clone absorbs the clone's first vector reallocation.
use canary_judge::stats::{Arm, Latency, QuantileTest, QuantileTestOptions, SequentialTest};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

/// Deterministic exponential latencies (a linear congruential generator).
struct Latencies(u64);

impl Iterator for Latencies {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        Some(-(1.0 - (self.0 >> 11) as f64 / (1u64 << 53) as f64).ln())
    }
}

fn update(c: &mut Criterion) {
    let mut group = c.benchmark_group("quantile_cs_update");
    for per_arm in [1_000usize, 100_000] {
        let mut data = Latencies(42);
        let mut test = QuantileTest::new(QuantileTestOptions::default()).unwrap();
        let baseline: Vec<f64> = data.by_ref().take(per_arm).collect();
        let canary: Vec<f64> = data.by_ref().take(per_arm).collect();
        test.update_batch(&baseline, &canary).unwrap();
        let chunk = per_arm / 5;
        let stream: Vec<Latency> = data
            .take(chunk + 1)
            .enumerate()
            .map(|(i, value)| Latency {
                arm: if i % 2 == 0 {
                    Arm::Baseline
                } else {
                    Arm::Canary
                },
                value,
            })
            .collect();
        group.bench_function(BenchmarkId::from_parameter(per_arm), |b| {
            b.iter_custom(|iters| {
                let mut elapsed = Duration::ZERO;
                let mut left = iters as usize;
                while left > 0 {
                    let mut fresh = test.clone();
                    fresh.update(stream[0]).unwrap();
                    let steps = left.min(chunk);
                    let start = Instant::now();
                    for &observation in &stream[1..=steps] {
                        std::hint::black_box(fresh.update(observation).unwrap());
                    }
                    elapsed += start.elapsed();
                    left -= steps;
                }
                elapsed
            })
        });
    }
    group.finish();
}

criterion_group!(benches, update);
criterion_main!(benches);
