import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from accounts.selectors import colleagues_of, is_staff_side_user
from core.errors import DomainError
from core.ui.bulk import BulkAction, BulkActionView
from core.ui.exports import ExportColumn, choice_label
from core.ui.forms import Form
from core.ui.lists import COUNT_CAP, ListExport, Sorting, filtered_list
from partnerships.choices import CooperationMode
from projects import services
from projects.choices import ProjectStatus
from projects.filtersets import ResearchProjectFilterSet
from projects.models import ResearchProject
from projects.selectors import project_list_for, projects_visible_to

PROJECTS_PER_PAGE = 50
PROJECT_FILTERS_SHOWN = ("q", "sector", "status", "mode", "owner")


@login_required
def home(request):
    """Where a signed-in user starts."""
    return redirect("projects:list")


PROJECT_SORTING = Sorting(
    columns={
        "code": ["code"],
        "title": ["title"],
        "sector": ["current_stage__pipeline__sector__position"],
        # The sector's position, then the stage's, as one column an index
        # serves (``ResearchProject.stage_rank``).
        "stage": ["stage_rank"],
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


OWNER_MINE = "mine"
OWNER_NOBODY = "nobody"


class ProjectListFilterSet(ResearchProjectFilterSet):
    """The API's project filters, and whose projects: the user's own (those
    it owns) or those nobody owns yet."""

    owner = django_filters.ChoiceFilter(
        method="filter_owner",
        choices=[(OWNER_MINE, _("Mine")), (OWNER_NOBODY, _("Nobody's"))],
        label=pgettext_lazy("project", "Owner"),
        empty_label=_("All"),
    )

    class Meta(ResearchProjectFilterSet.Meta):
        fields = [*ResearchProjectFilterSet.Meta.fields, "owner"]

    def filter_owner(self, queryset, name, value):
        if value == OWNER_MINE:
            return queryset.filter(owner=self.request.user)
        if value == OWNER_NOBODY:
            return queryset.filter(owner__isnull=True)
        return queryset


# --- Bulk actions -------------------------------------------------------------


class HoldForm(Form):
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with the decision on each project."),
    )


class OwnerForm(Form):
    owner = forms.ModelChoiceField(
        label=pgettext_lazy("project", "Owner"),
        queryset=User.objects.none(),
        help_text=_("A staff member of each project's lead institution."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = colleagues_of(user)


def _milestones_from_schedule(project, by, inputs) -> None:
    if not services.milestones_create_from_schedule(project=project, by=by):
        raise DomainError(
            _("Every milestone of the agreement’s schedule exists already."), code="nothing_new"
        )


class ProjectBulkView(BulkActionView):
    """Put projects on hold, hand them to an owner, plan their milestones
    from their agreements' schedules, or export them. Each project is
    decided in a transaction of its own: the decisions are independent, and
    one project refused (already on hold, another institution's staff) is
    no reason to hold back the others."""

    list_url_name = "projects:list"
    bulk_url_name = "projects:bulk"
    filterset_class = ProjectListFilterSet
    sorting = PROJECT_SORTING
    export = PROJECT_EXPORT
    actions = (
        BulkAction(
            key="hold",
            label=_("Put on hold"),
            form_class=HoldForm,
            run=lambda project, by, inputs: services.project_hold(
                project=project, by=by, rationale=inputs["rationale"]
            ),
        ),
        BulkAction(
            key="assign_owner",
            label=_("Assign an owner"),
            form_class=OwnerForm,
            form_kwargs=lambda request: {"user": request.user},
            run=lambda project, by, inputs: services.project_owner_assign(
                project=project, owner=inputs["owner"], by=by
            ),
        ),
        BulkAction(
            key="milestones_from_schedule",
            label=_("Create milestones from the schedule"),
            run=_milestones_from_schedule,
        ),
    )

    @classmethod
    def may_use(cls, user) -> bool:
        return is_staff_side_user(user)

    def get_queryset(self):
        return projects_visible_to(self.request.user)


@login_required
def project_list(request):
    """The projects the user may see: filtered, sorted and paginated, or
    exported to CSV or Excel (``?format=csv|xlsx``) with the same filters."""
    listing = filtered_list(
        request,
        queryset=project_list_for(request.user),
        filterset_class=ProjectListFilterSet,
        sorting=PROJECT_SORTING,
        shown_filters=PROJECT_FILTERS_SHOWN,
        per_page=PROJECTS_PER_PAGE,
        count_cap=COUNT_CAP,
    )
    if listing.export_format:
        return PROJECT_EXPORT.response(listing)
    return render(
        request,
        "projects/list.html",
        {
            "listing": listing,
            "filterset": listing.filterset,
            "page": listing.page,
            "bulk": ProjectBulkView.bar_for(request, listing),
        },
    )
