"""Importing royalty reports of past periods: the royalty due is computed
from the agreement's tiers as for any report; a period already recorded
with other figures is refused rather than overwritten."""

from decimal import Decimal

import pytest

from imports.services import import_file
from projects.models import RoyaltyReport
from tests.factories import RoyaltyTierFactory, UserFactory

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = ["agreement", "period_start", "period_end", "net_sales", "status"]


@pytest.fixture
def licence(agreement):
    RoyaltyTierFactory(agreement=agreement, lower_bound=0, rate_percent=5)
    return agreement


def run(user, rows):
    return import_file(
        kind="royalty_reports", data=csv_bytes(rows), filename="f.csv", by=user, dry_run=False
    )


def test_past_reports_are_imported_with_their_royalty_computed(staff_user, licence):
    rows = [
        HEADER,
        ["AGR-IMP", "2024-01-01", "2024-06-30", "1000000", "accepted"],
        ["AGR-IMP", "2024-07-01", "2024-12-31", "2000000", ""],
    ]

    result = run(staff_user, rows)

    assert result.valid, result.errors
    reports = RoyaltyReport.objects.order_by("period_start")
    assert [(r.status, r.royalty_due) for r in reports] == [
        ("accepted", Decimal("50000.00")),
        ("submitted", Decimal("100000.00")),
    ]


def test_a_period_recorded_with_other_figures_is_refused(staff_user, licence):
    run(staff_user, [HEADER, ["AGR-IMP", "2024-01-01", "2024-06-30", "1000000", ""]])

    result = run(staff_user, [HEADER, ["AGR-IMP", "2024-01-01", "2024-06-30", "1500000", ""]])

    assert [(e.column, e.value, e.code) for e in result.errors] == [
        ("net_sales", "1500000", "report_conflict")
    ]


def test_staff_of_another_institution_cannot_report_for_the_agreement(licence):
    outsider = UserFactory()

    result = run(outsider, [HEADER, ["AGR-IMP", "2024-01-01", "2024-06-30", "1000000", ""]])

    assert [(e.row, e.code) for e in result.errors] == [(2, "not_party")]
    assert not RoyaltyReport.objects.exists()
