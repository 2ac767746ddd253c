//! The library's observations JSON read from a file, and errors about its content (a metric the
//! configuration does not define) reported against that file.

use canary_judge::judge::Observations;

use crate::error::CliError;
use crate::source::Source;

/// Reads observations; errors name the file and the field.
pub fn read(source: &Source) -> Result<Observations, CliError> {
    Observations::from_json(&source.read_text()?).map_err(|e| CliError::Document {
        file: source.name(),
        source: e,
    })
}

/// A judging error, naming the observations file when the error is about what it holds.
pub fn blame(source: Option<&Source>, error: canary_judge::Error) -> CliError {
    match (source, error) {
        (Some(source), e @ canary_judge::Error::UnknownMetric { .. }) => CliError::Document {
            file: source.name(),
            source: e,
        },
        (_, e) => CliError::Judge(e),
    }
}
