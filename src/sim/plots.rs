//! The plots of an evaluation, as SVG documents: power curves per scenario family, the time
//! policies take to decide, and false rollbacks against missed regressions. Pictures show
//! what the report's numbers hide: where detection starts, how long it takes, and which
//! policies pay for speed with false alarms.

use std::collections::BTreeMap;

use super::evaluate::{Cell, Evaluation};
use super::report::{PolicyFigures, Rate, Report};
use super::svg::{Axis, Chart, Mark, Scale};

/// The false-rollback rate a test at the usual 5 % level promises.
const ALPHA: f64 = 0.05;

/// Every plot of `evaluation`, by file name: `power-<family>.svg` for each scenario family,
/// `time-to-rollback.svg`, `time-to-promotion.svg` and `false-vs-missed.svg`.
///
/// ```
/// use canary_judge::sim::{builtin_policies, builtin_scenarios, plots, Plan};
///
/// let scenarios: Vec<_> = builtin_scenarios()
///     .into_iter()
///     .filter(|s| s.name == "null" || s.name.starts_with("errors-x"))
///     .collect();
/// let policies: Vec<_> = builtin_policies()?
///     .into_iter()
///     .filter(|p| p.name() == "anytime")
///     .collect();
/// let plan = Plan { scenarios, policies, seed: 1, rollouts: 0..4, threads: Some(1) };
/// for (file, svg) in plots(&plan.run(&|_done| {})?) {
///     assert!(file.ends_with(".svg") && svg.starts_with("<svg"));
/// }
/// # Ok::<(), canary_judge::Error>(())
/// ```
pub fn plots(evaluation: &Evaluation) -> Vec<(String, String)> {
    let report = Report::new(evaluation);
    let mut out: Vec<(String, String)> = power_curves(&report, evaluation)
        .into_iter()
        .map(|(family, svg)| (format!("power-{}.svg", slug(&family)), svg))
        .collect();
    out.push(("time-to-rollback.svg".into(), time_to_rollback(evaluation)));
    out.push((
        "time-to-promotion.svg".into(),
        time_to_promotion(evaluation),
    ));
    out.push(("false-vs-missed.svg".into(), false_vs_missed(&report)));
    out
}

/// One power curve per policy for each scenario family (scenarios with a `family` and a
/// `size`): the share of rollouts rolled back against the regression's size, with 95 %
/// intervals. Returns (family, SVG) pairs in the order the families first appear.
pub fn power_curves(report: &Report, evaluation: &Evaluation) -> Vec<(String, String)> {
    let mut families: Vec<&str> = Vec::new();
    for scenario in &evaluation.scenarios {
        if let (Some(family), Some(_)) = (&scenario.family, scenario.size) {
            if !families.contains(&family.as_str()) {
                families.push(family);
            }
        }
    }
    families
        .into_iter()
        .map(|family| {
            let size = |scenario: &str| {
                let info = evaluation.scenario(scenario)?;
                (info.family.as_deref() == Some(family))
                    .then_some(info.size)
                    .flatten()
                    .filter(|s| s.is_finite())
            };
            let sizes: Vec<f64> = evaluation
                .scenarios
                .iter()
                .filter_map(|s| size(&s.name))
                .collect();
            let (low, high) = sizes
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &s| {
                    (l.min(s), h.max(s))
                });
            let log = low > 0.0 && high / low >= 4.0;
            let x = if log {
                Axis::new("regression size", low / 1.2, high * 1.2, Scale::Log)
            } else {
                let pad = ((high - low) * 0.08).max(low.abs() * 0.02).max(1e-6);
                Axis::new("regression size", low - pad, high + pad, Scale::Linear)
            };
            let rollouts = report
                .cells
                .iter()
                .filter(|c| size(&c.scenario).is_some())
                .map(|c| c.rollouts)
                .max()
                .unwrap_or(0);
            let mut chart = Chart::new(
                &format!("Power: {family}"),
                &format!(
                    "share of regressed canaries rolled back, with 95 % intervals; up to \
                     {rollouts} rollouts a point"
                ),
                x,
                Axis::new("rolled back", 0.0, 1.0, Scale::Percent),
            );
            let count = report.policies.len() as f64;
            for (index, policy) in report.policies.iter().enumerate() {
                let mut points: Vec<(f64, &Rate)> = report
                    .cells
                    .iter()
                    .filter(|c| c.policy == policy.policy)
                    .filter_map(|c| Some((size(&c.scenario)?, &c.rolled_back)))
                    .collect();
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                let mut marks = vec![Mark::Line(
                    points.iter().map(|(s, r)| (*s, r.rate)).collect(),
                )];
                for (size, rate) in &points {
                    marks.push(Mark::Dot(*size, rate.rate));
                    marks.push(Mark::Vertical {
                        x: *size,
                        low: rate.low,
                        high: rate.high,
                    });
                }
                chart.series(
                    &policy.policy,
                    &marks,
                    3.0 * (index as f64 - (count - 1.0) / 2.0),
                );
            }
            (family.to_string(), chart.finish())
        })
        .collect()
}

/// The time regressed canaries took to be rolled back, per policy: the share of rollouts of
/// all regressed scenarios rolled back within each number of minutes (an empirical
/// distribution that levels off at the policy's detection rate).
pub fn time_to_rollback(evaluation: &Evaluation) -> String {
    waiting_chart(
        evaluation,
        Group::Regressed,
        "Time to rollback, regressed canaries",
        "rolled back",
    )
}

/// The time healthy canaries took to be promoted, per policy: the share of rollouts of all
/// null scenarios promoted within each number of minutes.
pub fn time_to_promotion(evaluation: &Evaluation) -> String {
    waiting_chart(
        evaluation,
        Group::Null,
        "Time to promotion, healthy canaries",
        "promoted",
    )
}

/// Which scenarios a time plot pools, and the ending it times.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Group {
    /// Regressed scenarios, timed to their rollback.
    Regressed,
    /// Null scenarios, timed to their promotion.
    Null,
}

impl Group {
    /// Whether `cell` belongs to the group.
    fn has(self, evaluation: &Evaluation, cell: &Cell) -> bool {
        evaluation
            .scenario(&cell.scenario)
            .is_some_and(|s| s.null == (self == Group::Null))
    }

    /// The cell's rollouts that ended as the group times, by tick.
    fn endings(self, cell: &Cell) -> BTreeMap<u64, u64> {
        let tally = &cell.tally;
        match self {
            Group::Regressed => tally.rollback_ticks.clone(),
            Group::Null => tally
                .decision_ticks
                .iter()
                .map(|(tick, &count)| {
                    let rolled_back = tally.rollback_ticks.get(tick).copied().unwrap_or(0);
                    (*tick, count.saturating_sub(rolled_back))
                })
                .collect(),
        }
    }
}

fn waiting_chart(evaluation: &Evaluation, group: Group, title: &str, ended: &str) -> String {
    let tick_secs = |cell: &Cell| {
        evaluation
            .scenario(&cell.scenario)
            .map_or(60, |s| s.tick_secs)
    };
    let longest = evaluation
        .scenarios
        .iter()
        .filter(|s| s.null == (group == Group::Null))
        .map(|s| (s.max_ticks * s.tick_secs) as f64 / 60.0)
        .fold(0.0, f64::max);
    let mut chart = Chart::new(
        title,
        &format!("share of rollouts {ended} within the time, pooled over the scenarios"),
        Axis::new(
            "minutes since the rollout started",
            0.0,
            longest,
            Scale::Linear,
        ),
        Axis::new(ended, 0.0, 1.0, Scale::Percent),
    );
    for policy in &evaluation.policies {
        let mut minutes: BTreeMap<u64, u64> = BTreeMap::new();
        let mut rollouts = 0;
        let cells = evaluation.cells.iter().filter(|c| c.policy == policy.name);
        for cell in cells.filter(|c| group.has(evaluation, c)) {
            rollouts += cell.tally.rollouts;
            for (tick, count) in group.endings(cell) {
                *minutes.entry(tick * tick_secs(cell)).or_default() += count;
            }
        }
        let mut marks = Vec::new();
        if rollouts > 0 {
            let mut line = vec![(0.0, 0.0)];
            let mut seen = 0;
            for (secs, count) in minutes.into_iter().filter(|(_, count)| *count > 0) {
                let at = secs as f64 / 60.0;
                line.push((at, seen as f64 / rollouts as f64));
                seen += count;
                line.push((at, seen as f64 / rollouts as f64));
            }
            line.push((longest, seen as f64 / rollouts as f64));
            marks.push(Mark::Line(line));
        }
        chart.series(&policy.name, &marks, 0.0);
    }
    chart.finish()
}

/// False rollbacks (over null scenarios) against missed regressions (over regressed ones),
/// a dot per policy with 95 % intervals both ways, and the 5 % level a test promises: a
/// policy right of the line rolls back more healthy canaries than its tests' level says,
/// the cost of peeking at a fixed-horizon test.
pub fn false_vs_missed(report: &Report) -> String {
    let top = |rate: fn(&PolicyFigures) -> f64| {
        let high = report.policies.iter().map(rate).fold(0.0, f64::max);
        (high * 1.1).clamp(0.1, 1.0)
    };
    let mut chart = Chart::new(
        "False rollbacks against missed regressions",
        "a dot per policy, with 95 % intervals; left and low is better",
        Axis::new(
            "false rollbacks (healthy canaries rolled back)",
            0.0,
            top(|p| p.false_rollbacks.high.max(ALPHA)),
            Scale::Percent,
        ),
        Axis::new(
            "missed regressions",
            0.0,
            top(|p| p.missed_regressions.high),
            Scale::Percent,
        ),
    );
    chart.vertical_reference(ALPHA, "5 % level");
    for policy in &report.policies {
        let (x, y) = (&policy.false_rollbacks, &policy.missed_regressions);
        let marks = [
            Mark::Horizontal {
                y: y.rate,
                low: x.low,
                high: x.high,
            },
            Mark::Vertical {
                x: x.rate,
                low: y.low,
                high: y.high,
            },
            Mark::Dot(x.rate, y.rate),
            Mark::Label {
                x: x.rate,
                y: y.rate,
                text: policy.policy.clone(),
            },
        ];
        chart.series(&policy.policy, &marks, 0.0);
    }
    chart.finish()
}

/// A name fit for a file name: lower-case letters, digits and dashes.
fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        "family".into()
    } else {
        words.join("-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{builtin_policies, builtin_scenarios, Plan};

    fn evaluation() -> Evaluation {
        let scenarios = builtin_scenarios()
            .into_iter()
            .filter(|s| s.name == "null" || s.name == "errors-x2" || s.name == "errors-x10")
            .collect();
        let policies = builtin_policies()
            .unwrap()
            .into_iter()
            .filter(|p| p.name() == "anytime" || p.name() == "mw-peeking")
            .collect();
        let plan = Plan {
            scenarios,
            policies,
            seed: 3,
            rollouts: 0..6,
            threads: Some(1),
        };
        plan.run(&|_done| {}).unwrap()
    }

    /// Checks that every element is closed, in order; returns the element names opened.
    fn elements(svg: &str) -> Vec<String> {
        let (mut open, mut seen) = (Vec::new(), Vec::new());
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let end = rest[start..].find('>').expect("unclosed tag") + start;
            let tag = &rest[start + 1..end];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop().as_deref(), Some(name), "misnested </{name}>");
            } else {
                let name = tag.split_whitespace().next().unwrap().trim_end_matches('/');
                seen.push(name.to_string());
                if !tag.ends_with('/') {
                    open.push(name.to_string());
                }
            }
            assert!(!tag.contains('<'), "stray < in {tag}");
            rest = &rest[end + 1..];
        }
        assert!(open.is_empty(), "unclosed {open:?}");
        seen
    }

    fn check(files: &[(String, String)], policies: usize) {
        for (file, svg) in files {
            let names = elements(svg);
            assert_eq!(names.first().map(String::as_str), Some("svg"), "{file}");
            assert_eq!(svg.matches("class=\"series\"").count(), policies, "{file}");
            assert!(!svg.contains("NaN") && !svg.contains("inf\""), "{file}");
        }
    }

    #[test]
    fn every_plot_is_well_formed_with_a_series_per_policy() {
        let files = plots(&evaluation());
        let names: Vec<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            names,
            [
                "power-error-rate.svg",
                "time-to-rollback.svg",
                "time-to-promotion.svg",
                "false-vs-missed.svg"
            ]
        );
        check(&files, 2);
        let power = &files[0].1;
        assert_eq!(power.matches("<polyline").count(), 2);
        assert!(power.contains("data-series=\"mw-peeking\""));
    }

    #[test]
    fn empty_cells_and_odd_names_draw_nothing_undefined() {
        let mut evaluation = evaluation();
        for cell in &mut evaluation.cells {
            cell.tally = Default::default();
        }
        evaluation.policies[0].name = "a<b & \"c\"".into();
        for cell in evaluation.cells.iter_mut().step_by(2) {
            cell.policy = evaluation.policies[0].name.clone();
        }
        let files = plots(&evaluation);
        check(&files, 2);
        assert!(files[3].1.contains("a&lt;b &amp; &quot;c&quot;"));
    }

    #[test]
    fn slugs_are_file_names() {
        assert_eq!(slug("Error rate (x)"), "error-rate-x");
        assert_eq!(slug("--"), "family");
    }
}
