//! Drives a rollout gate through two simulated rollouts, tick by tick: a healthy canary that
//! is promoted stage by stage, and one whose error rate doubles, which is rolled back.
//!
//! Run: `cargo run --release --example rollout`
//!
//! Each tick is one minute of traffic: 2,000 requests split by the stage's weight. The state
//! is written to JSON and read back at every tick, as a controller that persists it would.

#[path = "support/mod.rs"]
#[allow(dead_code)] // shared with the other examples
mod support;

use canary_judge::judge::{EventTotals, MetricData, Observations};
use canary_judge::policy::{Action, Gate, GateState};
use canary_judge::Result;
use rand::{rngs::SmallRng, SeedableRng};
use support::{errors, latencies};

const REQUESTS_PER_MINUTE: u64 = 2_000;
const BASELINE_ERROR_RATE: f64 = 0.005;

fn rollout(gate: &Gate, canary_error_rate: f64, seed: u64) -> Result<()> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut state = gate.start();
    for minute in 1..=120u64 {
        let weight = gate.config().stages[state.stage].weight / 100.0;
        let canary_requests = (REQUESTS_PER_MINUTE as f64 * weight).round() as u64;
        let baseline_requests = REQUESTS_PER_MINUTE - canary_requests;
        let observations = Observations::new()
            .with(
                "errors",
                MetricData::Counts {
                    baseline: EventTotals {
                        events: errors(&mut rng, baseline_requests, BASELINE_ERROR_RATE),
                        total: baseline_requests,
                    },
                    canary: EventTotals {
                        events: errors(&mut rng, canary_requests, canary_error_rate),
                        total: canary_requests,
                    },
                },
            )
            .with(
                "p99 latency",
                MetricData::Samples {
                    baseline: latencies(&mut rng, baseline_requests.min(200) as usize, 100.0, 0.45),
                    canary: latencies(&mut rng, canary_requests.min(200) as usize, 100.0, 0.45),
                },
            );
        let report = gate.step(&mut state, minute * 60, &observations)?;
        if report.action != Action::Continue || minute % 10 == 0 {
            println!(
                "  minute {minute:>3}  {:>3}%  {:?}: {}",
                report.weight, report.action, report.reasons[0]
            );
        }
        // Persist and reload, as a controller would between ticks.
        state = GateState::from_json(&state.to_json())?;
        if matches!(report.action, Action::Finished | Action::Rollback) {
            for reason in report.verdict.metrics.iter().map(|m| &m.reason) {
                println!("      {reason}");
            }
            return Ok(());
        }
    }
    println!("  still running after 120 minutes");
    Ok(())
}

fn main() -> Result<()> {
    let gate = Gate::from_toml(include_str!("configs/rollout.toml"))?;
    println!("healthy canary (error rate {BASELINE_ERROR_RATE}):");
    rollout(&gate, BASELINE_ERROR_RATE, 7)?;
    println!("\nbad canary (error rate {}):", 2.0 * BASELINE_ERROR_RATE);
    rollout(&gate, 2.0 * BASELINE_ERROR_RATE, 7)
}
