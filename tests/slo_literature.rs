//! Worked examples from the literature: the SRE Workbook (ch. 2 and 5), Sloth, Pyrra, Datadog
//! and OpenSLO, as collected (and recomputed by hand) in the project's research notes. Each
//! expected value below is a number those sources state or a closed form written out here.

use std::time::Duration;

use canary_judge::slo::{
    AlertTier, BudgetGate, BurnFactor, BurnVerdict, Counts, Exhaustion, Fraction, GateDecision,
    MultiWindowPolicy, Objective, RollingCounter, Severity, Slo, TierState, VolumeGuard,
    WindowStatus,
};
use canary_judge::Error;

const MINUTE: u64 = 60;
const HOUR: u64 = 3600;
const DAY: u64 = 86_400;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn objective(text: &str) -> Objective {
    text.parse().unwrap()
}

fn slo(target: &str, days: u64) -> Slo {
    Slo::new(objective(target), secs(days * DAY)).unwrap()
}

fn close(got: f64, want: f64, rel: f64) {
    assert!((got - want).abs() <= rel * want.abs(), "{got} vs {want}");
}

fn factor(text: &str) -> BurnFactor {
    text.parse().unwrap()
}

fn after(e: Exhaustion) -> f64 {
    match e {
        Exhaustion::After(d) => d.as_secs_f64(),
        other => panic!("expected a finite time, got {other:?}"),
    }
}

// ---- A. Basic budget and burn ----

#[test]
fn a1_budget_ratio_time_budget_and_max_burn() {
    let s = slo("99.9%", 30);
    assert_eq!(
        s.objective().error_budget(),
        Fraction::new(1, 1000).unwrap()
    );
    assert_eq!(s.time_budget(), Duration::from_millis(43 * 60_000 + 12_000)); // 43.2 min
    assert_eq!(s.max_burn_rate(), 1000.0);
}

#[test]
fn a2_a3_allowed_bad_events() {
    // Workbook ch. 2: 1,000,000 requests at 99.9 % allow 1,000 errors.
    assert_eq!(objective("0.999").allowed_bad_whole(1_000_000), 1000);
    // Workbook Table 2-4: 3,663,253 requests over four weeks.
    for (target, allowed) in [("97%", 109_897), ("90%", 366_325), ("99%", 36_632)] {
        assert_eq!(objective(target).allowed_bad_whole(3_663_253), allowed);
    }
    close(objective("0.97").allowed_bad(3_663_253), 109_897.59, 1e-12);
}

#[test]
fn a4_to_a7_burn_consumed_and_time_to_exhaustion() {
    let s = slo("0.999", 30);
    // (bad per 100,000, window, burn, consumed, TTE in hours)
    for (bad, window, burn, consumed, tte_hours) in [
        (1440, HOUR, 14.4, 0.02, 50.0),
        (600, 6 * HOUR, 6.0, 0.05, 120.0),
        (300, DAY, 3.0, 0.10, 240.0),
        (100, 3 * DAY, 1.0, 0.10, 720.0),
    ] {
        let b = s
            .objective()
            .burn_rate(Counts::new(bad, 100_000).unwrap())
            .unwrap();
        close(b, burn, 1e-12);
        close(s.budget_spent(b, secs(window)).unwrap(), consumed, 1e-12);
        close(
            after(s.time_to_exhaustion(1.0, b).unwrap()),
            tte_hours * 3600.0,
            1e-12,
        );
    }
}

#[test]
fn a8_a9_workbook_table_5_4_and_remaining_budget() {
    let s = slo("0.999", 30);
    for (burn, tte) in [
        (2.0, 15.0 * DAY as f64),
        (10.0, 3.0 * DAY as f64),
        (1000.0, 43.2 * 60.0),
    ] {
        close(after(s.time_to_exhaustion(1.0, burn).unwrap()), tte, 1e-12);
    }
    close(
        after(s.time_to_exhaustion(0.5, 2.0).unwrap()),
        7.5 * DAY as f64,
        1e-12,
    );
    assert_eq!(s.time_to_exhaustion(0.5, 0.0).unwrap(), Exhaustion::Never);
    assert_eq!(
        s.time_to_exhaustion(0.0, 2.0).unwrap(),
        Exhaustion::Exhausted
    );
    assert_eq!(
        s.time_to_exhaustion(-0.3, 2.0).unwrap(),
        Exhaustion::Exhausted
    );
}

#[test]
fn a10_a11_remaining_budget_as_sloth_and_pyrra_compute_it() {
    // Sloth: a 0.05 % period error ratio at 99.9 % is a period burn rate of 0.5, 0.5 remaining.
    let status = objective("0.999").budget(Counts::new(500, 1_000_000).unwrap());
    close(status.consumed.unwrap(), 0.5, 1e-12);
    close(status.remaining.unwrap(), 0.5, 1e-12);
    // Pyrra: 99 %, 4,000 errors in 1,000,000 requests: 60 % remaining.
    let status = objective("0.99").budget(Counts::new(4_000, 1_000_000).unwrap());
    close(status.remaining.unwrap(), 0.6, 1e-12);
    // Overspent budgets go negative and are not clamped.
    let status = objective("0.99").budget(Counts::new(15_000, 1_000_000).unwrap());
    close(status.remaining.unwrap(), -0.5, 1e-12);
}

#[test]
fn a12_max_burn_rates() {
    // Datadog's table.
    for (target, max) in [
        ("0.9", 10.0),
        ("0.96", 25.0),
        ("0.99", 100.0),
        ("0.999", 1000.0),
        ("0.9999", 10_000.0),
    ] {
        close(objective(target).max_burn_rate(), max, 1e-12);
    }
}

// ---- B. Factors from budget shares ----

/// Budget shares with their long windows (seconds).
type Shares<'a> = &'a [(&'a str, u64)];

fn factors(days: u64, tiers: Shares) -> Vec<BurnFactor> {
    tiers
        .iter()
        .map(|(share, window)| {
            BurnFactor::from_budget_share(share.parse().unwrap(), secs(*window), secs(days * DAY))
                .unwrap()
        })
        .collect()
}

#[test]
fn b1_to_b6_factors_for_any_period() {
    let google = [
        ("2%", HOUR),
        ("5%", 6 * HOUR),
        ("10%", DAY),
        ("10%", 3 * DAY),
    ];
    let cases: [(u64, Shares, &[&str]); 6] = [
        (30, &google, &["14.4", "6", "3", "1"]), // Workbook, Sloth, Datadog
        (28, &google, &["13.44", "5.6", "2.8", "14/15"]), // Sloth google-28d (0.9333)
        (
            7,
            &[
                ("8%", HOUR),
                ("12.5%", 6 * HOUR),
                ("20%", DAY),
                ("42%", 3 * DAY),
            ],
            &["13.44", "3.5", "1.4", "0.98"],
        ),
        (
            30,
            &[
                ("1%", 30 * MINUTE),
                ("2%", 3 * HOUR),
                ("5%", 12 * HOUR),
                ("5%", 36 * HOUR),
            ],
            &["14.4", "4.8", "3", "1"],
        ),
        (
            7,
            &[("10%", HOUR), ("20%", 6 * HOUR), ("40%", DAY)],
            &["16.8", "5.6", "2.8"],
        ), // Datadog
        (
            90,
            &[("1%", HOUR), ("3%", 6 * HOUR), ("5%", DAY)],
            &["21.6", "10.8", "4.5"],
        ), // Datadog
    ];
    for (days, tiers, want) in cases {
        let got = factors(days, tiers);
        let want: Vec<BurnFactor> = want.iter().map(|w| factor(w)).collect();
        assert_eq!(got, want, "{days}d");
    }
    // B1 thresholds: 1.44 %, 0.6 %, 0.3 %, 0.1 % error ratios.
    let policy = MultiWindowPolicy::workbook(slo("0.999", 30)).unwrap();
    let report = policy
        .evaluate(&all_windows(&policy, |_| Counts::default()))
        .unwrap();
    for (tier, want) in report.tiers.iter().zip([0.0144, 0.006, 0.003, 0.001]) {
        close(tier.threshold_ratio, want, 1e-12);
    }
    // B8: 5 % in 1 h is 36x (Workbook approach 4).
    assert_eq!(factors(30, &[("5%", HOUR)]), vec![factor("36")]);
}

#[test]
fn b7_b9_budget_spent_by_a_tier() {
    // Kibana #170830: 30-day factors on a 7-day SLO spend 8.57 %, 21.43 %, 42.86 %, 42.86 %.
    let week = slo("0.999", 7);
    for (f, window, spent) in [
        (14.4, HOUR, 0.0857),
        (6.0, 6 * HOUR, 0.2143),
        (3.0, DAY, 0.4286),
        (1.0, 3 * DAY, 0.4286),
    ] {
        close(week.budget_spent(f, secs(window)).unwrap(), spent, 5e-4);
    }
    // Pyrra: 14 over P/672, 7 over P/112, 2 over P/28, 1 over P/7 spend 1/48, 1/16, 1/14, 1/7.
    let s = slo("0.999", 28);
    for (f, parts, spent) in [
        (14.0, 672, 1.0 / 48.0),
        (7.0, 112, 1.0 / 16.0),
        (2.0, 28, 1.0 / 14.0),
        (1.0, 7, 1.0 / 7.0),
    ] {
        close(s.budget_spent(f, s.period() / parts).unwrap(), spent, 1e-12);
    }
}

// ---- C. Detection time ----

#[test]
fn c1_to_c8_detection_times() {
    let o = objective("0.999");
    let detect = |f: &str, window: u64, ratio: f64| {
        o.detection_time(factor(f), secs(window), ratio)
            .unwrap()
            .unwrap()
            .as_secs_f64()
    };
    close(detect("1", 10 * MINUTE, 1.0), 0.6, 1e-9);
    close(detect("1", 36 * HOUR, 1.0), 129.6, 1e-9);
    close(detect("14.4", HOUR, 1.0), 51.84, 1e-9);
    close(detect("6", 6 * HOUR, 1.0), 129.6, 1e-9);
    close(detect("3", DAY, 1.0), 259.2, 1e-9);
    close(detect("1", 3 * DAY, 1.0), 259.2, 1e-9);
    close(detect("14.4", HOUR, 0.15), 5.76 * 60.0, 1e-9);
    close(
        detect("14.4", HOUR, 0.035),
        3600.0 * 14.4 * 0.001 / 0.035,
        1e-9,
    ); // 24.69 min
    close(detect("1", 3 * DAY, 0.002), 36.0 * 3600.0, 1e-9);
    // A single-window 36x rule never fires on a 35x burn, which exhausts 30 days in 20.57 h.
    assert_eq!(
        o.detection_time(factor("36"), secs(HOUR), 0.035).unwrap(),
        None
    );
    let tte = after(slo("0.999", 30).time_to_exhaustion(1.0, 35.0).unwrap());
    close(tte / 3600.0, 720.0 / 35.0, 1e-12);
    // At exactly the threshold a strict rule never fires.
    assert_eq!(
        o.detection_time(factor("1"), secs(HOUR), 0.001).unwrap(),
        None
    );
}

#[test]
fn c9_to_c11_budget_spent_by_outages() {
    let s = slo("0.999", 30);
    close(
        s.budget_spent(1.0, secs(10 * MINUTE)).unwrap(),
        10.0 / 43_200.0,
        1e-12,
    ); // 0.0231 %
    close(s.budget_spent(1000.0, secs(HOUR)).unwrap(), 1.3889, 1e-4); // 138.9 %
    close(
        s.budget_spent(1000.0, secs(5 * MINUTE)).unwrap(),
        0.11574,
        1e-4,
    ); // 11.57 %
}

// ---- D. Multiwindow behaviour, simulated second by second ----

/// Counts for every window a policy reads, from a function of the window length.
fn all_windows(policy: &MultiWindowPolicy, f: impl Fn(u64) -> Counts) -> Vec<(Duration, Counts)> {
    policy
        .tiers()
        .iter()
        .flat_map(|t| [t.long(), t.short()])
        .map(|w| (w, f(w.as_secs())))
        .collect()
}

#[test]
fn d1_to_d3_fire_and_reset_times_of_the_14_4x_tier() {
    // 1,000 requests a second, 15 % errors during the first 600 s, a clean hour before.
    let tier =
        AlertTier::new(Severity::Page, factor("14.4"), secs(HOUR), secs(5 * MINUTE)).unwrap();
    let policy = MultiWindowPolicy::new(slo("0.999", 30), vec![tier]).unwrap();
    let mut counter = RollingCounter::new(secs(1), secs(HOUR)).unwrap();
    for _ in 0..HOUR {
        counter.push(Counts::new(0, 1000).unwrap());
    }
    let mut states = Vec::new();
    for t in 1..=3900u64 {
        let bad = if t <= 600 { 150 } else { 0 };
        counter.push(Counts::new(bad, 1000).unwrap());
        states.push((t, policy.evaluate(&counter).unwrap().tiers[0].state));
    }
    let first = |state: TierState| states.iter().find(|(_, s)| *s == state).map(|(t, _)| *t);
    let last = |state: TierState| {
        states
            .iter()
            .rev()
            .find(|(_, s)| *s == state)
            .map(|(t, _)| *t)
    };
    // D1: the short window crosses 1.44 % at 28.8 s, the long one at 345.6 s (5.76 min).
    assert_eq!(first(TierState::Increasing), Some(29));
    assert_eq!(first(TierState::Firing), Some(346));
    // D2: the short window falls back at 871.2 s (14.52 min): 4.52 min after the errors stop.
    assert_eq!(last(TierState::Firing), Some(871));
    // D3: the long window alone would stay above until 3854.4 s (64.24 min).
    assert_eq!(last(TierState::Recovering), Some(3854));
    assert_eq!(states.last().map(|(_, s)| *s), Some(TierState::Quiet));
}

#[test]
fn d4_a_full_outage_fires_every_tier_and_reports_the_first_page() {
    let policy = MultiWindowPolicy::workbook(slo("0.999", 30)).unwrap();
    // t seconds into a 100 % outage, 1,000 requests a second, full history before.
    let at = |t: u64| {
        let counts = all_windows(&policy, |w| Counts::new(1000 * t.min(w), 1000 * w).unwrap());
        policy.evaluate(&counts).unwrap()
    };
    // Tier fire times 51.84 s, 129.6 s, 259.2 s, 259.2 s.
    assert_eq!(at(51).verdict, BurnVerdict::Quiet);
    assert_eq!(
        at(52).verdict,
        BurnVerdict::Firing {
            tier: 0,
            severity: Severity::Page
        }
    );
    let states = |t| at(t).tiers.iter().map(|r| r.state).collect::<Vec<_>>();
    use TierState::{Firing, Increasing};
    assert_eq!(states(129), [Firing, Increasing, Increasing, Increasing]);
    assert_eq!(states(130), [Firing, Firing, Increasing, Increasing]);
    assert_eq!(states(259), [Firing, Firing, Increasing, Increasing]);
    assert_eq!(states(260), [Firing, Firing, Firing, Firing]);
    let report = at(260);
    assert_eq!(
        report.verdict,
        BurnVerdict::Firing {
            tier: 0,
            severity: Severity::Page
        }
    );
    assert!(
        report.reason.contains("14.4x over 1h and 5m"),
        "{}",
        report.reason
    );
}

#[test]
fn d5_a_steady_2x_burn_tickets_at_36_hours_and_never_pages() {
    let policy = MultiWindowPolicy::workbook(slo("0.999", 30)).unwrap();
    // 2 bad of 1,000 requests a second (0.2 %) since t = 0.
    let at = |t: u64| {
        let counts = all_windows(&policy, |w| Counts::new(2 * t.min(w), 1000 * w).unwrap());
        policy.evaluate(&counts).unwrap()
    };
    // At exactly 36 h the 3-day window sits exactly at 1x: not above it.
    let report = at(36 * HOUR);
    assert_eq!(report.verdict, BurnVerdict::Quiet);
    assert_eq!(report.tiers[3].state, TierState::Increasing); // the 6 h window has been above since 3 h
    let report = at(36 * HOUR + 1);
    assert_eq!(
        report.verdict,
        BurnVerdict::Firing {
            tier: 3,
            severity: Severity::Ticket
        }
    );
    assert_eq!(report.tiers[2].state, TierState::Quiet); // the 3x ticket never fires
    assert_eq!(
        at(3 * DAY).verdict,
        BurnVerdict::Firing {
            tier: 3,
            severity: Severity::Ticket
        }
    );
    assert_eq!(at(3 * HOUR).tiers[3].state, TierState::Quiet);
    assert_eq!(at(3 * HOUR + 1).tiers[3].state, TierState::Increasing);
}

// ---- E. Low traffic and extreme targets ----

#[test]
fn e1_one_failure_at_ten_requests_an_hour_is_inconclusive_not_a_page() {
    let s = slo("0.999", 30);
    let hour = Counts::new(1, 10).unwrap();
    close(s.objective().burn_rate(hour).unwrap(), 100.0, 1e-12);
    close(s.budget_spent(100.0, secs(HOUR)).unwrap(), 0.1389, 1e-3); // 13.9 %
    close(s.objective().allowed_bad(10 * 24 * 30), 7.2, 1e-12); // 7.2 failures per 30 days
    let tier =
        AlertTier::new(Severity::Page, factor("14.4"), secs(HOUR), secs(5 * MINUTE)).unwrap();
    let policy = MultiWindowPolicy::new(s, vec![tier]).unwrap();
    let counts = [
        (secs(HOUR), hour),
        (secs(5 * MINUTE), Counts::new(1, 1).unwrap()),
    ];
    let report = policy.evaluate(&counts[..]).unwrap();
    assert_eq!(report.verdict, BurnVerdict::Inconclusive { tier: 0 });
    assert_eq!(report.tiers[0].long.status, WindowStatus::LowVolume);
    assert!(
        report.reason.contains("too small to tell"),
        "{}",
        report.reason
    );
    // Without the guard it would page on that one failure.
    let unguarded = policy.clone().with_guard(VolumeGuard::off());
    let report = unguarded.evaluate(&counts[..]).unwrap();
    assert_eq!(
        report.verdict,
        BurnVerdict::Firing {
            tier: 0,
            severity: Severity::Page
        }
    );
}

#[test]
fn e2_a_tier_above_the_maximum_burn_rate_is_a_configuration_error() {
    let s = slo("0.9", 30);
    close(s.budget_spent(10.0, secs(HOUR)).unwrap(), 0.013_889, 1e-4); // 1.39 %
    let err = MultiWindowPolicy::workbook(s).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidConfig { field, .. } if field == "tiers[0].factor"),
        "{err}"
    );
    assert!(err.to_string().contains("never fire"), "{err}");
    // With a strict comparison, a factor equal to the maximum can never fire either.
    let s999 = slo("0.999", 30);
    let at_max =
        AlertTier::new(Severity::Page, factor("1000"), secs(HOUR), secs(5 * MINUTE)).unwrap();
    assert!(MultiWindowPolicy::new(s999, vec![at_max]).is_err());
    let below = AlertTier::new(
        Severity::Page,
        factor("999.9"),
        secs(HOUR),
        secs(5 * MINUTE),
    )
    .unwrap();
    assert!(MultiWindowPolicy::new(s999, vec![below]).is_ok());
}

#[test]
fn e3_e4_extreme_targets() {
    let s = slo("0.99999", 30);
    close(
        after(s.time_to_exhaustion(1.0, s.max_burn_rate()).unwrap()),
        25.92,
        1e-12,
    );
    let burn = s
        .objective()
        .burn_rate(Counts::new(1, 100).unwrap())
        .unwrap();
    close(burn, 1000.0, 1e-12);
    close(
        after(s.time_to_exhaustion(1.0, burn).unwrap()),
        43.2 * 60.0,
        1e-12,
    );
}

#[test]
fn e5_pyrra_volume_warning_at_fewer_than_one_budget_event() {
    let tier =
        AlertTier::new(Severity::Page, factor("14.4"), secs(HOUR), secs(5 * MINUTE)).unwrap();
    let policy = MultiWindowPolicy::new(slo("0.999", 30), vec![tier]).unwrap();
    for (total, status) in [(999, WindowStatus::LowVolume), (1000, WindowStatus::Above)] {
        let counts = Counts::new(100, total).unwrap();
        let report = policy
            .evaluate(&[(secs(HOUR), counts), (secs(5 * MINUTE), counts)][..])
            .unwrap();
        assert_eq!(report.tiers[0].long.status, status, "{total}");
    }
}

// ---- G. Budgeting methods ----

#[test]
fn g1_g3_time_slice_budgets() {
    // OpenSLO: 2 weeks of 1-minute slices at 95 %: 20,160 slices, 1,008 bad slices = 16 h 48 min.
    let two_weeks = secs(14 * DAY);
    let all_good = Counts::time_slices(0, two_weeks, secs(MINUTE)).unwrap();
    assert_eq!(all_good.total(), 20_160);
    assert_eq!(objective("0.95").allowed_bad_whole(all_good.total()), 1_008);
    let s = Slo::new(objective("0.95"), two_weeks).unwrap();
    assert_eq!(s.time_budget(), secs(16 * HOUR + 48 * MINUTE));
    // 1 week at 99.95 %: 5.04 min = 5 min 2.4 s.
    let s = slo("99.95%", 7);
    assert_eq!(s.time_budget(), Duration::from_millis(302_400));
}

#[test]
fn g4_occurrences_and_time_slices_burn_differently() {
    // Nobl9's series: good 111 of 118 events; 4 of 10 one-minute slices below 95 %.
    let o = objective("0.95");
    let events = o.budget(Counts::from_good(111, 118).unwrap());
    close(events.consumed.unwrap(), 1.1864, 1e-4); // 118.64 %
    let slices = Counts::time_slices(4, secs(10 * MINUTE), secs(MINUTE)).unwrap();
    close(o.budget(slices).consumed.unwrap(), 8.0, 1e-12); // 800 %
}

// ---- I. Floating-point boundary ----

#[test]
fn i1_144_bad_in_10000_at_99_9_percent_is_exactly_14_4x_and_does_not_exceed_it() {
    // The float routes disagree with each other (research notes, I1) ...
    let sloth_threshold = 14.4 * ((100.0 - 99.9) / 100.0);
    let naive_threshold = 14.4 * (1.0 - 0.999);
    assert_ne!(0.0144 > sloth_threshold, 0.0144 > naive_threshold);
    // ... while every exact route agrees: equal, so not above under the strict rule.
    let objectives = [
        objective("99.9%"),
        objective("0.999"),
        Objective::from_f64(0.999).unwrap(),
        Objective::from_ppm(999_000).unwrap(),
        Objective::new(999, 1000).unwrap(),
    ];
    let factors = [
        factor("14.4"),
        BurnFactor::from_f64(14.4).unwrap(),
        BurnFactor::from_budget_share("2%".parse().unwrap(), secs(HOUR), secs(30 * DAY)).unwrap(),
    ];
    for o in objectives {
        for f in factors {
            assert!(!o.exceeds(Counts::new(144, 10_000).unwrap(), f));
            assert!(o.exceeds(Counts::new(145, 10_000).unwrap(), f));
            // The same ratio at u64 scale: still exactly on the threshold.
            let k = u64::MAX / 10_000;
            assert!(!o.exceeds(Counts::new(144 * k, 10_000 * k).unwrap(), f));
            assert!(o.exceeds(Counts::new(144 * k + 1, 10_000 * k).unwrap(), f));
        }
    }
    close(
        objective("0.999")
            .burn_rate(Counts::new(144, 10_000).unwrap())
            .unwrap(),
        14.4,
        1e-15,
    );
}

// ---- J. Wilson guard ----

#[test]
fn j4_a_20x_burn_on_1000_requests_is_uncertain_at_95_percent() {
    let tier =
        AlertTier::new(Severity::Page, factor("14.4"), secs(HOUR), secs(5 * MINUTE)).unwrap();
    let guard = VolumeGuard::default().with_wilson(0.95).unwrap();
    let policy = MultiWindowPolicy::new(slo("0.999", 30), vec![tier])
        .unwrap()
        .with_guard(guard);
    let read = |bad, total| {
        let counts = Counts::new(bad, total).unwrap();
        policy
            .evaluate(&[(secs(HOUR), counts), (secs(5 * MINUTE), counts)][..])
            .unwrap()
    };
    // 20/1,000: burn interval [12.98, 30.69] straddles 14.4.
    let report = read(20, 1000);
    assert_eq!(report.tiers[0].long.status, WindowStatus::Uncertain);
    assert_eq!(report.verdict, BurnVerdict::Inconclusive { tier: 0 });
    // The same ratio on 100,000 requests is clear.
    assert_eq!(
        read(2000, 100_000).verdict,
        BurnVerdict::Firing {
            tier: 0,
            severity: Severity::Page
        }
    );
}

// ---- H / gate ----

#[test]
fn budget_gate_ladder_and_the_workbook_exhaustion_rule() {
    let o = objective("0.999");
    let decide = |gate: &BudgetGate, bad| {
        gate.decide(&o, Counts::new(bad, 1_000_000).unwrap())
            .decision
    };
    let ladder = BudgetGate::default();
    // 1,000 bad allowed: remaining = 1 - bad/1000.
    for (bad, want) in [
        (0, GateDecision::Allow),
        (500, GateDecision::Allow), // exactly 50 % left
        (501, GateDecision::Caution),
        (800, GateDecision::Caution), // exactly 20 % left
        (801, GateDecision::Freeze),
        (5_000, GateDecision::Freeze),
    ] {
        assert_eq!(decide(&ladder, bad), want, "{bad}");
    }
    let binary = BudgetGate::exhaustion_only();
    assert_eq!(decide(&binary, 1000), GateDecision::Allow); // spent, not exceeded
    assert_eq!(decide(&binary, 1001), GateDecision::Freeze);
    assert_eq!(
        binary.decide(&o, Counts::default()).decision,
        GateDecision::NoData
    );
    let err = BudgetGate::new(Fraction::new(1, 5).unwrap(), Fraction::new(1, 2).unwrap());
    assert!(matches!(err, Err(Error::InvalidConfig { .. })));
}
