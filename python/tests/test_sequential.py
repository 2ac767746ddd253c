"""Sequential tests and smoothers: statistics against closed forms written here, and state
that pickles mid-stream and resumes with identical decisions."""

from __future__ import annotations

import copy
import json
import math
import pickle

import numpy as np
import pytest
from scipy import special

import canary_judge as cj


def snapshot(test):
    """Everything a sequential test reports."""
    return (test.decision, test.pvalue, test.log_statistic, test.interval, test.observations)


def ticks_for(name: str, rng: np.random.Generator, n: int):
    """A stream of updates for each class: (args, kwargs) per tick."""
    if name == "BernoulliSprt":
        return [((int(rng.binomial(200, 0.012)), 200), {}) for _ in range(n)]
    if name == "PoissonSprt":
        return [((int(rng.poisson(1.3)), 1.0), {}) for _ in range(n)]
    if name == "NormalSprt":
        return [((float(rng.normal(102, 20)),), {}) if i % 2 else ((list(rng.normal(102, 20, 5)),), {}) for i in range(n)]
    if name == "TwoSampleSprt":
        return [((int(rng.poisson(0.3)), int(rng.poisson(4)), 0.05 if i < n // 2 else 0.2), {}) for i in range(n)]
    if name == "EventCountTest":
        return [((int(rng.poisson(0.6)), int(rng.poisson(9))), {}) for _ in range(n)]
    if name == "MeanDifferenceMsprt":
        return [((), {"canary": rng.normal(0.2, 1, 20), "baseline": rng.normal(0, 1, 20)}) for _ in range(n)]
    if name == "QuantileTest":
        return [((), {"baseline": rng.lognormal(3, 0.5, 30), "canary": rng.lognormal(3.05, 0.5, 30)}) for _ in range(n)]
    raise AssertionError(name)


FACTORIES = {
    "BernoulliSprt": lambda: cj.BernoulliSprt(0.01, 0.02, alpha=0.05, beta=0.2),
    "PoissonSprt": lambda: cj.PoissonSprt(1.0, 1.5),
    "NormalSprt": lambda: cj.NormalSprt(100.0, 110.0, 20.0),
    "TwoSampleSprt": lambda: cj.TwoSampleSprt(1.0, 2.0),
    "EventCountTest": lambda: cj.EventCountTest(0.05),
    "MeanDifferenceMsprt": lambda: cj.MeanDifferenceMsprt(0.5),
    "QuantileTest": lambda: cj.QuantileTest(),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
@pytest.mark.parametrize("restore", ["pickle", "json", "deepcopy"])
def test_restored_mid_stream_gives_identical_later_decisions(name, restore):
    rng = np.random.default_rng(len(name))
    ticks = ticks_for(name, rng, 60)
    original = FACTORIES[name]()
    for args, kwargs in ticks[:30]:
        original.update(*args, **kwargs)
    if restore == "pickle":
        restored = pickle.loads(pickle.dumps(original))
    elif restore == "json":
        restored = type(original).from_json(original.to_json())
    else:
        restored = copy.deepcopy(original)
    assert type(restored) is type(original)
    assert snapshot(restored) == snapshot(original)
    for args, kwargs in ticks[30:]:
        assert restored.update(*args, **kwargs) == original.update(*args, **kwargs)
        assert snapshot(restored) == snapshot(original)
    assert restored.to_json() == original.to_json()


def test_repr_rebuilds_the_object():
    test = cj.BernoulliSprt(0.01, 0.02)
    test.update(3, 100)
    rebuilt = eval(repr(test), {"BernoulliSprt": cj.BernoulliSprt})
    assert snapshot(rebuilt) == snapshot(test)


def test_bernoulli_sprt_is_walds_log_likelihood_ratio():
    p0, p1, alpha, beta = 0.01, 0.02, 0.05, 0.2
    test = cj.BernoulliSprt(p0, p1, alpha=alpha, beta=beta)
    assert test.log_upper_boundary == pytest.approx(math.log((1 - beta) / alpha), rel=1e-15)
    assert test.log_lower_boundary == pytest.approx(math.log(beta / (1 - alpha)), rel=1e-15)
    llr, best = 0.0, 0.0
    for errors, requests in [(4, 300), (11, 300), (2, 300), (0, 300)]:
        decision = test.update(errors, requests)
        llr += errors * math.log(p1 / p0) + (requests - errors) * math.log((1 - p1) / (1 - p0))
        best = max(best, llr)
        assert test.log_statistic == pytest.approx(llr, rel=1e-12, abs=1e-12)
        assert test.pvalue == pytest.approx(min(1.0, math.exp(-best)), rel=1e-12)
    assert decision == "reject"  # crossed on the second tick; decisions are sticky
    assert test.observations == 1200
    assert test.interval is None
    lines = test.decision_lines()
    assert lines["slope"] == pytest.approx(math.log((1 - p0) / (1 - p1)) / math.log(p1 * (1 - p0) / (p0 * (1 - p1))), rel=1e-12)
    wald = test.wald_approximation()
    assert wald["null"]["reject_probability"] == pytest.approx(alpha)


def test_poisson_and_normal_sprts():
    poisson = cj.PoissonSprt(1.0, 2.0)
    poisson.update(3, 1.5)
    assert poisson.log_statistic == pytest.approx(3 * math.log(2.0) - 1.5 * (2.0 - 1.0), rel=1e-12)
    normal = cj.NormalSprt(100.0, 110.0, 20.0)
    normal.update(104.0)
    normal.update([108.0, 112.0, 96.0])
    values = np.array([104.0, 108.0, 112.0, 96.0])
    expected = (110 - 100) / 20**2 * (values.sum() - len(values) * 105.0)
    assert normal.log_statistic == pytest.approx(expected, rel=1e-12)
    assert normal.observations == 4


def test_event_count_test_is_the_beta_binomial_bayes_factor():
    share, k = 0.1, 100.0
    test = cj.EventCountTest(share, alternative="two-sided", concentration=k)
    test.update(6, 30)
    c, d = 6, 30
    log_bf = (
        special.betaln(k * share + c, k * (1 - share) + d)
        - special.betaln(k * share, k * (1 - share))
        - c * math.log(share)
        - d * math.log(1 - share)
    )
    assert test.log_statistic == pytest.approx(log_bf, rel=1e-10)
    assert test.counts == (6, 30)
    assert test.rate_ratio == pytest.approx((6 / 30) / (share / (1 - share)), rel=1e-9)
    low, high = test.interval
    assert low < test.rate_ratio < high
    test.set_canary_share(0.2)
    assert test.canary_share == 0.2


def test_mixture_sprt_with_known_variances_is_robbins():
    tau2, var_c, var_b = 0.5, 1.0, 2.0
    test = cj.MeanDifferenceMsprt(tau2, variance=(var_c, var_b))
    rng = np.random.default_rng(1)
    canary, baseline = rng.normal(0.3, 1, 40), rng.normal(0, math.sqrt(2), 50)
    test.update(canary=canary, baseline=baseline)
    d = canary.mean() - baseline.mean()
    v = var_c / len(canary) + var_b / len(baseline)
    log_lambda = 0.5 * math.log(v / (v + tau2)) + tau2 * d**2 / (2 * v * (v + tau2))
    assert test.log_statistic == pytest.approx(log_lambda, rel=1e-10)
    assert test.estimate == pytest.approx(d, rel=1e-12)
    assert test.variance_of_difference == pytest.approx(v, rel=1e-12)
    low, high = test.interval
    assert low < d < high
    single = cj.MeanDifferenceMsprt(tau2, variance=(var_c, var_b))
    single.update(canary=1.0)
    single.update(baseline=0.5)
    single.update(canary=2.0, baseline=0.0)
    assert single.estimate == pytest.approx(1.5 - 0.25)


def test_quantile_test_finds_a_slower_canary_and_reports_bands():
    rng = np.random.default_rng(2)
    test = cj.QuantileTest(quantiles=[0.5, 0.9])
    decision = "continue"
    for _ in range(20):
        decision = test.update(baseline=rng.normal(100, 10, 200), canary=rng.normal(108, 10, 200))
    assert decision == "reject"
    assert (test.baseline_count, test.canary_count, test.observations) == (4000, 4000, 8000)
    bands = test.bands()
    assert [band["quantile"] for band in bands] == [0.5, 0.9]
    low, high = bands[0]["difference"]
    assert low <= 8.0 <= high + 1.0
    assert cj.QuantileTest(catch_all=False).catch_all_band(0.5) is None


def test_two_sample_sprt_at_a_fixed_share():
    test = cj.TwoSampleSprt(1.0, 2.0)
    fixed = test.at_fixed_share(0.5)
    assert isinstance(fixed, cj.BernoulliSprt)
    wald = fixed.wald_approximation()
    assert wald["null"]["parameter"] == pytest.approx(0.5)
    assert wald["alternative"]["parameter"] == pytest.approx(2 / 3)


SMOOTHERS = {
    "Ewma": (lambda: cj.Ewma(0.3), lambda rng: [None if rng.random() < 0.1 else float(rng.normal()) for _ in range(40)]),
    "RollingWindow": (lambda: cj.RollingWindow(5, 0.9), lambda rng: [float(rng.normal()) for _ in range(40)]),
    "Counter": (
        lambda: cj.Counter("consecutive_failures", 4, no_data="count_as_failure"),
        lambda rng: [str(rng.choice(["pass", "fail", "fail", "no_data", "error"])) for _ in range(40)],
    ),
    "Vote": (lambda: cj.Vote(3, 5), lambda rng: [None if rng.random() < 0.2 else bool(rng.random() < 0.4) for _ in range(40)]),
    "Hysteresis": (lambda: cj.Hysteresis(0.02, 0.01), lambda rng: [float(rng.uniform(0, 0.03)) for _ in range(40)]),
}


@pytest.mark.parametrize("name", sorted(SMOOTHERS))
def test_smoothers_resume_identically(name):
    factory, stream = SMOOTHERS[name]
    inputs = stream(np.random.default_rng(len(name)))
    original = factory()
    for value in inputs[:20]:
        original.update(value)
    restored = pickle.loads(pickle.dumps(original))
    for value in inputs[20:]:
        assert restored.update(value) == original.update(value)
    assert restored.to_json() == original.to_json()


def test_smoother_semantics():
    ewma = cj.Ewma(0.5)
    assert [ewma.update(v) for v in [1.0, None, 3.0]] == [1.0, 1.0, 2.0]
    window = cj.RollingWindow(3, "median")
    assert [window.update(v) for v in [5.0, 1.0, 9.0, 7.0]] == [5.0, 3.0, 5.0, 7.0]
    assert window.values == [1.0, 9.0, 7.0]
    quantile = cj.RollingWindow(4, 0.9)
    for v in [3.0, 1.0, 4.0, 1.5]:
        last = quantile.update(v)
    assert last == pytest.approx(np.quantile([3.0, 1.0, 4.0, 1.5], 0.9), rel=1e-12)
    # Argo Rollouts' failureLimit: 2 tolerates two failures and fails on the third.
    argo = cj.Counter("failure_limit", 2)
    assert [argo.update(t) for t in ["fail", "pass", "no_data", "fail", "fail"]] == ["continue"] * 4 + ["fail"]
    assert (argo.count, argo.signal) == (3, "fail")
    # Flagger's threshold: 2 trips on the second failed check (a failed query counts).
    flagger = cj.Counter("failed_checks_threshold", 2)
    assert [flagger.update(t) for t in ["pass", "error", "pass", "fail"]] == ["continue"] * 3 + ["fail"]
    vote = cj.Vote(2, 3)
    assert [vote.update(b) for b in [True, False, True, True, False]] == ["clear", "clear", "breached", "breached", "breached"]
    assert vote.update(False) == "clear"
    hysteresis = cj.Hysteresis(0.02, 0.01)
    assert [hysteresis.update(r) for r in [0.015, 0.021, 0.019, 0.012, 0.009]] == [
        "clear", "breached", "breached", "breached", "clear",
    ]


def test_state_is_json():
    test = cj.EventCountTest(0.05)
    test.update(2, 30)
    state = json.loads(test.to_json())
    assert state["options"]["alternative"] == "greater"
