//! Error guarantees of the anytime-valid quantile test by simulation (fixed seeds).
//!
//! Latencies are lognormal (log-mean 0, log-sd 1), drawn by Box-Muller. Under H0 both arms
//! share the distribution; the test is looked at after every small batch (or every
//! observation) and the rate of ever rejecting must stay within alpha plus Monte-Carlo error.

use canary_judge::stats::{
    Alternative, Arm, Latency, QuantileTest, QuantileTestOptions, SequentialDecision,
    SequentialTest,
};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

/// A standard normal draw by Box-Muller (one of the pair).
fn normal(rng: &mut SmallRng) -> f64 {
    let u1: f64 = 1.0 - rng.random::<f64>(); // in (0, 1]
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// How the canary's latencies differ from the baseline's.
#[derive(Clone, Copy)]
enum Shift {
    /// Every quantile multiplied by this factor.
    Scale(f64),
    /// Values above the 80th percentile (z > 0.8416) multiplied by this factor: p90 and p99
    /// move, the median does not.
    UpperTail(f64),
}

fn lognormal(rng: &mut SmallRng, shift: Shift, n: usize) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let z = normal(rng);
            let factor = match shift {
                Shift::Scale(factor) => factor,
                Shift::UpperTail(factor) if z > 0.8416 => factor,
                Shift::UpperTail(_) => 1.0,
            };
            factor * z.exp()
        })
        .collect()
}

/// Outcome of one monitored path: the per-arm count at rejection, if it rejected.
fn run_path(
    options: &QuantileTestOptions,
    seed: u64,
    canary: Shift,
    per_arm: usize,
    batch: usize,
) -> Option<usize> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut test = QuantileTest::new(options.clone()).unwrap();
    for look in 1..=per_arm / batch {
        let baseline = lognormal(&mut rng, Shift::Scale(1.0), batch);
        let canary = lognormal(&mut rng, canary, batch);
        if test.update_batch(&baseline, &canary).unwrap() == SequentialDecision::Reject {
            return Some(look * batch);
        }
    }
    None
}

struct Summary {
    paths: usize,
    rejections: usize,
    mean_stop: f64,
}

impl Summary {
    fn rate(&self) -> f64 {
        self.rejections as f64 / self.paths as f64
    }

    fn standard_error(&self) -> f64 {
        let rate = self.rate().clamp(0.01, 0.99);
        (rate * (1.0 - rate) / self.paths as f64).sqrt()
    }
}

fn simulate(
    options: &QuantileTestOptions,
    seed: u64,
    paths: usize,
    canary: Shift,
    per_arm: usize,
    batch: usize,
) -> Summary {
    let stops: Vec<Option<usize>> = (0..paths as u64)
        .map(|path| run_path(options, seed + path, canary, per_arm, batch))
        .collect();
    let rejected: Vec<usize> = stops.iter().flatten().copied().collect();
    Summary {
        paths,
        rejections: rejected.len(),
        mean_stop: rejected.iter().sum::<usize>() as f64 / rejected.len().max(1) as f64,
    }
}

#[test]
fn null_rate_with_a_look_every_ten_pairs_up_to_ten_thousand_per_arm() {
    let options = QuantileTestOptions::default();
    let summary = simulate(&options, 1_000, 300, Shift::Scale(1.0), 10_000, 10);
    eprintln!(
        "H0, one-sided, look every 10 per arm, n <= 10,000 per arm: {} of {} paths rejected \
         (rate {:.4}, MC s.e. {:.4})",
        summary.rejections,
        summary.paths,
        summary.rate(),
        summary.standard_error()
    );
    assert!(summary.rate() <= options.alpha + 3.0 * summary.standard_error());
}

#[test]
fn null_rate_two_sided() {
    let options = QuantileTestOptions::default().alternative(Alternative::TwoSided);
    let summary = simulate(&options, 2_000, 150, Shift::Scale(1.0), 10_000, 20);
    eprintln!(
        "H0, two-sided, look every 20 per arm, n <= 10,000 per arm: {} of {} paths rejected \
         (rate {:.4}, MC s.e. {:.4})",
        summary.rejections,
        summary.paths,
        summary.rate(),
        summary.standard_error()
    );
    assert!(summary.rate() <= options.alpha + 3.0 * summary.standard_error());
}

#[test]
fn null_rate_with_a_look_after_every_observation() {
    // Alternating arms, one observation per look (the trait's `update`).
    let options = QuantileTestOptions::default();
    let paths = 100;
    let mut rejections = 0;
    for path in 0..paths {
        let mut rng = SmallRng::seed_from_u64(3_000 + path);
        let mut test = QuantileTest::new(options.clone()).unwrap();
        for _ in 0..2_000 {
            for arm in [Arm::Baseline, Arm::Canary] {
                let value = normal(&mut rng).exp();
                test.update(Latency { arm, value }).unwrap();
            }
        }
        rejections += usize::from(test.decision() == SequentialDecision::Reject);
    }
    let rate = rejections as f64 / paths as f64;
    eprintln!("H0, a look after every observation, n <= 2,000 per arm: {rejections} of {paths}");
    assert!(rate <= options.alpha + 3.0 * (0.05 * 0.95 / paths as f64).sqrt());
}

#[test]
fn power_when_the_canary_p90_is_twenty_percent_slower() {
    let options = QuantileTestOptions::default();
    for (name, shift) in [
        ("all quantiles +20%", Shift::Scale(1.2)),
        (
            "quantiles above p80 +20%, median unchanged",
            Shift::UpperTail(1.2),
        ),
    ] {
        let summary = simulate(&options, 4_000, 100, shift, 10_000, 10);
        eprintln!(
            "H1 ({name}), n <= 10,000 per arm: power {:.3} (MC s.e. {:.3}), mean stopping \
             time {:.0} per arm",
            summary.rate(),
            summary.standard_error(),
            summary.mean_stop
        );
        assert!(summary.rate() >= 0.8, "{name}");
    }
}
