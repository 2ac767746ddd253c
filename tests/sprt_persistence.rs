//! SPRT state survives a JSON round trip at every tick, and bad input is a typed error.

use std::fmt::Debug;

use canary_judge::stats::{
    ArmEvents, BernoulliModel, BernoulliSprt, NormalModel, NormalObservation, NormalSprt,
    PoissonModel, PoissonSprt, RateRatioModel, SequentialDecision, SequentialTest, SprtOptions,
    TwoSampleSprt,
};
use canary_judge::Error;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Feeds `ticks` to a test kept in memory and to one persisted to JSON and restored before
/// every tick; both must agree exactly after every tick.
fn assert_round_trips<T>(test: T, ticks: Vec<T::Observation>)
where
    T: SequentialTest + Serialize + DeserializeOwned + Clone + Debug + PartialEq,
    T::Observation: Clone,
{
    let mut uninterrupted = test.clone();
    let mut persisted = serde_json::to_string(&test).unwrap();
    let mut decided = false;
    for observation in ticks {
        let expected = uninterrupted.update(observation.clone()).unwrap();
        let mut restored: T = serde_json::from_str(&persisted).unwrap();
        let decision = restored.update(observation).unwrap();
        assert_eq!(decision, expected);
        assert_eq!(restored, uninterrupted);
        assert_eq!(
            restored.log_statistic().to_bits(),
            uninterrupted.log_statistic().to_bits()
        );
        assert_eq!(
            restored.pvalue().to_bits(),
            uninterrupted.pvalue().to_bits()
        );
        assert_eq!(restored.observations(), uninterrupted.observations());
        decided |= decision != SequentialDecision::Continue;
        persisted = serde_json::to_string(&restored).unwrap();
    }
    assert!(
        decided,
        "the stream should reach a decision: {uninterrupted:?}"
    );
}

fn options() -> SprtOptions {
    SprtOptions::default()
}

#[test]
fn bernoulli_round_trips() {
    let test = BernoulliSprt::new(BernoulliModel::new(0.01, 0.02).unwrap(), options()).unwrap();
    let ticks = (0..40).map(|i| (i % 7, 150 + i)).collect();
    assert_round_trips(test, ticks);
}

#[test]
fn poisson_round_trips() {
    let test = PoissonSprt::new(PoissonModel::new(1.0, 2.0).unwrap(), options()).unwrap();
    let ticks = (0..40).map(|i| (i % 4, 0.7 + 0.01 * i as f64)).collect();
    assert_round_trips(test, ticks);
}

#[test]
fn normal_round_trips() {
    let test = NormalSprt::new(NormalModel::new(0.0, 0.5, 1.0).unwrap(), options()).unwrap();
    let ticks = (0..40)
        .map(|i| match i % 3 {
            0 => NormalObservation::Value(0.1 * i as f64 - 1.3),
            _ => NormalObservation::Batch {
                sum: 0.37 * i as f64,
                count: 3,
            },
        })
        .collect();
    assert_round_trips(test, ticks);
}

#[test]
fn two_sample_round_trips() {
    let test = TwoSampleSprt::new(RateRatioModel::new(1.0, 2.0).unwrap(), options()).unwrap();
    let ticks = (0..40)
        .map(|i| ArmEvents::new(i % 5, 9 + i % 3, [0.05, 0.2, 0.5][(i / 10).min(2) as usize]))
        .collect();
    assert_round_trips(test, ticks);
}

#[test]
fn tampered_state_is_rejected() {
    let test = BernoulliSprt::new(BernoulliModel::new(0.01, 0.02).unwrap(), options()).unwrap();
    let json = serde_json::to_value(&test).unwrap();
    let edits = [
        ("/model/p1", serde_json::json!(0.005)),
        ("/options/alpha", serde_json::json!(1.5)),
        ("/max_log_lr", serde_json::json!(-1.0)),
    ];
    for (pointer, value) in edits {
        let mut bad = json.clone();
        *bad.pointer_mut(pointer).unwrap() = value;
        assert!(
            serde_json::from_value::<BernoulliSprt>(bad).is_err(),
            "{pointer}"
        );
    }
    let mut extra = json.clone();
    extra["surprise"] = serde_json::json!(1);
    assert!(serde_json::from_value::<BernoulliSprt>(extra).is_err());
}

#[test]
fn options_deserialize_with_defaults_and_no_unknown_fields() {
    let options: SprtOptions = serde_json::from_str(r#"{"alpha": 0.01}"#).unwrap();
    assert_eq!(options, SprtOptions::default().alpha(0.01));
    assert!(serde_json::from_str::<SprtOptions>(r#"{"alpah": 0.01}"#).is_err());
}

fn is_invalid<T: Debug>(result: Result<T, Error>) -> bool {
    matches!(result, Err(Error::InvalidParameter { .. }))
}

#[test]
fn bad_hypotheses_are_typed_errors() {
    let nan = f64::NAN;
    assert!(is_invalid(BernoulliModel::new(0.02, 0.01)));
    assert!(is_invalid(BernoulliModel::new(0.0, 0.01)));
    assert!(is_invalid(BernoulliModel::new(0.01, 1.0)));
    assert!(is_invalid(BernoulliModel::new(nan, 0.5)));
    assert!(is_invalid(PoissonModel::new(1.0, 1.0)));
    assert!(is_invalid(PoissonModel::new(-1.0, 1.0)));
    assert!(is_invalid(PoissonModel::new(1.0, f64::INFINITY)));
    assert!(is_invalid(NormalModel::new(0.0, 0.0, 1.0)));
    assert!(is_invalid(NormalModel::new(0.0, 1.0, 0.0)));
    assert!(is_invalid(NormalModel::new(0.0, 1.0, nan)));
    assert!(is_invalid(NormalModel::new(0.0, 1e-300, 1e300)));
    assert!(is_invalid(RateRatioModel::new(1.0, 0.5)));
    assert!(is_invalid(RateRatioModel::new(0.0, 2.0)));
    let model = BernoulliModel::new(0.01, 0.02).unwrap();
    for (alpha, beta) in [(0.0, 0.2), (0.05, 1.0), (0.6, 0.5), (nan, 0.2)] {
        let options = SprtOptions::default().alpha(alpha).beta(beta);
        assert!(is_invalid(BernoulliSprt::new(model, options)));
    }
}

#[test]
fn bad_observations_are_typed_errors_and_leave_the_state_alone() {
    let mut bernoulli =
        BernoulliSprt::new(BernoulliModel::new(0.01, 0.02).unwrap(), options()).unwrap();
    bernoulli.update((1, 100)).unwrap();
    let before = bernoulli.clone();
    assert!(is_invalid(bernoulli.update((101, 100))));
    assert_eq!(bernoulli, before);
    assert!(matches!(
        bernoulli.update((0, u64::MAX)),
        Err(Error::CountOverflow { .. })
    ));
    assert_eq!(bernoulli, before);

    let mut poisson = PoissonSprt::new(PoissonModel::new(1.0, 2.0).unwrap(), options()).unwrap();
    for exposure in [-1.0, f64::NAN, f64::INFINITY] {
        assert!(is_invalid(poisson.update((1, exposure))));
    }
    assert!(is_invalid(poisson.update((3, 0.0))));
    assert_eq!(poisson.observations(), 0);
    // A huge but finite exposure is accepted; a second one would push the statistic to -inf.
    poisson.update((0, f64::MAX)).unwrap();
    let before = poisson.clone();
    assert!(is_invalid(poisson.update((0, f64::MAX))));
    assert_eq!(poisson, before);

    let mut normal = NormalSprt::new(NormalModel::new(0.0, 1.0, 1.0).unwrap(), options()).unwrap();
    assert!(is_invalid(normal.update(f64::NAN.into())));
    assert!(is_invalid(
        normal.update(NormalObservation::Batch { sum: 1.0, count: 0 })
    ));
    assert!(is_invalid(normal.update(NormalObservation::Batch {
        sum: f64::NEG_INFINITY,
        count: 2
    })));
    assert_eq!(normal.log_statistic(), 0.0);

    let mut two = TwoSampleSprt::new(RateRatioModel::new(1.0, 2.0).unwrap(), options()).unwrap();
    for share in [0.0, 1.0, -0.1, f64::NAN] {
        assert!(is_invalid(two.update(ArmEvents::new(1, 1, share))));
    }
    assert!(matches!(
        two.update(ArmEvents::new(u64::MAX, 1, 0.5)),
        Err(Error::CountOverflow { .. })
    ));
    assert_eq!(two.observations(), 0);
}

#[test]
fn millions_of_events_stay_finite_and_exact_in_log_space() {
    let (p0, p1) = (0.01_f64, 0.02_f64);
    let mut test = BernoulliSprt::new(BernoulliModel::new(p0, p1).unwrap(), options()).unwrap();
    let (errors, requests) = (150_000_u64, 10_000_000_u64);
    test.update((errors, requests)).unwrap();
    let expected = errors as f64 * (p1 / p0).ln()
        + (requests - errors) as f64 * ((1.0 - p1) / (1.0 - p0)).ln();
    assert!((test.log_statistic() - expected).abs() <= 1e-9 * expected.abs());
    assert_eq!(test.decision(), SequentialDecision::Reject);
    assert!(test.pvalue() > 0.0 || test.log_statistic() > 745.0);
}

#[test]
fn decisions_are_sticky() {
    let mut test = BernoulliSprt::new(BernoulliModel::new(0.01, 0.02).unwrap(), options()).unwrap();
    assert_eq!(test.update((0, 200)).unwrap(), SequentialDecision::Accept);
    // Overwhelming evidence afterwards moves the statistic and the p-value, not the decision.
    assert_eq!(test.update((50, 100)).unwrap(), SequentialDecision::Accept);
    assert!(test.log_statistic() > test.log_upper_boundary());
    assert!(test.pvalue() < 0.05);
}
