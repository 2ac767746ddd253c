//! State is data: a JSON round trip after every update gives the same decisions, statistics
//! and intervals as an uninterrupted run.

mod anytime_support;

use anytime_support::Sampler;
use canary_judge::stats::{
    Alternative, EventCountOptions, EventCountTest, EventCounts, MeanDifferenceMsprt,
    MeanObservation, MsprtOptions, SequentialTest, Variance,
};
use serde::{de::DeserializeOwned, Serialize};

fn round_trip<T: Serialize + DeserializeOwned>(value: &T) -> T {
    let json = serde_json::to_string(value).expect("state serialises");
    serde_json::from_str(&json).expect("state deserialises")
}

/// Feeds the same stream to `test` and to a copy restored from JSON before every update.
fn check_resume<T>(mut test: T, stream: Vec<(Option<f64>, T::Observation)>, set: fn(&mut T, f64))
where
    T: SequentialTest + Serialize + DeserializeOwned + Clone + std::fmt::Debug + PartialEq,
    T::Observation: Copy,
{
    let mut resumed = test.clone();
    for (share, observation) in stream {
        resumed = round_trip(&resumed);
        if let Some(share) = share {
            set(&mut test, share);
            set(&mut resumed, share);
        }
        let a = test.update(observation).unwrap();
        let b = resumed.update(observation).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            test.log_statistic().to_bits(),
            resumed.log_statistic().to_bits()
        );
        assert_eq!(test.pvalue().to_bits(), resumed.pvalue().to_bits());
        assert_eq!(test.interval(), resumed.interval());
        assert_eq!(test, resumed);
    }
}

#[test]
fn event_count_test_resumes_identically() {
    let mut sampler = Sampler::new(31);
    let stream = (0..600)
        .map(|i| {
            let share: f64 = [0.1, 0.3, 0.5][i / 200];
            let canary = sampler.binomial(3, (share * 1.4).min(0.9));
            let counts = EventCounts {
                canary,
                baseline: 3 - canary,
            };
            (Some(share), counts)
        })
        .collect();
    for alternative in [
        Alternative::Greater,
        Alternative::TwoSided,
        Alternative::Less,
    ] {
        let options = EventCountOptions::default().alternative(alternative);
        let test = EventCountTest::new(0.1, options).unwrap();
        check_resume(test, Clone::clone(&stream), |t, s| {
            t.set_canary_share(s).unwrap()
        });
    }
}

#[test]
fn msprt_resumes_identically() {
    let mut sampler = Sampler::new(32);
    let stream: Vec<_> = (0..1500)
        .map(|i| {
            let observation = if i % 3 == 0 {
                MeanObservation::Canary(0.15 + sampler.normal())
            } else {
                MeanObservation::Baseline(sampler.normal())
            };
            (None, observation)
        })
        .collect();
    for alternative in [Alternative::Greater, Alternative::TwoSided] {
        for variance in [
            Variance::PlugIn { min_per_arm: 5 },
            Variance::Known {
                canary: 1.0,
                baseline: 1.0,
            },
        ] {
            let options = MsprtOptions::default().alternative(alternative);
            let test = MeanDifferenceMsprt::new(0.01, variance, options).unwrap();
            check_resume(test, stream.clone(), |_, _| {});
        }
    }
}
