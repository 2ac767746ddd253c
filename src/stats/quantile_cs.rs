//! The anytime-valid latency test: time-uniform confidence sequences for quantiles of each arm.
//!
//! For every tracked quantile `p` (p50, p90, p99 by default) each arm gets a confidence
//! sequence `[X_(floor(t p - u_lo) + 1), X_(ceil(t p + u_hi))]` from its order statistics,
//! where `u_lo`, `u_hi` are polynomial-stitching boundaries for the sub-Bernoulli process
//! `sum_i 1{X_i <= q_p} - p` (Howard & Ramdas 2022, Theorem 1). The test rejects "the canary
//! is not worse" once the canary's band lies entirely above the baseline's. A catch-all uses
//! the band uniform over all quantiles (Theorem 2, the empirical-process LIL bound), as in
//! Lindon, Sanden & Shirikian (KDD 2022). See `docs/methods/sequential.md` for the formulas.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::order_statistics::OrderStatistics;
use super::sequential::{Interval, SequentialDecision, SequentialTest};
use super::stitching::{EmpiricalProcessLil, PolyStitching, StitchingShape};
use super::Alternative;
use crate::error::{Error, Result};
use crate::sample::first_nan;

/// Leading constant `A` of the all-quantile band (`confseq`'s default).
const LIL_A: f64 = 0.85;

/// The catch-all costs O(n) per evaluation, so it is evaluated only once the total count has
/// grown by this fraction since its last evaluation: amortized O(1) per observation, at most
/// 1% more data before it can reject. Skipping looks never costs validity.
const CATCH_ALL_GROWTH: f64 = 0.01;

/// Which arm an observation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arm {
    /// The running version.
    Baseline,
    /// The new version under test.
    Canary,
}

/// One latency (or any ordered measurement) from one arm: the observation of
/// [`QuantileTest`] as a [`SequentialTest`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Latency {
    /// The arm it was measured on.
    pub arm: Arm,
    /// The value; NaN is rejected, infinities are allowed (they are ordered).
    pub value: f64,
}

/// Whether to add the band uniform over all quantiles as a catch-all test.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatchAll {
    /// Also reject when the all-quantile bands separate at any quantile (a sequential
    /// Kolmogorov-Smirnov test); it takes one share of alpha.
    #[default]
    Enabled,
    /// Test the listed quantiles only.
    Disabled,
}

/// Options of [`QuantileTest`].
///
/// Alpha is split by Bonferroni: `K` = number of quantiles, plus one for the catch-all, and
/// each arm's band at level `alpha / (2K)` (per side, and halved again for two-sided tests
/// of fixed quantiles).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct QuantileTestOptions {
    /// Probability of ever rejecting when the canary is not worse, over all looks.
    pub alpha: f64,
    /// Quantiles to compare, each in (0, 1).
    pub quantiles: Vec<f64>,
    /// `Greater`: the canary's quantiles are larger (slower); `Less`: smaller; `TwoSided`:
    /// either.
    pub alternative: Alternative,
    /// Whether to add the all-quantile catch-all.
    pub catch_all: CatchAll,
    /// Observations per arm from which the boundaries are tuned to be tight (`>= 1`); the
    /// all-quantile band is infinite before.
    pub t_min: f64,
}

impl Default for QuantileTestOptions {
    fn default() -> Self {
        QuantileTestOptions {
            alpha: 0.05,
            quantiles: vec![0.5, 0.9, 0.99],
            alternative: Alternative::Greater,
            catch_all: CatchAll::Enabled,
            t_min: 1.0,
        }
    }
}

impl QuantileTestOptions {
    /// Sets alpha.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets the quantiles to compare.
    pub fn quantiles(mut self, quantiles: Vec<f64>) -> Self {
        self.quantiles = quantiles;
        self
    }

    /// Sets the alternative.
    pub fn alternative(mut self, alternative: Alternative) -> Self {
        self.alternative = alternative;
        self
    }

    /// Turns the catch-all on or off.
    pub fn catch_all(mut self, catch_all: CatchAll) -> Self {
        self.catch_all = catch_all;
        self
    }

    /// Sets `t_min`.
    pub fn t_min(mut self, t_min: f64) -> Self {
        self.t_min = t_min;
        self
    }

    fn validate(&self) -> Result<()> {
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(Error::invalid(
                "alpha",
                self.alpha,
                "must lie strictly between 0 and 1",
            ));
        }
        if let Some(&p) = self.quantiles.iter().find(|&&p| !(p > 0.0 && p < 1.0)) {
            return Err(Error::invalid(
                "quantiles",
                p,
                "each quantile must lie strictly between 0 and 1",
            ));
        }
        if self.quantiles.is_empty() && self.catch_all == CatchAll::Disabled {
            return Err(Error::invalid(
                "quantiles",
                "[]",
                "at least one quantile is needed when the catch-all is disabled",
            ));
        }
        if !(self.t_min >= 1.0 && self.t_min.is_finite()) {
            return Err(Error::invalid(
                "t_min",
                self.t_min,
                "must be finite and at least 1",
            ));
        }
        Ok(())
    }

    /// Number of Bonferroni shares `K`.
    fn shares(&self) -> f64 {
        let catch_all = usize::from(self.catch_all == CatchAll::Enabled);
        (self.quantiles.len() + catch_all) as f64
    }

    /// Divisor of alpha giving each arm's per-side level for a fixed quantile.
    fn quantile_divisor(&self) -> f64 {
        let sides = if self.alternative == Alternative::TwoSided {
            2.0
        } else {
            1.0
        };
        2.0 * self.shares() * sides
    }

    /// Divisor of alpha giving each arm's (two-sided) level for the all-quantile band.
    fn catch_all_divisor(&self) -> f64 {
        2.0 * self.shares()
    }

    /// The directions tested, as (arm claimed larger, arm claimed smaller).
    fn directions(&self) -> &'static [(Arm, Arm)] {
        match self.alternative {
            Alternative::Greater => &[(Arm::Canary, Arm::Baseline)],
            Alternative::Less => &[(Arm::Baseline, Arm::Canary)],
            Alternative::TwoSided => &[(Arm::Canary, Arm::Baseline), (Arm::Baseline, Arm::Canary)],
        }
    }
}

/// Confidence bands for one quantile: each arm's, and the canary-minus-baseline difference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuantileBand {
    /// The quantile `p`.
    pub quantile: f64,
    /// Band for the baseline's `p`-quantile.
    pub baseline: Interval,
    /// Band for the canary's `p`-quantile.
    pub canary: Interval,
    /// Band for canary minus baseline: `[canary.low - baseline.high, canary.high -
    /// baseline.low]`.
    pub difference: Interval,
}

/// The boundaries of one tracked quantile: for the count of values below `q_p` falling short
/// of `t p` (the lower end of the band) and exceeding it (the upper end).
#[derive(Debug, Clone, Copy)]
struct QuantileBoundaries {
    p: f64,
    below: PolyStitching,
    above: PolyStitching,
}

impl QuantileBoundaries {
    /// Increments `1{X <= q_p} - p` lie in `[-p, 1 - p]`: sub-Bernoulli, hence sub-gamma with
    /// scale `(1 - 2p) / 3` upward and `(2p - 1) / 3` downward; a negative scale is replaced
    /// by 0 (sub-Gaussian), which only widens the bound.
    fn new(p: f64, t_min: f64) -> Result<Self> {
        let v_min = p * (1.0 - p) * t_min;
        let shape = StitchingShape::default();
        Ok(QuantileBoundaries {
            p,
            below: PolyStitching::new(v_min, ((2.0 * p - 1.0) / 3.0).max(0.0), shape)?,
            above: PolyStitching::new(v_min, ((1.0 - 2.0 * p) / 3.0).max(0.0), shape)?,
        })
    }

    fn variance(&self, t: usize) -> f64 {
        self.p * (1.0 - self.p) * t as f64
    }

    /// The arm's band at per-side level `level`.
    fn band(&self, arm: &OrderStatistics, level: f64) -> Interval {
        Interval {
            low: self.low_end(arm, level),
            high: self.high_end(arm, level),
        }
    }

    fn low_end(&self, arm: &OrderStatistics, level: f64) -> f64 {
        let t = arm.len();
        let deviation = self.below.deviation(self.variance(t), level);
        order_statistic(arm, (t as f64 * self.p - deviation).floor() + 1.0)
    }

    fn high_end(&self, arm: &OrderStatistics, level: f64) -> f64 {
        let t = arm.len();
        let deviation = self.above.deviation(self.variance(t), level);
        order_statistic(arm, (t as f64 * self.p + deviation).ceil())
    }

    /// `log(1/a)` for the smallest per-side level `a` at which `larger`'s band lies above
    /// `smaller`'s, maximised over thresholds `x` among `smaller`'s values: `larger`'s lower
    /// end exceeds `x` iff `t p - N(x) >= u_lo`, and `smaller`'s upper end is at most `x` iff
    /// `N(x) - t p >= u_hi`. O(log^2 n): a binary search over ranks.
    fn separation_evidence(&self, larger: &OrderStatistics, smaller: &OrderStatistics) -> f64 {
        let (t_large, t_small) = (larger.len(), smaller.len());
        if t_large == 0 || t_small == 0 {
            return f64::NEG_INFINITY;
        }
        let (v_large, v_small) = (self.variance(t_large), self.variance(t_small));
        // (evidence for larger's lower end, for smaller's upper end) at smaller's j-th value:
        // the first falls with j, the second rises.
        let evidence_at = |j: usize| {
            let x = smaller.kth(j).unwrap_or(f64::INFINITY);
            let below_large = larger.count_le(x) as f64;
            let below_small = smaller.count_le(x) as f64;
            (
                self.below
                    .log_inverse_alpha(v_large, t_large as f64 * self.p - below_large),
                self.above
                    .log_inverse_alpha(v_small, below_small - t_small as f64 * self.p),
            )
        };
        // First j where the rising evidence reaches the falling one. Probing the empirical
        // quantile first narrows the search without changing its result (both sides are
        // monotone) and keeps it near ranks the bands ask for, whose order `smaller` keeps.
        let start = ((t_small as f64 * self.p).ceil() as usize).clamp(1, t_small);
        let (falling, rising) = evidence_at(start);
        let (mut low, mut high) = if rising >= falling {
            (1, start)
        } else {
            (start + 1, t_small + 1)
        };
        while low < high {
            let mid = low + (high - low) / 2;
            let (falling, rising) = evidence_at(mid);
            if rising >= falling {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        [low.checked_sub(1), (low <= t_small).then_some(low)]
            .into_iter()
            .flatten()
            .filter(|&j| j >= 1)
            .map(|j| {
                let (falling, rising) = evidence_at(j);
                falling.min(rising)
            })
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

/// The order statistic at a real-valued rank: `-inf` below 1, `+inf` above `n`.
fn order_statistic(arm: &OrderStatistics, rank: f64) -> f64 {
    if rank < 1.0 {
        f64::NEG_INFINITY
    } else if rank > arm.len() as f64 {
        f64::INFINITY
    } else {
        arm.kth(rank as usize).unwrap_or(f64::INFINITY)
    }
}

/// `a - b` for band ends, `fallback` where infinities make it undefined.
fn band_difference(a: f64, b: f64, fallback: f64) -> f64 {
    let difference = a - b;
    if difference.is_nan() {
        fallback
    } else {
        difference
    }
}

/// The persisted state: the options, the data and the running results. Everything else is
/// derived from the options on load.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct State {
    options: QuantileTestOptions,
    baseline: OrderStatistics,
    canary: OrderStatistics,
    /// Running minimum of the combined p-value.
    pvalue: f64,
    /// Total count at which the catch-all is evaluated next.
    next_catch_all: u64,
}

/// The anytime-valid latency test: is the canary's latency distribution worse at some
/// quantile? Valid at every look, however often it is looked at.
///
/// Feed observations with [`SequentialTest::update`] (one value, then a look) or
/// [`QuantileTest::update_batch`] (a tick's values, then one look). The decision is
/// `Reject` once the always-valid p-value drops to alpha; the test never accepts (stop at a
/// maximum duration and report the bands instead).
///
/// Cost: a batch of `b` values costs O(b log b) to sort plus O(sqrt(n / b)) sequential moves
/// per value, amortized (each arm keeps its values in two sorted arrays, a large one and one of
/// about `sqrt(n b)` recent values, and merges them); values below every rank the looks ask
/// for (most of them, when only high quantiles are tested) are kept unordered at O(1) each
/// instead. A look is O(K log^2 n) for `K`
/// quantiles, plus the catch-all's O(n) merge amortized to O(1) per observation. Memory and
/// persisted size are O(n): the bands need every order statistic.
///
/// ```
/// use canary_judge::stats::{QuantileTest, QuantileTestOptions, SequentialDecision, SequentialTest};
///
/// let mut test = QuantileTest::new(QuantileTestOptions::default())?;
/// let mut decision = SequentialDecision::Continue;
/// for tick in 0..200 {
///     // A tick's latencies: the canary is 50% slower at every quantile.
///     let baseline: Vec<f64> = (0..20).map(|i| 10.0 + ((tick * 20 + i) * 37 % 100) as f64).collect();
///     let canary: Vec<f64> = baseline.iter().map(|ms| 1.5 * ms).collect();
///     decision = test.update_batch(&baseline, &canary)?;
///     if decision == SequentialDecision::Reject {
///         break;
///     }
/// }
/// assert_eq!(decision, SequentialDecision::Reject);
/// assert!(test.pvalue() <= 0.05);
/// // The bands say by how much: canary minus baseline at the median.
/// let p50 = test.bands()[0];
/// println!("p50 shift in [{:.1}, {:.1}] ms", p50.difference.low, p50.difference.high);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct QuantileTest {
    /// Boxed: two arms of order statistics make it large, and the test is held in enums
    /// beside small variants.
    state: Box<State>,
    boundaries: Vec<QuantileBoundaries>,
    lil: EmpiricalProcessLil,
}

impl QuantileTest {
    /// A test with no observations; fails on invalid options.
    pub fn new(options: QuantileTestOptions) -> Result<Self> {
        QuantileTest::from_state(State {
            options,
            baseline: OrderStatistics::default(),
            canary: OrderStatistics::default(),
            pvalue: 1.0,
            next_catch_all: 0,
        })
    }

    fn from_state(state: State) -> Result<Self> {
        state.options.validate()?;
        if !(state.pvalue >= 0.0 && state.pvalue <= 1.0) {
            return Err(Error::invalid(
                "pvalue",
                state.pvalue,
                "a persisted p-value must lie in [0, 1]",
            ));
        }
        let boundaries = state
            .options
            .quantiles
            .iter()
            .map(|&p| QuantileBoundaries::new(p, state.options.t_min))
            .collect::<Result<_>>()?;
        let lil = EmpiricalProcessLil::new(state.options.t_min, LIL_A)?;
        Ok(QuantileTest {
            state: Box::new(state),
            boundaries,
            lil,
        })
    }

    /// The options the test was built with.
    pub fn options(&self) -> &QuantileTestOptions {
        &self.state.options
    }

    /// Observations of one arm so far.
    pub fn count(&self, arm: Arm) -> u64 {
        self.arm(arm).len() as u64
    }

    /// The empirical `p`-quantile of one arm (the `ceil(p n)`-th smallest value, the
    /// inverse of the empirical distribution); `None` before the arm has data or for `p`
    /// outside [0, 1].
    pub fn empirical_quantile(&self, arm: Arm, p: f64) -> Option<f64> {
        if !(0.0..=1.0).contains(&p) {
            return None;
        }
        let n = self.arm(arm).len();
        let k = ((p * n as f64).ceil() as usize).clamp(1, n.max(1));
        self.arm(arm).kth(k)
    }

    /// Adds one tick's observations of both arms (either may be empty), then looks once.
    /// NaN anywhere rejects the whole batch and leaves the test unchanged.
    pub fn update_batch(&mut self, baseline: &[f64], canary: &[f64]) -> Result<SequentialDecision> {
        for (sample, values) in [("baseline", baseline), ("canary", canary)] {
            if let Some(index) = first_nan(values) {
                return Err(Error::NanInSample { sample, index });
            }
        }
        self.state.baseline.insert_batch(baseline);
        self.state.canary.insert_batch(canary);
        self.look();
        Ok(self.decision())
    }

    /// The bands of the tracked quantiles, each arm at its per-side level
    /// `alpha / (2K)` (`alpha / (4K)` when two-sided). They hold jointly over quantiles and
    /// time with probability `1 - alpha` on the tested side(s); for a one-sided test the
    /// untested ends are at the same level, so both ends jointly hold with `1 - 2 alpha`.
    pub fn bands(&self) -> Vec<QuantileBand> {
        let level = self.state.options.alpha / self.state.options.quantile_divisor();
        self.boundaries
            .iter()
            .map(|b| {
                self.quantile_band(
                    b.p,
                    b.band(&self.state.baseline, level),
                    b.band(&self.state.canary, level),
                )
            })
            .collect()
    }

    /// The all-quantile (catch-all) band at any quantile `p` in (0, 1), each arm at level
    /// `alpha / (2K)`; `None` when the catch-all is disabled.
    pub fn catch_all_band(&self, p: f64) -> Result<Option<QuantileBand>> {
        if !(p > 0.0 && p < 1.0) {
            return Err(Error::invalid("p", p, "must lie strictly between 0 and 1"));
        }
        if self.state.options.catch_all == CatchAll::Disabled {
            return Ok(None);
        }
        let level = self.state.options.alpha / self.state.options.catch_all_divisor();
        let c = self.lil.constant(level)?;
        let band = |arm: &OrderStatistics| {
            let t = arm.len() as f64;
            let eps = self.lil.radius(t, c);
            Interval {
                low: order_statistic(arm, (t * (p - eps)).floor() + 1.0),
                high: order_statistic(arm, (t * (p + eps)).ceil()),
            }
        };
        Ok(Some(self.quantile_band(
            p,
            band(&self.state.baseline),
            band(&self.state.canary),
        )))
    }

    fn quantile_band(&self, quantile: f64, baseline: Interval, canary: Interval) -> QuantileBand {
        QuantileBand {
            quantile,
            baseline,
            canary,
            difference: Interval {
                low: band_difference(canary.low, baseline.high, f64::NEG_INFINITY),
                high: band_difference(canary.high, baseline.low, f64::INFINITY),
            },
        }
    }

    fn arm(&self, arm: Arm) -> &OrderStatistics {
        match arm {
            Arm::Baseline => &self.state.baseline,
            Arm::Canary => &self.state.canary,
        }
    }

    /// Folds every component's p-value (Bonferroni) into the running minimum. A fixed
    /// quantile's exact evidence (O(log^2 n)) is computed only when its bands separate at the
    /// level that would lower the running minimum (an O(log n) check), which under H0 is rare.
    fn look(&mut self) {
        let options = &self.state.options;
        let quantile_penalty = options.quantile_divisor().ln();
        let mut evidence = -self.state.pvalue.ln();
        for boundaries in &self.boundaries {
            for &(larger, smaller) in options.directions() {
                let (larger, smaller) = (self.arm(larger), self.arm(smaller));
                let level = (-(evidence + quantile_penalty)).exp();
                if boundaries.low_end(larger, level) > boundaries.high_end(smaller, level) {
                    let e = boundaries.separation_evidence(larger, smaller);
                    evidence = evidence.max(e - quantile_penalty);
                }
            }
        }
        if options.catch_all == CatchAll::Enabled {
            let catch_all_penalty = options.catch_all_divisor().ln();
            let total = self.observations();
            if total >= self.state.next_catch_all {
                let e = self.catch_all_evidence(evidence + catch_all_penalty);
                evidence = evidence.max(e - catch_all_penalty);
                let grown = (total as f64 * (1.0 + CATCH_ALL_GROWTH)).ceil() as u64;
                self.state.next_catch_all = grown.max(total + 1);
            }
        }
        self.state.pvalue = self.state.pvalue.min((-evidence).exp());
    }

    /// Per-arm `log(1/a)` for the smallest level `a` at which the all-quantile bands
    /// separate, or `-inf` when it cannot exceed `needed`. The O(n) merge giving the exact
    /// Kolmogorov-Smirnov distance runs only when an O(log n) upper bound on it could.
    fn catch_all_evidence(&self, needed: f64) -> f64 {
        let mut evidence = f64::NEG_INFINITY;
        let t_min = self.lil.t_min();
        if (self.state.baseline.len() as f64) < t_min || (self.state.canary.len() as f64) < t_min {
            return evidence;
        }
        for &(larger, smaller) in self.state.options.directions() {
            let (above, below) = (self.arm(smaller), self.arm(larger));
            if self.lil_evidence(cdf_gap_bound(above, below)) > needed {
                evidence = evidence.max(self.lil_evidence(cdf_gap(above, below)));
            }
        }
        evidence
    }

    /// Per-arm `log(1/a)` at which the Kolmogorov-Smirnov distance `distance` reaches the sum
    /// of the arms' all-quantile radii, `A (sqrt((g_b + C) / t_b) + sqrt((g_c + C) / t_c))`:
    /// the largest such `C`, mapped to its level. Both arms have at least `t_min` values.
    fn lil_evidence(&self, distance: f64) -> f64 {
        let (t_b, t_c) = (
            self.state.baseline.len() as f64,
            self.state.canary.len() as f64,
        );
        let (g_b, g_c) = (self.lil.log_log_time(t_b), self.lil.log_log_time(t_c));
        let target = distance / self.lil.a();
        let width = |c: f64| ((g_b + c) / t_b).sqrt() + ((g_c + c) / t_c).sqrt();
        if width(0.0) >= target {
            return f64::NEG_INFINITY;
        }
        let mut high = 1.0;
        while width(high) < target {
            high *= 2.0;
        }
        let (mut low, mut high) = (0.0, high);
        loop {
            let mid = 0.5 * (low + high);
            if mid <= low || mid >= high {
                break;
            }
            if width(mid) <= target {
                low = mid;
            } else {
                high = mid;
            }
        }
        if low > 0.0 {
            -self.lil.log_alpha(low)
        } else {
            f64::NEG_INFINITY
        }
    }
}

/// Cells of [`cdf_gap_bound`]: its slack is about `2 / CELLS`.
const CELLS: usize = 128;

/// An upper bound on [`cdf_gap`] in O(CELLS log n): between `above`'s order statistics at
/// ranks `r_(k-1)` and `r_k`, `N_above(x) <= r_k - 1` and `N_below(x) >=
/// N_below(x_(r_(k-1)))`.
fn cdf_gap_bound(above: &OrderStatistics, below: &OrderStatistics) -> f64 {
    let (n_above, n_below) = (above.len(), below.len());
    let gap = |count_above: usize, count_below: usize| {
        (count_above as f64 * n_below as f64 - count_below as f64 * n_above as f64)
            / (n_above as f64 * n_below as f64)
    };
    let (mut bound, mut previous_rank, mut count_below) = (0.0_f64, 0, 0);
    for k in 1..=CELLS {
        let rank = (k * n_above).div_ceil(CELLS);
        if rank == previous_rank {
            continue;
        }
        bound = bound.max(gap(rank - 1, count_below));
        count_below = below.count_le(above.kth(rank).unwrap_or(f64::INFINITY));
        previous_rank = rank;
    }
    bound.max(gap(n_above, count_below))
}

/// `sup_x F_above(x) - F_below(x)`: how far `above`'s empirical CDF rises over `below`'s,
/// which is large when `below` is stochastically larger. One merge of the sorted values.
fn cdf_gap(above: &OrderStatistics, below: &OrderStatistics) -> f64 {
    let (n_above, n_below) = (above.len() as f64, below.len() as f64);
    let (mut a, mut b) = (above.iter().peekable(), below.iter().peekable());
    let (mut count_above, mut count_below) = (0.0, 0.0);
    let mut gap: f64 = 0.0;
    loop {
        let x = match (a.peek(), b.peek()) {
            (Some(&u), Some(&v)) => u.min(v),
            (Some(&u), None) => u,
            (None, Some(&v)) => v,
            (None, None) => break,
        };
        while a.next_if(|&u| u <= x).is_some() {
            count_above += 1.0;
        }
        while b.next_if(|&v| v <= x).is_some() {
            count_below += 1.0;
        }
        gap = gap.max((count_above * n_below - count_below * n_above) / (n_above * n_below));
    }
    gap
}

impl SequentialTest for QuantileTest {
    type Observation = Latency;

    /// Adds one value, then looks. Prefer [`QuantileTest::update_batch`] once per tick.
    fn update(&mut self, observation: Latency) -> Result<SequentialDecision> {
        let value = [observation.value];
        match observation.arm {
            Arm::Baseline => self.update_batch(&value, &[]),
            Arm::Canary => self.update_batch(&[], &value),
        }
    }

    fn decision(&self) -> SequentialDecision {
        if self.state.pvalue <= self.state.options.alpha {
            SequentialDecision::Reject
        } else {
            SequentialDecision::Continue
        }
    }

    /// `-log` of the always-valid p-value: the test inverts confidence bands, so it has no
    /// likelihood ratio; this is the evidence so far, never decreasing.
    fn log_statistic(&self) -> f64 {
        -self.state.pvalue.ln()
    }

    fn pvalue(&self) -> f64 {
        self.state.pvalue
    }

    fn observations(&self) -> u64 {
        (self.state.baseline.len() + self.state.canary.len()) as u64
    }
}

impl Serialize for QuantileTest {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.state.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for QuantileTest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        QuantileTest::from_state(State::deserialize(deserializer)?)
            .map_err(serde::de::Error::custom)
    }
}
