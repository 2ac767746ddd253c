#!/usr/bin/env python3
"""Reference values of the exact Mann-Whitney U distribution in exact integer arithmetic.

The number of arrangements with U = j for sizes k <= l is the coefficient of q^j in the
Gaussian binomial [k + l choose k]_q = prod_{i=1..k} (1 - q^(l+i)) / (1 - q^i). Multiplying
in one factor at a time with Python's big integers gives every coefficient exactly; the
cumulative probability P(U <= u) is then a ratio of integers, printed with 17 significant
digits. The Rust crate computes the same recurrence in floating point, scaled to
probabilities; tests/exact_bigint.rs compares the two.

Usage: python3 scripts/exact_bigint_reference.py > tests/data/exact_bigint.json
Needs only the standard library (about a minute for the largest case).
"""

import json
import math
import sys
from decimal import Decimal, getcontext

getcontext().prec = 50

# (m, n, fractions of m*n at which to evaluate P(U <= u)); u = floor(fraction * m * n).
# The floating-point recurrence loses accuracy at the very centre (u = mn/2) beyond about
# 200 x 200 (see docs/methods); larger sizes are checked off the centre only.
CASES = [
    (20, 20, [0.05, 0.25, 0.5]),
    (100, 100, [0.02, 0.3, 0.45, 0.5]),
    (50, 1000, [0.01, 0.4, 0.5]),
    (30, 3000, [0.2, 0.5]),
    (200, 200, [0.1, 0.45, 0.5]),
    (300, 300, [0.05, 0.35, 0.48]),
    (500, 500, [0.1, 0.4]),
]


def arrangement_counts(m, n, limit):
    """Counts of U = 0..=limit (Gaussian binomial coefficients), by the same recurrence."""
    k, l = min(m, n), max(m, n)
    prev = [1] + [0] * limit
    for i in range(1, k + 1):
        end = min(limit, i * l) + 1
        nxt = [0] * (limit + 1)
        shift = l + i
        for j in range(end):
            value = prev[j]
            if j >= shift:
                value -= prev[j - shift]
            if j >= i:
                value += nxt[j - i]
            nxt[j] = value
        prev = nxt
    return prev


def main():
    cases = []
    for m, n, fractions in CASES:
        us = [int(f * m * n) for f in fractions]
        counts = arrangement_counts(m, n, max(us))
        total = math.comb(m + n, m)
        for u in us:
            below = sum(counts[: u + 1])
            cdf = Decimal(below) / Decimal(total)
            cases.append({"m": m, "n": n, "u": u, "cdf": f"{cdf:.16e}"})
        print(f"done {m} x {n}", file=sys.stderr)
    json.dump({"description": __doc__.strip().splitlines()[0], "cases": cases}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
