//! The quantile test's state survives JSON round trips, and bad input is a typed error.

use canary_judge::stats::{
    Alternative, Arm, CatchAll, Latency, QuantileTest, QuantileTestOptions, SequentialDecision,
    SequentialTest,
};
use canary_judge::Error;

/// A deterministic stream of latencies (a linear congruential generator), the canary 30%
/// slower, with a few infinite values (timeouts recorded as +inf, a clock glitch as -inf).
fn batch(seed: &mut u64, n: usize, scale: f64) -> Vec<f64> {
    (0..n)
        .map(|i| {
            *seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let u = (*seed >> 11) as f64 / (1u64 << 53) as f64;
            match i % 97 {
                13 => f64::INFINITY,
                71 => f64::NEG_INFINITY,
                _ => scale * (-(1.0 - u).ln()),
            }
        })
        .collect()
}

fn round_trip(test: &QuantileTest) -> QuantileTest {
    let json = serde_json::to_string(test).unwrap();
    serde_json::from_str(&json).unwrap()
}

#[test]
fn json_round_trip_at_every_batch_gives_identical_decisions() {
    for alternative in [Alternative::Greater, Alternative::TwoSided] {
        let options = QuantileTestOptions::default().alternative(alternative);
        let mut uninterrupted = QuantileTest::new(options.clone()).unwrap();
        let mut resumed = QuantileTest::new(options).unwrap();
        let mut seed = 7;
        let mut rejected_at = None;
        for look in 0..300 {
            let baseline = batch(&mut seed, 10, 1.0);
            let canary = batch(&mut seed, 10, 1.3);
            let expected = uninterrupted.update_batch(&baseline, &canary).unwrap();
            resumed = round_trip(&resumed);
            let actual = resumed.update_batch(&baseline, &canary).unwrap();
            assert_eq!(actual, expected, "look {look}");
            assert_eq!(resumed.pvalue().to_bits(), uninterrupted.pvalue().to_bits());
            assert_eq!(resumed.bands(), uninterrupted.bands());
            if expected == SequentialDecision::Reject && rejected_at.is_none() {
                rejected_at = Some(look);
            }
        }
        // The stream must exercise a rejection, not only `Continue`.
        assert!(rejected_at.is_some(), "{alternative:?}");
        assert_eq!(resumed.observations(), 6000);
    }
}

#[test]
fn json_round_trip_after_every_observation() {
    let mut uninterrupted = QuantileTest::new(QuantileTestOptions::default()).unwrap();
    let mut resumed = uninterrupted.clone();
    let mut seed = 11;
    for _ in 0..300 {
        for (arm, scale) in [(Arm::Baseline, 1.0), (Arm::Canary, 2.0)] {
            let value = batch(&mut seed, 1, scale)[0];
            let expected = uninterrupted.update(Latency { arm, value }).unwrap();
            resumed = round_trip(&resumed);
            assert_eq!(resumed.update(Latency { arm, value }).unwrap(), expected);
            assert_eq!(resumed.pvalue().to_bits(), uninterrupted.pvalue().to_bits());
        }
    }
    assert_eq!(resumed.decision(), SequentialDecision::Reject);
}

#[test]
fn persisted_form_is_plain_json_with_infinities_as_counts() {
    let mut test = QuantileTest::new(QuantileTestOptions::default()).unwrap();
    test.update_batch(&[3.0, f64::INFINITY, 1.0], &[f64::NEG_INFINITY, 2.0])
        .unwrap();
    let json: serde_json::Value = serde_json::to_value(&test).unwrap();
    assert_eq!(json["baseline"]["finite"], serde_json::json!([1.0, 3.0]));
    assert_eq!(json["baseline"]["positive_infinities"], 1);
    assert_eq!(json["canary"]["negative_infinities"], 1);
    assert_eq!(json["options"]["alternative"], "greater");
}

#[test]
fn tampered_state_is_rejected() {
    let test = QuantileTest::new(QuantileTestOptions::default()).unwrap();
    let json = serde_json::to_value(&test).unwrap();
    let tamper = |path: &str, value: serde_json::Value| {
        let mut tampered = json.clone();
        *tampered.pointer_mut(path).unwrap() = value;
        serde_json::from_value::<QuantileTest>(tampered).is_err()
    };
    assert!(tamper("/pvalue", serde_json::json!(1.5)));
    assert!(tamper("/options/alpha", serde_json::json!(0.0)));
    assert!(tamper("/options/quantiles", serde_json::json!([0.5, 1.0])));
    assert!(tamper("/baseline/finite", serde_json::json!([1.0, null])));
    assert!(tamper(
        "/canary/positive_infinities",
        serde_json::json!(u64::MAX)
    ));
    let mut unknown = json.clone();
    unknown["extra"] = serde_json::json!(1);
    assert!(serde_json::from_value::<QuantileTest>(unknown).is_err());
}

#[test]
fn nan_is_a_typed_error_and_leaves_the_test_unchanged() {
    let mut test = QuantileTest::new(QuantileTestOptions::default()).unwrap();
    test.update_batch(&[1.0, 2.0], &[3.0]).unwrap();
    let before = serde_json::to_string(&test).unwrap();
    let error = test.update_batch(&[1.0], &[2.0, f64::NAN]).unwrap_err();
    assert_eq!(
        error,
        Error::NanInSample {
            sample: "canary",
            index: 1
        }
    );
    let single = Latency {
        arm: Arm::Baseline,
        value: f64::NAN,
    };
    assert!(matches!(
        test.update(single),
        Err(Error::NanInSample {
            sample: "baseline",
            ..
        })
    ));
    assert_eq!(serde_json::to_string(&test).unwrap(), before);
}

#[test]
fn invalid_options_are_rejected_at_construction() {
    let invalid = [
        QuantileTestOptions::default().alpha(1.0),
        QuantileTestOptions::default().alpha(f64::NAN),
        QuantileTestOptions::default().quantiles(vec![0.5, 0.0]),
        QuantileTestOptions::default().quantiles(vec![f64::NAN]),
        QuantileTestOptions::default()
            .quantiles(Vec::new())
            .catch_all(CatchAll::Disabled),
        QuantileTestOptions::default().t_min(0.5),
        QuantileTestOptions::default().t_min(f64::INFINITY),
    ];
    for options in invalid {
        assert!(
            matches!(
                QuantileTest::new(options.clone()),
                Err(Error::InvalidParameter { .. })
            ),
            "{options:?}"
        );
    }
    let test = QuantileTest::new(QuantileTestOptions::default()).unwrap();
    assert!(test.catch_all_band(1.0).is_err());
}

#[test]
fn options_deserialize_with_defaults_and_refuse_unknown_fields() {
    let options: QuantileTestOptions =
        serde_json::from_str(r#"{"alpha": 0.01, "alternative": "two_sided"}"#).unwrap();
    assert_eq!(options.quantiles, vec![0.5, 0.9, 0.99]);
    assert_eq!(options.alternative, Alternative::TwoSided);
    assert!(serde_json::from_str::<QuantileTestOptions>(r#"{"alpah": 0.01}"#).is_err());
}

#[test]
fn bands_cover_the_right_order_statistics() {
    // Values 1..=1000: the p50 band must contain the sample median and lie inside the data.
    let mut test = QuantileTest::new(QuantileTestOptions::default()).unwrap();
    let values: Vec<f64> = (1..=1000).map(f64::from).collect();
    test.update_batch(&values, &values).unwrap();
    for band in test.bands() {
        let target = band.quantile * 1000.0;
        assert!(band.baseline.low <= target && target <= band.baseline.high + 1.0);
        assert_eq!(band.baseline, band.canary);
        assert!(band.difference.low < 0.0 && band.difference.high > 0.0);
    }
    assert_eq!(test.decision(), SequentialDecision::Continue);
    assert_eq!(test.pvalue(), 1.0);
    assert_eq!(test.count(Arm::Canary), 1000);
}
