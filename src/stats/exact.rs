//! Exact null distribution of the Mann-Whitney U statistic for samples without ties.

use super::Tail;

/// Worst-case number of steps to compute an exact tail for sizes `m` and `n`.
pub(crate) fn untied_cost(m: u64, n: u64) -> f64 {
    let _ = (m, n);
    unimplemented!("exact distribution")
}

/// `P(U <= u)` or `P(U >= u)` for the U of a sample of size `m` against one of size `n`.
pub(crate) fn untied_tail(m: u64, n: u64, u: u64, tail: Tail) -> f64 {
    let _ = (m, n, u, tail);
    unimplemented!("exact distribution")
}

/// The smallest `q` with `P(U <= q) >= prob`.
pub(crate) fn untied_quantile(m: u64, n: u64, prob: f64) -> u64 {
    let _ = (m, n, prob);
    unimplemented!("exact distribution")
}
