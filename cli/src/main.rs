//! The `canary-judge` command: the library's judge and rollout gate for shells, CI pipelines
//! and job-based analysis (Argo Rollouts' `job` provider), with exit codes a pipeline can
//! branch on. Each subcommand lives in its own module; adding one is a variant of [`Command`]
//! and a line in [`main`].

mod assemble;
mod config_file;
mod error;
mod evaluate_cmd;
mod exit;
mod gate_cmd;
mod inputs;
mod judge_cmd;
mod observations_file;
mod render;
mod serve_cmd;
mod source;
mod state_file;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::exit::{exit_codes_help, Exit};

/// Statistical canary analysis from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "canary-judge",
    version,
    about = "Is the canary worse than the baseline, and how sure are we?",
    long_about = "Is the canary worse than the baseline, and how sure are we?\n\n\
        `judge` compares one window of canary data with the baseline's on the metrics of a \
        configuration and answers promote, roll back or keep watching, with the numbers \
        behind it. `gate step` drives a staged rollout one tick per run, keeping its state \
        in a file. `evaluate` scores gating policies on simulated rollouts; `serve` answers \
        Kayenta, Argo Rollouts and Flagger over HTTP.",
    after_help = exit_codes_help!(),
    after_long_help = concat!(
        "Examples:\n  \
           canary-judge judge --config judge.toml --baseline base.csv --canary canary.csv\n  \
           canary-judge gate step --state rollout.json --config gate.toml --observations tick.json\n  \
           canary-judge evaluate                  # score the built-in policies on simulated rollouts\n  \
           canary-judge serve --config judge.toml # HTTP judge on 127.0.0.1:8080\n  \
           canary-judge judge --help      # input formats, more examples\n\n",
        exit_codes_help!()
    )
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Judge a canary against its baseline: promote (exit 0), roll back (1) or wait (2).
    Judge(judge_cmd::JudgeArgs),
    /// Drive a staged rollout one tick at a time, its state kept in a file.
    #[command(subcommand, after_help = exit_codes_help!())]
    Gate(gate_cmd::GateCommand),
    /// Score gating policies on simulated rollouts: false rollbacks, missed regressions,
    /// time and traffic to a decision.
    Evaluate(evaluate_cmd::EvaluateArgs),
    /// Serve the judge over HTTP for Kayenta, Argo Rollouts and Flagger.
    Serve(serve_cmd::ServeArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout and succeed; usage errors exit 3, not clap's 2,
            // which means "inconclusive" here.
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Error.into()
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Judge(args) => judge_cmd::run(args),
        Command::Gate(command) => gate_cmd::run(command),
        Command::Evaluate(args) => evaluate_cmd::run(args),
        Command::Serve(args) => serve_cmd::run(args),
    };
    match result {
        Ok(exit) => exit.into(),
        Err(e) => {
            // Nothing is left to do if standard error is closed too.
            let _ = writeln!(std::io::stderr(), "canary-judge: error: {e}");
            Exit::Error.into()
        }
    }
}
