//! `POST /v1/flagger/gate`: a Flagger webhook that passes (2xx) only when the verdict is
//! promote.
//!
//! Flagger POSTs `{name, namespace, phase, checksum, metadata}` (its `CanaryWebhookPayload`)
//! and counts any status above 202 as a failed check. The metadata is a static string map from
//! the `Canary` resource, so it can carry a configuration but not fresh data: the data are the
//! observations last `PUT` to `/v1/observations/{namespace}/{name}` for this canary, unless
//! `metadata.observations` holds them inline (useful for tests and fixed gates).
//! `metadata.config` may hold a judge configuration as a JSON string; otherwise the server's
//! default judge decides.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use canary_judge::judge::{Decision, Judge, JudgeConfig, Observations, Verdict};
use serde::Deserialize;

use crate::parse::parse_json;
use crate::problem::ApiError;
use crate::store::Store;
use crate::v1::judge_for;

/// Flagger's webhook payload; fields Flagger may add are ignored.
#[derive(Debug, Deserialize)]
struct WebhookPayload {
    name: String,
    namespace: String,
    #[serde(default)]
    metadata: BTreeMap<String, String>,
}

/// The verdict for one webhook call, and the status that tells Flagger pass or fail.
pub(crate) fn gate(
    body: &[u8],
    default: Option<&Judge>,
    store: &Store,
) -> Result<(StatusCode, Verdict), ApiError> {
    let payload: WebhookPayload = parse_json("Flagger webhook payload", body)?;
    let config = payload
        .metadata
        .get("config")
        .map(|text| parse_json::<JudgeConfig>("metadata.config", text.as_bytes()))
        .transpose()?;
    let judge = judge_for(config, default)?;
    let observations = match payload.metadata.get("observations") {
        Some(text) => parse_json::<Observations>("metadata.observations", text.as_bytes())?,
        None => store.get(&payload.namespace, &payload.name)?,
    };
    let verdict = judge.judge(&observations).map_err(ApiError::from_library)?;
    Ok((status_of(&verdict), verdict))
}

/// 200 for promote; 412 (Precondition Failed) for continue and rollback, which Flagger counts
/// as a failed check.
pub(crate) fn status_of(verdict: &Verdict) -> StatusCode {
    match verdict.decision {
        Decision::Promote => StatusCode::OK,
        Decision::Continue | Decision::Rollback => StatusCode::PRECONDITION_FAILED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"{"metrics": [{"name": "errors", "data": "counts", "bad": "increase", "test": {"threshold": {"max": 0.01}}}]}"#;

    fn observations(events: u64) -> String {
        format!(
            r#"{{"metrics": {{"errors": {{"counts": {{"baseline": {{"events": 1, "total": 1000}}, "canary": {{"events": {events}, "total": 1000}}}}}}}}}}"#
        )
    }

    fn payload(metadata: &[(&str, &str)]) -> Vec<u8> {
        serde_json::json!({
            "name": "podinfo",
            "namespace": "test",
            "phase": "Progressing",
            "checksum": "abc",
            "type": "rollout",
            "metadata": metadata.iter().cloned().collect::<BTreeMap<_, _>>(),
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn passes_only_on_promote() {
        let store = Store::new(4);
        let good = observations(2);
        let body = payload(&[("config", CONFIG), ("observations", &good)]);
        let (status, verdict) = gate(&body, None, &store).unwrap();
        assert_eq!(
            (status, verdict.decision),
            (StatusCode::OK, Decision::Promote)
        );
        let bad = observations(50);
        let body = payload(&[("config", CONFIG), ("observations", &bad)]);
        let (status, verdict) = gate(&body, None, &store).unwrap();
        assert_eq!(
            (status, verdict.decision),
            (StatusCode::PRECONDITION_FAILED, Decision::Rollback)
        );
    }

    #[test]
    fn judges_stored_observations_with_the_default_judge() {
        let store = Store::new(4);
        let default = Judge::from_json(CONFIG).unwrap();
        let body = payload(&[]);
        let error = gate(&body, Some(&default), &store).unwrap_err();
        assert_eq!(
            (error.status, error.kind),
            (StatusCode::NOT_FOUND, "no_observations")
        );
        let stored = Observations::from_json(&observations(2)).unwrap();
        assert!(store.put(("test".into(), "podinfo".into()), stored));
        let (status, _) = gate(&body, Some(&default), &store).unwrap();
        assert_eq!(status, StatusCode::OK);
    }

    #[test]
    fn bad_metadata_is_a_400_naming_the_key() {
        let store = Store::new(4);
        let body = payload(&[("config", "{not json")]);
        let error = gate(&body, None, &store).unwrap_err();
        assert_eq!(
            (error.status, error.kind),
            (StatusCode::BAD_REQUEST, "invalid_json")
        );
        assert!(
            error.message.starts_with("metadata.config"),
            "{}",
            error.message
        );
    }
}
