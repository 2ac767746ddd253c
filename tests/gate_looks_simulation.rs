//! Repeated looks by simulation (fixed seeds). Under the null (canary and baseline from the
//! same distribution) a gate that re-runs a fixed-sample test at every tick rolls back far
//! more often than alpha; a Bonferroni budget over the looks and the anytime-valid tests stay
//! within alpha (plus three Monte-Carlo standard errors).

mod judge_support;

use canary_judge::judge::Observations;
use canary_judge::policy::{Action, Gate};
use canary_judge::stats::{mann_whitney_u, Alternative, MannWhitneyOptions, MethodUsed};
use judge_support::*;

const ALPHA: f64 = 0.05;
const TICKS: u64 = 20;
/// Paths per configuration; a growing window re-runs the test (and the Hodges-Lehmann
/// interval) on ever more data, so those runs take half as many.
const PATHS: u64 = 1_000;
/// Values per group and tick with a sliding window of one tick (a growing window takes
/// `PER_TICK / 2`, so that twenty looks stay fast).
const PER_TICK: usize = 20;

/// What one path's metric observes.
#[derive(Clone, Copy)]
enum Kind {
    Samples,
    Counts,
}

/// A gate with one stage that cannot finish within the ticks, the default rollback rule
/// (the first failing verdict) and one metric.
fn gate(metric: &str) -> Gate {
    Gate::from_toml(&format!(
        "stages = [{{ weight = 100, min_soak = \"1d\" }}]\n[judge]\n[[judge.metrics]]\n\
         name = \"m\"\nbad = \"increase\"\n{metric}\n"
    ))
    .unwrap()
}

/// Paths of a fixed-sample test on a growing window.
fn paths(metric: &str) -> u64 {
    if metric.contains("looks") && !metric.contains("sliding") {
        PATHS / 2
    } else {
        PATHS
    }
}

/// The share of null paths that roll back within `TICKS` ticks.
fn false_rollbacks(metric: &str, kind: Kind, seed: u64) -> (f64, u64) {
    let gate = gate(metric);
    let per_tick = if metric.contains("looks") && !metric.contains("sliding") {
        PER_TICK / 2
    } else {
        PER_TICK
    };
    let paths = paths(metric);
    let mut rollbacks = 0;
    for path in 0..paths {
        let mut data = Data::new(seed * 1_000_003 + path);
        let mut state = gate.start();
        for tick in 0..TICKS {
            let tick_data = match kind {
                Kind::Samples => samples(
                    data.lognormal(per_tick, 100.0, 0.5),
                    data.lognormal(per_tick, 100.0, 0.5),
                ),
                Kind::Counts => counts(
                    (data.binomial(1_000, 0.01), 1_000),
                    (data.binomial(1_000, 0.01), 1_000),
                ),
            };
            let report = gate
                .step(
                    &mut state,
                    tick * 60,
                    &Observations::new().with("m", tick_data),
                )
                .unwrap();
            if report.action == Action::Rollback {
                rollbacks += 1;
                break;
            }
        }
    }
    (rollbacks as f64 / paths as f64, paths)
}

/// Three Monte-Carlo standard errors of a rate `p` over `paths` paths.
fn three_sigma(p: f64, paths: u64) -> f64 {
    3.0 * (p * (1.0 - p) / paths as f64).sqrt()
}

fn assert_within_alpha((rate, paths): (f64, u64), label: &str) {
    let bound = ALPHA + three_sigma(ALPHA, paths);
    println!(
        "{label}: false rollbacks {rate:.4} of {paths} paths (alpha {ALPHA}, bound {bound:.4})"
    );
    assert!(rate <= bound, "{label}: {rate} exceeds {bound}");
}

/// The null distribution of Mann-Whitney's U for samples of `m` and `n` without ties, as
/// counts of the C(m + n, m) equally likely orderings: the largest value is either one of
/// the `m` (beating all `n` others) or one of the `n`.
fn u_null_counts(m: usize, n: usize) -> Vec<u64> {
    let mut table: Vec<Vec<Vec<u64>>> = vec![vec![Vec::new(); n + 1]; m + 1];
    for i in 0..=m {
        for j in 0..=n {
            table[i][j] = if i == 0 || j == 0 {
                vec![1]
            } else {
                let mut counts = vec![0u64; i * j + 1];
                for (u, c) in table[i - 1][j].iter().enumerate() {
                    counts[u + j] += c;
                }
                for (u, c) in table[i][j - 1].iter().enumerate() {
                    counts[u] += c;
                }
                counts
            };
        }
    }
    table[m][n].clone()
}

/// The size of the one-sided exact test `P(U >= u) < alpha` for samples of `n` and `n`.
fn exact_size(n: usize, alpha: f64) -> f64 {
    let counts = u_null_counts(n, n);
    let total: u64 = counts.iter().sum();
    let mut tail = 0u64;
    let mut size = 0.0;
    for c in counts.iter().rev() {
        tail += c;
        let p = tail as f64 / total as f64;
        if p >= alpha {
            break;
        }
        size = p;
    }
    size
}

#[test]
fn the_null_distribution_of_u_is_right() {
    // C(40, 20) orderings; symmetric about m n / 2; P(U >= 400) = 1 / C(40, 20).
    let counts = u_null_counts(20, 20);
    assert_eq!(counts.iter().sum::<u64>(), 137_846_528_820);
    assert_eq!(counts.len(), 401);
    assert!(counts.iter().zip(counts.iter().rev()).all(|(a, b)| a == b));
    // Small case by hand: m = n = 2 has 6 orderings with U = 0, 1, 2, 2, 3, 4.
    assert_eq!(u_null_counts(2, 2), [1, 1, 2, 1, 1]);
    let size = exact_size(20, ALPHA);
    assert!(size < ALPHA && size > 0.045, "{size}");
    // The p-values the judge uses are this exact distribution's.
    let x: Vec<f64> = (0..20).map(|i| 2.0 * i as f64 + 1.0).collect();
    let y: Vec<f64> = (0..20).map(|i| 2.0 * i as f64).collect();
    let result = mann_whitney_u(
        &x,
        &y,
        &MannWhitneyOptions::default().alternative(Alternative::Greater),
    )
    .unwrap();
    assert_eq!(result.method, MethodUsed::Exact);
    // x_i beats y_0 .. y_i: U = 1 + 2 + ... + 20 = 210.
    assert_eq!(result.statistic, 210.0);
    let total: u64 = counts.iter().sum();
    let tail: u64 = counts[210..].iter().sum();
    assert_close(result.pvalue, tail as f64 / total as f64, 1e-12, "exact p");
}

#[test]
fn independent_unadjusted_looks_roll_back_at_one_minus_one_minus_alpha_to_the_k() {
    // A sliding window of one tick: every look sees fresh, independent data, so the chance
    // of at least one false rollback in k looks is 1 - (1 - size)^k, about 64 % at 5 %.
    let size = exact_size(PER_TICK, ALPHA);
    let expected = 1.0 - (1.0 - size).powi(TICKS as i32);
    let (rate, paths) = false_rollbacks(
        "data = \"samples\"\nlooks = \"unadjusted\"\nwindow = { sliding = 1 }",
        Kind::Samples,
        1,
    );
    println!("unadjusted, sliding 1: {rate:.4}, expected {expected:.4}");
    assert!(expected > 0.6);
    let tolerance = three_sigma(expected, paths);
    assert!(
        (rate - expected).abs() <= tolerance,
        "{rate} vs {expected} +- {tolerance}"
    );
}

#[test]
fn unadjusted_looks_at_a_growing_sample_roll_back_far_more_often_than_alpha() {
    let (rate, paths) = false_rollbacks(
        "data = \"samples\"\nlooks = \"unadjusted\"",
        Kind::Samples,
        2,
    );
    println!("unadjusted, growing: false rollbacks {rate:.4} of {paths} paths (alpha {ALPHA})");
    // Looks at a growing sample are correlated, so less than 64 %, but several times alpha.
    assert!(rate > 2.5 * ALPHA, "{rate}");
}

#[test]
fn a_bonferroni_budget_over_the_looks_stays_within_alpha() {
    let rate = false_rollbacks(
        "data = \"samples\"\nlooks = { bonferroni = 20 }",
        Kind::Samples,
        3,
    );
    assert_within_alpha(rate, "bonferroni 20, growing");
    let rate = false_rollbacks(
        "data = \"samples\"\nlooks = { bonferroni = 20 }\nwindow = { sliding = 1 }",
        Kind::Samples,
        4,
    );
    assert_within_alpha(rate, "bonferroni 20, sliding 1");
}

#[test]
fn anytime_valid_tests_stay_within_alpha_at_every_look() {
    let rate = false_rollbacks("data = \"counts\"", Kind::Counts, 5);
    assert_within_alpha(rate, "event_rate");
    let rate = false_rollbacks(
        "data = \"samples\"\ntest = { quantile = 0.9 }",
        Kind::Samples,
        6,
    );
    assert_within_alpha(rate, "quantile 0.9");
}
