//! Properties of the SLO math, serde round trips, and bad input that must give typed errors.

use std::time::Duration;

use canary_judge::slo::{
    AlertTier, BudgetGate, BurnFactor, Counts, Exhaustion, Fraction, GateDecision,
    MultiWindowPolicy, Objective, RollingCounter, Severity, Slo, VolumeGuard, WindowCounts,
};
use canary_judge::Error;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let json = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, value, "{json}");
}

fn objectives() -> impl Strategy<Value = Objective> {
    (1u64..1_000_000_000_000, 2u64..=1_000_000_000_000)
        .prop_filter_map("target in (0, 1)", |(n, d)| Objective::new(n, d).ok())
}

fn factors() -> impl Strategy<Value = BurnFactor> {
    (1u128..=u128::from(u64::MAX), 1u128..=u128::from(u64::MAX))
        .prop_map(|(n, d)| BurnFactor::new(n, d).unwrap())
}

fn counts() -> impl Strategy<Value = Counts> {
    prop_oneof![
        (0u64..=10_000).prop_flat_map(|t| (0..=t, Just(t))),
        any::<u64>().prop_flat_map(|t| (0..=t, Just(t))),
    ]
    .prop_map(|(bad, total)| Counts::new(bad, total).unwrap())
}

fn slo_30d() -> Slo {
    Slo::new("0.999".parse().unwrap(), Duration::from_secs(30 * 86_400)).unwrap()
}

proptest! {
    #[test]
    fn burn_and_threshold_are_monotone_in_bad_events(
        objective in objectives(), factor in factors(), c in counts(), extra in 0u64..1000,
    ) {
        let more = Counts::new(c.bad().saturating_add(extra).min(c.total()), c.total()).unwrap();
        prop_assert!(objective.burn_rate(more) >= objective.burn_rate(c));
        prop_assert!(!objective.exceeds(c, factor) || objective.exceeds(more, factor));
    }

    #[test]
    fn threshold_decisions_do_not_depend_on_scale(
        objective in objectives(), factor in factors(), bad in 0u64..1000, good in 0u64..1000,
        scale in 1u64..1_000_000_000,
    ) {
        let total = bad + good;
        prop_assume!(total > 0);
        let small = Counts::new(bad, total).unwrap();
        let large = Counts::new(bad * scale, total * scale).unwrap();
        prop_assert_eq!(objective.exceeds(small, factor), objective.exceeds(large, factor));
    }

    #[test]
    fn threshold_decisions_agree_with_floats_away_from_the_boundary(
        objective in objectives(), factor in factors(), c in counts(),
    ) {
        prop_assume!(c.total() > 0);
        let ratio = c.bad() as f64 / c.total() as f64;
        let threshold = factor.to_f64() * objective.error_budget().to_f64();
        prop_assume!((ratio - threshold).abs() > 1e-9 * threshold.max(1e-300));
        prop_assert_eq!(objective.exceeds(c, factor), ratio > threshold);
    }

    #[test]
    fn budget_consumed_is_the_period_burn_rate(objective in objectives(), c in counts()) {
        let status = objective.budget(c);
        prop_assert_eq!(status.consumed, objective.burn_rate(c));
        match (status.consumed, status.remaining) {
            (Some(consumed), Some(remaining)) => prop_assert_eq!(remaining, 1.0 - consumed),
            (None, None) => prop_assert_eq!(c.total(), 0),
            other => prop_assert!(false, "{other:?}"),
        }
    }

    #[test]
    fn time_to_exhaustion_spends_exactly_the_remaining_budget(
        remaining in 1e-6f64..=1.0, burn in 1e-3f64..1e4,
    ) {
        let slo = slo_30d();
        let Exhaustion::After(t) = slo.time_to_exhaustion(remaining, burn).unwrap() else {
            panic!("finite");
        };
        // A constant burn spends burn * t / period of the budget in t; t is rounded to 1 ns.
        let spent = slo.budget_spent(burn, t).unwrap();
        let one_nanosecond = slo.budget_spent(burn, Duration::from_nanos(1)).unwrap();
        prop_assert!(
            (spent - remaining).abs() <= 1e-12 * remaining + one_nanosecond,
            "{spent} vs {remaining}"
        );
    }

    #[test]
    fn more_bad_events_never_loosen_the_gate(
        objective in objectives(), c in counts(), extra in 0u64..1_000_000,
        allow in 0u64..=100, freeze in 0u64..=100,
    ) {
        let (high, low) = (allow.max(freeze), allow.min(freeze));
        let gate = BudgetGate::new(Fraction::new(high, 100).unwrap(), Fraction::new(low, 100).unwrap()).unwrap();
        let more = Counts::new(c.bad().saturating_add(extra).min(c.total()), c.total()).unwrap();
        let rank = |d: GateDecision| match d {
            GateDecision::Allow => 0,
            GateDecision::Caution => 1,
            GateDecision::Freeze => 2,
            GateDecision::NoData => 3,
        };
        prop_assert!(rank(gate.decide(&objective, c).decision) <= rank(gate.decide(&objective, more).decision));
    }

    #[test]
    fn exact_numbers_round_trip_through_text_and_json(objective in objectives(), factor in factors()) {
        prop_assert_eq!(objective.to_string().parse::<Objective>().unwrap(), objective);
        prop_assert_eq!(factor.to_string().parse::<BurnFactor>().unwrap(), factor);
        round_trip(&objective);
        round_trip(&factor);
        round_trip(&objective.error_budget());
    }

    #[test]
    fn floats_read_as_their_shortest_decimal(x in 0.001f64..1.0) {
        // At most 19 decimal places (17 significant digits from 0.001 on): the denominator fits.
        let fraction = Fraction::from_f64(x).unwrap();
        prop_assert_eq!(fraction.to_f64(), x);
        prop_assert_eq!(fraction.to_string().parse::<f64>().unwrap(), x);
    }

    #[test]
    fn text_never_panics(text in "\\PC{0,40}", x in any::<f64>()) {
        let _ = text.parse::<Objective>();
        let _ = text.parse::<Fraction>();
        let _ = text.parse::<BurnFactor>();
        let _ = Objective::from_f64(x);
        let _ = BurnFactor::from_f64(x);
        let _ = serde_json::from_str::<Objective>(&text);
    }

    #[test]
    fn rolling_counter_state_resumes_identically(
        pushes in prop::collection::vec((0u64..100, 100u64..200), 0..40), later in 0u64..100,
    ) {
        let minute = Duration::from_secs(60);
        let mut counter = RollingCounter::new(minute, 10 * minute).unwrap();
        for &(bad, total) in &pushes {
            counter.push(Counts::new(bad, total).unwrap());
        }
        let json = serde_json::to_string(&counter).unwrap();
        let mut resumed: RollingCounter = serde_json::from_str(&json).unwrap();
        let next = Counts::new(later, 100).unwrap();
        counter.push(next);
        resumed.push(next);
        prop_assert_eq!(&resumed, &counter);
        for k in 1..=10 {
            let window = k * minute;
            let want = pushes.iter().map(|&(b, t)| Counts::new(b, t).unwrap()).chain([next])
                .rev().take(k as usize)
                .fold(Counts::default(), |s, c| s.checked_add(c).unwrap());
            prop_assert_eq!(resumed.window_counts(window).unwrap(), want);
        }
    }
}

#[test]
fn configs_and_reports_round_trip_through_json() {
    let policy = MultiWindowPolicy::workbook(slo_30d())
        .unwrap()
        .with_guard(VolumeGuard::default().with_wilson(0.95).unwrap());
    round_trip(&policy);
    round_trip(&policy.slo());
    round_trip(&BudgetGate::default());
    round_trip(&BudgetGate::exhaustion_only());
    round_trip(&Counts::new(3, 7).unwrap());
    let counts: Vec<(Duration, Counts)> = policy
        .tiers()
        .iter()
        .flat_map(|t| [t.long(), t.short()])
        .map(|w| (w, Counts::new(w.as_secs() / 10, w.as_secs()).unwrap()))
        .collect();
    round_trip(&policy.evaluate(&counts).unwrap());
    round_trip(
        &BudgetGate::default().decide(&policy.slo().objective(), Counts::new(1, 10).unwrap()),
    );
}

#[test]
fn configs_read_from_hand_written_json() {
    let policy: MultiWindowPolicy = serde_json::from_str(
        r#"{
            "slo": {"objective": "99.9%", "period": {"secs": 2592000, "nanos": 0}},
            "tiers": [
                {"severity": "page", "factor": 14.4,
                 "long": {"secs": 3600, "nanos": 0}, "short": {"secs": 300, "nanos": 0}}
            ]
        }"#,
    )
    .unwrap();
    assert_eq!(policy.tiers()[0].factor(), "72/5".parse().unwrap());
    assert_eq!(policy.guard(), VolumeGuard::default());
    let gate: BudgetGate =
        serde_json::from_str(r#"{"allow_from": "60%", "freeze_below": 0.25}"#).unwrap();
    assert_eq!(gate.allow_from(), Fraction::new(3, 5).unwrap());
    // Unknown fields, invalid values and inconsistent configs are rejected.
    for bad in [
        r#"{"allow_from": 0.5, "freeze_below": 0.2, "extra": 1}"#,
        r#"{"allow_from": 0.2, "freeze_below": 0.5}"#,
        r#"{"allow_from": 1.5, "freeze_below": 0.5}"#,
    ] {
        assert!(serde_json::from_str::<BudgetGate>(bad).is_err(), "{bad}");
    }
    assert!(serde_json::from_str::<Objective>("1.0").is_err());
    assert!(serde_json::from_str::<Objective>(r#""100%""#).is_err());
    assert!(serde_json::from_str::<Counts>(r#"{"bad": 5, "total": 3}"#).is_err());
    assert!(serde_json::from_str::<VolumeGuard>(
        r#"{"min_budget_events": 1, "wilson_confidence": 1.0}"#
    )
    .is_err());
    assert!(serde_json::from_str::<RollingCounter>(
        r#"{"interval": {"secs": 60, "nanos": 0}, "capacity": 1, "intervals": [{"bad": 0, "total": 1}, {"bad": 0, "total": 1}]}"#
    )
    .is_err());
}

#[test]
fn bad_input_gives_typed_errors() {
    // Targets outside (0, 1).
    for target in [0.0, 1.0, 1.5, -0.1, f64::NAN, f64::INFINITY] {
        assert!(
            matches!(
                Objective::from_f64(target),
                Err(Error::InvalidParameter {
                    name: "objective",
                    ..
                })
            ),
            "{target}"
        );
    }
    assert!(Objective::from_ppm(1_000_000).is_err());
    // Past 19 decimal places the denominator does not fit in 64 bits.
    assert!(matches!(
        Fraction::from_f64(1e-25),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(Objective::new(5, 0).is_err());
    // Counts.
    assert!(Counts::new(4, 3).is_err());
    assert!(Counts::from_good(4, 3).is_err());
    let full = Counts::new(u64::MAX, u64::MAX).unwrap();
    assert!(matches!(
        full.checked_add(Counts::new(0, 1).unwrap()),
        Err(Error::CountOverflow { .. })
    ));
    assert!(Counts::time_slices(1, Duration::from_secs(100), Duration::from_secs(30)).is_err());
    assert!(Counts::time_slices(1, Duration::from_secs(100), Duration::ZERO).is_err());
    assert!(Counts::time_slices(11, Duration::from_secs(100), Duration::from_secs(10)).is_err());
    // Durations and factors.
    assert!(Slo::new("0.99".parse().unwrap(), Duration::ZERO).is_err());
    assert!(Slo::new("0.99".parse().unwrap(), Duration::MAX).is_err());
    assert!(BurnFactor::new(0, 1).is_err());
    assert!(BurnFactor::from_budget_share(
        Fraction::ZERO,
        Duration::from_secs(1),
        Duration::from_secs(2)
    )
    .is_err());
    let hour = Duration::from_secs(3600);
    let f: BurnFactor = "2".parse().unwrap();
    assert!(AlertTier::new(Severity::Page, f, hour, hour).is_err());
    assert!(AlertTier::new(Severity::Page, f, hour, Duration::ZERO).is_err());
    // A tier longer than the period, and an empty policy.
    let week = Slo::new("0.999".parse().unwrap(), Duration::from_secs(7 * 86_400)).unwrap();
    let long = AlertTier::new(Severity::Ticket, f, Duration::from_secs(8 * 86_400), hour).unwrap();
    assert!(matches!(
        MultiWindowPolicy::new(week, vec![long]),
        Err(Error::InvalidConfig { .. })
    ));
    assert!(MultiWindowPolicy::new(week, vec![]).is_err());
    let one_day = Slo::new("0.999".parse().unwrap(), Duration::from_secs(86_400)).unwrap();
    assert!(MultiWindowPolicy::workbook(one_day).is_err()); // its 3-day tier exceeds the period
                                                            // Missing windows are an error, not a silent pass.
    let policy = MultiWindowPolicy::workbook(slo_30d()).unwrap();
    assert!(policy.evaluate(&Vec::<(Duration, Counts)>::new()).is_err());
    // Time to exhaustion and budget spent.
    let slo = slo_30d();
    for (remaining, burn) in [(0.5, f64::NAN), (0.5, -1.0), (f64::NAN, 1.0), (1.5, 1.0)] {
        assert!(slo.time_to_exhaustion(remaining, burn).is_err());
    }
    assert!(slo.budget_spent(f64::INFINITY, hour).is_err());
    assert_eq!(
        slo.time_to_exhaustion(1.0, 1e-300).unwrap(),
        Exhaustion::After(Duration::MAX)
    );
    assert!(slo.objective().detection_time(f, hour, 1.5).is_err());
    // Rolling counter shapes.
    let minute = Duration::from_secs(60);
    assert!(RollingCounter::new(minute, Duration::from_secs(90)).is_err());
    assert!(RollingCounter::new(Duration::from_secs(1), Duration::from_secs(20_000_000)).is_err());
    let counter = RollingCounter::new(minute, 60 * minute).unwrap();
    assert!(counter.window_counts(2 * 60 * minute).is_err());
    assert!(counter.window_counts(Duration::from_secs(90)).is_err());
    assert_eq!(counter.window_counts(minute).unwrap(), Counts::default());
}

#[test]
fn no_data_and_extreme_counts_have_defined_answers() {
    let objective: Objective = "0.999".parse().unwrap();
    let f: BurnFactor = "14.4".parse().unwrap();
    let empty = Counts::default();
    assert_eq!(objective.burn_rate(empty), None);
    assert!(!objective.exceeds(empty, f));
    assert_eq!(objective.budget(empty).remaining, None);
    let policy = MultiWindowPolicy::workbook(slo_30d()).unwrap();
    let windows: Vec<(Duration, Counts)> = policy
        .tiers()
        .iter()
        .flat_map(|t| [t.long(), t.short()])
        .map(|w| (w, empty))
        .collect();
    let report = policy.evaluate(&windows).unwrap();
    assert_eq!(report.verdict, canary_judge::slo::BurnVerdict::NoData);
    // Counts at u64::MAX: finite burn rates and exact decisions.
    let all_bad = Counts::new(u64::MAX, u64::MAX).unwrap();
    assert_eq!(objective.burn_rate(all_bad), Some(1000.0));
    assert!(objective.exceeds(all_bad, f));
    let status = objective.budget(all_bad);
    assert_eq!(status.remaining, Some(-999.0));
    assert!(status.allowed_bad.is_finite());
}
