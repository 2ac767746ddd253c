#!/usr/bin/env python3
"""Reference values for sample size, power and detectable effects (tests/data/power_reference.json).

Computed independently of the Rust code, from the published formulas with scipy.stats.norm:

* Mann-Whitney: Noether (1987), JASA 82, 645-647:
  N = (z_{1-a} + z_{1-b})^2 / (12 c (1-c) (p - 1/2)^2), c = canary share, p = P(X > Y),
  two-sided tests use z_{1-a/2}. Each group is ceil(c N), ceil((1-c) N).
* Two proportions: Fleiss, Levin & Paik (2003), eq. 4.19 (pooled variance, no continuity
  correction), written for n_x = c N and n_y = (1-c) N.
* Inverses by scipy.optimize.brentq on the power functions.
* Shift -> P(X > Y): Phi(d / (sigma sqrt 2)) for a normal baseline; a brute-force count over all
  pairs for an empirical baseline.

The Mann-Whitney sizes are also checked by Monte-Carlo simulation of the actual test
(scipy.stats.mannwhitneyu) with normal data: the simulated power must be within a few points of
the target, or the script fails.

Usage: /tmp/venv/bin/python scripts/gen_power_reference.py  (writes the JSON; about a minute)
"""

import json
import math
import pathlib

import numpy as np
from scipy import optimize, stats

norm = stats.norm
OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "power_reference.json"


def z_levels(alpha, power, alternative):
    level = alpha / 2 if alternative == "two_sided" else alpha
    return norm.isf(level), norm.ppf(power)


def directed(effect, alternative):
    return {"two_sided": abs(effect), "greater": effect, "less": -effect}[alternative]


def mw_total(p, c, alpha, power, alternative):
    za, zb = z_levels(alpha, power, alternative)
    return (za + zb) ** 2 / (12 * c * (1 - c) * (p - 0.5) ** 2)


def mw_power(p, m, n, alpha, alternative):
    za, _ = z_levels(alpha, 0.5, alternative)
    return norm.cdf(math.sqrt(12 * m * n / (m + n)) * directed(p - 0.5, alternative) - za)


def prop_total(px, py, c, alpha, power, alternative):
    za, zb = z_levels(alpha, power, alternative)
    pbar = c * px + (1 - c) * py
    num = za * math.sqrt(pbar * (1 - pbar) / (c * (1 - c))) + zb * math.sqrt(
        px * (1 - px) / c + py * (1 - py) / (1 - c)
    )
    return (num / (px - py)) ** 2


def prop_power(px, py, m, n, alpha, alternative):
    za, _ = z_levels(alpha, 0.5, alternative)
    pbar = (m * px + n * py) / (m + n)
    sd0 = math.sqrt(pbar * (1 - pbar) * (1 / m + 1 / n))
    sd1 = math.sqrt(px * (1 - px) / m + py * (1 - py) / n)
    return norm.cdf((directed(px - py, alternative) - za * sd0) / sd1)


def split(total, c):
    return math.ceil(c * total), math.ceil((1 - c) * total)


def simulate_mw_power(p, m, n, alpha, alternative, reps, rng):
    """Power of scipy's Mann-Whitney test for a normal shift giving P(X > Y) = p."""
    shift = math.sqrt(2) * norm.ppf(p)
    x = rng.standard_normal((reps, m)) + shift
    y = rng.standard_normal((reps, n))
    alt = {"two_sided": "two-sided", "greater": "greater", "less": "less"}[alternative]
    pvalues = stats.mannwhitneyu(x, y, alternative=alt, axis=1, method="asymptotic").pvalue
    return float(np.mean(pvalues <= alpha))


def main():
    rng = np.random.default_rng(20260801)
    alternatives = ["two_sided", "greater", "less"]

    mw_sizes = []
    for p, c, alpha, power, alt in [
        (0.6, 0.05, 0.05, 0.8, "greater"),
        (0.6, 0.5, 0.05, 0.8, "two_sided"),
        (0.7, 0.1, 0.01, 0.9, "two_sided"),
        (0.55, 0.2, 0.05, 0.8, "greater"),
        (0.35, 0.3, 0.1, 0.95, "less"),
        (0.8, 0.01, 0.05, 0.8, "greater"),
        (0.52, 0.05, 0.02, 0.8, "two_sided"),
        (0.3, 0.25, 0.05, 0.9, "two_sided"),
    ]:
        total = mw_total(p, c, alpha, power, alt)
        m, n = split(total, c)
        mw_sizes.append(dict(superiority=p, canary_share=c, alpha=alpha, power=power,
                             alternative=alt, total=total, canary=m, baseline=n))

    # Monte-Carlo check of the formula itself: the simulated power of the real test at the
    # computed sizes is near the target for moderate effects. For large effects (|p - 1/2| >
    # 0.2) Noether's formula, which uses the null variance of U, is conservative: the real
    # power is at least the target.
    simulations = []
    for case in mw_sizes:
        if case["canary"] + case["baseline"] > 4000:
            continue
        sim = simulate_mw_power(case["superiority"], case["canary"], case["baseline"],
                                case["alpha"], case["alternative"], 4000, rng)
        simulations.append(dict(case=case, simulated_power=sim))
        if abs(case["superiority"] - 0.5) <= 0.2:
            assert abs(sim - case["power"]) < 0.04, (case, sim)
        else:
            assert sim > case["power"] - 0.04, (case, sim)

    mw_powers = []
    for p, m, n, alpha, alt in [
        (0.6, 50, 1000, 0.05, "greater"),
        (0.6, 50, 1000, 0.05, "two_sided"),
        (0.45, 200, 200, 0.05, "less"),
        (0.45, 200, 200, 0.05, "greater"),
        (0.9, 7, 13, 0.01, "two_sided"),
    ]:
        mw_powers.append(dict(superiority=p, canary=m, baseline=n, alpha=alpha, alternative=alt,
                              power=mw_power(p, m, n, alpha, alt)))

    mw_detectable = []
    for m, n, alpha, power, alt in [
        (50, 1000, 0.05, 0.8, "greater"),
        (100, 100, 0.05, 0.9, "two_sided"),
        (30, 600, 0.01, 0.8, "less"),
        (2, 3, 0.05, 0.8, "two_sided"),
    ]:
        za, zb = z_levels(alpha, power, alt)
        offset = (za + zb) / math.sqrt(12 * m * n / (m + n))
        value = None
        if offset < 0.5:
            value = optimize.brentq(
                lambda p: mw_power(p, m, n, alpha, alt) - power,
                0.5, 1.0 if alt != "less" else 0.0, xtol=1e-14)
        mw_detectable.append(dict(canary=m, baseline=n, alpha=alpha, power=power,
                                  alternative=alt, superiority=value))

    prop_sizes = []
    for px, py, c, alpha, power, alt in [
        (0.02, 0.01, 0.1, 0.05, 0.8, "greater"),
        (0.02, 0.01, 0.5, 0.05, 0.8, "two_sided"),
        (0.002, 0.001, 0.05, 0.05, 0.8, "greater"),
        (0.15, 0.1, 0.2, 0.01, 0.9, "two_sided"),
        (0.05, 0.1, 0.3, 0.05, 0.8, "less"),
        (0.5, 0.4, 0.25, 0.1, 0.95, "greater"),
    ]:
        total = prop_total(px, py, c, alpha, power, alt)
        m, n = split(total, c)
        prop_sizes.append(dict(canary_rate=px, baseline_rate=py, canary_share=c, alpha=alpha,
                               power=power, alternative=alt, total=total, canary=m, baseline=n))
        # Fleiss' form with the allocation ratio r = n_y / n_x, as printed: n_x = ...
        r = (1 - c) / c
        za, zb = z_levels(alpha, power, alt)
        pbar = (px + r * py) / (1 + r)
        nx = (za * math.sqrt((r + 1) * pbar * (1 - pbar))
              + zb * math.sqrt(r * px * (1 - px) + py * (1 - py))) ** 2 / (r * (px - py) ** 2)
        assert math.isclose(nx, c * total, rel_tol=1e-12), (nx, c * total)

    prop_powers = []
    for px, py, m, n, alpha, alt in [
        (0.02, 0.01, 1000, 9000, 0.05, "greater"),
        (0.02, 0.01, 1000, 9000, 0.05, "two_sided"),
        (0.005, 0.01, 5000, 5000, 0.05, "less"),
        (0.3, 0.2, 40, 60, 0.1, "two_sided"),
    ]:
        prop_powers.append(dict(canary_rate=px, baseline_rate=py, canary=m, baseline=n,
                                alpha=alpha, alternative=alt,
                                power=prop_power(px, py, m, n, alpha, alt)))

    prop_detectable = []
    for py, m, n, alpha, power, alt in [
        (0.01, 1000, 9000, 0.05, 0.8, "greater"),
        (0.001, 500, 9500, 0.05, 0.8, "two_sided"),
        (0.2, 300, 300, 0.05, 0.9, "less"),
        (0.01, 2, 2, 0.05, 0.99, "greater"),
    ]:
        far = 0.0 if alt == "less" else 1.0
        f = lambda px: prop_power(px, py, m, n, alpha, alt) - power  # noqa: E731
        value = optimize.brentq(f, py, far, xtol=1e-15) if f(far) >= 0 else None
        prop_detectable.append(dict(baseline_rate=py, canary=m, baseline=n, alpha=alpha,
                                    power=power, alternative=alt, canary_rate=value))

    normal_shift = []
    for sd, shift in [(1.0, 0.5), (10.0, -3.0), (2.5, 0.0), (0.1, 0.25)]:
        normal_shift.append(dict(sd=sd, shift=shift,
                                 superiority=norm.cdf(shift / (sd * math.sqrt(2)))))

    baseline = np.round(rng.lognormal(3.0, 0.5, 60), 1)  # rounded: ties on purpose
    empirical_shift = []
    for shift in [0.0, 0.7, 2.0, 5.5, -4.0, 100.0]:
        d = baseline[:, None] + shift - baseline[None, :]
        p = (np.sum(d > 0) + 0.5 * np.sum(d == 0)) / d.size
        empirical_shift.append(dict(shift=shift, superiority=float(p)))
    # The smallest shift reaching a target P(X > Y) is a difference of two baseline values.
    diffs = np.unique((baseline[:, None] - baseline[None, :]).ravel())
    empirical_inverse = []
    for target in [0.55, 0.6, 0.75, 0.9]:
        for candidate in diffs:
            d = baseline[:, None] + candidate + 1e-9 - baseline[None, :]
            if (np.sum(d > 0) + 0.5 * np.sum(d == 0)) / d.size >= target:
                empirical_inverse.append(dict(superiority=target, shift=float(candidate)))
                break

    out = dict(
        generator="scripts/gen_power_reference.py (scipy %s)" % __import__("scipy").__version__,
        mann_whitney_sample_size=mw_sizes,
        mann_whitney_simulated=simulations,
        mann_whitney_power=mw_powers,
        mann_whitney_detectable=mw_detectable,
        two_proportions_sample_size=prop_sizes,
        two_proportions_power=prop_powers,
        two_proportions_detectable=prop_detectable,
        normal_shift=normal_shift,
        empirical_baseline=baseline.tolist(),
        empirical_shift=empirical_shift,
        empirical_inverse=empirical_inverse,
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", OUT, "simulated powers:",
          [round(s["simulated_power"], 3) for s in simulations])


if __name__ == "__main__":
    main()
