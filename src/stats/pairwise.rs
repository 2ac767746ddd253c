//! Order statistics of the pairwise differences `x_i - y_j`, without materializing them.
//!
//! With both samples sorted ascending, the `m x n` differences form an implicit matrix
//! `D[i][j] = x_i + (-y)_j`, where `-y` is `y` negated and reversed, that ascends along every
//! row and every column (floating-point subtraction is monotone, and `x - y` rounds exactly as
//! `x + (-y)` does). Selection follows Monahan (1984) and Johnson & Mizoguchi (1978): each row
//! keeps the range of columns still in play; a random sample of those candidates gives two
//! pivots that bracket the wanted rank (as in Floyd-Rivest selection); one monotone
//! two-pointer pass per pivot counts the differences below it in O(m + n); and the candidate
//! ranges shrink to the part that holds the wanted rank. When few candidates remain they are
//! materialized and selected directly. Each round keeps about `6 / sqrt(SAMPLE_SIZE)` of the
//! candidates, so a handful of O(m + n) rounds suffice: O((m + n) log(mn)) time in the worst
//! expected case, O(m + n) memory.

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

use crate::error::{Error, Result};

/// Seed of the pivot sampler: the result never depends on it, the running time is repeatable.
const SEED: u64 = 0x4d6f_6e61_6861_6e84;

/// Candidates sampled per round to place the pivots.
const SAMPLE_SIZE: usize = 1024;

/// Candidates are materialized once at most this many per observation remain.
const MATERIALIZE_PER_OBSERVATION: u64 = 4;

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
}

/// Per row `i`, the columns `lower[i]..upper[i]` still in play.
///
/// The differences in play are exactly those strictly between two values (initially all of
/// them), so a pivot taken among them cuts every row inside its range.
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
        Ok(Differences {
            x,
            neg_y: y.iter().rev().map(|&v| -v).collect(),
            count,
        })
    }

    /// The number of differences, `m n`.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// The median: the middle difference, or the mean of the two middle ones.
    pub(crate) fn median(&self) -> f64 {
        let lower_middle = self.count.saturating_sub(1) / 2;
        let low = self.kth(lower_middle);
        if self.count % 2 == 1 {
            low
        } else {
            midpoint(low, self.next_after(lower_middle, low))
        }
    }

    /// The `k`-th smallest difference, counting from 0 (`k` past the end means the largest).
    ///
    /// Expected O((m + n) log(mn)) time; the matrix is never materialized beyond
    /// `MATERIALIZE_PER_OBSERVATION (m + n)` candidates.
    pub(crate) fn kth(&self, k: u64) -> f64 {
        let k = k.min(self.count.saturating_sub(1));
        let (m, n) = (self.x.len(), self.neg_y.len());
        let mut candidates = Candidates::all(m, n);
        // Differences left of the candidates, and left of or among them.
        let (mut below, mut through) = (0, self.count);
        let mut cuts: [Vec<usize>; 4] = std::array::from_fn(|_| vec![0; m]);
        let mut rng = SmallRng::seed_from_u64(SEED);
        let materialize_at = MATERIALIZE_PER_OBSERVATION.saturating_mul((m + n) as u64);
        while through - below > materialize_at {
            let (lo, hi) = self.pivots(&candidates, through - below, k - below, &mut rng);
            let [below_lo, through_lo, below_hi, through_hi] = &mut cuts;
            let counts = [
                self.cut(|d| d < lo, &candidates, below_lo),
                self.cut(|d| d <= lo, &candidates, through_lo),
                self.cut(|d| d < hi, &candidates, below_hi),
                self.cut(|d| d <= hi, &candidates, through_hi),
            ];
            if k < counts[0] {
                std::mem::swap(&mut candidates.upper, below_lo);
                through = counts[0];
            } else if k < counts[1] {
                return lo;
            } else if k < counts[2] {
                std::mem::swap(&mut candidates.lower, through_lo);
                std::mem::swap(&mut candidates.upper, below_hi);
                (below, through) = (counts[1], counts[2]);
            } else if k < counts[3] {
                return hi;
            } else {
                std::mem::swap(&mut candidates.lower, through_hi);
                below = counts[3];
            }
        }
        self.select_among(&candidates, (k - below) as usize)
    }

    /// The `(k + 1)`-th smallest difference given that the `k`-th is `value`, in one O(m + n)
    /// pass: `value` again if it repeats, else the smallest difference above it.
    fn next_after(&self, k: u64, value: f64) -> f64 {
        let candidates = Candidates::all(self.x.len(), self.neg_y.len());
        let mut through = vec![0; self.x.len()];
        if self.cut(|d| d <= value, &candidates, &mut through) > k + 1 {
            return value;
        }
        self.x
            .iter()
            .zip(&through)
            .filter_map(|(&xi, &j)| self.neg_y.get(j).map(|&v| xi + v))
            .fold(f64::INFINITY, f64::min)
    }

    /// For each row, how many of its differences satisfy `below` (a prefix of the row, since
    /// rows ascend and `below` holds for small values); writes them to `out`, returns the sum.
    ///
    /// Needs the cut of every row to lie within the candidate range, which holds whenever
    /// `below` compares with a candidate. The cut moves left as rows grow, so one pointer
    /// walks each row from the previous cut: O(m + n) in all, less once ranges are narrow.
    fn cut(&self, below: impl Fn(f64) -> bool, candidates: &Candidates, out: &mut [usize]) -> u64 {
        let mut total = 0;
        let mut previous = self.neg_y.len();
        let rows = self.x.iter().zip(&candidates.lower).zip(&candidates.upper);
        for (((&xi, &lower), &upper), slot) in rows.zip(out.iter_mut()) {
            let mut j = previous.min(upper);
            while j > lower && !below(xi + self.neg_y[j - 1]) {
                j -= 1;
            }
            *slot = j;
            total += j as u64;
            previous = j;
        }
        total
    }

    /// Two pivots among the `active` candidates that likely bracket the one of rank `rank`
    /// among them: order statistics of a random sample, `BRACKET_SDS` standard deviations
    /// either side of where that rank falls in the sample.
    fn pivots(
        &self,
        candidates: &Candidates,
        active: u64,
        rank: u64,
        rng: &mut SmallRng,
    ) -> (f64, f64) {
        let ends: Vec<u64> = candidates
            .lower
            .iter()
            .zip(&candidates.upper)
            .scan(0, |end, (&lower, &upper)| {
                *end += (upper - lower) as u64;
                Some(*end)
            })
            .collect();
        let mut sample: Vec<f64> = (0..SAMPLE_SIZE)
            .map(|_| {
                let t = rng.random_range(0..active);
                let row = ends.partition_point(|&end| end <= t);
                let start = row.checked_sub(1).map_or(0, |before| ends[before]);
                self.x[row] + self.neg_y[candidates.lower[row] + (t - start) as usize]
            })
            .collect();
        sample.sort_unstable_by(f64::total_cmp);
        let size = SAMPLE_SIZE as f64;
        let fraction = (rank as f64 + 0.5) / active as f64;
        let spread = BRACKET_SDS * (size * fraction * (1.0 - fraction)).sqrt() + 1.0;
        let lo = (fraction * size - spread).max(0.0) as usize;
        let hi = ((fraction * size + spread) as usize).min(SAMPLE_SIZE - 1);
        (sample[lo], sample[hi])
    }

    /// The candidate of rank `rank` among the candidates, by materializing them.
    fn select_among(&self, candidates: &Candidates, rank: usize) -> f64 {
        let mut values = Vec::new();
        for (i, &xi) in self.x.iter().enumerate() {
            let columns = &self.neg_y[candidates.lower[i]..candidates.upper[i]];
            values.extend(columns.iter().map(|&v| xi + v));
        }
        *values.select_nth_unstable_by(rank, f64::total_cmp).1
    }
}

/// The mean of `a <= b`, without overflow when both are huge.
fn midpoint(a: f64, b: f64) -> f64 {
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
            let d = Differences::new(&x, &y).unwrap();
            for k in (0..all.len())
                .step_by(997)
                .chain([0, all.len() / 2, all.len() - 1])
            {
                assert_eq!(d.kth(k as u64), all[k], "m={m} n={n} k={k}");
            }
        }
    }

    #[test]
    fn all_equal_differences_stop_at_the_pivot() {
        let x = vec![3.0; 500];
        let y = vec![1.0; 400];
        let d = Differences::new(&x, &y).unwrap();
        assert_eq!(d.kth(123_456), 2.0);
        assert_eq!(d.median(), 2.0);
    }

    #[test]
    fn median_averages_the_two_middle_differences() {
        let d_x = [0.0, 10.0];
        let d = Differences::new(&d_x, &[0.0]).unwrap();
        assert_eq!(d.median(), 5.0);
        // 0 - 0, 0 - 1, 10 - 0, 10 - 1 sorted: -1, 0, 9, 10.
        let d = Differences::new(&d_x, &[0.0, 1.0]).unwrap();
        assert_eq!(d.median(), 4.5);
    }

    #[test]
    fn overflowing_differences_are_infinite_not_nan() {
        let x = [-f64::MAX, f64::MAX];
        let y = [-f64::MAX, f64::MAX];
        let d = Differences::new(&x, &y).unwrap();
        assert_eq!(d.kth(0), f64::NEG_INFINITY);
        assert_eq!(d.kth(3), f64::INFINITY);
        assert_eq!(d.median(), 0.0);
        assert_eq!(midpoint(f64::MAX, f64::MAX), f64::MAX);
    }

    #[test]
    fn k_past_the_end_is_the_largest() {
        let d = Differences::new(&[1.0, 2.0], &[0.0]).unwrap();
        assert_eq!(d.kth(99), 2.0);
    }
}
