from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from core.ui.exports import ExportColumn, choice_label
from core.ui.lists import ListExport, Sorting, filtered_list
from partnerships.choices import CooperationMode
from projects.choices import ProjectStatus
from projects.filtersets import ResearchProjectFilterSet
from projects.models import ResearchProject
from projects.selectors import project_list_for

PROJECTS_PER_PAGE = 50


@login_required
def home(request):
    """Where a signed-in user starts."""
    return redirect("projects:list")


PROJECT_SORTING = Sorting(
    columns={
        "code": ["code"],
        "title": ["title"],
        "sector": ["current_stage__pipeline__sector__position"],
        "stage": ["current_stage__pipeline__sector__position", "current_stage__position"],
        "status": ["status"],
        "lead": ["lead_institution__name"],
        "start_date": ["start_date"],
    },
    default="code",
)


def _project_partners(rows: list[dict]) -> None:
    """The partner enterprises of a chunk of exported projects, in one
    query."""
    names: dict[int, list[str]] = {}
    links = (
        ResearchProject.partner_enterprises.through.objects.filter(
            researchproject_id__in=[row["id"] for row in rows]
        )
        .order_by("enterprise__name", "enterprise_id")
        .values_list("researchproject_id", "enterprise__name")
    )
    for project_id, name in links:
        names.setdefault(project_id, []).append(name)
    for row in rows:
        row["partners"] = ", ".join(names.get(row["id"], ()))


PROJECT_EXPORT = ListExport(
    filename="projects",
    fields=(
        "id",
        "code",
        "title",
        "title_zh",
        "current_stage__pipeline__sector__name",
        "current_stage__name",
        "status",
        "trl",
        "lead_institution__name",
        "joint_centre__name",
        "partnership__code",
        "partnership__mode",
        "agreement__reference",
        "start_date",
        "budget",
        "currency",
    ),
    enrich=_project_partners,
    columns=(
        ExportColumn(_("Code"), "code"),
        ExportColumn(_("Title"), "title", width=40),
        ExportColumn(_("Title in Chinese"), "title_zh", width=30),
        ExportColumn(_("Sector"), "current_stage__pipeline__sector__name", width=20),
        ExportColumn(_("Stage"), "current_stage__name", width=24),
        ExportColumn(_("Status"), "status", choice_label(ProjectStatus.choices)),
        ExportColumn(_("TRL"), "trl", width=6),
        ExportColumn(_("Lead institution"), "lead_institution__name", width=30),
        ExportColumn(_("Partner enterprises"), "partners", width=40),
        ExportColumn(_("Joint centre"), "joint_centre__name", width=30),
        ExportColumn(_("Partnership"), "partnership__code"),
        ExportColumn(
            _("Cooperation mode"), "partnership__mode", choice_label(CooperationMode.choices)
        ),
        ExportColumn(_("Agreement"), "agreement__reference"),
        ExportColumn(_("Start date"), "start_date", width=12),
        ExportColumn(_("Budget"), "budget"),
        ExportColumn(_("Currency"), "currency", width=8),
    ),
)


@login_required
def project_list(request):
    """The projects the user may see: filtered, sorted and paginated, or
    exported to CSV or Excel (``?format=csv|xlsx``) with the same filters."""
    listing = filtered_list(
        request,
        queryset=project_list_for(request.user),
        filterset_class=ResearchProjectFilterSet,
        sorting=PROJECT_SORTING,
        shown_filters=("q", "sector", "status", "mode"),
        per_page=PROJECTS_PER_PAGE,
    )
    if listing.export_format:
        return PROJECT_EXPORT.response(listing)
    return render(
        request,
        "projects/list.html",
        {"listing": listing, "filterset": listing.filterset, "page": listing.page},
    )
