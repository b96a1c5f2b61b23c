"""The stage rank a project carries (``ResearchProject.stage_rank``): its
current stage's place among all stages, which the project lists sort by.

A project's rank follows from its current stage and from the positions of
that stage and of its sector: the services that move a project write it
with the move (``project_stage_rank_set``, before they save the project),
and a stage or sector that takes another position rewrites the ranks of
the projects in it (``StagePositionChanged``, ``SectorPositionChanged``).
``rebuild_stage_ranks`` writes every project's again, for the migration
that introduced them and rows written past the services.
"""

from django.db import transaction

from pipelines.models import Sector, StageDefinition, stage_rank
from projects.models import ResearchProject


def stage_rank_of(stage: StageDefinition) -> int:
    """The rank of ``stage`` as its sector and pipeline place it now."""
    sector_position, stage_position = (
        StageDefinition.objects.filter(pk=stage.pk)
        .values_list("pipeline__sector__position", "position")
        .get()
    )
    return stage_rank(sector_position=sector_position, stage_position=stage_position)


def project_stage_rank_set(*, project: ResearchProject) -> None:
    """Give the project the rank of its current stage; the caller saves it
    (with ``stage_rank`` among its ``update_fields``)."""
    project.stage_rank = stage_rank_of(project.current_stage)


def _ranks_write(stages) -> int:
    updated = 0
    for stage_id, sector_position, stage_position in stages.values_list(
        "pk", "pipeline__sector__position", "position"
    ):
        rank = stage_rank(sector_position=sector_position, stage_position=stage_position)
        # Only the projects whose rank is not this one yet: a rebuild over
        # rows that are right already rewrites none of them.
        updated += (
            ResearchProject.objects.filter(current_stage_id=stage_id)
            .exclude(stage_rank=rank)
            .update(stage_rank=rank)
        )
    return updated


def stage_ranks_stage_update(*, stage: StageDefinition) -> int:
    """Rank the projects in ``stage`` by its position, after it changed."""
    return _ranks_write(StageDefinition.objects.filter(pk=stage.pk))


def stage_ranks_sector_update(*, sector: Sector) -> int:
    """Rank the projects in the sector's stages by its position, after it
    changed."""
    return _ranks_write(StageDefinition.objects.filter(pipeline__sector=sector))


@transaction.atomic
def rebuild_stage_ranks() -> int:
    """Write every project's stage rank again from the stages' positions.
    Returns how many projects had a rank to correct."""
    return _ranks_write(StageDefinition.objects.all())
