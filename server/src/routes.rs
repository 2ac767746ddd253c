//! The router: each endpoint's method and path, the body limit, the request timeout, and JSON
//! answers for unknown paths and methods.
//!
//! Handlers are thin: they take the body as bytes (so a missing or wrong `Content-Type` is no
//! obstacle for Argo's or Flagger's HTTP clients), run the judgement on the blocking pool (it
//! is CPU work and must not stall the connections), and turn the outcome into a response.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use canary_judge::judge::{Judge, Observations};

use crate::options::ServerOptions;
use crate::parse::parse_json;
use crate::problem::{json_response, ApiError};
use crate::store::Store;
use crate::{flagger, kayenta, v1};

/// What every handler shares.
#[derive(Debug)]
struct App {
    judge: Option<Judge>,
    store: Store,
}

type Shared = State<Arc<App>>;

/// The server's routes with `options`' limits (see the crate documentation for the API).
pub fn router(options: &ServerOptions) -> Router {
    let app = Arc::new(App {
        judge: options.judge.clone(),
        store: Store::new(options.max_stored),
    });
    let timeout = options.request_timeout;
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/judge", post(kayenta_judge))
        .route("/v1/judge", post(judge_v1))
        .route("/v1/flagger/gate", post(flagger_gate))
        .route("/v1/verdict/{namespace}/{name}", get(stored_verdict))
        .route(
            "/v1/observations/{namespace}/{name}",
            put(put_observations).delete(delete_observations),
        )
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async { ApiError::method_not_allowed() })
        .with_state(app)
        .layer(DefaultBodyLimit::max(options.max_body_bytes))
        .layer(middleware::from_fn_with_state(timeout, deadline))
}

/// Answers 408 when a request (reading its body included) outlasts `limit`.
async fn deadline(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::timeout(limit).into_response(),
    }
}

/// Runs `work` on the blocking pool. A judgement that outlives the request timeout finishes
/// there and is dropped.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or_else(|e| Err(ApiError::internal(format!("the judgement failed: {e}"))))
}

async fn kayenta_judge(body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return ApiError::from(rejection).into_response(),
    };
    match blocking(move || kayenta::judge(&body)).await {
        Ok(result) => json_response(StatusCode::OK, &result),
        Err(error) => error.into_response(),
    }
}

async fn judge_v1(State(app): Shared, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return ApiError::from(rejection).into_response(),
    };
    match blocking(move || v1::judge(&body, app.judge.as_ref())).await {
        Ok(verdict) => json_response(StatusCode::OK, &verdict),
        Err(error) => error.into_response(),
    }
}

async fn flagger_gate(State(app): Shared, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return ApiError::from(rejection).into_response(),
    };
    match blocking(move || flagger::gate(&body, app.judge.as_ref(), &app.store)).await {
        Ok((status, verdict)) => json_response(status, &verdict),
        Err(error) => error.into_response(),
    }
}

async fn stored_verdict(State(app): Shared, Path(key): Path<(String, String)>) -> Response {
    let work = move || {
        let observations = app.store.get(&key.0, &key.1)?;
        v1::judge_for(None, app.judge.as_ref())?
            .judge(&observations)
            .map_err(ApiError::from_library)
    };
    match blocking(work).await {
        Ok(verdict) => json_response(StatusCode::OK, &verdict),
        Err(error) => error.into_response(),
    }
}

async fn put_observations(
    State(app): Shared,
    Path(key): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let observations: Observations = match body
        .map_err(ApiError::from)
        .and_then(|body| parse_json("observations", &body))
    {
        Ok(observations) => observations,
        Err(error) => return error.into_response(),
    };
    if app.store.put(key, observations) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        ApiError::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "store_full",
            "the server holds as many observation sets as it may; DELETE finished canaries",
        )
        .into_response()
    }
}

async fn delete_observations(State(app): Shared, Path(key): Path<(String, String)>) -> Response {
    if app.store.remove(&key) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no_observations",
            format!("no observations stored for canary {}/{}", key.0, key.1),
        )
        .into_response()
    }
}
