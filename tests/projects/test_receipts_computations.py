"""The arithmetic of expected receipts: quarters, reach probabilities and
discounting."""

import datetime
from decimal import Decimal

import pytest

from projects.computations.receipts import (
    Quarter,
    discount_factor,
    quarter_discount_factor,
    quarters_around,
    reach_probability,
    years_between,
)


def test_a_quarter_knows_its_days_and_neighbours():
    quarter = Quarter.of(datetime.date(2026, 11, 25))

    assert quarter == Quarter(2026, 4)
    assert quarter.start == datetime.date(2026, 10, 1)
    assert quarter.end == datetime.date(2026, 12, 31)
    assert quarter.midpoint == datetime.date(2026, 11, 15)
    assert quarter.label == "2026 Q4"
    assert quarter.shifted(1) == Quarter(2027, 1)
    assert quarter.shifted(-4) == Quarter(2025, 4)
    assert Quarter(2028, 2).offset_from(quarter) == 6


def test_quarters_around_today_run_in_order():
    quarters = quarters_around(datetime.date(2026, 2, 1), before=2, after=1)

    assert [q.label for q in quarters] == ["2025 Q3", "2025 Q4", "2026 Q1", "2026 Q2"]


def test_the_probability_of_reaching_a_stage_is_the_product_of_the_stages_passed():
    assert reach_probability([Decimal("0.5"), Decimal("0.65")]) == Decimal("0.325")
    assert reach_probability([]) == 1


def test_money_a_year_out_is_worth_less_by_the_rate():
    assert discount_factor(Decimal("0.08"), Decimal(1)) == Decimal(1) / Decimal("1.08")
    assert discount_factor(Decimal("0.08"), Decimal(2)) == pytest.approx(
        Decimal(1) / Decimal("1.1664")
    )
    assert discount_factor(Decimal("0"), Decimal(5)) == 1


def test_money_due_in_the_past_is_counted_today_undiscounted():
    assert discount_factor(Decimal("0.08"), Decimal(-1)) == 1


def test_a_rate_of_minus_100_percent_or_less_is_refused():
    with pytest.raises(ValueError):
        discount_factor(Decimal(-1), Decimal(1))


def test_a_quarter_is_discounted_from_its_midpoint():
    today = datetime.date(2026, 1, 1)
    quarter = Quarter(2027, 3)  # midpoint 15 August 2027, 591 days on

    assert years_between(today, quarter.midpoint) == Decimal(591) / Decimal("365.25")
    assert float(quarter_discount_factor(Decimal("0.08"), today, quarter)) == pytest.approx(
        1 / 1.08 ** (591 / 365.25)
    )
