"""Registering a new project."""

from collections.abc import Iterable
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.selectors import has_full_access, staff_institution_ids
from core.dates import BUSINESS, PAST, date_check, dates_check
from core.errors import DomainError
from core.i18n import Localized, Message
from partnerships.models import Enterprise, Institution, JointCentreParty
from projects.activity import activity_record
from projects.choices import TransitionKind
from projects.models import ResearchProject, StageTransition
from projects.selectors import staff_work_on_project

from .partner_counts import partner_stage_counts_add
from .portfolio_counts import portfolio_counts_move
from .stage_ranks import project_stage_rank_set


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


class ProjectLinkError(DomainError):
    """A project's parties do not fit together."""

    code = "inconsistent_links"


def lead_institutions_of(user) -> set[int]:
    """The institutions a staff member may register projects for: those it
    works for, and the hosts of the joint centres it works for directly."""
    return set(
        Institution.objects.filter(
            Q(pk__in=staff_institution_ids(user)) | Q(centre_memberships__centre__staff_users=user)
        ).values_list("pk", flat=True)
    )


def refuse_foreign_lead(user, project: ResearchProject) -> None:
    """Staff lead projects only for an institution they work for: a project
    led by another institution would be that institution's to register."""
    if user is None or has_full_access(user):
        return
    if project.lead_institution_id not in lead_institutions_of(user):
        raise ProjectLinkError(
            _("Staff register projects only for an institution they work for."),
            code="foreign_lead_institution",
            field="lead_institution",
        )


def _centre_of(project: ResearchProject):
    if project.joint_centre_id:
        return project.joint_centre_id
    partnership = project.agreement.partnership if project.agreement_id else project.partnership
    return partnership.joint_centre_id if partnership else None


def refuse_untied_partners(project: ResearchProject, partner_enterprises) -> None:
    """A partner enterprise is the enterprise of the project's agreement (or,
    without one, of its partnership), or, on a joint centre's project, one
    of the centre's lead enterprises, which share its projects. Any other
    enterprise would see a project run under someone else's contract. (An
    agreement of another partnership is refused by the project's
    ``clean``.)"""
    partnership = project.agreement.partnership if project.agreement_id else project.partnership
    allowed = {partnership.enterprise_id} if partnership else set()
    centre = _centre_of(project)
    if centre is not None:
        allowed |= set(
            JointCentreParty.objects.filter(
                centre_id=centre, enterprise__isnull=False
            ).values_list("enterprise_id", flat=True)
        )
    untied = sorted(
        (enterprise for enterprise in partner_enterprises if enterprise.pk not in allowed),
        key=lambda enterprise: enterprise.name,
    )
    if untied:
        raise ProjectLinkError(
            _(
                "%(enterprises)s is not a party to the project's agreement or partnership: "
                "partner enterprises are the agreement's enterprise (or the lead enterprises "
                "of its joint centre)."
            )
            % {"enterprises": ", ".join(enterprise.name for enterprise in untied)},
            code="untied_partner",
            field="partner_enterprises",
        )


def started_at(day: date) -> datetime:
    """A past day as the moment a decision is dated: its noon, in the
    site's time zone."""
    return timezone.make_aware(datetime.combine(day, time(12)))


@transaction.atomic
def project_register(
    *,
    project: ResearchProject,
    by: User | None,
    partner_enterprises: Iterable[Enterprise] = (),
    rationale: str = "Project registered.",
    started_on: date | None = None,
) -> ResearchProject:
    """Save a new project and open its gate history with the stage it starts
    at, so that every project's stage is explained by a recorded decision.
    Staff register projects only where they work: under their institutions,
    joint centres or partnerships, led by an institution they work for. Its
    partner enterprises are parties to its agreement or partnership.
    ``started_on`` dates the start of a project registered now that entered
    its stage in the past (an import of older records); it is a past day,
    on or after the project's start date."""
    project.full_clean()
    dates_check(
        {"start_date": project.start_date, "next_gate_review_on": project.next_gate_review_on},
        {"start_date": BUSINESS, "next_gate_review_on": BUSINESS},
    )
    if started_on is not None:
        date_check(started_on, field="started_on", bounds=PAST)
        if started_on < project.start_date:
            raise ProjectLinkError(
                _("A project enters its first stage on or after its start date."),
                code="invalid_history",
                field="started_on",
            )
    project_stage_rank_set(project=project)
    project.save()
    portfolio_counts_move(before=None, project=project)
    if by is not None:
        # Out of sight first: a project the user would not even see is
        # refused as such, not for its details.
        refuse_out_of_reach(by, project)
    refuse_foreign_lead(by, project)
    partner_enterprises = list(partner_enterprises)
    refuse_untied_partners(project, partner_enterprises)
    if partner_enterprises:
        project.partner_enterprises.set(partner_enterprises)
        partner_stage_counts_add(project=project)
    start = StageTransition.objects.create(
        project=project,
        kind=TransitionKind.START,
        to_stage=project.current_stage,
        to_status=project.status,
        decided_by=by,
        rationale=rationale,
        **({"decided_at": started_at(started_on)} if started_on else {}),
    )
    # The timeline of a project starts with its registration.
    activity_record(
        actor=by,
        verb="project.registered",
        target=start,
        project=project,
        agreement=project.agreement,
        summary=Message(
            gettext_lazy("%(code)s registered at %(stage)s."),
            code=project.code,
            stage=Localized(project.current_stage),
        ),
        changes={"stage": project.current_stage.name, "status": project.status},
    )
    return project
