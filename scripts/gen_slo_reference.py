#!/usr/bin/env python3
"""Reference values for the SLO tests (tests/slo_reference.rs), written to
tests/data/slo_reference.json.

Exact decisions come from Python's fractions.Fraction (arbitrary-precision rationals);
Wilson intervals from the closed form with scipy's normal quantile. Run with a Python that has
scipy (for example /tmp/venv/bin/python scripts/gen_slo_reference.py); the output is
deterministic (fixed seed).
"""
import json
import random
from fractions import Fraction
from pathlib import Path

from scipy.stats import norm

U64_MAX = 2**64 - 1
rng = random.Random(20240611)


def frac_text(f):
    return f"{f.numerator}/{f.denominator}"


def wilson(bad, total, confidence):
    z = norm.ppf(0.5 + confidence / 2)
    p = bad / total
    n = total
    denom = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z / denom * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    return max(0.0, center - half), min(1.0, center + half)


OBJECTIVES = ["0.9", "0.95", "0.99", "0.995", "0.999", "0.9995", "0.9999", "0.99999",
              "0.123456789", "0.999999999999"]
FACTORS = ["14.4", "6", "3", "1", "13.44", "5.6", "2.8", "0.98", "36", "1000", "72/5", "7/3"]


def exceeds_cases():
    """bad/total > factor * (1 - objective), decided exactly, around each threshold."""
    cases = []
    for obj in OBJECTIVES:
        budget = 1 - Fraction(obj)
        for fac in FACTORS:
            factor = Fraction(fac)
            threshold = factor * budget
            if threshold >= 1:
                continue
            for total in [7, 10_000, 999_983, U64_MAX - 3, U64_MAX,
                          rng.randrange(1, U64_MAX)]:
                at = threshold * total  # bad count exactly at the threshold, if whole
                base = at.numerator // at.denominator
                for bad in {base - 1, base, base + 1, 0, total}:
                    if 0 <= bad <= total:
                        cases.append({
                            "objective": obj, "factor": fac, "bad": bad, "total": total,
                            "exceeds": Fraction(bad, total) > threshold,
                        })
    # Random counts and random exact objectives and factors.
    for _ in range(400):
        den = rng.choice([10**3, 10**6, 10**9, 10**15, 7919, 2**40])
        num = rng.randrange(1, den)
        fnum, fden = rng.randrange(1, 10**6), rng.randrange(1, 10**4)
        total = rng.choice([rng.randrange(1, 10**6), rng.randrange(1, U64_MAX)])
        bad = rng.randrange(0, total + 1)
        threshold = Fraction(fnum, fden) * (1 - Fraction(num, den))
        cases.append({
            "objective": f"{num}/{den}", "factor": f"{fnum}/{fden}", "bad": bad,
            "total": total, "exceeds": Fraction(bad, total) > threshold,
        })
    return cases


def gate_cases():
    """remaining = 1 - bad / ((1 - objective) * total) >= share, decided exactly."""
    cases = []
    for obj in ["0.99", "0.999", "0.9999"]:
        budget = 1 - Fraction(obj)
        for share in ["0", "1/5", "1/2", "1", "1/3"]:
            s = Fraction(share)
            for total in [1000, 10**6, 3_663_253, U64_MAX]:
                # bad at which remaining == share exactly (if whole)
                at = (1 - s) * budget * total
                base = at.numerator // at.denominator
                for bad in {base - 1, base, base + 1, 0, total}:
                    if 0 <= bad <= total:
                        remaining = 1 - Fraction(bad) / (budget * total)
                        cases.append({"objective": obj, "share": share, "bad": bad,
                                      "total": total, "at_least": remaining >= s})
    return cases


def factor_cases():
    """factor = share * period / window, exactly (SRE Workbook ch. 5 formula)."""
    hour, day = 3600, 86400
    rows = []
    for period_days in [7, 28, 30, 90, 365]:
        for share, window in [("1/50", hour), ("1/20", 6 * hour), ("1/10", day),
                              ("1/10", 3 * day), ("1/100", hour), ("42/100", 3 * day),
                              ("1/8", 6 * hour), ("1/3", 300)]:
            f = Fraction(share) * period_days * day / window
            rows.append({"period_secs": period_days * day, "share": share,
                         "window_secs": window, "factor": frac_text(f)})
    return rows


def wilson_cases():
    rows = []
    for bad, total in [(1, 10), (0, 10), (3, 1000), (20, 1000), (15, 1000), (0, 1000),
                       (10, 10), (1, 1), (144, 10_000), (5, 10**9), (999, 1000)]:
        for confidence in [0.9, 0.95, 0.99]:
            low, high = wilson(bad, total, confidence)
            rows.append({"bad": bad, "total": total, "confidence": confidence,
                         "low": low, "high": high})
    return rows


def allowed_cases():
    """floor((1 - objective) * total), exactly."""
    rows = []
    for obj in OBJECTIVES:
        for total in [0, 1, 999, 1000, 3_663_253, 10**12 + 7, U64_MAX]:
            a = (1 - Fraction(obj)) * total
            rows.append({"objective": obj, "total": total,
                         "allowed_whole": a.numerator // a.denominator})
    return rows


out = {
    "exceeds": exceeds_cases(),
    "remaining_at_least": gate_cases(),
    "factors": factor_cases(),
    "wilson": wilson_cases(),
    "allowed_bad": allowed_cases(),
}
path = Path(__file__).resolve().parent.parent / "tests" / "data" / "slo_reference.json"
path.write_text(json.dumps(out, separators=(",", ":")) + "\n")
print(f"wrote {path}: " + ", ".join(f"{k} {len(v)}" for k, v in out.items()))
