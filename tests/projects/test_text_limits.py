"""Free text has one limit and one notion of blank, whichever door it comes
through: the staff UI, the partner portal and the API refuse the same text,
because the limit is the stored field's and the service checks it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.errors import DomainError
from core.text import NOTE_MAX_LENGTH
from projects import services
from projects.api.serializers import DecisionSerializer
from projects.forms import GateDecisionForm
from projects.models import Milestone, ResearchProject, StageTransition
from tests.api.conftest import client_for
from tests.factories import (
    AgreementFactory,
    MilestoneFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    StageTransitionFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}

HUNDRED_THOUSAND = "x" * 100_000
ZERO_WIDTH_SPACE = "\u200b"
# Nothing a reader can see: spaces, a no-break space, zero-width space,
# non-joiner and joiner, word joiner, byte-order mark, soft hyphen.
INVISIBLE = " \u00a0\u200b\u200c\u200d\u2060\ufeff\u00ad\n"


@pytest.fixture
def project(institution, enterprise):
    agreement = AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise)
    )
    project = ProjectUnderAgreementFactory(code="TXT-001", agreement=agreement)
    StageTransitionFactory(project=project, rationale="Target validated.")
    return project


@pytest.fixture
def claimed(project, staff_user):
    milestone = MilestoneFactory(project=project)
    services.milestone_claim(milestone=milestone, by=staff_user, evidence_note="Report.")
    return milestone


def stage_of(project):
    return ResearchProject.objects.get(pk=project.pk).current_stage_id


def status_of(milestone):
    return Milestone.objects.get(pk=milestone.pk).status


# --- A gate decision's rationale ------------------------------------------------------


def test_a_100_000_character_rationale_is_refused_by_the_service(project, staff_user):
    with pytest.raises(DomainError) as refused:
        services.project_advance(project=project, by=staff_user, rationale=HUNDRED_THOUSAND)

    assert (refused.value.code, refused.value.field) == ("too_long", "rationale")
    assert f"At most {NOTE_MAX_LENGTH} characters" in refused.value.message


def test_a_100_000_character_rationale_is_refused_in_the_staff_ui(client, project, staff_user):
    client.force_login(staff_user)
    before = stage_of(project)

    response = client.post(
        reverse("projects:gate_decision", args=[project.code, "advance"]),
        {"rationale": HUNDRED_THOUSAND},
        **HTMX,
    )

    assert 'id="id_rationale_error"' in response.text
    assert f"at most {NOTE_MAX_LENGTH} characters" in response.text
    assert stage_of(project) == before


def test_a_100_000_character_rationale_is_refused_by_the_api(project, staff_user):
    before = stage_of(project)

    response = client_for(staff_user).post(
        reverse("api:project-advance", kwargs={"pk": project.pk}),
        {"rationale": HUNDRED_THOUSAND},
        format="json",
    )

    assert response.status_code == 400
    assert "rationale" in response.json()["error"]["fields"]
    assert stage_of(project) == before


def test_the_ui_and_the_api_take_the_rationale_limit_from_the_stored_field():
    limit = StageTransition._meta.get_field("rationale").max_length
    assert limit == NOTE_MAX_LENGTH
    assert GateDecisionForm.base_fields["rationale"].max_length == limit
    assert DecisionSerializer().fields["rationale"].max_length == limit


def test_an_invisible_rationale_is_no_rationale(project, staff_user):
    with pytest.raises(DomainError) as refused:
        services.project_advance(project=project, by=staff_user, rationale=INVISIBLE)

    assert (refused.value.code, refused.value.field) == ("rationale_required", "rationale")


# --- A dispute's reason ----------------------------------------------------------------


def test_a_zero_width_space_is_no_reason_for_the_service(claimed, partner_user):
    with pytest.raises(DomainError) as refused:
        services.milestone_dispute(milestone=claimed, by=partner_user, reason=ZERO_WIDTH_SPACE)

    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")


def test_a_zero_width_space_is_no_reason_in_the_api(claimed, partner_user):
    response = client_for(partner_user).post(
        reverse("api:milestone-dispute", kwargs={"pk": claimed.pk}),
        {"reason": ZERO_WIDTH_SPACE},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "reason_required"
    assert "reason" in response.json()["error"]["fields"]
    assert status_of(claimed) == "claimed"


def test_a_zero_width_space_is_no_reason_in_the_portal(client, claimed, partner_user):
    client.force_login(partner_user)

    response = client.post(
        reverse("portal:milestone_dispute", kwargs={"milestone_pk": claimed.pk}),
        {"reason": ZERO_WIDTH_SPACE},
    )

    assert response.status_code == 400
    assert "A dispute states its reason." in response.text
    assert status_of(claimed) == "claimed"


def test_a_zero_width_space_is_no_reason_in_the_staff_ui(client, claimed, superuser):
    client.force_login(superuser)

    response = client.post(
        reverse("projects:milestone_action", args=[claimed.project.code, claimed.pk, "dispute"]),
        {"reason": ZERO_WIDTH_SPACE},
        **HTMX,
    )

    assert "A dispute states its reason." in response.text
    assert status_of(claimed) == "claimed"


def test_a_reason_keeps_its_words_without_the_invisible_ends(claimed, partner_user):
    services.milestone_dispute(
        milestone=claimed, by=partner_user, reason="\ufeff\u200bThe report is missing.\u200b "
    )

    assert Milestone.objects.get(pk=claimed.pk).dispute_reason == "The report is missing."


@pytest.mark.parametrize(
    "act",
    [
        lambda m, staff, partner: services.milestone_verify(
            milestone=m, by=partner, comment=HUNDRED_THOUSAND
        ),
        lambda m, staff, partner: services.milestone_dispute(
            milestone=m, by=partner, reason=HUNDRED_THOUSAND
        ),
        lambda m, staff, partner: services.milestone_cancel(
            milestone=m, by=staff, reason=HUNDRED_THOUSAND
        ),
    ],
    ids=["verification comment", "dispute reason", "cancellation reason"],
)
def test_every_milestone_text_has_the_note_limit(act, claimed, staff_user, partner_user):
    with pytest.raises(DomainError) as refused:
        act(claimed, staff_user, partner_user)

    assert refused.value.code == "too_long"
    assert status_of(claimed) == "claimed"


# --- A project's particulars -------------------------------------------------------------


def test_a_100_000_character_description_is_refused_by_the_service(project, staff_user):
    with pytest.raises(ValidationError) as refused:
        services.project_update(project=project, by=staff_user, description=HUNDRED_THOUSAND)

    assert "description" in refused.value.message_dict


def test_a_100_000_character_description_is_refused_by_the_api(project, staff_user):
    response = client_for(staff_user).patch(
        reverse("api:project-detail", kwargs={"pk": project.pk}),
        {"description": HUNDRED_THOUSAND},
        format="json",
    )

    assert response.status_code == 400
    assert "description" in response.json()["error"]["fields"]
    assert ResearchProject.objects.get(pk=project.pk).description == ""


def test_a_title_of_invisible_characters_is_refused(project, staff_user):
    with pytest.raises(ValidationError) as refused:
        services.project_update(project=project, by=staff_user, title=ZERO_WIDTH_SPACE)

    assert refused.value.error_dict["title"][0].code == "blank"
