"""The option to abandon at a gate.

When a phase succeeds, which of several market scenarios holds becomes
known (the phase's data reveal the product's true profile), and the
developer goes on only if the rest of the programme is then worth more than
nothing. The value of that freedom is the option value.

Conventions (docs/valuation.md, "The option to abandon"):

- the gate is the end of the phase named ``after_phase``; the scenarios
  differ in peak sales only, and the static case uses their expected peak;
- a scenario's continuation value is the value of everything after the gate
  (the later phases' costs and the commercial cash flows), risk-adjusted by
  the later phases' success probabilities only (the gate has been passed)
  and discounted to today with the engine's timing;
- the developer continues when the continuation value is above zero, and
  otherwise stops and spends nothing more;
- what comes before the gate (the costs of the phases up to it) is the
  same whatever the scenario.

So, with q the probability of passing the gate and B the risk-adjusted
value of what comes before it:

    static value   = B + q x sum_s p_s CV_s       (= the rNPV at expected peak)
    flexible value = B + q x sum_s p_s max(CV_s, 0)

The programme is valued for its developer as a whole, before any licence
payment between the parties.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from .errors import EngineInputError
from .rnpv import Asset

# Probabilities sent as decimals (0.3 + 0.3 + 0.4) may miss 1 by a rounding
# step; more than this is a typing error.
PROBABILITY_SUM_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Scenario:
    probability: float
    peak_sales: float


@dataclass(frozen=True)
class Revelation:
    """After ``after_phase`` succeeds, one of ``scenarios`` is known to hold."""

    after_phase: str
    scenarios: tuple[Scenario, ...]


def validate_revelation(asset: Asset, revelation: Revelation) -> None:
    names = [phase.name for phase in asset.phases]
    if revelation.after_phase not in names:
        raise EngineInputError(
            "revelation.after_phase", f"No phase is named {revelation.after_phase!r}."
        )
    if not revelation.scenarios:
        raise EngineInputError("revelation.scenarios", "Give at least one scenario.")
    for index, scenario in enumerate(revelation.scenarios):
        probability = scenario.probability
        if not (math.isfinite(probability) and 0.0 <= probability <= 1.0):
            raise EngineInputError(
                f"revelation.scenarios.{index}.probability", "A probability lies between 0 and 1."
            )
        if not (math.isfinite(scenario.peak_sales) and scenario.peak_sales >= 0):
            raise EngineInputError(
                f"revelation.scenarios.{index}.peak_sales",
                "Must be a finite number, zero or more.",
            )
    total = math.fsum(scenario.probability for scenario in revelation.scenarios)
    if abs(total - 1.0) > PROBABILITY_SUM_TOLERANCE:
        raise EngineInputError(
            "revelation.scenarios", f"The scenarios' probabilities add up to {total:g}, not 1."
        )


@dataclass(frozen=True)
class ScenarioValue:
    probability: float
    peak_sales: float
    continuation_value: float
    continues: bool

    def to_dict(self) -> dict:
        # "continue" is a Python keyword, but it is the API's word.
        return {
            "probability": self.probability,
            "peak_sales": self.peak_sales,
            "continuation_value": self.continuation_value,
            "continue": self.continues,
        }


@dataclass
class Flexibility:
    after_phase: str
    gate_year: int
    gate_probability: float
    value_before_gate: float
    expected_peak_sales: float
    static_value: float
    flexible_value: float
    option_value: float
    scenarios: list[ScenarioValue] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "after_phase": self.after_phase,
            "gate_year": self.gate_year,
            "gate_probability": self.gate_probability,
            "value_before_gate": self.value_before_gate,
            "expected_peak_sales": self.expected_peak_sales,
            "static_value": self.static_value,
            "flexible_value": self.flexible_value,
            "option_value": self.option_value,
            "scenarios": [scenario.to_dict() for scenario in self.scenarios],
        }


def abandonment_option(asset: Asset, revelation: Revelation) -> Flexibility:
    """The programme's value without and with the option to stop at the
    gate, and each scenario's continuation value and decision."""
    validate_revelation(asset, revelation)
    gate = [phase.name for phase in asset.phases].index(revelation.after_phase)
    probabilities = np.array([s.probability for s in revelation.scenarios], dtype=np.float64)
    peaks = np.array([s.peak_sales for s in revelation.scenarios], dtype=np.float64)
    expected_peak = float(probabilities @ peaks)
    static_asset = replace(asset, commercial=replace(asset.commercial, peak_sales=expected_peak))
    schedule = static_asset.schedule

    gate_year = int(schedule.phase_end_year[gate])
    after_gate = schedule.years > gate_year
    discount = schedule.discount_factor
    success = np.array([p.success_probability for p in asset.phases], dtype=np.float64)
    # The probability of reaching each later phase, and market, given the
    # gate was passed: the success probabilities after the gate only.
    conditional_reach = np.concatenate(([1.0], np.cumprod(success[gate + 1 :])))
    phase_index = schedule.phase_index
    conditional = np.where(
        phase_index >= 0,
        conditional_reach[np.clip(phase_index - gate - 1, 0, None)],
        conditional_reach[-1],
    )
    later_costs = float((schedule.development_cost * discount * conditional)[after_gate].sum())
    # Commercial cash flows are linear in peak sales: the value after the
    # gate of one unit of peak sales, times each scenario's peak.
    unit = replace(asset, commercial=replace(asset.commercial, peak_sales=1.0)).schedule
    commercial_per_peak = float(
        (unit.commercial_cash_flow * discount * conditional)[after_gate].sum()
    )
    continuation = peaks * commercial_per_peak - later_costs
    continues = continuation > 0

    before_gate = ~after_gate
    value_before_gate = float(
        (-schedule.development_cost * discount * schedule.probability)[before_gate].sum()
    )
    gate_probability = float(schedule.reach_probability[gate + 1])
    static_value = value_before_gate + gate_probability * float(probabilities @ continuation)
    flexible_value = value_before_gate + gate_probability * float(
        probabilities @ np.where(continues, continuation, 0.0)
    )
    return Flexibility(
        after_phase=revelation.after_phase,
        gate_year=gate_year,
        gate_probability=gate_probability,
        value_before_gate=value_before_gate,
        expected_peak_sales=expected_peak,
        static_value=static_value,
        flexible_value=flexible_value,
        option_value=flexible_value - static_value,
        scenarios=[
            ScenarioValue(
                probability=float(p),
                peak_sales=float(x),
                continuation_value=float(value),
                continues=bool(go),
            )
            for p, x, value, go in zip(probabilities, peaks, continuation, continues, strict=True)
        ],
    )
