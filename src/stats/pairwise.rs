//! Order statistics of the pairwise differences `x_i - y_j`, without materializing many.
//!
//! With both samples sorted ascending, the `m x n` differences form an implicit matrix
//! `D[i][j] = x_i + (-y)_j`, where `-y` is `y` negated and reversed, that ascends along every
//! row and every column (floating-point subtraction is monotone, and `x - y` rounds exactly as
//! `x + (-y)` does). Selection follows Monahan (1984) and Johnson & Mizoguchi (1978): each row
//! keeps the range of columns still in play; a random (stratified) sample of those
//! candidates gives two pivots that likely bracket the wanted rank (as in Floyd-Rivest
//! selection); a monotone two-pointer pass per pivot counts the differences below it in
//! O(m + n) (the cut column only moves left as rows grow); and the ranges shrink to the part
//! that holds the wanted rank. When at most a few (m + n) candidates remain they are
//! materialized and selected directly. Up to about a thousand differences (small samples,
//! where a sample of `(m + n) / 4` candidates brackets a rank too loosely to pay for its
//! rounds), all of them are materialized once instead, and every selection runs among them.
//! With `S` candidates sampled per round and the wanted rank at fraction `p` of them, a round
//! keeps about `6 sqrt(p (1 - p) / S)` of the candidates (at most 5 % for `S = 4096`), so
//! 100,000 x 100,000 differences take four rounds: expected O((m + n) log(mn)) time, with a
//! small constant, and O(m + n) memory.

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

use super::float_key::{float_key, from_float_key};
use crate::error::{Error, Result};

/// Seed of the pivot sampler: the result never depends on it, the running time is repeatable.
const SEED: u64 = 0x4d6f_6e61_6861_6e84;

/// Candidates sampled per round to place the pivots, at most.
const SAMPLE_SIZE: usize = 4096;

/// Observations per candidate sampled, below `SAMPLE_SIZE`: drawing and selecting among the
/// sample then costs about what the counting passes of a round do, so small samples do not
/// spend most of a round on placing its pivots.
const OBSERVATIONS_PER_DRAW: usize = 4;

/// Candidates are materialized once at most this many per observation remain.
const MATERIALIZE_PER_OBSERVATION: u64 = 4;

/// Every difference is materialized up front when there are at most this many (32 x 32):
/// selecting among them then costs less than the rounds that would narrow them down, whose
/// samples of `(m + n) / OBSERVATIONS_PER_DRAW` candidates bracket a rank loosely.
const MATERIALIZE_ALL_AT_MOST: u64 = 1024;

/// Half-width of the pivot bracket in standard deviations of the sampled rank.
const BRACKET_SDS: f64 = 3.0;

/// The `m n` differences `x_i - y_j` of two sorted, NaN-free samples, as an implicit sorted
/// matrix.
///
/// Differences of finite values that overflow are `±inf`, never NaN, so every order statistic
/// is well defined.
#[derive(Debug, Clone)]
pub(crate) struct Differences<'a> {
    /// Row values: `x`, ascending.
    x: &'a [f64],
    /// Column values: `y` negated and reversed, so ascending.
    neg_y: Vec<f64>,
    /// `m n`.
    count: u64,
    /// Every difference, when there are few (see `MATERIALIZE_ALL_AT_MOST`).
    materialized: Option<Materialized>,
}

/// Every difference as a key that orders like [`f64::total_cmp`] (integers compare faster),
/// with the ranks selected so far kept in place.
#[derive(Debug, Clone)]
struct Materialized {
    keys: Vec<i64>,
    /// Ranks selected so far, ascending. The key at each is the difference of that rank, with
    /// no greater key before it and no smaller one after it, so a later selection only
    /// reorders the keys between the two placed ranks around its own.
    placed: Vec<usize>,
}

impl Materialized {
    /// Every difference of `x` and `neg_y`, none placed yet.
    fn new(x: &[f64], neg_y: &[f64]) -> Self {
        let rows = x.iter().map(|&xi| (xi, neg_y));
        Materialized {
            keys: every_key(rows, x.len() * neg_y.len()),
            placed: Vec::new(),
        }
    }

    /// The difference of rank `rank`, which must be below the number of keys.
    fn select(&mut self, rank: usize) -> f64 {
        let next = self.placed.partition_point(|&p| p < rank);
        if self.placed.get(next) != Some(&rank) {
            let start = next
                .checked_sub(1)
                .map_or(0, |previous| self.placed[previous] + 1);
            let end = self.placed.get(next).map_or(self.keys.len(), |&p| p);
            self.keys[start..end].select_nth_unstable(rank - start);
            self.placed.insert(next, rank);
        }
        from_float_key(self.keys[rank])
    }
}

/// Per row `i`, the columns `lower[i]..upper[i]` still in play.
///
/// The differences in play are exactly those in one interval of values (initially all of
/// them), so a cut at a value taken among them lies inside every row's range.
struct Candidates {
    lower: Vec<usize>,
    upper: Vec<usize>,
}

impl Candidates {
    /// Every difference of an `m x n` matrix.
    fn all(m: usize, n: usize) -> Self {
        Candidates {
            lower: vec![0; m],
            upper: vec![n; m],
        }
    }

    /// Each row's value `x_i` with the columns of `neg_y` still in play.
    fn rows<'c>(
        &'c self,
        x: &'c [f64],
        neg_y: &'c [f64],
    ) -> impl Iterator<Item = (f64, &'c [f64])> + 'c {
        let ranges = self.lower.iter().zip(&self.upper);
        x.iter()
            .zip(ranges)
            .map(move |(&xi, (&lower, &upper))| (xi, &neg_y[lower..upper]))
    }
}

/// The state of one selection: the candidates, and buffers reused from round to round.
struct Search {
    candidates: Candidates,
    /// Differences left of the candidates (the sum of `lower`).
    below: u64,
    /// Differences left of or among the candidates (the sum of `upper`).
    through: u64,
    /// Per-row cuts of the latest pass, swapped into `candidates` when kept.
    first: Vec<usize>,
    second: Vec<usize>,
    /// The latest sample of candidates.
    sample: Vec<f64>,
    /// Candidates sampled per round: `(m + n) / OBSERVATIONS_PER_DRAW`, within
    /// `1..=SAMPLE_SIZE`.
    sample_size: usize,
    rng: SmallRng,
}

impl<'a> Differences<'a> {
    /// The differences of `x` and `y`, both sorted ascending and free of NaN.
    ///
    /// Fails with [`Error::CountOverflow`] if `m n` does not fit in a `u64`.
    pub(crate) fn new(x: &'a [f64], y: &[f64]) -> Result<Self> {
        let count = (x.len() as u64)
            .checked_mul(y.len() as u64)
            .ok_or(Error::CountOverflow {
                what: "the number of pairwise differences",
                limit: u64::MAX,
            })?;
        let neg_y: Vec<f64> = y.iter().rev().map(|&v| -v).collect();
        let materialized = (count <= MATERIALIZE_ALL_AT_MOST).then(|| Materialized::new(x, &neg_y));
        Ok(Differences {
            x,
            neg_y,
            count,
            materialized,
        })
    }

    /// The number of differences, `m n`.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// The median: the middle difference, or the mean of the two middle ones.
    pub(crate) fn median(&mut self) -> f64 {
        self.median_within(None)
    }

    /// The median, given that it likely lies within `[low, high]` (see [`Self::kth_within`]).
    pub(crate) fn median_between(&mut self, low: f64, high: f64) -> f64 {
        self.median_within(Some((low, high)))
    }

    /// The median, with the lower middle difference found by [`Self::kth_within`] and the
    /// upper one, when the count is even, by one pass from it.
    fn median_within(&mut self, within: Option<(f64, f64)>) -> f64 {
        let lower_middle = self.count.saturating_sub(1) / 2;
        let low = self.kth_within(lower_middle, within);
        if self.count % 2 == 1 {
            low
        } else {
            midpoint(low, self.next_after(lower_middle, low))
        }
    }

    /// The `k`-th smallest difference, counting from 0 (`k` past the end means the largest).
    pub(crate) fn kth(&mut self, k: u64) -> f64 {
        self.kth_within(k, None)
    }

    /// The `k`-th smallest difference, given that it likely lies within `within = (low,
    /// high)` if given (say, between the ends of an interval already found): one pass counts
    /// the differences there, and if they hold rank `k` the search starts among them alone.
    /// Any hint gives the exact answer; a wrong one only costs that pass. Materialized
    /// differences need no hint: one selection among all of them is cheaper than the pass.
    pub(crate) fn kth_within(&mut self, k: u64, within: Option<(f64, f64)>) -> f64 {
        let k = self.last_rank(k);
        if let Some(materialized) = &mut self.materialized {
            // `k < m n`, which is small here.
            return materialized.select(k as usize);
        }
        let mut s = self.search();
        if let Some((low, high)) = within.filter(|&(low, high)| low <= high) {
            let (below, through) = self.cut(|d| d < low, |d| d <= high, &mut s);
            if below <= k && k < through {
                std::mem::swap(&mut s.candidates.lower, &mut s.first);
                std::mem::swap(&mut s.candidates.upper, &mut s.second);
                (s.below, s.through) = (below, through);
            }
        }
        self.select(k, s)
    }

    /// `k`, or the last rank if `k` is past it.
    fn last_rank(&self, k: u64) -> u64 {
        k.min(self.count.saturating_sub(1))
    }

    /// A search with every difference in play.
    fn search(&self) -> Search {
        let (m, n) = (self.x.len(), self.neg_y.len());
        let sample_size = ((m + n) / OBSERVATIONS_PER_DRAW).clamp(1, SAMPLE_SIZE);
        Search {
            candidates: Candidates::all(m, n),
            below: 0,
            through: self.count,
            first: vec![0; m],
            second: vec![0; m],
            sample: Vec::with_capacity(sample_size),
            sample_size,
            rng: SmallRng::seed_from_u64(SEED),
        }
    }

    /// The difference of rank `k`, which `s` holds among its candidates.
    ///
    /// Each round cuts at two sampled pivots `lo <= hi` and keeps the candidates below `lo`,
    /// within `[lo, hi]` or above `hi`, whichever holds rank `k`. If `[lo, hi]` holds every
    /// candidate, a second pass splits at the pivots themselves, so every round drops at
    /// least one candidate and runs of equal differences cannot stall the search.
    fn select(&self, k: u64, mut s: Search) -> f64 {
        let observations = (self.x.len() + self.neg_y.len()) as u64;
        // Above `sample_size`, so every round has a candidate for each draw.
        let materialize_at = MATERIALIZE_PER_OBSERVATION.saturating_mul(observations);
        while s.through - s.below > materialize_at {
            let (lo, hi) = self.pivots(&mut s, k);
            let (below_lo, through_hi) = self.cut(|d| d < lo, |d| d <= hi, &mut s);
            if k < below_lo {
                std::mem::swap(&mut s.candidates.upper, &mut s.first);
                s.through = below_lo;
            } else if k >= through_hi {
                std::mem::swap(&mut s.candidates.lower, &mut s.second);
                s.below = through_hi;
            } else if lo == hi {
                return lo;
            } else {
                let (mut lower, mut upper) = (below_lo, through_hi);
                if (lower, upper) == (s.below, s.through) {
                    (lower, upper) = self.cut(|d| d <= lo, |d| d < hi, &mut s);
                    if k < lower {
                        return lo;
                    } else if k >= upper {
                        return hi;
                    }
                }
                std::mem::swap(&mut s.candidates.lower, &mut s.first);
                std::mem::swap(&mut s.candidates.upper, &mut s.second);
                (s.below, s.through) = (lower, upper);
            }
        }
        let active = (s.through - s.below) as usize;
        let mut keys = every_key(s.candidates.rows(self.x, &self.neg_y), active);
        from_float_key(*keys.select_nth_unstable((k - s.below) as usize).1)
    }

    /// The `(k + 1)`-th smallest difference given that the `k`-th is `value`, in one O(m + n)
    /// pass: `value` again if it repeats, else the smallest difference above it.
    ///
    /// The pass walks each row's cut after `value` down from the previous row's, as
    /// [`cut_rows`] does, and takes the first difference past each cut on the way, so it
    /// needs no per-row buffer.
    pub(crate) fn next_after(&self, k: u64, value: f64) -> f64 {
        let (mut through, mut smallest_above) = (0, f64::INFINITY);
        let mut j = self.neg_y.len();
        for &xi in self.x {
            while j > 0 && xi + self.neg_y[j - 1] > value {
                j -= 1;
            }
            through += j as u64;
            if let Some(&v) = self.neg_y.get(j) {
                smallest_above = smallest_above.min(xi + v);
            }
        }
        if through > k + 1 {
            value
        } else {
            smallest_above
        }
    }

    /// Cuts every row where `first` and where `second` stop holding, into `s.first` and
    /// `s.second`, and returns the two totals; `first` must imply `second`.
    ///
    /// Both must compare with values among the candidates, so that each cut lies within its
    /// row's range; the first cut then lies left of the second and is sought only there.
    fn cut(
        &self,
        first: impl Fn(f64) -> bool,
        second: impl Fn(f64) -> bool,
        s: &mut Search,
    ) -> (u64, u64) {
        let through = cut_rows(self.x, &self.neg_y, second, &s.candidates, &mut s.second);
        let left_of_second = Candidates {
            lower: std::mem::take(&mut s.candidates.lower),
            upper: std::mem::take(&mut s.second),
        };
        let below = cut_rows(self.x, &self.neg_y, first, &left_of_second, &mut s.first);
        (s.candidates.lower, s.second) = (left_of_second.lower, left_of_second.upper);
        (below, through)
    }

    /// Two pivots among the candidates that likely bracket the difference of rank `k`:
    /// order statistics of a sample of the candidates, `BRACKET_SDS` standard deviations
    /// either side of where that rank falls in the sample.
    ///
    /// The sample is stratified: the candidates, in row order, are cut into `sample_size`
    /// runs of (nearly) equal length and one is drawn uniformly from each. The draws then come
    /// in row order, so one walk over the rows places them all (no search per draw), and the
    /// sampled rank of any value varies no more than under uniform draws with replacement, so
    /// the bracket is at least as likely to hold rank `k`.
    fn pivots(&self, s: &mut Search, k: u64) -> (f64, f64) {
        let candidates = &s.candidates;
        let active = s.through - s.below;
        let size = s.sample_size as u64;
        let (run, longer_runs) = (active / size, active % size);
        s.sample.clear();
        let (mut row, mut row_start, mut run_start) = (0, 0, 0);
        for i in 0..size {
            let run_end = run_start + run + u64::from(i < longer_runs);
            let t = s.rng.random_range(run_start..run_end);
            let mut row_end = row_start + (candidates.upper[row] - candidates.lower[row]) as u64;
            while t >= row_end {
                row += 1;
                row_start = row_end;
                row_end += (candidates.upper[row] - candidates.lower[row]) as u64;
            }
            let column = candidates.lower[row] + (t - row_start) as usize;
            s.sample.push(self.x[row] + self.neg_y[column]);
            run_start = run_end;
        }
        let size = size as f64;
        let fraction = ((k - s.below) as f64 + 0.5) / active as f64;
        let spread = BRACKET_SDS * (size * fraction * (1.0 - fraction)).sqrt() + 1.0;
        let last = s.sample.len() - 1;
        let lo = (fraction * size - spread).max(0.0) as usize;
        let hi = ((fraction * size + spread) as usize).min(last);
        // Two selections rather than a sort: linear in the sample size.
        let (left, &mut high, _) = s.sample.select_nth_unstable_by(hi, f64::total_cmp);
        let low = if lo == hi {
            high
        } else {
            *left.select_nth_unstable_by(lo, f64::total_cmp).1
        };
        (low, high)
    }
}

/// The keys of the differences `x_i + v` for each row `(x_i, columns)` and each `v` among its
/// columns, row by row, in one allocation of the `count` keys there are.
fn every_key<'c>(rows: impl Iterator<Item = (f64, &'c [f64])>, count: usize) -> Vec<i64> {
    let mut keys = Vec::with_capacity(count);
    for (xi, columns) in rows {
        keys.extend(columns.iter().map(|&v| float_key(xi + v)));
    }
    keys
}

/// For each row, how many of its differences satisfy `below` (a prefix of the row, since rows
/// ascend and `below` holds for small values); writes them to `out`, returns their sum.
///
/// Each row's cut must lie within its candidate range. The cut moves left as rows grow, so
/// one pointer walks each row down from the previous row's cut: O(m + n) in all, and less
/// once the ranges are narrow.
fn cut_rows(
    x: &[f64],
    neg_y: &[f64],
    below: impl Fn(f64) -> bool,
    candidates: &Candidates,
    out: &mut [usize],
) -> u64 {
    let mut total = 0;
    let mut previous = neg_y.len();
    let rows = x.iter().zip(&candidates.lower).zip(&candidates.upper);
    for (((&xi, &lower), &upper), slot) in rows.zip(out.iter_mut()) {
        let mut j = previous.min(upper);
        while j > lower && !below(xi + neg_y[j - 1]) {
            j -= 1;
        }
        *slot = j;
        total += j as u64;
        previous = j;
    }
    total
}

/// The mean of `a <= b`, without overflow when both are huge.
pub(crate) fn midpoint(a: f64, b: f64) -> f64 {
    let sum = a + b;
    if sum.is_finite() {
        sum / 2.0
    } else {
        a / 2.0 + b / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn brute_force(x: &[f64], y: &[f64]) -> Vec<f64> {
        let mut all: Vec<f64> = x
            .iter()
            .flat_map(|&a| y.iter().map(move |&b| a - b))
            .collect();
        all.sort_by(f64::total_cmp);
        all
    }

    /// Sorted pseudo-random integers in `0..range`, from a fixed seed.
    fn integers(len: usize, range: u64, seed: u64) -> Vec<f64> {
        let mut rng = SmallRng::seed_from_u64(seed);
        let mut v: Vec<f64> = (0..len)
            .map(|_| rng.random_range(0..range) as f64)
            .collect();
        v.sort_by(f64::total_cmp);
        v
    }

    /// Both ways to select: among differences materialized up front (as `new` does for small
    /// samples), and by rounds of pivots (as for large ones).
    fn both_ways<'a>(x: &'a [f64], y: &[f64]) -> [Differences<'a>; 2] {
        let mut by_rounds = Differences::new(x, y).unwrap();
        by_rounds.materialized = None;
        let mut materialized = by_rounds.clone();
        materialized.materialized = Some(Materialized::new(x, &by_rounds.neg_y));
        [materialized, by_rounds]
    }

    #[test]
    fn only_few_differences_are_materialized_up_front() {
        let (x, y) = (integers(32, 100, 1), integers(32, 100, 2));
        assert!(Differences::new(&x, &y).unwrap().materialized.is_some());
        let (x, y) = (integers(33, 100, 1), integers(32, 100, 2));
        assert!(Differences::new(&x, &y).unwrap().materialized.is_none());
    }

    #[test]
    fn selection_rounds_match_brute_force() {
        // Large enough to run several pivot rounds before materializing.
        for (m, n, range) in [
            (300, 200, 1_000_000),
            (250, 301, 7),
            (1, 5000, 100),
            (400, 3, 50),
        ] {
            let x = integers(m, range, 1);
            let y = integers(n, range, 2);
            let all = brute_force(&x, &y);
            for mut d in both_ways(&x, &y) {
                for k in (0..all.len())
                    .step_by(997)
                    .chain([0, all.len() / 2, all.len() - 1])
                {
                    assert_eq!(d.kth(k as u64), all[k], "m={m} n={n} k={k}");
                }
            }
        }
    }

    /// Small integers (heavy ties) or a fine grid (few ties); long enough for several rounds.
    fn sample() -> impl Strategy<Value = Vec<f64>> {
        let values = prop_oneof![-4i32..=4, -1_000_000i32..1_000_000];
        prop::collection::vec(values.prop_map(f64::from), 1..45).prop_map(|mut v| {
            v.sort_by(f64::total_cmp);
            v
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn every_order_statistic_matches_brute_force(x in sample(), y in sample()) {
            let all = brute_force(&x, &y);
            // Ascending, then descending: each selection after others already placed.
            let ranks = (0..all.len()).chain((0..all.len()).rev());
            for mut d in both_ways(&x, &y) {
                prop_assert_eq!(d.count(), all.len() as u64);
                for k in ranks.clone() {
                    prop_assert_eq!(d.kth(k as u64), all[k], "k = {}", k);
                }
            }
        }
    }

    /// A hint for [`Differences::kth_within`]: a difference, a value between or beyond them,
    /// or no number at all.
    fn hint() -> impl Strategy<Value = f64> {
        prop_oneof![
            4 => (-3_000_000i32..3_000_000).prop_map(f64::from),
            1 => Just(f64::NEG_INFINITY),
            1 => Just(f64::INFINITY),
            1 => Just(f64::NAN),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn a_hint_never_changes_the_order_statistic(
            x in sample(),
            y in sample(),
            hints in prop::collection::vec((hint(), hint()), 4),
            picks in prop::collection::vec((0.0..1.0f64, 0.0..1.0f64), 4),
        ) {
            let all = brute_force(&x, &y);
            let last = all.len() - 1;
            let at = |fraction: f64| (fraction * last as f64) as usize;
            // Arbitrary hints, and hints that bracket the rank (tightly or not).
            let bracketing = picks.iter().map(|&(a, b)| (all[at(a * 0.5)], all[at(0.5 + b * 0.5)]));
            let median = if all.len() % 2 == 1 {
                all[last / 2]
            } else {
                midpoint(all[last / 2], all[last / 2 + 1])
            };
            for (low, high) in hints.into_iter().chain(bracketing) {
                for mut d in both_ways(&x, &y) {
                    for k in [0, at(0.25), last / 2, at(0.75), last, last + 5] {
                        prop_assert_eq!(
                            d.kth_within(k as u64, Some((low, high))),
                            all[k.min(last)],
                            "k = {}, hint [{}, {}]", k, low, high
                        );
                    }
                    prop_assert_eq!(d.median_between(low, high), median);
                    prop_assert_eq!(d.median(), median);
                }
            }
        }
    }

    #[test]
    fn a_tight_hint_is_searched_alone() {
        // Rounds run among the hinted differences only, and still find each rank.
        let (x, y) = (integers(300, 1_000_000, 3), integers(200, 1_000_000, 4));
        let all = brute_force(&x, &y);
        let mut d = Differences::new(&x, &y).unwrap();
        for k in [20_000, 29_999, 30_000, 40_000] {
            let hint = Some((all[k - 7_000], all[k + 7_000]));
            assert_eq!(d.kth_within(k as u64, hint), all[k], "k={k}");
        }
        assert_eq!(d.kth_within(0, Some((all[0], all[0]))), all[0]);
    }

    #[test]
    fn all_equal_differences_stop_at_the_pivot() {
        let x = vec![3.0; 500];
        let y = vec![1.0; 400];
        let mut d = Differences::new(&x, &y).unwrap();
        assert_eq!(d.kth(123_456), 2.0);
        assert_eq!(d.median(), 2.0);
    }

    #[test]
    fn median_averages_the_two_middle_differences() {
        let d_x = [0.0, 10.0];
        let mut d = Differences::new(&d_x, &[0.0]).unwrap();
        assert_eq!(d.median(), 5.0);
        // 0 - 0, 0 - 1, 10 - 0, 10 - 1 sorted: -1, 0, 9, 10.
        let mut d = Differences::new(&d_x, &[0.0, 1.0]).unwrap();
        assert_eq!(d.median(), 4.5);
    }

    #[test]
    fn overflowing_differences_are_infinite_not_nan() {
        let x = [-f64::MAX, f64::MAX];
        let y = [-f64::MAX, f64::MAX];
        let mut d = Differences::new(&x, &y).unwrap();
        assert_eq!(d.kth(0), f64::NEG_INFINITY);
        assert_eq!(d.kth(3), f64::INFINITY);
        assert_eq!(d.median(), 0.0);
        assert_eq!(midpoint(f64::MAX, f64::MAX), f64::MAX);
    }

    #[test]
    fn k_past_the_end_is_the_largest() {
        let mut d = Differences::new(&[1.0, 2.0], &[0.0]).unwrap();
        assert_eq!(d.kth(99), 2.0);
    }
}
