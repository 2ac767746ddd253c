//! Mixture boundaries against confseq 0.0.11 (research notes section 10.1, transcribed into
//! tests/data/anytime_boundaries_reference.json).

use canary_judge::stats::{
    best_rho, BetaBinomialMixture, BoundarySides, GammaPoissonMixture, NormalMixture,
    UniformBoundary,
};
use serde_json::Value;

const ALPHA: f64 = 0.05;
/// confseq bisects to about 40 bits; closed forms agree to 1e-12.
const TOLERANCE: f64 = 1e-9;

fn reference() -> Value {
    let text = include_str!("data/anytime_boundaries_reference.json");
    serde_json::from_str(text).expect("reference JSON parses")
}

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn num(value: &Value) -> f64 {
    value.as_f64().expect("number")
}

fn assert_close(actual: f64, expected: f64, what: &str) {
    let error = if expected == 0.0 {
        actual.abs()
    } else {
        (actual / expected - 1.0).abs()
    };
    assert!(
        error <= TOLERANCE,
        "{what}: got {actual:.17}, expected {expected:.17} (relative error {error:.2e})"
    );
}

const SIDES: [(BoundarySides, &str); 2] = [
    (BoundarySides::TwoSided, "two_sided"),
    (BoundarySides::OneSided, "one_sided"),
];

#[test]
fn best_rho_matches_confseq() {
    let r = reference();
    for (sides, key) in SIDES {
        let rho = best_rho(100.0, ALPHA, sides).unwrap();
        assert_close(rho, num(&r["best_rho"][key]), key);
    }
}

#[test]
fn normal_mixture_matches_confseq() {
    let r = reference();
    let vs = numbers(&r["v"]);
    for (sides, key) in SIDES {
        let mixture = NormalMixture::tuned(100.0, ALPHA, sides).unwrap();
        for (v, expected) in vs.iter().zip(numbers(&r["normal_mixture_bound"][key])) {
            let u = mixture.bound(*v, ALPHA).unwrap();
            assert_close(u, expected, &format!("normal {key} bound at v = {v}"));
        }
        for case in r["normal_log_mixture"]["cases"].as_array().unwrap() {
            let (s, v) = (num(&case["s"]), num(&case["v"]));
            let got = mixture.log_mixture(s, v).unwrap();
            assert_close(
                got,
                num(&case[key]),
                &format!("normal {key} log m({s}, {v})"),
            );
        }
    }
}

#[test]
fn gamma_poisson_mixture_matches_confseq() {
    let r = reference();
    let g = &r["gamma_poisson_mixture_bound"];
    let mixture = GammaPoissonMixture::tuned(num(&g["v_opt"]), ALPHA, num(&g["c"])).unwrap();
    for (v, expected) in numbers(&r["v"]).iter().zip(numbers(&g["bound"])) {
        let u = mixture.bound(*v, ALPHA).unwrap();
        assert_close(u, expected, &format!("gamma-Poisson bound at v = {v}"));
    }
    let lm = &g["log_mixture"];
    let got = mixture.log_mixture(num(&lm["s"]), num(&lm["v"])).unwrap();
    assert_close(got, num(&lm["value"]), "gamma-Poisson log mixture");
}

#[test]
fn beta_binomial_mixture_matches_confseq() {
    let r = reference();
    let b = &r["beta_binomial_mixture_bound"];
    let (g, h) = (num(&b["g"]), num(&b["h"]));
    for (sides, key) in SIDES {
        let mixture = BetaBinomialMixture::tuned(num(&b["v_opt"]), ALPHA, g, h, sides).unwrap();
        for (v, expected) in numbers(&r["v"]).iter().zip(numbers(&b[key])) {
            let u = mixture.bound(*v, ALPHA).unwrap();
            assert_close(
                u,
                expected,
                &format!("beta-binomial {key} bound at v = {v}"),
            );
        }
    }
    for case in r["beta_binomial_log_mixture"].as_array().unwrap() {
        for (sides, key) in SIDES {
            let mixture = BetaBinomialMixture::tuned(
                num(&case["v_opt"]),
                ALPHA,
                num(&case["g"]),
                num(&case["h"]),
                sides,
            )
            .unwrap();
            let got = mixture
                .log_mixture(num(&case["s"]), num(&case["v"]))
                .unwrap();
            assert_close(got, num(&case[key]), &format!("beta-binomial {key} log m"));
        }
    }
}

#[test]
fn two_sided_normal_bound_is_the_closed_form() {
    // Section 10.1: sqrt((v+rho)(log(1+v/rho) + 2 log 20)) reproduces the two-sided column.
    let mixture = NormalMixture::new(2.5, BoundarySides::TwoSided).unwrap();
    for v in [0.0, 0.5, 7.0, 1e6] {
        let closed = ((v + 2.5) * ((1.0 + v / 2.5f64).ln() + 2.0 * 20f64.ln())).sqrt();
        assert_close(mixture.bound(v, ALPHA).unwrap(), closed, "closed form");
        // The boundary is where the mixture reaches 1/alpha.
        let at = mixture.log_mixture(closed, v).unwrap();
        assert!((at - 20f64.ln()).abs() < 1e-12);
    }
}
