"""The API's JSON renderer writes what DRF's own renderer writes."""

import datetime
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from core.api.renderers import OrjsonRenderer

SHANGHAI = ZoneInfo("Asia/Shanghai")

BODIES = [
    {"results": [], "next": None, "previous": None},
    ReturnDict({"id": 7, "title": "抗体项目 — phase I", "ok": True}, serializer=None),
    ReturnList([{"amount": "12.50", "rate": 0.125, "count": -3}], serializer=None),
    {"line separators": "a\u2028b\u2029c", "quote": 'say "hi"\n', "emoji": "🧬"},
    {
        "utc": datetime.datetime(2025, 3, 1, 8, 30, tzinfo=datetime.UTC),
        "local": datetime.datetime(2025, 3, 1, 16, 30, 0, 123456, tzinfo=SHANGHAI),
        "naive": datetime.datetime(2025, 3, 1, 8, 30, 5),
        "day": datetime.date(2025, 12, 31),
        "time": datetime.time(9, 15, 0, 500),
        "duration": datetime.timedelta(hours=1, seconds=2),
    },
    {"decimal": Decimal("1234.50"), "uuid": uuid.UUID(int=42), "lazy": gettext_lazy("Status")},
    {"numpy": np.float64(0.5), "array": np.arange(3), "tuple": (1, 2), 3: "integer key"},
    [[[{"deep": [1, [2, [3]]]}]]],
    {"huge": 2**70},
]


@pytest.mark.parametrize("body", BODIES)
def test_the_json_is_byte_for_byte_what_drf_writes(body):
    assert OrjsonRenderer().render(body) == JSONRenderer().render(body)


def test_pretty_printing_is_left_to_drf():
    body = {"results": [{"id": 1}]}
    media_type = "application/json; indent=4"

    pretty = OrjsonRenderer().render(body, media_type)

    assert pretty == JSONRenderer().render(body, media_type)
    assert b'\n    "results"' in pretty


def test_no_data_is_an_empty_body():
    assert OrjsonRenderer().render(None) == b""


def test_what_neither_can_write_fails_as_in_drf():
    with pytest.raises(TypeError):
        OrjsonRenderer().render({"object": object()})
