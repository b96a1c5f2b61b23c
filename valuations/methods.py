"""Run a valuation method on validated inputs: the one bridge between the
inputs that users send and the pure engine. The API's stateless endpoints,
the services and the Celery task all call ``run_method``."""

from dataclasses import asdict

from .choices import ValuationMethod
from .engine.cost import cost_approach
from .engine.deal import deal_split
from .engine.income import excess_earnings, profit_split, relief_from_royalty
from .engine.market import market_approach
from .engine.montecarlo import simulate
from .engine.rnpv import rnpv
from .engine.scorecard import maturity_scorecard
from .engine.timing import Timing
from .inputs import (
    CostApproachInputSerializer,
    ExcessEarningsInputSerializer,
    MarketApproachInputSerializer,
    ProfitSplitInputSerializer,
    ReliefFromRoyaltyInputSerializer,
    RnpvInputSerializer,
    ScorecardInputSerializer,
    build_asset,
    build_comparables,
    build_cost_items,
    build_deal,
    build_simulation,
)

INPUT_SERIALIZERS = {
    ValuationMethod.RNPV: RnpvInputSerializer,
    ValuationMethod.RELIEF_FROM_ROYALTY: ReliefFromRoyaltyInputSerializer,
    ValuationMethod.PROFIT_SPLIT: ProfitSplitInputSerializer,
    ValuationMethod.EXCESS_EARNINGS: ExcessEarningsInputSerializer,
    ValuationMethod.COST_APPROACH: CostApproachInputSerializer,
    ValuationMethod.MARKET_APPROACH: MarketApproachInputSerializer,
    ValuationMethod.SCORECARD: ScorecardInputSerializer,
}


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
