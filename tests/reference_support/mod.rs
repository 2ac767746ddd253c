//! Shared by the reference-corpus tests: loading a corpus, comparing with a tolerance, and
//! reporting every failing case with what was wrong, not just the first one.

use std::path::Path;

use serde::de::DeserializeOwned;

/// Reads and parses a corpus file given relative to the crate root.
pub fn load<T: DeserializeOwned>(corpus: &str) -> T {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(corpus);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
}

/// Relative error of `actual` against `expected`; infinite when either is not finite or the
/// reference is zero and the value is not.
pub fn relative_error(actual: f64, expected: f64) -> f64 {
    if actual == expected {
        0.0
    } else if !actual.is_finite() || !expected.is_finite() || expected == 0.0 {
        f64::INFINITY
    } else {
        ((actual - expected) / expected).abs()
    }
}

/// One line for a failing case, or `None` if nothing was wrong.
pub fn describe_failure(name: &str, sizes: (usize, usize), problems: &[String]) -> Option<String> {
    (!problems.is_empty()).then(|| {
        let (m, n) = sizes;
        format!("{name} ({m} x {n}): {}", problems.join("; "))
    })
}

/// Fails the test if the corpus had no case of this kind or any case failed, listing them all.
pub fn assert_no_failures(what: &str, corpus: &str, (total, failed): (usize, Vec<String>)) {
    assert!(total > 0, "no {what} cases in {corpus}");
    assert!(
        failed.is_empty(),
        "{} of {total} {what} cases failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
