//! A growing multiset of floats with k-th smallest and rank queries in O(log n).
//!
//! A treap (a binary search tree heap-ordered by pseudo-random priorities) whose nodes carry
//! their subtree sizes. Priorities are a hash of the insertion index, independent of the
//! values, so the expected depth is O(log n) whatever order the values arrive in: insertion,
//! `kth` and `count_le` cost expected O(log n), memory is 32 bytes per value.
//!
//! It serializes as the sorted finite values plus counts of infinities (JSON has no infinity)
//! and is rebuilt on deserialization in O(n log n), so the persisted form is plain data and
//! every query gives the same answer after a round trip.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

const NIL: usize = usize::MAX;

#[derive(Debug, Clone, Copy)]
struct Node {
    value: f64,
    left: usize,
    right: usize,
    size: usize,
}

/// The values seen so far, ordered.
#[derive(Debug, Clone)]
pub(crate) struct OrderStatistics {
    nodes: Vec<Node>,
    root: usize,
}

impl Default for OrderStatistics {
    fn default() -> Self {
        OrderStatistics {
            nodes: Vec::new(),
            root: NIL,
        }
    }
}

impl OrderStatistics {
    /// Number of values.
    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Adds a value (the caller has rejected NaN). `-0.0` is stored as `0.0`.
    pub(crate) fn insert(&mut self, value: f64) {
        let index = self.nodes.len();
        self.nodes.push(Node {
            value: value + 0.0,
            left: NIL,
            right: NIL,
            size: 1,
        });
        self.root = self.insert_below(self.root, index);
    }

    /// The `k`-th smallest value, `k` counted from 1; `None` outside `1..=len`.
    pub(crate) fn kth(&self, mut k: usize) -> Option<f64> {
        let mut node = self.root;
        while node != NIL {
            let Node {
                value, left, right, ..
            } = self.nodes[node];
            let left_size = self.size(left);
            if k <= left_size {
                node = left;
            } else if k == left_size + 1 {
                return Some(value);
            } else {
                k -= left_size + 1;
                node = right;
            }
        }
        None
    }

    /// Number of values `<= x`.
    pub(crate) fn count_le(&self, x: f64) -> usize {
        let mut count = 0;
        let mut node = self.root;
        while node != NIL {
            let Node {
                value, left, right, ..
            } = self.nodes[node];
            if value <= x {
                count += self.size(left) + 1;
                node = right;
            } else {
                node = left;
            }
        }
        count
    }

    /// The values in increasing order.
    pub(crate) fn iter(&self) -> InOrder<'_> {
        let mut iter = InOrder {
            tree: self,
            stack: Vec::new(),
        };
        iter.push_left_spine(self.root);
        iter
    }

    fn size(&self, node: usize) -> usize {
        if node == NIL {
            0
        } else {
            self.nodes[node].size
        }
    }

    /// Splitmix64 of the insertion index: a fixed pseudo-random heap priority.
    fn priority(index: usize) -> u64 {
        let mut z = (index as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Inserts node `new` into the subtree at `node`; returns the subtree's new root.
    /// Recursion depth is the tree depth, expected O(log n).
    fn insert_below(&mut self, node: usize, new: usize) -> usize {
        if node == NIL {
            return new;
        }
        self.nodes[node].size += 1;
        if self.nodes[new].value < self.nodes[node].value {
            let child = self.insert_below(self.nodes[node].left, new);
            self.nodes[node].left = child;
            if Self::priority(child) > Self::priority(node) {
                return self.rotate(node, child, true);
            }
        } else {
            let child = self.insert_below(self.nodes[node].right, new);
            self.nodes[node].right = child;
            if Self::priority(child) > Self::priority(node) {
                return self.rotate(node, child, false);
            }
        }
        node
    }

    /// Lifts `child` (the left child if `from_left`) above `node`; returns `child`.
    fn rotate(&mut self, node: usize, child: usize, from_left: bool) -> usize {
        if from_left {
            self.nodes[node].left = self.nodes[child].right;
            self.nodes[child].right = node;
        } else {
            self.nodes[node].right = self.nodes[child].left;
            self.nodes[child].left = node;
        }
        self.nodes[child].size = self.nodes[node].size;
        let Node { left, right, .. } = self.nodes[node];
        self.nodes[node].size = 1 + self.size(left) + self.size(right);
        child
    }
}

/// In-order iterator over an [`OrderStatistics`].
pub(crate) struct InOrder<'a> {
    tree: &'a OrderStatistics,
    stack: Vec<usize>,
}

impl InOrder<'_> {
    fn push_left_spine(&mut self, mut node: usize) {
        while node != NIL {
            self.stack.push(node);
            node = self.tree.nodes[node].left;
        }
    }
}

impl Iterator for InOrder<'_> {
    type Item = f64;

    fn next(&mut self) -> Option<f64> {
        let node = self.stack.pop()?;
        let Node { value, right, .. } = self.tree.nodes[node];
        self.push_left_spine(right);
        Some(value)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.stack.len(), Some(self.tree.len()))
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

/// [`Persisted`] as written: the finite values in increasing order, straight from the tree.
#[derive(Serialize)]
struct PersistedRef<'a> {
    finite: FiniteValues<'a>,
    negative_infinities: usize,
    positive_infinities: usize,
}

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
        let mut finite = persisted.finite;
        if let Some(index) = finite.iter().position(|v| !v.is_finite()) {
            return Err(Error::invalid(
                "finite",
                format!("a non-finite value at index {index}"),
                "holds finite values only; infinities are persisted as counts",
            ));
        }
        let total = [persisted.negative_infinities, persisted.positive_infinities]
            .iter()
            .try_fold(finite.len(), |sum, &count| sum.checked_add(count))
            .filter(|&total| total <= PERSISTED_LIMIT)
            .ok_or(Error::CountOverflow {
                what: "persisted order statistics",
                limit: PERSISTED_LIMIT as u64,
            })?;
        finite.sort_unstable_by(f64::total_cmp);
        let mut tree = OrderStatistics {
            nodes: Vec::with_capacity(total),
            root: NIL,
        };
        let negative = std::iter::repeat_n(f64::NEG_INFINITY, persisted.negative_infinities);
        let positive = std::iter::repeat_n(f64::INFINITY, persisted.positive_infinities);
        for value in negative.chain(finite).chain(positive) {
            tree.insert(value);
        }
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

    /// A fixed pseudo-random sequence with many ties.
    fn values(n: usize) -> Vec<f64> {
        (0..n)
            .map(|i| (OrderStatistics::priority(i + 1000) % 97) as f64 - 40.0)
            .collect()
    }

    #[test]
    fn queries_match_a_sorted_vector() {
        let data = values(2000);
        let mut tree = OrderStatistics::default();
        for (i, &v) in data.iter().enumerate() {
            tree.insert(v);
            if i % 97 == 0 || i + 1 == data.len() {
                let mut sorted = data[..=i].to_vec();
                sorted.sort_by(f64::total_cmp);
                assert_eq!(tree.len(), i + 1);
                assert_eq!(tree.iter().collect::<Vec<_>>(), sorted);
                for k in [1, (i + 2) / 2, i + 1] {
                    assert_eq!(tree.kth(k), Some(sorted[k - 1]));
                }
                assert_eq!(tree.kth(0), None);
                assert_eq!(tree.kth(i + 2), None);
                for x in [-41.0, -3.0, 0.0, 0.5, 56.0] {
                    let expected = sorted.iter().filter(|&&v| v <= x).count();
                    assert_eq!(tree.count_le(x), expected);
                }
            }
        }
    }

    #[test]
    fn infinities_and_signed_zero_are_ordered() {
        let mut tree = OrderStatistics::default();
        for v in [f64::INFINITY, -0.0, 1.0, f64::NEG_INFINITY, 0.0] {
            tree.insert(v);
        }
        assert_eq!(tree.kth(1), Some(f64::NEG_INFINITY));
        assert_eq!(tree.kth(5), Some(f64::INFINITY));
        assert_eq!(tree.count_le(0.0), 3);
        assert_eq!(tree.count_le(-0.0), 3);
    }

    #[test]
    fn depth_stays_logarithmic_on_sorted_input() {
        let mut tree = OrderStatistics::default();
        for i in 0..100_000 {
            tree.insert(f64::from(i));
        }
        fn depth(tree: &OrderStatistics, node: usize) -> usize {
            if node == NIL {
                return 0;
            }
            let Node { left, right, .. } = tree.nodes[node];
            1 + depth(tree, left).max(depth(tree, right))
        }
        // Expected depth is about 2.99 ln n = 34 for n = 1e5.
        assert!(depth(&tree, tree.root) < 60);
        assert_eq!(tree.kth(50_000), Some(49_999.0));
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
}
