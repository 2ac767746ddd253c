//! `canary-judge judge` end to end: the decision, its exit code and both report formats.

mod support;

use support::{fixture, judge, run};

#[test]
fn an_unchanged_canary_passes_with_exit_0() {
    let r = judge("latency.toml", "baseline.csv", "canary-same.csv", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("decision: promote"), "{}", r.stdout);
    assert!(r.stdout.contains("n = 2,000 / 2,000: pass"), "{}", r.stdout);
}

#[test]
fn a_canary_30_percent_slower_regresses_with_exit_1() {
    let r = judge("latency.toml", "baseline.csv", "canary-slow.csv", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.starts_with("decision: rollback"), "{}", r.stdout);
    assert!(r.stdout.contains("regression (increase)"), "{}", r.stdout);
}

#[test]
fn too_few_canary_values_are_inconclusive_with_exit_2() {
    let r = judge("latency.toml", "baseline.csv", "canary-few.csv", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.starts_with("decision: continue"), "{}", r.stdout);
    assert!(r.stdout.contains("inconclusive"), "{}", r.stdout);
}

#[test]
fn json_format_prints_the_verdict() {
    let r = judge(
        "latency.toml",
        "baseline.csv",
        "canary-slow.csv",
        &["--format", "json"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let verdict: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON on stdout");
    assert_eq!(verdict["version"], 1);
    assert_eq!(verdict["decision"], "rollback");
    assert_eq!(verdict["metrics"][0]["name"], "latency");
    assert_eq!(verdict["metrics"][0]["outcome"], "regression");
    assert_eq!(verdict["metrics"][0]["canary"]["count"], 2000);
}

#[test]
fn named_columns_judge_several_metrics_with_counts_from_observations() {
    let counts = fixture("counts.json");
    let r = judge(
        "multi.toml",
        "baseline-multi.csv",
        "canary-multi.csv",
        &["--observations", &counts, "--format", "json"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let verdict: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let outcome = |i: usize| {
        verdict["metrics"][i]["outcome"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // latency (30 % slower), cpu (same), errors (same rate), latency_hist (no file given).
    assert_eq!(
        [outcome(0), outcome(1), outcome(2), outcome(3)],
        ["regression", "pass", "pass", "no_data"]
    );
}

#[test]
fn one_column_of_a_multi_column_file_with_metric_and_column() {
    let r = judge(
        "latency.toml",
        "baseline-multi.csv",
        "canary-multi.csv",
        &["--column", "cpu"],
    );
    // cpu is unchanged, read here as the latency metric's values.
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = judge(
        "multi.toml",
        "baseline-multi.csv",
        "canary-multi.csv",
        &["--metric", "cpu"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr); // cpu passes; the others have no data
    assert!(r.stdout.contains("pass         cpu"), "{}", r.stdout);
}

#[test]
fn observations_alone_are_judged() {
    let config = fixture("multi.toml");
    let counts = fixture("counts.json");
    let r = run(&["judge", "--config", &config, "--observations", &counts]);
    // Only errors have data: the no-data rule keeps watching.
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.contains("have no data"), "{}", r.stdout);
}

#[test]
fn a_metric_given_twice_is_a_usage_error() {
    let obs = fixture("tick-good.json");
    let r = judge(
        "multi.toml",
        "baseline.csv",
        "canary-same.csv",
        &["--metric", "latency", "--observations", &obs],
    );
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("metric `latency` has data both"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
}
