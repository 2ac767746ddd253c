//! Kayenta's rule against worked cases: intervals from R (`scripts/kayenta_cases.R`), the
//! decision from Kayenta's `MannWhitneyClassifier` rule applied by hand, including the
//! documented surprising passes.

use canary_judge::judge::{Change, Judge, MetricData, Observations, Outcome};
use canary_judge::policy::Gate;

fn judge(rule: &str, bad: &str, critical: bool) -> Judge {
    Judge::from_toml(&format!(
        "[[metrics]]\nname = \"m\"\ndata = \"intervals\"\nbad = \"{bad}\"\ncritical = {critical}\ntest = {{ kayenta = {{ {rule} }} }}\n"
    ))
    .unwrap()
}

fn judged(
    judge: &Judge,
    canary: Vec<f64>,
    baseline: Vec<f64>,
) -> canary_judge::judge::MetricResult {
    let observations = Observations::new().with("m", MetricData::Samples { baseline, canary });
    judge.judge(&observations).unwrap().metrics.remove(0)
}

#[test]
fn spinnaker_6278_bimodal_jump_passes() {
    // R: low 6.8e-5, estimate 98.99993; bound = 0.25 * 99 = 24.75 > low: Pass.
    let mut canary = vec![100.0; 7];
    canary.extend([1.0; 3]);
    let result = judged(&judge("", "increase", false), canary, vec![1.0; 10]);
    assert_eq!(result.outcome, Outcome::Pass);
    let effect = result.effect.unwrap();
    assert!(effect.low.unwrap() < 0.25 * effect.estimate.abs());
    assert!((effect.estimate - 99.0).abs() < 1e-3 && (effect.high.unwrap() - 99.0).abs() < 1e-9);
}

#[test]
fn kayenta_426_sparse_errors_against_zero_baseline_pass() {
    // R: low 0, estimate 0.824, high 2; the zero baseline mean disables the mean-ratio gate.
    let result = judged(
        &judge("", "increase", false),
        vec![0.0, 1.0, 2.0, 1.0, 0.0, 0.0],
        vec![0.0; 6],
    );
    assert_eq!(result.outcome, Outcome::Pass);
    assert_eq!(result.effect.unwrap().low, Some(0.0));
}

#[test]
fn tie_out_case_is_high_at_98_percent() {
    // R: low 6, estimate 22.5, high 39 at 98 %; bound 5.625 < 6: High.
    let result = judged(
        &judge("", "increase", false),
        vec![10.0, 20.0, 30.0, 40.0],
        vec![1.0, 2.0, 3.0, 4.0],
    );
    assert_eq!(
        (result.outcome, result.change),
        (Outcome::Regression, Some(Change::Increase))
    );
    let effect = result.effect.unwrap();
    assert_eq!(
        (effect.low, effect.estimate, effect.high),
        (Some(6.0), 22.5, Some(39.0))
    );
    assert!(result.pvalue.is_none(), "Kayenta computes no p-value");
}

fn shifted() -> (Vec<f64>, Vec<f64>) {
    let canary = (0..30).map(|i| 130.0 + f64::from(i % 10)).collect();
    let baseline = (0..30).map(|i| 100.0 + f64::from(i % 10)).collect();
    (canary, baseline)
}

#[test]
fn mean_ratio_gate_and_critical_escalation() {
    // R: low 28, estimate 30, high 32; mean ratio 134.5 / 104.5 = 1.287.
    let (canary, baseline) = shifted();
    let high = judged(
        &judge("", "increase", false),
        canary.clone(),
        baseline.clone(),
    );
    assert_eq!(high.outcome, Outcome::Regression);
    let effect = high.effect.unwrap();
    assert!(
        (effect.low.unwrap() - 28.0).abs() < 1e-4 && (effect.high.unwrap() - 32.0).abs() < 1e-4
    );
    // kayenta#744: an allowed increase above the mean ratio turns a clear shift into a pass.
    let allowed = judged(
        &judge("allowed_increase = 1.3", "increase", false),
        canary.clone(),
        baseline.clone(),
    );
    assert_eq!(allowed.outcome, Outcome::Pass);
    // A critical metric below its critical effect is an ordinary High: no veto.
    let ordinary = judged(
        &judge("critical_increase = 1.5", "increase", true),
        canary.clone(),
        baseline.clone(),
    );
    assert_eq!(
        (ordinary.outcome, ordinary.critical),
        (Outcome::Regression, false)
    );
    let veto = judged(
        &judge("critical_increase = 1.2", "increase", true),
        canary.clone(),
        baseline.clone(),
    );
    assert_eq!((veto.outcome, veto.critical), (Outcome::Regression, true));
    // Direction: a decrease-only metric does not test High.
    let decrease_only = judged(&judge("", "decrease", false), canary, baseline);
    assert_eq!(decrease_only.outcome, Outcome::Pass);
}

#[test]
fn identical_and_constant_data() {
    let j = judge("", "either", false);
    assert_eq!(
        judged(&j, vec![3.0, 1.0, 2.0], vec![1.0, 2.0, 3.0]).outcome,
        Outcome::Pass
    );
    assert_eq!(
        judged(&j, vec![5.0; 4], vec![5.0; 6]).outcome,
        Outcome::Pass
    );
    let constant = judged(&j, vec![6.0; 4], vec![5.0; 6]);
    assert_eq!(
        (constant.outcome, constant.change),
        (Outcome::Regression, Some(Change::Increase))
    );
}

#[test]
fn iqr_outlier_removal_changes_the_verdict() {
    // One wild canary value among identical ones: kept, the data differ; removed, identical.
    let config = |outliers: &str| {
        Judge::from_toml(&format!(
            "[[metrics]]\nname = \"m\"\ndata = \"intervals\"\nbad = \"increase\"\ntest = {{ kayenta = {{}} }}\n{outliers}\n"
        ))
        .unwrap()
    };
    let baseline: Vec<f64> = (0..40).map(|i| 100.0 + f64::from(i % 5)).collect();
    let mut canary = baseline.clone();
    canary.push(1e6);
    let kept = judged(&config(""), canary.clone(), baseline.clone());
    let removed = judged(&config("outliers = { iqr = 3.0 }"), canary, baseline);
    assert_eq!(kept.canary.count, 41);
    assert_eq!(removed.canary.count, 40);
    assert!(removed.reason.contains("identical"), "{}", removed.reason);
}

#[test]
fn preset_files_load() {
    for (name, text) in [
        ("kayenta", include_str!("../examples/configs/kayenta.toml")),
        ("argo", include_str!("../examples/configs/argo.toml")),
        ("flagger", include_str!("../examples/configs/flagger.toml")),
        ("rollout", include_str!("../examples/configs/rollout.toml")),
    ] {
        Gate::from_toml(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    Judge::from_toml(include_str!("../examples/configs/checkout.toml")).unwrap();
}

/// One Argo measurement: the canary's errors out of its requests, and its P99 bucket counts
/// (bounds 100, 250, 500, 1000 ms, +Inf).
fn argo_tick(errors: u64, requests: u64, slow: u64) -> Observations {
    use canary_judge::judge::EventTotals;
    let baseline = EventTotals {
        events: 0,
        total: 1000,
    };
    let histogram = MetricData::Histogram {
        bounds: vec![100.0, 250.0, 500.0, 1000.0, f64::INFINITY],
        baseline: vec![900, 90, 10, 0, 0],
        canary: vec![900, 90, 10 - slow.min(10), slow.min(10), 0],
    };
    Observations::new()
        .with(
            "error rate",
            MetricData::Counts {
                baseline,
                canary: EventTotals {
                    events: errors,
                    total: requests,
                },
            },
        )
        .with("p99 duration", histogram)
}

#[test]
fn argo_failure_limit_two_fails_on_the_third_failed_measurement() {
    use canary_judge::policy::Action;
    let gate = Gate::from_toml(include_str!("../examples/configs/argo.toml")).unwrap();
    let mut state = gate.start();
    // 10 % errors against a 5 % ceiling fails each measurement; the weight is held.
    for tick in 1..=3u64 {
        let report = gate
            .step(&mut state, tick * 60, &argo_tick(100, 1000, 0))
            .unwrap();
        let expected = if tick < 3 {
            Action::Continue
        } else {
            Action::Rollback
        };
        assert_eq!(report.action, expected, "tick {tick}");
        assert_eq!(report.weight, if tick < 3 { 20.0 } else { 0.0 });
    }
}

#[test]
fn argo_passing_measurements_advance_after_the_pause() {
    use canary_judge::policy::Action;
    let gate = Gate::from_toml(include_str!("../examples/configs/argo.toml")).unwrap();
    let mut state = gate.start();
    let first = gate.step(&mut state, 0, &argo_tick(1, 1000, 0)).unwrap();
    assert_eq!(
        first.action,
        Action::Continue,
        "the 1-minute pause has not passed"
    );
    let second = gate.step(&mut state, 60, &argo_tick(1, 1000, 0)).unwrap();
    assert_eq!((second.action, second.weight), (Action::Promote, 40.0));
}

#[test]
fn argo_p99_from_the_histogram_fails_above_its_ceiling() {
    use canary_judge::policy::Action;
    let gate = Gate::from_toml(include_str!("../examples/configs/argo.toml")).unwrap();
    let mut state = gate.start();
    // 10 of 1000 requests in (500, 1000] ms: rank 990 is reached in the (100, 250] bucket
    // (cumulative 990), so P99 = 100 + 150 * (990 - 900) / 90 = 250 ms, as Prometheus'
    // histogram_quantile computes it: allowed.
    let fine = gate.step(&mut state, 0, &argo_tick(0, 1000, 10)).unwrap();
    assert_eq!(fine.verdict.metrics[1].outcome, Outcome::Pass);
    assert_eq!(fine.verdict.metrics[1].effect.unwrap().estimate, 250.0);
    // With 10 more slow canary requests the P99 interpolates above 500 ms: a failed measurement.
    let slow = argo_tick(0, 1000, 10);
    let slow = slow.with(
        "p99 duration",
        MetricData::Histogram {
            bounds: vec![100.0, 250.0, 500.0, 1000.0, f64::INFINITY],
            baseline: vec![900, 90, 10, 0, 0],
            canary: vec![890, 90, 0, 20, 0],
        },
    );
    let report = gate.step(&mut state, 60, &slow).unwrap();
    // P99 rank 990: 980 requests up to 500 ms, so 500 + 500 * 10 / 20 = 750 ms.
    assert_eq!(report.verdict.metrics[1].effect.unwrap().estimate, 750.0);
    assert_eq!(report.verdict.metrics[1].outcome, Outcome::Regression);
    assert_eq!(
        report.action,
        Action::Continue,
        "failureLimit 2 tolerates it"
    );
}

#[test]
fn flagger_counts_no_data_as_failed_checks_up_to_its_threshold() {
    use canary_judge::policy::Action;
    let gate = Gate::from_toml(include_str!("../examples/configs/flagger.toml")).unwrap();
    let mut state = gate.start();
    for tick in 1..=5u64 {
        let report = gate
            .step(&mut state, tick * 60, &Observations::new())
            .unwrap();
        let expected = if tick < 5 {
            Action::Continue
        } else {
            Action::Rollback
        };
        assert_eq!(report.action, expected, "tick {tick}");
    }
}
