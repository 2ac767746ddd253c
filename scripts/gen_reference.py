"""Generate the reference corpus for the Mann-Whitney U test and the Hodges-Lehmann interval.

Run from the repository root with a Python that has numpy and scipy (and, for the exact
Hodges-Lehmann cross-check, R's ``Rscript`` on the PATH)::

    python scripts/gen_reference.py

It writes ``tests/data/mann_whitney_reference.json`` and
``tests/data/hodges_lehmann_reference.json``, which the integration tests
``tests/reference_mann_whitney.rs`` and ``tests/reference_hodges_lehmann.rs`` read. The output is
deterministic (fixed seeds); the versions of Python, numpy, scipy and R are recorded in it.

Sources of truth
----------------
Mann-Whitney U (``pvalue`` is the number the Rust test compares with):

* ``asymptotic``: scipy's ``mannwhitneyu(x, y, alternative=..., use_continuity=...,
  method="asymptotic")`` (tie-corrected variance, continuity correction of 0.5 towards the
  mean). Where every observation has the same value scipy divides 0 by 0 when the continuity
  correction is off and returns NaN; the reference is then p = 1 (no evidence either way) and
  ``pvalue_scipy`` is null.
* ``exact`` (samples without ties): the exact null distribution of U counted with Python
  integers, as the coefficients of the Gaussian binomial coefficient [m+n choose m]_q, and
  p = (tail count) / C(m+n, m) as an exact fraction rounded once to a float
  (``pvalue_bigint``, the reference). scipy's ``method="exact"`` is recorded beside it
  (``pvalue_scipy``) and every disagreement beyond 1e-12 relative is reported when the script
  runs. Two-sided is min(1, 2 * smaller tail), which equals scipy's 2 * sf(max(U1, U2)) by
  symmetry.
* ``exact_conditional`` (samples with ties): the exact permutation distribution of U given
  the observed tie pattern (midranks), counted with Python integers by a dynamic programme
  over the tie groups, and checked against brute-force enumeration of all C(N, m) splits for
  small N. Two-sided is min(1, 2 * min(P(U <= U1), P(U >= U1))): unlike doubling the tail on
  the observed side of mn/2 (R-devel), it does not change when the samples are swapped, since
  the conditional distribution need not be symmetric.

The statistic is U of x (scipy's ``statistic``, R's ``W``), checked against an independent
pair count.

Hodges-Lehmann (sorted pairwise differences D = sort(x_i - y_j), 1-based order statistics):

* ``estimate``: the median of D.
* ``exact`` interval: qu = the smallest q with P(U <= q) >= alpha/2 under the exact null
  distribution of U (qu = 1 if that q is 0), low = D_(qu), high = D_(mn - qu + 1);
  ``achieved_confidence`` = 1 - 2 P(U <= qu - 1). The distribution is taken from the exact
  integer counts and cross-checked against scipy's exact distribution and, where R is
  installed and the sizes are moderate, against R's ``wilcox.test(x, y, conf.int = TRUE,
  exact = TRUE)`` (``r_estimate``, ``r_low``, ``r_high``, ``r_achieved_confidence``).
* ``asymptotic`` interval (this crate's definition, not R's root-finding one):
  k = max(1, floor(mn/2 - z sigma + 0.5)) with sigma = sqrt(mn (m + n + 1) / 12) and
  z = norm.ppf(1 - alpha/2); low = D_(k), high = D_(mn - k + 1).

Data are rounded to 6 significant digits before anything is computed, so the decimal numbers
stored in the JSON are exactly the data both sides read.
"""

from __future__ import annotations

import itertools
import json
import math
import platform
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "tests" / "data"
MW_PATH = DATA_DIR / "mann_whitney_reference.json"
HL_PATH = DATA_DIR / "hodges_lehmann_reference.json"

ALTERNATIVES = ("two-sided", "greater", "less")
# Largest sizes for which R's exact interval is computed (its memory grows like (m n)^2).
R_EXACT_MAX_PAIRS = 100 * 100
# Cases whose tail probabilities or quantile boundary lie this close to a decision threshold
# are skipped: a float computation could legitimately land on either side.
BOUNDARY_FUZZ = 1e-9


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


def round_sig(values, digits: int = 6) -> list[float]:
    """Round each value to `digits` significant digits (the stored decimal is the data)."""
    return [float(f"{float(v):.{digits - 1}e}") for v in values]


def continuous(rng: np.random.Generator, size: int, shift: float = 0.0, scale: float = 1.0):
    return round_sig(rng.normal(shift, scale, size))


def distinct_pair(rng, m: int, n: int, shift: float = 0.0, scale: float = 1.0):
    """Continuous samples without ties in the pooled sample (redraws rounded collisions)."""
    while True:
        x = continuous(rng, m, shift, scale)
        y = continuous(rng, n, 0.0, 1.0)
        if len(set(x) | set(y)) == m + n:
            return x, y


def with_statistic(rng, m: int, n: int, u: int) -> tuple[list[float], list[float]]:
    """Tie-free samples (the integers 1..m+n, shuffled) in which U of x is exactly `u`.

    x takes the ranks r_i = i + d_i with 0 <= d_1 <= ... <= d_m <= n and sum d_i = u.
    """
    assert 0 <= u <= m * n
    d, remaining = [0] * m, u
    for i in reversed(range(m)):
        d[i] = min(n, remaining, d[i + 1] if i + 1 < m else n)
        remaining -= d[i]
    assert remaining == 0
    x_ranks = {i + 1 + d[i] for i in range(m)}
    x = [float(r) for r in x_ranks]
    y = [float(r) for r in range(1, m + n + 1) if r not in x_ranks]
    rng.shuffle(x)
    rng.shuffle(y)
    return x, y


def small_integers(rng, size: int, high: int, shift: int = 0) -> list[float]:
    return [float(v) for v in rng.integers(0, high + 1, size) + shift]


# ---------------------------------------------------------------------------------------------
# Exact distributions in integer arithmetic
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def untied_counts(m: int, n: int) -> tuple[int, ...]:
    """Coefficients of the Gaussian binomial [m+n choose m]_q: entry u counts the
    arrangements of m x's and n y's with U = u.

    P_0 = 1, P_i = P_{i-1} (1 - q^(N+i)) / (1 - q^i) for i = 1..k, with k = min(m, n) and
    N = max(m, n); every step is exact integer polynomial arithmetic.
    """
    k, big = min(m, n), max(m, n)
    poly = [1]
    for i in range(1, k + 1):
        grow = big + i
        prod = poly + [0] * grow  # times (1 - q^grow)
        for j in range(len(poly)):
            prod[j + grow] -= poly[j]
        # divide by (1 - q^i): b[j] = a[j] + b[j - i]; the quotient has degree i * big
        degree = len(prod) - 1 - i
        quot = prod[: degree + 1]
        for j in range(i, degree + 1):
            quot[j] += quot[j - i]
        # the division is exact: the top i coefficients of the product are reproduced
        assert all(prod[j] == -quot[j - i] for j in range(degree + 1, len(prod)))
        poly = quot
    assert len(poly) == m * n + 1
    assert sum(poly) == math.comb(m + n, m)
    assert poly == poly[::-1]
    return tuple(poly)


@lru_cache(maxsize=None)
def untied_cumulative(m: int, n: int) -> tuple[int, ...]:
    """Running sums of `untied_counts`: entry u counts arrangements with U <= u."""
    total, out = 0, []
    for c in untied_counts(m, n):
        total += c
        out.append(total)
    return tuple(out)


def twice_rank_groups(pooled: list[float]) -> list[tuple[int, int]]:
    """Tie groups of the pooled sample as (size t, twice the midrank), ascending."""
    values, sizes = np.unique(np.asarray(pooled), return_counts=True)
    groups, start = [], 1
    for t in sizes:
        t = int(t)
        groups.append((t, 2 * start + t - 1))
        start += t
    return groups


def conditional_counts(groups: list[tuple[int, int]], m: int) -> dict[int, int]:
    """Distribution of twice the rank sum of x over all C(N, m) splits with this tie
    pattern: {2R: number of splits}, by a dynamic programme over the tie groups."""
    # dist[c] maps 2R -> count for the first groups with c observations given to x
    dist: list[dict[int, int]] = [dict() for _ in range(m + 1)]
    dist[0][0] = 1
    used = 0
    for t, w in groups:
        new: list[dict[int, int]] = [dict() for _ in range(m + 1)]
        for c in range(min(used, m) + 1):
            for r, count in dist[c].items():
                for k in range(min(t, m - c) + 1):
                    key = r + k * w
                    new[c + k][key] = new[c + k].get(key, 0) + count * math.comb(t, k)
        dist = new
        used += t
    return dist[m]


def brute_force_counts(pooled: list[float], m: int) -> dict[int, int]:
    """Distribution of twice the rank sum of x by enumerating every split (small N only)."""
    twice_ranks = (2 * stats.rankdata(pooled)).astype(int).tolist()
    out: dict[int, int] = {}
    for chosen in itertools.combinations(range(len(pooled)), m):
        r = sum(twice_ranks[i] for i in chosen)
        out[r] = out.get(r, 0) + 1
    return out


def twice_u(x: list[float], y: list[float]) -> int:
    """2 U of x by counting pairs (x > y counts 2, x == y counts 1), independent of ranks."""
    ys = np.sort(np.asarray(y))
    xs = np.asarray(x)
    below = np.searchsorted(ys, xs, side="left")
    not_above = np.searchsorted(ys, xs, side="right")
    return int(below.sum() + not_above.sum())


def exact_pvalue(counts_le, counts_ge, total: int, twice_u1: int, mn: int, alternative: str):
    """p-value from exact tail counts; counts_le(v) counts 2U <= v, counts_ge(v) 2U >= v."""
    if alternative == "greater":
        p = Fraction(counts_ge(twice_u1), total)
    elif alternative == "less":
        p = Fraction(counts_le(twice_u1), total)
    else:
        smaller_tail = min(counts_ge(twice_u1), counts_le(twice_u1))
        p = min(Fraction(1), Fraction(2 * smaller_tail, total))
    return p


def rel_err(a: float, b: float) -> float:
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


# ---------------------------------------------------------------------------------------------
# Mann-Whitney cases
# ---------------------------------------------------------------------------------------------


class MannWhitneyCorpus:
    def __init__(self):
        self.cases: list[dict] = []
        self.scipy_exact_discrepancies: list[str] = []
        self.scipy_exact_max_error = 0.0

    def _base(self, name, x, y, alternative, method, use_continuity):
        t2 = twice_u(x, y)
        u = t2 / 2
        return {
            "name": name,
            "x": x,
            "y": y,
            "alternative": alternative,
            "method": method,
            "use_continuity": use_continuity,
            "statistic": u,
        }, t2

    def asymptotic(self, name, x, y, alternatives=ALTERNATIVES, continuity=(True, False)):
        for alternative in alternatives:
            for cc in continuity:
                case, _ = self._base(
                    f"{name}/{alternative}/cc={int(cc)}", x, y, alternative, "asymptotic", cc
                )
                with np.errstate(all="ignore"):
                    res = stats.mannwhitneyu(
                        x, y, alternative=alternative, use_continuity=cc, method="asymptotic"
                    )
                assert float(res.statistic) == case["statistic"], name
                p = float(res.pvalue)
                if math.isnan(p):
                    # Every observation tied and no continuity correction: 0 / 0 in scipy.
                    assert len(set(x) | set(y)) == 1, name
                    case["pvalue"] = 1.0
                    case["pvalue_scipy"] = None
                    case["note"] = "scipy returns NaN (zero variance); the crate returns 1"
                else:
                    case["pvalue"] = p
                    case["pvalue_scipy"] = p
                self.cases.append(case)

    def exact(self, name, x, y, alternatives=ALTERNATIVES):
        m, n = len(x), len(y)
        assert len(set(x) | set(y)) == m + n, f"{name}: exact needs tie-free data"
        cum = untied_cumulative(m, n)
        total = cum[-1]
        mn = m * n

        def le(v2):  # 2U <= v2; U is an integer here
            return cum[v2 // 2] if v2 >= 0 else 0

        def ge(v2):
            u = (v2 + 1) // 2
            return total - (cum[u - 1] if u >= 1 else 0)

        for alternative in alternatives:
            case, t2 = self._base(f"{name}/{alternative}", x, y, alternative, "exact", True)
            p_big = float(exact_pvalue(le, ge, total, t2, mn, alternative))
            res = stats.mannwhitneyu(x, y, alternative=alternative, method="exact")
            assert float(res.statistic) == case["statistic"], name
            p_scipy = float(res.pvalue)
            case["pvalue"] = p_big
            case["pvalue_bigint"] = p_big
            case["pvalue_scipy"] = p_scipy
            err = rel_err(p_big, p_scipy)
            self.scipy_exact_max_error = max(self.scipy_exact_max_error, err)
            if err > 1e-12:
                self.scipy_exact_discrepancies.append(
                    f"{case['name']} (m={m}, n={n}, U={case['statistic']:g}): "
                    f"big-int {p_big!r}, scipy {p_scipy!r}, relative error {err:.2e}"
                )
            self.cases.append(case)

    def exact_conditional(self, name, x, y, alternatives=ALTERNATIVES):
        m, n = len(x), len(y)
        pooled = list(x) + list(y)
        assert len(set(pooled)) < m + n, f"{name}: conditional cases should have ties"
        dist = conditional_counts(twice_rank_groups(pooled), m)
        if m + n <= 16:
            assert dist == brute_force_counts(pooled, m), name
        total = math.comb(m + n, m)
        assert sum(dist.values()) == total
        shift = m * (m + 1)  # 2U = 2R - m(m+1)
        twice_us = sorted((r - shift, c) for r, c in dist.items())
        mn = m * n

        def le(v2):
            return sum(c for u2, c in twice_us if u2 <= v2)

        def ge(v2):
            return sum(c for u2, c in twice_us if u2 >= v2)

        for alternative in alternatives:
            case, t2 = self._base(
                f"{name}/{alternative}", x, y, alternative, "exact_conditional", True
            )
            assert t2 in dict(twice_us), name
            case["pvalue"] = float(exact_pvalue(le, ge, total, t2, mn, alternative))
            case["pvalue_bigint"] = case["pvalue"]
            self.cases.append(case)


def build_mann_whitney() -> MannWhitneyCorpus:
    corpus = MannWhitneyCorpus()
    rng = np.random.default_rng(20240611)

    # Self-check of the two integer distributions against each other on tie-free data.
    for m, n in [(1, 1), (2, 5), (4, 4), (5, 9), (7, 3)]:
        cum = untied_cumulative(m, n)
        dist = conditional_counts([(1, 2 * r) for r in range(1, m + n + 1)], m)
        shift = m * (m + 1)
        for r2, c in dist.items():
            u = (r2 - shift) // 2
            assert c == cum[u] - (cum[u - 1] if u else 0)

    # --- asymptotic ---------------------------------------------------------------------------
    sizes = [(1, 1), (1, 5), (2, 3), (3, 7), (8, 8), (9, 30), (25, 13), (50, 50), (10, 2000),
             (200, 200), (700, 1000)]
    for m, n in sizes:
        x, y = continuous(rng, m, 0.3), continuous(rng, n)
        corpus.asymptotic(f"asymptotic/continuous/{m}x{n}", x, y)
    for m, n, high in [(4, 6, 3), (12, 12, 3), (30, 45, 10), (300, 250, 3), (2000, 1500, 10)]:
        x, y = small_integers(rng, m, high, 0), small_integers(rng, n, high, 0)
        corpus.asymptotic(f"asymptotic/ties-0..{high}/{m}x{n}", x, y)
    # Shifted tied data (p small) and a shift of the continuous data so z is 20 to 30.
    x, y = small_integers(rng, 400, 10, 2), small_integers(rng, 500, 10, 0)
    corpus.asymptotic("asymptotic/ties-shifted/400x500", x, y)
    for m, n, shift in [(400, 400, 1.8), (1000, 800, 1.5), (2500, 2500, 0.95)]:
        x, y = continuous(rng, m, shift), continuous(rng, n)
        corpus.asymptotic(f"asymptotic/shift-{shift}/{m}x{n}", x, y,
                          alternatives=("two-sided", "greater"))
    # Largest case: only a few combinations, the data are the bulk of the file.
    x, y = continuous(rng, 5000, 0.05), continuous(rng, 4000)
    corpus.asymptotic("asymptotic/continuous/5000x4000", x, y, alternatives=("two-sided",))
    x, y = small_integers(rng, 1, 3), continuous(rng, 5000)
    corpus.asymptotic("asymptotic/continuous/1x5000", x, y, continuity=(True,))
    # A sweep of z (60 x 60, no ties, U set by construction) so every part of the normal tail
    # is exercised, not only where random data land: steps of 0.025 up to z = 3 (p down to
    # about 0.003, where decisions are made), then steps of 0.25 up to z = 9.
    m = n = 60
    sigma = math.sqrt(m * n * (m + n + 1) / 12)
    sweep = [0.025 * k for k in range(121)] + [3.25 + 0.25 * k for k in range(24)]
    for step, z in enumerate(sweep):
        x, y = with_statistic(rng, m, n, round(m * n / 2 + z * sigma))
        alternatives = ("greater", "two-sided") if step % 4 == 0 else ("greater",)
        corpus.asymptotic(f"asymptotic/z-sweep/z={z:.3f}", x, y, alternatives=alternatives)
        if step % 4 == 2:
            corpus.asymptotic(f"asymptotic/z-sweep/z={z:.3f}/swapped", y, x,
                              alternatives=("less",), continuity=(True,))
    # All observations tied: zero variance.
    for m, n in [(1, 1), (3, 5), (20, 7)]:
        corpus.asymptotic(f"asymptotic/all-tied/{m}x{n}", [2.5] * m, [2.5] * n)
    # Complete separation with ties inside each sample.
    corpus.asymptotic("asymptotic/separated-ties/60x40", [5.0] * 30 + [6.0] * 30, [1.0] * 40)

    # --- exact, no ties -----------------------------------------------------------------------
    exact_sizes = [(1, 1), (1, 5), (5, 1), (2, 2), (3, 7), (4, 4), (6, 12), (8, 8), (9, 30),
                   (20, 20), (30, 25), (50, 50), (10, 2000), (5, 3000), (100, 100), (200, 200)]
    for m, n in exact_sizes:
        x, y = distinct_pair(rng, m, n, 0.4)
        corpus.exact(f"exact/continuous/{m}x{n}", x, y)
    for m, n, shift in [(15, 20, 2.5), (50, 50, 2.0), (200, 200, 1.0), (120, 80, 0.5)]:
        x, y = distinct_pair(rng, m, n, shift)
        corpus.exact(f"exact/shift-{shift}/{m}x{n}", x, y)
    for m, n in [(8, 8), (50, 50), (200, 200), (7, 1500)]:
        x = [float(v) for v in range(n + 1, n + 1 + m)]
        y = [float(v) for v in range(1, n + 1)]
        corpus.exact(f"exact/separated/{m}x{n}", x, y)
        corpus.exact(f"exact/separated/{n}x{m}", y, x, alternatives=("two-sided", "less"))
    # U exactly at the mean: p = 1 two-sided.
    corpus.exact("exact/centre/2x2", [1.0, 4.0], [2.0, 3.0])

    # --- exact, conditional on ties -----------------------------------------------------------
    for m, n, high in [(1, 1, 1), (1, 4, 2), (3, 4, 3), (5, 5, 3), (4, 9, 3), (6, 8, 10),
                       (10, 12, 3), (15, 15, 10), (20, 20, 3), (8, 40, 3), (25, 30, 10)]:
        while True:
            x, y = small_integers(rng, m, high), small_integers(rng, n, high)
            if len(set(x + y)) < m + n:
                break
        corpus.exact_conditional(f"exact_conditional/ties-0..{high}/{m}x{n}", x, y)
    for m, n, shift in [(12, 10, 3), (25, 25, 5), (30, 30, 8)]:
        x, y = small_integers(rng, m, 10, shift), small_integers(rng, n, 10, 0)
        corpus.exact_conditional(f"exact_conditional/shift-{shift}/{m}x{n}", x, y)
    # Mixed: continuous values with a few repeated ones (tied across and within samples).
    x, y = continuous(rng, 14), continuous(rng, 11)
    x[3] = x[7] = y[2] = y[5] = 0.5
    x[1] = y[9] = -1.25
    corpus.exact_conditional("exact_conditional/mixed/14x11", x, y)
    for m, n in [(2, 2), (4, 6), (10, 15)]:
        corpus.exact_conditional(f"exact_conditional/all-tied/{m}x{n}", [7.0] * m, [7.0] * n)
    corpus.exact_conditional("exact_conditional/separated/20x20", [3.0] * 10 + [4.0] * 10,
                             [1.0] * 10 + [2.0] * 10)
    corpus.exact_conditional("exact_conditional/separated/30x30", [3.0] * 12 + [4.0] * 18,
                             [1.0] * 17 + [2.0] * 13)
    return corpus


# ---------------------------------------------------------------------------------------------
# Hodges-Lehmann cases
# ---------------------------------------------------------------------------------------------


def sorted_differences(x, y) -> np.ndarray:
    return np.sort(np.subtract.outer(np.asarray(x), np.asarray(y)).ravel())


def median_of(d: np.ndarray) -> float:
    k = d.size
    if k % 2:
        return float(d[k // 2])
    a, b = float(d[k // 2 - 1]), float(d[k // 2])
    return (a + b) / 2


def exact_qu(m: int, n: int, alpha: float) -> int | None:
    """Smallest q with P(U <= q) >= alpha/2 (exact), or None if a cumulative probability is
    within BOUNDARY_FUZZ of alpha/2 (a float computation could pick either side)."""
    cum = untied_cumulative(m, n)
    total = cum[-1]
    target = Fraction(alpha / 2)
    for q, c in enumerate(cum):
        if abs(Fraction(c, total) - target) <= BOUNDARY_FUZZ * target:
            return None
        if Fraction(c, total) >= target:
            return q
    raise AssertionError("unreachable")


def scipy_qu(m: int, n: int, alpha: float) -> int:
    """The same quantile from scipy's exact (float) distribution of U."""
    from scipy.stats._mannwhitneyu import _MWU

    dist = _MWU(m, n)
    cdf = np.cumsum(dist.build_u_freqs_array(m * n // 2))
    below = np.nonzero(cdf >= alpha / 2)[0]
    return int(below[0])


def run_r(cases: list[dict]) -> tuple[str | None, dict[int, dict]]:
    """R's exact wilcox.test interval for the given cases; (R version, {index: result})."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        print("Rscript not found: skipping the R cross-check", file=sys.stderr)
        return None, {}
    script = r"""
args <- commandArgs(trailingOnly = TRUE)
files <- list.files(args[1], pattern = "^case_[0-9]+\\.txt$", full.names = TRUE)
cat(R.version.string, "\n", sep = "")
for (f in files) {
  lines <- readLines(f)
  conf <- as.numeric(lines[1])
  x <- as.numeric(strsplit(lines[2], " ")[[1]])
  y <- as.numeric(strsplit(lines[3], " ")[[1]])
  t <- wilcox.test(x, y, conf.int = TRUE, exact = TRUE, conf.level = conf)
  alpha <- 1 - conf
  qu <- qwilcox(alpha / 2, length(x), length(y))
  if (qu == 0) qu <- 1
  achieved <- 1 - 2 * pwilcox(trunc(qu) - 1, length(x), length(y))
  cat(basename(f), sprintf("%a", c(t$estimate, t$conf.int, achieved)), "\n")
}
"""
    with tempfile.TemporaryDirectory() as tmp:
        for i, case in enumerate(cases):
            # Hexadecimal floats: R reads them exactly.
            text = "\n".join([
                repr(case["confidence"]),
                " ".join(float.hex(v) for v in case["x"]),
                " ".join(float.hex(v) for v in case["y"]),
            ])
            (Path(tmp) / f"case_{i:04d}.txt").write_text(text + "\n")
        script_path = Path(tmp) / "hl.R"
        script_path.write_text(script)
        out = subprocess.run([rscript, "--vanilla", str(script_path), tmp],
                             check=True, capture_output=True, text=True).stdout
    lines = out.strip().splitlines()
    version = lines[0].strip()
    results = {}
    for line in lines[1:]:
        parts = line.split()
        index = int(parts[0][len("case_"):-len(".txt")])
        est, low, high, achieved = (float.fromhex(v) for v in parts[1:5])
        results[index] = {"estimate": est, "low": low, "high": high, "achieved": achieved}
    return version, results


def build_hodges_lehmann() -> tuple[list[dict], str | None, list[str]]:
    rng = np.random.default_rng(7031)
    cases: list[dict] = []
    sizes = [(1, 1), (1, 2), (2, 3), (3, 5), (5, 5), (4, 9), (7, 11), (10, 10), (12, 20),
             (20, 20), (25, 40), (50, 50), (30, 80), (100, 100), (60, 150), (150, 120),
             (200, 300), (300, 300)]
    confidences = (0.8, 0.9, 0.95, 0.99)
    exact_max_pairs = 150 * 120
    for i, (m, n) in enumerate(sizes):
        shift = (1.5, -0.7, 2.3, 0.9)[i % 4]
        while True:
            x, y = distinct_pair(rng, m, n, shift, scale=1.0 + 0.5 * (i % 3))
            d = sorted_differences(x, y)
            k = d.size
            # Avoid an even count whose middle differences nearly cancel: the mean of two
            # would then be tiny and a one-ulp difference in how it is formed could exceed
            # the relative tolerance.
            if k % 2 or abs(d[k // 2 - 1] + d[k // 2]) > 1e-3 * abs(d[k // 2]):
                break
        estimate = median_of(d)
        mn = m * n
        for j, conf in enumerate(confidences):
            alpha = 1 - conf
            # Asymptotic interval (every size).
            sigma = math.sqrt(mn * (m + n + 1) / 12)
            z = float(stats.norm.ppf(1 - alpha / 2))
            raw = mn / 2 - z * sigma + 0.5
            if abs(raw - round(raw)) > BOUNDARY_FUZZ * max(1.0, abs(raw)):
                kk = max(1, math.floor(raw))
                cases.append({
                    "name": f"asymptotic/{m}x{n}/conf={conf}",
                    "x": x, "y": y, "confidence": conf, "method": "asymptotic",
                    "estimate": estimate, "k": kk,
                    "low": float(d[kk - 1]), "high": float(d[mn - kk]),
                })
            # Exact interval (moderate sizes; alternate confidences at the largest).
            if mn > exact_max_pairs or (mn > 50 * 50 and j % 2):
                continue
            qu = exact_qu(m, n, alpha)
            if qu is None:
                continue
            assert scipy_qu(m, n, alpha) == qu, (m, n, conf)
            qu_used = max(qu, 1)
            cum = untied_cumulative(m, n)
            below = cum[qu_used - 1]
            achieved = float(1 - Fraction(2 * below, cum[-1]))
            cases.append({
                "name": f"exact/{m}x{n}/conf={conf}",
                "x": x, "y": y, "confidence": conf, "method": "exact",
                "estimate": estimate, "k": qu_used,
                "low": float(d[qu_used - 1]), "high": float(d[mn - qu_used]),
                "achieved_confidence": achieved,
            })

    r_cases = [c for c in cases
               if c["method"] == "exact" and len(c["x"]) * len(c["y"]) <= R_EXACT_MAX_PAIRS]
    r_version, r_results = run_r(r_cases)
    problems = []
    for i, case in enumerate(r_cases):
        if i not in r_results:
            continue
        r = r_results[i]
        case["r_estimate"], case["r_low"], case["r_high"] = r["estimate"], r["low"], r["high"]
        case["r_achieved_confidence"] = r["achieved"]
        for key, r_key in [("estimate", "estimate"), ("low", "low"), ("high", "high"),
                           ("achieved_confidence", "achieved")]:
            err = rel_err(case[key], r[r_key])
            if err > 1e-12:
                problems.append(f"{case['name']}: {key} numpy {case[key]!r} vs R "
                                f"{r[r_key]!r} (relative error {err:.2e})")
    return cases, r_version, problems


# ---------------------------------------------------------------------------------------------


def versions(r_version: str | None) -> dict:
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "r": r_version,
    }


def write(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        json.dump(payload, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")


def main() -> None:
    mw = build_mann_whitney()
    hl_cases, r_version, r_problems = build_hodges_lehmann()
    common = versions(r_version)
    write(MW_PATH, {
        "generator": "scripts/gen_reference.py",
        "versions": common,
        "cases": mw.cases,
    })
    write(HL_PATH, {
        "generator": "scripts/gen_reference.py",
        "versions": common,
        "cases": hl_cases,
    })

    counts: dict[str, int] = {}
    for case in mw.cases:
        counts[case["method"]] = counts.get(case["method"], 0) + 1
    print(f"Mann-Whitney: {len(mw.cases)} cases {counts} -> {MW_PATH.relative_to(ROOT)}")
    hl_counts: dict[str, int] = {}
    for case in hl_cases:
        hl_counts[case["method"]] = hl_counts.get(case["method"], 0) + 1
    n_r = sum("r_estimate" in c for c in hl_cases)
    print(f"Hodges-Lehmann: {len(hl_cases)} cases {hl_counts}, {n_r} checked against R "
          f"-> {HL_PATH.relative_to(ROOT)}")
    print(f"versions: {common}")
    if mw.scipy_exact_discrepancies:
        print(f"scipy exact vs big-int, relative error > 1e-12 "
              f"({len(mw.scipy_exact_discrepancies)} cases):")
        for line in mw.scipy_exact_discrepancies:
            print("  " + line)
    else:
        print("scipy exact agrees with big-int within 1e-12 relative on every exact case "
              f"(largest relative difference {mw.scipy_exact_max_error:.2e})")
    if r_problems:
        print("R vs numpy disagreements:")
        for line in r_problems:
            print("  " + line)
        sys.exit(1)


if __name__ == "__main__":
    main()
