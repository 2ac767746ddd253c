//! The mSPRT for a difference in means: closed-form reference values (research notes section
//! 10.3, "mSPRT, two-sample normal" and "mSPRT, Bernoulli plug-in") and its error guarantee
//! under continuous monitoring, by simulation.

mod anytime_support;

use anytime_support::{Rate, Sampler};
use canary_judge::stats::{
    Alternative, ArmSummary, MeanDifferenceMsprt, MeanObservation, MsprtOptions,
    SequentialDecision, SequentialTest, Variance,
};

const KNOWN_UNIT: Variance = Variance::Known {
    canary: 1.0,
    baseline: 1.0,
};

fn relative_error(actual: f64, expected: f64) -> f64 {
    (actual / expected - 1.0).abs()
}

fn summaries(
    n: u64,
    canary_mean: f64,
    baseline_mean: f64,
    variances: (f64, f64),
) -> MeanObservation {
    MeanObservation::Summaries {
        canary: ArmSummary {
            count: n,
            mean: canary_mean,
            variance: variances.0,
        },
        baseline: ArmSummary {
            count: n,
            mean: baseline_mean,
            variance: variances.1,
        },
    }
}

#[test]
fn two_sample_normal_matches_closed_form() {
    // Section 10.3: (n, d, sigma^2, tau^2) -> Lambda, p, CS half-width at alpha = .05.
    let cases = [
        (
            100,
            0.3,
            0.1,
            2.662113258298839,
            0.3756414182915067,
            0.4322006205364181,
        ),
        (
            1000,
            0.1,
            0.01,
            3.278721627526389,
            0.3049969206304482,
            0.1366738367033226,
        ),
        (
            1000,
            0.05,
            0.01,
            0.6872573884281116,
            1.0,
            0.1366738367033226,
        ),
        (
            10000,
            0.05,
            0.01,
            64.17015094518752,
            0.015583569389671129,
            0.044992790496765044,
        ),
    ];
    for (n, d, tau2, lambda, p, half) in cases {
        let mut test = MeanDifferenceMsprt::new(tau2, KNOWN_UNIT, MsprtOptions::default()).unwrap();
        test.update(summaries(n, d, 0.0, (0.0, 0.0))).unwrap();
        assert!(
            relative_error(test.log_statistic().exp(), lambda) < 1e-12,
            "Lambda, n = {n}"
        );
        assert!(relative_error(test.pvalue(), p) < 1e-12, "p, n = {n}");
        let interval = test.interval().unwrap();
        assert!(relative_error((interval.high - interval.low) / 2.0, half) < 1e-12);
        assert!(relative_error((interval.high + interval.low) / 2.0, d) < 1e-12);
    }
}

#[test]
fn bernoulli_plug_in_matches_closed_form() {
    // Section 10.3: 1000/100 (baseline) vs 1000/130 (canary), tau^2 = .001, fed value by value.
    let plug_in = Variance::PlugIn { min_per_arm: 2 };
    let mut test = MeanDifferenceMsprt::new(0.001, plug_in, MsprtOptions::default()).unwrap();
    for i in 0..1000 {
        let pair = MeanObservation::Pair {
            canary: f64::from(u8::from(i < 130)),
            baseline: f64::from(u8::from(i < 100)),
        };
        test.update(pair).unwrap();
    }
    assert!(relative_error(test.variance_of_difference().unwrap(), 0.0002031) < 1e-12);
    assert!(relative_error(test.log_statistic().exp(), 2.5912603547047723) < 1e-10);
    let interval = test.interval().unwrap();
    let half = (interval.high - interval.low) / 2.0;
    assert!(relative_error(half, 0.043574072671679114) < 1e-10);

    // 5000/500 vs 5000/560, tau^2 = 1e-4, as one summary per arm: p = 1/Lambda.
    let mut test = MeanDifferenceMsprt::new(1e-4, plug_in, MsprtOptions::default()).unwrap();
    test.update(summaries(5000, 0.112, 0.1, (0.112 * 0.888, 0.1 * 0.9)))
        .unwrap();
    assert!(relative_error(test.log_statistic().exp(), 2.0795541423792314) < 1e-10);
    assert!(relative_error(test.pvalue(), 0.48087230797265684) < 1e-10);
}

#[test]
fn one_sided_tests_point_the_right_way() {
    let greater = MsprtOptions::default().alternative(Alternative::Greater);
    let less = MsprtOptions::default().alternative(Alternative::Less);
    let mut up = MeanDifferenceMsprt::new(0.01, KNOWN_UNIT, greater).unwrap();
    let mut down = MeanDifferenceMsprt::new(0.01, KNOWN_UNIT, less).unwrap();
    for test in [&mut up, &mut down] {
        test.update(summaries(10000, 0.05, 0.0, (1.0, 1.0)))
            .unwrap();
    }
    assert_eq!(up.decision(), SequentialDecision::Reject);
    assert_eq!(down.decision(), SequentialDecision::Continue);
    assert!(up.interval().unwrap().low > 0.0 && up.interval().unwrap().high.is_infinite());
    assert!(down.interval().unwrap().low.is_infinite() && down.interval().unwrap().high > 0.05);
    // Half the two-sided mixture's weight sits on the right side: the one-sided evidence for
    // an effect in its direction exceeds the two-sided evidence.
    let mut both = MeanDifferenceMsprt::new(0.01, KNOWN_UNIT, MsprtOptions::default()).unwrap();
    both.update(summaries(10000, 0.05, 0.0, (1.0, 1.0)))
        .unwrap();
    assert!(up.log_statistic() > both.log_statistic());
}

/// Runs `paths` null paths of up to `pairs` looks, one look per pair (or per single value
/// with `arrival` canary values per baseline value), and counts rejections.
fn null_rejections(
    seed: u64,
    paths: u64,
    pairs: u64,
    options: MsprtOptions,
    variance: Variance,
    sd: f64,
    canary_every: u64,
) -> Rate {
    let mut sampler = Sampler::new(seed);
    let mut hits = 0;
    for _ in 0..paths {
        let mut test = MeanDifferenceMsprt::new(0.01 * sd * sd, variance, options).unwrap();
        for i in 0..pairs {
            let observation = if canary_every == 0 {
                MeanObservation::Pair {
                    canary: sd * sampler.normal(),
                    baseline: sd * sampler.normal(),
                }
            } else if i % canary_every == 0 {
                MeanObservation::Canary(sd * sampler.normal())
            } else {
                MeanObservation::Baseline(sd * sampler.normal())
            };
            if test.update(observation).unwrap() == SequentialDecision::Reject {
                hits += 1;
                break;
            }
        }
    }
    Rate { hits, paths }
}

#[test]
fn type_one_error_under_continuous_monitoring() {
    let alpha = 0.05;
    let two_sided = MsprtOptions::default();
    null_rejections(1, 1000, 10_000, two_sided, KNOWN_UNIT, 1.0, 0)
        .assert_at_most(alpha, "mSPRT two-sided, known variance, 10,000 pairs");
    let greater = two_sided.alternative(Alternative::Greater);
    null_rejections(2, 1000, 10_000, greater, KNOWN_UNIT, 1.0, 0)
        .assert_at_most(alpha, "mSPRT greater, known variance, 10,000 pairs");
}

#[test]
fn type_one_error_with_plug_in_variance_and_unequal_arrival() {
    let alpha = 0.05;
    let plug_in = Variance::PlugIn { min_per_arm: 10 };
    null_rejections(3, 1000, 10_000, MsprtOptions::default(), plug_in, 3.0, 0).assert_at_most(
        alpha,
        "mSPRT two-sided, plug-in variance (sd 3), 10,000 pairs",
    );
    // One canary value per four values (a 25 % canary), 40,000 looks: 10,000 canary values.
    let known = Variance::Known {
        canary: 1.0,
        baseline: 1.0,
    };
    null_rejections(4, 300, 40_000, MsprtOptions::default(), known, 1.0, 4).assert_at_most(
        alpha,
        "mSPRT two-sided, 25 % canary arriving one value at a time",
    );
}

#[test]
fn stops_early_when_the_effect_is_large() {
    // Section 7: sigma = 1, MDE = 0.1, tau^2 = MDE^2, fixed n for 80 % power = 1569.8 per
    // arm, cap 2.5 n. At 2x MDE the mSPRT stops at about 0.32 n on average (power 1.00); at
    // 1x MDE its power by the cap is about 0.95 with a mean stop of about 1.07 n.
    let fixed_n = 1569.8;
    let cap = (2.5 * fixed_n) as u64;
    for (effect, seed, paths) in [(0.2, 5, 1000), (0.1, 6, 600)] {
        let mut sampler = Sampler::new(seed);
        let (mut rejected, mut total_stop) = (0u64, 0u64);
        for _ in 0..paths {
            let mut test =
                MeanDifferenceMsprt::new(0.01, KNOWN_UNIT, MsprtOptions::default()).unwrap();
            let mut stop = cap;
            for n in 1..=cap {
                let pair = MeanObservation::Pair {
                    canary: effect + sampler.normal(),
                    baseline: sampler.normal(),
                };
                if test.update(pair).unwrap() == SequentialDecision::Reject {
                    rejected += 1;
                    stop = n;
                    break;
                }
            }
            total_stop += stop;
        }
        let power = rejected as f64 / paths as f64;
        let ratio = total_stop as f64 / paths as f64 / fixed_n;
        println!("mSPRT effect {effect}: power by cap {power:.3}, mean stop / fixed n {ratio:.3}");
        if effect == 0.2 {
            assert!(power > 0.99 && (0.27..0.37).contains(&ratio));
        } else {
            assert!(power > 0.9 && (0.95..1.2).contains(&ratio));
        }
    }
}
