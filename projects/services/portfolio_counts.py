"""The portfolio's counts (``PortfolioCount``): how many projects stand at
each stage with each status under the same links, which the dashboard's
funnel and conversion read (``projects.analytics.portfolio_counts``)
instead of grouping every project.

The counts are a function of the projects' stage, status and links. The
services that register a project, move it or change its status
(stage-gate decisions, an imported history) or change its links
(``project_update``, the admin) take the project's ``portfolio_key``
before the change and call ``portfolio_counts_move`` after it, in their
transaction: one count down, another up. Rows are changed in a fixed
order, so that two decisions moving projects in opposite directions at
once wait for each other instead of deadlocking. ``rebuild_portfolio_counts``
counts every project again, for rows written in bulk (the demo's
generator) and the migration that introduced them.
"""

from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Count, F

from projects.models import PortfolioCount, ResearchProject


class PortfolioKey(NamedTuple):
    """What a project is counted by: its stage and status, and the links
    that decide which staff see it."""

    stage_id: int
    status: str
    lead_institution_id: int
    joint_centre_id: int | None
    partnership_id: int | None


def portfolio_key(project: ResearchProject) -> PortfolioKey:
    """The row of the counts that ``project`` is counted in, as it is now."""
    return PortfolioKey(
        stage_id=project.current_stage_id,
        status=project.status,
        lead_institution_id=project.lead_institution_id,
        joint_centre_id=project.joint_centre_id,
        partnership_id=project.partnership_id,
    )


def _order(change: tuple[PortfolioKey, int]) -> tuple:
    key = change[0]
    return tuple(-1 if value is None else value for value in key)


def _projects_at(key: PortfolioKey):
    return ResearchProject.objects.filter(
        current_stage_id=key.stage_id,
        status=key.status,
        lead_institution_id=key.lead_institution_id,
        joint_centre_id=key.joint_centre_id,
        partnership_id=key.partnership_id,
    )


def _create_or_update(rows, key: PortfolioKey, *, create_with: int, update_with) -> None:
    try:
        # A savepoint: the insert may find that another transaction added
        # the row meanwhile (the unique index made this one wait for it).
        with transaction.atomic():
            PortfolioCount.objects.create(**key._asdict(), projects=create_with)
    except IntegrityError:
        if not rows.update(projects=update_with):
            raise


def _add(key: PortfolioKey, delta: int) -> None:
    rows = PortfolioCount.objects.filter(**key._asdict())
    if delta > 0:
        if not rows.update(projects=F("projects") + delta):
            _create_or_update(rows, key, create_with=delta, update_with=F("projects") + delta)
        return
    if rows.filter(projects__gte=-delta).update(projects=F("projects") + delta):
        return
    # Nothing to take the project from: the counts were out of step with
    # the projects (a project changed past the services). The row is
    # counted again from the projects, which the caller has saved already.
    count = _projects_at(key).count()
    if not rows.update(projects=count):
        _create_or_update(rows, key, create_with=count, update_with=count)


def portfolio_counts_move(*, before: PortfolioKey | None, project: ResearchProject | None) -> None:
    """Count ``project`` where it stands now instead of at ``before`` (its
    ``portfolio_key`` before the change; None for a new project). Called by
    the services that register, move or re-link a project, in their
    transaction, after they saved it."""
    after = portfolio_key(project) if project is not None else None
    if before == after:
        return
    changes = [(key, delta) for key, delta in ((before, -1), (after, 1)) if key is not None]
    for key, delta in sorted(changes, key=_order):
        _add(key, delta)


@transaction.atomic
def rebuild_portfolio_counts() -> int:
    """Count every project again, after projects were written in bulk
    (which bypasses the services). Returns how many rows the counts hold."""
    PortfolioCount.objects.all().delete()
    groups = (
        ResearchProject.objects.order_by()
        .values(
            "current_stage_id",
            "status",
            "lead_institution_id",
            "joint_centre_id",
            "partnership_id",
        )
        .annotate(projects=Count("*"))
    )
    rows = [
        PortfolioCount(
            stage_id=group["current_stage_id"],
            status=group["status"],
            lead_institution_id=group["lead_institution_id"],
            joint_centre_id=group["joint_centre_id"],
            partnership_id=group["partnership_id"],
            projects=group["projects"],
        )
        for group in groups
    ]
    PortfolioCount.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
