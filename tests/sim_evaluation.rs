//! The policy simulator's promises: the same seed gives the same counts on any thread count,
//! shards merge into exactly the run they split, and the built-in suite's regressions reach
//! the gates.

use canary_judge::sim::{builtin_policies, builtin_scenarios, Evaluation, Plan, Policy};

fn plan(scenarios: &[&str], policies: &[&str], rollouts: std::ops::Range<u64>) -> Plan {
    Plan {
        scenarios: builtin_scenarios()
            .into_iter()
            .filter(|s| scenarios.contains(&s.name.as_str()))
            .collect(),
        policies: builtin_policies()
            .unwrap()
            .into_iter()
            .filter(|p| policies.contains(&p.name()))
            .collect(),
        seed: 42,
        rollouts,
        threads: Some(1),
    }
}

fn run(plan: &Plan) -> Evaluation {
    plan.run(&|_| {}).unwrap()
}

const SCENARIOS: [&str; 3] = ["null-nuisances", "errors-x4", "latency-tail"];
const POLICIES: [&str; 3] = ["anytime", "mw-peeking", "argo"];

#[test]
fn same_seed_same_counts_on_one_and_two_threads() {
    let one = plan(&SCENARIOS, &POLICIES, 0..24);
    let two = Plan {
        threads: Some(2),
        ..one.clone()
    };
    let a = run(&one);
    assert_eq!(a, run(&two));
    assert_eq!(a, run(&one));
    let other_seed = Plan {
        seed: 43,
        ..one.clone()
    };
    assert_ne!(a, run(&other_seed), "the seed must matter");
}

#[test]
fn shards_merge_into_exactly_the_whole_run() {
    let whole = run(&plan(&SCENARIOS, &POLICIES, 0..30));
    // Split by rollouts, by scenarios and by policies, merged in a scrambled order.
    let shards = [
        run(&plan(&SCENARIOS[..1], &POLICIES, 0..30)),
        run(&plan(&SCENARIOS[1..], &POLICIES[..2], 0..13)),
        run(&plan(&SCENARIOS[1..], &POLICIES[2..], 0..30)),
        run(&plan(&SCENARIOS[1..], &POLICIES[..2], 13..30)),
    ];
    let mut merged = shards[0].clone();
    for shard in &shards[1..] {
        merged.merge(shard).unwrap();
    }
    assert_eq!(merged, whole);
    // Through JSON, as shards run elsewhere come back.
    let mut from_json = Evaluation::from_json(&shards[0].to_json()).unwrap();
    for shard in &shards[1..] {
        from_json
            .merge(&Evaluation::from_json(&shard.to_json()).unwrap())
            .unwrap();
    }
    assert_eq!(from_json, whole);
}

#[test]
fn merging_refuses_double_counting_and_foreign_seeds() {
    let a = run(&plan(&SCENARIOS[..1], &POLICIES[..1], 0..10));
    let overlapping = run(&plan(&SCENARIOS[..1], &POLICIES[..1], 5..15));
    let error = a.clone().merge(&overlapping).unwrap_err().to_string();
    assert!(error.contains("already counted"), "{error}");
    let mut foreign = plan(&SCENARIOS[..1], &POLICIES[..1], 10..20);
    foreign.seed = 7;
    let error = a.clone().merge(&run(&foreign)).unwrap_err().to_string();
    assert!(error.contains("seed"), "{error}");
}

#[test]
fn gross_regressions_are_caught_and_healthy_canaries_promoted() {
    let evaluation = run(&plan(&["null", "errors-x10"], &["anytime"], 0..40));
    let null = &evaluation.cell("null", "anytime").unwrap().tally;
    let bad = &evaluation.cell("errors-x10", "anytime").unwrap().tally;
    assert!(null.promoted >= 36, "{null:?}");
    assert!(bad.rolled_back >= 38, "{bad:?}");
    assert!(bad.exposed_before_rollback > 0);
    assert_eq!(null.exposed_requests, 0, "no regression, no exposure");
}

#[test]
fn a_policy_that_needs_a_missing_metric_is_refused_before_running() {
    let policy = Policy::from_toml(
        r#"
        name = "conversion watch"
        [gate]
        stages = [{ weight = 10 }]
        [[gate.judge.metrics]]
        name = "conversion"
        data = "counts"
        bad = "decrease"
        "#,
    )
    .unwrap();
    let plan = Plan {
        policies: vec![policy],
        ..plan(&SCENARIOS[..1], &[], 0..5)
    };
    let error = plan.run(&|_| {}).unwrap_err().to_string();
    assert!(
        error.contains("does not export"),
        "the error names the missing metric: {error}"
    );
}
