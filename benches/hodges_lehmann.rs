//! Speed of the Hodges-Lehmann shift and interval, and of R's asymptotic location shift and
//! interval, against the floor: sorting both samples.
//!
//! The Hodges-Lehmann interval is asymptotic here, so that the figures time the selection of
//! the estimate and of both interval ends (three selections), not the exact null
//! distribution. R's interval adds two merges at the ends of the range of differences and a
//! fourth selection for the estimate of an even number of differences.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use std::hint::black_box;

use canary_judge::stats::{
    effect_sizes, hodges_lehmann, location_shift_root, HodgesLehmannOptions, LocationRootOptions,
    Method,
};
use canary_judge::NanPolicy;

/// Exponential latencies (mean `scale` ms), without ties in practice.
fn latencies(len: usize, scale: f64, seed: u64) -> Vec<f64> {
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..len)
        .map(|_| -scale * (1.0 - rng.random::<f64>()).ln())
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("hodges_lehmann");
    group.sample_size(10);
    let options = HodgesLehmannOptions::default().method(Method::Asymptotic);
    for n in [1_000, 100_000] {
        let baseline = latencies(n, 100.0, 1);
        let canary = latencies(n, 105.0, 2);
        group.bench_with_input(BenchmarkId::new("sort_floor", n), &n, |b, _| {
            b.iter(|| {
                let (mut x, mut y) = (canary.clone(), baseline.clone());
                x.sort_unstable_by(f64::total_cmp);
                y.sort_unstable_by(f64::total_cmp);
                black_box((x, y))
            })
        });
        group.bench_with_input(BenchmarkId::new("estimate_and_interval", n), &n, |b, _| {
            b.iter(|| hodges_lehmann(black_box(&canary), black_box(&baseline), &options))
        });
        let root_options = LocationRootOptions::default().confidence(0.98);
        group.bench_with_input(BenchmarkId::new("location_shift_root", n), &n, |b, _| {
            b.iter(|| location_shift_root(black_box(&canary), black_box(&baseline), &root_options))
        });
        group.bench_with_input(BenchmarkId::new("effect_sizes", n), &n, |b, _| {
            b.iter(|| effect_sizes(black_box(&canary), black_box(&baseline), NanPolicy::Reject))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
