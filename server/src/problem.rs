//! Request errors as JSON: `{"error": {"kind": ..., "message": ...}}` with a fitting status.
//!
//! Every handler answers bad input with one of these instead of panicking or closing the
//! connection, so a client (Kayenta, Argo Rollouts, Flagger, a script) always gets a reason it
//! can log. `kind` is a stable snake_case word to branch on; `message` is for people.

use axum::extract::rejection::BytesRejection;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A request that could not be answered with a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable, snake_case name of the problem (`invalid_json`, `invalid_config`, ...).
    pub kind: &'static str,
    /// What was wrong, for people.
    pub message: String,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    kind: &'a str,
    message: &'a str,
}

impl ApiError {
    /// An error with any status.
    pub fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            kind,
            message: message.into(),
        }
    }

    /// 400: the input is unusable.
    pub fn bad_request(kind: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, kind, message)
    }

    /// 400 for a body that is not the expected JSON document; names the field when the
    /// syntax was fine but the shape was not.
    pub fn from_json(what: &str, error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() || inner.is_io() {
            ApiError::bad_request("invalid_json", format!("{what}: {inner}"))
        } else {
            ApiError::bad_request("invalid_request", format!("{what}: `{path}`: {inner}"))
        }
    }

    /// 400 for an error of the library: a configuration, a document or data it rejects.
    pub fn from_library(error: canary_judge::Error) -> ApiError {
        let kind = match &error {
            canary_judge::Error::InvalidConfig { .. } => "invalid_config",
            canary_judge::Error::Parse { .. } => "invalid_request",
            canary_judge::Error::UnknownMetric { .. } => "unknown_metric",
            _ => "invalid_data",
        };
        ApiError::bad_request(kind, error.to_string())
    }

    /// 404 for a path the server does not serve.
    pub fn not_found() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such endpoint; see docs/integrations.md for the API",
        )
    }

    /// 405 for a known path asked with another method.
    pub fn method_not_allowed() -> ApiError {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "this endpoint does not take this method; see docs/integrations.md for the API",
        )
    }

    /// 408 when a request took longer than the configured timeout.
    pub fn timeout(limit: std::time::Duration) -> ApiError {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            format!(
                "the request took longer than the server's limit of {} ms",
                limit.as_millis()
            ),
        )
    }

    /// 500 for a judgement that failed inside the server (a worker thread that died).
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> ApiError {
        let status = rejection.status();
        let kind = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "body_too_large"
        } else {
            "unreadable_body"
        };
        ApiError::new(status, kind, rejection.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Detail {
                kind: self.kind,
                message: &self.message,
            },
        };
        json_response(self.status, &body)
    }
}

/// A JSON response; serialization of the server's own types cannot fail, but if it did the
/// client would get a 500 with a JSON error rather than a dropped connection.
pub(crate) fn json_response<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_string(value) {
        Ok(text) => (status, [(header::CONTENT_TYPE, "application/json")], text).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "application/json")],
            format!(
                r#"{{"error":{{"kind":"internal","message":{}}}}}"#,
                serde_json::Value::String(e.to_string())
            ),
        )
            .into_response(),
    }
}
