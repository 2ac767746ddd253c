//! Reporting for the reference-corpus tests: every failing case is listed with what was wrong,
//! not just the first one.

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
