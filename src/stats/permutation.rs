//! Exact permutation distribution of U given the observed tie pattern.

use super::rank::TieGroup;
use super::Tail;

/// Worst-case number of steps to compute a conditional tail for these tie groups.
pub(crate) fn conditional_cost(groups: &[TieGroup]) -> f64 {
    let _ = groups;
    unimplemented!("conditional distribution")
}

/// `P(2U <= twice_u)` or `P(2U >= twice_u)` over all splits of the pooled sample (tie pattern
/// fixed) into samples of the observed sizes.
pub(crate) fn conditional_tail(groups: &[TieGroup], twice_u: u128, tail: Tail) -> f64 {
    let _ = (groups, twice_u, tail);
    unimplemented!("conditional distribution")
}
