//! Scenario and policy files: the documented examples load, and impossible settings are
//! refused with the field and what is allowed.

use canary_judge::sim::{builtin_policies, builtin_scenarios, Policy, ScenarioConfig};

#[test]
fn the_example_scenario_file_loads_in_toml_and_json() {
    let toml_text = include_str!("../examples/scenarios/checkout.toml");
    let scenario = ScenarioConfig::from_toml(toml_text).unwrap();
    let json = serde_json::to_string(&scenario).unwrap();
    assert_eq!(ScenarioConfig::from_json(&json).unwrap(), scenario);
    assert!(!scenario.is_null());
}

#[test]
fn the_builtin_suite_is_valid_and_every_policy_fits_every_scenario() {
    let scenarios = builtin_scenarios();
    for scenario in &scenarios {
        scenario.validate().unwrap();
    }
    assert!(scenarios.iter().filter(|s| s.is_null()).count() >= 3);
    for policy in builtin_policies().unwrap() {
        for scenario in &scenarios {
            assert_eq!(policy.mismatch(scenario), None);
        }
    }
}

fn refusal(text: &str) -> String {
    ScenarioConfig::from_toml(text).unwrap_err().to_string()
}

const METRICS: &str = r#"
[[metrics]]
name = "latency"
latency = { median = 80.0, sigma = 0.5 }
record = { samples = { limit = 10 } }

[[metrics]]
name = "errors"
events = { rate = 0.01 }
record = "counts"
"#;

#[test]
fn impossible_scenarios_are_refused_naming_the_field() {
    let cases = [
        (
            "name = \"a\"\ntraffic = { requests = 0 }\n",
            "traffic.requests",
        ),
        (
            "name = \"a\"\ntraffic = { requests = 10, missing = 1.0 }\n",
            "traffic.missing",
        ),
        (
            "name = \"a\"\ntraffic = { requests = 10 }\n[[regressions]]\nmetric = \"latency\"\nchange = { rate_factor = 2.0 }\n",
            "regressions[0].change",
        ),
        (
            "name = \"a\"\ntraffic = { requests = 10 }\n[[regressions]]\nmetric = \"cpu\"\nchange = { scale = 2.0 }\n",
            "regressions[0].metric",
        ),
        (
            "name = \"a\"\ntraffic = { requests = 10 }\n[[regressions]]\nmetric = \"errors\"\nchange = { rate_factor = 200.0 }\n",
            "regressions[0].change",
        ),
        (
            "name = \"a\"\ntraffic = { requests = 10 }\nspeed = 3\n",
            "speed",
        ),
    ];
    for (head, field) in cases {
        let text = if head.contains("[[regressions]]") {
            let (top, regressions) = head.split_once("[[regressions]]").unwrap();
            format!("{top}{METRICS}\n[[regressions]]{regressions}")
        } else {
            format!("{head}{METRICS}")
        };
        let message = refusal(&text);
        assert!(message.contains(field), "`{field}` not named in: {message}");
    }
    let both = "name = \"a\"\ntraffic = { requests = 10 }\n[[metrics]]\nname = \"x\"\nlatency = { median = 1.0, sigma = 1.0 }\nevents = { rate = 0.1 }\nrecord = \"counts\"\n";
    assert!(refusal(both).contains("exactly one"), "{}", refusal(both));
    let latency_as_counts = "name = \"a\"\ntraffic = { requests = 10 }\n[[metrics]]\nname = \"x\"\nlatency = { median = 1.0, sigma = 1.0 }\nrecord = \"counts\"\n";
    assert!(refusal(latency_as_counts).contains("metrics[0].record"));
}

#[test]
fn impossible_policies_are_refused_naming_the_field() {
    let error = Policy::from_toml(
        "name = \"p\"\nlook_every = 0\n[gate]\nstages = [{ weight = 10 }]\n[[gate.judge.metrics]]\nname = \"errors\"\ndata = \"counts\"\nbad = \"increase\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("look_every"), "{error}");
    let error = Policy::from_toml(
        "name = \"p\"\n[gate]\nstages = [{ weight = 10 }]\n[[gate.judge.metrics]]\nname = \"latency\"\ndata = \"samples\"\nbad = \"increase\"\n",
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("gate.judge.metrics[0].looks"), "{error}");
}
