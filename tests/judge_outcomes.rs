//! Every outcome a metric can have, for every kind of data and every test (except Kayenta's
//! rule, tested with its implementation). Expected values come from closed forms, hand counts
//! or the crate's lower-level functions, which are checked against scipy and R elsewhere.

mod judge_support;

use canary_judge::judge::{
    Change, Decision, EffectMeasure, MetricData, Observations, Outcome, Verdict,
};
use canary_judge::stats::{
    hodges_lehmann, mann_whitney_u, mann_whitney_u_grouped, Alternative, CatchAll,
    EventCountOptions, EventCountTest, EventCounts, HodgesLehmannOptions, MannWhitneyOptions,
    MethodUsed, QuantileTest, QuantileTestOptions, SequentialDecision, SequentialTest,
};
use judge_support::*;

const ALPHA: f64 = 0.05;

fn method_name(method: MethodUsed) -> &'static str {
    match method {
        MethodUsed::Exact => "exact",
        MethodUsed::ExactConditional => "exact_conditional",
        MethodUsed::Asymptotic => "asymptotic",
    }
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The decision a one-metric verdict must have for the metric's outcome: a pass or an
/// improvement scores 100, a regression 0; anything else cannot be scored yet.
fn expected_decision(outcome: Outcome) -> Decision {
    match outcome {
        Outcome::Pass | Outcome::Improvement => Decision::Promote,
        Outcome::Regression => Decision::Rollback,
        _ => Decision::Continue,
    }
}

fn check_decision(verdict: &Verdict) {
    let outcome = verdict.metrics[0].outcome;
    assert_eq!(verdict.decision, expected_decision(outcome), "{verdict:#?}");
}

// ---------------------------------------------------------------------------------------
// Samples, Mann-Whitney

/// Checks a Mann-Whitney result on samples against the test and the Hodges-Lehmann shift
/// computed directly.
fn check_mann_whitney_samples(
    bad: &str,
    canary: &[f64],
    baseline: &[f64],
    outcome: Outcome,
    change: Option<Change>,
) {
    let judge = one_metric(&format!("data = \"samples\"\nbad = \"{bad}\""));
    let verdict = verdict_of(&judge, samples(baseline.to_vec(), canary.to_vec()));
    let m = &verdict.metrics[0];
    let up = mw_pvalue(canary, baseline, Alternative::Greater);
    let down = mw_pvalue(canary, baseline, Alternative::Less);
    let expected_p = match bad {
        "increase" => up,
        "decrease" => down,
        _ => (2.0 * up.min(down)).min(1.0),
    };
    assert_eq!(m.outcome, outcome, "{}", m.reason);
    assert_eq!(m.change, change, "{}", m.reason);
    assert_eq!(m.test, "mann_whitney");
    assert_close(m.pvalue.unwrap(), expected_p, 1e-12, "p-value");
    assert_close(m.alpha.unwrap(), ALPHA, 1e-12, "alpha");
    assert!(!m.always_valid);
    let reported = mann_whitney_u(
        canary,
        baseline,
        &MannWhitneyOptions::default().alternative(if bad == "decrease" {
            Alternative::Less
        } else {
            Alternative::Greater
        }),
    )
    .unwrap();
    assert_eq!(m.method.as_deref(), Some(method_name(reported.method)));
    assert_eq!(m.statistic, Some(reported.statistic));
    let shift = hodges_lehmann(
        canary,
        baseline,
        &HodgesLehmannOptions::default().confidence(0.95),
    )
    .unwrap();
    let effect = m.effect.unwrap();
    assert_eq!(effect.measure, EffectMeasure::Shift);
    assert_close(effect.estimate, shift.estimate, 1e-12, "shift");
    assert_close(effect.low.unwrap(), shift.low, 1e-12, "shift low");
    assert_close(effect.high.unwrap(), shift.high, 1e-12, "shift high");
    assert_eq!(effect.confidence, Some(0.95));
    assert_eq!(m.canary.count, canary.len() as u64);
    assert_eq!(m.baseline.count, baseline.len() as u64);
    assert_close(m.canary.mean.unwrap(), mean(canary), 1e-12, "canary mean");
    assert_close(
        m.baseline.mean.unwrap(),
        mean(baseline),
        1e-12,
        "baseline mean",
    );
    let label = match (outcome, change) {
        (Outcome::Regression, Some(Change::Increase)) => ": regression (increase)",
        (Outcome::Regression, Some(Change::Decrease)) => ": regression (decrease)",
        (Outcome::Improvement, _) => ": improvement",
        _ => ": pass",
    };
    assert!(m.reason.starts_with("m "), "{}", m.reason);
    assert!(m.reason.ends_with(label), "{}", m.reason);
    assert!(
        m.reason
            .contains(&format!("n = {} / {}", canary.len(), baseline.len())),
        "{}",
        m.reason
    );
    check_decision(&verdict);
}

#[test]
fn samples_pass_when_the_canary_matches_the_baseline() {
    // Both spread evenly over [100, 200): the same distribution.
    let baseline: Vec<f64> = (0..200).map(|i| 100.0 + 0.5 * i as f64).collect();
    let canary: Vec<f64> = (0..100).map(|i| 100.25 + i as f64).collect();
    // The premise: neither one-sided test is significant on this draw.
    assert!(mw_pvalue(&canary, &baseline, Alternative::Greater) >= ALPHA);
    assert!(mw_pvalue(&canary, &baseline, Alternative::Less) >= ALPHA);
    for bad in ["increase", "decrease", "either"] {
        check_mann_whitney_samples(bad, &canary, &baseline, Outcome::Pass, None);
    }
}

#[test]
fn samples_regression_when_the_canary_moves_the_bad_way() {
    let mut data = Data::new(2);
    let baseline = data.lognormal(200, 100.0, 0.3);
    let slower = data.lognormal(100, 125.0, 0.3);
    let faster = data.lognormal(100, 80.0, 0.3);
    assert!(mw_pvalue(&slower, &baseline, Alternative::Greater) < 1e-6);
    assert!(mw_pvalue(&faster, &baseline, Alternative::Less) < 1e-6);
    let (up, down) = (Some(Change::Increase), Some(Change::Decrease));
    check_mann_whitney_samples("increase", &slower, &baseline, Outcome::Regression, up);
    check_mann_whitney_samples("decrease", &faster, &baseline, Outcome::Regression, down);
    check_mann_whitney_samples("either", &slower, &baseline, Outcome::Regression, up);
    check_mann_whitney_samples("either", &faster, &baseline, Outcome::Regression, down);
}

#[test]
fn samples_improvement_when_the_canary_moves_the_good_way() {
    let mut data = Data::new(3);
    let baseline = data.lognormal(200, 100.0, 0.3);
    let slower = data.lognormal(100, 125.0, 0.3);
    let faster = data.lognormal(100, 80.0, 0.3);
    let (up, down) = (Some(Change::Increase), Some(Change::Decrease));
    check_mann_whitney_samples("increase", &faster, &baseline, Outcome::Improvement, down);
    check_mann_whitney_samples("decrease", &slower, &baseline, Outcome::Improvement, up);
}

#[test]
fn intervals_are_judged_like_samples_with_the_exact_test_when_small() {
    // Per-minute p99 latencies (ms) over 12 minutes; the canary's are about 20 % higher.
    let baseline = [
        212.0, 205.0, 219.0, 201.0, 208.0, 215.0, 198.0, 210.0, 207.0, 203.0, 214.0, 209.0,
    ];
    let canary = [
        251.0, 242.0, 260.0, 238.0, 249.0, 255.0, 244.0, 258.0, 247.0, 252.0, 240.0, 246.0,
    ];
    let judge = one_metric("data = \"intervals\"\nbad = \"increase\"");
    let verdict = verdict_of(&judge, samples(baseline.to_vec(), canary.to_vec()));
    let m = &verdict.metrics[0];
    // Every canary value exceeds every baseline value: U = 144 of 144 pairs, and the exact
    // one-sided p-value is 1 / C(24, 12) = 1 / 2,704,156.
    assert_eq!(m.statistic, Some(144.0));
    assert_eq!(m.method.as_deref(), Some("exact"));
    assert_close(m.pvalue.unwrap(), 1.0 / 2_704_156.0, 1e-9, "exact p");
    assert_eq!(m.outcome, Outcome::Regression);
    assert_eq!(m.change, Some(Change::Increase));
    assert_eq!(verdict.decision, Decision::Rollback);
    // The Hodges-Lehmann shift is the median of the 144 differences, counted here directly.
    let mut differences: Vec<f64> = canary
        .iter()
        .flat_map(|c| baseline.iter().map(move |b| c - b))
        .collect();
    differences.sort_by(f64::total_cmp);
    let median = (differences[71] + differences[72]) / 2.0;
    assert_eq!(m.effect.unwrap().estimate, median);
}

// ---------------------------------------------------------------------------------------
// Histograms, Mann-Whitney on bucket counts

/// U of the canary from bucket counts: each canary observation beats the baseline's lower
/// buckets and ties half of its own bucket.
fn histogram_u(canary: &[u64], baseline: &[u64]) -> f64 {
    let mut below = 0.0;
    let mut u = 0.0;
    for (&c, &b) in canary.iter().zip(baseline) {
        u += c as f64 * (below + b as f64 / 2.0);
        below += b as f64;
    }
    u
}

fn histogram(baseline: &[u64], canary: &[u64]) -> MetricData {
    MetricData::Histogram {
        bounds: vec![50.0, 100.0, 200.0, 400.0, f64::INFINITY],
        baseline: baseline.to_vec(),
        canary: canary.to_vec(),
    }
}

#[test]
fn histograms_reach_every_tested_outcome() {
    let baseline = [400u64, 300, 200, 80, 20];
    let same = [40u64, 30, 20, 8, 2];
    let slower = [10u64, 20, 40, 20, 10];
    let faster = [70u64, 20, 8, 2, 0];
    let cases = [
        ("increase", same, Outcome::Pass, None),
        (
            "increase",
            slower,
            Outcome::Regression,
            Some(Change::Increase),
        ),
        (
            "increase",
            faster,
            Outcome::Improvement,
            Some(Change::Decrease),
        ),
        (
            "decrease",
            faster,
            Outcome::Regression,
            Some(Change::Decrease),
        ),
        (
            "decrease",
            slower,
            Outcome::Improvement,
            Some(Change::Increase),
        ),
        (
            "either",
            slower,
            Outcome::Regression,
            Some(Change::Increase),
        ),
    ];
    for (bad, canary, outcome, change) in cases {
        let judge = one_metric(&format!("data = \"histogram\"\nbad = \"{bad}\""));
        let verdict = verdict_of(&judge, histogram(&baseline, &canary));
        let m = &verdict.metrics[0];
        let grouped = |alternative| {
            mann_whitney_u_grouped(
                &canary,
                &baseline,
                &MannWhitneyOptions::default().alternative(alternative),
            )
            .unwrap()
            .pvalue
        };
        let (up, down) = (grouped(Alternative::Greater), grouped(Alternative::Less));
        let expected_p = match bad {
            "increase" => up,
            "decrease" => down,
            _ => (2.0 * up.min(down)).min(1.0),
        };
        assert_eq!(
            (m.outcome, m.change),
            (outcome, change),
            "{bad}: {}",
            m.reason
        );
        assert_close(m.pvalue.unwrap(), expected_p, 1e-12, "grouped p-value");
        let (n_canary, n_baseline) = (canary.iter().sum::<u64>(), baseline.iter().sum::<u64>());
        let effect = m.effect.unwrap();
        assert_eq!(effect.measure, EffectMeasure::Superiority);
        assert_close(
            effect.estimate,
            histogram_u(&canary, &baseline) / (n_canary * n_baseline) as f64,
            1e-12,
            "superiority",
        );
        assert_eq!((m.canary.count, m.baseline.count), (n_canary, n_baseline));
        assert_eq!((m.canary.mean, m.baseline.mean), (None, None));
        check_decision(&verdict);
    }
}

// ---------------------------------------------------------------------------------------
// Counts, the anytime-valid event-rate test

/// The same test fed directly: one batch at the canary's share of the traffic.
fn direct_event_test(
    alternative: Alternative,
    baseline: (u64, u64),
    canary: (u64, u64),
) -> EventCountTest {
    let options = EventCountOptions::default()
        .alpha(ALPHA)
        .alternative(alternative);
    let share = canary.1 as f64 / (canary.1 + baseline.1) as f64;
    let mut test = EventCountTest::new(share, options).unwrap();
    test.update(EventCounts {
        canary: canary.0,
        baseline: baseline.0,
    })
    .unwrap();
    test
}

#[test]
fn counts_reach_pass_and_regression_both_ways() {
    let cases = [
        // (bad, baseline, canary, outcome, change)
        (
            "increase",
            (100, 100_000),
            (11, 10_000),
            Outcome::Pass,
            None,
        ),
        (
            "increase",
            (100, 100_000),
            (60, 10_000),
            Outcome::Regression,
            Some(Change::Increase),
        ),
        // Fewer errors do not count against a metric where only an increase is bad.
        ("increase", (100, 100_000), (0, 10_000), Outcome::Pass, None),
        // Conversions: a drop is bad.
        (
            "decrease",
            (5_000, 100_000),
            (300, 10_000),
            Outcome::Regression,
            Some(Change::Decrease),
        ),
        (
            "either",
            (5_000, 100_000),
            (300, 10_000),
            Outcome::Regression,
            Some(Change::Decrease),
        ),
    ];
    for (bad, baseline, canary, outcome, change) in cases {
        let judge = one_metric(&format!("data = \"counts\"\nbad = \"{bad}\""));
        let verdict = verdict_of(&judge, counts(baseline, canary));
        let m = &verdict.metrics[0];
        let alternative = match bad {
            "increase" => Alternative::Greater,
            "decrease" => Alternative::Less,
            _ => Alternative::TwoSided,
        };
        let direct = direct_event_test(alternative, baseline, canary);
        assert_eq!(
            direct.decision() == SequentialDecision::Reject,
            outcome == Outcome::Regression
        );
        assert_eq!(
            (m.outcome, m.change),
            (outcome, change),
            "{bad}: {}",
            m.reason
        );
        assert_eq!(m.test, "event_rate");
        assert_eq!(m.method.as_deref(), Some("anytime_valid"));
        assert!(m.always_valid);
        assert_close(m.pvalue.unwrap(), direct.pvalue(), 1e-12, "always-valid p");
        assert_close(
            m.statistic.unwrap(),
            direct.log_statistic(),
            1e-12,
            "log e-value",
        );
        // The maximum-likelihood rate ratio of one batch is the ratio of the observed rates.
        let effect = m.effect.unwrap();
        assert_eq!(effect.measure, EffectMeasure::RateRatio);
        let rates = (
            canary.0 as f64 / canary.1 as f64,
            baseline.0 as f64 / baseline.1 as f64,
        );
        if canary.0 > 0 {
            assert_close(effect.estimate, rates.0 / rates.1, 1e-9, "rate ratio");
        } else {
            assert_eq!(effect.estimate, 0.0);
        }
        assert_eq!(m.canary.count, canary.1);
        assert_eq!(m.canary.mean, Some(rates.0));
        assert_eq!(m.baseline.mean, Some(rates.1));
        assert!(m.reason.contains("always-valid p"), "{}", m.reason);
        check_decision(&verdict);
    }
}

// ---------------------------------------------------------------------------------------
// Samples, the anytime-valid quantile test

fn direct_quantile_test(
    q: f64,
    alternative: Alternative,
    baseline: &[f64],
    canary: &[f64],
) -> QuantileTest {
    let options = QuantileTestOptions::default()
        .alpha(ALPHA)
        .quantiles(vec![q])
        .alternative(alternative)
        .catch_all(CatchAll::Disabled);
    let mut test = QuantileTest::new(options).unwrap();
    test.update_batch(baseline, canary).unwrap();
    test
}

/// The `ceil(q n)`-th smallest value: the empirical quantile the test reports.
fn empirical(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let k = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[k - 1]
}

#[test]
fn quantile_test_reaches_pass_and_regression_both_ways() {
    let mut data = Data::new(4);
    let baseline = data.lognormal(3_000, 100.0, 0.5);
    let same = data.lognormal(3_000, 100.0, 0.5);
    let slower = data.lognormal(3_000, 160.0, 0.5);
    let lower = data.lognormal(3_000, 60.0, 0.5);
    let cases = [
        ("increase", &same, Outcome::Pass, None),
        (
            "increase",
            &slower,
            Outcome::Regression,
            Some(Change::Increase),
        ),
        ("increase", &lower, Outcome::Pass, None),
        (
            "decrease",
            &lower,
            Outcome::Regression,
            Some(Change::Decrease),
        ),
        (
            "either",
            &slower,
            Outcome::Regression,
            Some(Change::Increase),
        ),
    ];
    for (bad, canary, outcome, change) in cases {
        let judge = one_metric(&format!(
            "data = \"samples\"\nbad = \"{bad}\"\ntest = {{ quantile = 0.9 }}"
        ));
        let verdict = verdict_of(&judge, samples(baseline.clone(), canary.clone()));
        let m = &verdict.metrics[0];
        let alternative = match bad {
            "increase" => Alternative::Greater,
            "decrease" => Alternative::Less,
            _ => Alternative::TwoSided,
        };
        let direct = direct_quantile_test(0.9, alternative, &baseline, canary);
        assert_eq!(
            direct.decision() == SequentialDecision::Reject,
            outcome == Outcome::Regression,
            "{bad}: premise"
        );
        assert_eq!(
            (m.outcome, m.change),
            (outcome, change),
            "{bad}: {}",
            m.reason
        );
        assert_eq!(m.test, "quantile");
        assert!(m.always_valid);
        assert_close(m.pvalue.unwrap(), direct.pvalue(), 1e-12, "always-valid p");
        let effect = m.effect.unwrap();
        assert_eq!(effect.measure, EffectMeasure::QuantileDifference);
        assert_eq!(
            effect.estimate,
            empirical(canary, 0.9) - empirical(&baseline, 0.9)
        );
        let band = direct.bands()[0];
        assert_eq!(effect.low, Some(band.difference.low));
        assert_eq!(effect.high, Some(band.difference.high));
        assert_eq!((m.canary.count, m.baseline.count), (3_000, 3_000));
        check_decision(&verdict);
    }
}

// ---------------------------------------------------------------------------------------
// Thresholds on one canary statistic (no baseline)

#[test]
fn thresholds_check_the_canary_statistic_by_hand() {
    let baseline = vec![1.0; 5];
    // Mean of the canary: (10 + 20 + 30 + 40 + 150) / 5 = 50.
    let canary = vec![10.0, 20.0, 30.0, 40.0, 150.0];
    // R-7 quantile 0.75 of 5 sorted values: h = 4 * 0.75 = 3, the 4th value, 40.
    // R-7 quantile 0.9: h = 3.6, 40 + 0.6 * (150 - 40) = 106.
    let cases = [
        ("{ max = 60 }", Outcome::Pass, None, 50.0),
        (
            "{ max = 45 }",
            Outcome::Regression,
            Some(Change::Increase),
            50.0,
        ),
        (
            "{ min = 55 }",
            Outcome::Regression,
            Some(Change::Decrease),
            50.0,
        ),
        ("{ min = 45, max = 55 }", Outcome::Pass, None, 50.0),
        (
            "{ of = { quantile = 0.75 }, max = 40 }",
            Outcome::Pass,
            None,
            40.0,
        ),
        (
            "{ of = { quantile = 0.9 }, max = 100 }",
            Outcome::Regression,
            Some(Change::Increase),
            106.0,
        ),
    ];
    for (rule, outcome, change, value) in cases {
        let judge = one_metric(&format!(
            "data = \"samples\"\nbad = \"increase\"\ntest = {{ threshold = {rule} }}"
        ));
        let verdict = verdict_of(&judge, samples(baseline.clone(), canary.clone()));
        let m = &verdict.metrics[0];
        assert_eq!(
            (m.outcome, m.change),
            (outcome, change),
            "{rule}: {}",
            m.reason
        );
        assert_eq!(m.test, "threshold");
        let effect = m.effect.unwrap();
        assert_eq!(effect.measure, EffectMeasure::CanaryValue);
        assert_close(effect.estimate, value, 1e-12, rule);
        assert_eq!((m.pvalue, m.method.as_deref()), (None, None));
        check_decision(&verdict);
    }
}

#[test]
fn thresholds_on_counts_and_histograms() {
    // Counts: 30 errors in 2,000 requests is a 1.5 % error rate.
    let judge =
        one_metric("data = \"counts\"\nbad = \"increase\"\ntest = { threshold = { max = 0.01 } }");
    let m = verdict_of(&judge, counts((0, 10), (30, 2_000))).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Regression);
    assert_eq!(m.effect.unwrap().estimate, 0.015);
    assert!(
        m.reason.starts_with("m = 0.015 (allowed <= 0.01)"),
        "{}",
        m.reason
    );
    // A success rate that must stay above 99 %: 1,985 of 2,000 is 99.25 %.
    let judge =
        one_metric("data = \"counts\"\nbad = \"decrease\"\ntest = { threshold = { min = 0.99 } }");
    let m = verdict_of(&judge, counts((0, 10), (1_985, 2_000))).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Pass);
    assert_eq!(m.effect.unwrap().estimate, 0.9925);

    // A histogram's p90 by Prometheus' interpolation: 100 observations, 80 at or below 20;
    // the 90th lies halfway into the (20, 40] bucket of 20: 20 + 20 * 10 / 20 = 30.
    let judge = one_metric(
        "data = \"histogram\"\nbad = \"increase\"\n\
         test = { threshold = { of = { quantile = 0.9 }, max = 25 } }",
    );
    let data = MetricData::Histogram {
        bounds: vec![10.0, 20.0, 40.0, f64::INFINITY],
        baseline: vec![1, 1, 1, 1],
        canary: vec![50, 30, 20, 0],
    };
    let m = verdict_of(&judge, data).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Regression);
    assert_eq!(m.change, Some(Change::Increase));
    assert_close(m.effect.unwrap().estimate, 30.0, 1e-12, "p90");
    // The first bucket starts at 0: p25 is a quarter... 25 of 50 into (0, 10], so 5.
    let judge = one_metric(
        "data = \"histogram\"\nbad = \"increase\"\n\
         test = { threshold = { of = { quantile = 0.25 }, max = 25 } }",
    );
    let data = MetricData::Histogram {
        bounds: vec![10.0, 20.0, 40.0, f64::INFINITY],
        baseline: vec![1, 1, 1, 1],
        canary: vec![50, 30, 20, 0],
    };
    let m = verdict_of(&judge, data).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Pass);
    assert_close(m.effect.unwrap().estimate, 5.0, 1e-12, "p25");
}

// ---------------------------------------------------------------------------------------
// Inconclusive: the minimum-sample rule is not met

#[test]
fn inconclusive_with_the_observation_shortfall() {
    for (data, test) in [
        ("samples", "mann_whitney"),
        ("intervals", "mann_whitney"),
        ("samples", "{ quantile = 0.5 }"),
        ("samples", "{ threshold = { max = 1e9 } }"),
    ] {
        let test = if test.starts_with('{') {
            test.to_string()
        } else {
            format!("\"{test}\"")
        };
        let judge = one_metric(&format!(
            "data = \"{data}\"\nbad = \"increase\"\ntest = {test}\n\
             min_sample = {{ observations = {{ canary = 100, baseline = 200 }} }}"
        ));
        let mut values = Data::new(5);
        let verdict = verdict_of(
            &judge,
            samples(
                values.lognormal(150, 100.0, 0.3),
                values.lognormal(40, 100.0, 0.3),
            ),
        );
        let m = &verdict.metrics[0];
        assert_eq!(m.outcome, Outcome::Inconclusive, "{test}: {}", m.reason);
        // 100 - 40 = 60 more canary values, 200 - 150 = 50 more baseline values.
        let shortfall = m.shortfall.expect("the shortfall is reported");
        assert_eq!(shortfall.more_canary, Some(60));
        assert_eq!(shortfall.more_baseline, Some(50));
        assert_eq!(shortfall.eta, None);
        assert!(
            m.reason
                .contains("need ~60 more canary observations and ~50 more baseline observations"),
            "{}",
            m.reason
        );
        assert!(m.reason.ends_with(": inconclusive"), "{}", m.reason);
        assert_eq!((m.canary.count, m.baseline.count), (40, 150));
        assert_eq!(m.pvalue, None);
        assert_eq!(verdict.decision, Decision::Continue);
        assert_eq!(verdict.score, None);
        assert!(
            verdict
                .reasons
                .iter()
                .any(|r| r.starts_with("waiting on m")),
            "{:?}",
            verdict.reasons
        );
    }
    // Enough data: judged.
    let judge = one_metric(
        "data = \"samples\"\nbad = \"increase\"\n\
         min_sample = { observations = { canary = 40, baseline = 150 } }",
    );
    let mut values = Data::new(5);
    let verdict = verdict_of(
        &judge,
        samples(
            values.lognormal(150, 100.0, 0.3),
            values.lognormal(40, 100.0, 0.3),
        ),
    );
    assert_ne!(verdict.metrics[0].outcome, Outcome::Inconclusive);
}

#[test]
fn inconclusive_counts_with_the_expected_events_shortfall() {
    // A fixed reference rate of 0.1 %: 5 expected errors need 5,000 requests per group.
    let judge = one_metric(
        "data = \"counts\"\nbad = \"increase\"\n\
         min_sample = { expected_events = { events = 5, reference = { fixed = 0.001 } } }",
    );
    let m = verdict_of(&judge, counts((3, 4_000), (1, 1_000))).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Inconclusive, "{}", m.reason);
    let shortfall = m.shortfall.unwrap();
    assert_eq!(shortfall.more_canary, Some(4_000));
    assert_eq!(shortfall.more_baseline, Some(1_000));
    assert_eq!((m.canary.count, m.baseline.count), (1_000, 4_000));

    // The baseline's own rate, 20 errors in 100,000 requests: 5 expected errors need 25,000
    // requests, so the canary's 10,000 fall 15,000 short and the baseline has enough.
    let judge = one_metric(
        "data = \"counts\"\nbad = \"increase\"\n\
         min_sample = { expected_events = { events = 5, reference = \"baseline\" } }",
    );
    let m = verdict_of(&judge, counts((20, 100_000), (2, 10_000))).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Inconclusive, "{}", m.reason);
    let shortfall = m.shortfall.unwrap();
    assert_eq!(
        (shortfall.more_canary, shortfall.more_baseline),
        (Some(15_000), Some(0))
    );
    assert!(
        m.reason.contains("need ~15000 more canary observations"),
        "{}",
        m.reason
    );
    // A threshold on counts waits for its minimum sample too.
    let threshold = one_metric(
        "data = \"counts\"\nbad = \"increase\"\ntest = { threshold = { max = 0.01 } }\n\
         min_sample = { observations = { canary = 1000, baseline = 0 } }",
    );
    let m = verdict_of(&threshold, counts((0, 10), (5, 400))).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Inconclusive, "{}", m.reason);
    assert_eq!(m.shortfall.unwrap().more_canary, Some(600));
    let m = verdict_of(&threshold, counts((0, 10), (5, 1_000))).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Pass, "{}", m.reason);
    // With no baseline errors yet the amount is unknown, and says so.
    let m = verdict_of(&judge, counts((0, 100_000), (2, 10_000))).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Inconclusive);
    assert_eq!(m.shortfall.unwrap().more_canary, None);
    assert!(m.reason.contains("amount not yet known"), "{}", m.reason);
}

// ---------------------------------------------------------------------------------------
// No data

#[test]
fn no_data_for_a_missing_metric_an_empty_group_or_no_traffic() {
    let configs = [
        ("data = \"samples\"\nbad = \"increase\"", "mann_whitney"),
        (
            "data = \"samples\"\nbad = \"increase\"\ntest = { quantile = 0.99 }",
            "quantile",
        ),
        (
            "data = \"samples\"\nbad = \"increase\"\ntest = { threshold = { max = 1 } }",
            "threshold",
        ),
        ("data = \"intervals\"\nbad = \"increase\"", "mann_whitney"),
        ("data = \"counts\"\nbad = \"increase\"", "event_rate"),
        (
            "data = \"counts\"\nbad = \"increase\"\ntest = { threshold = { max = 0.1 } }",
            "threshold",
        ),
        ("data = \"histogram\"\nbad = \"increase\"", "mann_whitney"),
    ];
    for (lines, test) in configs {
        let judge = one_metric(lines);
        // Missing from the observations altogether.
        let verdict = judge.judge(&Observations::new()).unwrap();
        let m = &verdict.metrics[0];
        assert_eq!(m.outcome, Outcome::NoData, "{lines}");
        assert_eq!(m.test, test);
        assert_eq!(m.reason, "m (no data): no data");
        assert_eq!(verdict.decision, Decision::Continue);
        assert_eq!(verdict.score, None);
        assert_eq!(
            verdict.reasons[0],
            "1 of 1 metrics have no data (rule: from 50%): keep watching"
        );
        // Present, but one group is empty.
        let empty = if lines.contains("counts") {
            counts((10, 1_000), (0, 0))
        } else if lines.contains("histogram") {
            MetricData::Histogram {
                bounds: vec![1.0, 2.0],
                baseline: vec![3, 4],
                canary: vec![0, 0],
            }
        } else {
            samples(vec![1.0, 2.0, 3.0], vec![])
        };
        let verdict = verdict_of(&judge, empty);
        let m = &verdict.metrics[0];
        assert_eq!(m.outcome, Outcome::NoData, "{lines}: {}", m.reason);
        assert!(m.reason.contains("a group has no"), "{lines}: {}", m.reason);
        assert_eq!(verdict.decision, Decision::Continue);
    }
    // Zero traffic in the baseline counts too.
    let judge = one_metric("data = \"counts\"\nbad = \"increase\"");
    let m = verdict_of(&judge, counts((0, 0), (1, 100))).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::NoData);
    assert!(m.reason.contains("a group has no traffic"), "{}", m.reason);
}

#[test]
fn removed_nan_values_can_leave_a_group_empty() {
    let judge = one_metric("data = \"samples\"\nbad = \"increase\"\nnan_policy = \"remove\"");
    let m =
        verdict_of(&judge, samples(vec![1.0, 2.0], vec![f64::NAN, f64::NAN])).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::NoData, "{}", m.reason);
}

// ---------------------------------------------------------------------------------------
// Errors: data the metric cannot use

#[test]
fn nan_is_an_error_unless_removal_is_asked_for() {
    let baseline: Vec<f64> = (0..30).map(|i| 100.0 + i as f64).collect();
    let mut canary: Vec<f64> = (0..30).map(|i| 100.5 + i as f64).collect();
    canary[7] = f64::NAN;
    for test in ["\"mann_whitney\"", "{ quantile = 0.5 }"] {
        let judge = one_metric(&format!(
            "data = \"samples\"\nbad = \"increase\"\ntest = {test}"
        ));
        let verdict = verdict_of(&judge, samples(baseline.clone(), canary.clone()));
        let m = &verdict.metrics[0];
        assert_eq!(m.outcome, Outcome::Error, "{test}");
        assert!(
            m.reason.contains("sample `canary` has NaN at index 7"),
            "{}",
            m.reason
        );
        assert!(m.reason.contains("NanPolicy::Remove"), "{}", m.reason);
        assert!(m.reason.ends_with(": error"), "{}", m.reason);
        assert_eq!(verdict.decision, Decision::Continue);
        assert_eq!(
            verdict.reasons.last().unwrap(),
            &format!("waiting on {}", m.reason)
        );

        // Removed on request: judged on the 29 values left.
        let judge = one_metric(&format!(
            "data = \"samples\"\nbad = \"increase\"\ntest = {test}\nnan_policy = \"remove\""
        ));
        let m = verdict_of(&judge, samples(baseline.clone(), canary.clone())).metrics[0].clone();
        assert_ne!(m.outcome, Outcome::Error, "{}", m.reason);
        assert_eq!((m.canary.count, m.baseline.count), (29, 30));
    }
    // The same p-value as the test on the cleaned sample.
    let judge = one_metric("data = \"samples\"\nbad = \"increase\"\nnan_policy = \"remove\"");
    let m = verdict_of(&judge, samples(baseline.clone(), canary.clone())).metrics[0].clone();
    let cleaned: Vec<f64> = canary.iter().copied().filter(|v| !v.is_nan()).collect();
    assert_close(
        m.pvalue.unwrap(),
        mw_pvalue(&cleaned, &baseline, Alternative::Greater),
        1e-12,
        "p-value after NaN removal",
    );
}

#[test]
fn data_of_the_wrong_kind_is_an_error() {
    let cases = [
        (
            "data = \"samples\"\nbad = \"increase\"",
            counts((1, 10), (1, 10)),
            "this metric is configured for samples",
        ),
        (
            "data = \"intervals\"\nbad = \"increase\"",
            counts((1, 10), (1, 10)),
            "this metric is configured for samples",
        ),
        (
            "data = \"counts\"\nbad = \"increase\"",
            samples(vec![1.0], vec![2.0]),
            "this metric is configured for counts",
        ),
        (
            "data = \"counts\"\nbad = \"increase\"\ntest = { threshold = { max = 0.1 } }",
            samples(vec![1.0], vec![2.0]),
            "this metric is configured for counts",
        ),
        (
            "data = \"histogram\"\nbad = \"increase\"",
            samples(vec![1.0], vec![2.0]),
            "this metric is configured for a histogram",
        ),
        (
            "data = \"samples\"\nbad = \"increase\"\ntest = { quantile = 0.5 }",
            counts((1, 10), (1, 10)),
            "does not fit",
        ),
    ];
    for (lines, data, message) in cases {
        let judge = one_metric(lines);
        let verdict = verdict_of(&judge, data);
        let m = &verdict.metrics[0];
        assert_eq!(m.outcome, Outcome::Error, "{lines}");
        assert!(
            m.reason.contains("parameter `data`"),
            "{lines}: {}",
            m.reason
        );
        assert!(
            m.reason.contains(message) || m.reason.contains("configured for"),
            "{lines}: {}",
            m.reason
        );
        assert_eq!(verdict.decision, Decision::Continue);
    }
}

#[test]
fn more_events_than_total_is_an_error() {
    for test in ["\"event_rate\"", "{ threshold = { max = 0.5 } }"] {
        let judge = one_metric(&format!(
            "data = \"counts\"\nbad = \"increase\"\ntest = {test}"
        ));
        let m = verdict_of(&judge, counts((5, 1_000), (11, 10))).metrics[0].clone();
        assert_eq!(m.outcome, Outcome::Error, "{test}");
        assert!(
            m.reason.contains(
                "parameter `canary.events` = 11 is invalid: events cannot exceed the total"
            ),
            "{}",
            m.reason
        );
        let m = verdict_of(&judge, counts((1_001, 1_000), (1, 10))).metrics[0].clone();
        assert_eq!(m.outcome, Outcome::Error, "{test}");
        assert!(m.reason.contains("`baseline.events`"), "{}", m.reason);
    }
}

#[test]
fn a_relative_tolerance_needs_positive_values() {
    let judge =
        one_metric("data = \"samples\"\nbad = \"increase\"\ntolerance = { relative = 0.05 }");
    let baseline = vec![10.0, 12.0, 0.0, 11.0];
    let canary = vec![10.5, 12.5, 11.0, 11.5];
    let m = verdict_of(&judge, samples(baseline, canary.clone())).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Error);
    assert!(
        m.reason.contains("sample `baseline` has 0 at index 2"),
        "{}",
        m.reason
    );
    assert!(m.reason.contains("ratios need positive"), "{}", m.reason);
    let m = verdict_of(&judge, samples(vec![1.0, 2.0], vec![3.0, -1.0])).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Error);
    assert!(
        m.reason.contains("sample `canary` has -1 at index 1"),
        "{}",
        m.reason
    );
}

#[test]
fn histogram_bounds_that_do_not_fit_are_an_error() {
    let judge = one_metric("data = \"histogram\"\nbad = \"increase\"");
    let short = MetricData::Histogram {
        bounds: vec![1.0, 2.0],
        baseline: vec![1, 2, 3],
        canary: vec![1, 2, 3],
    };
    let m = verdict_of(&judge, short).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Error);
    assert!(m.reason.contains("`bounds` has 2 entries"), "{}", m.reason);
    let unordered = MetricData::Histogram {
        bounds: vec![2.0, 1.0, f64::INFINITY],
        baseline: vec![1, 2, 3],
        canary: vec![1, 2, 3],
    };
    let m = verdict_of(&judge, unordered).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Error);
    assert!(
        m.reason.contains("bucket bounds must increase"),
        "{}",
        m.reason
    );
}

#[test]
fn an_error_in_one_metric_leaves_the_others_judged() {
    let judge = judge(
        r#"
        [[metrics]]
        name = "latency"
        data = "samples"
        bad = "increase"

        [[metrics]]
        name = "errors"
        data = "counts"
        bad = "increase"
        "#,
    );
    let observations = Observations::new()
        .with("latency", samples(vec![1.0, 2.0, 3.0], vec![1.5, f64::NAN]))
        .with("errors", counts((10, 10_000), (1, 1_000)));
    let verdict = judge.judge(&observations).unwrap();
    assert_eq!(metric(&verdict, "latency").outcome, Outcome::Error);
    assert_eq!(metric(&verdict, "errors").outcome, Outcome::Pass);
    // The error holds the decision: the passing metric alone scores 100, but the judge
    // waits for the other.
    assert_eq!(verdict.score, Some(100.0));
    assert_eq!(verdict.decision, Decision::Continue);
}
