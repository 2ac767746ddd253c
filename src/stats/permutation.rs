//! Exact permutation distribution of U given the observed tie pattern.
//!
//! Under the null hypothesis, given the pooled multiset, each of the `C(N, m)` ways to say
//! which observations form `x` is equally likely (the distribution R-devel's `wilcox.test`
//! computes with ties). The tie groups are visited in ascending order of value, keeping the
//! probability of every state `(j, s)`: `j` observations of the placed sample chosen so far,
//! with partial score `s`. Choosing `c` of the `t` observations of a group is a
//! hypergeometric draw, and adds `c * (2 * unchosen_below + t - c)` to `s`: the placed
//! sample's `2U` (each win counts 2, each tie 1). This is Streitberg & Röhmel's (1986) shift
//! algorithm with a group at a time.
//!
//! The score never decreases, and each chosen observation still to come adds at least twice
//! the number of unchosen observations below it, so states that must end above the threshold
//! are moved to an "above" total at once. All weights are probabilities and nothing is ever
//! subtracted, so both `P(2U <= t)` and `P(2U > t)` keep near machine precision; states below
//! about 1e-308 underflow to zero.
//!
//! Both tails at one statistic come from DPs of thresholds `t` and `t - 1`. Every state that
//! the run at `t - 1` keeps is kept at `t` with the same value, reached by the same additions
//! in the same order, so one run at `t` that also sums what `t - 1` would have moved "above"
//! gives both results bit for bit as two runs would ([`conditional_tails`]).

use std::cell::RefCell;

use super::exact::{resource_obstacle, Obstacle};
use super::rank::TieGroup;
use super::Tail;

/// Why the conditional exact p-value cannot be computed within `budget` steps, if it cannot.
pub(crate) fn conditional_obstacle(groups: &[TieGroup], budget: f64) -> Option<Obstacle> {
    let (m, n) = groups
        .iter()
        .fold((0.0, 0.0), |(m, n), g| (m + g.x as f64, n + g.y as f64));
    // One row of up to 2mn + 1 scores per count of the smaller sample.
    let entries = (m.min(n) + 1.0) * (2.0 * m * n + 1.0);
    match conditional_cost(groups, budget) {
        Some(cost) => resource_obstacle(cost, entries, budget),
        None => Some(Obstacle::Steps { cost: None, budget }),
    }
}

/// Worst-case number of inner-loop steps of [`conditional_tail`] for these tie groups, or
/// `None` once it exceeds `limit`: counting stops there, so refusing large samples is cheap.
///
/// Bounds each state row by the largest score it can hold, at the worst threshold (`mn`,
/// the centre) in either group order. Takes `O(groups * min(m, n))` time at most.
pub(crate) fn conditional_cost(groups: &[TieGroup], limit: f64) -> Option<f64> {
    let pattern = Pattern::new(groups);
    [true, false]
        .into_iter()
        .try_fold(0.0, |most: f64, forward| {
            Some(most.max(pattern.dp(forward, pattern.pairs).cost(limit)?))
        })
}

/// `P(2U <= twice_u)` or `P(2U >= twice_u)` over all splits of the pooled sample (tie pattern
/// fixed) into samples of the observed sizes.
///
/// Only the side of the distribution below its centre `mn` is built; the other side is the
/// "above" total of the mirrored statistic. Callers keep [`conditional_cost`] within a budget.
pub(crate) fn conditional_tail(groups: &[TieGroup], twice_u: u128, tail: Tail) -> f64 {
    let pattern = Pattern::new(groups);
    let span = 2 * pattern.pairs;
    match tail {
        Tail::Lower => pattern.at_most(Statistic::TwiceUx, twice_u),
        Tail::Upper if twice_u > span => 0.0,
        // 2U of x >= v  <=>  2U of y = 2mn - 2U of x <= 2mn - v.
        Tail::Upper => pattern.at_most(Statistic::TwiceUy, span - twice_u),
    }
}

/// `(P(2U <= twice_u), P(2U >= twice_u))`: both results of [`conditional_tail`], with the same
/// bits, for about the cost of one.
///
/// Away from the centre the two tails are read from DPs of one statistic at thresholds one
/// apart (see [`Pattern::at_most`]), which one run computes together; at the centre and the
/// ends each tail is computed on its own.
pub(crate) fn conditional_tails(groups: &[TieGroup], twice_u: u128) -> (f64, f64) {
    let pattern = Pattern::new(groups);
    let (pairs, span) = (pattern.pairs, 2 * pattern.pairs);
    if (1..pairs).contains(&twice_u) {
        // Lower: P(2U of x <= v); upper: P(2U of x > v - 1).
        let [at, one_below] = pattern.split_twice(Statistic::TwiceUx, twice_u);
        (at.0, one_below.1)
    } else if (pairs + 1..span).contains(&twice_u) {
        // Lower: P(2U of y > 2mn - v - 1); upper: P(2U of y <= 2mn - v).
        let [at, one_below] = pattern.split_twice(Statistic::TwiceUy, span - twice_u);
        (one_below.1, at.0)
    } else {
        (
            conditional_tail(groups, twice_u, Tail::Lower),
            conditional_tail(groups, twice_u, Tail::Upper),
        )
    }
}

/// `2U` of `x`, or of `y` (which is `2mn` minus that of `x`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Statistic {
    TwiceUx,
    TwiceUy,
}

impl Statistic {
    fn mirror(self) -> Self {
        match self {
            Statistic::TwiceUx => Statistic::TwiceUy,
            Statistic::TwiceUy => Statistic::TwiceUx,
        }
    }
}

/// The tie pattern and sample sizes.
struct Pattern<'a> {
    groups: &'a [TieGroup],
    /// Size of the sample the DP places: the smaller one, to keep few state rows.
    placed: u64,
    /// Whether the smaller sample is `x`.
    x_placed: bool,
    /// `m + n`.
    total: u64,
    /// `m * n`.
    pairs: u128,
}

impl<'a> Pattern<'a> {
    fn new(groups: &'a [TieGroup]) -> Self {
        let (m, n) = groups
            .iter()
            .fold((0u64, 0u64), |(m, n), g| (m + g.x, n + g.y));
        Pattern {
            groups,
            placed: m.min(n),
            x_placed: m <= n,
            total: m + n,
            pairs: u128::from(m) * u128::from(n),
        }
    }

    /// `P(statistic <= w)`, always from a DP whose threshold is at most the centre `mn`.
    fn at_most(&self, statistic: Statistic, w: u128) -> f64 {
        if w >= 2 * self.pairs {
            1.0
        } else if w <= self.pairs {
            self.split(statistic, w).0
        } else {
            // statistic <= w  <=>  mirror >= 2mn - w  <=>  mirror > 2mn - w - 1.
            self.split(statistic.mirror(), 2 * self.pairs - w - 1).1
        }
    }

    /// `(P(statistic <= threshold), P(statistic > threshold))`.
    fn split(&self, statistic: Statistic, threshold: u128) -> (f64, f64) {
        self.dp(self.forward(statistic), threshold).run(false)[0]
    }

    /// [`Pattern::split`] at `threshold >= 1` and at `threshold - 1`, from one run.
    fn split_twice(&self, statistic: Statistic, threshold: u128) -> [(f64, f64); 2] {
        self.dp(self.forward(statistic), threshold).run(true)
    }

    /// Whether the DP for `statistic` visits the groups in ascending order: placing a sample
    /// in ascending order gives its own 2U; in descending order, the other sample's.
    fn forward(&self, statistic: Statistic) -> bool {
        (statistic == Statistic::TwiceUx) == self.x_placed
    }

    fn dp(&self, forward: bool, threshold: u128) -> Dp<'a> {
        Dp {
            groups: self.groups,
            forward,
            total: self.total,
            placed: self.placed,
            threshold: u64::try_from(threshold).unwrap_or(u64::MAX),
        }
    }
}

/// The state DP for one group order and threshold.
struct Dp<'a> {
    /// The tie groups in ascending order of value.
    groups: &'a [TieGroup],
    /// Whether the groups are visited in ascending order (else descending); borrowing them
    /// in place of collecting the sizes keeps the cost estimate free of allocation.
    forward: bool,
    /// The sum of their sizes, `N`.
    total: u64,
    /// Size of the placed sample.
    placed: u64,
    /// Largest score counted as "at most".
    threshold: u64,
}

/// One group's view of a state row: where it is and what it may do.
struct RowStep {
    /// Placed observations chosen before the group.
    chosen: u64,
    /// Observations in earlier groups.
    below: u64,
    /// Size of the group.
    size: u64,
    /// Fewest and most of the group that can be placed (the rest must fit later groups).
    take: (u64, u64),
}

impl RowStep {
    /// Score added by placing `c` of this group: each beats the unchosen below, ties the rest.
    fn gain(&self, c: u64) -> u64 {
        c * (2 * (self.below - self.chosen) + self.size - c)
    }

    /// Highest score a state may have after placing `c` and still end at most `threshold`:
    /// every placed observation still to come adds at least twice the unchosen below it.
    fn cap(&self, c: u64, placed: u64, threshold: u64) -> Option<u64> {
        let after = self.chosen + c;
        headroom(placed - after, self.below + self.size - after, threshold)
    }

    /// Highest score the row can hold on entering the group (the previous group's cap).
    fn room(&self, placed: u64, threshold: u64) -> Option<u64> {
        headroom(placed - self.chosen, self.below - self.chosen, threshold)
    }
}

/// `threshold - 2 * to_place * unchosen`, or `None` if every state must end above it.
fn headroom(to_place: u64, unchosen: u64, threshold: u64) -> Option<u64> {
    let future = to_place.checked_mul(unchosen)?.checked_mul(2)?;
    threshold.checked_sub(future)
}

impl Dp<'_> {
    /// Sizes of the non-empty groups in the order they are visited.
    fn sizes(&self) -> impl Iterator<Item = u64> + '_ {
        let count = self.groups.len();
        (0..count)
            .map(move |i| self.groups[if self.forward { i } else { count - 1 - i }].size())
            .filter(|&t| t > 0)
    }

    /// The state rows that can be occupied before each group, as [`RowStep`]s from the top
    /// row down (the order in which rows can be updated in place).
    fn row_steps(&self) -> impl Iterator<Item = impl Iterator<Item = RowStep>> + '_ {
        let (placed, total) = (self.placed, self.total);
        let mut below = 0;
        self.sizes().map(move |size| {
            let remaining = total - below;
            let group_below = below;
            below += size;
            let lowest = placed.saturating_sub(remaining);
            let highest = placed.min(group_below);
            (lowest..=highest).rev().map(move |chosen| {
                let left = placed - chosen;
                RowStep {
                    chosen,
                    below: group_below,
                    size,
                    take: (left.saturating_sub(remaining - size), left.min(size)),
                }
            })
        })
    }

    /// Worst-case steps: per row, `take` range times the scores the row can hold, which are
    /// at most `2 j (T - j)` for `j` chosen of `T` and at most the row's cap; `None` once
    /// they exceed `limit`.
    fn cost(&self, limit: f64) -> Option<f64> {
        let mut steps = 0.0;
        for group in self.row_steps() {
            // Rows are visited from the top; below the first row with no room, none has room.
            for row in group {
                let Some(room) = row.room(self.placed, self.threshold) else {
                    break;
                };
                // Saturating at `u64::MAX` (which `room` never exceeds) keeps the minimum
                // exact; converting it after taking it gives the same value as before.
                let reachable = row
                    .chosen
                    .saturating_mul(row.below - row.chosen)
                    .saturating_mul(2);
                let width = room.min(reachable) as f64 + 1.0;
                steps += (row.take.1 - row.take.0 + 1) as f64 * width;
                if steps > limit {
                    return None;
                }
            }
        }
        Some(steps)
    }

    /// `(P(score <= threshold), P(score > threshold))`, and if `one_below` (for a threshold
    /// of at least one) the same at `threshold - 1`, else that pair repeated.
    fn run(&self, one_below: bool) -> [(f64, f64); 2] {
        SCRATCH.with_borrow_mut(|Scratch { grid, weights }| {
            grid.reset(to_index(self.placed) + 1, to_index(self.threshold) + 1);
            let lower = one_below.then(|| self.threshold - 1);
            let result = self.run_on(grid, weights, lower);
            grid.release_if_large();
            result
        })
    }

    /// [`Dp::run`] on a freshly reset grid, with a buffer for the hypergeometric weights.
    ///
    /// With a `lower` threshold, [`Grid::above_lower`] gathers what a run at `lower` would
    /// move "above": of each row, the cells up to that run's room, which hold that run's
    /// values (and zeros where it has none, which leave every sum unchanged).
    fn run_on(
        &self,
        grid: &mut Grid,
        weights: &mut Vec<f64>,
        lower: Option<u64>,
    ) -> [(f64, f64); 2] {
        for group in self.row_steps() {
            for row in group {
                let j = to_index(row.chosen);
                // A row with the whole sample placed keeps every state as it is (weight one,
                // nothing above its cap, which is the threshold): only empty work to skip.
                if grid.live[j].0 > grid.live[j].1 || row.chosen == self.placed {
                    continue;
                }
                hypergeometric(weights, &row, self.total - row.below, self.placed);
                let caps = |c: u64| {
                    let cap_at = |threshold| row.cap(c, self.placed, threshold);
                    (cap_at(self.threshold), lower.map(cap_at))
                };
                let room_lower = lower.map(|threshold| row.room(self.placed, threshold));
                let (first, last) = row.take;
                for c in first.max(1)..=last {
                    let weight = weights[to_index(c - first)];
                    let (cap, cap_lower) = caps(c);
                    if let (Some(cap_lower), Some(room)) = (cap_lower, room_lower) {
                        grid.above_lower += weight * grid.dropped(j, row.gain(c), cap_lower, room);
                    }
                    grid.push(j, to_index(c), row.gain(c), weight, cap);
                }
                let weight = if first == 0 { weights[0] } else { 0.0 };
                let (cap, cap_lower) = caps(0);
                if let (Some(cap_lower), Some(room)) = (cap_lower, room_lower) {
                    let cap_lower = cap_lower.filter(|_| first == 0);
                    grid.above_lower += weight * grid.dropped(j, 0, cap_lower, room);
                }
                grid.keep(j, (first == 0).then_some((weight, cap)));
            }
        }
        let placed = to_index(self.placed);
        let at_most = grid.sum_up_to(placed, self.threshold);
        let split = |at_most: f64, above: f64| {
            let mass = at_most + above;
            (at_most / mass, above / mass)
        };
        let at_threshold = split(at_most, grid.above);
        [
            at_threshold,
            lower.map_or(at_threshold, |threshold| {
                split(grid.sum_up_to(placed, threshold), grid.above_lower)
            }),
        ]
    }
}

/// An empty live range.
const EMPTY: (usize, usize) = (1, 0);

/// Grids of up to this many cells (2 MB, enough for two samples of 60) stay allocated for the
/// next run on the thread; larger ones are freed rather than held.
const KEPT_CELLS: usize = 1 << 18;

/// Buffers a thread reuses from one [`Dp::run`] to the next, so a run neither allocates nor
/// zeroes a whole grid.
#[derive(Default)]
struct Scratch {
    grid: Grid,
    weights: Vec<f64>,
}

thread_local! {
    /// This thread's [`Scratch`].
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// State probabilities: row `j`, score `s` at `cells[j * width + s]` for `s` in `live[j]`.
///
/// Cells outside the live ranges hold stale values (from earlier rows or runs) and are zeroed
/// only when a range grows over them, so a run touches only the cells it uses.
#[derive(Default)]
struct Grid {
    width: usize,
    cells: Vec<f64>,
    live: Vec<(usize, usize)>,
    /// Probability already known to end above the threshold.
    above: f64,
    /// The same for the threshold one lower, when a run computes both (see [`Dp::run_on`]).
    above_lower: f64,
}

impl Grid {
    /// Starts a run with `rows` rows of `width` scores: all mass in row 0 at score 0.
    fn reset(&mut self, rows: usize, width: usize) {
        let cells = rows.saturating_mul(width);
        if self.cells.len() < cells {
            self.cells = vec![0.0; cells];
        }
        self.width = width;
        self.live.clear();
        self.live.resize(rows, EMPTY);
        self.live[0] = (0, 0);
        self.cells[0] = 1.0;
        self.above = 0.0;
        self.above_lower = 0.0;
    }

    /// Sum of row `j`'s live cells with scores up to `limit`, in ascending order; `-0.0` if
    /// there are none, as for an empty slice.
    fn sum_up_to(&self, j: usize, limit: u64) -> f64 {
        let (lo, hi) = self.live[j];
        let end = hi.min(to_index(limit)) + 1;
        let row = &self.cells[j * self.width..][..self.width];
        row.get(lo..end).unwrap_or_default().iter().sum()
    }

    /// Sum of row `j`'s live cells with scores up to `room` that land above `cap` once
    /// shifted up by `gain` (all of them for a `cap` of `None`), in ascending order: what a
    /// run whose row `j` holds only those cells moves "above", with the same bits.
    fn dropped(&self, j: usize, gain: u64, cap: Option<u64>, room: Option<u64>) -> f64 {
        let (lo, hi) = self.live[j];
        let start = cap.map_or(lo, |cap| {
            // The first score that lands above `cap`.
            lo.max(to_index(cap.saturating_add(1).saturating_sub(gain)))
        });
        let end = room.map_or(0, |room| hi.min(to_index(room)) + 1);
        let row = &self.cells[j * self.width..][..self.width];
        row.get(start..end).unwrap_or_default().iter().sum()
    }

    /// Frees the cells if they are too many to hold between runs (see [`KEPT_CELLS`]).
    fn release_if_large(&mut self) {
        if self.cells.len() > KEPT_CELLS {
            self.cells = Vec::new();
        }
    }

    /// Extends row `j`'s live range over `start..=end`, zeroing the cells it newly covers.
    fn widen(&mut self, j: usize, start: usize, end: usize) {
        let row = &mut self.cells[j * self.width..][..self.width];
        let (lo, hi) = self.live[j];
        self.live[j] = if lo > hi {
            row[start..=end].fill(0.0);
            (start, end)
        } else {
            let (lo_new, hi_new) = (lo.min(start), hi.max(end));
            row[lo_new..lo].fill(0.0);
            row[hi + 1..=hi_new].fill(0.0);
            (lo_new, hi_new)
        };
    }

    /// Adds `weight` times row `j`, shifted up by `gain`, to row `j + c` (`c >= 1`); what
    /// lands above `cap` goes to `above`.
    fn push(&mut self, j: usize, c: usize, gain: u64, weight: f64, cap: Option<u64>) {
        let (lo, hi) = self.live[j];
        let kept_hi = cap
            .and_then(|cap| cap.checked_sub(gain))
            .map(|room| hi.min(to_index(room)));
        let source = j * self.width + lo..=j * self.width + hi;
        let kept = match kept_hi {
            Some(kept_hi) if kept_hi >= lo => kept_hi - lo + 1,
            _ => 0,
        };
        self.above += weight * self.cells[source.clone()][kept..].iter().sum::<f64>();
        if kept == 0 {
            return;
        }
        let start = lo + to_index(gain);
        self.widen(j + c, start, start + kept - 1);
        let (sources, targets) = self.cells.split_at_mut((j + c) * self.width);
        for (out, &p) in targets[start..start + kept]
            .iter_mut()
            .zip(&sources[source][..kept])
        {
            *out += weight * p;
        }
    }

    /// Scales row `j` by the weight of placing none of the group (`None`: some must be
    /// placed, so the row empties); what lies above the cap goes to `above`.
    fn keep(&mut self, j: usize, stay: Option<(f64, Option<u64>)>) {
        let (lo, hi) = self.live[j];
        let row = &mut self.cells[j * self.width..][lo..=hi];
        let (weight, kept) = match stay {
            Some((weight, Some(cap))) => (
                weight,
                to_index(cap)
                    .saturating_add(1)
                    .saturating_sub(lo)
                    .min(row.len()),
            ),
            Some((weight, None)) => (weight, 0),
            None => (0.0, 0),
        };
        let (kept_cells, dropped) = row.split_at_mut(kept);
        self.above += weight * dropped.iter().sum::<f64>();
        kept_cells.iter_mut().for_each(|p| *p *= weight);
        self.live[j] = if kept == 0 {
            EMPTY
        } else {
            (lo, lo + kept - 1)
        };
    }
}

/// Probabilities of placing `c = take.0..=take.1` of a group of `t` when `left` of the
/// `remaining` observations are still to be placed: `C(t, c) C(R - t, left - c) / C(R, left)`.
///
/// Built by the ratio of neighbours from the mode outwards and normalized, so no factorial is
/// formed and every weight has full relative accuracy.
fn hypergeometric(weights: &mut Vec<f64>, row: &RowStep, remaining: u64, placed: u64) {
    let (first, last) = row.take;
    if first == last {
        // The one weight the general path below normalizes to exactly one.
        weights.clear();
        weights.push(1.0);
        return;
    }
    let (t, left, r) = (
        row.size as f64,
        (placed - row.chosen) as f64,
        remaining as f64,
    );
    // weight(c + 1) / weight(c)
    let ratio = |c: f64| (t - c) * (left - c) / ((c + 1.0) * (r - t - left + c + 1.0));
    // The quotient is not negative, so truncating it is its floor.
    let mode = (((left + 1.0) * (t + 1.0) / (r + 2.0)) as u64).clamp(first, last);
    weights.clear();
    weights.resize(to_index(last - first) + 1, 0.0);
    let at = to_index(mode - first);
    weights[at] = 1.0;
    for i in at..weights.len() - 1 {
        weights[i + 1] = weights[i] * ratio((first + i as u64) as f64);
    }
    for i in (0..at).rev() {
        weights[i] = weights[i + 1] / ratio((first + i as u64) as f64);
    }
    let sum: f64 = weights.iter().sum();
    weights.iter_mut().for_each(|w| *w /= sum);
}

/// A count or index as `usize`; callers bound sizes through [`conditional_cost`] first.
fn to_index(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::super::exact::untied_tail;
    use super::*;
    use proptest::prelude::*;
    use statrs::function::factorial::ln_binomial;

    /// Tie groups with these sizes, the first `m` observations (in ascending order) in `x`.
    fn pattern(sizes: &[u64], m: u64) -> Vec<TieGroup> {
        let mut left = m;
        sizes
            .iter()
            .map(|&t| {
                let x = left.min(t);
                left -= x;
                TieGroup { x, y: t - x }
            })
            .collect()
    }

    /// Number of subsets of size `m` giving each value of 2U of `x`, by enumeration.
    fn brute_counts(sizes: &[u64], m: u32) -> Vec<u64> {
        let group_of: Vec<usize> = sizes
            .iter()
            .enumerate()
            .flat_map(|(g, &t)| std::iter::repeat_n(g, t as usize))
            .collect();
        let total = group_of.len();
        let n = total as u64 - u64::from(m);
        let mut counts = vec![0u64; (2 * u64::from(m) * n + 1) as usize];
        for mask in 0u32..(1 << total) {
            if mask.count_ones() != m {
                continue;
            }
            let is_x = |pos: usize| mask >> pos & 1 == 1;
            let mut twice_u = 0;
            for a in (0..total).filter(|&a| is_x(a)) {
                for b in (0..total).filter(|&b| !is_x(b)) {
                    twice_u += match group_of[a].cmp(&group_of[b]) {
                        std::cmp::Ordering::Greater => 2,
                        std::cmp::Ordering::Equal => 1,
                        std::cmp::Ordering::Less => 0,
                    };
                }
            }
            counts[twice_u] += 1;
        }
        counts
    }

    /// Group sizes from a small linear congruential generator, reproducible without a crate.
    fn sizes_from(seed: u64, total: u64) -> Vec<u64> {
        let mut state = seed;
        let mut sizes = Vec::new();
        let mut used = 0;
        while used < total {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let t = ((state >> 33) % 4 + 1).min(total - used);
            sizes.push(t);
            used += t;
        }
        sizes
    }

    fn assert_close(got: f64, want: f64, what: &str) {
        if want == 0.0 {
            assert_eq!(got, 0.0, "{what}");
        } else {
            let rel = ((got - want) / want).abs();
            assert!(
                rel <= 1e-13,
                "{what}: got {got:e}, want {want:e}, rel {rel:e}"
            );
        }
    }

    fn check_against_enumeration(sizes: &[u64], m: u32) {
        let counts = brute_counts(sizes, m);
        let total: u64 = counts.iter().sum();
        let groups = pattern(sizes, u64::from(m));
        for v in 0..=counts.len() {
            let below: u64 = counts.iter().take(v + 1).sum();
            let above: u64 = counts.iter().skip(v).sum();
            let what = format!("sizes {sizes:?} m={m} 2U={v}");
            let lower = conditional_tail(&groups, v as u128, Tail::Lower);
            let upper = conditional_tail(&groups, v as u128, Tail::Upper);
            assert_close(lower, below as f64 / total as f64, &what);
            assert_close(upper, above as f64 / total as f64, &what);
        }
    }

    #[test]
    fn matches_enumeration_for_tie_patterns() {
        for total in 2..=13u64 {
            for seed in 0..6 {
                let sizes = sizes_from(seed * 31 + total, total);
                for m in 1..total as u32 {
                    check_against_enumeration(&sizes, m);
                }
            }
        }
    }

    #[test]
    fn matches_enumeration_for_extreme_patterns() {
        check_against_enumeration(&[14], 5);
        check_against_enumeration(&[1, 12, 1], 4);
        check_against_enumeration(&[7, 7], 7);
        check_against_enumeration(&[1; 14], 6);
        check_against_enumeration(&[2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 3);
    }

    #[test]
    fn without_ties_equals_the_untied_distribution() {
        for (m, n) in [(3u64, 30u64), (25, 20), (40, 40)] {
            let groups = pattern(&vec![1; (m + n) as usize], m);
            for u in [0, 1, m * n / 5, m * n / 2, m * n - 3, m * n] {
                for tail in [Tail::Lower, Tail::Upper] {
                    let conditional = conditional_tail(&groups, 2 * u128::from(u), tail);
                    let untied = untied_tail(m, n, u, tail);
                    let rel = ((conditional - untied) / untied).abs();
                    assert!(
                        rel <= 1e-13,
                        "m={m} n={n} u={u} {tail:?}: {conditional:e} vs {untied:e}"
                    );
                }
            }
        }
    }

    #[test]
    fn histogram_patterns_stay_accurate_in_far_tails() {
        // Five buckets, 60 vs 40 observations.
        let groups = [
            TieGroup { x: 60, y: 10 },
            TieGroup { x: 0, y: 10 },
            TieGroup { x: 0, y: 10 },
            TieGroup { x: 0, y: 5 },
            TieGroup { x: 0, y: 5 },
        ];
        // 2U = 60 * 10 (ties with bucket 0's y) is the minimum; it needs all of x in bucket 0.
        let p = conditional_tail(&groups, 600, Tail::Lower);
        let want = (ln_binomial(70, 60) - ln_binomial(100, 60)).exp();
        assert!(((p - want) / want).abs() < 1e-12, "{p:e} vs {want:e}");
        assert_eq!(conditional_tail(&groups, 599, Tail::Lower), 0.0);
        let rest = conditional_tail(&groups, 601, Tail::Upper);
        assert!(
            (rest - (1.0 - p)).abs() <= f64::EPSILON,
            "{rest} vs 1 - {p:e}"
        );
    }

    #[test]
    fn reused_buffers_give_the_same_bits_as_fresh_ones() {
        let cases = [
            (pattern(&sizes_from(3, 40), 17), 300),
            (pattern(&[1, 12, 1], 4), 0),
            (pattern(&[7, 7], 7), 98),
            (pattern(&sizes_from(5, 24), 12), 100),
        ];
        let tails = |groups: &[TieGroup], twice_u: u128| {
            [Tail::Lower, Tail::Upper].map(|tail| conditional_tail(groups, twice_u, tail).to_bits())
        };
        // A new thread starts with empty buffers; this one has stale cells from earlier runs.
        let fresh: Vec<_> = cases
            .iter()
            .map(|(groups, twice_u)| {
                let groups = groups.clone();
                let twice_u = *twice_u;
                std::thread::spawn(move || tails(&groups, twice_u))
                    .join()
                    .unwrap()
            })
            .collect();
        for _ in 0..2 {
            for ((groups, twice_u), want) in cases.iter().zip(&fresh) {
                assert_eq!(tails(groups, *twice_u), *want, "{groups:?} 2U={twice_u}");
            }
        }
    }

    /// Both tails one by one, as bits.
    fn tails_one_by_one(groups: &[TieGroup], twice_u: u128) -> (u64, u64) {
        let tail = |tail| conditional_tail(groups, twice_u, tail).to_bits();
        (tail(Tail::Lower), tail(Tail::Upper))
    }

    /// [`conditional_tails`] gives the bits of [`conditional_tail`] at every statistic.
    fn check_both_tails(groups: &[TieGroup]) -> std::result::Result<(), TestCaseError> {
        let span: u64 =
            2 * groups.iter().map(|g| g.x).sum::<u64>() * groups.iter().map(|g| g.y).sum::<u64>();
        for v in 0..=u128::from(span) + 1 {
            let (lower, upper) = conditional_tails(groups, v);
            prop_assert_eq!(
                (lower.to_bits(), upper.to_bits()),
                tails_one_by_one(groups, v),
                "{:?} 2U={}",
                groups,
                v
            );
        }
        Ok(())
    }

    #[test]
    fn both_tails_at_once_match_one_by_one_on_rollout_patterns() {
        // Error rates per minute (zeros, then distinct rates) and latency histograms.
        let zeros_then_distinct = |zeros: TieGroup, rest: &[u64]| {
            std::iter::once(zeros)
                .chain(rest.iter().map(|&x| TieGroup { x, y: 1 - x }))
                .collect::<Vec<_>>()
        };
        let cases = [
            zeros_then_distinct(
                TieGroup { x: 9, y: 3 },
                &[0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1],
            ),
            zeros_then_distinct(TieGroup { x: 15, y: 3 }, &[0; 16]),
            zeros_then_distinct(TieGroup { x: 3, y: 2 }, &[0, 1, 0, 1, 0, 0, 1, 1, 1]),
            vec![
                TieGroup { x: 0, y: 10 },
                TieGroup { x: 1, y: 12 },
                TieGroup { x: 1, y: 9 },
                TieGroup { x: 2, y: 11 },
                TieGroup { x: 0, y: 8 },
                TieGroup { x: 1, y: 0 },
                TieGroup { x: 0, y: 1 },
            ],
            pattern(&sizes_from(3, 40), 17),
            pattern(&[14], 5),
        ];
        for groups in cases {
            check_both_tails(&groups).unwrap();
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn both_tails_at_once_match_one_by_one(
            counts in prop::collection::vec((0u64..4, 0u64..4), 1..12),
        ) {
            let groups: Vec<TieGroup> = counts.iter().map(|&(x, y)| TieGroup { x, y }).collect();
            prop_assume!(groups.iter().any(|g| g.x > 0) && groups.iter().any(|g| g.y > 0));
            check_both_tails(&groups)?;
        }
    }

    #[test]
    fn cost_counting_stops_at_the_limit() {
        let groups = pattern(&sizes_from(11, 60), 25);
        let cost = conditional_cost(&groups, f64::INFINITY).unwrap();
        assert!(cost > 1000.0, "{cost}");
        assert_eq!(conditional_cost(&groups, cost), Some(cost));
        assert_eq!(conditional_cost(&groups, cost - 1.0), None);
        assert!(conditional_obstacle(&groups, cost).is_none());
        let refused = conditional_obstacle(&groups, cost - 1.0)
            .unwrap()
            .to_string();
        assert!(refused.contains("more than"), "{refused}");
    }
}
