"""One royalty arithmetic: what a partner is invoiced and what a valuation
expects agree to the cent.

The contract code (``partnerships.computations.royalties``) charges royalty
reports in exact decimals from tiers given by their lower bounds; the
valuation engine (``valuations.engine.deal``) values years of sales in
floats from bands given by their upper bounds. Both follow one boundary
rule: a band includes its upper threshold, so annual sales exactly at a
threshold belong to the lower tier. On the whole basis that decides the
rate of all the year's sales; on the marginal basis the royalty is
continuous and the rule only says which band a slice of sales is shown in.
"""

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from core.money import quantize_money
from partnerships.computations.royalties import Tier, royalty_on_annual_sales, tier_slices
from projects.services import royalty_report_submit
from tests.factories import PartnerUserFactory, ProjectUnderAgreementFactory, RoyaltyTierFactory
from valuations.engine.deal import RoyaltyTier, royalty
from valuations.inputs import DealInputSerializer
from valuations.methods import build_deal
from valuations.models import Valuation
from valuations.selectors import deal_defaults_for, valuation_defaults_for
from valuations.services import valuation_run

D = Decimal
CENT = D("0.01")
BASES = ["marginal", "whole"]

# Tier sets as a licence writes them: (lower bound, rate in percent).
TIER_SETS = {
    "5% up to 1,000,000, 8% above": [(0, 5), (1_000_000, 8)],
    "5%, 8% above 1,000,000, 10% above 5,000,000": [(0, 5), (1_000_000, 8), (5_000_000, 10)],
    "rates with fractions, thresholds with cents": [
        (0, D("3.25")),
        (D("250000.50"), D("4.75")),
        (2_000_000, 6),
    ],
    "falling rates, as for a mature product": [(0, 12), (100_000, 6), (10_000_000, D("2.5"))],
    "one flat rate": [(0, 7)],
}


def contract_tiers(tier_set) -> list[Tier]:
    return [Tier(lower_bound=D(lower), rate_percent=D(rate)) for lower, rate in tier_set]


def engine_tiers(tier_set) -> tuple[RoyaltyTier, ...]:
    """The same tiers as the engine takes them, as a valuation prefilled
    from the agreement has them: each band up to the next lower bound, the
    last one open, rates as fractions."""
    uppers = [lower for lower, _rate in tier_set[1:]] + [None]
    return tuple(
        RoyaltyTier(up_to=None if upper is None else float(upper), rate=float(D(rate) / 100))
        for (_lower, rate), upper in zip(tier_set, uppers, strict=True)
    )


def sales_grid(tier_set) -> list[Decimal]:
    """Zero, every threshold and a cent either side of it, a few ordinary
    figures and figures far above the last threshold."""
    thresholds = [D(lower) for lower, _rate in tier_set[1:]]
    top = max(thresholds, default=D(1_000_000))
    grid = {D(0), CENT, D(1), D("123456.78"), top * 10, D("987654321.09"), D(10) ** 9}
    for threshold in thresholds:
        grid |= {threshold - CENT, threshold, threshold + CENT}
    return sorted(grid)


def to_cents(amount: Decimal) -> Decimal:
    return quantize_money(amount, "CNY")


@pytest.mark.parametrize("basis", BASES)
@pytest.mark.parametrize("name", TIER_SETS)
def test_the_contract_code_and_the_valuation_engine_charge_the_same_royalty(name, basis):
    tier_set = TIER_SETS[name]
    grid = sales_grid(tier_set)

    invoiced = [
        to_cents(royalty_on_annual_sales(sales, contract_tiers(tier_set), basis)) for sales in grid
    ]
    valued = [
        to_cents(D(repr(float(value))))
        for value in royalty(
            np.array([float(sales) for sales in grid]), engine_tiers(tier_set), basis
        )
    ]

    assert dict(zip(grid, valued, strict=True)) == dict(zip(grid, invoiced, strict=True))


@pytest.mark.parametrize("basis", BASES)
def test_sales_exactly_at_a_threshold_are_charged_at_the_lower_tiers_rate(basis):
    """5% up to 1,000,000 and 8% above: a year of exactly 1,000,000 owes
    50,000.00 on either basis, in the invoice and in the valuation."""
    tier_set = TIER_SETS["5% up to 1,000,000, 8% above"]

    invoiced = royalty_on_annual_sales(D(1_000_000), contract_tiers(tier_set), basis)
    [valued] = royalty([1_000_000.0], engine_tiers(tier_set), basis)

    assert to_cents(invoiced) == to_cents(D(repr(float(valued)))) == D("50000.00")


def test_the_next_cent_of_sales_takes_a_whole_basis_year_to_the_upper_rate():
    tier_set = TIER_SETS["5% up to 1,000,000, 8% above"]

    invoiced = royalty_on_annual_sales(D("1000000.01"), contract_tiers(tier_set), "whole")

    assert to_cents(invoiced) == D("80000.00")


def test_a_period_that_ends_exactly_at_a_threshold_adds_nothing_to_the_upper_band():
    """Q1 sold 600,000 and Q2 400,000: the year stands at 1,000,000, all of
    it in the 5% band; the 8% band's slice is empty."""
    tiers = contract_tiers(TIER_SETS["5% up to 1,000,000, 8% above"])

    slices = tier_slices(tiers=tiers, sales_earlier_in_year=D(600_000), period_sales=D(400_000))

    assert [(s.rate_percent, s.sales, s.royalty) for s in slices] == [
        (D(5), D(400_000), D(20_000)),
        (D(8), D(0), D(0)),
    ]


# --- An agreement's invoice and its valuation ------------------------------------


@pytest.mark.django_db
def test_a_valuation_prefilled_from_an_agreement_expects_the_royalty_invoiced():
    """Whole basis, 5% up to 1,000,000 and 8% above: the licensee reporting
    a year of 1,000,000 is charged 50,000.00, and a valuation of the
    project, its deal prefilled from the agreement, counts the same royalty
    for a year of 1,000,000 in sales."""
    # In the currency of the pipeline's reference costs, or the valuation
    # would leave the terms out.
    project = ProjectUnderAgreementFactory(
        agreement__royalty_basis="whole", agreement__currency="USD"
    )
    agreement = project.agreement
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=5)
    RoyaltyTierFactory(agreement=agreement, lower_bound=1_000_000, rate_percent=8)
    licensee = PartnerUserFactory(enterprise=agreement.partnership.enterprise)

    report = royalty_report_submit(
        agreement=agreement,
        by=licensee,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        net_sales=D(1_000_000),
    )
    deal_inputs, _notes = deal_defaults_for(
        project, valuation_defaults_for(licensee, project)["rnpv"]
    )
    serializer = DealInputSerializer(data=deal_inputs)
    assert serializer.is_valid(), serializer.errors
    deal = build_deal(serializer.validated_data)
    [valued] = royalty([1_000_000.0], deal.royalty_tiers, deal.royalty_basis)

    assert report.royalty_due == D("50000.00")
    assert quantize_money(D(repr(float(valued))), "USD") == report.royalty_due


@pytest.mark.django_db
def test_a_stored_valuation_prefilled_from_an_agreement_counts_the_royalty_invoiced(superuser):
    """The same agreement, stored as a valuation: with one certain,
    undiscounted year on the market at 1,000,000 of sales, the deal's royalty
    value is that year's royalty — 50,000.00, what the report is charged."""
    project = ProjectUnderAgreementFactory(
        agreement__royalty_basis="whole", agreement__currency="USD"
    )
    agreement = project.agreement
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=5)
    RoyaltyTierFactory(agreement=agreement, lower_bound=1_000_000, rate_percent=8)
    report = royalty_report_submit(
        agreement=agreement,
        by=PartnerUserFactory(enterprise=agreement.partnership.enterprise),
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        net_sales=D(1_000_000),
    )
    inputs = valuation_defaults_for(superuser, project)["rnpv"]
    deal, _notes = deal_defaults_for(project, inputs)
    inputs = {
        **inputs,
        "discount_rate": 0,
        "phases": [{**phase, "success_probability": 1} for phase in inputs["phases"]],
        "commercial": {"peak_sales": 1_000_000, "ramp": [], "plateau_years": 1, "erosion": []},
        "deal": {**deal, "upfront": 0, "milestones": [], "royalty_years": 1},
    }

    valuation = valuation_run(project=project, method="rnpv", inputs=inputs, by=superuser)

    stored = Valuation.objects.get(pk=valuation.pk)
    assert stored.inputs["deal"]["royalty_basis"] == "whole"
    royalty_value = D(str(stored.results["deal"]["royalty_rnpv"]))
    assert quantize_money(royalty_value, "USD") == report.royalty_due == D("50000.00")
