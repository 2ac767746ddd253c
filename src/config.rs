//! Reading configuration and input documents from JSON or TOML.
//!
//! Every document type derives `Deserialize` with `deny_unknown_fields` and validates itself
//! on the way in, so a document that loads is one that works. Errors name the field as a
//! path into the document (`metrics[2].tolerance.relative`), which serde alone does not do.

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// Parses a JSON document.
pub(crate) fn from_json<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| parse_error(what, e.path().to_string(), e.inner()))?;
    deserializer
        .end()
        .map_err(|e| parse_error(what, ".".into(), &e))?;
    Ok(value)
}

/// Parses a TOML document.
pub(crate) fn from_toml<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T> {
    let deserializer =
        toml::Deserializer::parse(text).map_err(|e| parse_error(what, ".".into(), &e))?;
    serde_path_to_error::deserialize(deserializer)
        .map_err(|e| parse_error(what, e.path().to_string(), e.inner()))
}

fn parse_error(what: &'static str, field: String, error: &dyn std::fmt::Display) -> Error {
    Error::Parse {
        what,
        field,
        message: error.to_string().trim_end().replace('\n', " "),
    }
}
