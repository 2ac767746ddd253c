//! Why the server could not start or stopped: the errors of [`crate::serve`] and [`crate::run`].
//!
//! Request problems never surface here; each becomes a JSON error response (see
//! [`crate::problem`]).

use std::net::SocketAddr;

/// An error that stops the server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The address could not be bound (in use, not local, no permission).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The async runtime could not be built.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// Accepting or serving connections failed.
    #[error("server failed: {0}")]
    Io(#[from] std::io::Error),
}
