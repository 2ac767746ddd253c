//! Exact null distribution of the Mann-Whitney U statistic for samples without ties.
//!
//! For sizes `k <= l` the number of arrangements with `U = j` is the coefficient of `q^j` in
//! the Gaussian binomial `[k + l choose k]_q = prod_{i=1..k} (1 - q^(l+i)) / (1 - q^i)`
//! (Mann & Whitney 1947; Harding 1984). Multiplying in one factor at a time gives the
//! distribution for sizes `i` and `l` from the one for `i - 1` and `l`; scaling step `i` by a
//! power of two near `C(l + i - 1, i - 1) / C(l + i, i) = i / (l + i)` (exact) and keeping the
//! remainder of that factor in one running normalization keeps every value near the
//! probability scale, so nothing overflows at any size. Each step only reads lower indices, so
//! truncating the distribution at the largest `U` needed is exact, and the symmetry
//! `P(U = j) = P(U = mn - j)` means that index never exceeds `mn / 2`. Probabilities below
//! about 1e-308 underflow to zero.
//!
//! Accuracy: dividing by `(1 - q^i)` amplifies rounding noise, most at the centre of the
//! distribution and faster as the smaller sample grows. In `f64` the centre keeps 1e-13 up to
//! `min(m, n) = 200` but not beyond (about 1e-6 at 500 x 500), so larger sizes run in
//! double-double arithmetic. Against exact integer arithmetic the cumulative probabilities
//! agree to 2e-15 relative at every u tested, the centre included, up to 500 x 500 and
//! 200 x 3,000 (tests/exact_bigint.rs, scripts/exact_bigint_reference.py); beyond a smaller
//! sample of 500 the exact method refuses.

use std::cell::Cell;
use std::fmt;

use super::Tail;

/// Largest smaller-sample size at which exact p-values without ties were verified against
/// exact integer arithmetic to 1e-13 at every U, the centre included.
const VERIFIED_SMALLER_SIZE: u64 = 500;

/// Above this smaller-sample size the recurrence runs in double-double arithmetic, about six
/// times slower: in `f64` the centre loses accuracy beyond it.
const DOUBLE_DOUBLE_ABOVE: u64 = 200;

/// Largest number of doubles an exact computation may hold (128 MiB).
pub(crate) const MAX_EXACT_ENTRIES: f64 = 1.6e7;

/// Why an exact computation cannot run. It is formatted only when reported: the automatic
/// method meets one at most looks at large samples and just moves on to the approximation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Obstacle {
    /// It needs about `cost` steps (`None`: more than `budget`, where counting stopped).
    Steps { cost: Option<f64>, budget: f64 },
    /// It needs `entries` numbers in memory, over [`MAX_EXACT_ENTRIES`].
    Memory { entries: f64 },
    /// The smaller sample has `smaller` observations, over [`VERIFIED_SMALLER_SIZE`].
    Unverified { smaller: u64 },
}

impl fmt::Display for Obstacle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Obstacle::Steps {
                cost: Some(cost),
                budget,
            } => write!(
                f,
                "it needs about {cost:.2e} steps, over the limit of {budget:.2e}"
            ),
            Obstacle::Steps { cost: None, budget } => {
                write!(f, "it needs more than {budget:.2e} steps, the limit")
            }
            Obstacle::Memory { entries } => write!(
                f,
                "it needs {entries:.2e} numbers in memory, over the limit of {MAX_EXACT_ENTRIES:.2e}"
            ),
            Obstacle::Unverified { smaller } => write!(
                f,
                "the smaller sample has {smaller} observations, and exact p-values without ties \
                 are verified to 1e-13 only up to {VERIFIED_SMALLER_SIZE}"
            ),
        }
    }
}

/// Why the untied exact p-value cannot be computed within `budget` steps, if it cannot.
pub(crate) fn untied_obstacle(m: u64, n: u64, budget: f64) -> Option<Obstacle> {
    // Two buffers of up to mn / 2 + 1 probabilities.
    let entries = 2.0 * ((m as f64 * n as f64 / 2.0).floor() + 1.0);
    resource_obstacle(untied_cost(m, n), entries, budget).or_else(|| {
        (m.min(n) > VERIFIED_SMALLER_SIZE).then_some(Obstacle::Unverified { smaller: m.min(n) })
    })
}

/// Why an exact computation of `cost` steps holding `entries` numbers cannot run within
/// `budget` steps and [`MAX_EXACT_ENTRIES`], if it cannot.
pub(crate) fn resource_obstacle(cost: f64, entries: f64, budget: f64) -> Option<Obstacle> {
    if cost > budget {
        Some(Obstacle::Steps {
            cost: Some(cost),
            budget,
        })
    } else if entries > MAX_EXACT_ENTRIES {
        Some(Obstacle::Memory { entries })
    } else {
        None
    }
}

/// Worst-case number of inner-loop steps of [`untied_tail`] for sizes `m` and `n`.
///
/// Step `i` of `min(m, n)` touches `min(mn / 2, i * max(m, n)) + 1` entries; the worst case
/// is a statistic at the centre, which needs the distribution up to `mn / 2`.
pub(crate) fn untied_cost(m: u64, n: u64) -> f64 {
    let (k, l) = (m.min(n) as f64, m.max(n) as f64);
    if k == 0.0 {
        return 0.0;
    }
    let limit = (k * l / 2.0).floor();
    // Steps 1..=full grow linearly (i * l <= limit); the rest are capped at `limit`.
    let full = (limit / l).floor().min(k);
    l * full * (full + 1.0) / 2.0 + full + (k - full) * (limit + 1.0)
}

/// `P(U <= u)` for [`Tail::Lower`] or `P(U >= u)` for [`Tail::Upper`], for the U of a sample
/// of size `m` against one of size `n` without ties.
///
/// Only the smaller side of the distribution is built; a probability of at least one half is
/// computed as one minus the small complement, so every result has full relative accuracy.
/// Callers keep [`untied_cost`] within their budget.
pub(crate) fn untied_tail(m: u64, n: u64, u: u64, tail: Tail) -> f64 {
    let pairs = u128::from(m) * u128::from(n);
    let u = u128::from(u);
    match tail {
        Tail::Lower => lower_tail(m, n, u),
        Tail::Upper if u > pairs => 0.0,
        // P(U >= u) = P(U <= mn - u) by symmetry.
        Tail::Upper => lower_tail(m, n, pairs - u),
    }
}

/// The smallest `q` with `P(U <= q) >= prob`, as R's `qwilcox` computes it.
///
/// As in R, `prob` is compared with a tolerance of `10 * f64::EPSILON`, so that a cumulative
/// probability that equals `prob` in exact arithmetic counts as reaching it. Probabilities
/// above one half are found from the other side of the distribution, where they are small.
pub(crate) fn untied_quantile(m: u64, n: u64, prob: f64) -> u64 {
    let pairs = m.saturating_mul(n);
    let half = pairs / 2;
    let pmf = truncated_pmf(m, n, half);
    // P(U = q) for any q, by symmetry from the lower half.
    let at = |q: u64| pmf.get(to_index(q.min(pairs - q))).copied().unwrap_or(0.0);
    let tolerance = 10.0 * f64::EPSILON;
    if prob <= 0.5 {
        let target = prob - tolerance;
        first_reaching(at, pairs, |cdf| cdf >= target)
    } else {
        // P(U <= q) >= prob  <=>  P(U <= mn - q - 1) <= 1 - prob.
        let target = 1.0 - prob + tolerance;
        pairs - first_reaching(at, pairs, |cdf| cdf > target)
    }
}

/// The first `q` in `0..=pairs` whose cumulative probability satisfies `reached`, else `pairs`.
fn first_reaching(at: impl Fn(u64) -> f64, pairs: u64, reached: impl Fn(f64) -> bool) -> u64 {
    let mut cdf = 0.0;
    (0..=pairs)
        .find(|&q| {
            cdf += at(q);
            reached(cdf)
        })
        .unwrap_or(pairs)
}

/// `P(U <= w)`, building the distribution only up to `min(w, mn - w - 1)`.
fn lower_tail(m: u64, n: u64, w: u128) -> f64 {
    let pairs = u128::from(m) * u128::from(n);
    if w >= pairs {
        1.0
    } else if 2 * w <= pairs {
        cdf(m, n, w)
    } else {
        // P(U <= w) = 1 - P(U >= w + 1) = 1 - P(U <= mn - w - 1), and the latter is below 1/2.
        1.0 - cdf(m, n, pairs - w - 1)
    }
}

/// `P(U <= w)` for `w <= mn / 2`, summed with compensation.
fn cdf(m: u64, n: u64, w: u128) -> f64 {
    let w = u64::try_from(w).unwrap_or(u64::MAX);
    if m.min(n) > DOUBLE_DOUBLE_ABOVE {
        let pmf = scaled_pmf::<DoubleDouble>(m, n, w);
        let total = pmf
            .terms()
            .iter()
            .fold(DoubleDouble::ZERO, |sum, &t| sum.add(t));
        total.times(pmf.norm).to_f64()
    } else {
        let pmf = scaled_pmf::<f64>(m, n, w);
        compensated_sum(pmf.terms()) * pmf.norm.to_f64()
    }
}

/// `P(U = j)` for `j = 0..=limit` (fewer if `limit > mn`), for sizes `m` and `n`, in `f64`.
fn truncated_pmf(m: u64, n: u64, limit: u64) -> Vec<f64> {
    let pmf = scaled_pmf::<f64>(m, n, limit);
    let norm = pmf.norm.to_f64();
    pmf.terms().iter().map(|&t| t * norm).collect()
}

/// `P(U = j) / norm` for `j = 0..=limit`, as [`scaled_pmf`] leaves it in its working buffer.
struct ScaledPmf<T> {
    /// Zeros up to `start`, then the terms.
    buffer: Vec<T>,
    /// Where the terms start in `buffer`.
    start: usize,
    /// The factor that turns the terms into probabilities.
    norm: DoubleDouble,
}

impl<T> ScaledPmf<T> {
    /// The terms, `P(U = j) / norm` for `j = 0..=limit`.
    fn terms(&self) -> &[T] {
        &self.buffer[self.start..]
    }
}

/// `P(U = j) / norm` for `j = 0..=limit` (fewer if `limit > mn`), and `norm`.
///
/// Step `i` turns the distribution for sizes `(i - 1, l)` into the one for `(i, l)`: it
/// divides by `(1 - q^i)` and multiplies by `(1 - q^(l+i))`. Instead of the factor
/// `i / (l + i)` that would keep probabilities, each step scales by the nearest power of two,
/// which is exact, and the rest of the factor goes into `norm`, kept within a factor of
/// `sqrt(2)` of one so that the terms stay on the probability scale.
fn scaled_pmf<T: Real>(m: u64, n: u64, limit: u64) -> ScaledPmf<T> {
    let (k, l) = (to_index(m.min(n)), to_index(m.max(n)));
    let len = to_index(limit.min(m.saturating_mul(n))) + 1;
    // Entry `j` of the distribution is stored at `pad + j`, below it zeros that stand in for
    // the terms below 0, so that every step is one loop of the same shape.
    let pad = k + l;
    let mut prev = Vec::with_capacity(pad + len);
    let mut next = Vec::with_capacity(pad + len);
    prev.resize(pad, T::ZERO);
    prev.push(T::ONE);
    next.resize(pad, T::ZERO);
    let mut norm = DoubleDouble::ONE;
    for i in 1..=k {
        // Distribution (i, l) has support 0..=i*l: the buffers grow by zeros to that length
        // and are never zeroed again, since each step overwrites all of it.
        let end = pad + len.min(i.saturating_mul(l).saturating_add(1));
        prev.resize(end, T::ZERO);
        next.resize(end, T::ZERO);
        let factor = norm.times(DoubleDouble::ratio(i as f64, (l + i) as f64));
        let power = 2f64.powi(factor.hi.log2().round() as i32);
        norm = factor.scale(1.0 / power);
        apply_factor(&prev, &mut next, pad, i, l + i, power);
        std::mem::swap(&mut prev, &mut next);
    }
    ScaledPmf {
        buffer: prev,
        start: pad,
        norm,
    }
}

/// One factor of the product, `next = prev · scale (1 - q^shift) / (1 - q^lag)`:
/// `next[j] = next[j - lag] + scale (prev[j] - prev[j - shift])` for `j >= first`, where
/// entries below `first >= shift > lag` are zeros that stand in for the terms below 0.
///
/// With that padding every entry takes the same branch-free step, so one sweep covers the
/// whole array, reading each entry of `prev` twice and writing `next` once. `next` is viewed
/// as cells so that the entries read (`lag` below) and those written can be zipped: the
/// compiler then sees plain slices walked in step and vectorizes the loop behind a run-time
/// check that `lag` spans its vector width, keeping a scalar loop for the first few factors.
/// Blocks of `lag` entries over disjoint slices, or fixed-size runs, cost per-block set-up or
/// index checks that outweigh the arithmetic at these sizes.
fn apply_factor<T: Real>(
    prev: &[T],
    next: &mut [T],
    first: usize,
    lag: usize,
    shift: usize,
    scale: f64,
) {
    let len = next.len();
    let cells = Cell::from_mut(next).as_slice_of_cells();
    let (out, below) = (&cells[first..], &cells[first - lag..len - lag]);
    let (current, lagged) = (&prev[first..], &prev[first - shift..len - shift]);
    for (((out, below), &current), &lagged) in out.iter().zip(below).zip(current).zip(lagged) {
        out.set(below.get().add(current.sub(lagged).scale(scale)));
    }
}

/// The arithmetic the recurrence runs in.
trait Real: Copy {
    /// Zero.
    const ZERO: Self;
    /// One.
    const ONE: Self;
    /// `self + other`.
    fn add(self, other: Self) -> Self;
    /// `self - other`.
    fn sub(self, other: Self) -> Self;
    /// `self * factor`, exact when `factor` is a power of two.
    fn scale(self, factor: f64) -> Self;
}

impl Real for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    fn add(self, other: Self) -> Self {
        self + other
    }
    fn sub(self, other: Self) -> Self {
        self - other
    }
    fn scale(self, factor: f64) -> Self {
        self * factor
    }
}

/// A double-double number `hi + lo` with `|lo| <= ulp(hi) / 2`: about 106 bits of precision.
///
/// Sums and differences lose at most about `2^-104` of the operands' magnitude (Dekker 1971),
/// so the rounding noise that the recurrence amplifies starts some 1e16 times smaller.
#[derive(Clone, Copy, Debug)]
struct DoubleDouble {
    /// The leading part.
    hi: f64,
    /// The rounding error of `hi`.
    lo: f64,
}

impl DoubleDouble {
    /// `a / b` to double-double precision.
    fn ratio(a: f64, b: f64) -> Self {
        let hi = a / b;
        // a - hi * b is exact with a fused multiply-add.
        let lo = (-hi).mul_add(b, a) / b;
        Self::renormalized(hi, lo)
    }

    /// `self * other` to double-double precision.
    fn times(self, other: Self) -> Self {
        let hi = self.hi * other.hi;
        let lo = self.hi.mul_add(other.hi, -hi) + (self.hi * other.lo + self.lo * other.hi);
        Self::renormalized(hi, lo)
    }

    /// `hi + lo` rounded to the nearest double.
    fn to_f64(self) -> f64 {
        self.hi + self.lo
    }

    /// `hi + lo` as a double-double, for `|hi| >= |lo|` (Dekker's fast two-sum).
    fn renormalized(hi: f64, lo: f64) -> Self {
        let sum = hi + lo;
        Self {
            hi: sum,
            lo: lo - (sum - hi),
        }
    }

    /// `a + b + tail`: the exact sum of `a` and `b` and its rounding error (Knuth's
    /// two-sum), with `tail` added to the error.
    fn two_sum_plus(a: f64, b: f64, tail: f64) -> Self {
        let sum = a + b;
        let b_part = sum - a;
        let error = (a - (sum - b_part)) + (b - b_part);
        Self::renormalized(sum, error + tail)
    }
}

impl Real for DoubleDouble {
    const ZERO: Self = DoubleDouble { hi: 0.0, lo: 0.0 };
    const ONE: Self = DoubleDouble { hi: 1.0, lo: 0.0 };
    fn add(self, other: Self) -> Self {
        Self::two_sum_plus(self.hi, other.hi, self.lo + other.lo)
    }
    fn sub(self, other: Self) -> Self {
        Self::two_sum_plus(self.hi, -other.hi, self.lo - other.lo)
    }
    fn scale(self, factor: f64) -> Self {
        Self {
            hi: self.hi * factor,
            lo: self.lo * factor,
        }
    }
}

/// Sum of non-negative terms with Neumaier compensation, so long tails lose no accuracy.
fn compensated_sum(terms: &[f64]) -> f64 {
    let (mut sum, mut carry) = (0.0_f64, 0.0_f64);
    for &t in terms {
        let next = sum + t;
        carry += if sum >= t {
            (sum - next) + t
        } else {
            (t - next) + sum
        };
        sum = next;
    }
    sum + carry
}

/// A size or index as `usize`; callers bound sizes through [`untied_cost`] first.
fn to_index(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::function::factorial::ln_binomial;

    /// Exact counts of U for every u, by enumerating all subsets of `0..m+n` of size `m`.
    fn brute_counts(m: usize, n: usize) -> Vec<u64> {
        let total = m + n;
        let mut counts = vec![0u64; m * n + 1];
        for mask in 0u32..(1 << total) {
            if mask.count_ones() as usize != m {
                continue;
            }
            // U of x = pairs (x, y) with x above y; bit set = x.
            let (mut ys_below, mut u) = (0, 0);
            for pos in 0..total {
                if mask >> pos & 1 == 1 {
                    u += ys_below;
                } else {
                    ys_below += 1;
                }
            }
            counts[u] += 1;
        }
        counts
    }

    fn assert_close(got: f64, want: f64, tol: f64, what: &str) {
        let rel = ((got - want) / want).abs();
        assert!(
            rel <= tol,
            "{what}: got {got:e}, want {want:e}, rel {rel:e}"
        );
    }

    #[test]
    fn matches_enumeration_for_every_u_and_tail() {
        for m in 1..=7 {
            for n in 1..=(14 - m) {
                let counts = brute_counts(m, n);
                let total: u64 = counts.iter().sum();
                let pairs = (m * n) as u64;
                for u in 0..=pairs + 1 {
                    let below: u64 = counts.iter().take(u as usize + 1).sum();
                    let above: u64 = counts.iter().skip(u as usize).sum();
                    let lower = untied_tail(m as u64, n as u64, u, Tail::Lower);
                    let upper = untied_tail(m as u64, n as u64, u, Tail::Upper);
                    let what = format!("m={m} n={n} u={u}");
                    assert_close(lower, below as f64 / total as f64, 1e-13, &what);
                    if above == 0 {
                        assert_eq!(upper, 0.0, "{what}");
                    } else {
                        assert_close(upper, above as f64 / total as f64, 1e-13, &what);
                    }
                }
            }
        }
    }

    #[test]
    fn tails_are_symmetric() {
        for (m, n) in [(3, 40), (40, 3), (25, 31), (60, 60)] {
            let pairs = m * n;
            for u in [0, 1, 7, pairs / 3, pairs / 2, pairs - 2] {
                let lower = untied_tail(m, n, u, Tail::Lower);
                let mirrored = untied_tail(m, n, pairs - u, Tail::Upper);
                assert_close(lower, mirrored, 1e-15, &format!("m={m} n={n} u={u}"));
                // Swapping the samples leaves the distribution unchanged.
                assert_close(lower, untied_tail(n, m, u, Tail::Lower), 1e-15, "swap");
            }
        }
    }

    #[test]
    fn smallest_values_have_closed_forms_at_large_sizes() {
        // U = 0 and U = 1 each have exactly one arrangement; U = 2 has two (for m, n >= 2).
        for (m, n) in [(300, 300), (2, 5000), (1000, 40)] {
            let ln_total = ln_binomial(m + n, m);
            for (u, arrangements) in [(0u64, 1.0f64), (1, 2.0), (2, 4.0)] {
                let got = untied_tail(m, n, u, Tail::Lower).ln();
                let want = arrangements.ln() - ln_total;
                assert!(
                    (got - want).abs() <= 1e-12 * want.abs(),
                    "m={m} n={n} u={u}: ln p {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn centre_of_an_odd_sized_distribution_is_one_half() {
        // mn odd: P(U <= (mn - 1) / 2) = 1/2 exactly by symmetry.
        let p = untied_tail(33, 41, (33 * 41 - 1) / 2, Tail::Lower);
        assert!((p - 0.5).abs() <= 4.0 * f64::EPSILON, "{p}");
    }

    #[test]
    fn quantile_is_the_smallest_reaching_value() {
        for (m, n) in [(1, 1), (1, 9), (4, 6), (10, 12), (30, 7)] {
            let pairs = m * n;
            for prob in [
                1e-9,
                0.01,
                0.025,
                0.3,
                0.5,
                0.5 + 1e-9,
                0.7,
                0.975,
                1.0 - 1e-9,
            ] {
                let q = untied_quantile(m, n, prob);
                let at_q = untied_tail(m, n, q, Tail::Lower);
                assert!(at_q >= prob - 1e-12, "m={m} n={n} prob={prob} q={q}");
                if q > 0 {
                    let below = untied_tail(m, n, q - 1, Tail::Lower);
                    assert!(below < prob + 1e-12, "m={m} n={n} prob={prob} q={q}");
                }
                assert!(q <= pairs);
            }
        }
    }

    #[test]
    fn quantiles_mirror_each_other() {
        // q(p) + q(1 - p) = mn for a symmetric distribution, away from atoms.
        for (m, n) in [(8, 9), (20, 35)] {
            for prob in [0.01, 0.05, 0.2] {
                let pairs = m * n;
                let low = untied_quantile(m, n, prob);
                let high = untied_quantile(m, n, 1.0 - prob);
                assert_eq!(low + high, pairs, "m={m} n={n} prob={prob}");
            }
        }
    }

    #[test]
    fn obstacles_explain_themselves_when_reported() {
        let steps = untied_obstacle(2000, 2000, 1e5).unwrap().to_string();
        let cost = untied_cost(2000, 2000);
        assert_eq!(
            steps,
            format!("it needs about {cost:.2e} steps, over the limit of 1.00e5")
        );
        let memory = resource_obstacle(1.0, 2e7, 1e9).unwrap().to_string();
        assert_eq!(
            memory,
            "it needs 2.00e7 numbers in memory, over the limit of 1.60e7"
        );
        let unverified = untied_obstacle(501, 501, 1e12).unwrap().to_string();
        assert_eq!(
            unverified,
            "the smaller sample has 501 observations, and exact p-values without ties are \
             verified to 1e-13 only up to 500"
        );
        assert!(untied_obstacle(50, 50, 1e5).is_none());
    }

    #[test]
    fn cost_counts_the_loop_steps() {
        // 50 x 50: steps i = 1..=25 cover 50 i + 1 entries, the other 25 cover 1251.
        assert_eq!(untied_cost(50, 50), 50.0 * 325.0 + 25.0 + 25.0 * 1251.0);
        assert_eq!(untied_cost(7, 3), untied_cost(3, 7));
        assert!(untied_cost(10, 2000) <= 1e5);
        assert!(untied_cost(5, 5000) <= 1e5);
        assert!(untied_cost(u64::MAX >> 11, u64::MAX >> 11).is_finite());
    }
}
