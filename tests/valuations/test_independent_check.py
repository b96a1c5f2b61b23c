"""The engine against a plain, loop-by-loop reading of the conventions,
written independently of it, on many random assets and deals."""

from hypothesis import given, settings
from pytest import approx

from tests.valuations.test_properties import assets_with_deals
from valuations.engine.deal import deal_split
from valuations.engine.rnpv import rnpv


def plain_valuation(asset, deal):
    """rNPV and the licensor's rNPV, year by year in plain Python."""
    r = asset.discount_rate
    shift = 0.5 if asset.timing == "mid_year" else 0.0

    def discount(year):
        return (1 + r) ** -(year - shift)

    rnpv_total, licensor = 0.0, deal.upfront
    reach, year, phase_end = 1.0, 0, {}
    for phase in asset.phases:
        for _ in range(phase.years):
            year += 1
            cost = phase.cost / phase.years * reach * discount(year)
            rnpv_total -= cost
            licensor -= (1 - deal.licensee_cost_share) * cost
        reach *= phase.success_probability
        phase_end[phase.name] = (year, reach)
    c = asset.commercial
    launch = year + c.launch_delay + 1
    shares = list(c.ramp) + [1.0] * c.plateau_years + list(c.erosion)
    royalty_years = deal.royalty_years
    if royalty_years is None:
        royalty_years = len(c.ramp) + c.plateau_years
    paid_sales_milestones = set()
    for index, share in enumerate(shares):
        t = launch + index
        sales = c.peak_sales * share
        profit = sales * (1 - c.cogs_rate - c.opex_rate)
        cash = profit - c.tax_rate * max(profit, 0)
        rnpv_total += reach * cash * discount(t)
        if index < royalty_years:
            licensor += reach * royalty_of(sales, deal) * discount(t)
        for number, milestone in enumerate(deal.milestones):
            threshold = milestone.on_annual_sales_at_least
            if (
                threshold is not None
                and number not in paid_sales_milestones
                and sales >= threshold
            ):
                paid_sales_milestones.add(number)
                licensor += reach * milestone.amount * discount(t)
    for milestone in deal.milestones:
        if milestone.on_phase_success is not None:
            end, passed = phase_end[milestone.on_phase_success]
            licensor += passed * milestone.amount * discount(end)
    return rnpv_total, licensor


def royalty_of(sales, deal):
    low, total = 0.0, 0.0
    for tier in deal.royalty_tiers:
        high = tier.up_to if tier.up_to is not None else float("inf")
        if deal.royalty_basis == "whole":
            if sales <= high:
                return tier.rate * sales
        else:
            total += tier.rate * max(0.0, min(sales, high) - low)
        low = high
    return total


@given(assets_with_deals())
@settings(max_examples=300, deadline=None)
def test_engine_agrees_with_a_plain_reading_of_the_conventions(case):
    asset, deal = case
    expected_rnpv, expected_licensor = plain_valuation(asset, deal)

    analysis = deal_split(asset, deal)

    tolerance = 1e-9 * (
        1 + abs(expected_rnpv) + abs(expected_licensor) + asset.commercial.peak_sales
    )
    assert rnpv(asset).rnpv == approx(expected_rnpv, abs=tolerance)
    assert analysis.deal.licensor_rnpv == approx(expected_licensor, abs=tolerance)
