"""Time canary_judge.mannwhitneyu against scipy.stats.mannwhitneyu and numpy.sort.

Both tests use the asymptotic method on the same float64 samples; the floor is numpy.sort of
the pooled 2n values (numpy's SIMD sort). Each time is the best of several repeats measured
with time.perf_counter. Run after installing a release build of the wheel:

    python python/bench/compare_scipy.py
"""

from __future__ import annotations

import argparse
import time
from typing import Callable

import numpy as np
from scipy import stats

import canary_judge

# Targets: the Python binding must stay close to the sort floor and far ahead of scipy.
TARGETS = {
    1_000_000: {"vs_scipy": 10.0, "vs_sort": 2.0},
    100: {"vs_scipy": 50.0},
}


def best_time(call: Callable[[], object], repeats: int, number: int) -> float:
    """Best over `repeats` of the mean time of `number` back-to-back calls, in seconds."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            call()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def format_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:8.2f} {unit}"
    return f"{seconds / 1e-9:8.1f} ns"


def run(n: int, repeats: int, seed: int) -> bool:
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, n)
    y = rng.normal(0.05, 1.0, n)
    pooled = np.concatenate([x, y])
    number = max(1, 20_000 // n)

    ours = canary_judge.mannwhitneyu(x, y, method="asymptotic")
    theirs = stats.mannwhitneyu(x, y, method="asymptotic")
    assert ours.statistic == theirs.statistic, (ours.statistic, theirs.statistic)
    assert np.isclose(ours.pvalue, theirs.pvalue, rtol=1e-9, atol=0), (ours, theirs)

    t_ours = best_time(lambda: canary_judge.mannwhitneyu(x, y, method="asymptotic"), repeats, number)
    t_scipy = best_time(lambda: stats.mannwhitneyu(x, y, method="asymptotic"), repeats, number)
    t_sort = best_time(lambda: np.sort(pooled), repeats, number)

    print(f"n = m = {n:,}  (best of {repeats} repeats of {number} call(s))")
    print(f"  canary_judge.mannwhitneyu  {format_time(t_ours)}")
    print(f"  scipy.stats.mannwhitneyu   {format_time(t_scipy)}   scipy / canary_judge = {t_scipy / t_ours:7.1f}x")
    print(f"  numpy.sort of {2 * n:,} values {format_time(t_sort)}   canary_judge / sort = {t_ours / t_sort:7.2f}x")

    ok = True
    target = TARGETS.get(n, {})
    if "vs_scipy" in target and t_scipy / t_ours < target["vs_scipy"]:
        print(f"  MISSED: at least {target['vs_scipy']:.0f}x faster than scipy")
        ok = False
    if "vs_sort" in target and t_ours / t_sort > target["vs_sort"]:
        print(f"  MISSED: within {target['vs_sort']:.0f}x of numpy.sort")
        ok = False
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 100])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    results = [run(n, args.repeats, args.seed) for n in args.sizes]
    print("all targets met" if all(results) else "some targets missed")


if __name__ == "__main__":
    main()
