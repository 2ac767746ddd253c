"""Error budgets, burn rates and the release gate against the SRE Workbook's arithmetic, and
the minimum-sample rules."""

from __future__ import annotations

import datetime
import math
import pickle

import pytest
from scipy import stats

import canary_judge as cj

DAY = 86_400.0
HOUR = 3_600.0
MINUTE = 60.0


def test_budget_and_burn_rate():
    assert cj.error_budget("99.9%") == pytest.approx(0.001)
    assert cj.error_budget(0.999) == cj.error_budget("999/1000") == cj.error_budget("99.9%")
    # Pyrra's example: 99 %, 4,000 errors in 1,000,000 requests leaves 60 % of the budget.
    status = cj.budget(0.99, 4_000, 1_000_000)
    assert status["allowed_bad"] == 10_000.0
    assert status["consumed"] == pytest.approx(0.4)
    assert status["remaining"] == pytest.approx(0.6)
    assert status["counts"] == {"bad": 4_000, "total": 1_000_000}
    assert cj.budget(0.99, 0, 0)["remaining"] is None
    assert cj.burn_rate(0.999, 144, 10_000) == pytest.approx(14.4)
    assert cj.burn_rate(0.999, 0, 0) is None


def test_time_and_factors():
    # Workbook table 5-4: burning 1,000x at 99.9 % over 30 days exhausts the budget in 43.2 min.
    assert cj.time_to_exhaustion(0.999, 30 * DAY, 1.0, 1000.0) == pytest.approx(43.2 * MINUTE)
    assert cj.time_to_exhaustion(0.999, datetime.timedelta(days=30), 0.5, 2.0) == pytest.approx(7.5 * DAY)
    assert cj.time_to_exhaustion(0.999, 30 * DAY, 0.5, 0.0) == math.inf
    assert cj.time_to_exhaustion(0.999, 30 * DAY, -0.1, 3.0) == 0.0
    assert cj.burn_factor("2%", HOUR, 30 * DAY) == pytest.approx(14.4)
    assert cj.burn_factor(0.05, datetime.timedelta(hours=6), 30 * DAY) == pytest.approx(6.0)


def test_wilson_interval_formula():
    bad, total, confidence = 3, 40, 0.95
    z = stats.norm.ppf(0.5 + confidence / 2)
    p = bad / total
    center = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    low, high = cj.wilson_interval(bad, total, confidence)
    assert (low, high) == pytest.approx((center - half, center + half), rel=1e-9)
    assert cj.wilson_interval(0, 0) is None


def windows(error_ratio_by_window: dict[float, float], per_second: int = 10):
    """Counts per window at a constant request rate with the given error ratios."""
    counts = {}
    for window, ratio in error_ratio_by_window.items():
        total = int(window * per_second)
        counts[window] = (round(ratio * total), total)
    return counts


WORKBOOK_WINDOWS = [5 * MINUTE, HOUR, 30 * MINUTE, 6 * HOUR, 2 * HOUR, DAY, 3 * DAY]


def test_workbook_policy_fires_the_fast_page_on_a_fast_burn():
    policy = cj.MultiWindowPolicy.workbook("99.9%", 30 * DAY)
    assert [tier["factor"] for tier in policy.tiers] == ["14.4", "6", "3", "1"]
    assert [(tier["long"], tier["short"]) for tier in policy.tiers][0] == (HOUR, 5 * MINUTE)
    # 1.5 % errors in the last hour (15x), none before.
    ratios = {w: 0.015 * min(1.0, HOUR / w) for w in WORKBOOK_WINDOWS}
    report = policy.evaluate(windows(ratios))
    assert (report["verdict"], report["tier"], report["severity"]) == ("firing", 0, "page")
    assert report["tiers"][0]["long"]["burn_rate"] == pytest.approx(15.0)
    assert report["tiers"][0]["long"]["window"] == HOUR
    assert "fires" in report["reason"]
    # Keys may be timedelta too.
    as_deltas = {datetime.timedelta(seconds=w): c for w, c in windows(ratios).items()}
    assert policy.evaluate(as_deltas)["verdict"] == "firing"


def test_a_window_exactly_at_the_threshold_does_not_fire():
    tier = {"severity": "page", "factor": "14.4", "long": HOUR, "short": 5 * MINUTE}
    policy = cj.MultiWindowPolicy(0.999, 30 * DAY, [tier])
    at = policy.evaluate({HOUR: (144, 10_000), 5 * MINUTE: (144, 10_000)})
    above = policy.evaluate({HOUR: (145, 10_000), 5 * MINUTE: (145, 10_000)})
    assert (at["verdict"], above["verdict"]) == ("quiet", "firing")
    assert policy.evaluate({HOUR: (0, 0), 5 * MINUTE: (0, 0)})["verdict"] == "no_data"


def test_the_volume_guard_makes_small_windows_inconclusive():
    tier = {"severity": "ticket", "factor": 2, "long": HOUR, "short": 5 * MINUTE}
    guarded = cj.MultiWindowPolicy(0.999, 30 * DAY, [tier], min_budget_events=5)
    report = guarded.evaluate({HOUR: (2, 100), 5 * MINUTE: (2, 100)})
    assert (report["verdict"], report["tier"]) == ("inconclusive", 0)
    restored = pickle.loads(pickle.dumps(guarded))
    assert restored.evaluate({HOUR: (2, 100), 5 * MINUTE: (2, 100)}) == report


def test_budget_gate():
    gate = cj.BudgetGate()
    # 1,000,000 requests allow 1,000 bad; 700 spent leaves 30 %.
    report = gate.decide(0.999, 700, 1_000_000)
    assert report["decision"] == "caution"
    assert report["budget"]["remaining"] == pytest.approx(0.3)
    assert gate.decide(0.999, 100, 1_000_000)["decision"] == "allow"
    assert gate.decide(0.999, 900, 1_000_000)["decision"] == "freeze"
    assert gate.decide(0.999, 0, 0)["decision"] == "no_data"
    # Exactly at a bound gets the more permissive decision.
    assert gate.decide(0.999, 500, 1_000_000)["decision"] == "allow"
    workbook = cj.BudgetGate.exhaustion_only()
    assert workbook.decide(0.999, 999, 1_000_000)["decision"] == "allow"
    assert workbook.decide(0.999, 1001, 1_000_000)["decision"] == "freeze"
    assert pickle.loads(pickle.dumps(gate)).decide(0.999, 700, 1_000_000) == report


def test_min_observations_and_expected_events():
    rule = cj.MinObservations(50, 50)
    answer = rule.check(20, 380, rates=(0.5, 9.5))
    assert (answer.enough, answer.more_canary, answer.more_baseline) == (False, 30, 0)
    assert answer.eta_seconds == pytest.approx(60.0)
    assert answer.reason.startswith("need ~30 more canary observations")
    assert rule.check(50, 50).enough
    events = cj.MinExpectedEvents(5.0)
    # 5 expected errors at the baseline's 8 / 7600 need 4750 requests per group.
    answer = events.check(400, 7_600, baseline_events=8, rates=(1.0, 19.0))
    assert (answer.more_canary, answer.more_baseline) == (4_350, 0)
    unknown = events.check(400, 7_600)
    assert (unknown.enough, unknown.more_canary) == (False, None)
    fixed = cj.MinExpectedEvents(5.0, reference=0.001)
    assert fixed.check(5_000, 5_000).enough


def test_power_rules_agree_with_the_sample_size():
    sizes = cj.mann_whitney_sample_size(0.6, 0.05, alternative="greater")
    rule = cj.MannWhitneyPowerRule(0.6, 0.05, alternative="greater")
    assert rule.check(sizes.canary, sizes.baseline).enough
    assert not rule.check(10, 190).enough
    proportions = cj.TwoProportionsPowerRule(0.02, 0.01, 0.1, alternative="greater")
    planned = cj.two_proportions_sample_size(0.02, 0.01, 0.1, alternative="greater")
    assert proportions.check(planned.canary, planned.baseline).enough
    restored = pickle.loads(pickle.dumps(proportions))
    assert restored.check(100, 900).to_dict() == proportions.check(100, 900).to_dict()
