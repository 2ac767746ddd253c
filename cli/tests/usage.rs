//! Help that teaches, and usage errors that exit 3 (2 means "inconclusive" here).

mod support;

use support::{fixture, judge, run};

#[test]
fn help_shows_examples_exit_codes_and_the_docs() {
    for args in [
        &["--help"][..],
        &["judge", "--help"],
        &["gate", "step", "--help"],
    ] {
        let r = run(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        for needed in [
            "Examples:",
            "Exit codes:",
            "3  usage or input error",
            "docs/cli.md",
        ] {
            assert!(
                r.stdout.contains(needed),
                "{args:?} lacks {needed}: {}",
                r.stdout
            );
        }
    }
    let r = run(&["judge", "--help"]);
    assert!(r.stdout.contains("histogram-json"), "{}", r.stdout);
    assert_eq!(run(&["--version"]).code, 0);
}

#[test]
fn evaluate_and_serve_help_teach_too() {
    for args in [&["evaluate", "--help"][..], &["serve", "--help"]] {
        let r = run(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        for needed in ["Examples:", "Exit", "docs/cli.md"] {
            assert!(
                r.stdout.contains(needed),
                "{args:?} lacks {needed}: {}",
                r.stdout
            );
        }
    }
}

#[test]
fn usage_errors_exit_3() {
    for args in [
        &[][..],
        &["no-such-command"],
        &["judge"],
        &["judge", "--config", "x.toml", "--baseline", "a.csv"],
        &[
            "judge",
            "--config",
            "x.toml",
            "--observations",
            "o.json",
            "--format",
            "xml",
        ],
        &["gate", "step", "--state", "s.json"],
        &[
            "gate",
            "step",
            "--state",
            "s",
            "--config",
            "c",
            "--observations",
            "o",
            "--now",
            "-5",
        ],
    ] {
        let r = run(args);
        assert_eq!(r.code, 3, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn several_metrics_need_a_metric_or_named_columns() {
    let r = judge("multi.toml", "baseline.csv", "canary-same.csv", &[]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("the configuration has 4 metrics"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--metric"), "{}", r.stderr);
    let r = judge(
        "multi.toml",
        "baseline.csv",
        "canary-same.csv",
        &["--metric", "p50"],
    );
    assert_eq!(r.code, 3);
    assert!(r
        .stderr
        .contains("no such metric (it defines: latency, cpu, errors, latency_hist)"));
}

#[test]
fn counts_cannot_come_from_files_of_values() {
    let r = judge(
        "multi.toml",
        "baseline.csv",
        "canary-same.csv",
        &["--metric", "errors"],
    );
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("pass them in --observations"),
        "{}",
        r.stderr
    );
}

#[test]
fn columns_must_name_metrics_and_match() {
    let r = judge("multi.toml", "baseline-multi.csv", "baseline.csv", &[]);
    assert_eq!(r.code, 3);
    let r = judge(
        "latency.toml",
        "baseline-multi.csv",
        "canary-multi.csv",
        &["--column", "mem"],
    );
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("no such column (it has: latency, cpu)"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_bad_configuration_names_the_file_and_field() {
    let r = judge("bad-config.toml", "baseline.csv", "canary-same.csv", &[]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("bad-config.toml"), "{}", r.stderr);
    assert!(r.stderr.contains("tolerence"), "{}", r.stderr);
    let config = fixture("latency.toml");
    let gate = run(&["gate", "show", "--state", &config]);
    assert_eq!(gate.code, 3);
}
