"""Royalty tier arithmetic: pure functions over plain decimals.

The tiers of these tests are those of a typical licence: 5% of annual net
sales up to 1,000,000, 8% above 1,000,000 and 10% above 5,000,000. Expected
amounts are computed by hand.
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerships.computations.royalties import (
    Tier,
    TierError,
    minimum_royalty_shortfall,
    royalty_for_period,
    royalty_on_annual_sales,
    tier_slices,
    validate_tiers,
)

D = Decimal
CENT = D("0.01")
TIERS = [
    Tier(lower_bound=D(0), rate_percent=D(5)),
    Tier(lower_bound=D(1_000_000), rate_percent=D(8)),
    Tier(lower_bound=D(5_000_000), rate_percent=D(10)),
]
THRESHOLDS = [D(1_000_000), D(5_000_000)]
HIGHEST_RATE = D("0.10")


class TestMarginalBasis:
    @pytest.mark.parametrize(
        ("annual_sales", "royalty"),
        [
            (D(0), D(0)),
            (D("0.01"), D("0.0005")),
            # Around the first threshold: the 8% applies only above it.
            (D("999999.99"), D("49999.9995")),
            (D("1000000.00"), D("50000")),
            (D("1000000.01"), D("50000.0008")),
            # Around the second threshold.
            (D("4999999.99"), D("369999.9992")),
            (D("5000000.00"), D("370000")),
            (D("5000000.01"), D("370000.001")),
            # 50,000 + 4,000,000 × 8% + 1,000,000 × 10%.
            (D(6_000_000), D(470_000)),
        ],
    )
    def test_each_rate_applies_to_the_slice_of_sales_in_its_band(self, annual_sales, royalty):
        """Like tax brackets: each rate applies only to the sales within its band."""
        assert royalty_on_annual_sales(annual_sales, TIERS, "marginal") == royalty

    def test_marginal_is_the_default_basis(self):
        assert royalty_on_annual_sales(D(6_000_000), TIERS) == D(470_000)

    def test_no_tiers_or_no_sales_owe_nothing(self):
        assert royalty_on_annual_sales(D(6_000_000), []) == 0
        assert royalty_on_annual_sales(D(0), TIERS) == 0
        assert royalty_on_annual_sales(D(-5), TIERS) == 0

    @given(
        sales=st.decimals(min_value=0, max_value=20_000_000, places=2),
        step=st.decimals(min_value="0.01", max_value=1000, places=2),
    )
    def test_marginal_royalty_is_continuous_and_never_falls(self, sales, step):
        """A cent more in sales never costs more than a cent at the highest
        rate, wherever the thresholds lie: there is no jump at a boundary."""
        before = royalty_on_annual_sales(sales, TIERS, "marginal")
        after = royalty_on_annual_sales(sales + step, TIERS, "marginal")

        assert 0 <= after - before <= step * HIGHEST_RATE

    @pytest.mark.parametrize("threshold", THRESHOLDS)
    def test_marginal_royalty_does_not_jump_at_a_threshold(self, threshold):
        below = royalty_on_annual_sales(threshold - CENT, TIERS, "marginal")
        at = royalty_on_annual_sales(threshold, TIERS, "marginal")

        assert at - below < CENT


class TestWholeBasis:
    @pytest.mark.parametrize(
        ("annual_sales", "royalty"),
        [
            (D("0.01"), D("0.0005")),
            (D("999999.99"), D("49999.9995")),
            # Sales exactly at 1,000,000 are the top of the 5% band ...
            (D("1000000.00"), D("50000")),
            # ... and any sale above it takes all sales to 8%.
            (D("1000000.01"), D("80000.0008")),
            (D("4999999.99"), D("399999.9992")),
            (D("5000000.00"), D("400000")),
            (D("5000000.01"), D("500000.001")),
            (D(6_000_000), D(600_000)),
        ],
    )
    def test_the_rate_reached_applies_to_all_sales(self, annual_sales, royalty):
        assert royalty_on_annual_sales(annual_sales, TIERS, "whole") == royalty

    @pytest.mark.parametrize(
        ("threshold", "jump"),
        [
            # 1,000,000 × (8% − 5%) and 5,000,000 × (10% − 8%).
            (D(1_000_000), D(30_000)),
            (D(5_000_000), D(100_000)),
        ],
    )
    def test_whole_royalty_jumps_just_above_a_threshold(self, threshold, jump):
        """Sales exactly at a threshold keep the lower tier's rate; the
        next cent of sales lifts all of them to the higher one."""
        at = royalty_on_annual_sales(threshold, TIERS, "whole")
        above = royalty_on_annual_sales(threshold + CENT, TIERS, "whole")

        assert at - royalty_on_annual_sales(threshold - CENT, TIERS, "whole") < CENT
        assert above - at > jump

    def test_sales_below_a_first_tier_above_zero_owe_nothing(self):
        """Tiers saved without a zero tier (say, through raw rows) must not
        crash the computation: sales that reach no band owe nothing."""
        tiers = [Tier(lower_bound=D(1000), rate_percent=D(5))]

        assert royalty_on_annual_sales(D(500), tiers, "whole") == 0
        assert royalty_on_annual_sales(D(500), tiers, "marginal") == 0


class TestRoyaltyForPeriod:
    def test_a_period_that_crosses_a_threshold_pays_each_rate_on_its_slice(self):
        """Q1 sold 800,000; Q2 sells 400,000: 200,000 at 5% and 200,000 at 8%."""
        royalty = royalty_for_period(
            sales_earlier_in_year=D(800_000), period_sales=D(400_000), tiers=TIERS
        )

        assert royalty == D(10_000) + D(16_000)

    def test_with_the_whole_basis_crossing_a_threshold_lifts_the_earlier_sales_too(self):
        """800,000 earlier go from 5% to 8% (+24,000) and the 400,000 pay 8%."""
        royalty = royalty_for_period(
            sales_earlier_in_year=D(800_000),
            period_sales=D(400_000),
            tiers=TIERS,
            basis="whole",
        )

        assert royalty == D(24_000) + D(32_000)

    def test_a_period_entirely_within_an_upper_band_pays_that_rate(self):
        royalty = royalty_for_period(
            sales_earlier_in_year=D(2_000_000), period_sales=D(1_000_000), tiers=TIERS
        )

        assert royalty == D(80_000)

    @pytest.mark.parametrize("basis", ["marginal", "whole"])
    @given(
        quarters=st.lists(
            st.decimals(min_value=0, max_value=3_000_000, places=2), min_size=1, max_size=4
        )
    )
    def test_the_periods_of_a_year_add_up_to_the_annual_royalty(self, basis, quarters):
        """However the year is cut into reports, the royalties add up to the
        royalty on the year's total sales."""
        earlier = D(0)
        charged = D(0)
        for sales in quarters:
            charged += royalty_for_period(
                sales_earlier_in_year=earlier, period_sales=sales, tiers=TIERS, basis=basis
            )
            earlier += sales

        assert charged == royalty_on_annual_sales(sum(quarters, D(0)), TIERS, basis)


class TestValidateTiers:
    def test_well_formed_tiers_pass(self):
        validate_tiers(TIERS)
        validate_tiers([])
        validate_tiers([Tier(D(0), D(0)), Tier(D(100), D(100))])

    def test_the_first_tier_must_start_at_zero_sales(self):
        with pytest.raises(TierError, match="zero"):
            validate_tiers([Tier(D(1), D(5)), Tier(D(1000), D(8))])

    @pytest.mark.parametrize(
        "second_bound", [D(0), D(-1)], ids=["same threshold", "falling threshold"]
    )
    def test_thresholds_must_rise_strictly(self, second_bound):
        with pytest.raises(TierError, match="rise"):
            validate_tiers([Tier(D(0), D(5)), Tier(second_bound, D(8))])

    def test_a_later_threshold_below_an_earlier_one_is_refused(self):
        with pytest.raises(TierError, match="rise"):
            validate_tiers([Tier(D(0), D(5)), Tier(D(5000), D(8)), Tier(D(1000), D(10))])

    @pytest.mark.parametrize("rate", [D("-0.01"), D("100.01")])
    def test_rates_lie_within_0_and_100_percent(self, rate):
        with pytest.raises(TierError, match="between 0 and 100"):
            validate_tiers([Tier(D(0), rate)])


class TestMinimumShortfall:
    @pytest.mark.parametrize(
        ("royalties", "minimum", "shortfall"),
        [
            (D(60_000), D(100_000), D(40_000)),
            (D(0), D(100_000), D(100_000)),
            (D(100_000), D(100_000), D(0)),
            (D(120_000), D(100_000), D(0)),
            (D(50_000), D(0), D(0)),
        ],
    )
    def test_the_licensee_tops_up_only_what_is_missing(self, royalties, minimum, shortfall):
        assert minimum_royalty_shortfall(royalties_in_year=royalties, minimum=minimum) == shortfall


def test_tier_slices_show_band_by_band_what_the_period_adds():
    tiers = [Tier(Decimal(0), Decimal(5)), Tier(Decimal(1_000_000), Decimal(8))]

    slices = tier_slices(
        tiers=tiers, sales_earlier_in_year=Decimal(100_000), period_sales=Decimal(1_100_000)
    )

    assert [(s.lower_bound, s.upper_bound, s.sales) for s in slices] == [
        (Decimal(0), Decimal(1_000_000), Decimal(900_000)),
        (Decimal(1_000_000), None, Decimal(200_000)),
    ]
    assert (
        sum(s.royalty for s in slices)
        == Decimal(61_000)
        == royalty_for_period(
            sales_earlier_in_year=Decimal(100_000), period_sales=Decimal(1_100_000), tiers=tiers
        )
    )
