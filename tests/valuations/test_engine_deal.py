"""Deal split, royalties and the exact outcome table against hand
computations on the small asset (see test_engine_rnpv): upfront 5,
3 on passing phase A (end of year 1), 7 when yearly sales reach 80 (year 5),
royalties 10% up to 60 and 20% above."""

import pytest

from valuations.engine import EngineInputError
from valuations.engine.deal import Deal, Milestone, RoyaltyTier, deal_split, royalty
from valuations.engine.rnpv import rnpv

D = [1.1**-t for t in range(1, 6)]
TIERS = (RoyaltyTier(60.0, 0.10), RoyaltyTier(None, 0.20))


def test_marginal_royalty_applies_each_rate_to_its_band():
    assert royalty([0, 50, 60, 100], TIERS).tolist() == pytest.approx([0, 5, 6, 14])


def test_whole_royalty_applies_the_rate_of_the_band_holding_the_sales():
    """Sales exactly at a bound belong to the band that ends there."""
    assert royalty([50, 60, 100], TIERS, "whole").tolist() == pytest.approx([5, 6, 20])


def test_licensor_value_adds_each_payment_weighted_and_discounted(small_asset, small_deal):
    analysis = deal_split(small_asset, small_deal)
    deal = analysis.deal

    milestone_a, milestone_sales = deal.milestones
    assert (milestone_a.year, milestone_a.probability) == (1, 0.5)
    assert milestone_a.present_value == pytest.approx(0.5 * 3 * D[0])
    assert (milestone_sales.year, milestone_sales.probability) == (5, pytest.approx(0.2))
    assert milestone_sales.present_value == pytest.approx(0.2 * 7 * D[4])
    assert deal.royalty_rnpv == pytest.approx(0.2 * (5 * D[3] + 14 * D[4]))
    expected_licensor = 5 + 1.5 * D[0] + 1.4 * D[4] + 0.2 * (5 * D[3] + 14 * D[4])
    assert deal.licensor_rnpv == pytest.approx(expected_licensor)
    assert deal.licensor_rnpv == pytest.approx(9.654519, abs=1e-6)
    assert deal.licensee_rnpv == pytest.approx(rnpv(small_asset).rnpv - expected_licensor)
    assert deal.lump_sum_equivalent == pytest.approx(expected_licensor)


def test_licensor_cost_share_is_weighted_by_reaching_each_phase(small_asset):
    deal = Deal(licensee_cost_share=0.75)

    result = deal_split(small_asset, deal).deal

    development_rnpv = 10 * D[0] + 0.5 * 10 * (D[1] + D[2])
    assert result.licensor_cost_rnpv == pytest.approx(0.25 * development_rnpv)
    assert result.licensor_rnpv == pytest.approx(-0.25 * development_rnpv)


def test_royalty_years_count_from_launch(small_asset):
    one_year = Deal(royalty_tiers=TIERS, royalty_years=1)

    result = deal_split(small_asset, one_year).deal

    assert result.royalty_rnpv == pytest.approx(0.2 * 5 * D[3])


def test_royalties_stop_at_the_end_of_exclusivity_by_default():
    from valuations.engine.rnpv import Asset, Commercial

    asset = Asset(
        phases=(),
        commercial=Commercial(peak_sales=100.0, plateau_years=1, erosion=(0.5,)),
        discount_rate=0.0,
    )

    result = deal_split(asset, Deal(royalty_tiers=(RoyaltyTier(None, 0.1),))).deal

    assert result.royalty_rnpv == pytest.approx(10)


def test_a_sales_milestone_never_reached_is_worth_nothing(small_asset):
    deal = Deal(milestones=(Milestone("Blockbuster", 100.0, on_annual_sales_at_least=1e6),))

    (milestone,) = deal_split(small_asset, deal).deal.milestones

    assert (milestone.year, milestone.probability, milestone.present_value) == (None, 0, 0)


def test_outcome_table_lists_each_failure_and_the_market(small_asset, small_deal):
    outcomes = deal_split(small_asset, small_deal).outcomes

    assert [(o.outcome, o.phase) for o in outcomes] == [
        ("fails_in_phase", "A"),
        ("fails_in_phase", "B"),
        ("reaches_market", None),
    ]
    assert [o.probability for o in outcomes] == pytest.approx([0.5, 0.3, 0.2])
    assert outcomes[0].project_pv == pytest.approx(-10 * D[0])
    assert outcomes[1].project_pv == pytest.approx(-10 * (D[0] + D[1] + D[2]))
    assert outcomes[2].project_pv == pytest.approx(rnpv(small_asset).npv)
    assert outcomes[0].licensor_pv == pytest.approx(5)
    assert outcomes[1].licensor_pv == pytest.approx(5 + 3 * D[0])
    assert outcomes[2].licensor_pv == pytest.approx(5 + 3 * D[0] + 7 * D[4] + 5 * D[3] + 14 * D[4])
    for outcome in outcomes:
        assert outcome.licensor_pv + outcome.licensee_pv == pytest.approx(outcome.project_pv)


def test_risk_of_each_party_from_the_outcome_table(small_asset, small_deal):
    analysis = deal_split(small_asset, small_deal)
    outcomes, risk = analysis.outcomes, analysis.risk

    probability = [o.probability for o in outcomes]
    licensor = [o.licensor_pv for o in outcomes]
    mean = sum(p * v for p, v in zip(probability, licensor, strict=True))
    variance = sum(p * (v - mean) ** 2 for p, v in zip(probability, licensor, strict=True))
    assert risk.licensor.mean == pytest.approx(analysis.deal.licensor_rnpv)
    assert risk.licensor.sd == pytest.approx(variance**0.5)
    assert risk.licensor.probability_of_loss == 0
    # Even on the market the licensee pays more than the asset earns it.
    assert outcomes[2].licensee_pv < 0
    assert risk.licensee.probability_of_loss == pytest.approx(1.0)
    # The licensor gets less than the lump sum unless the asset reaches market.
    assert risk.licensor_below_lump_sum_probability == pytest.approx(0.8)
    assert risk.licensee_lump_sum.mean == pytest.approx(analysis.deal.licensee_rnpv)


@pytest.mark.parametrize(
    ("deal_kwargs", "field"),
    [
        ({"milestones": (Milestone("x", 1.0, on_phase_success="Z"),)}, "deal.milestones.0"),
        (
            {
                "royalty_tiers": (
                    RoyaltyTier(100.0, 0.1),
                    RoyaltyTier(50.0, 0.2),
                    RoyaltyTier(None, 0.3),
                )
            },
            "deal.royalty_tiers.1.up_to",
        ),
        ({"royalty_tiers": (RoyaltyTier(100.0, 0.1),)}, "deal.royalty_tiers.0.up_to"),
        ({"licensee_cost_share": 1.5}, "deal.licensee_cost_share"),
    ],
)
def test_invalid_deals_are_refused_with_the_field_named(small_asset, deal_kwargs, field):
    with pytest.raises(EngineInputError) as error:
        deal_split(small_asset, Deal(**deal_kwargs))

    assert error.value.field.startswith(field)
