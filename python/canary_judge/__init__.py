"""canary_judge: statistical canary analysis.

Is the canary (a new version) worse than the baseline (the running one), and how sure are we?
Rank tests with scipy's interface (``mannwhitneyu``), the Hodges-Lehmann shift, power and
minimum-sample rules, error budgets and burn rates, sequential tests that stay valid however
often they are looked at, smoothers for per-tick results, the multi-metric judge and rollout
gate, and a simulator that scores gating policies (``evaluate``), in shards that merge exactly.

Pass the canary as ``x`` and the baseline as ``y``: then ``alternative="greater"`` tests "the
canary is larger" and every effect reads as canary relative to baseline. Every invalid input
raises :class:`CanaryJudgeError`, a subclass of ``ValueError``.
"""

from ._core import (
    BernoulliSprt,
    budget,
    BudgetGate,
    builtin_policies,
    builtin_scenarios,
    burn_factor,
    burn_rate,
    CanaryJudgeError,
    Counter,
    effect_sizes,
    EffectSizes,
    error_budget,
    evaluate,
    evaluation_plots,
    evaluation_report,
    evaluation_table,
    EventCountTest,
    Ewma,
    Gate,
    GateState,
    GroupSizes,
    hodges_lehmann,
    HodgesLehmannResult,
    Hysteresis,
    Judge,
    mann_whitney_detectable_superiority,
    mann_whitney_power,
    mann_whitney_sample_size,
    MannWhitneyPowerRule,
    mannwhitneyu,
    mannwhitneyu_grouped,
    MannWhitneyUResult,
    MeanDifferenceMsprt,
    merge_evaluations,
    MinExpectedEvents,
    MinObservations,
    MultiWindowPolicy,
    NormalSprt,
    PoissonSprt,
    QuantileTest,
    RollingWindow,
    ShiftModel,
    Sufficiency,
    time_to_exhaustion,
    two_proportions_detectable_rate,
    two_proportions_power,
    two_proportions_sample_size,
    TwoProportionsPowerRule,
    TwoSampleSprt,
    __version__,
    Vote,
    wilson_interval,
)

__all__ = [
    # Errors
    "CanaryJudgeError",
    # Rank tests
    "mannwhitneyu",
    "mannwhitneyu_grouped",
    "hodges_lehmann",
    "effect_sizes",
    "MannWhitneyUResult",
    "HodgesLehmannResult",
    "EffectSizes",
    # Power and sample size
    "mann_whitney_sample_size",
    "mann_whitney_power",
    "mann_whitney_detectable_superiority",
    "two_proportions_sample_size",
    "two_proportions_power",
    "two_proportions_detectable_rate",
    "GroupSizes",
    "ShiftModel",
    # Minimum-sample rules
    "MinObservations",
    "MinExpectedEvents",
    "MannWhitneyPowerRule",
    "TwoProportionsPowerRule",
    "Sufficiency",
    # Error budgets and burn rates
    "error_budget",
    "burn_rate",
    "budget",
    "time_to_exhaustion",
    "burn_factor",
    "wilson_interval",
    "MultiWindowPolicy",
    "BudgetGate",
    # Sequential tests
    "BernoulliSprt",
    "PoissonSprt",
    "NormalSprt",
    "TwoSampleSprt",
    "EventCountTest",
    "MeanDifferenceMsprt",
    "QuantileTest",
    # Smoothers
    "Ewma",
    "RollingWindow",
    "Counter",
    "Vote",
    "Hysteresis",
    # Judge and rollout gate
    "Judge",
    "Gate",
    "GateState",
    # Policy simulator
    "builtin_scenarios",
    "builtin_policies",
    "evaluate",
    "merge_evaluations",
    "evaluation_report",
    "evaluation_table",
    "evaluation_plots",
    "__version__",
]
