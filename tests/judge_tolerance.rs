//! Tolerances: a significant but harmless change passes, a harmful one does not. Expected
//! p-values are the rank test on the shifted (or log-shifted) samples, computed directly.

mod judge_support;

use canary_judge::judge::{Change, Decision, EffectMeasure, MetricData, Outcome};
use canary_judge::stats::{
    hodges_lehmann, mann_whitney_u, mann_whitney_u_grouped, Alternative, CatchAll,
    EventCountOptions, EventCountTest, EventCounts, HodgesLehmannOptions, MannWhitneyOptions,
    QuantileTest, QuantileTestOptions, SequentialTest,
};
use judge_support::*;

const ALPHA: f64 = 0.05;

fn logs(values: &[f64]) -> Vec<f64> {
    values.iter().map(|v| v.ln()).collect()
}

fn shifted(values: &[f64], by: f64) -> Vec<f64> {
    values.iter().map(|v| v - by).collect()
}

#[test]
fn a_significant_but_harmless_shift_passes_with_a_relative_tolerance() {
    // Latencies around 100 ms; the canary is 0.3 % slower in every quantile.
    let mut data = Data::new(10);
    let baseline = data.lognormal(5_000, 100.0, 0.02);
    let canary: Vec<f64> = data
        .lognormal(5_000, 100.0, 0.02)
        .iter()
        .map(|v| v * 1.003)
        .collect();

    // Without a tolerance the shift is significant: a regression.
    let strict = one_metric("data = \"samples\"\nbad = \"increase\"");
    let verdict = verdict_of(&strict, samples(baseline.clone(), canary.clone()));
    let m = &verdict.metrics[0];
    let p = mw_pvalue(&canary, &baseline, Alternative::Greater);
    assert!(
        p < 1e-6,
        "premise: the 0.3 % shift is significant (p = {p})"
    );
    assert_eq!(m.outcome, Outcome::Regression);
    assert_close(m.pvalue.unwrap(), p, 1e-12, "p without tolerance");
    assert_eq!(verdict.decision, Decision::Rollback);

    // With 1 % tolerated, the test asks whether canary / baseline exceeds 1.01: the p-value
    // of log(canary) - log(1.01) against log(baseline).
    let tolerant =
        one_metric("data = \"samples\"\nbad = \"increase\"\ntolerance = { relative = 0.01 }");
    let verdict = verdict_of(&tolerant, samples(baseline.clone(), canary.clone()));
    let m = &verdict.metrics[0];
    let p = mw_pvalue(
        &shifted(&logs(&canary), 1.01f64.ln()),
        &logs(&baseline),
        Alternative::Greater,
    );
    assert!(p > 0.5, "premise: 0.3 % is not beyond 1 % (p = {p})");
    assert_eq!(m.outcome, Outcome::Pass, "{}", m.reason);
    assert_close(m.pvalue.unwrap(), p, 1e-12, "p with 1 % tolerated");
    assert_eq!(verdict.decision, Decision::Promote);
    // The effect is a ratio: exp of the Hodges-Lehmann shift of the logarithms, near 1.003.
    let effect = m.effect.unwrap();
    assert_eq!(effect.measure, EffectMeasure::Ratio);
    let shift = hodges_lehmann(
        &logs(&canary),
        &logs(&baseline),
        &HodgesLehmannOptions::default().confidence(0.95),
    )
    .unwrap();
    assert_close(effect.estimate, shift.estimate.exp(), 1e-12, "ratio");
    assert_close(effect.low.unwrap(), shift.low.exp(), 1e-12, "ratio low");
    assert_close(effect.high.unwrap(), shift.high.exp(), 1e-12, "ratio high");
    assert!(
        (effect.estimate - 1.003).abs() < 0.001,
        "{}",
        effect.estimate
    );
    assert!(m.reason.contains("+0.3"), "{}", m.reason);

    // A 5 % slowdown is beyond the tolerance: still a regression.
    let slower: Vec<f64> = canary.iter().map(|v| v * 1.05 / 1.003).collect();
    let m = verdict_of(&tolerant, samples(baseline.clone(), slower.clone())).metrics[0].clone();
    let p = mw_pvalue(
        &shifted(&logs(&slower), 1.01f64.ln()),
        &logs(&baseline),
        Alternative::Greater,
    );
    assert!(p < ALPHA);
    assert_eq!(m.outcome, Outcome::Regression);
    assert_eq!(m.change, Some(Change::Increase));
    assert_close(m.pvalue.unwrap(), p, 1e-12, "p of a 5 % shift");
}

#[test]
fn a_relative_tolerance_for_a_decrease_tests_against_one_minus_it() {
    // Throughput per interval: lower is worse; the canary is 0.5 % lower.
    let mut data = Data::new(11);
    let baseline = data.lognormal(4_000, 1_000.0, 0.01);
    let canary: Vec<f64> = data
        .lognormal(4_000, 1_000.0, 0.01)
        .iter()
        .map(|v| v * 0.995)
        .collect();
    assert!(mw_pvalue(&canary, &baseline, Alternative::Less) < 1e-6);
    let judge =
        one_metric("data = \"intervals\"\nbad = \"decrease\"\ntolerance = { relative = 0.02 }");
    let m = verdict_of(&judge, samples(baseline.clone(), canary.clone())).metrics[0].clone();
    let p = mw_pvalue(
        &shifted(&logs(&canary), 0.98f64.ln()),
        &logs(&baseline),
        Alternative::Less,
    );
    assert_eq!(m.outcome, Outcome::Pass, "{}", m.reason);
    assert_close(m.pvalue.unwrap(), p, 1e-12, "p against 0.98");
    let judge =
        one_metric("data = \"intervals\"\nbad = \"decrease\"\ntolerance = { relative = 0.001 }");
    let m = verdict_of(&judge, samples(baseline, canary)).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Regression, "{}", m.reason);
    assert_eq!(m.change, Some(Change::Decrease));
}

#[test]
fn an_absolute_tolerance_shifts_the_baseline() {
    // CPU percent: the canary uses 0.5 points more.
    let mut data = Data::new(12);
    let baseline = data.normals(2_000, 40.0, 2.0);
    let canary: Vec<f64> = data.normals(1_000, 40.5, 2.0);
    assert!(mw_pvalue(&canary, &baseline, Alternative::Greater) < 1e-6);
    for (tolerance, outcome) in [(1.0, Outcome::Pass), (0.1, Outcome::Regression)] {
        let judge = one_metric(&format!(
            "data = \"samples\"\nbad = \"increase\"\ntolerance = {{ absolute = {tolerance} }}"
        ));
        let m = verdict_of(&judge, samples(baseline.clone(), canary.clone())).metrics[0].clone();
        let p = mw_pvalue(
            &shifted(&canary, tolerance),
            &baseline,
            Alternative::Greater,
        );
        assert_eq!(m.outcome, outcome, "tolerance {tolerance}: {}", m.reason);
        assert_close(
            m.pvalue.unwrap(),
            p,
            1e-12,
            "p against the shifted baseline",
        );
        // The effect stays the plain shift, whatever the tolerance.
        let shift = hodges_lehmann(&canary, &baseline, &HodgesLehmannOptions::default())
            .unwrap()
            .estimate;
        assert_eq!(m.effect.unwrap().measure, EffectMeasure::Shift);
        assert_close(m.effect.unwrap().estimate, shift, 1e-12, "shift");
    }
    // A drop that is bad: tested against baseline - tolerance.
    let lower: Vec<f64> = canary.iter().map(|v| v - 1.0).collect();
    let judge =
        one_metric("data = \"samples\"\nbad = \"decrease\"\ntolerance = { absolute = 1.0 }");
    let m = verdict_of(&judge, samples(baseline.clone(), lower.clone())).metrics[0].clone();
    let p = mw_pvalue(&shifted(&lower, -1.0), &baseline, Alternative::Less);
    assert_eq!(m.outcome, Outcome::Pass, "{}", m.reason);
    assert_close(m.pvalue.unwrap(), p, 1e-12, "p against baseline - 1");
}

#[test]
fn a_superiority_bound_needs_a_large_enough_effect() {
    let mut data = Data::new(13);
    let baseline = data.normals(3_000, 0.0, 1.0);
    // A shift of 0.2 standard deviations: P(canary > baseline) = Phi(0.2 / sqrt 2), about 0.556.
    let canary = data.normals(3_000, 0.2, 1.0);
    let test = mann_whitney_u(
        &canary,
        &baseline,
        &MannWhitneyOptions::default().alternative(Alternative::Greater),
    )
    .unwrap();
    let superiority = test.statistic / (3_000.0 * 3_000.0);
    assert!(test.pvalue < 1e-6);
    assert!((superiority - 0.556).abs() < 0.02, "{superiority}");
    for (bound, outcome) in [(0.6, Outcome::Pass), (0.53, Outcome::Regression)] {
        let judge = one_metric(&format!(
            "data = \"samples\"\nbad = \"increase\"\ntolerance = {{ superiority = {bound} }}"
        ));
        let m = verdict_of(&judge, samples(baseline.clone(), canary.clone())).metrics[0].clone();
        assert_eq!(m.outcome, outcome, "bound {bound}: {}", m.reason);
        // The p-value is the plain test's; the bound gates on the effect.
        assert_close(m.pvalue.unwrap(), test.pvalue, 1e-12, "p");
        let effect = m.effect.unwrap();
        assert_eq!(effect.measure, EffectMeasure::Superiority);
        assert_close(effect.estimate, superiority, 1e-12, "superiority");
        assert!(
            m.reason.contains("P(canary > baseline) = 0.55"),
            "{}",
            m.reason
        );
    }
    // A decrease needs P(canary > baseline) <= 1 - bound.
    let judge =
        one_metric("data = \"samples\"\nbad = \"decrease\"\ntolerance = { superiority = 0.53 }");
    let m = verdict_of(&judge, samples(canary.clone(), baseline.clone())).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Regression, "{}", m.reason);
    assert_eq!(m.change, Some(Change::Decrease));
    let judge =
        one_metric("data = \"samples\"\nbad = \"decrease\"\ntolerance = { superiority = 0.6 }");
    let m = verdict_of(&judge, samples(canary, baseline)).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Pass, "{}", m.reason);
}

#[test]
fn a_superiority_bound_on_histograms() {
    let baseline = [4_000u64, 3_000, 2_000, 800, 200];
    // Slightly more in the upper buckets: significant with this much traffic, but a small
    // effect.
    let canary = [3_800u64, 3_000, 2_100, 880, 220];
    let grouped = mann_whitney_u_grouped(
        &canary,
        &baseline,
        &MannWhitneyOptions::default().alternative(Alternative::Greater),
    )
    .unwrap();
    let superiority = grouped.probability_of_superiority();
    assert!(grouped.pvalue < ALPHA, "premise: p = {}", grouped.pvalue);
    assert!(superiority < 0.52, "premise: {superiority}");
    let data = |b: &[u64], c: &[u64]| MetricData::Histogram {
        bounds: vec![50.0, 100.0, 200.0, 400.0, f64::INFINITY],
        baseline: b.to_vec(),
        canary: c.to_vec(),
    };
    let strict = one_metric("data = \"histogram\"\nbad = \"increase\"");
    let m = verdict_of(&strict, data(&baseline, &canary)).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Regression, "{}", m.reason);
    let bounded =
        one_metric("data = \"histogram\"\nbad = \"increase\"\ntolerance = { superiority = 0.52 }");
    let m = verdict_of(&bounded, data(&baseline, &canary)).metrics[0].clone();
    assert_eq!(m.outcome, Outcome::Pass, "{}", m.reason);
    assert_close(
        m.effect.unwrap().estimate,
        superiority,
        1e-12,
        "superiority",
    );
}

#[test]
fn a_relative_tolerance_on_event_rates_needs_the_interval_beyond_it() {
    // 1.3 times the baseline's error rate, with enough traffic to be sure of it.
    let baseline = (10_000u64, 1_000_000u64);
    let canary = (1_300u64, 100_000u64);
    let mut direct = EventCountTest::new(
        100_000.0 / 1_100_000.0,
        EventCountOptions::default().alpha(ALPHA),
    )
    .unwrap();
    direct
        .update(EventCounts {
            canary: canary.0,
            baseline: baseline.0,
        })
        .unwrap();
    let interval = direct.interval().unwrap();
    assert!(direct.pvalue() < ALPHA);
    assert!(
        interval.low > 1.1 && interval.low < 1.25,
        "premise: the interval starts between 1.1 and 1.25, at {}",
        interval.low
    );
    for (relative, outcome) in [
        (0.0, Outcome::Regression),
        (0.1, Outcome::Regression),
        (0.25, Outcome::Pass),
        (1.0, Outcome::Pass),
    ] {
        let judge = one_metric(&format!(
            "data = \"counts\"\nbad = \"increase\"\ntolerance = {{ relative = {relative} }}"
        ));
        let m = verdict_of(&judge, counts(baseline, canary)).metrics[0].clone();
        assert_eq!(m.outcome, outcome, "relative {relative}: {}", m.reason);
        assert_eq!(m.pvalue, Some(direct.pvalue()));
        assert_eq!(m.effect.unwrap().low, Some(interval.low));
    }
}

#[test]
fn tolerances_on_the_quantile_test_use_its_bands() {
    let mut data = Data::new(14);
    let baseline = data.lognormal(4_000, 100.0, 0.3);
    let canary = data.lognormal(4_000, 115.0, 0.3);
    let options = QuantileTestOptions::default()
        .alpha(ALPHA)
        .quantiles(vec![0.5])
        .alternative(Alternative::Greater)
        .catch_all(CatchAll::Disabled);
    let mut direct = QuantileTest::new(options).unwrap();
    direct.update_batch(&baseline, &canary).unwrap();
    let band = direct.bands()[0];
    assert!(direct.pvalue() < ALPHA);
    // Absolute: regression only when the difference band starts above the tolerance.
    for tolerance in [1.0, 5.0, 10.0, 20.0] {
        let judge = one_metric(&format!(
            "data = \"samples\"\nbad = \"increase\"\ntest = {{ quantile = 0.5 }}\n\
             tolerance = {{ absolute = {tolerance} }}"
        ));
        let m = verdict_of(&judge, samples(baseline.clone(), canary.clone())).metrics[0].clone();
        let expected = if band.difference.low > tolerance {
            Outcome::Regression
        } else {
            Outcome::Pass
        };
        assert_eq!(m.outcome, expected, "absolute {tolerance}: {}", m.reason);
    }
    // Relative: the canary's band must start above the baseline's end times 1 + r.
    let mut seen = Vec::new();
    for relative in [0.01, 0.05, 0.3] {
        let judge = one_metric(&format!(
            "data = \"samples\"\nbad = \"increase\"\ntest = {{ quantile = 0.5 }}\n\
             tolerance = {{ relative = {relative} }}"
        ));
        let m = verdict_of(&judge, samples(baseline.clone(), canary.clone())).metrics[0].clone();
        let expected = if band.canary.low > band.baseline.high * (1.0 + relative) {
            Outcome::Regression
        } else {
            Outcome::Pass
        };
        assert_eq!(m.outcome, expected, "relative {relative}: {}", m.reason);
        seen.push(m.outcome);
    }
    // The cases cover both outcomes.
    assert!(seen.contains(&Outcome::Pass) && seen.contains(&Outcome::Regression));
}
