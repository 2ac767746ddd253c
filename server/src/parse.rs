//! Reading request bodies as JSON documents, with the failing field named.

use serde::de::DeserializeOwned;

use crate::problem::ApiError;

/// Parses `body` as the JSON document `what`; a syntax error is `invalid_json`, a wrong shape
/// `invalid_request` with the path of the field (`observations.metrics.latency.samples`).
pub(crate) fn parse_json<T: DeserializeOwned>(what: &str, body: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|e| ApiError::from_json(what, e))?;
    deserializer
        .end()
        .map_err(|e| ApiError::bad_request("invalid_json", format!("{what}: {e}")))?;
    Ok(value)
}
