"""Partner stage counts: how many projects each enterprise partners in stand
at each stage (``PartnerStageCount``), the summary the partner portal's
projects by stage and its stage filter are read from.

A project counts for each of its partner enterprises at its current stage.
The services that change either write the difference in their own
transaction: ``project_register`` adds the project, the stage-gate
decisions and ``project_history_import`` move it between stages,
``project_update`` (and the admin) change its partners. A difference is
added to the counts (``count = count + delta``), never computed from a
view of the projects, so that two transactions that move projects of the
same partner both count: the second waits for the first's row lock and
adds to what it committed. A project is never deleted (its stage-gate
history protects it). ``rebuild_partner_stage_counts`` counts them
all again from the projects, for rows written in bulk (the demo's
generator) and the migration that introduced them.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F

from projects.models import PartnerStageCount, ResearchProject

PartnerLinks = ResearchProject.partner_enterprises.through


def _partner_ids(project: ResearchProject) -> list[int]:
    return list(
        PartnerLinks.objects.filter(researchproject_id=project.pk).values_list(
            "enterprise_id", flat=True
        )
    )


def _add(changes: Counter) -> None:
    """Add each ``(enterprise id, stage id): delta`` to its count."""
    changes = {key: delta for key, delta in changes.items() if delta}
    if not changes:
        return
    # A count that rises may have no row yet; one that falls has one. A
    # row inserted meanwhile by another transaction is left as it is.
    PartnerStageCount.objects.bulk_create(
        [
            PartnerStageCount(enterprise_id=enterprise_id, stage_id=stage_id)
            for (enterprise_id, stage_id), delta in sorted(changes.items())
            if delta > 0
        ],
        ignore_conflicts=True,
    )
    # Rows are locked in one order, so that two transactions that change
    # the same counts wait for each other rather than deadlock.
    for (enterprise_id, stage_id), delta in sorted(changes.items()):
        PartnerStageCount.objects.filter(enterprise_id=enterprise_id, stage_id=stage_id).update(
            project_count=F("project_count") + delta
        )


def partner_stage_counts_add(*, project: ResearchProject) -> None:
    """Count a project just registered, at its stage, for its partners."""
    stage_id = project.current_stage_id
    _add(Counter((enterprise_id, stage_id) for enterprise_id in _partner_ids(project)))


def partner_stage_counts_move(*, project: ResearchProject, from_stage_id: int) -> None:
    """Count the project at its current stage instead of ``from_stage_id``,
    after a decision moved it."""
    if from_stage_id == project.current_stage_id:
        return
    changes = Counter()
    for enterprise_id in _partner_ids(project):
        changes[(enterprise_id, from_stage_id)] -= 1
        changes[(enterprise_id, project.current_stage_id)] += 1
    _add(changes)


def partner_stage_counts_relink(
    *, project: ResearchProject, enterprise_ids_before: Iterable[int]
) -> None:
    """Count the project for its partners now instead of those it had
    (``enterprise_ids_before``), after its partners changed."""
    before, after = set(enterprise_ids_before), set(_partner_ids(project))
    changes = Counter()
    for enterprise_id in before - after:
        changes[(enterprise_id, project.current_stage_id)] -= 1
    for enterprise_id in after - before:
        changes[(enterprise_id, project.current_stage_id)] += 1
    _add(changes)


def _counts_from_projects():
    return (
        PartnerLinks.objects.order_by()
        .values_list("enterprise_id", "researchproject__current_stage_id")
        .annotate(project_count=Count("*"))
    )


@transaction.atomic
def rebuild_partner_stage_counts() -> int:
    """Count every partner's projects by stage again from the projects,
    after projects or partner links were written in bulk (which bypasses
    the services). Returns how many counts there are."""
    PartnerStageCount.objects.all().delete()
    # Django has no INSERT … SELECT: the compiled query of the counts is
    # inserted as it stands, so a million projects never pass through
    # Python.
    select_sql, params = _counts_from_projects().query.sql_with_params()
    table = connection.ops.quote_name(PartnerStageCount._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(column)
        for column in ("enterprise_id", "stage_id", "project_count")
    )
    with connection.cursor() as cursor:
        # The text is ours; values travel as parameters.
        cursor.execute(f"INSERT INTO {table} ({columns}) {select_sql}", params)
        return cursor.rowcount
