//! A server on a loopback port and a minimal blocking HTTP/1.1 client, so the tests send real
//! requests over TCP (and can send malformed or oversized ones) with no client library.

#![allow(dead_code)] // each test binary uses part of it

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

use canary_judge_server::{serve_until, ServerOptions};

/// Starts a server on `127.0.0.1:0` in a background thread; it runs until the test process
/// ends.
pub fn start(options: ServerOptions) -> SocketAddr {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("address"))
                .expect("send");
            serve_until(listener, options, std::future::pending())
                .await
                .expect("serve");
        });
    });
    rx.recv().expect("server address")
}

/// A response: status, headers (lower-cased names) and body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The `error.kind` of a JSON error body.
    pub fn error_kind(&self) -> String {
        self.json()["error"]["kind"]
            .as_str()
            .unwrap_or_else(|| panic!("not an error body: {}", self.body))
            .to_string()
    }
}

/// Sends raw bytes and reads the whole response (the request should say
/// `Connection: close`).
pub fn send_raw(addr: SocketAddr, bytes: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    // The server may answer (413) and close before it has read everything.
    let _ = stream.write_all(bytes);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    parse(&raw)
}

/// Sends one request with a body.
pub fn request(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> Reply {
    let mut bytes = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    bytes.extend_from_slice(body);
    send_raw(addr, &bytes)
}

fn parse(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no complete response: {text:?}"));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_string(),
    }
}

/// A judge configuration (JSON) with one counts metric checked against a 1 % error-rate
/// threshold: its verdict depends only on the canary's events out of 1,000.
pub const THRESHOLD_CONFIG: &str = r#"{"metrics": [{"name": "errors", "data": "counts", "bad": "increase", "test": {"threshold": {"max": 0.01}}}]}"#;

/// Observations (JSON) for [`THRESHOLD_CONFIG`] with `events` canary errors in 1,000
/// requests.
pub fn error_observations(events: u64) -> String {
    format!(
        r#"{{"metrics": {{"errors": {{"counts": {{"baseline": {{"events": 1, "total": 1000}}, "canary": {{"events": {events}, "total": 1000}}}}}}}}}}"#
    )
}
