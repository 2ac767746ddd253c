//! Where a document comes from: a file, or standard input when the path is `-`. Standard input
//! can be read once, so at most one argument of a command may be `-`.

use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// A file path, or `-` for standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Standard input.
    Stdin,
    /// A file.
    File(PathBuf),
}

impl From<&OsStr> for Source {
    fn from(text: &OsStr) -> Source {
        if text == "-" {
            Source::Stdin
        } else {
            Source::File(PathBuf::from(text))
        }
    }
}

impl Source {
    /// The name used in messages: the path as given, or `stdin`.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "stdin".into(),
            Source::File(path) => path.display().to_string(),
        }
    }

    /// The file's extension, lowercase; `None` for standard input.
    pub fn extension(&self) -> Option<String> {
        match self {
            Source::Stdin => None,
            Source::File(path) => path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase()),
        }
    }

    /// The path, or an error saying that `what` cannot be standard input.
    pub fn path(&self, what: &str) -> Result<&Path, CliError> {
        match self {
            Source::Stdin => Err(CliError::Usage(format!(
                "{what} must be a file, not `-` (standard input)"
            ))),
            Source::File(path) => Ok(path),
        }
    }

    /// The whole content.
    pub fn read(&self) -> Result<Vec<u8>, CliError> {
        let mut bytes = Vec::new();
        let result = match self {
            Source::Stdin => std::io::stdin().lock().read_to_end(&mut bytes).map(drop),
            Source::File(path) => std::fs::read(path).map(|b| bytes = b),
        };
        result.map(|()| bytes).map_err(|source| CliError::Read {
            file: self.name(),
            source,
        })
    }

    /// The content as text.
    pub fn read_text(&self) -> Result<String, CliError> {
        String::from_utf8(self.read()?).map_err(|e| CliError::Read {
            file: self.name(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e.utf8_error()),
        })
    }
}

/// Fails when more than one of `sources` is standard input.
pub fn at_most_one_stdin<'a>(
    sources: impl IntoIterator<Item = (&'a str, Option<&'a Source>)>,
) -> Result<(), CliError> {
    let on_stdin: Vec<&str> = sources
        .into_iter()
        .filter(|(_, s)| *s == Some(&Source::Stdin))
        .map(|(flag, _)| flag)
        .collect();
    if on_stdin.len() > 1 {
        return Err(CliError::Usage(format!(
            "{} {} read standard input (`-`): only one input may come from stdin",
            on_stdin.join(" and "),
            if on_stdin.len() == 2 { "both" } else { "all" }
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_is_stdin() {
        assert_eq!(Source::from(OsStr::new("-")), Source::Stdin);
        let file = Source::from(OsStr::new("data/Base.CSV"));
        assert_eq!(file.extension().as_deref(), Some("csv"));
        assert_eq!(file.name(), "data/Base.CSV");
        assert!(Source::Stdin.path("--state").is_err());
    }

    #[test]
    fn one_stdin_only() {
        let stdin = Source::Stdin;
        let file = Source::File("a.csv".into());
        assert!(
            at_most_one_stdin([("--baseline", Some(&stdin)), ("--canary", Some(&file))]).is_ok()
        );
        let e = at_most_one_stdin([("--baseline", Some(&stdin)), ("--canary", Some(&stdin))])
            .unwrap_err();
        assert!(e.to_string().contains("--baseline and --canary"), "{e}");
    }
}
