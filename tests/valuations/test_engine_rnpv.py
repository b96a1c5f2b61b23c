"""rNPV against hand computations.

The small asset: phase A (1 year, cost 10, p 0.5), phase B (2 years, cost 20,
p 0.4); launch in year 4 at half of peak sales 100, year 5 at peak; margin
1 - 0.2 - 0.3 = 0.5, after 20% tax 0.4; discount rate 10%.
"""

import pytest

from valuations.engine import EngineInputError
from valuations.engine.rnpv import Asset, Commercial, Phase, rnpv

D = [1.1**-t for t in range(1, 6)]


def test_rnpv_follows_the_conventions_year_by_year(small_asset):
    """Costs spread over phase years weighted by reaching the phase; sales
    after the last phase weighted by all phases' probabilities."""
    result = rnpv(small_asset)

    assert [row.year for row in result.years] == [1, 2, 3, 4, 5]
    assert [row.probability for row in result.years] == pytest.approx([1, 0.5, 0.5, 0.2, 0.2])
    assert [row.development_cost for row in result.years] == [10, 10, 10, 0, 0]
    assert [row.sales for row in result.years] == [0, 0, 0, 50, 100]
    assert [row.cash_flow for row in result.years] == pytest.approx([-10, -10, -10, 20, 40])
    assert [row.discount_factor for row in result.years] == pytest.approx(D)
    assert result.npv == pytest.approx(-10 * (D[0] + D[1] + D[2]) + 20 * D[3] + 40 * D[4])
    assert result.rnpv == pytest.approx(
        -10 * D[0] - 0.5 * 10 * (D[1] + D[2]) + 0.2 * (20 * D[3] + 40 * D[4])
    )
    assert result.rnpv == pytest.approx(-9.2802901, abs=1e-6)
    assert result.cumulative_probability == pytest.approx(0.2)
    assert result.launch_year == 4


def test_mid_year_timing_discounts_half_a_year_less(small_asset):
    mid = Asset(
        phases=small_asset.phases,
        commercial=small_asset.commercial,
        discount_rate=0.10,
        timing="mid_year",
    )

    result = rnpv(mid)

    assert [row.discount_factor for row in result.years] == pytest.approx(
        [1.1 ** -(t - 0.5) for t in range(1, 6)]
    )
    assert result.rnpv == pytest.approx(rnpv(small_asset).rnpv * 1.1**0.5)


def test_tax_applies_only_to_positive_commercial_profit():
    """With costs above sales the commercial years lose money and pay no
    tax; development costs are never tax-effected."""
    asset = Asset(
        phases=(Phase("A", 1, 10.0, 1.0),),
        commercial=Commercial(
            peak_sales=100.0, plateau_years=1, cogs_rate=0.7, opex_rate=0.5, tax_rate=0.25
        ),
        discount_rate=0.0,
    )

    result = rnpv(asset)

    assert [row.cash_flow for row in result.years] == pytest.approx([-10, -20])
    assert result.rnpv == pytest.approx(-30)


def test_launch_delay_and_erosion_shift_and_shape_sales():
    asset = Asset(
        phases=(Phase("A", 2, 0.0, 1.0),),
        commercial=Commercial(
            peak_sales=10.0, ramp=(0.5,), plateau_years=2, erosion=(0.3,), launch_delay=1
        ),
        discount_rate=0.0,
    )

    result = rnpv(asset)

    assert result.launch_year == 4
    assert [row.sales for row in result.years] == [0, 0, 0, 5, 10, 10, 3]


def test_without_phases_the_asset_is_on_the_market_from_year_one():
    asset = Asset(
        phases=(),
        commercial=Commercial(peak_sales=100.0, plateau_years=2),
        discount_rate=0.1,
    )

    result = rnpv(asset)

    assert result.cumulative_probability == 1
    assert result.rnpv == pytest.approx(100 / 1.1 + 100 / 1.21)


@pytest.mark.parametrize(
    ("phase", "field"),
    [
        (Phase("A", 1, 10.0, 1.5), "phases.0.success_probability"),
        (Phase("A", 0, 10.0, 0.5), "phases.0.years"),
        (Phase("A", -1, 10.0, 0.5), "phases.0.years"),
        (Phase("A", 1, -5.0, 0.5), "phases.0.cost"),
    ],
)
def test_the_engine_refuses_what_it_cannot_value(phase, field):
    with pytest.raises(EngineInputError) as error:
        Asset(phases=(phase,), commercial=Commercial(peak_sales=1.0), discount_rate=0.1)

    assert error.value.field == field
