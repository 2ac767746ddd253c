//! The rollout gate tick by tick: soak time and consecutive passes delay promotion, rollback
//! rules (Flagger's first failure, Argo's allowance, consecutive failures), the look budget of
//! fixed-sample tests, and the errors of a misused gate. Tick outcomes are scripted with a
//! threshold metric on each tick's own counts, so every expected action is counted by hand.

mod judge_support;

use canary_judge::judge::{Observations, Outcome};
use canary_judge::policy::{Action, Gate, GateReport, GateState, Status};
use canary_judge::Error;
use judge_support::*;

/// One tick's data for the scripted metric.
#[derive(Clone, Copy, Debug)]
enum T {
    /// 0.5 % errors: passes the 1 % threshold.
    Pass,
    /// 5 % errors: a regression.
    Fail,
    /// No traffic: no data.
    NoData,
    /// Too little canary traffic for the minimum sample: inconclusive.
    Short,
    /// More errors than requests: an error.
    Broken,
}

fn observations(tick: T) -> Observations {
    let data = match tick {
        T::Pass => counts((5, 1_000), (5, 1_000)),
        T::Fail => counts((5, 1_000), (50, 1_000)),
        T::NoData => counts((0, 0), (0, 0)),
        T::Short => counts((5, 1_000), (0, 10)),
        T::Broken => counts((5, 1_000), (50, 10)),
    };
    Observations::new().with("errors", data)
}

/// A gate over `stages` (TOML array) with `rollback` rules (TOML, may be empty) and the
/// scripted metric.
fn gate(stages: &str, rollback: &str) -> Gate {
    let toml = format!(
        "stages = {stages}\n{rollback}\n[judge]\n[[judge.metrics]]\nname = \"errors\"\n\
         data = \"counts\"\nbad = \"increase\"\ntest = {{ threshold = {{ max = 0.01 }} }}\n\
         window = {{ sliding = 1 }}\n\
         min_sample = {{ observations = {{ canary = 100, baseline = 0 }} }}\n"
    );
    Gate::from_toml(&toml).unwrap_or_else(|e| panic!("{e}\n{toml}"))
}

/// Runs the script one tick a minute and returns the reports, stopping when the rollout
/// ends.
fn run(gate: &Gate, script: &[T]) -> (Vec<GateReport>, GateState) {
    let mut state = gate.start();
    let mut reports = Vec::new();
    for (i, &tick) in script.iter().enumerate() {
        let report = gate
            .step(&mut state, 1_000 + 60 * i as u64, &observations(tick))
            .unwrap();
        reports.push(report);
        if state.status != Status::Running {
            break;
        }
    }
    (reports, state)
}

fn actions(reports: &[GateReport]) -> Vec<Action> {
    reports.iter().map(|r| r.action).collect()
}

/// A single stage that cannot finish within the scripts, to watch the rollback rules alone.
const HOLD: &str = "[{ weight = 100, min_soak = \"1d\" }]";

#[test]
fn the_scripted_ticks_have_the_intended_outcomes() {
    let gate = gate(HOLD, "");
    let (reports, _) = run(&gate, &[T::Pass, T::NoData, T::Short]);
    let outcomes: Vec<Outcome> = reports
        .iter()
        .map(|r| r.verdict.metrics[0].outcome)
        .collect();
    assert_eq!(
        outcomes,
        [Outcome::Pass, Outcome::NoData, Outcome::Inconclusive]
    );
    let (reports, _) = run(&gate, &[T::Broken]);
    assert_eq!(reports[0].verdict.metrics[0].outcome, Outcome::Error);
    let (reports, _) = run(&gate, &[T::Fail]);
    assert_eq!(reports[0].verdict.metrics[0].outcome, Outcome::Regression);
}

#[test]
fn soak_time_delays_promotion() {
    let gate = gate("[{ weight = 10, min_soak = \"5m\" }, { weight = 100 }]", "");
    let (reports, state) = run(&gate, &[T::Pass; 10]);
    // The stage starts at the first tick (t = 1000) and has soaked 60 s per tick since: 300 s
    // at the 6th tick. The last stage has no soak: the next passing tick finishes.
    assert_eq!(
        actions(&reports),
        [
            Action::Continue,
            Action::Continue,
            Action::Continue,
            Action::Continue,
            Action::Continue,
            Action::Promote,
            Action::Finished
        ]
    );
    assert_eq!(reports[0].reasons[0], "passing; soaking at 10%: 0s of 5m");
    assert_eq!(reports[4].reasons[0], "passing; soaking at 10%: 4m of 5m");
    assert_eq!(reports[5].reasons[0], "stage 10% passed: promote to 100%");
    assert_eq!((reports[5].stage, reports[5].weight), (1, 100.0));
    assert_eq!(reports[4].weight, 10.0);
    assert_eq!(
        reports[6].reasons[0],
        "last stage (100%) passed: rollout finished"
    );
    assert!(state.is_finished());
    assert_eq!(state.ticks, 7);
    for (i, report) in reports.iter().enumerate() {
        assert_eq!(report.tick, i as u64 + 1);
        // The verdict's reasons follow the gate's own.
        assert_eq!(report.reasons[1..], report.verdict.reasons[..]);
    }
}

#[test]
fn consecutive_passes_delay_promotion_and_restart_after_a_non_pass() {
    let gate = gate(
        "[{ weight = 20, min_passing_ticks = 3 }, { weight = 50, min_passing_ticks = 2 }, { weight = 100 }]",
        "",
    );
    use T::*;
    let (reports, state) = run(
        &gate,
        &[
            Pass, Pass, NoData, Pass, Pass, Pass, Short, Pass, Pass, Pass,
        ],
    );
    assert_eq!(
        actions(&reports),
        [
            Action::Continue, // 1 of 3
            Action::Continue, // 2 of 3
            Action::Continue, // no data: the run restarts
            Action::Continue, // 1 of 3
            Action::Continue, // 2 of 3
            Action::Promote,  // 3 of 3: to 50 %
            Action::Continue, // inconclusive: the run restarts
            Action::Continue, // 1 of 2
            Action::Promote,  // 2 of 2: to 100 %
            Action::Finished,
        ]
    );
    assert_eq!(
        reports[1].reasons[0],
        "passing; 2 of 3 passing ticks in a row"
    );
    assert_eq!(
        reports[7].reasons[0],
        "passing; 1 of 2 passing ticks in a row"
    );
    let weights: Vec<f64> = reports.iter().map(|r| r.weight).collect();
    assert_eq!(
        weights,
        [20.0, 20.0, 20.0, 20.0, 20.0, 50.0, 50.0, 50.0, 100.0, 100.0]
    );
    assert!(state.is_finished());
}

#[test]
fn by_default_the_first_failing_verdict_rolls_back() {
    let gate = gate(HOLD, "");
    use T::*;
    let (reports, state) = run(&gate, &[Pass, NoData, Short, Fail, Pass]);
    assert_eq!(
        actions(&reports),
        [
            Action::Continue,
            Action::Continue,
            Action::Continue,
            Action::Rollback
        ]
    );
    let last = reports.last().unwrap();
    assert_eq!(last.weight, 0.0);
    assert_eq!(
        last.reasons[0],
        "rollback rule tripped: failed-checks threshold 1 (count 1)"
    );
    assert!(state.is_rolled_back());
    assert_eq!(state.status, Status::RolledBack);
    // Flagger counts a failed measurement as a failed check.
    let (reports, _) = run(&gate, &[Pass, Broken]);
    assert_eq!(actions(&reports), [Action::Continue, Action::Rollback]);
}

#[test]
fn argo_failure_limit_tolerates_that_many_failures() {
    // failureLimit = 2 tolerates two failing verdicts and rolls back on the third, however
    // far apart they are.
    let gate = gate(HOLD, "rollback = [{ failure_limit = { limit = 2 } }]");
    use T::*;
    let (reports, state) = run(&gate, &[Fail, Pass, Fail, Pass, Pass, NoData, Fail, Pass]);
    assert_eq!(
        actions(&reports),
        [
            Action::Continue,
            Action::Continue,
            Action::Continue,
            Action::Continue,
            Action::Continue,
            Action::Continue,
            Action::Rollback
        ]
    );
    assert_eq!(
        reports[0].reasons[0],
        "failing verdict, within the rollback rules' allowance: holding"
    );
    assert_eq!(
        reports[6].reasons[0],
        "rollback rule tripped: failureLimit 2 (fails on failure 3) (count 3)"
    );
    assert!(state.is_rolled_back());
    // Errors are not failures for this rule.
    let (reports, _) = run(&gate, &[Broken, Broken, Broken, Broken]);
    assert!(actions(&reports).iter().all(|a| *a == Action::Continue));
    // limit = 0 is Argo's default: the first failure.
    let gate0 = self::gate(HOLD, "rollback = [{ failure_limit = { limit = 0 } }]");
    let (reports, _) = run(&gate0, &[Pass, Fail]);
    assert_eq!(actions(&reports), [Action::Continue, Action::Rollback]);
}

#[test]
fn consecutive_failures_need_a_run() {
    let gate = gate(
        HOLD,
        "rollback = [{ consecutive_failures = { count = 3 } }]",
    );
    use T::*;
    // A pass or an inconclusive tick restarts the run; a tick without data is skipped.
    let script = [
        Fail, Fail, Pass, Fail, Fail, Short, Fail, Fail, NoData, Fail, Pass,
    ];
    let (reports, state) = run(&gate, &script);
    let expected: Vec<Action> = (0..10)
        .map(|i| {
            if i == 9 {
                Action::Rollback
            } else {
                Action::Continue
            }
        })
        .collect();
    assert_eq!(actions(&reports), expected);
    assert_eq!(
        reports[9].reasons[0],
        "rollback rule tripped: 3 consecutive failures (count 3)"
    );
    assert!(state.is_rolled_back());
}

#[test]
fn any_tripped_rule_rolls_back() {
    let gate = gate(
        HOLD,
        "rollback = [{ consecutive_failures = { count = 2 } }, { failed_checks_threshold = { threshold = 3 } }]",
    );
    use T::*;
    // Never two failures in a row, but the third failed check (an error counts) trips
    // Flagger's threshold.
    let (reports, _) = run(&gate, &[Fail, Pass, Broken, Pass, Fail, Pass]);
    assert_eq!(
        actions(&reports),
        [
            Action::Continue,
            Action::Continue,
            Action::Continue,
            Action::Continue,
            Action::Rollback
        ]
    );
    assert!(reports[4].reasons[0].starts_with("rollback rule tripped: failed-checks threshold"));
    // Two in a row trip the first rule.
    let (reports, _) = run(&gate, &[Fail, Fail]);
    assert_eq!(actions(&reports), [Action::Continue, Action::Rollback]);
    assert!(reports[1].reasons[0].starts_with("rollback rule tripped: 2 consecutive failures"));
}

/// A gate with one Mann-Whitney metric on samples, with the given `looks` and window.
fn rank_gate(looks: &str, extra: &str) -> Gate {
    Gate::from_toml(&format!(
        "stages = {HOLD}\n[judge]\n[[judge.metrics]]\nname = \"latency\"\ndata = \"samples\"\n\
         bad = \"increase\"\nlooks = {looks}\n{extra}\n"
    ))
    .unwrap()
}

fn latency(seed: u64, n: usize) -> Observations {
    let mut data = Data::new(seed);
    Observations::new().with(
        "latency",
        samples(data.lognormal(n, 100.0, 0.3), data.lognormal(n, 100.0, 0.3)),
    )
}

#[test]
fn a_bonferroni_budget_spends_alpha_per_look_then_waits() {
    let gate = rank_gate(
        "{ bonferroni = 3 }",
        "min_sample = { observations = { canary = 30, baseline = 30 } }",
    );
    let mut state = gate.start();
    let mut reports = Vec::new();
    for tick in 0..6u64 {
        // 20 values per group and tick: the first tick is short of the minimum sample and
        // does not use a look.
        reports.push(
            gate.step(&mut state, tick * 60, &latency(tick, 20))
                .unwrap(),
        );
    }
    let results: Vec<_> = reports.iter().map(|r| &r.verdict.metrics[0]).collect();
    assert_eq!(results[0].outcome, Outcome::Inconclusive);
    assert!(results[0].shortfall.is_some());
    for result in &results[1..4] {
        assert!(result.pvalue.is_some());
        assert_close(result.alpha.unwrap(), 0.05 / 3.0, 1e-12, "alpha per look");
    }
    for result in &results[4..] {
        assert_eq!(result.outcome, Outcome::Inconclusive);
        assert_eq!(result.pvalue, None);
        assert!(
            result
                .reason
                .contains("its budget of 3 looks is spent; a fixed-sample test cannot look again"),
            "{}",
            result.reason
        );
    }
    // The growing window holds every tick: 20 values a tick.
    assert_eq!(results[3].canary.count, 80);
    // Spent looks hold the rollout; they do not roll it back.
    assert!(reports.iter().all(|r| r.action == Action::Continue));
    assert_eq!(state.status, Status::Running);
}

#[test]
fn unadjusted_looks_keep_the_full_level_and_a_sliding_window_forgets() {
    let gate = rank_gate("\"unadjusted\"", "window = { sliding = 2 }");
    let mut state = gate.start();
    for tick in 0..5u64 {
        let report = gate
            .step(&mut state, tick * 60, &latency(tick, 15))
            .unwrap();
        let m = &report.verdict.metrics[0];
        assert_close(m.alpha.unwrap(), 0.05, 1e-12, "alpha");
        // The last two ticks at most.
        assert_eq!(m.canary.count, 15 * (tick + 1).min(2));
    }
}

#[test]
fn time_must_not_go_backwards() {
    let gate = gate(HOLD, "");
    let mut state = gate.start();
    gate.step(&mut state, 600, &observations(T::Pass)).unwrap();
    let before = serde_json::to_string(&state).unwrap();
    let error = gate
        .step(&mut state, 599, &observations(T::Pass))
        .unwrap_err();
    assert!(
        error.to_string().contains("time must not go backwards"),
        "{error}"
    );
    assert!(matches!(error, Error::InvalidParameter { name: "now", .. }));
    // The failed step changed nothing.
    assert_eq!(serde_json::to_string(&state).unwrap(), before);
    // The same time again is allowed.
    assert!(gate.step(&mut state, 600, &observations(T::Pass)).is_ok());
    assert_eq!(state.ticks, 2);
}

#[test]
fn a_finished_or_rolled_back_rollout_cannot_step() {
    let finishing = gate("[{ weight = 100 }]", "");
    let (reports, mut state) = run(&finishing, &[T::Pass]);
    assert_eq!(actions(&reports), [Action::Finished]);
    let error = finishing
        .step(&mut state, 10_000, &observations(T::Pass))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "parameter `state.status` = finished is invalid: the rollout is over; start a new state for the next one"
    );
    let (_, mut state) = run(&finishing, &[T::Fail]);
    let error = finishing
        .step(&mut state, 10_000, &observations(T::Pass))
        .unwrap_err();
    assert!(
        error.to_string().contains("= rolled_back is invalid"),
        "{error}"
    );
    // A state of another gate is refused.
    let three = gate("[{ weight = 5 }, { weight = 50 }, { weight = 100 }]", "");
    let (_, mut state) = run(&three, &[T::Pass, T::Pass]);
    assert_eq!(state.stage, 2);
    let error = finishing
        .step(&mut state, 10_000, &observations(T::Pass))
        .unwrap_err();
    assert!(
        error.to_string().contains("does not belong to this gate"),
        "{error}"
    );
}

#[test]
fn observations_naming_unknown_metrics_are_refused() {
    let gate = gate(HOLD, "");
    let mut state = gate.start();
    let error = gate
        .step(
            &mut state,
            0,
            &Observations::new().with("eror", counts((1, 10), (1, 10))),
        )
        .unwrap_err();
    assert!(matches!(error, Error::UnknownMetric { .. }), "{error}");
    assert_eq!(state.ticks, 0);
}

// ---------------------------------------------------------------------------------------
// Configuration errors of the gate

fn gate_rejects(toml: &str, field: &str, allowed: &str) {
    let error = Gate::from_toml(toml).expect_err(toml);
    let message = error.to_string();
    let named = match &error {
        Error::InvalidConfig { field, .. } | Error::Parse { field, .. } => field.clone(),
        other => panic!("expected a configuration error, got {other:?}"),
    };
    assert_eq!(named, field, "{message}");
    assert!(message.contains(&format!("`{field}`")), "{message}");
    assert!(message.contains(allowed), "{allowed:?} not in: {message}");
}

const ERRORS: &str =
    "[judge]\n[[judge.metrics]]\nname = \"errors\"\ndata = \"counts\"\nbad = \"increase\"\n";

#[test]
fn gate_configuration_errors_name_the_field() {
    let increasing = "weights must increase from stage to stage, within (0, 100]";
    gate_rejects(
        &format!("stages = [{{ weight = 20 }}, {{ weight = 20 }}]\n{ERRORS}"),
        "stages[1].weight",
        increasing,
    );
    gate_rejects(
        &format!("stages = [{{ weight = 50 }}, {{ weight = 20 }}, {{ weight = 100 }}]\n{ERRORS}"),
        "stages[1].weight",
        increasing,
    );
    gate_rejects(
        &format!("stages = [{{ weight = 0 }}]\n{ERRORS}"),
        "stages[0].weight",
        increasing,
    );
    gate_rejects(
        &format!("stages = [{{ weight = 50 }}, {{ weight = 120 }}]\n{ERRORS}"),
        "stages[1].weight",
        increasing,
    );
    gate_rejects(
        &format!("stages = []\n{ERRORS}"),
        "stages",
        "configure at least one stage",
    );
    gate_rejects(
        &format!("stages = [{{ weight = 100, min_passing_ticks = 0 }}]\n{ERRORS}"),
        "stages[0].min_passing_ticks",
        "must be at least 1",
    );
    gate_rejects(
        &format!("stages = [{{ weight = 100, min_sok = \"5m\" }}]\n{ERRORS}"),
        "stages[0].min_sok",
        "unknown field `min_sok`, expected one of `weight`, `min_soak`, `min_passing_ticks`",
    );
    gate_rejects(
        &format!("stages = [{{ weight = 100, min_soak = \"5 min\" }}]\n{ERRORS}"),
        "stages[0].min_soak",
        "write a whole number with a unit",
    );
    gate_rejects(
        &format!(
            "stages = [{{ weight = 100 }}]\nrollback = [{{ consecutive_success_limit = {{ limit = 3 }} }}]\n{ERRORS}"
        ),
        "rollback[0]",
        "rollback rules count failures or errors; set consecutive passes with stages[].min_passing_ticks",
    );
    gate_rejects(
        &format!("stages = [{{ weight = 100 }}]\nrollback = [{{ failure_limt = {{ limit = 3 }} }}]\n{ERRORS}"),
        "rollback[0]",
        "unknown variant `failure_limt`, expected one of `failure_limit`",
    );
    gate_rejects(
        &format!("stages = [{{ weight = 100 }}]\nrollback = [{{ consecutive_failures = {{ count = 0 }} }}]\n{ERRORS}"),
        "rollback[0].consecutive_failures.count",
        "nonzero",
    );
    gate_rejects(
        &format!("stages = [{{ weight = 100 }}]\nrolback = []\n{ERRORS}"),
        "rolback",
        "unknown field `rolback`",
    );
}

#[test]
fn a_fixed_sample_metric_in_a_gate_needs_looks() {
    let toml = "stages = [{ weight = 100 }]\n[judge]\n\
                [[judge.metrics]]\nname = \"errors\"\ndata = \"counts\"\nbad = \"increase\"\n\
                [[judge.metrics]]\nname = \"latency\"\ndata = \"samples\"\nbad = \"increase\"\n";
    gate_rejects(
        toml,
        "judge.metrics[1].looks",
        "metric `latency` uses a fixed-sample test, which a gate re-runs at every tick: set \
         `looks = { bonferroni = N }` to keep the error rate over N looks, `looks = \"unadjusted\"` \
         to accept the inflation, or use a sequential test",
    );
    // The same metric loads in a judge alone, where it is looked at once.
    let judge_alone = toml
        .replace("stages = [{ weight = 100 }]\n[judge]\n", "")
        .replace("judge.metrics", "metrics");
    assert!(canary_judge::judge::Judge::from_toml(&judge_alone).is_ok());
    // Threshold checks and sequential tests need no `looks`.
    assert!(Gate::from_toml(
        "stages = [{ weight = 100 }]\n[judge]\n[[judge.metrics]]\nname = \"p99\"\n\
         data = \"samples\"\nbad = \"increase\"\ntest = { threshold = { max = 5 } }\n\
         [[judge.metrics]]\nname = \"p90\"\ndata = \"samples\"\nbad = \"increase\"\n\
         test = { quantile = 0.9 }\n"
    )
    .is_ok());
}

#[test]
fn judge_errors_in_a_gate_are_named_under_judge() {
    gate_rejects(
        &format!(
            "stages = [{{ weight = 100 }}]\n[judge]\nconfidence = 1.5\n{}",
            &ERRORS[8..]
        ),
        "judge.confidence",
        "must be in (0, 1)",
    );
    gate_rejects(
        &format!("stages = [{{ weight = 100 }}]\n{ERRORS}weight = 0\n"),
        "judge.metrics[0].weight",
        "must be positive and finite",
    );
    gate_rejects(
        &format!("stages = [{{ weight = 100 }}]\n{ERRORS}tolerence = {{ relative = 0.1 }}\n"),
        "judge.metrics[0].tolerence",
        "unknown field `tolerence`",
    );
    gate_rejects(
        &format!(
            "stages = [{{ weight = 100 }}]\n[judge.groups]\nerors = 50\n{}",
            &ERRORS[8..]
        ),
        "judge.groups.erors",
        "no unmuted metric is in this group",
    );
}

#[test]
fn a_bad_tick_is_an_error_once_and_does_not_spoil_the_window() {
    // Errors do not roll back under Argo's failure limit, so the rollout goes on.
    let gate = Gate::from_toml(&format!(
        "stages = {HOLD}\nrollback = [{{ failure_limit = {{ limit = 0 }} }}]\n[judge]\n\
         [[judge.metrics]]\nname = \"latency\"\ndata = \"samples\"\nbad = \"increase\"\n\
         looks = \"unadjusted\"\n\
         [[judge.metrics]]\nname = \"buckets\"\ndata = \"histogram\"\nbad = \"increase\"\n\
         looks = \"unadjusted\"\n"
    ))
    .unwrap();
    let good = |seed: u64| {
        let mut data = Data::new(seed);
        Observations::new()
            .with(
                "latency",
                samples(
                    data.lognormal(30, 100.0, 0.3),
                    data.lognormal(10, 100.0, 0.3),
                ),
            )
            .with(
                "buckets",
                canary_judge::judge::MetricData::Histogram {
                    bounds: vec![10.0, 100.0, f64::INFINITY],
                    baseline: vec![30, 60, 10],
                    canary: vec![3, 6, 1],
                },
            )
    };
    let bad = Observations::new()
        .with("latency", samples(vec![1.0, f64::NAN], vec![2.0]))
        .with(
            "buckets",
            canary_judge::judge::MetricData::Histogram {
                bounds: vec![10.0, f64::INFINITY],
                baseline: vec![30, 60, 10],
                canary: vec![3, 6, 1],
            },
        );
    let wrong_kind = Observations::new()
        .with("latency", counts((1, 10), (1, 10)))
        .with("buckets", samples(vec![1.0], vec![2.0]));
    let mut state = gate.start();
    let script = [&bad, &good(1), &wrong_kind, &good(2)];
    let mut counts_seen = Vec::new();
    for (minute, observations) in script.into_iter().enumerate() {
        let report = gate
            .step(&mut state, 60 * minute as u64, observations)
            .unwrap();
        let outcomes: Vec<Outcome> = report.verdict.metrics.iter().map(|m| m.outcome).collect();
        if minute % 2 == 0 {
            assert_eq!(outcomes, [Outcome::Error, Outcome::Error], "tick {minute}");
        } else {
            assert!(
                !outcomes.contains(&Outcome::Error),
                "tick {minute}: {report:?}"
            );
        }
        counts_seen.push(
            report
                .verdict
                .metrics
                .iter()
                .map(|m| m.canary.count)
                .collect::<Vec<_>>(),
        );
    }
    // Only the good ticks were kept: 10 canary values and 10 histogram observations each.
    assert_eq!(counts_seen[1], [10, 10]);
    assert_eq!(counts_seen[3], [20, 20]);
}

#[test]
fn a_state_edited_to_start_a_stage_in_the_future_does_not_panic() {
    let gate = gate("[{ weight = 10, min_soak = \"5m\" }, { weight = 100 }]", "");
    let mut state = gate.start();
    state.stage_started = Some(1_000_000);
    let report = gate.step(&mut state, 60, &observations(T::Pass)).unwrap();
    assert_eq!(report.action, Action::Continue);
    assert_eq!(report.reasons[0], "passing; soaking at 10%: 0s of 5m");
}

#[test]
fn argo_consecutive_error_limit_rolls_back_on_errors_in_a_row() {
    // consecutiveErrorLimit = 1 tolerates one error in a row and trips on the second.
    let gate = gate(
        HOLD,
        "rollback = [{ consecutive_error_limit = { limit = 1 } }]",
    );
    use T::*;
    let (reports, state) = run(&gate, &[Broken, Pass, Broken, Fail, Broken, Broken, Pass]);
    assert_eq!(
        actions(&reports),
        [
            Action::Continue,
            Action::Continue,
            Action::Continue,
            Action::Continue,
            Action::Continue,
            Action::Rollback
        ]
    );
    assert_eq!(
        reports[5].reasons[0],
        "rollback rule tripped: consecutiveErrorLimit 1 (count 2)"
    );
    assert!(state.is_rolled_back());
}
