//! Mann-Whitney U test against an independent reference corpus.
//!
//! `tests/data/mann_whitney_reference.json` holds several hundred cases (sizes 1 to 5,000, heavy
//! ties, all samples tied, all three alternatives, continuity correction on and off, a sweep of
//! z from 0 to 9, p-values from 1 down to about 1e-184), produced by
//! `scripts/gen_reference.py`:
//!
//! - asymptotic cases: scipy's `mannwhitneyu(..., method="asymptotic")`; U must match exactly
//!   and p within 1e-10 relative;
//! - exact cases (no ties): the exact null distribution of U counted with Python big integers
//!   (Gaussian binomial coefficients), p within 1e-12 relative; scipy's `method="exact"` value
//!   is stored beside it as `pvalue_scipy`;
//! - exact conditional cases (ties): the permutation distribution of U given the tie pattern,
//!   counted exactly (dynamic programme over tie groups, checked by brute-force enumeration on
//!   small samples), p within 1e-12 relative.
//!
//! Each test runs every case of its kind and reports all failures with their relative errors.
//!
//! Regenerate the data from the repository root (needs numpy and scipy; see the script's
//! docstring): `python scripts/gen_reference.py`.

use canary_judge::stats::{mann_whitney_u, Alternative, MannWhitneyOptions, Method, MethodUsed};
use serde::Deserialize;

mod reference_support;
use reference_support::{assert_no_failures, describe_failure, load, relative_error};

const CORPUS: &str = "tests/data/mann_whitney_reference.json";
const ASYMPTOTIC_TOLERANCE: f64 = 1e-10;
const EXACT_TOLERANCE: f64 = 1e-12;

#[derive(Debug, Deserialize)]
struct Corpus {
    versions: Versions,
    cases: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Versions {
    numpy: String,
    scipy: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum RefAlternative {
    TwoSided,
    Greater,
    Less,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RefMethod {
    Exact,
    ExactConditional,
    Asymptotic,
}

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    x: Vec<f64>,
    y: Vec<f64>,
    alternative: RefAlternative,
    method: RefMethod,
    use_continuity: bool,
    /// U of `x`.
    statistic: f64,
    /// The reference p-value.
    pvalue: f64,
    /// scipy's p-value where scipy has the method (null where scipy returns NaN).
    #[serde(default)]
    pvalue_scipy: Option<f64>,
    /// The p-value from exact integer counts (exact and exact conditional cases).
    #[serde(default)]
    pvalue_bigint: Option<f64>,
}

/// Runs every case of `method` and returns one line per failing case.
fn failures(corpus: &Corpus, method: RefMethod, tolerance: f64) -> (usize, Vec<String>) {
    let (method_option, method_used) = match method {
        RefMethod::Asymptotic => (Method::Asymptotic, MethodUsed::Asymptotic),
        RefMethod::Exact => (Method::Exact, MethodUsed::Exact),
        RefMethod::ExactConditional => (Method::Exact, MethodUsed::ExactConditional),
    };
    let cases: Vec<&Case> = corpus.cases.iter().filter(|c| c.method == method).collect();
    let mut failed = Vec::new();
    for case in &cases {
        let alternative = match case.alternative {
            RefAlternative::TwoSided => Alternative::TwoSided,
            RefAlternative::Greater => Alternative::Greater,
            RefAlternative::Less => Alternative::Less,
        };
        let options = MannWhitneyOptions::default()
            .alternative(alternative)
            .method(method_option)
            .continuity_correction(case.use_continuity);
        let result = match mann_whitney_u(&case.x, &case.y, &options) {
            Ok(result) => result,
            Err(e) => {
                failed.push(format!("{}: error {e}", case.name));
                continue;
            }
        };
        let mut problems = Vec::new();
        if result.statistic != case.statistic {
            problems.push(format!(
                "U {} (reference {})",
                result.statistic, case.statistic
            ));
        }
        let error = relative_error(result.pvalue, case.pvalue);
        if error.is_nan() || error > tolerance {
            problems.push(format!(
                "p {:e} (reference {:e}, relative error {error:.2e})",
                result.pvalue, case.pvalue
            ));
        }
        if result.method != method_used {
            problems.push(format!(
                "method {:?} (expected {method_used:?})",
                result.method
            ));
        }
        if result.zscore.is_some() != (method == RefMethod::Asymptotic) {
            problems.push(format!("zscore {:?}", result.zscore));
        }
        if (result.n_x, result.n_y) != (case.x.len() as u64, case.y.len() as u64) {
            problems.push(format!("sizes {} x {}", result.n_x, result.n_y));
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
        corpus.cases.len() >= 200,
        "only {} cases in {CORPUS}",
        corpus.cases.len()
    );
    assert!(!corpus.versions.numpy.is_empty() && !corpus.versions.scipy.is_empty());
    for method in [
        RefMethod::Asymptotic,
        RefMethod::Exact,
        RefMethod::ExactConditional,
    ] {
        for alternative in [
            RefAlternative::TwoSided,
            RefAlternative::Greater,
            RefAlternative::Less,
        ] {
            assert!(
                corpus
                    .cases
                    .iter()
                    .any(|c| c.method == method && c.alternative == alternative),
                "no {method:?} {alternative:?} case"
            );
        }
    }
    for case in &corpus.cases {
        assert!(
            (0.0..=1.0).contains(&case.pvalue),
            "{}: reference p {}",
            case.name,
            case.pvalue
        );
        match case.method {
            // The exact reference is the big-integer value.
            RefMethod::Exact | RefMethod::ExactConditional => {
                assert_eq!(case.pvalue_bigint, Some(case.pvalue), "{}", case.name)
            }
            // scipy's value, except where scipy returns NaN (every observation tied and no
            // continuity correction: 0 / 0); the reference is then p = 1.
            RefMethod::Asymptotic => match case.pvalue_scipy {
                Some(p) => assert_eq!(p, case.pvalue, "{}", case.name),
                None => {
                    let first = case.x[0];
                    assert!(
                        case.x.iter().chain(&case.y).all(|&v| v == first)
                            && !case.use_continuity
                            && case.pvalue == 1.0,
                        "{}: scipy NaN outside the all-tied case",
                        case.name
                    );
                }
            },
        }
    }
}

#[test]
fn asymptotic_matches_scipy() {
    let corpus = load::<Corpus>(CORPUS);
    assert_no_failures(
        "asymptotic",
        CORPUS,
        failures(&corpus, RefMethod::Asymptotic, ASYMPTOTIC_TOLERANCE),
    );
}

#[test]
fn exact_matches_big_integer_counts() {
    let corpus = load::<Corpus>(CORPUS);
    assert_no_failures(
        "exact",
        CORPUS,
        failures(&corpus, RefMethod::Exact, EXACT_TOLERANCE),
    );
}

#[test]
fn exact_conditional_matches_exact_enumeration() {
    let corpus = load::<Corpus>(CORPUS);
    assert_no_failures(
        "exact conditional",
        CORPUS,
        failures(&corpus, RefMethod::ExactConditional, EXACT_TOLERANCE),
    );
}
