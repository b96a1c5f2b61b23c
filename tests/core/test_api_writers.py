"""The page writers of the API's fast lists write dates and times exactly
as DRF's fields do."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from rest_framework import serializers

from core.api.fields import date_writer, datetime_writer

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
