"""The demo data behind `make run` and the project generator behind the
benchmarks: what the demo world holds, who can sign in and see what, that
seeding twice changes nothing, and that every project's gate history
explains where the project stands."""

import datetime
import random
from io import StringIO
from itertools import pairwise

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Max, Prefetch
from django.utils import timezone
from stdnum.cn import uscc

from accounts.choices import Role
from accounts.models import User
from core.demo_data import (
    ADMIN_EMAIL,
    DEMO_PASSWORD,
    DEMO_TIME_ZONE,
    GATE_EVIDENCE,
    PARTNER_A_EMAIL,
    PARTNER_B_EMAIL,
    PROJECTS,
    STAFF_EMAIL,
    StageFacts,
    plan_history,
)
from partnerships.choices import AgreementKind, CooperationMode, EnterpriseSize
from partnerships.models import (
    Agreement,
    Enterprise,
    Institution,
    JointCentre,
    JointCentreParty,
    Partnership,
    Person,
)
from projects.choices import ProjectStatus, SectorCode, TransitionKind
from projects.models import ResearchProject, StageDefinition, StageTransition
from projects.selectors import projects_visible_to

pytestmark = pytest.mark.django_db

DEMO_LOGINS = (ADMIN_EMAIL, STAFF_EMAIL, PARTNER_A_EMAIL, PARTNER_B_EMAIL)

# The kinds of agreement that each cooperation mode is signed with. A
# co-built platform is governed by a co-construction agreement, which is an
# R&D contract.
AGREEMENT_KINDS_OF_MODE = {
    CooperationMode.TRANSFER: {AgreementKind.LICENCE, AgreementKind.ASSIGNMENT},
    CooperationMode.CONTRACT_RD: {AgreementKind.RD_CONTRACT},
    CooperationMode.CO_FOUNDED_COMPANY: {AgreementKind.SHAREHOLDERS},
    CooperationMode.CO_BUILT_PLATFORM: {AgreementKind.RD_CONTRACT},
    CooperationMode.JOINT_CENTRE: {AgreementKind.CENTRE_CHARTER},
}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def demo():
    return seed()


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
    )
    return {model.__name__: model.objects.count() for model in models}


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
        assert Enterprise.objects.count() == 6
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
    def test_the_four_demo_logins_work_with_the_demo_password(self, demo):
        for email in DEMO_LOGINS:
            assert authenticate(username=email, password=DEMO_PASSWORD) is not None, email

    def test_logins_have_their_roles(self, demo):
        assert user(ADMIN_EMAIL).is_superuser
        staff = user(STAFF_EMAIL)
        assert staff.role == Role.CENTRE_STAFF and not staff.is_superuser
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
        projects = list(ResearchProject.objects.values())

        output = seed()

        assert row_counts() == counts
        assert list(ResearchProject.objects.values()) == projects
        assert "0 new" in output

    def test_seeding_again_restores_the_demo_directory_and_password(self, demo):
        Institution.objects.filter(code="ELU").update(name="Renamed")
        staff = user(STAFF_EMAIL)
        staff.set_password("something else")
        staff.save()

        seed()

        assert Institution.objects.get(code="ELU").name == "East Lake University"
        assert authenticate(username=STAFF_EMAIL, password=DEMO_PASSWORD) is not None


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
            assert_history_explains_the_project(project, last_positions)

    def test_a_second_run_continues_the_numbering(self, demo):
        seed(projects=3)

        seed(projects=2)

        codes = sorted(
            ResearchProject.objects.filter(code__startswith="GEN-").values_list("code", flat=True)
        )
        assert codes == [f"GEN-{number:06d}" for number in range(1, 6)]
