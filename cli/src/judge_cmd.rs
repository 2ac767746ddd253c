//! `canary-judge judge`: one verdict on one window of data, from files. Every input is read and
//! checked before anything is judged, so a bad file stops the command with exit code 3 and
//! never yields a verdict on part of the data.

use std::io::Write;

use canary_judge::judge::Observations;
use clap::Args;

use crate::assemble::{self, Selection, Side};
use crate::config_file;
use crate::error::CliError;
use crate::exit::{exit_codes_help, Exit};
use crate::inputs::{self, InputFormat, LabelMatcher, ParseOptions};
use crate::observations_file;
use crate::render::{self, OutputFormat};
use crate::source::{at_most_one_stdin, Source};

/// Arguments of `canary-judge judge`.
#[derive(Debug, Args)]
#[command(
    about = "Judge a canary against its baseline: promote (exit 0), roll back (1) or wait (2)",
    long_about = "Judge a canary against its baseline on one window of data.\n\n\
        The configuration (TOML, or JSON for a .json file) lists the metrics and how each is \
        tested (docs/guide.md). The data come from a baseline file and a canary file, or from \
        an observations JSON document with several metrics, or both.\n\n\
        Which metric a pair of files feeds: the one named by --metric; else the only metric of \
        the configuration; else each column of a CSV header row is the metric of that name.",
    after_help = exit_codes_help!(),
    after_long_help = concat!(
        "Examples:\n  \
           # one latency metric, one number per line in each file\n  \
           canary-judge judge --config judge.toml --baseline base.csv --canary canary.csv\n\n  \
           # several metrics at once: CSV headers name them (latency,cpu)\n  \
           canary-judge judge --config judge.toml --baseline base.csv --canary canary.csv\n\n  \
           # a histogram metric from cumulative Prometheus buckets, JSON verdict\n  \
           canary-judge judge --config judge.toml --metric latency_p99 \\\n      \
             --baseline base-buckets.csv --canary canary-buckets.json --format json\n\n  \
           # one saved Prometheus query_range response holding both versions' series\n  \
           canary-judge judge --config judge.toml --metric latency --input-format prometheus \\\n      \
             --baseline range.json --baseline-series version=v1 \\\n      \
             --canary range.json --canary-series version=v2\n\n  \
           # counts and everything else in one document, read from stdin\n  \
           curl -s http://metrics/obs | canary-judge judge --config judge.toml --observations -\n\n\
         Input formats (--input-format, default auto: by extension, then content):\n  \
           csv             numbers, one per line; or named columns under a header row\n  \
           json            [12.5, 13.1, null, ...]  (null is NaN: the metric's nan_policy applies)\n  \
           histogram-csv   le,count rows with cumulative counts (+Inf for the last bucket)\n  \
           histogram-json  [{\"le\": \"0.1\", \"count\": 12}, ..., {\"le\": \"+Inf\", \"count\": 40}]\n  \
           prometheus      a saved /api/v1/query_range response; series concatenated\n\n",
        exit_codes_help!()
    )
)]
pub struct JudgeArgs {
    /// The judge's configuration (TOML; JSON when the file ends in .json).
    #[arg(long, value_name = "FILE")]
    config: Source,

    /// The baseline's data for one metric, or named CSV columns for several (`-` is stdin).
    #[arg(
        long,
        value_name = "FILE",
        requires = "canary",
        required_unless_present = "observations"
    )]
    baseline: Option<Source>,

    /// The canary's data, in the same layout as the baseline's (`-` is stdin).
    #[arg(long, value_name = "FILE", requires = "baseline")]
    canary: Option<Source>,

    /// Observations JSON (the library's format: samples, counts, histograms, budget) for any
    /// metrics; combines with --baseline/--canary for other metrics.
    #[arg(long, value_name = "FILE")]
    observations: Option<Source>,

    /// The metric the baseline and canary files feed (needed when the configuration has
    /// several and the files have no header naming them).
    #[arg(long, value_name = "NAME", requires = "baseline")]
    metric: Option<String>,

    /// The CSV column to read from both files (by its header name).
    #[arg(long, value_name = "NAME", requires = "baseline")]
    column: Option<String>,

    /// The format of the baseline and canary files.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = InputFormat::Auto)]
    input_format: InputFormat,

    /// Prometheus inputs: keep only series with this label value (repeat to require several).
    #[arg(long, value_name = "LABEL=VALUE")]
    series: Vec<LabelMatcher>,

    /// Like --series, for the baseline's file only.
    #[arg(long, value_name = "LABEL=VALUE")]
    baseline_series: Vec<LabelMatcher>,

    /// Like --series, for the canary's file only.
    #[arg(long, value_name = "LABEL=VALUE")]
    canary_series: Vec<LabelMatcher>,

    /// The report's format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
}

/// Runs the command: reads, checks, judges, reports; the exit code follows the decision.
pub fn run(args: JudgeArgs) -> Result<Exit, CliError> {
    at_most_one_stdin([
        ("--config", Some(&args.config)),
        ("--baseline", args.baseline.as_ref()),
        ("--canary", args.canary.as_ref()),
        ("--observations", args.observations.as_ref()),
    ])?;
    let judge = config_file::judge(&args.config)?;
    let mut observations = match &args.observations {
        Some(source) => observations_file::read(source)?,
        None => Observations::new(),
    };
    if let (Some(baseline), Some(canary)) = (&args.baseline, &args.canary) {
        let options = |own: &[LabelMatcher]| ParseOptions {
            series: args.series.iter().chain(own).cloned().collect(),
        };
        let select = Selection {
            metric: args.metric.as_deref(),
            column: args.column.as_deref(),
        };
        let baseline = read_side(baseline, args.input_format, &options(&args.baseline_series))?;
        let canary = read_side(canary, args.input_format, &options(&args.canary_series))?;
        for (name, data) in assemble::metric_data(judge.config(), select, baseline, canary)? {
            if observations.metrics.contains_key(&name) {
                return Err(CliError::Usage(format!(
                    "metric `{name}` has data both in --observations and in the baseline and \
                     canary files: give it once"
                )));
            }
            observations.metrics.insert(name, data);
        }
    }
    let verdict = judge
        .judge(&observations)
        .map_err(|e| observations_file::blame(args.observations.as_ref(), e))?;
    let mut out = std::io::stdout().lock();
    render::verdict(&mut out, &verdict, args.format)
        .and_then(|()| out.flush())
        .map_err(CliError::Output)?;
    Ok(Exit::from(verdict.decision))
}

fn read_side(
    source: &Source,
    format: InputFormat,
    options: &ParseOptions,
) -> Result<Side, CliError> {
    let bytes = source.read()?;
    let parsed =
        inputs::parse(&bytes, format, source.extension().as_deref(), options).map_err(|error| {
            CliError::Input {
                file: source.name(),
                error,
            }
        })?;
    Ok(Side {
        file: source.name(),
        parsed,
    })
}
