//! Reports for people (text) and for programs (JSON). The JSON is the library's own serde form
//! (docs/verdict-json.md), so scripts read the same fields as the Rust and Python APIs; the
//! text shows the decision first, then the reasons and each metric's one-line result.

use std::io::{self, Write};

use canary_judge::judge::Verdict;
use canary_judge::policy::{GateReport, GateState};
use clap::ValueEnum;
use serde::Serialize;

/// How a report is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people: the decision, the reasons, one line per metric.
    #[default]
    Text,
    /// The library's JSON (docs/verdict-json.md), indented.
    Json,
}

/// A snake_case choice (`"no_data"`) as the word it serializes to.
fn word(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::from("?"),
    }
}

/// Writes a judge's verdict.
pub fn verdict(out: &mut impl Write, verdict: &Verdict, format: OutputFormat) -> io::Result<()> {
    match format {
        OutputFormat::Json => writeln!(out, "{}", verdict.to_json_pretty()),
        OutputFormat::Text => verdict_text(out, verdict),
    }
}

fn verdict_text(out: &mut impl Write, verdict: &Verdict) -> io::Result<()> {
    write!(out, "decision: {}", word(&verdict.decision))?;
    match (verdict.score, verdict.classification) {
        (Some(score), Some(class)) => writeln!(out, ", score {score} ({})", word(&class))?,
        _ => writeln!(out, ", no score yet")?,
    }
    if !verdict.reasons.is_empty() {
        writeln!(out, "reasons:")?;
        for reason in &verdict.reasons {
            writeln!(out, "  - {reason}")?;
        }
    }
    writeln!(out, "metrics:")?;
    for m in &verdict.metrics {
        let mut flags = String::new();
        if m.critical {
            flags += " [critical]";
        }
        if m.muted {
            flags += " [muted]";
        }
        writeln!(out, "  {:<13}{}{flags}", word(&m.outcome), m.reason)?;
    }
    Ok(())
}

/// The report of one gate tick, in JSON with two fields added: whether the state was new and
/// where it was saved.
#[derive(Serialize)]
struct StepOutput<'a> {
    new_state: bool,
    state_file: &'a str,
    #[serde(flatten)]
    report: &'a GateReport,
}

/// What a gate tick did, for [`gate_step`].
pub struct Step<'a> {
    /// The gate's report.
    pub report: &'a GateReport,
    /// The number of stages in the plan.
    pub stages: usize,
    /// Whether the state file did not exist and a rollout was started.
    pub new_state: bool,
    /// Where the state was saved.
    pub state_file: &'a str,
}

/// Writes the report of one gate tick.
pub fn gate_step(out: &mut impl Write, step: &Step, format: OutputFormat) -> io::Result<()> {
    let report = step.report;
    if format == OutputFormat::Json {
        let json = StepOutput {
            new_state: step.new_state,
            state_file: step.state_file,
            report,
        };
        let text = serde_json::to_string_pretty(&json).map_err(io::Error::other)?;
        return writeln!(out, "{text}");
    }
    if step.new_state {
        writeln!(
            out,
            "new rollout: {} did not exist, started at stage 1",
            step.state_file
        )?;
    }
    writeln!(
        out,
        "action: {} (tick {}), stage {} of {}, canary weight {}%",
        word(&report.action),
        report.tick,
        report.stage + 1,
        step.stages,
        report.weight
    )?;
    // The report's reasons are the gate's own, then the verdict's (shown with the verdict).
    let own = &report.reasons[..report
        .reasons
        .len()
        .saturating_sub(report.verdict.reasons.len())];
    for reason in own {
        writeln!(out, "  - {reason}")?;
    }
    verdict_text(out, &report.verdict)?;
    writeln!(out, "state saved to {}", step.state_file)
}

/// Writes where a saved rollout stands.
pub fn gate_state(
    out: &mut impl Write,
    state: &GateState,
    weight: Option<f64>,
    format: OutputFormat,
) -> io::Result<()> {
    if format == OutputFormat::Json {
        return writeln!(out, "{}", state.to_json());
    }
    writeln!(out, "status: {}", word(&state.status))?;
    write!(out, "stage: {}", state.stage + 1)?;
    match weight {
        Some(weight) => writeln!(out, ", canary weight {weight}%")?,
        None => writeln!(out)?,
    }
    writeln!(out, "ticks: {}", state.ticks)?;
    match state.last_time {
        Some(time) => writeln!(out, "last tick at: {time} (UNIX seconds)"),
        None => writeln!(out, "last tick at: none yet"),
    }
}
