"""Type stubs of the native core, canary_judge._core (written by hand; checked by stubtest)."""

from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from typing import Any, Literal, SupportsIndex, Union, final, overload

import numpy.typing as npt
from typing_extensions import Self

__all__ = [
    "BernoulliSprt",
    "BudgetGate",
    "CanaryJudgeError",
    "Counter",
    "EffectSizes",
    "EventCountTest",
    "Ewma",
    "Gate",
    "GateState",
    "GroupSizes",
    "HodgesLehmannResult",
    "Hysteresis",
    "Judge",
    "MannWhitneyPowerRule",
    "MannWhitneyUResult",
    "MeanDifferenceMsprt",
    "MinExpectedEvents",
    "MinObservations",
    "MultiWindowPolicy",
    "NormalSprt",
    "PoissonSprt",
    "QuantileTest",
    "RollingWindow",
    "ShiftModel",
    "Sufficiency",
    "TwoProportionsPowerRule",
    "TwoSampleSprt",
    "Vote",
    "budget",
    "builtin_policies",
    "builtin_scenarios",
    "burn_factor",
    "burn_rate",
    "effect_sizes",
    "error_budget",
    "evaluate",
    "evaluation_plots",
    "evaluation_report",
    "evaluation_table",
    "hodges_lehmann",
    "mann_whitney_detectable_superiority",
    "mann_whitney_power",
    "mann_whitney_sample_size",
    "mannwhitneyu",
    "mannwhitneyu_grouped",
    "merge_evaluations",
    "time_to_exhaustion",
    "two_proportions_detectable_rate",
    "two_proportions_power",
    "two_proportions_sample_size",
    "wilson_interval",
    "__version__",
]

__version__: str

#: A 1-D sample: a float64 array is read in place, any other array or sequence is converted.
_Sample = Union[npt.NDArray[Any], Sequence[float]]
#: Histogram counts: nonnegative whole numbers.
_Counts = Union[npt.NDArray[Any], Sequence[int], Sequence[float]]
_Alternative = Literal["two-sided", "less", "greater"]
#: _Seconds, or a timedelta.
_Seconds = Union[float, timedelta]
#: A target, share or factor: a number (read by its shortest decimal) or text ("99.9%", "72/5").
_Exact = Union[float, str]
_Decision = Literal["continue", "reject", "accept"]
_Level = Literal["clear", "breached"]

class CanaryJudgeError(ValueError): ...

# Rank tests

@final
class MannWhitneyUResult:
    @property
    def statistic(self) -> float: ...
    @property
    def pvalue(self) -> float: ...
    @property
    def method(self) -> Literal["exact", "exact_conditional", "asymptotic", "none"]: ...
    @property
    def alternative(self) -> _Alternative: ...
    @property
    def use_continuity(self) -> bool: ...
    @property
    def zscore(self) -> float | None: ...
    @property
    def n_x(self) -> int: ...
    @property
    def n_y(self) -> int: ...
    @property
    def statistic_y(self) -> float: ...
    @property
    def probability_of_superiority(self) -> float: ...
    @property
    def rank_biserial(self) -> float: ...
    @property
    def tied_values(self) -> int: ...
    @property
    def tied_observations(self) -> int: ...
    @property
    def tie_term(self) -> float: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[float]: ...
    @overload
    def __getitem__(self, index: SupportsIndex, /) -> float: ...
    @overload
    def __getitem__(self, index: slice, /) -> tuple[float, ...]: ...

def mannwhitneyu(
    x: _Sample,
    y: _Sample,
    use_continuity: bool = True,
    alternative: _Alternative = "two-sided",
    axis: int | None = 0,
    method: Literal["auto", "asymptotic", "exact", "exact_conditional", "exact_if_cheap"] = "auto",
    *,
    nan_policy: Literal["propagate", "raise", "omit"] = "propagate",
) -> MannWhitneyUResult: ...
def mannwhitneyu_grouped(
    x_counts: _Counts,
    y_counts: _Counts,
    use_continuity: bool = True,
    alternative: _Alternative = "two-sided",
    method: Literal["auto", "asymptotic", "exact", "exact_conditional", "exact_if_cheap"] = "auto",
) -> MannWhitneyUResult: ...
@final
class HodgesLehmannResult:
    @property
    def estimate(self) -> float: ...
    @property
    def low(self) -> float: ...
    @property
    def high(self) -> float: ...
    @property
    def confidence(self) -> float: ...
    @property
    def achieved_confidence(self) -> float: ...
    @property
    def method(self) -> Literal["exact", "asymptotic"]: ...
    @property
    def n_x(self) -> int: ...
    @property
    def n_y(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...

def hodges_lehmann(
    x: _Sample,
    y: _Sample,
    confidence: float = 0.95,
    method: Literal["auto", "exact", "asymptotic"] = "auto",
    *,
    nan_policy: Literal["raise", "omit"] = "raise",
) -> HodgesLehmannResult: ...
@final
class EffectSizes:
    @property
    def probability_of_superiority(self) -> float: ...
    @property
    def rank_biserial(self) -> float: ...
    @property
    def ratio_of_means(self) -> float | None: ...
    @property
    def ratio_of_medians(self) -> float | None: ...
    @property
    def shift(self) -> float: ...
    @property
    def relative_shift(self) -> float | None: ...
    def to_dict(self) -> dict[str, Any]: ...

def effect_sizes(
    x: _Sample, y: _Sample, *, nan_policy: Literal["raise", "omit"] = "raise"
) -> EffectSizes: ...

# Power and sample size

@final
class GroupSizes:
    @property
    def canary(self) -> int: ...
    @property
    def baseline(self) -> int: ...
    @property
    def total(self) -> int: ...
    def to_dict(self) -> dict[str, Any]: ...

def mann_whitney_sample_size(
    superiority: float,
    canary_share: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: _Alternative = "two-sided",
) -> GroupSizes: ...
def mann_whitney_power(
    superiority: float,
    canary: int,
    baseline: int,
    *,
    alpha: float = 0.05,
    alternative: _Alternative = "two-sided",
) -> float: ...
def mann_whitney_detectable_superiority(
    canary: int,
    baseline: int,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: _Alternative = "two-sided",
) -> float | None: ...
def two_proportions_sample_size(
    canary_rate: float,
    baseline_rate: float,
    canary_share: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: _Alternative = "two-sided",
) -> GroupSizes: ...
def two_proportions_power(
    canary_rate: float,
    baseline_rate: float,
    canary: int,
    baseline: int,
    *,
    alpha: float = 0.05,
    alternative: _Alternative = "two-sided",
) -> float: ...
def two_proportions_detectable_rate(
    baseline_rate: float,
    canary: int,
    baseline: int,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: _Alternative = "two-sided",
) -> float | None: ...
@final
class ShiftModel:
    @staticmethod
    def normal(sd: float) -> ShiftModel: ...
    @staticmethod
    def empirical(
        baseline: _Sample, *, nan_policy: Literal["raise", "omit"] = "raise"
    ) -> ShiftModel: ...
    def superiority(self, shift: float) -> float: ...
    def shift_for_superiority(self, superiority: float) -> float: ...

# Minimum-sample rules

@final
class Sufficiency:
    @property
    def enough(self) -> bool: ...
    @property
    def more_canary(self) -> int | None: ...
    @property
    def more_baseline(self) -> int | None: ...
    @property
    def eta_seconds(self) -> float | None: ...
    @property
    def reason(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

class _Persisted:
    """Stateful classes: JSON state, pickling, and a repr that rebuilds the object."""

    def to_json(self) -> str: ...
    @classmethod
    def from_json(cls, state: str) -> Self: ...
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

class _SampleRule(_Persisted):
    def check(
        self,
        canary: int,
        baseline: int,
        *,
        baseline_events: int = 0,
        rates: tuple[float, float] | None = None,
    ) -> Sufficiency: ...

@final
class MinObservations(_SampleRule):
    def __new__(
        cls, canary: int, baseline: int) -> Self: ...

@final
class MinExpectedEvents(_SampleRule):
    def __new__(
        cls, events: float, reference: float | None = None) -> Self: ...

@final
class MannWhitneyPowerRule(_SampleRule):
    def __new__(
        cls,
        superiority: float,
        canary_share: float,
        *,
        alpha: float = 0.05,
        power: float = 0.8,
        alternative: _Alternative = "two-sided",
    ) -> Self: ...

@final
class TwoProportionsPowerRule(_SampleRule):
    def __new__(
        cls,
        canary_rate: float,
        baseline_rate: float,
        canary_share: float,
        *,
        alpha: float = 0.05,
        power: float = 0.8,
        alternative: _Alternative = "two-sided",
    ) -> Self: ...

# Error budgets and burn rates

def error_budget(objective: _Exact) -> float: ...
def burn_rate(objective: _Exact, bad: int, total: int) -> float | None: ...
def budget(objective: _Exact, bad: int, total: int) -> dict[str, Any]: ...
def time_to_exhaustion(
    objective: _Exact, period: _Seconds, remaining: float, burn_rate: float
) -> float: ...
def burn_factor(budget_share: _Exact, window: _Seconds, period: _Seconds) -> float: ...
def wilson_interval(
    bad: int, total: int, confidence: float = 0.95
) -> tuple[float, float] | None: ...
@final
class MultiWindowPolicy(_Persisted):
    def __new__(
        cls,
        objective: _Exact,
        period: _Seconds,
        tiers: Sequence[Mapping[str, Any]],
        *,
        min_budget_events: int = 1,
        wilson_confidence: float | None = None,
    ) -> Self: ...
    @classmethod
    def workbook(
        cls,
        objective: _Exact,
        period: _Seconds = 2592000.0,
        *,
        min_budget_events: int = 1,
        wilson_confidence: float | None = None,
    ) -> MultiWindowPolicy: ...
    @property
    def tiers(self) -> list[dict[str, Any]]: ...
    def evaluate(self, windows: Mapping[Any, tuple[int, int]]) -> dict[str, Any]: ...

@final
class BudgetGate(_Persisted):
    def __new__(
        cls, allow_from: _Exact = 0.5, freeze_below: _Exact = 0.2) -> Self: ...
    @classmethod
    def exhaustion_only(cls) -> BudgetGate: ...
    def decide(self, objective: _Exact, bad: int, total: int) -> dict[str, Any]: ...

# Sequential tests

class _SequentialTest(_Persisted):
    @property
    def decision(self) -> _Decision: ...
    @property
    def pvalue(self) -> float: ...
    @property
    def log_statistic(self) -> float: ...
    @property
    def interval(self) -> tuple[float, float] | None: ...
    @property
    def observations(self) -> int: ...

class _Sprt(_SequentialTest):
    @property
    def log_upper_boundary(self) -> float: ...
    @property
    def log_lower_boundary(self) -> float: ...

@final
class BernoulliSprt(_Sprt):
    def __new__(
        cls, p0: float, p1: float, *, alpha: float = 0.05, beta: float = 0.2) -> Self: ...
    def update(self, errors: int, requests: int) -> _Decision: ...
    def wald_approximation(self) -> dict[str, Any]: ...
    def decision_lines(self) -> dict[str, float]: ...

@final
class PoissonSprt(_Sprt):
    def __new__(
        cls, rate0: float, rate1: float, *, alpha: float = 0.05, beta: float = 0.2
    ) -> Self: ...
    def update(self, events: int, exposure: float) -> _Decision: ...
    def wald_approximation(self) -> dict[str, Any]: ...
    def decision_lines(self) -> dict[str, float]: ...

@final
class NormalSprt(_Sprt):
    def __new__(
        cls, mean0: float, mean1: float, sd: float, *, alpha: float = 0.05, beta: float = 0.2
    ) -> Self: ...
    def update(self, values: float | _Sample) -> _Decision: ...
    def wald_approximation(self) -> dict[str, Any]: ...

@final
class TwoSampleSprt(_Sprt):
    def __new__(
        cls, r0: float = 1.0, r1: float = 2.0, *, alpha: float = 0.05, beta: float = 0.2
    ) -> Self: ...
    def update(self, canary: int, baseline: int, canary_share: float) -> _Decision: ...
    def at_fixed_share(self, canary_share: float) -> BernoulliSprt: ...

@final
class EventCountTest(_SequentialTest):
    def __new__(
        cls,
        canary_share: float,
        *,
        alpha: float = 0.05,
        alternative: _Alternative = "greater",
        concentration: float = 100.0,
    ) -> Self: ...
    def update(self, canary: int, baseline: int) -> _Decision: ...
    @property
    def canary_share(self) -> float: ...
    def set_canary_share(self, canary_share: float) -> None: ...
    @property
    def counts(self) -> tuple[int, int]: ...
    @property
    def rate_ratio(self) -> float | None: ...

@final
class MeanDifferenceMsprt(_SequentialTest):
    def __new__(
        cls,
        mixing_variance: float,
        *,
        variance: tuple[float, float] | None = None,
        min_per_arm: int = 2,
        alpha: float = 0.05,
        alternative: _Alternative = "two-sided",
        null_difference: float = 0.0,
    ) -> Self: ...
    def update(
        self, *, canary: float | _Sample | None = None, baseline: float | _Sample | None = None
    ) -> _Decision: ...
    @property
    def estimate(self) -> float | None: ...
    @property
    def variance_of_difference(self) -> float | None: ...

@final
class QuantileTest(_SequentialTest):
    def __new__(
        cls,
        *,
        alpha: float = 0.05,
        quantiles: Sequence[float] = ...,
        alternative: _Alternative = "greater",
        catch_all: bool = True,
        t_min: float = 1.0,
    ) -> Self: ...
    def update(
        self, *, baseline: _Sample | None = None, canary: _Sample | None = None
    ) -> _Decision: ...
    @property
    def baseline_count(self) -> int: ...
    @property
    def canary_count(self) -> int: ...
    def bands(self) -> list[dict[str, Any]]: ...
    def catch_all_band(self, p: float) -> dict[str, Any] | None: ...

# Smoothers

@final
class Ewma(_Persisted):
    def __new__(
        cls, weight: float) -> Self: ...
    def update(self, value: float | None) -> float | None: ...
    @property
    def value(self) -> float | None: ...

@final
class RollingWindow(_Persisted):
    def __new__(
        cls, length: int, statistic: Literal["mean", "median"] | float = "mean"
    ) -> Self: ...
    def update(self, value: float | None) -> float | None: ...
    @property
    def values(self) -> list[float]: ...

@final
class Counter(_Persisted):
    def __new__(
        cls,
        rule: Literal[
            "failure_limit",
            "inconclusive_limit",
            "consecutive_error_limit",
            "consecutive_success_limit",
            "consecutive_failures",
            "failed_checks_threshold",
        ],
        limit: int,
        *,
        no_data: Literal["skip", "count_as_failure"] = "skip",
    ) -> Self: ...
    def update(
        self, outcome: Literal["pass", "fail", "inconclusive", "error", "no_data"]
    ) -> Literal["continue", "fail", "inconclusive", "error", "succeed"]: ...
    @property
    def count(self) -> int: ...
    @property
    def signal(self) -> Literal["continue", "fail", "inconclusive", "error", "succeed"]: ...

@final
class Vote(_Persisted):
    def __new__(
        cls, k: int, n: int, *, no_data: Literal["skip", "count_as_failure"] = "skip"
    ) -> Self: ...
    def update(self, breached: bool | None) -> _Level: ...
    @property
    def breaches(self) -> int: ...

@final
class Hysteresis(_Persisted):
    def __new__(
        cls, enter: float, exit: float) -> Self: ...
    def update(self, value: float | None) -> _Level: ...
    @property
    def level(self) -> _Level: ...

@final
class Judge:
    """Many metrics in, one explained verdict out (see docs/verdict-json.md)."""

    @staticmethod
    def from_dict(config: Mapping[str, Any]) -> Judge: ...
    @staticmethod
    def from_json(config: str) -> Judge: ...
    @staticmethod
    def from_toml(config: str) -> Judge: ...
    def config(self) -> dict[str, Any]: ...
    def judge(self, observations: Mapping[str, Any]) -> dict[str, Any]: ...
    def judge_json(self, observations: str) -> str: ...
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

@final
class GateState(_Persisted):
    @property
    def stage(self) -> int: ...
    @property
    def status(self) -> Literal["running", "rolled_back", "finished"]: ...
    @property
    def ticks(self) -> int: ...

@final
class Gate:
    """A staged rollout gate: promote, continue, rollback or finished at each tick."""

    @staticmethod
    def from_dict(config: Mapping[str, Any]) -> Gate: ...
    @staticmethod
    def from_json(config: str) -> Gate: ...
    @staticmethod
    def from_toml(config: str) -> Gate: ...
    def config(self) -> dict[str, Any]: ...
    def start(self) -> GateState: ...
    def step(self, state: GateState, now: int, observations: Mapping[str, Any]) -> dict[str, Any]: ...
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

# Policy simulator

#: A scenario or policy: a built-in's name, a configuration dict, or its JSON or TOML text.
_Config = Union[str, Mapping[str, Any]]

def builtin_scenarios() -> list[dict[str, Any]]:
    """The built-in scenarios' configurations."""

def builtin_policies() -> list[dict[str, Any]]:
    """The built-in policies' configurations."""

def evaluate(
    scenarios: Sequence[_Config] | None = None,
    policies: Sequence[_Config] | None = None,
    rollouts: int = 100,
    first_rollout: int = 0,
    seed: int = 0,
    threads: int | None = None,
) -> dict[str, Any]:
    """Rollouts first_rollout .. first_rollout + rollouts of every scenario under every policy:
    the run's exact counts, mergeable with other shards of the run."""

def merge_evaluations(evaluations: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The exact merge of shards of one run."""

def evaluation_report(evaluation: Mapping[str, Any]) -> dict[str, Any]:
    """Rates with 95 % intervals, times and traffic, per policy and per scenario and policy."""

def evaluation_table(evaluation: Mapping[str, Any]) -> str:
    """The report as a text table."""

def evaluation_plots(evaluation: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The plots as SVG documents: (file name, SVG) pairs."""
