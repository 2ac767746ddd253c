//! `canary-judge evaluate`: the policy benchmark. Runs simulated rollouts of every scenario
//! under every policy and reports false rollbacks, missed regressions, and the time and traffic
//! each policy needs to decide (`docs/policy-evaluation.md`).

use std::path::{Path, PathBuf};

use canary_judge::sim::{
    builtin_policies, builtin_scenarios, plots, Evaluation, Plan, Policy, Report, ScenarioConfig,
};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::config_file;
use crate::error::CliError;
use crate::exit::Exit;
use crate::source::Source;
use crate::state_file::write_atomic;

/// Arguments of `evaluate`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  \
    canary-judge evaluate                                  # built-in suite, 600 rollouts per pair\n  \
    canary-judge evaluate --rollouts 2000 --csv out.csv --json out.json --svg plots/\n  \
    canary-judge evaluate --scenario null --scenario errors-x2 --policy anytime --policy my-policy.toml\n  \
    canary-judge evaluate --scenario my-service.toml       # your service against the built-in policies\n  \
    canary-judge evaluate --list                           # the built-in scenarios and policies\n\n\
    Shards of a large run (same seed, disjoint rollout ranges) merge exactly:\n  \
    canary-judge evaluate --first-rollout 0 --rollouts 5000 --counts a.json\n  \
    canary-judge evaluate --first-rollout 5000 --rollouts 5000 --counts b.json\n  \
    canary-judge evaluate --merge a.json --merge b.json --csv all.csv\n\n\
    Exit codes: 0 done, 3 usage or input error. See docs/policy-evaluation.md and docs/cli.md.")]
pub struct EvaluateArgs {
    /// Rollouts per scenario and policy.
    #[arg(long, default_value_t = 600, value_parser = clap::value_parser!(u64).range(1..))]
    rollouts: u64,
    /// Number of the first rollout (a shard of a larger run starts past the others).
    #[arg(long, default_value_t = 0)]
    first_rollout: u64,
    /// Seed of the run: the same seed gives the same counts on any number of threads.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A built-in scenario by name, or a scenario file (TOML or JSON); repeat for more.
    /// Default: the built-in suite.
    #[arg(long = "scenario", value_name = "NAME|FILE")]
    scenarios: Vec<String>,
    /// A built-in policy by name, or a policy file (TOML or JSON); repeat for more.
    /// Default: every built-in policy.
    #[arg(long = "policy", value_name = "NAME|FILE")]
    policies: Vec<String>,
    /// Worker threads; default one per core.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Merge these counts files (from --counts) instead of running; repeat for each shard.
    #[arg(long = "merge", value_name = "FILE", conflicts_with_all = ["scenarios", "policies"])]
    merge: Vec<PathBuf>,
    /// Write the exact counts (mergeable with other shards) as JSON.
    #[arg(long, value_name = "FILE")]
    counts: Option<PathBuf>,
    /// Write one row per scenario and policy as CSV.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Write every figure as JSON.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write SVG plots into this directory (created if missing): power curves per scenario
    /// family, times to rollback and to promotion, false rollbacks against missed regressions.
    #[arg(long, value_name = "DIR")]
    svg: Option<PathBuf>,
    /// List the built-in scenarios and policies, then stop.
    #[arg(long)]
    list: bool,
}

/// Runs (or merges) an evaluation and prints its table.
pub fn run(args: EvaluateArgs) -> Result<Exit, CliError> {
    if args.list {
        print!("{}", listing()?);
        return Ok(Exit::Pass);
    }
    let evaluation = if args.merge.is_empty() {
        simulate(&args)?
    } else {
        merge(&args.merge)?
    };
    let report = Report::new(&evaluation);
    let outputs = [
        (&args.counts, evaluation.to_json()),
        (&args.csv, report.csv()),
        (&args.json, report.to_json()),
    ];
    for (path, text) in outputs {
        if let Some(path) = path {
            write_atomic(path, &text)?;
        }
    }
    if let Some(dir) = &args.svg {
        std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
            file: dir.display().to_string(),
            source,
        })?;
        for (name, svg) in plots(&evaluation) {
            write_atomic(&dir.join(name), &svg)?;
        }
    }
    print!("{}", report.table());
    Ok(Exit::Pass)
}

fn simulate(args: &EvaluateArgs) -> Result<Evaluation, CliError> {
    let end = args
        .first_rollout
        .checked_add(args.rollouts)
        .ok_or_else(|| {
            CliError::Usage("--first-rollout + --rollouts overflows a 64-bit count".into())
        })?;
    let plan = Plan {
        scenarios: scenarios(&args.scenarios)?,
        policies: policies(&args.policies)?,
        seed: args.seed,
        rollouts: args.first_rollout..end,
        threads: args.threads.map(usize::from),
    };
    plan.validate()?;
    let bar = ProgressBar::new(plan.total_rollouts());
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rollouts, {elapsed} (eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let evaluation = plan.run(&|done| bar.set_position(done));
    bar.finish_and_clear();
    Ok(evaluation?)
}

fn merge(files: &[PathBuf]) -> Result<Evaluation, CliError> {
    let mut merged: Option<Evaluation> = None;
    for path in files {
        let shard = config_file::load(
            &Source::File(path.clone()),
            Evaluation::from_json,
            Evaluation::from_json,
        )?;
        match &mut merged {
            None => merged = Some(shard),
            Some(all) => all.merge(&shard).map_err(|e| CliError::Document {
                file: path.display().to_string(),
                source: e,
            })?,
        }
    }
    merged.ok_or_else(|| CliError::Usage("--merge needs at least one file".into()))
}

/// A name or a file: files are whatever exists on disk or ends in `.toml` or `.json`.
fn is_file(text: &str) -> bool {
    Path::new(text).exists() || text.ends_with(".toml") || text.ends_with(".json")
}

fn scenarios(chosen: &[String]) -> Result<Vec<ScenarioConfig>, CliError> {
    let load = |source: &Source| {
        config_file::load(source, ScenarioConfig::from_json, ScenarioConfig::from_toml)
    };
    choose("scenario", chosen, builtin_scenarios(), |s| &s.name, load)
}

fn policies(chosen: &[String]) -> Result<Vec<Policy>, CliError> {
    let load = |source: &Source| config_file::load(source, Policy::from_json, Policy::from_toml);
    choose("policy", chosen, builtin_policies()?, |p| p.name(), load)
}

/// The built-ins named in `chosen` and the files it lists, in its order; all built-ins when
/// it is empty.
fn choose<T: Clone>(
    what: &str,
    chosen: &[String],
    builtin: Vec<T>,
    name: impl Fn(&T) -> &str,
    load: impl Fn(&Source) -> Result<T, CliError>,
) -> Result<Vec<T>, CliError> {
    if chosen.is_empty() {
        return Ok(builtin);
    }
    chosen
        .iter()
        .map(|text| {
            if is_file(text) {
                return load(&Source::File(text.into()));
            }
            builtin
                .iter()
                .find(|item| name(item) == text)
                .cloned()
                .ok_or_else(|| {
                    let known: Vec<&str> = builtin.iter().map(&name).collect();
                    CliError::Usage(format!(
                        "no built-in {what} `{text}` and no such file; built-in: {}",
                        known.join(", ")
                    ))
                })
        })
        .collect()
}

fn listing() -> Result<String, CliError> {
    let mut out = String::from("scenarios:\n");
    for s in builtin_scenarios() {
        out.push_str(&format!("  {:<26}{}\n", s.name, s.description));
    }
    out.push_str("\npolicies:\n");
    for p in builtin_policies()? {
        out.push_str(&format!("  {:<26}{}\n", p.name(), p.config().description));
    }
    Ok(out)
}
