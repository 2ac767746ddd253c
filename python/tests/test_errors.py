"""Every invalid input raises CanaryJudgeError (a ValueError) with a message that says what is
wrong; wrong Python types of scalar arguments stay TypeError."""

from __future__ import annotations

import numpy as np
import pytest

import canary_judge as cj

X = [1.0, 2.0, 3.0]
Y = [2.5, 4.0]


def raises(match: str):
    return pytest.raises(cj.CanaryJudgeError, match=match)


def test_the_exception_is_a_value_error_named_in_the_package():
    assert issubclass(cj.CanaryJudgeError, ValueError)
    assert cj.CanaryJudgeError.__module__ == "canary_judge"
    with pytest.raises(ValueError):
        cj.mannwhitneyu([], Y)


@pytest.mark.parametrize(
    "x, message",
    [
        ([], "sample `x` is empty"),
        ([np.nan, np.nan], "empty after removing NaN"),
        ([[1.0, 2.0], [3.0, 4.0]], r"1-D .* shape \(2, 2\)"),
        (np.float64(3.0), r"shape \(\)"),
        (["a", "b"], "dtype <U1"),
        ([1.0, None], "dtype object"),
        ([1 + 2j], "dtype complex128"),
        ([[1.0], [2.0, 3.0]], "must be a 1-D array of numbers"),
    ],
)
def test_bad_samples(x, message):
    with raises(message):
        cj.mannwhitneyu(x, Y, nan_policy="omit")


def test_nan_under_raise_names_the_index():
    with raises(r"sample `y` has NaN at index 1.*nan_policy='omit'"):
        cj.mannwhitneyu(X, [1.0, np.nan], nan_policy="raise")
    for function in (cj.hodges_lehmann, cj.effect_sizes):
        with raises("NaN at index 0"):
            function([np.nan, 1.0], Y)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"alternative": "bigger"}, "`alternative` must be one of 'two-sided', 'less', 'greater'"),
        ({"method": "permutation"}, "`method` must be one of 'auto'"),
        ({"nan_policy": "ignore"}, "`nan_policy` must be one of 'propagate', 'raise', 'omit'"),
        ({"axis": 1}, "`axis` must be 0, -1 or None"),
    ],
)
def test_bad_options(kwargs, message):
    with raises(message):
        cj.mannwhitneyu(X, Y, **kwargs)


def test_exact_beyond_its_limits_says_what_to_use():
    big = np.arange(600.0)
    with raises("exact .* not available .* method='asymptotic'"):
        cj.mannwhitneyu(big, big + 0.5, method="exact")
    # "auto" never fails for size: scipy's rule picks exact only when a sample has <= 8.
    assert cj.mannwhitneyu(big[:8], np.arange(3_000_000.0)).method == "asymptotic"


def test_grouped_counts():
    with raises("`x_counts` has 3 entries but `y_counts` has 2"):
        cj.mannwhitneyu_grouped([1, 2, 3], [1, 2])
    with raises("`x_counts` has -1 at index 1"):
        cj.mannwhitneyu_grouped([1, -1], [1, 2])
    with raises("`y_counts` has 1.5 at index 0"):
        cj.mannwhitneyu_grouped([1, 1], [1.5, 2])
    with raises("`x_counts` has NaN at index 0"):
        cj.mannwhitneyu_grouped([np.nan, 1], [1, 2])
    with raises("sample `x` is empty"):
        cj.mannwhitneyu_grouped([0, 0], [1, 2])


def test_hodges_lehmann_and_effect_sizes():
    with raises("confidence"):
        cj.hodges_lehmann(X, Y, confidence=1.0)
    with raises("inf at index 2"):
        cj.hodges_lehmann([1.0, 2.0, np.inf], Y)
    with raises("`method` must be one of 'auto', 'exact', 'asymptotic'"):
        cj.hodges_lehmann(X, Y, method="exact_if_cheap")
    with raises("`nan_policy` must be one of 'raise', 'omit'"):
        cj.effect_sizes(X, Y, nan_policy="propagate")
    with raises("-inf at index 0"):
        cj.effect_sizes(X, [-np.inf])


def test_power_and_sample_size():
    with raises("superiority"):
        cj.mann_whitney_sample_size(1.5, 0.05)
    with raises("canary_share"):
        cj.mann_whitney_sample_size(0.6, 0.0)
    with raises("alpha"):
        cj.two_proportions_sample_size(0.02, 0.01, 0.1, alpha=2.0)
    with raises("a count must be a whole number from 0 to 2"):
        cj.mann_whitney_power(0.6, -5, 100)
    with raises("group sizes must be at least 1"):
        cj.two_proportions_power(0.02, 0.01, 0, 100)
    with raises("sd"):
        cj.ShiftModel.normal(-1.0)
    with pytest.raises(TypeError):
        cj.mann_whitney_power(0.6, "ten", 100)


def test_rules():
    with raises("events"):
        cj.MinExpectedEvents(0.0)
    with raises("baseline_events"):
        cj.MinExpectedEvents(5.0).check(10, 10, baseline_events=11)
    with raises("arrival rate"):
        cj.MinObservations(10, 10).check(1, 1, rates=(-1.0, 1.0))
    with raises("canary_share"):
        cj.MannWhitneyPowerRule(0.6, 1.5)


def test_slo():
    with raises("a target of 1 .* leaves no error budget"):
        cj.error_budget(1.0)
    with raises("objective"):
        cj.burn_rate("120%", 1, 10)
    with raises("at most the total count"):
        cj.budget(0.999, 11, 10)
    with raises("`period` must be a nonnegative, finite number of seconds"):
        cj.MultiWindowPolicy.workbook(0.999, period=-1.0)
    with raises("tiers\\[0\\] has no `short`"):
        cj.MultiWindowPolicy(0.999, 30 * 86400, [{"severity": "page", "factor": 14.4, "long": 3600}])
    with raises("`severity` must be one of 'page', 'ticket'"):
        cj.MultiWindowPolicy(0.999, 30 * 86400, [{"severity": "warn", "factor": 2, "long": 3600, "short": 300}])
    with raises("can never fire"):
        cj.MultiWindowPolicy(0.99, 30 * 86400, [{"severity": "page", "factor": 100, "long": 3600, "short": 300}])
    policy = cj.MultiWindowPolicy.workbook("99.9%")
    with raises("no counts for"):
        policy.evaluate({3600: (1, 100)})
    with raises("freeze_below"):
        cj.BudgetGate(allow_from=0.2, freeze_below=0.5)


def test_sequential_tests():
    with raises("p0"):
        cj.BernoulliSprt(0.02, 0.01)
    with raises("alpha"):
        cj.BernoulliSprt(0.01, 0.02, alpha=0.0)
    test = cj.BernoulliSprt(0.01, 0.02)
    with raises("errors"):
        test.update(5, 4)
    assert test.observations == 0  # a failed update changes nothing
    with raises("exposure"):
        cj.PoissonSprt(1.0, 2.0).update(1, float("nan"))
    with raises("value"):
        cj.NormalSprt(0.0, 1.0, 1.0).update(float("inf"))
    with raises("canary_share"):
        cj.TwoSampleSprt().update(1, 1, 1.5)
    with raises("concentration"):
        cj.EventCountTest(0.1, concentration=0.0)
    with raises("mixing_variance"):
        cj.MeanDifferenceMsprt(-1.0)
    with raises("quantile|alpha|0 and 1"):
        cj.QuantileTest(quantiles=[1.5])
    quantiles = cj.QuantileTest()
    with raises("NaN at index 1"):
        quantiles.update(baseline=[1.0, np.nan])
    assert quantiles.observations == 0
    with raises("invalid BernoulliSprt state"):
        cj.BernoulliSprt.from_json('{"model": {"p0": 0.5}}')
    with raises("invalid BernoulliSprt state"):
        cj.BernoulliSprt.from_json("not json")


def test_smoothers():
    with raises("weight"):
        cj.Ewma(1.5)
    with raises("value"):
        cj.Ewma(0.5).update(float("nan"))
    with raises("`length` must be at least 1"):
        cj.RollingWindow(0)
    with raises("quantile"):
        cj.RollingWindow(3, 1.5)
    with raises("`statistic` must be one of 'mean', 'median'"):
        cj.RollingWindow(3, "mode")
    with raises("`rule` must be one of 'failure_limit'"):
        cj.Counter("failures", 3)
    with raises("`limit` must be at least 1 for the rule 'consecutive_failures'"):
        cj.Counter("consecutive_failures", 0)
    with raises("`outcome` must be one of 'pass'"):
        cj.Counter("failure_limit", 3).update("ok")
    with raises("`no_data` must be one of 'skip', 'count_as_failure'"):
        cj.Vote(2, 3, no_data="fail")
    with raises("k"):
        cj.Vote(4, 3)
    with raises("enter|exit"):
        cj.Hysteresis(1.0, 1.0)
