"""Who looks after a project: its owner, one of the lead institution's
staff."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import is_centre_staff_user
from core.errors import ALLOWED, DomainError, Guard, denied
from core.i18n import Message
from projects.activity import activity_record
from projects.models import ResearchProject
from projects.selectors import staff_work_on_project


class OwnerError(DomainError):
    code = "owner_refused"


def project_owner_assign_guard(project: ResearchProject, user, owner) -> Guard:
    """Whether ``user`` may make ``owner`` (a user, or None for nobody) the
    project's owner."""
    if not staff_work_on_project(user, project):
        return denied(
            _("Only research-centre staff of this project assign its owner."), "not_staff"
        )
    if owner is not None and not (
        is_centre_staff_user(owner)
        and owner.institutions.filter(pk=project.lead_institution_id).exists()
    ):
        return denied(
            _("%(name)s is not on the staff of the lead institution, %(institution)s.")
            % {"name": _name(owner), "institution": project.lead_institution},
            "not_lead_staff",
        )
    if owner is not None and project.owner_id == owner.pk:
        return denied(
            _("%(name)s already owns this project.") % {"name": _name(owner)}, "unchanged"
        )
    if owner is None and project.owner_id is None:
        return denied(_("The project has no owner."), "unchanged")
    return ALLOWED


def _name(user) -> str:
    return user.get_full_name() or user.email


@transaction.atomic
def project_owner_assign(*, project: ResearchProject, owner, by) -> ResearchProject:
    """Make ``owner`` the project's owner (None: nobody), and say so on the
    project's timeline."""
    locked = (
        ResearchProject.objects.select_for_update(of=("self",))
        .select_related("lead_institution", "owner")
        .get(pk=project.pk)
    )
    project_owner_assign_guard(locked, by, owner).raise_if_denied(OwnerError)
    previous = locked.owner
    locked.owner = owner
    locked.save(update_fields=["owner", "updated_at"])
    if owner is None:
        summary = Message(gettext_lazy("The project no longer has an owner."))
    else:
        summary = Message(gettext_lazy("%(name)s now owns the project."), name=_name(owner))
    activity_record(
        actor=by,
        verb="project.owner_assigned",
        target=locked,
        project=locked,
        summary=summary,
        changes={
            "owner": [previous.pk if previous else None, owner.pk if owner else None],
        },
    )
    return locked
