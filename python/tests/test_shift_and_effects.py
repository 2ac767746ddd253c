"""Hodges-Lehmann shift and effect sizes against brute force computed here with numpy."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

import canary_judge as cj


def differences(x, y):
    return np.sort(np.subtract.outer(np.asarray(x, float), np.asarray(y, float)).ravel())


def null_cdf_by_enumeration(n: int, m: int) -> np.ndarray:
    """P(U <= u) for u = 0..nm, counting every split of n + m distinct ranks."""
    counts = np.zeros(n * m + 1)
    for chosen in itertools.combinations(range(n + m), n):
        ranks = np.array(chosen) + 1
        counts[int(ranks.sum() - n * (n + 1) // 2)] += 1
    return np.cumsum(counts) / math.comb(n + m, n)


@pytest.mark.parametrize("n, m", [(3, 4), (5, 5), (6, 4), (7, 6)])
@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95])
def test_exact_interval_is_the_order_statistic_of_the_exact_null(n, m, confidence):
    rng = np.random.default_rng(n * 10 + m)
    x = rng.normal(1.0, 1.0, n)
    y = rng.normal(0.0, 1.0, m)
    d = differences(x, y)
    cdf = null_cdf_by_enumeration(n, m)
    alpha = 1 - confidence
    # R: q = qwilcox(alpha / 2), the smallest q with P(U <= q) >= alpha / 2; at least 1.
    q = max(int(np.argmax(cdf >= alpha / 2 - 1e-12)), 1)
    result = cj.hodges_lehmann(x, y, confidence=confidence, method="exact")
    assert result.estimate == pytest.approx(np.median(d), rel=1e-12)
    assert (result.low, result.high) == (d[q - 1], d[n * m - q])
    assert result.achieved_confidence == pytest.approx(1 - 2 * cdf[q - 1], rel=1e-9)
    assert (result.method, result.n_x, result.n_y, result.confidence) == ("exact", n, m, confidence)


def test_asymptotic_interval_follows_the_normal_formula():
    rng = np.random.default_rng(4)
    n, m = 60, 45
    x, y = rng.normal(0.5, 1, n), rng.normal(0, 1, m)
    d = differences(x, y)
    z = stats.norm.ppf(0.975)
    q = math.floor(n * m / 2 - z * math.sqrt(n * m * (n + m + 1) / 12) + 0.5)
    result = cj.hodges_lehmann(x, y, method="asymptotic")
    assert (result.low, result.high) == (d[q - 1], d[n * m - q])
    assert result.estimate == pytest.approx(np.median(d), rel=1e-12)


def test_auto_picks_exact_only_without_ties():
    assert cj.hodges_lehmann([1.0, 2.5, 4.0], [0.5, 3.0]).method == "exact"
    assert cj.hodges_lehmann([1.0, 2.0, 2.0], [2.0, 3.0]).method == "asymptotic"
    with pytest.raises(cj.CanaryJudgeError):
        cj.hodges_lehmann([1.0, 2.0, 2.0], [2.0, 3.0], method="exact")


def test_nan_omit_drops_nan_values():
    x = [1.0, np.nan, 3.0, 7.0]
    y = [0.5, 2.0, np.nan]
    result = cj.hodges_lehmann(x, y, nan_policy="omit")
    assert result.estimate == np.median(differences([1.0, 3.0, 7.0], [0.5, 2.0]))
    assert (result.n_x, result.n_y) == (3, 2)


def test_effect_sizes_by_brute_force():
    rng = np.random.default_rng(8)
    x = np.round(rng.normal(110, 10, 40))
    y = np.round(rng.normal(100, 10, 55))
    effect = cj.effect_sizes(x, y)
    wins = (x[:, None] > y[None, :]).sum() + 0.5 * (x[:, None] == y[None, :]).sum()
    assert effect.probability_of_superiority == pytest.approx(wins / (len(x) * len(y)), rel=1e-12)
    assert effect.rank_biserial == pytest.approx(2 * wins / (len(x) * len(y)) - 1, rel=1e-12)
    assert effect.ratio_of_means == pytest.approx(x.mean() / y.mean(), rel=1e-12)
    assert effect.ratio_of_medians == pytest.approx(np.median(x) / np.median(y), rel=1e-12)
    assert effect.shift == np.median(differences(x, y))
    assert effect.relative_shift == pytest.approx(effect.shift / abs(np.median(y)), rel=1e-12)
    assert set(effect.to_dict()) == {
        "probability_of_superiority",
        "rank_biserial",
        "ratio_of_means",
        "ratio_of_medians",
        "shift",
        "relative_shift",
    }


def test_ratios_are_none_for_a_zero_baseline():
    effect = cj.effect_sizes([1.0, 2.0], [-1.0, 0.0, 1.0])
    assert effect.ratio_of_means is None
    assert effect.ratio_of_medians is None
    assert effect.relative_shift is None
