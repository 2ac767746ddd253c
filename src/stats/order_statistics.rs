//! A growing multiset of floats with k-th smallest and rank queries in O(log n).
//!
//! The values are kept in two sorted arrays: `settled`, most of them, and `recent`, the ones
//! added since `settled` was last rebuilt. A batch of `b` values is sorted and merged into
//! `recent`; once `recent` outgrows about `sqrt(n b)` values it is merged into `settled`.
//! Both merges run backwards through contiguous memory, moving every value at most once, so a
//! value costs `O(sqrt(n / b))` sequential moves amortized instead of the random accesses of
//! a search tree or of many small blocks: the anytime latency test inserts every observation,
//! and at tens of thousands of values per arm memory latency is what an insertion costs.
//! Queries combine the two arrays: `count_le` is two binary searches, `kth` a binary search
//! for how many of the smallest `k` values come from each.
//!
//! It serializes as the sorted finite values plus counts of infinities (JSON has no infinity)
//! and is rebuilt on deserialization in O(n log n), so the persisted form is plain data and
//! every query gives the same answer after a round trip.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::float_key::{float_key, from_float_key};
use crate::error::{Error, Result};

/// Least size `recent` may reach before it is merged, so small sets are not rebuilt at every
/// insertion.
const RECENT_MINIMUM: usize = 256;

/// Values [`start_of_larger`] passes with one comparison.
const SCAN_STRIDE: usize = 8;

/// The values seen so far, ordered.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrderStatistics {
    /// Most values, in increasing order.
    settled: Vec<f64>,
    /// The values added since `settled` was last rebuilt, in increasing order.
    recent: Vec<f64>,
}

impl OrderStatistics {
    /// Number of values.
    pub(crate) fn len(&self) -> usize {
        self.settled.len() + self.recent.len()
    }

    /// Adds values in any order (the caller has rejected NaN). `-0.0` is stored as `0.0`.
    pub(crate) fn insert_batch(&mut self, values: &[f64]) {
        if values.is_empty() {
            return;
        }
        merge(&mut self.recent, &sorted(values));
        // A batch of `b` values costs about `|recent|` moves to merge and `n b / limit`
        // amortized to rebuild `settled`; the sum is least near `limit = sqrt(n b)`.
        let limit = (self.len() as f64 * values.len() as f64).sqrt();
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
        let (settled, recent) = (&self.settled, &self.recent);
        // The smallest `k` values are the smallest `i` settled and `k - i` recent ones, for
        // the least `i` at which the next settled value is no smaller than the last recent
        // one taken (whether that holds only turns from false to true as `i` grows).
        let (mut low, mut high) = (k.saturating_sub(recent.len()), k.min(settled.len()));
        while low < high {
            let i = low + (high - low) / 2;
            if recent[k - i - 1] <= settled[i] {
                high = i;
            } else {
                low = i + 1;
            }
        }
        let from_settled = low.checked_sub(1).map(|i| settled[i]);
        let from_recent = (k - low).checked_sub(1).map(|j| recent[j]);
        match (from_settled, from_recent) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// Number of values `<= x`.
    pub(crate) fn count_le(&self, x: f64) -> usize {
        self.settled.partition_point(|&v| v <= x) + self.recent.partition_point(|&v| v <= x)
    }

    /// The values in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        let (mut settled, mut recent) = (
            self.settled.iter().copied().peekable(),
            self.recent.iter().copied().peekable(),
        );
        std::iter::from_fn(move || match (settled.peek(), recent.peek()) {
            (Some(a), Some(b)) if b < a => recent.next(),
            (Some(_), _) => settled.next(),
            (None, _) => recent.next(),
        })
    }
}

/// The values in increasing order, `-0.0` as `0.0`. They are sorted as integer keys because
/// sorting every observation is a large part of the cost of an insertion, and integers
/// compare faster than floats.
fn sorted(values: &[f64]) -> Vec<f64> {
    let mut keys: Vec<i64> = values.iter().map(|&v| float_key(v + 0.0)).collect();
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

/// [`Persisted`] as written: the finite values in increasing order, straight from the blocks.
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
        let negative_infinities = self.count_le(f64::NEG_INFINITY);
        PersistedRef {
            finite: FiniteValues(self),
            negative_infinities,
            positive_infinities: self.len() - self.count_le(f64::MAX),
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
        for part in [&set.settled, &set.recent] {
            assert!(part.windows(2).all(|pair| pair[0] <= pair[1]));
        }
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

        /// Random batches, large enough in total to split blocks many times.
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
    }
}
