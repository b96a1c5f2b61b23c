"""The partner's projects: a list to search and filter, and a page for each
with its road to market, milestones, documents and activity."""

import django_filters
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.templatetags.biobridge import localized
from core.ui.exports import ExportColumn, choice_label
from core.ui.lists import COUNT_CAP, ListExport, Sorting, filtered_list
from partnerships.selectors import agreements_visible_to
from pipelines.selectors import stages_visible_to
from portal.access import partner_view
from projects.choices import ProjectStatus
from projects.filtersets import ResearchProjectFilterSet
from projects.selectors import (
    documents_visible_to,
    project_detail_for,
    project_list_for,
    project_milestones_for,
    project_pipeline_ids,
    project_terms_for,
    project_timeline,
)

PROJECTS_PER_PAGE = 25
ACTIVITY_PER_PAGE = 15

PROJECT_SORTING = Sorting(
    columns={
        "code": ["code"],
        "title": ["title"],
        "stage": ["stage_rank"],
        "status": ["status"],
        "start_date": ["start_date"],
    },
    default="code",
)


# What a partner may take away: the project's own particulars, not the
# staff list's budget, partnership or fellow partner enterprises (a project
# may be shared with another enterprise under its own agreement).
PORTAL_PROJECT_EXPORT = ListExport(
    filename="projects",
    fields=(
        "code",
        "title",
        "title_zh",
        "current_stage__pipeline__sector__name",
        "current_stage__name",
        "status",
        "trl",
        "lead_institution__name",
        "start_date",
    ),
    columns=(
        ExportColumn(_("Code"), "code"),
        ExportColumn(_("Title"), "title", width=40),
        ExportColumn(_("Title in Chinese"), "title_zh", width=30),
        ExportColumn(_("Sector"), "current_stage__pipeline__sector__name", width=20),
        ExportColumn(_("Stage"), "current_stage__name", width=24),
        ExportColumn(_("Status"), "status", choice_label(ProjectStatus.choices)),
        ExportColumn(_("TRL"), "trl", width=6),
        ExportColumn(_("Lead institution"), "lead_institution__name", width=30),
        ExportColumn(_("Start date"), "start_date", width=12),
    ),
)


class PortalProjectFilterSet(ResearchProjectFilterSet):
    """The staff list's filters, with the stage chosen by name among the
    stages of the partner's own pipelines (see ``_offer_stages``)."""

    stage = django_filters.ChoiceFilter(
        field_name="current_stage", choices=(), label=_("Stage"), empty_label=_("All")
    )
    # The agreement page's "all projects" link.
    agreement = django_filters.CharFilter(method="filter_agreement", label=_("Agreement"))

    def filter_agreement(self, queryset, name, value):
        # Among the partner's own agreements only: the filter must not tell
        # which other enterprise's agreement a shared project runs under.
        own = agreements_visible_to(self.request.user).filter(reference=value)
        return queryset.filter(agreement__in=own.values("id"))


def _stage_choices(user):
    stages = (
        stages_visible_to(user)
        .filter(pipeline__in=project_pipeline_ids(user))
        .order_by("pipeline__sector__position", "pipeline__code", "position")
    )
    return [
        (str(stage.pk), f"{localized(stage.pipeline.sector)} · {localized(stage)}")
        for stage in stages
    ]


@require_GET
@partner_view
def project_list(request):
    listing = filtered_list(
        request,
        queryset=project_list_for(request.user),
        filterset_class=PortalProjectFilterSet,
        sorting=PROJECT_SORTING,
        shown_filters=("q", "stage", "status"),
        per_page=PROJECTS_PER_PAGE,
        configure_form=lambda form: setattr(
            form.fields["stage"], "choices", _stage_choices(request.user)
        ),
        count_cap=COUNT_CAP,
    )
    if listing.export_format:
        return PORTAL_PROJECT_EXPORT.response(listing)
    return render(
        request,
        "portal/project_list.html",
        {"listing": listing, "filterset": listing.filterset, "page": listing.page},
    )


def _road(project):
    """The stages of the project's pipeline, each with the day the project
    last entered it, and the gate decisions newest first."""
    stages = list(project.pipeline.stages.order_by("position"))
    transitions = sorted(
        project.transitions.all(), key=lambda t: (t.decided_at, t.pk), reverse=True
    )
    for stage in stages:
        stage.entered_at = next(
            (t.decided_at for t in transitions if t.to_stage_id == stage.pk), None
        )
    return stages, transitions


@partner_view
def project_detail(request, code):
    user = request.user
    evidence = Prefetch(
        "transitions__evidence",
        queryset=documents_visible_to(user).order_by("original_name"),
    )
    project = get_object_or_404(project_detail_for(user).prefetch_related(evidence), code=code)
    # Looked up before the method is checked: another enterprise's project
    # answers 404 to any request, exactly like a missing one.
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    today = timezone.localdate()
    stages, transitions = _road(project)
    # On a project shared with another enterprise, the agreement and the
    # partnership it runs under may be the other enterprise's.
    agreement, partnership = project_terms_for(user, project)
    milestones = list(project_milestones_for(user, project))
    for milestone in milestones:
        milestone.overdue = milestone.is_overdue(today)
    documents = (
        documents_visible_to(user)
        .filter(project=project)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")
    )
    activity = Paginator(project_timeline(user, project), ACTIVITY_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/project_detail.html",
        {
            "project": project,
            "agreement": agreement,
            "partnership": partnership,
            "stages": stages,
            "transitions": transitions,
            "milestones": milestones,
            "documents": documents,
            "activity_page": activity,
        },
    )
