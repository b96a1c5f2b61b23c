"""Stage stays: the summary of the stage-gate history that the median years
in stage are read from (``projects.analytics.median_years_in_stage``).

A stay is a project's time in a stage, from the move into it (a start, an
advance, a skip or a revert) to the next move of the same project, when that
move is an advance or a skip; holds, resumes and terminations do not end a
stay. The stays of a project are a function of its transitions, which are
only ever appended: the services that append one rewrite the project's
stays in the same transaction, on the project row they hold locked, so that
two decisions on one project never write stays from two views of its
history. ``rebuild_stage_stays`` writes them all again from the history,
for rows written in bulk (the demo's generator) and the migration that
introduced them.

Each stay also carries the project's cooperation mode and the stage's
position, the median's groups, and the project's links that decide which
staff see it; ``project_update`` rewrites them when a project's links
change; a partnership's change of mode (``PartnershipModeChanged``) and a
stage's change of position (``StagePositionChanged``) move their stays.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import DurationField, ExpressionWrapper, F, Value, Window
from django.db.models.functions import Coalesce, Lead

from partnerships.models import Partnership
from pipelines.models import StageDefinition
from projects.choices import TransitionKind
from projects.models import ResearchProject, StageStay, StageTransition
from projects.stay_medians import stay_medians_changed

# Moves that put a project into a stage; holds, resumes and terminations
# keep it where it is.
STAGE_MOVES = [
    TransitionKind.START,
    TransitionKind.ADVANCE,
    TransitionKind.SKIP,
    TransitionKind.REVERT,
]
# The moves that end a stay that counts: the project moved on.
MOVES_ON = [TransitionKind.ADVANCE, TransitionKind.SKIP]
STAY_COLUMNS = [
    "project_id",
    "stage_id",
    "mode",
    "position",
    "lead_institution_id",
    "joint_centre_id",
    "partnership_id",
    "entered_at",
    "left_at",
    "duration",
]
# The project's links that decide which staff see its stays.
SCOPE_LINKS = {"lead_institution", "joint_centre", "partnership"}


def _stays_from_history(project_ids: Iterable[int] | None):
    """The stays as a query over the transitions (of ``project_ids``, or of
    every project): each move into a stage with the next move of the same
    project, kept when that move went on."""
    transitions = StageTransition.objects.filter(kind__in=STAGE_MOVES)
    if project_ids is not None:
        transitions = transitions.filter(project_id__in=list(project_ids))
    order = [F("decided_at").asc(), F("id").asc()]
    return (
        transitions.order_by()
        .annotate(
            left_at=Window(Lead("decided_at"), partition_by=F("project_id"), order_by=order),
            left_by=Window(Lead("kind"), partition_by=F("project_id"), order_by=order),
        )
        .filter(left_by__in=MOVES_ON)
        .values_list(
            "project_id",
            "to_stage_id",
            Coalesce("project__partnership__mode", Value("")),
            "to_stage__position",
            "project__lead_institution_id",
            "project__joint_centre_id",
            "project__partnership_id",
            "decided_at",
            "left_at",
            ExpressionWrapper(F("left_at") - F("decided_at"), output_field=DurationField()),
        )
    )


def _write_stays(project_ids: list[int] | None) -> int:
    # Django has no INSERT … SELECT: the compiled query of the stays is
    # inserted as it stands, in the database, so that a rebuild of millions
    # of transitions never passes through Python.
    select_sql, params = _stays_from_history(project_ids).query.sql_with_params()
    table = connection.ops.quote_name(StageStay._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in STAY_COLUMNS)
    with connection.cursor() as cursor:
        # The text is ours; values travel as parameters.
        cursor.execute(f"INSERT INTO {table} ({columns}) {select_sql}", params)
        return cursor.rowcount


def stage_stays_refresh(*, project: ResearchProject) -> None:
    """Write the project's stays again from its history. Called by the
    services that record its transitions or change its links, in their
    transaction, on the project row they have locked."""
    if project.partnership_id:
        # The stays take the partnership's mode: a change of mode
        # (``stage_stays_mode_update``) waits for them, or they for it.
        list(
            Partnership.objects.select_for_update(no_key=True)
            .filter(pk=project.partnership_id)
            .values_list("pk")
        )
    StageStay.objects.filter(project=project).delete()
    _write_stays([project.pk])
    stay_medians_changed()


def stage_stays_mode_update(*, partnership: Partnership) -> int:
    """Group the stays of the partnership's projects under its cooperation
    mode, after it changed; in the transaction of the change, which holds
    the partnership locked."""
    stay_medians_changed()
    return StageStay.objects.filter(partnership=partnership).update(mode=partnership.mode)


def stage_stays_position_update(*, stage: StageDefinition) -> int:
    """Group the stays in the stage under its position, after it changed."""
    stay_medians_changed()
    return StageStay.objects.filter(stage=stage).update(position=stage.position)


@transaction.atomic
def rebuild_stage_stays() -> int:
    """Write every project's stays again from the stage-gate history, after
    transitions were written in bulk (which bypasses the services). Returns
    how many stays there are."""
    StageStay.objects.all().delete()
    stay_medians_changed()
    return _write_stays(None)
