//! Minimum-sample rules: is there enough data to judge, and if not, how much more and how long.

use canary_judge::rules::{self, ArrivalRates, Observed, ReferenceRate, SampleRule};
use pyo3::prelude::*;

use crate::arrays::Count;
use crate::errors::raise;
use crate::power;
use crate::records::record;
use crate::state::stateful;

record! {
    /// A rule's answer: enough data, or how many more observations and about how long.
    Sufficiency {
        /// Whether the rule is satisfied.
        enough: bool,
        /// More canary observations needed (None when not yet known).
        more_canary: Option<u64>,
        /// More baseline observations needed (None when not yet known).
        more_baseline: Option<u64>,
        /// About how long the missing observations take at the given arrival rates.
        eta_seconds: Option<f64>,
        /// One line for people.
        reason: String,
    }
}

/// Checks `rule` against the counts so far; `rates` are observations per second of the
/// canary and the baseline.
fn check(
    rule: &impl SampleRule,
    canary: Count,
    baseline: Count,
    baseline_events: Count,
    rates: Option<(f64, f64)>,
) -> PyResult<Sufficiency> {
    let observed = Observed::new(canary.0, baseline.0).baseline_events(baseline_events.0);
    let rates = rates
        .map(|(canary, baseline)| ArrivalRates::new(canary, baseline))
        .transpose()
        .map_err(raise)?;
    let answer = rule.check(&observed, rates.as_ref()).map_err(raise)?;
    Ok(match answer.shortfall() {
        None => Sufficiency {
            enough: true,
            more_canary: Some(0),
            more_baseline: Some(0),
            eta_seconds: Some(0.0),
            reason: "enough data".to_string(),
        },
        Some(shortfall) => Sufficiency {
            enough: false,
            more_canary: shortfall.more_canary,
            more_baseline: shortfall.more_baseline,
            eta_seconds: shortfall.eta.map(|eta| eta.as_secs_f64()),
            reason: shortfall.to_string(),
        },
    })
}

/// Defines a rule class: a stateful class around a library rule with `check()`.
macro_rules! sample_rule {
    ($(#[$meta:meta])* $name:ident($inner:ty) { $($methods:tt)* }) => {
        stateful! {
            $(#[$meta])*
            $name($inner) {
                /// Whether `canary` and `baseline` observations (and `baseline_events` events
                /// among the baseline's) are enough; `rates` = (canary, baseline)
                /// observations per second turn a shortfall into a wait.
                #[pyo3(
                    signature = (canary, baseline, *, baseline_events = Count(0), rates = None),
                    text_signature = "($self, canary, baseline, *, baseline_events=0, rates=None)"
                )]
                fn check(
                    &self,
                    canary: Count,
                    baseline: Count,
                    baseline_events: Count,
                    rates: Option<(f64, f64)>,
                ) -> PyResult<Sufficiency> {
                    let rule = self.inner.with(|rule| *rule);
                    check(&rule, canary, baseline, baseline_events, rates)
                }

                $($methods)*
            }
        }
    };
}

sample_rule! {
    /// At least this many observations in each group.
    MinObservations(rules::MinObservations) {
        #[new]
        fn new(canary: Count, baseline: Count) -> Self {
            Self::wrap(rules::MinObservations::new(canary.0, baseline.0))
        }
    }
}

sample_rule! {
    /// At least `events` expected events (errors) in each group, under the baseline's
    /// observed rate (`reference="baseline"`) or a fixed rate such as the error budget.
    MinExpectedEvents(rules::MinExpectedEvents) {
        #[new]
        #[pyo3(signature = (events, reference = None))]
        fn new(events: f64, reference: Option<f64>) -> PyResult<Self> {
            let reference = reference.map_or(ReferenceRate::Baseline, ReferenceRate::Fixed);
            rules::MinExpectedEvents::new(events, reference)
                .map(Self::wrap)
                .map_err(raise)
        }
    }
}

sample_rule! {
    /// Enough once a Mann-Whitney test detects `P(X > Y) = superiority` with the target power.
    MannWhitneyPowerRule(rules::MannWhitneyPowerRule) {
        #[new]
        #[pyo3(signature = (
            superiority, canary_share, *, alpha = 0.05, power = 0.8, alternative = "two-sided"
        ))]
        fn new(
            superiority: f64,
            canary_share: f64,
            alpha: f64,
            power: f64,
            alternative: &str,
        ) -> PyResult<Self> {
            let options = power::options(alpha, power, alternative)?;
            rules::MannWhitneyPowerRule::new(superiority, canary_share, options)
                .map(Self::wrap)
                .map_err(raise)
        }
    }
}

sample_rule! {
    /// Enough once a two-proportion z-test detects `canary_rate` against `baseline_rate`.
    TwoProportionsPowerRule(rules::TwoProportionsPowerRule) {
        #[new]
        #[pyo3(signature = (
            canary_rate, baseline_rate, canary_share, *, alpha = 0.05, power = 0.8,
            alternative = "two-sided"
        ))]
        fn new(
            canary_rate: f64,
            baseline_rate: f64,
            canary_share: f64,
            alpha: f64,
            power: f64,
            alternative: &str,
        ) -> PyResult<Self> {
            let options = power::options(alpha, power, alternative)?;
            rules::TwoProportionsPowerRule::new(canary_rate, baseline_rate, canary_share, options)
                .map(Self::wrap)
                .map_err(raise)
        }
    }
}
