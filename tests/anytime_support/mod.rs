//! Samplers and Monte Carlo bookkeeping shared by the anytime-valid simulation tests.
#![allow(dead_code)] // each test crate uses its own subset

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

/// A seeded generator of uniform, normal and Bernoulli variates.
pub struct Sampler {
    rng: SmallRng,
    spare: Option<f64>,
}

impl Sampler {
    /// A sampler with a fixed seed.
    pub fn new(seed: u64) -> Self {
        Sampler {
            rng: SmallRng::seed_from_u64(seed),
            spare: None,
        }
    }

    /// Uniform on (0, 1].
    pub fn uniform(&mut self) -> f64 {
        1.0 - self.rng.random::<f64>()
    }

    /// Standard normal, by the Box-Muller transform (two per pair of uniforms).
    pub fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        let radius = (-2.0 * self.uniform().ln()).sqrt();
        let angle = 2.0 * std::f64::consts::PI * self.uniform();
        self.spare = Some(radius * angle.sin());
        radius * angle.cos()
    }

    /// True with probability `p`.
    pub fn bernoulli(&mut self, p: f64) -> bool {
        self.rng.random::<f64>() < p
    }

    /// Binomial(n, p) by summing Bernoulli draws (n is small in the tests).
    pub fn binomial(&mut self, n: u64, p: f64) -> u64 {
        (0..n).filter(|_| self.bernoulli(p)).count() as u64
    }
}

/// A Monte Carlo rejection rate with its standard error.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    pub hits: u64,
    pub paths: u64,
}

impl Rate {
    pub fn value(&self) -> f64 {
        self.hits as f64 / self.paths as f64
    }

    /// Standard error of the rate, at the rate `at` (use alpha under the null).
    pub fn standard_error(&self, at: f64) -> f64 {
        (at * (1.0 - at) / self.paths as f64).sqrt()
    }

    /// Fails unless the rate is at most `alpha` plus three standard errors.
    pub fn assert_at_most(&self, alpha: f64, label: &str) {
        let se = self.standard_error(alpha);
        println!(
            "{label}: type-I {:.4} +- {:.4} ({} of {} paths)",
            self.value(),
            se,
            self.hits,
            self.paths
        );
        assert!(
            self.value() <= alpha + 3.0 * se,
            "{label}: rate {} exceeds {alpha} + 3 x {se}",
            self.value()
        );
    }
}
