"""Solving a deal for one term: the upfront, or a factor on every royalty
rate or every milestone amount, that gives one party the value it asks.

Each party's rNPV is linear in each of these terms (royalties are linear in
the rates, marginal or whole; milestones in their amounts), so the term is
found exactly from the values at two points, and the values it can reach
form an interval: an upfront is zero or more, a factor on royalties keeps
every rate at most 100 %, a factor on milestones is zero or more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum

from .deal import Deal, DealAnalysis, deal_split
from .errors import EngineInputError
from .rnpv import Asset


class SolveFor(StrEnum):
    UPFRONT = "upfront"
    ROYALTY_SCALE = "royalty_scale"
    MILESTONE_SCALE = "milestone_scale"


# The terms by their API names (the OpenAPI schema names this set).
SOLVE_TERMS = tuple(term.value for term in SolveFor)


class Party(StrEnum):
    LICENSOR = "licensor"
    LICENSEE = "licensee"


@dataclass(frozen=True)
class Solve:
    term: SolveFor
    party: Party
    target: float


class UnreachableTarget(EngineInputError):
    """No value of the term gives the party the target. ``low`` and ``high``
    bound the values the party can reach (``None``: no bound)."""

    code = "unreachable_target"

    def __init__(self, message: str, *, low: float | None, high: float | None):
        super().__init__("solve.target", message)
        self.low = low
        self.high = high


@dataclass
class Solution:
    value: float
    deal: Deal
    analysis: DealAnalysis
    project_rnpv: float
    reachable_low: float | None
    reachable_high: float | None


def with_term(deal: Deal, term: SolveFor, value: float) -> Deal:
    """``deal`` with the upfront set to ``value``, or every royalty rate or
    milestone amount multiplied by it."""
    if term == SolveFor.UPFRONT:
        return replace(deal, upfront=value)
    if term == SolveFor.ROYALTY_SCALE:
        return replace(
            deal,
            royalty_tiers=tuple(
                replace(t, rate=min(t.rate * value, 1.0)) for t in deal.royalty_tiers
            ),
        )
    return replace(
        deal, milestones=tuple(replace(m, amount=m.amount * value) for m in deal.milestones)
    )


def term_bounds(deal: Deal, term: SolveFor) -> tuple[float, float]:
    """The values the term may take."""
    if term == SolveFor.ROYALTY_SCALE:
        highest = max((t.rate for t in deal.royalty_tiers), default=0.0)
        return 0.0, (1.0 / highest if highest > 0 else math.inf)
    return 0.0, math.inf


def solve_term(asset: Asset, deal: Deal, solve: Solve) -> Solution:
    term, party = SolveFor(solve.term), Party(solve.party)
    if not math.isfinite(solve.target):
        raise EngineInputError("solve.target", "Must be a finite number.")
    if term == SolveFor.UPFRONT:
        # The upfront replaces the deal's own: value it from zero.
        deal = replace(deal, upfront=0.0)
    base = deal_split(asset, with_term(deal, term, 0.0))
    unit = deal_split(asset, with_term(deal, term, 1.0))
    project = base.deal.licensor_rnpv + base.deal.licensee_rnpv
    # The licensor's value is intercept + slope x term; the licensee's is
    # the project's less that.
    intercept = base.deal.licensor_rnpv
    slope = unit.deal.licensor_rnpv - intercept
    if party == Party.LICENSEE:
        intercept, slope = project - intercept, -slope
    lowest_term, highest_term = term_bounds(deal, term)

    def reach(term_value: float) -> float | None:
        if math.isinf(term_value):
            return None if slope else intercept
        return intercept + slope * term_value

    ends = [reach(lowest_term), reach(highest_term)]
    if slope < 0:
        ends.reverse()
    low, high = ends
    if slope == 0:
        if _close(solve.target, intercept):
            value = lowest_term
        else:
            raise UnreachableTarget(_nothing_moves(term, party, intercept), low=low, high=high)
    else:
        value = (solve.target - intercept) / slope
        # The target at a bound of the range, up to rounding, is reachable.
        if _close(value, lowest_term):
            value = lowest_term
        elif math.isfinite(highest_term) and _close(value, highest_term):
            value = highest_term
        if not lowest_term <= value <= highest_term:
            raise UnreachableTarget(
                f"No {term.value.replace('_', ' ')} gives the {party.value} {solve.target:,.2f}: "
                f"its value can range from {_bound(low)} to {_bound(high)}.",
                low=low,
                high=high,
            )
    solved = with_term(deal, term, value)
    return Solution(
        value=value,
        deal=solved,
        analysis=deal_split(asset, solved),
        project_rnpv=project,
        reachable_low=low,
        reachable_high=high,
    )


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


def _bound(value: float | None) -> str:
    return "unbounded" if value is None else f"{value:,.2f}"


def _nothing_moves(term: SolveFor, party: Party, value: float) -> str:
    what = {
        SolveFor.UPFRONT: "the upfront",
        SolveFor.ROYALTY_SCALE: "the royalties (no royalty is earned: no tier has a rate "
        "above zero, or no sales fall in the royalty years, or the project cannot reach market)",
        SolveFor.MILESTONE_SCALE: "the milestones (none is ever paid, or all are zero)",
    }[term]
    return f"Scaling {what} does not change the {party.value}'s value, which stays {value:,.2f}."
