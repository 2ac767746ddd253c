//! State is data: a rollout whose gate state is written to JSON and read back before every
//! tick makes exactly the decisions of an uninterrupted one, tick for tick.

mod judge_support;

use canary_judge::judge::{MetricData, Observations};
use canary_judge::policy::{Action, Gate, GateReport, GateState, Status};
use judge_support::*;

const GATE: &str = r#"
stages = [
    { weight = 5, min_soak = "10m" },
    { weight = 20, min_soak = "10m" },
    { weight = 50, min_soak = "10m", min_passing_ticks = 3 },
    { weight = 100, min_soak = "10m" },
]
rollback = [{ consecutive_failures = { count = 2 } }, { failed_checks_threshold = { threshold = 3 } }]

[judge]
[judge.groups]
latency = 50

[[judge.metrics]]
name = "errors"
group = "errors"
data = "counts"
bad = "increase"
critical = true

[[judge.metrics]]
name = "latency"
group = "latency"
data = "samples"
bad = "increase"
tolerance = { relative = 0.05 }
looks = { bonferroni = 80 }
window = { sliding = 10 }
min_sample = { observations = { canary = 20, baseline = 20 } }

[[judge.metrics]]
name = "p90"
group = "latency"
data = "samples"
bad = "increase"
test = { quantile = 0.9 }

[[judge.metrics]]
name = "buckets"
group = "latency"
data = "histogram"
bad = "increase"
looks = "unadjusted"
muted = true
"#;

const BOUNDS: [f64; 5] = [50.0, 100.0, 200.0, 400.0, f64::INFINITY];

/// The canary's behaviour relative to the baseline.
#[derive(Clone, Copy)]
struct Canary {
    latency_factor: f64,
    error_factor: f64,
}

/// One tick's traffic at the canary's current weight: the baseline keeps 2,000 requests a
/// tick; the canary gets its weight's share of that.
fn tick_data(data: &mut Data, weight: f64, canary: Canary) -> Observations {
    let baseline_requests = 2_000u64;
    let canary_requests = (baseline_requests as f64 * weight / 100.0).round() as u64;
    let baseline_errors = data.binomial(baseline_requests, 0.002);
    let canary_errors = data.binomial(canary_requests, 0.002 * canary.error_factor);
    // Latencies of a sample of the requests.
    let sampled = |requests: u64| (requests / 20).max(1) as usize;
    let baseline_latency = data.lognormal(sampled(baseline_requests), 100.0, 0.4);
    let canary_latency =
        data.lognormal(sampled(canary_requests), 100.0 * canary.latency_factor, 0.4);
    let bucket = |values: &[f64]| {
        let mut counts = vec![0u64; BOUNDS.len()];
        for v in values {
            counts[BOUNDS.partition_point(|b| b < v)] += 1;
        }
        counts
    };
    Observations::new()
        .with(
            "errors",
            counts(
                (baseline_errors, baseline_requests),
                (canary_errors, canary_requests),
            ),
        )
        .with(
            "buckets",
            MetricData::Histogram {
                bounds: BOUNDS.to_vec(),
                baseline: bucket(&baseline_latency),
                canary: bucket(&canary_latency),
            },
        )
        .with(
            "p90",
            samples(baseline_latency.clone(), canary_latency.clone()),
        )
        .with("latency", samples(baseline_latency, canary_latency))
}

fn through_json(state: &GateState) -> GateState {
    let json = serde_json::to_string(state).expect("the state serializes");
    serde_json::from_str(&json).expect("the state deserializes")
}

/// Runs the rollout twice on the same data, once restoring the state from JSON before every
/// tick, and returns the reports of the uninterrupted run.
fn run_both_ways(seed: u64, canary: Canary) -> (Vec<GateReport>, GateState) {
    let gate = Gate::from_toml(GATE).unwrap();
    let mut data = Data::new(seed);
    let mut straight = gate.start();
    let mut resumed = gate.start();
    let mut reports = Vec::new();
    for tick in 0..60u64 {
        let weight = gate.config().stages[straight.stage].weight;
        let observations = tick_data(&mut data, weight, canary);
        let now = 5_000 + 60 * tick;
        resumed = through_json(&resumed);
        let a = gate.step(&mut straight, now, &observations).unwrap();
        let b = gate.step(&mut resumed, now, &observations).unwrap();
        assert_eq!(a, b, "tick {}", tick + 1);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        assert_eq!(
            serde_json::to_string(&straight).unwrap(),
            serde_json::to_string(&resumed).unwrap(),
            "states after tick {}",
            tick + 1
        );
        reports.push(a);
        if straight.status != Status::Running {
            break;
        }
    }
    (reports, straight)
}

#[test]
fn a_healthy_rollout_resumes_identically_and_finishes() {
    let healthy = Canary {
        latency_factor: 1.0,
        error_factor: 1.0,
    };
    for seed in [1, 2] {
        let (reports, state) = run_both_ways(seed, healthy);
        assert!(
            state.is_finished(),
            "seed {seed}: {:?}",
            reports.last().unwrap()
        );
        let promotions: Vec<f64> = reports
            .iter()
            .filter(|r| r.action == Action::Promote)
            .map(|r| r.weight)
            .collect();
        assert_eq!(promotions, [20.0, 50.0, 100.0]);
        // Four stages of at least 10 minutes at one tick a minute: the first tick starts the
        // first soak, each promotion starts the next, so tick 41 is the earliest finish.
        assert!(reports.len() >= 41, "{}", reports.len());
        assert_eq!(reports.last().unwrap().action, Action::Finished);
    }
}

#[test]
fn a_regressing_rollout_resumes_identically_and_rolls_back() {
    let bad = Canary {
        latency_factor: 1.3,
        error_factor: 3.0,
    };
    for seed in [3, 4] {
        let (reports, state) = run_both_ways(seed, bad);
        assert!(
            state.is_rolled_back(),
            "seed {seed}: {:?}",
            reports.last().unwrap()
        );
        let last = reports.last().unwrap();
        assert_eq!(last.action, Action::Rollback);
        assert_eq!(last.weight, 0.0);
        // The rollout never got past 20 %.
        assert!(reports.iter().all(|r| r.weight <= 20.0));
    }
}

#[test]
fn a_resumed_histogram_keeps_its_open_last_bucket() {
    // JSON writes +Inf as null, which reads back as NaN: the next tick's +Inf bound must
    // still match.
    let gate = Gate::from_toml(
        "stages = [{ weight = 100, min_soak = \"1h\" }]\n[judge]\n[[judge.metrics]]\n\
         name = \"buckets\"\ndata = \"histogram\"\nbad = \"increase\"\nlooks = \"unadjusted\"\n",
    )
    .unwrap();
    let tick = Observations::new().with(
        "buckets",
        MetricData::Histogram {
            bounds: vec![10.0, 100.0, f64::INFINITY],
            baseline: vec![50, 40, 10],
            canary: vec![50, 40, 10],
        },
    );
    let mut state = gate.start();
    for minute in 0..3u64 {
        state = through_json(&state);
        let report = gate.step(&mut state, minute * 60, &tick).unwrap();
        let m = &report.verdict.metrics[0];
        assert_eq!(
            m.outcome,
            canary_judge::judge::Outcome::Pass,
            "{}",
            m.reason
        );
        assert_eq!(m.canary.count, 100 * (minute + 1));
    }
}

/// `report` with every reason line removed.
fn without_text(mut report: GateReport) -> GateReport {
    report.reasons.clear();
    report.verdict.reasons.clear();
    for metric in &mut report.verdict.metrics {
        metric.reason.clear();
    }
    report
}

#[test]
fn a_gate_without_reasons_acts_and_counts_identically() {
    let gate = Gate::from_toml(GATE).unwrap();
    let quiet = Gate::from_toml(GATE).unwrap().without_reasons();
    for (seed, latency_factor, error_factor) in [(5, 1.0, 1.0), (6, 1.3, 3.0), (7, 1.0, 2.0)] {
        let canary = Canary {
            latency_factor,
            error_factor,
        };
        let mut data = Data::new(seed);
        let (mut told, mut untold) = (gate.start(), quiet.start());
        for tick in 0..60u64 {
            let weight = gate.config().stages[told.stage].weight;
            let observations = tick_data(&mut data, weight, canary);
            let full = gate.step(&mut told, 60 * tick, &observations).unwrap();
            let bare = quiet.step(&mut untold, 60 * tick, &observations).unwrap();
            assert!(!full.reasons.is_empty() && !full.verdict.reasons.is_empty());
            assert!(bare.reasons.is_empty() && bare.verdict.reasons.is_empty());
            assert!(bare.verdict.metrics.iter().all(|m| m.reason.is_empty()));
            assert_eq!(without_text(full), bare, "seed {seed} tick {}", tick + 1);
            assert_eq!(
                serde_json::to_string(&told).unwrap(),
                serde_json::to_string(&untold).unwrap()
            );
            if told.status != Status::Running {
                break;
            }
        }
    }
}
