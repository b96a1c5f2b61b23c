"""Importing the central parity table (人民币汇率中间价) from CSV: a date
column and one column per pair, quoted per 1 or per 100 units; every bad
cell reported by line and column and nothing recorded; importing again
updates the same pair and day."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from core.models import ExchangeRate
from core.rate_import import exchange_rates_import

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "central-parity.csv"
DEC_1 = datetime.date(2026, 12, 1)


def rates():
    return {
        (rate.currency, rate.quote_currency, rate.valid_on): (rate.unit, rate.rate)
        for rate in ExchangeRate.objects.all()
    }


def test_the_sample_file_in_the_docs_imports_every_booked_currency(staff_user):
    report = exchange_rates_import(content=SAMPLE.read_bytes(), by=staff_user)

    assert report.ok and report.created == 16 and report.updated == 0
    # AUD is not a currency BioBridge books: the column is named, not imported.
    assert report.ignored_columns == ["AUD/CNY"]
    imported = rates()
    assert imported[("USD", "CNY", DEC_1)] == (1, Decimal("7.1020"))
    assert imported[("CNY", "KRW", DEC_1)] == (1, Decimal("189.62"))
    assert ExchangeRate.objects.filter(recorded_by=staff_user).count() == 16


def test_a_column_quoted_per_100_units_keeps_its_quote(staff_user):
    content = b"Date,100JPY/CNY\n2026-12-01,4.6523\n"

    exchange_rates_import(content=content, by=staff_user)

    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.unit, rate.rate) == ("JPY", 100, Decimal("4.6523"))
    assert rate.per_unit == Decimal("0.046523")
    assert rate.quotation == "100 JPY = 4.6523 CNY"


def test_importing_the_same_file_again_changes_nothing(staff_user):
    exchange_rates_import(content=SAMPLE.read_bytes(), by=staff_user)
    before = rates()

    report = exchange_rates_import(content=SAMPLE.read_bytes(), by=staff_user)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 16)
    assert rates() == before


def test_a_corrected_rate_for_a_day_already_imported_updates_it(staff_user):
    exchange_rates_import(content=b"Date,USD/CNY\n2026-12-01,7.1\n", by=staff_user)

    report = exchange_rates_import(
        content=b"Date,USD/CNY\n2026-12-01,7.12\n2026-11-30,7.09\n", by=staff_user
    )

    assert (report.created, report.updated) == (1, 1)
    assert rates()[("USD", "CNY", DEC_1)] == (1, Decimal("7.12"))


def test_bad_rows_are_reported_by_line_and_column_and_nothing_is_imported(staff_user):
    content = (
        "日期,USD/CNY,EUR/CNY\n"
        "2026-12-01,7.1,7.75\n"
        "2026-13-01,7.1,7.75\n"
        "2026-11-29,abc,-1\n"
        "2026-12-01,7.2,7.8\n"
    ).encode()

    report = exchange_rates_import(content=content, by=staff_user)

    assert not report.ok
    assert [str(error) for error in report.errors] == [
        "line 3: “2026-13-01” is not a date like 2026-12-01.",
        "line 4, USD/CNY: “abc” is not a number.",
        "line 4, EUR/CNY: A rate is a positive number.",
        "line 5: The date is on line 2 already.",
    ]
    assert not ExchangeRate.objects.exists()


def test_a_file_without_a_date_column_or_pairs_is_refused(staff_user):
    no_date = exchange_rates_import(content=b"Day,USD/CNY\n2026-12-01,7.1\n", by=staff_user)
    no_pair = exchange_rates_import(content=b"Date,Dollar\n2026-12-01,7.1\n", by=staff_user)
    empty = exchange_rates_import(content=b"", by=staff_user)

    assert "No date column" in str(no_date.errors[0])
    assert "No column of a currency pair" in str(no_pair.errors[0])
    assert "empty" in str(empty.errors[0])
    assert not ExchangeRate.objects.exists()


def test_a_day_in_the_future_is_refused(staff_user):
    report = exchange_rates_import(content=b"Date,USD/CNY\n2999-01-01,7.1\n", by=staff_user)

    assert "future" in str(report.errors[0])


def test_empty_cells_are_days_without_a_rate_and_slashed_dates_and_gb18030_are_read(staff_user):
    content = "日期,USD/CNY,EUR/CNY\n2026/12/01,7.1,\n".encode("gb18030")

    report = exchange_rates_import(content=content, by=staff_user)

    assert report.ok and report.created == 1
    assert rates() == {("USD", "CNY", DEC_1): (1, Decimal("7.1"))}
