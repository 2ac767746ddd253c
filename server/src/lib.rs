//! canary-judge-server: the canary judge over HTTP, for the deployment tools that call out to
//! one.
//!
//! Kayenta, Argo Rollouts and Flagger can each delegate a canary decision to an HTTP service
//! without any change to them; this crate is that service, a thin layer over
//! [`canary_judge::judge::Judge`]. It fetches no metrics and keeps no state beyond observation
//! sets pushed to it: data come in the request.
//!
//! | endpoint | for | request | answer |
//! |---|---|---|---|
//! | `POST /judge` | Kayenta's `RemoteJudge-v1.0` | Kayenta's `RemoteJudgeRequest` | Kayenta's `CanaryJudgeResult`, with the interval, estimate, p-value and reason in each `resultMetadata` |
//! | `POST /v1/judge` | Argo Rollouts' `web` provider, scripts | `{"config": <judge config>?, "observations": <observations>}` | the verdict JSON (`docs/verdict-json.md`), 200 whatever the decision |
//! | `POST /v1/flagger/gate` | Flagger webhooks | Flagger's webhook payload | the verdict JSON; 200 for promote, 412 otherwise |
//! | `GET /v1/verdict/{namespace}/{name}` | Argo Rollouts' `web` provider | | the verdict JSON on the stored observations, 200 |
//! | `PUT`, `DELETE /v1/observations/{namespace}/{name}` | whatever collects the data | observations | 204 |
//! | `GET /healthz` | probes | | `ok` |
//!
//! Errors are JSON, `{"error": {"kind": ..., "message": ...}}`: 400 for bad input (the message
//! names the field), 404 and 405 for unknown paths and methods, 408 past the request timeout,
//! 413 past the body limit. `docs/integrations.md` has the full API and copy-paste snippets
//! for each tool.
//!
//! # Running it
//!
//! A command line calls [`run`] (it builds its own runtime and blocks); code that has a runtime
//! binds a listener and awaits [`serve`] (or [`serve_until`] with its own shutdown signal);
//! code that composes routers takes [`router`].
//!
//! ```no_run
//! use canary_judge::judge::Judge;
//! use canary_judge_server::{run, ServerOptions};
//!
//! let judge = Judge::from_toml(&std::fs::read_to_string("judge.toml")?)?;
//! let options = ServerOptions::default()
//!     .addr("0.0.0.0:8080".parse()?)
//!     .judge(judge);
//! run(options)?; // until Ctrl-C or SIGTERM
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Limits
//!
//! Bodies above [`ServerOptions::max_body_bytes`] get 413 before they are read in full; a
//! request that takes longer than [`ServerOptions::request_timeout`], reading its body
//! included, gets 408 (the judgement itself runs on the blocking pool and finishes there). The
//! server speaks plain HTTP/1.1: put TLS and authentication in front of it (a mesh sidecar or
//! an ingress), and keep it off the public internet.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod flagger;
mod kayenta;
mod options;
mod parse;
pub mod problem;
mod routes;
mod serve;
mod store;
mod v1;

pub use error::ServerError;
pub use options::ServerOptions;
pub use problem::ApiError;
pub use routes::router;
pub use serve::{run, serve, serve_until};

/// The integration guide's Rust example, compiled as a doc test.
#[doc = include_str!("../../docs/integrations.md")]
#[cfg(doctest)]
pub struct IntegrationsDoctests;
