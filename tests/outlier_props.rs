//! Properties of the IQR outlier fences: what removal keeps, how the rules and factors nest,
//! and invariance under a change of scale.

use canary_judge::stats::{iqr_fences, remove_iqr_outliers, FenceRule, IqrFenceOptions};
use canary_judge::NanPolicy;
use proptest::prelude::*;

/// Values at a resolution of 1/64, or small integers (heavy ties).
fn sample() -> impl Strategy<Value = Vec<f64>> {
    let value = prop_oneof![
        (-64_000i32..64_000).prop_map(|v| f64::from(v) / 64.0),
        (0i32..5).prop_map(f64::from),
    ];
    prop::collection::vec(value, 1..120)
}

fn options(factor: f64, rule: FenceRule) -> IqrFenceOptions {
    IqrFenceOptions::default().factor(factor).rule(rule)
}

proptest! {
    #[test]
    fn removal_keeps_exactly_the_values_inside_the_fences(
        values in sample(),
        factor in 0.0f64..5.0,
        widened in any::<bool>(),
    ) {
        let rule = if widened { FenceRule::Widened } else { FenceRule::Tukey };
        let removal = remove_iqr_outliers(&values, &options(factor, rule)).unwrap();
        let f = removal.fences;
        prop_assert!(removal.kept.iter().all(|&v| f.lower <= v && v <= f.upper));
        prop_assert_eq!(removal.kept.len() as u64 + removal.outliers, values.len() as u64);
        // The middle half is never removed.
        prop_assert!(f.lower <= f.q1 && f.q3 <= f.upper);
    }

    #[test]
    fn widening_and_larger_factors_only_keep_more(
        values in sample(),
        factor in 0.0f64..5.0,
        more in 0.0f64..5.0,
    ) {
        let outliers = |factor, rule| remove_iqr_outliers(&values, &options(factor, rule))
            .unwrap()
            .outliers;
        let tukey = outliers(factor, FenceRule::Tukey);
        prop_assert!(outliers(factor, FenceRule::Widened) <= tukey);
        prop_assert!(outliers(factor + more, FenceRule::Tukey) <= tukey);
    }

    /// Doubling is exact in floating point, so the fences double exactly too.
    #[test]
    fn fences_follow_a_change_of_scale(
        values in sample(),
        factor in prop_oneof![Just(0.0), Just(1.5), Just(3.0)],
        widened in any::<bool>(),
    ) {
        let rule = if widened { FenceRule::Widened } else { FenceRule::Tukey };
        let o = options(factor, rule);
        let f = iqr_fences(&values, &o).unwrap();
        let doubled: Vec<f64> = values.iter().map(|v| 2.0 * v).collect();
        let g = iqr_fences(&doubled, &o).unwrap();
        prop_assert_eq!((g.lower, g.upper), (2.0 * f.lower, 2.0 * f.upper));
        let outliers = |data: &[f64]| remove_iqr_outliers(data, &o).unwrap().outliers;
        prop_assert_eq!(outliers(&doubled), outliers(&values));
    }

    #[test]
    fn removing_nan_equals_dropping_it_first(
        values in sample(),
        at in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
    ) {
        let mut with_nan = values.clone();
        for index in &at {
            with_nan.insert(index.index(with_nan.len() + 1), f64::NAN);
        }
        let o = IqrFenceOptions::default().nan_policy(NanPolicy::Remove);
        let removal = remove_iqr_outliers(&with_nan, &o).unwrap();
        prop_assert_eq!(removal, remove_iqr_outliers(&values, &o).unwrap());
    }
}
