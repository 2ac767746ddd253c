//! IQR outlier fences against numpy.
//!
//! `tests/data/outlier_reference.json` holds 19 data sets (1 to 1,000 values: normal, latencies
//! with spikes, a Pareto tail, integer ties, a constant sample, a dense tail, tiny scales), each
//! with factors 0, 0.5, 1.5, 3 and 10 under both rules, produced by
//! `scripts/gen_outlier_reference.py`: percentiles from `numpy.percentile` (linear, type 7),
//! Tukey's fences from the quartiles, Kayenta's widened fences `min(P1, Q1 - f IQR)` and
//! `max(P99, Q3 + f IQR)`, and the indices of the values outside them.
//!
//! The crate interpolates as numpy does, so percentiles and fences must agree to 1e-12
//! relative (in practice exactly), and the outliers must be the same values.
//!
//! Regenerate from the repository root (needs numpy): `python scripts/gen_outlier_reference.py`.

use canary_judge::stats::{iqr_fences, remove_iqr_outliers, FenceRule, IqrFenceOptions};
use serde::Deserialize;

mod reference_support;
use reference_support::{assert_no_failures, describe_failure, load, relative_error};

const CORPUS: &str = "tests/data/outlier_reference.json";
const TOLERANCE: f64 = 1e-12;

#[derive(Debug, Deserialize)]
struct Corpus {
    datasets: Vec<Dataset>,
}

#[derive(Debug, Deserialize)]
struct Dataset {
    name: String,
    values: Vec<f64>,
    results: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    factor: f64,
    rule: FenceRule,
    p1: f64,
    q1: f64,
    q3: f64,
    p99: f64,
    lower: f64,
    upper: f64,
    outliers: Vec<usize>,
}

#[test]
fn fences_and_outliers_match_numpy() {
    let corpus = load::<Corpus>(CORPUS);
    assert!(corpus.datasets.len() >= 15);
    let (mut total, mut failed, mut worst) = (0, Vec::new(), 0.0f64);
    for dataset in &corpus.datasets {
        for case in &dataset.results {
            total += 1;
            let options = IqrFenceOptions::default()
                .factor(case.factor)
                .rule(case.rule);
            let label = format!("{} factor={} {:?}", dataset.name, case.factor, case.rule);
            let fences = match iqr_fences(&dataset.values, &options) {
                Ok(fences) => fences,
                Err(e) => {
                    failed.push(format!("{label}: error {e}"));
                    continue;
                }
            };
            let mut problems = Vec::new();
            for (what, actual, expected) in [
                ("p1", fences.p1, case.p1),
                ("q1", fences.q1, case.q1),
                ("q3", fences.q3, case.q3),
                ("p99", fences.p99, case.p99),
                ("lower", fences.lower, case.lower),
                ("upper", fences.upper, case.upper),
            ] {
                let error = relative_error(actual, expected);
                worst = worst.max(error);
                if error.is_nan() || error > TOLERANCE {
                    problems.push(format!("{what} {actual:e} (numpy {expected:e})"));
                }
            }
            let flagged: Vec<usize> = (0..dataset.values.len())
                .filter(|&i| fences.is_outlier(dataset.values[i]))
                .collect();
            if flagged != case.outliers {
                problems.push(format!("outliers {flagged:?} (numpy {:?})", case.outliers));
            }
            let removal = remove_iqr_outliers(&dataset.values, &options).unwrap();
            let kept: Vec<f64> = (0..dataset.values.len())
                .filter(|i| !case.outliers.contains(i))
                .map(|i| dataset.values[i])
                .collect();
            if removal.kept != kept || removal.outliers != case.outliers.len() as u64 {
                problems.push("removal keeps other values".to_string());
            }
            failed.extend(describe_failure(
                &label,
                (dataset.values.len(), 0),
                &problems,
            ));
        }
    }
    eprintln!("largest relative error against numpy: {worst:.3e}");
    assert_no_failures("IQR fence", CORPUS, (total, failed));
}

#[test]
fn corpus_covers_both_rules_and_removes_something() {
    let corpus = load::<Corpus>(CORPUS);
    for rule in [FenceRule::Widened, FenceRule::Tukey] {
        let cases = || {
            corpus
                .datasets
                .iter()
                .flat_map(|d| &d.results)
                .filter(move |c| c.rule == rule)
        };
        assert!(cases().any(|c| c.outliers.is_empty()), "{rule:?}");
        assert!(cases().any(|c| !c.outliers.is_empty()), "{rule:?}");
        assert!(cases().any(|c| c.factor == 0.0) && cases().any(|c| c.factor == 3.0));
    }
    // Widening only ever keeps more.
    for dataset in &corpus.datasets {
        for pair in dataset.results.chunks(2) {
            let [widened, tukey] = pair else { continue };
            assert_eq!(
                (widened.rule, tukey.rule),
                (FenceRule::Widened, FenceRule::Tukey)
            );
            assert!(widened.outliers.iter().all(|i| tukey.outliers.contains(i)));
        }
    }
}
