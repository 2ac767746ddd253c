//! No input makes a sequential test panic: arbitrary parameters are accepted or refused with an
//! error, and arbitrary observations update the state or are refused with an error, after which
//! the p-value is still a probability.

use canary_judge::stats::{
    ArmEvents, ArmSummary, BernoulliModel, BernoulliSprt, EventCountOptions, EventCountTest,
    EventCounts, MeanDifferenceMsprt, MeanObservation, MsprtOptions, NormalModel,
    NormalObservation, NormalSprt, PoissonModel, PoissonSprt, QuantileTest, QuantileTestOptions,
    RateRatioModel, SequentialTest, SprtOptions, TwoSampleSprt, Variance,
};
use proptest::prelude::*;

/// Any float, with the special values made likely.
fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        prop::num::f64::ANY,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(f64::MAX),
        0.0f64..1.0,
        -100.0f64..100.0,
    ]
}

/// Any count, with zero and the extremes made likely.
fn any_count() -> impl Strategy<Value = u64> {
    prop_oneof![any::<u64>(), Just(0u64), Just(u64::MAX), 0u64..100]
}

/// Feeds every observation, ignoring refusals, and checks the p-value stays a probability.
fn feed<T: SequentialTest>(test: &mut T, observations: impl IntoIterator<Item = T::Observation>) {
    for observation in observations {
        let _ = test.update(observation);
        let p = test.pvalue();
        assert!((0.0..=1.0).contains(&p), "p = {p}");
    }
}

proptest! {
    #[test]
    fn wald_sprts_never_panic(
        (a, b, c) in (any_f64(), any_f64(), any_f64()),
        counts in prop::collection::vec((any_count(), any_count()), 0..8),
        exposures in prop::collection::vec((any_count(), any_f64()), 0..8),
        values in prop::collection::vec(any_f64(), 0..8),
        shares in prop::collection::vec((any_count(), any_count(), any_f64()), 0..8),
    ) {
        let options = SprtOptions::default();
        if let Ok(mut test) = BernoulliModel::new(a, b).and_then(|m| BernoulliSprt::new(m, options)) {
            feed(&mut test, counts.clone());
        }
        if let Ok(mut test) = PoissonModel::new(a, b).and_then(|m| PoissonSprt::new(m, options)) {
            feed(&mut test, exposures);
        }
        if let Ok(mut test) = NormalModel::new(a, b, c).and_then(|m| NormalSprt::new(m, options)) {
            feed(&mut test, values.iter().map(|&v| NormalObservation::from(v)));
        }
        if let Ok(mut test) = RateRatioModel::new(a, b).and_then(|m| TwoSampleSprt::new(m, options)) {
            feed(&mut test, shares.iter().map(|&(x, y, w)| ArmEvents::new(x, y, w)));
        }
        let _ = SprtOptions::default().alpha(a).beta(b);
    }

    #[test]
    fn event_count_test_never_panics(
        share in any_f64(),
        counts in prop::collection::vec((any_count(), any_count(), any_f64()), 0..8),
    ) {
        if let Ok(mut test) = EventCountTest::new(share, EventCountOptions::default()) {
            for &(canary, baseline, next_share) in &counts {
                let _ = test.set_canary_share(next_share);
                feed(&mut test, [EventCounts { canary, baseline }]);
            }
            let _ = test.interval();
        }
    }

    #[test]
    fn mixture_sprt_never_panics(
        (tau, variance) in (any_f64(), any_f64()),
        values in prop::collection::vec((any_f64(), any_f64(), any_count()), 0..8),
    ) {
        let known = Variance::Known { canary: variance, baseline: variance };
        if let Ok(mut test) = MeanDifferenceMsprt::new(tau, known, MsprtOptions::default()) {
            feed(&mut test, values.iter().flat_map(|&(x, y, count)| {
                let summary = ArmSummary { count, mean: x, variance: y };
                [
                    MeanObservation::Canary(x),
                    MeanObservation::Pair { canary: x, baseline: y },
                    MeanObservation::Summaries { canary: summary, baseline: summary },
                ]
            }));
            let _ = test.interval();
        }
    }

    #[test]
    fn quantile_test_never_panics(latencies in prop::collection::vec((any_f64(), any_f64()), 0..8)) {
        if let Ok(mut test) = QuantileTest::new(QuantileTestOptions::default()) {
            for &(baseline, canary) in &latencies {
                let _ = test.update_batch(&[baseline], &[canary]);
                prop_assert!((0.0..=1.0).contains(&test.pvalue()));
            }
        }
    }
}

#[test]
fn extreme_counts_after_a_share_change_give_an_interval_or_none() {
    // Rounding once left the likelihood's slope at zero all the way to infinity here, and the
    // search for the interval never ended.
    let mut test = EventCountTest::new(0.012885, EventCountOptions::default()).unwrap();
    test.set_canary_share(0.999).unwrap();
    test.update(EventCounts {
        canary: 14_943_121_731_128_302_736,
        baseline: 4,
    })
    .unwrap();
    if let Some(interval) = test.interval() {
        assert!(interval.low <= interval.high);
    }
}
