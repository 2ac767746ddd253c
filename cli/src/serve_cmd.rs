//! `canary-judge serve`: the HTTP judge for Kayenta, Argo Rollouts and Flagger
//! (`docs/integrations.md`), on loopback unless told otherwise.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use canary_judge_server::ServerOptions;
use clap::Args;

use crate::config_file;
use crate::error::CliError;
use crate::exit::Exit;
use crate::source::Source;

/// Arguments of `serve`.
#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  \
    canary-judge serve                                   # 127.0.0.1:8080, judge config in each request\n  \
    canary-judge serve --config judge.toml               # default judge for Argo and Flagger\n  \
    canary-judge serve --addr 0.0.0.0:8080 --config judge.toml --max-body-mib 8\n\n\
    Endpoints: POST /judge (Kayenta remote judge), POST /v1/judge (verdict JSON, Argo web\n\
    provider), POST /v1/flagger/gate (200 = promote), GET /v1/verdict/{ns}/{name},\n\
    PUT/DELETE /v1/observations/{ns}/{name}, GET /healthz. See docs/integrations.md.\n\n\
    Exit codes: 0 when stopped by Ctrl-C or SIGTERM; 3 if the configuration is refused or the\n\
    address cannot be bound.\n\
    Documentation: docs/cli.md")]
pub struct ServeArgs {
    /// Address to listen on; loopback by default, so nothing is exposed by accident.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Judge configuration (TOML or JSON) for requests that carry none.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Largest request body accepted, in MiB (larger ones get 413).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1024))]
    max_body_mib: u32,
    /// Seconds a request may take to arrive (slower ones get 408).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    timeout: u64,
    /// Observation sets kept for GET /v1/verdict and the Flagger gate.
    #[arg(long, default_value_t = 256)]
    max_stored: usize,
}

/// Serves until stopped.
pub fn run(args: ServeArgs) -> Result<Exit, CliError> {
    let mut options = ServerOptions::default()
        .addr(args.addr)
        .max_body_bytes(args.max_body_mib as usize * 1024 * 1024)
        .request_timeout(Duration::from_secs(args.timeout))
        .max_stored(args.max_stored);
    if let Some(path) = args.config {
        options = options.judge(config_file::judge(&Source::File(path))?);
    }
    eprintln!("canary-judge: serving on http://{}", args.addr);
    canary_judge_server::run(options)?;
    Ok(Exit::Pass)
}
