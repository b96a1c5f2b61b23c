"""Exchange rates: the latest rate on or before a day converts an amount
and says which rate it used; without one nothing is converted, and a total
across currencies says which rate is missing."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError

from core.exchange import (
    ExchangeRateError,
    convert,
    exchange_rate_create,
    exchange_rate_record,
    exchange_rate_update,
    rate_for,
    reporting_currency,
    total_in,
)
from core.models import ExchangeRate
from tests.factories import ExchangeRateFactory

pytestmark = pytest.mark.django_db

DEC_1 = datetime.date(2026, 12, 1)


def test_an_amount_converts_at_the_latest_rate_on_or_before_the_day():
    ExchangeRateFactory(valid_on=datetime.date(2026, 11, 30), rate=Decimal("7.0"))
    used = ExchangeRateFactory(valid_on=DEC_1, rate=Decimal("7.1"))
    ExchangeRateFactory(valid_on=datetime.date(2026, 12, 3), rate=Decimal("7.3"))

    converted = convert(Decimal("1000"), "USD", "CNY", on=datetime.date(2026, 12, 2))

    assert converted.amount == Decimal("7100.00")
    assert converted.rate.rates == (used,)
    assert converted.rate.valid_on == DEC_1
    assert converted.rate.quotations == ["1 USD = 7.1 CNY"]


def test_without_a_rate_on_or_before_the_day_nothing_is_converted_and_the_pair_is_named():
    ExchangeRateFactory(valid_on=DEC_1)

    converted = convert(Decimal("1000"), "USD", "CNY", on=datetime.date(2026, 11, 30))

    assert converted.amount is None
    assert converted.missing == ("USD", "CNY")


def test_a_rate_quoted_per_100_units_converts_per_unit():
    ExchangeRateFactory(currency="JPY", unit=100, rate=Decimal("4.6523"))

    converted = convert(Decimal("1000000"), "JPY", "CNY", on=DEC_1)

    assert converted.amount == Decimal("46523.00")
    assert converted.rate.quotations == ["100 JPY = 4.6523 CNY"]


def test_the_inverse_pair_converts_the_other_way():
    ExchangeRateFactory(rate=Decimal("8"))
    ExchangeRateFactory(currency="CNY", quote_currency="KRW", rate=Decimal("190"))

    assert convert(Decimal("800"), "CNY", "USD", on=DEC_1).amount == Decimal("100.00")
    # Won per yuan, as the central parity quotes it: 19,000 won is 100 yuan.
    assert convert(Decimal("19000"), "KRW", "CNY", on=DEC_1).amount == Decimal("100.00")


def test_two_foreign_currencies_convert_across_the_yuan_and_name_both_rates():
    ExchangeRateFactory(currency="EUR", rate=Decimal("7.8"), valid_on=datetime.date(2026, 11, 30))
    ExchangeRateFactory(currency="USD", rate=Decimal("7.2"))

    converted = convert(Decimal("720"), "EUR", "USD", on=DEC_1)

    assert converted.amount == Decimal("780.00")
    assert converted.rate.quotations == ["1 EUR = 7.8 CNY", "1 USD = 7.2 CNY"]
    # A cross rate is as old as its older leg.
    assert converted.rate.valid_on == datetime.date(2026, 11, 30)


def test_converted_amounts_are_rounded_half_up_to_the_target_minor_unit():
    ExchangeRateFactory(currency="CNY", quote_currency="JPY", rate=Decimal("21.5"))
    ExchangeRateFactory(currency="USD", rate=Decimal("7.12345"))

    # 0.1 CNY is 2.15 JPY: yen have no minor unit, half rounds up.
    assert convert(Decimal("0.1"), "CNY", "JPY", on=DEC_1).amount == Decimal("2")
    # 1 USD is 7.12345 CNY: two places, half up.
    assert convert(Decimal("1"), "USD", "CNY", on=DEC_1).amount == Decimal("7.12")
    assert convert(Decimal("0.5"), "USD", "CNY", on=DEC_1).amount == Decimal("3.56")


def test_a_total_adds_the_converted_amounts_and_names_each_rate():
    usd = ExchangeRateFactory(rate=Decimal("7.1"))

    total = total_in({"CNY": Decimal("1000"), "USD": Decimal("100")}, on=DEC_1)

    assert total.currency == reporting_currency() == "CNY"
    assert total.total == Decimal("1710.00")
    assert [rate.rates for rate in total.rates] == [(usd,)]
    assert total.rate_dates == [DEC_1]
    assert total.complete


def test_a_total_with_a_missing_rate_has_no_amount_and_names_the_currency():
    ExchangeRateFactory(rate=Decimal("7.1"))

    total = total_in({"CNY": Decimal("1000"), "USD": Decimal("1"), "EUR": Decimal("1")}, on=DEC_1)

    assert total.total is None and not total.complete
    assert total.missing == ["EUR"]


def test_amounts_already_in_the_reporting_currency_need_no_total():
    assert total_in({"CNY": Decimal("1000")}, on=DEC_1) is None
    assert total_in({}, on=DEC_1) is None


def test_the_reporting_currency_is_a_setting(settings):
    settings.REPORTING_CURRENCY = "USD"
    ExchangeRateFactory(rate=Decimal("8"))

    total = total_in({"CNY": Decimal("800"), "USD": Decimal("1")}, on=DEC_1)

    assert (total.currency, total.total) == ("USD", Decimal("101.00"))


def test_recording_the_same_pair_and_day_again_updates_it(staff_user):
    first, created = exchange_rate_record(
        currency="USD", quote_currency="CNY", valid_on=DEC_1, unit=1, rate="7.1", by=staff_user
    )
    again, created_again = exchange_rate_record(
        currency="USD", quote_currency="CNY", valid_on=DEC_1, unit=1, rate="7.2", by=staff_user
    )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and ExchangeRate.objects.get().rate == Decimal("7.2")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rate": "0"}, "rate"),
        ({"rate": "-7"}, "rate"),
        ({"rate": "7.123456789"}, "rate"),
        ({"quote_currency": "USD"}, "quote_currency"),
        ({"unit": 10}, "unit"),
        ({"currency": "XXX"}, "currency"),
    ],
)
def test_a_bad_rate_is_refused_at_its_field(staff_user, changes, field):
    values = {
        "currency": "USD",
        "quote_currency": "CNY",
        "valid_on": DEC_1,
        "unit": 1,
        "rate": "7.1",
        **changes,
    }

    with pytest.raises(ExchangeRateError) as refused:
        exchange_rate_record(**values, by=staff_user)

    assert refused.value.field == field
    assert not ExchangeRate.objects.exists()


def test_a_new_rate_on_a_day_that_has_one_is_refused_and_so_is_moving_one_there(staff_user):
    taken = ExchangeRateFactory()
    other = ExchangeRateFactory(valid_on=datetime.date(2026, 11, 30))
    values = {"currency": "USD", "quote_currency": "CNY", "valid_on": DEC_1, "unit": 1}

    with pytest.raises(ExchangeRateError):
        exchange_rate_create(**values, rate="7.3", by=staff_user)
    with pytest.raises(ExchangeRateError):
        exchange_rate_update(exchange_rate=other, **values, rate="7.3", by=staff_user)

    assert ExchangeRate.objects.get(pk=taken.pk).rate == Decimal("7.1")


def test_the_database_keeps_one_rate_per_pair_and_day():
    ExchangeRateFactory()

    with pytest.raises(IntegrityError):
        ExchangeRateFactory(rate=Decimal("7.2"))


def test_a_rate_for_the_same_currency_is_one():
    assert rate_for("CNY", "CNY", DEC_1).per_unit == 1
