"""The cost approach: what it would cost to recreate the R&D to date, less
obsolescence.

Each cost is restated in today's money with a cost inflation rate over the
years since it was spent (reproduction cost), a developer's profit may be
added (replacement cost), and the three kinds of obsolescence of valuation
standards reduce it one after the other:

    value = sum(amount x (1 + inflation)^years_ago) x (1 + developer_profit)
            x (1 - functional) x (1 - technological) x (1 - economic)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from .errors import EngineInputError


@dataclass(frozen=True)
class CostItem:
    amount: float
    years_ago: float = 0.0
    label: str = ""


@dataclass
class CostApproachResult:
    historical_cost: float
    reproduction_cost: float
    replacement_cost: float
    remaining_fraction: float
    value: float

    def to_dict(self) -> dict:
        return asdict(self)


def cost_approach(
    *,
    costs: tuple[CostItem, ...],
    inflation_rate: float = 0.0,
    developer_profit_rate: float = 0.0,
    functional_obsolescence: float = 0.0,
    technological_obsolescence: float = 0.0,
    economic_obsolescence: float = 0.0,
) -> CostApproachResult:
    if not costs:
        raise EngineInputError("costs", "Give at least one cost.")
    for index, item in enumerate(costs):
        if not (math.isfinite(item.amount) and item.amount >= 0):
            raise EngineInputError(f"costs.{index}.amount", "Must be a number, zero or more.")
        if not (math.isfinite(item.years_ago) and 0 <= item.years_ago <= 100):
            raise EngineInputError(f"costs.{index}.years_ago", "Between 0 and 100 years.")
    if not (math.isfinite(inflation_rate) and -0.5 < inflation_rate <= 1.0):
        raise EngineInputError("inflation_rate", "Between -0.5 and 1.")
    if not (math.isfinite(developer_profit_rate) and 0.0 <= developer_profit_rate <= 10.0):
        raise EngineInputError("developer_profit_rate", "Between 0 and 10.")
    remaining = 1.0
    for name, share in (
        ("functional_obsolescence", functional_obsolescence),
        ("technological_obsolescence", technological_obsolescence),
        ("economic_obsolescence", economic_obsolescence),
    ):
        if not (math.isfinite(share) and 0.0 <= share <= 1.0):
            raise EngineInputError(name, "A share lies between 0 and 1.")
        remaining *= 1.0 - share
    amounts = np.array([item.amount for item in costs], dtype=np.float64)
    ages = np.array([item.years_ago for item in costs], dtype=np.float64)
    reproduction = float(amounts @ (1.0 + inflation_rate) ** ages)
    replacement = reproduction * (1.0 + developer_profit_rate)
    return CostApproachResult(
        historical_cost=float(amounts.sum()),
        reproduction_cost=reproduction,
        replacement_cost=replacement,
        remaining_fraction=remaining,
        value=replacement * remaining,
    )
