"""Generate the reference corpus for the IQR outlier fences (Kayenta's outlier removal).

Run from the repository root with a Python that has numpy::

    python scripts/gen_outlier_reference.py

It writes ``tests/data/outlier_reference.json``, which ``tests/reference_outliers.rs`` reads.
The output is deterministic (fixed seed); the versions of Python and numpy are recorded in it.

Per data set and per (factor, rule):

* ``p1, q1, q3, p99``: ``numpy.percentile(values, [1, 25, 75, 99])`` with numpy's default
  ``method="linear"`` (Hyndman & Fan type 7, as R's default and Kayenta's
  ``DescriptiveStatistics.percentile``);
* ``lower, upper``: Tukey's fences ``q1 - factor * (q3 - q1)`` and ``q3 + factor * (q3 - q1)``,
  and for the ``widened`` rule (Kayenta's ``IQRDetector(factor, reduceSensitivity = true)``)
  ``min(p1, tukey_lower)`` and ``max(p99, tukey_upper)``;
* ``outliers``: the indices of the values below ``lower`` or above ``upper``.

Data are rounded to 6 significant digits (or are small integers), so the numbers stored in the
JSON are exactly the data both sides read.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT_PATH = ROOT / "tests" / "data" / "outlier_reference.json"

FACTORS = (0.0, 0.5, 1.5, 3.0, 10.0)
RULES = ("widened", "tukey")


def round_sig(values, digits: int = 6) -> list[float]:
    return [float(f"{v:.{digits - 1}e}") for v in values]


def datasets() -> list[dict]:
    rng = np.random.default_rng(6278)
    out: list[dict] = []

    def add(name, values):
        out.append({"name": name, "values": [float(v) for v in values]})

    for size in (1, 2, 3, 4, 5, 10, 37, 100, 1000):
        add(f"normal/{size}", round_sig(rng.normal(0.0, 1.0, size)))
    for size in (20, 120, 600):
        latencies = np.exp(rng.normal(4.6, 0.3, size))
        spikes = rng.choice(size, max(1, size // 40), replace=False)
        latencies[spikes] *= rng.uniform(5, 40, spikes.size)
        add(f"latencies_with_spikes/{size}", round_sig(latencies))
    add("pareto_tail/300", round_sig(rng.pareto(1.5, 300) * 50 + 10))
    add("negative_and_positive/80", round_sig(rng.standard_t(2, 80) * 1e3))
    add("integer_ties/60", [float(v) for v in rng.integers(0, 6, 60)])
    add("dense_tail", [10.0] * 90 + [float(v) for v in range(20, 30)])
    add("constant/15", [42.0] * 15)
    add("one_far_value", [1.0] * 49 + [1e6])
    add("tiny_scale/50", round_sig(rng.normal(1e-9, 1e-12, 50)))
    return out


def fences(values: list[float], factor: float, rule: str) -> dict:
    v = np.array(values)
    p1, q1, q3, p99 = (float(p) for p in np.percentile(v, [1, 25, 75, 99]))
    iqr = q3 - q1
    lower, upper = q1 - factor * iqr, q3 + factor * iqr
    if rule == "widened":
        lower, upper = min(p1, lower), max(p99, upper)
    outliers = [i for i, x in enumerate(values) if x < lower or x > upper]
    return {"factor": factor, "rule": rule, "p1": p1, "q1": q1, "q3": q3, "p99": p99,
            "lower": lower, "upper": upper, "outliers": outliers}


def main() -> None:
    data = datasets()
    for ds in data:
        ds["results"] = [fences(ds["values"], f, r) for f in FACTORS for r in RULES]
    payload = {
        "generator": "scripts/gen_outlier_reference.py",
        "versions": {"python": platform.python_version(), "numpy": np.__version__},
        "datasets": data,
    }
    OUT_PATH.parent.mkdir(parents=True, exist_ok=True)
    with OUT_PATH.open("w") as f:
        json.dump(payload, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    cases = sum(len(ds["results"]) for ds in data)
    removed = sum(len(r["outliers"]) for ds in data for r in ds["results"])
    print(f"numpy {np.__version__}: {len(data)} data sets, {cases} cases, {removed} outliers "
          f"flagged, written to {OUT_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
