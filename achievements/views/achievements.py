"""The achievements list, an achievement's page and the actions on it, and
the pages that create and edit one with its owners and inventors.

A service's refusal comes back onto the form, next to the field (or the
row) it names, with everything typed kept: inventors' contributions that do
not add up to 100 % are a form error, never a server error.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError, Guard
from core.money import format_money
from core.ui.bulk import BulkActionView
from core.ui.exports import ExportColumn, choice_label
from core.ui.forms import add_service_error
from core.ui.lists import ListExport, Sorting, filtered_list
from partnerships.selectors import (
    enterprises_visible_to,
    institutions_visible_to,
    people_visible_to,
)

from .. import services
from ..choices import (
    AchievementKind,
    AchievementStatus,
    DeadlineState,
    FundingSource,
)
from ..forms import (
    AchievementForm,
    AgreementLinkForm,
    AssessForm,
    DecideForm,
    FamilyForm,
    InventorFormSet,
    IpCostForm,
    OwnerFormSet,
)
from ..selectors import (
    achievement_detail_for,
    achievement_list_for,
    achievement_timeline,
    achievements_visible_to,
    agreement_links_visible_to,
    deadlines_visible_to,
    ip_costs_visible_to,
    may_manage_achievement,
    patent_applications_visible_to,
    patent_families_visible_to,
)
from .common import call_service, form_page, is_office_staff, next_url, staff_view
from .filters import AchievementFilterSet, choose_institution

ACHIEVEMENTS_PER_PAGE = 50
ACTIVITY_SHOWN = 30

ACHIEVEMENT_SORTING = Sorting(
    columns={
        "reference": ["reference"],
        "title": ["title"],
        "kind": ["kind"],
        "status": ["status"],
        "disclosed_on": ["disclosed_on"],
        "trl": ["trl"],
    },
    default="-disclosed_on",
)

ACHIEVEMENT_EXPORT = ListExport(
    filename="achievements",
    fields=(
        "reference",
        "title",
        "title_zh",
        "kind",
        "status",
        "funding_source",
        "funding_reference",
        "disclosed_on",
        "trl",
    ),
    columns=(
        ExportColumn(gettext_lazy("Reference"), "reference", width=16),
        ExportColumn(gettext_lazy("Title"), "title", width=40),
        ExportColumn(gettext_lazy("Title in Chinese"), "title_zh", width=30),
        ExportColumn(gettext_lazy("Kind"), "kind", choice_label(AchievementKind.choices)),
        ExportColumn(gettext_lazy("Status"), "status", choice_label(AchievementStatus.choices)),
        ExportColumn(
            gettext_lazy("Funding source"),
            "funding_source",
            choice_label(FundingSource.choices),
        ),
        ExportColumn(gettext_lazy("Funding project reference"), "funding_reference", width=20),
        ExportColumn(gettext_lazy("Disclosed on"), "disclosed_on", width=12),
        ExportColumn(gettext_lazy("TRL"), "trl", width=6),
    ),
)


@staff_view
@require_GET
def achievement_list(request):
    """The achievements the user sees: filtered, sorted and paginated, or
    exported with the same filters."""
    listing = filtered_list(
        request,
        queryset=achievement_list_for(request.user),
        filterset_class=AchievementFilterSet,
        sorting=ACHIEVEMENT_SORTING,
        shown_filters=("q", "kind", "status", "funding_source", "institution"),
        per_page=ACHIEVEMENTS_PER_PAGE,
        configure_form=choose_institution(request),
    )
    if listing.export_format:
        return ACHIEVEMENT_EXPORT.response(listing)
    return render(
        request,
        "achievements/list.html",
        {
            "listing": listing,
            "filterset": listing.filterset,
            "page": listing.page,
            "bulk": AchievementBulkView.bar_for(request, listing),
        },
    )


class AchievementBulkView(BulkActionView):
    """Export the achievements ticked on the list, or every one matching
    its filter."""

    list_url_name = "achievements:list"
    bulk_url_name = "achievements:bulk"
    filterset_class = AchievementFilterSet
    sorting = ACHIEVEMENT_SORTING
    export = ACHIEVEMENT_EXPORT

    @classmethod
    def may_use(cls, user) -> bool:
        return is_office_staff(user)

    def get_queryset(self):
        return achievements_visible_to(self.request.user)

    def configure_form(self, form) -> None:
        choose_institution(self.request)(form)


# --- An achievement's page -----------------------------------------------------------


def _achievement(request, pk):
    """The achievement, if the user sees it; 404 otherwise, whoever's it is."""
    return get_object_or_404(
        achievement_detail_for(request.user).select_related("decided_by"), pk=pk
    )


def _assess_guard(achievement, may_manage) -> Guard:
    if not may_manage:
        return Guard(False, _("Only the staff of an institution that owns it assess it."))
    if achievement.status not in {
        AchievementStatus.DISCLOSED,
        AchievementStatus.UNDER_ASSESSMENT,
    }:
        return Guard(False, _("The office has decided on this achievement already."))
    return Guard(True)


def _costs_by_currency(costs) -> list[str]:
    totals = defaultdict(int)
    for cost in costs:
        totals[cost.currency] += cost.amount
    return [format_money(amount, currency) for currency, amount in sorted(totals.items())]


def achievement_context(request, achievement) -> dict:
    user = request.user
    may_manage = may_manage_achievement(user, achievement)
    families = list(
        patent_families_visible_to(user)
        .filter(achievement=achievement)
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=patent_applications_visible_to(user)
                .select_related("counsel", "parent")
                .order_by("filed_on", "id"),
            )
        )
        .order_by("priority_date", "id")
    )
    deadlines = list(
        deadlines_visible_to(user)
        .filter(achievement=achievement, state=DeadlineState.OPEN)
        .select_related("application", "family")
        .order_by("due_on", "id")
    )
    costs = list(
        ip_costs_visible_to(user)
        .filter(achievement=achievement)
        .select_related("application", "counsel")
        .order_by("-incurred_on", "-id")
    )
    links = list(
        agreement_links_visible_to(user)
        .filter(achievement=achievement)
        .select_related("agreement__partnership__enterprise")
        .order_by("agreement__reference")
    )
    return {
        "achievement": achievement,
        "may_manage": may_manage,
        "owners": list(achievement.owners.all()),
        "inventors": list(achievement.inventors.all()),
        "projects": list(achievement.projects.all()),
        "links": links,
        "families": families,
        "deadlines": deadlines,
        "costs": costs,
        "cost_totals": _costs_by_currency(costs),
        "activity": list(achievement_timeline(user, achievement)[:ACTIVITY_SHOWN]),
        "assess_guard": _assess_guard(achievement, may_manage),
        "assess_form": AssessForm(initial={"notes": achievement.assessment_notes}),
        "decide_form": DecideForm(),
        "link_form": AgreementLinkForm(user=user) if may_manage else None,
    }


@staff_view
@require_GET
def achievement_detail(request, pk):
    """An achievement's page: who made and owns it, the office's assessment
    and decision, its patents, deadlines, costs, agreements and history."""
    achievement = _achievement(request, pk)
    return render(request, "achievements/detail.html", achievement_context(request, achievement))


def _action_page(request, achievement, form, *, title, submit):
    return form_page(
        request,
        form,
        title=title,
        crumbs=_crumbs(achievement),
        submit=submit,
        cancel_url=achievement.get_absolute_url(),
    )


def _crumbs(achievement=None):
    crumbs = [(reverse("achievements:list"), _("Achievements"))]
    if achievement is not None:
        crumbs.append((achievement.get_absolute_url(), achievement.reference))
    return crumbs


@staff_view
@require_http_methods(["GET", "POST"])
def achievement_assess(request, pk):
    """Begin the assessment of a disclosed achievement, or add to its notes."""
    achievement = _achievement(request, pk)
    form = AssessForm(request.POST or None, initial={"notes": achievement.assessment_notes})
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.achievement_assess,
            achievement=achievement,
            by=request.user,
            notes=form.cleaned_data["notes"],
        )
        if saved is not None:
            messages.success(request, _("The assessment is under way."))
            return redirect(achievement)
    under_way = achievement.status == AchievementStatus.UNDER_ASSESSMENT
    return _action_page(
        request,
        achievement,
        form,
        title=_("Assess %(reference)s") % {"reference": achievement.reference},
        submit=_("Save the notes") if under_way else _("Begin assessment"),
    )


@staff_view
@require_http_methods(["GET", "POST"])
def achievement_decide(request, pk):
    """The office's decision: protect, publish, release or abandon, with its
    rationale."""
    achievement = _achievement(request, pk)
    form = DecideForm(request.POST or None, initial={"decision": request.GET.get("decision")})
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.achievement_decide,
            achievement=achievement,
            by=request.user,
            decision=form.cleaned_data["decision"],
            rationale=form.cleaned_data["rationale"],
            decided_on=form.cleaned_data["decided_on"],
        )
        if saved is not None:
            messages.success(
                request,
                _("Decision recorded: %(decision)s.") % {"decision": saved.get_status_display()},
            )
            return redirect(achievement)
    return _action_page(
        request,
        achievement,
        form,
        title=_("Decide on %(reference)s") % {"reference": achievement.reference},
        submit=_("Record the decision"),
    )


@staff_view
@require_http_methods(["GET", "POST"])
def agreement_link(request, pk):
    """Name an agreement that licenses, assigns or contributes the
    achievement (作价投资)."""
    achievement = _achievement(request, pk)
    form = AgreementLinkForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.achievement_agreement_link,
            achievement=achievement,
            by=request.user,
            **form.cleaned_data,
        )
        if saved is not None:
            messages.success(
                request,
                _("Linked to agreement %(reference)s.") % {"reference": saved.agreement.reference},
            )
            return redirect(achievement)
    return _action_page(
        request,
        achievement,
        form,
        title=_("Link an agreement to %(reference)s") % {"reference": achievement.reference},
        submit=_("Link the agreement"),
    )


@staff_view
@require_POST
def agreement_unlink(request, pk, link_pk):
    achievement = _achievement(request, pk)
    link = get_object_or_404(
        agreement_links_visible_to(request.user).select_related("agreement", "achievement"),
        pk=link_pk,
        achievement=achievement,
    )
    try:
        services.achievement_agreement_unlink(link=link, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("No longer linked to agreement %(reference)s.")
            % {"reference": link.agreement.reference},
        )
    return redirect(achievement)


@staff_view
@require_http_methods(["GET", "POST"])
def ip_cost_create(request, pk):
    """Record money spent on the achievement: a fee, counsel's invoice…"""
    achievement = _achievement(request, pk)
    form = IpCostForm(request.POST or None, user=request.user, achievement=achievement)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            services.ip_cost_record,
            achievement=achievement,
            by=request.user,
            **form.cleaned_data,
        )
        if saved is not None:
            messages.success(request, _("Cost recorded."))
            return redirect(next_url(request, achievement.get_absolute_url()))
    return _action_page(
        request,
        achievement,
        form,
        title=_("Record a cost of %(reference)s") % {"reference": achievement.reference},
        submit=_("Record the cost"),
    )


@staff_view
@require_http_methods(["GET", "POST"])
def family_create(request, pk):
    """Open a patent family for the achievement."""
    achievement = _achievement(request, pk)
    form = FamilyForm(request.POST or None, initial={"title": achievement.title})
    if request.method == "POST" and form.is_valid():
        family = call_service(
            form,
            services.family_create,
            achievement=achievement,
            by=request.user,
            **form.cleaned_data,
        )
        if family is not None:
            messages.success(request, _("Patent family opened."))
            return redirect(family)
    return _action_page(
        request,
        achievement,
        form,
        title=_("New patent family of %(reference)s") % {"reference": achievement.reference},
        submit=_("Open the family"),
    )


# --- Creating and editing ----------------------------------------------------------------


def _share_formsets(request, achievement=None):
    """The owners and the inventors, each a list of rows."""
    user = request.user
    if achievement is not None:
        owners = [
            {
                "institution": owner.institution,
                "enterprise": owner.enterprise,
                "share_percent": owner.share_percent,
            }
            for owner in achievement.owners.all()
        ]
        inventors = [
            {
                "person": inventor.person,
                "contribution_percent": inventor.contribution_percent,
                "department": inventor.department,
            }
            for inventor in achievement.inventors.all()
        ]
    else:
        own = list(user.institutions.all()[:2]) if not user.is_superuser else []
        # One institution of one's own is the usual sole owner.
        owners = [{"institution": own[0], "share_percent": 100}] if len(own) == 1 else []
        inventors = []
    data = request.POST if request.method == "POST" else None
    if data is not None:
        # Rows sent back are compared with nothing: a row left as it was
        # shown is still a row, not an empty one to skip.
        owners = inventors = None
    owner_rows = OwnerFormSet(
        data,
        initial=owners,
        prefix="owners",
        form_kwargs={
            "institutions": list(institutions_visible_to(user).order_by("name")),
            "enterprises": list(enterprises_visible_to(user).order_by("name")),
        },
    )
    inventor_rows = InventorFormSet(
        data,
        initial=inventors,
        prefix="inventors",
        form_kwargs={"people": list(people_visible_to(user).order_by("full_name", "id"))},
    )
    return owner_rows, inventor_rows


def _rows(formset, key):
    """The filled-in rows that are not removed, and their forms, in order."""
    rows, forms = [], []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        if not any(data.get(name) for name in key):
            continue
        rows.append(data)
        forms.append(form)
    return rows, forms


def _place_error(form, placed, error) -> None:
    """``inventors.1`` goes to the second inventor's row, ``inventors`` above
    the inventors, anything else to the achievement's form."""
    if isinstance(error, ValidationError):
        add_service_error(form, error)
        return
    parts = (error.field or "").split(".")
    if parts[0] in placed:
        formset, forms = placed[parts[0]]
        if len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(forms):
            forms[int(parts[1])].add_error(None, error.message)
        else:
            formset.non_form_errors().append(error.message)
        return
    add_service_error(form, error)


def _achievement_page(request, achievement=None):
    user = request.user
    form = AchievementForm(request.POST or None, instance=achievement, user=user)
    owners, inventors = _share_formsets(request, achievement)
    if request.method == "POST" and all(
        [form.is_valid(), owners.is_valid(), inventors.is_valid()]
    ):
        owner_rows, owner_forms = _rows(owners, ("institution", "enterprise"))
        inventor_rows, inventor_forms = _rows(inventors, ("person",))
        owner_inputs = [
            services.OwnerInput(
                institution=row.get("institution"),
                enterprise=row.get("enterprise"),
                share_percent=row["share_percent"],
            )
            for row in owner_rows
        ]
        inventor_inputs = [
            services.InventorInput(
                person=row["person"],
                contribution_percent=row["contribution_percent"],
                department=row.get("department") or "",
            )
            for row in inventor_rows
        ]
        data = dict(form.cleaned_data)
        projects = list(data.pop("projects", None) or [])
        try:
            if achievement is None:
                saved = services.achievement_create(
                    by=user,
                    owners=owner_inputs,
                    inventors=inventor_inputs,
                    projects=projects,
                    **data,
                )
            else:
                stored = achievements_visible_to(user).get(pk=achievement.pk)
                saved = services.achievement_update(
                    achievement=stored,
                    by=user,
                    owners=owner_inputs,
                    inventors=inventor_inputs,
                    projects=projects,
                    **data,
                )
        except (DomainError, ValidationError) as error:
            _place_error(
                form,
                {"owners": (owners, owner_forms), "inventors": (inventors, inventor_forms)},
                error,
            )
        else:
            messages.success(request, _("%(name)s saved.") % {"name": saved.reference})
            return redirect(saved)
    return form_page(
        request,
        form,
        title=(
            _("Edit %(reference)s") % {"reference": achievement.reference}
            if achievement
            else _("New achievement")
        ),
        crumbs=_crumbs(achievement),
        submit=_("Save") if achievement else _("Record the achievement"),
        cancel_url=(
            achievement.get_absolute_url() if achievement else reverse("achievements:list")
        ),
        formsets=[
            {
                "formset": owners,
                "title": _("Owners"),
                "add": _("Add an owner"),
                "help": _("An institution or an enterprise per row; the shares add up to 100 %."),
            },
            {
                "formset": inventors,
                "title": _("Inventors"),
                "add": _("Add an inventor"),
                "help": _("The contributions add up to 100 %."),
            },
        ],
    )


@staff_view
@require_http_methods(["GET", "POST"])
def achievement_create(request):
    return _achievement_page(request)


@staff_view
@require_http_methods(["GET", "POST"])
def achievement_edit(request, pk):
    achievement = _achievement(request, pk)
    if not may_manage_achievement(request.user, achievement):
        raise PermissionDenied
    return _achievement_page(request, achievement)
