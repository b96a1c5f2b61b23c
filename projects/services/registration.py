"""Registering a new project."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.dates import BUSINESS, date_check
from core.errors import DomainError
from partnerships.models import Enterprise
from projects.activity import activity_record
from projects.choices import TransitionKind
from projects.models import ResearchProject, StageTransition
from projects.selectors import staff_work_on_project


class ProjectOutOfReach(DomainError):
    code = "permission_denied"


def refuse_out_of_reach(user, project: ResearchProject) -> None:
    """Refuse to register or keep a project the user would not work on; the
    caller's transaction then rolls the change back."""
    if not staff_work_on_project(user, project):
        raise ProjectOutOfReach(
            _(
                "Staff register and keep projects only under their own institutions, "
                "joint centres or partnerships."
            ),
            field="lead_institution",
        )


@transaction.atomic
def project_register(
    *,
    project: ResearchProject,
    by: User | None,
    partner_enterprises: Iterable[Enterprise] = (),
    rationale: str = "Project registered.",
) -> ResearchProject:
    """Save a new project and open its gate history with the stage it starts
    at, so that every project's stage is explained by a recorded decision.
    Staff register projects only where they work: under their institutions,
    joint centres or partnerships."""
    project.full_clean()
    date_check(project.start_date, field="start_date", bounds=BUSINESS)
    project.save()
    if by is not None:
        refuse_out_of_reach(by, project)
    if partner_enterprises:
        project.partner_enterprises.set(partner_enterprises)
    start = StageTransition.objects.create(
        project=project,
        kind=TransitionKind.START,
        to_stage=project.current_stage,
        to_status=project.status,
        decided_by=by,
        rationale=rationale,
    )
    # The timeline of a project starts with its registration.
    activity_record(
        actor=by,
        verb="project.registered",
        target=start,
        project=project,
        agreement=project.agreement,
        summary=_("%(code)s registered at %(stage)s.")
        % {"code": project.code, "stage": project.current_stage.name},
        changes={"stage": project.current_stage.name, "status": project.status},
    )
    return project
