"""The stage rank a project carries (``ResearchProject.stage_rank``), kept by
the services that move projects and by the reordering of stages and
sectors: after any sequence of them every rank is the one its stage's
positions give, and the project lists sorted by stage keep their order:
the sector's position, then the stage's, then the project."""

import contextlib
import datetime
import random
from types import SimpleNamespace

import pytest
from django.contrib import admin

from core.errors import DomainError
from pipelines.admin import SectorAdmin, StageDefinitionAdmin
from pipelines.models import Sector, StageDefinition, stage_rank
from portal.views.projects import PROJECT_SORTING as PORTAL_PROJECT_SORTING
from projects.models import ResearchProject
from projects.services import (
    StageEntry,
    project_advance,
    project_history_import,
    project_hold,
    project_register,
    project_revert,
    project_skip,
    project_terminate,
    rebuild_stage_ranks,
)
from projects.views.projects import PROJECT_SORTING
from tests.factories import ProjectUnderAgreementFactory, ResearchProjectFactory

pytestmark = pytest.mark.django_db

RATIONALE = "Gate review: the pilot met its target."


def ranks():
    return dict(ResearchProject.objects.values_list("pk", "stage_rank"))


def ranks_from_positions():
    """Every project's rank as its stage's and sector's positions give it
    now: the oracle of these tests."""
    return {
        pk: stage_rank(sector_position=sector_position, stage_position=stage_position)
        for pk, sector_position, stage_position in ResearchProject.objects.values_list(
            "pk", "current_stage__pipeline__sector__position", "current_stage__position"
        )
    }


def sorted_by_positions(descending=False):
    """The projects in the order the list sorted by stage had before the
    rank: sector position, stage position, key."""
    rows = ResearchProject.objects.values_list(
        "pk", "current_stage__pipeline__sector__position", "current_stage__position"
    )
    order = sorted(rows, key=lambda row: (row[1], row[2], row[0]), reverse=descending)
    return [row[0] for row in order]


def sorted_by(sorting, descending=False):
    ordering = sorting.order_by("stage", descending, ResearchProject)
    return list(ResearchProject.objects.order_by(*ordering).values_list("pk", flat=True))


def in_the_admin(model_admin, obj, changed, superuser, rf):
    request = rf.post("/")
    request.user = superuser
    model_admin.save_model(request, obj, SimpleNamespace(changed_data=changed), change=True)


@pytest.fixture
def pipelines_of_two_sectors(db):
    return [
        list(StageDefinition.objects.filter(pipeline__code=code).order_by("position"))
        for code in ("ENV", "BIOMED-DRUG")
    ]


def test_a_registered_project_carries_its_stages_rank(agreement, staff_user, env_stages):
    project = ResearchProjectFactory.build(
        current_stage=env_stages[2],
        lead_institution=agreement.partnership.institution,
        trl=env_stages[2].trl_min,
    )

    project_register(project=project, by=staff_user)

    project.refresh_from_db()
    sector = env_stages[2].pipeline.sector
    assert project.stage_rank == stage_rank(
        sector_position=sector.position, stage_position=env_stages[2].position
    )


def test_any_sequence_of_moves_and_reorders_leaves_the_ranks_the_positions_give(
    agreement, staff_user, superuser, pipelines_of_two_sectors, rf
):
    """Gate decisions, an imported history, stages moved in their pipeline
    and sectors moved among the sectors, in a random order."""
    rng = random.Random(18)
    projects = [
        ProjectUnderAgreementFactory(agreement=agreement, current_stage=rng.choice(stages))
        for stages in pipelines_of_two_sectors
        for _ in range(4)
    ]
    sectors = list(Sector.objects.all())
    free_positions = iter(range(50, 500))

    for step in range(80):
        action = rng.choice(["decide", "decide", "decide", "stage", "sector"])
        if action == "stage":
            stage = rng.choice(rng.choice(pipelines_of_two_sectors))
            stage.refresh_from_db()
            stage.position = next(free_positions)
            stage.save()
            in_the_admin(
                StageDefinitionAdmin(StageDefinition, admin.site),
                stage,
                ["position"],
                superuser,
                rf,
            )
        elif action == "sector":
            sector = rng.choice(sectors)
            sector.position = rng.randrange(10)
            sector.save()
            in_the_admin(SectorAdmin(Sector, admin.site), sector, ["position"], superuser, rf)
        else:
            project = rng.choice(projects)
            project.refresh_from_db()
            decision = rng.choice(
                [project_advance, project_advance, project_hold, project_revert, project_terminate]
            )
            with contextlib.suppress(DomainError):
                decision(project=project, by=staff_user, rationale=RATIONALE)
        if step % 10 == 9:
            assert ranks() == ranks_from_positions()

    assert ranks() == ranks_from_positions()
    assert sorted_by(PROJECT_SORTING) == sorted_by_positions()
    assert sorted_by(PROJECT_SORTING, descending=True) == sorted_by_positions(descending=True)


def test_skips_and_imported_histories_rank_the_project_at_its_new_stage(
    project, staff_user, env_stages
):
    project_skip(project=project, by=staff_user, rationale=RATIONALE, to_stage=env_stages[2])
    assert ranks() == ranks_from_positions()

    other = ProjectUnderAgreementFactory(
        agreement=project.agreement,
        current_stage=env_stages[0],
        start_date=datetime.date(2020, 1, 1),
    )
    project_history_import(
        project=other,
        by=staff_user,
        entries=[
            StageEntry(stage=env_stages[0], entered_on=datetime.date(2020, 1, 1)),
            StageEntry(stage=env_stages[3], entered_on=datetime.date(2021, 1, 1)),
        ],
        status="active",
    )
    assert ranks() == ranks_from_positions()


def test_the_lists_sorted_by_stage_keep_the_order_of_sector_and_stage_positions(
    agreement, pipelines_of_two_sectors
):
    """Sectors at the same position share their stages' ranks, as they
    shared the order before: the project decides among equals."""
    for stages in pipelines_of_two_sectors:
        for stage in stages[:3]:
            ProjectUnderAgreementFactory.create_batch(2, agreement=agreement, current_stage=stage)
    Sector.objects.update(position=1)
    rebuild_stage_ranks()

    for sorting in (PROJECT_SORTING, PORTAL_PROJECT_SORTING):
        for descending in (False, True):
            assert sorted_by(sorting, descending) == sorted_by_positions(descending)


def test_a_rebuild_corrects_ranks_written_past_the_services(project, env_stages):
    ResearchProject.objects.filter(pk=project.pk).update(stage_rank=0)

    assert rebuild_stage_ranks() == 1
    assert ranks() == ranks_from_positions()
    assert rebuild_stage_ranks() == 0
