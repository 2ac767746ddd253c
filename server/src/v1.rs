//! `POST /v1/judge`: a judge configuration and observations in, the library's verdict JSON out.
//!
//! This is the endpoint for Argo Rollouts' `web` provider and for scripts: the verdict JSON of
//! `docs/verdict-json.md` comes back with status 200 whatever the decision, so an
//! `AnalysisTemplate` reads `$.decision` (or `$.score`) and decides in `successCondition`.

use canary_judge::judge::{Judge, JudgeConfig, Observations, Verdict};
use serde::Deserialize;

use crate::parse::parse_json;
use crate::problem::ApiError;

/// The request body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JudgeRequest {
    /// The judge configuration (the JSON form of a TOML judge config); the server's default
    /// when absent.
    #[serde(default)]
    config: Option<JudgeConfig>,
    /// The data.
    observations: Observations,
}

/// Judges one request body.
pub(crate) fn judge(body: &[u8], default: Option<&Judge>) -> Result<Verdict, ApiError> {
    let request: JudgeRequest = parse_json("judge request", body)?;
    let judge = judge_for(request.config, default)?;
    judge
        .judge(&request.observations)
        .map_err(ApiError::from_library)
}

/// The judge of a request: its own configuration, else the server's default.
pub(crate) fn judge_for(
    config: Option<JudgeConfig>,
    default: Option<&Judge>,
) -> Result<Judge, ApiError> {
    match (config, default) {
        (Some(config), _) => Judge::new(config).map_err(ApiError::from_library),
        (None, Some(judge)) => Ok(judge.clone()),
        (None, None) => Err(ApiError::bad_request(
            "no_config",
            "the request has no `config` and the server was started without a default judge \
             configuration",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use canary_judge::judge::Decision;

    const CONFIG: &str =
        r#"{"metrics": [{"name": "latency", "data": "samples", "bad": "increase"}]}"#;

    fn body(config: &str, canary_shift: f64) -> String {
        let baseline: Vec<f64> = (0..60).map(|i| 100.0 + (i % 12) as f64).collect();
        let canary: Vec<f64> = baseline.iter().map(|v| v + canary_shift).collect();
        format!(
            r#"{{"config": {config}, "observations": {{"metrics": {{"latency": {{"samples": {{"baseline": {baseline:?}, "canary": {canary:?}}}}}}}}}}}"#
        )
    }

    #[test]
    fn judges_with_the_request_config() {
        let verdict = judge(body(CONFIG, 0.0).as_bytes(), None).unwrap();
        assert_eq!(verdict.decision, Decision::Promote);
        let verdict = judge(body(CONFIG, 30.0).as_bytes(), None).unwrap();
        assert_eq!(verdict.decision, Decision::Rollback);
    }

    #[test]
    fn falls_back_to_the_default_judge() {
        let default = Judge::from_json(CONFIG).unwrap();
        let text = body(CONFIG, 0.0).replacen(&format!("\"config\": {CONFIG}, "), "", 1);
        assert_eq!(
            judge(text.as_bytes(), Some(&default)).unwrap().decision,
            Decision::Promote
        );
        let error = judge(text.as_bytes(), None).unwrap_err();
        assert_eq!(error.kind, "no_config");
    }

    #[test]
    fn names_the_failing_field() {
        let bad = r#"{"metrics": [{"name": "latency", "data": "samples", "bad": "sideways"}]}"#;
        let error = judge(body(bad, 0.0).as_bytes(), None).unwrap_err();
        assert_eq!(error.kind, "invalid_request");
        assert!(
            error.message.contains("config.metrics[0].bad"),
            "{}",
            error.message
        );
        let invalid = r#"{"confidence": 2, "metrics": [{"name": "latency", "data": "samples", "bad": "increase"}]}"#;
        let error = judge(body(invalid, 0.0).as_bytes(), None).unwrap_err();
        assert_eq!(error.kind, "invalid_config");
        assert!(error.message.contains("confidence"), "{}", error.message);
        assert_eq!(judge(b"{", None).unwrap_err().kind, "invalid_json");
    }
}
