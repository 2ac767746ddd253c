//! Properties of the Mann-Whitney U test that must hold for any data, checked with proptest,
//! and the exact p-values checked against brute-force enumeration of all splits.

use canary_judge::stats::{
    mann_whitney_u, mann_whitney_u_grouped, mann_whitney_u_sorted, Alternative, MannWhitneyOptions,
    Method, MethodUsed,
};
use proptest::prelude::*;

const ALTERNATIVES: [Alternative; 3] = [
    Alternative::TwoSided,
    Alternative::Greater,
    Alternative::Less,
];
const METHODS: [Method; 3] = [Method::Auto, Method::Exact, Method::Asymptotic];

fn options(alternative: Alternative, method: Method) -> MannWhitneyOptions {
    MannWhitneyOptions::default()
        .alternative(alternative)
        .method(method)
}

fn mirrored(alternative: Alternative) -> Alternative {
    match alternative {
        Alternative::Greater => Alternative::Less,
        Alternative::Less => Alternative::Greater,
        Alternative::TwoSided => Alternative::TwoSided,
    }
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs())
}

/// Samples of half-integers in a small range: ties are frequent, sizes 1..=12.
fn tied_sample() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec((-8i32..8).prop_map(|v| f64::from(v) / 2.0), 1..=12)
}

/// Samples of spread-out values: ties are rare, sizes 1..=40.
fn spread_sample() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(-1e6f64..1e6, 1..=40)
}

proptest! {
    #[test]
    fn sorted_input_gives_the_same_result(
        x in prop_oneof![tied_sample(), spread_sample()],
        y in prop_oneof![tied_sample(), spread_sample()],
        flip_zero_signs in any::<bool>(),
    ) {
        // -0.0 and 0.0 are one value whichever the sort put first.
        let signed = |v: &Vec<f64>| -> Vec<f64> {
            v.iter().map(|&a| if a == 0.0 && flip_zero_signs { -a } else { a }).collect()
        };
        let (x, y) = (signed(&x), signed(&y));
        let sorted = |v: &Vec<f64>| {
            let mut v = v.clone();
            v.sort_by(f64::total_cmp);
            v
        };
        let (sx, sy) = (sorted(&x), sorted(&y));
        for alternative in ALTERNATIVES {
            for method in METHODS {
                let options = options(alternative, method);
                prop_assert_eq!(
                    mann_whitney_u_sorted(&sx, &sy, &options).unwrap(),
                    mann_whitney_u(&x, &y, &options).unwrap()
                );
            }
        }
        if sx.first() != sx.last() {
            let mut descending = sx.clone();
            descending.reverse();
            prop_assert!(mann_whitney_u_sorted(&descending, &sy, &options(Alternative::TwoSided, Method::Auto)).is_err());
        }
    }

    #[test]
    fn pvalue_is_a_probability_and_u_adds_up(
        x in prop_oneof![tied_sample(), spread_sample()],
        y in prop_oneof![tied_sample(), spread_sample()],
    ) {
        for alternative in ALTERNATIVES {
            for method in METHODS {
                let r = mann_whitney_u(&x, &y, &options(alternative, method)).unwrap();
                prop_assert!((0.0..=1.0).contains(&r.pvalue), "p = {}", r.pvalue);
                let pairs = (x.len() * y.len()) as f64;
                prop_assert_eq!(r.statistic + r.statistic_y(), pairs);
                let swapped = mann_whitney_u(&y, &x, &options(alternative, method)).unwrap();
                prop_assert_eq!(swapped.statistic, r.statistic_y());
            }
        }
    }

    #[test]
    fn swapping_samples_and_alternative_keeps_the_pvalue(
        x in prop_oneof![tied_sample(), spread_sample()],
        y in prop_oneof![tied_sample(), spread_sample()],
    ) {
        for alternative in ALTERNATIVES {
            for method in METHODS {
                let forward = mann_whitney_u(&x, &y, &options(alternative, method)).unwrap();
                let mirror = options(mirrored(alternative), method);
                let backward = mann_whitney_u(&y, &x, &mirror).unwrap();
                prop_assert_eq!(forward.method, backward.method);
                prop_assert!(
                    close(forward.pvalue, backward.pvalue, 1e-12),
                    "{:?} {:?}: {} vs {}", alternative, method, forward.pvalue, backward.pvalue
                );
            }
        }
    }

    #[test]
    fn increasing_transforms_change_nothing(x in tied_sample(), y in tied_sample()) {
        // Strictly increasing and far from rounding collisions on these half-integers.
        let transform = |v: &f64| (v / 2.0).exp() + 3.0 * v;
        let (tx, ty): (Vec<f64>, Vec<f64>) =
            (x.iter().map(transform).collect(), y.iter().map(transform).collect());
        for alternative in ALTERNATIVES {
            for method in METHODS {
                let o = options(alternative, method);
                let plain = mann_whitney_u(&x, &y, &o).unwrap();
                let transformed = mann_whitney_u(&tx, &ty, &o).unwrap();
                prop_assert_eq!(plain, transformed);
            }
        }
    }

    #[test]
    fn histograms_equal_expanded_samples(
        counts in prop::collection::vec((0u64..6, 0u64..6), 1..10)
            .prop_filter("both samples non-empty", |c| {
                c.iter().any(|&(x, _)| x > 0) && c.iter().any(|&(_, y)| y > 0)
            }),
    ) {
        let (x_counts, y_counts): (Vec<u64>, Vec<u64>) = counts.iter().copied().unzip();
        let expand = |counts: &[u64]| -> Vec<f64> {
            counts
                .iter()
                .enumerate()
                .flat_map(|(bucket, &count)| std::iter::repeat_n(bucket as f64, count as usize))
                .collect()
        };
        let (x, y) = (expand(&x_counts), expand(&y_counts));
        for alternative in ALTERNATIVES {
            for method in METHODS {
                let o = options(alternative, method);
                let grouped = mann_whitney_u_grouped(&x_counts, &y_counts, &o).unwrap();
                prop_assert_eq!(grouped, mann_whitney_u(&x, &y, &o).unwrap());
            }
        }
    }

    #[test]
    fn exact_pvalues_equal_brute_force_enumeration(
        pooled in prop::collection::vec(0i32..5, 2..=12),
        split in 1usize..12,
    ) {
        let m = split.min(pooled.len() - 1);
        let values: Vec<f64> = pooled.iter().map(|&v| f64::from(v)).collect();
        let (x, y) = values.split_at(m);
        let observed = brute_force_u(x, y);
        // U of every way to choose which m observations form x.
        let n_total = values.len();
        let mut all_u = Vec::new();
        for mask in 0u32..(1 << n_total) {
            if mask.count_ones() as usize != m {
                continue;
            }
            let (xs, ys): (Vec<f64>, Vec<f64>) = (0..n_total)
                .map(|i| (mask >> i & 1 == 1, values[i]))
                .fold((vec![], vec![]), |(mut xs, mut ys), (in_x, v)| {
                    if in_x { xs.push(v) } else { ys.push(v) }
                    (xs, ys)
                });
            all_u.push(brute_force_u(&xs, &ys));
        }
        let share = |keep: &dyn Fn(f64) -> bool| {
            all_u.iter().filter(|&&u| keep(u)).count() as f64 / all_u.len() as f64
        };
        let upper = share(&|u| u >= observed);
        let lower = share(&|u| u <= observed);
        let two_sided = (2.0 * upper.min(lower)).min(1.0);
        for (alternative, expected) in [
            (Alternative::Greater, upper),
            (Alternative::Less, lower),
            (Alternative::TwoSided, two_sided),
        ] {
            let r = mann_whitney_u(x, y, &options(alternative, Method::Exact)).unwrap();
            prop_assert_eq!(r.statistic, observed);
            prop_assert!(matches!(r.method, MethodUsed::Exact | MethodUsed::ExactConditional));
            prop_assert!(
                close(r.pvalue, expected, 1e-12),
                "{:?}: {} vs brute force {}", alternative, r.pvalue, expected
            );
        }
    }
}

/// U of `x` by comparing every pair.
fn brute_force_u(x: &[f64], y: &[f64]) -> f64 {
    let mut u = 0.0;
    for a in x {
        for b in y {
            u += if a > b {
                1.0
            } else if a == b {
                0.5
            } else {
                0.0
            };
        }
    }
    u
}

#[test]
fn auto_is_exact_for_small_untied_samples_and_asymptotic_for_large() {
    let x: Vec<f64> = (0..50).map(|i| f64::from(i) * 1.5).collect();
    let y: Vec<f64> = (0..50).map(|i| f64::from(i) * 1.5 + 0.7).collect();
    let small = mann_whitney_u(&x, &y, &MannWhitneyOptions::default()).unwrap();
    assert_eq!(small.method, MethodUsed::Exact);
    assert_eq!(small.zscore, None);
    let big_x: Vec<f64> = (0..2_000).map(f64::from).collect();
    let big_y: Vec<f64> = (0..2_000).map(|i| f64::from(i) + 0.5).collect();
    let big = mann_whitney_u(&big_x, &big_y, &MannWhitneyOptions::default()).unwrap();
    assert_eq!(big.method, MethodUsed::Asymptotic);
    assert!(big.continuity_correction && big.zscore.is_some());
}

#[test]
fn tiny_pvalues_are_not_rounded_to_zero() {
    // 1,000 against 1,000 shifted by 700: z is about 35 and p about 1e-271, which
    // `1 - cdf(z)` would round to 0.
    let x: Vec<f64> = (0..1_000).map(|i| f64::from(i) + 700.0).collect();
    let y: Vec<f64> = (0..1_000).map(f64::from).collect();
    let o = options(Alternative::Greater, Method::Asymptotic);
    let r = mann_whitney_u(&x, &y, &o).unwrap();
    assert!(r.pvalue > 0.0 && r.pvalue < 1e-200, "p = {:e}", r.pvalue);
}

#[test]
fn two_sided_conditional_pvalue_does_not_depend_on_which_sample_is_x() {
    // U sits exactly at its mean and the conditional distribution given these ties is not
    // symmetric: doubling the tail on one side of the mean would give 1 one way and 6/7 the
    // other. Doubling the smaller tail gives 6/7 both ways (brute force over the 21 splits:
    // 9 have U >= 5 and 13 have U <= 5, so the smaller tail is 9/21 = 3/7).
    let x = [-1.0, 1.0, -1.0, -1.0, 1.0];
    let y = [5.0, -5.0];
    let o = options(Alternative::TwoSided, Method::Exact);
    let forward = mann_whitney_u(&x, &y, &o).unwrap();
    let backward = mann_whitney_u(&y, &x, &o).unwrap();
    assert_eq!(forward.method, MethodUsed::ExactConditional);
    assert!(
        close(forward.pvalue, 6.0 / 7.0, 1e-12),
        "{}",
        forward.pvalue
    );
    assert!(
        close(backward.pvalue, 6.0 / 7.0, 1e-12),
        "{}",
        backward.pvalue
    );
}
