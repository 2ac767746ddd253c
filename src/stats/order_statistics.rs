//! A growing multiset of floats with k-th smallest and rank queries in O(log n).
//!
//! The values are kept in increasing order in a list of sorted blocks of at most
//! [`BLOCK_CAPACITY`] values, indexed by each block's largest value (to route a value or a
//! `count_le` query to its block by binary search) and by a Fenwick tree of block sizes (for
//! the count of values before a block, and to find the block holding a rank). Contiguous
//! blocks make an insertion a binary search and a short memmove instead of a walk through
//! scattered tree nodes, which matters because the anytime latency test inserts every
//! observation.
//!
//! A batch is sorted once and merged into each block it touches, moving every value of that
//! block at most once. A block that outgrows its capacity is split into blocks at least half
//! full, so whatever order the values arrive in (sorted, reversed, all equal) an insertion
//! costs O(log n + [`BLOCK_CAPACITY`]) amortized, `kth` and `count_le` O(log n), and memory
//! is at most 16 bytes per value.
//!
//! It serializes as the sorted finite values plus counts of infinities (JSON has no infinity)
//! and is rebuilt on deserialization in O(n log n) (O(n) when the values are already sorted),
//! so the persisted form is plain data and every query gives the same answer after a round
//! trip.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// Most values a block holds: large enough for the block index to be small and cache
/// resident, small enough that inserting into a block is a short memmove.
const BLOCK_CAPACITY: usize = 512;

/// Least values a block holds after a split, so blocks stay at least half full.
const BLOCK_HALF: usize = BLOCK_CAPACITY / 2;

/// The values seen so far, ordered.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrderStatistics {
    /// Non-empty sorted blocks, each block's values no smaller than the previous block's.
    blocks: Vec<Block>,
    /// The number of values in each block, for ranks.
    counts: BlockCounts,
    /// Number of values.
    len: usize,
}

/// A sorted run of values and its largest value, kept beside the other blocks' so that
/// routing a value or a query to its block reads no values.
#[derive(Debug, Clone)]
struct Block {
    last: f64,
    values: Vec<f64>,
}

impl OrderStatistics {
    /// Number of values.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Adds values in any order (the caller has rejected NaN). `-0.0` is stored as `0.0`.
    pub(crate) fn insert_batch(&mut self, values: &[f64]) {
        if values.is_empty() {
            return;
        }
        let batch = sorted(values);
        // Once a block is added, block indices change and the counts are rebuilt at the end.
        let mut reindex = self.blocks.is_empty();
        if reindex {
            self.blocks.push(Block {
                last: f64::NEG_INFINITY,
                values: Vec::with_capacity(BLOCK_CAPACITY),
            });
        }
        self.len += batch.len();
        let (mut block, mut rest) = (0, &batch[..]);
        while let Some(&smallest) = rest.first() {
            // The first block whose largest value exceeds the value takes it; the last block
            // takes everything beyond.
            let last_block = self.blocks.len() - 1;
            block += self.blocks[block..last_block].partition_point(|b| b.last <= smallest);
            let taken = if block == last_block {
                rest.len()
            } else {
                let bound = self.blocks[block].last;
                rest.partition_point(|&v| v < bound)
            };
            let run;
            (run, rest) = rest.split_at(taken);
            let values = &mut self.blocks[block].values;
            merge(values, run);
            if values.len() > BLOCK_CAPACITY {
                block = self.split(block);
                reindex = true;
            } else {
                let last = values[values.len() - 1];
                self.blocks[block].last = last;
                if !reindex {
                    self.counts.add(block, run.len());
                }
            }
        }
        if reindex {
            self.counts = BlockCounts::new(self.blocks.iter().map(|b| b.values.len()));
        }
    }

    /// The `k`-th smallest value, `k` counted from 1; `None` outside `1..=len`.
    pub(crate) fn kth(&self, k: usize) -> Option<f64> {
        if k == 0 || k > self.len {
            return None;
        }
        let (block, offset) = self.counts.find(k - 1);
        Some(self.blocks[block].values[offset])
    }

    /// Number of values `<= x`.
    pub(crate) fn count_le(&self, x: f64) -> usize {
        let block = self.blocks.partition_point(|b| b.last <= x);
        if block == self.blocks.len() {
            return self.len;
        }
        self.counts.before(block) + self.blocks[block].values.partition_point(|&v| v <= x)
    }

    /// The values in increasing order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = f64> + '_ {
        self.blocks.iter().flat_map(|b| &b.values).copied()
    }

    /// Replaces the overfull block at `block` by blocks of between [`BLOCK_HALF`] and
    /// `1.5 BLOCK_HALF` values; returns the index of the last of them. The block counts are
    /// left stale for the caller to rebuild.
    fn split(&mut self, block: usize) -> usize {
        let values = std::mem::take(&mut self.blocks[block].values);
        let pieces = values.len() / BLOCK_HALF;
        let bounds = |piece: usize| piece * values.len() / pieces;
        let replacement = (0..pieces).map(|piece| {
            let mut part = Vec::with_capacity(BLOCK_CAPACITY);
            part.extend_from_slice(&values[bounds(piece)..bounds(piece + 1)]);
            Block {
                last: part[part.len() - 1],
                values: part,
            }
        });
        self.blocks.splice(block..=block, replacement);
        block + pieces - 1
    }
}

/// The values in increasing order, `-0.0` as `0.0`. They are sorted as integer keys because
/// sorting every observation is a large part of the cost of an insertion, and integers
/// compare faster than floats.
fn sorted(values: &[f64]) -> Vec<f64> {
    let mut keys: Vec<u64> = values.iter().map(|&v| sort_key(v + 0.0)).collect();
    keys.sort_unstable();
    keys.into_iter().map(from_sort_key).collect()
}

/// An integer that orders like the (non-NaN) value: the sign bit flipped for positive values,
/// every bit flipped for negative ones (whose magnitude bits order backwards).
fn sort_key(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 0 {
        bits | 1 << 63
    } else {
        !bits
    }
}

/// The value of a [`sort_key`].
fn from_sort_key(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 {
        key & !(1 << 63)
    } else {
        !key
    })
}

/// Merges the sorted `run` into the sorted `block`, from the largest value down, so every
/// value of the block moves at most once (one memmove per run value).
fn merge(block: &mut Vec<f64>, run: &[f64]) {
    let mut unmoved = block.len();
    block.extend_from_slice(run);
    for (placed, &value) in run.iter().enumerate().rev() {
        let at = insertion_point(&block[..unmoved], value);
        block.copy_within(at..unmoved, at + placed + 1);
        block[at + placed] = value;
        unmoved = at;
    }
}

/// Number of values of the sorted `values` that are `<= value`, by a binary search with
/// branches rather than conditional moves: the block is usually not in cache, and a branch
/// lets the processor fetch the likely next probe while the current one loads.
fn insertion_point(values: &[f64], value: f64) -> usize {
    let (mut low, mut high) = (0, values.len());
    while low < high {
        let middle = low + (high - low) / 2;
        if values[middle] <= value {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

/// Per-block value counts as a Fenwick tree: the count before a block and the block holding a
/// rank in O(log blocks), and one block's count changed in O(log blocks), so neither an
/// insertion nor a query walks every block.
#[derive(Debug, Clone, Default)]
struct BlockCounts {
    /// `tree[i - 1]` is the total count of blocks `i - (i & -i)..i`.
    tree: Vec<usize>,
}

impl BlockCounts {
    /// The tree of the given block counts, in O(blocks).
    fn new(counts: impl Iterator<Item = usize>) -> Self {
        let mut tree: Vec<usize> = counts.collect();
        for i in 1..=tree.len() {
            let parent = i + (i & i.wrapping_neg());
            if parent <= tree.len() {
                tree[parent - 1] += tree[i - 1];
            }
        }
        BlockCounts { tree }
    }

    /// Adds `count` values to block `block`.
    fn add(&mut self, block: usize, count: usize) {
        let mut i = block + 1;
        while i <= self.tree.len() {
            self.tree[i - 1] += count;
            i += i & i.wrapping_neg();
        }
    }

    /// Number of values in the blocks before `block`.
    fn before(&self, block: usize) -> usize {
        let (mut i, mut sum) = (block, 0);
        while i > 0 {
            sum += self.tree[i - 1];
            i &= i - 1;
        }
        sum
    }

    /// The block holding the value of 0-based rank `rank` (less than the total) and the
    /// value's offset in it: the last block whose preceding count is at most `rank`.
    fn find(&self, mut rank: usize) -> (usize, usize) {
        let mut block = 0;
        let mut step = if self.tree.is_empty() {
            0
        } else {
            1 << self.tree.len().ilog2()
        };
        while step > 0 {
            if block + step <= self.tree.len() && self.tree[block + step - 1] <= rank {
                block += step;
                rank -= self.tree[block - 1];
            }
            step >>= 1;
        }
        (block, rank)
    }
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
        let mut tree = OrderStatistics::default();
        tree.insert_batch(&values);
        Ok(tree)
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

    /// Inserts `batch` into both the tree and the reference vector (kept sorted, `-0.0` as
    /// `0.0`).
    fn insert(tree: &mut OrderStatistics, sorted: &mut Vec<f64>, batch: &[f64]) {
        tree.insert_batch(batch);
        sorted.extend(batch.iter().map(|&v| v + 0.0));
        sorted.sort_by(f64::total_cmp);
    }

    /// Every query and the block structure agree with the sorted reference: each block
    /// non-empty and within capacity, its recorded largest value and count right, the blocks
    /// in order.
    fn check(tree: &OrderStatistics, sorted: &[f64]) {
        assert_eq!(tree.len(), sorted.len());
        let all: Vec<f64> = tree.iter().collect();
        assert_eq!(all.len(), sorted.len());
        assert!(all
            .iter()
            .zip(sorted)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        let mut before = 0;
        for (i, Block { last, values }) in tree.blocks.iter().enumerate() {
            assert!((1..=BLOCK_CAPACITY).contains(&values.len()), "block {i}");
            assert_eq!(last.to_bits(), values[values.len() - 1].to_bits());
            assert_eq!(tree.counts.before(i), before, "block {i}");
            before += values.len();
        }
        for k in 1..=sorted.len() {
            assert_eq!(tree.kth(k).map(f64::to_bits), Some(sorted[k - 1].to_bits()));
        }
        assert_eq!(tree.kth(0), None);
        assert_eq!(tree.kth(sorted.len() + 1), None);
        let probes = sorted
            .iter()
            .flat_map(|&v| [v, v.next_down(), v.next_up()])
            .chain([f64::NEG_INFINITY, -0.0, 0.0, f64::MAX, f64::INFINITY]);
        for x in probes {
            let expected = sorted.partition_point(|&v| v <= x);
            assert_eq!(tree.count_le(x), expected, "x = {x}");
        }
    }

    #[test]
    fn single_insertions_match_a_sorted_vector() {
        let (mut tree, mut sorted) = (OrderStatistics::default(), Vec::new());
        check(&tree, &sorted);
        for (i, &v) in values(3000).iter().enumerate() {
            insert(&mut tree, &mut sorted, &[v]);
            if i % 97 == 0 || i % 512 == 511 {
                check(&tree, &sorted);
            }
        }
        check(&tree, &sorted);
        assert!(tree.blocks.len() > 6);
    }

    #[test]
    fn batches_with_ties_infinities_and_signed_zeros_match_a_sorted_vector() {
        let data = values(20_000);
        let (mut tree, mut sorted) = (OrderStatistics::default(), Vec::new());
        let mut start = 0;
        for size in [0, 1, 200, 7, 1500, 200, 3, 600, 200, 10_000, 1]
            .into_iter()
            .cycle()
        {
            let end = (start + size).min(data.len());
            let mut batch = data[start..end].to_vec();
            batch.extend([-0.0, 0.0, f64::INFINITY, f64::NEG_INFINITY, -0.0]);
            insert(&mut tree, &mut sorted, &batch);
            check(&tree, &sorted);
            start = end;
            if start == data.len() {
                break;
            }
        }
        assert!(tree.blocks.len() > 20_000 / BLOCK_CAPACITY);
        assert_eq!(tree.count_le(-0.0), tree.count_le(0.0));
    }

    #[test]
    fn sort_keys_order_like_the_values() {
        let values = [
            f64::NEG_INFINITY,
            f64::MIN,
            -1.5,
            -f64::MIN_POSITIVE,
            -5e-324,
            0.0,
            5e-324,
            f64::MIN_POSITIVE,
            1.0,
            f64::MAX,
            f64::INFINITY,
        ];
        for pair in values.windows(2) {
            assert!(sort_key(pair[0]) < sort_key(pair[1]), "{pair:?}");
        }
        for value in values {
            assert_eq!(from_sort_key(sort_key(value)).to_bits(), value.to_bits());
        }
        assert_eq!(sort_key(-0.0 + 0.0), sort_key(0.0));
    }

    #[test]
    fn infinities_and_signed_zero_are_ordered() {
        let mut tree = OrderStatistics::default();
        tree.insert_batch(&[f64::INFINITY, -0.0, 1.0]);
        tree.insert_batch(&[f64::NEG_INFINITY, 0.0]);
        assert_eq!(tree.kth(1), Some(f64::NEG_INFINITY));
        assert_eq!(tree.kth(2).map(f64::to_bits), Some(0.0_f64.to_bits()));
        assert_eq!(tree.kth(5), Some(f64::INFINITY));
        assert_eq!(tree.count_le(0.0), 3);
        assert_eq!(tree.count_le(-0.0), 3);
    }

    #[test]
    fn sorted_and_reversed_input_keep_blocks_at_least_half_full() {
        let n = 100_000;
        let ascending: Vec<f64> = (0..n).map(f64::from).collect();
        let descending: Vec<f64> = ascending.iter().rev().copied().collect();
        let equal = vec![7.0; n as usize];
        for input in [&ascending, &descending, &equal] {
            let mut sorted = input.clone();
            sorted.sort_by(f64::total_cmp);
            for batch in [1, 200] {
                let mut tree = OrderStatistics::default();
                for chunk in input.chunks(batch) {
                    tree.insert_batch(chunk);
                }
                assert!(tree.blocks.len() <= sorted.len() / BLOCK_HALF);
                check(&tree, &sorted);
            }
        }
    }

    #[test]
    fn persisted_form_round_trips() {
        let mut tree = OrderStatistics::default();
        let mut data = values(5000);
        data.extend([f64::INFINITY, f64::NEG_INFINITY, -0.0, f64::INFINITY]);
        tree.insert_batch(&data);
        let json = serde_json::to_string(&tree).unwrap();
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
            let (mut tree, mut sorted) = (OrderStatistics::default(), Vec::new());
            for batch in &batches {
                insert(&mut tree, &mut sorted, batch);
                check(&tree, &sorted);
            }
        }
    }
}
