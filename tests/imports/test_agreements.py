"""Importing partnerships and agreements with their terms: payment terms as
columns, royalty tiers, cost shares and the milestone schedule each in a
cell, all written through the partnerships services."""

from decimal import Decimal

import pytest

from imports.services import import_file
from partnerships.models import Agreement, Partnership
from tests.factories import InstitutionFactory, PartnershipFactory

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db


def run(user, rows, kind, *, dry_run=False):
    return import_file(kind=kind, data=csv_bytes(rows), filename="f.csv", by=user, dry_run=dry_run)


def test_staff_import_partnerships_of_their_institution(staff_user, institution, enterprise):
    rows = [
        ["code", "title", "mode", "enterprise", "institution", "started_on", "status"],
        ["PS-IMP", "Enzymes", "contract_rd", enterprise.code, institution.code, "2020/1/2",
         "active"],
    ]  # fmt: skip

    result = run(staff_user, rows, "partnerships")

    assert result.valid, result.errors
    assert Partnership.objects.get(code="PS-IMP").status == "active"


def test_a_partnership_of_another_institution_is_refused(staff_user, enterprise):
    foreign = InstitutionFactory()
    rows = [
        ["code", "title", "mode", "enterprise", "institution", "started_on"],
        ["PS-X", "Theirs", "contract_rd", enterprise.code, foreign.code, "2020-01-02"],
    ]

    result = run(staff_user, rows, "partnerships")

    assert [(e.row, e.code) for e in result.errors] == [(2, "permission_denied")]


HEADER = [
    "partnership", "reference", "title", "kind", "status", "signed_on", "currency",
    "upfront_amount", "royalty_tiers", "cost_shares", "milestone_schedule",
]  # fmt: skip


@pytest.fixture
def partnership(institution, enterprise):
    return PartnershipFactory(code="PS-A", institution=institution, enterprise=enterprise)


def agreement_row(**changes):
    row = {
        "partnership": "PS-A",
        "reference": "AGR-2020-01",
        "title": "Licence of the enzyme",
        "kind": "licence",
        "status": "signed",
        "signed_on": "2020-03-01",
        "currency": "CNY",
        "upfront_amount": "1,000,000",
        "royalty_tiers": "0:5; 10000000:3",
        "cost_shares": "BIOMED-DRUG:basic_research:preclinical:research:60; "
        "BIOMED-DRUG:basic_research:preclinical:enterprise:40",
        "milestone_schedule": "IND filed:regulatory:500000:BIOMED-DRUG/ind_filing; "
        "First sale:commercial:2000000",
    }
    row.update(changes)
    return [row[column] for column in HEADER]


def test_an_agreement_is_imported_with_its_terms(staff_user, partnership):
    result = run(staff_user, [HEADER, agreement_row()], "agreements")

    assert result.valid, result.errors
    agreement = Agreement.objects.get(reference="AGR-2020-01")
    assert agreement.upfront_amount == Decimal("1000000")
    assert [(t.lower_bound, t.rate_percent) for t in agreement.royalty_tiers.all()] == [
        (Decimal("0"), Decimal("5")),
        (Decimal("10000000"), Decimal("3")),
    ]
    assert sorted(agreement.cost_shares.values_list("party", "percent")) == [
        ("enterprise", Decimal("40")),
        ("research", Decimal("60")),
    ]
    assert [
        (i.name, i.trigger_stage_id is not None) for i in agreement.milestone_schedule.all()
    ] == [
        ("IND filed", True),
        ("First sale", False),
    ]


def test_re_importing_an_agreement_changes_nothing_that_is_the_same(staff_user, partnership):
    run(staff_user, [HEADER, agreement_row()], "agreements")
    tiers_before = list(Agreement.objects.get().royalty_tiers.values_list("pk", flat=True))

    result = run(staff_user, [HEADER, agreement_row(title="Renamed")], "agreements")

    assert (result.updated, result.created) == (1, 0), result.errors
    agreement = Agreement.objects.get()
    assert agreement.title == "Renamed"
    assert list(agreement.royalty_tiers.values_list("pk", flat=True)) == tiers_before
    assert agreement.milestone_schedule.count() == 2


def test_cost_shares_that_do_not_add_up_are_refused_on_their_column(staff_user, partnership):
    shares = "BIOMED-DRUG:basic_research:preclinical:research:60"

    result = run(staff_user, [HEADER, agreement_row(cost_shares=shares)], "agreements")

    assert [(e.row, e.column) for e in result.errors] == [(2, "cost_shares")]
    assert not Agreement.objects.exists()


def test_tiers_that_do_not_start_at_zero_are_refused_on_their_column(staff_user, partnership):
    result = run(staff_user, [HEADER, agreement_row(royalty_tiers="100:5")], "agreements")

    assert [(e.row, e.column) for e in result.errors] == [(2, "royalty_tiers")]
