//! Every endpoint over real HTTP on a loopback port: answers, error statuses and bodies,
//! limits.

mod common;

use std::time::Duration;

use canary_judge::judge::Judge;
use canary_judge_server::ServerOptions;
use common::{error_observations, request, send_raw, start, THRESHOLD_CONFIG};

fn judge_body(config: Option<&str>, events: u64) -> String {
    match config {
        Some(c) => format!(
            r#"{{"config": {c}, "observations": {}}}"#,
            error_observations(events)
        ),
        None => format!(r#"{{"observations": {}}}"#, error_observations(events)),
    }
}

#[test]
fn healthz_says_ok() {
    let addr = start(ServerOptions::default());
    let reply = request(addr, "GET", "/healthz", b"");
    assert_eq!((reply.status, reply.body.as_str()), (200, "ok"));
}

#[test]
fn v1_judge_returns_the_verdict_json() {
    let addr = start(ServerOptions::default());
    let reply = request(
        addr,
        "POST",
        "/v1/judge",
        judge_body(Some(THRESHOLD_CONFIG), 3).as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply
        .headers
        .contains(&("content-type".into(), "application/json".into())));
    let verdict = reply.json();
    assert_eq!(verdict["version"], 1);
    assert_eq!(verdict["decision"], "promote");
    assert_eq!(verdict["score"], 100.0);
    let reply = request(
        addr,
        "POST",
        "/v1/judge",
        judge_body(Some(THRESHOLD_CONFIG), 30).as_bytes(),
    );
    assert_eq!(
        (reply.status, reply.json()["decision"].clone()),
        (200, "rollback".into())
    );
}

#[test]
fn v1_judge_uses_the_default_judge_and_says_when_there_is_none() {
    let with_default =
        start(ServerOptions::default().judge(Judge::from_json(THRESHOLD_CONFIG).unwrap()));
    let reply = request(
        with_default,
        "POST",
        "/v1/judge",
        judge_body(None, 3).as_bytes(),
    );
    assert_eq!(
        (reply.status, reply.json()["decision"].clone()),
        (200, "promote".into())
    );
    let without = start(ServerOptions::default());
    let reply = request(without, "POST", "/v1/judge", judge_body(None, 3).as_bytes());
    assert_eq!(
        (reply.status, reply.error_kind()),
        (400, "no_config".into())
    );
}

#[test]
fn bad_input_is_a_400_with_a_json_error() {
    let addr = start(ServerOptions::default());
    let cases: [(&[u8], &str); 5] = [
        (b"{\"config\": ", "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
        (br#"{"observations": {}, "extra": 1}"#, "invalid_request"),
        (
            br#"{"config": {"metrics": []}, "observations": {}}"#,
            "invalid_config",
        ),
        (
            br#"{"config": {"metrics": [{"name": "a", "data": "counts", "bad": "increase"}]}, "observations": {"metrics": {"b": {"counts": {"baseline": {"events": 0, "total": 1}, "canary": {"events": 0, "total": 1}}}}}}"#,
            "unknown_metric",
        ),
    ];
    for (body, kind) in cases {
        let reply = request(addr, "POST", "/v1/judge", body);
        assert_eq!(reply.status, 400, "{}", reply.body);
        assert_eq!(reply.error_kind(), kind, "{}", reply.body);
        assert!(!reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .is_empty());
    }
}

#[test]
fn unknown_paths_and_methods_are_404_and_405() {
    let addr = start(ServerOptions::default());
    let reply = request(addr, "GET", "/nope", b"");
    assert_eq!(
        (reply.status, reply.error_kind()),
        (404, "not_found".into())
    );
    let reply = request(addr, "GET", "/v1/judge", b"");
    assert_eq!(
        (reply.status, reply.error_kind()),
        (405, "method_not_allowed".into())
    );
}

#[test]
fn bodies_over_the_limit_are_413() {
    let addr = start(ServerOptions::default().max_body_bytes(1024));
    let big = format!(r#"{{"observations": {{}}, "pad": "{}"}}"#, "x".repeat(4096));
    for path in ["/v1/judge", "/judge", "/v1/flagger/gate"] {
        let reply = request(addr, "POST", path, big.as_bytes());
        assert_eq!(
            (reply.status, reply.error_kind()),
            (413, "body_too_large".into()),
            "{path}"
        );
    }
    let reply = request(
        addr,
        "POST",
        "/v1/judge",
        judge_body(Some(THRESHOLD_CONFIG), 1).as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn a_request_slower_than_the_timeout_is_408() {
    let addr = start(ServerOptions::default().request_timeout(Duration::from_millis(200)));
    // Announces a body that never comes.
    let reply = send_raw(
        addr,
        b"POST /v1/judge HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{",
    );
    assert_eq!((reply.status, reply.error_kind()), (408, "timeout".into()));
}

#[test]
fn flagger_gate_passes_only_on_promote() {
    let addr = start(ServerOptions::default().judge(Judge::from_json(THRESHOLD_CONFIG).unwrap()));
    let payload = |name: &str, metadata: serde_json::Value| {
        serde_json::json!({
            "name": name, "namespace": "shop", "phase": "Progressing",
            "checksum": "6c9d8f", "type": "rollout", "metadata": metadata,
        })
        .to_string()
    };
    // Inline observations.
    let good = payload(
        "inline",
        serde_json::json!({"observations": error_observations(2)}),
    );
    let reply = request(addr, "POST", "/v1/flagger/gate", good.as_bytes());
    assert_eq!(
        (reply.status, reply.json()["decision"].clone()),
        (200, "promote".into())
    );
    // Pushed observations, judged by name and namespace.
    let gate = payload("checkout", serde_json::json!({}));
    let reply = request(addr, "POST", "/v1/flagger/gate", gate.as_bytes());
    assert_eq!(
        (reply.status, reply.error_kind()),
        (404, "no_observations".into())
    );
    let path = "/v1/observations/shop/checkout";
    let reply = request(addr, "PUT", path, error_observations(40).as_bytes());
    assert_eq!(reply.status, 204, "{}", reply.body);
    let reply = request(addr, "POST", "/v1/flagger/gate", gate.as_bytes());
    assert_eq!(
        (reply.status, reply.json()["decision"].clone()),
        (412, "rollback".into())
    );
    let reply = request(addr, "PUT", path, error_observations(1).as_bytes());
    assert_eq!(reply.status, 204);
    let reply = request(addr, "POST", "/v1/flagger/gate", gate.as_bytes());
    assert_eq!(reply.status, 200);
    assert_eq!(request(addr, "DELETE", path, b"").status, 204);
    assert_eq!(request(addr, "DELETE", path, b"").status, 404);
}

#[test]
fn the_observation_store_is_bounded() {
    let addr = start(ServerOptions::default().max_stored(1));
    let body = error_observations(1);
    assert_eq!(
        request(addr, "PUT", "/v1/observations/a/one", body.as_bytes()).status,
        204
    );
    assert_eq!(
        request(addr, "PUT", "/v1/observations/a/one", body.as_bytes()).status,
        204
    );
    let reply = request(addr, "PUT", "/v1/observations/a/two", body.as_bytes());
    assert_eq!(
        (reply.status, reply.error_kind()),
        (507, "store_full".into())
    );
    let reply = request(addr, "PUT", "/v1/observations/a/one", b"[1]");
    assert_eq!(
        (reply.status, reply.error_kind()),
        (400, "invalid_request".into())
    );
}

#[test]
fn kayenta_remote_judge_round_trip() {
    let addr = start(ServerOptions::default());
    let body = include_str!("fixtures/kayenta/request.json");
    let reply = request(addr, "POST", "/judge", body.as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.body);
    let expected: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/kayenta/response.json")).unwrap();
    assert_eq!(reply.json(), expected);
    let reply = request(addr, "POST", "/judge", br#"{"canaryConfig": {}}"#);
    assert_eq!(
        (reply.status, reply.error_kind()),
        (400, "invalid_request".into())
    );
}
