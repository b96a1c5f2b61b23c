"""Menus of deal structures of equal value to the licensor.

For the value the licensor asks, each structure pays it in another mix of
upfront, milestones and royalties, so the licensor's rNPV is the same in
every one; what changes is who carries the risk. A structure is given by
the share of the licensor's payments' rNPV that each kind of payment
carries (the payments' rNPV is the asked value plus the licensor's own share
of development costs). Milestones keep the triggers and relative amounts of
a template deal, royalties its tiers' bands and relative rates, both scaled
to their share; without a template, a milestone of equal amount on each
phase's success, named after the phase, and one royalty rate on all sales.

For each structure: each party's exact outcome table figures (mean,
standard deviation, 5th and 95th percentiles, probability of loss), the same
from a Monte Carlo simulation, and the cash the licensee pays before launch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from .deal import Deal, Milestone, RoyaltyTier, deal_split
from .errors import EngineInputError
from .montecarlo import Simulation, simulate
from .rnpv import Asset

MIN_STRUCTURES = 2
MAX_STRUCTURES = 12
SHARE_SUM_TOLERANCE = 1e-9
# Why a structure cannot be built: no milestone is ever paid, no royalty is
# ever earned, or the royalty rate would pass 100 %.
INFEASIBLE_REASONS = ("no_milestone_value", "no_royalty_value", "royalty_above_sales")


@dataclass(frozen=True)
class StructureMix:
    """The share of the payments' value carried by each kind of payment."""

    key: str
    upfront_share: float
    milestones_share: float
    royalties_share: float


# From all upfront through balanced to royalty-heavy.
STANDARD_MENU: tuple[StructureMix, ...] = (
    StructureMix("all_upfront", 1.0, 0.0, 0.0),
    StructureMix("upfront_heavy", 0.6, 0.25, 0.15),
    StructureMix("balanced", 0.3, 0.35, 0.35),
    StructureMix("milestone_heavy", 0.15, 0.6, 0.25),
    StructureMix("royalty_heavy", 0.1, 0.2, 0.7),
    StructureMix("all_royalty", 0.0, 0.0, 1.0),
)


@dataclass(frozen=True)
class PartyFigures:
    mean: float
    sd: float
    p5: float
    p95: float
    probability_of_loss: float


@dataclass(frozen=True)
class CashBeforeLaunch:
    """What the licensee pays before launch, undiscounted: upfront,
    milestones on phase success and its share of development costs."""

    if_all_succeed: float
    expected: float


@dataclass
class MenuStructure:
    key: str
    upfront_share: float
    milestones_share: float
    royalties_share: float
    feasible: bool
    reason: str = ""
    deal: Deal | None = None
    licensor_exact: PartyFigures | None = None
    licensee_exact: PartyFigures | None = None
    licensor_simulated: PartyFigures | None = None
    licensee_simulated: PartyFigures | None = None
    licensee_cash_before_launch: CashBeforeLaunch | None = None


@dataclass
class Menu:
    target: float
    project_rnpv: float
    payments_value: float
    structures: list[MenuStructure] = field(default_factory=list)


def validate_mixes(mixes) -> None:
    if len(mixes) < MIN_STRUCTURES:
        raise EngineInputError(
            "menu.structures", f"A menu compares at least {MIN_STRUCTURES} structures."
        )
    if len(mixes) > MAX_STRUCTURES:
        raise EngineInputError("menu.structures", f"At most {MAX_STRUCTURES} structures.")
    keys = set()
    for index, mix in enumerate(mixes):
        prefix = f"menu.structures.{index}"
        if not mix.key:
            raise EngineInputError(f"{prefix}.key", "A structure has a name.")
        if mix.key in keys:
            raise EngineInputError(f"{prefix}.key", "Structure names are unique.")
        keys.add(mix.key)
        shares = (mix.upfront_share, mix.milestones_share, mix.royalties_share)
        for name, share in zip(
            ("upfront_share", "milestones_share", "royalties_share"), shares, strict=True
        ):
            if not (math.isfinite(share) and 0.0 <= share <= 1.0):
                raise EngineInputError(f"{prefix}.{name}", "A share lies between 0 and 1.")
        if abs(math.fsum(shares) - 1.0) > SHARE_SUM_TOLERANCE:
            raise EngineInputError(prefix, "The three shares add up to 1.")


def template_deal(asset: Asset, deal: Deal | None) -> Deal:
    """The deal whose milestone triggers and royalty bands the structures
    scale: the one given, with defaults where it has no milestones or no
    royalty rate above zero."""
    deal = deal or Deal()
    milestones = deal.milestones
    if not any(m.amount > 0 for m in milestones):
        milestones = tuple(
            Milestone(name=phase.name, amount=1.0, on_phase_success=phase.name)
            for phase in asset.phases
        )
    tiers = deal.royalty_tiers
    if not any(t.rate > 0 for t in tiers):
        tiers = (RoyaltyTier(up_to=None, rate=0.01),)
    return replace(deal, upfront=0.0, milestones=milestones, royalty_tiers=tiers)


def _quantile(probability: np.ndarray, values: np.ndarray, q: float) -> float:
    """The smallest outcome value v with P(X <= v) >= q."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(probability[order])
    index = int(np.searchsorted(cumulative, q - 1e-12, side="left"))
    return float(values[order][min(index, values.size - 1)])


def _exact(probability: np.ndarray, values: np.ndarray, risk) -> PartyFigures:
    return PartyFigures(
        mean=risk.mean,
        sd=risk.sd,
        p5=_quantile(probability, values, 0.05),
        p95=_quantile(probability, values, 0.95),
        probability_of_loss=risk.probability_of_loss,
    )


def _simulated(summary) -> PartyFigures:
    return PartyFigures(
        mean=summary.mean,
        sd=summary.sd,
        p5=summary.p5,
        p95=summary.p95,
        probability_of_loss=summary.probability_of_loss,
    )


def cash_before_launch(asset: Asset, deal: Deal) -> CashBeforeLaunch:
    schedule = asset.schedule
    reach = schedule.reach_probability
    numbers = {phase.name: index for index, phase in enumerate(asset.phases)}
    costs = np.array([phase.cost for phase in asset.phases], dtype=np.float64)
    share = deal.licensee_cost_share
    all_succeed = deal.upfront + share * float(costs.sum())
    expected = deal.upfront + share * float(costs @ reach[:-1])
    for milestone in deal.milestones:
        if milestone.on_phase_success is not None:
            k = numbers[milestone.on_phase_success]
            all_succeed += milestone.amount
            expected += milestone.amount * float(reach[k + 1])
    return CashBeforeLaunch(if_all_succeed=all_succeed, expected=expected)


def build_menu(
    asset: Asset,
    target: float,
    mixes=STANDARD_MENU,
    template: Deal | None = None,
    simulation: Simulation | None = None,
) -> Menu:
    """The structures of ``mixes`` worth ``target`` to the licensor."""
    if not (math.isfinite(target) and target >= 0):
        raise EngineInputError("menu.target", "Must be a finite number, zero or more.")
    validate_mixes(mixes)
    template = template_deal(asset, template)
    base = deal_split(asset, replace(template, milestones=(), royalty_tiers=()))
    # The licensor's own share of costs comes off what it receives.
    payments_value = target + base.deal.licensor_cost_rnpv
    unit = deal_split(asset, template)
    milestones_unit = unit.deal.milestones_rnpv
    royalties_unit = unit.deal.royalty_rnpv
    highest_rate = max(t.rate for t in template.royalty_tiers)
    menu = Menu(
        target=target,
        project_rnpv=base.deal.licensor_rnpv + base.deal.licensee_rnpv,
        payments_value=payments_value,
    )
    for mix in mixes:
        structure = MenuStructure(
            key=mix.key,
            upfront_share=mix.upfront_share,
            milestones_share=mix.milestones_share,
            royalties_share=mix.royalties_share,
            feasible=False,
        )
        menu.structures.append(structure)
        milestone_scale = royalty_scale = 0.0
        if mix.milestones_share > 0:
            if milestones_unit <= 0:
                structure.reason = "no_milestone_value"
                continue
            milestone_scale = mix.milestones_share * payments_value / milestones_unit
        if mix.royalties_share > 0:
            if royalties_unit <= 0:
                structure.reason = "no_royalty_value"
                continue
            royalty_scale = mix.royalties_share * payments_value / royalties_unit
            if royalty_scale * highest_rate > 1.0:
                structure.reason = "royalty_above_sales"
                continue
        deal = replace(
            template,
            upfront=mix.upfront_share * payments_value,
            milestones=tuple(
                replace(m, amount=m.amount * milestone_scale) for m in template.milestones
            )
            if mix.milestones_share > 0
            else (),
            royalty_tiers=tuple(
                replace(t, rate=t.rate * royalty_scale) for t in template.royalty_tiers
            )
            if mix.royalties_share > 0
            else (),
        )
        analysis = deal_split(asset, deal)
        probability = np.array([o.probability for o in analysis.outcomes])
        structure.feasible = True
        structure.deal = deal
        structure.licensor_exact = _exact(
            probability,
            np.array([o.licensor_pv for o in analysis.outcomes]),
            analysis.risk.licensor,
        )
        structure.licensee_exact = _exact(
            probability,
            np.array([o.licensee_pv for o in analysis.outcomes]),
            analysis.risk.licensee,
        )
        structure.licensee_cash_before_launch = cash_before_launch(asset, deal)
        if simulation is not None:
            simulated = simulate(asset, simulation, deal)
            structure.licensor_simulated = _simulated(simulated.licensor)
            structure.licensee_simulated = _simulated(simulated.licensee)
    return menu
