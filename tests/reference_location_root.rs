//! R's asymptotic location shift and interval against R 4.2.2 and the crossings it approximates.
//!
//! `tests/data/location_root_reference.json` holds data sets with 1 to 300 observations per
//! side (continuous, shifted, tied, heavily tied, one constant sample, identical samples, and
//! both samples constant), each run at confidence 0.8, 0.9, 0.95, 0.98 and 0.99 with and
//! without the continuity correction. `scripts/gen_location_root_reference.py` stores, per case:
//!
//! - `r`: R's `wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct, conf.level)`
//!   estimate and interval, or R's error where every observation is tied;
//! - the crossings R's `uniroot` approximates, found by brute force from R's own statistic
//!   (pooled ranks at every gap between consecutive pairwise differences), independently of
//!   the crate's algorithm: the set of roots `*_set` and its midpoint.
//!
//! Our results must equal the crossings (1e-12 relative: they are differences of the data or
//! the mean of two). R's must lie within its root finder's tolerance of the set of roots: R's
//! `zeroin` keeps a sign change between its iterate `b` and a second point `c` and stops once
//! `|c - b| <= 4 DBL_EPSILON |b| + tol` with `tol = 1e-4` (`wilcox.test`'s `tol.root`), so
//! `|R - root| <= 1e-4 + 4 DBL_EPSILON |R|`. Where the statistic equals the quantile on a whole
//! stretch of shifts (the estimate when `m n` is even), every shift in it is a root and R
//! stops at whichever it evaluates first; ours is the stretch's midpoint, the Hodges-Lehmann
//! median.
//!
//! Regenerate from the repository root (needs numpy, scipy and R's `Rscript`):
//! `python scripts/gen_location_root_reference.py`.

use canary_judge::stats::{location_shift_root, LocationRoot, LocationRootOptions};
use canary_judge::Error;
use serde::Deserialize;

mod reference_support;
use reference_support::{assert_no_failures, describe_failure, load, relative_error};

const CORPUS: &str = "tests/data/location_root_reference.json";
/// Ours against the exact crossings.
const TOLERANCE: f64 = 1e-12;
/// `uniroot`'s `tol` in `wilcox.test`.
const R_TOL: f64 = 1e-4;

#[derive(Debug, Deserialize)]
struct Corpus {
    r_tolerance: f64,
    datasets: Vec<Dataset>,
}

#[derive(Debug, Deserialize)]
struct Dataset {
    name: String,
    x: Vec<f64>,
    y: Vec<f64>,
    results: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    confidence: f64,
    correct: bool,
    all_tied: bool,
    #[serde(default)]
    r_error: Option<String>,
    #[serde(default)]
    r: Option<Ends>,
    #[serde(default)]
    low: Option<f64>,
    #[serde(default)]
    high: Option<f64>,
    #[serde(default)]
    estimate: Option<f64>,
    #[serde(default)]
    low_set: Option<[f64; 2]>,
    #[serde(default)]
    high_set: Option<[f64; 2]>,
    #[serde(default)]
    estimate_set: Option<[f64; 2]>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
struct Ends {
    estimate: f64,
    low: f64,
    high: f64,
}

impl Case {
    fn options(&self) -> LocationRootOptions {
        LocationRootOptions::default()
            .confidence(self.confidence)
            .continuity_correction(self.correct)
    }

    fn label(&self, dataset: &Dataset) -> String {
        format!(
            "{} conf={} correct={}",
            dataset.name, self.confidence, self.correct
        )
    }

    /// (what, ours, the exact root, the set of roots, R's value) for the three results.
    fn triples(&self, ours: &LocationRoot) -> Vec<(&'static str, f64, f64, [f64; 2], f64)> {
        let r = self.r.expect("R's values");
        vec![
            (
                "low",
                ours.low,
                self.low.unwrap(),
                self.low_set.unwrap(),
                r.low,
            ),
            (
                "high",
                ours.high,
                self.high.unwrap(),
                self.high_set.unwrap(),
                r.high,
            ),
            (
                "estimate",
                ours.estimate,
                self.estimate.unwrap(),
                self.estimate_set.unwrap(),
                r.estimate,
            ),
        ]
    }
}

/// How far R's value may be from a root: its stopping rule.
fn r_bound(value: f64) -> f64 {
    R_TOL + 4.0 * f64::EPSILON * value.abs()
}

/// How far `value` lies outside `[set[0], set[1]]`.
fn outside(value: f64, [low, high]: [f64; 2]) -> f64 {
    (low - value).max(value - high).max(0.0)
}

fn cases(corpus: &Corpus) -> impl Iterator<Item = (&Dataset, &Case)> {
    corpus
        .datasets
        .iter()
        .flat_map(|d| d.results.iter().map(move |c| (d, c)))
}

#[test]
fn corpus_is_complete_and_r_is_within_its_tolerance() {
    let corpus = load::<Corpus>(CORPUS);
    assert_eq!(corpus.r_tolerance, R_TOL);
    assert!(
        corpus.datasets.len() >= 40,
        "{} data sets",
        corpus.datasets.len()
    );
    for confidence in [0.8, 0.9, 0.95, 0.98, 0.99] {
        for correct in [true, false] {
            assert!(
                cases(&corpus).any(|(_, c)| c.confidence == confidence
                    && c.correct == correct
                    && !c.all_tied),
                "no case at {confidence} with correct = {correct}"
            );
        }
    }
    let sizes: Vec<usize> = corpus
        .datasets
        .iter()
        .flat_map(|d| [d.x.len(), d.y.len()])
        .collect();
    assert!(sizes.contains(&1) && sizes.contains(&300), "{sizes:?}");
    assert!(cases(&corpus).filter(|(_, c)| c.all_tied).count() >= 30);
    for (dataset, case) in cases(&corpus) {
        let label = case.label(dataset);
        if case.all_tied {
            let message = case.r_error.as_deref().unwrap_or("");
            assert!(
                message.contains("all observations are tied"),
                "{label}: {message}"
            );
            continue;
        }
        let r = case.r.expect("R's values");
        for (what, value, set) in [
            ("low", r.low, case.low_set.unwrap()),
            ("high", r.high, case.high_set.unwrap()),
            ("estimate", r.estimate, case.estimate_set.unwrap()),
        ] {
            assert!(
                set[0] <= set[1] && outside(value, set) <= r_bound(value),
                "{label}: R's {what} {value} is not within its tolerance of {set:?}"
            );
        }
    }
}

#[test]
fn r_reproduces_the_kayenta_cases() {
    let corpus = load::<Corpus>(CORPUS);
    let find = |name: &str, confidence: f64| {
        let dataset = corpus.datasets.iter().find(|d| d.name == name).unwrap();
        let case = dataset
            .results
            .iter()
            .find(|c| c.confidence == confidence && c.correct)
            .unwrap();
        (
            case.r.unwrap(),
            location_shift_root(&dataset.x, &dataset.y, &case.options()).unwrap(),
        )
    };
    // Kayenta's "tie out with R" test: [6, 39], estimate 22.5, which R hits exactly.
    let (r, ours) = find("kayenta_tie_out", 0.95);
    assert_eq!((r.low, r.high, r.estimate), (6.0, 39.0, 22.5));
    assert_eq!((ours.low, ours.high, ours.estimate), (6.0, 39.0, 22.5));
    // spinnaker/spinnaker#6278 at Kayenta's 98 %: R reports [6.8e-5, 99] and 98.99993, within
    // its tolerance of the crossings 0, 99 and 99.
    let (r, ours) = find("spinnaker_6278", 0.98);
    assert!((r.low - 6.8e-5).abs() < 1e-6 && r.high == 99.0, "{r:?}");
    assert!((r.estimate - 99.0).abs() < R_TOL, "{r:?}");
    assert_eq!((ours.low, ours.high, ours.estimate), (0.0, 99.0, 99.0));
}

#[test]
fn results_equal_the_exact_crossings() {
    let corpus = load::<Corpus>(CORPUS);
    let mut total = 0;
    let mut failed = Vec::new();
    let (mut worst_r, mut worst_ours) = (0.0f64, 0.0f64);
    for (dataset, case) in cases(&corpus) {
        total += 1;
        let result = location_shift_root(&dataset.x, &dataset.y, &case.options());
        let sizes = (dataset.x.len(), dataset.y.len());
        let label = case.label(dataset);
        let ours = match (result, case.all_tied) {
            (Err(Error::AllObservationsTied { .. }), true) => continue,
            (Ok(ours), false) => ours,
            (other, _) => {
                failed.push(format!("{label}: {other:?} (all tied: {})", case.all_tied));
                continue;
            }
        };
        let mut problems = Vec::new();
        for (what, value, root, set, r) in case.triples(&ours) {
            let error = relative_error(value, root);
            worst_ours = worst_ours.max(error);
            if error.is_nan() || error > TOLERANCE {
                problems.push(format!(
                    "{what} {value:e} (root {root:e}, error {error:.2e})"
                ));
            }
            if set[0] == set[1] {
                worst_r = worst_r.max((r - value).abs());
            }
        }
        failed.extend(describe_failure(&label, sizes, &problems));
    }
    eprintln!("largest relative error of ours against the crossings: {worst_ours:.3e}");
    eprintln!("largest |R - ours| where the root is a single shift: {worst_r:.3e}");
    assert_no_failures("location root", CORPUS, (total, failed));
}
