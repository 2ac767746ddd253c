//! Smoothing state machines: closed forms, the documented semantics of Argo Rollouts and
//! Flagger (as recorded in the research notes on their source), properties, and resuming
//! from JSON in the middle of a stream.

use std::num::{NonZeroU64, NonZeroUsize};

use canary_judge::rules::smoothing::{
    Counter, CounterRule, Ewma, Hysteresis, Level, NoDataPolicy, RollingWindow, Signal, Smoother,
    Tick, Vote, WindowStatistic,
};
use canary_judge::Error;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn run<S: Smoother>(machine: &mut S, inputs: &[S::Input]) -> Vec<S::Output>
where
    S::Input: Clone,
{
    inputs
        .iter()
        .map(|input| machine.update(input.clone()).expect("valid input"))
        .collect()
}

fn nz(n: u64) -> NonZeroU64 {
    NonZeroU64::new(n).unwrap()
}

/// The tick on which a counter first leaves `Continue` (1-based), and its signal.
fn trips(rule: CounterRule, policy: NoDataPolicy, ticks: &[Tick]) -> Option<(usize, Signal)> {
    let mut counter = Counter::new(rule).no_data(policy);
    run(&mut counter, ticks)
        .into_iter()
        .enumerate()
        .find(|(_, s)| *s != Signal::Continue)
        .map(|(i, s)| (i + 1, s))
}

use Tick::{Error as Err_, Fail, Inconclusive, NoData, Pass};

#[test]
fn argo_failure_limit_fails_when_failures_exceed_the_limit() {
    // Argo: `failed > failureLimit`; failureLimit 3 fails on the 4th failure, passes between
    // failures do not reset the total.
    let ticks = [Fail, Pass, Fail, Fail, Pass, Pass, Fail];
    let rule = CounterRule::FailureLimit { limit: 3 };
    assert_eq!(
        trips(rule, NoDataPolicy::Skip, &ticks),
        Some((7, Signal::Fail))
    );
    // The default failureLimit 0 fails on the first failure.
    let rule = CounterRule::FailureLimit { limit: 0 };
    assert_eq!(
        trips(rule, NoDataPolicy::Skip, &[Pass, Fail]),
        Some((2, Signal::Fail))
    );
    // Errors and inconclusive measurements are not failures.
    let rule = CounterRule::FailureLimit { limit: 0 };
    assert_eq!(trips(rule, NoDataPolicy::Skip, &[Err_, Inconclusive]), None);
}

#[test]
fn argo_inconclusive_limit() {
    let ticks = [Inconclusive, Pass, Fail, Inconclusive, Inconclusive];
    let rule = CounterRule::InconclusiveLimit { limit: 2 };
    assert_eq!(
        trips(rule, NoDataPolicy::Skip, &ticks),
        Some((5, Signal::Inconclusive))
    );
}

#[test]
fn argo_consecutive_error_limit_is_reset_by_any_non_error() {
    // Default 4: Error after the 5th error in a row.
    let rule = CounterRule::ConsecutiveErrorLimit { limit: 4 };
    let broken = [Err_, Err_, Err_, Err_, Pass, Err_, Err_, Err_, Err_];
    assert_eq!(trips(rule, NoDataPolicy::Skip, &broken), None);
    let five = [Fail, Err_, Err_, Err_, Err_, Err_];
    assert_eq!(
        trips(rule, NoDataPolicy::Skip, &five),
        Some((6, Signal::Error))
    );
    let reset_by_fail = [Err_, Err_, Err_, Err_, Fail, Err_];
    assert_eq!(trips(rule, NoDataPolicy::Skip, &reset_by_fail), None);
}

#[test]
fn argo_consecutive_success_limit_succeeds_on_reaching_the_limit() {
    // `consecutiveSuccess >= limit`; reset by Failed, Inconclusive or Error.
    let rule = CounterRule::ConsecutiveSuccessLimit { limit: nz(3) };
    let ticks = [
        Pass,
        Pass,
        Fail,
        Pass,
        Pass,
        Inconclusive,
        Pass,
        Err_,
        Pass,
        Pass,
        Pass,
    ];
    assert_eq!(
        trips(rule, NoDataPolicy::Skip, &ticks),
        Some((11, Signal::Succeed))
    );
}

#[test]
fn consecutive_failures_need_a_run() {
    // argo-rollouts#4792: fail after N consecutive failures; a blip does not roll back.
    let rule = CounterRule::ConsecutiveFailures { count: nz(3) };
    let flaky = [
        Fail,
        Fail,
        Pass,
        Fail,
        Fail,
        Inconclusive,
        Fail,
        Fail,
        Err_,
        Fail,
    ];
    assert_eq!(trips(rule, NoDataPolicy::Skip, &flaky), None);
    let run3 = [Pass, Fail, Fail, Fail];
    assert_eq!(
        trips(rule, NoDataPolicy::Skip, &run3),
        Some((4, Signal::Fail))
    );
}

#[test]
fn flagger_threshold_rolls_back_when_failed_checks_reach_it() {
    // Flagger: rollback when failedChecks >= threshold; passes never reset it; a failing
    // query is a failed check.
    let rule = CounterRule::FailedChecksThreshold { threshold: nz(3) };
    let ticks = [Fail, Pass, Pass, Err_, Pass, Fail];
    assert_eq!(
        trips(rule, NoDataPolicy::Skip, &ticks),
        Some((6, Signal::Fail))
    );
    // Flagger's default threshold 1: the first failed check.
    let rule = CounterRule::FailedChecksThreshold { threshold: nz(1) };
    assert_eq!(
        trips(rule, NoDataPolicy::Skip, &[Pass, Fail]),
        Some((2, Signal::Fail))
    );
}

#[test]
fn no_data_counts_as_failure_only_when_asked() {
    let rule = CounterRule::FailedChecksThreshold { threshold: nz(2) };
    let quiet = [NoData, NoData, NoData, Fail];
    assert_eq!(trips(rule, NoDataPolicy::Skip, &quiet), None);
    // Flagger's own behaviour: "no values found" is a failed check.
    assert_eq!(
        trips(rule, NoDataPolicy::CountAsFailure, &quiet),
        Some((2, Signal::Fail))
    );
    // Skipped no-data ticks do not break a run either.
    let rule = CounterRule::ConsecutiveSuccessLimit { limit: nz(2) };
    assert_eq!(
        trips(rule, NoDataPolicy::Skip, &[Pass, NoData, Pass]),
        Some((3, Signal::Succeed))
    );
}

#[test]
fn a_tripped_counter_keeps_its_signal() {
    let mut counter = Counter::new(CounterRule::ConsecutiveFailures { count: nz(1) });
    assert_eq!(run(&mut counter, &[Fail, Pass, Pass]), [Signal::Fail; 3]);
}

#[test]
fn counter_config_rejects_a_zero_trip_count() {
    let json = r#"{"rule":{"failed_checks_threshold":{"threshold":1}},"no_data":"skip","count":0,"tripped":false}"#;
    assert!(serde_json::from_str::<Counter>(json).is_ok());
    let zero = json.replace(r#""threshold":1"#, r#""threshold":0"#);
    assert!(serde_json::from_str::<Counter>(&zero).is_err());
    let json = r#"{"rule":{"failure_limit":{"limit":0}},"no_data":"skip","count":0,"tripped":false,"x":1}"#;
    assert!(serde_json::from_str::<Counter>(json).is_err());
}

#[test]
fn ewma_closed_form() {
    // λ = 0.25: s = 4; 0.25·8 + 0.75·4 = 5; 0.25·0 + 0.75·5 = 3.75.
    let mut ewma = Ewma::new(0.25).unwrap();
    let out = run(&mut ewma, &[None, Some(4.0), Some(8.0), None, Some(0.0)]);
    assert_eq!(out, [None, Some(4.0), Some(5.0), Some(5.0), Some(3.75)]);
    // λ = 1 is no smoothing.
    let mut raw = Ewma::new(1.0).unwrap();
    assert_eq!(
        run(&mut raw, &[Some(3.0), Some(-1.0)]),
        [Some(3.0), Some(-1.0)]
    );
}

#[test]
fn window_statistics_match_numpy_definitions() {
    let len = NonZeroUsize::new(4).unwrap();
    let values = [
        Some(10.0),
        Some(1.0),
        None,
        Some(4.0),
        Some(3.0),
        Some(20.0),
    ];
    // Windows: [10], [10,1], [10,1], [10,1,4], [10,1,4,3], [1,4,3,20].
    let mut mean = RollingWindow::new(len, WindowStatistic::Mean).unwrap();
    let expected_mean = [10.0, 5.5, 5.5, 5.0, 4.5, 7.0];
    let got: Vec<f64> = run(&mut mean, &values)
        .into_iter()
        .map(Option::unwrap)
        .collect();
    assert_eq!(got, expected_mean);
    // numpy.median: 10, 5.5, 5.5, 4, 3.5, 3.5.
    let mut median = RollingWindow::new(len, WindowStatistic::Median).unwrap();
    let got: Vec<f64> = run(&mut median, &values)
        .into_iter()
        .map(Option::unwrap)
        .collect();
    assert_eq!(got, [10.0, 5.5, 5.5, 4.0, 3.5, 3.5]);
    // numpy.quantile(..., 0.9) (linear): sorted [1,3,4,20] → h = 2.7 → 4 + 0.7·16 = 15.2.
    let mut p90 = RollingWindow::new(len, WindowStatistic::Quantile(0.9)).unwrap();
    let last = run(&mut p90, &values).pop().flatten().unwrap();
    assert!((last - 15.2).abs() < 1e-12, "{last}");
    assert!(RollingWindow::new(len, WindowStatistic::Quantile(1.5)).is_err());
}

#[test]
fn hysteresis_does_not_toggle_around_the_threshold() {
    // Low values bad (e.g. success rate): enter at ≤ 0.95, leave at ≥ 0.97.
    let mut gate = Hysteresis::new(0.95, 0.97).unwrap();
    let values = [0.96, 0.95, 0.96, 0.951, f64::NAN, 0.969, 0.97, 0.949];
    let values = values.map(|v| (!v.is_nan()).then_some(v)); // NAN marks a tick without data
    use Level::{Breached, Clear};
    let expected = [
        Clear, Breached, Breached, Breached, Breached, Breached, Clear, Breached,
    ];
    let got = run(&mut gate, &values);
    assert_eq!(got, expected);
    assert!(Hysteresis::new(1.0, 1.0).is_err());
    assert!(matches!(
        Hysteresis::new(f64::NAN, 1.0),
        Err(Error::InvalidParameter { .. })
    ));
}

#[test]
fn vote_counts_breaches_in_the_last_n_ticks() {
    let mut vote = Vote::new(3, 5).unwrap();
    let ticks = [true, false, true, false, true, false, false, true];
    // Windows of 5: breaches 1,1,2,2,3 → breached at tick 5; tick 6: [F,T,F,T,F] = 2; tick 7:
    // [T,F,T,F,F] = 2; tick 8: [F,T,F,F,T] = 2.
    let got = run(&mut vote, &ticks.map(Some));
    let breached: Vec<bool> = got.iter().map(|l| *l == Level::Breached).collect();
    assert_eq!(
        breached,
        [false, false, false, false, true, false, false, false]
    );
    assert!(Vote::new(0, 3).is_err() && Vote::new(4, 3).is_err());
    let mut strict = Vote::new(1, 1)
        .unwrap()
        .no_data(NoDataPolicy::CountAsFailure);
    assert_eq!(strict.update(None).unwrap(), Level::Breached);
}

#[test]
fn invalid_values_are_errors_and_leave_the_state_alone() {
    let mut ewma = Ewma::new(0.5).unwrap();
    ewma.update(Some(1.0)).unwrap();
    let before = ewma.clone();
    assert!(ewma.update(Some(f64::NAN)).is_err());
    assert!(ewma.update(Some(f64::INFINITY)).is_err());
    assert_eq!(ewma, before);
    assert!(Ewma::new(0.0).is_err() && Ewma::new(1.5).is_err() && Ewma::new(f64::NAN).is_err());
}

/// Runs `machine` over `inputs`, once straight through and once through JSON after `split`
/// ticks, and checks that the decisions agree.
fn resumes_identically<S>(machine: S, inputs: &[S::Input], split: usize)
where
    S: Smoother + Clone + std::fmt::Debug + Serialize + DeserializeOwned,
    S::Input: Clone,
    S::Output: PartialEq + std::fmt::Debug,
{
    let mut straight = machine.clone();
    let expected = run(&mut straight, inputs);
    let split = split.min(inputs.len());
    let mut first = machine;
    let mut got = run(&mut first, &inputs[..split]);
    let json = serde_json::to_string(&first).unwrap();
    let mut resumed: S = serde_json::from_str(&json).unwrap();
    got.extend(run(&mut resumed, &inputs[split..]));
    assert_eq!(got, expected, "state was {json}");
}

fn value_stream() -> impl Strategy<Value = Vec<Option<f64>>> {
    prop::collection::vec(prop::option::weighted(0.85, -1e6f64..1e6), 0..60)
}

fn tick() -> impl Strategy<Value = Tick> {
    prop_oneof![
        Just(Pass),
        Just(Fail),
        Just(Inconclusive),
        Just(Err_),
        Just(NoData)
    ]
}

fn counter_rule() -> impl Strategy<Value = CounterRule> {
    (0u64..4, 1u64..5).prop_flat_map(|(limit, n)| {
        prop_oneof![
            Just(CounterRule::FailureLimit { limit }),
            Just(CounterRule::InconclusiveLimit { limit }),
            Just(CounterRule::ConsecutiveErrorLimit { limit }),
            Just(CounterRule::ConsecutiveSuccessLimit { limit: nz(n) }),
            Just(CounterRule::ConsecutiveFailures { count: nz(n) }),
            Just(CounterRule::FailedChecksThreshold { threshold: nz(n) }),
        ]
    })
}

fn no_data_policy() -> impl Strategy<Value = NoDataPolicy> {
    prop_oneof![Just(NoDataPolicy::Skip), Just(NoDataPolicy::CountAsFailure)]
}

proptest! {
    #[test]
    fn ewma_resumes_from_json(weight in 0.01f64..=1.0, values in value_stream(), split in 0usize..60) {
        resumes_identically(Ewma::new(weight).unwrap(), &values, split);
    }

    #[test]
    fn window_resumes_from_json(
        len in 1usize..8, q in 0.0f64..=1.0, kind in 0u8..3, values in value_stream(), split in 0usize..60,
    ) {
        let statistic = match kind {
            0 => WindowStatistic::Mean,
            1 => WindowStatistic::Median,
            _ => WindowStatistic::Quantile(q),
        };
        let window = RollingWindow::new(NonZeroUsize::new(len).unwrap(), statistic).unwrap();
        resumes_identically(window, &values, split);
    }

    #[test]
    fn counter_resumes_from_json(
        rule in counter_rule(), policy in no_data_policy(),
        ticks in prop::collection::vec(tick(), 0..40), split in 0usize..40,
    ) {
        resumes_identically(Counter::new(rule).no_data(policy), &ticks, split);
    }

    #[test]
    fn vote_resumes_from_json(
        n in 1usize..8, k_raw in 0usize..8, policy in no_data_policy(),
        ticks in prop::collection::vec(prop::option::of(any::<bool>()), 0..40), split in 0usize..40,
    ) {
        let vote = Vote::new(k_raw % n + 1, n).unwrap().no_data(policy);
        resumes_identically(vote, &ticks, split);
    }

    #[test]
    fn hysteresis_resumes_from_json(
        enter in -10.0f64..10.0, gap in 0.1f64..5.0, up in any::<bool>(),
        values in prop::collection::vec(prop::option::of(-20.0f64..20.0), 0..40), split in 0usize..40,
    ) {
        let exit = if up { enter - gap } else { enter + gap };
        resumes_identically(Hysteresis::new(enter, exit).unwrap(), &values, split);
    }

    /// The EWMA stays within the range of the values seen.
    #[test]
    fn ewma_stays_in_range(weight in 0.01f64..=1.0, values in prop::collection::vec(-1e6f64..1e6, 1..40)) {
        let mut ewma = Ewma::new(weight).unwrap();
        let out = run(&mut ewma, &values.iter().copied().map(Some).collect::<Vec<_>>());
        let (lo, hi) = values.iter().fold((f64::MAX, f64::MIN), |(l, h), &v| (l.min(v), h.max(v)));
        let tol = 1e-9 * (hi - lo).abs().max(1.0);
        prop_assert!(out.iter().flatten().all(|&s| s >= lo - tol && s <= hi + tol));
    }

    /// A window's median lies between its min and max; a quantile is monotone in q.
    #[test]
    fn window_quantiles_are_ordered(values in prop::collection::vec(-1e6f64..1e6, 1..20), len in 1usize..10) {
        let len = NonZeroUsize::new(len).unwrap();
        let stream: Vec<Option<f64>> = values.iter().copied().map(Some).collect();
        let at = |q: f64| {
            let mut w = RollingWindow::new(len, WindowStatistic::Quantile(q)).unwrap();
            run(&mut w, &stream).pop().flatten().unwrap()
        };
        let (q0, q25, q50, q100) = (at(0.0), at(0.25), at(0.5), at(1.0));
        prop_assert!(q0 <= q25 && q25 <= q50 && q50 <= q100);
        let mut median = RollingWindow::new(len, WindowStatistic::Median).unwrap();
        prop_assert_eq!(run(&mut median, &stream).pop().flatten().unwrap(), q50);
    }

    /// k of n with k = n is "n in a row": it agrees with a consecutive-failures counter while
    /// no skipped ticks interleave.
    #[test]
    fn n_of_n_vote_is_n_in_a_row(n in 1usize..6, ticks in prop::collection::vec(any::<bool>(), 0..40)) {
        let mut vote = Vote::new(n, n).unwrap();
        let mut counter = Counter::new(CounterRule::ConsecutiveFailures { count: nz(n as u64) });
        for &breach in &ticks {
            let level = vote.update(Some(breach)).unwrap();
            let signal = counter.update(if breach { Fail } else { Pass }).unwrap();
            if signal == Signal::Fail {
                prop_assert_eq!(level, Level::Breached);
                break; // the counter latches from here on
            }
            prop_assert_eq!(level, Level::Clear);
        }
    }

    /// Hysteresis never leaves the breached state while values stay strictly between the
    /// thresholds.
    #[test]
    fn hysteresis_holds_between_thresholds(values in prop::collection::vec(1.0001f64..1.9999, 1..30)) {
        let mut gate = Hysteresis::new(2.0, 1.0).unwrap();
        gate.update(Some(2.5)).unwrap();
        for v in values {
            prop_assert_eq!(gate.update(Some(v)).unwrap(), Level::Breached);
        }
    }
}
