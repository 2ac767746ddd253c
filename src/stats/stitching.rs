//! Stitched uniform boundaries: time-uniform bounds with iterated-logarithm growth.
//!
//! Three boundaries from Howard, Ramdas, McAuliffe & Sekhon (2021, AoS) and Howard & Ramdas
//! (2022, Bernoulli), with the exact constants of the `confseq` library:
//!
//! * [`PolyStitching`]: a sub-gamma process `S_t` with variance process `V_t` stays below
//!   `u(V_t)` at every time with probability at least `1 - alpha`;
//! * [`EmpiricalProcessLil`]: `sup_x |F_t(x) - F(x)| <= eps_t` at every `t >= t_min` (a
//!   time-uniform Dvoretzky-Kiefer-Wolfowitz inequality, uniform over all quantiles);
//! * [`DoubleStitching`]: a bound on `|t F_t(q_p) - t p|` uniform over time and quantile `p`.
//!
//! Nothing here depends on data: these are the boundaries the anytime-valid quantile test
//! compares order statistics against.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The shape of a stitched boundary: the spacing `eta` of its geometric epochs and the
/// exponent `s` of the error spending `1 / (k + 1)^s` over epochs.
///
/// The defaults (`s = 1.4`, `eta = 2`) are `confseq`'s and the papers'.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct StitchingShape {
    /// Error-spending exponent, `s > 1`.
    pub s: f64,
    /// Epoch growth factor, `eta > 1`.
    pub eta: f64,
}

impl Default for StitchingShape {
    fn default() -> Self {
        StitchingShape { s: 1.4, eta: 2.0 }
    }
}

impl StitchingShape {
    /// Sets the error-spending exponent `s`.
    pub fn s(mut self, s: f64) -> Self {
        self.s = s;
        self
    }

    /// Sets the epoch growth factor `eta`.
    pub fn eta(mut self, eta: f64) -> Self {
        self.eta = eta;
        self
    }

    fn validate(&self) -> Result<()> {
        if !(self.s > 1.0 && self.s.is_finite()) {
            return Err(Error::invalid(
                "s",
                self.s,
                "must be finite and greater than 1",
            ));
        }
        if !(self.eta > 1.0 && self.eta.is_finite()) {
            return Err(Error::invalid(
                "eta",
                self.eta,
                "must be finite and greater than 1",
            ));
        }
        Ok(())
    }

    /// `k1 = (eta^(1/4) + eta^(-1/4)) / sqrt(2)`, the variance inflation of one epoch.
    fn k1(&self) -> f64 {
        (self.eta.powf(0.25) + self.eta.powf(-0.25)) / std::f64::consts::SQRT_2
    }

    /// `k2 = (sqrt(eta) + 1) / 2`, the scale inflation of one epoch.
    fn k2(&self) -> f64 {
        (self.eta.sqrt() + 1.0) / 2.0
    }

    /// `log(zeta(s) / (log eta)^s)`, the error spent over all epochs.
    fn log_spending(&self) -> f64 {
        riemann_zeta(self.s).ln() - self.s * self.eta.ln().ln()
    }
}

/// The polynomial stitching boundary (Howard et al. 2021, Theorem 1 with `h(k) = (k+1)^s`).
///
/// For `v' = max(v, v_min)`:
/// `l = s log log(eta v' / v_min) + log(zeta(s) / (log eta)^s) + log(1/alpha)`,
/// `u(v) = sqrt(k1^2 v' l + (k2 c l)^2) + k2 c l`. It holds for sub-gamma processes with scale
/// `c >= 0` (`c = 0`: sub-Gaussian).
///
/// ```
/// use canary_judge::stats::{PolyStitching, StitchingShape};
///
/// let boundary = PolyStitching::new(1.0, 0.0, StitchingShape::default())?;
/// let u = boundary.bound(100.0, 0.05)?;
/// assert!((u - 37.91564240369386).abs() < 1e-9 * u); // confseq's value
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PolyStitchingParameters", into = "PolyStitchingParameters")]
pub struct PolyStitching {
    v_min: f64,
    c: f64,
    shape: StitchingShape,
    /// `k1^2`, `k2` and the error spent over all epochs, computed once: a test evaluates the
    /// boundary several times per look, and they take about fourteen `powf`.
    k1_squared: f64,
    k2: f64,
    log_spending: f64,
}

/// What defines a [`PolyStitching`], and its persisted form: the constants derived from it are
/// recomputed (and the parameters checked) on deserialization.
#[derive(Clone, Copy, Serialize, Deserialize)]
struct PolyStitchingParameters {
    v_min: f64,
    c: f64,
    shape: StitchingShape,
}

impl TryFrom<PolyStitchingParameters> for PolyStitching {
    type Error = Error;

    fn try_from(parameters: PolyStitchingParameters) -> Result<Self> {
        PolyStitching::new(parameters.v_min, parameters.c, parameters.shape)
    }
}

impl From<PolyStitching> for PolyStitchingParameters {
    fn from(boundary: PolyStitching) -> Self {
        PolyStitchingParameters {
            v_min: boundary.v_min,
            c: boundary.c,
            shape: boundary.shape,
        }
    }
}

impl PolyStitching {
    /// A boundary tight from intrinsic time `v_min > 0` on, for sub-gamma scale `c >= 0`.
    pub fn new(v_min: f64, c: f64, shape: StitchingShape) -> Result<Self> {
        if !(v_min > 0.0 && v_min.is_finite()) {
            return Err(Error::invalid(
                "v_min",
                v_min,
                "must be finite and positive",
            ));
        }
        if !(c >= 0.0 && c.is_finite()) {
            return Err(Error::invalid("c", c, "must be finite and non-negative"));
        }
        shape.validate()?;
        Ok(PolyStitching {
            v_min,
            c,
            shape,
            k1_squared: shape.k1().powi(2),
            k2: shape.k2(),
            log_spending: shape.log_spending(),
        })
    }

    /// The boundary `u(v)` at intrinsic time `v >= 0` and level `alpha` in (0, 1).
    pub fn bound(&self, v: f64, alpha: f64) -> Result<f64> {
        check_alpha(alpha)?;
        if !(v >= 0.0 && v.is_finite()) {
            return Err(Error::invalid("v", v, "must be finite and non-negative"));
        }
        Ok(self.deviation(v, alpha))
    }

    /// [`PolyStitching::bound`] for arguments already checked.
    pub(crate) fn deviation(&self, v: f64, alpha: f64) -> f64 {
        let v = v.max(self.v_min);
        let l = self.log_time(v) - alpha.ln();
        let k2cl = self.k2 * self.c * l;
        (self.k1_squared * v * l + k2cl * k2cl).sqrt() + k2cl
    }

    /// `log(1/alpha)` for the largest `alpha` whose boundary at `v` is at most `deviation`:
    /// minus the log of the always-valid p-value of the event `S_t >= deviation`. Negative
    /// when even `alpha = 1` gives a larger boundary; `-inf` when `deviation <= 0`.
    pub(crate) fn log_inverse_alpha(&self, v: f64, deviation: f64) -> f64 {
        if deviation.is_nan() || deviation <= 0.0 {
            return f64::NEG_INFINITY;
        }
        let v = v.max(self.v_min);
        // u = sqrt(k1^2 v l + (k2 c l)^2) + k2 c l solved for l.
        let l = deviation * deviation / (self.k1_squared * v + 2.0 * deviation * self.k2 * self.c);
        l - self.log_time(v)
    }

    /// The part of `l` that does not depend on alpha.
    fn log_time(&self, v: f64) -> f64 {
        self.shape.s * (self.shape.eta * v / self.v_min).ln().ln() + self.log_spending
    }
}

/// The empirical-process law-of-the-iterated-logarithm bound (Howard & Ramdas 2022,
/// Theorem 2): with probability at least `1 - alpha`, for all `t >= t_min` and all `x`,
/// `|F_t(x) - F(x)| <= eps_t = A sqrt((log(1 + log(t / t_min)) + C_alpha) / t)`.
///
/// `C_alpha` is the optimised constant of `confseq`: the `C` at which
/// `min_eta 4 exp(-gamma^2 C) (1 + 1 / ((gamma^2 - 1) log eta)) = alpha`, with
/// `gamma^2 = (2 / eta) (A - sqrt(2 (eta - 1) / C))^2`.
///
/// ```
/// use canary_judge::stats::EmpiricalProcessLil;
///
/// let lil = EmpiricalProcessLil::new(1.0, 0.85)?;
/// let eps = lil.bound(1000.0, 0.05)?;
/// assert!((eps - 0.08580607197406036).abs() < 1e-9 * eps); // confseq's value
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EmpiricalProcessLil {
    t_min: f64,
    a: f64,
}

impl EmpiricalProcessLil {
    /// The bound from `t_min >= 1` observations on, with leading constant `A > 1/sqrt(2)`
    /// (`confseq` uses 0.85).
    pub fn new(t_min: f64, a: f64) -> Result<Self> {
        if !(t_min >= 1.0 && t_min.is_finite()) {
            return Err(Error::invalid(
                "t_min",
                t_min,
                "must be finite and at least 1",
            ));
        }
        if !(a > std::f64::consts::FRAC_1_SQRT_2 && a.is_finite()) {
            return Err(Error::invalid(
                "A",
                a,
                "must be finite and greater than 1/sqrt(2)",
            ));
        }
        Ok(EmpiricalProcessLil { t_min, a })
    }

    /// The radius `eps_t` at `t` observations and level `alpha`; infinite before `t_min`.
    pub fn bound(&self, t: f64, alpha: f64) -> Result<f64> {
        if !(t >= 0.0 && t.is_finite()) {
            return Err(Error::invalid("t", t, "must be finite and non-negative"));
        }
        Ok(self.radius(t, self.constant(alpha)?))
    }

    /// The optimised constant `C_alpha` (8.1227 at alpha = 0.05 with `A = 0.85`).
    pub fn constant(&self, alpha: f64) -> Result<f64> {
        check_alpha(alpha)?;
        let target = alpha.ln();
        // log_alpha decreases in C; C = 1e-9 gives an error bound near 4 > 1 > alpha.
        let mut high = 1.0;
        while self.log_alpha(high) > target {
            high *= 2.0;
        }
        Ok(bisect(|c| self.log_alpha(c) - target, 1e-9, high))
    }

    /// `eps_t` for the constant `c`.
    pub(crate) fn radius(&self, t: f64, c: f64) -> f64 {
        if t < self.t_min {
            return f64::INFINITY;
        }
        self.a * ((self.log_log_time(t) + c) / t).sqrt()
    }

    /// `log(1 + log(t / t_min))`, the iterated-logarithm growth (requires `t >= t_min`).
    pub(crate) fn log_log_time(&self, t: f64) -> f64 {
        (t / self.t_min).ln().ln_1p()
    }

    /// The leading constant `A`.
    pub(crate) fn a(&self) -> f64 {
        self.a
    }

    /// The first time the bound is finite.
    pub(crate) fn t_min(&self) -> f64 {
        self.t_min
    }

    /// `log alpha(C)`: the log of the error probability that constant `c > 0` guarantees,
    /// minimised over the epoch factor `eta`.
    pub(crate) fn log_alpha(&self, c: f64) -> f64 {
        let a = self.a;
        // Largest eta with gamma^2 > 1: sqrt(eta/2) + sqrt(2 (eta - 1) / c) = A.
        let eta_max = bisect(
            |eta| (eta / 2.0).sqrt() + (2.0 * (eta - 1.0) / c).sqrt() - a,
            1.0,
            2.0 * a * a,
        );
        let log_err = |eta: f64| {
            let gamma2 = 2.0 / eta * (a - (2.0 * (eta - 1.0) / c).sqrt()).powi(2);
            if gamma2 <= 1.0 || eta <= 1.0 {
                return f64::INFINITY;
            }
            4f64.ln() - gamma2 * c + (1.0 / ((gamma2 - 1.0) * eta.ln())).ln_1p()
        };
        golden_section_min(log_err, 1.0, eta_max)
    }
}

/// The double-stitching bound (Howard & Ramdas 2022, Theorem 3): a bound on
/// `|t F_t(q_p) - t p|` in count units, valid uniformly over time and over quantiles `p`.
/// Divide by `t` for a radius in quantile space.
///
/// ```
/// use canary_judge::stats::DoubleStitching;
///
/// let bound = DoubleStitching::new(100.0)?.bound(0.5, 1000.0, 0.05)?;
/// assert!((bound - 68.62802892121623).abs() < 1e-9 * bound); // confseq's value
/// # Ok::<(), canary_judge::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DoubleStitching {
    t_opt: f64,
    delta: f64,
    shape: StitchingShape,
}

impl DoubleStitching {
    /// The bound tuned to be tight near `t_opt > 0` observations, with `confseq`'s defaults
    /// `delta = 0.5`, `s = 1.4`, `eta = 2`.
    pub fn new(t_opt: f64) -> Result<Self> {
        if !(t_opt > 0.0 && t_opt.is_finite()) {
            return Err(Error::invalid(
                "t_opt",
                t_opt,
                "must be finite and positive",
            ));
        }
        Ok(DoubleStitching {
            t_opt,
            delta: 0.5,
            shape: StitchingShape::default(),
        })
    }

    /// Sets the quantile-grid spacing `delta > 0` (in log-odds).
    pub fn delta(mut self, delta: f64) -> Result<Self> {
        if !(delta > 0.0 && delta.is_finite()) {
            return Err(Error::invalid(
                "delta",
                delta,
                "must be finite and positive",
            ));
        }
        self.delta = delta;
        Ok(self)
    }

    /// Sets the stitching shape.
    pub fn shape(mut self, shape: StitchingShape) -> Result<Self> {
        shape.validate()?;
        self.shape = shape;
        Ok(self)
    }

    /// The bound for quantile `p` in (0, 1) at `t > 0` observations and level `alpha`.
    pub fn bound(&self, p: f64, t: f64, alpha: f64) -> Result<f64> {
        if !(p > 0.0 && p < 1.0) {
            return Err(Error::invalid("p", p, "must lie strictly between 0 and 1"));
        }
        if !(t > 0.0 && t.is_finite()) {
            return Err(Error::invalid("t", t, "must be finite and positive"));
        }
        check_alpha(alpha)?;
        let DoubleStitching {
            t_opt,
            delta,
            shape,
        } = *self;
        let t = t.max(t_opt);
        let logit = (p / (1.0 - p)).ln();
        let r = if p >= 0.5 {
            p
        } else {
            let shifted = logit + 2.0 * delta * (t_opt * shape.eta / t).sqrt();
            (1.0 / (1.0 + (-shifted).exp())).min(0.5)
        };
        let variance = r * (1.0 - r);
        let j = (t / t_opt).sqrt() * logit.abs() / (2.0 * delta) + 1.0;
        let zeta = riemann_zeta(shape.s);
        let l = shape.s * (shape.eta * t / t_opt).ln().ln()
            + shape.s * j.ln()
            + (2.0 * zeta * (2.0 * zeta + 1.0) / (alpha * shape.eta.ln().powf(shape.s))).ln();
        let k2cl = shape.k2() * (1.0 - 2.0 * p) / 3.0 * l;
        Ok(delta * (shape.eta * t * variance / t_opt).sqrt()
            + (shape.k1().powi(2) * variance * t * l + k2cl * k2cl).sqrt()
            + k2cl)
    }
}

fn check_alpha(alpha: f64) -> Result<()> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(Error::invalid(
            "alpha",
            alpha,
            "must lie strictly between 0 and 1",
        ))
    }
}

/// The Riemann zeta function for real `s > 1`, by Euler-Maclaurin summation (error below
/// 1e-15 relative for `s` in (1, 10]).
fn riemann_zeta(s: f64) -> f64 {
    const N: f64 = 10.0;
    // B_2k / (2k)! for k = 1..6.
    const BERNOULLI_OVER_FACTORIAL: [f64; 6] = [
        1.0 / 12.0,
        -1.0 / 720.0,
        1.0 / 30240.0,
        -1.0 / 1209600.0,
        1.0 / 47900160.0,
        -691.0 / 1307674368000.0,
    ];
    let head: f64 = (1..10).map(|k| f64::from(k).powf(-s)).sum();
    let mut tail = N.powf(1.0 - s) / (s - 1.0) + N.powf(-s) / 2.0;
    // Rising product s (s+1) ... (s+2k-2) times N^(-s-2k+1).
    let mut rising = s * N.powf(-s - 1.0);
    for (k, coefficient) in BERNOULLI_OVER_FACTORIAL.iter().enumerate() {
        tail += coefficient * rising;
        let m = 2.0 * k as f64 + s;
        rising *= (m + 1.0) * (m + 2.0) / (N * N);
    }
    head + tail
}

/// Root of `f` on `[low, high]` where `f(low)` and `f(high)` differ in sign (a monotone `f`),
/// to full double precision.
fn bisect(f: impl Fn(f64) -> f64, mut low: f64, mut high: f64) -> f64 {
    let low_sign = f(low) > 0.0;
    loop {
        let mid = 0.5 * (low + high);
        if mid <= low || mid >= high {
            return mid;
        }
        if (f(mid) > 0.0) == low_sign {
            low = mid;
        } else {
            high = mid;
        }
    }
}

/// Minimum value of a unimodal `f` on `(low, high)` by golden-section search.
fn golden_section_min(f: impl Fn(f64) -> f64, mut low: f64, mut high: f64) -> f64 {
    const INV_PHI: f64 = 0.618_033_988_749_894_9;
    let mut x1 = high - INV_PHI * (high - low);
    let mut x2 = low + INV_PHI * (high - low);
    let (mut f1, mut f2) = (f(x1), f(x2));
    for _ in 0..200 {
        if high - low <= 1e-15 * high {
            break;
        }
        if f1 <= f2 {
            high = x2;
            x2 = x1;
            f2 = f1;
            x1 = high - INV_PHI * (high - low);
            f1 = f(x1);
        } else {
            low = x1;
            x1 = x2;
            f1 = f2;
            x2 = low + INV_PHI * (high - low);
            f2 = f(x2);
        }
    }
    f1.min(f2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeta_matches_known_values() {
        // zeta(2) = pi^2 / 6, zeta(4) = pi^4 / 90.
        let pi = std::f64::consts::PI;
        assert!((riemann_zeta(2.0) - pi * pi / 6.0).abs() < 1e-14);
        assert!((riemann_zeta(4.0) - pi.powi(4) / 90.0).abs() < 1e-14);
        // The notes' zeta(1.4) / (log 2)^1.4 = 5.1878.
        assert!((riemann_zeta(1.4) / 2f64.ln().powf(1.4) - 5.1878).abs() < 1e-4);
    }

    #[test]
    fn inverse_matches_bound() {
        let boundary = PolyStitching::new(2.0, 0.3, StitchingShape::default()).unwrap();
        let u = boundary.bound(500.0, 0.01).unwrap();
        let log_inv = boundary.log_inverse_alpha(500.0, u);
        assert!((log_inv - 100f64.ln()).abs() < 1e-12);
        assert_eq!(boundary.log_inverse_alpha(500.0, 0.0), f64::NEG_INFINITY);
    }

    #[test]
    fn persisted_form_holds_the_parameters_only_and_is_checked() {
        let boundary = PolyStitching::new(2.0, 0.3, StitchingShape::default().s(1.6)).unwrap();
        let json = serde_json::to_string(&boundary).unwrap();
        assert_eq!(json, r#"{"v_min":2.0,"c":0.3,"shape":{"s":1.6,"eta":2.0}}"#);
        let restored: PolyStitching = serde_json::from_str(&json).unwrap();
        assert_eq!(restored, boundary);
        assert_eq!(
            restored.deviation(500.0, 0.01),
            boundary.deviation(500.0, 0.01)
        );
        let invalid = r#"{"v_min":2.0,"c":-1.0,"shape":{"s":1.6,"eta":2.0}}"#;
        let error = serde_json::from_str::<PolyStitching>(invalid).unwrap_err();
        assert!(error.to_string().contains("non-negative"), "{error}");
    }
}
