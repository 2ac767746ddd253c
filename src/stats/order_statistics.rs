//! A growing multiset of floats with k-th smallest and rank queries in O(log n).
//!
//! The values are kept in three parts. `unordered` holds the smallest values in no order;
//! the rest are in two sorted arrays, `settled`, most of them, and `recent`, the ones added
//! since `settled` was last rebuilt. A batch's values below the unordered part's largest value
//! are pushed onto it; the others are sorted and merged into `recent`, and once `recent`
//! outgrows about `sqrt(n b)` values it is merged into `settled`. Both merges run backwards
//! through contiguous memory, moving every value at most once, so an ordered value costs
//! `O(sqrt(n / b))` sequential moves amortized instead of the random accesses of a search tree.
//!
//! The unordered part exists because a test of a high quantile only asks for the order of the
//! largest few percent of the values, and keeping all of them ordered was most of its cost.
//! Every query notes how many of the smallest values it could have left unordered; the next
//! insertion fits the unordered part a margin below the least such count (growing it again
//! only after the set has grown by half since a query last made it shrink). A query that needs
//! the order of unordered values is still answered exactly, by a linear scan, and makes the
//! next insertion order them. Queries: `count_le` is two binary searches, `kth` a binary
//! search for how many of the smallest `k` ordered values come from each sorted array.
//!
//! It serializes as the sorted finite values plus counts of infinities (JSON has no infinity)
//! and is rebuilt on deserialization in O(n log n), so the persisted form is plain data and
//! every query gives the same answer after a round trip.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::float_key::{float_key, from_float_key};
use crate::error::{Error, Result};

/// Least size `recent` may reach before it is merged, so small sets are not rebuilt at every
/// insertion.
const RECENT_MINIMUM: usize = 256;

/// Values [`start_of_larger`] passes with one comparison.
const SCAN_STRIDE: usize = 8;

/// The unordered part is fitted this fraction of the allowed count below it (1/32), so the
/// ranks a test asks for can move down a little between insertions without a scan.
const UNORDERED_MARGIN_DIVISOR: usize = 32;

/// Fewest values moved into the unordered part at once, so small sets stay ordered.
const UNORDER_MINIMUM: usize = 256;

/// After a query made the unordered part shrink, it may grow again only once the set has
/// grown by this fraction (1/2): looks that reach low ranks now and then (the catch-all) then
/// keep it small instead of making it grow and shrink in turn.
const REGROW_DIVISOR: usize = 2;

/// The values seen so far, partly ordered.
#[derive(Debug)]
pub(crate) struct OrderStatistics {
    /// The smallest values, in no order.
    unordered: Vec<f64>,
    /// The largest unordered value, `-inf` when there is none: no ordered value is smaller.
    floor: f64,
    /// Most ordered values, in increasing order.
    settled: Vec<f64>,
    /// The ordered values added since `settled` was last rebuilt, in increasing order.
    recent: Vec<f64>,
    /// The least number of smallest values that a query since the last insertion could have
    /// left unordered. Atomic so that queries take `&self` and the set stays `Sync`.
    unordered_allowed: AtomicUsize,
    /// The number of values from which the unordered part may grow.
    grow_from: usize,
}

impl Default for OrderStatistics {
    fn default() -> Self {
        OrderStatistics {
            unordered: Vec::new(),
            floor: f64::NEG_INFINITY,
            settled: Vec::new(),
            recent: Vec::new(),
            unordered_allowed: AtomicUsize::new(usize::MAX),
            grow_from: 0,
        }
    }
}

impl Clone for OrderStatistics {
    fn clone(&self) -> Self {
        OrderStatistics {
            unordered: self.unordered.clone(),
            floor: self.floor,
            settled: self.settled.clone(),
            recent: self.recent.clone(),
            unordered_allowed: AtomicUsize::new(self.unordered_allowed.load(Ordering::Relaxed)),
            grow_from: self.grow_from,
        }
    }
}

impl OrderStatistics {
    /// Number of values.
    pub(crate) fn len(&self) -> usize {
        self.unordered.len() + self.ordered_len()
    }

    /// Number of ordered values.
    fn ordered_len(&self) -> usize {
        self.settled.len() + self.recent.len()
    }

    /// Adds values in any order (the caller has rejected NaN). `-0.0` is stored as `0.0`.
    pub(crate) fn insert_batch(&mut self, values: &[f64]) {
        if values.is_empty() {
            return;
        }
        self.fit_unordered();
        let mut keys = Vec::with_capacity(values.len());
        for &value in values {
            let value = value + 0.0;
            if value < self.floor {
                self.unordered.push(value);
            } else {
                keys.push(float_key(value));
            }
        }
        if keys.is_empty() {
            return;
        }
        let run = sorted_keys(keys);
        merge(&mut self.recent, &run);
        // A run of `b` values costs about `|recent|` moves to merge and `n b / limit`
        // amortized to rebuild `settled`; the sum is least near `limit = sqrt(n b)`.
        let limit = (self.ordered_len() as f64 * run.len() as f64).sqrt();
        if self.recent.len() > RECENT_MINIMUM && self.recent.len() as f64 > limit {
            merge(&mut self.settled, &self.recent);
            self.recent.clear();
        }
    }

    /// The `k`-th smallest value, `k` counted from 1; `None` outside `1..=len`.
    pub(crate) fn kth(&self, k: usize) -> Option<f64> {
        if k == 0 || k > self.len() {
            return None;
        }
        self.allow_unordered(k - 1);
        let unordered = self.unordered.len();
        if k > unordered {
            return Some(self.ordered_kth(k - unordered));
        }
        let mut scratch = self.unordered.clone();
        Some(*scratch.select_nth_unstable_by(k - 1, f64::total_cmp).1)
    }

    /// Number of values `<= x`.
    pub(crate) fn count_le(&self, x: f64) -> usize {
        let count = self.rank(x);
        self.allow_unordered(count);
        count
    }

    /// The values in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        let smallest = sorted_keys(self.unordered.iter().map(|&v| float_key(v)).collect());
        let (mut settled, mut recent) = (
            self.settled.iter().copied().peekable(),
            self.recent.iter().copied().peekable(),
        );
        let ordered = std::iter::from_fn(move || match (settled.peek(), recent.peek()) {
            (Some(a), Some(b)) if b < a => recent.next(),
            (Some(_), _) => settled.next(),
            (None, _) => recent.next(),
        });
        smallest.into_iter().chain(ordered)
    }

    /// Number of values `<= x`, without noting what the query needed.
    fn rank(&self, x: f64) -> usize {
        if x >= self.floor {
            let ordered = self.settled.partition_point(|&v| v <= x)
                + self.recent.partition_point(|&v| v <= x);
            self.unordered.len() + ordered
        } else {
            self.unordered.iter().filter(|&&v| v <= x).count()
        }
    }

    /// Notes that a query could have left the `count` smallest values unordered.
    fn allow_unordered(&self, count: usize) {
        self.unordered_allowed.fetch_min(count, Ordering::Relaxed);
    }

    /// Fits the unordered part to the queries since the last insertion: shrinks it when one of
    /// them needed the order of unordered values, grows it when it has fallen behind by at
    /// least half of the ordered values (so moving them is amortized) and no shrink is recent,
    /// and leaves it alone when there were no queries.
    fn fit_unordered(&mut self) {
        let allowed = std::mem::replace(self.unordered_allowed.get_mut(), usize::MAX);
        if allowed == usize::MAX {
            return;
        }
        let target = allowed - allowed / UNORDERED_MARGIN_DIVISOR;
        let held = self.unordered.len();
        if held > allowed {
            self.order_all_but(target);
            self.grow_from = self.len() + self.len() / REGROW_DIVISOR;
        } else if self.len() >= self.grow_from
            && target.saturating_sub(held) >= (self.ordered_len() / 2).max(UNORDER_MINIMUM)
        {
            self.unorder_smallest((target - held).min(self.ordered_len()));
        }
    }

    /// Orders all but the `keep` smallest unordered values (`keep` < their number); none of
    /// them exceeds an ordered value, so they go in front of `settled`.
    fn order_all_but(&mut self, keep: usize) {
        self.unordered.select_nth_unstable_by(keep, f64::total_cmp);
        let moved = self.unordered.split_off(keep);
        self.floor = self
            .unordered
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        let mut settled = sorted_keys(moved.into_iter().map(float_key).collect());
        settled.extend_from_slice(&self.settled);
        self.settled = settled;
    }

    /// Moves the `count` smallest ordered values (at least one) to the unordered part.
    fn unorder_smallest(&mut self, count: usize) {
        self.floor = self.ordered_kth(count);
        let (from_settled, from_recent) = self.split(count);
        self.unordered.extend(self.settled.drain(..from_settled));
        self.unordered.extend(self.recent.drain(..from_recent));
    }

    /// The `k`-th smallest ordered value, `k` in `1..=ordered_len`.
    fn ordered_kth(&self, k: usize) -> f64 {
        let (from_settled, from_recent) = self.split(k);
        let last_settled = from_settled.checked_sub(1).map(|i| self.settled[i]);
        let last_recent = from_recent.checked_sub(1).map(|j| self.recent[j]);
        match (last_settled, last_recent) {
            (Some(a), Some(b)) => a.max(b),
            (a, b) => a.or(b).unwrap_or(f64::NEG_INFINITY),
        }
    }

    /// How many of the `k` smallest ordered values come from `settled` and from `recent`.
    fn split(&self, k: usize) -> (usize, usize) {
        let (settled, recent) = (&self.settled, &self.recent);
        // The smallest `k` are the smallest `i` settled and `k - i` recent ones, for the least
        // `i` at which the next settled value is no smaller than the last recent one taken
        // (whether that holds only turns from false to true as `i` grows).
        let (mut low, mut high) = (k.saturating_sub(recent.len()), k.min(settled.len()));
        while low < high {
            let i = low + (high - low) / 2;
            if recent[k - i - 1] <= settled[i] {
                high = i;
            } else {
                low = i + 1;
            }
        }
        (low, k - low)
    }
}

/// Sorts order keys and turns them back into values: sorting every observation is a large
/// part of the cost of an insertion, and integers compare faster than floats.
fn sorted_keys(mut keys: Vec<i64>) -> Vec<f64> {
    keys.sort_unstable();
    keys.into_iter().map(from_float_key).collect()
}

/// Merges the sorted `run` into the sorted `target`, from the largest value down: each run
/// value finds its place by a scan back over the values it passes, which then move in one
/// memmove, so every value of `target` is read and moved at most once.
fn merge(target: &mut Vec<f64>, run: &[f64]) {
    let mut unmoved = target.len();
    target.extend_from_slice(run);
    for (placed, &value) in run.iter().enumerate().rev() {
        let at = start_of_larger(&target[..unmoved], value);
        target.copy_within(at..unmoved, at + placed + 1);
        target[at + placed] = value;
        unmoved = at;
    }
}

/// Where the values larger than `value` start in the sorted `values`, scanning back from the
/// end [`SCAN_STRIDE`] values at a time (sorted, so one comparison clears a whole stride),
/// then counting the larger values of the last stride without branches: the place is usually
/// a few strides back, and this keeps the loop short and its one exit predictable.
fn start_of_larger(values: &[f64], value: f64) -> usize {
    let mut end = values.len();
    while end >= SCAN_STRIDE && values[end - SCAN_STRIDE] > value {
        end -= SCAN_STRIDE;
    }
    let stride = &values[end.saturating_sub(SCAN_STRIDE)..end];
    end - stride.iter().filter(|&&v| v > value).count()
}

/// The persisted form: JSON has no infinities, so they are kept as counts. `finite` is read in
/// any order.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Persisted {
    finite: Vec<f64>,
    negative_infinities: usize,
    positive_infinities: usize,
}

/// [`Persisted`] as written: the finite values in increasing order, in order.
#[derive(Serialize)]
struct PersistedRef<'a> {
    finite: FiniteValues<'a>,
    negative_infinities: usize,
    positive_infinities: usize,
}

/// Serializes the finite values without collecting them.
struct FiniteValues<'a>(&'a OrderStatistics);

impl Serialize for FiniteValues<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().filter(|value| value.is_finite()))
    }
}

/// Most values a persisted state may declare (a guard against allocation failure).
const PERSISTED_LIMIT: usize = 1 << 36;

impl TryFrom<Persisted> for OrderStatistics {
    type Error = Error;

    fn try_from(persisted: Persisted) -> Result<Self> {
        let mut values = persisted.finite;
        if let Some(index) = values.iter().position(|v| !v.is_finite()) {
            return Err(Error::invalid(
                "finite",
                format!("a non-finite value at index {index}"),
                "holds finite values only; infinities are persisted as counts",
            ));
        }
        let total = [persisted.negative_infinities, persisted.positive_infinities]
            .iter()
            .try_fold(values.len(), |sum, &count| sum.checked_add(count))
            .filter(|&total| total <= PERSISTED_LIMIT)
            .ok_or(Error::CountOverflow {
                what: "persisted order statistics",
                limit: PERSISTED_LIMIT as u64,
            })?;
        values.reserve_exact(total - values.len());
        values.extend(std::iter::repeat_n(
            f64::NEG_INFINITY,
            persisted.negative_infinities,
        ));
        values.extend(std::iter::repeat_n(
            f64::INFINITY,
            persisted.positive_infinities,
        ));
        let mut set = OrderStatistics::default();
        set.insert_batch(&values);
        Ok(set)
    }
}

impl Serialize for OrderStatistics {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let negative_infinities = self.rank(f64::NEG_INFINITY);
        PersistedRef {
            finite: FiniteValues(self),
            negative_infinities,
            positive_infinities: self.len() - self.rank(f64::MAX),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for OrderStatistics {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let persisted = Persisted::deserialize(deserializer)?;
        OrderStatistics::try_from(persisted).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A fixed pseudo-random sequence (splitmix64 of the index) with many ties.
    fn values(n: usize) -> Vec<f64> {
        (0..n as u64)
            .map(|i| {
                let mut z = (i + 1000).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                ((z ^ (z >> 31)) % 97) as f64 - 40.0
            })
            .collect()
    }

    /// Inserts `batch` into both the set and the reference vector (kept sorted, `-0.0` as
    /// `0.0`).
    fn insert(set: &mut OrderStatistics, sorted: &mut Vec<f64>, batch: &[f64]) {
        set.insert_batch(batch);
        sorted.extend(batch.iter().map(|&v| v + 0.0));
        sorted.sort_by(f64::total_cmp);
    }

    /// Every query agrees with the sorted reference, and both arrays are sorted.
    fn check(set: &OrderStatistics, sorted: &[f64]) {
        assert_eq!(set.len(), sorted.len());
        let all: Vec<f64> = set.iter().collect();
        assert_eq!(all.len(), sorted.len());
        assert!(all
            .iter()
            .zip(sorted)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        check_parts(set);
        for k in 1..=sorted.len() {
            assert_eq!(set.kth(k).map(f64::to_bits), Some(sorted[k - 1].to_bits()));
        }
        assert_eq!(set.kth(0), None);
        assert_eq!(set.kth(sorted.len() + 1), None);
        let probes = sorted
            .iter()
            .flat_map(|&v| [v, v.next_down(), v.next_up()])
            .chain([f64::NEG_INFINITY, -0.0, 0.0, f64::MAX, f64::INFINITY]);
        for x in probes {
            let expected = sorted.partition_point(|&v| v <= x);
            assert_eq!(set.count_le(x), expected, "x = {x}");
        }
    }

    /// Both arrays are sorted, and no unordered value exceeds the floor, which is the largest
    /// of them and exceeds no ordered value.
    fn check_parts(set: &OrderStatistics) {
        for part in [&set.settled, &set.recent] {
            assert!(part.windows(2).all(|pair| pair[0] <= pair[1]));
        }
        let largest = set
            .unordered
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(set.floor.to_bits(), largest.to_bits());
        let smallest_ordered = [set.settled.first(), set.recent.first()]
            .into_iter()
            .flatten()
            .fold(f64::INFINITY, |a, &b| a.min(b));
        assert!(set.floor <= smallest_ordered);
    }

    /// The value at the rank at `fraction` of the way up, and the counts at and just below it,
    /// agree with the sorted reference.
    fn check_near(set: &OrderStatistics, sorted: &[f64], fraction: f64) {
        if sorted.is_empty() {
            return;
        }
        let k = ((fraction * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        let x = sorted[k - 1];
        assert_eq!(set.kth(k).map(f64::to_bits), Some(x.to_bits()), "k = {k}");
        for probe in [x, x.next_down()] {
            let expected = sorted.partition_point(|&v| v <= probe);
            assert_eq!(set.count_le(probe), expected, "x = {probe}");
        }
    }

    #[test]
    fn high_rank_queries_leave_the_smallest_values_unordered_and_low_ones_order_them() {
        let data = values(6000);
        let (mut set, mut sorted) = (OrderStatistics::default(), Vec::new());
        for batch in data[..5800].chunks(200) {
            insert(&mut set, &mut sorted, batch);
            check_parts(&set);
            check_near(&set, &sorted, 0.99);
            check_near(&set, &sorted, 0.995);
        }
        assert!(set.unordered.len() > sorted.len() * 9 / 10);
        // Answered by a scan, then ordered by the next insertion.
        check_near(&set, &sorted, 0.3);
        insert(&mut set, &mut sorted, &data[5800..]);
        check_parts(&set);
        assert!(set.unordered.len() < sorted.len() * 3 / 10);
        check(&set, &sorted);
        insert(&mut set, &mut sorted, &[1.0]);
        assert!(set.unordered.is_empty());
        check(&set, &sorted);
    }

    #[test]
    fn single_insertions_match_a_sorted_vector() {
        let (mut set, mut sorted) = (OrderStatistics::default(), Vec::new());
        check(&set, &sorted);
        for (i, &v) in values(3000).iter().enumerate() {
            insert(&mut set, &mut sorted, &[v]);
            if i % 97 == 0 || i % 512 == 511 {
                check(&set, &sorted);
            }
        }
        check(&set, &sorted);
        assert!(set.settled.len() > set.recent.len());
    }

    #[test]
    fn batches_with_ties_infinities_and_signed_zeros_match_a_sorted_vector() {
        let data = values(20_000);
        let (mut set, mut sorted) = (OrderStatistics::default(), Vec::new());
        let mut start = 0;
        for size in [0, 1, 200, 7, 1500, 200, 3, 600, 200, 10_000, 1]
            .into_iter()
            .cycle()
        {
            let end = (start + size).min(data.len());
            let mut batch = data[start..end].to_vec();
            batch.extend([-0.0, 0.0, f64::INFINITY, f64::NEG_INFINITY, -0.0]);
            insert(&mut set, &mut sorted, &batch);
            check(&set, &sorted);
            start = end;
            if start == data.len() {
                break;
            }
        }
        assert_eq!(set.count_le(-0.0), set.count_le(0.0));
    }

    #[test]
    fn infinities_and_signed_zero_are_ordered() {
        let mut set = OrderStatistics::default();
        set.insert_batch(&[f64::INFINITY, -0.0, 1.0]);
        set.insert_batch(&[f64::NEG_INFINITY, 0.0]);
        assert_eq!(set.kth(1), Some(f64::NEG_INFINITY));
        assert_eq!(set.kth(2).map(f64::to_bits), Some(0.0_f64.to_bits()));
        assert_eq!(set.kth(5), Some(f64::INFINITY));
        assert_eq!(set.count_le(0.0), 3);
        assert_eq!(set.count_le(-0.0), 3);
    }

    #[test]
    fn sorted_reversed_and_equal_input_keep_recent_values_few() {
        let n = 100_000;
        let ascending: Vec<f64> = (0..n).map(f64::from).collect();
        let descending: Vec<f64> = ascending.iter().rev().copied().collect();
        let equal = vec![7.0; n as usize];
        for input in [&ascending, &descending, &equal] {
            let mut sorted = input.clone();
            sorted.sort_by(f64::total_cmp);
            for batch in [1, 200] {
                let mut set = OrderStatistics::default();
                for chunk in input.chunks(batch) {
                    set.insert_batch(chunk);
                }
                let limit = (sorted.len() as f64 * batch as f64).sqrt();
                assert!(set.recent.len() as f64 <= limit.max(RECENT_MINIMUM as f64));
                check(&set, &sorted);
            }
        }
    }

    #[test]
    fn persisted_form_round_trips() {
        let mut set = OrderStatistics::default();
        let mut data = values(5000);
        data.extend([f64::INFINITY, f64::NEG_INFINITY, -0.0, f64::INFINITY]);
        set.insert_batch(&data);
        let json = serde_json::to_string(&set).unwrap();
        let restored: OrderStatistics = serde_json::from_str(&json).unwrap();
        let mut sorted: Vec<f64> = data.iter().map(|&v| v + 0.0).collect();
        sorted.sort_by(f64::total_cmp);
        check(&restored, &sorted);
        assert_eq!(serde_json::to_string(&restored).unwrap(), json);
        let persisted: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(persisted["negative_infinities"], 1);
        assert_eq!(persisted["positive_infinities"], 2);
    }

    #[test]
    fn rejects_non_finite_persisted_values() {
        let persisted = |finite: Vec<f64>| Persisted {
            finite,
            negative_infinities: 0,
            positive_infinities: 0,
        };
        assert!(OrderStatistics::try_from(persisted(vec![1.0, f64::NAN])).is_err());
        assert!(OrderStatistics::try_from(persisted(vec![f64::INFINITY])).is_err());
        assert!(OrderStatistics::try_from(persisted(vec![2.0, 1.0])).is_ok());
    }

    /// Small integers (heavy ties), signed zeros and infinities, or arbitrary finite values.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            (-5i32..=5).prop_map(f64::from),
            Just(-0.0),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            -1e9..1e9,
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Random batches, large enough in total to merge `recent` into `settled` many times.
        #[test]
        fn random_batches_match_a_sorted_vector(
            batches in prop::collection::vec(prop::collection::vec(value(), 0..700), 1..12)
        ) {
            let (mut set, mut sorted) = (OrderStatistics::default(), Vec::new());
            for batch in &batches {
                insert(&mut set, &mut sorted, batch);
                check(&set, &sorted);
            }
        }

        /// Random batches, each followed by queries near one rank (mostly high ones, which let
        /// the unordered part grow): every answer, and the order of all values, agree with the
        /// sorted reference.
        #[test]
        fn queries_near_random_ranks_match_a_sorted_vector(
            steps in prop::collection::vec(
                (
                    prop::collection::vec(value(), 0..700),
                    prop_oneof![3 => 0.9..=1.0, 1 => 0.0..=1.0],
                ),
                1..24,
            )
        ) {
            let (mut set, mut sorted) = (OrderStatistics::default(), Vec::new());
            for (batch, fraction) in &steps {
                insert(&mut set, &mut sorted, batch);
                check_parts(&set);
                check_near(&set, &sorted, *fraction);
                let all: Vec<u64> = set.iter().map(f64::to_bits).collect();
                prop_assert_eq!(all, sorted.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
            }
            for step in 0..=32 {
                check_near(&set, &sorted, f64::from(step) / 32.0);
            }
        }
    }
}
