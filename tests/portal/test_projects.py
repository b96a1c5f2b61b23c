"""The partner's projects: a list it can search and filter, and a page for
each with its road to market, milestones, documents and activity — its own
projects only, without what is internal to the research centre."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pipelines.models import StageDefinition
from tests.factories import (
    ActivityFactory,
    DocumentFactory,
    MilestoneFactory,
    ProjectUnderAgreementFactory,
    StageTransitionFactory,
)

pytestmark = pytest.mark.django_db

PROJECTS = reverse("portal:projects")


def detail(project):
    return reverse("portal:project_detail", kwargs={"code": project.code})


def stage(position, pipeline="BIOMED-DRUG"):
    return StageDefinition.objects.get(pipeline__code=pipeline, position=position)


# --- Who may open the pages ------------------------------------------------------


@pytest.mark.parametrize("page", ["list", "detail"])
def test_anonymous_visitors_are_sent_to_sign_in(client, own, page):
    response = client.get(PROJECTS if page == "list" else detail(own.project))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("page", ["list", "detail"])
def test_staff_are_sent_to_the_staff_pages(client, staff_user, own, page):
    client.force_login(staff_user)

    response = client.get(PROJECTS if page == "list" else detail(own.project))

    assert response.status_code == 302
    assert response.url == reverse("home")


def test_another_enterprises_project_is_not_found_like_a_missing_one(
    client, partner_user, own, foreign
):
    client.force_login(partner_user)

    assert client.get(detail(foreign.project)).status_code == 404
    assert client.get(reverse("portal:project_detail", args=["PRJ-NONE"])).status_code == 404


# --- The list ----------------------------------------------------------------------


def test_the_list_shows_the_partners_projects_only(client, partner_user, own, foreign):
    client.force_login(partner_user)

    response = client.get(PROJECTS)

    assert response.status_code == 200
    assert list(response.context["page"]) == [own.project]
    assert "PRJ-OWN" in response.text
    assert "PRJ-FOREIGN" not in response.text
    assert detail(own.project) in response.text


def test_the_list_searches_by_code_and_title(client, partner_user, own, foreign):
    other = ProjectUnderAgreementFactory(
        agreement=own.agreement, code="PRJ-ENZ", title="Enzyme route"
    )
    client.force_login(partner_user)

    by_title = client.get(PROJECTS, {"q": "enzyme"})
    by_code = client.get(PROJECTS, {"q": "prj-own"})
    foreign_code = client.get(PROJECTS, {"q": "FOREIGN"})

    assert list(by_title.context["page"]) == [other]
    assert list(by_code.context["page"]) == [own.project]
    assert list(foreign_code.context["page"]) == []


def test_the_list_filters_by_stage_and_status(client, partner_user, own):
    later = ProjectUnderAgreementFactory(
        agreement=own.agreement, code="PRJ-LATER", current_stage=stage(3), status="on_hold"
    )
    client.force_login(partner_user)

    by_stage = client.get(PROJECTS, {"stage": stage(3).pk})
    by_status = client.get(PROJECTS, {"status": "active"})

    assert list(by_stage.context["page"]) == [later]
    assert list(by_status.context["page"]) == [own.project]
    assert "Preclinical" in by_stage.text or stage(3).name in by_stage.text


def test_the_stage_filter_offers_the_stages_of_the_partners_pipelines(
    client, partner_user, own, foreign
):
    ProjectUnderAgreementFactory(
        agreement=foreign.agreement, current_stage=stage(1, "AGRI-GMO"), code="PRJ-AGRI"
    )
    client.force_login(partner_user)

    response = client.get(PROJECTS)

    field = response.context["filterset"].form.fields["stage"]
    offered = {value for value, _label in field.choices}
    biomedicine = {str(pk) for pk in stage(1).pipeline.stages.values_list("pk", flat=True)}
    assert offered - {""} == biomedicine


def test_a_project_shared_under_another_enterprises_agreement_offers_its_stages(
    client, partner_user, other_partner_user, own, foreign
):
    """The shared project runs under the other enterprise's agreement: its
    pipeline is offered to both partners; the other enterprise's own
    project in a third pipeline to neither but that enterprise."""
    ProjectUnderAgreementFactory(
        agreement=foreign.agreement,
        current_stage=stage(1, "AGRI-GMO"),
        code="PRJ-SHARED",
        partner_enterprises=[partner_user.enterprise, other_partner_user.enterprise],
    )
    ProjectUnderAgreementFactory(
        agreement=foreign.agreement, current_stage=stage(1, "ENV"), code="PRJ-ENV"
    )

    def offered_pipelines(user):
        client.force_login(user)
        field = client.get(PROJECTS).context["filterset"].form.fields["stage"]
        chosen = StageDefinition.objects.filter(
            pk__in=[value for value, _label in field.choices if value]
        )
        return set(chosen.values_list("pipeline__code", flat=True))

    assert offered_pipelines(partner_user) == {"BIOMED-DRUG", "AGRI-GMO"}
    assert offered_pipelines(other_partner_user) == {"BIOMED-DRUG", "AGRI-GMO", "ENV"}


def test_a_stage_of_another_pipeline_is_refused_by_the_filter(client, partner_user, own):
    client.force_login(partner_user)

    response = client.get(PROJECTS, {"stage": stage(1, "AGRI-GMO").pk})

    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert response.context["filterset"].form.errors


def test_the_list_is_paginated(client, partner_user, own):
    for n in range(30):
        ProjectUnderAgreementFactory(agreement=own.agreement, code=f"PRJ-PAGE-{n:02d}")
    client.force_login(partner_user)

    first = client.get(PROJECTS)
    second = client.get(PROJECTS, {"page": 2})

    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 6
    assert "Page 2 of 2" in second.text


def test_the_list_takes_as_many_queries_for_many_rows_as_for_one(client, partner_user, own):
    client.force_login(partner_user)
    with CaptureQueriesContext(connection) as one:
        assert client.get(PROJECTS).status_code == 200
    for n in range(10):
        ProjectUnderAgreementFactory(agreement=own.agreement, code=f"PRJ-MANY-{n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(PROJECTS).status_code == 200

    assert len(many) == len(one)


# --- The page of a project ---------------------------------------------------------------


def test_the_page_shows_the_road_to_market_with_every_gate(client, partner_user, own):
    project = own.project
    StageTransitionFactory(project=project, rationale="Registered after intake.")
    project.current_stage = stage(2)
    project.save()
    StageTransitionFactory(
        project=project,
        kind="advance",
        from_stage=stage(1),
        to_stage=stage(2),
        from_status="active",
        rationale="Hit-to-lead criteria met.",
    )
    client.force_login(partner_user)

    response = client.get(detail(project))

    assert response.status_code == 200
    assert [stage.position for stage in response.context["stages"]] == list(
        range(1, stage(1).pipeline.stages.count() + 1)
    )
    assert [t.kind for t in response.context["transitions"]] == ["advance", "start"]
    assert "Hit-to-lead criteria met." in response.text
    assert 'aria-current="step"' in response.text
    assert response.context["stages"][1].entered_at is not None


def test_the_page_lists_the_projects_milestones_with_their_states(client, partner_user, own):
    client.force_login(partner_user)

    response = client.get(detail(own.project))

    assert set(response.context["milestones"]) == {
        own.claimed_milestone,
        own.invoiced_milestone,
    }
    assert "OWN first patient" in response.text
    assert "status-claimed" in response.text
    assert "status-invoiced" in response.text


def test_the_page_shows_documents_but_not_internal_ones(client, partner_user, own):
    DocumentFactory(project=own.project, original_name="board-minutes.pdf", is_internal=True)
    client.force_login(partner_user)

    response = client.get(detail(own.project))

    assert list(response.context["documents"]) == [own.document]
    assert "OWN-study-report.pdf" in response.text
    assert "board-minutes.pdf" not in response.text


def test_internal_evidence_of_a_gate_decision_is_not_shown(client, partner_user, own):
    internal = DocumentFactory(
        project=own.project, original_name="internal-review.pdf", is_internal=True
    )
    transition = StageTransitionFactory(project=own.project, rationale="Registered.")
    transition.evidence.add(internal, own.document)
    client.force_login(partner_user)

    response = client.get(detail(own.project))

    assert "internal-review.pdf" not in response.text
    (shown,) = response.context["transitions"]
    assert list(shown.evidence.all()) == [own.document]


def test_the_page_shows_the_partners_activity_never_internal_entries(
    client, partner_user, own, foreign
):
    ActivityFactory(project=own.project, summary="Milestone claimed with evidence")
    ActivityFactory(project=own.project, summary="Internal budget note", is_internal=True)
    client.force_login(partner_user)

    response = client.get(detail(own.project))

    assert "Milestone claimed with evidence" in response.text
    assert "Internal budget note" not in response.text


def test_the_page_takes_as_many_queries_for_many_rows_as_for_one(client, partner_user, own):
    project = own.project

    def add_rows():
        document = DocumentFactory(project=project)
        MilestoneFactory(project=project, status="claimed")
        transition = StageTransitionFactory(project=project, rationale="Reviewed.")
        transition.evidence.add(document)
        ActivityFactory(project=project)

    add_rows()
    client.force_login(partner_user)
    with CaptureQueriesContext(connection) as one:
        assert client.get(detail(project)).status_code == 200
    for _ in range(10):
        add_rows()
    with CaptureQueriesContext(connection) as many:
        assert client.get(detail(project)).status_code == 200

    assert len(many) == len(one)


def test_a_post_answers_404_for_a_foreign_project_and_405_for_an_own_one(
    client, partner_user, own, foreign
):
    client.force_login(partner_user)

    assert client.post(detail(foreign.project)).status_code == 404
    assert client.post(detail(own.project)).status_code == 405


def test_on_a_shared_project_each_enterprise_sees_only_its_own_agreement_and_milestones(
    client, partner_user, other_partner_user, own, foreign
):
    shared = ProjectUnderAgreementFactory(
        agreement=own.agreement,
        code="PRJ-SHARED",
        partner_enterprises=[partner_user.enterprise, other_partner_user.enterprise],
    )
    MilestoneFactory(project=shared, name="Own option fee")
    MilestoneFactory(
        project=shared, agreement=foreign.agreement, name="Co-development fee", status="claimed"
    )

    client.force_login(other_partner_user)
    as_co_partner = client.get(detail(shared))
    client.force_login(partner_user)
    as_lead_partner = client.get(detail(shared))
    overview = client.get(reverse("portal:overview"))

    assert as_co_partner.status_code == 200
    assert "Co-development fee" in as_co_partner.text
    assert "Own option fee" not in as_co_partner.text
    assert "AGR-OWN" not in as_co_partner.text
    assert "Own option fee" in as_lead_partner.text
    assert "AGR-OWN" in as_lead_partner.text
    assert "Co-development fee" not in as_lead_partner.text
    assert "Co-development fee" not in overview.text


def test_the_portal_pages_read_in_chinese(client, partner_user, own):
    client.cookies["django_language"] = "zh-hans"
    client.force_login(partner_user)
    sector = own.project.current_stage.pipeline.sector

    pages = [
        reverse("portal:overview"),
        PROJECTS,
        detail(own.project),
        reverse("portal:agreements"),
        reverse("portal:agreement_detail", args=[own.agreement.reference]),
    ]
    responses = [client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans") for url in pages]

    assert [response.status_code for response in responses] == [200] * len(pages)
    assert sector.name_zh and sector.name_zh in responses[2].text
    assert own.project.current_stage.name_zh in responses[1].text


# --- Export -----------------------------------------------------------------------


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_export_holds_the_partner_s_projects_and_not_its_fellow_partners(
    client, partner_user, own, foreign, export_format
):
    """A project shared with another enterprise is exported without the
    other enterprise, the budget or the staff's partnership columns."""
    from tests.ui.test_lists import exported

    own.project.partner_enterprises.add(foreign.partnership.enterprise)
    client.force_login(partner_user)

    rows = exported(client, PROJECTS, export_format)

    cells = {cell for row in rows for cell in row}
    assert rows[0][:2] == ["Code", "Title"]
    assert own.project.code in cells
    assert foreign.project.code not in cells
    assert foreign.partnership.enterprise.name not in cells
    assert not {"Budget", "Partner enterprises", "Partnership"} & set(rows[0])
