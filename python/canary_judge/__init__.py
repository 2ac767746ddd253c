"""canary_judge: statistical canary analysis.

Is the canary (a new version) worse than the baseline (the running one), and how sure are we?
Rank tests with scipy's interface (``mannwhitneyu``), the Hodges-Lehmann shift, power and
minimum-sample rules, error budgets and burn rates, sequential tests that stay valid however
often they are looked at, and smoothers for per-tick results.

Pass the canary as ``x`` and the baseline as ``y``: then ``alternative="greater"`` tests "the
canary is larger" and every effect reads as canary relative to baseline. Every invalid input
raises :class:`CanaryJudgeError`, a subclass of ``ValueError``.
"""

from ._core import (
    CanaryJudgeError,
    EffectSizes,
    HodgesLehmannResult,
    MannWhitneyUResult,
    __version__,
    effect_sizes,
    hodges_lehmann,
    mannwhitneyu,
    mannwhitneyu_grouped,
)

__all__ = [
    "CanaryJudgeError",
    "EffectSizes",
    "HodgesLehmannResult",
    "MannWhitneyUResult",
    "__version__",
    "effect_sizes",
    "hodges_lehmann",
    "mannwhitneyu",
    "mannwhitneyu_grouped",
]
