//! The built-in suite: one checkout-like service in healthy and regressed variants, and the
//! policies of the library and of the established tools, written as policy files.

use super::policy::Policy;
use super::scenario::{
    BudgetModel, Change, Counting, Diurnal, EventModel, Intermittent, LatencyModel, MetricModel,
    NoisyNeighbour, Record, Regression, ScenarioConfig, Traffic, View,
};
use crate::error::Result;
use crate::span::Span;

/// The built-in policies' files, by name.
pub const POLICY_FILES: [(&str, &str); 8] = [
    ("anytime", include_str!("policies/anytime.toml")),
    (
        "anytime-budget",
        include_str!("policies/anytime-budget.toml"),
    ),
    ("mw-peeking", include_str!("policies/mw-peeking.toml")),
    ("mw-bonferroni", include_str!("policies/mw-bonferroni.toml")),
    (
        "mw-fixed-horizon",
        include_str!("policies/mw-fixed-horizon.toml"),
    ),
    ("kayenta", include_str!("policies/kayenta.toml")),
    ("argo", include_str!("policies/argo.toml")),
    ("flagger", include_str!("policies/flagger.toml")),
];

/// The built-in policies.
pub fn builtin_policies() -> Result<Vec<Policy>> {
    POLICY_FILES
        .iter()
        .map(|(_, text)| Policy::from_toml(text))
        .collect()
}

/// Requests per minute of the built-in service.
const REQUESTS: f64 = 2_000.0;
/// Its error rate.
const ERROR_RATE: f64 = 0.001;
/// Prometheus-style latency buckets, ms.
const BUCKETS: [f64; 14] = [
    5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 500.0, 750.0, 1000.0, 2500.0, 5000.0,
];

/// The built-in scenarios: null scenarios for false rollbacks, regressions for missed ones.
pub fn builtin_scenarios() -> Vec<ScenarioConfig> {
    let errors = |factor: f64| regression("errors", Change::RateFactor(factor));
    let latency = |change: Change| regression("latency", change);
    let mut suite = vec![
        service("null", "healthy canary, steady traffic"),
        ScenarioConfig {
            traffic: Traffic {
                diurnal: Some(Diurnal {
                    amplitude: 0.6,
                    period: Span::from_secs(86_400),
                }),
                missing: 0.03,
                noisy_neighbour: Some(NoisyNeighbour {
                    share: 0.1,
                    factor: 1.6,
                }),
                ..base_traffic()
            },
            ..service(
                "null-nuisances",
                "healthy canary; daily cycle, noisy neighbours, 3 % missing intervals",
            )
        },
        ScenarioConfig {
            traffic: Traffic {
                requests: 6.0,
                ..base_traffic()
            },
            ..service(
                "null-low-traffic",
                "healthy canary of a service with 6 requests a minute",
            )
        },
    ];
    for factor in [1.5, 2.0, 4.0, 10.0] {
        suite.push(family(
            format!("errors-x{factor}"),
            format!(
                "error rate {} % -> {} %",
                ERROR_RATE * 100.0,
                ERROR_RATE * factor * 100.0
            ),
            "error rate",
            factor,
            errors(factor),
        ));
    }
    for factor in [1.05, 1.1, 1.25] {
        suite.push(family(
            format!("latency-x{factor}"),
            format!("every latency {:+.0} %", (factor - 1.0) * 100.0),
            "latency",
            factor,
            latency(Change::Scale(factor)),
        ));
    }
    suite.push(ScenarioConfig {
        regressions: vec![latency(Change::Tail {
            share: 0.02,
            factor: 5.0,
        })],
        ..service(
            "latency-tail",
            "2 % of requests 5x slower: p99 worse, median unchanged",
        )
    });
    suite.push(ScenarioConfig {
        regressions: vec![Regression {
            after: Span::from_secs(20 * 60),
            ..errors(4.0)
        }],
        ..service("errors-late-x4", "error rate x4 from minute 20 on")
    });
    suite.push(ScenarioConfig {
        regressions: vec![Regression {
            intermittent: Some(Intermittent {
                on: Span::from_secs(5 * 60),
                off: Span::from_secs(15 * 60),
            }),
            ..errors(10.0)
        }],
        ..service(
            "errors-intermittent-x10",
            "error rate x10 for 5 minutes in every 20",
        )
    });
    suite.push(ScenarioConfig {
        traffic: Traffic {
            requests: 6.0,
            ..base_traffic()
        },
        regressions: vec![errors(10.0)],
        ..service(
            "low-traffic-errors-x10",
            "error rate x10 at 6 requests a minute",
        )
    });
    suite
}

/// A scenario of a power-curve family.
fn family(
    name: String,
    description: String,
    family: &str,
    size: f64,
    change: Regression,
) -> ScenarioConfig {
    ScenarioConfig {
        family: Some(family.into()),
        size: Some(size),
        regressions: vec![change],
        ..service(&name, &description)
    }
}

fn regression(metric: &str, change: Change) -> Regression {
    Regression {
        metric: metric.into(),
        change,
        after: Span::default(),
        intermittent: None,
    }
}

fn base_traffic() -> Traffic {
    Traffic {
        requests: REQUESTS,
        diurnal: None,
        missing: 0.0,
        noisy_neighbour: None,
    }
}

/// The healthy service: latency (as a histogram, traced samples and a per-minute p99), errors
/// (as counts and a per-minute rate) and an SLO window 30 % spent.
fn service(name: &str, description: &str) -> ScenarioConfig {
    let latency = LatencyModel {
        median: 80.0,
        sigma: 0.5,
        slow_share: 0.01,
        slow_factor: 6.0,
        outlier_share: 0.0005,
        outlier_factor: 40.0,
    };
    let events = EventModel {
        rate: ERROR_RATE,
        counting: Counting::Binomial,
    };
    let view = |name: &str, record: Record| View {
        name: name.into(),
        record,
    };
    let window_requests = (REQUESTS * 60.0 * 24.0 * 28.0) as u64;
    ScenarioConfig {
        name: name.into(),
        description: description.into(),
        family: None,
        size: None,
        tick: Span::from_secs(60),
        duration: Span::from_secs(4 * 3600),
        traffic: base_traffic(),
        metrics: vec![
            MetricModel {
                name: "latency".into(),
                latency: Some(latency),
                events: None,
                record: Record::Histogram {
                    bounds: BUCKETS.to_vec(),
                },
                views: vec![
                    view("latency samples", Record::Samples { limit: 200 }),
                    view(
                        "p99 latency per minute",
                        Record::IntervalQuantile {
                            q: 0.99,
                            bounds: BUCKETS.to_vec(),
                        },
                    ),
                ],
            },
            MetricModel {
                name: "errors".into(),
                latency: None,
                events: Some(events),
                record: Record::Counts,
                views: vec![view("error rate per minute", Record::IntervalRate)],
            },
        ],
        regressions: Vec::new(),
        budget: Some(BudgetModel {
            metric: "errors".into(),
            requests: window_requests,
            bad: (window_requests as f64 * 0.001 * 0.3) as u64,
        }),
    }
}
