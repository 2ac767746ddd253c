//! Minimum-sample rules: closed forms, agreement with the power reference values
//! (tests/data/power_reference.json), consistency properties and config validation.

use std::time::Duration;

use canary_judge::rules::{
    ArrivalRates, MannWhitneyPowerRule, MinExpectedEvents, MinObservations, Observed,
    ReferenceRate, SampleRule, Shortfall, Sufficiency, TwoProportionsPowerRule,
};
use canary_judge::stats::{Alternative, PowerOptions};
use canary_judge::Error;
use proptest::prelude::*;

fn greater() -> PowerOptions {
    PowerOptions::default().alternative(Alternative::Greater)
}

fn shortfall(answer: Sufficiency) -> Shortfall {
    *answer.shortfall().expect("not enough data")
}

#[test]
fn min_observations_counts_what_is_missing() {
    let rule = MinObservations::new(50, 200);
    let rates = ArrivalRates::observed(30, 600, Duration::from_secs(60)).unwrap(); // 0.5/s, 10/s
    let s = shortfall(rule.check(&Observed::new(20, 150), Some(&rates)).unwrap());
    // 30 canary at 0.5/s = 60 s; 50 baseline at 10/s = 5 s.
    assert_eq!((s.more_canary, s.more_baseline), (Some(30), Some(50)));
    assert_eq!(s.eta, Some(Duration::from_secs(60)));
    assert!(rule
        .check(&Observed::new(50, 200), None)
        .unwrap()
        .is_enough());
    assert!(MinObservations::new(0, 0)
        .check(&Observed::default(), None)
        .unwrap()
        .is_enough());
}

#[test]
fn expected_events_at_a_fixed_rate() {
    // Pyrra's low-volume rule with a 99.9 % SLO: 1 allowed bad event needs 1000 requests.
    let rule = MinExpectedEvents::new(1.0, ReferenceRate::Fixed(0.001)).unwrap();
    let s = shortfall(rule.check(&Observed::new(400, 1_000), None).unwrap());
    assert_eq!(
        (s.more_canary, s.more_baseline, s.eta),
        (Some(600), Some(0), None)
    );
    // 5 expected events at 2 %: 250 requests.
    let rule = MinExpectedEvents::new(5.0, ReferenceRate::Fixed(0.02)).unwrap();
    assert!(rule
        .check(&Observed::new(250, 250), None)
        .unwrap()
        .is_enough());
    assert!(!rule
        .check(&Observed::new(249, 250), None)
        .unwrap()
        .is_enough());
}

#[test]
fn expected_events_at_the_baseline_rate() {
    let rule = MinExpectedEvents::new(5.0, ReferenceRate::Baseline).unwrap();
    // Baseline rate 3 / 1000: each group needs 5 / 0.003 = 1666.7 → 1667 requests.
    let observed = Observed::new(100, 1_000).baseline_events(3);
    let rates = ArrivalRates::new(1.0, 10.0).unwrap();
    let s = shortfall(rule.check(&observed, Some(&rates)).unwrap());
    assert_eq!((s.more_canary, s.more_baseline), (Some(1_567), Some(667)));
    assert_eq!(s.eta, Some(Duration::from_secs(1_567)));
    // No baseline errors yet: the amount is unknown, and so is the wait.
    let s = shortfall(
        rule.check(&Observed::new(100, 1_000), Some(&rates))
            .unwrap(),
    );
    assert_eq!((s.more_canary, s.more_baseline, s.eta), (None, None, None));
    // More events than observations is an error, not an answer.
    let bad = Observed::new(10, 10).baseline_events(11);
    assert!(matches!(
        rule.check(&bad, None),
        Err(Error::InvalidParameter { .. })
    ));
}

#[test]
fn power_rules_from_nothing_ask_for_the_planned_sample_size() {
    // Reference (scripts/gen_power_reference.py): P(X > Y) = 0.6, 5 % canary, one-sided 0.05,
    // power 0.8 → 55 canary, 1031 baseline.
    let rule = MannWhitneyPowerRule::new(0.6, 0.05, greater()).unwrap();
    let s = shortfall(rule.check(&Observed::default(), None).unwrap());
    assert_eq!((s.more_canary, s.more_baseline), (Some(55), Some(1_031)));
    assert!(rule
        .check(&Observed::new(55, 1_031), None)
        .unwrap()
        .is_enough());
    // Error rates 2 % vs 1 %, 10 % canary → 912 and 8205.
    let rule = TwoProportionsPowerRule::new(0.02, 0.01, 0.1, greater()).unwrap();
    let s = shortfall(rule.check(&Observed::default(), None).unwrap());
    assert_eq!((s.more_canary, s.more_baseline), (Some(912), Some(8_205)));
    assert!(rule
        .check(&Observed::new(912, 8_205), None)
        .unwrap()
        .is_enough());
}

#[test]
fn a_large_baseline_lets_the_canary_get_by_with_less() {
    // Mann-Whitney information 12 m n / (m + n) against (z_.95 + z_.8)² / (p − ½)²; with
    // p = 0.6 the need is R = 6.182557 / (12 · 0.01) = 51.52 = m n / (m + n).
    // With n = 100 000 the canary needs m ≥ R n / (n − R) = 51.55 → 52.
    let rule = MannWhitneyPowerRule::new(0.6, 0.05, greater()).unwrap();
    let rates = ArrivalRates::new(1.0, 0.0).unwrap(); // canary traffic only
    let s = shortfall(
        rule.check(&Observed::new(40, 100_000), Some(&rates))
            .unwrap(),
    );
    assert_eq!(s.more_baseline, Some(0));
    assert_eq!(s.more_canary, Some(12));
    assert_eq!(s.eta, Some(Duration::from_secs(12)));
}

#[test]
fn a_target_the_current_traffic_never_reaches_has_amounts_but_no_eta() {
    // The baseline gets no traffic and is stuck at 10, so m n / (m + n) < 10, while
    // p = 0.55 needs 6.182557 / (12 · 0.0025) = 206: the amounts come from the planned
    // 50/50 split (206 · 4 = 824.3 in all, 413 per group, 403 more each).
    let rule = MannWhitneyPowerRule::new(0.55, 0.5, greater()).unwrap();
    let rates = ArrivalRates::new(5.0, 0.0).unwrap();
    let answer = rule.check(&Observed::new(10, 10), Some(&rates)).unwrap();
    let s = shortfall(answer);
    assert_eq!(
        (s.more_canary, s.more_baseline, s.eta),
        (Some(403), Some(403), None)
    );
    assert_eq!(
        s.to_string(),
        "need ~403 more canary observations and ~403 more baseline observations"
    );
}

#[test]
fn rule_configs_validate_on_construction_and_deserialization() {
    assert!(MannWhitneyPowerRule::new(0.5, 0.05, greater()).is_err());
    assert!(MannWhitneyPowerRule::new(0.4, 0.05, greater()).is_err()); // wrong direction
    assert!(MannWhitneyPowerRule::new(0.6, 1.0, greater()).is_err());
    assert!(TwoProportionsPowerRule::new(0.01, 0.01, 0.1, greater()).is_err());
    assert!(MinExpectedEvents::new(0.0, ReferenceRate::Baseline).is_err());
    assert!(MinExpectedEvents::new(5.0, ReferenceRate::Fixed(0.0)).is_err());
    assert!(ArrivalRates::new(-1.0, 1.0).is_err());
    assert!(ArrivalRates::observed(1, 1, Duration::ZERO).is_err());

    let ok = r#"{"superiority":0.6,"canary_share":0.05,"options":{"alternative":"greater"}}"#;
    let rule: MannWhitneyPowerRule = serde_json::from_str(ok).unwrap();
    assert_eq!(
        rule,
        MannWhitneyPowerRule::new(0.6, 0.05, greater()).unwrap()
    );
    let wrong_way = ok.replace("0.6", "0.4");
    assert!(serde_json::from_str::<MannWhitneyPowerRule>(&wrong_way).is_err());
    let unknown = ok.replace("\"canary_share\"", "\"share\"");
    assert!(serde_json::from_str::<MannWhitneyPowerRule>(&unknown).is_err());
    let events = r#"{"events":5,"reference":{"fixed":0.001}}"#;
    assert!(serde_json::from_str::<MinExpectedEvents>(events).is_ok());
    let events = r#"{"events":5,"reference":{"fixed":1.5}}"#;
    assert!(serde_json::from_str::<MinExpectedEvents>(events).is_err());
}

#[test]
fn answers_serialize_with_a_status_tag() {
    let enough = serde_json::to_value(Sufficiency::Enough).unwrap();
    assert_eq!(enough, serde_json::json!({"status": "enough"}));
    let answer = MinObservations::new(10, 0)
        .check(&Observed::new(4, 0), None)
        .unwrap();
    let json = serde_json::to_string(&answer).unwrap();
    assert_eq!(serde_json::from_str::<Sufficiency>(&json).unwrap(), answer);
    assert!(json.contains("\"status\":\"not_yet\""), "{json}");
}

fn power_rule() -> impl Strategy<Value = Box<dyn SampleRule>> {
    prop_oneof![
        (0.52f64..0.9, 0.01f64..0.99).prop_map(|(p, c)| {
            Box::new(MannWhitneyPowerRule::new(p, c, greater()).unwrap()) as Box<dyn SampleRule>
        }),
        (0.001f64..0.3, 1.2f64..4.0, 0.01f64..0.99).prop_map(|(py, ratio, c)| {
            let rule = TwoProportionsPowerRule::new((py * ratio).min(0.99), py, c, greater());
            Box::new(rule.unwrap()) as Box<dyn SampleRule>
        }),
    ]
}

proptest! {
    /// Adding what a power rule asks for makes it say "enough".
    #[test]
    fn power_rule_shortfall_is_sufficient(
        rule in power_rule(), m in 0u64..5_000, n in 0u64..50_000,
        rate_x in 0.01f64..100.0, rate_y in 0.01f64..100.0, with_rates in any::<bool>(),
    ) {
        let rates = ArrivalRates::new(rate_x, rate_y).unwrap();
        let rates = with_rates.then_some(&rates);
        let observed = Observed::new(m, n);
        if let Sufficiency::NotYet(s) = rule.check(&observed, rates).unwrap() {
            let (Some(dm), Some(dn)) = (s.more_canary, s.more_baseline) else {
                return Err(TestCaseError::fail(format!("amounts unknown: {s:?}")));
            };
            prop_assert!(dm + dn > 0);
            let after = Observed::new(m + dm, n + dn);
            prop_assert!(rule.check(&after, rates).unwrap().is_enough(), "{:?}", s);
            if let (Some(rates), Some(eta)) = (rates, s.eta) {
                let slowest = (dm as f64 / rates.canary_per_second())
                    .max(dn as f64 / rates.baseline_per_second());
                prop_assert!((eta.as_secs_f64() - slowest).abs() <= 1e-6 * slowest.max(1.0));
            }
        }
    }

    /// More data never makes an absolute rule ask for more.
    #[test]
    fn more_data_never_increases_the_need(
        k in 0.5f64..50.0, rate in 1e-4f64..1.0, m in 0u64..10_000, n in 0u64..10_000, extra in 0u64..1_000,
    ) {
        let rule = MinExpectedEvents::new(k, ReferenceRate::Fixed(rate)).unwrap();
        let need = |m, n| rule.check(&Observed::new(m, n), None).unwrap().shortfall().map(|s| s.more_canary.unwrap() + s.more_baseline.unwrap()).unwrap_or(0);
        prop_assert!(need(m + extra, n) <= need(m, n));
        // Closed form: the smallest n with n · rate >= k, for each group.
        let each = (k / rate).ceil() as u64;
        let expected = each.saturating_sub(m) + each.saturating_sub(n);
        prop_assert!(need(m, n).abs_diff(expected) <= 2, "{} vs {}", need(m, n), expected);
    }
}
