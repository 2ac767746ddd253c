//! The command line's one error type. Every variant exits with code 3 and says what was wrong,
//! in which file, and what is allowed, so a pipeline log is enough to fix the input.

use std::io;

use crate::inputs::InputError;

/// Everything that stops a command before it can report a decision.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Arguments that parse but do not fit together (two inputs on stdin, an ambiguous metric).
    #[error("{0}")]
    Usage(String),
    /// A file could not be read.
    #[error("cannot read {file}: {source}")]
    Read {
        /// The file, or `stdin`.
        file: String,
        /// Why.
        source: io::Error,
    },
    /// An input file is malformed; the error says where.
    #[error("{file}: {error}")]
    Input {
        /// The file, or `stdin`.
        file: String,
        /// What was wrong, and where in the file.
        error: InputError,
    },
    /// Two input files that must agree do not (different histogram bounds, different columns).
    #[error("{0}")]
    Mismatch(String),
    /// The library rejected a document: a configuration, observations or a gate state.
    #[error("{file}: {source}")]
    Document {
        /// The file, or `stdin`.
        file: String,
        /// The library's explanation, naming the field.
        source: canary_judge::Error,
    },
    /// The library could not judge or step with what it was given.
    #[error("{0}")]
    Judge(#[from] canary_judge::Error),
    /// A file could not be written.
    #[error("cannot write {file}: {source}")]
    Write {
        /// The file.
        file: String,
        /// Why.
        source: io::Error,
    },
    /// The system clock reads a time before 1970.
    #[error("the system clock is before 1970-01-01: pass the time with --now SECONDS")]
    Clock,
    /// The server could not start or stopped with an error.
    #[error("{0}")]
    Serve(#[from] canary_judge_server::ServerError),
    /// The report could not be written to standard output.
    #[error("cannot write the report to standard output: {0}")]
    Output(io::Error),
}
