"""Bulk actions on the project list: put on hold, assign an owner, create
milestones from the schedule, export. Each project goes through its
service and guard in a transaction of its own; what the browser posts is
re-scoped to the projects the user sees."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.ui import bulk as bulk_kit
from projects.choices import ProjectStatus
from projects.models import Activity, Milestone, ResearchProject
from projects.services import rebuild_portfolio_counts
from projects.views.projects import PROJECT_EXPORT
from tests.factories import (
    InstitutionFactory,
    MilestoneScheduleItemFactory,
    ProjectUnderAgreementFactory,
    ResearchProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/projects/bulk/"


def hold(client, *projects, rationale="Funding paused", **extra):
    data = {
        "action": "hold",
        "confirm": "1",
        "bulk-rationale": rationale,
        "selected": [project.pk for project in projects],
        **extra,
    }
    return client.post(URL, data)


def status_of(project) -> str:
    return ResearchProject.objects.values_list("status", flat=True).get(pk=project.pk)


# --- The list page ------------------------------------------------------------------


def test_the_list_offers_staff_a_checkbox_per_row_and_the_bulk_bar(staff, world):
    response = staff.get("/projects/")

    assert response.status_code == 200
    assert 'id="bulk-form"' in response.text
    assert f'name="selected" value="{world.projects[0].pk}" form="bulk-form"' in response.text
    assert 'data-bb-check-all="bulk-form"' in response.text
    assert 'name="all_matching"' in response.text
    assert '<option value="hold">Put on hold</option>' in response.text


# --- Put on hold ----------------------------------------------------------------------


def test_the_first_step_asks_for_the_rationale_and_changes_nothing(staff, world):
    response = staff.post(URL, {"action": "hold", "selected": [world.projects[0].pk]})

    assert response.status_code == 200
    assert 'name="bulk-rationale"' in response.text
    assert "1 row selected." in response.text
    assert status_of(world.projects[0]) == ProjectStatus.ACTIVE


def test_projects_are_put_on_hold_and_the_refused_are_named_with_the_reason(staff, world):
    """A project already on hold is refused by the gate's guard; the others
    are held all the same, each in its own transaction."""
    first, second, already_held = world.projects
    already_held.status = ProjectStatus.ON_HOLD
    already_held.save()

    response = hold(staff, first, second, already_held)

    assert response.status_code == 200
    assert "Done: 2" in response.text and "Refused: 1" in response.text
    assert "A project that is on hold cannot be put on hold." in response.text
    assert str(already_held) in response.text
    assert "a row that was refused did not undo the others" in response.text
    assert status_of(first) == status_of(second) == ProjectStatus.ON_HOLD
    assert first.transitions.get().rationale == "Funding paused"


def test_a_hold_without_a_rationale_is_asked_again(staff, world):
    response = hold(staff, world.projects[0], rationale="  ")

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert status_of(world.projects[0]) == ProjectStatus.ACTIVE


def test_another_institutions_project_posted_by_id_is_left_alone(staff, world):
    """Ids from the browser count only within what the user sees: another
    institution's project is neither held nor named."""
    response = hold(staff, world.projects[0], world.foreign_project)

    assert "Done: 1" in response.text and "Refused: 0" in response.text
    assert world.foreign_project.code not in response.text
    assert status_of(world.foreign_project) == ProjectStatus.ACTIVE


def test_only_foreign_ids_select_nothing(staff, world):
    response = hold(staff, world.foreign_project)

    assert response.status_code == 400
    assert "Select at least one row" in response.text
    assert status_of(world.foreign_project) == ProjectStatus.ACTIVE


def test_every_project_matching_the_filter_is_held_on_the_server(staff, world):
    """ "Every row matching the filter" runs the list's filter again on the
    server: the projects it matches, and only those the user sees."""
    response = staff.post(
        URL,
        {
            "action": "hold",
            "confirm": "1",
            "bulk-rationale": "Portfolio review",
            "all_matching": "1",
            "filters": "q=Own+1&page=3",
            # Ticked rows do not narrow "every row matching".
            "selected": [world.projects[0].pk],
        },
    )

    assert "Done: 1" in response.text
    assert [status_of(project) for project in world.projects] == [
        ProjectStatus.ACTIVE,
        ProjectStatus.ON_HOLD,
        ProjectStatus.ACTIVE,
    ]
    assert status_of(world.foreign_project) == ProjectStatus.ACTIVE


def test_every_project_matching_never_reaches_beyond_the_users_scope(staff, world):
    response = staff.post(
        URL,
        {"action": "hold", "confirm": "1", "bulk-rationale": "All", "all_matching": "1"},
    )

    assert "Done: 3" in response.text
    assert status_of(world.foreign_project) == ProjectStatus.ACTIVE


def test_an_action_takes_at_most_the_cap(staff, world, monkeypatch):
    monkeypatch.setattr(bulk_kit, "MAX_BULK_OBJECTS", 2)

    response = hold(staff, *world.projects)

    assert response.status_code == 400
    assert "at most 2 rows at once; 3 are selected" in response.text
    assert {status_of(project) for project in world.projects} == {ProjectStatus.ACTIVE}


def test_an_export_of_nothing_asks_for_a_selection(staff, world):
    response = staff.post(URL, {"action": "export_csv", "selected": [world.foreign_project.pk]})

    assert response.status_code == 400
    assert "Select at least one row" in response.text


def test_an_unknown_action_is_refused(staff, world):
    response = staff.post(URL, {"action": "delete", "selected": [world.projects[0].pk]})

    assert response.status_code == 400
    assert "Choose an action." in response.text


# --- Who may act ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["partner_user", "researcher_user"])
def test_partners_and_researchers_cannot_reach_the_bulk_actions(client, world, who, request):
    client.force_login(request.getfixturevalue(who))

    response = hold(client, world.projects[0])
    export = client.post(URL, {"action": "export_csv", "all_matching": "1"})

    assert response.status_code in (403, 404)
    assert export.status_code in (403, 404)
    assert status_of(world.projects[0]) == ProjectStatus.ACTIVE


BULK_URLS = [
    "/projects/bulk/",
    "/milestones/bulk/",
    "/milestones/invoices/bulk/",
    "/agreements/bulk/",
]


@pytest.mark.parametrize("url", BULK_URLS)
def test_every_bulk_endpoint_refuses_partners_and_sends_visitors_to_sign_in(
    client, partner_user, url
):
    assert client.post(url, {"action": "export_csv"}).status_code == 302
    client.force_login(partner_user)
    assert client.post(url, {"action": "export_csv"}).status_code in (403, 404)
    assert client.get(url).status_code in (403, 404, 405)


def test_the_list_shows_no_bulk_bar_to_a_partner_who_reaches_it(client, partner_user, world):
    client.force_login(partner_user)

    response = client.get("/projects/")

    assert 'id="bulk-form"' not in response.text


# --- Assign an owner ----------------------------------------------------------------------


def test_an_owner_is_assigned_shown_on_the_project_and_filtered_as_mine(
    staff, staff_user, institution, world
):
    colleague = UserFactory(institutions=[institution], full_name="Li Wei")
    # Visible through the partnership, but led by another institution.
    elsewhere = ProjectUnderAgreementFactory(
        agreement=world.agreement, lead_institution=InstitutionFactory(), code="PRJ-ELSEWHERE"
    )

    response = staff.post(
        URL,
        {
            "action": "assign_owner",
            "confirm": "1",
            "bulk-owner": colleague.pk,
            "selected": [world.projects[0].pk, elsewhere.pk],
        },
    )

    assert "Done: 1" in response.text and "Refused: 1" in response.text
    assert "Li Wei is not on the staff of the lead institution" in response.text
    assert ResearchProject.objects.get(pk=world.projects[0].pk).owner == colleague
    assert ResearchProject.objects.get(pk=elsewhere.pk).owner is None
    entry = Activity.objects.get(verb="project.owner_assigned")
    assert entry.project_id == world.projects[0].pk and entry.actor == staff_user
    page = staff.get(world.projects[0].get_absolute_url())
    assert "Li Wei" in page.text

    staff.force_login(colleague)
    mine = staff.get("/projects/", {"owner": "mine"})
    assert world.projects[0].code in mine.text
    assert world.projects[1].code not in mine.text


def test_the_owner_offered_is_one_of_the_users_colleagues(staff, world):
    stranger = UserFactory(institutions=[InstitutionFactory()])

    response = staff.post(
        URL,
        {
            "action": "assign_owner",
            "confirm": "1",
            "bulk-owner": stranger.pk,
            "selected": [world.projects[0].pk],
        },
    )

    assert "Select a valid choice." in response.text
    assert ResearchProject.objects.get(pk=world.projects[0].pk).owner is None


# --- Milestones from the schedule -----------------------------------------------------------


def test_milestones_are_created_from_the_schedule_and_projects_without_agreement_refused(
    staff, institution, world
):
    MilestoneScheduleItemFactory(agreement=world.agreement, name="Lead candidate")
    no_agreement = ResearchProjectFactory(lead_institution=institution, code="PRJ-LONE")

    response = staff.post(
        URL,
        {
            "action": "milestones_from_schedule",
            "confirm": "1",
            "selected": [world.projects[0].pk, no_agreement.pk],
        },
    )
    again = staff.post(
        URL,
        {"action": "milestones_from_schedule", "confirm": "1", "selected": [world.projects[0].pk]},
    )

    assert "Done: 1" in response.text and "Refused: 1" in response.text
    assert "The project has no agreement." in response.text
    assert Milestone.objects.filter(project=world.projects[0], name="Lead candidate").count() == 1
    assert "Every milestone of the agreement’s schedule exists already." in again.text


# --- Export ---------------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_selection_exports_to_csv_with_the_lists_columns(staff, world):
    response = staff.post(
        URL,
        {
            "action": "export_csv",
            "selected": [world.projects[0].pk, world.projects[2].pk, world.foreign_project.pk],
        },
    )

    rows = csv_rows(response)
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0] == [str(column.header) for column in PROJECT_EXPORT.columns]
    assert [row[0] for row in rows[1:]] == [world.projects[0].code, world.projects[2].code]


def test_every_project_matching_exports_to_excel(staff, world):
    response = staff.post(
        URL, {"action": "export_xlsx", "all_matching": "1", "filters": "q=Own+2"}
    )

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == [world.projects[2].code]


# --- Queries --------------------------------------------------------------------------------


def test_an_export_costs_the_same_queries_for_one_project_or_many(staff, institution, world):
    for n in range(10):
        ProjectUnderAgreementFactory(agreement=world.agreement, code=f"PRJ-MORE-{n}")
    every_id = list(
        ResearchProject.objects.filter(agreement=world.agreement).values_list("pk", flat=True)
    )

    def export(ids):
        with CaptureQueriesContext(connection) as queries:
            csv_rows(staff.post(URL, {"action": "export_csv", "selected": ids}))
        return len(queries)

    assert export(every_id[:1]) == export(every_id)


def test_holding_more_projects_costs_only_the_services_own_queries(staff, institution, world):
    """Each further project costs what the gate's service costs it, and
    the selection and summary nothing more."""
    projects = [
        ProjectUnderAgreementFactory(agreement=world.agreement, code=f"PRJ-Q-{n}")
        for n in range(3)
    ]

    def held(count):
        with CaptureQueriesContext(connection) as queries:
            response = hold(staff, *projects[:count])
        assert f"Done: {count}" in response.text
        ResearchProject.objects.filter(pk__in=[p.pk for p in projects]).update(
            status=ProjectStatus.ACTIVE
        )
        # Set back past the services: counted again as they would count.
        rebuild_portfolio_counts()
        return len(queries)

    one, two, three = held(1), held(2), held(3)
    assert three - two == two - one
