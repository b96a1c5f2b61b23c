"""The one rounding rule for money."""

from decimal import Decimal

import pytest

from core.money import quantize_money


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("10.005", "CNY", "10.01"),
        ("10.004", "CNY", "10.00"),
        ("-10.005", "USD", "-10.01"),
        ("1234.5", "JPY", "1235"),
        ("1234.49", "KRW", "1234"),
    ],
)
def test_amounts_round_half_up_to_the_currencys_minor_unit(amount, currency, rounded):
    assert quantize_money(Decimal(amount), currency) == Decimal(rounded)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        quantize_money(10.005, "CNY")


def test_an_unknown_currency_is_refused():
    with pytest.raises(ValueError):
        quantize_money(Decimal("1"), "XXX")
