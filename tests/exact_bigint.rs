//! The exact Mann-Whitney p-value against big-integer reference values.
//!
//! tests/data/exact_bigint.json comes from scripts/exact_bigint_reference.py, which computes
//! `P(U <= u)` as a ratio of exact integers. Here the same probabilities come from the public
//! API: `Alternative::Less` with `Method::Exact` on data built to have the given U. Every
//! reference case lies within the sizes `Method::Exact` accepts; just beyond them it refuses.

use canary_judge::stats::{mann_whitney_u, Alternative, MannWhitneyOptions, Method, MethodUsed};
use canary_judge::Error;

/// Samples of sizes `m` and `n` without ties whose U of `x` is `u` (at most `m * n`).
///
/// `y` is `0, 1, ..., n - 1`; each `x` sits just above as many `y` as it should beat, offset
/// by a distinct fraction so that no two values are equal.
fn samples_with_u(m: u64, n: u64, u: u64) -> (Vec<f64>, Vec<f64>) {
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

#[test]
fn exact_cdf_matches_big_integer_arithmetic() {
    let text = include_str!("data/exact_bigint.json");
    let data: serde_json::Value = serde_json::from_str(text).expect("valid reference JSON");
    let cases = data["cases"].as_array().expect("a list of cases");
    assert!(cases.len() >= 10);
    let options = MannWhitneyOptions::default()
        .method(Method::Exact)
        .alternative(Alternative::Less);
    let mut worst: f64 = 0.0;
    for case in cases {
        let field = |name: &str| case[name].as_u64().expect("integer field");
        let (m, n, u) = (field("m"), field("n"), field("u"));
        let want: f64 = case["cdf"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("cdf");
        let (x, y) = samples_with_u(m, n, u);
        let result = mann_whitney_u(&x, &y, &options).expect("exact test runs");
        assert_eq!(result.statistic, u as f64);
        assert_eq!(result.method, MethodUsed::Exact);
        let rel = ((result.pvalue - want) / want).abs();
        worst = worst.max(rel);
        assert!(
            rel <= 1e-13,
            "m={m} n={n} u={u}: {} vs {want:e} (rel {rel:e})",
            result.pvalue
        );
    }
    println!("largest relative error: {worst:e}");
}

#[test]
fn exact_refuses_sizes_beyond_the_verified_ones() {
    let options = MannWhitneyOptions::default().method(Method::Exact);
    // The smaller sample just above the largest verified size (500), at the centre and in
    // the tail, with equal and unequal sizes.
    for (m, n, u) in [(501, 501, 125_500), (501, 501, 10), (2000, 501, 501_000)] {
        let (x, y) = samples_with_u(m, n, u);
        let result = mann_whitney_u(&x, &y, &options);
        assert!(
            matches!(result, Err(Error::ExactUnavailable { .. })),
            "m={m} n={n}: {result:?}"
        );
    }
}
