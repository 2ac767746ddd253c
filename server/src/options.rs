//! What the server is told at start: where to listen, its limits, and the default judge.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use canary_judge::judge::Judge;

/// The server's settings. `ServerOptions::default()` listens on `127.0.0.1:8080` with a
/// 4 MiB body limit, a 30 s request timeout, no default judge and room for 256 stored
/// observation sets.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Where [`crate::run`] listens; default `127.0.0.1:8080`. [`crate::serve`] takes a bound
    /// listener instead and ignores it.
    pub addr: SocketAddr,
    /// Largest request body in bytes; larger ones get 413. Default 4 MiB.
    pub max_body_bytes: usize,
    /// Longest time one request may take, reading its body included; slower ones get 408.
    /// Default 30 s.
    pub request_timeout: Duration,
    /// The judge of `POST /v1/judge` and the Flagger webhook when a request brings no
    /// configuration. Without one, those requests must carry their configuration.
    pub judge: Option<Judge>,
    /// Most observation sets kept by `PUT /v1/observations/{namespace}/{name}`; default 256.
    pub max_stored: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 8080)),
            max_body_bytes: 4 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            judge: None,
            max_stored: 256,
        }
    }
}

impl ServerOptions {
    /// Sets the listening address.
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Sets the body limit in bytes.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Sets the request timeout.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets the default judge.
    pub fn judge(mut self, judge: Judge) -> Self {
        self.judge = Some(judge);
        self
    }

    /// Sets how many observation sets may be stored.
    pub fn max_stored(mut self, count: usize) -> Self {
        self.max_stored = count;
        self
    }
}
