"""Deal split: what a licence deal is worth to the licensor (institution)
and to the licensee (enterprise), and the exact risk of each outcome.

Rules (docs/valuation.md):

- the upfront is paid in year 0: certain and undiscounted;
- a milestone ``on_phase_success`` of phase k is paid at the end of the
  last year of phase k, weighted by the probability of passing phases 1..k;
- a milestone ``on_annual_sales_at_least`` X is paid at the end of the first
  year whose sales reach X, weighted by the probability of reaching market;
  it is never paid when no year's sales reach X;
- royalties are computed on each year's sales from the tiers, marginal
  (each rate applies to the slice of sales inside its band) unless the basis
  is ``whole`` (the rate of the band that holds the year's sales applies to
  all of them); they run to the end of exclusivity (the plateau) unless
  ``royalty_years`` counts the years from launch; they are weighted like
  sales;
- every payment of year t is discounted like any cash flow of year t;
- licensor = upfront + milestones + royalties - its share of development
  costs; licensee = project rNPV - licensor.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from enum import StrEnum

import numpy as np

from .errors import EngineInputError
from .rnpv import Asset


class RoyaltyBasis(StrEnum):
    MARGINAL = "marginal"
    WHOLE = "whole"


@dataclass(frozen=True)
class Milestone:
    """A payment on an event: exactly one of ``on_phase_success`` (a phase
    name) and ``on_annual_sales_at_least`` (a yearly sales threshold)."""

    name: str
    amount: float
    on_phase_success: str | None = None
    on_annual_sales_at_least: float | None = None


@dataclass(frozen=True)
class RoyaltyTier:
    """A band of yearly sales up to ``up_to`` (``None``: no upper bound)."""

    up_to: float | None
    rate: float


@dataclass(frozen=True)
class Deal:
    upfront: float = 0.0
    milestones: tuple[Milestone, ...] = ()
    royalty_tiers: tuple[RoyaltyTier, ...] = ()
    royalty_basis: RoyaltyBasis = RoyaltyBasis.MARGINAL
    royalty_years: int | None = None
    licensee_cost_share: float = 1.0

    def __post_init__(self):
        validate_deal(self)

    @property
    def licensor_cost_share(self) -> float:
        return 1.0 - self.licensee_cost_share


def validate_deal(deal: Deal) -> None:
    if not (math.isfinite(deal.upfront) and deal.upfront >= 0):
        raise EngineInputError("deal.upfront", "Must be a finite number, zero or more.")
    for index, milestone in enumerate(deal.milestones):
        prefix = f"deal.milestones.{index}"
        if not (math.isfinite(milestone.amount) and milestone.amount >= 0):
            raise EngineInputError(f"{prefix}.amount", "Must be a finite number, zero or more.")
        triggers = [milestone.on_phase_success, milestone.on_annual_sales_at_least]
        if sum(trigger is not None for trigger in triggers) != 1:
            raise EngineInputError(
                prefix,
                "A milestone has exactly one trigger: on_phase_success or "
                "on_annual_sales_at_least.",
            )
        threshold = milestone.on_annual_sales_at_least
        if threshold is not None and not (math.isfinite(threshold) and threshold > 0):
            raise EngineInputError(
                f"{prefix}.on_annual_sales_at_least", "A sales threshold is above zero."
            )
    validate_tiers("deal.royalty_tiers", deal.royalty_tiers)
    RoyaltyBasis(deal.royalty_basis)
    if deal.royalty_years is not None and (
        isinstance(deal.royalty_years, bool)
        or not isinstance(deal.royalty_years, int)
        or deal.royalty_years < 0
    ):
        raise EngineInputError("deal.royalty_years", "Must be a whole number of years, 0 or more.")
    share = deal.licensee_cost_share
    if not (math.isfinite(share) and 0.0 <= share <= 1.0):
        raise EngineInputError("deal.licensee_cost_share", "A share lies between 0 and 1.")


def validate_tiers(field_name: str, tiers) -> None:
    previous = 0.0
    for index, tier in enumerate(tiers):
        if not (math.isfinite(tier.rate) and 0.0 <= tier.rate <= 1.0):
            raise EngineInputError(f"{field_name}.{index}.rate", "A rate lies between 0 and 1.")
        last = index == len(tiers) - 1
        if tier.up_to is None:
            if not last:
                raise EngineInputError(
                    f"{field_name}.{index}.up_to", "Only the last tier is open-ended."
                )
            continue
        if not (math.isfinite(tier.up_to) and tier.up_to > previous):
            raise EngineInputError(
                f"{field_name}.{index}.up_to",
                "Tiers are in increasing order of their upper bound, above zero.",
            )
        if last:
            raise EngineInputError(
                f"{field_name}.{index}.up_to",
                "The last tier is open-ended (up_to null): sales above every bound need a rate.",
            )
        previous = tier.up_to


def royalty(sales, tiers, basis: RoyaltyBasis | str = RoyaltyBasis.MARGINAL):
    """Royalty on each yearly ``sales`` figure (any array shape)."""
    sales = np.asarray(sales, dtype=np.float64)
    if not tiers:
        return np.zeros_like(sales)
    bounds = np.array([t.up_to for t in tiers[:-1]], dtype=np.float64)
    rates = np.array([t.rate for t in tiers], dtype=np.float64)
    if RoyaltyBasis(basis) == RoyaltyBasis.WHOLE:
        # A year's sales exactly at a bound belong to the band that ends there.
        return rates[np.searchsorted(bounds, sales, side="left")] * sales
    # Marginal royalty is piecewise linear in sales: interpolate between the
    # royalty at each bound, and continue the last band's slope beyond it.
    lows = np.concatenate(([0.0], bounds))
    at_bounds = np.concatenate(([0.0], np.cumsum(np.diff(lows) * rates[:-1])))
    last_low, last_royalty = lows[-1], at_bounds[-1]
    inside = np.interp(sales, lows, at_bounds)
    beyond = last_royalty + rates[-1] * (sales - last_low)
    return np.where(sales > last_low, beyond, inside)


@dataclass(frozen=True)
class MilestoneValue:
    name: str
    amount: float
    year: int | None
    probability: float
    present_value: float


@dataclass(frozen=True)
class Outcome:
    outcome: str  # "fails_in_phase" or "reaches_market"
    phase: str | None
    probability: float
    project_pv: float
    licensor_pv: float
    licensee_pv: float
    licensee_pv_lump_sum: float


@dataclass(frozen=True)
class PartyRisk:
    mean: float
    sd: float
    probability_of_loss: float


@dataclass(frozen=True)
class Risk:
    licensor: PartyRisk
    licensee: PartyRisk
    licensee_lump_sum: PartyRisk
    project: PartyRisk
    licensor_below_lump_sum_probability: float


@dataclass
class DealResult:
    licensor_rnpv: float
    licensee_rnpv: float
    licensor_share: float | None
    royalty_rnpv: float
    milestones_rnpv: float
    upfront: float
    licensor_cost_rnpv: float
    lump_sum_equivalent: float
    milestones: list[MilestoneValue] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class DealAnalysis:
    """A deal's split, its outcome table and each party's risk."""

    deal: DealResult
    outcomes: list[Outcome]
    risk: Risk

    def to_dict(self) -> dict:
        return asdict(self)


def _phase_numbers(asset: Asset) -> dict[str, int]:
    return {phase.name: index for index, phase in enumerate(asset.phases)}


def check_deal_against(asset: Asset, deal: Deal) -> None:
    """The deal's milestones name phases of the asset."""
    numbers = _phase_numbers(asset)
    for index, milestone in enumerate(deal.milestones):
        name = milestone.on_phase_success
        if name is not None and name not in numbers:
            raise EngineInputError(
                f"deal.milestones.{index}.on_phase_success", f"No phase is named {name!r}."
            )


def royalty_window(asset: Asset, deal: Deal) -> int:
    """How many years from launch earn royalties."""
    if deal.royalty_years is not None:
        return deal.royalty_years
    return asset.commercial.exclusivity_years


def first_year_reaching(shape: np.ndarray, launch_year: int, peak: float, threshold: float):
    """The first year whose sales (peak x share) reach ``threshold``."""
    hits = np.flatnonzero(peak * shape >= threshold)
    return int(launch_year + hits[0]) if hits.size else None


def _weighted_risk(probability: np.ndarray, values: np.ndarray) -> PartyRisk:
    mean = float(probability @ values)
    variance = float(probability @ (values - mean) ** 2)
    return PartyRisk(
        mean=mean,
        sd=math.sqrt(max(variance, 0.0)),
        probability_of_loss=float(probability[values < 0].sum()),
    )


def deal_split(asset: Asset, deal: Deal) -> DealAnalysis:
    """Each party's rNPV under ``deal``, the n + 1 outcomes of phase risk
    (fails in phase 1..n, or reaches market) with each party's present value
    in each, and each party's mean, spread and probability of loss."""
    check_deal_against(asset, deal)
    schedule = asset.schedule
    n = len(asset.phases)
    numbers = _phase_numbers(asset)
    reach = schedule.reach_probability
    p_market = schedule.market_probability
    launch = schedule.launch_year

    # Present values as if the event happens, by outcome j = 0..n, where
    # j < n fails in phase j + 1 and j == n reaches market.
    phase_cost_pv = schedule.phase_cost_pv()
    cost_pv_by_outcome = np.concatenate((np.cumsum(phase_cost_pv), [phase_cost_pv.sum()]))
    market = np.zeros(n + 1)
    market[n] = 1.0
    project_pv = market * schedule.commercial_pv() - cost_pv_by_outcome
    success = np.array([p.success_probability for p in asset.phases], dtype=np.float64)
    outcome_probability = np.concatenate((reach[:-1] * (1.0 - success), [p_market]))

    licensor_pv = np.full(n + 1, deal.upfront) - deal.licensor_cost_share * cost_pv_by_outcome
    milestones = []
    milestones_rnpv = 0.0
    for milestone in deal.milestones:
        if milestone.on_phase_success is not None:
            k = numbers[milestone.on_phase_success]
            year = int(schedule.phase_end_year[k])
            probability = float(reach[k + 1])
            paid_in = np.arange(n + 1) > k
        else:
            year = first_year_reaching(
                asset.commercial.shape,
                launch,
                asset.commercial.peak_sales,
                milestone.on_annual_sales_at_least,
            )
            probability = p_market if year is not None else 0.0
            paid_in = market.astype(bool) if year is not None else np.zeros(n + 1, dtype=bool)
        pv_if_paid = milestone.amount * schedule.discount_factor_of(year) if year else 0.0
        licensor_pv += np.where(paid_in, pv_if_paid, 0.0)
        present_value = probability * pv_if_paid
        milestones_rnpv += present_value
        milestones.append(
            MilestoneValue(
                name=milestone.name,
                amount=milestone.amount,
                year=year,
                probability=probability,
                present_value=present_value,
            )
        )

    window = royalty_window(asset, deal)
    first = launch - 1
    royalty_years = slice(first, first + window)
    royalties = royalty(schedule.sales[royalty_years], deal.royalty_tiers, deal.royalty_basis)
    royalty_pv_if_market = float(royalties @ schedule.discount_factor[royalty_years])
    licensor_pv += market * royalty_pv_if_market

    project_rnpv = schedule.risk_adjusted_npv()
    licensor_cost_rnpv = deal.licensor_cost_share * float(outcome_probability @ cost_pv_by_outcome)
    royalty_rnpv = p_market * royalty_pv_if_market
    licensor_rnpv = deal.upfront + milestones_rnpv + royalty_rnpv - licensor_cost_rnpv
    licensee_rnpv = project_rnpv - licensor_rnpv
    licensee_pv = project_pv - licensor_pv
    lump_sum = licensor_rnpv
    licensee_pv_lump_sum = project_pv - lump_sum

    outcomes = [
        Outcome(
            outcome="reaches_market" if j == n else "fails_in_phase",
            phase=None if j == n else asset.phases[j].name,
            probability=float(outcome_probability[j]),
            project_pv=float(project_pv[j]),
            licensor_pv=float(licensor_pv[j]),
            licensee_pv=float(licensee_pv[j]),
            licensee_pv_lump_sum=float(licensee_pv_lump_sum[j]),
        )
        for j in range(n + 1)
    ]
    # Outcome values are sums of floats: compare with the lump sum within
    # rounding noise, so an outcome worth exactly the lump sum is not "below".
    tolerance = 1e-9 * max(1.0, abs(lump_sum))
    risk = Risk(
        licensor=_weighted_risk(outcome_probability, licensor_pv),
        licensee=_weighted_risk(outcome_probability, licensee_pv),
        licensee_lump_sum=_weighted_risk(outcome_probability, licensee_pv_lump_sum),
        project=_weighted_risk(outcome_probability, project_pv),
        licensor_below_lump_sum_probability=float(
            outcome_probability[licensor_pv < lump_sum - tolerance].sum()
        ),
    )
    deal_result = DealResult(
        licensor_rnpv=licensor_rnpv,
        licensee_rnpv=licensee_rnpv,
        licensor_share=licensor_rnpv / project_rnpv if project_rnpv > 0 else None,
        royalty_rnpv=royalty_rnpv,
        milestones_rnpv=milestones_rnpv,
        upfront=deal.upfront,
        licensor_cost_rnpv=licensor_cost_rnpv,
        lump_sum_equivalent=lump_sum,
        milestones=milestones,
    )
    return DealAnalysis(deal=deal_result, outcomes=outcomes, risk=risk)
