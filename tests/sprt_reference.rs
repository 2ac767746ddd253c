//! Wald SPRT against published and closed-form values.
//!
//! Expected numbers come from the research notes (`sequential.md`, section 10.3: boundaries,
//! Wald's ASN, and exact dynamic-programming results computed independently) or from closed
//! forms evaluated here (Wald's parametric OC curve).

use canary_judge::stats::{
    BernoulliModel, BernoulliSprt, ExactOcOptions, NormalModel, NormalSprt, PoissonModel,
    PoissonSprt, RateRatioModel, SprtOptions, TwoSampleSprt,
};

fn close(actual: f64, expected: f64, tolerance: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: {actual} vs {expected} (tolerance {tolerance})"
    );
}

fn options(alpha: f64, beta: f64) -> SprtOptions {
    SprtOptions::default().alpha(alpha).beta(beta)
}

/// One row of the Bernoulli table in section 10.3.
struct BernoulliRow {
    test: BernoulliSprt,
    log_a: f64,
    log_b: f64,
    slope: f64,
    h1: f64,
    h0: f64,
    wald_asn: (f64, f64),
    exact_h0: (f64, f64),
    exact_h1: (f64, f64),
}

fn bernoulli_rows() -> Vec<BernoulliRow> {
    let two_sample = TwoSampleSprt::new(RateRatioModel::new(1.0, 2.0).unwrap(), options(0.05, 0.2))
        .unwrap()
        .at_fixed_share(0.1)
        .unwrap();
    let bernoulli = |p0, p1, alpha, beta| {
        BernoulliSprt::new(BernoulliModel::new(p0, p1).unwrap(), options(alpha, beta)).unwrap()
    };
    vec![
        BernoulliRow {
            test: bernoulli(0.01, 0.02, 0.05, 0.2),
            log_a: 2.772589,
            log_b: -1.558145,
            slope: 0.014435345,
            h1: 3.942259,
            h0: 2.215478,
            wald_asn: (430.089, 487.130),
            exact_h0: (0.039606, 443.393),
            exact_h1: (0.798890, 535.712),
        },
        BernoulliRow {
            test: bernoulli(0.5, 0.6, 0.05, 0.1),
            log_a: 2.890372,
            log_b: -2.251292,
            slope: 0.550339713,
            h1: 7.128534,
            h0: 5.552369,
            wald_asn: (97.703, 118.011),
            exact_h0: (0.046465, 102.889),
            exact_h1: (0.908614, 123.592),
        },
        // Also the two-sample test with canary share 0.1 and H1 rate ratio 2 (p1 = 2/11).
        BernoulliRow {
            test: two_sample,
            log_a: 2.772589,
            log_b: -1.558145,
            slope: 0.137503524,
            h1: 4.000000,
            h0: 2.247928,
            wald_asn: (51.609, 62.066),
            exact_h0: (0.040619, 54.464),
            exact_h1: (0.806595, 68.698),
        },
    ]
}

#[test]
fn bernoulli_boundaries_and_lines() {
    for row in bernoulli_rows() {
        let test = &row.test;
        close(test.log_upper_boundary(), row.log_a, 5e-7, "log A");
        close(test.log_lower_boundary(), row.log_b, 5e-7, "log B");
        let lines = test.decision_lines();
        close(lines.slope, row.slope, 5e-10, "slope s");
        close(lines.reject_intercept, row.h1, 5e-7, "h1");
        close(lines.accept_intercept, -row.h0, 5e-7, "-h0");
    }
}

#[test]
fn bernoulli_wald_asn() {
    for row in bernoulli_rows() {
        let wald = row.test.wald_approximation();
        close(
            wald.null.expected_sample_size,
            row.wald_asn.0,
            5e-4,
            "ASN H0",
        );
        close(
            wald.alternative.expected_sample_size,
            row.wald_asn.1,
            5e-4,
            "ASN H1",
        );
        close(
            wald.null.reject_probability,
            row.test.options().alpha,
            1e-12,
            "OC H0",
        );
        let power = 1.0 - row.test.options().beta;
        close(wald.alternative.reject_probability, power, 1e-12, "OC H1");
    }
}

#[test]
fn bernoulli_exact_dynamic_programming() {
    for row in bernoulli_rows() {
        let model = row.test.model();
        for (p, (reject, asn)) in [(model.p0(), row.exact_h0), (model.p1(), row.exact_h1)] {
            let exact = row
                .test
                .exact_operating_characteristic(p, &ExactOcOptions::default())
                .unwrap();
            assert!(exact.unresolved_probability < 1e-12);
            close(exact.reject_probability, reject, 5e-7, "exact reject");
            close(exact.expected_sample_size, asn, 5e-4, "exact E[N]");
            close(
                exact.reject_probability + exact.accept_probability,
                1.0,
                1e-11,
                "total",
            );
        }
    }
}

#[test]
fn two_sample_wald_asn_in_events() {
    let cases = [
        // (share, r1, alpha, beta, pi1, ASN H0, ASN H1)
        (0.5, 1.5, 0.05, 0.2, 0.6, 65.73, 94.68),
        (0.05, 3.0, 0.01, 0.1, 0.136364, 55.09, 70.10),
    ];
    for (share, r1, alpha, beta, pi1, asn0, asn1) in cases {
        let test = TwoSampleSprt::new(RateRatioModel::new(1.0, r1).unwrap(), options(alpha, beta))
            .unwrap();
        let equivalent = test.at_fixed_share(share).unwrap();
        close(equivalent.model().p1(), pi1, 5e-7, "pi1");
        let wald = equivalent.wald_approximation();
        close(wald.null.expected_sample_size, asn0, 0.02, "ASN H0");
        close(wald.alternative.expected_sample_size, asn1, 0.02, "ASN H1");
    }
    let test =
        TwoSampleSprt::new(RateRatioModel::new(1.0, 3.0).unwrap(), options(0.01, 0.1)).unwrap();
    close(test.log_upper_boundary(), 4.499810, 5e-7, "log A");
}

#[test]
fn poisson_lines_and_expected_exposure() {
    let cases = [
        // (rate0, rate1, alpha, beta, reject N at t = 1, 5, 10, 20, accept N, E[T] H0, H1)
        (
            1.0,
            2.0,
            0.05,
            0.2,
            [5.4427, 11.2135, 18.4270, 32.8539],
            Some([-0.8052, 4.9655, 12.1790, 26.6060]),
            (4.3722, 4.9352),
        ),
        (
            10.0,
            12.0,
            0.05,
            0.1,
            [26.8228, 70.7013, 125.5495, 235.2458],
            None,
            (11.2805, 12.6489),
        ),
    ];
    for (rate0, rate1, alpha, beta, reject, accept, asn) in cases {
        let test = PoissonSprt::new(
            PoissonModel::new(rate0, rate1).unwrap(),
            options(alpha, beta),
        )
        .unwrap();
        let lines = test.decision_lines();
        for (i, t) in [1.0, 5.0, 10.0, 20.0].into_iter().enumerate() {
            close(lines.reject_at(t), reject[i], 5e-5, "reject N");
            if let Some(accept) = accept {
                close(lines.accept_at(t), accept[i], 5e-5, "accept N");
            }
        }
        let wald = test.wald_approximation();
        close(wald.null.expected_sample_size, asn.0, 5e-5, "E[T] H0");
        close(
            wald.alternative.expected_sample_size,
            asn.1,
            5e-5,
            "E[T] H1",
        );
    }
}

/// Wald's parametric OC curve: for h != 0 the Bernoulli rate with E_p[(f1/f0)^h] = 1 is
/// p(h) = (1 - q^h) / (r^h - q^h), r = p1/p0, q = (1-p1)/(1-p0), and the acceptance
/// probability there is (A^h - 1) / (A^h - B^h).
#[test]
fn bernoulli_oc_curve_matches_walds_parametric_form() {
    let (p0, p1, alpha, beta) = (0.01_f64, 0.02_f64, 0.05_f64, 0.2_f64);
    let test =
        BernoulliSprt::new(BernoulliModel::new(p0, p1).unwrap(), options(alpha, beta)).unwrap();
    let (a, b) = ((1.0 - beta) / alpha, beta / (1.0 - alpha));
    let (r, q) = (p1 / p0, (1.0 - p1) / (1.0 - p0));
    for h in [-3.0, -1.5, -0.5, 0.25, 0.5, 2.0, 4.0] {
        let p = (1.0 - q.powf(h)) / (r.powf(h) - q.powf(h));
        let accept = (a.powf(h) - 1.0) / (a.powf(h) - b.powf(h));
        let mean = p * r.ln() + (1.0 - p) * q.ln();
        let asn = (accept * b.ln() + (1.0 - accept) * a.ln()) / mean;
        let point = test.wald_operating_point(p).unwrap();
        close(point.reject_probability, 1.0 - accept, 1e-9, "OC");
        close(point.expected_sample_size, asn, 1e-6 * asn, "ASN");
    }
}

/// Normal mean, known variance: h(mu) = (mu1 + mu0 - 2 mu) / (mu1 - mu0), E[z] = (mu1 - mu0)
/// (mu - (mu0 + mu1)/2) / sigma^2, and at the midpoint E[N] = -log A log B / E[z^2].
#[test]
fn normal_oc_curve_in_closed_form() {
    let (mu0, mu1, sigma, alpha, beta) = (0.0_f64, 0.5_f64, 2.0_f64, 0.05_f64, 0.1_f64);
    let test = NormalSprt::new(
        NormalModel::new(mu0, mu1, sigma).unwrap(),
        options(alpha, beta),
    )
    .unwrap();
    let (log_a, log_b) = (((1.0 - beta) / alpha).ln(), (beta / (1.0 - alpha)).ln());
    let wald = test.wald_approximation();
    let kl = (mu1 - mu0).powi(2) / (2.0 * sigma * sigma);
    close(
        wald.null.expected_sample_size,
        ((1.0 - alpha) * log_b + alpha * log_a) / -kl,
        1e-9,
        "ASN H0",
    );
    close(
        wald.alternative.expected_sample_size,
        (beta * log_b + (1.0 - beta) * log_a) / kl,
        1e-9,
        "ASN H1",
    );
    for mu in [-0.5, 0.1, 0.4, 1.0] {
        let h: f64 = (mu1 + mu0 - 2.0 * mu) / (mu1 - mu0);
        let accept = ((h * log_a).exp() - 1.0) / ((h * log_a).exp() - (h * log_b).exp());
        let point = test.wald_operating_point(mu).unwrap();
        close(point.reject_probability, 1.0 - accept, 1e-9, "OC");
    }
    let middle = test.wald_operating_point(0.25).unwrap();
    let second_moment = ((mu1 - mu0) / sigma).powi(2);
    close(
        middle.reject_probability,
        -log_b / (log_a - log_b),
        1e-12,
        "OC at midpoint",
    );
    close(
        middle.expected_sample_size,
        -log_a * log_b / second_moment,
        1e-9,
        "ASN at midpoint",
    );
}

/// The two-sample statistic is the Bernoulli log likelihood ratio of the event labels with
/// π(r, w) = w r / (w r + 1 - w), at the share in force for each tick.
#[test]
fn two_sample_statistic_is_the_label_likelihood_ratio() {
    use canary_judge::stats::{ArmEvents, SequentialTest};
    let (r0, r1) = (1.2_f64, 2.0_f64);
    let mut test =
        TwoSampleSprt::new(RateRatioModel::new(r0, r1).unwrap(), options(0.05, 0.2)).unwrap();
    let pi = |r: f64, w: f64| w * r / (w * r + 1.0 - w);
    let mut expected = 0.0;
    for (canary, baseline, w) in [
        (2_u64, 30_u64, 0.05),
        (7, 25, 0.2),
        (20, 21, 0.5),
        (0, 9, 0.01),
    ] {
        test.update(ArmEvents::new(canary, baseline, w)).unwrap();
        let (p0, p1) = (pi(r0, w), pi(r1, w));
        expected +=
            canary as f64 * (p1 / p0).ln() + baseline as f64 * ((1.0 - p1) / (1.0 - p0)).ln();
        close(
            test.log_statistic(),
            expected,
            1e-12 * (1.0 + expected.abs()),
            "log LR",
        );
    }
    assert_eq!(test.observations(), 2 + 30 + 7 + 25 + 20 + 21 + 9);
}
