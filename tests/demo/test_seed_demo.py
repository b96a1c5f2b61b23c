"""The demo data behind `make run` and the project generator behind the
benchmarks: what the demo world holds, who can sign in and see what, that
seeding twice changes nothing, that every project's gate history explains
where the project stands, and that the money side (terms, milestones in
every state, invoices, payments, royalties, cost entries) was written by
the right people through the services."""

import datetime
import random
import re
from collections import defaultdict
from decimal import Decimal
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Max, Prefetch, Sum
from django.utils import timezone
from stdnum.cn import uscc

from accounts.choices import Role
from accounts.models import User
from achievements.choices import (
    AchievementKind,
    ApplicationKind,
    ApplicationStatus,
    DeadlineKind,
    DeadlineState,
    DisclosureStatus,
    Jurisdiction,
    TransferMode,
)
from achievements.models import (
    Achievement,
    AchievementAgreement,
    AchievementOwner,
    Counsel,
    Deadline,
    Disclosure,
    Inventor,
    IpCost,
    OfficeAction,
    PatentApplication,
    PatentFamily,
)
from achievements.selectors import achievements_visible_to, deadlines_visible_to
from achievements.services import deadlines_refresh
from core.exchange import convert
from core.models import ExchangeRate
from demo.bulk_money import (
    INVOICE_FIELDS,
    INVOICE_WRITTEN_FIELDS,
    MILESTONE_FIELDS,
    MILESTONE_WRITTEN_FIELDS,
    PAYMENT_FIELDS,
    PAYMENT_WRITTEN_FIELDS,
    VAT_INVOICE_FIELDS,
    VAT_INVOICE_WRITTEN_FIELDS,
)
from demo.copying import copy_text, copy_text_write
from demo.drafts import COPIED_TRANSITION_FIELDS
from demo.history import GATE_EVIDENCE, StageFacts, plan_history
from demo.money_specs import TERMS
from demo.specs import (
    ADMIN_EMAIL,
    APPROVER_EMAIL,
    DEMO_PASSWORD,
    DEMO_TIME_ZONE,
    PARTNER_A_EMAIL,
    PARTNER_B_EMAIL,
    PROJECTS,
    RESEARCHER_EMAIL,
    STAFF_EMAIL,
)
from distributions.choices import (
    LineState,
    RecipientKind,
    RewardForm,
    RewardSource,
    RunState,
    TaxTreatment,
)
from distributions.models import (
    DistributionLine,
    DistributionPolicy,
    DistributionRun,
    EquityHolding,
    EquityRealisation,
    PolicyTier,
    RunAchievement,
)
from distributions.selectors import lines_visible_to
from distributions.services.runs import RunError, approve_run
from notifications.models import Notification
from partnerships.choices import AgreementKind, CooperationMode, EnterpriseSize, RoyaltyBasis
from partnerships.models import (
    Agreement,
    CostShare,
    Enterprise,
    FailureClause,
    Institution,
    JointCentre,
    JointCentreParty,
    MilestoneScheduleItem,
    Partnership,
    Person,
    RoyaltyTier,
)
from pipelines.choices import SectorCode
from pipelines.models import StageDefinition
from projects.choices import (
    MilestoneStatus,
    ProjectStatus,
    RoyaltyReportKind,
    RoyaltyReportStatus,
    TransitionKind,
)
from projects.models import (
    Activity,
    CostEntry,
    Document,
    FixedPayment,
    Invoice,
    InvoiceSequence,
    Milestone,
    PartnerStageCount,
    Payment,
    PortfolioCount,
    ResearchProject,
    RoyaltyReport,
    RoyaltyReportLine,
    StageStay,
    StageTransition,
    VatInvoice,
)
from projects.selectors import milestones_visible_to, project_cost_ledger, projects_visible_to
from projects.services import (
    milestone_verify_guard,
    rebuild_partner_stage_counts,
    rebuild_portfolio_counts,
    rebuild_stage_ranks,
    rebuild_stage_stays,
)
from projects.services.invoicing import invoice_prefix
from projects.services.registration import refuse_untied_partners
from projects.services.stays import STAY_COLUMNS
from reports.choices import MobilityKind, ReportKind
from reports.models import AnnualReportInput, StaffMobility, TransferEntity
from reports.services import autm_report, china_annual_report

pytestmark = pytest.mark.django_db

DEMO_LOGINS = (
    ADMIN_EMAIL,
    STAFF_EMAIL,
    APPROVER_EMAIL,
    PARTNER_A_EMAIL,
    PARTNER_B_EMAIL,
    RESEARCHER_EMAIL,
)

# The kinds of agreement that each cooperation mode is signed with. A
# co-built platform is governed by a co-construction agreement, which is an
# R&D contract, and sells services; contract research includes consulting.
# A company an institution founds takes what was not contributed under
# licence.
AGREEMENT_KINDS_OF_MODE = {
    CooperationMode.TRANSFER: {
        AgreementKind.LICENCE,
        AgreementKind.ASSIGNMENT,
        AgreementKind.OPTION,
    },
    CooperationMode.CONTRACT_RD: {AgreementKind.RD_CONTRACT, AgreementKind.CONSULTING},
    CooperationMode.CO_FOUNDED_COMPANY: {
        AgreementKind.SHAREHOLDERS,
        AgreementKind.EQUITY_CONTRIBUTION,
        AgreementKind.LICENCE,
    },
    CooperationMode.CO_BUILT_PLATFORM: {AgreementKind.RD_CONTRACT, AgreementKind.SERVICE},
    CooperationMode.JOINT_CENTRE: {AgreementKind.CENTRE_CHARTER},
}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo world, seeded once for the module: seeding runs every
    money service, which takes seconds. Each test runs in a savepoint
    inside this transaction, and the transaction is rolled back after the
    module, so nothing leaks into other modules."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded):
    return seeded


def user(email: str) -> User:
    return User.objects.get(email=email)


def row_counts() -> dict[str, int]:
    partner_links = ResearchProject.partner_enterprises.through
    models = (
        Institution,
        Enterprise,
        Person,
        JointCentre,
        JointCentreParty,
        Partnership,
        Agreement,
        ResearchProject,
        StageTransition,
        User,
        partner_links,
        MilestoneScheduleItem,
        RoyaltyTier,
        CostShare,
        FailureClause,
        Milestone,
        Invoice,
        VatInvoice,
        Payment,
        RoyaltyReport,
        RoyaltyReportLine,
        CostEntry,
        Document,
        Activity,
        Notification,
        ExchangeRate,
        Achievement,
        AchievementOwner,
        Inventor,
        AchievementAgreement,
        Counsel,
        PatentFamily,
        PatentApplication,
        OfficeAction,
        Deadline,
        IpCost,
        Disclosure,
        FixedPayment,
        DistributionPolicy,
        PolicyTier,
        DistributionRun,
        RunAchievement,
        DistributionLine,
        EquityHolding,
        EquityRealisation,
        StaffMobility,
        TransferEntity,
        AnnualReportInput,
    )
    return {model.__name__: model.objects.count() for model in models}


def terms() -> list[dict]:
    """The payment terms of every agreement (its directory fields are
    brought back on every run, which touches ``updated_at``)."""
    return list(
        Agreement.objects.order_by("pk").values(
            "reference",
            "upfront_amount",
            "upfront_due_on",
            "royalty_basis",
            "royalty_term_years",
            "minimum_annual_royalty",
            "sublicense_income_share",
            "equity_share",
            "royalty_reporting",
            "sales_breakdown_required",
        )
    )


def partner_stage_counts() -> dict[tuple[int, int], int]:
    """The partners' counts of projects by stage that are not zero."""
    return {
        (enterprise_id, stage_id): count
        for enterprise_id, stage_id, count in PartnerStageCount.objects.filter(
            project_count__gt=0
        ).values_list("enterprise_id", "stage_id", "project_count")
    }


def test_the_demo_counts_each_partners_projects_by_stage(demo):
    """The demo's projects were written in bulk, then moved by the
    services: the counts are those of the projects."""
    kept = partner_stage_counts()

    rebuild_partner_stage_counts()

    assert kept
    assert kept == partner_stage_counts()


def projects_with_history(**filters):
    return (
        ResearchProject.objects.filter(**filters)
        .select_related("current_stage__pipeline__sector", "partnership", "agreement")
        .prefetch_related(
            "partner_enterprises",
            Prefetch(
                "transitions",
                queryset=StageTransition.objects.select_related(
                    "from_stage", "to_stage", "decided_by"
                ).order_by("decided_at", "id"),
            ),
        )
    )


def assert_history_explains_the_project(project, last_position_of_pipeline):
    transitions = list(project.transitions.all())
    assert transitions, f"{project.code} has no history"
    start = transitions[0]
    assert start.kind == TransitionKind.START
    assert start.from_stage is None
    assert start.to_stage.position == 1
    assert start.to_status == ProjectStatus.ACTIVE
    assert timezone.localtime(start.decided_at, DEMO_TIME_ZONE).date() == project.start_date

    for earlier, later in pairwise(transitions):
        assert earlier.decided_at < later.decided_at, project.code
        assert later.from_stage_id == earlier.to_stage_id, project.code
        assert later.from_status == earlier.to_status, project.code
        if later.kind == TransitionKind.ADVANCE:
            assert later.to_stage.pipeline_id == later.from_stage.pipeline_id
            assert later.to_stage.position == later.from_stage.position + 1, project.code
        else:
            assert later.kind in {
                TransitionKind.HOLD,
                TransitionKind.RESUME,
                TransitionKind.TERMINATE,
            }
            assert later.to_stage_id == later.from_stage_id, project.code

    now = timezone.now()
    for transition in transitions:
        assert transition.decided_at < now
        assert transition.rationale.strip()
        assert transition.decided_by.role == Role.CENTRE_STAFF

    last = transitions[-1]
    assert last.to_stage_id == project.current_stage_id, project.code
    assert last.to_status == project.status, project.code
    stage = project.current_stage
    is_at_last_stage = stage.position == last_position_of_pipeline[stage.pipeline_id]
    assert is_at_last_stage == (project.status == ProjectStatus.PRODUCTIZED), project.code
    if project.status == ProjectStatus.TERMINATED:
        assert last.kind == TransitionKind.TERMINATE
    if project.status == ProjectStatus.ON_HOLD:
        assert last.kind == TransitionKind.HOLD
    assert stage.trl_min <= project.trl <= stage.trl_max


def days_spent_in_stages(transitions):
    """(stage, days) for each stage a project advanced out of, not counting
    the days it was on hold."""
    spent = []
    entered_at = held_at = None
    held_days = 0.0
    for transition in transitions:
        if transition.kind == TransitionKind.HOLD:
            held_at = transition.decided_at
        elif transition.kind == TransitionKind.RESUME:
            held_days += (transition.decided_at - held_at).total_seconds() / 86400
        elif transition.kind == TransitionKind.ADVANCE:
            days = (transition.decided_at - entered_at).total_seconds() / 86400 - held_days
            spent.append((transition.from_stage, days))
        if transition.kind in (TransitionKind.START, TransitionKind.ADVANCE):
            entered_at, held_days = transition.decided_at, 0.0
    return spent


def last_position_of_pipeline() -> dict[int, int]:
    return dict(
        StageDefinition.objects.values("pipeline_id")
        .annotate(last=Max("position"))
        .values_list("pipeline_id", "last")
    )


class TestDemoWorld:
    def test_holds_institutions_a_joint_centre_enterprises_and_forty_projects(self, demo):
        assert Institution.objects.count() >= 3
        assert JointCentre.objects.count() == 1
        assert Enterprise.objects.count() == 8
        assert ResearchProject.objects.count() >= 40
        assert "45 projects" in demo

    def test_projects_cover_all_six_sectors_and_all_five_cooperation_modes(self, demo):
        sectors = set(
            ResearchProject.objects.values_list("current_stage__pipeline__sector__code", flat=True)
        )
        modes = set(
            ResearchProject.objects.exclude(partnership=None).values_list(
                "partnership__mode", flat=True
            )
        )
        assert sectors == set(SectorCode.values)
        assert modes == set(CooperationMode.values)

    def test_projects_stand_at_every_status(self, demo):
        statuses = set(ResearchProject.objects.values_list("status", flat=True))
        assert statuses == set(ProjectStatus.values)

    def test_names_and_titles_are_bilingual(self, demo):
        assert not Institution.objects.filter(name_zh="").exists()
        assert not Enterprise.objects.filter(name_zh="").exists()
        assert not ResearchProject.objects.filter(title_zh="").exists()
        assert not JointCentre.objects.filter(name_zh="").exists()

    def test_institution_codes_are_short_and_uppercase(self, demo):
        for code in Institution.objects.values_list("code", flat=True):
            assert code.isupper() and len(code) <= 4

    def test_enterprises_come_in_every_size_and_chinese_ones_have_a_valid_credit_code(self, demo):
        assert set(Enterprise.objects.values_list("size", flat=True)) == set(EnterpriseSize.values)
        for enterprise in Enterprise.objects.filter(country="CN"):
            assert uscc.is_valid(enterprise.unified_social_credit_code), enterprise.code

    def test_the_joint_centre_has_host_institutions_and_funding_lead_enterprises(self, demo):
        centre = JointCentre.objects.get()
        hosts = centre.parties.exclude(institution=None)
        leads = centre.parties.exclude(enterprise=None)
        assert hosts.exists()
        assert leads.exists()
        assert all(party.annual_funding_commitment > 0 for party in leads)
        assert centre.partnerships.filter(mode=CooperationMode.JOINT_CENTRE).exists()

    def test_agreements_match_their_partnerships_mode_and_signed_ones_are_dated(self, demo):
        for agreement in Agreement.objects.select_related("partnership"):
            assert agreement.kind in AGREEMENT_KINDS_OF_MODE[agreement.partnership.mode]
            if agreement.status == Agreement.Status.SIGNED:
                assert agreement.signed_on is not None

    def test_every_demo_record_passes_model_validation(self, demo):
        for model in (Institution, Enterprise, Person, JointCentre, Partnership, Agreement):
            for record in model.objects.all():
                record.full_clean()
        for party in JointCentreParty.objects.all():
            party.full_clean()
        for project in ResearchProject.objects.select_related(
            "current_stage__pipeline__sector", "partnership", "agreement"
        ):
            project.full_clean()

    def test_projects_run_under_consistent_parties(self, demo):
        hosts_of_centre = {}
        for party in JointCentreParty.objects.exclude(institution=None):
            hosts_of_centre.setdefault(party.centre_id, set()).add(party.institution_id)
        projects = ResearchProject.objects.select_related(
            "partnership", "agreement", "principal_investigator", "current_stage__pipeline__sector"
        ).prefetch_related("partner_enterprises")
        for project in projects:
            partnership = project.partnership
            partners = {enterprise.pk for enterprise in project.partner_enterprises.all()}
            if partnership is None:
                assert not partners and project.agreement is None and project.joint_centre is None
            else:
                assert partnership.enterprise_id in partners, project.code
                if project.agreement is not None:
                    assert project.agreement.partnership_id == partnership.pk, project.code
                if partnership.mode == CooperationMode.JOINT_CENTRE:
                    assert project.joint_centre_id == partnership.joint_centre_id, project.code
                    assert project.lead_institution_id in hosts_of_centre[project.joint_centre_id]
                else:
                    assert project.joint_centre_id is None, project.code
                    assert project.lead_institution_id == partnership.institution_id
            assert project.principal_investigator.institution_id == project.lead_institution_id
            # The rule the registration and editing services enforce.
            refuse_untied_partners(project, project.partner_enterprises.all())
            is_biomedicine = project.sector.code == SectorCode.BIOMEDICINE
            assert bool(project.therapeutic_area) == is_biomedicine, project.code


class TestHistories:
    def test_every_projects_history_explains_its_stage_and_status(self, demo):
        last_positions = last_position_of_pipeline()
        for project in projects_with_history():
            assert_history_explains_the_project(project, last_positions)

    def test_each_stage_lasted_about_its_typical_duration(self, demo):
        for project in projects_with_history(code__in=[spec.code for spec in PROJECTS]):
            for stage, days in days_spent_in_stages(project.transitions.all()):
                typical_days = float(stage.typical_years) * 365.25
                assert typical_days / 3 <= days <= typical_days * 2, (project.code, stage.code)

    def test_some_projects_were_held_and_resumed_on_the_way(self, demo):
        assert StageTransition.objects.filter(kind=TransitionKind.RESUME).exists()

    def test_the_same_seed_plans_the_same_history(self):
        stages = [
            StageFacts(index, index + 1, code, code, 1.5, 1, 9, 1_000_000, "CNY")
            for index, code in enumerate(["lab_research", "pilot", "deployment"])
        ]

        def plan():
            return plan_history(
                stages,
                reach=1,
                status=ProjectStatus.ACTIVE,
                rng=random.Random(7),
                ends_on=datetime.date(2026, 1, 1),
                evidence=GATE_EVIDENCE["ENV"],
                paused=True,
            )

        assert plan() == plan()

    def test_only_a_project_at_the_last_stage_can_be_productized(self):
        stages = [
            StageFacts(index, index + 1, code, code, 1.0, 1, 9, 0, "CNY")
            for index, code in enumerate(["lab_research", "pilot", "deployment"])
        ]
        with pytest.raises(ValueError):
            plan_history(
                stages,
                reach=1,
                status=ProjectStatus.PRODUCTIZED,
                rng=random.Random(7),
                ends_on=datetime.date(2026, 1, 1),
                evidence={},
            )


class TestLogins:
    def test_the_demo_logins_work_with_the_demo_password(self, demo):
        for email in DEMO_LOGINS:
            assert authenticate(username=email, password=DEMO_PASSWORD) is not None, email

    def test_logins_have_their_roles(self, demo):
        assert user(ADMIN_EMAIL).is_superuser
        for email in (STAFF_EMAIL, APPROVER_EMAIL):
            staff = user(email)
            assert staff.role == Role.CENTRE_STAFF and not staff.is_superuser
            assert staff.institutions.count() == Institution.objects.count()
        partner_a, partner_b = user(PARTNER_A_EMAIL), user(PARTNER_B_EMAIL)
        assert partner_a.role == partner_b.role == Role.PARTNER
        assert partner_a.enterprise_id != partner_b.enterprise_id
        assert Person.objects.get(user=partner_a).enterprise_id == partner_a.enterprise_id

    def test_staff_see_every_demo_project(self, demo):
        assert projects_visible_to(user(STAFF_EMAIL)).count() == ResearchProject.objects.count()

    def test_each_partner_sees_projects_the_other_does_not(self, demo):
        seen_by_a = set(projects_visible_to(user(PARTNER_A_EMAIL)).values_list("code", flat=True))
        seen_by_b = set(projects_visible_to(user(PARTNER_B_EMAIL)).values_list("code", flat=True))
        assert len(seen_by_a) >= 3 and len(seen_by_b) >= 3
        assert seen_by_a - seen_by_b
        assert seen_by_b - seen_by_a


class TestSeedingAgain:
    def test_seeding_twice_leaves_the_same_data(self, demo):
        counts = row_counts()
        deadlines = list(Deadline.objects.order_by("pk").values("pk", "state", "due_on"))
        projects = list(ResearchProject.objects.values())
        money = {
            "milestones": list(Milestone.objects.order_by("pk").values("pk", "status")),
            "reports": list(RoyaltyReport.objects.order_by("pk").values("pk", "status")),
            "terms": terms(),
        }

        output = seed()

        assert row_counts() == counts
        assert list(ResearchProject.objects.values()) == projects
        assert list(Milestone.objects.order_by("pk").values("pk", "status")) == money["milestones"]
        assert (
            list(RoyaltyReport.objects.order_by("pk").values("pk", "status")) == money["reports"]
        )
        assert terms() == money["terms"]
        assert "45 projects (0 new" in output
        assert "milestones (0 new)" in output
        assert "achievements (0 new" in output
        assert list(Deadline.objects.order_by("pk").values("pk", "state", "due_on")) == deadlines

    def test_seeding_again_restores_the_demo_directory_and_password(self, demo):
        Institution.objects.filter(code="ELU").update(name="Renamed")
        staff = user(STAFF_EMAIL)
        staff.set_password("something else")
        staff.save()

        seed()

        assert Institution.objects.get(code="ELU").name == "East Lake University"
        assert authenticate(username=STAFF_EMAIL, password=DEMO_PASSWORD) is not None


PORTFOLIO_COUNT_FIELDS = [
    "stage",
    "status",
    "lead_institution",
    "joint_centre",
    "partnership",
    "projects",
]
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's"
)


class TestGeneratedProjects:
    def test_generating_50_adds_50_projects_each_with_partners_and_history(self, demo):
        before = ResearchProject.objects.count()

        output = seed(projects=50)

        generated = projects_with_history(code__startswith="GEN-")
        assert ResearchProject.objects.count() == before + 50
        assert generated.count() == 50
        assert "Generated 50 projects (GEN-000001 to GEN-000050)" in output
        last_positions = last_position_of_pipeline()
        for project in generated:
            assert project.partner_enterprises.all()
            refuse_untied_partners(project, project.partner_enterprises.all())
            assert_history_explains_the_project(project, last_positions)

    def test_the_generated_histories_have_their_stays_written(self, demo):
        seed(projects=20)

        generated = StageStay.objects.filter(project__code__startswith="GEN-")
        # Every column: on PostgreSQL the generator drafts the stays with
        # the projects instead of rebuilding them from the history.
        kept = sorted(generated.values_list(*STAY_COLUMNS))
        rebuild_stage_stays()
        assert kept
        assert kept == sorted(generated.values_list(*STAY_COLUMNS))

    def test_the_generated_projects_are_ranked_and_counted(self, demo):
        """The demo's projects and the generated ones carry their stage's
        rank, and the portfolio's counts are those a count of every
        project gives."""
        seed(projects=20)

        ranks = dict(ResearchProject.objects.values_list("pk", "stage_rank"))
        counts = sorted(PortfolioCount.objects.values_list(*PORTFOLIO_COUNT_FIELDS), key=str)
        rebuild_stage_ranks()
        rebuild_portfolio_counts()
        assert ranks == dict(ResearchProject.objects.values_list("pk", "stage_rank"))
        assert 0 not in ranks.values()
        assert counts == sorted(
            PortfolioCount.objects.values_list(*PORTFOLIO_COUNT_FIELDS), key=str
        )
        assert sum(row[-1] for row in counts) == ResearchProject.objects.count()

    def test_the_generated_projects_are_counted_by_partner_and_stage(self, demo):
        seed(projects=20)

        kept = partner_stage_counts()
        rebuild_partner_stage_counts()
        assert kept == partner_stage_counts()
        # A project counts once for each of its partners.
        assert sum(kept.values()) == ResearchProject.partner_enterprises.through.objects.count()

    def test_a_second_run_continues_the_numbering(self, demo):
        seed(projects=3)

        seed(projects=2)

        codes = sorted(
            ResearchProject.objects.filter(code__startswith="GEN-").values_list("code", flat=True)
        )
        assert codes == [f"GEN-{number:06d}" for number in range(1, 6)]

    def test_every_column_of_a_transition_is_copied(self):
        assert set(COPIED_TRANSITION_FIELDS) == {
            field.name for field in StageTransition._meta.concrete_fields if not field.primary_key
        }

    @postgresql_only
    def test_copy_writes_the_rows_bulk_inserts_write(self, demo, monkeypatch):
        copied = rows_generated_then_rolled_back(count=80)
        monkeypatch.setattr("demo.drafts.copy_supported", lambda: False)
        monkeypatch.setattr("demo.bulk.copy_supported", lambda: False)

        inserted = rows_generated_then_rolled_back(count=80)

        assert copied == inserted
        assert len(copied["projects"]) == 80
        assert len(copied["links"]) >= 80
        assert len(copied["transitions"]) >= 160
        assert copied["milestones"] and copied["invoices"] and copied["payments"]
        assert copied["vat_invoices"]

    @postgresql_only
    def test_drafting_in_several_processes_writes_the_rows_one_process_writes(self, demo):
        alone = rows_generated_then_rolled_back(count=60, processes=1, batch_size=7)

        together = rows_generated_then_rolled_back(count=60, processes=2, batch_size=7)

        assert together == alone
        assert len(alone["projects"]) == 60
        assert alone["milestones"] and alone["invoices"] and alone["payments"]

    @postgresql_only
    def test_copy_text_escapes_what_copy_reads_as_control_characters(self):
        row = (1, "tab\there", "line\nbreak\r", "back\\slash \\N", None, True)

        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE copied (n int, a text, b text, c text, d text, e boolean)"
            )
            copy_text_write("copied", ["n", "a", "b", "c", "d", "e"], copy_text([row]))
            cursor.execute("SELECT * FROM copied")
            assert cursor.fetchall() == [row]
            cursor.execute("DROP TABLE copied")

    def test_every_column_of_the_money_rows_is_written(self):
        for model, drafted, written in (
            (Milestone, MILESTONE_FIELDS, MILESTONE_WRITTEN_FIELDS),
            (Invoice, INVOICE_FIELDS, INVOICE_WRITTEN_FIELDS),
            (Payment, PAYMENT_FIELDS, PAYMENT_WRITTEN_FIELDS),
            (VatInvoice, VAT_INVOICE_FIELDS, VAT_INVOICE_WRITTEN_FIELDS),
        ):
            columns = [*drafted, *written]
            assert len(columns) == len(set(columns)), model
            assert set(columns) == {field.name for field in model._meta.concrete_fields}, model


class TestGeneratedMoney:
    """The milestones, invoices and payments of generated projects hold to
    the rules the services and the constraints hold every milestone to."""

    @pytest.fixture
    def generated(self, demo):
        seed(projects=300)
        return (
            Milestone.objects.filter(project__code__startswith="GEN-")
            .select_related(
                "project__current_stage__pipeline",
                "project__partnership__enterprise",
                "agreement__partnership",
                "schedule_item__trigger_stage__pipeline",
                "invoice__vat_invoice",
                "verified_by",
            )
            .prefetch_related("invoice__payments")
            .order_by("project__code", "schedule_item__position")
        )

    def test_milestones_stand_in_the_states_of_the_demo_s(self, generated):
        statuses = set(generated.values_list("status", flat=True))

        assert statuses == set(MilestoneStatus.values)

    def test_each_milestone_is_its_agreement_s_schedule_item_in_its_project_s_pipeline(
        self, generated
    ):
        terms = {spec.agreement: spec for spec in TERMS}
        for milestone in generated:
            project, item = milestone.project, milestone.schedule_item
            assert milestone.agreement_id == project.agreement_id == item.agreement_id
            spec = terms[milestone.agreement.reference]
            assert project.current_stage.pipeline.code == spec.pipeline, milestone
            assert milestone.name == item.name and milestone.kind == item.kind
            assert milestone.amount == item.amount > 0
            assert milestone.currency == milestone.agreement.currency
            if item.trigger_stage_id:
                assert item.trigger_stage.pipeline_id == project.current_stage.pipeline_id

    def test_a_stage_milestone_is_triggered_on_the_day_its_project_entered_the_stage(
        self, generated
    ):
        for milestone in generated:
            project, stage = milestone.project, milestone.trigger_stage
            entered = [
                timezone.localtime(t.decided_at, DEMO_TIME_ZONE).date()
                for t in project.transitions.order_by("decided_at")
                if stage and t.to_stage_id == stage.pk
            ]
            if stage and stage.position <= project.current_stage.position:
                assert milestone.triggered_on == entered[0], milestone
                assert milestone.due_date == entered[0] + datetime.timedelta(
                    days=milestone.due_offset_days
                )
            else:
                assert milestone.triggered_on is None and milestone.due_date is None
                assert milestone.status in (MilestoneStatus.PLANNED, MilestoneStatus.CANCELLED)
                if project.status == ProjectStatus.TERMINATED:
                    assert milestone.status == MilestoneStatus.CANCELLED

    def test_every_row_passes_its_model_s_validation_and_constraints(self, generated):
        for milestone in generated:
            milestone.full_clean()
            invoice = getattr(milestone, "invoice", None)
            if invoice is not None:
                invoice.full_clean()
                for payment in invoice.payments.all():
                    payment.full_clean()

    def test_an_invoice_bills_its_milestone_s_amount_and_payments_settle_it_as_its_status_says(
        self, generated
    ):
        today = timezone.localdate()
        invoiced = {
            MilestoneStatus.INVOICED,
            MilestoneStatus.PARTIALLY_PAID,
            MilestoneStatus.PAID,
        }
        for milestone in generated:
            invoice = getattr(milestone, "invoice", None)
            assert (invoice is not None) == (milestone.status in invoiced), milestone
            if invoice is None:
                continue
            assert (invoice.amount, invoice.currency) == (milestone.amount, milestone.currency)
            assert invoice.due_on == invoice.issued_on + datetime.timedelta(days=30)
            payments = list(invoice.payments.all())
            paid = sum((payment.amount for payment in payments), Decimal(0))
            if milestone.status == MilestoneStatus.PAID:
                assert paid == invoice.amount, milestone
            elif milestone.status == MilestoneStatus.PARTIALLY_PAID:
                assert 0 < paid < invoice.amount, milestone
            else:
                assert not payments, milestone
            for payment in payments:
                assert payment.currency == invoice.currency
                assert invoice.issued_on <= payment.paid_on <= today
                assert payment.reference and payment.recorded_by.email == STAFF_EMAIL

    def test_claims_verifications_invoices_and_payments_follow_the_trigger_in_order(
        self, generated
    ):
        today = timezone.localdate()
        for milestone in generated.filter(claimed_at__isnull=False):
            steps = [milestone.triggered_on, timezone.localdate(milestone.claimed_at)]
            if milestone.verified_at:
                steps.append(timezone.localdate(milestone.verified_at))
            invoice = getattr(milestone, "invoice", None)
            if invoice is not None:
                steps.append(invoice.issued_on)
                steps.extend(sorted(p.paid_on for p in invoice.payments.all()))
            assert steps == sorted(steps), milestone
            assert steps[-1] <= today, milestone
            assert milestone.claim_note and milestone.claimed_by.email == STAFF_EMAIL

    def test_the_payer_verifies_and_disputes_and_closings_state_their_reasons(self, generated):
        for milestone in generated:
            if milestone.verified_at:
                enterprise_id = milestone.agreement.partnership.enterprise_id
                if milestone.verified_by is not None:
                    assert milestone.verified_by.enterprise_id == enterprise_id
                else:
                    assert milestone.verification_recorded_by.email == STAFF_EMAIL
            if milestone.status == MilestoneStatus.DISPUTED:
                assert milestone.dispute_reason
            if milestone.status in (MilestoneStatus.CANCELLED, MilestoneStatus.WAIVED):
                assert milestone.closing_reason

    def test_invoices_are_numbered_without_gaps_from_the_sequences_the_services_draw_from(
        self, generated
    ):
        numbers = defaultdict(set)
        for milestone in generated:
            invoice = getattr(milestone, "invoice", None)
            if invoice is not None:
                assert invoice.number.startswith(
                    invoice_prefix(milestone.agreement, invoice.issued_on.year) + "-"
                )
                assert invoice.payee_name and invoice.payer_name == (
                    milestone.agreement.partnership.enterprise.name
                )
        for number in Invoice.objects.values_list("number", flat=True):
            prefix, _, serial = number.rpartition("-")
            numbers[prefix].add(int(serial))
        for sequence in InvoiceSequence.objects.filter(prefix__in=numbers):
            assert numbers[sequence.prefix] == set(range(1, sequence.last_number + 1))

    def test_paid_invoices_in_yuan_have_their_vat_invoice(self, generated):
        for milestone in generated:
            invoice = getattr(milestone, "invoice", None)
            if invoice is None:
                continue
            vat_invoice = getattr(invoice, "vat_invoice", None)
            paid = invoice.payments.exists()
            assert (vat_invoice is not None) == (paid and invoice.currency == "CNY"), milestone
            if vat_invoice is not None:
                vat_invoice.full_clean()
                assert vat_invoice.amount_with_tax == invoice.amount
                assert vat_invoice.issued_on == invoice.issued_on

    @postgresql_only
    def test_a_large_run_puts_back_every_index_and_foreign_key(self, demo, monkeypatch):
        monkeypatch.setattr("demo.bulk.LARGE_RUN", 10)
        before = indexes_and_constraints()

        seed(projects=30)

        assert indexes_and_constraints() == before
        assert StageStay.objects.filter(project__code__startswith="GEN-").exists()
        assert Milestone.objects.filter(project__code__startswith="GEN-").exists()
        generated = projects_with_history(code__startswith="GEN-")
        assert generated.count() == 30
        last_positions = last_position_of_pipeline()
        for project in generated:
            assert project.partner_enterprises.all()
            assert_history_explains_the_project(project, last_positions)


class RolledBack(Exception):
    pass


def rows_generated_then_rolled_back(*, count: int, **options) -> dict[str, list]:
    """What generating ``count`` projects writes, keys and write times
    aside, with the database left as it was."""
    generated = {"code__startswith": "GEN-"}
    stamps = {"id", "created_at", "updated_at", "recorded_at"}

    def columns(model, *references):
        return [
            f.attname
            for f in model._meta.concrete_fields
            if f.name not in stamps and f.name not in references
        ]

    try:
        with transaction.atomic():
            seed(projects=count, **options)
            milestones = Milestone.objects.filter(project__code__startswith="GEN-")
            invoices = Invoice.objects.filter(milestone__in=milestones)
            rows = {
                "projects": list(
                    ResearchProject.objects.filter(**generated)
                    .order_by("code")
                    .values(*columns(ResearchProject))
                ),
                "links": sorted(
                    ResearchProject.partner_enterprises.through.objects.filter(
                        researchproject__code__startswith="GEN-"
                    ).values_list("researchproject__code", "enterprise_id")
                ),
                "transitions": list(
                    StageTransition.objects.filter(project__code__startswith="GEN-")
                    .order_by("project__code", "decided_at", "id")
                    .values_list(
                        "project__code",
                        "kind",
                        "from_stage",
                        "to_stage",
                        "from_status",
                        "to_status",
                        "decided_by",
                        "decided_at",
                        "rationale",
                    )
                ),
                "milestones": list(
                    milestones.order_by("project__code", "schedule_item").values(
                        "project__code", *columns(Milestone, "project")
                    )
                ),
                "invoices": list(
                    invoices.order_by("number").values(
                        "milestone__project__code",
                        "milestone__schedule_item",
                        *columns(Invoice, "milestone"),
                    )
                ),
                "payments": list(
                    Payment.objects.filter(invoice__in=invoices)
                    .order_by("invoice__number", "paid_on")
                    .values("invoice__number", *columns(Payment, "invoice"))
                ),
                "vat_invoices": list(
                    VatInvoice.objects.filter(invoice__in=invoices)
                    .order_by("number")
                    .values("invoice__number", *columns(VatInvoice, "invoice"))
                ),
                "sequences": sorted(InvoiceSequence.objects.values_list("prefix", "last_number")),
            }
            raise RolledBack
    except RolledBack:
        pass
    return rows


def indexes_and_constraints() -> set[tuple[str, str]]:
    tables = [
        ResearchProject._meta.db_table,
        ResearchProject.partner_enterprises.through._meta.db_table,
        StageTransition._meta.db_table,
        Milestone._meta.db_table,
        Invoice._meta.db_table,
        Payment._meta.db_table,
        VatInvoice._meta.db_table,
        StageStay._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid)
            FROM pg_index WHERE indrelid = ANY(%s::regclass[])
            UNION ALL
            SELECT conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])
            """,
            [tables, tables],
        )
        return {(name, _as_printed_once(definition)) for name, definition in cursor.fetchall()}


def _as_printed_once(definition: str) -> str:
    """An index's definition as PostgreSQL prints it back after running it
    again: a partial index over a list of choices (``status IN (...)``)
    comes back with each choice cast instead of the list, the same index."""
    definition = re.sub(r"\(('[^']*'::character varying)\)::text", r"\1", definition)
    return re.sub(r"\(\(ARRAY\[([^\]]*)\]\)::text\[\]\)", r"(ARRAY[\1])", definition)


class TestGeneratedPortfolio:
    def test_generating_30_achievements_adds_their_patents_and_docket(self, demo):
        output = seed(achievements=30)

        generated = Achievement.objects.filter(reference__startswith="GEN-A-")
        assert generated.count() == 30
        assert "Generated 30 achievements (GEN-A-000001 to GEN-A-000030)" in output
        applications = PatentApplication.objects.filter(family__achievement__in=generated)
        assert 60 <= applications.count() <= 120
        for achievement in generated.prefetch_related("owners", "inventors"):
            assert sum(o.share_percent for o in achievement.owners.all()) == 100
            assert sum(i.contribution_percent for i in achievement.inventors.all()) == 100

    def test_the_generated_docket_is_the_one_the_services_keep(self, demo):
        """Refreshing a generated family through the docket service changes
        none of its deadlines: the generator follows the same rules and
        keeps the history they read."""
        seed(achievements=30)
        families = PatentFamily.objects.filter(achievement__reference__startswith="GEN-A-")

        def docket():
            return list(
                Deadline.objects.filter(family__in=families)
                .order_by("pk")
                .values("pk", "kind", "sequence", "due_on", "state", "application_id")
            )

        before = docket()
        expiries = dict(families.values_list("pk", "expires_on"))
        for family in families:
            deadlines_refresh(family)

        assert docket() == before
        assert dict(families.values_list("pk", "expires_on")) == expiries


# --- The money side -------------------------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")


def is_bilingual(text: str) -> bool:
    english, _, chinese = text.partition(" / ")
    return bool(english.strip() and CJK.search(chinese)) and not CJK.search(english)


def paid_on(invoice: Invoice) -> Decimal:
    return invoice.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)


class TestTerms:
    def test_every_agreement_with_terms_has_terms_that_fit_its_kind(self, demo):
        for agreement in Agreement.objects.filter(reference__in=[t.agreement for t in TERMS]):
            has_schedule = agreement.milestone_schedule.exists()
            has_tiers = agreement.royalty_tiers.exists()
            has_shares = agreement.cost_shares.exists()
            reference = agreement.reference
            if agreement.kind == AgreementKind.LICENCE:
                assert has_schedule and has_tiers, reference
                assert agreement.upfront_amount > 0, reference
                assert agreement.minimum_annual_royalty > 0, reference
                assert agreement.sublicense_income_share > 0, reference
            elif agreement.kind == AgreementKind.ASSIGNMENT:
                assert has_schedule and has_tiers and agreement.upfront_amount > 0, reference
            elif agreement.kind in (AgreementKind.RD_CONTRACT, AgreementKind.CENTRE_CHARTER):
                assert has_schedule and has_shares, reference
                assert agreement.failure_clauses.exists(), reference
            else:
                assert agreement.kind == AgreementKind.SHAREHOLDERS
                assert agreement.equity_share > 0, reference

    def test_cost_shares_add_up_to_100_for_every_stage_range(self, demo):
        totals = defaultdict(Decimal)
        for share in CostShare.objects.all():
            totals[share.agreement_id, share.first_stage_id, share.last_stage_id] += share.percent
        assert totals
        assert set(totals.values()) == {Decimal(100)}

    def test_tiers_are_marginal_for_most_and_on_the_whole_basis_for_one(self, demo):
        with_tiers = Agreement.objects.filter(royalty_tiers__isnull=False).distinct()
        whole = with_tiers.filter(royalty_basis=RoyaltyBasis.WHOLE).count()
        marginal = with_tiers.filter(royalty_basis=RoyaltyBasis.MARGINAL).count()
        assert whole >= 1
        assert marginal > whole
        for agreement in with_tiers:
            assert agreement.royalty_tiers.order_by("lower_bound").first().lower_bound == 0

    def test_at_least_one_licence_asks_for_sales_by_product_and_territory(self, demo):
        assert Agreement.objects.filter(
            kind=AgreementKind.LICENCE, sales_breakdown_required=True
        ).exists()

    def test_schedule_items_are_triggered_by_a_stage_or_an_event_and_named_in_both_languages(
        self, demo
    ):
        items = MilestoneScheduleItem.objects.all()
        assert items.filter(trigger_stage__isnull=False).exists()
        assert items.exclude(trigger_event="").exists()
        for item in items:
            assert is_bilingual(item.name), item.name


class TestMilestones:
    def test_milestones_stand_in_every_state(self, demo):
        statuses = set(Milestone.objects.values_list("status", flat=True))
        assert statuses == set(MilestoneStatus.values)

    def test_some_planned_milestones_are_claimable_and_some_wait_for_their_stage(self, demo):
        planned = Milestone.objects.filter(status=MilestoneStatus.PLANNED)
        assert planned.filter(trigger_stage__isnull=False, triggered_on__isnull=True).exists()
        assert any(milestone.is_triggered for milestone in planned)

    def test_some_milestones_are_overdue(self, demo):
        assert Milestone.objects.overdue(timezone.localdate()).exists()

    def test_every_milestone_can_be_reached_in_its_projects_pipeline(self, demo):
        for milestone in Milestone.objects.select_related(
            "trigger_stage", "project__current_stage"
        ):
            if milestone.trigger_stage is not None:
                assert (
                    milestone.trigger_stage.pipeline_id
                    == milestone.project.current_stage.pipeline_id
                ), milestone

    def test_milestones_are_named_in_both_languages(self, demo):
        for name in Milestone.objects.values_list("name", flat=True):
            assert is_bilingual(name), name

    def test_disputes_and_closings_state_their_reasons(self, demo):
        for milestone in Milestone.objects.filter(status=MilestoneStatus.DISPUTED):
            assert is_bilingual(milestone.dispute_reason), milestone
        for milestone in Milestone.objects.filter(
            status__in=[MilestoneStatus.CANCELLED, MilestoneStatus.WAIVED]
        ):
            assert is_bilingual(milestone.closing_reason), milestone

    @pytest.mark.parametrize("email", [PARTNER_A_EMAIL, PARTNER_B_EMAIL])
    def test_each_demo_partner_has_a_claim_awaiting_its_verification(self, demo, email):
        partner = user(email)
        claims = milestones_visible_to(partner).filter(status=MilestoneStatus.CLAIMED)
        awaiting = [claim for claim in claims if milestone_verify_guard(claim, partner)]
        assert awaiting
        assert any(claim.documents.exists() for claim in awaiting)

    def test_payees_staff_claim_and_the_payers_partner_users_verify_and_dispute(self, demo):
        claimed = Milestone.objects.exclude(claimed_by=None).select_related(
            "claimed_by", "verified_by", "agreement__partnership"
        )
        assert claimed.exists()
        for milestone in claimed:
            assert milestone.claimed_by.role == Role.CENTRE_STAFF
            if milestone.verified_by is not None:
                assert milestone.verified_by.role == Role.PARTNER
                assert (
                    milestone.verified_by.enterprise_id
                    == milestone.agreement.partnership.enterprise_id
                )
        disputes = Activity.objects.filter(verb="milestone.disputed").select_related(
            "actor", "agreement__partnership"
        )
        assert disputes.exists()
        for dispute in disputes:
            assert dispute.actor.role == Role.PARTNER
            assert dispute.actor.enterprise_id == dispute.agreement.partnership.enterprise_id

    def test_every_milestone_change_is_on_the_timeline(self, demo):
        for milestone in Milestone.objects.exclude(status=MilestoneStatus.PLANNED):
            verbs = set(
                Activity.objects.filter(
                    target_type="projects.milestone", target_id=milestone.pk
                ).values_list("verb", flat=True)
            )
            assert "milestone.created" in verbs, milestone
            assert len(verbs) >= 2, milestone


class TestInvoicesAndPayments:
    def test_payments_carry_bank_references_and_no_invoice_is_over_paid(self, demo):
        assert Payment.objects.exists()
        assert not Payment.objects.filter(reference="").exists()
        for invoice in Invoice.objects.all():
            assert paid_on(invoice) <= invoice.amount, invoice.number

    def test_paid_items_are_paid_in_full_and_partially_paid_ones_in_part(self, demo):
        invoices = Invoice.objects.select_related("milestone", "royalty_report", "fixed_payment")
        for invoice in invoices:
            billed = invoice.billed
            paid = paid_on(invoice)
            if billed.status == MilestoneStatus.PAID:
                assert paid == invoice.amount, invoice.number
            elif billed.status == MilestoneStatus.PARTIALLY_PAID:
                assert 0 < paid < invoice.amount, invoice.number
            else:
                assert billed.status == MilestoneStatus.INVOICED and paid == 0, invoice.number

    def test_some_invoices_are_overdue_and_history_spans_several_years(self, demo):
        today = timezone.localdate()
        unpaid = Invoice.objects.filter(payments__isnull=True, due_on__lt=today)
        assert unpaid.exists()
        years = {
            issued_on.year for issued_on in Invoice.objects.values_list("issued_on", flat=True)
        }
        assert len(years) >= 4

    def test_a_royalty_report_s_submission_review_invoice_and_payments_follow_its_dates(
        self, demo
    ):
        """A report of 2024's sales was submitted and accepted in 2024 or
        early 2025, not on the day the demo was loaded."""
        today = timezone.localdate()
        reports = RoyaltyReport.objects.filter(submitted_at__isnull=False).prefetch_related(
            "invoice__payments"
        )
        assert reports.filter(period_end__lt=today - datetime.timedelta(days=60)).exists()
        for report in reports:
            steps = [report.period_end, timezone.localdate(report.submitted_at)]
            if report.accepted_at:
                steps.append(timezone.localdate(report.accepted_at))
            invoice = getattr(report, "invoice", None)
            if invoice is not None:
                steps.append(invoice.issued_on)
                steps.extend(sorted(p.paid_on for p in invoice.payments.all()))
            assert steps == sorted(steps), report
            assert steps[-1] <= today, report
            for entry in Activity.objects.filter(
                target_type="projects.royaltyreport", target_id=report.pk
            ):
                assert timezone.localdate(entry.created_at) >= report.period_end, entry.verb

    def test_a_milestone_s_claim_verification_invoice_and_payments_follow_its_dates(self, demo):
        """A milestone paid in 2024 was claimed and verified in 2024, not on
        the day the demo was loaded: each step follows the one before, the
        trigger first, and the timeline says the same."""
        milestones = (
            Milestone.objects.filter(claimed_at__isnull=False)
            .select_related("invoice")
            .prefetch_related("invoice__payments")
        )
        for milestone in milestones:
            claimed = timezone.localdate(milestone.claimed_at)
            steps = [milestone.triggered_on, claimed]
            if milestone.verified_at:
                steps.append(timezone.localdate(milestone.verified_at))
            invoice = getattr(milestone, "invoice", None)
            if invoice is not None:
                steps.append(invoice.issued_on)
                steps.extend(sorted(p.paid_on for p in invoice.payments.all()))
            steps = [step for step in steps if step is not None]
            assert steps == sorted(steps), milestone
            assert steps[-1] <= timezone.localdate(), milestone
            claim = Activity.objects.filter(
                target_type="projects.milestone", target_id=milestone.pk, verb="milestone.claimed"
            ).first()
            assert timezone.localdate(claim.created_at) <= claimed, milestone

    def test_signed_agreements_owe_their_upfronts_and_fees_paid_in_time(self, demo):
        today = timezone.localdate()
        upfronts = FixedPayment.objects.filter(kind="upfront").select_related("agreement")
        signed = Agreement.objects.filter(status="signed", upfront_amount__gt=0)
        assert {upfront.agreement_id for upfront in upfronts} == set(
            signed.values_list("id", flat=True)
        )
        for upfront in upfronts:
            assert upfront.amount == upfront.agreement.upfront_amount
            assert upfront.status == "paid", upfront.agreement.reference
        fees = FixedPayment.objects.filter(kind="annual_licence_fee").order_by("term_year")
        assert fees.count() >= 5
        assert {fee.status for fee in fees} >= {"paid", "invoiced"}
        assert not fees.filter(status="paid", due_date__gt=today).exists()
        # A draft owes nothing until it is signed.
        assert not FixedPayment.objects.filter(agreement__status="draft").exists()

    def test_staff_issue_invoices_and_record_payments(self, demo):
        assert not Invoice.objects.exclude(issued_by__role=Role.CENTRE_STAFF).exists()
        assert not Payment.objects.exclude(recorded_by__role=Role.CENTRE_STAFF).exists()


class TestRoyalties:
    def test_reports_stand_in_several_states_and_a_minimum_royalty_was_trued_up(self, demo):
        statuses = set(RoyaltyReport.objects.values_list("status", flat=True))
        assert statuses == set(RoyaltyReportStatus.values)
        true_up = RoyaltyReport.objects.get(kind=RoyaltyReportKind.MINIMUM_TRUE_UP)
        assert true_up.period_end.year < timezone.localdate().year
        assert true_up.royalty_due > 0

    def test_reports_span_past_years_and_this_year(self, demo):
        sales = RoyaltyReport.objects.filter(kind=RoyaltyReportKind.SALES)
        years = set(sales.values_list("period_start__year", flat=True))
        assert len(years) >= 3
        assert max(years) == timezone.localdate().year

    def test_licensees_partner_users_submit_sales_reports(self, demo):
        for report in RoyaltyReport.objects.filter(kind=RoyaltyReportKind.SALES).select_related(
            "submitted_by", "agreement__partnership"
        ):
            assert report.submitted_by.role == Role.PARTNER
            assert report.submitted_by.enterprise_id == report.agreement.partnership.enterprise_id

    def test_reports_broken_down_by_product_and_territory_add_up(self, demo):
        broken_down = RoyaltyReport.objects.filter(
            agreement__sales_breakdown_required=True, kind=RoyaltyReportKind.SALES
        )
        assert broken_down.exists()
        for report in broken_down:
            total = report.lines.aggregate(total=Sum("net_sales"))["total"]
            assert total == report.net_sales

    def test_a_queried_report_says_why(self, demo):
        queried = RoyaltyReport.objects.filter(status=RoyaltyReportStatus.QUERIED)
        assert queried.exists()
        assert all(is_bilingual(report.query_reason) for report in queried)


class TestCosts:
    def test_both_parties_paid_costs_and_ledgers_show_balances_both_ways(self, demo):
        assert set(CostEntry.objects.values_list("paid_by", flat=True)) == {
            "research",
            "enterprise",
        }
        staff = user(STAFF_EMAIL)
        research_balances = []
        for project in ResearchProject.objects.filter(cost_entries__isnull=False).distinct():
            for line in project_cost_ledger(staff, project):
                if line.party == "research":
                    research_balances.append(line.balance)
        assert any(balance > 0 for balance in research_balances)
        assert any(balance < 0 for balance in research_balances)

    def test_costs_are_dated_in_the_past_at_stages_of_the_projects_pipeline(self, demo):
        today = timezone.localdate()
        for entry in CostEntry.objects.select_related("stage", "project__current_stage"):
            assert entry.incurred_on <= today
            assert entry.stage.pipeline_id == entry.project.current_stage.pipeline_id
            assert entry.stage.position <= entry.project.current_stage.position

    def test_the_central_parity_of_the_last_working_days_converts_the_euro_money(self, demo):
        today = timezone.localdate()
        converted = convert(Decimal("100"), "EUR", "CNY", on=today)
        assert converted.amount == Decimal("774.80")
        assert today - datetime.timedelta(days=4) <= converted.rate.valid_on < today


def test_the_demo_invoices_carry_the_parties_particulars_and_paid_ones_a_vat_invoice(demo):
    """Invoices fit for accounting in China: the payee's tax ID and bank
    account and the payer's legal name as issued (a payer registered abroad
    has no Unified Social Credit Code), and the VAT invoice (发票) of every
    invoice in yuan that has been paid."""
    invoices = Invoice.objects.select_related("vat_invoice")
    assert invoices.exists()
    for invoice in invoices:
        assert invoice.payee_tax_id and invoice.payee_bank_account, invoice.number
        assert invoice.payer_legal_name, invoice.number
    assert invoices.exclude(payer_tax_id="").exists()
    paid_in_yuan = invoices.filter(currency="CNY", payments__isnull=False).distinct()
    assert paid_in_yuan.exists()
    for invoice in paid_in_yuan:
        assert invoice.vat_invoice.amount_with_tax == invoice.amount, invoice.number


class TestPortfolio:
    """The IP portfolio: achievements of every common kind, their patents in
    several offices and a docket with something in every state."""

    def test_holds_a_dozen_achievements_of_several_kinds_with_bilingual_titles(self, demo):
        achievements = Achievement.objects.all()
        assert 12 <= achievements.count() <= 18
        assert {
            AchievementKind.INVENTION,
            AchievementKind.SOFTWARE_COPYRIGHT,
            AchievementKind.PLANT_VARIETY,
            AchievementKind.BIOLOGICAL_MATERIAL,
            AchievementKind.KNOW_HOW,
            AchievementKind.UTILITY_MODEL,
        } <= set(achievements.values_list("kind", flat=True))
        assert not achievements.filter(title_zh="").exists()
        assert "16 achievements (16 new" in demo

    def test_shares_add_up_and_some_achievements_are_co_owned(self, demo):
        for achievement in Achievement.objects.prefetch_related("owners", "inventors"):
            owners, inventors = achievement.owners.all(), achievement.inventors.all()
            assert sum(o.share_percent for o in owners) == 100, achievement.reference
            assert sum(i.contribution_percent for i in inventors) == 100, achievement.reference
        co_owned = AchievementOwner.objects.values("achievement").annotate(n=Count("id"))
        assert co_owned.filter(n__gt=1).count() >= 2
        assert AchievementOwner.objects.exclude(enterprise=None).exists()
        assert Inventor.objects.exclude(person__enterprise=None).exists()

    def test_every_achievement_and_patent_passes_model_validation(self, demo):
        for model in (Achievement, PatentFamily, PatentApplication, IpCost, Deadline):
            for record in model.objects.all():
                record.full_clean(exclude=["projects"])

    def test_families_span_offices_phases_and_a_utility_model(self, demo):
        applications = PatentApplication.objects.all()
        assert {"CN", "PCT", "US", "EP", "JP"} <= set(
            applications.values_list("jurisdiction", flat=True)
        )
        kinds = set(applications.values_list("kind", flat=True))
        assert {
            ApplicationKind.PCT_INTERNATIONAL,
            ApplicationKind.NATIONAL_PHASE,
            ApplicationKind.REGIONAL_PHASE,
            ApplicationKind.UTILITY_MODEL,
        } <= kinds
        phases = applications.filter(kind__in=["national_phase", "regional_phase"])
        assert all(phase.parent.jurisdiction == Jurisdiction.PCT for phase in phases)
        assert applications.filter(status=ApplicationStatus.LAPSED).exists()
        assert applications.filter(status=ApplicationStatus.GRANTED).count() >= 5
        assert not PatentFamily.objects.filter(
            applications__status=ApplicationStatus.GRANTED, expires_on=None
        ).exists()

    def test_the_docket_has_annuities_a_maintenance_fee_an_office_action_and_history(self, demo):
        open_kinds = set(
            Deadline.objects.filter(state=DeadlineState.OPEN).values_list("kind", flat=True)
        )
        assert {
            DeadlineKind.ANNUITY,
            DeadlineKind.MAINTENANCE_FEE,
            DeadlineKind.OFFICE_ACTION,
            DeadlineKind.PCT_FILING,
            DeadlineKind.EXPIRY,
        } <= open_kinds
        paid = Deadline.objects.filter(state=DeadlineState.DONE, kind=DeadlineKind.ANNUITY)
        assert paid.count() >= 20
        assert Deadline.objects.filter(
            state=DeadlineState.DONE, kind=DeadlineKind.MAINTENANCE_FEE
        ).exists()
        waived = Deadline.objects.filter(state=DeadlineState.WAIVED)
        assert waived.filter(kind=DeadlineKind.ANNUITY).exists()
        assert all(deadline.waived_reason for deadline in waived)
        # Nothing is left long forgotten: an open fee is at worst in grace.
        for deadline in Deadline.objects.filter(
            state=DeadlineState.OPEN, kind__in=[DeadlineKind.ANNUITY, DeadlineKind.MAINTENANCE_FEE]
        ):
            assert deadline.grace_until >= datetime.date(2026, 10, 1), deadline
        assert OfficeAction.objects.filter(responded_on=None).exists()
        assert OfficeAction.objects.exclude(responded_on=None).exists()

    def test_costs_are_recorded_with_counsel_in_several_currencies(self, demo):
        assert Counsel.objects.count() >= 4
        costs = IpCost.objects.all()
        assert costs.exclude(counsel=None).exists()
        assert {"CNY", "USD", "EUR"} <= set(costs.values_list("currency", flat=True))
        assert all(cost.recorded_by.email == STAFF_EMAIL for cost in costs)

    def test_agreements_license_assign_and_contribute_achievements(self, demo):
        modes = set(AchievementAgreement.objects.values_list("mode", flat=True))
        assert modes == set(TransferMode.values)
        for agreement in Agreement.objects.filter(achievement_links__isnull=False).distinct():
            total = agreement.achievement_links.aggregate(total=Sum("income_share_percent"))
            assert total["total"] <= 100, agreement.reference

    def test_each_partner_sees_the_achievements_of_its_own_agreements(self, demo):
        for email in (PARTNER_A_EMAIL, PARTNER_B_EMAIL):
            partner = user(email)
            seen = achievements_visible_to(partner)
            assert seen.exists(), email
            assert not seen.exclude(
                agreement_links__agreement__partnership__enterprise=partner.enterprise
            ).exists()
            assert not deadlines_visible_to(partner).exists()

    def test_the_researcher_sees_the_achievements_they_invented_and_their_disclosures(self, demo):
        researcher = user(RESEARCHER_EMAIL)
        assert researcher.role == Role.RESEARCHER
        person = Person.objects.get(user=researcher)
        seen = achievements_visible_to(researcher)
        assert seen.count() >= 2
        assert set(seen) == set(Achievement.objects.filter(inventors__person=person))
        statuses = set(
            Disclosure.objects.filter(submitted_by=researcher).values_list("status", flat=True)
        )
        assert statuses == {
            DisclosureStatus.DRAFT,
            DisclosureStatus.SUBMITTED,
            DisclosureStatus.RETURNED,
        }
        assert Disclosure.objects.get(status=DisclosureStatus.RETURNED).review_note

    def test_staff_see_the_whole_docket(self, demo):
        staff = user(STAFF_EMAIL)
        assert achievements_visible_to(staff).count() == Achievement.objects.count()
        assert deadlines_visible_to(staff).count() == Deadline.objects.count()


def cash_total(lines) -> Decimal:
    """The cash the lines pay out of net income (a run may also share an
    operating profit, which is not net income)."""
    shared = lines.filter(form=RewardForm.CASH, source=RewardSource.NET_INCOME)
    return shared.aggregate(total=Sum("amount"))["total"] or Decimal(0)


class TestDistribution:
    """The contracts the annual reports count, the equity the institutions
    hold, a policy per institution and a year and a half of distribution
    runs: 2025 in two approved halves, the first half of 2026 a draft."""

    H1_2025 = (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
    H2_2025 = (datetime.date(2025, 7, 1), datetime.date(2025, 12, 31))
    H1_2026 = (datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))

    def run(self, code, period) -> DistributionRun:
        return DistributionRun.objects.get(
            institution__code=code, period_start=period[0], period_end=period[1]
        )

    def test_contracts_of_every_kind_the_reports_count_were_signed_in_2025_and_2026(self, demo):
        recent = Agreement.objects.filter(signed_on__year__in=[2025, 2026])
        assert {
            AgreementKind.LICENCE,
            AgreementKind.OPTION,
            AgreementKind.EQUITY_CONTRIBUTION,
            AgreementKind.RD_CONTRACT,
            AgreementKind.CONSULTING,
            AgreementKind.SERVICE,
        } <= set(recent.values_list("kind", flat=True))
        assert set(recent.values_list("signed_on__year", flat=True)) == {2025, 2026}
        assert not Agreement.objects.filter(status="signed", contract_value=None).exists()
        assert Agreement.objects.get(reference="AGR-ELU-GCE-2025-02").contract_value == 2_400_000

    def test_most_licences_and_assignments_are_registered_with_a_16_digit_number(self, demo):
        transfers = Agreement.objects.filter(
            status="signed", kind__in=[AgreementKind.LICENCE, AgreementKind.ASSIGNMENT]
        )
        registered = transfers.exclude(registration_number="")
        assert registered.count() > transfers.count() / 2
        for agreement in Agreement.objects.exclude(registration_number=""):
            number = agreement.registration_number
            assert re.fullmatch(r"[0-9]{16}", number), agreement.reference
            assert int(number[:4]) == agreement.signed_on.year, agreement.reference

    def test_the_new_contracts_were_invoiced_and_paid(self, demo):
        received_2025 = {
            reference: Payment.objects.filter(
                invoice__fixed_payment__agreement__reference=reference, paid_on__year=2025
            ).aggregate(total=Sum("amount"))["total"]
            for reference in (
                "AGR-ELU-HHB-2025-02",
                "AGR-NCG-JLS-2025-02",
                "AGR-ELU-GCE-2025-02",
                "AGR-LCH-HHB-2025-02",
                "AGR-QIS-GCE-2025-02",
            )
        }
        assert received_2025 == {
            "AGR-ELU-HHB-2025-02": Decimal("300000.00"),
            "AGR-NCG-JLS-2025-02": Decimal("680000.00"),
            "AGR-ELU-GCE-2025-02": Decimal("1680000.00"),
            "AGR-LCH-HHB-2025-02": Decimal("450000.00"),
            "AGR-QIS-GCE-2025-02": Decimal("600000.00"),
        }
        assert Payment.objects.filter(
            invoice__fixed_payment__agreement__reference="AGR-QIS-CFB-2026-02"
        ).exists()

    def test_qis_founded_a_start_up_for_equity_and_sold_part_of_it(self, demo):
        holding = EquityHolding.objects.get(institution__code="QIS", company__code="QER")
        assert holding.founded_by_institution
        assert holding.company.size == EnterpriseSize.STARTUP
        assert holding.agreement.kind == AgreementKind.EQUITY_CONTRIBUTION
        assert holding.agreement.contract_value == holding.value == Decimal("12000000")
        assert holding.acquired_on.year == 2025
        sale = EquityRealisation.objects.get(holding=holding)
        assert sale.realised_on > holding.acquired_on
        assert (sale.shares, sale.proceeds) == (Decimal("1500000"), Decimal("4500000"))
        assert sale.shares < holding.shares

    def test_each_institution_has_a_policy_east_lake_the_provincial_70_percent(self, demo):
        def in_force(code):
            return DistributionPolicy.objects.filter(
                institution__code=code, effective_from__lte=datetime.date(2025, 12, 31)
            ).latest("effective_from")

        def shares(policy):
            tier = policy.tiers.get()
            assert tier.up_to is None
            return (tier.inventors, tier.department, tier.institution, tier.office)

        kinds = {"official_fee", "counsel", "evaluation", "agency", "legal"}
        for code in ("QIS", "LCH", "NCG"):
            policy = in_force(code)
            assert policy.preset == "china_statutory"
            assert shares(policy) == (
                Decimal("0.5"),
                Decimal("0.2"),
                Decimal("0.2"),
                Decimal("0.1"),
            )
            assert set(policy.deductible_cost_kinds) == kinds
        east_lake = in_force("ELU")
        assert east_lake.preset == "provincial_70"
        assert shares(east_lake) == (
            Decimal("0.7"),
            Decimal("0.1"),
            Decimal("0.1"),
            Decimal("0.1"),
        )
        assert east_lake.equity_inventor_share == Decimal("0.7")
        assert DistributionPolicy.objects.filter(institution__code="ELU").count() == 2

    def test_2025_is_distributed_in_two_halves_approved_by_another_staff_member(self, demo):
        staff, approver = user(STAFF_EMAIL), user(APPROVER_EMAIL)
        for code in ("ELU", "QIS", "NCG"):
            for period in (self.H1_2025, self.H2_2025):
                run = self.run(code, period)
                assert run.state == RunState.APPROVED, code
                assert run.prepared_by == staff and run.approved_by == approver
                approved_on = timezone.localdate(run.approved_at, DEMO_TIME_ZONE)
                assert period[1] < approved_on < period[1] + datetime.timedelta(days=31)
                assert run.notice_published_on > approved_on - datetime.timedelta(days=1)
            draft = self.run(code, self.H1_2026)
            assert draft.state == RunState.DRAFT and draft.approved_by is None
            assert draft.prepared_by == staff
            assert not draft.lines.exclude(state=LineState.PENDING).exists()

    def test_lines_add_up_to_each_run_s_net_income(self, demo):
        runs = DistributionRun.objects.all()
        assert runs.count() == 12
        for run in runs:
            assert cash_total(run.lines) == run.net_income, run
            for entry in run.achievements.all():
                lines = run.lines.filter(achievement=entry.achievement)
                assert cash_total(lines) == entry.net_income, (run, entry.achievement)
        assert self.run("ELU", self.H1_2025).net_income == Decimal("18398000.00")
        assert self.run("NCG", self.H2_2025).net_income == Decimal("3674000.00")

    def test_several_achievements_earned_net_income_in_2025_after_their_costs(self, demo):
        entries = RunAchievement.objects.filter(
            run__state=RunState.APPROVED, run__period_start__year=2025
        )
        assert entries.filter(net_income__gt=0).values("achievement").distinct().count() >= 6
        maize = entries.get(
            run__period_start=self.H1_2025[0], achievement__reference="ACH-2017-0001"
        )
        assert (maize.receipts, maize.deductible_costs, maize.net_income) == (
            Decimal("4322500.00"),
            Decimal("45000.00"),
            Decimal("4277500.00"),
        )
        # A loss is made good out of the next half-year's income.
        enzyme = entries.filter(achievement__reference="ACH-2020-0011").order_by(
            "run__period_start"
        )
        assert [e.net_income for e in enzyme] == [Decimal("0.00"), Decimal("862000.00")]

    def test_inventors_share_by_contribution_with_their_departments(self, demo):
        run = self.run("ELU", self.H1_2025)
        lines = run.lines.filter(achievement__reference="ACH-2019-0003")
        inventors = {line.recipient_name: line.amount for line in lines.filter(kind="inventor")}
        # 9,058,000 net, 70 % to the inventors: 70 % of that to Zhang Wei, 30 % to Gao Yang.
        assert inventors == {"Zhang Wei": Decimal("4438420.00"), "Gao Yang": Decimal("1902180.00")}
        assert not DistributionLine.objects.filter(kind="inventor", department="").exists()
        assert not Inventor.objects.filter(department="").exists()

    def test_a_co_owned_achievement_pays_its_co_owner(self, demo):
        line = self.run("ELU", self.H1_2025).lines.get(kind=RecipientKind.CO_OWNER)
        assert line.achievement.reference == "ACH-2016-0004"
        assert line.co_owner_institution.code == "LCH"
        assert line.amount == Decimal("1085160.00")  # 30 % of 3,617,200

    def test_cash_is_paid_and_equity_granted_but_the_last_co_owner_share(self, demo):
        approved = DistributionLine.objects.filter(run__state=RunState.APPROVED)
        pending = approved.filter(state=LineState.PENDING)
        assert list(pending.values_list("kind", "run__period_end")) == [
            (RecipientKind.CO_OWNER, self.H2_2025[1])
        ]
        equity = approved.filter(form=RewardForm.EQUITY)
        assert (
            equity.filter(achievement__reference="ACH-2020-0011").get().equity_shares == 6_000_000
        )
        assert set(equity.values_list("state", flat=True)) == {LineState.GRANTED}
        for line in approved.exclude(state=LineState.PENDING).select_related("run"):
            assert line.settled_on >= timezone.localdate(line.run.approved_at, DEMO_TIME_ZONE)
        treatments = set(approved.filter(kind="inventor").values_list("tax_treatment", flat=True))
        assert treatments == {
            TaxTreatment.CASH_HALF_REDUCTION,
            TaxTreatment.CASH_ORDINARY,
            TaxTreatment.EQUITY_DEFERRED,
        }

    def test_the_researcher_sees_their_rewards_of_approved_runs(self, demo):
        researcher = user(RESEARCHER_EMAIL)
        lines = lines_visible_to(researcher)
        assert lines.exists()
        assert set(lines.values_list("person__user", flat=True)) == {researcher.pk}
        assert set(lines.values_list("run__state", flat=True)) == {RunState.APPROVED}
        in_2025 = lines.filter(run__period_start__year=2025)
        assert cash_total(in_2025) == Decimal("9063388.25")

    def test_the_other_staff_member_can_approve_the_draft(self, demo):
        draft = self.run("NCG", self.H1_2026)
        with pytest.raises(RunError) as refused:
            approve_run(user(STAFF_EMAIL), draft)
        assert refused.value.code == "approver_is_preparer"
        assert approve_run(user(APPROVER_EMAIL), draft).state == RunState.APPROVED


def figures(report) -> dict:
    return {figure.key: figure.value for figure in report.figures}


class TestAnnualReports:
    """East Lake's reports of 2025 from the demo records: a year with a
    spin-off founded on a contribution for equity and licensed, an option,
    a development contract, two disclosures, a utility model granted, two
    halves of income distributed, and the office's inputs. Every other
    institution's reports count something too."""

    @pytest.fixture
    def elu(self, demo):
        return Institution.objects.get(code="ELU")

    def test_china_report_counts_the_contracts_money_and_rewards_of_2025(self, elu):
        china = figures(china_annual_report(elu, 2025))
        # 2: the CAR-T invention and the bag set; the bag set granted.
        assert china["cn.2.achievements"] == 2
        assert china["cn.2.kind.utility_model"] == 1
        assert china["cn.2.patents_granted"] == 1
        # 3: the licence to Lakecell and the contribution for equity.
        assert china["cn.3.licence.contracts"] == 1
        assert china["cn.3.equity.contracts"] == 1
        assert china["cn.3.equity.contract_value"] == Decimal("8000000.00")
        assert china["cn.3.total.contract_value"] == Decimal("8500000.00")
        assert china["cn.3.total.received_on_contracts_of_year"] == Decimal("200000.00")
        assert china["cn.3.total.received"] > Decimal("20000000")
        # 4: the development contract with GreenCycle.
        assert china["cn.4.development.contracts"] == 1
        assert china["cn.4.development.contract_value"] == Decimal("2400000.00")
        assert china["cn.4.total.received"] > 0
        # 4a-4c: the office, the joint centre, the proof-of-concept centre of
        # 2025; Lakecell founded; Gao Yang on leave, three on part-time work.
        assert china["cn.4a.transfer_office.own"] == 1
        assert china["cn.4a.rd_institution.joint"] == 1
        assert china["cn.4a.established_in_year"] == 1
        assert china["cn.4b.companies_founded"] == 1
        assert china["cn.4c.leave"] == 1
        assert china["cn.4c.part_time"] == 3
        # 5: cash from both halves, equity from the contribution (70 % of
        # the 8 million shares, at 1 yuan each).
        assert china["cn.5.equity"] == Decimal("5600000.00")
        assert china["cn.5.cash"] > 0
        assert china["cn.5.rewards"] == china["cn.5.cash"] + china["cn.5.equity"]
        assert china["cn.5.persons"] >= 3
        assert china["cn.5c.equity_deferred"] == china["cn.5.equity"]
        assert china["cn.5b.net_income"] > china["cn.5.cash"]
        assert china["cn.6.projects"] >= 3

    def test_autm_survey_counts_licences_income_patents_and_the_start_up(self, elu):
        autm = figures(autm_report(elu, 2025))
        assert autm["autm.research_expenditure.total"] == Decimal("2620000000.00")
        assert autm["autm.staff.licensing_ftes"] == Decimal("6.00")
        assert autm["autm.licences_executed"] == 1
        assert autm["autm.options_executed"] == 1
        assert autm["autm.licences_options.startup"] == 1
        assert autm["autm.licences_options.large"] == 1
        assert autm["autm.income.running_royalties"] > 0
        assert autm["autm.income.total"] == (
            autm["autm.income.running_royalties"]
            + autm["autm.income.cashed_in_equity"]
            + autm["autm.income.other"]
        )
        assert autm["autm.income.paid_to_others"] > 0
        assert autm["autm.legal_fees.expended"] > 0
        assert autm["autm.disclosures"] == 2
        assert autm["autm.patents.new_applications"] == 2
        assert autm["autm.patents.issued"] == 1
        assert autm["autm.startups.formed"] == 1
        assert autm["autm.startups.formed_in_home_region"] == 1
        assert autm["autm.startups.operational"] == 1

    def test_both_reports_agree_where_they_count_the_same_records(self, elu):
        china = figures(china_annual_report(elu, 2025))
        autm = figures(autm_report(elu, 2025))
        # East Lake's fiscal year is the calendar year.
        assert elu.fiscal_year_start_month == 1
        assert china["cn.2.achievements"] == autm["autm.disclosures"]
        assert china["cn.2.patents_granted"] == autm["autm.patents.issued"]
        assert china["cn.3.licence.contracts"] == autm["autm.licences_executed"]
        # Licence income: China's licences, plus AUTM's option fee.
        assert autm["autm.income.total"] == china["cn.3.licence.received"] + Decimal("300000")

    def test_the_office_stated_both_reports_of_2025(self, elu):
        china = AnnualReportInput.objects.get(
            institution=elu, report=ReportKind.CHINA_ANNUAL, year=2025
        )
        assert all(
            "，" in text
            for text in (
                china.work_done,
                china.lessons,
                china.problems,
                china.policy_implementation,
            )
        )
        autm = AnnualReportInput.objects.get(institution=elu, report=ReportKind.AUTM, year=2025)
        assert autm.research_expenditure_government > autm.research_expenditure_industry > 0

    def test_every_institution_reports_something_for_2025(self, demo):
        for institution in Institution.objects.all():
            china = figures(china_annual_report(institution, 2025))
            assert china["cn.3.total.received"] or china["cn.4.total.received"], institution
            assert institution.region, institution
            assert TransferEntity.objects.filter(institution=institution).exists()
            assert StaffMobility.objects.filter(
                institution=institution, kind=MobilityKind.PART_TIME
            ).exists()
        assert not Enterprise.objects.filter(founded_on=None).exists()
        licences = Agreement.objects.filter(
            kind__in=[AgreementKind.LICENCE, AgreementKind.OPTION], status="signed"
        )
        assert not licences.filter(licensee_size="").exists()


class TestValuations:
    def test_projects_with_phases_ahead_are_valued_through_the_engine(self, demo):
        from valuations.models import Valuation

        valuations = Valuation.objects.select_related("project")
        assert valuations.count() >= 30
        assert {v.status for v in valuations} == {"done"}
        assert all(
            v.results["rnpv"] is not None and v.inputs["commercial"]["peak_sales"] > 0
            for v in valuations
        )

    def test_the_negotiated_offers_show_the_option_and_a_menu(self, demo):
        from valuations.models import Valuation

        offers = Valuation.objects.filter(label="Licence offer")
        assert offers.count() >= 2
        for offer in offers:
            assert offer.results["flexibility"]["option_value"] >= 0
            menu = offer.results["menu"]
            assert len(menu["structures"]) >= 5
            assert all(s["feasible"] for s in menu["structures"])
            for structure in menu["structures"]:
                assert structure["licensor"]["exact"]["mean"] == pytest.approx(menu["target"])
