"""Valuation that negotiates: the option to abandon at a gate, solving a
deal for one term, and menus of deal structures of equal value to the
licensor. Expected figures come from loops written here, reading the
conventions of docs/valuation.md, not from the engine."""

import copy
import math
from dataclasses import replace

import pytest
from pytest import approx

from tests.valuations.test_independent_check import plain_valuation
from valuations.engine.deal import Deal, Milestone, RoyaltyTier
from valuations.engine.flexibility import Revelation, Scenario, abandonment_option
from valuations.engine.menu import STANDARD_MENU, StructureMix, build_menu
from valuations.engine.montecarlo import Simulation
from valuations.engine.solve import Party, Solve, SolveFor, UnreachableTarget, solve_term

RNPV_URL = "/api/v1/valuations/compute/rnpv/"
SOLVE_URL = "/api/v1/valuations/compute/solve/"


def at_peak(asset, peak):
    return replace(asset, commercial=replace(asset.commercial, peak_sales=peak))


def hand_continuation(asset, after_phase, peak):
    """Everything after the gate, year by year: later phases' costs weighted
    by the later phases' success only, sales after tax on positive profit,
    discounted to today."""
    r = asset.discount_rate
    shift = 0.5 if asset.timing == "mid_year" else 0.0
    year, passed_gate, reach, value = 0, False, 1.0, 0.0
    for phase in asset.phases:
        for _ in range(phase.years):
            year += 1
            if passed_gate:
                value -= reach * phase.cost / phase.years / (1 + r) ** (year - shift)
        if passed_gate:
            reach *= phase.success_probability
        if phase.name == after_phase:
            passed_gate = True
    c = asset.commercial
    shares = list(c.ramp) + [1.0] * c.plateau_years + list(c.erosion)
    launch = year + c.launch_delay + 1
    for index, share in enumerate(shares):
        profit = peak * share * (1 - c.cogs_rate - c.opex_rate)
        cash = profit - c.tax_rate * max(profit, 0.0)
        value += reach * cash / (1 + r) ** (launch + index - shift)
    return value


def hand_before_gate(asset, after_phase):
    r = asset.discount_rate
    shift = 0.5 if asset.timing == "mid_year" else 0.0
    year, reach, value = 0, 1.0, 0.0
    for phase in asset.phases:
        for _ in range(phase.years):
            year += 1
            value -= reach * phase.cost / phase.years / (1 + r) ** (year - shift)
        reach *= phase.success_probability
        if phase.name == after_phase:
            return value, reach
    raise AssertionError(after_phase)


# --- The option to abandon ----------------------------------------------------


@pytest.mark.parametrize("after_phase", ["A", "B"])
@pytest.mark.parametrize("timing", ["end_of_year", "mid_year"])
def test_each_scenario_continues_only_if_what_follows_the_gate_is_worth_more_than_nothing(
    small_asset, after_phase, timing
):
    asset = replace(small_asset, timing=timing)
    scenarios = (Scenario(0.3, 20.0), Scenario(0.5, 90.0), Scenario(0.2, 250.0))

    result = abandonment_option(asset, Revelation(after_phase, scenarios))

    before, gate_probability = hand_before_gate(asset, after_phase)
    continuation = [hand_continuation(asset, after_phase, s.peak_sales) for s in scenarios]
    assert [s.continuation_value for s in result.scenarios] == approx(continuation)
    assert [s.continues for s in result.scenarios] == [value > 0 for value in continuation]
    assert result.gate_probability == approx(gate_probability)
    assert result.value_before_gate == approx(before)
    static = before + gate_probability * sum(
        s.probability * v for s, v in zip(scenarios, continuation, strict=True)
    )
    flexible = before + gate_probability * sum(
        s.probability * max(v, 0.0) for s, v in zip(scenarios, continuation, strict=True)
    )
    assert result.static_value == approx(static)
    assert result.flexible_value == approx(flexible)
    assert result.option_value == approx(flexible - static)


def test_the_static_value_is_the_rnpv_at_the_scenarios_expected_peak(small_asset):
    scenarios = (Scenario(0.25, 40.0), Scenario(0.75, 160.0))
    result = abandonment_option(small_asset, Revelation("A", scenarios))
    expected_peak = 0.25 * 40 + 0.75 * 160
    rnpv_at_expected, _licensor = plain_valuation(at_peak(small_asset, expected_peak), Deal())
    assert result.expected_peak_sales == approx(expected_peak)
    assert result.static_value == approx(rnpv_at_expected)


def test_the_option_is_worth_nothing_when_every_scenario_goes_on(small_asset):
    result = abandonment_option(
        small_asset, Revelation("A", (Scenario(0.5, 400.0), Scenario(0.5, 600.0)))
    )
    assert all(s.continues for s in result.scenarios)
    assert result.option_value == approx(0.0, abs=1e-12)


def test_the_option_is_worth_what_stopping_saves_in_the_bad_scenario(small_asset):
    result = abandonment_option(
        small_asset, Revelation("A", (Scenario(0.4, 0.0), Scenario(0.6, 300.0)))
    )
    bad, good = result.scenarios
    assert (bad.continues, good.continues) == (False, True)
    # With no sales, going on after the gate only spends phase B's cost.
    assert bad.continuation_value == approx(-(10 / 1.1**2 + 10 / 1.1**3))
    assert result.option_value == approx(-0.5 * 0.4 * bad.continuation_value)


def test_the_flexibility_of_the_api_with_a_worked_example(staff_client, issue_example):
    body = {
        **issue_example,
        "revelation": {
            "after_phase": "Phase I",
            "scenarios": [
                {"probability": 0.3, "peak_sales": 50},
                {"probability": 0.5, "peak_sales": 1500},
                {"probability": 0.2, "peak_sales": "3000"},
            ],
        },
    }
    response = staff_client.post(RNPV_URL, body, format="json")
    assert response.status_code == 200, response.json()
    flexibility = response.json()["flexibility"]
    assert set(flexibility) >= {"static_value", "flexible_value", "option_value", "scenarios"}
    assert set(flexibility["scenarios"][0]) == {
        "probability",
        "peak_sales",
        "continuation_value",
        "continue",
    }
    # Phase II costs 60 over years 3-5 at 10 %; a product at 50 peak does
    # not pay for it, the others do.
    assert [s["continue"] for s in flexibility["scenarios"]] == [False, True, True]
    assert flexibility["option_value"] > 0
    assert flexibility["option_value"] == approx(
        flexibility["flexible_value"] - flexibility["static_value"]
    )


@pytest.mark.parametrize(
    ("revelation", "field", "code"),
    [
        (
            {"after_phase": "Phase I", "scenarios": [{"probability": 0.5, "peak_sales": 1}]},
            "revelation.scenarios",
            "probabilities_not_summing_to_one",
        ),
        (
            {
                "after_phase": "Phase I",
                "scenarios": [
                    {"probability": 0.7, "peak_sales": 1},
                    {"probability": 0.7, "peak_sales": 2},
                ],
            },
            "revelation.scenarios",
            "probabilities_not_summing_to_one",
        ),
        (
            {"after_phase": "Phase IX", "scenarios": [{"probability": 1, "peak_sales": 1}]},
            "revelation.after_phase",
            "unknown_phase",
        ),
        (
            {"after_phase": "Phase I", "scenarios": []},
            "revelation.scenarios",
            "no_scenarios",
        ),
    ],
)
def test_a_bad_revelation_is_a_coded_400_naming_the_field(
    staff_client, issue_example, revelation, field, code
):
    response = staff_client.post(
        RNPV_URL, {**issue_example, "revelation": revelation}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"]
    assert error["code"] == code


# --- Solving for a term -------------------------------------------------------


@pytest.mark.parametrize("party", [Party.LICENSOR, Party.LICENSEE])
@pytest.mark.parametrize(
    "term", [SolveFor.UPFRONT, SolveFor.ROYALTY_SCALE, SolveFor.MILESTONE_SCALE]
)
def test_the_solved_term_gives_the_party_its_target(small_asset, small_deal, term, party):
    project, licensor_before = plain_valuation(small_asset, small_deal)
    # A target a little better for the party than the deal as it stands.
    target = (licensor_before if party == Party.LICENSOR else project - licensor_before) + 0.5

    solution = solve_term(small_asset, small_deal, Solve(term, party, target))

    solved = small_deal
    if term == SolveFor.UPFRONT:
        solved = replace(small_deal, upfront=solution.value)
    elif term == SolveFor.ROYALTY_SCALE:
        solved = replace(
            small_deal,
            royalty_tiers=tuple(
                replace(t, rate=t.rate * solution.value) for t in small_deal.royalty_tiers
            ),
        )
    else:
        solved = replace(
            small_deal,
            milestones=tuple(
                replace(m, amount=m.amount * solution.value) for m in small_deal.milestones
            ),
        )
    project_value, licensor = plain_valuation(small_asset, solved)
    reached = licensor if party == Party.LICENSOR else project_value - licensor
    assert reached == approx(target)
    assert solution.analysis.deal.licensor_rnpv == approx(licensor)
    assert solution.analysis.deal.licensee_rnpv == approx(project_value - licensor)


def test_royalties_alone_cannot_reach_a_target_above_royalties_of_every_sale(
    small_asset, small_deal
):
    # The highest rate is 20 %: scaled by 5 it takes all of the sales above
    # 60, the most a factor on the rates can do.
    at_most = replace(
        small_deal,
        royalty_tiers=(RoyaltyTier(60.0, 0.5), RoyaltyTier(None, 1.0)),
    )
    _project, highest = plain_valuation(small_asset, at_most)
    _project, lowest = plain_valuation(small_asset, replace(small_deal, royalty_tiers=()))

    with pytest.raises(UnreachableTarget) as refused:
        solve_term(
            small_asset, small_deal, Solve(SolveFor.ROYALTY_SCALE, Party.LICENSOR, highest + 1)
        )
    assert refused.value.low == approx(lowest)
    assert refused.value.high == approx(highest)


def test_the_solve_endpoint_answers_the_term_and_both_values(staff_client, issue_example):
    body = {**issue_example, "solve": {"for": "upfront", "party": "licensor", "target": 80}}
    del body["simulation"]
    response = staff_client.post(SOLVE_URL, body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["for"] == "upfront"
    assert data["licensor_rnpv"] == approx(80)
    assert data["licensor_rnpv"] + data["licensee_rnpv"] == approx(data["project_rnpv"])
    assert data["deal"]["upfront"] == approx(data["value"])
    # Without the upfront the deal was worth 80 - upfront to the licensor,
    # and an upfront may be anything from zero up.
    assert data["reachable"] == {"min": approx(80 - data["value"]), "max": None}


def test_an_unreachable_target_is_a_400_with_the_reachable_range(staff_client, issue_example):
    body = {
        **issue_example,
        "solve": {"for": "milestone_scale", "party": "licensee", "target": 10**9},
    }
    response = staff_client.post(SOLVE_URL, body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unreachable_target"
    assert "solve.target" in error["fields"]
    reachable = error["details"]["reachable"]
    # More milestones only take from the licensee: its best is with none.
    assert reachable["min"] is None
    no_milestones = copy.deepcopy(issue_example)
    no_milestones["deal"]["milestones"] = []
    del no_milestones["simulation"]
    best = staff_client.post(RNPV_URL, no_milestones, format="json").json()["deal"]
    assert reachable["max"] == approx(best["licensee_rnpv"])


@pytest.mark.parametrize(
    ("solve", "field"),
    [
        ({"for": "discount", "party": "licensor", "target": 1}, "solve.for"),
        ({"for": "upfront", "party": "investor", "target": 1}, "solve.party"),
        ({"for": "upfront", "party": "licensor"}, "solve.target"),
    ],
)
def test_a_bad_solve_names_its_field(staff_client, issue_example, solve, field):
    response = staff_client.post(SOLVE_URL, {**issue_example, "solve": solve}, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_solving_needs_a_deal(staff_client, issue_example):
    body = {**issue_example, "solve": {"for": "upfront", "party": "licensor", "target": 1}}
    del body["deal"]
    response = staff_client.post(SOLVE_URL, body, format="json")
    assert response.status_code == 400
    assert "deal" in response.json()["error"]["fields"]


# --- Menus of equal-value structures ------------------------------------------


def hand_outcomes(asset, deal):
    """(probability, licensor PV, licensee PV) of each outcome: fails in
    phase 1..n or reaches market, read year by year."""
    r = asset.discount_rate

    def d(year):
        return (1 + r) ** -year

    outcomes = []
    reach, year, costs, paid_milestones = 1.0, 0, 0.0, 0.0
    phase_end = {}
    for phase in asset.phases:
        for _ in range(phase.years):
            year += 1
            costs += phase.cost / phase.years * d(year)
        phase_end[phase.name] = year
        project = -costs
        licensor = deal.upfront + paid_milestones - (1 - deal.licensee_cost_share) * costs
        outcomes.append((reach * (1 - phase.success_probability), licensor, project - licensor))
        reach *= phase.success_probability
        for m in deal.milestones:
            if m.on_phase_success == phase.name:
                paid_milestones += m.amount * d(year)
    c = asset.commercial
    shares = list(c.ramp) + [1.0] * c.plateau_years + list(c.erosion)
    launch = year + c.launch_delay + 1
    commercial = royalties = 0.0
    window = len(c.ramp) + c.plateau_years if deal.royalty_years is None else deal.royalty_years
    for index, share in enumerate(shares):
        sales = c.peak_sales * share
        profit = sales * (1 - c.cogs_rate - c.opex_rate)
        commercial += (profit - c.tax_rate * max(profit, 0.0)) * d(launch + index)
        if index < window:
            royalties += sum(
                t.rate * max(0.0, min(sales, t.up_to or math.inf) - low)
                for t, low in zip(
                    deal.royalty_tiers,
                    [0.0, *[t.up_to for t in deal.royalty_tiers[:-1]]][: len(deal.royalty_tiers)],
                    strict=True,
                )
            ) * d(launch + index)
    project = commercial - costs
    licensor = deal.upfront + paid_milestones + royalties - (1 - deal.licensee_cost_share) * costs
    outcomes.append((reach, licensor, project - licensor))
    return outcomes


def lower_quantile(pairs, q):
    total = 0.0
    for value, probability in sorted(pairs):
        total += probability
        if total >= q - 1e-12:
            return value
    return sorted(pairs)[-1][0]


@pytest.fixture
def phase_asset(small_asset):
    """No sales milestones here: every structure of the menu scales the
    template's phase milestones and marginal tiers."""
    return small_asset


def test_every_structure_of_the_menu_is_worth_the_target_to_the_licensor(phase_asset):
    menu = build_menu(phase_asset, 4.0)
    feasible = [s for s in menu.structures if s.feasible]
    assert len(feasible) >= 5
    for structure in feasible:
        _project, licensor = plain_valuation(phase_asset, structure.deal)
        assert licensor == approx(4.0)
        assert structure.licensor_exact.mean == approx(4.0)


def test_the_menu_runs_from_all_upfront_to_royalty_heavy(phase_asset):
    menu = build_menu(phase_asset, 4.0)
    keys = [s.key for s in menu.structures]
    assert keys == [mix.key for mix in STANDARD_MENU]
    first, last = menu.structures[0], menu.structures[-1]
    assert first.deal.milestones == () and first.deal.royalty_tiers == ()
    assert first.deal.upfront == approx(4.0)
    assert first.licensor_exact.sd == approx(0.0)
    assert last.deal.upfront == 0
    # Moving value from the upfront to later payments moves risk from the
    # licensee to the licensor.
    licensor_sd = [s.licensor_exact.sd for s in menu.structures]
    licensee_sd = [s.licensee_exact.sd for s in menu.structures]
    assert licensor_sd[0] < licensor_sd[2] < licensor_sd[-1]
    assert licensee_sd[0] > licensee_sd[2] > licensee_sd[-1]


def test_each_structures_risk_figures_match_its_outcome_table(phase_asset):
    mixes = (
        StructureMix("upfront", 1.0, 0.0, 0.0),
        StructureMix("mixed", 0.2, 0.5, 0.3),
    )
    template = Deal(
        milestones=(
            Milestone("A", 2.0, on_phase_success="A"),
            Milestone("B", 3.0, on_phase_success="B"),
        ),
        royalty_tiers=(RoyaltyTier(60.0, 0.05), RoyaltyTier(None, 0.10)),
        licensee_cost_share=0.8,
    )
    menu = build_menu(phase_asset, 6.0, mixes, template)
    for structure in menu.structures:
        outcomes = hand_outcomes(phase_asset, structure.deal)
        for party, index, figures in (
            ("licensor", 1, structure.licensor_exact),
            ("licensee", 2, structure.licensee_exact),
        ):
            mean = sum(o[0] * o[index] for o in outcomes)
            variance = sum(o[0] * (o[index] - mean) ** 2 for o in outcomes)
            pairs = [(o[index], o[0]) for o in outcomes]
            assert figures.mean == approx(mean), party
            assert figures.sd == approx(math.sqrt(variance)), party
            assert figures.p5 == approx(lower_quantile(pairs, 0.05)), party
            assert figures.p95 == approx(lower_quantile(pairs, 0.95)), party
            assert figures.probability_of_loss == approx(
                sum(p for value, p in pairs if value < 0)
            ), party
    mixed = menu.structures[1]
    # Milestones keep the template's proportions (2 : 3), tiers their bands
    # and relative rates (1 : 2).
    a, b = (m.amount for m in mixed.deal.milestones)
    assert b / a == approx(1.5)
    low, high = mixed.deal.royalty_tiers
    assert (low.up_to, high.rate / low.rate) == (60.0, approx(2.0))
    # The licensee pays the upfront, both milestones and 80 % of the costs
    # before launch if every phase succeeds.
    cash = mixed.licensee_cash_before_launch
    assert cash.if_all_succeed == approx(mixed.deal.upfront + a + b + 0.8 * 30)
    assert cash.expected == approx(mixed.deal.upfront + 0.5 * a + 0.2 * b + 0.8 * (10 + 0.5 * 20))


def test_the_simulated_figures_agree_with_the_exact_ones(phase_asset):
    menu = build_menu(phase_asset, 4.0, STANDARD_MENU, None, Simulation(trials=200_000, seed=11))
    for structure in menu.structures:
        for exact, simulated in (
            (structure.licensor_exact, structure.licensor_simulated),
            (structure.licensee_exact, structure.licensee_simulated),
        ):
            # Standard error of a mean over 200,000 trials: sd / 447.
            assert simulated.mean == approx(exact.mean, abs=5 * exact.sd / 447 + 1e-9)
            assert simulated.sd == approx(exact.sd, rel=0.02, abs=1e-9)
            assert simulated.probability_of_loss == approx(exact.probability_of_loss, abs=0.01)


def test_a_structure_the_project_cannot_pay_is_marked_not_feasible(phase_asset):
    # Royalties worth 1,000 would take more than every sale.
    menu = build_menu(
        phase_asset,
        1000.0,
        (StructureMix("upfront", 1, 0, 0), StructureMix("royalty", 0, 0, 1)),
    )
    upfront, royalty = menu.structures
    assert upfront.feasible
    assert (royalty.feasible, royalty.reason, royalty.deal) == (False, "royalty_above_sales", None)


def test_the_menu_through_the_api(staff_client, issue_example):
    body = {**issue_example, "menu": {"target": 25, "trials": 20000, "seed": 3}}
    response = staff_client.post(RNPV_URL, body, format="json")
    assert response.status_code == 200, response.json()
    menu = response.json()["menu"]
    assert (menu["target"], menu["trials"], menu["seed"]) == (25, 20000, 3)
    assert len(menu["structures"]) == 6
    for structure in menu["structures"]:
        assert structure["feasible"], structure
        assert structure["licensor"]["exact"]["mean"] == approx(25)
        assert set(structure["licensee"]["simulated"]) == {
            "mean",
            "sd",
            "p5",
            "p95",
            "probability_of_loss",
        }
        # The structure's deal is inputs the rNPV endpoint takes back.
        again = {**issue_example, "deal": structure["deal"]}
        del again["simulation"]
        split = staff_client.post(RNPV_URL, again, format="json").json()["deal"]
        assert split["licensor_rnpv"] == approx(25)


def test_a_menu_without_a_seed_returns_the_seed_it_drew(staff_client, issue_example):
    del issue_example["simulation"]
    body = {**issue_example, "menu": {"target": 25, "trials": 100}}
    menu = staff_client.post(RNPV_URL, body, format="json").json()["menu"]
    assert isinstance(menu["seed"], int)


@pytest.mark.parametrize(
    ("menu", "field", "code"),
    [
        (
            {
                "target": 1,
                "structures": [
                    {"key": "one", "upfront_share": 1, "milestones_share": 0, "royalties_share": 0}
                ],
            },
            "menu.structures",
            "too_few_structures",
        ),
        (
            {
                "target": 1,
                "structures": [
                    {
                        "key": "a",
                        "upfront_share": 0.5,
                        "milestones_share": 0,
                        "royalties_share": 0,
                    },
                    {"key": "b", "upfront_share": 1, "milestones_share": 0, "royalties_share": 0},
                ],
            },
            "menu.structures.0.upfront_share",
            "shares_not_one",
        ),
        ({"target": -5}, "menu.target", "min_value"),
        ({}, "menu.target", "required"),
    ],
)
def test_a_bad_menu_is_a_coded_400_naming_the_field(
    staff_client, issue_example, menu, field, code
):
    response = staff_client.post(RNPV_URL, {**issue_example, "menu": menu}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"]
    assert error["code"] == code


# --- The worked examples of docs/valuation.md ---------------------------------


def test_the_documented_option_example(small_asset):
    result = abandonment_option(
        small_asset, Revelation("A", (Scenario(0.5, 40.0), Scenario(0.5, 160.0)))
    )
    assert [round(s.continuation_value, 4) for s in result.scenarios] == [-9.6181, 8.8605]
    assert round(result.static_value, 4) == -9.2803
    assert round(result.flexible_value, 4) == -6.8758
    assert round(result.option_value, 4) == 2.4045


def test_the_documented_solve_example(small_asset):
    deal = Deal(
        upfront=1.0,
        milestones=(Milestone("B passed", 5.0, on_phase_success="B"),),
        royalty_tiers=(RoyaltyTier(None, 0.05),),
    )
    answers = {
        term: solve_term(small_asset, deal, Solve(term, Party.LICENSOR, 3.0)) for term in SolveFor
    }
    assert round(answers[SolveFor.UPFRONT].value, 4) == 1.2863
    assert round(answers[SolveFor.ROYALTY_SCALE].value, 4) == 1.2974
    assert round(answers[SolveFor.ROYALTY_SCALE].reachable_high, 4) == 20.9999
    assert round(answers[SolveFor.MILESTONE_SCALE].value, 4) == 1.3810


def test_the_documented_menu_example(small_asset):
    menu = {s.key: s for s in build_menu(small_asset, 3.0).structures}
    balanced = menu["balanced"]
    assert round(balanced.deal.upfront, 2) == 0.90
    assert [round(m.amount, 2) for m in balanced.deal.milestones] == [1.74, 1.74]
    assert round(balanced.deal.royalty_tiers[0].rate, 4) == 0.0545
    assert round(balanced.licensor_exact.p95, 2) == 9.03
    assert round(menu["all_royalty"].licensee_exact.sd, 2) == 8.74
    assert round(menu["all_upfront"].licensee_exact.sd, 2) == 13.34


def test_a_menus_trials_count_towards_running_in_the_background(issue_example):
    from valuations.services import BACKGROUND_TRIALS, runs_in_background, simulated_trials

    inputs = {**issue_example, "simulation": None}
    inputs["menu"] = {"target": 1, "trials": 20_000, "structures": [{}] * 6}
    assert simulated_trials("rnpv", inputs) == 120_000 > BACKGROUND_TRIALS
    assert runs_in_background("rnpv", inputs)
    inputs["menu"]["trials"] = 10_000
    assert not runs_in_background("rnpv", inputs)
