//! `canary-judge gate` end to end: a rollout over several runs sharing a state file, errors
//! that leave the state as it was, and no temporary files left behind.

mod support;

use std::path::Path;

use support::{fixture, run};

/// One `gate step` at `now` on the fixture gate.
fn step(state: &Path, observations: &str, now: u64, extra: &[&str]) -> support::Run {
    let (config, observations) = (fixture("gate.toml"), fixture(observations));
    let state = state.to_str().unwrap();
    let now = now.to_string();
    let mut args = vec![
        "gate",
        "step",
        "--state",
        state,
        "--config",
        &config,
        "--observations",
        &observations,
        "--now",
        &now,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const T0: u64 = 1_700_000_000;

#[test]
fn a_rollout_runs_to_the_end_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("rollout.json");

    let r = step(&state, "tick-good.json", T0, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr); // passing, but the 1m soak has not passed
    assert!(
        r.stdout.contains("did not exist, started at stage 1"),
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("action: continue (tick 1), stage 1 of 3, canary weight 10%"));

    let r = step(&state, "tick-good.json", T0 + 60, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("did not exist"), "{}", r.stdout);
    assert!(r
        .stdout
        .contains("action: promote (tick 2), stage 2 of 3, canary weight 50%"));

    let r = step(&state, "tick-good.json", T0 + 120, &["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["new_state"], false);
    assert_eq!(report["action"], "promote");
    assert_eq!(report["weight"], 100.0);
    assert_eq!(report["tick"], 3);
    assert_eq!(report["verdict"]["decision"], "promote");

    let r = step(&state, "tick-good.json", T0 + 180, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("action: finished (tick 4)"),
        "{}",
        r.stdout
    );

    // The rollout is over: another tick is an error, and the state stays as it was.
    let before = std::fs::read(&state).unwrap();
    let r = step(&state, "tick-good.json", T0 + 240, &[]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("the rollout is over"), "{}", r.stderr);
    assert_eq!(std::fs::read(&state).unwrap(), before);
    assert_eq!(files_in(dir.path()), ["rollout.json"]);

    let show = run(&["gate", "show", "--state", state.to_str().unwrap()]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show.stdout.contains("status: finished"), "{}", show.stdout);
    assert!(show.stdout.contains("ticks: 4"), "{}", show.stdout);
}

#[test]
fn a_failing_tick_rolls_back_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("rollout.json");
    let r = step(&state, "tick-good.json", T0, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = step(&state, "tick-bad.json", T0 + 60, &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("action: rollback"), "{}", r.stdout);
    assert!(r.stdout.contains("canary weight 0%"), "{}", r.stdout);
    assert!(
        r.stdout.contains("critical metric vetoes: errors"),
        "{}",
        r.stdout
    );
}

#[test]
fn erroring_ticks_leave_the_state_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("rollout.json");
    assert_eq!(step(&state, "tick-good.json", T0, &[]).code, 2);
    let before = std::fs::read(&state).unwrap();

    // Observations of a metric the gate does not define.
    let r = step(&state, "tick-unknown-metric.json", T0 + 60, &[]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr
            .contains("tick-unknown-metric.json: observations name metric `latency_p50`"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    // Time going backwards.
    let r = step(&state, "tick-good.json", T0 - 60, &[]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("time must not go backwards"),
        "{}",
        r.stderr
    );
    // Malformed observations.
    let r = step(&state, "broken.json", T0 + 60, &[]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("broken.json"), "{}", r.stderr);

    assert_eq!(std::fs::read(&state).unwrap(), before);
    assert_eq!(files_in(dir.path()), ["rollout.json"]);
    // And the rollout goes on from where it was.
    let r = step(&state, "tick-good.json", T0 + 60, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("(tick 2)"), "{}", r.stdout);
}

#[test]
fn a_corrupt_state_is_reported_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("rollout.json");
    std::fs::write(&state, "{\"stage\": 0").unwrap();
    let r = step(&state, "tick-good.json", T0, &[]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("rollout.json: gate state (JSON)"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&state).unwrap(), "{\"stage\": 0");
}

#[test]
fn the_state_must_be_a_file() {
    let config = fixture("gate.toml");
    let obs = fixture("tick-good.json");
    let r = run(&[
        "gate",
        "step",
        "--state",
        "-",
        "--config",
        &config,
        "--observations",
        &obs,
    ]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("--state must be a file"), "{}", r.stderr);
}

#[test]
fn the_clock_is_the_default_time() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("rollout.json");
    let config = fixture("gate.toml");
    let obs = fixture("tick-good.json");
    let path = state.to_str().unwrap();
    let r = run(&[
        "gate",
        "step",
        "--state",
        path,
        "--config",
        &config,
        "--observations",
        &obs,
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let show = run(&["gate", "show", "--state", path, "--format", "json"]);
    let saved: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let last = saved["last_time"].as_u64().unwrap();
    assert!(last <= now && now - last < 600, "{last} vs {now}");
}
