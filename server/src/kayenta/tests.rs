//! The mapping on fixtures shaped as Kayenta's models: a `RemoteJudgeRequest` as Kayenta
//! POSTs it, and the `CanaryJudgeResult` expected back.

use super::*;

const REQUEST: &str = include_str!("../../tests/fixtures/kayenta/request.json");
const RESPONSE: &str = include_str!("../../tests/fixtures/kayenta/response.json");

fn request_with(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut request: serde_json::Value = serde_json::from_str(REQUEST).unwrap();
    edit(&mut request);
    request.to_string().into_bytes()
}

#[test]
fn answers_the_fixture_request_with_the_fixture_result() {
    let result = judge(REQUEST.as_bytes()).unwrap();
    let expected: serde_json::Value = serde_json::from_str(RESPONSE).unwrap();
    assert_eq!(
        result,
        expected,
        "{}",
        serde_json::to_string_pretty(&result).unwrap()
    );
}

#[test]
fn labels_and_scores_as_kayenta() {
    let result = judge(REQUEST.as_bytes()).unwrap();
    let labels: Vec<&str> = result["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["classification"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Pass", "High", "Pass"]);
    // latency (weight 50) fails, system (weight 50) passes.
    assert_eq!(result["score"]["score"], 50.0);
    assert_eq!(result["score"]["classification"], "Fail");
    let latency = &result["results"][1];
    assert_eq!(latency["id"], "3f1c-latency");
    assert_eq!(latency["tags"]["app"], "checkout");
    assert_eq!(latency["groups"], serde_json::json!(["latency"]));
    assert_eq!(latency["controlMetadata"]["stats"]["count"], 30);
    let metadata = &latency["resultMetadata"];
    assert!(metadata["lower"].as_f64().unwrap() > 0.0);
    assert!(metadata["pValue"].as_f64().unwrap() < 1e-6);
    assert_eq!(metadata["confidence"], 0.98);
    // NaN (as Jackson's "NaN") is removed before the statistics.
    assert_eq!(
        result["results"][0]["experimentMetadata"]["stats"]["count"],
        29
    );
}

#[test]
fn a_critical_regression_vetoes_only_beyond_the_critical_effect() {
    // latency's mean ratio is 1.28: below criticalIncrease 1.5 an ordinary High.
    let body = request_with(|r| {
        r["canaryConfig"]["metrics"][1]["analysisConfigurations"]["canary"]["critical"] =
            true.into();
    });
    let result = judge(&body).unwrap();
    assert_eq!(result["score"]["score"], 50.0);
    assert_eq!(result["results"][1]["critical"], false);
    // With Kayenta's default criticalIncrease (1.0) it vetoes: score 0.
    let body = request_with(|r| {
        let canary = &mut r["canaryConfig"]["metrics"][1]["analysisConfigurations"]["canary"];
        canary["critical"] = true.into();
        canary["effectSize"] = serde_json::json!({"allowedIncrease": 1.1});
    });
    let result = judge(&body).unwrap();
    assert_eq!(result["score"]["score"], 0.0);
    assert_eq!(result["results"][1]["critical"], true);
}

#[test]
fn empty_series_are_nodata_and_half_nodata_scores_zero() {
    let body = request_with(|r| {
        for i in 0..2 {
            r["metricSetPairList"][i]["values"]["experiment"] = serde_json::json!([]);
        }
    });
    let result = judge(&body).unwrap();
    assert_eq!(result["results"][0]["classification"], "Nodata");
    assert_eq!(result["score"]["score"], 0.0);
}

#[test]
fn rejects_what_it_cannot_reproduce_or_read() {
    let cles = request_with(|r| {
        r["canaryConfig"]["metrics"][0]["analysisConfigurations"]["canary"]["effectSize"] =
            serde_json::json!({"measure": "cles"});
    });
    assert_eq!(judge(&cles).unwrap_err().kind, "invalid_config");
    let unknown = request_with(|r| r["metricSetPairList"][0]["name"] = "disk".into());
    assert_eq!(judge(&unknown).unwrap_err().kind, "unknown_metric");
    let text = request_with(|r| r["metricSetPairList"][0]["values"]["control"][0] = "many".into());
    let error = judge(&text).unwrap_err();
    assert_eq!(error.kind, "invalid_request");
    assert!(
        error
            .message
            .contains("metricSetPairList[0].values.control"),
        "{}",
        error.message
    );
}

#[test]
fn stats_are_kayentas_summary() {
    let s = stats(&[1.0, 2.0, 3.0, 6.0]);
    assert_eq!((s.count, s.mean, s.min, s.max), (4, 3.0, 1.0, 6.0));
    assert!((s.std - (14.0f64 / 3.0).sqrt()).abs() < 1e-12);
    assert_eq!(stats(&[]), Stats::default());
}
