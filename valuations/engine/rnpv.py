"""Risk-adjusted net present value (rNPV) of a development asset.

Conventions (docs/valuation.md explains them with an example):

- years are numbered from 1; the development phases run back to back from
  year 1, each over a whole number of years;
- a phase's cost is spread evenly over its years and weighted by the
  probability of reaching the phase (the product of the success
  probabilities of the phases before it);
- launch is the year after the last phase (later by ``launch_delay`` years
  when one is given); sales follow the ramp, then the plateau at peak sales
  until exclusivity ends, then the erosion shares; nothing after that;
- a commercial year's cash flow is its operating profit,
  sales x (1 - cogs_rate - opex_rate), less tax on it when it is positive;
  development costs are not tax-effected;
- commercial cash flows are weighted by the product of all phases' success
  probabilities;
- the cash flow of year t is discounted by (1 + r)^t, or (1 + r)^(t - 0.5)
  with mid-year timing.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from functools import cached_property

import numpy as np

from .errors import EngineInputError
from .timing import Timing, check_rate, timing_shift

# A valuation over more years than this is a typing error, not a forecast.
MAX_HORIZON_YEARS = 200


@dataclass(frozen=True)
class Phase:
    """One development phase: its duration in whole years, its total cost
    and the probability that a project entering it passes it."""

    name: str
    years: int
    cost: float
    success_probability: float


@dataclass(frozen=True)
class Commercial:
    """The product on the market, as shares of peak sales per year after
    launch: ``ramp`` years, then ``plateau_years`` at peak (exclusivity ends
    after them), then ``erosion`` years."""

    peak_sales: float
    ramp: tuple[float, ...] = ()
    plateau_years: int = 0
    erosion: tuple[float, ...] = ()
    cogs_rate: float = 0.0
    opex_rate: float = 0.0
    tax_rate: float = 0.0
    launch_delay: int = 0

    @property
    def shape(self) -> np.ndarray:
        """Share of peak sales in each year from launch."""
        return np.array(
            [*self.ramp, *([1.0] * self.plateau_years), *self.erosion], dtype=np.float64
        )

    @property
    def exclusivity_years(self) -> int:
        """Years from launch to the end of the plateau."""
        return len(self.ramp) + self.plateau_years

    @property
    def operating_margin(self) -> float:
        return 1.0 - self.cogs_rate - self.opex_rate

    @property
    def after_tax_margin(self) -> float:
        """Cash flow per unit of sales. Sales are never negative, so a
        year's profit has the sign of the margin, and tax applies exactly
        when the margin is positive."""
        margin = self.operating_margin
        return margin * (1.0 - self.tax_rate) if margin > 0 else margin


@dataclass(frozen=True)
class Asset:
    """What is valued: the phases ahead, the market after them and the
    discount rate."""

    phases: tuple[Phase, ...]
    commercial: Commercial
    discount_rate: float
    timing: Timing = Timing.END_OF_YEAR

    def __post_init__(self):
        validate_asset(self)

    @cached_property
    def schedule(self) -> Schedule:
        return Schedule.of(self)


def _check_probability(field_name: str, value: float) -> None:
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise EngineInputError(field_name, "A probability lies between 0 and 1.")


def _check_non_negative(field_name: str, value: float) -> None:
    if not (math.isfinite(value) and value >= 0.0):
        raise EngineInputError(field_name, "Must be a finite number, zero or more.")


def _check_whole_years(field_name: str, value, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise EngineInputError(field_name, f"Must be a whole number of years, {minimum} or more.")


def validate_asset(asset: Asset) -> None:
    """Refuse what the conventions cannot value, naming the input."""
    check_rate("discount_rate", asset.discount_rate)
    Timing(asset.timing)
    names = set()
    for index, phase in enumerate(asset.phases):
        prefix = f"phases.{index}"
        if not phase.name:
            raise EngineInputError(f"{prefix}.name", "A phase has a name.")
        if phase.name in names:
            raise EngineInputError(f"{prefix}.name", "Phase names are unique.")
        names.add(phase.name)
        _check_whole_years(f"{prefix}.years", phase.years, 1)
        _check_non_negative(f"{prefix}.cost", phase.cost)
        _check_probability(f"{prefix}.success_probability", phase.success_probability)
    commercial = asset.commercial
    _check_non_negative("commercial.peak_sales", commercial.peak_sales)
    for key in ("ramp", "erosion"):
        for index, share in enumerate(getattr(commercial, key)):
            _check_non_negative(f"commercial.{key}.{index}", share)
    _check_whole_years("commercial.plateau_years", commercial.plateau_years, 0)
    _check_whole_years("commercial.launch_delay", commercial.launch_delay, 0)
    for key in ("cogs_rate", "opex_rate", "tax_rate"):
        _check_probability(f"commercial.{key}", getattr(commercial, key))
    horizon = sum(p.years for p in asset.phases) + commercial.launch_delay + len(commercial.shape)
    if horizon > MAX_HORIZON_YEARS:
        raise EngineInputError("phases", f"A valuation spans at most {MAX_HORIZON_YEARS} years.")


@dataclass(frozen=True)
class Schedule:
    """The asset laid out year by year (index 0 is year 1). Unweighted and
    undiscounted arrays, plus the probability and discount factor of each
    year; everything else derives from these."""

    years: np.ndarray
    phase_index: np.ndarray  # phase of each development year, -1 afterwards
    phase_end_year: np.ndarray  # last year of each phase
    reach_probability: np.ndarray  # probability of reaching each phase
    market_probability: float
    development_cost: np.ndarray
    sales: np.ndarray
    commercial_cash_flow: np.ndarray
    probability: np.ndarray
    discount_factor: np.ndarray
    launch_year: int

    @classmethod
    def of(cls, asset: Asset) -> Schedule:
        phases = asset.phases
        commercial = asset.commercial
        success = np.array([p.success_probability for p in phases], dtype=np.float64)
        reach = np.concatenate(([1.0], np.cumprod(success)))
        market_probability = float(reach[-1])
        development_years = sum(p.years for p in phases)
        launch_year = development_years + commercial.launch_delay + 1
        shape = commercial.shape
        horizon = launch_year - 1 + len(shape)
        years = np.arange(1, horizon + 1)

        phase_index = np.full(horizon, -1, dtype=np.int64)
        development_cost = np.zeros(horizon)
        phase_end_year = np.zeros(len(phases), dtype=np.int64)
        start = 0
        for index, phase in enumerate(phases):
            phase_index[start : start + phase.years] = index
            development_cost[start : start + phase.years] = phase.cost / phase.years
            start += phase.years
            phase_end_year[index] = start

        sales = np.zeros(horizon)
        sales[launch_year - 1 :] = commercial.peak_sales * shape
        commercial_cash_flow = sales * commercial.after_tax_margin
        probability = np.where(
            phase_index >= 0, reach[np.maximum(phase_index, 0)], market_probability
        )
        rate = asset.discount_rate
        discount_factor = (1.0 + rate) ** -(years - timing_shift(asset.timing))
        return cls(
            years=years,
            phase_index=phase_index,
            phase_end_year=phase_end_year,
            reach_probability=reach,
            market_probability=market_probability,
            development_cost=development_cost,
            sales=sales,
            commercial_cash_flow=commercial_cash_flow,
            probability=probability,
            discount_factor=discount_factor,
            launch_year=launch_year,
        )

    @property
    def cash_flow(self) -> np.ndarray:
        return self.commercial_cash_flow - self.development_cost

    def phase_cost_pv(self) -> np.ndarray:
        """Present value of each phase's cost, as if the phase is reached."""
        n = len(self.phase_end_year)
        pv = self.development_cost * self.discount_factor
        if n == 0:
            return np.zeros(0)
        development = self.phase_index >= 0
        return np.bincount(self.phase_index[development], weights=pv[development], minlength=n)

    def risk_adjusted_npv(self) -> float:
        return float((self.cash_flow * self.discount_factor) @ self.probability)

    def commercial_pv(self) -> float:
        """Present value of the commercial cash flows, as if on the market."""
        return float(self.commercial_cash_flow @ self.discount_factor)

    def discount_factor_of(self, year: int) -> float:
        return float(self.discount_factor[year - 1]) if year >= 1 else 1.0


@dataclass(frozen=True)
class YearRow:
    year: int
    probability: float
    development_cost: float
    sales: float
    cash_flow: float
    discount_factor: float
    present_value: float
    risk_adjusted_present_value: float


@dataclass
class RnpvResult:
    npv: float
    rnpv: float
    cumulative_probability: float
    launch_year: int
    years: list[YearRow] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def rnpv(asset: Asset) -> RnpvResult:
    """NPV as if every phase succeeds, and the risk-adjusted NPV."""
    schedule = asset.schedule
    cash_flow = schedule.cash_flow
    present_value = cash_flow * schedule.discount_factor
    risk_adjusted = present_value * schedule.probability
    rows = [
        YearRow(*row)
        for row in zip(
            schedule.years.tolist(),
            schedule.probability.tolist(),
            schedule.development_cost.tolist(),
            schedule.sales.tolist(),
            cash_flow.tolist(),
            schedule.discount_factor.tolist(),
            present_value.tolist(),
            risk_adjusted.tolist(),
            strict=True,
        )
    ]
    return RnpvResult(
        npv=float(present_value.sum()),
        rnpv=float(risk_adjusted.sum()),
        cumulative_probability=schedule.market_probability,
        launch_year=schedule.launch_year,
        years=rows,
    )
