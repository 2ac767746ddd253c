//! Mixture boundaries for sums of centred increments (Robbins 1970; Howard, Ramdas, McAuliffe
//! and Sekhon 2021), following the formulas of the `confseq` library.
//!
//! A process `S_t` (the running sum of centred increments) with variance process `V_t` stays,
//! with probability at least `1 - alpha` at every time simultaneously, below `u(V_t)`, where
//! `u(v)` solves `m(u, v) = 1/alpha` and `m` is a mixture of the exponential supermartingales
//! `exp(lambda s - psi(lambda) v)` over `lambda`. `1 / m(S_t, V_t)` is an always-valid p-value.
//!
//! The mixing spread `rho` sets where the boundary is tightest; [`best_rho`] is the rule that
//! makes it tightest at intrinsic time `v_opt`.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};
use statrs::function::beta::{beta_reg, ln_beta};
use statrs::function::gamma::{gamma_ur, ln_gamma};

use super::normal::normal_sf;
use crate::error::{Error, Result};

/// Whether a boundary bounds `S_t` from above only, or `|S_t|`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundarySides {
    /// Bounds `S_t` from above: mixes over `lambda >= 0` only.
    OneSided,
    /// Bounds `|S_t|`: mixes over all `lambda`.
    #[default]
    TwoSided,
}

/// A uniform boundary built from a mixture supermartingale `m(s, v)`.
pub trait UniformBoundary {
    /// `log m(s, v)`: the log of the mixture at sum `s` and intrinsic time `v >= 0`.
    /// `exp(-log m)` is an always-valid p-value for the sum being centred.
    fn log_mixture(&self, s: f64, v: f64) -> Result<f64>;

    /// The boundary `u(v)`: the smallest `s >= 0` with `log m(s, v) >= log(1/alpha)`.
    fn bound(&self, v: f64, alpha: f64) -> Result<f64>;
}

/// The mixing spread `rho` that makes a normal-mixture boundary tightest at intrinsic time
/// `v_opt` for error level `alpha_opt` (Howard et al. 2021, eq. 3.6; `confseq`'s `best_rho`).
///
/// Two-sided: `v_opt / (2 log(1/a) + log(1 + 2 log(1/a)))` with `a = alpha_opt`; one-sided uses
/// the same formula with `a = 2 alpha_opt`.
///
/// ```
/// use canary_judge::stats::{best_rho, BoundarySides};
///
/// let rho = best_rho(100.0, 0.05, BoundarySides::TwoSided)?;
/// assert!((rho - 12.60056097925634).abs() < 1e-12);
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn best_rho(v_opt: f64, alpha_opt: f64, sides: BoundarySides) -> Result<f64> {
    check_positive("v_opt", v_opt)?;
    check_alpha("alpha_opt", alpha_opt)?;
    let a = match sides {
        BoundarySides::OneSided => 2.0 * alpha_opt,
        BoundarySides::TwoSided => alpha_opt,
    };
    if a >= 1.0 {
        return Err(Error::invalid(
            "alpha_opt",
            alpha_opt,
            "must be below 0.5 for a one-sided boundary",
        ));
    }
    let l = 2.0 * (1.0 / a).ln();
    Ok(v_opt / (l + (1.0 + l).ln()))
}

/// Robbins' normal mixture for sub-Gaussian sums (`psi(lambda) = lambda^2 / 2`), mixing
/// `lambda ~ N(0, 1/rho)` (two-sided) or its half on `lambda >= 0` (one-sided).
///
/// Two-sided: `log m = log(rho/(v+rho))/2 + s^2/(2(v+rho))`, with the closed-form boundary
/// `u(v) = sqrt((v+rho)(log(1+v/rho) + 2 log(1/alpha)))`. One-sided:
/// `log m = log(4 rho/(v+rho))/2 + s^2/(2(v+rho)) + log Phi(s/sqrt(v+rho))`, boundary by
/// bisection.
///
/// ```
/// use canary_judge::stats::{BoundarySides, NormalMixture, UniformBoundary};
///
/// let mixture = NormalMixture::tuned(100.0, 0.05, BoundarySides::TwoSided)?;
/// let u = mixture.bound(1000.0, 0.05)?;
/// assert!((u / 102.51228683166386 - 1.0).abs() < 1e-12); // confseq's value
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NormalMixture {
    rho: f64,
    sides: BoundarySides,
}

impl NormalMixture {
    /// A normal mixture with spread `rho > 0` (the precision of the mixing distribution).
    pub fn new(rho: f64, sides: BoundarySides) -> Result<Self> {
        check_positive("rho", rho)?;
        Ok(NormalMixture { rho, sides })
    }

    /// A normal mixture tightest at intrinsic time `v_opt` for level `alpha_opt`
    /// (see [`best_rho`]).
    pub fn tuned(v_opt: f64, alpha_opt: f64, sides: BoundarySides) -> Result<Self> {
        Self::new(best_rho(v_opt, alpha_opt, sides)?, sides)
    }

    /// The mixing spread `rho`.
    pub fn rho(&self) -> f64 {
        self.rho
    }

    /// One- or two-sided.
    pub fn sides(&self) -> BoundarySides {
        self.sides
    }

    /// A normal mixture from a spread its caller has already validated.
    pub(crate) fn with_valid_rho(rho: f64, sides: BoundarySides) -> Self {
        NormalMixture { rho, sides }
    }

    /// `log m(s, v)` for inputs already known to be valid.
    pub(crate) fn log_mixture_of(&self, s: f64, v: f64) -> f64 {
        let w = v + self.rho;
        match self.sides {
            BoundarySides::TwoSided => 0.5 * (self.rho / w).ln() + s * s / (2.0 * w),
            BoundarySides::OneSided => {
                0.5 * (4.0 * self.rho / w).ln() + half_square_plus_log_cdf(s / w.sqrt())
            }
        }
    }

    /// `u(v)` for inputs already known to be valid.
    pub(crate) fn bound_of(&self, v: f64, alpha: f64) -> Result<f64> {
        let threshold = (1.0 / alpha).ln();
        match self.sides {
            BoundarySides::TwoSided => {
                let w = v + self.rho;
                Ok((w * ((v / self.rho).ln_1p() + 2.0 * threshold)).sqrt())
            }
            BoundarySides::OneSided => {
                solve_bound(|s| self.log_mixture_of(s, v), threshold, v, None)
            }
        }
    }
}

impl UniformBoundary for NormalMixture {
    fn log_mixture(&self, s: f64, v: f64) -> Result<f64> {
        check_sum_and_time(s, v)?;
        Ok(self.log_mixture_of(s, v))
    }

    fn bound(&self, v: f64, alpha: f64) -> Result<f64> {
        check_time(v)?;
        check_alpha("alpha", alpha)?;
        self.bound_of(v, alpha)
    }
}

/// The gamma mixture for sub-Poisson sums with scale `c > 0`
/// (`psi(lambda) = (e^{c lambda} - c lambda - 1)/c^2`), one-sided.
///
/// With `r = rho/c^2`, `k = s/c + (v+rho)/c^2` and `Q` the regularised upper incomplete gamma:
/// `log m = r log r - lgamma(r) - log Q(r, r) + lgamma(k) + log Q(k, (v+rho)/c^2)
/// - k log((v+rho)/c^2) + v/c^2`.
///
/// ```
/// use canary_judge::stats::{GammaPoissonMixture, UniformBoundary};
///
/// let mixture = GammaPoissonMixture::tuned(100.0, 0.05, 1.0)?;
/// let u = mixture.bound(100.0, 0.05)?;
/// assert!((u / 28.953267032534313 - 1.0).abs() < 1e-9); // confseq's value
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaPoissonMixture {
    rho: f64,
    scale: f64,
    log_normalizer: f64,
}

impl GammaPoissonMixture {
    /// A gamma-Poisson mixture with spread `rho > 0` and scale `c > 0`.
    pub fn new(rho: f64, scale: f64) -> Result<Self> {
        check_positive("rho", rho)?;
        check_positive("scale", scale)?;
        let r = rho / (scale * scale);
        let log_normalizer = r * r.ln() - ln_gamma(r) - gamma_ur(r, r).ln();
        if !log_normalizer.is_finite() {
            return Err(Error::invalid(
                "rho",
                rho,
                "rho / scale^2 must be between about 1e-300 and 1e300",
            ));
        }
        Ok(GammaPoissonMixture {
            rho,
            scale,
            log_normalizer,
        })
    }

    /// A gamma-Poisson mixture tightest near intrinsic time `v_opt`, with the one-sided
    /// [`best_rho`] rule.
    pub fn tuned(v_opt: f64, alpha_opt: f64, scale: f64) -> Result<Self> {
        Self::new(best_rho(v_opt, alpha_opt, BoundarySides::OneSided)?, scale)
    }

    /// The mixing spread `rho`.
    pub fn rho(&self) -> f64 {
        self.rho
    }

    /// The scale `c`.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    fn log_mixture_of(&self, s: f64, v: f64) -> f64 {
        let c2 = self.scale * self.scale;
        let x = (v + self.rho) / c2;
        let k = s / self.scale + x;
        self.log_normalizer + ln_gamma(k) + gamma_ur(k, x).ln() - k * x.ln() + v / c2
    }
}

impl UniformBoundary for GammaPoissonMixture {
    fn log_mixture(&self, s: f64, v: f64) -> Result<f64> {
        check_sum_and_time(s, v)?;
        if s / self.scale + (v + self.rho) / (self.scale * self.scale) <= 0.0 {
            return Err(Error::invalid(
                "s",
                s,
                "must exceed -(v + rho)/c for the gamma-Poisson mixture",
            ));
        }
        Ok(self.log_mixture_of(s, v))
    }

    fn bound(&self, v: f64, alpha: f64) -> Result<f64> {
        check_time(v)?;
        check_alpha("alpha", alpha)?;
        solve_bound(|s| self.log_mixture_of(s, v), (1.0 / alpha).ln(), v, None)
    }
}

/// The beta mixture for sub-Bernoulli sums with range `(g, h)`: increments in `[-g, h]`
/// (`psi(lambda) = log((g e^{h lambda} + h e^{-g lambda})/(g+h)) / (g h)`).
///
/// With `r = max(rho - g h, 1e-3 g h)`, `x = h/(g+h)` one-sided or `1` two-sided and
/// `IB(a, b, x) = I_x(a, b) B(a, b)`:
/// `log m = (v/(g h)) log(g+h) - ((v + h s)/(h(g+h))) log g - ((v - g s)/(g(g+h))) log h
/// + log IB((r + v - g s)/(g(g+h)), (r + v + h s)/(h(g+h)), x) - log IB(r/(g(g+h)), r/(h(g+h)), x)`.
/// `s` is clamped to `[-v/h, v/g]`, the range a sum of such increments can reach, so the
/// boundary never exceeds `v/g`.
///
/// ```
/// use canary_judge::stats::{BetaBinomialMixture, BoundarySides, UniformBoundary};
///
/// let mixture = BetaBinomialMixture::tuned(25.0, 0.05, 0.5, 0.5, BoundarySides::TwoSided)?;
/// let u = mixture.bound(100.0, 0.05)?;
/// assert!((u / 31.334188228834137 - 1.0).abs() < 1e-9); // confseq's value
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BetaBinomialMixture {
    r: f64,
    g: f64,
    h: f64,
    sides: BoundarySides,
    log_normalizer: f64,
}

impl BetaBinomialMixture {
    /// A beta-binomial mixture with spread `rho > 0` and range `g, h > 0`.
    pub fn new(rho: f64, g: f64, h: f64, sides: BoundarySides) -> Result<Self> {
        check_positive("rho", rho)?;
        check_positive("g", g)?;
        check_positive("h", h)?;
        let r = (rho - g * h).max(1e-3 * g * h);
        let mut mixture = BetaBinomialMixture {
            r,
            g,
            h,
            sides,
            log_normalizer: 0.0,
        };
        let (a, b) = mixture.beta_parameters(0.0, 0.0);
        mixture.log_normalizer = mixture.log_incomplete_beta(a, b);
        if !mixture.log_normalizer.is_finite() {
            return Err(Error::invalid(
                "rho",
                rho,
                "together with g and h must give a finite mixture normaliser",
            ));
        }
        Ok(mixture)
    }

    /// A beta-binomial mixture tightest near intrinsic time `v_opt` ([`best_rho`] rule for
    /// `sides`).
    pub fn tuned(v_opt: f64, alpha_opt: f64, g: f64, h: f64, sides: BoundarySides) -> Result<Self> {
        Self::new(best_rho(v_opt, alpha_opt, sides)?, g, h, sides)
    }

    /// The effective spread `r = max(rho - g h, 1e-3 g h)`.
    pub fn r(&self) -> f64 {
        self.r
    }

    /// The lower range `g`.
    pub fn g(&self) -> f64 {
        self.g
    }

    /// The upper range `h`.
    pub fn h(&self) -> f64 {
        self.h
    }

    /// One- or two-sided.
    pub fn sides(&self) -> BoundarySides {
        self.sides
    }

    fn beta_parameters(&self, s: f64, v: f64) -> (f64, f64) {
        let (g, h, r) = (self.g, self.h, self.r);
        (
            (r + v - g * s) / (g * (g + h)),
            (r + v + h * s) / (h * (g + h)),
        )
    }

    fn log_incomplete_beta(&self, a: f64, b: f64) -> f64 {
        match self.sides {
            BoundarySides::TwoSided => ln_beta(a, b),
            BoundarySides::OneSided => {
                beta_reg(a, b, self.h / (self.g + self.h)).ln() + ln_beta(a, b)
            }
        }
    }

    fn log_mixture_of(&self, s: f64, v: f64) -> f64 {
        let (g, h) = (self.g, self.h);
        let s = s.clamp(-v / h, v / g);
        let (a, b) = self.beta_parameters(s, v);
        (v / (g * h)) * (g + h).ln()
            - ((v + h * s) / (h * (g + h))) * g.ln()
            - ((v - g * s) / (g * (g + h))) * h.ln()
            + self.log_incomplete_beta(a, b)
            - self.log_normalizer
    }
}

impl UniformBoundary for BetaBinomialMixture {
    fn log_mixture(&self, s: f64, v: f64) -> Result<f64> {
        check_sum_and_time(s, v)?;
        Ok(self.log_mixture_of(s, v))
    }

    fn bound(&self, v: f64, alpha: f64) -> Result<f64> {
        check_time(v)?;
        check_alpha("alpha", alpha)?;
        solve_bound(
            |s| self.log_mixture_of(s, v),
            (1.0 / alpha).ln(),
            v / self.g,
            Some(v / self.g),
        )
    }
}

/// `x^2/2 + log Phi(x)`, without overflow or `0 * inf` far in the lower tail.
fn half_square_plus_log_cdf(x: f64) -> f64 {
    // Below -30, Phi(x) = phi(x)/|x| (1 - 1/x^2 + 3/x^4 - 15/x^6 + 105/x^8 - ...), whose next
    // term is below 1e-12 relative.
    if x < -30.0 {
        let y = 1.0 / (x * x);
        let series = 1.0 - y * (1.0 - y * (3.0 - y * (15.0 - 105.0 * y)));
        -(-x).ln() - 0.5 * (2.0 * PI).ln() + series.ln()
    } else {
        0.5 * x * x + normal_sf(-x).ln()
    }
}

/// The root in `s >= 0` of `log_m(s) = threshold`, for `log_m` increasing on `s >= 0` and
/// below the threshold at `s = 0`.
///
/// The upper end starts at `start` and doubles until `log_m` reaches the threshold; with a
/// `cap`, the upper end is the cap and the cap is returned when `log_m` stays below the
/// threshold up to it. Bisection then runs to full double precision.
pub(crate) fn solve_bound(
    log_m: impl Fn(f64) -> f64,
    threshold: f64,
    start: f64,
    cap: Option<f64>,
) -> Result<f64> {
    let mut upper = if start > 0.0 { start } else { 1.0 };
    if let Some(cap) = cap {
        upper = cap;
        if log_m(upper) < threshold {
            return Ok(upper);
        }
    } else {
        while log_m(upper) < threshold {
            upper *= 2.0;
            if !upper.is_finite() {
                return Err(Error::invalid(
                    "v",
                    start,
                    "is too large: the boundary exceeds the largest double",
                ));
            }
        }
    }
    let mut lower = 0.0;
    loop {
        let mid = 0.5 * (lower + upper);
        if mid <= lower || mid >= upper || upper - lower <= 1e-15 * upper {
            return Ok(mid);
        }
        if log_m(mid) < threshold {
            lower = mid;
        } else {
            upper = mid;
        }
    }
}

fn check_positive(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::invalid(name, value, "must be finite and positive"))
    }
}

pub(crate) fn check_alpha(name: &'static str, alpha: f64) -> Result<()> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(Error::invalid(name, alpha, "must be in (0, 1)"))
    }
}

fn check_time(v: f64) -> Result<()> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(Error::invalid("v", v, "must be finite and non-negative"))
    }
}

fn check_sum_and_time(s: f64, v: f64) -> Result<()> {
    check_time(v)?;
    if s.is_finite() {
        Ok(())
    } else {
        Err(Error::invalid("s", s, "must be finite"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_parameters_are_errors() {
        assert!(best_rho(0.0, 0.05, BoundarySides::TwoSided).is_err());
        assert!(best_rho(10.0, 0.5, BoundarySides::OneSided).is_err());
        assert!(NormalMixture::new(f64::NAN, BoundarySides::TwoSided).is_err());
        assert!(GammaPoissonMixture::new(1.0, 0.0).is_err());
        assert!(BetaBinomialMixture::new(1.0, -0.5, 0.5, BoundarySides::OneSided).is_err());
        let m = NormalMixture::new(1.0, BoundarySides::OneSided).unwrap();
        assert!(m.bound(-1.0, 0.05).is_err());
        assert!(m.bound(1.0, 1.0).is_err());
        assert!(m.log_mixture(f64::INFINITY, 1.0).is_err());
    }

    #[test]
    fn one_sided_normal_far_lower_tail_is_finite() {
        // x^2/2 + log Phi(x) -> -log|x| - log(2 pi)/2 (Mills ratio); both branches agree at -30.
        let direct = 450.0 + normal_sf(30.0).ln();
        let y: f64 = 1.0 / 900.0;
        let series = -(30f64).ln() - 0.5 * (2.0 * PI).ln()
            + (1.0 - y * (1.0 - y * (3.0 - y * (15.0 - 105.0 * y)))).ln();
        assert!((direct - series).abs() < 1e-11);
        let m = NormalMixture::new(1.0, BoundarySides::OneSided).unwrap();
        assert!(m.log_mixture(-1e200, 1.0).unwrap().is_finite());
    }
}
