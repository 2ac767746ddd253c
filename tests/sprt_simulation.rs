//! Error guarantees of the Wald SPRTs, checked by simulation with fixed seeds.
//!
//! Under H0 the test is looked at after every observation (or every small tick) for a long
//! horizon. Two rates are checked against `alpha` plus three Monte-Carlo standard errors:
//! the test's sticky decision being `Reject`, and the always-valid p-value ever reaching
//! `alpha` (monitoring continued past an acceptance: Ville's inequality). Under H1 the power
//! must reach `1 - beta` minus three standard errors. Run with `--nocapture` to see the
//! rates and mean stopping times.

use canary_judge::stats::{
    ArmEvents, BernoulliModel, BernoulliSprt, NormalModel, NormalObservation, NormalSprt,
    PoissonModel, PoissonSprt, RateRatioModel, SequentialDecision, SequentialTest, SprtOptions,
    TwoSampleSprt,
};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

const ALPHA: f64 = 0.05;
const BETA: f64 = 0.2;

fn options() -> SprtOptions {
    SprtOptions::default().alpha(ALPHA).beta(BETA)
}

/// A Poisson variate by inversion (means up to a few hundred).
fn poisson(rng: &mut SmallRng, mean: f64) -> u64 {
    let u: f64 = rng.random();
    let mut k = 0;
    let mut pmf = (-mean).exp();
    let mut cdf = pmf;
    while u > cdf && pmf > 0.0 {
        k += 1;
        pmf *= mean / k as f64;
        cdf += pmf;
    }
    k
}

/// A standard normal variate (Box-Muller).
fn standard_normal(rng: &mut SmallRng) -> f64 {
    let u: f64 = 1.0 - rng.random::<f64>();
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// What happened over many simulated paths.
#[derive(Default)]
struct Summary {
    paths: u64,
    rejected: u64,
    pvalue_reached_alpha: u64,
    decided: u64,
    /// Sum of the ticks (looks) at which the decision was reached.
    decision_ticks: f64,
    /// Sum of the observations counted when the decision was reached.
    decision_observations: f64,
    /// Sum of their squares.
    decision_observations_squared: f64,
}

impl Summary {
    fn rate(&self, count: u64) -> f64 {
        count as f64 / self.paths as f64
    }

    /// The standard error of a rate near `rate` over these paths.
    fn standard_error(&self, rate: f64) -> f64 {
        (rate * (1.0 - rate) / self.paths as f64).sqrt()
    }

    fn mean_decision_ticks(&self) -> f64 {
        self.decision_ticks / self.decided as f64
    }

    fn mean_decision_observations(&self) -> f64 {
        self.decision_observations / self.decided as f64
    }

    /// The standard error of the mean number of observations at the decision.
    fn decision_observations_standard_error(&self) -> f64 {
        let n = self.decided as f64;
        let mean = self.mean_decision_observations();
        let variance = (self.decision_observations_squared / n - mean * mean) * n / (n - 1.0);
        (variance / n).sqrt()
    }

    /// Checks and prints the type I error rates.
    fn assert_type_one(&self, name: &str) {
        let bound = ALPHA + 3.0 * self.standard_error(ALPHA);
        let rejected = self.rate(self.rejected);
        let ever = self.rate(self.pvalue_reached_alpha);
        println!(
            "{name}: P(reject) = {rejected:.4} ± {:.4}, P(ever p <= alpha) = {ever:.4} ± {:.4} \
             over {} paths (bound {bound:.4})",
            self.standard_error(rejected),
            self.standard_error(ever),
            self.paths
        );
        assert!(rejected <= bound, "{name}: reject rate {rejected}");
        assert!(ever <= bound, "{name}: anytime p-value rate {ever}");
    }

    /// Checks and prints the power.
    fn assert_power(&self, name: &str) -> f64 {
        let power = self.rate(self.rejected);
        let floor = 1.0 - BETA - 3.0 * self.standard_error(1.0 - BETA);
        println!(
            "{name}: power = {power:.4} ± {:.4} over {} paths (floor {floor:.4}), \
             mean stop at look {:.1}, {:.1} observations; undecided {}",
            self.standard_error(power),
            self.paths,
            self.mean_decision_ticks(),
            self.mean_decision_observations(),
            self.paths - self.decided
        );
        assert!(power >= floor, "{name}: power {power}");
        power
    }
}

/// Runs `paths` paths of at most `horizon` looks. `tick(rng, test, look)` draws one look's
/// observation. Under H0 (`follow_past_decision`) a path runs on after its decision, until
/// the horizon or until the p-value has reached alpha, so that the Ville event is observed.
fn simulate<T: SequentialTest>(
    seed: u64,
    paths: u64,
    horizon: u64,
    follow_past_decision: bool,
    new_test: impl Fn() -> T,
    mut tick: impl FnMut(&mut SmallRng, &T, u64) -> T::Observation,
) -> Summary {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut summary = Summary {
        paths,
        ..Summary::default()
    };
    for _ in 0..paths {
        let mut test = new_test();
        let mut decided = false;
        for look in 1..=horizon {
            let observation = tick(&mut rng, &test, look);
            let decision = test.update(observation).expect("simulated data is valid");
            if !decided && decision != SequentialDecision::Continue {
                decided = true;
                summary.decided += 1;
                summary.decision_ticks += look as f64;
                let observations = test.observations() as f64;
                summary.decision_observations += observations;
                summary.decision_observations_squared += observations * observations;
                if decision == SequentialDecision::Reject {
                    summary.rejected += 1;
                }
            }
            let reached = test.pvalue() <= ALPHA;
            if decided && (!follow_past_decision || reached) {
                break;
            }
        }
        if test.pvalue() <= ALPHA {
            summary.pvalue_reached_alpha += 1;
        }
    }
    summary
}

fn bernoulli_test() -> BernoulliSprt {
    BernoulliSprt::new(BernoulliModel::new(0.01, 0.02).unwrap(), options()).unwrap()
}

fn bernoulli_paths(p: f64, seed: u64, follow: bool) -> Summary {
    simulate(seed, 4_000, 10_000, follow, bernoulli_test, |rng, _, _| {
        (u64::from(rng.random::<f64>() < p), 1)
    })
}

#[test]
fn bernoulli_type_one_error_under_continuous_monitoring() {
    let summary = bernoulli_paths(0.01, 1, true);
    summary.assert_type_one("Bernoulli p = p0 = 0.01, 10,000 requests");
    // The exact rejection probability (research notes, 10.3) is 0.039606.
    let rejected = summary.rate(summary.rejected);
    assert!((rejected - 0.039606).abs() <= 3.0 * summary.standard_error(0.039606));
}

#[test]
fn bernoulli_composite_null_below_p0() {
    bernoulli_paths(0.005, 2, true).assert_type_one("Bernoulli p = 0.005 < p0");
}

#[test]
fn bernoulli_power() {
    let summary = bernoulli_paths(0.02, 3, false);
    let power = summary.assert_power("Bernoulli p = p1 = 0.02");
    // Exact (research notes, 10.3): power 0.798890, E1[N] = 535.712 requests.
    assert!((power - 0.798890).abs() <= 3.0 * summary.standard_error(0.798890));
    let mean_requests = summary.mean_decision_observations();
    let standard_error = summary.decision_observations_standard_error();
    println!(
        "Bernoulli p = p1: mean requests {mean_requests:.1} ± {standard_error:.1} (exact 535.712)"
    );
    assert!((mean_requests - 535.712).abs() <= 3.0 * standard_error);
}

fn poisson_paths(rate: f64, seed: u64, follow: bool) -> Summary {
    let new_test = || PoissonSprt::new(PoissonModel::new(1.0, 2.0).unwrap(), options()).unwrap();
    // One unit of exposure per look: about one event per look under H0.
    simulate(seed, 4_000, 10_000, follow, new_test, |rng, _, _| {
        (poisson(rng, rate), 1.0)
    })
}

#[test]
fn poisson_type_one_error_under_continuous_monitoring() {
    poisson_paths(1.0, 4, true).assert_type_one("Poisson rate = rate0 = 1, 10,000 looks");
}

#[test]
fn poisson_power() {
    let summary = poisson_paths(2.0, 5, false);
    summary.assert_power("Poisson rate = rate1 = 2");
}

fn normal_paths(mean: f64, seed: u64, follow: bool) -> Summary {
    let new_test =
        || NormalSprt::new(NormalModel::new(0.0, 0.25, 1.0).unwrap(), options()).unwrap();
    simulate(seed, 4_000, 10_000, follow, new_test, |rng, _, _| {
        NormalObservation::Value(mean + standard_normal(rng))
    })
}

#[test]
fn normal_type_one_error_under_continuous_monitoring() {
    normal_paths(0.0, 6, true).assert_type_one("normal mean = mean0 = 0, 10,000 values");
}

#[test]
fn normal_power() {
    normal_paths(0.25, 7, false).assert_power("normal mean = mean1 = 0.25");
}

/// Looks per path in the two-sample simulations: about 10,000 error events per arm.
const TWO_SAMPLE_LOOKS: u64 = 5_100;

/// Looks per rollout stage, about half the expected number of looks to a decision.
const STAGE_LOOKS: u64 = 10;

/// A canary rollout: 5 % of traffic, then 20 %, then 50 % from look 21 on.
fn rollout_share(look: u64) -> f64 {
    match look {
        0..=STAGE_LOOKS => 0.05,
        _ if look <= 2 * STAGE_LOOKS => 0.2,
        _ => 0.5,
    }
}

/// A baseline error intensity of 4 per look on average, cycling by ±50 % every 100 looks.
fn baseline_intensity(look: u64) -> f64 {
    4.0 * (1.0 + 0.5 * (look as f64 * std::f64::consts::TAU / 100.0).sin())
}

/// Draws one look: canary events at intensity `ratio × w λ`, baseline at `(1 - w) λ`.
fn arm_events(rng: &mut SmallRng, ratio: f64, share: f64, look: u64) -> ArmEvents {
    let intensity = baseline_intensity(look);
    ArmEvents::new(
        poisson(rng, ratio * share * intensity),
        poisson(rng, (1.0 - share) * intensity),
        share,
    )
}

fn two_sample_test() -> TwoSampleSprt {
    TwoSampleSprt::new(RateRatioModel::new(1.0, 2.0).unwrap(), options()).unwrap()
}

#[test]
fn two_sample_type_one_error_with_a_changing_share() {
    simulate(
        8,
        4_000,
        TWO_SAMPLE_LOOKS,
        true,
        two_sample_test,
        |rng, _, look| arm_events(rng, 1.0, rollout_share(look), look),
    )
    .assert_type_one("two-sample r = 1, share 5 % -> 20 % -> 50 %, diurnal baseline");
}

/// The share is raised only while the evidence looks good (the log likelihood ratio is
/// negative at the stage's end): a share that depends on the past is predictable and keeps
/// the guarantee.
#[test]
fn two_sample_type_one_error_with_a_data_dependent_share() {
    let stages = [0.05, 0.2, 0.5];
    let mut stage = 0;
    simulate(
        9,
        4_000,
        TWO_SAMPLE_LOOKS,
        true,
        two_sample_test,
        |rng, test, look| {
            if look == 1 {
                stage = 0;
            } else if look % STAGE_LOOKS == 0
                && test.log_statistic() < 0.0
                && stage + 1 < stages.len()
            {
                stage += 1;
            }
            arm_events(rng, 1.0, stages[stage], look)
        },
    )
    .assert_type_one("two-sample r = 1, share raised only while the statistic is negative");
}

#[test]
fn two_sample_power_with_a_changing_share() {
    simulate(
        10,
        4_000,
        TWO_SAMPLE_LOOKS,
        false,
        two_sample_test,
        |rng, _, look| arm_events(rng, 2.0, rollout_share(look), look),
    )
    .assert_power("two-sample r = r1 = 2, share 5 % -> 20 % -> 50 %");
}
