"""Cells become values: dates in the five formats offices write, numbers,
and formulas refused."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from imports.parsing import Formula
from imports.values import CellError, parse_date, parse_decimal


@pytest.mark.parametrize(
    "cell",
    [
        "2024-03-05",
        "2024/3/5",
        "2024年3月5日",
        "05/03/2024",
        45356,
        "45356",
        date(2024, 3, 5),
        datetime(2024, 3, 5, 0, 0),
    ],
)
def test_a_date_is_read_in_every_accepted_format(cell):
    assert parse_date(cell) == date(2024, 3, 5)


def test_a_slashed_date_with_a_year_last_is_read_day_first():
    assert parse_date("01/02/2024") == date(2024, 2, 1)


@pytest.mark.parametrize("cell", ["March 5", "2024-02-30", "5.5", "32/01/2024", 12])
def test_anything_else_is_not_a_date(cell):
    with pytest.raises(CellError) as error:
        parse_date(cell)
    assert error.value.code == "invalid_date"


def test_numbers_are_read_with_thousands_separators_and_without_float_noise():
    assert parse_decimal("1,250,000.50") == Decimal("1250000.50")
    assert parse_decimal(0.1) == Decimal("0.1")


def test_a_formula_is_refused():
    with pytest.raises(CellError) as error:
        parse_date(Formula("=TODAY()"))
    assert error.value.code == "formula"


@pytest.mark.parametrize("cell", ["1e999", "-1e20", "0.0000000000001"])
def test_numbers_out_of_any_range_are_refused(cell):
    with pytest.raises(CellError):
        parse_decimal(cell)
