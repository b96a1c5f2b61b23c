"""Stage stays: the summary of the stage-gate history that the median years in
stage are read from. Whatever sequence of decisions the services record, the
stays are those a rebuild from the whole history writes, and the median read
from them is the one a window over the history gives.

The project of these tests runs in the environmental pipeline: lab research →
pilot → field demonstration → certification → deployment.
"""

import contextlib
import datetime
import random
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import DurationField, ExpressionWrapper, F, Window
from django.db.models.functions import Lead

from accounts.selectors import has_full_access
from core.errors import TransitionNotAllowed
from partnerships.choices import CooperationMode
from partnerships.services import partnership_update
from pipelines.admin import StageDefinitionAdmin
from pipelines.models import StageDefinition
from projects import analytics
from projects.choices import ProjectStatus, TransitionKind
from projects.computations.receipts import DAYS_PER_YEAR
from projects.models import StageStay, StageTransition
from projects.selectors import projects_visible_to
from projects.services import (
    StageEntry,
    project_advance,
    project_history_import,
    project_hold,
    project_resume,
    project_revert,
    project_terminate,
    project_update,
    rebuild_stage_stays,
)
from tests.factories import (
    AgreementFactory,
    PartnershipFactory,
    ProjectUnderAgreementFactory,
    StageTransitionFactory,
)
from tests.projects.random_decisions import random_gate_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract_agreement(institution, enterprise):
    return AgreementFactory(
        partnership=PartnershipFactory(
            institution=institution, enterprise=enterprise, mode=CooperationMode.CONTRACT_RD
        )
    )


RATIONALE = "Gate review: the pilot met its target."


STAY_FIELDS = [field.attname for field in StageStay._meta.concrete_fields if not field.primary_key]


def stays_as_rows():
    return sorted(StageStay.objects.values_list(*STAY_FIELDS))


def rebuilt_rows():
    """The stays a rebuild from the whole history writes (the table is put
    back as it was found afterwards, within the test's transaction)."""
    kept = stays_as_rows()
    rebuild_stage_stays()
    rebuilt = stays_as_rows()
    StageStay.objects.all().delete()
    StageStay.objects.bulk_create(
        StageStay(**dict(zip(STAY_FIELDS, row, strict=True))) for row in kept
    )
    return rebuilt


def median_years_from_history(user, *, sector=None):
    """The median years in stage as they were computed before the stays were
    kept: a window over every stage move of the history (``LEAD`` per
    project) and a median per mode and position. The oracle of these
    tests."""
    transitions = StageTransition.objects.filter(kind__in=["start", "advance", "skip", "revert"])
    if not has_full_access(user):
        transitions = transitions.filter(project__in=projects_visible_to(user).values("id"))
    if sector:
        transitions = transitions.filter(to_stage__pipeline__sector__code=sector)
    order = [F("decided_at").asc(), F("id").asc()]
    stays = (
        transitions.order_by()
        .annotate(
            left_at=Window(Lead("decided_at"), partition_by=F("project_id"), order_by=order),
            left_by=Window(Lead("kind"), partition_by=F("project_id"), order_by=order),
            mode=F("project__partnership__mode"),
            position=F("to_stage__position"),
        )
        .filter(left_by__in=[TransitionKind.ADVANCE, TransitionKind.SKIP])
        .annotate(
            stay=ExpressionWrapper(F("left_at") - F("decided_at"), output_field=DurationField())
        )
    )
    inner_sql, params = stays.values("mode", "position", "stay").query.sql_with_params()
    median = (
        "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY stays.stay)"
        if connection.vendor == "postgresql"
        else "bb_median(stays.stay)"
    )
    analytics._with_sqlite_median()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT stays.mode, stays.position, {median}, COUNT(*) "
            f"FROM ({inner_sql}) stays GROUP BY stays.mode, stays.position",
            params,
        )
        rows = cursor.fetchall()
    durations = {}
    for mode, position, median_stay, count in rows:
        if not isinstance(median_stay, datetime.timedelta):
            median_stay = datetime.timedelta(microseconds=median_stay)
        years = median_stay.total_seconds() / 86400 / float(DAYS_PER_YEAR)
        durations[(mode, position)] = (years, count)
    return durations


def assert_same_medians(found, expected):
    assert found.keys() == expected.keys()
    for key, (years, count) in expected.items():
        assert found[key] == (pytest.approx(years, rel=1e-9, abs=1e-15), count), key


def at(year, month, day):
    return datetime.datetime(year, month, day, 9, tzinfo=datetime.UTC)


def recorded_history(project, stages, rng):
    """A backdated history written as the bulk generator writes it, past the
    services: a start and a few advances or skips, with random stays."""
    when = at(2015, 1, 1) + datetime.timedelta(days=rng.randrange(1000))
    StageTransitionFactory(
        project=project, kind="start", to_stage=stages[0], to_status="active", decided_at=when
    )
    index = 0
    for _ in range(rng.randrange(4)):
        step = rng.choice([1, 1, 2])
        if index + step >= len(stages) - 1:
            break
        when += datetime.timedelta(days=rng.randrange(30, 900), hours=rng.randrange(24))
        StageTransitionFactory(
            project=project,
            kind="advance" if step == 1 else "skip",
            from_stage=stages[index],
            to_stage=stages[index + step],
            from_status="active",
            to_status="active",
            decided_at=when,
        )
        index += step
    project.current_stage = stages[index]
    project.save()


def random_decision(project, staff_user, stages, rng):
    """One gate decision the project's state allows, or a refused one."""
    project.refresh_from_db()
    with contextlib.suppress(TransitionNotAllowed):
        random_gate_decision(project, stages=stages, by=staff_user, rng=rng, terminate_chance=0.2)


def started(project, when=None):
    """The project's start, recorded a year ago (the arrangement of a test)."""
    return StageTransitionFactory(
        project=project,
        kind="start",
        to_stage=project.current_stage,
        to_status="active",
        decided_at=when or at(2025, 1, 6),
    )


def test_a_stay_is_written_when_the_project_moves_on(project, staff_user, env_stages):
    started(project)
    project_advance(project=project, by=staff_user, rationale=RATIONALE)

    (stay,) = StageStay.objects.all()
    start, advance = project.transitions.order_by("decided_at", "id")
    assert (stay.project, stay.stage, stay.position) == (project, env_stages[0], 1)
    assert stay.mode == project.partnership.mode
    assert (stay.entered_at, stay.left_at) == (start.decided_at, advance.decided_at)
    assert stay.duration == advance.decided_at - start.decided_at


def test_holds_reverts_and_terminations_end_no_stay(project, staff_user, env_stages):
    started(project)
    for decision in (project_hold, project_resume, project_advance, project_revert):
        project.refresh_from_db()
        decision(project=project, by=staff_user, rationale=RATIONALE)
    project.refresh_from_db()
    project_terminate(project=project, by=staff_user, rationale=RATIONALE)

    # Lab research, left by the advance (the hold inside it); the pilot was
    # left by a revert, and the project ended back in lab research.
    assert list(StageStay.objects.values_list("stage", flat=True)) == [env_stages[0].pk]


def test_any_sequence_of_decisions_leaves_the_stays_a_rebuild_writes(
    agreement, contract_agreement, staff_user, env_stages
):
    rng = random.Random(18)
    projects = [
        ProjectUnderAgreementFactory(agreement=terms, current_stage=env_stages[0])
        for terms in [agreement, agreement, contract_agreement, agreement, contract_agreement]
    ]
    for project in projects[:3]:
        recorded_history(project, env_stages, rng)
    rebuild_stage_stays()

    for step in range(60):
        random_decision(rng.choice(projects), staff_user, env_stages, rng)
        if step % 10 == 9:
            assert stays_as_rows() == rebuilt_rows()

    assert StageStay.objects.exists()
    assert stays_as_rows() == rebuilt_rows()
    assert_same_medians(
        analytics.median_years_in_stage(staff_user),
        median_years_from_history(staff_user),
    )


def test_the_median_read_from_the_stays_is_the_one_the_history_gives(
    agreement, contract_agreement, staff_user, superuser, env_stages
):
    """Over random histories of thirty projects in two modes and outside any
    partnership, for a superuser and for a staff member, who sees those of
    its institution's partnerships, over all sectors and over one."""
    rng = random.Random(2026)
    for number in range(30):
        terms = [agreement, contract_agreement, None][number % 3]
        if terms is None:
            project = ProjectUnderAgreementFactory(current_stage=env_stages[0])
            project.partnership = project.agreement = None
            project.save()
        else:
            project = ProjectUnderAgreementFactory(agreement=terms, current_stage=env_stages[0])
        recorded_history(project, env_stages, rng)
    rebuild_stage_stays()

    for user in (superuser, staff_user):
        for sector in (None, "environmental", "biomedicine"):
            assert_same_medians(
                analytics.median_years_in_stage(user, sector=sector),
                median_years_from_history(user, sector=sector),
            )


def test_a_project_moved_to_another_partnership_takes_its_stays_to_that_mode(
    project, staff_user, env_stages
):
    started(project)
    project_advance(project=project, by=staff_user, rationale=RATIONALE)
    other = AgreementFactory(
        partnership=PartnershipFactory(
            institution=project.partnership.institution,
            enterprise=project.partnership.enterprise,
            mode=CooperationMode.CO_BUILT_PLATFORM,
        )
    )

    project_update(project=project, by=staff_user, partnership=other.partnership, agreement=other)

    assert list(StageStay.objects.values_list("mode", flat=True)) == [
        CooperationMode.CO_BUILT_PLATFORM
    ]
    assert stays_as_rows() == rebuilt_rows()


def test_a_partnership_that_changes_mode_takes_its_stays_along(project, staff_user):
    started(project)
    project_advance(project=project, by=staff_user, rationale=RATIONALE)

    partnership_update(
        partnership=project.partnership, by=staff_user, mode=CooperationMode.CO_BUILT_PLATFORM
    )

    assert list(StageStay.objects.values_list("mode", flat=True)) == [
        CooperationMode.CO_BUILT_PLATFORM
    ]
    assert stays_as_rows() == rebuilt_rows()


def test_a_stage_moved_in_the_admin_takes_its_stays_along(
    project, staff_user, superuser, env_stages, rf
):
    started(project)
    project_advance(project=project, by=staff_user, rationale=RATIONALE)
    stage = env_stages[0]
    stage.position = 7
    request = rf.post("/")
    request.user = superuser

    StageDefinitionAdmin(StageDefinition, admin.site).save_model(
        request, stage, SimpleNamespace(changed_data=["position"]), change=True
    )

    assert list(StageStay.objects.values_list("position", flat=True)) == [7]
    assert stays_as_rows() == rebuilt_rows()


def test_an_imported_history_writes_its_stays(project, staff_user, env_stages):
    project.start_date = datetime.date(2020, 1, 1)
    project.save()

    project_history_import(
        project=project,
        by=staff_user,
        entries=[
            StageEntry(stage=env_stages[0], entered_on=datetime.date(2020, 1, 1)),
            StageEntry(stage=env_stages[1], entered_on=datetime.date(2021, 1, 1)),
        ],
        status=ProjectStatus.ACTIVE,
    )

    (stay,) = StageStay.objects.all()
    assert (stay.stage, stay.duration) == (env_stages[0], datetime.timedelta(days=366))
    assert stays_as_rows() == rebuilt_rows()
