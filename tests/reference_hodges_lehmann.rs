//! Hodges-Lehmann shift and confidence interval against an independent reference corpus.
//!
//! `tests/data/hodges_lehmann_reference.json` holds cases with sizes 1 to 300, continuous
//! data without ties and confidence levels 0.8, 0.9, 0.95 and 0.99, produced by
//! `scripts/gen_reference.py` from all m n sorted differences `D = sort(x_i - y_j)` (1-based):
//!
//! - `estimate`: the median of D;
//! - exact interval: `D_(qu)` to `D_(mn - qu + 1)` with `qu` the smallest q such that
//!   `P(U <= q) >= alpha / 2` under the exact null distribution of U (counted with big
//!   integers; `qu = 1` if that q is 0), and achieved confidence `1 - 2 P(U <= qu - 1)`.
//!   Cases up to 100 x 100 were also computed by R's `wilcox.test(x, y, conf.int = TRUE,
//!   exact = TRUE)` and agree (`r_*` fields);
//! - asymptotic interval (this crate's definition, not R's root-finding one): `D_(k)` to
//!   `D_(mn - k + 1)` with `k = max(1, floor(mn/2 - z sigma + 0.5))`,
//!   `sigma = sqrt(mn (m + n + 1) / 12)`, `z` the standard normal `1 - alpha/2` quantile.
//!
//! Estimates and bounds must match within 1e-12 relative (they are differences of the data,
//! or the mean of two). Each test reports every failing case.
//!
//! Regenerate the data from the repository root (needs numpy and scipy, and R's `Rscript`
//! for the cross-check; see the script's docstring): `python scripts/gen_reference.py`.

use canary_judge::stats::{hodges_lehmann, HodgesLehmannOptions, Method, MethodUsed};
use serde::Deserialize;

mod reference_support;
use reference_support::{assert_no_failures, describe_failure, load, relative_error};

const CORPUS: &str = "tests/data/hodges_lehmann_reference.json";
const TOLERANCE: f64 = 1e-12;

#[derive(Debug, Deserialize)]
struct Corpus {
    cases: Vec<Case>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RefMethod {
    Exact,
    Asymptotic,
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    x: Vec<f64>,
    y: Vec<f64>,
    confidence: f64,
    method: RefMethod,
    estimate: f64,
    low: f64,
    high: f64,
    /// `1 - 2 P(U <= qu - 1)` (exact cases only).
    #[serde(default)]
    achieved_confidence: Option<f64>,
    /// R's estimate, where R computed the case.
    #[serde(default)]
    r_estimate: Option<f64>,
    #[serde(default)]
    r_low: Option<f64>,
    #[serde(default)]
    r_high: Option<f64>,
}

/// Runs every case of `method` and returns (number of cases, one line per failing case).
fn failures(corpus: &Corpus, method: RefMethod) -> (usize, Vec<String>) {
    let (method_option, method_used) = match method {
        RefMethod::Exact => (Method::Exact, MethodUsed::Exact),
        RefMethod::Asymptotic => (Method::Asymptotic, MethodUsed::Asymptotic),
    };
    let cases: Vec<&Case> = corpus.cases.iter().filter(|c| c.method == method).collect();
    let mut failed = Vec::new();
    for case in &cases {
        let options = HodgesLehmannOptions::default()
            .confidence(case.confidence)
            .method(method_option);
        let result = match hodges_lehmann(&case.x, &case.y, &options) {
            Ok(result) => result,
            Err(e) => {
                failed.push(format!("{}: error {e}", case.name));
                continue;
            }
        };
        let mut checks = vec![
            ("estimate", result.estimate, case.estimate),
            ("low", result.low, case.low),
            ("high", result.high, case.high),
        ];
        if let Some(achieved) = case.achieved_confidence {
            checks.push(("achieved confidence", result.achieved_confidence, achieved));
        }
        let mut problems = Vec::new();
        for (what, actual, expected) in checks {
            let error = relative_error(actual, expected);
            if error.is_nan() || error > TOLERANCE {
                problems.push(format!(
                    "{what} {actual:e} (reference {expected:e}, relative error {error:.2e})"
                ));
            }
        }
        if result.method != method_used {
            problems.push(format!(
                "method {:?} (expected {method_used:?})",
                result.method
            ));
        }
        failed.extend(describe_failure(
            &case.name,
            (case.x.len(), case.y.len()),
            &problems,
        ));
    }
    (cases.len(), failed)
}

#[test]
fn corpus_is_complete_and_consistent() {
    let corpus = load::<Corpus>(CORPUS);
    assert!(
        corpus.cases.len() >= 40,
        "only {} cases in {CORPUS}",
        corpus.cases.len()
    );
    for method in [RefMethod::Exact, RefMethod::Asymptotic] {
        for confidence in [0.8, 0.9, 0.95, 0.99] {
            assert!(
                corpus
                    .cases
                    .iter()
                    .any(|c| c.method == method && c.confidence == confidence),
                "no {method:?} case at confidence {confidence}"
            );
        }
    }
    for case in &corpus.cases {
        assert!(
            case.low <= case.estimate && case.estimate <= case.high,
            "{}: estimate outside its interval",
            case.name
        );
        assert_eq!(
            case.achieved_confidence.is_some(),
            case.method == RefMethod::Exact,
            "{}",
            case.name
        );
        // Where R computed the case, it agrees with the reference.
        for (r, reference) in [
            (case.r_estimate, case.estimate),
            (case.r_low, case.low),
            (case.r_high, case.high),
        ] {
            if let Some(r) = r {
                assert!(
                    relative_error(r, reference) <= TOLERANCE,
                    "{}: R {r} vs {reference}",
                    case.name
                );
            }
        }
    }
    assert!(
        corpus.cases.iter().any(|c| c.r_estimate.is_some()),
        "no case checked against R"
    );
}

#[test]
fn exact_interval_matches_exact_counts_and_r() {
    let corpus = load::<Corpus>(CORPUS);
    assert_no_failures("exact", CORPUS, failures(&corpus, RefMethod::Exact));
}

#[test]
fn asymptotic_interval_matches_order_statistics() {
    let corpus = load::<Corpus>(CORPUS);
    assert_no_failures(
        "asymptotic",
        CORPUS,
        failures(&corpus, RefMethod::Asymptotic),
    );
}
