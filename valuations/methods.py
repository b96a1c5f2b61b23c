"""Run a valuation method on validated inputs: the one bridge between the
inputs that users send and the pure engine, building the engine's
dataclasses from them. The API's stateless endpoints, the services and the
Celery task all call ``run_method``."""

from dataclasses import asdict, replace

from .choices import ValuationMethod
from .engine.cost import CostItem, cost_approach
from .engine.deal import Deal, Milestone, RoyaltyBasis, RoyaltyTier, deal_split
from .engine.flexibility import Revelation, Scenario, abandonment_option
from .engine.income import excess_earnings, profit_split, relief_from_royalty
from .engine.market import Comparable, market_approach
from .engine.menu import Menu, StructureMix, build_menu
from .engine.montecarlo import Distribution, DistributionKind, Simulation, simulate
from .engine.rnpv import Asset, Commercial, Phase, rnpv
from .engine.scorecard import maturity_scorecard
from .engine.solve import Party, Solve, SolveFor, UnreachableTarget, solve_term
from .engine.timing import Timing
from .errors import TargetUnreachable

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


def deal_inputs(deal: Deal) -> dict:
    """A deal as the inputs that would build it (DealInputSerializer's
    shape), for a structure the engine made to be stored and re-run."""
    return {
        "upfront": deal.upfront,
        "milestones": [
            {
                "name": m.name,
                "amount": m.amount,
                "on_phase_success": m.on_phase_success,
                "on_annual_sales_at_least": m.on_annual_sales_at_least,
            }
            for m in deal.milestones
        ],
        "royalty_tiers": [{"up_to": t.up_to, "rate": t.rate} for t in deal.royalty_tiers],
        "royalty_basis": str(deal.royalty_basis),
        "royalty_years": deal.royalty_years,
        "licensee_cost_share": deal.licensee_cost_share,
    }


def build_revelation(data: dict) -> Revelation:
    return Revelation(
        after_phase=data["after_phase"],
        scenarios=tuple(Scenario(s["probability"], s["peak_sales"]) for s in data["scenarios"]),
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


def menu_simulation(data: dict) -> Simulation:
    """The menu's simulation: the body's uncertain inputs, if any, with the
    menu's own trials and seed."""
    menu = data["menu"]
    simulation = build_simulation(data.get("simulation"))
    if simulation is None:
        return Simulation(trials=menu["trials"], seed=menu["seed"])
    return replace(simulation, trials=menu["trials"], seed=menu["seed"])


def menu_results(menu: Menu, data: dict) -> dict:
    def figures(party):
        return asdict(party) if party is not None else None

    return {
        "target": menu.target,
        "project_rnpv": menu.project_rnpv,
        "payments_value": menu.payments_value,
        "trials": data["menu"]["trials"],
        "seed": data["menu"]["seed"],
        "structures": [
            {
                "key": s.key,
                "upfront_share": s.upfront_share,
                "milestones_share": s.milestones_share,
                "royalties_share": s.royalties_share,
                "feasible": s.feasible,
                "reason": s.reason,
                "deal": deal_inputs(s.deal) if s.deal is not None else None,
                "licensor": {
                    "exact": figures(s.licensor_exact),
                    "simulated": figures(s.licensor_simulated),
                },
                "licensee": {
                    "exact": figures(s.licensee_exact),
                    "simulated": figures(s.licensee_simulated),
                },
                "licensee_cash_before_launch": figures(s.licensee_cash_before_launch),
            }
            for s in menu.structures
        ],
    }


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
    if data.get("revelation"):
        results["flexibility"] = abandonment_option(
            asset, build_revelation(data["revelation"])
        ).to_dict()
    if data.get("menu"):
        menu = data["menu"]
        mixes = tuple(
            StructureMix(
                key=m["key"],
                upfront_share=m["upfront_share"],
                milestones_share=m["milestones_share"],
                royalties_share=m["royalties_share"],
            )
            for m in menu["structures"]
        )
        results["menu"] = menu_results(
            build_menu(asset, menu["target"], mixes, deal, menu_simulation(data)), data
        )
    return results


def solve_results(data: dict) -> dict:
    """The term of ``data["deal"]`` that gives a party its target, and both
    parties' values with the solved deal. Raises ``TargetUnreachable``
    (with the reachable range) when no value of the term does."""
    solve = data["solve"]
    try:
        solution = solve_term(
            build_asset(data),
            build_deal(data["deal"]),
            Solve(
                term=SolveFor(solve["for"]), party=Party(solve["party"]), target=solve["target"]
            ),
        )
    except UnreachableTarget as error:
        raise TargetUnreachable(
            term=solve["for"],
            party=solve["party"],
            target=solve["target"],
            low=error.low,
            high=error.high,
        ) from error
    return {
        "currency": data["currency"],
        "for": solve["for"],
        "party": solve["party"],
        "target": solve["target"],
        "value": solution.value,
        "licensor_rnpv": solution.analysis.deal.licensor_rnpv,
        "licensee_rnpv": solution.analysis.deal.licensee_rnpv,
        "project_rnpv": solution.project_rnpv,
        "reachable": {"min": solution.reachable_low, "max": solution.reachable_high},
        "deal": deal_inputs(solution.deal),
        "split": solution.analysis.deal.to_dict(),
    }


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
