"""``ExistsRowByRow`` answers as ``Exists`` does, fenced so that PostgreSQL
checks it row by row."""

from decimal import Decimal

import pytest
from django.db.models import Exists, OuterRef

from core.db.expressions import ExistsRowByRow
from projects.models import Milestone
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def flagged(exists_class):
    large = Milestone.objects.filter(pk=OuterRef("pk"), amount__gt=Decimal("500"))
    return Milestone.objects.annotate(large=exists_class(large)).order_by("pk")


def test_it_answers_as_exists_does():
    for amount in ("100", "900", "500", "501"):
        MilestoneFactory(amount=Decimal(amount))

    assert (
        list(flagged(ExistsRowByRow).values_list("large", flat=True))
        == list(flagged(Exists).values_list("large", flat=True))
        == [False, True, False, True]
    )


def test_its_subquery_is_fenced_with_offset_0():
    assert "LIMIT 1 OFFSET 0)" in str(flagged(ExistsRowByRow).query)
