//! Scoring and the verdict: group scores and weights (Kayenta's rule), critical vetoes,
//! muted metrics, the no-data rule, score thresholds and the error-budget gate. Each metric
//! is a threshold check, so its outcome is set by the data; the expected scores are counted
//! by hand.

mod judge_support;

use canary_judge::judge::{Decision, MetricData, Observations, Outcome, ScoreClass, Verdict};
use canary_judge::slo::{Counts, GateDecision};
use judge_support::*;

/// A metric whose canary mean must stay at or below 1, in `group`, with extra TOML lines.
fn metric_toml(name: &str, group: &str, extra: &str) -> String {
    format!(
        "[[metrics]]\nname = \"{name}\"\ngroup = \"{group}\"\ndata = \"samples\"\n\
         bad = \"increase\"\ntest = {{ threshold = {{ max = 1 }} }}\n{extra}\n"
    )
}

fn pass() -> MetricData {
    samples(vec![0.0], vec![0.5])
}

fn fail() -> MetricData {
    samples(vec![0.0], vec![5.0])
}

/// Observations with the given data per metric; metrics left out have no data.
fn observe(data: &[(&str, MetricData)]) -> Observations {
    data.iter()
        .fold(Observations::new(), |o, (name, d)| o.with(*name, d.clone()))
}

fn group<'a>(verdict: &'a Verdict, name: &str) -> &'a canary_judge::judge::GroupScore {
    verdict.groups.iter().find(|g| g.name == name).unwrap()
}

#[test]
fn group_scores_are_weighted_shares_of_passing_metrics() {
    let judge = judge(&format!(
        "[groups]\nlatency = 70\n\n{}{}{}",
        metric_toml("p50", "latency", ""),
        metric_toml("p99", "latency", "weight = 3"),
        metric_toml("errors", "errors", ""),
    ));
    // The unweighted group gets what is left: 30.
    let weights = judge.config().group_weights().unwrap();
    assert_eq!(weights["latency"], 70.0);
    assert_eq!(weights["errors"], 30.0);

    let verdict = judge
        .judge(&observe(&[
            ("p50", fail()),
            ("p99", pass()),
            ("errors", pass()),
        ]))
        .unwrap();
    // latency: weight 3 of 1 + 3 passes, 75; errors: 100; overall 0.7 * 75 + 0.3 * 100.
    let latency = group(&verdict, "latency");
    assert_eq!(
        (
            latency.weight,
            latency.score,
            latency.judged,
            latency.metrics
        ),
        (70.0, Some(75.0), 2, 2)
    );
    let errors = group(&verdict, "errors");
    assert_eq!((errors.weight, errors.score), (30.0, Some(100.0)));
    assert_eq!(verdict.score, Some(82.5));
    assert_eq!(verdict.classification, Some(ScoreClass::Marginal));
    assert_eq!(verdict.decision, Decision::Continue);
    assert_eq!(
        verdict.reasons[0],
        "score 82.5 (marginal; pass from 95, marginal from 75)"
    );
    assert_eq!(verdict.reasons[1], metric(&verdict, "p50").reason);
    assert!(verdict.reasons[1].ends_with(": regression (increase)"));
}

#[test]
fn unweighted_groups_share_the_remainder_equally() {
    let metrics = format!(
        "{}{}{}",
        metric_toml("a1", "a", ""),
        metric_toml("b1", "b", ""),
        metric_toml("c1", "c", "")
    );
    let observations = observe(&[("a1", pass()), ("b1", fail()), ("c1", pass())]);

    // a = 50; b and c share the other 50.
    let judge_a50 = judge(&format!("[groups]\na = 50\n\n{metrics}"));
    let verdict = judge_a50.judge(&observations).unwrap();
    let weights: Vec<f64> = verdict.groups.iter().map(|g| g.weight).collect();
    assert_eq!(weights, [50.0, 25.0, 25.0]);
    assert_eq!(verdict.score, Some(75.0));
    assert_eq!(verdict.classification, Some(ScoreClass::Marginal));

    // No weights at all: a third each; 2 of 3 pass, 66.67 after rounding to 2 decimals.
    let equal = judge(&metrics);
    let verdict = equal.judge(&observations).unwrap();
    for g in &verdict.groups {
        assert_close(g.weight, 100.0 / 3.0, 1e-12, "equal weight");
    }
    assert_eq!(verdict.score, Some(66.67));
    assert_eq!(verdict.classification, Some(ScoreClass::Fail));
    assert_eq!(verdict.decision, Decision::Rollback);

    // Every group weighted, totalling 100.
    let all = judge(&format!("[groups]\na = 20\nb = 10\nc = 70\n\n{metrics}"));
    let verdict = all.judge(&observations).unwrap();
    assert_eq!(verdict.score, Some(90.0));
}

#[test]
fn a_critical_regression_vetoes_whatever_the_score() {
    let mut config = String::new();
    for i in 0..5 {
        config += &metric_toml(&format!("ok{i}"), "default", "");
    }
    config += &metric_toml("crit", "default", "critical = true");
    let judge = judge(&config);
    let mut data: Vec<(String, MetricData)> = (0..5).map(|i| (format!("ok{i}"), pass())).collect();
    data.push(("crit".into(), fail()));
    let observations = data.iter().fold(Observations::new(), |o, (n, d)| {
        o.with(n.as_str(), d.clone())
    });
    let verdict = judge.judge(&observations).unwrap();
    assert_eq!(verdict.score, Some(0.0));
    assert_eq!(verdict.classification, Some(ScoreClass::Fail));
    assert_eq!(verdict.decision, Decision::Rollback);
    let crit = metric(&verdict, "crit");
    assert!(crit.critical);
    assert_eq!(
        verdict.reasons[0],
        format!("critical metric vetoes: {}", crit.reason)
    );
    assert_eq!(verdict.reasons.len(), 1, "{:?}", verdict.reasons);
    // The group score still shows the 5 of 6 passes.
    assert_close(
        verdict.groups[0].score.unwrap(),
        500.0 / 6.0,
        1e-12,
        "group score",
    );

    // The same critical metric passing: no veto, score 100.
    let observations = observations.with("crit", pass());
    let verdict = judge.judge(&observations).unwrap();
    assert_eq!(verdict.score, Some(100.0));
    assert_eq!(verdict.decision, Decision::Promote);

    // A critical metric without data holds the promotion.
    let mut observations = observations;
    observations.metrics.remove("crit");
    let verdict = judge.judge(&observations).unwrap();
    assert_eq!(verdict.score, Some(100.0));
    assert_eq!(verdict.decision, Decision::Continue);
    assert!(
        verdict
            .reasons
            .iter()
            .any(|r| r == "critical metric not judged: crit (no data): no data"),
        "{:?}",
        verdict.reasons
    );
}

#[test]
fn a_muted_metric_is_reported_but_not_scored() {
    let judge = judge(&format!(
        "{}{}{}",
        metric_toml("a", "default", ""),
        metric_toml("b", "default", ""),
        metric_toml("experimental", "default", "muted = true"),
    ));
    let verdict = judge
        .judge(&observe(&[
            ("a", pass()),
            ("b", pass()),
            ("experimental", fail()),
        ]))
        .unwrap();
    let muted = metric(&verdict, "experimental");
    assert!(muted.muted);
    assert_eq!(muted.outcome, Outcome::Regression);
    assert_eq!(verdict.score, Some(100.0));
    assert_eq!(verdict.decision, Decision::Promote);
    assert_eq!(
        (verdict.groups[0].judged, verdict.groups[0].metrics),
        (2, 2)
    );
    assert!(!verdict.reasons.iter().any(|r| r.contains("experimental")));

    // A muted metric without data does not count towards the no-data rule either: 1 of 2
    // unmuted metrics is 50 %, which trips it; the muted one would make it 2 of 3.
    let verdict = judge.judge(&observe(&[("a", pass())])).unwrap();
    assert_eq!(
        verdict.reasons[0],
        "1 of 2 metrics have no data (rule: from 50%): keep watching"
    );
}

#[test]
fn the_no_data_rule_holds_or_fails_from_its_share() {
    let metrics: String = ["a", "b", "c", "d"]
        .iter()
        .map(|n| metric_toml(n, "default", ""))
        .collect();
    // 2 of 4 without data reach the default share of 50 %: keep watching.
    let default_rule = judge(&metrics);
    let verdict = default_rule
        .judge(&observe(&[("a", pass()), ("b", pass())]))
        .unwrap();
    assert_eq!(verdict.decision, Decision::Continue);
    assert_eq!(
        verdict.reasons[0],
        "2 of 4 metrics have no data (rule: from 50%): keep watching"
    );
    // The judged metrics still score.
    assert_eq!(verdict.score, Some(100.0));
    assert_eq!(verdict.classification, Some(ScoreClass::Pass));

    // 1 of 4 (25 %) does not: the three judged metrics decide.
    let verdict = default_rule
        .judge(&observe(&[("a", pass()), ("b", pass()), ("c", pass())]))
        .unwrap();
    assert_eq!(verdict.decision, Decision::Promote);
    assert_eq!(verdict.groups[0].judged, 3);

    // A share of 25 % trips at 1 of 4.
    let strict = judge(&format!("[no_data]\nshare = 0.25\n\n{metrics}"));
    let verdict = strict
        .judge(&observe(&[("a", pass()), ("b", pass()), ("c", pass())]))
        .unwrap();
    assert_eq!(verdict.decision, Decision::Continue);
    assert_eq!(
        verdict.reasons[0],
        "1 of 4 metrics have no data (rule: from 25%): keep watching"
    );

    // Kayenta's action: fail, score 0.
    let failing = judge(&format!("[no_data]\naction = \"fail\"\n\n{metrics}"));
    let verdict = failing
        .judge(&observe(&[("a", pass()), ("b", pass())]))
        .unwrap();
    assert_eq!(verdict.score, Some(0.0));
    assert_eq!(verdict.classification, Some(ScoreClass::Fail));
    assert_eq!(verdict.decision, Decision::Rollback);
    assert_eq!(
        verdict.reasons[0],
        "2 of 4 metrics have no data (rule: from 50%): fail"
    );
}

#[test]
fn empty_groups_are_excluded_or_count_as_full_score() {
    // Two groups of equal weight; `quiet` has no data, `busy` fails. The rule's share of
    // 100 % is not reached by 1 of 2 metrics, so only the scoring of the empty group decides.
    let metrics = format!(
        "{}{}",
        metric_toml("q", "quiet", ""),
        metric_toml("b", "busy", "")
    );
    let thresholds = "[thresholds]\npass = 50\nmarginal = 25\n";
    let observations = observe(&[("b", fail())]);

    let excluded = judge(&format!("{thresholds}[no_data]\nshare = 1.0\n\n{metrics}"));
    let verdict = excluded.judge(&observations).unwrap();
    assert_eq!(group(&verdict, "quiet").score, None);
    assert_eq!(group(&verdict, "quiet").judged, 0);
    // Only `busy` counts: 0.
    assert_eq!(verdict.score, Some(0.0));
    assert_eq!(verdict.decision, Decision::Rollback);

    let full = judge(&format!(
        "{thresholds}[no_data]\nshare = 1.0\nempty_groups = \"full_score\"\n\n{metrics}"
    ));
    let verdict = full.judge(&observations).unwrap();
    // Kayenta: the empty group counts 100: (50 * 100 + 50 * 0) / 100.
    assert_eq!(verdict.score, Some(50.0));
    assert_eq!(verdict.classification, Some(ScoreClass::Pass));
    assert_eq!(verdict.decision, Decision::Promote);

    // Nothing judged at all, excluded: no score.
    let verdict = excluded.judge(&Observations::new()).unwrap();
    assert_eq!(verdict.score, None);
    assert_eq!(verdict.classification, None);
    assert_eq!(verdict.decision, Decision::Continue);
    assert!(
        verdict
            .reasons
            .contains(&"no metric could be judged yet".to_string()),
        "{:?}",
        verdict.reasons
    );
}

#[test]
fn score_thresholds_pass_from_pass_and_are_marginal_from_marginal() {
    let metrics: String = ["a", "b", "c", "d"]
        .iter()
        .map(|n| metric_toml(n, "default", ""))
        .collect();
    let judge = judge(&format!(
        "[thresholds]\npass = 75\nmarginal = 50\n\n{metrics}"
    ));
    let cases = [
        (4, 100.0, ScoreClass::Pass, Decision::Promote),
        (3, 75.0, ScoreClass::Pass, Decision::Promote),
        (2, 50.0, ScoreClass::Marginal, Decision::Continue),
        (1, 25.0, ScoreClass::Fail, Decision::Rollback),
        (0, 0.0, ScoreClass::Fail, Decision::Rollback),
    ];
    for (passing, score, class, decision) in cases {
        let data: Vec<(&str, MetricData)> = ["a", "b", "c", "d"]
            .iter()
            .enumerate()
            .map(|(i, n)| (*n, if i < passing { pass() } else { fail() }))
            .collect();
        let verdict = judge.judge(&observe(&data)).unwrap();
        assert_eq!(verdict.score, Some(score));
        assert_eq!(verdict.classification, Some(class));
        assert_eq!(verdict.decision, decision, "{passing} passing");
        let label = match class {
            ScoreClass::Pass => "pass",
            ScoreClass::Marginal => "marginal",
            ScoreClass::Fail => "fail",
        };
        assert_eq!(
            verdict.reasons[0],
            format!("score {score} ({label}; pass from 75, marginal from 50)")
        );
    }
}

#[test]
fn the_budget_gate_allows_holds_or_freezes() {
    let config = format!(
        "[budget]\nobjective = \"99.9%\"\nwindow = \"28d\"\n\n{}",
        metric_toml("a", "default", "")
    );
    let judge = judge(&config);
    // 1,000,000 requests at 99.9 % allow 1,000 bad ones.
    let with_budget = |bad: u64, data: MetricData| {
        judge
            .judge(
                &Observations::new()
                    .with("a", data)
                    .with_budget(Counts::new(bad, 1_000_000).unwrap()),
            )
            .unwrap()
    };
    // 100 spent: 90 % left, at least the 50 % that allows.
    let verdict = with_budget(100, pass());
    assert_eq!(verdict.decision, Decision::Promote);
    let report = verdict.budget.clone().unwrap();
    assert_eq!(report.decision, GateDecision::Allow);
    assert_close(report.budget.remaining.unwrap(), 0.9, 1e-12, "remaining");
    assert_eq!(report.budget.allowed_bad, 1_000.0);
    assert_eq!(
        verdict.reasons.last().unwrap(),
        "error budget: 90.00% of the error budget remains, at least the 0.5 needed to allow"
    );
    // Exactly at the allow bound: 500 spent leaves 50 %, which allows.
    assert_eq!(with_budget(500, pass()).decision, Decision::Promote);

    // 700 spent: 30 % left, caution: the promotion is held, and that comes first.
    let verdict = with_budget(700, pass());
    assert_eq!(verdict.decision, Decision::Continue);
    assert_eq!(
        verdict.budget.as_ref().unwrap().decision,
        GateDecision::Caution
    );
    assert!(
        verdict.reasons[0]
            .starts_with("error budget holds promotion: 30.00% of the error budget remains"),
        "{:?}",
        verdict.reasons
    );
    // Caution does not soften a rollback.
    assert_eq!(with_budget(700, fail()).decision, Decision::Rollback);

    // 900 spent: 10 % left, below the 20 % freeze bound: roll back even a passing canary.
    let verdict = with_budget(900, pass());
    assert_eq!(verdict.decision, Decision::Rollback);
    assert_eq!(verdict.score, Some(100.0));
    assert_eq!(
        verdict.budget.as_ref().unwrap().decision,
        GateDecision::Freeze
    );
    assert!(
        verdict.reasons[0].starts_with("error budget frozen: 10.00% of the error budget remains"),
        "{:?}",
        verdict.reasons
    );

    // No counts given: the promotion is held.
    let verdict = judge.judge(&observe(&[("a", pass())])).unwrap();
    assert_eq!(verdict.decision, Decision::Continue);
    assert_eq!(verdict.budget, None);
    assert_eq!(
        verdict.reasons.last().unwrap(),
        "error-budget gate: no counts for the 28d window given; promotion held"
    );
    // A window without events: the budget is unknown, the promotion held.
    let verdict = judge
        .judge(&observe(&[("a", pass())]).with_budget(Counts::new(0, 0).unwrap()))
        .unwrap();
    assert_eq!(verdict.decision, Decision::Continue);
    assert_eq!(verdict.budget.unwrap().decision, GateDecision::NoData);
}

#[test]
fn budget_tiers_are_configurable() {
    let judge = judge(&format!(
        "[budget]\nobjective = 0.999\nwindow = \"7d\"\ntiers = {{ allow_from = \"80%\", freeze_below = 0.5 }}\n\n{}",
        metric_toml("a", "default", "")
    ));
    let decide = |bad: u64| {
        judge
            .judge(&observe(&[("a", pass())]).with_budget(Counts::new(bad, 1_000_000).unwrap()))
            .unwrap()
    };
    // 300 of 1,000 allowed bad events spent: 70 % left, between 50 % and 80 %.
    assert_eq!(decide(300).budget.unwrap().decision, GateDecision::Caution);
    assert_eq!(decide(200).decision, Decision::Promote);
    assert_eq!(decide(501).decision, Decision::Rollback);
}
