"""The market approach: what comparable deals were worth.

Each comparable's value may be adjusted for differences from the subject
(a multiplier, e.g. 0.8 for a smaller market) and for stage: a deal signed
at another stage is scaled by the ratio of the subject's probability of
reaching market to the comparable's,

    adjusted = value x adjustment x (subject probability / deal probability),

so that a Phase III deal does not price a preclinical asset. The indicated
value is the weighted median of the adjusted values; the spread shows how
far the comparables agree.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from .errors import EngineInputError


@dataclass(frozen=True)
class Comparable:
    name: str
    value: float
    adjustment: float = 1.0
    probability_of_success: float | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class AdjustedComparable:
    name: str
    value: float
    adjusted_value: float
    weight: float


@dataclass
class MarketApproachResult:
    value: float
    count: int
    mean: float
    weighted_mean: float
    p25: float
    p75: float
    low: float
    high: float
    comparables: list[AdjustedComparable] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The value at which half of the weight lies on either side (the mean
    of the two middle values when the weight splits exactly between them)."""
    order = np.argsort(values, kind="stable")
    values, weights = values[order], weights[order]
    cumulative = np.cumsum(weights)
    half = cumulative[-1] / 2.0
    index = int(np.searchsorted(cumulative, half, side="left"))
    if math.isclose(cumulative[index], half) and index + 1 < values.size:
        return float((values[index] + values[index + 1]) / 2.0)
    return float(values[index])


def market_approach(
    *, comparables: tuple[Comparable, ...], subject_probability_of_success: float | None = None
) -> MarketApproachResult:
    if not comparables:
        raise EngineInputError("comparables", "Give at least one comparable deal.")
    subject = subject_probability_of_success
    if subject is not None and not (math.isfinite(subject) and 0.0 < subject <= 1.0):
        raise EngineInputError("subject_probability_of_success", "Between 0 (excluded) and 1.")
    adjusted = []
    for index, deal in enumerate(comparables):
        prefix = f"comparables.{index}"
        if not (math.isfinite(deal.value) and deal.value >= 0):
            raise EngineInputError(f"{prefix}.value", "Must be a number, zero or more.")
        if not (math.isfinite(deal.adjustment) and deal.adjustment >= 0):
            raise EngineInputError(f"{prefix}.adjustment", "A multiplier, zero or more.")
        if not (math.isfinite(deal.weight) and deal.weight > 0):
            raise EngineInputError(f"{prefix}.weight", "A weight is above zero.")
        factor = deal.adjustment
        if subject is not None:
            own = deal.probability_of_success
            if own is None or not (math.isfinite(own) and 0.0 < own <= 1.0):
                raise EngineInputError(
                    f"{prefix}.probability_of_success",
                    "Needed, between 0 (excluded) and 1, to adjust for stage.",
                )
            factor *= subject / own
        adjusted.append(
            AdjustedComparable(
                name=deal.name,
                value=deal.value,
                adjusted_value=deal.value * factor,
                weight=deal.weight,
            )
        )
    values = np.array([a.adjusted_value for a in adjusted])
    weights = np.array([a.weight for a in adjusted])
    p25, p75 = np.percentile(values, [25, 75])
    return MarketApproachResult(
        value=weighted_median(values, weights),
        count=len(adjusted),
        mean=float(values.mean()),
        weighted_mean=float(values @ weights / weights.sum()),
        p25=float(p25),
        p75=float(p75),
        low=float(values.min()),
        high=float(values.max()),
        comparables=adjusted,
    )
