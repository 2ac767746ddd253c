#!/usr/bin/env python3
"""Reference values of the exact Mann-Whitney U distribution in exact integer arithmetic.

The number of arrangements with U = j for sizes k <= l is the coefficient of q^j in the
Gaussian binomial [k + l choose k]_q = prod_{i=1..k} (1 - q^(l+i)) / (1 - q^i). Multiplying
in one factor at a time with Python's big integers gives every coefficient exactly; the
cumulative probability P(U <= u) is then a ratio of integers, printed with 17 significant
digits. The Rust crate computes the same recurrence in floating point, scaled to
probabilities; tests/exact_bigint.rs compares the two.

Usage: python3 scripts/exact_bigint_reference.py > tests/data/exact_bigint.json
Needs only the standard library (about two minutes in all).
"""

import itertools
import json
import math
import operator
import sys
from decimal import Decimal, getcontext

getcontext().prec = 50

# (m, n, fractions of m*n at which to evaluate P(U <= u)); u = floor(fraction * m * n).
# The centre (u = mn/2) is where rounding noise in the floating-point recurrence grows most.
CASES = [
    (20, 20, [0.05, 0.25, 0.5]),
    (100, 100, [0.02, 0.3, 0.45, 0.5]),
    (50, 1000, [0.01, 0.4, 0.5]),
    (30, 3000, [0.2, 0.5]),
    (200, 200, [0.1, 0.45, 0.5]),
    (200, 3000, [0.3, 0.499, 0.5]),
    (201, 201, [0.05, 0.5]),
    (300, 300, [0.05, 0.35, 0.48, 0.5]),
    (500, 500, [0.1, 0.4, 0.499, 0.5]),
]


def arrangement_counts(m, n, limit):
    """Counts of U = 0..=limit (Gaussian binomial coefficients), by the same recurrence."""
    k, l = min(m, n), max(m, n)
    limit = min(limit, m * n)
    prev = [1] + [0] * limit
    for i in range(1, k + 1):
        end = min(limit, i * l) + 1
        counts = prev[:end]
        # Division by (1 - q^i): running sums along each residue class mod i.
        for r in range(min(i, end)):
            counts[r::i] = itertools.accumulate(counts[r::i])
        # Multiplication by (1 - q^(l+i)).
        shift = l + i
        if end > shift:
            counts[shift:] = map(operator.sub, counts[shift:], counts[: end - shift])
        prev = counts + [0] * (limit + 1 - end)
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
