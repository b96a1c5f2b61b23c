"""Importing research projects with their current stage and the stages they
passed through, each on its date; and milestones in the state they reached,
with their invoice and payment. Only where the importing staff work."""

from datetime import date
from decimal import Decimal

import pytest

from imports.services import import_file
from projects.models import Activity, Invoice, Milestone, ResearchProject
from tests.factories import InstitutionFactory, ResearchProjectFactory, UserFactory

from .conftest import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = [
    "code", "title", "pipeline", "current_stage", "lead_institution", "trl", "start_date",
    "stage_history",
]  # fmt: skip


def project_row(institution, code="IMP-001", history="basic_research:2018-01-10; "
                "lead_discovery:2019/6/1; preclinical:2021年3月5日"):  # fmt: skip
    return [code, "Antibody", "BIOMED-DRUG", "preclinical", institution.code, 4, "2018-01-01",
            history]  # fmt: skip


def run(user, rows, kind, *, dry_run=False):
    return import_file(kind=kind, data=csv_bytes(rows), filename="f.csv", by=user, dry_run=dry_run)


def history(project):
    return [
        (t.kind, t.to_stage.code, t.decided_at.date())
        for t in project.transitions.order_by("decided_at")
    ]


def test_a_project_is_imported_with_its_stage_history_on_its_dates(staff_user, institution):
    result = run(staff_user, [HEADER, project_row(institution)], "projects")

    assert (result.valid, result.created) == (True, 1), result.errors
    project = ResearchProject.objects.get(code="IMP-001")
    assert project.current_stage.code == "preclinical"
    assert history(project) == [
        ("start", "basic_research", date(2018, 1, 10)),
        ("advance", "lead_discovery", date(2019, 6, 1)),
        ("advance", "preclinical", date(2021, 3, 5)),
    ]
    assert Activity.objects.filter(project=project, verb="project.history_imported").exists()


def test_re_importing_a_project_updates_it_and_keeps_one_history(staff_user, institution):
    run(staff_user, [HEADER, project_row(institution)], "projects")
    row = project_row(institution)
    row[1] = "Antibody, renamed"

    result = run(staff_user, [HEADER, row], "projects")

    assert (result.created, result.updated) == (0, 1), result.errors
    project = ResearchProject.objects.get(code="IMP-001")
    assert project.title == "Antibody, renamed"
    assert len(history(project)) == 3


def test_a_history_out_of_the_pipelines_order_is_refused_on_its_column(staff_user, institution):
    row = project_row(institution, history="preclinical:2018-01-10; basic_research:2019-01-01")

    result = run(staff_user, [HEADER, row], "projects")

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "stage_history", "invalid_history")
    ]
    assert not ResearchProject.objects.filter(code="IMP-001").exists()


def test_a_history_in_the_future_is_refused(staff_user, institution):
    row = project_row(institution, history="preclinical:2099-01-01")

    result = run(staff_user, [HEADER, row], "projects")

    assert [(e.column) for e in result.errors] == ["stage_history"]


def test_an_unknown_stage_is_refused_with_its_value(staff_user, institution):
    row = project_row(institution)
    row[3] = "phase_9"

    result = run(staff_user, [HEADER, row], "projects")

    assert [(e.row, e.column, e.value, e.code) for e in result.errors] == [
        (2, "current_stage", "phase_9", "not_found")
    ]


def test_staff_cannot_import_projects_of_a_foreign_institution_row_by_row(staff_user, institution):
    foreign = InstitutionFactory()
    theirs = ResearchProjectFactory(code="THEIRS-1", lead_institution=foreign)
    own = project_row(institution)
    new_foreign = project_row(foreign, code="IMP-002")
    update_foreign = project_row(foreign, code="THEIRS-1", history="")
    update_foreign[3] = theirs.current_stage.code

    result = run(staff_user, [HEADER, own, new_foreign, update_foreign], "projects")

    assert [(e.row, e.code) for e in result.errors] == [
        (3, "permission_denied"),
        (4, "permission_denied"),
    ]
    assert not ResearchProject.objects.filter(code__in=["IMP-001", "IMP-002"]).exists()
    theirs.refresh_from_db()
    assert theirs.title != "Antibody"


def test_the_stage_of_a_project_already_in_biobridge_moves_only_by_decisions(
    staff_user, institution
):
    ResearchProjectFactory(code="IMP-001", lead_institution=institution)

    result = run(staff_user, [HEADER, project_row(institution, history="")], "projects")

    assert [(e.column, e.code) for e in result.errors] == [("current_stage", "stage_conflict")]


MILESTONE_HEADER = [
    "project", "name", "agreement", "kind", "amount", "currency", "status", "claimed_on",
    "verified_on", "invoice_number", "invoiced_on", "paid_amount", "paid_on",
]  # fmt: skip


@pytest.fixture
def project(staff_user, institution, agreement):
    return ResearchProjectFactory(code="IMP-P", lead_institution=institution, agreement=agreement)


def test_milestones_are_imported_in_the_state_they_reached(staff_user, project, agreement):
    rows = [
        MILESTONE_HEADER,
        ["IMP-P", "Signing", "AGR-IMP", "commercial", "100000", "CNY", "paid", "2020-01-05",
         "2020-01-20", "INV-OLD-2020-0001", "2020-02-01", "100000", "2020-03-01"],
        ["IMP-P", "IND filed", "AGR-IMP", "regulatory", "500000", "CNY", "invoiced",
         "2021-04-01", "2021-04-10", "INV-OLD-2021-0007", "2021-05-01", "", ""],
        ["IMP-P", "Phase I", "AGR-IMP", "regulatory", "800000", "CNY", "planned",
         "", "", "", "", "", ""],
    ]  # fmt: skip

    result = run(staff_user, rows, "milestones")

    assert (result.valid, result.created) == (True, 3), result.errors
    statuses = dict(Milestone.objects.filter(project=project).values_list("name", "status"))
    assert statuses == {"Signing": "paid", "IND filed": "invoiced", "Phase I": "planned"}
    paid = Invoice.objects.get(number="INV-OLD-2020-0001")
    assert paid.payments.get().amount == Decimal("100000")
    assert paid.issued_on == date(2020, 2, 1)
    assert paid.paid_in_full_on == date(2020, 3, 1)
    assert Invoice.objects.get(number="INV-OLD-2021-0007").paid_in_full_on is None


def test_a_milestone_state_missing_its_steps_is_refused_on_the_missing_column(staff_user, project):
    rows = [
        MILESTONE_HEADER,
        ["IMP-P", "Signing", "AGR-IMP", "commercial", "100000", "CNY", "invoiced", "2020-01-05",
         "2020-01-20", "", "", "", ""],
    ]  # fmt: skip

    result = run(staff_user, rows, "milestones")

    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "invoice_number", "required")
    ]


def test_re_importing_a_milestone_moves_it_forward_but_never_back(staff_user, project):
    planned = ["IMP-P", "Signing", "AGR-IMP", "commercial", "1000", "CNY", "planned"] + [""] * 6
    claimed = ["IMP-P", "Signing", "AGR-IMP", "commercial", "1000", "CNY", "claimed", "2024-01-05"]
    claimed += [""] * 5

    run(staff_user, [MILESTONE_HEADER, claimed], "milestones")
    back = run(staff_user, [MILESTONE_HEADER, planned], "milestones")

    assert [(e.column, e.code) for e in back.errors] == [("status", "invalid_transition")]
    assert Milestone.objects.get(name="Signing").status == "claimed"


def test_milestones_of_a_project_the_staff_do_not_work_on_are_refused(project):
    outsider = UserFactory(institutions=[InstitutionFactory()])
    row = ["IMP-P", "Signing", "AGR-IMP", "commercial", "1000", "CNY", "planned"] + [""] * 6

    result = run(outsider, [MILESTONE_HEADER, row], "milestones")

    assert [(e.row, e.code) for e in result.errors] == [(2, "permission_denied")]
    assert not Milestone.objects.exists()
