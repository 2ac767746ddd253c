//! Concurrent clients: every answer matches its own request, within a bounded time.

mod common;

use std::time::{Duration, Instant};

use canary_judge_server::ServerOptions;
use common::{error_observations, request, start, THRESHOLD_CONFIG};

const CLIENTS: u64 = 8;
const REQUESTS: u64 = 50;

#[test]
fn eight_clients_times_fifty_requests_each_get_their_own_answer() {
    let addr = start(ServerOptions::default());
    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            std::thread::spawn(move || {
                for i in 0..REQUESTS {
                    // Distinct per request: the canary's error count, read back as its rate.
                    let events = client * REQUESTS + i;
                    let body = format!(
                        r#"{{"config": {THRESHOLD_CONFIG}, "observations": {}}}"#,
                        error_observations(events)
                    );
                    let reply = request(addr, "POST", "/v1/judge", body.as_bytes());
                    assert_eq!(reply.status, 200, "{}", reply.body);
                    let verdict = reply.json();
                    let rate = verdict["metrics"][0]["effect"]["estimate"]
                        .as_f64()
                        .unwrap();
                    assert_eq!(rate, events as f64 / 1000.0, "request {events}");
                    let expected = if events <= 10 { "promote" } else { "rollback" };
                    assert_eq!(verdict["decision"], expected, "request {events}");
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("client thread");
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(30),
        "{} requests took {elapsed:?}",
        CLIENTS * REQUESTS
    );
}
