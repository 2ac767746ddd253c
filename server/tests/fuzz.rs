//! No body makes the server panic or fail with a 5xx: arbitrary bytes, arbitrary JSON, and
//! valid requests with arbitrary JSON in one place, sent to every endpoint that reads a body.

use axum::body::{to_bytes, Body};
use axum::http::{Method, Request};
use canary_judge::judge::Judge;
use canary_judge_server::{router, ServerOptions};
use proptest::prelude::*;
use tower::ServiceExt;

const CONFIG: &str = r#"{"metrics": [{"name": "latency", "data": "samples", "bad": "increase"}]}"#;

const ENDPOINTS: [(&str, &str); 4] = [
    ("POST", "/judge"),
    ("POST", "/v1/judge"),
    ("POST", "/v1/flagger/gate"),
    ("PUT", "/v1/observations/ns/name"),
];

/// Sends `body` to every endpoint; each answer must be 2xx or 4xx with a JSON (or empty) body.
fn check(body: Vec<u8>) -> Result<(), TestCaseError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let app = router(&ServerOptions::default().judge(Judge::from_json(CONFIG).unwrap()));
    for (method, path) in ENDPOINTS {
        let request = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(path)
            .body(Body::from(body.clone()))
            .unwrap();
        let (status, bytes) = runtime.block_on(async {
            let response = app.clone().oneshot(request).await.unwrap();
            let status = response.status();
            (
                status,
                to_bytes(response.into_body(), usize::MAX).await.unwrap(),
            )
        });
        prop_assert!(
            status.is_success() || status.is_client_error(),
            "{method} {path}: {status} {}",
            String::from_utf8_lossy(&bytes)
        );
        if !bytes.is_empty() {
            let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&bytes);
            prop_assert!(parsed.is_ok(), "{method} {path}: not JSON: {bytes:?}");
        }
    }
    Ok(())
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(|x| serde_json::json!(x)),
        any::<i64>().prop_map(|x| serde_json::json!(x)),
        "[a-z\"NaN]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("metrics".to_string()),
                    Just("samples".to_string()),
                    Just("latency".to_string()),
                    Just("values".to_string()),
                    Just("name".to_string()),
                    "[a-z]{1,6}",
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A valid request of each kind with `value` put in one place.
fn valid_with(value: serde_json::Value, place: usize) -> serde_json::Value {
    let mut kayenta: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/kayenta/request.json")).unwrap();
    let mut v1 = serde_json::json!({
        "config": serde_json::from_str::<serde_json::Value>(CONFIG).unwrap(),
        "observations": {"metrics": {"latency": {"samples": {"baseline": [1.0, 2.0, 3.0], "canary": [2.0, 3.0, 4.0]}}}},
    });
    match place % 6 {
        0 => v1["observations"]["metrics"]["latency"]["samples"]["canary"] = value,
        1 => v1["config"]["metrics"][0]["test"] = value,
        2 => v1["observations"]["metrics"]["latency"] = value,
        3 => kayenta["metricSetPairList"][0]["values"]["experiment"] = value,
        4 => kayenta["canaryConfig"]["metrics"][1]["analysisConfigurations"]["canary"] = value,
        _ => kayenta["scoreThresholds"] = value,
    }
    if place % 6 < 3 {
        v1
    } else {
        kayenta
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..256)) {
        check(body)?;
    }

    #[test]
    fn arbitrary_json(value in json_value()) {
        check(value.to_string().into_bytes())?;
    }

    #[test]
    fn valid_requests_with_arbitrary_json_inside(value in json_value(), place in 0usize..6) {
        check(valid_with(value, place).to_string().into_bytes())?;
    }

    #[test]
    fn kayenta_series_of_arbitrary_numbers(
        experiment in prop::collection::vec(prop_oneof![any::<f64>(), -1e3..1e3f64], 0..40),
        control in prop::collection::vec(-1e3..1e3f64, 0..40),
    ) {
        let series = |v: &[f64]| -> serde_json::Value {
            v.iter()
                .map(|x| if x.is_finite() { serde_json::json!(x) } else { serde_json::json!("NaN") })
                .collect()
        };
        let mut request: serde_json::Value =
            serde_json::from_str(include_str!("fixtures/kayenta/request.json")).unwrap();
        request["metricSetPairList"][1]["values"]["experiment"] = series(&experiment);
        request["metricSetPairList"][1]["values"]["control"] = series(&control);
        check(request.to_string().into_bytes())?;
    }
}
