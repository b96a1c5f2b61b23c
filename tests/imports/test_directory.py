"""Importing the directory: institutions, enterprises and people, through
the partnerships services; a second import of the same file updates."""

import pytest

from imports.services import ImportRefused, import_file
from partnerships.models import Enterprise, Institution, Person
from tests.factories import PartnerUserFactory

from .conftest import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

INSTITUTIONS = [
    ["code", "name", "kind", "city"],
    ["TSU", "Tsinghua University", "university", "Beijing"],
    ["CAS-IOZ", "Institute of Zoology", "research_institute", "Beijing"],
]


def run(user, rows, kind, *, dry_run=False, name="file.csv"):
    data = csv_bytes(rows) if name.endswith(".csv") else rows
    return import_file(kind=kind, data=data, filename=name, by=user, dry_run=dry_run)


def test_staff_import_institutions_and_a_second_import_updates_them(staff_user):
    first = run(staff_user, INSTITUTIONS, "institutions")
    changed = [INSTITUTIONS[0], ["TSU", "Tsinghua University", "university", "Haidian"]]
    second = run(staff_user, changed, "institutions")

    assert (first.valid, first.created, first.updated) == (True, 2, 0)
    assert (second.created, second.updated) == (0, 1)
    assert Institution.objects.get(code="TSU").city == "Haidian"


def test_a_dry_run_reports_what_would_be_created_and_writes_nothing(staff_user):
    result = run(staff_user, INSTITUTIONS, "institutions", dry_run=True)

    assert (result.valid, result.created, result.committed) == (True, 2, False)
    assert [(o.row, o.action, o.key) for o in result.outcomes] == [
        (2, "create", "TSU"),
        (3, "create", "CAS-IOZ"),
    ]
    assert not Institution.objects.filter(code__in=["TSU", "CAS-IOZ"]).exists()


def test_chinese_headers_and_chinese_choice_labels_are_accepted(staff_user):
    result = run(
        staff_user, [["代码", "名称", "类型"], ["PKU", "北京大学", "大学"]], "institutions"
    )

    assert result.valid, result.errors
    assert Institution.objects.get(code="PKU").kind == "university"


def test_one_invalid_row_refuses_the_whole_file_with_row_column_value_and_message(staff_user):
    rows = [*INSTITUTIONS, ["BAD", "Bad kind", "castle", ""], ["", "No code", "university", ""]]

    result = run(staff_user, rows, "institutions")

    assert not result.valid
    assert [(e.row, e.column, e.value, e.code) for e in result.errors] == [
        (4, "kind", "castle", "invalid_choice"),
        (5, "code", "", "required"),
    ]
    assert all(error.message for error in result.errors)
    assert not Institution.objects.filter(code="TSU").exists()


def test_a_key_twice_in_one_file_is_refused_at_its_second_row(staff_user):
    result = run(staff_user, [*INSTITUTIONS, ["TSU", "Again", "university", ""]], "institutions")

    assert [(e.row, e.column, e.code) for e in result.errors] == [(4, "code", "duplicate_key")]


def test_a_service_rule_is_reported_on_its_column(staff_user):
    rows = [["code", "name", "kind", "website"], ["WEB", "Web", "university", "not a url"]]

    result = run(staff_user, rows, "institutions")

    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "website", "not a url")]


def test_a_file_without_a_required_column_says_which(staff_user):
    result = run(staff_user, [["code", "name"], ["X", "Y"]], "institutions")

    assert [(e.row, e.column, e.code) for e in result.errors] == [(None, "kind", "missing_column")]


def test_enterprises_are_found_again_by_their_uscc(staff_user, enterprise):
    rows = [
        ["code", "name", "size", "unified_social_credit_code", "founded_on"],
        ["NEWCODE", "Renamed", "sme", enterprise.unified_social_credit_code, "2019年3月5日"],
    ]

    result = run(staff_user, rows, "enterprises")

    assert (result.valid, result.updated) == (True, 1), result.errors
    enterprise.refresh_from_db()
    assert (enterprise.name, str(enterprise.founded_on)) == ("Renamed", "2019-03-05")
    assert Enterprise.objects.count() == 1


def test_people_refer_to_their_institution_by_code(staff_user, institution):
    rows = [
        ["full_name", "institution", "email"],
        ["Li Wei", institution.code, "li@example.com"],
        ["Nobody", "MISSING", ""],
    ]

    result = run(staff_user, rows, "people")

    assert [(e.row, e.column, e.value, e.code) for e in result.errors] == [
        (3, "institution", "MISSING", "not_found")
    ]
    assert not Person.objects.filter(full_name="Li Wei").exists()


def test_a_workbook_imports_each_sheet_as_the_kind_it_is_named_after(staff_user):
    data = xlsx_bytes(
        ("people", [["full_name", "institution"], ["Li Wei", "TSU"]]),
        ("institutions", INSTITUTIONS),
    )

    result = run(staff_user, data, "workbook", name="book.xlsx")

    assert (result.valid, result.created) == (True, 3), result.errors
    assert Person.objects.get(full_name="Li Wei").institution.code == "TSU"


def test_partners_do_not_import(db):
    partner = PartnerUserFactory()

    with pytest.raises(ImportRefused) as error:
        run(partner, INSTITUTIONS, "institutions")

    assert error.value.code == "permission_denied"
    assert not Institution.objects.filter(code="TSU").exists()
