"""Editing a project's particulars. Its stage and status move only through
stage-gate decisions, never here."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import BUSINESS, dates_check
from core.errors import DomainError
from core.i18n import Message, field_names
from core.writable import WritableFields
from projects.activity import activity_record
from projects.models import ResearchProject
from projects.selectors import staff_work_on_project

from .open_money import keeps_open_money, project_of
from .partner_counts import partner_stage_counts_relink
from .portfolio_counts import portfolio_counts_move, portfolio_key
from .registration import refuse_foreign_lead, refuse_out_of_reach, refuse_untied_partners
from .stays import SCOPE_LINKS, stage_stays_refresh

# A project's code is chosen once; its stage moves only by gate decisions.
PROJECT_FIELDS = WritableFields(
    fields=(
        "code",
        "title",
        "title_zh",
        "current_stage",
        "lead_institution",
        "principal_investigator",
        "partner_enterprises",
        "joint_centre",
        "partnership",
        "agreement",
        "therapeutic_area",
        "trl",
        "budget",
        "currency",
        "start_date",
        "next_gate_review_on",
        "description",
    ),
    fixed=("code", "current_stage"),
    relations=("partner_enterprises",),
)


# The fields that decide which enterprises may partner the project.
LINKS = {"agreement", "partnership", "joint_centre"}


class ProjectEditError(DomainError):
    code = "invalid_project_edit"


@transaction.atomic
@keeps_open_money(project_of)
def project_update(*, project: ResearchProject, by, partner_enterprises=None, **changes):
    """Change a project's particulars and record what changed."""
    unknown = set(changes) - PROJECT_FIELDS.columns
    if unknown:
        raise ProjectEditError(
            _("These fields change through stage-gate decisions or not at all: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    project = ResearchProject.objects.select_for_update().get(pk=project.pk)
    if not staff_work_on_project(by, project):
        raise ProjectEditError(
            _("Only the project's research staff edit it."), code="permission_denied"
        )
    before = {field: getattr(project, field) for field in changes}
    counted_at = portfolio_key(project)
    for field, value in changes.items():
        setattr(project, field, value)
    project.full_clean()
    # Only a date written now: a project kept from before the bounds can
    # still be edited.
    dates_check(
        {field: getattr(project, field) for field in changes},
        {"start_date": BUSINESS, "next_gate_review_on": BUSINESS},
    )
    project.save()
    refuse_out_of_reach(by, project)
    if "lead_institution" in changes and before["lead_institution"] != project.lead_institution:
        refuse_foreign_lead(by, project)
    if partner_enterprises is not None:
        partner_enterprises = list(partner_enterprises)
    if partner_enterprises is not None or changes.keys() & LINKS:
        refuse_untied_partners(
            project,
            project.partner_enterprises.all()
            if partner_enterprises is None
            else partner_enterprises,
        )
    changed = {
        field: [before[field], value] for field, value in changes.items() if before[field] != value
    }
    if changed.keys() & SCOPE_LINKS:
        # The stays and the portfolio's counts carry the links that scope
        # them.
        stage_stays_refresh(project=project)
        portfolio_counts_move(before=counted_at, project=project)
    if partner_enterprises is not None:
        old = set(project.partner_enterprises.values_list("id", flat=True))
        new = {enterprise.pk for enterprise in partner_enterprises}
        if old != new:
            project.partner_enterprises.set(partner_enterprises)
            partner_stage_counts_relink(project=project, enterprise_ids_before=old)
            changed["partner_enterprises"] = [sorted(old), sorted(new)]
    if changed:
        activity_record(
            actor=by,
            verb="project.updated",
            target=project,
            project=project,
            agreement=project.agreement,
            summary=Message(
                gettext_lazy("Project details changed: %(fields)s."),
                fields=field_names(ResearchProject, changed),
            ),
            changes=changed,
        )
    return project
