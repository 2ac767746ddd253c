//! Loading a judge's or a gate's configuration: TOML or JSON, told by the extension (`.json`
//! is JSON, anything else TOML) or, on stdin, by a leading `{`. The library checks the
//! configuration and names the field at fault; the file's name is added here.

use canary_judge::judge::Judge;
use canary_judge::policy::Gate;

use crate::error::CliError;
use crate::source::Source;

/// Reads a judge configuration.
pub fn judge(source: &Source) -> Result<Judge, CliError> {
    load(source, Judge::from_json, Judge::from_toml)
}

/// Reads a gate configuration.
pub fn gate(source: &Source) -> Result<Gate, CliError> {
    load(source, Gate::from_json, Gate::from_toml)
}

pub fn load<T>(
    source: &Source,
    from_json: fn(&str) -> canary_judge::Result<T>,
    from_toml: fn(&str) -> canary_judge::Result<T>,
) -> Result<T, CliError> {
    let text = source.read_text()?;
    let json = match source.extension().as_deref() {
        Some("json") => true,
        Some(_) => false,
        None => text.trim_start().starts_with('{'),
    };
    let parse = if json { from_json } else { from_toml };
    parse(&text).map_err(|e| CliError::Document {
        file: source.name(),
        source: e,
    })
}
