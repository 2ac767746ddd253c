//! False rollbacks on healthy canaries watched for four hours, one look a minute: the
//! anytime-valid policy stays within its alpha, Mann-Whitney re-tested at every look does not
//! (the peeking problem), whatever the number of looks.

use canary_judge::sim::{Plan, Policy, ScenarioConfig};

const ALPHA: f64 = 0.05;
const ROLLOUTS: u64 = 200;

/// A healthy service; the policies below never promote (their soak outlasts the scenario),
/// so every rollout is watched for all 240 ticks.
const SERVICE: &str = r#"
name = "healthy, watched for 4 hours"
duration = "4h"
traffic = { requests = 400 }

[[metrics]]
name = "latency"
latency = { median = 80.0, sigma = 0.5 }
record = { histogram = { bounds = [25.0, 50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 500.0] } }
views = [{ name = "latency samples", record = { samples = { limit = 20 } } }]

[[metrics]]
name = "errors"
events = { rate = 0.01 }
record = "counts"
"#;

/// The false-rollback rate of a one-stage policy (that never promotes) with these metrics.
fn false_rollback_rate(name: &str, metrics: &str) -> f64 {
    let policy = format!(
        "name = \"{name}\"\n[gate]\nstages = [{{ weight = 20, min_soak = \"1d\" }}]\n{metrics}"
    );
    let plan = Plan {
        scenarios: vec![ScenarioConfig::from_toml(SERVICE).unwrap()],
        policies: vec![Policy::from_toml(&policy).unwrap()],
        seed: 2024,
        rollouts: 0..ROLLOUTS,
        threads: None,
    };
    let evaluation = plan.run(&|_| {}).unwrap();
    let tally = &evaluation.cells[0].tally;
    assert_eq!(tally.rollouts, ROLLOUTS);
    assert_eq!(tally.promoted, 0, "the soak outlasts the scenario");
    assert_eq!(tally.errors, 0, "{tally:?}");
    tally.rolled_back as f64 / ROLLOUTS as f64
}

/// Three standard errors of a rate of `ALPHA` over `ROLLOUTS` rollouts.
fn monte_carlo_margin() -> f64 {
    3.0 * (ALPHA * (1.0 - ALPHA) / ROLLOUTS as f64).sqrt()
}

#[test]
fn anytime_valid_tests_keep_alpha_over_240_looks() {
    let rate = false_rollback_rate(
        "anytime",
        r#"
        [[gate.judge.metrics]]
        name = "errors"
        data = "counts"
        bad = "increase"
        [[gate.judge.metrics]]
        name = "latency samples"
        data = "samples"
        bad = "increase"
        test = { quantile = 0.9 }
        "#,
    );
    println!("anytime-valid: false-rollback rate {rate} over 240 looks");
    assert!(
        rate <= ALPHA + monte_carlo_margin(),
        "false-rollback rate {rate} over 240 looks exceeds alpha {ALPHA}"
    );
}

#[test]
fn peeking_at_a_fixed_sample_test_inflates_false_rollbacks() {
    let rate = false_rollback_rate(
        "peeking",
        r#"
        [[gate.judge.metrics]]
        name = "latency"
        data = "histogram"
        bad = "increase"
        looks = "unadjusted"
        "#,
    );
    // Each look alone is a valid 5 % test; 240 of them on growing data reject far more often.
    println!("peeking: false-rollback rate {rate} over 240 looks");
    assert!(
        rate > ALPHA + 3.0 * monte_carlo_margin(),
        "peeking rate {rate} is not visibly above alpha {ALPHA}"
    );
}
