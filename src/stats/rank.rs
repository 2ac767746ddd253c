//! Sorting and the one merge pass that gives U and the tie term.
//!
//! Each sample is sorted once, as integer keys that order like the floats, then a linear merge
//! of the two sorted samples walks the pooled sample as a sequence of tie groups. Every rank
//! statistic here is a fold over those groups, which is also how histogram input is handled:
//! a bucket is a tie group.

use crate::error::{Error, Result};
use crate::sample::{clean_sample_with, first_nan, Infinities, NanPolicy};

/// Largest total number of observations: beyond 2^53 counts stop being exact in f64.
pub(crate) const MAX_OBSERVATIONS: u64 = 1 << 53;

const SIGN_BIT: u64 = 1 << 63;

/// An integer that orders like `value` (NaN excluded), with `-0.0` and `0.0` mapped to one key.
///
/// Sorting these keys is about twice as fast as sorting the floats with `total_cmp`.
fn order_key(value: f64) -> u64 {
    let bits = (value + 0.0).to_bits(); // `-0.0 + 0.0` is `0.0`
    if bits & SIGN_BIT != 0 {
        !bits
    } else {
        bits | SIGN_BIT
    }
}

/// The inverse of [`order_key`].
fn from_order_key(key: u64) -> f64 {
    f64::from_bits(if key & SIGN_BIT != 0 {
        key & !SIGN_BIT
    } else {
        !key
    })
}

/// Validates a sample and returns its order keys sorted ascending.
pub(crate) fn sorted_keys(
    sample: &'static str,
    data: &[f64],
    nan_policy: NanPolicy,
    infinities: Infinities,
) -> Result<Vec<u64>> {
    let mut keys = clean_sample_with(sample, data, nan_policy, infinities, order_key)?;
    keys.sort_unstable();
    Ok(keys)
}

/// Checks that `data` is a sample sorted ascending: not empty, no NaN, no value above the next.
pub(crate) fn check_sorted(sample: &'static str, data: &[f64]) -> Result<()> {
    if data.is_empty() {
        return Err(Error::EmptySample {
            sample,
            after_removal: "",
        });
    }
    if let Some(index) = first_nan(data) {
        return Err(Error::invalid(
            sample,
            format!("NaN at index {index}"),
            "a sorted sample holds no NaN",
        ));
    }
    match data.windows(2).position(|pair| pair[0] > pair[1]) {
        Some(index) => Err(Error::invalid(
            sample,
            format!(
                "{} before {} at index {index}",
                data[index],
                data[index + 1]
            ),
            "a sample sorted ascending",
        )),
        None => Ok(()),
    }
}

/// A validated sample sorted ascending: no NaN, at least one value.
#[derive(Debug, Clone)]
pub(crate) struct SortedSample(Vec<f64>);

impl SortedSample {
    /// Validates `data` under `nan_policy` and `infinities`, then sorts a copy.
    pub(crate) fn new(
        sample: &'static str,
        data: &[f64],
        nan_policy: NanPolicy,
        infinities: Infinities,
    ) -> Result<Self> {
        let keys = sorted_keys(sample, data, nan_policy, infinities)?;
        Ok(SortedSample(keys.into_iter().map(from_order_key).collect()))
    }

    /// The sorted values.
    pub(crate) fn values(&self) -> &[f64] {
        &self.0
    }

    /// The number of values.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// The `q` quantile, `q` in [0, 1] (see [`linear_quantile`]).
    pub(crate) fn quantile(&self, q: f64) -> f64 {
        linear_quantile(&self.0, q)
    }

    /// The median (mean of the two middle values for an even count).
    pub(crate) fn median(&self) -> f64 {
        let v = &self.0;
        let mid = v.len() / 2;
        if v.len() % 2 == 1 {
            v[mid]
        } else {
            v[mid - 1] / 2.0 + v[mid] / 2.0
        }
    }
}

/// The `q` quantile of values sorted ascending (not empty), interpolated linearly between
/// order statistics: Hyndman & Fan's type 7, the default of R, numpy and Kayenta.
///
/// The interpolation is numpy's, which works from the nearer order statistic (so it is exact
/// at both ends and matches `numpy.percentile` to the last bit); if the two values are so far
/// apart that their difference overflows, it weights them separately instead.
pub(crate) fn linear_quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = (h.floor() as usize).min(sorted.len() - 1);
    let (a, b) = (sorted[lo], sorted[(lo + 1).min(sorted.len() - 1)]);
    let t = h - lo as f64;
    let difference = b - a;
    if !difference.is_finite() {
        a * (1.0 - t) + b * t
    } else if t >= 0.5 {
        b - difference * (1.0 - t)
    } else {
        a + difference * t
    }
}

/// How many observations of `x` and of `y` share one value of the pooled sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TieGroup {
    /// Observations from `x` at this value.
    pub(crate) x: u64,
    /// Observations from `y` at this value.
    pub(crate) y: u64,
}

impl TieGroup {
    /// Size of the group in the pooled sample.
    pub(crate) fn size(self) -> u64 {
        self.x + self.y
    }
}

/// The tie groups of two sorted samples (values or order keys), in ascending order.
///
/// `-0.0` and `0.0` compare equal and so share a group, as they do in scipy and R.
pub(crate) fn tie_groups<'a, T: Copy + PartialOrd>(
    x: &'a [T],
    y: &'a [T],
) -> impl Iterator<Item = TieGroup> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        let value = match (x.get(i), y.get(j)) {
            (Some(&a), Some(&b)) => {
                if a <= b {
                    a
                } else {
                    b
                }
            }
            (Some(&a), None) => a,
            (None, Some(&b)) => b,
            (None, None) => return None,
        };
        let (start_i, start_j) = (i, j);
        while i < x.len() && x[i] == value {
            i += 1;
        }
        while j < y.len() && y[j] == value {
            j += 1;
        }
        Some(TieGroup {
            x: (i - start_i) as u64,
            y: (j - start_j) as u64,
        })
    })
}

/// The tie groups of two histograms over shared ordered buckets; empty buckets are skipped.
pub(crate) fn bucket_groups<'a>(
    x_counts: &'a [u64],
    y_counts: &'a [u64],
) -> impl Iterator<Item = TieGroup> + 'a {
    x_counts
        .iter()
        .zip(y_counts)
        .map(|(&x, &y)| TieGroup { x, y })
        .filter(|group| group.x > 0 || group.y > 0)
}

/// U of `x`, the tie term and the sample sizes: everything a rank test needs from the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RankSummary {
    /// Observations in `x`.
    pub(crate) n_x: u64,
    /// Observations in `y`.
    pub(crate) n_y: u64,
    /// Twice the Mann-Whitney U of `x`: an integer even with ties (half-counts).
    pub(crate) twice_u_x: u128,
    /// `sum(t^3 - t)` over tie groups of size `t`, the tie correction of the variance.
    pub(crate) tie_term: f64,
    /// Number of values shared by two or more observations.
    pub(crate) tied_values: u64,
    /// Number of observations that share their value with another observation.
    pub(crate) tied_observations: u64,
}

impl RankSummary {
    /// Folds the tie groups of the pooled sample, in ascending order, into the summary.
    ///
    /// Each `x` observation in a group beats the `y` observations below it and ties with
    /// the `y` observations in the group, so `2U` gains `x * (2 * y_below + y)`.
    pub(crate) fn from_groups(groups: impl Iterator<Item = TieGroup>) -> Result<Self> {
        let overflow = Error::CountOverflow {
            what: "the total number of observations",
            limit: MAX_OBSERVATIONS,
        };
        let mut summary = RankSummary {
            n_x: 0,
            n_y: 0,
            twice_u_x: 0,
            tie_term: 0.0,
            tied_values: 0,
            tied_observations: 0,
        };
        for group in groups {
            let size = group.x.checked_add(group.y);
            let total = size.and_then(|size| size.checked_add(summary.n_x + summary.n_y));
            let Some(size) = size.filter(|_| total.is_some_and(|t| t <= MAX_OBSERVATIONS)) else {
                return Err(overflow);
            };
            summary.twice_u_x +=
                u128::from(group.x) * (2 * u128::from(summary.n_y) + u128::from(group.y));
            summary.n_x += group.x;
            summary.n_y += group.y;
            if size > 1 {
                let t = size as f64;
                summary.tie_term += t * t * t - t;
                summary.tied_values += 1;
                summary.tied_observations += size;
            }
        }
        Ok(summary)
    }

    /// The summary of two sorted samples: order keys (see [`sorted_keys`]) or NaN-free
    /// floats (see [`check_sorted`]), whose `==` also makes `-0.0` and `0.0` one value.
    ///
    /// Continuous data rarely tie, so this first counts `y` values below each `x` value with
    /// one branch-free merge pass that also notices a value shared by both samples. If there
    /// is none and neither sample repeats a value, there are no ties and U is that count;
    /// otherwise it walks the tie groups.
    pub(crate) fn from_sorted<T: Copy + PartialOrd>(x: &[T], y: &[T]) -> Result<Self> {
        let n_x = x.len() as u64;
        let n_y = y.len() as u64;
        if n_x.saturating_add(n_y) > MAX_OBSERVATIONS {
            return Err(Error::CountOverflow {
                what: "the total number of observations",
                limit: MAX_OBSERVATIONS,
            });
        }
        let (below, shared) = count_y_below(x, y);
        let tie_free = !shared && !has_repeats(x) && !has_repeats(y);
        if !tie_free {
            return Self::from_groups(tie_groups(x, y));
        }
        Ok(RankSummary {
            n_x,
            n_y,
            twice_u_x: 2 * below,
            tie_term: 0.0,
            tied_values: 0,
            tied_observations: 0,
        })
    }

    /// The Mann-Whitney U of `x`.
    pub(crate) fn u_x(&self) -> f64 {
        self.twice_u_x as f64 / 2.0
    }

    /// `n_x * n_y`, the number of (x, y) pairs.
    pub(crate) fn pairs(&self) -> f64 {
        self.n_x as f64 * self.n_y as f64
    }

    /// Whether any value is shared by two or more observations.
    pub(crate) fn has_ties(&self) -> bool {
        self.tied_values > 0
    }
}

/// `sum_i #{j : y_j < x_i}` for sorted `x`, `y`, and whether a value occurs in both.
///
/// One merge step per element, without a data-dependent branch: which sample advances is
/// computed, not branched on, so random interleaving costs no mispredictions. A value shared
/// by both samples is always compared with itself: when such an `x_i` is the head of `x`, `y`
/// has advanced past exactly the values below it, so its head is that value.
fn count_y_below<T: Copy + PartialOrd>(x: &[T], y: &[T]) -> (u128, bool) {
    let (mut i, mut j, mut sum, mut shared) = (0, 0, 0u128, false);
    while i < x.len() && j < y.len() {
        let (a, b) = (x[i], y[j]);
        let y_first = b < a;
        shared |= a == b;
        sum += if y_first { 0 } else { j as u128 };
        i += usize::from(!y_first);
        j += usize::from(y_first);
    }
    (sum + (x.len() - i) as u128 * j as u128, shared)
}

/// Whether a sorted slice holds a value twice.
fn has_repeats<T: PartialEq>(sorted: &[T]) -> bool {
    sorted.windows(2).any(|pair| pair[0] == pair[1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(x: &[f64], y: &[f64]) -> RankSummary {
        let sx = sorted_keys("x", x, NanPolicy::Reject, Infinities::Allowed).unwrap();
        let sy = sorted_keys("y", y, NanPolicy::Reject, Infinities::Allowed).unwrap();
        let by_groups = RankSummary::from_groups(tie_groups(&sx, &sy)).unwrap();
        assert_eq!(RankSummary::from_sorted(&sx, &sy).unwrap(), by_groups);
        by_groups
    }

    #[test]
    fn tie_free_fast_path_agrees_with_the_group_walk() {
        let s = summary(&[0.5, 3.0, -2.0, 7.0], &[1.0, 2.0, 8.0]);
        // 0.5 beats nothing, 3.0 beats 1 and 2, -2.0 nothing, 7.0 beats 1 and 2.
        assert_eq!(s.u_x(), 4.0);
        assert!(!s.has_ties());
        // A cross-sample tie and a within-sample repeat each leave the fast path.
        assert!(summary(&[1.0, 2.0], &[2.0, 5.0]).has_ties());
        assert!(summary(&[1.0, 1.0], &[3.0, 5.0]).has_ties());
        // Shared values at either end of either sample are seen by the one merge pass.
        for (x, y) in [
            (&[5.0][..], &[1.0, 5.0][..]),
            (&[1.0, 2.0, 9.0][..], &[9.0][..]),
            (&[-3.0, 4.0][..], &[-3.0][..]),
            (&[7.0][..], &[7.0, 8.0][..]),
        ] {
            assert!(summary(x, y).has_ties(), "{x:?} {y:?}");
            assert!(summary(y, x).has_ties(), "{y:?} {x:?}");
        }
    }

    #[test]
    fn merge_agrees_with_the_group_walk_and_brute_force_on_random_samples() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |bound: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) % bound
        };
        for _ in 0..2_000 {
            let (n, m, spread) = (1 + next(12), 1 + next(12), 1 + next(40));
            let x: Vec<f64> = (0..n).map(|_| next(spread) as f64 - 5.0).collect();
            let y: Vec<f64> = (0..m).map(|_| next(spread) as f64 - 5.0).collect();
            // `summary` asserts that the fast path and the group walk agree.
            let s = summary(&x, &y);
            let wins: f64 = x
                .iter()
                .flat_map(|a| {
                    y.iter().map(move |b| {
                        f64::from(u8::from(a > b)) + f64::from(u8::from(a == b)) / 2.0
                    })
                })
                .sum();
            assert_eq!(s.u_x(), wins, "{x:?} {y:?}");
        }
    }

    #[test]
    fn order_keys_sort_like_the_floats_and_invert() {
        let values = [
            f64::NEG_INFINITY,
            -2.5,
            -1e-300,
            0.0,
            1e-300,
            3.0,
            f64::INFINITY,
        ];
        for pair in values.windows(2) {
            assert!(order_key(pair[0]) < order_key(pair[1]), "{pair:?}");
        }
        for v in values {
            assert_eq!(from_order_key(order_key(v)), v);
        }
        assert_eq!(order_key(-0.0), order_key(0.0));
    }

    #[test]
    fn sorted_sample_is_sorted_with_its_median() {
        let s = SortedSample::new(
            "x",
            &[3.0, -1.0, 2.0, 10.0],
            NanPolicy::Reject,
            Infinities::Allowed,
        )
        .unwrap();
        assert_eq!(s.values(), &[-1.0, 2.0, 3.0, 10.0]);
        assert_eq!((s.len(), s.median()), (4, 2.5));
    }

    #[test]
    fn linear_quantiles_interpolate_from_the_nearer_order_statistic() {
        let sorted = [1.0, 3.0, 4.0, 20.0];
        // numpy.percentile([1, 3, 4, 20], [0, 25, 90, 100]) = 1, 2.5, 15.2, 20.
        assert_eq!(linear_quantile(&sorted, 0.0), 1.0);
        assert_eq!(linear_quantile(&sorted, 0.25), 2.5);
        assert!((linear_quantile(&sorted, 0.9) - 15.2).abs() < 1e-12);
        assert_eq!(linear_quantile(&sorted, 1.0), 20.0);
        assert_eq!(linear_quantile(&[7.0], 0.3), 7.0);
        // A difference that overflows still interpolates between the two values.
        assert_eq!(linear_quantile(&[-f64::MAX, f64::MAX], 0.5), 0.0);
    }

    #[test]
    fn u_counts_wins_and_half_ties() {
        // x = 3 beats 1 and 2; x = 2 ties with y = 2 and beats 1; x = 0 beats nothing.
        let s = summary(&[3.0, 2.0, 0.0], &[1.0, 2.0]);
        assert_eq!(s.u_x(), 2.0 + 1.5);
        assert_eq!((s.n_x, s.n_y), (3, 2));
        assert_eq!(s.tie_term, 6.0);
        assert_eq!((s.tied_values, s.tied_observations), (1, 2));
    }

    #[test]
    fn signed_zeros_and_infinities_rank_like_numbers() {
        let s = summary(&[-0.0, f64::INFINITY], &[0.0, f64::NEG_INFINITY]);
        // -0.0 ties with 0.0 and beats -inf; inf beats both.
        assert_eq!(s.u_x(), 1.5 + 2.0);
        assert_eq!(s.tied_values, 1);
    }

    #[test]
    fn buckets_are_tie_groups() {
        let groups: Vec<_> = bucket_groups(&[1, 0, 2], &[0, 0, 3]).collect();
        assert_eq!(
            groups,
            vec![TieGroup { x: 1, y: 0 }, TieGroup { x: 2, y: 3 }]
        );
    }

    #[test]
    fn overflowing_counts_are_an_error() {
        let groups = [TieGroup {
            x: MAX_OBSERVATIONS,
            y: 1,
        }];
        let err = RankSummary::from_groups(groups.into_iter()).unwrap_err();
        assert!(matches!(err, Error::CountOverflow { .. }));
    }
}
