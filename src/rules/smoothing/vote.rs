//! k-of-n voting over the last n ticks.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::{Level, NoDataPolicy, Smoother};
use crate::error::{Error, Result};

/// Breached when at least `k` of the last `n` ticks were breaches.
///
/// The input per tick is `Some(true)` (breach), `Some(false)` (no breach) or `None` (no
/// data, skipped unless [`NoDataPolicy::CountAsFailure`] makes it a breach). `k = n` is "n in
/// a row"; `k = 1` reacts to any breach in the window.
///
/// ```
/// use canary_judge::rules::smoothing::{Level, Smoother, Vote};
///
/// let mut vote = Vote::new(2, 3)?; // 2 of the last 3
/// let ticks = [Some(true), Some(false), None, Some(false), Some(true), Some(true)];
/// let levels: Vec<Level> = ticks.iter().map(|&t| vote.update(t)).collect::<Result<_, _>>()?;
/// assert_eq!(levels[..5], [Level::Clear; 5]);
/// assert_eq!(levels[5], Level::Breached);
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "VoteState")]
pub struct Vote {
    k: usize,
    n: usize,
    no_data: NoDataPolicy,
    ticks: VecDeque<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoteState {
    k: usize,
    n: usize,
    no_data: NoDataPolicy,
    ticks: VecDeque<bool>,
}

impl TryFrom<VoteState> for Vote {
    type Error = Error;
    fn try_from(state: VoteState) -> Result<Vote> {
        let mut vote = Vote::new(state.k, state.n)?.no_data(state.no_data);
        state.ticks.into_iter().for_each(|breach| vote.push(breach));
        Ok(vote)
    }
}

impl Vote {
    /// `k` of the last `n` ticks, with `1 <= k <= n`; no-data ticks are skipped.
    pub fn new(k: usize, n: usize) -> Result<Vote> {
        if k == 0 || k > n {
            return Err(Error::invalid(
                "k",
                format!("{k} (n = {n})"),
                "the number of breaches needed must be between 1 and n",
            ));
        }
        Ok(Vote {
            k,
            n,
            no_data: NoDataPolicy::Skip,
            ticks: VecDeque::with_capacity(n.min(1024)),
        })
    }

    /// Sets what a no-data tick counts as.
    pub fn no_data(mut self, policy: NoDataPolicy) -> Vote {
        self.no_data = policy;
        self
    }

    /// Breaches among the ticks in the window.
    pub fn breaches(&self) -> usize {
        self.ticks.iter().filter(|&&breach| breach).count()
    }

    fn push(&mut self, breach: bool) {
        if self.ticks.len() >= self.n {
            self.ticks.pop_front();
        }
        self.ticks.push_back(breach);
    }
}

impl Smoother for Vote {
    type Input = Option<bool>;
    type Output = Level;

    fn update(&mut self, input: Option<bool>) -> Result<Level> {
        match (input, self.no_data) {
            (Some(breach), _) => self.push(breach),
            (None, NoDataPolicy::CountAsFailure) => self.push(true),
            (None, NoDataPolicy::Skip) => {}
        }
        Ok(if self.breaches() >= self.k {
            Level::Breached
        } else {
            Level::Clear
        })
    }
}
