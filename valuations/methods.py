"""Run a valuation method on validated inputs: the one bridge between the
inputs that users send and the pure engine, building the engine's
dataclasses from them. The API's stateless endpoints, the services and the
Celery task all call ``run_method``."""

from dataclasses import asdict

from .choices import ValuationMethod
from .engine.cost import CostItem, cost_approach
from .engine.deal import Deal, Milestone, RoyaltyBasis, RoyaltyTier, deal_split
from .engine.income import excess_earnings, profit_split, relief_from_royalty
from .engine.market import Comparable, market_approach
from .engine.montecarlo import Distribution, DistributionKind, Simulation, simulate
from .engine.rnpv import Asset, Commercial, Phase, rnpv
from .engine.scorecard import maturity_scorecard
from .engine.timing import Timing

# --- The engine's inputs from validated data ------------------------------


def build_asset(data: dict) -> Asset:
    commercial = data["commercial"]
    return Asset(
        phases=tuple(
            Phase(
                name=p["name"],
                years=p["years"],
                cost=p["cost"],
                success_probability=p["success_probability"],
            )
            for p in data["phases"]
        ),
        commercial=Commercial(
            peak_sales=commercial["peak_sales"],
            ramp=tuple(commercial["ramp"]),
            plateau_years=commercial["plateau_years"],
            erosion=tuple(commercial["erosion"]),
            cogs_rate=commercial["cogs_rate"],
            opex_rate=commercial["opex_rate"],
            tax_rate=commercial["tax_rate"],
            launch_delay=commercial["launch_delay"],
        ),
        discount_rate=data["discount_rate"],
        timing=Timing(data["timing"]),
    )


def build_deal(data: dict | None) -> Deal | None:
    if not data:
        return None
    return Deal(
        upfront=data["upfront"],
        milestones=tuple(
            Milestone(
                name=m["name"],
                amount=m["amount"],
                on_phase_success=m["on_phase_success"],
                on_annual_sales_at_least=m["on_annual_sales_at_least"],
            )
            for m in data["milestones"]
        ),
        royalty_tiers=tuple(RoyaltyTier(t["up_to"], t["rate"]) for t in data["royalty_tiers"]),
        royalty_basis=RoyaltyBasis(data["royalty_basis"]),
        royalty_years=data["royalty_years"],
        licensee_cost_share=data["licensee_cost_share"],
    )


def _distribution(data: dict | None) -> Distribution | None:
    if not data:
        return None
    return Distribution(
        kind=DistributionKind(data["distribution"]),
        low=data.get("low"),
        mode=data.get("mode"),
        high=data.get("high"),
        mean=data.get("mean"),
        sd=data.get("sd"),
    )


def build_simulation(data: dict | None) -> Simulation | None:
    if not data:
        return None
    return Simulation(
        trials=data["trials"],
        seed=data["seed"],
        bins=data["bins"],
        peak_sales=_distribution(data.get("peak_sales")),
        phase_costs={k: _distribution(v) for k, v in data["phase_costs"].items()},
        phase_years={k: _distribution(v) for k, v in data["phase_years"].items()},
        launch_delay=_distribution(data.get("launch_delay")),
    )


def build_cost_items(data: dict) -> tuple[CostItem, ...]:
    """The costs sent, then the project's cost entries (resolved into
    ``ledger_costs`` by services.cost_inputs_resolve)."""
    items = [*data["costs"], *data.get("ledger_costs", [])]
    return tuple(CostItem(c["amount"], c["years_ago"], c["label"]) for c in items)


def build_comparables(data: dict) -> tuple[Comparable, ...]:
    """The comparables sent, then the recorded deals they named (resolved
    into ``recorded_comparables`` by services.market_inputs_resolve)."""
    items = [*data["comparables"], *data.get("recorded_comparables", [])]
    return tuple(
        Comparable(
            name=c["name"],
            value=c["value"],
            adjustment=c["adjustment"],
            probability_of_success=c["probability_of_success"],
            weight=c["weight"],
        )
        for c in items
    )


# --- The methods ------------------------------------------------------------


def rnpv_results(data: dict) -> dict:
    asset = build_asset(data)
    results = {"currency": data["currency"], **rnpv(asset).to_dict()}
    deal = build_deal(data.get("deal"))
    if deal is not None:
        analysis = deal_split(asset, deal)
        results["deal"] = analysis.deal.to_dict()
        results["outcomes"] = [asdict(outcome) for outcome in analysis.outcomes]
        results["risk"] = asdict(analysis.risk)
    simulation = build_simulation(data.get("simulation"))
    if simulation is not None:
        results["simulation"] = simulate(asset, simulation, deal).to_dict()
    return results


def relief_from_royalty_results(data: dict) -> dict:
    result = relief_from_royalty(
        revenues=data["revenues"],
        royalty_rate=data["royalty_rate"],
        discount_rate=data["discount_rate"],
        tax_rate=data["tax_rate"],
        tax_amortisation_benefit=data["tax_amortisation_benefit"],
        amortisation_years=data["amortisation_years"],
        timing=Timing(data["timing"]),
    )
    return {"currency": data["currency"], **result.to_dict()}


def profit_split_results(data: dict) -> dict:
    result = profit_split(
        revenues=data["revenues"],
        profit_margin=data["profit_margin"],
        technology_share=data["technology_share"],
        tax_rate=data["tax_rate"],
        discount_rate=data["discount_rate"],
        timing=Timing(data["timing"]),
    )
    return {"currency": data["currency"], **result.to_dict()}


def excess_earnings_results(data: dict) -> dict:
    result = excess_earnings(
        cash_flows=data["cash_flows"],
        contributory_asset_charges=data["contributory_asset_charges"],
        tax_rate=data["tax_rate"],
        discount_rate=data["discount_rate"],
        charges_after_tax=data["charges_after_tax"],
        timing=Timing(data["timing"]),
    )
    return {"currency": data["currency"], **result.to_dict()}


def cost_approach_results(data: dict) -> dict:
    result = cost_approach(
        costs=build_cost_items(data),
        inflation_rate=data["inflation_rate"],
        developer_profit_rate=data["developer_profit_rate"],
        functional_obsolescence=data["functional_obsolescence"],
        technological_obsolescence=data["technological_obsolescence"],
        economic_obsolescence=data["economic_obsolescence"],
    )
    return {"currency": data["currency"], **result.to_dict()}


def market_approach_results(data: dict) -> dict:
    """Recorded deals named by ``comparable_deal_ids`` must have been
    resolved first (services.market_inputs_resolve)."""
    result = market_approach(
        comparables=build_comparables(data),
        subject_probability_of_success=data["subject_probability_of_success"],
    )
    return {"currency": data["currency"], **result.to_dict()}


def scorecard_results(data: dict) -> dict:
    return maturity_scorecard(
        trl=data["trl"],
        scores=data["scores"],
        weights=data["weights"],
        trl_weight=data["trl_weight"],
    ).to_dict()


RUNNERS = {
    ValuationMethod.RNPV: rnpv_results,
    ValuationMethod.RELIEF_FROM_ROYALTY: relief_from_royalty_results,
    ValuationMethod.PROFIT_SPLIT: profit_split_results,
    ValuationMethod.EXCESS_EARNINGS: excess_earnings_results,
    ValuationMethod.COST_APPROACH: cost_approach_results,
    ValuationMethod.MARKET_APPROACH: market_approach_results,
    ValuationMethod.SCORECARD: scorecard_results,
}


def run_method(method: str, data: dict) -> dict:
    """Results of ``method`` on validated ``data``; raises
    ``EngineInputError`` for what validation could not see."""
    return RUNNERS[ValuationMethod(method)](data)
