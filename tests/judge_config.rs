//! Judge configuration: every rejection names the field as a path into the document and
//! says what is allowed; JSON and TOML load the same structures and give the same verdicts.

mod judge_support;

use canary_judge::judge::{
    Direction, Judge, JudgeConfig, Looks, MetricData, Observations, TestConfig, Tolerance, Window,
};
use canary_judge::Error;
use judge_support::*;

const LATENCY: &str = "[[metrics]]\nname = \"latency\"\ndata = \"samples\"\nbad = \"increase\"\n";

/// Fails unless `error` names `field` (exactly, as its path) and says `allowed`.
fn check_error(error: &Error, field: &str, allowed: &str) {
    let message = error.to_string();
    let named = match error {
        Error::InvalidConfig { field: f, .. } | Error::Parse { field: f, .. } => f.as_str(),
        other => panic!("expected a configuration error, got {other:?}"),
    };
    assert_eq!(named, field, "{message}");
    assert!(
        message.contains(&format!("`{field}`")),
        "the message must name `{field}`: {message}"
    );
    assert!(
        message.contains(allowed),
        "the message must say {allowed:?}: {message}"
    );
}

fn toml_rejects(toml: &str, field: &str, allowed: &str) {
    let error = Judge::from_toml(toml).expect_err(toml);
    check_error(&error, field, allowed);
}

fn json_rejects(json: &str, field: &str, allowed: &str) {
    let error = Judge::from_json(json).expect_err(json);
    check_error(&error, field, allowed);
}

#[test]
fn unknown_fields_are_named_by_their_path() {
    toml_rejects(
        &format!("{LATENCY}tolerence = {{ relative = 0.01 }}\n"),
        "metrics[0].tolerence",
        "unknown field `tolerence`, expected one of `name`, `data`, `bad`, `test`, `tolerance`",
    );
    json_rejects(
        r#"{"metrics": [{"name": "latency", "data": "samples", "bad": "increase",
            "tolerence": {"relative": 0.01}}]}"#,
        "metrics[0].tolerence",
        "unknown field `tolerence`",
    );
    toml_rejects(
        &format!("confidance = 0.9\n{LATENCY}"),
        "confidance",
        "unknown field `confidance`, expected one of `confidence`",
    );
    toml_rejects(
        &format!("{LATENCY}\n[[metrics]]\nname = \"errors\"\ndata = \"counts\"\nbad = \"increase\"\nmin_sample = {{ observations = {{ canary = 10, baseline = 10, both = 1 }} }}\n"),
        "metrics[1].min_sample.observations.both",
        "unknown field `both`, expected `canary` or `baseline`",
    );
    toml_rejects(
        &format!("[no_data]\nshare = 0.5\nacton = \"fail\"\n\n{LATENCY}"),
        "no_data.acton",
        "unknown field `acton`",
    );
}

#[test]
fn wrong_types_and_unknown_choices_are_named() {
    toml_rejects(
        &format!("{LATENCY}weight = \"heavy\"\n"),
        "metrics[0].weight",
        "invalid type: string \"heavy\", expected f64",
    );
    json_rejects(
        r#"{"metrics": [{"name": "latency", "data": "samples", "bad": "increase",
            "tolerance": {"relative": "1%"}}]}"#,
        "metrics[0].tolerance.relative",
        "invalid type: string \"1%\", expected f64",
    );
    toml_rejects(
        "confidence = \"high\"\n[[metrics]]\nname = \"a\"\ndata = \"samples\"\nbad = \"increase\"\n",
        "confidence",
        "expected f64",
    );
    toml_rejects(
        "[[metrics]]\nname = \"a\"\ndata = \"samples\"\nbad = \"up\"\n",
        "metrics[0].bad",
        "unknown variant `up`, expected one of `increase`, `decrease`, `either`",
    );
    toml_rejects(
        "[[metrics]]\nname = \"a\"\ndata = \"sample\"\nbad = \"increase\"\n",
        "metrics[0].data",
        "expected one of `samples`, `intervals`, `counts`, `histogram`",
    );
    toml_rejects(
        &format!("{LATENCY}test = \"wilcoxon\"\n"),
        "metrics[0].test",
        "unknown variant `wilcoxon`",
    );
    toml_rejects(
        &format!("{LATENCY}nan_policy = \"drop\"\n"),
        "metrics[0].nan_policy",
        "expected `reject` or `remove`",
    );
    toml_rejects(
        &format!("{LATENCY}tolerance = {{ relative = 0.01, absolute = 2 }}\n"),
        "metrics[0].tolerance",
        "wanted exactly 1 element",
    );
    toml_rejects(
        &format!("{LATENCY}looks = {{ bonferroni = -3 }}\n"),
        "metrics[0].looks.bonferroni",
        "invalid value: integer `-3`, expected u32",
    );
    // A missing field: the message names it.
    toml_rejects(
        "[[metrics]]\nname = \"a\"\ndata = \"samples\"\n",
        "metrics[0]",
        "missing field `bad`",
    );
}

#[test]
fn impossible_values_are_named_with_what_is_allowed() {
    toml_rejects(
        &format!("confidence = 1.5\n{LATENCY}"),
        "confidence",
        "must be in (0, 1)",
    );
    toml_rejects(
        &format!("confidence = 0\n{LATENCY}"),
        "confidence",
        "must be in (0, 1)",
    );
    toml_rejects(
        &format!("[thresholds]\npass = 70\nmarginal = 80\n\n{LATENCY}"),
        "thresholds",
        "need 0 <= marginal <= pass <= 100",
    );
    toml_rejects(
        &format!("[thresholds]\npass = 101\nmarginal = 80\n\n{LATENCY}"),
        "thresholds",
        "need 0 <= marginal <= pass <= 100",
    );
    toml_rejects(
        &format!("{LATENCY}weight = 0\n"),
        "metrics[0].weight",
        "must be positive and finite",
    );
    toml_rejects(
        &format!("[no_data]\nshare = 0\n\n{LATENCY}"),
        "no_data.share",
        "must be in (0, 1]",
    );
    toml_rejects("metrics = []\n", "metrics", "configure at least one metric");
    toml_rejects(
        "[[metrics]]\nname = \" \"\ndata = \"samples\"\nbad = \"increase\"\n",
        "metrics[0].name",
        "must not be empty",
    );
    toml_rejects(
        &format!("{LATENCY}\n{LATENCY}"),
        "metrics[1].name",
        "metric names must be unique",
    );
    toml_rejects(
        &format!("{LATENCY}critical = true\nmuted = true\n"),
        "metrics[0].muted",
        "a muted metric cannot be critical",
    );
    toml_rejects(
        &format!("{LATENCY}muted = true\n"),
        "metrics",
        "at least one metric must be unmuted",
    );
    toml_rejects(
        &format!("{LATENCY}test = {{ quantile = 1.5 }}\n"),
        "metrics[0].test.quantile",
        "must be in (0, 1)",
    );
    toml_rejects(
        &format!("{LATENCY}looks = {{ bonferroni = 0 }}\n"),
        "metrics[0].looks.bonferroni",
        "the look budget must be at least 1",
    );
    toml_rejects(
        &format!("{LATENCY}window = {{ sliding = 0 }}\n"),
        "metrics[0].window.sliding",
        "a sliding window holds at least 1 tick",
    );
    toml_rejects(
        &format!("{LATENCY}test = {{ threshold = {{}} }}\n"),
        "metrics[0].test.threshold",
        "set `min`, `max` or both",
    );
    toml_rejects(
        &format!("{LATENCY}test = {{ threshold = {{ min = 5, max = 1 }} }}\n"),
        "metrics[0].test.threshold",
        "`min` must not exceed `max`",
    );
    toml_rejects(
        &format!("{LATENCY}test = {{ threshold = {{ of = {{ quantile = 1.2 }}, max = 1 }} }}\n"),
        "metrics[0].test.threshold",
        "the quantile must be in [0, 1]",
    );
    toml_rejects(
        "[[metrics]]\nname = \"p99\"\ndata = \"histogram\"\nbad = \"increase\"\n\
         test = { threshold = { max = 1 } }\n",
        "metrics[0].test.threshold.of",
        "a histogram has no mean",
    );
    toml_rejects(
        &format!("{LATENCY}outliers = {{ iqr = -1 }}\n"),
        "metrics[0].outliers.iqr",
        "must be finite and >= 0",
    );
}

#[test]
fn tests_and_tolerances_must_fit_the_data() {
    let metric = |data: &str, extra: &str| {
        format!("[[metrics]]\nname = \"m\"\ndata = \"{data}\"\nbad = \"increase\"\n{extra}\n")
    };
    let allowed_tests = "allowed: mann_whitney for samples, intervals and histograms; \
                         event_rate for counts; quantile for samples";
    for (data, test) in [
        ("counts", "\"mann_whitney\""),
        ("samples", "\"event_rate\""),
        ("histogram", "\"event_rate\""),
        ("counts", "{ quantile = 0.5 }"),
        ("intervals", "{ quantile = 0.5 }"),
        ("histogram", "{ quantile = 0.5 }"),
    ] {
        toml_rejects(
            &metric(data, &format!("test = {test}")),
            "metrics[0].test",
            allowed_tests,
        );
    }
    let cases = [
        (
            "counts",
            "tolerance = { absolute = 0.001 }",
            "counts are compared as a rate ratio; use a relative tolerance",
        ),
        (
            "counts",
            "tolerance = { superiority = 0.6 }",
            "a superiority bound applies to the mann_whitney test only",
        ),
        (
            "samples",
            "test = { quantile = 0.9 }\ntolerance = { superiority = 0.6 }",
            "a superiority bound applies to the mann_whitney test only",
        ),
        (
            "histogram",
            "tolerance = { absolute = 5 }",
            "a histogram holds no raw values to shift; use a superiority bound",
        ),
        (
            "histogram",
            "tolerance = { relative = 0.05 }",
            "a histogram holds no raw values to shift",
        ),
        (
            "samples",
            "tolerance = { superiority = 0.4 }",
            "a superiority bound must be in (0.5, 1)",
        ),
        (
            "samples",
            "tolerance = { relative = -0.01 }",
            "a tolerance must be finite and >= 0",
        ),
        (
            "samples",
            "test = { threshold = { max = 1 } }\ntolerance = { relative = 0.01 }",
            "kayenta and threshold tests carry their own bounds; remove `tolerance`",
        ),
    ];
    for (data, extra, allowed) in cases {
        toml_rejects(&metric(data, extra), "metrics[0].tolerance", allowed);
    }
    toml_rejects(
        &metric("counts", "looks = \"unadjusted\""),
        "metrics[0].looks",
        "anytime-valid and needs no look adjustment; remove `looks`",
    );
    toml_rejects(
        &metric("counts", "outliers = { iqr = 3 }"),
        "metrics[0].outliers",
        "outlier removal applies to samples and intervals only",
    );
}

#[test]
fn group_weights_must_add_up() {
    let two_groups = "[[metrics]]\nname = \"a\"\ngroup = \"latency\"\ndata = \"samples\"\nbad = \"increase\"\n\n\
                      [[metrics]]\nname = \"b\"\ngroup = \"errors\"\ndata = \"counts\"\nbad = \"increase\"\n";
    toml_rejects(
        &format!("[groups]\nlatency = 60\nerrors = 30\n\n{two_groups}"),
        "groups",
        "when every group has a weight, the weights must total 100",
    );
    toml_rejects(
        &format!("[groups]\nlatency = 100\n\n{two_groups}"),
        "groups",
        "weights must total less than 100 so that the unweighted groups get a share",
    );
    toml_rejects(
        &format!("[groups]\nlatncy = 50\n\n{two_groups}"),
        "groups.latncy",
        "no unmuted metric is in this group",
    );
    toml_rejects(
        &format!("[groups]\nlatency = -5\n\n{two_groups}"),
        "groups.latency",
        "must be finite and >= 0",
    );
    // Weights that total 100 load.
    let judge = Judge::from_toml(&format!(
        "[groups]\nlatency = 60\nerrors = 40\n\n{two_groups}"
    ));
    assert!(judge.is_ok());
}

#[test]
fn budget_settings_are_checked_where_they_are_read() {
    toml_rejects(
        &format!("[budget]\nobjective = 1.0\nwindow = \"28d\"\n\n{LATENCY}"),
        "budget.objective",
        "a target of 1 (100%) leaves no error budget",
    );
    toml_rejects(
        &format!("[budget]\nobjective = \"99.9%\"\nwindow = \"28 days\"\n\n{LATENCY}"),
        "budget.window",
        "write a whole number with a unit: s, m, h or d",
    );
    toml_rejects(
        &format!(
            "[budget]\nobjective = \"99.9%\"\nwindow = \"28d\"\n\
             tiers = {{ allow_from = 0.2, freeze_below = 0.5 }}\n\n{LATENCY}"
        ),
        "budget.tiers",
        "must be at most allow_from",
    );
}

#[test]
fn observations_must_name_configured_metrics() {
    let judge = judge(&format!(
        "{LATENCY}\n[[metrics]]\nname = \"errors\"\ndata = \"counts\"\nbad = \"increase\"\n"
    ));
    let observations = Observations::new().with("latncy", samples(vec![1.0, 2.0], vec![1.0, 2.0]));
    let error = judge.judge(&observations).unwrap_err();
    assert_eq!(
        error,
        Error::UnknownMetric {
            name: "latncy".into(),
            defined: "latency, errors".into()
        }
    );
    assert_eq!(
        error.to_string(),
        "observations name metric `latncy`, which the configuration does not define \
         (defined: latency, errors)"
    );
    let mut state = judge.new_state().unwrap();
    assert!(judge.judge_tick(&mut state, &observations).is_err());

    // Observation documents are checked like configurations.
    let error = Observations::from_json(
        r#"{"metrics": {"latency": {"samples": {"baseline": [1], "canary": [2], "extra": 1}}}}"#,
    )
    .unwrap_err();
    check_error(
        &error,
        "metrics.latency.samples.extra",
        "unknown field `extra`",
    );
    let error = Observations::from_json(
        r#"{"metrics": {"errors": {"counts": {"baseline": {"events": -1, "total": 5},
            "canary": {"events": 0, "total": 5}}}}}"#,
    )
    .unwrap_err();
    check_error(
        &error,
        "metrics.errors.counts.baseline.events",
        "expected u64",
    );
    // JSON has no NaN: `null` stands for it.
    let observations = Observations::from_json(
        r#"{"metrics": {"latency": {"samples": {"baseline": [1, null], "canary": [2]}}}}"#,
    )
    .unwrap();
    match &observations.metrics["latency"] {
        MetricData::Samples { baseline, .. } => assert!(baseline[1].is_nan()),
        other => panic!("{other:?}"),
    }
}

/// A configuration using most settings, in TOML.
const FULL_TOML: &str = r#"
confidence = 0.99

[thresholds]
pass = 90
marginal = 60

[no_data]
share = 0.4
action = "fail"
empty_groups = "full_score"

[groups]
latency = 60

[budget]
objective = "99.9%"
window = "28d"
tiers = { allow_from = 0.5, freeze_below = "20%" }

[[metrics]]
name = "p50"
group = "latency"
data = "samples"
bad = "increase"
tolerance = { relative = 0.02 }
min_sample = { observations = { canary = 20, baseline = 20 } }
nan_policy = "remove"
looks = { bonferroni = 12 }
window = { sliding = 5 }

[[metrics]]
name = "p99"
group = "latency"
data = "samples"
bad = "increase"
test = { quantile = 0.99 }
weight = 2

[[metrics]]
name = "errors"
group = "errors"
data = "counts"
bad = "increase"
critical = true
tolerance = { relative = 0.1 }
min_sample = { expected_events = { events = 5, reference = "baseline" } }

[[metrics]]
name = "cpu"
group = "resources"
data = "intervals"
bad = "either"
tolerance = { absolute = 2.5 }
looks = "unadjusted"

[[metrics]]
name = "bucketed"
group = "resources"
data = "histogram"
bad = "increase"
tolerance = { superiority = 0.6 }
muted = true

[[metrics]]
name = "success"
group = "errors"
data = "counts"
bad = "decrease"
test = { threshold = { min = 0.99 } }
"#;

/// The same configuration in JSON.
const FULL_JSON: &str = r#"{
  "confidence": 0.99,
  "thresholds": {"pass": 90, "marginal": 60},
  "no_data": {"share": 0.4, "action": "fail", "empty_groups": "full_score"},
  "groups": {"latency": 60},
  "budget": {"objective": "99.9%", "window": "28d",
             "tiers": {"allow_from": 0.5, "freeze_below": "20%"}},
  "metrics": [
    {"name": "p50", "group": "latency", "data": "samples", "bad": "increase",
     "tolerance": {"relative": 0.02},
     "min_sample": {"observations": {"canary": 20, "baseline": 20}},
     "nan_policy": "remove", "looks": {"bonferroni": 12}, "window": {"sliding": 5}},
    {"name": "p99", "group": "latency", "data": "samples", "bad": "increase",
     "test": {"quantile": 0.99}, "weight": 2},
    {"name": "errors", "group": "errors", "data": "counts", "bad": "increase",
     "critical": true, "tolerance": {"relative": 0.1},
     "min_sample": {"expected_events": {"events": 5, "reference": "baseline"}}},
    {"name": "cpu", "group": "resources", "data": "intervals", "bad": "either",
     "tolerance": {"absolute": 2.5}, "looks": "unadjusted"},
    {"name": "bucketed", "group": "resources", "data": "histogram", "bad": "increase",
     "tolerance": {"superiority": 0.6}, "muted": true},
    {"name": "success", "group": "errors", "data": "counts", "bad": "decrease",
     "test": {"threshold": {"min": 0.99}}}
  ]
}"#;

fn full_observations(seed: u64) -> Observations {
    let mut data = Data::new(seed);
    Observations::new()
        .with(
            "p50",
            samples(
                data.lognormal(400, 100.0, 0.3),
                data.lognormal(200, 104.0, 0.3),
            ),
        )
        .with(
            "p99",
            samples(
                data.lognormal(400, 100.0, 0.3),
                data.lognormal(200, 100.0, 0.3),
            ),
        )
        .with("errors", counts((50, 100_000), (9, 10_000)))
        .with(
            "cpu",
            samples(data.normals(30, 40.0, 3.0), data.normals(30, 41.0, 3.0)),
        )
        .with(
            "bucketed",
            MetricData::Histogram {
                bounds: vec![10.0, 100.0, f64::INFINITY],
                baseline: vec![50, 40, 10],
                canary: vec![40, 45, 15],
            },
        )
        .with("success", counts((99_500, 100_000), (9_950, 10_000)))
        .with_budget(canary_judge::slo::Counts::new(120, 1_000_000).unwrap())
}

#[test]
fn json_and_toml_load_the_same_configuration_and_verdicts() {
    let from_toml = Judge::from_toml(FULL_TOML).unwrap();
    let from_json = Judge::from_json(FULL_JSON).unwrap();
    assert_eq!(from_toml.config(), from_json.config());
    assert_eq!(from_toml, from_json);
    let config = from_toml.config();
    assert_eq!(config.metrics.len(), 6);
    assert_eq!(config.metrics[0].looks, Some(Looks::Bonferroni(12)));
    assert_eq!(config.metrics[0].window, Window::Sliding(5));
    assert_eq!(config.metrics[1].test(), TestConfig::Quantile(0.99));
    assert_eq!(config.metrics[2].tolerance, Some(Tolerance::Relative(0.1)));
    assert_eq!(config.metrics[3].bad, Direction::Either);
    for seed in 0..5 {
        let observations = full_observations(seed);
        let a = from_toml.judge(&observations).unwrap();
        let b = from_json.judge(&observations).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_json(), b.to_json());
    }
    // A loaded configuration written back as JSON loads to the same configuration.
    let written = serde_json::to_string(config).unwrap();
    let reread = Judge::from_json(&written).unwrap();
    assert_eq!(reread.config(), config);
    // And builds the same judge directly.
    let direct: JudgeConfig = serde_json::from_str(&written).unwrap();
    assert_eq!(Judge::new(direct).unwrap(), from_toml);
}

#[test]
fn defaults_are_the_documented_ones() {
    let judge = Judge::from_toml(LATENCY).unwrap();
    let config = judge.config();
    assert_eq!(config.confidence, 0.95);
    assert_eq!(
        (config.thresholds.pass, config.thresholds.marginal),
        (95.0, 75.0)
    );
    assert_eq!(config.no_data.share, 0.5);
    assert_eq!(
        config.no_data.action,
        canary_judge::judge::NoDataAction::Inconclusive
    );
    assert_eq!(
        config.no_data.empty_groups,
        canary_judge::judge::EmptyGroups::Excluded
    );
    let metric = &config.metrics[0];
    assert_eq!(metric.group, "default");
    assert_eq!(metric.weight, 1.0);
    assert_eq!(metric.test(), TestConfig::MannWhitney);
    assert!(!metric.critical && !metric.muted);
    assert_eq!((metric.tolerance, metric.looks), (None, None));
    assert_eq!(metric.window, Window::Growing);
    let counts =
        Judge::from_toml("[[metrics]]\nname = \"e\"\ndata = \"counts\"\nbad = \"increase\"\n")
            .unwrap();
    assert_eq!(counts.config().metrics[0].test(), TestConfig::EventRate);
}

#[test]
fn the_event_rate_prior_is_checked_and_changes_how_soon_a_large_ratio_is_caught() {
    toml_rejects(
        &format!("{LATENCY}concentration = 10.0\n"),
        "metrics[0].concentration",
        "event_rate test only",
    );
    let errors = |k: &str| {
        format!("[[metrics]]\nname = \"errors\"\ndata = \"counts\"\nbad = \"increase\"\n{k}")
    };
    toml_rejects(
        &errors("concentration = 0.0\n"),
        "metrics[0].concentration",
        "[1e-3, 1e12]",
    );
    // 40 errors in 10,000 canary requests against 10 in 10,000: a fourfold rate. The default
    // prior (100 events around no change) needs more evidence than this; 10 events suffice.
    let observations = Observations::new().with(
        "errors",
        MetricData::Counts {
            baseline: canary_judge::judge::EventTotals {
                events: 10,
                total: 10_000,
            },
            canary: canary_judge::judge::EventTotals {
                events: 40,
                total: 10_000,
            },
        },
    );
    let decide = |k: &str| {
        let verdict = Judge::from_toml(&errors(k))
            .unwrap()
            .judge(&observations)
            .unwrap();
        verdict.metrics[0].outcome
    };
    use canary_judge::judge::Outcome;
    assert_eq!(decide(""), Outcome::Pass);
    assert_eq!(decide("concentration = 10.0\n"), Outcome::Regression);
}
