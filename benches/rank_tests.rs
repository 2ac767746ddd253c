//! Speed of the Mann-Whitney U test against the sort floor.
//!
//! The floor is one `sort_unstable_by(f64::total_cmp)` over the pooled sample, measured side by
//! side with the asymptotic test on the same data: a rank test should cost about one sort.
//! Run: `cargo bench --bench rank_tests`.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use rand::{rngs::SmallRng, RngExt, SeedableRng};

use canary_judge::stats::{mann_whitney_u, MannWhitneyOptions, Method};

/// Two samples of `n` values: `x` uniform on [0, 1), `y` shifted by 0.01.
fn samples(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut rng = SmallRng::seed_from_u64(7);
    let x = (0..n).map(|_| rng.random::<f64>()).collect();
    let y = (0..n).map(|_| rng.random::<f64>() + 0.01).collect();
    (x, y)
}

fn asymptotic_against_sort(c: &mut Criterion) {
    let mut group = c.benchmark_group("mann_whitney_asymptotic_vs_sort");
    for n in [100, 10_000, 1_000_000] {
        if n >= 1_000_000 {
            group.sample_size(10);
        }
        let (x, y) = samples(n);
        let pooled: Vec<f64> = x.iter().chain(&y).copied().collect();
        group.bench_with_input(BenchmarkId::new("sort_total_cmp_2n", n), &pooled, |b, p| {
            b.iter_batched_ref(
                || p.clone(),
                |v| v.sort_unstable_by(f64::total_cmp),
                BatchSize::LargeInput,
            )
        });
        let options = MannWhitneyOptions::default().method(Method::Asymptotic);
        group.bench_with_input(
            BenchmarkId::new("mann_whitney_u", n),
            &(x, y),
            |b, (x, y)| b.iter(|| mann_whitney_u(x, y, &options)),
        );
    }
    group.finish();
}

criterion_group!(benches, asymptotic_against_sort);
criterion_main!(benches);
