//! Properties of the Hodges-Lehmann shift, its intervals and the effect sizes, checked
//! against brute force (all differences materialized and sorted) on small random samples,
//! and reference values from R.

use canary_judge::stats::{
    effect_sizes, hodges_lehmann, HodgesLehmann, HodgesLehmannOptions, Method, MethodUsed,
};
use canary_judge::NanPolicy;
use proptest::prelude::*;
use statrs::distribution::{ContinuousCDF, Normal};

/// All differences `x_i - y_j`, sorted.
fn sorted_differences(x: &[f64], y: &[f64]) -> Vec<f64> {
    let mut all: Vec<f64> = x
        .iter()
        .flat_map(|&a| y.iter().map(move |&b| a - b))
        .collect();
    all.sort_by(f64::total_cmp);
    all
}

/// The median of sorted values, as R's `median`.
fn median(sorted: &[f64]) -> f64 {
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

fn asymptotic(confidence: f64) -> HodgesLehmannOptions {
    HodgesLehmannOptions::default()
        .method(Method::Asymptotic)
        .confidence(confidence)
}

fn shift(x: &[f64], y: &[f64], options: &HodgesLehmannOptions) -> HodgesLehmann {
    hodges_lehmann(x, y, options).expect("valid samples")
}

/// Small integers: heavy ties, and every sum exact.
fn tied_sample() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec((-5i32..=5).prop_map(f64::from), 1..14)
}

/// Values at a resolution of 1/1024: few ties, and shifts by integers exact.
fn spread_sample() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        (-100_000i32..100_000).prop_map(|v| f64::from(v) / 1024.0),
        1..14,
    )
}

fn sample() -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![tied_sample(), spread_sample()]
}

proptest! {
    #[test]
    fn estimate_and_asymptotic_interval_match_brute_force(
        x in sample(),
        y in sample(),
        confidence in 0.5f64..0.999,
    ) {
        let all = sorted_differences(&x, &y);
        let result = shift(&x, &y, &asymptotic(confidence));
        prop_assert_eq!(result.estimate, median(&all));
        // Hollander & Wolfe: q = floor(mn/2 - z sd + 1/2), at least 1.
        let (m, n) = (x.len() as f64, y.len() as f64);
        let sd = (m * n * (m + n + 1.0) / 12.0).sqrt();
        let z = Normal::standard().inverse_cdf(1.0 - (1.0 - confidence) / 2.0);
        let q = ((m * n / 2.0 - z * sd + 0.5).floor().max(1.0)) as usize;
        prop_assert_eq!(result.low, all[q - 1]);
        prop_assert_eq!(result.high, all[all.len() - q]);
        prop_assert!(result.low <= result.estimate && result.estimate <= result.high);
        prop_assert!((0.0..=1.0).contains(&result.achieved_confidence));
        prop_assert_eq!(result.method, MethodUsed::Asymptotic);
        prop_assert_eq!((result.n_x, result.n_y), (x.len() as u64, y.len() as u64));
    }

    #[test]
    fn shifting_x_shifts_the_estimate_and_interval(
        x in sample(),
        y in sample(),
        c in -1000i32..1000,
    ) {
        let c = f64::from(c);
        let moved: Vec<f64> = x.iter().map(|v| v + c).collect();
        let options = asymptotic(0.95);
        let (before, after) = (shift(&x, &y, &options), shift(&moved, &y, &options));
        prop_assert_eq!(after.estimate, before.estimate + c);
        prop_assert_eq!(after.low, before.low + c);
        prop_assert_eq!(after.high, before.high + c);
    }

    #[test]
    fn swapping_the_samples_negates_the_shift(x in sample(), y in sample()) {
        let options = asymptotic(0.9);
        let (forward, backward) = (shift(&x, &y, &options), shift(&y, &x, &options));
        prop_assert_eq!(forward.estimate, -backward.estimate);
        prop_assert_eq!(forward.low, -backward.high);
        prop_assert_eq!(forward.high, -backward.low);
    }

    #[test]
    fn effect_sizes_match_brute_force(x in sample(), y in sample()) {
        let effect = effect_sizes(&x, &y, NanPolicy::Reject).expect("valid samples");
        let all = sorted_differences(&x, &y);
        let wins = all.iter().map(|&d| f64::from(u8::from(d > 0.0)) + if d == 0.0 { 0.5 } else { 0.0 }).sum::<f64>();
        let pairs = all.len() as f64;
        prop_assert_eq!(effect.probability_of_superiority, wins / pairs);
        prop_assert_eq!(effect.rank_biserial, 2.0 * wins / pairs - 1.0);
        prop_assert_eq!(effect.shift, median(&all));
        let median_y = {
            let mut sorted = y.clone();
            sorted.sort_by(f64::total_cmp);
            median(&sorted)
        };
        let expected = (median_y != 0.0).then(|| median(&all) / median_y.abs());
        prop_assert_eq!(effect.relative_shift, expected);
    }
}

/// Hollander & Wolfe's example (R's `?wilcox.test`): permeability constants of the placental
/// membrane at term (x) and at 12 to 26 weeks (y).
const TERM: [f64; 10] = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const EARLY: [f64; 5] = [1.15, 0.88, 0.90, 0.74, 1.21];

#[test]
fn exact_interval_matches_r() {
    // R 4: wilcox.test(x, y, conf.int = TRUE, conf.level = c) with x = TERM, y = EARLY;
    // achieved level 1 - 2 * pwilcox(qwilcox((1 - c) / 2, 10, 5) - 1, 10, 5).
    let cases = [
        (
            0.95,
            -0.15000000000000002,
            0.7599999999999999,
            1.0 - 0.03996003996003995,
        ),
        (0.90, -0.07999999999999996, 0.72, 0.9007659007659008),
    ];
    for (confidence, low, high, achieved) in cases {
        let options = HodgesLehmannOptions::default().confidence(confidence);
        let result = shift(&TERM, &EARLY, &options);
        assert_eq!(result.method, MethodUsed::Exact);
        assert_eq!(result.estimate, 0.30500000000000005);
        assert_eq!((result.low, result.high), (low, high));
        assert!((result.achieved_confidence - achieved).abs() < 1e-12);
        assert_eq!(result.confidence, confidence);
    }
}

/// `P(U <= u)` for every `u`, by the recursion on the largest observation:
/// `N(m, n, u) = N(m - 1, n, u - n) + N(m, n - 1, u)`.
fn untied_cdf(m: usize, n: usize) -> Vec<f64> {
    let max_u = m * n;
    // counts[i][j][u]: arrangements of i x-values and j y-values with U = u.
    let mut counts = vec![vec![vec![0.0f64; max_u + 1]; n + 1]; m + 1];
    for i in 0..=m {
        for j in 0..=n {
            for u in 0..=i * j {
                counts[i][j][u] = if i == 0 || j == 0 {
                    f64::from(u == 0)
                } else {
                    let x_last = if u >= j { counts[i - 1][j][u - j] } else { 0.0 };
                    x_last + counts[i][j - 1][u]
                };
            }
        }
    }
    let total: f64 = counts[m][n].iter().sum();
    counts[m][n]
        .iter()
        .scan(0.0, |acc, &c| {
            *acc += c;
            Some(*acc / total)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn exact_interval_inverts_the_exact_null_distribution(
        x in prop::collection::vec(-100_000i32..100_000, 1..9),
        y in prop::collection::vec(-100_000i32..100_000, 1..9),
        confidence in 0.5f64..0.99,
    ) {
        // Odd x and even y values cannot tie across samples; drop ties within one.
        let dedup = |v: Vec<i32>, parity: i32| {
            let mut v: Vec<f64> = v.into_iter().map(|a| f64::from(2 * a + parity)).collect();
            v.sort_by(f64::total_cmp);
            v.dedup();
            v
        };
        let (x, y) = (dedup(x, 1), dedup(y, 0));
        let options = HodgesLehmannOptions::default().confidence(confidence).method(Method::Exact);
        let result = shift(&x, &y, &options);
        let cdf = untied_cdf(x.len(), y.len());
        let alpha = 1.0 - confidence;
        // R compares with a tolerance of 10 machine epsilons.
        let q = cdf.iter().position(|&p| p >= alpha / 2.0 - 10.0 * f64::EPSILON).unwrap_or(0).max(1);
        let all = sorted_differences(&x, &y);
        prop_assert_eq!(result.low, all[q - 1]);
        prop_assert_eq!(result.high, all[all.len() - q]);
        let achieved = 1.0 - 2.0 * cdf[q - 1];
        prop_assert!((result.achieved_confidence - achieved).abs() < 1e-9);
    }
}
