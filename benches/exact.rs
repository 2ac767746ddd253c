//! Speed of exact Mann-Whitney p-values: the untied distribution and the conditional one.
//!
//! The target is an exact two-sided p-value at 50 x 50 in at most 50 us in the worst
//! case, which is a statistic near the centre (the distribution is built up to mn / 2).
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use std::hint::black_box;

use canary_judge::stats::{mann_whitney_u, MannWhitneyOptions, Method, MethodUsed};

/// Samples of sizes `m` and `n` without ties whose U of `x` is `u`.
fn untied_with_u(m: u64, n: u64, u: u64) -> (Vec<f64>, Vec<f64>) {
    let y = (0..n).map(|j| j as f64).collect();
    let mut left = u;
    let x = (0..m)
        .map(|i| {
            let beats = left.min(n);
            left -= beats;
            beats as f64 - 1.0 + (i + 1) as f64 / (m + 1) as f64
        })
        .collect();
    (x, y)
}

/// Samples of sizes `m` and `n` on a grid of `levels` values (so with ties), `x` shifted up
/// by about one level: a realistic latency histogram pattern.
fn tied(m: u64, n: u64, levels: u64) -> (Vec<f64>, Vec<f64>) {
    let grid = |count: u64, offset: u64| -> Vec<f64> {
        (0..count)
            .map(|i| ((i * 7 + offset) % levels + offset) as f64)
            .collect()
    };
    (grid(m, 1), grid(n, 0))
}

fn exact_pvalue(c: &mut Criterion) {
    let options = MannWhitneyOptions::default().method(Method::Exact);
    let mut group = c.benchmark_group("exact_two_sided");
    let untied_cases = [
        ("50x50_centre", 50, 50, 1250 - 10),
        ("50x50_tail", 50, 50, 600),
        ("200x200_centre", 200, 200, 20000 - 100),
        ("10x2000_centre", 10, 2000, 10000 - 50),
    ];
    for (name, m, n, u) in untied_cases {
        let (x, y) = untied_with_u(m, n, u);
        let result = mann_whitney_u(&x, &y, &options).expect("exact untied");
        assert_eq!(result.method, MethodUsed::Exact);
        group.bench_function(BenchmarkId::new("untied", name), |b| {
            b.iter(|| mann_whitney_u(black_box(&x), black_box(&y), &options))
        });
    }
    for (name, m, n, levels) in [
        ("12x12_8_levels", 12, 12, 8),
        ("50x50_20_levels", 50, 50, 20),
    ] {
        let (x, y) = tied(m, n, levels);
        let result = mann_whitney_u(&x, &y, &options).expect("exact conditional");
        assert_eq!(result.method, MethodUsed::ExactConditional);
        let auto = mann_whitney_u(&x, &y, &MannWhitneyOptions::default()).expect("auto");
        println!(
            "{name}: p = {:.6e}, Auto uses {:?}",
            result.pvalue, auto.method
        );
        group.bench_function(BenchmarkId::new("ties", name), |b| {
            b.iter(|| mann_whitney_u(black_box(&x), black_box(&y), &options))
        });
    }
    group.finish();
}

criterion_group!(benches, exact_pvalue);
criterion_main!(benches);
