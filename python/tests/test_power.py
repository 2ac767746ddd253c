"""Power and sample size against the textbook formulas, written here with scipy.stats.norm."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import canary_judge as cj

norm = stats.norm


def z_alpha(alpha: float, alternative: str) -> float:
    return norm.ppf(1 - (alpha / 2 if alternative == "two-sided" else alpha))


@pytest.mark.parametrize("alternative", ["two-sided", "greater"])
@pytest.mark.parametrize("superiority, share", [(0.6, 0.05), (0.55, 0.5), (0.7, 0.2)])
def test_mann_whitney_sample_size_is_noethers(superiority, share, alternative):
    z = z_alpha(0.05, alternative) + norm.ppf(0.8)
    total = z**2 / (12 * share * (1 - share) * (superiority - 0.5) ** 2)
    sizes = cj.mann_whitney_sample_size(superiority, share, alternative=alternative)
    assert (sizes.canary, sizes.baseline) == (math.ceil(share * total), math.ceil((1 - share) * total))
    assert sizes.total == sizes.canary + sizes.baseline
    # The planned sizes reach the target power.
    power = cj.mann_whitney_power(superiority, sizes.canary, sizes.baseline, alternative=alternative)
    assert power >= 0.8
    info = 12 * sizes.canary * sizes.baseline / sizes.total
    expected = norm.cdf(math.sqrt(info) * (superiority - 0.5) - z_alpha(0.05, alternative))
    assert power == pytest.approx(expected, rel=1e-9)  # statrs' normal cdf: about 1e-10


def test_detectable_superiority_inverts_the_power():
    p = cj.mann_whitney_detectable_superiority(200, 2000, alternative="greater")
    assert p is not None and p > 0.5
    assert cj.mann_whitney_power(p, 200, 2000, alternative="greater") == pytest.approx(0.8, abs=1e-9)
    below = cj.mann_whitney_detectable_superiority(200, 2000, alternative="less")
    assert below is not None and below == pytest.approx(1 - p, rel=1e-9)
    assert cj.mann_whitney_detectable_superiority(1, 1, power=0.99, alpha=0.001) is None


@pytest.mark.parametrize("alternative", ["two-sided", "greater"])
def test_two_proportions_sample_size_is_fleiss(alternative):
    px, py, c = 0.02, 0.01, 0.1
    pbar = c * px + (1 - c) * py
    root = (
        z_alpha(0.05, alternative) * math.sqrt(pbar * (1 - pbar) / (c * (1 - c)))
        + norm.ppf(0.8) * math.sqrt(px * (1 - px) / c + py * (1 - py) / (1 - c))
    ) / (px - py)
    sizes = cj.two_proportions_sample_size(px, py, c, alternative=alternative)
    assert (sizes.canary, sizes.baseline) == (math.ceil(c * root**2), math.ceil((1 - c) * root**2))
    assert cj.two_proportions_power(px, py, sizes.canary, sizes.baseline, alternative=alternative) >= 0.8


def test_two_proportions_detectable_rate_inverts_the_power():
    rate = cj.two_proportions_detectable_rate(0.01, 1000, 9000, alternative="greater")
    assert rate is not None and rate > 0.01
    power = cj.two_proportions_power(rate, 0.01, 1000, 9000, alternative="greater")
    assert power == pytest.approx(0.8, abs=1e-6)


def test_shift_models():
    normal = cj.ShiftModel.normal(10.0)
    assert normal.superiority(5.0) == pytest.approx(norm.cdf(5.0 / (10.0 * math.sqrt(2))), rel=1e-9)
    assert normal.shift_for_superiority(normal.superiority(5.0)) == pytest.approx(5.0, rel=1e-9)
    baseline = np.random.default_rng(3).normal(100, 10, 400)
    empirical = cj.ShiftModel.empirical(baseline)
    shifted = baseline[:, None] + 3.0
    brute = ((shifted > baseline[None, :]).sum() + 0.5 * (shifted == baseline[None, :]).sum()) / baseline.size**2
    assert empirical.superiority(3.0) == pytest.approx(brute, rel=1e-12)
    shift = empirical.shift_for_superiority(0.6)
    assert empirical.superiority(shift) >= 0.6


def test_results_are_records():
    sizes = cj.mann_whitney_sample_size(0.6, 0.05, alternative="greater")
    assert repr(sizes) == "GroupSizes(canary=55, baseline=1031, total=1086)"
    assert sizes.to_dict() == {"canary": 55, "baseline": 1031, "total": 1086}
