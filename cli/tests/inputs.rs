//! Each input format end to end, standard input, and bad files whose errors name the file and
//! the line.

mod support;

use support::{assert_refused, fixture, judge, run, run_with_stdin};

#[test]
fn json_arrays_with_null_follow_the_nan_policy() {
    let r = judge("nulls.toml", "baseline.json", "canary-null.json", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("n = 2,000 / 2,000"), "{}", r.stdout); // the null was removed
    let r = judge("latency.toml", "baseline.json", "canary-null.json", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr); // rejected: the metric is in error, keep watching
    assert!(r.stdout.contains("NaN at index 999"), "{}", r.stdout);
    let r = judge("latency.toml", "baseline.json", "canary-slow.json", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn cumulative_histograms_in_csv_and_json() {
    let r = judge(
        "histogram.toml",
        "baseline-buckets.csv",
        "canary-slow-buckets.json",
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("n = 2,000 / 2,000: regression"),
        "{}",
        r.stdout
    );
    let r = judge(
        "histogram.toml",
        "baseline-buckets.csv",
        "canary-same-buckets.json",
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn histogram_bounds_must_match() {
    let other = tempfile::NamedTempFile::with_suffix(".csv").unwrap();
    std::fs::write(other.path(), "le,count\n10,5\n+Inf,9\n").unwrap();
    let config = fixture("histogram.toml");
    let base = fixture("baseline-buckets.csv");
    let canary = other.path().to_str().unwrap();
    let r = run(&[
        "judge",
        "--config",
        &config,
        "--baseline",
        &base,
        "--canary",
        canary,
    ]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("different bucket bounds"), "{}", r.stderr);
}

#[test]
fn prometheus_series_are_selected_by_label() {
    let slower = [
        "--baseline-series",
        "version=v1",
        "--canary-series",
        "version=v2",
    ];
    let r = judge("p99.toml", "range.json", "range.json", &slower);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("n = 60 / 60"), "{}", r.stdout);
    let same = [
        "--series",
        "job=checkout",
        "--canary-series",
        "version=v1",
        "--baseline-series",
        "version=v1",
    ];
    let r = judge("p99.toml", "range.json", "range.json", &same);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = judge(
        "p99.toml",
        "range.json",
        "range.json",
        &["--series", "version=v3"],
    );
    assert_eq!(r.code, 3);
    assert!(
        r.stderr
            .contains("range.json: no series matches version=\"v3\""),
        "{}",
        r.stderr
    );
}

#[test]
fn stdin_is_read_for_dash_and_sniffed() {
    let config = fixture("latency.toml");
    let base = fixture("baseline.csv");
    let canary = std::fs::read(fixture("canary-slow.json")).unwrap();
    let r = run_with_stdin(
        &[
            "judge",
            "--config",
            &config,
            "--baseline",
            &base,
            "--canary",
            "-",
        ],
        &canary,
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let hist = fixture("histogram.toml");
    let buckets = fixture("baseline-buckets.csv");
    let canary = std::fs::read(fixture("canary-same-buckets.json")).unwrap();
    let r = run_with_stdin(
        &[
            "judge",
            "--config",
            &hist,
            "--baseline",
            &buckets,
            "--canary",
            "-",
        ],
        &canary,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn an_explicit_input_format_is_used() {
    let config = fixture("latency.toml");
    let canary = std::fs::read(fixture("canary-slow.json")).unwrap();
    let judge = |baseline: &str, format: &str| {
        let base = fixture(baseline);
        let args = [
            "judge",
            "--config",
            &config,
            "--baseline",
            &base,
            "--canary",
            "-",
        ];
        run_with_stdin(&[&args[..], &["--input-format", format]].concat(), &canary)
    };
    // JSON content read as CSV is an error on its first line.
    let r = judge("baseline.csv", "csv");
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("stdin: line 1"), "{}", r.stderr);
    let r = judge("baseline.json", "json");
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn only_one_input_may_be_stdin() {
    let config = fixture("latency.toml");
    let r = run(&[
        "judge",
        "--config",
        &config,
        "--baseline",
        "-",
        "--canary",
        "-",
    ]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("only one input may come from stdin"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_bad_value_names_file_line_and_column() {
    let r = judge("latency.toml", "baseline.csv", "bad-value.csv", &[]);
    assert_eq!(r.code, 3);
    assert!(r.stdout.is_empty(), "nothing is judged: {}", r.stdout);
    assert!(
        r.stderr
            .contains("bad-value.csv: line 5, column 1: `12ms` is not a number"),
        "{}",
        r.stderr
    );
}

#[test]
fn decreasing_cumulative_counts_are_rejected_with_their_line() {
    let r = judge(
        "histogram.toml",
        "decreasing-buckets.csv",
        "canary-same-buckets.json",
        &[],
    );
    assert_refused(&r, "decreasing-buckets.csv: line 4: cumulative count 35");
}

#[test]
fn malformed_json_names_line_and_column() {
    let r = judge("latency.toml", "broken.json", "canary-slow.json", &[]);
    assert_refused(&r, "broken.json: line 3, column 7: expected `,` or `]`");
}

#[test]
fn a_missing_file_is_named() {
    let r = judge("latency.toml", "baseline.csv", "no-such-file.csv", &[]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("cannot read"), "{}", r.stderr);
    assert!(r.stderr.contains("no-such-file.csv"), "{}", r.stderr);
}
