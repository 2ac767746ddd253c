//! Rank tests: the Mann-Whitney U test as scipy's `mannwhitneyu` (from samples or from
//! histograms), the Hodges-Lehmann shift and effect sizes.

use canary_judge::stats::{
    self, mann_whitney_null_sf, Alternative, HodgesLehmannOptions, MannWhitneyOptions,
    MannWhitneyResult, Method, MethodUsed,
};
use canary_judge::{Error, NanPolicy};
use pyo3::prelude::*;
use pyo3::types::{PyIterator, PyTuple};

use crate::arrays::{counts, Sample, PRESORT_FROM};
use crate::choices::{name, parse, Table, ALTERNATIVES, METHODS, METHODS_USED, NAN_POLICIES};
use crate::errors::{invalid, raise};
use crate::records::record;

/// How `mannwhitneyu` computes its p-value: scipy's three methods, then the library's two.
#[derive(Debug, Clone, Copy, PartialEq)]
enum PValueMethod {
    /// scipy's rule: exact when a sample has at most 8 observations and nothing is tied.
    Auto,
    /// The normal approximation with tie-corrected variance.
    Asymptotic,
    /// scipy's exact method: the null distribution without ties, read at U rounded down,
    /// whether or not there are ties.
    Exact,
    /// The exact test, given the ties when there are any.
    ExactConditional,
    /// The crate's rule: exact (given the ties) whenever that is cheap.
    ExactIfCheap,
}

const P_VALUE_METHODS: Table<PValueMethod> = &[
    ("auto", PValueMethod::Auto),
    ("asymptotic", PValueMethod::Asymptotic),
    ("exact", PValueMethod::Exact),
    ("exact_conditional", PValueMethod::ExactConditional),
    ("exact_if_cheap", PValueMethod::ExactIfCheap),
];

/// scipy's NaN policies; `None` is "propagate": NaN in, NaN out.
const SCIPY_NAN_POLICIES: Table<Option<NanPolicy>> = &[
    ("propagate", None),
    ("raise", Some(NanPolicy::Reject)),
    ("omit", Some(NanPolicy::Remove)),
];

/// scipy's `method="auto"` is exact only when a sample has at most this many observations.
const SCIPY_AUTO_EXACT_SIZE: u64 = 8;

record! {
    /// The result of `mannwhitneyu`: scipy's `statistic` and `pvalue`, and what was done.
    ///
    /// Unpacks as the tuple `(statistic, pvalue)`, like scipy's result.
    MannWhitneyUResult {
        /// U of `x`: pairs with `x > y`, plus half the tied pairs (scipy's statistic).
        statistic: f64,
        /// The p-value for the alternative.
        pvalue: f64,
        /// How the p-value was computed: "exact", "exact_conditional" or "asymptotic"
        /// ("none" when NaN propagated).
        method: &'static str,
        /// The alternative tested.
        alternative: &'static str,
        /// Whether the continuity correction was applied (asymptotic method only).
        use_continuity: bool,
        /// The z-score of U of `x` (positive when `x` tends larger), for the asymptotic method.
        zscore: Option<f64>,
        /// Observations in `x` (after NaN removal).
        n_x: u64,
        /// Observations in `y`.
        n_y: u64,
        /// U of `y`: `n_x * n_y - statistic`.
        statistic_y: f64,
        /// `P(X > Y) + P(X = Y) / 2` estimated by `U / (n_x n_y)`.
        probability_of_superiority: f64,
        /// Rank-biserial correlation `2 U / (n_x n_y) - 1`, positive when `x` tends larger.
        rank_biserial: f64,
        /// Values shared by two or more observations of the pooled sample.
        tied_values: u64,
        /// Observations sharing their value with another.
        tied_observations: u64,
        /// `sum(t^3 - t)` over groups of `t` tied values (the variance correction).
        tie_term: f64,
    }
    methods {
        fn __len__(&self) -> usize {
            2
        }

        fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyIterator>> {
            self.pair(py)?.as_any().try_iter()
        }

        fn __getitem__<'py>(
            &self,
            py: Python<'py>,
            index: &Bound<'py, PyAny>,
        ) -> PyResult<Bound<'py, PyAny>> {
            self.pair(py)?.as_any().get_item(index)
        }
    }
}

impl MannWhitneyUResult {
    /// `(statistic, pvalue)`: what the result unpacks to and is indexed as.
    fn pair<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, [self.statistic, self.pvalue])
    }

    fn from_result(result: &MannWhitneyResult) -> Self {
        MannWhitneyUResult {
            statistic: result.statistic,
            pvalue: result.pvalue,
            method: name(result.method, METHODS_USED),
            alternative: name(result.alternative, ALTERNATIVES),
            use_continuity: result.continuity_correction,
            zscore: result.zscore,
            n_x: result.n_x,
            n_y: result.n_y,
            statistic_y: result.statistic_y(),
            probability_of_superiority: result.probability_of_superiority(),
            rank_biserial: result.rank_biserial(),
            tied_values: result.ties.tied_values,
            tied_observations: result.ties.tied_observations,
            tie_term: result.ties.tie_term,
        }
    }

    /// scipy's answer for samples holding NaN under `nan_policy="propagate"`.
    fn propagated_nan(n_x: usize, n_y: usize, alternative: Alternative) -> Self {
        MannWhitneyUResult {
            statistic: f64::NAN,
            pvalue: f64::NAN,
            method: "none",
            alternative: name(alternative, ALTERNATIVES),
            use_continuity: false,
            zscore: None,
            n_x: n_x as u64,
            n_y: n_y as u64,
            statistic_y: f64::NAN,
            probability_of_superiority: f64::NAN,
            rank_biserial: f64::NAN,
            tied_values: 0,
            tied_observations: 0,
            tie_term: 0.0,
        }
    }
}

/// The library method that computes `method`'s answer (scipy's exact p-value is applied
/// afterwards, from U).
fn library_method(method: PValueMethod) -> Method {
    match method {
        PValueMethod::ExactConditional => Method::Exact,
        PValueMethod::ExactIfCheap => Method::Auto,
        PValueMethod::Auto | PValueMethod::Asymptotic | PValueMethod::Exact => Method::Asymptotic,
    }
}

/// Applies scipy's choice of method to a result computed with [`library_method`].
fn apply_scipy_method(
    result: MannWhitneyResult,
    method: PValueMethod,
) -> canary_judge::Result<MannWhitneyResult> {
    let exact = match method {
        PValueMethod::Exact => true,
        PValueMethod::Auto => {
            result.n_x.min(result.n_y) <= SCIPY_AUTO_EXACT_SIZE && result.ties.tied_values == 0
        }
        PValueMethod::Asymptotic | PValueMethod::ExactConditional | PValueMethod::ExactIfCheap => {
            false
        }
    };
    if !exact {
        return Ok(result);
    }
    match scipy_exact_pvalue(&result) {
        Ok(pvalue) => Ok(MannWhitneyResult {
            pvalue,
            zscore: None,
            method: MethodUsed::Exact,
            continuity_correction: false,
            ..result
        }),
        // At sizes such as 8 x 10^7 scipy's exact recurrence would run for hours; there the
        // normal approximation is the answer.
        Err(_) if method == PValueMethod::Auto => Ok(result),
        Err(error) => Err(error),
    }
}

/// scipy's exact p-value: the untied null distribution's upper tail at U (of `x` for
/// "greater", of `y` for "less", the larger for two-sided, doubled), U rounded down as scipy's
/// integer conversion does. Without ties this is the exact test; with ties it is scipy's
/// number, not the exact test given the ties ("exact_conditional").
fn scipy_exact_pvalue(result: &MannWhitneyResult) -> canary_judge::Result<f64> {
    let (u, factor) = match result.alternative {
        Alternative::Greater => (result.statistic, 1.0),
        Alternative::Less => (result.statistic_y(), 1.0),
        Alternative::TwoSided => (result.statistic.max(result.statistic_y()), 2.0),
    };
    let tail = mann_whitney_null_sf(result.n_x, result.n_y, u.floor() as u64)?;
    Ok((factor * tail).clamp(0.0, 1.0))
}

/// Reads two samples and runs `compute` on them with the GIL released.
fn on_samples<R: Send>(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    compute: impl FnOnce(&[f64], &[f64]) -> canary_judge::Result<R> + Send,
) -> PyResult<R> {
    let (x, y) = (Sample::extract("x", x)?, Sample::extract("y", y)?);
    let (xs, ys) = (x.values(), y.values());
    py.detach(|| compute(xs, ys)).map_err(raise)
}

/// The Mann-Whitney U test on samples sorted by numpy (see [`Sample::sorted`]), which the
/// library reads in one pass; `None` when it refuses them (NaN under "raise" or
/// "propagate"), so that the general path gives the answer or the error for the input as given.
fn on_sorted(x: &[f64], y: &[f64], options: &MannWhitneyOptions) -> Option<MannWhitneyResult> {
    let (x, y) = match options.nan_policy {
        // numpy sorts NaN last: "omit" drops them from the end.
        NanPolicy::Remove => (without_trailing_nan(x), without_trailing_nan(y)),
        _ => (x, y),
    };
    stats::mann_whitney_u_sorted(x, y, options).ok()
}

fn without_trailing_nan(sorted: &[f64]) -> &[f64] {
    &sorted[..sorted.partition_point(|v| !v.is_nan())]
}

/// The Mann-Whitney U test on two independent samples, as `scipy.stats.mannwhitneyu`.
///
/// Same signature, defaults and numbers as scipy for 1-D samples (the statistic is U of `x`).
/// `method` is scipy's "auto", "asymptotic" or "exact", or one of the library's:
/// "exact_conditional" (the exact test given the ties) and "exact_if_cheap" (exact, given
/// ties, whenever it costs at most about 0.1 ms; asymptotic otherwise).
#[pyfunction]
#[pyo3(signature = (
    x, y, use_continuity = true, alternative = "two-sided", axis = Some(0), method = "auto",
    *, nan_policy = "propagate"
), text_signature = "(x, y, use_continuity=True, alternative='two-sided', axis=0, method='auto', \
                     *, nan_policy='propagate')")]
#[allow(clippy::too_many_arguments)] // scipy's signature
pub fn mannwhitneyu(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    use_continuity: bool,
    alternative: &str,
    axis: Option<isize>,
    method: &str,
    nan_policy: &str,
) -> PyResult<MannWhitneyUResult> {
    if !matches!(axis, None | Some(0) | Some(-1)) {
        return Err(invalid(format!(
            "`axis` must be 0, -1 or None: samples are 1-D, got axis={}",
            axis.unwrap_or_default()
        )));
    }
    let alternative = parse("alternative", alternative, ALTERNATIVES)?;
    let method = parse("method", method, P_VALUE_METHODS)?;
    let nan_policy = parse("nan_policy", nan_policy, SCIPY_NAN_POLICIES)?;
    let options = MannWhitneyOptions::default()
        .alternative(alternative)
        .continuity_correction(use_continuity)
        .method(library_method(method))
        .nan_policy(nan_policy.unwrap_or(NanPolicy::Reject));
    let (x, y) = (Sample::extract("x", x)?, Sample::extract("y", y)?);
    let sorted = if x.values().len().max(y.values().len()) >= PRESORT_FROM {
        Some((x.sorted()?, y.sorted()?))
    } else {
        None
    };
    let (xs, ys) = (x.values(), y.values());
    let sorted = sorted.as_ref().map(|(x, y)| (x.values(), y.values()));
    py.detach(|| {
        let result = match sorted.and_then(|(x, y)| on_sorted(x, y, &options)) {
            Some(result) => Ok(result),
            None => stats::mann_whitney_u(xs, ys, &options),
        };
        match result {
            // "propagate": the library's check for NaN finds them at no extra cost.
            Err(Error::NanInSample { .. }) if nan_policy.is_none() => Ok(
                MannWhitneyUResult::propagated_nan(xs.len(), ys.len(), alternative),
            ),
            result => {
                apply_scipy_method(result?, method).map(|r| MannWhitneyUResult::from_result(&r))
            }
        }
    })
    .map_err(raise)
}

/// The Mann-Whitney U test from two histograms over the same ordered buckets.
///
/// `x_counts[i]` and `y_counts[i]` count each sample's observations in bucket `i`, buckets in
/// increasing order of value; observations in one bucket are tied. The result equals
/// `mannwhitneyu` on the expanded samples, in time proportional to the number of buckets.
#[pyfunction]
#[pyo3(signature = (
    x_counts, y_counts, use_continuity = true, alternative = "two-sided", method = "auto"
))]
pub fn mannwhitneyu_grouped(
    py: Python<'_>,
    x_counts: &Bound<'_, PyAny>,
    y_counts: &Bound<'_, PyAny>,
    use_continuity: bool,
    alternative: &str,
    method: &str,
) -> PyResult<MannWhitneyUResult> {
    let alternative = parse("alternative", alternative, ALTERNATIVES)?;
    let method = parse("method", method, P_VALUE_METHODS)?;
    let (x, y) = (counts("x_counts", x_counts)?, counts("y_counts", y_counts)?);
    let options = MannWhitneyOptions::default()
        .alternative(alternative)
        .continuity_correction(use_continuity)
        .method(library_method(method));
    py.detach(|| {
        let result = stats::mann_whitney_u_grouped(&x, &y, &options)?;
        apply_scipy_method(result, method)
    })
    .map(|result| MannWhitneyUResult::from_result(&result))
    .map_err(raise)
}

record! {
    /// The Hodges-Lehmann shift of `x` relative to `y` with its confidence interval.
    HodgesLehmannResult {
        /// Median of the pairwise differences `x_i - y_j`.
        estimate: f64,
        /// Lower end of the confidence interval.
        low: f64,
        /// Upper end of the confidence interval.
        high: f64,
        /// The confidence level asked for.
        confidence: f64,
        /// The coverage the interval has under the null distribution of U.
        achieved_confidence: f64,
        /// How the interval was computed: "exact" or "asymptotic".
        method: &'static str,
        /// Observations in `x` (after NaN removal).
        n_x: u64,
        /// Observations in `y`.
        n_y: u64,
    }
}

/// The Hodges-Lehmann estimate of the shift of `x` relative to `y`, with a confidence
/// interval (R's `wilcox.test(conf.int=TRUE)`).
///
/// `method`: "auto" (exact without ties when cheap), "exact" or "asymptotic".
#[pyfunction]
#[pyo3(signature = (x, y, confidence = 0.95, method = "auto", *, nan_policy = "raise"))]
pub fn hodges_lehmann(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    confidence: f64,
    method: &str,
    nan_policy: &str,
) -> PyResult<HodgesLehmannResult> {
    let options = HodgesLehmannOptions::default()
        .confidence(confidence)
        .method(parse("method", method, METHODS)?)
        .nan_policy(parse("nan_policy", nan_policy, NAN_POLICIES)?);
    let shift = on_samples(py, x, y, |x, y| stats::hodges_lehmann(x, y, &options))?;
    Ok(HodgesLehmannResult {
        estimate: shift.estimate,
        low: shift.low,
        high: shift.high,
        confidence: shift.confidence,
        achieved_confidence: shift.achieved_confidence,
        method: name(shift.method, METHODS_USED),
        n_x: shift.n_x,
        n_y: shift.n_y,
    })
}

record! {
    /// How much `x` (the canary) differs from `y` (the baseline), on several scales.
    ///
    /// Ratios are None when the baseline's denominator is zero.
    EffectSizes {
        /// `P(X > Y) + P(X = Y) / 2`: 0.5 means no tendency either way.
        probability_of_superiority: f64,
        /// Rank-biserial correlation, in [-1, 1], positive when `x` tends larger.
        rank_biserial: f64,
        /// `mean(x) / mean(y)`.
        ratio_of_means: Option<f64>,
        /// `median(x) / median(y)`.
        ratio_of_medians: Option<f64>,
        /// The Hodges-Lehmann shift: the median of the differences `x_i - y_j`.
        shift: f64,
        /// `shift / |median(y)|`.
        relative_shift: Option<f64>,
    }
}

/// Effect sizes of `x` (the canary) relative to `y` (the baseline).
#[pyfunction]
#[pyo3(signature = (x, y, *, nan_policy = "raise"))]
pub fn effect_sizes(
    py: Python<'_>,
    x: &Bound<'_, PyAny>,
    y: &Bound<'_, PyAny>,
    nan_policy: &str,
) -> PyResult<EffectSizes> {
    let policy = parse("nan_policy", nan_policy, NAN_POLICIES)?;
    let effect = on_samples(py, x, y, |x, y| stats::effect_sizes(x, y, policy))?;
    Ok(EffectSizes {
        probability_of_superiority: effect.probability_of_superiority,
        rank_biserial: effect.rank_biserial,
        ratio_of_means: effect.ratio_of_means,
        ratio_of_medians: effect.ratio_of_medians,
        shift: effect.shift,
        relative_shift: effect.relative_shift,
    })
}
