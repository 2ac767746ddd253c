//! An anytime-valid test on counts of events (errors, crashes) in the canary and the baseline
//! (Lindon and Malek 2022; Lindon, Sanden and Shirikian 2022).
//!
//! Each arm's events form a Poisson process with intensity `share_i exp(delta_i) lambda(t)`,
//! where `lambda(t)` is an unknown, arbitrarily time-varying common rate. Given that an event
//! happened, it lands in the canary with probability
//! `theta = pi r / (pi r + 1 - pi)`, where `pi` is the canary's traffic share and
//! `r = exp(delta_canary - delta_baseline)` the rate ratio; `lambda(t)` cancels. Under
//! `r = 1`, `theta = pi`. With a `Beta(k pi, k (1-pi))` prior on `theta`, the Bayes factor
//!
//! `BF = [B(k pi + C, k (1-pi) + D) / B(k pi, k (1-pi))] / (pi^C (1-pi)^D)`
//!
//! after `C` canary and `D` baseline events is a test martingale under `r = 1`, so by Ville's
//! inequality `P(BF >= 1/alpha ever) <= alpha`.
//!
//! **Share changes.** The Beta prior is tied to one share. When the share changes, the current
//! stage ends and a new one starts with a fresh prior at the new share; the e-value is the
//! product of the stages' Bayes factors. Each stage's factor has conditional mean 1 given the
//! past under the null, so the product is still a test martingale, as long as each new share is
//! set before the events it applies to are seen (it is predictable).
//!
//! **One-sided.** For `H0: r <= 1` (`Alternative::Greater`) the e-value is the infimum over the
//! null of the per-ratio e-values, `prod m_j / sup_{r <= 1} L(r)` (marginal likelihoods over
//! the likelihood at the best null ratio), which is at most the e-value at the true ratio. The
//! log likelihood is concave in `log r`, so when the canary has at least its expected share of
//! events the supremum sits at `r = 1` and the one-sided e-value equals the two-sided one.
//! Otherwise the test uses `prod_j m_j / L_j(theta_hat_j)` (each stage at its own maximum),
//! which is smaller still, hence valid, equals the exact value with a single stage, and never
//! exceeds 1.

use serde::{Deserialize, Serialize};
use statrs::function::gamma::ln_gamma;

use super::mixture_boundary::check_alpha;
use super::sequential::{Interval, SequentialDecision, SequentialTest};
use super::Alternative;
use crate::error::{Error, Result};

/// Batches with more events than this use log-gamma differences instead of the running
/// product of per-event factors.
const PRODUCT_LIMIT: u64 = 256;

/// Smallest share (and one minus the largest) accepted: keeps every per-event factor and
/// every product of four of them inside the range of doubles.
const MIN_SHARE: f64 = 1e-9;

/// Options of [`EventCountTest`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct EventCountOptions {
    /// Level: reject once the e-value reaches `1/alpha`. In (0, 1); default 0.05.
    pub alpha: f64,
    /// `Greater` (default): the canary's event rate is higher (more errors is worse);
    /// `Less`: lower (fewer successes is worse); `TwoSided`: either.
    pub alternative: Alternative,
    /// Prior concentration `k`: the prior counts as `k` events centred on the null. Larger
    /// values favour detecting small ratios late, smaller ones large ratios early. In
    /// [1e-3, 1e12]; default 100 (savvi and seqabpy).
    pub concentration: f64,
}

impl Default for EventCountOptions {
    fn default() -> Self {
        EventCountOptions {
            alpha: 0.05,
            alternative: Alternative::Greater,
            concentration: 100.0,
        }
    }
}

impl EventCountOptions {
    /// Sets the level.
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets the alternative.
    pub fn alternative(mut self, alternative: Alternative) -> Self {
        self.alternative = alternative;
        self
    }

    /// Sets the prior concentration `k`.
    pub fn concentration(mut self, concentration: f64) -> Self {
        self.concentration = concentration;
        self
    }
}

/// New events in one tick.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventCounts {
    /// Events in the canary.
    pub canary: u64,
    /// Events in the baseline.
    pub baseline: u64,
}

/// Events seen while the canary's share was constant, with that stage's Bayes factor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct Stage {
    share: f64,
    canary: u64,
    baseline: u64,
    log_bayes_factor: f64,
}

impl Stage {
    fn new(share: f64) -> Self {
        Stage {
            share,
            canary: 0,
            baseline: 0,
            log_bayes_factor: 0.0,
        }
    }

    fn events(&self) -> u64 {
        self.canary + self.baseline
    }

    /// Canary events beyond those expected under the null: the slope of the log likelihood
    /// in `log r` at `r = 1`.
    fn excess(&self) -> f64 {
        self.canary as f64 - self.events() as f64 * self.share
    }

    /// `log` of the stage's Bayes factor after `add` more events, by the recursion
    /// `BF *= (a + c)/((k + n) pi)` per canary event (`(b + d)/((k + n)(1 - pi))` per baseline
    /// event), or by log-gamma differences for large batches.
    fn log_bayes_factor_after(&self, add: EventCounts, k: f64) -> f64 {
        let (pi, c, d) = (self.share, self.canary as f64, self.baseline as f64);
        let (a, b, n) = (k * pi, k * (1.0 - pi), c + d);
        let (x, y) = (add.canary as f64, add.baseline as f64);
        let increment = if add.canary + add.baseline <= PRODUCT_LIMIT {
            let mut product = RunningLogProduct::default();
            product.push_ratios(a + c, k + n, pi, add.canary);
            product.push_ratios(b + d, k + n + x, 1.0 - pi, add.baseline);
            product.log()
        } else {
            let log_rising = |start: f64, count: f64| ln_gamma(start + count) - ln_gamma(start);
            log_rising(a + c, x) + log_rising(b + d, y)
                - log_rising(k + n, x + y)
                - x * pi.ln()
                - y * (1.0 - pi).ln()
        };
        self.log_bayes_factor + increment
    }

    /// `log m - log L(theta_hat)`: the stage's evidence against its own best fit (at most 0).
    fn log_evidence_against_best_fit(&self) -> f64 {
        let (c, d, pi) = (self.canary as f64, self.baseline as f64, self.share);
        let n = c + d;
        let x_log_ratio = |x: f64, p: f64| if x > 0.0 { x * (x / n / p).ln() } else { 0.0 };
        self.log_bayes_factor - x_log_ratio(c, pi) - x_log_ratio(d, 1.0 - pi)
    }

    /// `log` of the stage's marginal likelihood `B(a + C, b + D)/B(a, b)`.
    fn log_marginal(&self) -> f64 {
        let pi = self.share;
        self.log_bayes_factor
            + self.canary as f64 * pi.ln()
            + self.baseline as f64 * (1.0 - pi).ln()
    }
}

/// `log` of a product of many ratios: numerators and denominators are multiplied separately
/// (no division per factor) and folded into the logarithm every four factors, which keeps both
/// partial products inside the range of doubles.
struct RunningLogProduct {
    log: f64,
    numerator: f64,
    denominator: f64,
    pending: u8,
}

impl Default for RunningLogProduct {
    fn default() -> Self {
        RunningLogProduct {
            log: 0.0,
            numerator: 1.0,
            denominator: 1.0,
            pending: 0,
        }
    }
}

impl RunningLogProduct {
    /// Pushes `(start + i) / ((denominator + i) * scale)` for `i` in `0..count`.
    fn push_ratios(&mut self, start: f64, denominator: f64, scale: f64, count: u64) {
        for i in 0..count {
            let i = i as f64;
            self.numerator *= start + i;
            self.denominator *= (denominator + i) * scale;
            self.pending += 1;
            if self.pending == 4 {
                self.log += (self.numerator / self.denominator).ln();
                *self = RunningLogProduct {
                    log: self.log,
                    ..RunningLogProduct::default()
                };
            }
        }
    }

    fn log(&self) -> f64 {
        self.log + (self.numerator / self.denominator).ln()
    }
}

/// The Lindon-Malek test on event counts in the canary and the baseline.
///
/// Feed each tick's new event counts; change the canary's traffic share with
/// [`EventCountTest::set_canary_share`] before feeding events seen at the new share. An update
/// costs O(1) (O(events) up to 256 events per batch, a few log-gamma calls beyond).
///
/// ```
/// use canary_judge::stats::{
///     EventCountOptions, EventCounts, SequentialDecision, SequentialTest, EventCountTest,
/// };
///
/// // 10 % of the traffic goes to the canary; an error is "worse" (the default alternative).
/// let mut test = EventCountTest::new(0.1, EventCountOptions::default())?;
/// let mut decision = SequentialDecision::Continue;
/// for _minute in 0..30 {
///     // The canary gets 2 errors a minute where 1 would be expected at equal rates.
///     decision = test.update(EventCounts { canary: 2, baseline: 9 })?;
/// }
/// assert_eq!(decision, SequentialDecision::Reject);
/// let ratio = test.interval().unwrap();
/// assert!(ratio.low > 1.0 && ratio.high.is_infinite());
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventCountTest {
    options: EventCountOptions,
    current: Stage,
    finished: Vec<Stage>,
    finished_log_bayes_factor: f64,
    finished_excess: f64,
    max_log_e: f64,
    decision: SequentialDecision,
}

impl EventCountTest {
    /// A test for a canary receiving `canary_share` of the traffic, in [1e-9, 1 - 1e-9].
    pub fn new(canary_share: f64, options: EventCountOptions) -> Result<Self> {
        check_share(canary_share)?;
        check_alpha("alpha", options.alpha)?;
        if !(1e-3..=1e12).contains(&options.concentration) {
            return Err(Error::invalid(
                "concentration",
                options.concentration,
                "must be in [1e-3, 1e12]",
            ));
        }
        Ok(EventCountTest {
            options,
            current: Stage::new(canary_share),
            finished: Vec::new(),
            finished_log_bayes_factor: 0.0,
            finished_excess: 0.0,
            max_log_e: 0.0,
            decision: SequentialDecision::Continue,
        })
    }

    /// The options the test runs with.
    pub fn options(&self) -> &EventCountOptions {
        &self.options
    }

    /// The canary's current traffic share.
    pub fn canary_share(&self) -> f64 {
        self.current.share
    }

    /// Sets the canary's traffic share for the events fed from now on. A different share
    /// after some events starts a new stage (see the module documentation); the evidence
    /// gathered so far is kept.
    pub fn set_canary_share(&mut self, canary_share: f64) -> Result<()> {
        check_share(canary_share)?;
        if canary_share == self.current.share {
            return Ok(());
        }
        if self.current.events() > 0 {
            self.finished_log_bayes_factor += self.current.log_bayes_factor;
            self.finished_excess += self.current.excess();
            self.finished.push(self.current);
        }
        self.current = Stage::new(canary_share);
        Ok(())
    }

    /// [`EventCountTest::set_canary_share`], then [`SequentialTest::update`] with `counts`, as
    /// one step that leaves the test as it was if either fails: cheaper than updating a copy
    /// when the share changes at every look.
    pub(crate) fn update_at_share(
        &mut self,
        canary_share: f64,
        counts: EventCounts,
    ) -> Result<SequentialDecision> {
        let (current, finished) = (self.current, self.finished.len());
        let finished_sums = (self.finished_log_bayes_factor, self.finished_excess);
        let result = self
            .set_canary_share(canary_share)
            .and_then(|()| self.update(counts));
        if result.is_err() {
            // `update` changes nothing before its checks pass, so only the share change is
            // undone.
            self.current = current;
            self.finished.truncate(finished);
            (self.finished_log_bayes_factor, self.finished_excess) = finished_sums;
        }
        result
    }

    /// Events seen in the canary and the baseline over all stages.
    pub fn counts(&self) -> EventCounts {
        self.stages()
            .fold(EventCounts::default(), |sum, stage| EventCounts {
                canary: sum.canary + stage.canary,
                baseline: sum.baseline + stage.baseline,
            })
    }

    /// The maximum-likelihood rate ratio (canary over baseline, per unit of traffic);
    /// `None` before any event, infinite when only the canary has events.
    pub fn rate_ratio(&self) -> Option<f64> {
        (self.observations() > 0).then(|| self.likelihood().best_log_ratio(self.counts()).exp())
    }

    /// [`EventCountTest::rate_ratio`] and [`SequentialTest::interval`] together, sharing the
    /// maximum-likelihood search that both start from.
    pub fn rate_ratio_and_interval(&self) -> (Option<f64>, Option<Interval>) {
        let likelihood = self.likelihood();
        let best = likelihood.best_log_ratio(self.counts());
        let ratio = (self.observations() > 0).then(|| best.exp());
        (ratio, self.interval_around(&likelihood, best))
    }

    fn stages(&self) -> impl Iterator<Item = &Stage> {
        self.finished.iter().chain(std::iter::once(&self.current))
    }

    fn log_two_sided(&self) -> f64 {
        self.finished_log_bayes_factor + self.current.log_bayes_factor
    }

    fn excess(&self) -> f64 {
        self.finished_excess + self.current.excess()
    }

    /// Whether the data point away from the alternative, so the one-sided e-value is the
    /// stage-wise bound of the module documentation.
    fn against_alternative(&self, excess: f64) -> bool {
        match self.options.alternative {
            Alternative::TwoSided => false,
            Alternative::Greater => excess < 0.0,
            Alternative::Less => excess > 0.0,
        }
    }

    fn likelihood(&self) -> Likelihood {
        Likelihood {
            stages: self.stages().map(StageCounts::new).collect(),
        }
    }
}

/// A stage's counts as the likelihood needs them.
struct StageCounts {
    log_odds: f64,
    /// `exp(log_odds)` and `exp(-log_odds)`.
    odds: f64,
    inverse_odds: f64,
    canary: f64,
    baseline: f64,
}

impl StageCounts {
    fn new(stage: &Stage) -> Self {
        let (share, rest) = (stage.share, 1.0 - stage.share);
        StageCounts {
            log_odds: (share / rest).ln(),
            odds: share / rest,
            inverse_odds: rest / share,
            canary: stage.canary as f64,
            baseline: stage.baseline as f64,
        }
    }

    /// At log rate ratio `u` (with `exp(u)` and `exp(-u)` if [`exp_both`] gave them): the
    /// logit of the canary's event share, `exp(-|logit|)` and the share itself.
    fn at(&self, u: f64, exp_u: Option<(f64, f64)>) -> (f64, f64, f64) {
        let logit = u + self.log_odds;
        let small = match exp_u {
            Some((up, _)) if logit <= 0.0 => self.odds * up,
            Some((_, down)) => self.inverse_odds * down,
            None => (-logit.abs()).exp(),
        };
        let theta = if logit > 0.0 {
            1.0 / (1.0 + small)
        } else {
            small / (1.0 + small)
        };
        (logit, small, theta)
    }
}

/// `exp(u)` and `exp(-u)` when both are normal numbers: each stage's `exp(-|u + log_odds|)`
/// is then a product with its odds, accurate to a few roundings, so an evaluation of the
/// likelihood costs two `exp` calls rather than one per stage. `None` where that product
/// could lose precision (`|u|` beyond about 708); the stages then call `exp` each.
fn exp_both(u: f64) -> Option<(f64, f64)> {
    let (up, down) = (u.exp(), (-u).exp());
    (up.is_normal() && down.is_normal()).then_some((up, down))
}

/// `sum n ln(1 + s)` over terms with `s` in `[0, 1]` and counts `n`: the factors
/// `(1 + s)^n` are multiplied together and the product's logarithm is taken only when it
/// grows large and at the end. Each multiplication adds one rounding, far below the rounding
/// margin of the likelihood, which grows with the number of events.
struct SumOfLogOnePlus {
    log: f64,
    product: f64,
}

impl Default for SumOfLogOnePlus {
    fn default() -> Self {
        SumOfLogOnePlus {
            log: 0.0,
            product: 1.0,
        }
    }
}

/// Counts up to which a term is a power in the product (at most `2^64`); larger ones add their
/// logarithm directly.
const POWER_AT_MOST: f64 = 64.0;

/// The product's size above which its logarithm is folded into the sum: a factor of at most
/// `2^64` (about `1.8e19`) then cannot overflow it.
const FOLD_ABOVE: f64 = 1e150;

impl SumOfLogOnePlus {
    fn add(&mut self, s: f64, n: f64) {
        if n > POWER_AT_MOST {
            self.log += n * s.ln_1p();
            return;
        }
        self.product *= power(1.0 + s, n as u32);
        if self.product > FOLD_ABOVE {
            self.log += self.product.ln();
            self.product = 1.0;
        }
    }

    fn total(&self) -> f64 {
        self.log + self.product.ln()
    }
}

/// `base^exponent` by repeated squaring, as `powi` computes it, but inlined: the exponents
/// here are a tick's events, mostly one to three, where the call would cost more than the
/// multiplications.
fn power(mut base: f64, mut exponent: u32) -> f64 {
    let mut result = 1.0;
    while exponent > 0 {
        if exponent & 1 == 1 {
            result *= base;
        }
        base *= base;
        exponent >>= 1;
    }
    result
}

/// The log likelihood over all stages, with the per-stage odds and their logarithms computed
/// once per root search rather than once per evaluation.
struct Likelihood {
    stages: Vec<StageCounts>,
}

/// A function value with its slope (for Newton steps) and the size of its terms (for how far
/// rounding can move the value).
#[derive(Debug, Clone, Copy, Default)]
struct Evaluation {
    value: f64,
    slope: f64,
    magnitude: f64,
}

impl Likelihood {
    /// The maximum-likelihood log ratio of all events pooled into one stage at the
    /// event-weighted mean log odds: exact for one stage, and a close start for several.
    fn pooled_log_ratio(&self, counts: EventCounts) -> f64 {
        let (events, weighted_log_odds) = self.stages.iter().fold((0.0, 0.0), |(n, sum), stage| {
            let events = stage.canary + stage.baseline;
            (n + events, sum + events * stage.log_odds)
        });
        (counts.canary as f64 / counts.baseline as f64).ln() - weighted_log_odds / events
    }

    /// The log rate ratio maximising the likelihood (concave in it), given the events of
    /// each arm over all stages: infinite when one arm has none.
    ///
    /// The slope at the pooled guess tells on which side the maximum lies, so the bracket is
    /// widened from the guess on that side alone, and the Newton steps start one step from
    /// the guess.
    fn best_log_ratio(&self, counts: EventCounts) -> f64 {
        if counts.canary == 0 {
            return f64::NEG_INFINITY;
        }
        if counts.baseline == 0 {
            return f64::INFINITY;
        }
        let guess = self.pooled_log_ratio(counts);
        let at_guess = self.slope(guess);
        let direction = if at_guess.value > 0.0 { 1.0 } else { -1.0 };
        // Widen until the slope changes sign; stop at infinity, where rounding can leave the
        // slope at zero for extreme counts.
        let mut step = 1.0;
        let far = loop {
            let end = guess + direction * step;
            let slope_points_further = self.slope(end).value * direction >= 0.0;
            if !(end.is_finite() && slope_points_further) {
                break end;
            }
            step *= 2.0;
        };
        let (inside, outside) = if direction > 0.0 {
            (guess, far)
        } else {
            (far, guess)
        };
        let start = guess - at_guess.value / at_guess.slope;
        root(inside, outside, start, |u| self.slope(u))
    }

    /// The log likelihood at log rate ratio `u`, with its slope.
    ///
    /// Per stage, `-C softplus(-x) - D softplus(x)` with `x` the logit, which is
    /// `C min(x, 0) - D max(x, 0) - (C + D) ln_1p(exp(-|x|))`; the last terms are summed as
    /// the logarithm of a product (see [`SumOfLogOnePlus`]), so a stage costs no logarithm.
    fn value(&self, u: f64) -> Evaluation {
        let exp_u = exp_both(u);
        let mut sum = Evaluation::default();
        let mut tails = SumOfLogOnePlus::default();
        for stage in &self.stages {
            let (logit, small, theta) = stage.at(u, exp_u);
            let (c, d) = (stage.canary, stage.baseline);
            sum.value += c * logit.min(0.0) - d * logit.max(0.0);
            tails.add(small, c + d);
            sum.slope += c - (c + d) * theta;
            sum.magnitude += (c + d) * (1.0 + logit.abs());
        }
        sum.value -= tails.total();
        sum.magnitude += sum.value.abs();
        sum
    }

    /// The slope of the log likelihood at `u` and its own slope; no logarithm per stage.
    fn slope(&self, u: f64) -> Evaluation {
        let exp_u = exp_both(u);
        let mut sum = Evaluation::default();
        for stage in &self.stages {
            let (logit, _, theta) = stage.at(u, exp_u);
            let (c, d) = (stage.canary, stage.baseline);
            sum.value += c - (c + d) * theta;
            sum.slope -= (c + d) * theta * (1.0 - theta);
            sum.magnitude += (c + d) * (1.0 + logit.abs());
        }
        sum
    }
}

impl SequentialTest for EventCountTest {
    type Observation = EventCounts;

    fn update(&mut self, counts: EventCounts) -> Result<SequentialDecision> {
        let overflow = Error::CountOverflow {
            what: "events",
            limit: u64::MAX,
        };
        let added = counts.canary.checked_add(counts.baseline);
        let total = added.and_then(|n| n.checked_add(self.observations()));
        let canary = self.current.canary.checked_add(counts.canary);
        let baseline = self.current.baseline.checked_add(counts.baseline);
        let (Some(_), Some(canary), Some(baseline)) = (total, canary, baseline) else {
            return Err(overflow);
        };
        self.current.log_bayes_factor = self
            .current
            .log_bayes_factor_after(counts, self.options.concentration);
        self.current.canary = canary;
        self.current.baseline = baseline;
        // Against the alternative the e-value is at most 1 and cannot raise the maximum.
        if !self.against_alternative(self.excess()) {
            self.max_log_e = self.max_log_e.max(self.log_two_sided());
        }
        if self.decision == SequentialDecision::Continue
            && self.max_log_e >= (1.0 / self.options.alpha).ln()
        {
            self.decision = SequentialDecision::Reject;
        }
        Ok(self.decision)
    }

    fn decision(&self) -> SequentialDecision {
        self.decision
    }

    /// The log e-value: the log Bayes factor against `r = 1` two-sided, or the one-sided
    /// e-value of the module documentation.
    fn log_statistic(&self) -> f64 {
        if self.against_alternative(self.excess()) {
            self.stages()
                .map(Stage::log_evidence_against_best_fit)
                .sum()
        } else {
            self.log_two_sided()
        }
    }

    fn pvalue(&self) -> f64 {
        (-self.max_log_e).exp().min(1.0)
    }

    /// The confidence sequence on the rate ratio `r` at the current look:
    /// `{r : sum_j log m_j - log L(r) < log(1/alpha)}`, an interval because `log L` is concave
    /// in `log r`; `[low, inf)` for `Greater`, `[0, high]` for `Less`. `None` in the rare case
    /// that no single ratio fits all stages (the set is empty).
    fn interval(&self) -> Option<Interval> {
        let likelihood = self.likelihood();
        self.interval_around(&likelihood, likelihood.best_log_ratio(self.counts()))
    }

    /// Events seen in both arms over all stages.
    fn observations(&self) -> u64 {
        self.stages().map(Stage::events).sum()
    }
}

impl EventCountTest {
    /// The interval of [`SequentialTest::interval`], given the test's likelihood and its
    /// maximum-likelihood log ratio `best` (from [`Likelihood::best_log_ratio`]).
    fn interval_around(&self, likelihood: &Likelihood, best: f64) -> Option<Interval> {
        let level = self.interval_level();
        // The likelihood over the level, with the size of its terms.
        let above_level = |u: f64| {
            let at = likelihood.value(u);
            Evaluation {
                value: at.value - level,
                magnitude: at.magnitude + level.abs(),
                ..at
            }
        };
        let inside = |u: f64| above_level(u).value > 0.0;
        if best.is_nan() {
            return None; // counts so extreme that the likelihood is not representable
        }
        let best_value = if best.is_finite() {
            likelihood.value(best).value
        } else {
            0.0 // one arm without events: the likelihood tends to 1 at the infinite end
        };
        if best_value <= level {
            return None;
        }
        // A point inside the set to search outwards from.
        let mut start = best;
        if !best.is_finite() {
            start = best.signum();
            while !inside(start) && start.abs() < 1e3 {
                start *= 2.0;
            }
        }
        // The distance to each end where the likelihood is quadratic (a Wald interval), as the
        // first guess; 1 where the curvature gives none.
        let curvature = -likelihood.slope(start).slope;
        let wald = (2.0 * (best_value - level) / curvature).sqrt();
        let guess = if best.is_finite() && wald.is_finite() && wald > 0.0 {
            wald
        } else {
            1.0
        };
        // Each end is bracketed by the Wald guess when that lies outside the set (else by
        // widening beyond it), and the Newton steps start one step from the guess.
        let end = |direction: f64| {
            if !best.is_finite() && best.signum() == direction {
                return best;
            }
            let first = start + direction * guess;
            let at_first = above_level(first);
            let mut inner = start;
            let mut width = guess;
            if at_first.value > 0.0 {
                inner = first;
                width = WALD_BRACKET * guess;
                while inside(start + direction * width) {
                    width *= 2.0;
                    if width > 1e3 {
                        return direction * f64::INFINITY;
                    }
                }
            }
            let step = first - at_first.value / at_first.slope;
            outer_root(inner, start + direction * width, step, above_level)
        };
        let low = match self.options.alternative {
            Alternative::Less => 0.0,
            Alternative::TwoSided | Alternative::Greater => end(-1.0).exp(),
        };
        let high = match self.options.alternative {
            Alternative::Greater => f64::INFINITY,
            Alternative::TwoSided | Alternative::Less => end(1.0).exp(),
        };
        Some(Interval { low, high })
    }

    /// The log likelihood above which a log ratio is in the confidence set:
    /// `sum_j log m_j - log(1/alpha)`.
    fn interval_level(&self) -> f64 {
        self.stages().map(Stage::log_marginal).sum::<f64>() - (1.0 / self.options.alpha).ln()
    }
}

/// Values within this fraction of the size of their terms may have the wrong sign through
/// rounding; beyond it (thousands of roundings away) they are taken as exact.
const ROUNDING_MARGIN: f64 = 1e-12;

/// How far beyond the Wald guess an interval end is first looked for: the log likelihood is
/// skewed, so the end is often a little beyond.
const WALD_BRACKET: f64 = 1.5;

/// The root of `f` between `inside` (where `f > 0`) and `outside`, to within rounding,
/// searched from `guess`.
fn root(inside: f64, outside: f64, guess: f64, f: impl Fn(f64) -> Evaluation) -> f64 {
    newton(inside, outside, guess, &f).map_or_else(|| bisection(inside, outside, f), |(u, _)| u)
}

/// The point between `inside` (where `f > 0`) and `outside` where `f(u).value > 0` turns
/// false, on its outside: `f` there is confirmed negative by more than rounding, so an
/// interval ending there contains the set `{f > 0}`, wider only by where `f` is within the
/// rounding margin of zero (under 1e-7 of the distance to the estimate, as tested).
fn outer_root(inside: f64, outside: f64, guess: f64, f: impl Fn(f64) -> Evaluation) -> f64 {
    newton(inside, outside, guess, &f)
        .and_then(|(u, at)| confirmed_outside(u, at, outside, &f))
        .unwrap_or_else(|| bisection(inside, outside, f))
}

/// Plain bisection of the bracket on the sign of `f`, to full double precision; a non-finite
/// midpoint (an infinite or NaN end) ends it there. The fallback where Newton steps fail.
fn bisection(mut inside: f64, mut outside: f64, f: impl Fn(f64) -> Evaluation) -> f64 {
    loop {
        let mid = 0.5 * (inside + outside);
        if mid == inside || mid == outside || !mid.is_finite() {
            return mid;
        }
        if f(mid).value > 0.0 {
            inside = mid;
        } else {
            outside = mid;
        }
    }
}

/// Safeguarded Newton (Newton steps inside a shrinking bracket, bisection otherwise) until
/// the value is within the rounding margin of zero, then one more Newton step: the root
/// estimate and `f` at the last point evaluated. It starts from `guess` if that lies between
/// the ends, from the middle otherwise. `None` when the ends are not finite, `f` is NaN or the
/// search does not settle.
fn newton(
    inside: f64,
    outside: f64,
    guess: f64,
    f: impl Fn(f64) -> Evaluation,
) -> Option<(f64, Evaluation)> {
    if !(inside.is_finite() && outside.is_finite()) || inside == outside {
        return None;
    }
    let (mut low, mut high) = (inside, outside);
    let mut u = if (guess - low) * (guess - high) < 0.0 {
        guess
    } else {
        0.5 * (low + high)
    };
    for _ in 0..100 {
        let at = f(u);
        if at.value.is_nan() {
            return None;
        }
        let newton = u - at.value / at.slope;
        if at.value.abs() <= ROUNDING_MARGIN * at.magnitude {
            let polished = (newton - low) * (newton - high) <= 0.0;
            return Some((if polished { newton } else { u }, at));
        }
        if at.value > 0.0 {
            low = u;
        } else {
            high = u;
        }
        let between = (newton - low) * (newton - high) < 0.0;
        let next = if between { newton } else { 0.5 * (low + high) };
        if next == low || next == high {
            return Some((u, at));
        }
        u = next;
    }
    None
}

/// A point between the root estimate `u` (where `f` is `at`) and `outside` (or `outside`
/// itself) where `f` is negative by far more than rounding, as near the root as rounding
/// allows; `None` if stepping out does not get there.
fn confirmed_outside(
    u: f64,
    at: Evaluation,
    outside: f64,
    f: impl Fn(f64) -> Evaluation,
) -> Option<f64> {
    let direction = (outside - u).signum();
    let mut width = (ROUNDING_MARGIN * at.magnitude / at.slope.abs()).max(u.abs() * 1e-15);
    for _ in 0..40 {
        let point = u + direction * width;
        if (point - outside) * direction >= 0.0 {
            return Some(outside);
        }
        let at = f(point);
        if -at.value > ROUNDING_MARGIN * at.magnitude {
            return Some(point);
        }
        width *= 4.0;
    }
    None
}

fn check_share(share: f64) -> Result<()> {
    if (MIN_SHARE..=1.0 - MIN_SHARE).contains(&share) {
        Ok(())
    } else {
        Err(Error::invalid(
            "canary_share",
            share,
            "must be in [1e-9, 1 - 1e-9]",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_inputs_are_errors() {
        let options = EventCountOptions::default();
        assert!(EventCountTest::new(0.0, options).is_err());
        assert!(EventCountTest::new(f64::NAN, options).is_err());
        assert!(EventCountTest::new(0.5, options.concentration(0.0)).is_err());
        assert!(EventCountTest::new(0.5, options.alpha(0.0)).is_err());
        let mut test = EventCountTest::new(0.5, options).unwrap();
        assert!(test.set_canary_share(1.0).is_err());
        test.update(EventCounts {
            canary: u64::MAX - 1,
            baseline: 0,
        })
        .unwrap();
        let overflow = test.update(EventCounts {
            canary: 1,
            baseline: 1,
        });
        assert!(matches!(overflow, Err(Error::CountOverflow { .. })));
        assert_eq!(test.observations(), u64::MAX - 1);
    }

    #[test]
    fn a_failed_update_at_a_new_share_changes_nothing() {
        let mut test = EventCountTest::new(0.1, EventCountOptions::default()).unwrap();
        test.update(EventCounts {
            canary: 3,
            baseline: 20,
        })
        .unwrap();
        let before = test.clone();
        let overflowing = EventCounts {
            canary: u64::MAX,
            baseline: 1,
        };
        assert!(test.update_at_share(0.2, overflowing).is_err());
        assert_eq!(test, before);
        assert!(test.update_at_share(f64::NAN, overflowing).is_err());
        assert_eq!(test, before);
        let fine = EventCounts {
            canary: 1,
            baseline: 2,
        };
        assert!(test.update_at_share(0.2, fine).is_ok());
        assert_ne!(test, before);
    }

    #[test]
    fn huge_counts_stay_finite() {
        let mut test = EventCountTest::new(0.5, EventCountOptions::default()).unwrap();
        for _ in 0..10 {
            test.update(EventCounts {
                canary: 1_000_000_000,
                baseline: 1_000_000_000,
            })
            .unwrap();
        }
        assert!(test.log_statistic().is_finite() && test.log_statistic() < 0.0);
        let interval = test.interval().unwrap();
        assert!(interval.low > 0.9999 && interval.low < 1.0);
    }

    #[test]
    fn interval_ends_lie_just_outside_the_set() {
        for (share, counts) in [
            (0.5, [(600, 500)].as_slice()),
            (0.1, &[(150, 900), (3, 40)]),
            (0.2, &[(10, 40), (0, 7), (30, 30)]),
        ] {
            let mut test = EventCountTest::new(
                share,
                EventCountOptions::default().alternative(Alternative::TwoSided),
            )
            .unwrap();
            for (stage, &(canary, baseline)) in counts.iter().enumerate() {
                test.set_canary_share(share * (stage + 1) as f64).unwrap();
                test.update(EventCounts { canary, baseline }).unwrap();
            }
            let (likelihood, level) = (test.likelihood(), test.interval_level());
            let best = test.likelihood().best_log_ratio(test.counts());
            let interval = test.interval().unwrap();
            for (end, inward) in [(interval.low, 1.0), (interval.high, -1.0)] {
                let u = end.ln();
                assert!(likelihood.value(u).value <= level, "{counts:?} end {end}");
                let nearer = u + inward * 1e-7 * (u - best).abs();
                assert!(
                    likelihood.value(nearer).value > level,
                    "{counts:?} end {end}"
                );
            }
        }
    }

    #[test]
    fn joint_estimate_equals_the_separate_ones() {
        let mut test = EventCountTest::new(0.2, EventCountOptions::default()).unwrap();
        assert_eq!(test.rate_ratio_and_interval(), (None, test.interval()));
        for (tick, (canary, baseline)) in [(0, 3), (2, 5), (0, 0), (7, 1), (1, 40)]
            .into_iter()
            .enumerate()
        {
            if tick == 3 {
                test.set_canary_share(0.5).unwrap();
            }
            test.update(EventCounts { canary, baseline }).unwrap();
            let joint = test.rate_ratio_and_interval();
            assert_eq!(joint, (test.rate_ratio(), test.interval()));
            assert!(joint.0.is_some() && joint.1.is_some());
        }
    }
}
