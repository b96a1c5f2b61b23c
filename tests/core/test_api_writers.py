"""The page writers of the API's fast lists write dates and times exactly
as DRF's fields do."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework import serializers

from core.api.fields import AmountField, date_writer, datetime_writer, decimal_writer

MOMENTS = [
    datetime.datetime(2026, 12, 7, 11, 4, 38, 65763, tzinfo=datetime.UTC),
    datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.UTC),
    datetime.datetime(2025, 6, 30, 23, 59, 59, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")),
    None,
]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC", "America/New_York"])
def test_a_moment_is_written_as_the_datetime_field_writes_it_in_the_current_zone(zone):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        field = serializers.DateTimeField()
        write = datetime_writer()

        assert [write(moment) for moment in MOMENTS] == [
            field.to_representation(moment) for moment in MOMENTS
        ]


def test_a_moment_in_utc_ends_in_z_as_with_the_field():
    with timezone.override(datetime.UTC):
        assert datetime_writer()(MOMENTS[1]) == "2026-01-01T00:00:00Z"


def test_a_date_is_written_as_the_date_field_writes_it():
    dates = [datetime.date(2025, 12, 31), datetime.date(1999, 1, 2), None]
    field = serializers.DateField()

    assert [date_writer()(day) for day in dates] == [field.to_representation(day) for day in dates]


DECIMALS = [
    Decimal("1234.50"),
    Decimal("0.00"),
    Decimal("-0.00"),
    Decimal("-17.25"),
    Decimal("99999999999999999.99"),
    Decimal("1234.5"),
    Decimal("1234.555"),
    Decimal("1E+3"),
    Decimal("123456789012345678901.00"),
    12,
    3.5,
    "7.10",
]


@pytest.mark.parametrize(
    "field",
    [
        serializers.DecimalField(max_digits=20, decimal_places=2),
        serializers.DecimalField(max_digits=5, decimal_places=2),
        serializers.DecimalField(max_digits=None, decimal_places=3),
        AmountField(),
    ],
    ids=["20,2", "5,2", "None,3", "amount"],
)
def test_a_decimal_is_written_as_the_decimal_field_writes_it(field):
    write = decimal_writer(field)

    # A value the field refuses is refused the same way.
    def as_drf_writes(value):
        try:
            return field.to_representation(value)
        except Exception as error:
            return type(error)

    def as_written(value):
        try:
            return write(value)
        except Exception as error:
            return type(error)

    assert [as_written(value) for value in DECIMALS] == [
        as_drf_writes(value) for value in DECIMALS
    ]
