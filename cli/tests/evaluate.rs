//! `canary-judge evaluate` end to end: a small run prints the table and writes its files;
//! shards written with `--counts` merge into the run they split; bad input exits 3.

mod support;

use support::run;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "canary-judge-evaluate-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const SMALL: [&str; 8] = [
    "evaluate",
    "--scenario",
    "null",
    "--scenario",
    "errors-x10",
    "--policy",
    "anytime",
    "--threads",
];

#[test]
fn a_small_run_prints_the_table_and_writes_csv_json_and_counts() {
    let dir = temp_dir("files");
    let (csv, json, counts) = (dir.join("r.csv"), dir.join("r.json"), dir.join("c.json"));
    let plots = dir.join("plots");
    let mut args = SMALL.to_vec();
    args.extend([
        "1",
        "--rollouts",
        "12",
        "--csv",
        csv.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--counts",
        counts.to_str().unwrap(),
        "--svg",
        plots.to_str().unwrap(),
    ]);
    let r = run(&args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for needed in [
        "false rollbacks %",
        "missed regressions %",
        "anytime",
        "errors-x10",
    ] {
        assert!(r.stdout.contains(needed), "{needed} missing: {}", r.stdout);
    }
    let csv = std::fs::read_to_string(csv).unwrap();
    assert_eq!(
        csv.lines().count(),
        3,
        "a header and one row per pair: {csv}"
    );
    let figures: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(figures["policies"][0]["policy"], "anytime");
    let counts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(counts).unwrap()).unwrap();
    assert_eq!(counts["cells"][0]["tally"]["rollouts"], 12);
    let svg = std::fs::read_to_string(plots.join("false-vs-missed.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("anytime"), "{svg}");
}

#[test]
fn shards_on_disk_merge_into_the_whole_run() {
    let dir = temp_dir("shards");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let shard = |first: &str, count: &str, file: &str| {
        let mut args = SMALL.to_vec();
        args.extend([
            "2",
            "--first-rollout",
            first,
            "--rollouts",
            count,
            "--counts",
            file,
        ]);
        let r = run(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let whole = shard("0", "10", &path("whole.json"));
    shard("0", "4", &path("a.json"));
    shard("4", "6", &path("b.json"));
    let merged = run(&[
        "evaluate",
        "--merge",
        &path("b.json"),
        "--merge",
        &path("a.json"),
        "--counts",
        &path("merged.json"),
    ]);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    assert_eq!(merged.stdout, whole);
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
    };
    assert_eq!(read("merged.json"), read("whole.json"));
    // The same shard twice counts rollouts twice: refused.
    let twice = run(&[
        "evaluate",
        "--merge",
        &path("a.json"),
        "--merge",
        &path("a.json"),
    ]);
    assert_eq!(twice.code, 3);
    assert!(twice.stderr.contains("already counted"), "{}", twice.stderr);
}

#[test]
fn unknown_names_and_bad_files_exit_3_with_the_reason() {
    let r = run(&["evaluate", "--policy", "no-such-policy"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("built-in: anytime"), "{}", r.stderr);
    let dir = temp_dir("bad");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "name = \"p\"\nlook_every = 0\n[gate]\nstages = [{ weight = 10 }]\n[[gate.judge.metrics]]\nname = \"errors\"\ndata = \"counts\"\nbad = \"increase\"\n").unwrap();
    let r = run(&["evaluate", "--policy", bad.to_str().unwrap()]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("bad.toml") && r.stderr.contains("look_every"),
        "{}",
        r.stderr
    );
}

#[test]
fn list_names_the_builtin_suite() {
    let r = run(&["evaluate", "--list"]);
    assert_eq!(r.code, 0);
    for needed in [
        "null-nuisances",
        "latency-tail",
        "mw-peeking",
        "kayenta",
        "flagger",
    ] {
        assert!(r.stdout.contains(needed), "{needed}: {}", r.stdout);
    }
}

#[test]
fn serve_refuses_a_bad_judge_config_before_binding() {
    let dir = temp_dir("serve");
    let bad = dir.join("judge.toml");
    std::fs::write(&bad, "confidence = 2.0\n").unwrap();
    let r = run(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--config",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("confidence"), "{}", r.stderr);
}
