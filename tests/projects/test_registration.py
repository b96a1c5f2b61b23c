"""Registering and editing a project keep its parties consistent: staff lead
projects for their own institutions, and a project's partner enterprises
are parties to its agreement (or partnership), so no enterprise is shown a
project that runs under someone else's contract."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.errors import DomainError
from projects import services
from projects.models import ResearchProject
from tests.api.conftest import client_for
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    JointCentreFactory,
    JointCentrePartyFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    UserFactory,
    first_stage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(institution, enterprise):
    return AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise)
    )


def draft(**fields) -> ResearchProject:
    stage = first_stage()
    return ResearchProject(
        **{
            "code": "LNK-001",
            "title": "Enzyme recycling",
            "current_stage": stage,
            "trl": stage.trl_min,
            "start_date": "2025-01-01",
            **fields,
        }
    )


def refusal(error) -> tuple[str, str]:
    return error.value.code, error.value.field


# --- The lead institution ----------------------------------------------------------


def test_staff_register_a_project_led_by_their_own_institution(institution, staff_user):
    project = services.project_register(project=draft(lead_institution=institution), by=staff_user)

    assert project.lead_institution == institution


def test_staff_cannot_register_a_project_led_by_another_institution(
    institution, staff_user, agreement
):
    """Even under a partnership of theirs, which puts the project in their
    sight: the lead institution is the other institution's to name."""
    other = InstitutionFactory()

    with pytest.raises(DomainError) as refused:
        services.project_register(
            project=draft(lead_institution=other, partnership=agreement.partnership),
            by=staff_user,
        )

    assert refusal(refused) == ("foreign_lead_institution", "lead_institution")
    assert not ResearchProject.objects.filter(code="LNK-001").exists()


def test_a_superuser_registers_a_project_for_any_institution(superuser):
    other = InstitutionFactory()

    project = services.project_register(project=draft(lead_institution=other), by=superuser)

    assert project.lead_institution == other


def test_joint_centre_staff_register_projects_led_by_a_host_institution():
    host = InstitutionFactory()
    centre = JointCentreFactory()
    JointCentrePartyFactory(centre=centre, institution=host)
    centre_staff = UserFactory(joint_centres=[centre])

    project = services.project_register(
        project=draft(lead_institution=host, joint_centre=centre), by=centre_staff
    )

    assert project.lead_institution == host


def test_staff_cannot_move_a_project_to_another_institution(agreement, staff_user):
    project = ProjectUnderAgreementFactory(agreement=agreement)

    with pytest.raises(DomainError) as refused:
        services.project_update(
            project=project, by=staff_user, lead_institution=InstitutionFactory()
        )

    assert refusal(refused) == ("foreign_lead_institution", "lead_institution")
    project.refresh_from_db()
    assert project.lead_institution == agreement.partnership.institution


# --- The partner enterprises ---------------------------------------------------------


def test_the_partner_is_the_enterprise_of_the_agreement(institution, staff_user, agreement):
    project = services.project_register(
        project=draft(
            lead_institution=institution,
            partnership=agreement.partnership,
            agreement=agreement,
        ),
        by=staff_user,
        partner_enterprises=[agreement.partnership.enterprise],
    )

    assert list(project.partner_enterprises.all()) == [agreement.partnership.enterprise]


def test_an_enterprise_cannot_partner_a_project_under_another_s_agreement(
    institution, staff_user, agreement
):
    """Enterprise Y would see a project, and its terms, under enterprise X's
    agreement."""
    stranger = EnterpriseFactory(name="Stranger Bio")

    with pytest.raises(DomainError) as refused:
        services.project_register(
            project=draft(
                lead_institution=institution,
                partnership=agreement.partnership,
                agreement=agreement,
            ),
            by=staff_user,
            partner_enterprises=[agreement.partnership.enterprise, stranger],
        )

    assert refusal(refused) == ("untied_partner", "partner_enterprises")
    assert "Stranger Bio" in refused.value.message
    assert not ResearchProject.objects.filter(code="LNK-001").exists()


def test_without_an_agreement_the_partner_is_the_enterprise_of_the_partnership(
    institution, staff_user, agreement
):
    with pytest.raises(DomainError) as refused:
        services.project_register(
            project=draft(lead_institution=institution, partnership=agreement.partnership),
            by=staff_user,
            partner_enterprises=[EnterpriseFactory()],
        )

    assert refusal(refused) == ("untied_partner", "partner_enterprises")


def test_a_project_without_partnership_has_no_partner_enterprise(institution, staff_user):
    with pytest.raises(DomainError) as refused:
        services.project_register(
            project=draft(lead_institution=institution),
            by=staff_user,
            partner_enterprises=[EnterpriseFactory()],
        )

    assert refusal(refused) == ("untied_partner", "partner_enterprises")


def test_a_joint_centre_project_is_shared_by_the_centre_s_lead_enterprises(
    institution, staff_user
):
    """A centre's lead enterprises share its projects; each sees only what
    its own agreement governs there."""
    centre = JointCentreFactory()
    JointCentrePartyFactory(centre=centre, institution=institution)
    first_lead, second_lead = EnterpriseFactory(), EnterpriseFactory()
    JointCentrePartyFactory(centre=centre, enterprise=first_lead, institution=None)
    JointCentrePartyFactory(centre=centre, enterprise=second_lead, institution=None)
    agreement = AgreementFactory(
        partnership=PartnershipFactory(
            institution=None, joint_centre=centre, enterprise=first_lead
        )
    )

    project = services.project_register(
        project=draft(
            lead_institution=institution,
            joint_centre=centre,
            partnership=agreement.partnership,
            agreement=agreement,
        ),
        by=staff_user,
        partner_enterprises=[first_lead, second_lead],
    )

    assert set(project.partner_enterprises.all()) == {first_lead, second_lead}


def test_an_agreement_of_another_partnership_is_refused_at_its_field(
    institution, staff_user, agreement
):
    other_agreement = AgreementFactory(partnership=PartnershipFactory(institution=institution))

    with pytest.raises(ValidationError) as refused:
        services.project_register(
            project=draft(
                lead_institution=institution,
                partnership=agreement.partnership,
                agreement=other_agreement,
            ),
            by=staff_user,
        )

    assert refused.value.error_dict["agreement"][0].code == "agreement_of_other_partnership"


def test_editing_cannot_add_an_untied_partner(agreement, staff_user):
    project = ProjectUnderAgreementFactory(agreement=agreement)

    with pytest.raises(DomainError) as refused:
        services.project_update(
            project=project,
            by=staff_user,
            partner_enterprises=[agreement.partnership.enterprise, EnterpriseFactory()],
        )

    assert refusal(refused) == ("untied_partner", "partner_enterprises")
    assert list(project.partner_enterprises.all()) == [agreement.partnership.enterprise]


def test_editing_cannot_put_the_project_under_another_enterprise_s_agreement(
    institution, agreement, staff_user
):
    project = ProjectUnderAgreementFactory(agreement=agreement)
    other = AgreementFactory(partnership=PartnershipFactory(institution=institution))

    with pytest.raises(DomainError) as refused:
        services.project_update(
            project=project, by=staff_user, partnership=other.partnership, agreement=other
        )

    assert refusal(refused) == ("untied_partner", "partner_enterprises")
    project.refresh_from_db()
    assert project.agreement == agreement


# --- Through the doors ---------------------------------------------------------------


def test_the_staff_form_shows_an_untied_partner_at_its_field(
    client, institution, staff_user, agreement
):
    client.force_login(staff_user)
    stage = first_stage()

    response = client.post(
        reverse("projects:create"),
        {
            "code": "LNK-UI",
            "title": "Enzyme recycling",
            "current_stage": stage.pk,
            "lead_institution": institution.pk,
            "partnership": agreement.partnership.pk,
            "agreement": agreement.pk,
            "partner_enterprises": [EnterpriseFactory().pk],
            "trl": stage.trl_min,
            "budget": "0",
            "currency": "CNY",
            "start_date": "2025-01-01",
        },
    )

    assert response.status_code == 200
    assert "partner_enterprises" in response.context["form"].errors
    assert not ResearchProject.objects.filter(code="LNK-UI").exists()


def test_the_api_refuses_a_foreign_lead_institution_with_its_code(staff_user, agreement):
    """The project would be in the staff member's sight, under its
    institution's partnership, but led by another institution."""
    stage = first_stage()

    response = client_for(staff_user).post(
        reverse("api:project-list"),
        {
            "code": "LNK-API",
            "title": "Enzyme recycling",
            "current_stage": stage.pk,
            "lead_institution": InstitutionFactory().pk,
            "partnership": agreement.partnership.pk,
            "trl": stage.trl_min,
            "start_date": "2025-01-01",
        },
        format="json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "foreign_lead_institution"
    assert "lead_institution" in error["fields"]


# --- The next gate review ----------------------------------------------------------


def test_staff_plan_the_next_gate_review_and_the_project_page_shows_it(
    client, agreement, staff_user
):
    project = ProjectUnderAgreementFactory(agreement=agreement)
    review_on = datetime.date.today() + datetime.timedelta(days=45)

    services.project_update(project=project, by=staff_user, next_gate_review_on=review_on)
    client.force_login(staff_user)
    page = client.get(reverse("projects:detail", kwargs={"code": project.code}))

    project.refresh_from_db()
    assert project.next_gate_review_on == review_on
    assert 'data-testid="project-next-gate-review"' in page.content.decode()


def test_a_gate_review_planned_beyond_the_business_horizon_is_refused(agreement, staff_user):
    project = ProjectUnderAgreementFactory(agreement=agreement)

    with pytest.raises(DomainError) as refused:
        services.project_update(
            project=project, by=staff_user, next_gate_review_on=datetime.date(2099, 1, 1)
        )

    assert refusal(refused)[1] == "next_gate_review_on"
