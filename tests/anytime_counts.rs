//! The Lindon-Malek event-count test: reference values (research notes section 10.3,
//! "Lindon-Malek Dirichlet-multinomial" and "Lindon-Malek two arms, with rate-ratio CS") and
//! its error guarantee under continuous monitoring, including share changes, by simulation.

mod anytime_support;

use anytime_support::{Rate, Sampler};
use canary_judge::stats::{
    Alternative, EventCountOptions, EventCountTest, EventCounts, SequentialDecision, SequentialTest,
};

fn options(alternative: Alternative) -> EventCountOptions {
    EventCountOptions::default().alternative(alternative)
}

#[test]
fn log_bayes_factor_matches_reference() {
    // Section 10.3 table: (baseline events, canary events, canary share, k) -> log BF
    // (counts are listed as [baseline, canary] with theta0 = [1 - share, share]).
    let cases = [
        (50, 50, 0.5, 100.0, -0.3478235538264727),
        (50, 70, 0.5, 100.0, 0.5189170069844522),
        (500, 600, 0.5, 100.0, 2.930243970738502),
        (500, 600, 0.5, 10000.0, 0.3983146439927623),
        (90, 20, 0.1, 100.0, 1.387528362741186),
        (900, 150, 0.1, 100.0, 7.459465863308651),
        (9000, 1100, 0.1, 100.0, 1.943140009479066),
    ];
    for (baseline, canary, share, k, expected) in cases {
        let opts = options(Alternative::TwoSided).concentration(k);
        // One batch (log-gamma differences above 256 events, products below).
        let mut batch = EventCountTest::new(share, opts).unwrap();
        batch.update(EventCounts { canary, baseline }).unwrap();
        // Event by event, canary events first then baseline (the order does not matter).
        let mut single = EventCountTest::new(share, opts).unwrap();
        for i in 0..canary + baseline {
            let event = if i < canary {
                EventCounts {
                    canary: 1,
                    baseline: 0,
                }
            } else {
                EventCounts {
                    canary: 0,
                    baseline: 1,
                }
            };
            single.update(event).unwrap();
        }
        for (how, test) in [("batch", &batch), ("event by event", &single)] {
            let got = test.log_statistic();
            let error = (got / expected - 1.0).abs();
            assert!(
                error < 1e-9,
                "{how} {baseline}/{canary}: {got} vs {expected}"
            );
        }
        let p = (-expected).exp().min(1.0);
        assert!((batch.pvalue() / p - 1.0).abs() < 1e-9);
    }
}

#[test]
fn pvalues_and_rate_ratio_intervals_match_reference() {
    // Section 10.3, k = 100, alpha = .05: (baseline, canary, share) -> two-sided p, one-sided
    // p (H0: canary not worse), CS on the rate ratio; values rounded as printed there, so
    // compared to half a unit of their last digit.
    let cases = [
        (500, 600, 0.5, 0.053384, 0.053384, 0.998696, 1.443362, 5e-7),
        (600, 500, 0.5, 0.053384, 1.0, 0.692827, 1.001306, 5e-7),
        (
            900, 150, 0.1, 0.00057596, 0.00057596, 1.119650, 1.971692, 5e-9,
        ),
        (900, 100, 0.1, 1.0, 1.0, 0.727028, 1.341561, 5e-7),
        (
            180, 45, 0.1, 0.00149687, 0.00149687, 1.184666, 3.973939, 5e-9,
        ),
        (50, 20, 0.1, 0.0166108, 0.0166108, 1.090491, 10.011851, 5e-8),
    ];
    for (baseline, canary, share, p_two, p_one, low, high, p_tolerance) in cases {
        let counts = EventCounts { canary, baseline };
        let mut two = EventCountTest::new(share, options(Alternative::TwoSided)).unwrap();
        let mut one = EventCountTest::new(share, options(Alternative::Greater)).unwrap();
        two.update(counts).unwrap();
        one.update(counts).unwrap();
        assert!(
            (two.pvalue() - p_two).abs() <= p_tolerance,
            "two-sided p {baseline}/{canary}"
        );
        assert!(
            (one.pvalue() - p_one).abs() <= p_tolerance,
            "one-sided p {baseline}/{canary}"
        );
        let interval = two.interval().unwrap();
        assert!(
            (interval.low - low).abs() <= 5e-7,
            "low {baseline}/{canary}: {interval:?}"
        );
        assert!(
            (interval.high - high).abs() <= 5e-7,
            "high {baseline}/{canary}: {interval:?}"
        );
        // The one-sided interval keeps the lower end.
        let one_sided = one.interval().unwrap();
        assert_eq!(one_sided.low, interval.low);
        assert!(one_sided.high.is_infinite());
        let expected_ratio = (canary as f64 / baseline as f64) * (1.0 - share) / share;
        assert!((two.rate_ratio().unwrap() / expected_ratio - 1.0).abs() < 1e-12);
    }
}

#[test]
fn one_sided_less_mirrors_greater() {
    // Swapping the arms and the share mirrors the test: "fewer canary events" at share .9
    // is "more baseline events" at share .1.
    let mut less = EventCountTest::new(0.9, options(Alternative::Less)).unwrap();
    let mut greater = EventCountTest::new(0.1, options(Alternative::Greater)).unwrap();
    less.update(EventCounts {
        canary: 900,
        baseline: 150,
    })
    .unwrap();
    greater
        .update(EventCounts {
            canary: 150,
            baseline: 900,
        })
        .unwrap();
    assert!((less.pvalue() / greater.pvalue() - 1.0).abs() < 1e-12);
    assert_eq!(less.decision(), SequentialDecision::Reject);
    assert_eq!(less.interval().unwrap().low, 0.0);
}

/// Null paths: each look adds `batch` events, each in the canary with the current share;
/// `shares` lists (share, events at that share); the last share runs until each arm has
/// `per_arm` events.
fn null_rejections(
    seed: u64,
    paths: u64,
    alternative: Alternative,
    shares: &[(f64, u64)],
    batch: u64,
    per_arm: u64,
) -> Rate {
    let mut sampler = Sampler::new(seed);
    let mut hits = 0;
    'paths: for _ in 0..paths {
        let mut test = EventCountTest::new(shares[0].0, options(alternative)).unwrap();
        for (stage, &(share, events)) in shares.iter().enumerate() {
            test.set_canary_share(share).unwrap();
            let last = stage + 1 == shares.len();
            let mut seen = 0;
            loop {
                let counts = test.counts();
                if (!last && seen >= events)
                    || (last && counts.canary >= per_arm && counts.baseline >= per_arm)
                {
                    break;
                }
                let canary = sampler.binomial(batch, share);
                let update = EventCounts {
                    canary,
                    baseline: batch - canary,
                };
                seen += batch;
                if test.update(update).unwrap() == SequentialDecision::Reject {
                    hits += 1;
                    continue 'paths;
                }
            }
        }
    }
    Rate { hits, paths }
}

#[test]
fn type_one_error_at_a_fixed_share() {
    let alpha = 0.05;
    null_rejections(11, 1000, Alternative::Greater, &[(0.5, 0)], 1, 10_000)
        .assert_at_most(alpha, "counts, canary worse, share .5, a look per event");
    null_rejections(12, 1000, Alternative::TwoSided, &[(0.5, 0)], 1, 10_000)
        .assert_at_most(alpha, "counts, two-sided, share .5, a look per event");
    null_rejections(13, 300, Alternative::TwoSided, &[(0.1, 0)], 10, 10_000)
        .assert_at_most(alpha, "counts, two-sided, share .1, a look per 10 events");
}

#[test]
fn type_one_error_with_share_changes() {
    let alpha = 0.05;
    let stages = [(0.05, 2000), (0.25, 4000), (0.5, 0)];
    null_rejections(14, 1000, Alternative::Greater, &stages, 2, 10_000)
        .assert_at_most(alpha, "counts, canary worse, shares .05 -> .25 -> .5");
    null_rejections(15, 1000, Alternative::TwoSided, &stages, 2, 10_000)
        .assert_at_most(alpha, "counts, two-sided, shares .05 -> .25 -> .5");
}

#[test]
fn power_and_stopping_time() {
    // Share .5, canary error rate 1.5x (theta = .6). A one-sided fixed-horizon binomial test
    // at alpha = .05 with 80 % power needs ((1.6449 * .5 + .8416 * .4899) / .1)^2 = 152.5
    // events.
    let fixed_n = 152.5;
    for (ratio, seed) in [(1.5, 21), (3.0, 22)] {
        let theta = 0.5 * ratio / (0.5 * ratio + 0.5);
        let cap = 5 * fixed_n as u64;
        let mut sampler = Sampler::new(seed);
        let paths = 2000;
        let (mut rejected, mut total_stop) = (0u64, 0u64);
        for _ in 0..paths {
            let mut test = EventCountTest::new(0.5, options(Alternative::Greater)).unwrap();
            let mut stop = cap;
            for n in 1..=cap {
                let canary = u64::from(sampler.bernoulli(theta));
                let counts = EventCounts {
                    canary,
                    baseline: 1 - canary,
                };
                if test.update(counts).unwrap() == SequentialDecision::Reject {
                    rejected += 1;
                    stop = n;
                    break;
                }
            }
            total_stop += stop;
        }
        let power = rejected as f64 / paths as f64;
        let mean_stop = total_stop as f64 / paths as f64;
        println!(
            "counts, rate ratio {ratio}: power by {cap} events {power:.3}, mean stop \
             {mean_stop:.1} events = {:.2} x the fixed n",
            mean_stop / fixed_n
        );
        assert!(power > 0.8);
    }
}
