"""Fixtures of the API-wide tests: a "world" of two sides that must not see
each other, and clients for each role.

Side ``a`` is the one the roles are named after: ``staff`` works for its
institution, ``partner`` is a user of its enterprise, ``researcher`` is an
inventor of its achievement. Side ``b`` has an
institution, an enterprise and a partner (``other_partner``) of its own. Each
side has a partnership, a signed agreement with all its terms, a project run
under it, milestones in every state an action needs, invoices and payments,
royalty reports, cost entries, documents, activity, notifications,
valuations, a webhook endpoint with a delivery, an achievement licensed
under the agreement with a patent family, an application, its docket and an
IP cost, a researcher's draft and submitted disclosures, the researcher's
part-time work over 2025 and the institution's transfer office (what the
annual report counts beside the deals), a distribution
policy of the institution with an approved run over 2025 (its inventor's
line pending), a draft over 2024 prepared by a second staff member and a
version taking effect in 2027, and API tokens.

Money and lifecycle states are reached through the services, as a user
would reach them, so the records they leave (activity, notifications,
invoices) are the real ones.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from accounts.services import api_token_create
from achievements import services as achievement_services
from achievements.models import AchievementAgreement, IpCost
from distributions.models import EquityHolding, OperatingProfit
from distributions.services import runs as distribution_runs
from distributions.services.policies import policy_from_preset
from notifications.models import Notification
from partnerships.models import JointCentreParty, Person
from pipelines.models import StageDefinition
from projects import services as project_services
from reports.models import StaffMobility, TransferEntity
from tests.factories import (
    AchievementFactory,
    ActivityFactory,
    AgreementFactory,
    CostEntryFactory,
    CostShareFactory,
    CounselFactory,
    DocumentFactory,
    EnterpriseFactory,
    FailureClauseFactory,
    FixedPaymentFactory,
    InstitutionFactory,
    JointCentreFactory,
    MilestoneFactory,
    MilestoneScheduleItemFactory,
    PartnershipFactory,
    PartnerUserFactory,
    PatentApplicationFactory,
    PatentFamilyFactory,
    PersonFactory,
    ProjectUnderAgreementFactory,
    ResearcherUserFactory,
    RoyaltyReportFactory,
    RoyaltyTierFactory,
    StageTransitionFactory,
    UserFactory,
)
from tests.valuations.termsheet_factory import valuation_with_menu
from valuations.models import ComparableDeal, PortfolioRun
from valuations.services import valuation_run
from webhooks.models import OutboxEvent, WebhookDelivery, WebhookEndpoint

ROLES = ("anonymous", "staff", "superuser", "partner", "other_partner", "researcher")

SCORECARD_INPUTS = {
    "trl": 3,
    "scores": {
        "scientific_value": 5,
        "innovation": 4,
        "market_application_value": 3,
        "maturity": 1,
        "time_to_market": 1,
        "ip_strength": 4,
    },
}


@dataclass
class Side:
    """Everything one research party and one enterprise share."""

    name: str
    institution: object = None
    staff: object = None
    enterprise: object = None
    partner: object = None
    person: object = None
    joint_centre: object = None
    partnership: object = None
    agreement: object = None
    failure_clause: object = None
    schedule_item: object = None
    project: object = None
    transition: object = None
    # Milestones by the state an action needs: planned (claim, cancel,
    # waive), claimed (verify, dispute), verified (invoice), invoiced with a
    # part paid (payments).
    milestones: dict = field(default_factory=dict)
    invoice: object = None
    payment: object = None
    # Fixed payments by state: due (invoice, cancel, waive), invoiced.
    fixed_payments: dict = field(default_factory=dict)
    # Royalty reports by state: submitted (accept, query), queried
    # (resubmit), accepted (invoice).
    reports: dict = field(default_factory=dict)
    cost_entry: object = None
    document: object = None
    internal_document: object = None
    activity: object = None
    # Valuations by who made them: staff see the staff's, partners their
    # enterprise's.
    valuations: dict = field(default_factory=dict)
    # rNPVs with a deal and a menu of structures, for the term sheets.
    deal_valuations: dict = field(default_factory=dict)
    # Portfolio runs by who made them, like valuations: the staff's of the
    # side's institution, the partner's of its enterprise.
    portfolio_runs: dict = field(default_factory=dict)
    endpoint: object = None
    delivery: object = None
    # The inventor of ``achievement``, with their person at the institution.
    researcher: object = None
    achievement: object = None
    family: object = None
    application: object = None
    deadline: object = None
    counsel: object = None
    ip_cost: object = None
    equity_holding: object = None
    operating_profit: object = None
    # What China's annual report counts beside the deals: the researcher's
    # part-time work (兼职) over 2025 and the office's own transfer office.
    staff_mobility: object = None
    transfer_entity: object = None
    # Disclosures by state: draft (update, submit, withdraw), submitted
    # (confirm, return, convert).
    disclosures: dict = field(default_factory=dict)
    # Income distribution: the institution's policy (China's statutory
    # default) and a later version no run uses; a second staff member who
    # prepares the runs, so that ``staff`` may approve them; the approved run
    # over 2025 with the researcher's pending line, and a draft over 2024.
    policy: object = None
    later_policy: object = None
    run_preparer: object = None
    approved_run: object = None
    draft_run: object = None
    distribution_line: object = None


@dataclass
class World:
    a: Side
    b: Side
    superuser: object
    public_deal: object
    private_deal: object
    notifications: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)

    def user(self, role):
        return {
            "anonymous": None,
            "staff": self.a.staff,
            "superuser": self.superuser,
            "partner": self.a.partner,
            "other_partner": self.b.partner,
            "researcher": self.a.researcher,
        }[role]

    def side(self, which: str) -> Side:
        """``own`` is side a, the side the roles are named after; ``foreign``
        is side b."""
        return self.a if which == "own" else self.b


def _stages():
    return list(StageDefinition.objects.filter(pipeline__code="ENV").order_by("position"))


def build_side(name: str) -> Side:
    side = Side(name)
    stages = _stages()
    side.institution = InstitutionFactory()
    side.staff = UserFactory(institutions=[side.institution])
    side.enterprise = EnterpriseFactory()
    side.partner = PartnerUserFactory(enterprise=side.enterprise)
    side.person = Person.objects.create(
        full_name=f"Business developer {name}", enterprise=side.enterprise
    )
    side.joint_centre = JointCentreFactory()
    JointCentreParty.objects.create(centre=side.joint_centre, institution=side.institution)
    JointCentreParty.objects.create(centre=side.joint_centre, enterprise=side.enterprise)

    side.partnership = PartnershipFactory(institution=side.institution, enterprise=side.enterprise)
    side.agreement = AgreementFactory(partnership=side.partnership, currency="CNY")
    CostShareFactory(
        agreement=side.agreement,
        first_stage=stages[0],
        last_stage=stages[-1],
        party="research",
        percent=60,
    )
    CostShareFactory(
        agreement=side.agreement,
        first_stage=stages[0],
        last_stage=stages[-1],
        party="enterprise",
        percent=40,
    )
    RoyaltyTierFactory(agreement=side.agreement, lower_bound=0, rate_percent=5)
    side.failure_clause = FailureClauseFactory(agreement=side.agreement, stage=stages[0])
    side.schedule_item = MilestoneScheduleItemFactory(agreement=side.agreement)

    side.project = ProjectUnderAgreementFactory(
        agreement=side.agreement, current_stage=stages[0], joint_centre=side.joint_centre
    )
    side.transition = StageTransitionFactory(project=side.project)

    staff, partner = side.staff, side.partner
    milestone = {status: MilestoneFactory(project=side.project) for status in ("planned",)}
    for status in ("claimed", "verified", "invoiced"):
        milestone[status] = MilestoneFactory(project=side.project)
        project_services.milestone_claim(
            milestone=milestone[status], by=staff, evidence_note="Report attached."
        )
    for status in ("verified", "invoiced"):
        project_services.milestone_verify(milestone=milestone[status], by=partner)
    side.invoice = project_services.milestone_invoice(
        milestone=milestone["invoiced"], by=staff, issued_on=datetime.date(2025, 5, 1)
    )
    side.payment = project_services.payment_record(
        invoice=side.invoice,
        by=staff,
        amount=Decimal("1000.00"),
        currency=side.invoice.currency,
        paid_on=datetime.date(2025, 6, 1),
    )
    for status, item in milestone.items():
        item.refresh_from_db()
        assert item.status in {status, "partially_paid"}, (status, item.status)
    side.milestones = milestone

    side.fixed_payments = {
        status: FixedPaymentFactory(agreement=side.agreement, kind=kind)
        for status, kind in (("due", "patent_costs"), ("invoiced", "option_fee"))
    }
    project_services.fixed_payment_invoice(fixed_payment=side.fixed_payments["invoiced"], by=staff)
    side.fixed_payments["invoiced"].refresh_from_db()

    side.reports = {
        status: RoyaltyReportFactory(
            agreement=side.agreement,
            project=side.project,
            status=status,
            period_start=datetime.date(2025, month, 1),
            period_end=datetime.date(2025, month + 2, 28),
        )
        for status, month in (("submitted", 1), ("queried", 4), ("accepted", 7))
    }

    side.cost_entry = CostEntryFactory(project=side.project, stage=stages[0])
    side.document = DocumentFactory(
        project=side.project, agreement=side.agreement, milestone=milestone["planned"]
    )
    side.internal_document = DocumentFactory(project=side.project, is_internal=True)
    side.activity = ActivityFactory(project=side.project)

    side.valuations = {
        "staff": valuation_run(
            project=side.project, method="scorecard", inputs=SCORECARD_INPUTS, by=staff
        ),
        "partner": valuation_run(
            project=side.project, method="scorecard", inputs=SCORECARD_INPUTS, by=partner
        ),
    }

    side.deal_valuations = {
        "staff": valuation_with_menu(side.project, by=staff, currency="CNY"),
        "partner": valuation_with_menu(side.project, by=partner, currency="CNY"),
    }

    side.portfolio_runs = {
        "staff": PortfolioRun.objects.create(
            scope="institution",
            institution=side.institution,
            trials=1,
            seed=0,
            inputs={"projects": [], "not_valued": []},
            engine_version="test",
            created_by=staff,
        ),
        "partner": PortfolioRun.objects.create(
            scope="enterprise",
            enterprise=side.enterprise,
            trials=1,
            seed=0,
            inputs={"projects": [], "not_valued": []},
            engine_version="test",
            created_by=partner,
        ),
    }

    side.endpoint = WebhookEndpoint.objects.create(
        url=f"https://hooks.{name}.example.com/biobridge",
        event_types=["milestone.claimed"],
        secret=f"whsec_{name}_0123456789abcdef0123456789abcdef",
        created_by=staff,
    )
    event = OutboxEvent.objects.create(
        event_type="milestone.claimed",
        object_type="milestone",
        object_id=milestone["claimed"].pk,
    )
    side.delivery = WebhookDelivery.objects.create(
        endpoint=side.endpoint, event=event, status="dead", attempts=3
    )
    build_achievements(side)
    build_distributions(side)
    return side


def build_distributions(side: Side) -> None:
    """The statutory default gives half of the net income to the inventors:
    the 1,000.00 paid on the side's invoice in 2025 gives its researcher a
    line of 500.00."""
    side.policy = policy_from_preset(
        side.staff,
        side.institution,
        preset_key="china_statutory",
        effective_from=datetime.date(2020, 1, 1),
    )
    side.later_policy = policy_from_preset(
        side.staff,
        side.institution,
        preset_key="provincial_70",
        effective_from=datetime.date(2027, 1, 1),
    )
    side.run_preparer = UserFactory(institutions=[side.institution])
    side.approved_run = distribution_runs.approve_run(
        side.staff,
        distribution_runs.prepare_run(
            side.run_preparer,
            side.institution,
            period_start=datetime.date(2025, 1, 1),
            period_end=datetime.date(2025, 12, 31),
        ),
    )
    side.distribution_line = side.approved_run.lines.get(person=side.researcher.person)
    side.draft_run = distribution_runs.prepare_run(
        side.run_preparer,
        side.institution,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2024, 12, 31),
    )


def build_achievements(side: Side) -> None:
    """The side's achievement, licensed to its enterprise under its
    agreement, with a patent family, an application and their docket; the
    researcher who invented it and their disclosures."""
    person = PersonFactory(institution=side.institution)
    side.researcher = ResearcherUserFactory(person=person)
    side.achievement = AchievementFactory(owner=side.institution, inventors=[person])
    AchievementAgreement.objects.create(
        achievement=side.achievement, agreement=side.agreement, mode="licence"
    )
    side.counsel = CounselFactory()
    side.family = PatentFamilyFactory(
        achievement=side.achievement, priority_date=datetime.date(2024, 3, 15)
    )
    side.application = PatentApplicationFactory(
        family=side.family,
        jurisdiction="CN",
        filed_on=datetime.date(2024, 3, 15),
        status="filed",
        counsel=side.counsel,
    )
    achievement_services.deadlines_refresh(side.family)
    side.deadline = side.family.deadlines.filter(state="open").order_by("due_on", "id").first()
    side.ip_cost = IpCost.objects.create(
        achievement=side.achievement,
        application=side.application,
        kind="official_fee",
        amount=Decimal("950.00"),
        currency="CNY",
        incurred_on=datetime.date(2024, 3, 15),
        counsel=side.counsel,
        description="Filing fee",
    )
    side.equity_holding = EquityHolding.objects.create(
        institution=side.institution,
        company=side.enterprise,
        agreement=side.agreement,
        acquired_on=datetime.date(2024, 6, 1),
        shares=1000,
        value=Decimal("100000.00"),
    )
    side.operating_profit = OperatingProfit.objects.create(
        institution=side.institution,
        achievement=side.achievement,
        year=2024,
        profit=Decimal("50000.00"),
    )
    side.staff_mobility = StaffMobility.objects.create(
        institution=side.institution,
        person=person,
        kind="part_time",
        enterprise=side.enterprise,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
    )
    side.transfer_entity = TransferEntity.objects.create(
        institution=side.institution,
        name=f"Technology transfer office {side.name}",
        kind="transfer_office",
        built="own",
        established_on=datetime.date(2020, 5, 1),
        technology_managers=4,
    )
    for state in ("draft", "submitted"):
        disclosure = achievement_services.disclosure_create(
            by=side.researcher,
            inventors=[achievement_services.InventorInput(person, Decimal(100))],
            title=f"Cell-free expression kit ({state})",
            kind="biological_material",
            summary="A lysate that expresses membrane proteins.",
            institution=side.institution,
            funding_source="government",
        )
        if state == "submitted":
            achievement_services.disclosure_submit(disclosure=disclosure, by=side.researcher)
        side.disclosures[state] = disclosure


def build_world() -> World:
    world = World(
        a=build_side("a"),
        b=build_side("b"),
        superuser=UserFactory(is_superuser=True, is_staff=True),
        public_deal=_deal(is_public=True),
        private_deal=_deal(is_public=False),
    )
    for role in ROLES[1:]:
        user = world.user(role)
        world.notifications[role] = Notification.objects.create(
            recipient=user, kind="milestone_claimable", event_key=f"matrix:{role}", title="Hello"
        )
        issued = api_token_create(user=user, name=f"matrix {role}")
        world.tokens[role], world.keys[role] = issued.token, issued.key
    return world


def _deal(*, is_public: bool) -> ComparableDeal:
    stage = StageDefinition.objects.filter(pipeline__code="BIOMED-DRUG").order_by("position")[3]
    return ComparableDeal.objects.create(
        name=f"{'Published' if is_public else 'Confidential'} licence",
        signed_year=2023,
        sector=stage.pipeline.sector,
        stage=stage,
        currency="USD",
        upfront=Decimal("5000000"),
        total_value=Decimal("50000000"),
        is_public=is_public,
        source="Press release" if is_public else "Our own agreement",
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The two-sided world, built once per module inside a transaction that
    is rolled back at the end. Each test runs in a savepoint of it (the
    ``db`` fixture), so what one test changes the next does not see."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def client_for(user=None, *, token: str | None = None) -> APIClient:
    """A client signed in as ``user`` (force_authenticate, no session), or
    sending ``Authorization: Token <token>``, or anonymous."""
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    elif user is not None:
        client.force_authenticate(user)
    return client
