//! `canary-judge gate`: a staged rollout driven one tick per run, its state kept in a file
//! between runs (a CI job, a cron, a controller's hook). A tick that fails leaves the state
//! file as it was; a tick that succeeds replaces it atomically before reporting, so a
//! reported decision is always a persisted one.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use canary_judge::policy::GateState;
use clap::{Args, Subcommand};

use crate::config_file;
use crate::error::CliError;
use crate::exit::{exit_codes_help, Exit};
use crate::observations_file;
use crate::render::{self, OutputFormat, Step};
use crate::source::{at_most_one_stdin, Source};
use crate::state_file;

/// The `gate` subcommands.
#[derive(Debug, Subcommand)]
pub enum GateCommand {
    /// Run one tick of a rollout gate and save its state.
    Step(StepArgs),
    /// Show where a saved rollout stands.
    Show(ShowArgs),
}

/// Arguments of `canary-judge gate step`.
#[derive(Debug, Args)]
#[command(
    long_about = "Run one tick of a rollout gate: judge the observations since the last tick, \
        decide promote, continue, rollback or finished, and save the gate's state.\n\n\
        The state file holds the rollout's progress (stage, soak time, rollback counters, the \
        sequential tests' evidence). When it does not exist a new rollout starts at the first \
        stage. It is replaced atomically (temporary file, fsync, rename) after a successful \
        tick, and left unchanged when the tick fails. Run one tick at a time per state file.",
    after_help = exit_codes_help!(),
    after_long_help = concat!(
        "Examples:\n  \
           # every minute: the observations since the last tick\n  \
           canary-judge gate step --state rollout.json --config gate.toml --observations tick.json\n  \
           case $? in\n    \
             0) echo promote ;;   # move to the next stage's weight (or finished)\n    \
             1) echo rollback ;;\n    \
             2) echo wait ;;      # hold the weight, tick again later\n    \
             *) echo error ;;\n  \
           esac\n\n  \
           # replaying a recorded rollout: explicit times, JSON reports\n  \
           canary-judge gate step --state s.json --config gate.toml --observations t1.json \\\n      \
             --now 1700000000 --format json\n\n\
         Gate exit codes: 0 promote or finished, 1 rollback, 2 continue, 3 error (state unchanged).\n\n",
        exit_codes_help!()
    )
)]
pub struct StepArgs {
    /// The gate's state; created when missing, replaced after each successful tick.
    #[arg(long, value_name = "FILE")]
    state: Source,

    /// The gate's configuration: stages, rollback rules, judge (TOML; JSON for .json).
    #[arg(long, value_name = "FILE")]
    config: Source,

    /// The observations since the last tick (the library's observations JSON; `-` is stdin).
    #[arg(long, value_name = "FILE")]
    observations: Source,

    /// The tick's time in UNIX seconds (default: the system clock); must not go backwards.
    #[arg(long, value_name = "SECONDS")]
    now: Option<u64>,

    /// The report's format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
}

/// Arguments of `canary-judge gate show`.
#[derive(Debug, Args)]
#[command(
    long_about = "Show where a saved rollout stands: status (running, rolled_back, finished), \
        stage, ticks and the last tick's time. With --config, the stage's weight too. \
        Exits 0 when the state could be read, 3 otherwise.",
    after_long_help = "Example:\n  canary-judge gate show --state rollout.json --config gate.toml\n\n\
        Documentation: docs/cli.md"
)]
pub struct ShowArgs {
    /// The gate's state file.
    #[arg(long, value_name = "FILE")]
    state: Source,

    /// The gate's configuration, to show the stage's weight.
    #[arg(long, value_name = "FILE")]
    config: Option<Source>,

    /// The output's format (JSON prints the state itself).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
}

/// Runs a `gate` subcommand.
pub fn run(command: GateCommand) -> Result<Exit, CliError> {
    match command {
        GateCommand::Step(args) => step(args),
        GateCommand::Show(args) => show(args),
    }
}

fn step(args: StepArgs) -> Result<Exit, CliError> {
    at_most_one_stdin([
        ("--config", Some(&args.config)),
        ("--observations", Some(&args.observations)),
    ])?;
    let path = args.state.path("--state")?;
    let gate = config_file::gate(&args.config)?;
    let observations = observations_file::read(&args.observations)?;
    let saved = state_file::read(path)?;
    let new_state = saved.is_none();
    let mut state = match saved {
        Some(text) => read_state(&args.state, &text)?,
        None => gate.start(),
    };
    let now = match args.now {
        Some(now) => now,
        None => clock()?,
    };
    let report = gate
        .step(&mut state, now, &observations)
        .map_err(|e| observations_file::blame(Some(&args.observations), e))?;
    state_file::write_atomic(path, &state.to_json())?;
    let mut out = std::io::stdout().lock();
    let step = Step {
        report: &report,
        stages: gate.config().stages.len(),
        new_state,
        state_file: &args.state.name(),
    };
    render::gate_step(&mut out, &step, args.format)
        .and_then(|()| out.flush())
        .map_err(CliError::Output)?;
    Ok(Exit::from(report.action))
}

fn show(args: ShowArgs) -> Result<Exit, CliError> {
    let path = args.state.path("--state")?;
    let text = state_file::read(path)?.ok_or_else(|| CliError::Read {
        file: args.state.name(),
        source: std::io::ErrorKind::NotFound.into(),
    })?;
    let state = read_state(&args.state, &text)?;
    let weight = match &args.config {
        Some(config) => {
            let gate = config_file::gate(config)?;
            gate.config().stages.get(state.stage).map(|s| s.weight)
        }
        None => None,
    };
    let mut out = std::io::stdout().lock();
    render::gate_state(&mut out, &state, weight, args.format)
        .and_then(|()| out.flush())
        .map_err(CliError::Output)?;
    Ok(Exit::Pass)
}

fn read_state(source: &Source, text: &str) -> Result<GateState, CliError> {
    GateState::from_json(text).map_err(|e| CliError::Document {
        file: source.name(),
        source: e,
    })
}

/// The system clock in UNIX seconds.
fn clock() -> Result<u64, CliError> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| CliError::Clock)
}
