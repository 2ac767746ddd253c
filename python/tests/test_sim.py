"""The policy simulator from Python: runs split into shards by rollouts or by scenarios merge
into exactly the run that was split, whatever the thread count; configurations as names, dicts
or text; errors as ValueError."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

import canary_judge as cj

SCENARIOS = ["null", "errors-x4"]
POLICIES = ["anytime", "mw-peeking"]
ROLLOUTS = 20
SEED = 7


def run(**kwargs: Any) -> dict[str, Any]:
    options: dict[str, Any] = {
        "scenarios": SCENARIOS,
        "policies": POLICIES,
        "rollouts": ROLLOUTS,
        "seed": SEED,
        "threads": 1,
    }
    options.update(kwargs)
    return cj.evaluate(**options)


@pytest.fixture(scope="module")
def whole() -> dict[str, Any]:
    return run()


def test_a_run_counts_every_rollout_of_every_pair(whole: dict[str, Any]) -> None:
    assert whole["seed"] == SEED
    assert [s["name"] for s in whole["scenarios"]] == SCENARIOS
    assert [p["name"] for p in whole["policies"]] == POLICIES
    assert len(whole["cells"]) == 4
    for cell in whole["cells"]:
        assert cell["rollouts"] == [[0, ROLLOUTS]]
        tally = cell["tally"]
        assert tally["rollouts"] == ROLLOUTS
        ended = tally["promoted"] + tally["rolled_back"] + tally["inconclusive"]
        assert ended + tally["errors"] == ROLLOUTS


def test_shards_by_rollouts_merge_into_the_run(whole: dict[str, Any]) -> None:
    shards = [
        run(first_rollout=start, rollouts=end - start) for start, end in [(0, 7), (7, 13), (13, 20)]
    ]
    assert cj.merge_evaluations(shards) == whole
    assert cj.merge_evaluations(shards[::-1]) == whole


def test_shards_by_scenarios_and_policies_merge_into_the_run(whole: dict[str, Any]) -> None:
    by_scenario = [run(scenarios=[name]) for name in SCENARIOS]
    assert cj.merge_evaluations(by_scenario) == whole
    by_pair = [
        run(scenarios=[scenario], policies=[policy], first_rollout=start, rollouts=10)
        for scenario in SCENARIOS
        for policy in POLICIES
        for start in (0, 10)
    ]
    assert cj.merge_evaluations(by_pair) == whole


def test_the_merge_survives_json(whole: dict[str, Any]) -> None:
    shards = [json.loads(json.dumps(run(first_rollout=s, rollouts=10))) for s in (0, 10)]
    assert cj.merge_evaluations(shards) == whole


def test_overlapping_shards_do_not_merge() -> None:
    with pytest.raises(ValueError, match="already counted"):
        cj.merge_evaluations([run(rollouts=10), run(first_rollout=5, rollouts=10)])


def test_shards_of_other_seeds_do_not_merge() -> None:
    with pytest.raises(ValueError, match="seed"):
        cj.merge_evaluations([run(rollouts=10), run(first_rollout=10, rollouts=10, seed=SEED + 1)])


def test_no_shards_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        cj.merge_evaluations([])


def test_same_seed_same_counts_on_any_thread_count(whole: dict[str, Any]) -> None:
    assert run() == whole
    assert run(threads=2) == whole
    assert run(seed=SEED + 1) != whole


def builtin(name: str) -> dict[str, Any]:
    return next(p for p in cj.builtin_policies() if p["name"] == name)


def test_custom_policies_as_dicts_and_text() -> None:
    slow = copy.deepcopy(builtin("anytime"))
    slow["name"] = "anytime-every-5"
    slow["look_every"] = 5
    as_json = dict(slow, name="anytime-every-5-json")
    evaluation = cj.evaluate(
        scenarios=["null"], policies=[slow, json.dumps(as_json)], rollouts=4, seed=1, threads=1
    )
    assert [p["name"] for p in evaluation["policies"]] == ["anytime-every-5", "anytime-every-5-json"]
    cells = evaluation["cells"]
    assert cells[0]["tally"] == cells[1]["tally"]


def test_custom_scenarios_as_dicts() -> None:
    null = next(s for s in cj.builtin_scenarios() if s["name"] == "null")
    short = dict(null, name="null-short", duration="30m")
    evaluation = cj.evaluate(scenarios=[short], policies=["anytime"], rollouts=3, threads=1)
    assert evaluation["scenarios"][0]["max_ticks"] == 30


def test_builtins_are_listed() -> None:
    scenarios = {s["name"] for s in cj.builtin_scenarios()}
    policies = {p["name"] for p in cj.builtin_policies()}
    assert set(SCENARIOS) <= scenarios
    assert set(POLICIES) <= policies


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"policies": [dict(builtin("anytime"), look_every=0)]}, "look_every"),
        ({"policies": [dict(builtin("anytime"), looks_every=2)]}, "looks_every"),
        ({"policies": ["no-such-policy"]}, "no built-in policy"),
        ({"scenarios": "null"}, "a list"),
        ({"rollouts": 0}, "rollouts"),
        ({"threads": 0}, "threads"),
    ],
)
def test_bad_configurations_name_the_field(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(cj.CanaryJudgeError, match=message):
        run(**kwargs)


def test_report_table_and_plots(whole: dict[str, Any]) -> None:
    report = cj.evaluation_report(whole)
    assert [p["policy"] for p in report["policies"]] == POLICIES
    assert len(report["cells"]) == 4
    rate = report["policies"][0]["false_rollbacks"]
    assert rate["out_of"] == ROLLOUTS and rate["low"] <= rate["rate"] <= rate["high"]
    table = cj.evaluation_table(whole)
    assert "mw-peeking" in table and "false rollbacks" in table
    plots = dict(cj.evaluation_plots(whole))
    assert set(plots) == {
        "power-error-rate.svg",
        "time-to-rollback.svg",
        "time-to-promotion.svg",
        "false-vs-missed.svg",
    }
    assert all(svg.startswith("<svg") and svg.count('class="series"') == 2 for svg in plots.values())


def test_a_damaged_evaluation_is_refused(whole: dict[str, Any]) -> None:
    damaged = dict(whole, version=99)
    with pytest.raises(ValueError, match="version"):
        cj.evaluation_table(damaged)
