//! The verdict's JSON (docs/verdict-json.md): the documented layout, and round trips that
//! give back the same verdict.

mod judge_support;

use canary_judge::judge::{MetricData, Observations, Verdict, VERDICT_VERSION};
use canary_judge::slo::Counts;
use judge_support::*;
use serde_json::Value;

const CONFIG: &str = r#"
[groups]
latency = 70

[budget]
objective = "99.9%"
window = "28d"

[[metrics]]
name = "latency"
group = "latency"
data = "samples"
bad = "increase"
tolerance = { relative = 0.02 }

[[metrics]]
name = "p99"
group = "latency"
data = "samples"
bad = "increase"
test = { quantile = 0.99 }
min_sample = { observations = { canary = 500, baseline = 500 } }

[[metrics]]
name = "errors"
group = "errors"
data = "counts"
bad = "increase"
critical = true

[[metrics]]
name = "buckets"
group = "latency"
data = "histogram"
bad = "increase"
muted = true

[[metrics]]
name = "success"
group = "errors"
data = "counts"
bad = "decrease"
test = { threshold = { min = 0.99 } }

[[metrics]]
name = "cpu"
group = "resources"
data = "intervals"
bad = "either"
"#;

/// Observations for `CONFIG`: the canary `slowdown` times slower, with `canary_errors` in
/// 10,000 requests, and `p99_canary` values for `p99` (below 500 is short of its minimum).
fn observations(seed: u64, slowdown: f64, canary_errors: u64, p99_canary: usize) -> Observations {
    let mut data = Data::new(seed);
    Observations::new()
        .with(
            "latency",
            samples(
                data.lognormal(1_000, 100.0, 0.3),
                data.lognormal(300, 100.0 * slowdown, 0.3),
            ),
        )
        .with(
            "p99",
            samples(
                data.lognormal(1_000, 100.0, 0.3),
                data.lognormal(p99_canary, 100.0, 0.3),
            ),
        )
        .with("errors", counts((100, 100_000), (canary_errors, 10_000)))
        .with(
            "buckets",
            MetricData::Histogram {
                bounds: vec![50.0, 100.0, 250.0, f64::INFINITY],
                baseline: vec![300, 500, 180, 20],
                canary: vec![20, 50, 25, 5],
            },
        )
        .with("success", counts((99_700, 100_000), (9_960, 10_000)))
        .with_budget(Counts::new(250, 1_000_000).unwrap())
}

fn verdicts() -> Vec<Verdict> {
    let judge = judge(CONFIG);
    let mut all = Vec::new();
    for (seed, slowdown, errors, p99) in [
        (1, 1.0, 10, 600),
        (2, 1.0, 10, 300),
        (3, 1.3, 10, 600),
        (4, 1.0, 60, 600),
        (5, 1.1, 12, 300),
    ] {
        all.push(
            judge
                .judge(&observations(seed, slowdown, errors, p99))
                .unwrap(),
        );
    }
    // With the budget missing, and with nothing at all.
    let mut partial = observations(6, 1.0, 10, 600);
    partial.budget = None;
    partial.metrics.remove("cpu");
    all.push(judge.judge(&partial).unwrap());
    all.push(judge.judge(&Observations::new()).unwrap());
    all
}

#[test]
fn verdicts_read_back_equal() {
    for verdict in verdicts() {
        for json in [verdict.to_json(), verdict.to_json_pretty()] {
            let back = Verdict::from_json(&json).unwrap();
            assert_eq!(back, verdict, "{json}");
            assert_eq!(back.to_json(), verdict.to_json());
        }
        let value: Value = serde_json::from_str(&verdict.to_json()).unwrap();
        let back: Verdict = serde_json::from_value(value).unwrap();
        assert_eq!(back, verdict);
    }
}

#[test]
fn the_scenarios_cover_the_interesting_fields() {
    // The round trips above are only as good as what they carry.
    let all = verdicts();
    let outcomes: std::collections::BTreeSet<String> = all
        .iter()
        .flat_map(|v| v.metrics.iter().map(|m| format!("{:?}", m.outcome)))
        .collect();
    for outcome in ["Pass", "Regression", "Inconclusive", "NoData"] {
        assert!(outcomes.contains(outcome), "{outcomes:?}");
    }
    let decisions: std::collections::BTreeSet<String> =
        all.iter().map(|v| format!("{:?}", v.decision)).collect();
    assert_eq!(decisions.len(), 3, "{decisions:?}");
    assert!(all.iter().any(|v| v.budget.is_some()));
    assert!(all
        .iter()
        .flat_map(|v| &v.metrics)
        .any(|m| m.shortfall.is_some()));
}

/// The keys of a JSON object, sorted.
fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    keys
}

#[test]
fn the_layout_is_the_documented_one() {
    let verdict = &verdicts()[1];
    let json: Value = serde_json::from_str(&verdict.to_json()).unwrap();
    assert_eq!(VERDICT_VERSION, 1);
    assert_eq!(json["version"], 1);
    assert_eq!(
        keys(&json),
        [
            "budget",
            "classification",
            "decision",
            "groups",
            "metrics",
            "reasons",
            "score",
            "version"
        ]
    );
    assert!(["promote", "continue", "rollback"].contains(&json["decision"].as_str().unwrap()));
    assert!(json["score"].is_f64());
    assert!(json["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .all(Value::is_string));
    assert_eq!(
        keys(&json["groups"][0]),
        ["judged", "metrics", "name", "score", "weight"]
    );
    assert_eq!(
        keys(&json["metrics"][0]),
        [
            "alpha",
            "always_valid",
            "baseline",
            "canary",
            "change",
            "critical",
            "effect",
            "group",
            "method",
            "muted",
            "name",
            "outcome",
            "pvalue",
            "reason",
            "shortfall",
            "statistic",
            "test",
            "weight"
        ]
    );
    assert_eq!(
        keys(&json["metrics"][0]["effect"]),
        ["confidence", "estimate", "high", "low", "measure"]
    );
    assert_eq!(keys(&json["metrics"][0]["canary"]), ["count", "mean"]);
    // Metrics are in configuration order, with their names.
    let names: Vec<&str> = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["latency", "p99", "errors", "buckets", "success", "cpu"]
    );
    // The latency metric is a ratio effect with a mann_whitney test.
    let latency = &json["metrics"][0];
    assert_eq!(latency["test"], "mann_whitney");
    assert_eq!(latency["effect"]["measure"], "ratio");
    // p99 is short of its minimum sample: the shortfall is there.
    let p99 = &json["metrics"][1];
    assert_eq!(p99["outcome"], "inconclusive");
    assert_eq!(
        keys(&p99["shortfall"]),
        ["eta", "more_baseline", "more_canary"]
    );
    assert_eq!(p99["shortfall"]["more_canary"], 200);
    assert_eq!(p99["shortfall"]["more_baseline"], 0);
    assert!(p99["pvalue"].is_null() && p99["effect"].is_null());
    // The histogram reports no means.
    assert!(json["metrics"][3]["canary"]["mean"].is_null());
    assert_eq!(json["metrics"][3]["muted"], true);
    // The budget report.
    let budget = &json["budget"];
    assert_eq!(keys(budget), ["budget", "decision", "gate", "reason"]);
    assert_eq!(budget["decision"], "allow");
    assert_eq!(budget["budget"]["counts"]["bad"], 250);
    assert_eq!(budget["budget"]["counts"]["total"], 1_000_000);
    assert_eq!(budget["budget"]["allowed_bad"], 1000.0);
    assert_eq!(budget["budget"]["remaining"], 0.75);
    assert_eq!(budget["gate"]["allow_from"], "0.5");
    assert_eq!(budget["gate"]["freeze_below"], "0.2");
}

#[test]
fn non_finite_numbers_are_written_as_null_and_read_back() {
    // No baseline errors, some canary errors: the rate ratio is infinite. The upper end of
    // its one-sided confidence sequence is open, so absent.
    let judge = one_metric("data = \"counts\"\nbad = \"increase\"");
    let verdict = verdict_of(&judge, counts((0, 100_000), (30, 10_000)));
    let effect = verdict.metrics[0].effect.unwrap();
    assert_eq!(effect.estimate, f64::INFINITY);
    assert_eq!(effect.high, None);
    assert!(
        verdict.metrics[0].reason.contains("+inf% (95% CS +"),
        "{}",
        verdict.metrics[0].reason
    );
    assert!(verdict.metrics[0].reason.contains(" .. +inf%)"));
    let json = verdict.to_json();
    let value: Value = serde_json::from_str(&json).unwrap();
    assert!(value["metrics"][0]["effect"]["estimate"].is_null());
    assert!(value["metrics"][0]["effect"]["high"].is_null());
    assert!(value["metrics"][0]["effect"]["low"].is_f64());
    // It reads back: the estimate as NaN (JSON cannot say infinity), the open end absent.
    let back = Verdict::from_json(&json).unwrap();
    let read = back.metrics[0].effect.unwrap();
    assert!(read.estimate.is_nan());
    assert_eq!(read.high, None);
    assert_eq!(read.low, effect.low);
    assert_eq!(back.to_json(), json);
    assert_eq!(back.decision, verdict.decision);
    assert_eq!(back.reasons, verdict.reasons);
}

#[test]
fn gate_reports_read_back_equal() {
    use canary_judge::policy::{Gate, GateReport};
    let gate = Gate::from_toml(
        r#"
        stages = [{ weight = 10 }, { weight = 100 }]
        [judge]
        [[judge.metrics]]
        name = "errors"
        data = "counts"
        bad = "increase"
        [[judge.metrics]]
        name = "latency"
        data = "samples"
        bad = "increase"
        looks = { bonferroni = 10 }
        "#,
    )
    .unwrap();
    let mut state = gate.start();
    let mut data = Data::new(9);
    for tick in 0..3u64 {
        let observations = Observations::new()
            .with("errors", counts((10, 10_000), (1, 1_000)))
            .with(
                "latency",
                samples(
                    data.lognormal(100, 50.0, 0.2),
                    data.lognormal(20, 50.0, 0.2),
                ),
            );
        let report = gate.step(&mut state, tick * 60, &observations).unwrap();
        let json = serde_json::to_string(&report).unwrap();
        let back: GateReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            keys(&value),
            ["action", "reasons", "stage", "tick", "verdict", "weight"]
        );
        assert_eq!(value["tick"], tick + 1);
        if state.is_finished() {
            break;
        }
    }
}
