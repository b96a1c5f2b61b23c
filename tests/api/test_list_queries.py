"""No list of the API does N+1 queries: the number of queries for a page of
one row and for a page of fifty is the same.

Every list route under /api/v1/ needs a way to make its rows in ``ROWS``;
a list route without one fails ``test_every_list_route_has_rows``. Each row
gets related objects of its own (its own project, stage, partner, lines…),
so that a relation read row by row shows up as extra queries.
"""

import datetime
import itertools
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import api_token_create
from achievements import services as achievement_services
from achievements.models import AchievementAgreement, IpCost
from distributions.models import (
    DistributionLine,
    DistributionPolicy,
    DistributionRun,
    EquityHolding,
    EquityRealisation,
    OperatingProfit,
)
from distributions.services.policies import policy_from_preset
from notifications.models import Notification
from partnerships.models import JointCentreParty, Person
from pipelines.models import Sector, StageDefinition
from projects.models import Invoice, Payment, RoyaltyReportLine
from reports.models import StaffMobility, TransferEntity
from tests.api.conftest import SCORECARD_INPUTS, client_for
from tests.api.test_permission_matrix import ROUTES
from tests.factories import (
    AchievementFactory,
    ActivityFactory,
    AgreementFactory,
    CostEntryFactory,
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
    StageTransitionFactory,
    UserFactory,
)
from valuations.models import ComparableDeal, PortfolioRun, ReferenceSuccessRate
from valuations.services import valuation_run
from webhooks.models import OutboxEvent, WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

MANY = 50
counter = itertools.count(1)


@dataclass
class Context:
    """The staff member's institution partners with the partner's
    enterprise under ``agreement``; ``project`` runs under it."""

    staff: object
    partner: object
    institution: object
    enterprise: object
    agreement: object
    project: object


@pytest.fixture
def ctx(db):
    institution = InstitutionFactory()
    enterprise = EnterpriseFactory()
    agreement = AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise)
    )
    return Context(
        staff=UserFactory(institutions=[institution]),
        partner=PartnerUserFactory(enterprise=enterprise),
        institution=institution,
        enterprise=enterprise,
        agreement=agreement,
        project=ProjectUnderAgreementFactory(agreement=agreement),
    )


def stages():
    return list(StageDefinition.objects.order_by("pk"))


# --- Rows: each makes n rows of a list, visible to the context's users ------------


def projects(ctx, n):
    for _ in range(n):
        # A partnership, agreement and partner of its own for each project.
        agreement = AgreementFactory(
            partnership=PartnershipFactory(
                institution=ctx.institution, enterprise=EnterpriseFactory()
            )
        )
        ProjectUnderAgreementFactory(
            agreement=agreement,
            partner_enterprises=[agreement.partnership.enterprise, ctx.enterprise],
            current_stage=stages()[next(counter) % len(stages())],
        )


def milestones(ctx, n):
    for _ in range(n):
        project = ProjectUnderAgreementFactory(agreement=ctx.agreement)
        milestone = MilestoneFactory(project=project)
        if next(counter) % 2:
            _invoice(milestone)


def _invoice(milestone, by=None):
    number = next(counter)
    return Invoice.objects.create(
        number=f"INV-Q-{number:05d}",
        milestone=milestone,
        payee_name="Institute",
        payer_name="Company",
        amount=milestone.amount,
        currency=milestone.currency,
        issued_on=datetime.date(2025, 1, 1),
        due_on=datetime.date(2025, 2, 1),
        issued_by=by,
    )


def fixed_payments(ctx, n):
    for _ in range(n):
        fixed_payment = FixedPaymentFactory(agreement=ctx.agreement, project=ctx.project)
        if next(counter) % 2:
            Invoice.objects.create(
                number=f"INV-Q-{next(counter):05d}",
                fixed_payment=fixed_payment,
                payee_name="Institute",
                payer_name="Company",
                amount=fixed_payment.amount,
                currency=fixed_payment.currency,
                issued_on=datetime.date(2025, 1, 1),
                due_on=datetime.date(2025, 2, 1),
            )


def invoices(ctx, n):
    for _ in range(n):
        invoice = _invoice(MilestoneFactory(project=ctx.project), by=ctx.staff)
        _payment(invoice, ctx.staff)


def _payment(invoice, by):
    return Payment.objects.create(
        invoice=invoice,
        amount=Decimal("10.00"),
        currency=invoice.currency,
        paid_on=datetime.date(2025, 1, 15),
        recorded_by=by,
    )


def payments(ctx, n):
    for _ in range(n):
        _payment(_invoice(MilestoneFactory(project=ctx.project), by=ctx.staff), ctx.staff)


def royalty_reports(ctx, n):
    for _ in range(n):
        start = datetime.date(2000, 1, 1) + datetime.timedelta(days=next(counter))
        report = RoyaltyReportFactory(
            agreement=ctx.agreement,
            project=ctx.project,
            period_start=start,
            period_end=start,
            submitted_by=ctx.partner,
        )
        RoyaltyReportLine.objects.create(
            report=report, product="Kit", territory="CN", net_sales=Decimal("100.00")
        )
        if next(counter) % 2:
            Invoice.objects.create(
                number=f"INV-R-{next(counter):05d}",
                royalty_report=report,
                payee_name="Institute",
                payer_name="Company",
                amount=Decimal("5.00"),
                currency="CNY",
                issued_on=start,
                due_on=start,
            )


def stage_transitions(ctx, n):
    for _ in range(n):
        transition = StageTransitionFactory(
            project=ProjectUnderAgreementFactory(agreement=ctx.agreement), decided_by=ctx.staff
        )
        transition.evidence.add(DocumentFactory(project=transition.project))


def cost_entries(ctx, n):
    for _ in range(n):
        CostEntryFactory(project=ProjectUnderAgreementFactory(agreement=ctx.agreement))


def documents(ctx, n):
    for _ in range(n):
        project = ProjectUnderAgreementFactory(agreement=ctx.agreement)
        DocumentFactory(
            project=project, agreement=ctx.agreement, milestone=MilestoneFactory(project=project)
        )


def activities(ctx, n):
    for _ in range(n):
        ActivityFactory(
            project=ProjectUnderAgreementFactory(agreement=ctx.agreement),
            agreement=ctx.agreement,
            actor=UserFactory(institutions=[ctx.institution]),
        )


def institutions(ctx, n):
    for _ in range(n):
        InstitutionFactory()


def enterprises(ctx, n):
    sectors = list(Sector.objects.all())
    for _ in range(n):
        enterprise = EnterpriseFactory()
        enterprise.sectors.set(sectors[: 1 + next(counter) % len(sectors)])


def people(ctx, n):
    for _ in range(n):
        if next(counter) % 2:
            PersonFactory(institution=InstitutionFactory())
        else:
            Person.objects.create(full_name="Contact", enterprise=EnterpriseFactory())


def joint_centres(ctx, n):
    sectors = list(Sector.objects.all())
    for _ in range(n):
        centre = JointCentreFactory()
        JointCentreParty.objects.create(centre=centre, institution=InstitutionFactory())
        JointCentreParty.objects.create(centre=centre, enterprise=EnterpriseFactory())
        centre.focus_sectors.set(sectors[:2])
        centre.governance_contacts.set([PersonFactory()])


def partnerships(ctx, n):
    centre = JointCentreFactory()
    JointCentreParty.objects.create(centre=centre, institution=ctx.institution)
    for _ in range(n):
        # Half with the institution as research party, half with its centre.
        if next(counter) % 2:
            PartnershipFactory(institution=ctx.institution, enterprise=EnterpriseFactory())
        else:
            PartnershipFactory(
                institution=None, joint_centre=centre, enterprise=EnterpriseFactory()
            )


def agreements(ctx, n):
    for _ in range(n):
        AgreementFactory(
            partnership=PartnershipFactory(
                institution=ctx.institution, enterprise=EnterpriseFactory()
            )
        )


def failure_clauses(ctx, n):
    unused = [
        stage
        for stage in stages()
        if not ctx.agreement.failure_clauses.filter(stage=stage).exists()
    ]
    for stage in unused[:n]:
        FailureClauseFactory(agreement=ctx.agreement, stage=stage)


def schedule_items(ctx, n):
    for _ in range(n):
        stage = stages()[next(counter) % len(stages())]
        if next(counter) % 2:
            MilestoneScheduleItemFactory(agreement=ctx.agreement, trigger_stage=stage)
        else:
            MilestoneScheduleItemFactory(agreement=ctx.agreement)


def reference_rates(ctx, n):
    from projects.choices import TherapeuticArea
    from valuations.choices import ClinicalPhase

    taken = set(ReferenceSuccessRate.objects.values_list("phase", "therapeutic_area"))
    free = [
        (phase, area)
        for phase in ClinicalPhase.values
        for area in TherapeuticArea.values
        if (phase, area) not in taken
    ]
    for phase, area in free[:n]:
        ReferenceSuccessRate.objects.create(
            phase=phase,
            therapeutic_area=area,
            success_probability=Decimal("0.5"),
            typical_years=Decimal("2"),
            source="Test",
        )


def comparable_deals(ctx, n):
    drug = list(StageDefinition.objects.filter(pipeline__code="BIOMED-DRUG"))
    for index in range(n):
        stage = drug[index % len(drug)]
        ComparableDeal.objects.create(
            name=f"Deal {index}",
            signed_year=2020,
            sector=stage.pipeline.sector,
            stage=stage,
            total_value=Decimal("1000000"),
            source="Filing",
        )


def valuations(ctx, n):
    for _ in range(n):
        project = ProjectUnderAgreementFactory(agreement=ctx.agreement)
        valuation_run(project=project, method="scorecard", inputs=SCORECARD_INPUTS, by=ctx.staff)


def portfolio_runs(ctx, n):
    for _ in range(n):
        PortfolioRun.objects.create(
            scope="institution",
            institution=ctx.institution,
            trials=1,
            seed=0,
            inputs={"projects": [], "not_valued": []},
            engine_version="test",
            created_by=ctx.staff,
        )


def notifications(ctx, n):
    for _ in range(n):
        Notification.objects.create(
            recipient=ctx.staff,
            kind="milestone_due_soon",
            event_key=f"queries:{next(counter)}",
            title="Due soon",
        )


def webhook_endpoints(ctx, n):
    for index in range(n):
        WebhookEndpoint.objects.create(
            url=f"https://hooks.example.com/{index}",
            event_types=["milestone.claimed"],
            secret=f"whsec_{index:040d}",
            created_by=ctx.staff,
        )


def webhook_deliveries(ctx, n):
    for index in range(n):
        endpoint = WebhookEndpoint.objects.create(
            url=f"https://hooks.example.com/d{index}",
            event_types=["milestone.claimed"],
            secret=f"whsec_{index:040d}",
            created_by=ctx.staff,
        )
        event = OutboxEvent.objects.create(
            event_type="milestone.claimed", object_type="milestone", object_id=index + 1
        )
        WebhookDelivery.objects.create(endpoint=endpoint, event=event, status="dead", attempts=3)


def _achievement(ctx):
    """An achievement of the context's institution, with inventors of its
    own and licensed to the partner."""
    achievement = AchievementFactory(
        owner=ctx.institution, inventors=[PersonFactory(), PersonFactory()]
    )
    AchievementAgreement.objects.create(
        achievement=achievement,
        agreement=ctx.agreement,
        mode="licence",
        income_share_percent=Decimal("0.01"),
    )
    achievement.projects.add(ctx.project)
    return achievement


def achievements(ctx, n):
    for _ in range(n):
        _achievement(ctx)


def disclosures(ctx, n):
    for _ in range(n):
        person = PersonFactory(institution=ctx.institution)
        researcher = ResearcherUserFactory(person=person)
        disclosure = achievement_services.disclosure_create(
            by=researcher,
            inventors=[
                achievement_services.InventorInput(person, Decimal(60)),
                achievement_services.InventorInput(PersonFactory(), Decimal(40)),
            ],
            title="Lysate",
            kind="biological_material",
            summary="Expresses membrane proteins.",
            institution=ctx.institution,
            funding_source="government",
        )
        achievement_services.disclosure_submit(disclosure=disclosure, by=researcher)


def patent_families(ctx, n):
    for _ in range(n):
        PatentFamilyFactory(achievement=_achievement(ctx))


def patent_applications(ctx, n):
    for _ in range(n):
        PatentApplicationFactory(
            family=PatentFamilyFactory(achievement=_achievement(ctx)), counsel=CounselFactory()
        )


def deadlines(ctx, n):
    made = 0
    while made < n:
        application = PatentApplicationFactory(
            family=PatentFamilyFactory(achievement=_achievement(ctx)), counsel=CounselFactory()
        )
        achievement_services.deadlines_refresh(application.family)
        made += application.family.deadlines.count()


def counsel(ctx, n):
    for _ in range(n):
        CounselFactory()


def ip_costs(ctx, n):
    for _ in range(n):
        achievement = _achievement(ctx)
        IpCost.objects.create(
            achievement=achievement,
            kind="counsel",
            amount=Decimal("100.00"),
            currency="CNY",
            incurred_on=datetime.date(2025, 1, 1),
            counsel=CounselFactory(),
            description="Drafting",
            recorded_by=ctx.staff,
        )


def equity_holdings(ctx, n):
    for _ in range(n):
        holding = EquityHolding.objects.create(
            institution=ctx.institution,
            company=EnterpriseFactory(),
            acquired_on=datetime.date(2024, 1, 1),
            shares=100,
            value=Decimal("1000.00"),
        )
        EquityRealisation.objects.create(
            holding=holding, realised_on=datetime.date(2025, 1, 1), shares=10, proceeds=100
        )


def operating_profits(ctx, n):
    for _ in range(n):
        OperatingProfit.objects.create(
            institution=ctx.institution,
            achievement=_achievement(ctx),
            year=2024,
            profit=Decimal("1000.00"),
        )


def staff_mobility(ctx, n):
    for _ in range(n):
        # A person and an enterprise of its own for each period.
        StaffMobility.objects.create(
            institution=ctx.institution,
            person=PersonFactory(institution=ctx.institution),
            kind="part_time",
            enterprise=EnterpriseFactory(),
            starts_on=datetime.date(2025, 1, 1),
        )


def transfer_entities(ctx, n):
    for _ in range(n):
        TransferEntity.objects.create(
            institution=ctx.institution,
            name=f"Service platform {next(counter)}",
            kind="service_platform",
            built="joint",
            established_on=datetime.date(2024, 1, 1),
        )


def distribution_policies(ctx, n):
    for _ in range(n):
        # An institution of its own for each policy, its staff the context's.
        institution = InstitutionFactory()
        ctx.staff.institutions.add(institution)
        policy_from_preset(
            ctx.staff,
            institution,
            preset_key="us_two_tiers",
            effective_from=datetime.date(2025, 1, 1),
        )


def _distribution_run(ctx, *, year):
    policy = DistributionPolicy.objects.filter(institution=ctx.institution).first()
    if policy is None:
        policy = DistributionPolicy.objects.create(
            institution=ctx.institution, name="Policy", effective_from=datetime.date(2020, 1, 1)
        )
    return DistributionRun.objects.create(
        institution=ctx.institution,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
        policy=policy,
        prepared_by=UserFactory(institutions=[ctx.institution]),
    )


def distribution_runs(ctx, n):
    for _ in range(n):
        _distribution_run(ctx, year=1900 + next(counter))


def distribution_lines(ctx, n):
    """Lines of runs of their own, each for an achievement and inventor of
    its own."""
    for _ in range(n):
        run = _distribution_run(ctx, year=1900 + next(counter))
        person = PersonFactory()
        DistributionLine.objects.create(
            run=run,
            achievement=AchievementFactory(owner=ctx.institution, inventors=[person]),
            kind="inventor",
            person=person,
            recipient_name=person.full_name,
            amount=Decimal("100.00"),
            tier_slices=[{"tier": 0, "base": "200.00", "rate": "0.5", "amount": "100.00"}],
        )


def tokens(ctx, n):
    for index in range(n):
        api_token_create(user=ctx.staff, name=f"Token {index}")


# Route name → (how to make rows, URL kwargs).
ROWS = {
    "institution-list": institutions,
    "enterprise-list": enterprises,
    "person-list": people,
    "joint-centre-list": joint_centres,
    "partnership-list": partnerships,
    "agreement-list": agreements,
    "agreement-failure-clause-list": failure_clauses,
    "agreement-schedule-item-list": schedule_items,
    "project-list": projects,
    "stage-transition-list": stage_transitions,
    "milestone-list": milestones,
    "fixed-payment-list": fixed_payments,
    "invoice-list": invoices,
    "payment-list": payments,
    "royalty-report-list": royalty_reports,
    "cost-entry-list": cost_entries,
    "document-list": documents,
    "activity-list": activities,
    "reference-rate-list": reference_rates,
    "comparable-deal-list": comparable_deals,
    "valuation-list": valuations,
    "portfolio-run-list": portfolio_runs,
    "notification-list": notifications,
    "webhook-endpoint-list": webhook_endpoints,
    "webhook-delivery-list": webhook_deliveries,
    "token-list": tokens,
    "achievement-list": achievements,
    "disclosure-list": disclosures,
    "patent-family-list": patent_families,
    "patent-application-list": patent_applications,
    "deadline-list": deadlines,
    "counsel-list": counsel,
    "ip-cost-list": ip_costs,
    "equity-holding-list": equity_holdings,
    "operating-profit-list": operating_profits,
    "staff-mobility-list": staff_mobility,
    "transfer-entity-list": transfer_entities,
    "distribution-policy-list": distribution_policies,
    "distribution-run-list": distribution_runs,
    "distribution-line-list": distribution_lines,
}
NESTED = {"agreement-failure-clause-list", "agreement-schedule-item-list"}
LIST_ROUTES = sorted(name for name in ROUTES if name.endswith("-list"))


def test_every_list_route_has_rows():
    assert set(LIST_ROUTES) == set(ROWS), set(LIST_ROUTES) ^ set(ROWS)


def count_queries(client, url) -> tuple[int, list[str], int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 200})
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    rows = len(body["results"] if isinstance(body, dict) else body)
    return len(queries), [query["sql"] for query in queries], rows


def assert_same_queries(ctx, name, user):
    kwargs = {"agreement_pk": ctx.agreement.pk} if name in NESTED else {}
    url = reverse(f"api:{name}", kwargs=kwargs)
    client = client_for(user)
    client.get(url)  # Warm the caches (content types, the site) once.

    ROWS[name](ctx, 1)
    few, few_sql, few_rows = count_queries(client, url)
    ROWS[name](ctx, MANY - 1)
    many, many_sql, many_rows = count_queries(client, url)

    assert many_rows > few_rows, (few_rows, many_rows)
    assert few == many, summary(few_sql, many_sql)


def summary(few_sql, many_sql) -> str:
    """The queries that the larger page repeats, each with its count."""
    counts = Counter(sql[:160] for sql in many_sql)
    counts.subtract(Counter(sql[:160] for sql in few_sql))
    return "\n".join(f"{n}× {sql}" for sql, n in counts.items() if n > 0)


@pytest.mark.parametrize("name", LIST_ROUTES)
def test_a_list_runs_as_many_queries_for_fifty_rows_as_for_one(ctx, name):
    assert_same_queries(ctx, name, ctx.staff)


@pytest.mark.parametrize(
    "name",
    ["project-list", "milestone-list", "achievement-list", "patent-application-list"],
)
def test_a_partners_list_runs_as_many_queries_for_fifty_rows_as_for_one(ctx, name):
    assert_same_queries(ctx, name, ctx.partner)
