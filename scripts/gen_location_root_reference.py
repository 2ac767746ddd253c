"""Generate the reference corpus for R's asymptotic location shift and its interval.

Run from the repository root with a Python that has numpy and scipy, and R's ``Rscript`` on
the PATH::

    python scripts/gen_location_root_reference.py

It writes ``tests/data/location_root_reference.json``, which ``tests/reference_location_root.rs``
reads. The output is deterministic (fixed seeds); the versions of Python, numpy, scipy and R are
recorded in it.

What is computed, per data set and per (confidence, continuity correction) pair
--------------------------------------------------------------------------------
* ``r``: R's ``wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = correct,
  conf.level = confidence)``: ``$estimate`` and ``$conf.int``, read back exactly (hexadecimal
  floats). Where R fails (both samples constant: every observation tied at the only shift),
  ``r_error`` holds its message and every other field is null.
* ``exact``: the crossings R's ``uniroot`` approximates, located by brute force from R's own
  definition, independently of the crate's algorithm. ``W(d)`` is the statistic R's ``W``
  closure computes (average ranks of ``c(x - d, y)`` by ``scipy.stats.rankdata``, the tie table
  by ``numpy.unique``, ``sigma`` and the correction written as in R). ``root(q)`` follows R:
  ``min(x) - max(y)`` if ``W`` there is at most ``q``, ``max(x) - min(y)`` if ``W`` there is at
  least ``q``; otherwise ``W - q`` is evaluated at the midpoint of every gap between
  consecutive distinct pairwise differences (all gaps up to 4,000 distinct differences, where
  the sign pattern is also checked to be positive, then zero, then negative; bisection on
  that monotone pattern beyond). The roots are the differences from the end of the positive
  gaps to the start of the negative ones, ``[*_set[0], *_set[1]]``; the reference is their
  midpoint. The interval is ``[root(z), root(-z)]`` with ``z = qnorm(alpha / 2, lower.tail =
  FALSE)``; the estimate is the root of the uncorrected ``W`` at 0, since R sets
  ``correct <- FALSE`` before computing it.

R's tolerance
-------------
``wilcox.test`` calls ``uniroot(..., tol = 1e-4)``. R's ``zeroin`` keeps a sign change between
its iterate ``b`` and the contrapoint ``c`` and stops when ``|c - b| <= 2 * tol_act`` with
``tol_act = 2 * DBL_EPSILON * |b| + tol / 2``, or when ``W(b) - q`` is exactly zero. So R's
answer lies within ``1e-4 + 4 * DBL_EPSILON * |b|`` of the root set, and anywhere inside it on a
flat stretch (the estimate when m n is even: R stops at whichever point of the stretch it
evaluates first). The script checks this for every case and records the largest deviation.

Data are rounded to 6 significant digits (or are small integers), so the numbers stored in the
JSON are exactly the data both sides read.
"""

from __future__ import annotations

import json
import math
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
OUT_PATH = ROOT / "tests" / "data" / "location_root_reference.json"

CONFIDENCES = (0.8, 0.9, 0.95, 0.98, 0.99)
CORRECTIONS = (True, False)
R_TOL = 1e-4
DBL_EPSILON = 2.220446049250313e-16
# Gaps scanned one by one (and the sign pattern checked) up to this many distinct differences.
FULL_SCAN = 4000
# A crossing whose statistic is within this of the quantile could flip with the last bit of
# the quantile; such a case is dropped rather than stored.
FRAGILE = 1e-9


def round_sig(values, digits: int = 6) -> list[float]:
    return [float(f"{v:.{digits - 1}e}") for v in values]


def continuous(rng, size: int, shift: float = 0.0, scale: float = 1.0) -> list[float]:
    """Lognormal-ish latencies, rounded: ties are possible but rare."""
    return round_sig(np.exp(rng.normal(0.0, 0.5, size)) * 100.0 * scale + shift)


def integers(rng, size: int, high: int, shift: int = 0) -> list[float]:
    return [float(v + shift) for v in rng.integers(0, high + 1, size)]


def datasets() -> list[dict]:
    rng = np.random.default_rng(20260817)
    out: list[dict] = []

    def add(name, x, y):
        out.append({"name": name, "x": [float(v) for v in x], "y": [float(v) for v in y]})

    add("kayenta_tie_out", [10, 20, 30, 40], [1, 2, 3, 4])
    add("spinnaker_6278", [100] * 7 + [1] * 3, [1] * 10)
    add("kayenta_tie_out_swapped", [1, 2, 3, 4], [10, 20, 30, 40])
    sizes = [(1, 2), (2, 1), (1, 7), (9, 1), (2, 3), (3, 3), (4, 4), (5, 8), (10, 10), (7, 20),
             (25, 25), (40, 30), (50, 80), (100, 100), (150, 90), (200, 300), (300, 300),
             (300, 1), (1, 300), (2, 250)]
    for i, (m, n) in enumerate(sizes):
        shift = (0.0, 15.0, -8.0, 40.0)[i % 4]
        add(f"continuous/{m}x{n}/shift={shift}",
            continuous(rng, m, shift, 1.0 + 0.25 * (i % 3)), continuous(rng, n))
    for i, (m, n, high) in enumerate([(6, 9, 3), (20, 20, 5), (50, 60, 10), (120, 100, 8),
                                     (300, 250, 20), (13, 1, 4), (1, 40, 6)]):
        shift = (0, 1, 2, -1)[i % 4]
        add(f"ties/{m}x{n}/0..{high}/shift={shift}",
            integers(rng, m, high, shift), integers(rng, n, high))
    for m, n, high in [(10, 10, 1), (30, 40, 1), (200, 200, 2), (60, 45, 1), (4, 3, 1)]:
        add(f"heavy_ties/{m}x{n}/0..{high}", integers(rng, m, high), integers(rng, n, high))
    add("heavy_ties/shifted_0_1", integers(rng, 80, 1, 1), integers(rng, 70, 1))
    add("constant_x", [5.0] * 10, integers(rng, 12, 9))
    add("constant_y", continuous(rng, 15), [100.0] * 8)
    same = continuous(rng, 40)
    add("identical/continuous", same, list(same))
    same_tied = integers(rng, 30, 4)
    add("identical/tied", same_tied, list(reversed(same_tied)))
    add("separated/no_overlap", continuous(rng, 20, 500.0), continuous(rng, 25))
    add("all_tied/one_each", [1.0], [2.0])
    add("all_tied/same_value", [3.0, 3.0, 3.0], [3.0, 3.0])
    add("all_tied/two_values", [2.0, 2.0], [5.0, 5.0, 5.0])
    return out


# --- R -----------------------------------------------------------------------------------

R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
lines <- readLines(args[1])
cat(R.version.string, "\n", sep = "")
for (line in lines) {
  f <- strsplit(line, "\t")[[1]]
  conf <- as.numeric(f[2])
  correct <- f[3] == "TRUE"
  x <- as.numeric(strsplit(f[4], " ")[[1]])
  y <- as.numeric(strsplit(f[5], " ")[[1]])
  warned <- character(0)
  res <- tryCatch(
    withCallingHandlers(
      wilcox.test(x, y, conf.int = TRUE, exact = FALSE, correct = correct,
                  conf.level = conf),
      warning = function(w) {
        warned <<- c(warned, conditionMessage(w))
        invokeRestart("muffleWarning")
      }),
    error = function(e) conditionMessage(e))
  if (is.character(res)) {
    msg <- paste(c(warned, res), collapse = " | ")
    cat(f[1], "ERROR", gsub("[\t\n]", " ", msg), "\n", sep = "\t")
  } else {
    cat(f[1], "OK", sprintf("%a", c(res$estimate, res$conf.int)), "\n", sep = "\t")
  }
}
"""


def run_r(jobs: list[tuple[str, float, bool, list[float], list[float]]]):
    rscript = shutil.which("Rscript")
    if rscript is None:
        sys.exit("Rscript not found: install R (apt-get install r-base-core) and rerun")
    with tempfile.TemporaryDirectory() as tmp:
        cases = Path(tmp) / "cases.tsv"
        with cases.open("w") as f:
            for key, conf, correct, x, y in jobs:
                f.write("\t".join([key, repr(conf), "TRUE" if correct else "FALSE",
                                   " ".join(float.hex(v) for v in x),
                                   " ".join(float.hex(v) for v in y)]) + "\n")
        script = Path(tmp) / "location_root.R"
        script.write_text(R_SCRIPT)
        out = subprocess.run([rscript, "--vanilla", str(script), str(cases)],
                             check=True, capture_output=True, text=True).stdout
    lines = out.strip("\n").split("\n")
    version = lines[0].strip()
    results = {}
    for line in lines[1:]:
        parts = line.rstrip("\n").split("\t")
        if parts[1] == "OK":
            est, low, high = (float.fromhex(v) for v in parts[2:5])
            results[parts[0]] = {"estimate": est, "low": low, "high": high}
        else:
            results[parts[0]] = {"error": parts[2].strip()}
    return version, results


# --- the exact crossings, by brute force ---------------------------------------------------


class AllTied(Exception):
    pass


class Statistic:
    """R's ``W(d) - zq``, evaluated by ranking the pooled sample as R does."""

    def __init__(self, x: list[float], y: list[float]):
        self.x = np.array(x)
        self.y = np.array(y)
        self.m, self.n = len(x), len(y)

    def w(self, d: float, correct: bool) -> float:
        m, n = self.m, self.n
        pooled = np.concatenate([self.x - d, self.y])
        ranks = stats.rankdata(pooled, method="average")
        _, counts = np.unique(pooled, return_counts=True)
        dz = float(ranks[:m].sum()) - m * (m + 1) / 2 - m * n / 2
        ties = float(np.sum(counts.astype(np.float64) ** 3 - counts))
        sigma = math.sqrt((m * n / 12) * ((m + n + 1) - ties / ((m + n) * (m + n - 1))))
        if sigma == 0:
            raise AllTied()
        correction = (0.5 * np.sign(dz)) if correct else 0.0
        return (dz - correction) / sigma

    def root(self, zq: float, correct: bool, diffs: np.ndarray):
        """(root set low, root set high, margin): margin is how close the statistic comes to
        the quantile next to the crossing (0 on a flat stretch where it equals it)."""
        lo_end, hi_end = float(diffs[0]), float(diffs[-1])
        if self.w(lo_end, correct) - zq <= 0:
            return lo_end, lo_end, math.inf
        if self.w(hi_end, correct) - zq >= 0:
            return hi_end, hi_end, math.inf
        gaps = len(diffs) - 1
        cache: dict[int, float] = {}

        def gap(k: int) -> float:
            if k not in cache:
                cache[k] = self.w((diffs[k] + diffs[k + 1]) / 2, correct) - zq
            return cache[k]

        if len(diffs) <= FULL_SCAN:
            values = [gap(k) for k in range(gaps)]
            signs = [1 if v > 0 else (0 if v == 0 else -1) for v in values]
            assert all(a >= b for a, b in zip(signs, signs[1:])), "sign pattern not monotone"

        def first(pred) -> int:
            low, high = 0, gaps  # answer in [0, gaps]; gaps means "none"
            while low < high:
                mid = (low + high) // 2
                if pred(gap(mid)):
                    high = mid
                else:
                    low = mid + 1
            return low

        not_positive = first(lambda v: v <= 0)
        negative = first(lambda v: v < 0)
        set_low = float(diffs[min(not_positive, gaps)])
        set_high = float(diffs[min(negative, gaps)])
        near = [gap(k) for k in (not_positive - 1, not_positive, negative - 1, negative)
                if 0 <= k < gaps]
        margin = min((abs(v) for v in near if v != 0), default=math.inf)
        return set_low, set_high, margin


def midpoint(a: float, b: float) -> float:
    return a if a == b else (a + b) / 2


def exact_case(stat: Statistic, diffs: np.ndarray, conf: float, correct: bool):
    alpha = 1 - conf
    z = float(stats.norm.isf(alpha / 2))  # R: qnorm(alpha / 2, lower.tail = FALSE)
    low = stat.root(z, correct, diffs)
    high = stat.root(-z, correct, diffs)
    est = stat.root(0.0, False, diffs)
    margin = min(low[2], high[2], est[2])
    out = {}
    for key, (a, b, _) in (("low", low), ("high", high), ("estimate", est)):
        out[key] = midpoint(a, b)
        out[key + "_set"] = [a, b]
    return out, margin


def r_bound(value: float) -> float:
    return R_TOL + 4 * DBL_EPSILON * abs(value)


# --- assembly --------------------------------------------------------------------------------


def main() -> None:
    data = datasets()
    jobs = []
    for i, ds in enumerate(data):
        for conf in CONFIDENCES:
            for correct in CORRECTIONS:
                jobs.append((f"{i}/{conf}/{correct}", conf, correct, ds["x"], ds["y"]))
    r_version, r_results = run_r(jobs)

    problems: list[str] = []
    dropped: list[str] = []
    worst = {"outside_flat": 0.0, "flat_estimate": 0.0}
    count = 0
    for i, ds in enumerate(data):
        stat = Statistic(ds["x"], ds["y"])
        diffs = np.unique(np.subtract.outer(np.array(ds["x"]), np.array(ds["y"])))
        ds["results"] = []
        for conf in CONFIDENCES:
            for correct in CORRECTIONS:
                r = r_results[f"{i}/{conf}/{correct}"]
                try:
                    exact, margin = exact_case(stat, diffs, conf, correct)
                except AllTied:
                    exact, margin = None, math.inf
                if margin < FRAGILE:
                    dropped.append(f"{ds['name']} conf={conf} correct={correct}")
                    continue
                entry = {"confidence": conf, "correct": correct}
                if exact is None:
                    if "error" not in r or "all observations are tied" not in r["error"]:
                        problems.append(f"{ds['name']}: all tied here but R gave {r}")
                    entry.update({"all_tied": True, "r_error": r.get("error")})
                    ds["results"].append(entry)
                    continue
                if "error" in r:
                    problems.append(f"{ds['name']} conf={conf}: R failed: {r['error']}")
                    continue
                entry["all_tied"] = False
                entry.update(exact)
                entry["r"] = r
                for key in ("low", "high", "estimate"):
                    a, b = exact[key + "_set"]
                    value = r[key]
                    outside = max(a - value, value - b, 0.0)
                    if outside > r_bound(value):
                        problems.append(
                            f"{ds['name']} conf={conf} correct={correct}: R {key} {value!r} "
                            f"is {outside:.3e} outside the roots [{a!r}, {b!r}]")
                    if a == b:
                        worst["outside_flat"] = max(worst["outside_flat"], abs(value - a))
                    else:
                        worst["flat_estimate"] = max(worst["flat_estimate"],
                                                     abs(value - midpoint(a, b)))
                ds["results"].append(entry)
                count += 1

    payload = {
        "generator": "scripts/gen_location_root_reference.py",
        "versions": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "r": r_version,
        },
        "r_tolerance": R_TOL,
        "max_r_deviation": {
            "from_a_single_root": worst["outside_flat"],
            "from_the_midpoint_of_a_flat_stretch": worst["flat_estimate"],
        },
        "datasets": data,
    }
    OUT_PATH.parent.mkdir(parents=True, exist_ok=True)
    with OUT_PATH.open("w") as f:
        json.dump(payload, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"{r_version}: {len(data)} data sets, {count} cases with roots written to "
          f"{OUT_PATH.relative_to(ROOT)}")
    print(f"largest |R - root| where the root is one point: {worst['outside_flat']:.3e} "
          f"(bound {R_TOL:g} + 4 eps |R|)")
    print(f"largest |R - midpoint| on a flat stretch: {worst['flat_estimate']:.3e}")
    for name in dropped:
        print(f"dropped (crossing within {FRAGILE:g} of the quantile): {name}", file=sys.stderr)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(f"{len(problems)} problems")


if __name__ == "__main__":
    main()
