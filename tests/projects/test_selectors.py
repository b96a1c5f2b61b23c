"""Who sees which projects: the scoping selectors that every front door uses.

A partner user sees only its own enterprise's projects; staff see those of
the institutions and joint centres they work for; superusers see all.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from partnerships.selectors import (
    agreements_visible_to,
    enterprises_visible_to,
    institutions_visible_to,
    joint_centres_visible_to,
    partnerships_visible_to,
    people_visible_to,
)
from projects.selectors import (
    project_list_for,
    projects_visible_to,
    stage_transitions_visible_to,
)
from tests.factories import (
    AgreementFactory,
    EnterpriseFactory,
    InstitutionFactory,
    JointCentreFactory,
    JointCentrePartyFactory,
    PersonFactory,
    ResearchProjectFactory,
    StageTransitionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_project(partner_user, institution):
    return ResearchProjectFactory(
        lead_institution=institution, partner_enterprises=[partner_user.enterprise]
    )


@pytest.fixture
def foreign_project(other_partner_user):
    return ResearchProjectFactory(partner_enterprises=[other_partner_user.enterprise])


class TestPartnerScope:
    def test_a_partner_sees_its_own_projects_only(
        self, partner_user, own_project, foreign_project
    ):
        assert list(projects_visible_to(partner_user)) == [own_project]

    def test_a_partner_cannot_reach_a_foreign_project_by_id(self, partner_user, foreign_project):
        assert not projects_visible_to(partner_user).filter(pk=foreign_project.pk).exists()

    def test_a_shared_project_is_seen_by_each_of_its_partners(
        self, partner_user, other_partner_user
    ):
        shared = ResearchProjectFactory(
            partner_enterprises=[partner_user.enterprise, other_partner_user.enterprise]
        )

        assert list(projects_visible_to(partner_user)) == [shared]
        assert list(projects_visible_to(other_partner_user)) == [shared]

    def test_a_partner_sees_the_history_of_its_projects_only(
        self, partner_user, own_project, foreign_project
    ):
        own_history = StageTransitionFactory(project=own_project)
        StageTransitionFactory(project=foreign_project)

        assert list(stage_transitions_visible_to(partner_user)) == [own_history]

    def test_a_partner_sees_its_own_enterprise_and_not_others(
        self, partner_user, other_partner_user
    ):
        assert list(enterprises_visible_to(partner_user)) == [partner_user.enterprise]

    def test_a_partner_sees_its_partnerships_and_agreements_only(
        self, partner_user, other_partner_user
    ):
        own = AgreementFactory(partnership__enterprise=partner_user.enterprise)
        AgreementFactory(partnership__enterprise=other_partner_user.enterprise)

        assert list(partnerships_visible_to(partner_user)) == [own.partnership]
        assert list(agreements_visible_to(partner_user)) == [own]

    def test_a_partner_sees_only_institutions_it_works_with(
        self, partner_user, own_project, foreign_project
    ):
        assert list(institutions_visible_to(partner_user)) == [own_project.lead_institution]

    def test_a_partner_sees_its_colleagues_and_its_projects_investigators(
        self, partner_user, own_project, foreign_project
    ):
        colleague = PersonFactory(institution=None, enterprise=partner_user.enterprise)
        investigator = PersonFactory(institution=own_project.lead_institution)
        own_project.principal_investigator = investigator
        own_project.save()
        foreign_project.principal_investigator = PersonFactory()
        foreign_project.save()

        assert set(people_visible_to(partner_user)) == {colleague, investigator}

    def test_a_partner_sees_the_joint_centres_it_leads(self, partner_user, other_partner_user):
        led = JointCentrePartyFactory(institution=None, enterprise=partner_user.enterprise).centre
        JointCentrePartyFactory(institution=None, enterprise=other_partner_user.enterprise)

        assert list(joint_centres_visible_to(partner_user)) == [led]


class TestStaffScope:
    def test_staff_see_projects_their_institution_leads(self, staff_user, institution):
        own = ResearchProjectFactory(lead_institution=institution)
        ResearchProjectFactory(lead_institution=InstitutionFactory())

        assert list(projects_visible_to(staff_user)) == [own]

    def test_staff_see_projects_of_a_centre_they_work_for(self):
        centre = JointCentreFactory()
        staff = UserFactory(joint_centres=[centre])
        in_centre = ResearchProjectFactory(joint_centre=centre)
        ResearchProjectFactory(joint_centre=JointCentreFactory())

        assert list(projects_visible_to(staff)) == [in_centre]

    def test_staff_see_projects_of_a_centre_their_institution_hosts(self, staff_user, institution):
        centre = JointCentrePartyFactory(institution=institution).centre
        in_hosted_centre = ResearchProjectFactory(joint_centre=centre)

        assert list(projects_visible_to(staff_user)) == [in_hosted_centre]

    def test_staff_see_their_institutions_partnerships_only(self, staff_user, institution):
        own = AgreementFactory(partnership__institution=institution)
        AgreementFactory()

        assert list(partnerships_visible_to(staff_user)) == [own.partnership]
        assert list(agreements_visible_to(staff_user)) == [own]

    def test_staff_read_the_whole_partner_directory(self, staff_user):
        EnterpriseFactory.create_batch(3)

        assert enterprises_visible_to(staff_user).count() == 3

    def test_superusers_see_every_project(self, superuser):
        ResearchProjectFactory.create_batch(3)

        assert projects_visible_to(superuser).count() == 3


class TestNoScope:
    def test_anonymous_and_inactive_users_see_nothing(self, partner_user, own_project):
        partner_user.is_active = False

        assert not projects_visible_to(AnonymousUser()).exists()
        assert not projects_visible_to(partner_user).exists()
        assert not partnerships_visible_to(AnonymousUser()).exists()


def test_the_project_list_costs_the_same_queries_for_1_and_50_rows(
    django_assert_num_queries, superuser
):
    enterprise = EnterpriseFactory()
    ResearchProjectFactory(partner_enterprises=[enterprise])

    def render_rows():
        return [
            (
                p.code,
                p.sector.name,
                p.current_stage.name,
                [e.name for e in p.partner_enterprises.all()],
            )
            for p in project_list_for(superuser)
        ]

    with django_assert_num_queries(2):
        assert len(render_rows()) == 1
    ResearchProjectFactory.create_batch(49, partner_enterprises=[enterprise])
    with django_assert_num_queries(2):
        assert len(render_rows()) == 50


def test_on_a_shared_project_each_partner_sees_only_its_own_agreement_s_money(
    partner_user, other_partner_user
):
    """Two enterprises on one project, each under its own agreement: the
    milestones, invoices and payments of one are not the other's, in every
    entry point (portal, API, exports) since they all read these selectors."""
    from projects.models import Invoice
    from projects.selectors import (
        invoices_visible_to,
        milestones_visible_to,
        payments_visible_to,
    )
    from tests.factories import MilestoneFactory, PartnershipFactory, ProjectUnderAgreementFactory

    own_agreement = AgreementFactory(
        partnership=PartnershipFactory(enterprise=partner_user.enterprise)
    )
    other_agreement = AgreementFactory(
        partnership=PartnershipFactory(enterprise=other_partner_user.enterprise)
    )
    shared = ProjectUnderAgreementFactory(agreement=own_agreement)
    shared.partner_enterprises.add(other_partner_user.enterprise)
    own = MilestoneFactory(project=shared, agreement=own_agreement)
    other = MilestoneFactory(project=shared, agreement=other_agreement, status="invoiced")
    Invoice.objects.create(
        number="INV-OTHER",
        milestone=other,
        payee_name="Payee",
        payer_name="Other",
        amount=other.amount,
        currency=other.currency,
        issued_on="2025-04-01",
        due_on="2025-05-01",
    )

    assert projects_visible_to(other_partner_user).filter(pk=shared.pk).exists()
    assert list(milestones_visible_to(partner_user)) == [own]
    assert list(milestones_visible_to(other_partner_user)) == [other]
    assert not invoices_visible_to(partner_user).exists()
    assert invoices_visible_to(other_partner_user).get().number == "INV-OTHER"
    assert not payments_visible_to(partner_user).exists()


def test_the_invoices_a_user_sees_are_those_of_what_it_sees_billed(
    partner_user, other_partner_user, staff_user, institution
):
    """``invoices_visible_to`` reads each invoice's own milestone, report or
    fixed payment: the invoices it returns are those billing a milestone of
    ``milestones_visible_to``, a report of ``royalty_reports_visible_to`` or
    a payment of ``fixed_payments_visible_to``, for a partner, another
    enterprise's partner and staff alike, whoever's the other objects are."""
    from projects.models import Invoice
    from projects.selectors import (
        fixed_payments_visible_to,
        invoices_visible_to,
        milestones_visible_to,
        royalty_reports_visible_to,
    )
    from tests.factories import (
        FixedPaymentFactory,
        MilestoneFactory,
        PartnershipFactory,
        ProjectUnderAgreementFactory,
        RoyaltyReportFactory,
    )

    own_agreement = AgreementFactory(
        partnership=PartnershipFactory(enterprise=partner_user.enterprise, institution=institution)
    )
    other_agreement = AgreementFactory(
        partnership=PartnershipFactory(enterprise=other_partner_user.enterprise)
    )
    own_project = ProjectUnderAgreementFactory(agreement=own_agreement)
    shared = ProjectUnderAgreementFactory(agreement=other_agreement)
    shared.partner_enterprises.add(partner_user.enterprise)
    # Under the partner's agreement, on a project its enterprise is not a
    # partner of: the partner does not see that project, nor its money.
    not_partnered = ProjectUnderAgreementFactory(agreement=own_agreement)
    not_partnered.partner_enterprises.clear()
    billed = [
        MilestoneFactory(project=own_project),
        MilestoneFactory(project=shared, agreement=other_agreement),
        MilestoneFactory(project=shared, agreement=own_agreement),
        MilestoneFactory(project=not_partnered),
        RoyaltyReportFactory(agreement=own_agreement, project=own_project),
        RoyaltyReportFactory(agreement=other_agreement, project=shared),
        FixedPaymentFactory(agreement=own_agreement),
        FixedPaymentFactory(agreement=other_agreement),
    ]
    for number, thing in enumerate(billed):
        field = {"Milestone": "milestone", "RoyaltyReport": "royalty_report"}.get(
            type(thing).__name__, "fixed_payment"
        )
        Invoice.objects.create(
            number=f"INV-SCOPE-{number}",
            payee_name="Payee",
            payer_name="Payer",
            amount=100,
            currency="CNY",
            issued_on="2025-04-01",
            due_on="2025-05-01",
            **{field: thing},
        )

    for user in (partner_user, other_partner_user, staff_user):
        expected = Invoice.objects.filter(
            Q(milestone__in=milestones_visible_to(user).values("id"))
            | Q(royalty_report__in=royalty_reports_visible_to(user).values("id"))
            | Q(fixed_payment__in=fixed_payments_visible_to(user).values("id"))
        )
        seen = list(invoices_visible_to(user).values_list("number", flat=True))
        assert sorted(seen) == sorted(expected.values_list("number", flat=True)), user
    partner_sees = set(invoices_visible_to(partner_user).values_list("number", flat=True))
    assert partner_sees == {"INV-SCOPE-0", "INV-SCOPE-2", "INV-SCOPE-4", "INV-SCOPE-6"}
