"""The portfolio's counts (``PortfolioCount``), kept by the services that
register, move and re-link projects: after any sequence of them the counts
are those a count of every project gives, and each user's counts are those
of the projects the user sees, read without grouping the projects."""

import contextlib
import datetime
import random
from collections import Counter
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import DomainError
from partnerships.choices import CooperationMode
from projects import analytics
from projects.admin import ResearchProjectAdmin
from projects.models import PortfolioCount, ResearchProject
from projects.selectors import projects_visible_to
from projects.services import (
    StageEntry,
    project_advance,
    project_history_import,
    project_register,
    project_update,
    rebuild_portfolio_counts,
)
from tests.factories import (
    AgreementFactory,
    InstitutionFactory,
    JointCentreFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    ResearchProjectFactory,
    UserFactory,
)
from tests.projects.random_decisions import random_gate_decision

pytestmark = pytest.mark.django_db

RATIONALE = "Gate review: the pilot met its target."
COUNT_FIELDS = ["stage_id", "status", "lead_institution_id", "joint_centre_id", "partnership_id"]


def counts_as_rows():
    """The counts kept, without the rows that count no project."""
    rows = PortfolioCount.objects.filter(projects__gt=0).values_list(*COUNT_FIELDS, "projects")
    return sorted(rows, key=lambda row: tuple(-1 if value is None else value for value in row))


def rebuilt_rows():
    """The counts a rebuild from every project writes (the table is put
    back as it was found afterwards, within the test's transaction)."""
    kept = list(PortfolioCount.objects.values_list(*COUNT_FIELDS, "projects"))
    rebuild_portfolio_counts()
    rebuilt = counts_as_rows()
    PortfolioCount.objects.all().delete()
    PortfolioCount.objects.bulk_create(
        PortfolioCount(**dict(zip([*COUNT_FIELDS, "projects"], row, strict=True))) for row in kept
    )
    return rebuilt


def counted_from_projects(user, *, sector=None, mode=None):
    """The portfolio's counts as they were read before the counts were
    kept: the visible projects grouped by stage, status and mode. The
    oracle of these tests."""
    projects = analytics._scoped_projects(user, sector=sector, mode=mode)
    return Counter(
        {
            (row["current_stage_id"], row["status"], row["partnership__mode"]): row["n"]
            for row in projects.values("current_stage_id", "status", "partnership__mode")
            .annotate(n=analytics.Count("*"))
            .order_by()
        }
    )


def counted(user, **filters):
    return Counter(
        {
            (row["current_stage_id"], row["status"], row["mode"]): row["count"]
            for row in analytics.portfolio_counts(user, **filters)
        }
    )


@pytest.fixture
def world(institution, enterprise, env_stages):
    """Two partnerships of ``institution`` (staff_user's) in two modes, a
    joint centre with its own staff member, and another institution's
    partnership, whose staff see none of the first institution's projects."""
    centre = JointCentreFactory()
    transfer = AgreementFactory(
        partnership=PartnershipFactory(institution=institution, enterprise=enterprise)
    )
    contract = AgreementFactory(
        partnership=PartnershipFactory(
            institution=institution, enterprise=enterprise, mode=CooperationMode.CONTRACT_RD
        )
    )
    foreign_institution = InstitutionFactory()
    foreign = AgreementFactory(partnership=PartnershipFactory(institution=foreign_institution))
    return SimpleNamespace(
        stages=env_stages,
        centre=centre,
        centre_staff=UserFactory(joint_centres=[centre]),
        agreements=[transfer, contract, foreign, None],
        institutions=[institution, foreign_institution],
        foreign_staff=UserFactory(institutions=[foreign_institution]),
    )


def register(world, rng, superuser):
    agreement = rng.choice(world.agreements)
    lead = (
        agreement.partnership.institution
        if agreement is not None
        else rng.choice(world.institutions)
    )
    project = ResearchProjectFactory.build(
        current_stage=world.stages[0],
        lead_institution=lead,
        agreement=agreement,
        partnership=agreement.partnership if agreement else None,
        joint_centre=world.centre if rng.random() < 0.3 else None,
        trl=world.stages[0].trl_min,
    )
    return project_register(project=project, by=superuser)


def relink(project, world, rng, superuser):
    """Move the project to another partnership, joint centre or lead
    institution, as staff may."""
    change = rng.choice(["partnership", "joint_centre", "lead_institution"])
    if change == "partnership":
        agreement = rng.choice(world.agreements)
        changes = {
            "agreement": agreement,
            "partnership": agreement.partnership if agreement else None,
        }
        if agreement is not None:
            changes["lead_institution"] = agreement.partnership.institution
    elif change == "joint_centre":
        changes = {"joint_centre": None if project.joint_centre_id else world.centre}
    else:
        if project.partnership_id:
            return
        changes = {"lead_institution": rng.choice(world.institutions)}
    project_update(project=project, by=superuser, **changes)


def decide(project, world, rng, superuser):
    """One gate decision the project's state allows, or a refused one."""
    random_gate_decision(project, stages=world.stages, by=superuser, rng=rng, terminate_chance=0.3)


def test_any_sequence_of_services_leaves_the_counts_a_rebuild_writes(world, superuser):
    """Registrations, gate decisions, changes of partnership, joint centre
    and lead institution, in a random order."""
    rng = random.Random(18)
    projects = [register(world, rng, superuser) for _ in range(6)]

    for step in range(120):
        action = rng.choice(["register", "decide", "decide", "decide", "relink"])
        try:
            if action == "register":
                projects.append(register(world, rng, superuser))
            else:
                project = rng.choice(projects)
                project.refresh_from_db()
                if action == "decide":
                    decide(project, world, rng, superuser)
                else:
                    relink(project, world, rng, superuser)
        except DomainError:
            pass
        if step % 15 == 14:
            assert counts_as_rows() == rebuilt_rows()

    assert counts_as_rows() == rebuilt_rows()
    assert sum(row[-1] for row in counts_as_rows()) == ResearchProject.objects.count()


def test_each_user_counts_only_the_projects_it_sees(world, superuser, staff_user):
    """A staff member counts its institutions', joint centres' and
    partnerships' projects; staff of another institution count none of
    them; a superuser counts all; over all sectors, one sector and one
    mode."""
    rng = random.Random(7)
    projects = [register(world, rng, superuser) for _ in range(30)]
    for _ in range(60):
        project = rng.choice(projects)
        project.refresh_from_db()
        with contextlib.suppress(DomainError):
            decide(project, world, rng, superuser)

    for user in (superuser, staff_user, world.centre_staff, world.foreign_staff):
        for filters in (
            {},
            {"sector": "environmental"},
            {"sector": "biomedicine"},
            {"mode": CooperationMode.CONTRACT_RD},
            {"mode": analytics.NO_MODE},
        ):
            assert counted(user, **filters) == counted_from_projects(user, **filters), (
                user,
                filters,
            )
    foreign_projects = projects_visible_to(world.foreign_staff)
    assert sum(counted(world.foreign_staff).values()) == foreign_projects.count() > 0
    assert not set(foreign_projects) & set(projects_visible_to(staff_user))


def test_a_partnership_that_changes_mode_moves_its_counts_along(world, superuser, staff_user):
    transfer = world.agreements[0]
    ProjectUnderAgreementFactory.create_batch(2, agreement=transfer, current_stage=world.stages[0])

    transfer.partnership.mode = CooperationMode.CO_BUILT_PLATFORM
    transfer.partnership.save()

    assert counted(staff_user) == counted_from_projects(staff_user)
    assert (
        counted(staff_user)[(world.stages[0].pk, "active", CooperationMode.CO_BUILT_PLATFORM)] == 2
    )


def test_a_project_relinked_in_the_admin_is_counted_under_its_new_links(
    world, superuser, staff_user, rf
):
    project = ProjectUnderAgreementFactory(
        agreement=world.agreements[0], current_stage=world.stages[0]
    )
    project.joint_centre = world.centre
    request = rf.post("/")
    request.user = superuser

    ResearchProjectAdmin(ResearchProject, admin.site).save_model(
        request, project, SimpleNamespace(changed_data=["joint_centre"]), change=True
    )

    assert counts_as_rows() == rebuilt_rows()
    assert sum(counted(world.centre_staff).values()) == 1


def test_an_imported_history_moves_the_project_in_the_counts(world, superuser, staff_user):
    project = ProjectUnderAgreementFactory(
        agreement=world.agreements[0],
        current_stage=world.stages[0],
        start_date=datetime.date(2020, 1, 1),
    )

    project_history_import(
        project=project,
        by=staff_user,
        entries=[
            StageEntry(stage=world.stages[0], entered_on=datetime.date(2020, 1, 1)),
            StageEntry(stage=world.stages[2], entered_on=datetime.date(2021, 1, 1)),
        ],
        status="on_hold",
    )

    assert counts_as_rows() == rebuilt_rows()
    assert counted(staff_user) == Counter(
        {(world.stages[2].pk, "on_hold", CooperationMode.TRANSFER): 1}
    )


def test_counts_out_of_step_are_counted_again_when_the_project_moves(
    project, staff_user, env_stages
):
    """A project changed past the services (a bulk update) is counted from
    the projects again the next time a service moves it."""
    ResearchProject.objects.filter(pk=project.pk).update(current_stage=env_stages[1])
    project.refresh_from_db()

    project_advance(project=project, by=staff_user, rationale=RATIONALE)

    # The first stage still counts the project until a rebuild; the stage
    # it left and the one it entered are right.
    counts = dict(
        ((row[0], row[1]), row[-1]) for row in counts_as_rows() if row[0] != env_stages[0].pk
    )
    assert counts == {(env_stages[2].pk, "active"): 1}


def test_the_counts_of_staff_are_read_without_grouping_the_projects(world, superuser, staff_user):
    rng = random.Random(3)
    for _ in range(5):
        register(world, rng, superuser)

    for user in (superuser, staff_user):
        with CaptureQueriesContext(connection) as queries:
            analytics.portfolio_counts(user)
        assert not [
            query["sql"]
            for query in queries.captured_queries
            if ResearchProject._meta.db_table in query["sql"]
        ]


def test_a_partnership_left_by_its_projects_can_still_be_deleted(world, superuser):
    """Its count of no projects goes with it."""
    kept = world.agreements[0]
    empty = AgreementFactory(
        partnership=PartnershipFactory(
            institution=world.institutions[0], enterprise=kept.partnership.enterprise
        )
    )
    project = ProjectUnderAgreementFactory(agreement=empty, current_stage=world.stages[0])
    project_update(
        project=project,
        by=superuser,
        agreement=kept,
        partnership=kept.partnership,
    )

    empty.delete()
    empty.partnership.delete()

    assert counts_as_rows() == rebuilt_rows()
