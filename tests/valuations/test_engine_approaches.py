"""Income, cost and market approaches and the maturity scorecard against
hand computations."""

import pytest

from valuations.engine import EngineInputError
from valuations.engine.cost import CostItem, cost_approach
from valuations.engine.income import excess_earnings, profit_split, relief_from_royalty
from valuations.engine.market import Comparable, market_approach
from valuations.engine.scorecard import maturity_scorecard


def test_relief_from_royalty_discounts_the_royalties_saved_after_tax():
    result = relief_from_royalty(
        revenues=[100, 200], royalty_rate=0.1, discount_rate=0.1, tax_rate=0.25
    )

    assert result.present_value_before_benefit == pytest.approx(7.5 / 1.1 + 15 / 1.21)
    assert result.benefit_factor == 1
    assert result.value == pytest.approx(19.214876, abs=1e-6)


def test_relief_from_royalty_with_the_tax_amortisation_benefit():
    result = relief_from_royalty(
        revenues=[100, 200],
        royalty_rate=0.1,
        discount_rate=0.1,
        tax_rate=0.25,
        tax_amortisation_benefit=True,
        amortisation_years=2,
    )

    annuity = 1 / 1.1 + 1 / 1.21
    assert result.annuity_factor == pytest.approx(annuity)
    assert result.benefit_factor == pytest.approx(1 / (1 - 0.25 * annuity / 2))
    assert result.value == pytest.approx(19.214876 * 1.2770453, rel=1e-6)


def test_relief_from_royalty_needs_amortisation_years_with_the_benefit():
    with pytest.raises(EngineInputError) as error:
        relief_from_royalty(
            revenues=[1],
            royalty_rate=0.1,
            discount_rate=0.1,
            tax_rate=0.2,
            tax_amortisation_benefit=True,
        )

    assert error.value.field == "amortisation_years"


def test_profit_split_values_the_technology_share_of_profit():
    result = profit_split(
        revenues=[100, 100],
        profit_margin=0.3,
        technology_share=0.25,
        tax_rate=0.2,
        discount_rate=0.1,
    )

    assert result.value == pytest.approx(6 / 1.1 + 6 / 1.21)


def test_profit_split_pays_no_tax_on_a_loss():
    result = profit_split(
        revenues=[100], profit_margin=-0.2, technology_share=0.5, tax_rate=0.25, discount_rate=0
    )

    assert result.value == pytest.approx(-10)


def test_excess_earnings_deduct_after_tax_charges_by_default():
    result = excess_earnings(
        cash_flows=[50, 60], contributory_asset_charges=[10, 10], tax_rate=0.2, discount_rate=0.1
    )

    assert result.value == pytest.approx(30 / 1.1 + 38 / 1.21)


def test_excess_earnings_with_pre_tax_charges():
    result = excess_earnings(
        cash_flows=[50, 60],
        contributory_asset_charges=[10, 10],
        tax_rate=0.2,
        discount_rate=0.1,
        charges_after_tax=False,
    )

    assert result.value == pytest.approx(32 / 1.1 + 40 / 1.21)


def test_cost_approach_restates_adds_profit_and_deducts_obsolescence():
    result = cost_approach(
        costs=(CostItem(100, years_ago=2), CostItem(50)),
        inflation_rate=0.05,
        developer_profit_rate=0.1,
        functional_obsolescence=0.1,
        technological_obsolescence=0.2,
    )

    assert result.historical_cost == 150
    assert result.reproduction_cost == pytest.approx(110.25 + 50)
    assert result.replacement_cost == pytest.approx(160.25 * 1.1)
    assert result.remaining_fraction == pytest.approx(0.72)
    assert result.value == pytest.approx(160.25 * 1.1 * 0.72)


def test_market_approach_takes_the_median_of_comparables():
    result = market_approach(
        comparables=(Comparable("a", 10), Comparable("b", 20), Comparable("c", 40))
    )

    assert result.value == 20
    assert result.mean == pytest.approx(70 / 3)
    assert (result.low, result.high) == (10, 40)


def test_market_approach_adjusts_comparables_for_stage():
    result = market_approach(
        comparables=(
            Comparable("late", 100, probability_of_success=0.5),
            Comparable("early", 10, probability_of_success=0.05),
            Comparable("same", 30, adjustment=0.5, probability_of_success=0.1),
        ),
        subject_probability_of_success=0.1,
    )

    assert [c.adjusted_value for c in result.comparables] == pytest.approx([20, 20, 15])
    assert result.value == 20


def test_market_approach_weighted_median_splits_between_middle_values():
    result = market_approach(
        comparables=(Comparable("a", 10), Comparable("b", 20), Comparable("c", 40, weight=2))
    )

    assert result.value == 30
    assert result.weighted_mean == pytest.approx((10 + 20 + 80) / 4)


def test_scorecard_blends_trl_and_weighted_criteria():
    scores = dict.fromkeys(
        [
            "scientific_value",
            "innovation",
            "market_application_value",
            "maturity",
            "time_to_market",
            "ip_strength",
        ],
        4,
    )

    result = maturity_scorecard(trl=5, scores=scores)

    assert result.criteria_score == pytest.approx(80)
    assert result.trl_score == pytest.approx(50)
    assert result.overall_score == pytest.approx(0.3 * 50 + 0.7 * 80)
    assert result.grade == "B"


def test_scorecard_weights_override_the_defaults():
    scores = dict.fromkeys(
        [
            "scientific_value",
            "innovation",
            "market_application_value",
            "maturity",
            "time_to_market",
            "ip_strength",
        ],
        0,
    )
    scores["ip_strength"] = 5
    weights = {name: 0 for name in scores} | {"ip_strength": 1}

    result = maturity_scorecard(trl=9, scores=scores, weights=weights, trl_weight=0)

    assert result.overall_score == pytest.approx(100)
    assert result.grade == "A"
