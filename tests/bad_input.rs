//! Every kind of bad input gets its typed error, and no input at all makes a function panic.

use canary_judge::stats::{
    effect_sizes, hodges_lehmann, iqr_fences, location_shift_root, mann_whitney_null_sf,
    mann_whitney_u, mann_whitney_u_grouped, mann_whitney_u_sorted, remove_iqr_outliers, FenceRule,
    HodgesLehmannOptions, IqrFenceOptions, LocationRootOptions, MannWhitneyOptions, Method,
};
use canary_judge::{Error, NanPolicy};
use proptest::prelude::*;

fn mwu(x: &[f64], y: &[f64]) -> Result<(), Error> {
    mann_whitney_u(x, y, &MannWhitneyOptions::default()).map(|_| ())
}

#[test]
fn empty_samples() {
    assert!(matches!(
        mwu(&[], &[1.0]),
        Err(Error::EmptySample { sample: "x", .. })
    ));
    assert!(matches!(
        mwu(&[1.0], &[]),
        Err(Error::EmptySample { sample: "y", .. })
    ));
    let all_nan = MannWhitneyOptions::default().nan_policy(NanPolicy::Remove);
    let err = mann_whitney_u(&[f64::NAN], &[1.0], &all_nan).unwrap_err();
    assert!(err.to_string().contains("after removing NaN"), "{err}");
}

#[test]
fn nan_is_rejected_by_default_and_removed_on_request() {
    let x = [1.0, 2.0, f64::NAN, 4.0];
    let err = mwu(&x, &[3.0]).unwrap_err();
    assert_eq!(
        err,
        Error::NanInSample {
            sample: "x",
            index: 2
        }
    );
    let remove = MannWhitneyOptions::default().nan_policy(NanPolicy::Remove);
    let removed = mann_whitney_u(&x, &[3.0], &remove).unwrap();
    let clean = mann_whitney_u(&[1.0, 2.0, 4.0], &[3.0], &remove).unwrap();
    assert_eq!(removed, clean);
    assert_eq!(removed.n_x, 3);
}

#[test]
fn infinities_rank_in_the_u_test_but_are_rejected_where_differences_are_needed() {
    let x = [1.0, f64::INFINITY];
    let y = [0.5, 2.0];
    assert!(mwu(&x, &y).is_ok());
    let hl = hodges_lehmann(&x, &y, &HodgesLehmannOptions::default());
    assert!(matches!(
        hl,
        Err(Error::InfiniteInSample {
            sample: "x",
            index: 1,
            ..
        })
    ));
    let effects = effect_sizes(&y, &x, NanPolicy::Reject);
    assert!(matches!(
        effects,
        Err(Error::InfiniteInSample {
            sample: "y",
            index: 1,
            ..
        })
    ));
}

#[test]
fn histograms_must_line_up_and_hold_observations() {
    let o = MannWhitneyOptions::default();
    let err = mann_whitney_u_grouped(&[1, 2, 3], &[1, 2], &o).unwrap_err();
    assert!(matches!(
        err,
        Error::LengthMismatch {
            left_len: 3,
            right_len: 2,
            ..
        }
    ));
    let err = mann_whitney_u_grouped(&[0, 0], &[1, 2], &o).unwrap_err();
    assert!(matches!(err, Error::EmptySample { sample: "x", .. }));
    let err = mann_whitney_u_grouped(&[u64::MAX, 1], &[1, u64::MAX], &o).unwrap_err();
    assert!(matches!(err, Error::CountOverflow { .. }));
}

#[test]
fn exact_refuses_sizes_it_cannot_finish() {
    let x: Vec<f64> = (0..200_000).map(f64::from).collect();
    let y: Vec<f64> = (0..200_000).map(|i| f64::from(i) + 0.5).collect();
    let exact = MannWhitneyOptions::default().method(Method::Exact);
    let err = mann_whitney_u(&x, &y, &exact).unwrap_err();
    assert!(matches!(err, Error::ExactUnavailable { .. }), "{err}");
    assert!(err.to_string().contains("Method::Asymptotic"), "{err}");
}

#[test]
fn sorted_input_must_be_sorted_and_hold_no_nan() {
    let o = MannWhitneyOptions::default();
    let err = mann_whitney_u_sorted(&[1.0, 3.0, 2.0], &[1.0], &o).unwrap_err();
    assert!(err.to_string().contains("3 before 2 at index 1"), "{err}");
    let err = mann_whitney_u_sorted(&[1.0], &[2.0, f64::NAN], &o).unwrap_err();
    assert!(err.to_string().contains("NaN at index 1"), "{err}");
    let err = mann_whitney_u_sorted(&[], &[1.0], &o).unwrap_err();
    assert!(
        matches!(err, Error::EmptySample { sample: "x", .. }),
        "{err}"
    );
}

#[test]
fn the_null_tail_needs_samples_and_reachable_sizes() {
    assert!(matches!(
        mann_whitney_null_sf(0, 5, 1),
        Err(Error::EmptySample { sample: "x", .. })
    ));
    assert!(matches!(
        mann_whitney_null_sf(1_000, 1_000, 1),
        Err(Error::ExactUnavailable { .. })
    ));
    assert_eq!(mann_whitney_null_sf(3, 4, 13).unwrap(), 0.0);
    assert_eq!(mann_whitney_null_sf(3, 4, 0).unwrap(), 1.0);
}

#[test]
fn confidence_must_lie_strictly_between_zero_and_one() {
    let (x, y) = ([1.0, 2.0, 3.0], [1.5, 2.5]);
    for confidence in [0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
        let options = HodgesLehmannOptions::default().confidence(confidence);
        let err = hodges_lehmann(&x, &y, &options).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidParameter {
                    name: "confidence",
                    ..
                }
            ),
            "{confidence}: {err}"
        );
    }
}

/// Any float at all: NaN, infinities, subnormals, extremes.
fn any_sample() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        prop_oneof![
            prop::num::f64::ANY,
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::MAX),
            Just(-0.0),
            -10.0f64..10.0,
        ],
        0..30,
    )
}

proptest! {
    #[test]
    fn no_input_panics(
        x in any_sample(),
        y in any_sample(),
        confidence in prop_oneof![prop::num::f64::ANY, 0.0f64..1.0],
        remove in any::<bool>(),
        counts in prop::collection::vec((any::<u64>(), 0u64..4), 0..6),
    ) {
        let nan_policy = if remove { NanPolicy::Remove } else { NanPolicy::Reject };
        for method in [Method::Auto, Method::Exact, Method::Asymptotic] {
            let o = MannWhitneyOptions::default().method(method).nan_policy(nan_policy);
            if let Ok(r) = mann_whitney_u(&x, &y, &o) {
                prop_assert!((0.0..=1.0).contains(&r.pvalue));
            }
            let _ = mann_whitney_u_sorted(&x, &y, &o);
            let h = HodgesLehmannOptions::default()
                .confidence(confidence)
                .method(method)
                .nan_policy(nan_policy);
            if let Ok(r) = hodges_lehmann(&x, &y, &h) {
                prop_assert!(r.low <= r.high);
            }
            let (xc, yc): (Vec<u64>, Vec<u64>) = counts.iter().copied().unzip();
            let _ = mann_whitney_u_grouped(&xc, &yc, &o);
        }
        let _ = effect_sizes(&x, &y, nan_policy);
        let root = LocationRootOptions::default().confidence(confidence).nan_policy(nan_policy);
        if let Ok(r) = location_shift_root(&x, &y, &root) {
            prop_assert!(r.low <= r.estimate && r.estimate <= r.high);
        }
        for rule in [FenceRule::Widened, FenceRule::Tukey] {
            let fences = IqrFenceOptions::default()
                .factor(confidence)
                .rule(rule)
                .nan_policy(nan_policy);
            if let Ok(f) = iqr_fences(&x, &fences) {
                prop_assert!(f.lower <= f.q1 && f.q1 <= f.q3 && f.q3 <= f.upper, "{:?}", f);
            }
            let _ = remove_iqr_outliers(&x, &fences);
        }
    }
}
