"""Threads: mannwhitneyu releases the GIL and gives every caller its own right answer; a
stateful object shared by threads loses no update."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import stats

import canary_judge as cj


def test_concurrent_calls_get_correct_answers():
    rng = np.random.default_rng(0)
    cases = []
    for i in range(24):
        n = [50, 5_000, 60_000][i % 3]
        x = rng.normal(0.02 * (i % 5), 1.0, n)
        y = rng.normal(0.0, 1.0, n + i)
        if i % 4 == 0:
            x, y = np.round(x, 1), np.round(y, 1)
        cases.append((x, y, ["two-sided", "less", "greater"][i % 3]))
    expected = [stats.mannwhitneyu(x, y, alternative=a) for x, y, a in cases]

    def run(case):
        x, y, alternative = case
        return cj.mannwhitneyu(x, y, alternative=alternative)

    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            results = list(pool.map(run, cases))
            for ours, theirs in zip(results, expected):
                assert ours.statistic == theirs.statistic
                assert np.isclose(ours.pvalue, theirs.pvalue, rtol=1e-9, atol=0)


def test_shared_sequential_test_counts_every_update():
    test = cj.QuantileTest()
    sprt = cj.BernoulliSprt(0.01, 0.02)
    rng = np.random.default_rng(1)
    batches = [rng.normal(100, 10, 500) for _ in range(64)]

    def feed(batch):
        test.update(baseline=batch, canary=batch + 1.0)
        sprt.update(1, 100)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(feed, batches))
    assert (test.baseline_count, test.canary_count) == (64 * 500, 64 * 500)
    assert sprt.observations == 6_400
