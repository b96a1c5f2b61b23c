"""Importing achievements with their owners and inventors, and patent
applications in their families, through the achievements services."""

import pytest

from achievements.models import Achievement, PatentApplication, PatentFamily
from imports.services import import_file
from tests.factories import InstitutionFactory, PersonFactory, UserFactory

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = ["reference", "title", "kind", "disclosed_on", "funding_source", "owners", "inventors"]


def run(user, rows, kind):
    return import_file(kind=kind, data=csv_bytes(rows), filename="f.csv", by=user, dry_run=False)


@pytest.fixture
def inventors(institution):
    return [
        PersonFactory(full_name="Li Wei", institution=institution),
        PersonFactory(full_name="Wang Fang", institution=institution),
    ]


def achievement_row(institution, **changes):
    row = {
        "reference": "ACH-2019-001",
        "title": "Thermostable lipase",
        "kind": "invention",
        "disclosed_on": "2019-05-06",
        "funding_source": "government",
        "owners": f"{institution.code}:100",
        "inventors": "Li Wei:60; Wang Fang:40",
    }
    row.update(changes)
    return [row[column] for column in HEADER]


def test_an_achievement_is_imported_with_its_owners_and_inventors(
    staff_user, institution, inventors
):
    result = run(staff_user, [HEADER, achievement_row(institution)], "achievements")

    assert result.valid, result.errors
    achievement = Achievement.objects.get(reference="ACH-2019-001")
    assert sorted(achievement.inventors.values_list("person__full_name", flat=True)) == [
        "Li Wei",
        "Wang Fang",
    ]


def test_shares_that_do_not_add_up_are_refused_on_their_column(staff_user, institution, inventors):
    row = achievement_row(institution, inventors="Li Wei:60; Wang Fang:30")

    result = run(staff_user, [HEADER, row], "achievements")

    assert [(e.row, e.column) for e in result.errors] == [(2, "inventors")]


def test_an_achievement_owned_only_by_another_institution_is_refused(staff_user, inventors):
    row = achievement_row(InstitutionFactory())

    result = run(staff_user, [HEADER, row], "achievements")

    assert [(e.row, e.code) for e in result.errors] == [(2, "permission_denied")]


APPLICATIONS = [
    ["achievement", "family", "priority_date", "jurisdiction", "kind", "application_number",
     "filed_on", "status", "parent"],
    ["ACH-2019-001", "Lipase", "2019-06-01", "CN", "invention", "CN201910000001.X",
     "2019-06-01", "filed", ""],
    ["ACH-2019-001", "Lipase", "", "PCT", "pct_international", "PCT/CN2020/000001",
     "2020-05-30", "filed", ""],
]  # fmt: skip


def test_patent_applications_open_their_family_and_update_on_a_second_import(
    staff_user, institution, inventors
):
    run(staff_user, [HEADER, achievement_row(institution)], "achievements")

    first = run(staff_user, APPLICATIONS, "patent_applications")
    second = run(staff_user, APPLICATIONS, "patent_applications")

    assert (first.created, second.updated) == (2, 2), (first.errors, second.errors)
    assert PatentFamily.objects.get().title == "Lipase"
    assert PatentApplication.objects.count() == 2


def test_staff_who_do_not_manage_the_achievement_cannot_add_applications(
    staff_user, institution, inventors
):
    run(staff_user, [HEADER, achievement_row(institution)], "achievements")

    result = run(UserFactory(), APPLICATIONS, "patent_applications")

    assert [(e.row, e.code) for e in result.errors] == [
        (2, "permission_denied"),
        (3, "permission_denied"),
    ]
