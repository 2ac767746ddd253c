"""The judge and the rollout gate from Python: configurations from dicts, JSON and TOML,
numpy data, verdicts as dicts, p-values against scipy, errors, and gate state that pickles."""

from __future__ import annotations

import json
import math
import pickle
import threading

import numpy as np
import pytest
from scipy import stats

import canary_judge as cj

CONFIG = {
    "metrics": [
        {"name": "latency", "data": "samples", "bad": "increase", "group": "latency"},
        {"name": "errors", "data": "counts", "bad": "increase", "critical": True, "group": "errors"},
    ]
}

TOML = """
[[metrics]]
name = "latency"
data = "samples"
bad = "increase"
group = "latency"

[[metrics]]
name = "errors"
data = "counts"
bad = "increase"
critical = true
group = "errors"
"""


def observations(rng: np.random.Generator, slowdown: float = 1.0) -> dict:
    baseline = rng.lognormal(np.log(100.0), 0.4, 400)
    canary = rng.lognormal(np.log(100.0 * slowdown), 0.4, 300)
    return {
        "metrics": {
            "latency": {"samples": {"baseline": baseline, "canary": canary}},
            "errors": {"counts": {"baseline": {"events": 20, "total": 40_000}, "canary": {"events": 2, "total": 4_000}}},
        }
    }


def test_dict_json_and_toml_configs_give_the_same_verdict():
    data = observations(np.random.default_rng(3), 1.1)
    verdicts = [
        cj.Judge.from_dict(CONFIG).judge(data),
        cj.Judge.from_json(json.dumps(CONFIG)).judge(data),
        cj.Judge.from_toml(TOML).judge(data),
    ]
    assert verdicts[0] == verdicts[1] == verdicts[2]
    assert verdicts[0]["decision"] in {"promote", "continue", "rollback"}


@pytest.mark.parametrize("slowdown", [1.0, 1.05, 1.2])
def test_metric_pvalue_and_outcome_agree_with_scipy(slowdown):
    data = observations(np.random.default_rng(11), slowdown)
    verdict = cj.Judge.from_dict(CONFIG).judge(data)
    latency = verdict["metrics"][0]
    samples = data["metrics"]["latency"]["samples"]
    reference = stats.mannwhitneyu(samples["canary"], samples["baseline"], alternative="greater")
    assert latency["statistic"] == pytest.approx(reference.statistic, rel=1e-12)
    assert latency["pvalue"] == pytest.approx(reference.pvalue, rel=1e-9)
    expected = "regression" if reference.pvalue < 0.05 else "pass"
    if expected == "pass":
        # Without a regression, a significant decrease would be an improvement.
        lower = stats.mannwhitneyu(samples["canary"], samples["baseline"], alternative="less").pvalue
        expected = "improvement" if lower < 0.05 else "pass"
    assert latency["outcome"] == expected
    assert latency["canary"]["count"] == 300 and latency["baseline"]["count"] == 400


def test_verdict_json_text_matches_the_dict():
    judge = cj.Judge.from_dict(CONFIG)
    data = {"metrics": {"errors": {"counts": {"baseline": {"events": 1, "total": 10}, "canary": {"events": 0, "total": 5}}}}}
    assert json.loads(judge.judge_json(json.dumps(data))) == judge.judge(data)


def test_nan_follows_the_metric_policy():
    config = {"metrics": [{"name": "m", "data": "samples", "bad": "increase", "nan_policy": "remove"}]}
    strict = {"metrics": [{"name": "m", "data": "samples", "bad": "increase"}]}
    data = {"metrics": {"m": {"samples": {"baseline": [1.0, 2.0, math.nan, 3.0], "canary": np.array([2.0, 3.0, 4.0])}}}}
    kept = cj.Judge.from_dict(config).judge(data)["metrics"][0]
    assert kept["baseline"]["count"] == 3 and kept["outcome"] in {"pass", "regression"}
    rejected = cj.Judge.from_dict(strict).judge(data)["metrics"][0]
    assert rejected["outcome"] == "error" and "NaN" in rejected["reason"]


@pytest.mark.parametrize(
    "config, needle",
    [
        ({"metrics": [{"name": "m", "data": "samples", "bad": "increase", "tolerence": 1}]}, "metrics[0]"),
        ({"metrics": [{"name": "m", "data": "samples", "bad": "sideways"}]}, "metrics[0].bad"),
        ({"confidence": 1.5, "metrics": [{"name": "m", "data": "samples", "bad": "increase"}]}, "confidence"),
        ({"metrics": []}, "metrics"),
    ],
)
def test_bad_configs_raise_with_the_field(config, needle):
    with pytest.raises(cj.CanaryJudgeError, match=None) as error:
        cj.Judge.from_dict(config)
    assert needle in str(error.value)
    assert isinstance(error.value, ValueError)


def test_bad_observations_raise():
    judge = cj.Judge.from_dict(CONFIG)
    with pytest.raises(cj.CanaryJudgeError, match="latncy"):
        judge.judge({"metrics": {"latncy": {"samples": {"baseline": [1.0], "canary": [2.0]}}}})
    with pytest.raises(cj.CanaryJudgeError, match="keys must be strings"):
        judge.judge({"metrics": {1: {}}})
    with pytest.raises(cj.CanaryJudgeError, match="cannot read"):
        judge.judge({"metrics": {"latency": object()}})
    with pytest.raises(cj.CanaryJudgeError):
        cj.Judge.from_toml("metrics = 3")


def test_judge_pickles():
    judge = cj.Judge.from_toml(TOML)
    data = observations(np.random.default_rng(5))
    assert pickle.loads(pickle.dumps(judge)).judge(data) == judge.judge(data)


GATE = {
    "stages": [{"weight": 5, "min_soak": "2m"}, {"weight": 50, "min_soak": "2m"}, {"weight": 100}],
    "judge": {"metrics": [{"name": "errors", "data": "counts", "bad": "increase"}]},
}


def tick(rng: np.random.Generator, weight: float, canary_rate: float) -> dict:
    canary = int(2000 * weight / 100)
    baseline = 2000 - canary
    return {
        "metrics": {
            "errors": {
                "counts": {
                    "baseline": {"events": int(rng.binomial(baseline, 0.01)), "total": baseline},
                    "canary": {"events": int(rng.binomial(canary, canary_rate)), "total": canary},
                }
            }
        }
    }


def run(gate: cj.Gate, canary_rate: float, resume_every_tick: bool) -> list[dict]:
    rng = np.random.default_rng(42)
    state = gate.start()
    reports = []
    for minute in range(60):
        weight = gate.config()["stages"][state.stage]["weight"]
        report = gate.step(state, minute * 60, tick(rng, weight, canary_rate))
        reports.append(report)
        if resume_every_tick:
            state = pickle.loads(pickle.dumps(state))
        if report["action"] in {"finished", "rollback"}:
            break
    return reports


@pytest.mark.parametrize("canary_rate, ending", [(0.01, "finished"), (0.05, "rollback")])
def test_gate_resumes_from_pickled_state_with_the_same_decisions(canary_rate, ending):
    gate = cj.Gate.from_dict(GATE)
    straight = run(gate, canary_rate, False)
    resumed = run(gate, canary_rate, True)
    assert straight == resumed
    assert straight[-1]["action"] == ending


def test_gate_errors_leave_the_state_unchanged():
    gate = cj.Gate.from_dict(GATE)
    state = gate.start()
    gate.step(state, 60, {"metrics": {}})
    before = state.to_json()
    with pytest.raises(cj.CanaryJudgeError, match="backwards"):
        gate.step(state, 0, {"metrics": {}})
    with pytest.raises(cj.CanaryJudgeError, match="metrics.errors.counts.baseline.*missing field `total`"):
        gate.step(state, 120, {"metrics": {"errors": {"counts": {"baseline": {"events": 1}, "canary": {}}}}})
    assert state.to_json() == before
    assert state.status == "running" and state.ticks == 1


def test_gate_config_errors_name_the_field():
    with pytest.raises(cj.CanaryJudgeError, match="stages"):
        cj.Gate.from_dict({**GATE, "stages": []})
    fixed = {**GATE, "judge": {"metrics": [{"name": "m", "data": "samples", "bad": "increase"}]}}
    with pytest.raises(cj.CanaryJudgeError, match="looks"):
        cj.Gate.from_dict(fixed)


def test_threads_judge_concurrently():
    judge = cj.Judge.from_dict(CONFIG)
    inputs = [observations(np.random.default_rng(seed), 1.0 + seed / 100) for seed in range(8)]
    expected = [judge.judge(data) for data in inputs]
    results: list = [None] * len(inputs)

    def work(i: int) -> None:
        for _ in range(5):
            results[i] = judge.judge(inputs[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(inputs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected
